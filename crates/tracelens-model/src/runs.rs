//! Which runs a view across runs covers: the trace list's filters (text,
//! minimum duration), so the Overview, health, sessions and the calls table
//! show the runs the list shows.

use crate::dataset::Dataset;
use crate::tree::NONE;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunFilter {
    /// Text (any case) in the root span's name, the trace id, a service,
    /// an agent's name or state, or one of the run's ids ([`run_ids`]), as
    /// the trace list matches it.
    pub text: Option<String>,
    /// Runs at least this long.
    pub min_duration_ns: u64,
}

impl RunFilter {
    pub fn is_empty(&self) -> bool {
        self.text.as_deref().is_none_or(|t| t.trim().is_empty()) && self.min_duration_ns == 0
    }

    /// Whether trace `t` of `ds` passes.
    pub fn keeps(&self, ds: &Dataset, t: usize) -> bool {
        let Some(tree) = ds.traces.get(t) else {
            return false;
        };
        if tree.duration_ns() < self.min_duration_ns {
            return false;
        }
        let Some(q) = self
            .text
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_lowercase)
        else {
            return true;
        };
        let st = &ds.store;
        let has = |s: &str| s.to_lowercase().contains(&q);
        if has(&tree.trace_id.to_string()) {
            return true;
        }
        if let Some(r) = tree.primary_root() {
            let n = &tree.nodes[r as usize];
            if n.span != NONE && has(st.resolve(st.spans[n.span as usize].name)) {
                return true;
            }
        }
        if ds.analyses[t]
            .agents
            .iter()
            .any(|a| has(a.state.as_str()) || has(&a.name))
        {
            return true;
        }
        if run_ids(ds, t).iter().any(|(_, v)| has(v)) {
            return true;
        }
        tree.nodes
            .iter()
            .filter(|n| n.span != NONE)
            .any(|n| has(st.service_of(&st.spans[n.span as usize])))
    }
}

/// The most ids a summary carries.
const MAX_IDS: usize = 3;

/// Which correlation keys people look a run up by, best first.
fn id_rank(key: &str) -> usize {
    const ORDER: &[&str] = &[
        "user",
        "request",
        "session",
        "thread",
        "conversation",
        "correlation",
    ];
    let k = key.to_ascii_lowercase();
    ORDER
        .iter()
        .position(|w| k.contains(w))
        .unwrap_or(ORDER.len())
}

/// The ids run `t` is known by, from its root span and its resource:
/// user, request, session, thread, conversation ids first, at most three,
/// as `(key, value)`; where the process ran (host.id, ...) left out. What
/// the trace list shows beside a run and its text filter matches.
pub fn run_ids(ds: &Dataset, t: usize) -> Vec<(String, String)> {
    let tree = &ds.traces[t];
    let st = &ds.store;
    let Some(root) = tree.primary_root() else {
        return Vec::new();
    };
    let node = &tree.nodes[root as usize];
    if node.is_placeholder() {
        return Vec::new();
    }
    let span = &st.spans[node.span as usize];
    let resource: &[crate::attr::Attr] = st
        .resources
        .get(span.resource as usize)
        .map_or(&[], |r| &r.attrs);
    let mut ids: Vec<(String, String)> = st
        .attrs_of(span.attrs)
        .iter()
        .chain(resource)
        .filter_map(|a| {
            let key = st.resolve(a.key);
            // The process's own ids (host.id, service.instance.id, ...) name
            // where it ran, not the run.
            const WHERE: &[&str] = &[
                "host.",
                "service.",
                "process.",
                "container.",
                "k8s.",
                "cloud.",
                "os.",
                "device.",
                "telemetry.",
            ];
            if !crate::correlate::is_correlation_key(key)
                || key.contains("trace")
                || key.contains("span")
                || WHERE.iter().any(|w| key.starts_with(w))
            {
                return None;
            }
            let v = crate::correlate::id_text(st, &a.value)?;
            (v.len() <= 200).then(|| (key.to_string(), v))
        })
        .collect();
    ids.sort_by_key(|(k, _)| id_rank(k));
    ids.dedup_by(|a, b| a.0 == b.0);
    ids.truncate(MAX_IDS);
    ids
}
