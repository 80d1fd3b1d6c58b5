//! Finding traces by id: a trace id (or a prefix of one), or any correlation
//! value (request_id, user_id, thread_id, session.id, ...).

use serde::Serialize;
use tracelens_model::{Dataset, TraceId, NONE};

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct SearchResult {
    pub value: String,
    pub traces: Vec<TraceHits>,
    /// Log records that carry the value (as their trace or span id, or in
    /// a correlation field), the first [`MAX_LOG_HITS`] in time order.
    pub logs: Vec<crate::logs::LogLine>,
    /// All the log records that carry it.
    pub log_count: u64,
}

/// Log records listed per search; the rest are counted.
pub const MAX_LOG_HITS: usize = 200;

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct TraceHits {
    pub trace_id: String,
    pub root_name: String,
    pub hits: Vec<SpanHit>,
}

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct SpanHit {
    pub span_id: String,
    pub name: String,
    pub key: String,
}

pub fn search(ds: &mut Dataset, value: &str) -> SearchResult {
    let hits: Vec<_> = ds.correlation().lookup(value).to_vec();
    let store = &ds.store;
    let mut traces: Vec<TraceHits> = Vec::new();
    for h in hits {
        let tree = &ds.traces[h.trace as usize];
        let node = &tree.nodes[h.node as usize];
        if node.span == NONE {
            continue;
        }
        let sp = &store.spans[node.span as usize];
        let tid = tree.trace_id.to_string();
        if traces.last().is_none_or(|t| t.trace_id != tid) {
            let root_name = crate::summary::trace_summary(ds, h.trace as usize).root_name;
            traces.push(TraceHits {
                trace_id: tid,
                root_name,
                hits: Vec::new(),
            });
        }
        if let Some(t) = traces.last_mut() {
            t.hits.push(SpanHit {
                span_id: sp.span_id.to_string(),
                name: store.resolve(sp.name).to_string(),
                key: store.resolve(h.key).to_string(),
            });
        }
    }
    let (logs, log_count) = log_hits(ds, value);
    SearchResult {
        value: value.to_string(),
        traces,
        logs,
        log_count,
    }
}

/// The log records carrying `value`: a scan of the records (a search is
/// one question, and records are not in the span index).
fn log_hits(ds: &Dataset, value: &str) -> (Vec<crate::logs::LogLine>, u64) {
    let store = &ds.store;
    let want = value.trim();
    if want.is_empty() {
        return (Vec::new(), 0);
    }
    let lower = want.to_ascii_lowercase();
    let as_trace = TraceId::from_hex(&lower).ok().filter(|t| t.is_valid());
    let as_span = tracelens_model::SpanId::from_hex(&lower)
        .ok()
        .filter(|s| s.is_valid());
    let mut key_ok: std::collections::HashMap<tracelens_model::Sym, bool> = Default::default();
    let mut found: Vec<u32> = Vec::new();
    for (k, rec) in store.logs.iter().enumerate() {
        let by_id = as_trace.is_some_and(|t| rec.trace_id == t)
            || as_span.is_some_and(|s| rec.span_id == s);
        let by_attr = |key_ok: &mut std::collections::HashMap<_, bool>| {
            store.attrs_of(rec.attrs).iter().any(|a| {
                *key_ok.entry(a.key).or_insert_with(|| {
                    tracelens_model::correlate::is_correlation_key(store.resolve(a.key))
                }) && store.value_text(&a.value) == want
            })
        };
        if by_id || by_attr(&mut key_ok) {
            found.push(k as u32);
        }
    }
    found.sort_by_key(|&k| (store.logs[k as usize].when_ns(), k));
    let count = found.len() as u64;
    let lines = found
        .into_iter()
        .take(MAX_LOG_HITS)
        .map(|k| crate::logs::log_line(ds, k))
        .collect();
    (lines, count)
}

/// What a failed [`find_trace`] or [`crate::find_span`] means, in the words
/// every front uses: `what` is "trace" or "span", `place` where it was looked
/// for, `candidates` what the lookup returned.
pub fn lookup_failure(what: &str, id: &str, place: &str, candidates: &[String]) -> String {
    if candidates.is_empty() {
        format!("no {what} with id {id:?} in {place}")
    } else {
        format!(
            "{what} id prefix {id:?} is ambiguous: {}",
            candidates.join(", ")
        )
    }
}

/// Finds a trace by full id (any case, short ids left-padded) or by a unique
/// prefix of its 32-digit form. `Err` lists the candidates when ambiguous.
pub fn find_trace(ds: &Dataset, id: &str) -> Result<usize, Vec<String>> {
    let id = id.trim().to_ascii_lowercase();
    if let Ok(t) = TraceId::from_hex(&id) {
        if let Some(i) = ds.trace_index(t) {
            return Ok(i as usize);
        }
    }
    let matches: Vec<usize> = ds
        .traces
        .iter()
        .enumerate()
        .filter(|(_, t)| t.trace_id.to_string().starts_with(&id))
        .map(|(i, _)| i)
        .collect();
    match matches.as_slice() {
        [one] => Ok(*one),
        _ => Err(matches
            .iter()
            .map(|&i| ds.traces[i].trace_id.to_string())
            .collect()),
    }
}
