//! Every analysis of one trace, computed together in one pass over its nodes.

use crate::agent::{agent_execution, AgentExecution, LifecycleEvent, LifecycleKind};
use crate::classify::{classify, explicit_phase, Phase, SpanClass};
use crate::facts::{KeyTable, SpanFacts};
use crate::ids::SpanId;
use crate::llm::{LlmCall, LlmTotals};
use crate::span::StatusCode;
use crate::store::TraceStore;
use crate::timing::{critical_nodes, critical_path, self_times, CriticalSection};
use crate::tree::{TraceTree, NONE};
use serde::Serialize;

/// Nanoseconds of self time per class. The four add up to the time covered by
/// the trace's spans (overlapping siblings each count their own time).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct ClassBreakdown {
    pub agent: u64,
    pub llm: u64,
    pub tool: u64,
    pub other: u64,
}

impl ClassBreakdown {
    pub fn add(&mut self, class: SpanClass, ns: u64) {
        let slot = match class {
            SpanClass::Agent => &mut self.agent,
            SpanClass::Llm => &mut self.llm,
            SpanClass::Tool => &mut self.tool,
            SpanClass::Other => &mut self.other,
        };
        *slot = slot.saturating_add(ns);
    }
    pub fn total(&self) -> u64 {
        self.agent + self.llm + self.tool + self.other
    }
}

/// Nanoseconds of self time per audit phase.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct PhaseBreakdown {
    pub init: u64,
    pub tools: u64,
    pub llm: u64,
    pub format: u64,
    pub unphased: u64,
}

impl PhaseBreakdown {
    pub fn add(&mut self, phase: Option<Phase>, ns: u64) {
        let slot = match phase {
            Some(Phase::Init) => &mut self.init,
            Some(Phase::Tools) => &mut self.tools,
            Some(Phase::Llm) => &mut self.llm,
            Some(Phase::Format) => &mut self.format,
            None => &mut self.unphased,
        };
        *slot = slot.saturating_add(ns);
    }
}

/// The analyses of one trace, indexed by the tree's local node index.
#[derive(Debug, Clone)]
pub struct TraceAnalysis {
    pub self_ns: Vec<u64>,
    pub class: Vec<SpanClass>,
    /// Phase per node: its own, else its nearest ancestor's, else from its class.
    pub phase: Vec<Option<Phase>>,
    pub critical_path: Vec<CriticalSection>,
    /// Distinct nodes on the critical path, in time order.
    pub critical_nodes: Vec<u32>,
    pub breakdown: ClassBreakdown,
    pub phases: PhaseBreakdown,
    /// LLM-call nodes; their figures come from [`TraceAnalysis::llm_call`]
    /// on demand (a trace view asks for a few, a summary only for totals).
    pub llm_nodes: Vec<u32>,
    pub llm: LlmTotals,
    pub agents: Vec<AgentExecution>,
    pub error_count: usize,
}

impl TraceAnalysis {
    /// `signs` are what the trace's log records say of its nodes.
    pub fn compute(
        store: &TraceStore,
        keys: &KeyTable,
        tree: &TraceTree,
        as_of_ns: u64,
        signs: &crate::agent_signs::TraceSigns,
    ) -> TraceAnalysis {
        let n = tree.len();
        let self_ns = self_times(tree);
        let mut class = vec![SpanClass::Other; n];
        let mut phase: Vec<Option<Phase>> = vec![None; n];
        let mut own_phase: Vec<Option<Phase>> = vec![None; n];
        let mut llm_nodes = Vec::new();
        let mut llm_calls = Vec::new();
        let mut agents = Vec::new();
        let mut error_count = 0;

        // Tree order, so that results do not depend on the order of the input.
        for &i in &tree.preorder {
            let i = i as usize;
            let node = &tree.nodes[i];
            if node.is_placeholder() {
                // A missing parent may be an agent that died before its
                // span was exported; its records and children say so.
                let s = signs.node(i as u32);
                if let Some(a) =
                    crate::agent_signs::placeholder_agent(store, keys, tree, i as u32, s, as_of_ns)
                {
                    agents.push(a);
                }
                continue;
            }
            let span = &store.spans[node.span as usize];
            let facts = SpanFacts::of(keys, store.attrs_of(span.attrs));
            let name = store.resolve(span.name);
            let c = classify(store, &facts, name);
            class[i] = c;
            own_phase[i] = explicit_phase(store, &facts, name);
            if span.status == StatusCode::Error {
                error_count += 1;
            }
            match c {
                SpanClass::Llm => {
                    llm_nodes.push(i as u32);
                    llm_calls.push(LlmCall::of(
                        store,
                        keys,
                        &facts,
                        span,
                        i as u32,
                        node.duration_ns(),
                    ))
                }
                SpanClass::Agent => agents.push(agent_execution(
                    store,
                    keys,
                    &facts,
                    span,
                    i as u32,
                    as_of_ns,
                    signs.node(i as u32),
                )),
                _ => {}
            }
        }

        // Phases flow down the tree (pre-order: parents before children).
        for &i in &tree.preorder {
            let iu = i as usize;
            let p = tree.nodes[iu].parent;
            let inherited = if p == NONE { None } else { phase[p as usize] };
            phase[iu] = own_phase[iu].or(inherited).or(match class[iu] {
                SpanClass::Llm => Some(Phase::Llm),
                SpanClass::Tool => Some(Phase::Tools),
                _ => None,
            });
        }

        let mut breakdown = ClassBreakdown::default();
        let mut phases = PhaseBreakdown::default();
        for (i, node) in tree.nodes.iter().enumerate() {
            if node.is_placeholder() {
                continue;
            }
            breakdown.add(class[i], self_ns[i]);
            phases.add(phase[i], self_ns[i]);
        }

        let cp = tree
            .primary_root()
            .map(|r| critical_path(tree, r))
            .unwrap_or_default();
        let cn = critical_nodes(&cp);
        let llm = LlmTotals::of(&llm_calls);
        TraceAnalysis {
            self_ns,
            class,
            phase,
            critical_path: cp,
            critical_nodes: cn,
            breakdown,
            phases,
            llm_nodes,
            llm,
            agents,
            error_count,
        }
    }

    /// Lifecycle events (agent_started, tool_executing, ...) carried as span
    /// events, placed on their nodes, in time order. Computed on demand: a
    /// trace view needs them for one trace, a summary not at all.
    pub fn lifecycle(store: &TraceStore, tree: &TraceTree) -> Vec<LifecycleEvent> {
        let mut out = Vec::new();
        for (i, node) in tree.nodes.iter().enumerate() {
            if node.is_placeholder() {
                continue;
            }
            let span = &store.spans[node.span as usize];
            for (ei, ev) in store.events_of(span.events).iter().enumerate() {
                if let Some(kind) = LifecycleKind::parse(store.resolve(ev.name)) {
                    out.push(LifecycleEvent {
                        node: i as u32,
                        kind,
                        time_ns: ev.time_ns,
                        event_index: Some(ei as u32),
                    });
                }
            }
        }
        out.sort_by_key(|e| (e.time_ns, e.node));
        out
    }

    /// The agent executions by node, for views that ask of many nodes
    /// whether (and which) agent they are.
    pub fn agents_by_node(&self) -> hashbrown::HashMap<u32, &AgentExecution> {
        self.agents.iter().map(|a| (a.node, a)).collect()
    }

    /// The figures of the LLM call at `node`.
    pub fn llm_call(
        store: &TraceStore,
        keys: &KeyTable,
        tree: &TraceTree,
        node: u32,
    ) -> Option<LlmCall> {
        let n = tree.nodes.get(node as usize)?;
        let span = store.spans.get(n.span as usize)?;
        let facts = SpanFacts::of(keys, store.attrs_of(span.attrs));
        Some(LlmCall::of(
            store,
            keys,
            &facts,
            span,
            node,
            n.duration_ns(),
        ))
    }

    /// Class breakdown of the subtree under `root` (itself included).
    pub fn subtree_breakdown(&self, tree: &TraceTree, root: u32) -> ClassBreakdown {
        let mut b = ClassBreakdown::default();
        for i in tree.subtree(root) {
            if !tree.nodes[i as usize].is_placeholder() {
                b.add(self.class[i as usize], self.self_ns[i as usize]);
            }
        }
        b
    }

    /// Phase breakdown of the subtree under `root`.
    pub fn subtree_phases(&self, tree: &TraceTree, root: u32) -> PhaseBreakdown {
        let mut b = PhaseBreakdown::default();
        for i in tree.subtree(root) {
            if !tree.nodes[i as usize].is_placeholder() {
                b.add(self.phase[i as usize], self.self_ns[i as usize]);
            }
        }
        b
    }

    /// The `k` nodes with the most self time: the bottlenecks.
    pub fn top_self_time(&self, tree: &TraceTree, k: usize) -> Vec<u32> {
        let mut idx: Vec<u32> = (0..tree.len() as u32)
            .filter(|&i| !tree.nodes[i as usize].is_placeholder())
            .collect();
        idx.sort_by_key(|&i| (std::cmp::Reverse(self.self_ns[i as usize]), i));
        idx.truncate(k);
        idx
    }
}

/// A lifecycle event recorded outside the trace (the backend's agent_events
/// table, a WebSocket log) that must be placed on a span.
#[derive(Debug, Clone)]
pub struct ExternalEvent {
    pub kind: LifecycleKind,
    pub time_ns: u64,
    /// When the record names its span.
    pub span_id: Option<SpanId>,
    /// When the record names its agent (used to pick among overlapping spans).
    pub agent_name: Option<String>,
}

/// Places an external event on a node: by span id when it has one; else on the
/// deepest span of the matching class (tool events on tools, agent events on
/// agents, same agent name when given) whose interval holds the event's time;
/// else on the primary root. `None` only for an empty tree.
pub fn place_event(
    store: &TraceStore,
    tree: &TraceTree,
    analysis: &TraceAnalysis,
    keys: &KeyTable,
    ev: &ExternalEvent,
) -> Option<u32> {
    if let Some(id) = ev.span_id.filter(|s| s.is_valid()) {
        if let Some(i) = tree
            .nodes
            .iter()
            .position(|n| !n.is_placeholder() && store.spans[n.span as usize].span_id == id)
        {
            return Some(i as u32);
        }
    }
    let want = if ev.kind.is_tool_event() {
        SpanClass::Tool
    } else {
        SpanClass::Agent
    };
    let mut best: Option<(u32, u32)> = None;
    for (i, node) in tree.nodes.iter().enumerate() {
        if node.is_placeholder() || analysis.class[i] != want {
            continue;
        }
        if ev.time_ns < node.start_ns || ev.time_ns > node.end_ns {
            continue;
        }
        if let Some(agent) = &ev.agent_name {
            if want == SpanClass::Agent {
                let span = &store.spans[node.span as usize];
                let facts = SpanFacts::of(keys, store.attrs_of(span.attrs));
                let name = facts
                    .str(store, crate::facts::Fact::AgentName)
                    .unwrap_or_else(|| store.resolve(span.name));
                if name != agent {
                    continue;
                }
            }
        }
        let d = tree.depth[i];
        if best.is_none_or(|(_, bd)| d > bd) {
            best = Some((i as u32, d));
        }
    }
    best.map(|(i, _)| i).or_else(|| tree.primary_root())
}
