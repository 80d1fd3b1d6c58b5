//! Finding traces by id: a trace id (or a prefix of one), or any correlation
//! value (request_id, user_id, thread_id, session.id, ...).

use serde::Serialize;
use tracelens_model::{Dataset, TraceId, NONE};

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct SearchResult {
    pub value: String,
    pub traces: Vec<TraceHits>,
}

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
    SearchResult {
        value: value.to_string(),
        traces,
    }
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
