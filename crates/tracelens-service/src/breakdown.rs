//! Where the time went, for a trace or any subtree of it: self time by class
//! and by the audit's phases, LLM totals, and the bottlenecks (the spans with
//! the most self time). The breakdown panel and `--json` fronts show it as is.

use serde::Serialize;
use tracelens_model::llm::LlmTotals;
use tracelens_model::{ClassBreakdown, Dataset, PhaseBreakdown, TraceAnalysis, NONE};

/// How many bottlenecks a breakdown lists.
pub const TOP_SELF_TIME: usize = 10;

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct Breakdown {
    /// The subtree's root node; the primary root for a whole trace.
    pub node: Option<u32>,
    pub name: String,
    pub total_ns: u64,
    pub by_class_ns: ClassBreakdown,
    pub by_phase_ns: PhaseBreakdown,
    pub llm: LlmTotals,
    pub top_self_time: Vec<Bottleneck>,
    /// Only the spans an in-trace filter matched are counted.
    pub filtered: bool,
}

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct Bottleneck {
    pub node: u32,
    pub span_id: String,
    pub name: String,
    pub class: tracelens_model::SpanClass,
    pub self_ns: u64,
    /// Share of the breakdown's total self time, 0..=1.
    pub share: f64,
}

/// The breakdown of trace `t`, or of the subtree under `node` when given.
/// `None` when `t` or `node` is out of range.
pub fn breakdown(ds: &Dataset, t: usize, node: Option<u32>) -> Option<Breakdown> {
    breakdown_of(ds, t, node, None)
}

/// As [`breakdown`], counting only the nodes `keep` marks (an in-trace
/// filter's matches) when given.
pub fn breakdown_of(
    ds: &Dataset,
    t: usize,
    node: Option<u32>,
    keep: Option<&[bool]>,
) -> Option<Breakdown> {
    let tree = ds.traces.get(t)?;
    let an = ds.analyses.get(t)?;
    let st = &ds.store;
    if let Some(n) = node {
        tree.nodes.get(n as usize)?;
    }
    let mut nodes: Vec<u32> = match node {
        Some(n) => tree.subtree(n),
        None => (0..tree.len() as u32).collect(),
    };
    let (by_class_ns, by_phase_ns) = match keep {
        Some(k) => {
            nodes.retain(|&i| k.get(i as usize).copied().unwrap_or(false));
            let mut c = ClassBreakdown::default();
            let mut p = PhaseBreakdown::default();
            for &i in &nodes {
                if tree.nodes[i as usize].span == NONE {
                    continue;
                }
                c.add(an.class[i as usize], an.self_ns[i as usize]);
                p.add(an.phase[i as usize], an.self_ns[i as usize]);
            }
            (c, p)
        }
        None => match node {
            Some(n) => (an.subtree_breakdown(tree, n), an.subtree_phases(tree, n)),
            None => (an.breakdown, an.phases),
        },
    };
    let mut in_scope = vec![false; tree.len()];
    for &i in &nodes {
        in_scope[i as usize] = true;
    }
    let calls: Vec<_> = an
        .llm_nodes
        .iter()
        .filter(|&&i| in_scope[i as usize])
        .filter_map(|&i| TraceAnalysis::llm_call(st, &ds.keys, tree, i))
        .collect();
    let total_ns = by_class_ns.total();
    let mut top: Vec<u32> = nodes
        .iter()
        .copied()
        .filter(|&i| tree.nodes[i as usize].span != NONE)
        .collect();
    top.sort_by_key(|&i| (std::cmp::Reverse(an.self_ns[i as usize]), i));
    top.truncate(TOP_SELF_TIME);
    let name_of = |i: u32| {
        let sp = tree.nodes[i as usize].span;
        st.spans
            .get(sp as usize)
            .map(|s| st.resolve(s.name).to_string())
            .unwrap_or_default()
    };
    let head = node.or_else(|| tree.roots.first().copied());
    Some(Breakdown {
        node,
        name: head.map(name_of).unwrap_or_default(),
        total_ns,
        by_class_ns,
        by_phase_ns,
        llm: LlmTotals::of(&calls),
        top_self_time: top
            .into_iter()
            .map(|i| Bottleneck {
                node: i,
                span_id: tree.span_id(st, i).to_string(),
                name: name_of(i),
                class: an.class[i as usize],
                self_ns: an.self_ns[i as usize],
                share: if total_ns == 0 {
                    0.0
                } else {
                    an.self_ns[i as usize] as f64 / total_ns as f64
                },
            })
            .collect(),
        filtered: keep.is_some(),
    })
}
