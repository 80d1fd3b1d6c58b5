//! Spans and the records they point at (resource, scope, events, links).

use crate::attr::Attr;
use crate::ids::{SpanId, TraceId};
use crate::store::Sym;
use serde::Serialize;

/// OTLP SpanKind; the discriminants are the protobuf enum values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum SpanKind {
    #[default]
    Unspecified = 0,
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5,
}

impl SpanKind {
    pub fn from_i64(v: i64) -> Option<Self> {
        Some(match v {
            0 => SpanKind::Unspecified,
            1 => SpanKind::Internal,
            2 => SpanKind::Server,
            3 => SpanKind::Client,
            4 => SpanKind::Producer,
            5 => SpanKind::Consumer,
            _ => return None,
        })
    }

    /// Accepts the protobuf enum names (`SPAN_KIND_SERVER`), the ClickHouse
    /// exporter's words (`Server`) and Jaeger/Zipkin's (`server`, `CLIENT`).
    pub fn from_name(s: &str) -> Option<Self> {
        let s = s.strip_prefix("SPAN_KIND_").unwrap_or(s);
        Some(match s.to_ascii_lowercase().as_str() {
            "unspecified" | "" => SpanKind::Unspecified,
            "internal" => SpanKind::Internal,
            "server" => SpanKind::Server,
            "client" => SpanKind::Client,
            "producer" => SpanKind::Producer,
            "consumer" => SpanKind::Consumer,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SpanKind::Unspecified => "unspecified",
            SpanKind::Internal => "internal",
            SpanKind::Server => "server",
            SpanKind::Client => "client",
            SpanKind::Producer => "producer",
            SpanKind::Consumer => "consumer",
        }
    }
}

/// OTLP Status.code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum StatusCode {
    #[default]
    Unset = 0,
    Ok = 1,
    Error = 2,
}

impl StatusCode {
    pub fn from_i64(v: i64) -> Option<Self> {
        Some(match v {
            0 => StatusCode::Unset,
            1 => StatusCode::Ok,
            2 => StatusCode::Error,
            _ => return None,
        })
    }

    /// Accepts `STATUS_CODE_ERROR`, `Error`, `error`.
    pub fn from_name(s: &str) -> Option<Self> {
        let s = s.strip_prefix("STATUS_CODE_").unwrap_or(s);
        Some(match s.to_ascii_lowercase().as_str() {
            "unset" | "" => StatusCode::Unset,
            "ok" => StatusCode::Ok,
            "error" => StatusCode::Error,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            StatusCode::Unset => "unset",
            StatusCode::Ok => "ok",
            StatusCode::Error => "error",
        }
    }
}

/// How a link relates two spans. Links are never tree edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// An OTLP span link.
    #[default]
    Link,
    /// Jaeger's FOLLOWS_FROM reference.
    FollowsFrom,
    /// A CHILD_OF reference whose parent lies in another trace.
    CrossTraceParent,
}

/// A run of entries in one of the store's arenas (`attrs`, `events`, `links`).
///
/// Spans keep their attributes, events and links in store-wide vectors rather
/// than a heap allocation each: a range is 8 bytes where a boxed slice is 16
/// plus an allocation's header, and a million spans mean millions fewer
/// allocations to make, fragment and free.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Range {
    pub start: u32,
    pub len: u32,
}

impl Range {
    pub fn is_empty(self) -> bool {
        self.len == 0
    }
    pub fn as_usize(self) -> std::ops::Range<usize> {
        self.start as usize..self.start as usize + self.len as usize
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub time_ns: u64,
    pub name: Sym,
    /// In `TraceStore::attrs`.
    pub attrs: Range,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    pub trace_id: TraceId,
    pub span_id: SpanId,
    pub trace_state: Sym,
    /// In `TraceStore::attrs`.
    pub attrs: Range,
    pub flags: u32,
    pub kind: LinkKind,
}

impl Link {
    /// A link with nothing set yet, for readers that fill it field by field.
    pub fn blank(empty: Sym) -> Link {
        Link {
            trace_id: TraceId(0),
            span_id: SpanId(0),
            trace_state: empty,
            attrs: Range::default(),
            flags: 0,
            kind: LinkKind::Link,
        }
    }
}

/// The entity that produced spans (a service instance).
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    pub attrs: Box<[Attr]>,
    /// `service.name`, resolved once because every view shows it.
    pub service_name: Sym,
    pub schema_url: Sym,
}

/// The instrumentation scope (library) that produced spans.
#[derive(Debug, Clone, PartialEq)]
pub struct Scope {
    pub name: Sym,
    pub version: Sym,
    pub attrs: Box<[Attr]>,
}

/// One span. Indices (`resource`, `scope`, `source`) point into the [`crate::TraceStore`].
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub trace_id: TraceId,
    pub span_id: SpanId,
    /// `SpanId(0)` on roots.
    pub parent_span_id: SpanId,
    pub start_ns: u64,
    /// `None` while the span has not ended (OTLP sends 0).
    pub end_ns: Option<u64>,
    pub name: Sym,
    pub trace_state: Sym,
    pub status_message: Sym,
    pub resource: u32,
    pub scope: u32,
    /// Which input (file, line batch, query) the span came from.
    pub source: u32,
    pub flags: u32,
    pub kind: SpanKind,
    pub status: StatusCode,
    /// In `TraceStore::attrs`, `events`, `links`.
    pub attrs: Range,
    pub events: Range,
    pub links: Range,
}

impl Span {
    /// A span with nothing set yet, for readers that fill it field by field:
    /// invalid ids, no times, every text `empty` (the store's empty symbol).
    pub fn blank(empty: Sym, scope: u32, source: u32) -> Span {
        Span {
            trace_id: TraceId(0),
            span_id: SpanId(0),
            parent_span_id: SpanId(0),
            start_ns: 0,
            end_ns: None,
            name: empty,
            trace_state: empty,
            status_message: empty,
            resource: 0,
            scope,
            source,
            flags: 0,
            kind: SpanKind::Unspecified,
            status: StatusCode::Unset,
            attrs: Range::default(),
            events: Range::default(),
            links: Range::default(),
        }
    }

    /// Duration in ns, zero for unended spans and for spans that end before they start.
    pub fn duration_ns(&self) -> u64 {
        self.end_ns
            .map(|e| e.saturating_sub(self.start_ns))
            .unwrap_or(0)
    }
}
