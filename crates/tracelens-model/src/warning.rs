//! Diagnostics about the data: what was off, where, and what was done about it.

use crate::ids::{SpanId, TraceId};
use serde::Serialize;

/// The stable machine-readable kinds (serialised in snake_case in `--json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum WarningKind {
    /// Input could not be read past some point; what came before is kept.
    ReadError,
    /// Input broke the spec in a way a lenient reader accepted.
    Lenient,
    /// An id that could not be decoded.
    InvalidId,
    /// A span whose parent is not in the data.
    Orphan,
    /// Two spans with one id that are not a client/server pair.
    DuplicateSpanId,
    /// Zipkin-style shared span: client and server halves joined as a pair.
    SharedSpan,
    /// Parent links formed a cycle; the cycle was broken.
    Cycle,
    /// A span named itself as its parent.
    SelfParent,
    /// A child starts before or ends after its parent beyond the tolerance.
    ClockSkew,
    /// A span ends before it starts.
    NegativeDuration,
    /// A reference to a parent in another trace, kept as a link.
    CrossTraceReference,
    /// Too many warnings of one kind in one trace; the rest were counted.
    Suppressed,
    /// Part of the trace is not in the data any more: a bounded live store
    /// evicted its earlier spans, and later ones arrived after that.
    Incomplete,
    /// An input gave no spans at all.
    Empty,
}

impl WarningKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WarningKind::ReadError => "read_error",
            WarningKind::Empty => "empty",
            WarningKind::Lenient => "lenient",
            WarningKind::InvalidId => "invalid_id",
            WarningKind::Orphan => "orphan",
            WarningKind::DuplicateSpanId => "duplicate_span_id",
            WarningKind::SharedSpan => "shared_span",
            WarningKind::Cycle => "cycle",
            WarningKind::SelfParent => "self_parent",
            WarningKind::ClockSkew => "clock_skew",
            WarningKind::NegativeDuration => "negative_duration",
            WarningKind::CrossTraceReference => "cross_trace_reference",
            WarningKind::Suppressed => "suppressed",
            WarningKind::Incomplete => "incomplete",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct Warning {
    pub kind: WarningKind,
    #[serde(serialize_with = "ser_opt_trace")]
    #[ts(type = "string | null")]
    pub trace_id: Option<TraceId>,
    #[serde(serialize_with = "ser_opt_span")]
    #[ts(type = "string | null")]
    pub span_id: Option<SpanId>,
    pub message: String,
}

impl Warning {
    pub fn new(kind: WarningKind, message: impl Into<String>) -> Self {
        Warning {
            kind,
            trace_id: None,
            span_id: None,
            message: message.into(),
        }
    }
    pub fn trace(mut self, t: TraceId) -> Self {
        self.trace_id = Some(t);
        self
    }
    pub fn span(mut self, s: SpanId) -> Self {
        self.span_id = Some(s);
        self
    }
}

fn ser_opt_trace<S: serde::Serializer>(v: &Option<TraceId>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(t) => s.collect_str(t),
        None => s.serialize_none(),
    }
}
fn ser_opt_span<S: serde::Serializer>(v: &Option<SpanId>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(t) => s.collect_str(t),
        None => s.serialize_none(),
    }
}

/// Caps warnings of one kind per trace so that a million orphans do not make a
/// million lines: the first `limit` are kept, the rest summed in one line.
#[derive(Debug, Default)]
pub struct WarningSink {
    pub warnings: Vec<Warning>,
    counts: std::collections::HashMap<(Option<TraceId>, WarningKind), usize>,
    limit: usize,
}

impl WarningSink {
    pub fn with_limit(limit: usize) -> Self {
        WarningSink {
            warnings: Vec::new(),
            counts: Default::default(),
            limit,
        }
    }

    pub fn push(&mut self, w: Warning) {
        let c = self.counts.entry((w.trace_id, w.kind)).or_insert(0);
        *c += 1;
        if *c <= self.limit {
            self.warnings.push(w);
        }
    }

    /// Appends one `suppressed` line per (trace, kind) that went over the limit.
    pub fn finish(mut self) -> Vec<Warning> {
        let mut over: Vec<_> = self
            .counts
            .iter()
            .filter(|(_, &c)| c > self.limit)
            .map(|(&(t, k), &c)| (t, k, c))
            .collect();
        over.sort_by_key(|&(t, k, _)| (t, k));
        for (t, k, c) in over {
            let mut w = Warning::new(
                WarningKind::Suppressed,
                format!("{} more {} warnings not listed", c - self.limit, k.as_str()),
            );
            w.trace_id = t;
            self.warnings.push(w);
        }
        self.warnings
    }
}
