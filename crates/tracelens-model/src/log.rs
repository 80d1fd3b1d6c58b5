//! Log records: OpenTelemetry logs, application log lines and captured
//! lifecycle events, all one shape.
//!
//! The audited backend logs with request_id, user_id and trace_id in its
//! context and its WebSocket bridge sends lifecycle events; a record of
//! either kind is a [`LogRecord`] in the store beside the spans, and
//! [`crate::LogIndex`] places it on the span it belongs to.

use crate::attr::AttrValue;
use crate::ids::{SpanId, TraceId};
use crate::span::Range;
use crate::store::Sym;
use serde::Serialize;

/// The OTLP severity ranges, coarsened to what people filter by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum Level {
    Unset = 0,
    Trace = 1,
    Debug = 2,
    Info = 3,
    Warn = 4,
    Error = 5,
    Fatal = 6,
}

impl Level {
    pub const ALL: [Level; 7] = [
        Level::Unset,
        Level::Trace,
        Level::Debug,
        Level::Info,
        Level::Warn,
        Level::Error,
        Level::Fatal,
    ];

    /// The level of an OTLP SeverityNumber (1-4 trace, 5-8 debug, ... 21-24 fatal).
    pub fn of_number(n: u8) -> Level {
        match n {
            1..=4 => Level::Trace,
            5..=8 => Level::Debug,
            9..=12 => Level::Info,
            13..=16 => Level::Warn,
            17..=20 => Level::Error,
            21.. => Level::Fatal,
            0 => Level::Unset,
        }
    }

    /// The first SeverityNumber of the level's range.
    pub fn number(self) -> u8 {
        match self {
            Level::Unset => 0,
            Level::Trace => 1,
            Level::Debug => 5,
            Level::Info => 9,
            Level::Warn => 13,
            Level::Error => 17,
            Level::Fatal => 21,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Unset => "unset",
            Level::Trace => "trace",
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
            Level::Fatal => "fatal",
        }
    }

    /// Reads the level words loggers write: Python's `WARNING` and
    /// `CRITICAL`, Go's `warn`, Serilog's `Information`, syslog's `err`,
    /// OTLP's `SEVERITY_NUMBER_WARN`, in any case.
    pub fn parse(s: &str) -> Option<Level> {
        let s = s.trim();
        let s = s.strip_prefix("SEVERITY_NUMBER_").unwrap_or(s);
        let lower = s.to_ascii_lowercase();
        // OTLP's WARN2..4, INFO2..: the digit is a finer step in the range.
        let word = lower.trim_end_matches(|c: char| c.is_ascii_digit());
        Some(match word {
            "trace" | "verbose" | "vrb" | "trc" | "finest" | "finer" => Level::Trace,
            "debug" | "dbg" | "fine" => Level::Debug,
            "info" | "information" | "inf" | "notice" | "informational" => Level::Info,
            "warn" | "warning" | "wrn" => Level::Warn,
            "error" | "err" | "eror" | "severe" | "exception" => Level::Error,
            "fatal" | "critical" | "crit" | "ftl" | "panic" | "dpanic" | "alert" | "emerg"
            | "emergency" => Level::Fatal,
            "unspecified" | "" => Level::Unset,
            _ => return None,
        })
    }

    /// pino's and bunyan's numeric levels (10 trace ... 60 fatal).
    pub fn of_pino(n: i64) -> Option<Level> {
        Some(match n {
            10 => Level::Trace,
            20 => Level::Debug,
            30 => Level::Info,
            40 => Level::Warn,
            50 => Level::Error,
            60 => Level::Fatal,
            _ => return None,
        })
    }
}

/// What kind of record it is, for the lifecycle analysis and the panels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum RecordKind {
    /// An ordinary log line.
    #[default]
    Log = 0,
    /// A named event (OTLP `event.name` / `eventName`, e.g. `gen_ai.choice`).
    Event = 1,
    /// A backend lifecycle event (agent_started ... agent_completed).
    Lifecycle = 2,
}

/// One log record. Strings are interned in the store; attributes live in the
/// store's attribute arena like a span's.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRecord {
    /// When it happened; `observed_ns` when the producer gave no time, 0
    /// when neither is known.
    pub time_ns: u64,
    pub observed_ns: u64,
    /// `TraceId(0)` / `SpanId(0)` when the record names none.
    pub trace_id: TraceId,
    pub span_id: SpanId,
    /// OTLP SeverityNumber (0 unset, 1..=24).
    pub severity: u8,
    /// The producer's own word for it (`WARNING`, `Information`).
    pub severity_text: Sym,
    pub body: AttrValue,
    /// `event.name` / `eventName`, or the lifecycle event's name; empty otherwise.
    pub event_name: Sym,
    pub kind: RecordKind,
    /// In `TraceStore::attrs`.
    pub attrs: Range,
    pub resource: u32,
    pub scope: u32,
    pub source: u32,
    pub flags: u32,
}

impl LogRecord {
    /// A record with nothing set yet, for readers that fill it field by field.
    pub fn blank(empty: Sym, source: u32) -> LogRecord {
        LogRecord {
            time_ns: 0,
            observed_ns: 0,
            trace_id: TraceId(0),
            span_id: SpanId(0),
            severity: 0,
            severity_text: empty,
            body: AttrValue::Empty,
            event_name: empty,
            kind: RecordKind::Log,
            attrs: Range::default(),
            resource: 0,
            scope: 0,
            source,
            flags: 0,
        }
    }

    pub fn level(&self) -> Level {
        Level::of_number(self.severity)
    }

    /// The time to place it by: its own, else when it was observed.
    pub fn when_ns(&self) -> u64 {
        if self.time_ns != 0 {
            self.time_ns
        } else {
            self.observed_ns
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_read_the_words_loggers_write() {
        for (w, l) in [
            ("WARNING", Level::Warn),
            ("warn", Level::Warn),
            ("Information", Level::Info),
            ("CRITICAL", Level::Fatal),
            ("SEVERITY_NUMBER_ERROR", Level::Error),
            ("INFO2", Level::Info),
            ("err", Level::Error),
            ("dpanic", Level::Fatal),
        ] {
            assert_eq!(Level::parse(w), Some(l), "{w}");
        }
        assert_eq!(Level::parse("loud"), None);
        assert_eq!(Level::of_number(13), Level::Warn);
        assert_eq!(Level::of_number(24), Level::Fatal);
        assert_eq!(Level::of_number(Level::Error.number()), Level::Error);
        assert_eq!(Level::of_pino(50), Some(Level::Error));
    }
}
