//! The logs document: log records and captured events, each with the span
//! it was placed on, filtered by trace, span, level and text. The JSON of
//! `tracelens logs --json` (docs/cli.md) and of the logs panel.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tracelens_model::{AttachRule, Dataset, Level, LogIndex, RecordKind, NONE};

/// Which records to list.
#[derive(Debug, Clone, Default)]
pub struct LogFilter {
    /// Only the records placed on this trace (an index of the dataset).
    pub trace: Option<usize>,
    /// Only those placed on this node of that trace.
    pub span: Option<u32>,
    /// Only records at least this severe.
    pub min_level: Option<Level>,
    /// Only records whose body, event name or attribute values contain
    /// this text (any case).
    pub text: Option<String>,
    /// Records passed over before the first listed (a page's start).
    pub offset: usize,
    /// At most this many records (the first in time order after
    /// `offset`); `matched` still counts them all.
    pub limit: Option<usize>,
}

/// The logs question as a front asks it (the HTTP query, the desktop
/// command's argument): ids and words, turned into a [`LogFilter`] by
/// [`crate::Session::logs`].
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct LogQuery {
    /// A trace id (or unique prefix); none: every record.
    #[ts(optional)]
    pub trace: Option<String>,
    /// A node of that trace: only the records placed on it.
    #[ts(optional)]
    pub node: Option<u32>,
    /// The least level shown ("warn", "error", ...).
    #[ts(optional)]
    pub level: Option<String>,
    /// Text the body, event name or an attribute value contains.
    #[ts(optional)]
    pub q: Option<String>,
    pub offset: usize,
    /// At most [`MAX_PAGE`].
    #[ts(optional)]
    pub limit: Option<usize>,
}

/// The most records one page of a [`LogQuery`] lists.
pub const MAX_PAGE: usize = 5_000;

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct LogsDoc {
    pub records: Vec<LogLine>,
    /// The filter's offset: `records[0]` is match number `offset`.
    pub offset: u64,
    /// Records that passed the filter (more than `records` when limited).
    pub matched: u64,
    /// Records in the data.
    pub total: u64,
    pub attach: AttachCounts,
    /// When the filter names a span: its prompt and completion as turns,
    /// from its GenAI message records or its own message attributes
    /// ([`crate::conversation`]); empty otherwise.
    pub conversation: Vec<crate::conversation::ChatTurn>,
}

/// One record as the fronts show it.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct LogLine {
    /// The record's index in the data, for asking about it again.
    pub index: u32,
    /// Its time, or when it was observed; 0 when neither is known.
    pub time_unix_nano: u64,
    pub level: Level,
    /// The producer's own word (`WARNING`, `Information`), "" when none.
    pub severity_text: String,
    /// The body as text (structured bodies as `{key=value, ...}`).
    pub body: String,
    pub event_name: Option<String>,
    pub kind: RecordKind,
    /// The trace it was placed on, else the trace id it named.
    pub trace_id: Option<String>,
    /// The span it was placed on, else the span id it named.
    pub span_id: Option<String>,
    /// The name of the span it was placed on.
    pub span_name: Option<String>,
    /// That span's node in its trace's tree (what a front selects).
    pub node: Option<u32>,
    pub attached_by: AttachRule,
    pub service: Option<String>,
    /// The logger (instrumentation scope) that wrote it.
    pub logger: Option<String>,
    pub attributes: BTreeMap<String, String>,
}

/// How many records each rule placed.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct AttachCounts {
    pub records: u64,
    pub by_span_id: u64,
    pub by_trace_time: u64,
    pub by_correlation: u64,
    pub unattached: u64,
}

impl AttachCounts {
    pub fn of(idx: &LogIndex) -> AttachCounts {
        AttachCounts {
            records: idx.places.len() as u64,
            by_span_id: idx.count(AttachRule::SpanId),
            by_trace_time: idx.count(AttachRule::TraceTime),
            by_correlation: idx.count(AttachRule::Correlation),
            unattached: idx.count(AttachRule::Unattached),
        }
    }
}

/// A level as a front's user gives it ("warn", "ERROR", "warning").
pub fn parse_level(s: &str) -> crate::ServiceResult<Level> {
    Level::parse(s).ok_or_else(|| {
        crate::ServiceError::Invalid(format!(
            "{s:?} is not a level: trace, debug, info, warn, error or fatal"
        ))
    })
}

/// The records of `ds` that pass `f`, in time order.
pub fn logs(ds: &Dataset, f: &LogFilter) -> LogsDoc {
    let store = &ds.store;
    let idx = &ds.logs;
    let candidates: Vec<u32> = match f.trace {
        Some(t) => idx
            .of_trace(t as u32)
            .iter()
            .copied()
            .filter(|&k| f.span.is_none_or(|n| idx.places[k as usize].node == n))
            .collect(),
        None => {
            // Keys gathered first: looked up per comparison, the records'
            // times would cost a cache miss each.
            let mut keyed: Vec<(u64, u32)> = store
                .logs
                .iter()
                .enumerate()
                .map(|(k, r)| (r.when_ns(), k as u32))
                .collect();
            keyed.sort_unstable();
            keyed.into_iter().map(|(_, k)| k).collect()
        }
    };
    let conversation = match (f.trace, f.span) {
        (Some(t), Some(n)) => {
            let tree = &ds.traces[t];
            let attrs = tree
                .nodes
                .get(n as usize)
                .filter(|node| !node.is_placeholder())
                .map_or(&[][..], |node| {
                    store.attrs_of(store.spans[node.span as usize].attrs)
                });
            crate::conversation::conversation(ds, &candidates, attrs)
        }
        _ => Vec::new(),
    };
    let needle = f
        .text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_lowercase);
    let mut records = Vec::new();
    let mut matched = 0u64;
    let limit = f.limit.unwrap_or(usize::MAX);
    for k in candidates {
        let rec = &store.logs[k as usize];
        if f.min_level.is_some_and(|l| rec.level() < l) {
            continue;
        }
        if let Some(n) = &needle {
            if !record_contains(ds, k, n) {
                continue;
            }
        }
        matched += 1;
        if matched as usize > f.offset && records.len() < limit {
            records.push(log_line(ds, k));
        }
    }
    LogsDoc {
        records,
        offset: f.offset as u64,
        matched,
        total: store.logs.len() as u64,
        attach: AttachCounts::of(idx),
        conversation,
    }
}

/// Whether record `k`'s body, event name or an attribute value contains
/// `needle` (already lower case).
fn record_contains(ds: &Dataset, k: u32, needle: &str) -> bool {
    let store = &ds.store;
    let rec = &store.logs[k as usize];
    let has = |s: &str| s.to_lowercase().contains(needle);
    has(&store.value_text(&rec.body))
        || has(store.resolve(rec.event_name))
        || store
            .attrs_of(rec.attrs)
            .iter()
            .any(|a| has(&store.value_text(&a.value)))
}

/// Record `k` as a line of the document.
pub fn log_line(ds: &Dataset, k: u32) -> LogLine {
    let store = &ds.store;
    let rec = &store.logs[k as usize];
    let place = ds.logs.places[k as usize];
    let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
    let tree = (place.trace != NONE).then(|| &ds.traces[place.trace as usize]);
    let (trace_id, span_id, span_name) = match tree {
        Some(tree) if place.node != NONE => {
            let n = &tree.nodes[place.node as usize];
            let name = if n.is_placeholder() {
                format!("(missing span {})", tree.span_id(store, place.node))
            } else {
                store.resolve(store.spans[n.span as usize].name).to_string()
            };
            (
                Some(tree.trace_id.to_string()),
                Some(tree.span_id(store, place.node).to_string()),
                Some(name),
            )
        }
        _ => (
            rec.trace_id.is_valid().then(|| rec.trace_id.to_string()),
            rec.span_id.is_valid().then(|| rec.span_id.to_string()),
            None,
        ),
    };
    let logger = store
        .scopes
        .get(rec.scope as usize)
        .map(|s| store.resolve(s.name))
        .and_then(some);
    LogLine {
        index: k,
        time_unix_nano: rec.when_ns(),
        level: rec.level(),
        severity_text: store.resolve(rec.severity_text).to_string(),
        body: store.value_text(&rec.body),
        event_name: some(store.resolve(rec.event_name)),
        kind: rec.kind,
        trace_id,
        span_id,
        span_name,
        node: (place.node != NONE).then_some(place.node),
        attached_by: place.rule,
        service: some(store.service_of_log(rec)),
        logger,
        attributes: store
            .attrs_of(rec.attrs)
            .iter()
            .map(|a| (store.resolve(a.key).to_string(), store.value_text(&a.value)))
            .collect(),
    }
}

/// Records of trace `t` by level, the levels that occur only.
pub fn level_counts(ds: &Dataset, t: usize) -> BTreeMap<&'static str, u64> {
    let mut out = BTreeMap::new();
    for &k in ds.logs.of_trace(t as u32) {
        *out.entry(ds.store.logs[k as usize].level().as_str())
            .or_insert(0) += 1;
    }
    out
}
