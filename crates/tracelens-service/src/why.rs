//! Why a trace failed: its problems, and the chain from each failure down
//! to where it began (the model's `cause` analysis), as one document for
//! every front: `tracelens why --json`, the details pane's "why", the
//! next/previous-problem keys.

use serde::Serialize;
use tracelens_model::cause::{self, CauseChain};
use tracelens_model::{Dataset, ProblemKind};

/// One span of a problem list or a chain, named for people.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ProblemStep {
    /// The node (the columns' `node`) and its span id (empty for a
    /// placeholder).
    pub node: u32,
    pub span_id: String,
    pub name: String,
    pub service: String,
    pub kind: ProblemKind,
    /// The agent's reason, the error or exception, where the time went.
    pub detail: String,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct ChainDoc {
    /// The problem first, its cause last.
    pub steps: Vec<ProblemStep>,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct WhyDoc {
    pub trace_id: String,
    pub root_name: String,
    /// Every problem of the trace in waterfall order (for next/previous).
    pub problems: Vec<ProblemStep>,
    /// Each failure once: as a chain's head or as a step of one.
    pub chains: Vec<ChainDoc>,
}

fn step(ds: &Dataset, t: usize, node: u32, kind: ProblemKind, detail: String) -> ProblemStep {
    let tree = &ds.traces[t];
    let (name, service) = ds.node_name(t, node);
    let (name, service) = (name.into_owned(), service.to_string());
    // A placeholder's id is the missing span's: the id its children and
    // records name.
    let span_id = tree.span_id(&ds.store, node).to_string();
    ProblemStep {
        node,
        span_id,
        name,
        service,
        kind,
        detail,
    }
}

fn chain_doc(ds: &Dataset, t: usize, c: CauseChain) -> ChainDoc {
    ChainDoc {
        steps: c
            .steps
            .into_iter()
            .map(|s| step(ds, t, s.node, s.kind, s.detail))
            .collect(),
    }
}

/// The problems and chains of trace `t`; with `node`, only the chain from
/// that node (empty when nothing below it failed).
pub fn why(ds: &Dataset, t: usize, node: Option<u32>) -> WhyDoc {
    let (tree, an) = (&ds.traces[t], &ds.analyses[t]);
    let store = &ds.store;
    let problems = cause::problems(store, tree, an)
        .into_iter()
        .map(|s| step(ds, t, s.node, s.kind, s.detail))
        .collect();
    let chains = match node {
        Some(n) => cause::chain_of(store, tree, an, n)
            .map(|c| vec![chain_doc(ds, t, c)])
            .unwrap_or_default(),
        None => cause::chains(store, tree, an)
            .into_iter()
            .map(|c| chain_doc(ds, t, c))
            .collect(),
    };
    let root_name = tree
        .primary_root()
        .map(|r| tree.nodes[r as usize].span)
        .filter(|&s| s != tracelens_model::NONE)
        .map(|s| store.resolve(store.spans[s as usize].name).to_string())
        .unwrap_or_default();
    WhyDoc {
        trace_id: tree.trace_id.to_string(),
        root_name,
        problems,
        chains,
    }
}
