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

/// Waterfall rows of trace `t`. With `adjust_skew`, times come from the
/// clock-skew-adjusted view.
pub fn rows(ds: &Dataset, t: usize, adjust_skew: bool) -> Vec<Row> {
    let tree = &ds.traces[t];
    let an = &ds.analyses[t];
    let store = &ds.store;
    let adjusted = adjust_skew.then(|| tree.adjusted_times(store));
    let mut critical = vec![false; tree.len()];
    for &n in &an.critical_nodes {
        critical[n as usize] = true;
    }
    let mut state = vec![None; tree.len()];
    for a in &an.agents {
        state[a.node as usize] = Some(a.state);
    }
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
