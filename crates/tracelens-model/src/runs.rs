//! Which runs a view across runs covers: the trace list's filters (text,
//! minimum duration), so the Overview, health, sessions and the calls table
//! show the runs the list shows.

use crate::dataset::Dataset;
use crate::tree::NONE;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunFilter {
    /// Text (any case) in the root span's name, the trace id, a service or
    /// an agent's state, as the trace list matches it.
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
        if ds.analyses[t].agents.iter().any(|a| has(a.state.as_str())) {
            return true;
        }
        tree.nodes
            .iter()
            .filter(|n| n.span != NONE)
            .any(|n| has(st.service_of(&st.spans[n.span as usize])))
    }
}
