//! Rows of a trace in waterfall order: what a tree view, a text tree or the
//! UI's columns are drawn from.

use serde::Serialize;
use tracelens_model::{AgentState, Dataset, NodeFlags, SpanClass, StatusCode, NONE};

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub node: u32,
    pub depth: u32,
    pub span_id: String,
    pub name: String,
    pub service: String,
    /// Start relative to the trace's start.
    pub offset_ns: u64,
    pub duration_ns: u64,
    pub self_ns: u64,
    pub class: SpanClass,
    pub error: bool,
    pub critical: bool,
    pub open: bool,
    pub placeholder: bool,
    pub orphan: bool,
    pub duplicate: bool,
    pub skewed: bool,
    pub cycle_broken: bool,
    pub state: Option<AgentState>,
}

/// Per node of trace `t`: whether it is on the critical path, and its
/// agent state if it is an agent: what rows and the filter's terms read.
pub(crate) fn node_marks(ds: &Dataset, t: usize) -> (Vec<bool>, Vec<Option<AgentState>>) {
    let (tree, an) = (&ds.traces[t], &ds.analyses[t]);
    let mut critical = vec![false; tree.len()];
    for &n in &an.critical_nodes {
        if let Some(c) = critical.get_mut(n as usize) {
            *c = true;
        }
    }
    let mut state = vec![None; tree.len()];
    for a in &an.agents {
        if let Some(s) = state.get_mut(a.node as usize) {
            *s = Some(a.state);
        }
    }
    (critical, state)
}

/// Waterfall rows of trace `t`. With `adjust_skew`, times come from the
/// clock-skew-adjusted view.
pub fn rows(ds: &Dataset, t: usize, adjust_skew: bool) -> Vec<Row> {
    let tree = &ds.traces[t];
    let an = &ds.analyses[t];
    let store = &ds.store;
    let adjusted = adjust_skew.then(|| tree.adjusted_times(store));
    let (critical, state) = node_marks(ds, t);
    let base = match &adjusted {
        Some(adj) => adj.iter().map(|x| x.0).min().unwrap_or(tree.start_ns),
        None => tree.start_ns,
    };
    tree.preorder
        .iter()
        .map(|&i| {
            let node = &tree.nodes[i as usize];
            let (s, e) = match &adjusted {
                Some(adj) => adj[i as usize],
                None => (node.start_ns, node.end_ns),
            };
            let f = node.flags;
            let (span_id, name, service, error) = if node.span == NONE {
                let id = tree.span_id(store, i);
                (
                    id.to_string(),
                    format!("(missing span {id})"),
                    String::new(),
                    false,
                )
            } else {
                let sp = &store.spans[node.span as usize];
                (
                    sp.span_id.to_string(),
                    store.resolve(sp.name).to_string(),
                    store.service_of(sp).to_string(),
                    sp.status == StatusCode::Error,
                )
            };
            Row {
                node: i,
                depth: tree.depth[i as usize],
                span_id,
                name,
                service,
                offset_ns: s.saturating_sub(base),
                duration_ns: e - s,
                self_ns: an.self_ns[i as usize],
                class: an.class[i as usize],
                error,
                critical: critical[i as usize],
                open: f.has(NodeFlags::OPEN),
                placeholder: f.has(NodeFlags::PLACEHOLDER),
                orphan: f.has(NodeFlags::ORPHAN),
                duplicate: f.has(NodeFlags::DUPLICATE),
                skewed: f.has(NodeFlags::SKEWED),
                cycle_broken: f.has(NodeFlags::CYCLE_BROKEN) || f.has(NodeFlags::SELF_PARENT),
                state: state[i as usize],
            }
        })
        .collect()
}

/// Which rows a text tree keeps: the fronts' `--errors`, `--max-depth` and
/// `--min-duration`.
#[derive(Debug, Clone, Copy, Default)]
pub struct RowFilter {
    /// Only problem rows (an error status, a failed, timed-out or dead
    /// agent, an orphan, a missing parent, clock skew) and their ancestors.
    pub problems_only: bool,
    /// Rows at most this deep (the roots are depth 0).
    pub max_depth: Option<u32>,
    /// Rows lasting at least this long (an ancestor of a kept row stays).
    pub min_duration_ns: Option<u64>,
}

impl RowFilter {
    pub fn is_empty(&self) -> bool {
        !self.problems_only && self.max_depth.is_none() && self.min_duration_ns.is_none()
    }
}

/// Whether a row is one a failure hunt looks for.
pub fn is_problem(r: &Row) -> bool {
    r.error || r.orphan || r.placeholder || r.skewed || r.state.is_some_and(AgentState::is_problem)
}

/// `rows` (in waterfall order, as [`rows`] gives them) narrowed by `f`: a
/// row is kept when it passes every filter, and so is each of its
/// ancestors, so that what is kept still reads as a tree. Returns the kept
/// rows and how many were left out.
pub fn filter_rows(rows: Vec<Row>, f: &RowFilter) -> (Vec<Row>, usize) {
    if f.is_empty() {
        return (rows, 0);
    }
    let keep: Vec<bool> =
        tracelens_model::tree::keep_with_ancestors(rows.iter().map(|r| r.depth), |i| {
            let r = &rows[i];
            f.max_depth.is_none_or(|d| r.depth <= d)
                && f.min_duration_ns.is_none_or(|m| r.duration_ns >= m)
                && (!f.problems_only || is_problem(r))
        })
        .into_iter()
        .map(|m| m != tracelens_model::tree::ROW_HIDDEN)
        .collect();
    let total = rows.len();
    let kept: Vec<Row> = rows
        .into_iter()
        .zip(keep)
        .filter_map(|(r, k)| k.then_some(r))
        .collect();
    let hidden = total - kept.len();
    (kept, hidden)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(depth: u32, dur: u64, error: bool) -> Row {
        Row {
            node: 0,
            depth,
            span_id: String::new(),
            name: format!("d{depth} {dur}"),
            service: String::new(),
            offset_ns: 0,
            duration_ns: dur,
            self_ns: 0,
            class: SpanClass::Other,
            error,
            critical: false,
            open: false,
            placeholder: false,
            orphan: false,
            duplicate: false,
            skewed: false,
            cycle_broken: false,
            state: None,
        }
    }

    fn names(rows: &[Row]) -> Vec<&str> {
        rows.iter().map(|r| r.name.as_str()).collect()
    }

    /// root(100) > a(50) > a1(5, error); root > b(40) > b1(30)
    fn sample() -> Vec<Row> {
        vec![
            row(0, 100, false),
            row(1, 50, false),
            row(2, 5, true),
            row(1, 40, false),
            row(2, 30, false),
        ]
    }

    #[test]
    fn problems_keep_their_ancestors_only() {
        let f = RowFilter {
            problems_only: true,
            ..RowFilter::default()
        };
        let (kept, hidden) = filter_rows(sample(), &f);
        assert_eq!(names(&kept), ["d0 100", "d1 50", "d2 5"]);
        assert_eq!(hidden, 2);
    }

    #[test]
    fn depth_and_duration_narrow_and_combine() {
        let depth = RowFilter {
            max_depth: Some(1),
            ..RowFilter::default()
        };
        assert_eq!(
            names(&filter_rows(sample(), &depth).0),
            ["d0 100", "d1 50", "d1 40"]
        );
        let long = RowFilter {
            min_duration_ns: Some(30),
            ..RowFilter::default()
        };
        assert_eq!(
            names(&filter_rows(sample(), &long).0),
            ["d0 100", "d1 50", "d1 40", "d2 30"]
        );
        let both = RowFilter {
            problems_only: true,
            min_duration_ns: Some(10),
            ..RowFilter::default()
        };
        // The only problem is too short: nothing is left.
        let (kept, hidden) = filter_rows(sample(), &both);
        assert!(kept.is_empty());
        assert_eq!(hidden, 5);
    }
}
