//! What log records say about agents: heartbeats and lifecycle events sent
//! as records (the backend's WebSocket bridge, a logger), and the agent a
//! missing parent was.
//!
//! The standard OpenTelemetry SDKs export a span only when it ends, so an
//! agent whose process dies never exports its own span: what arrives is its
//! children (orphans under a placeholder), its records (agent_started and
//! heartbeats without agent_completed), and nothing else. The placeholder
//! then becomes the agent it was, judged by the same heartbeat rule as an
//! agent span.

use crate::agent::DEFAULT_TIMEOUT_NS;
use crate::agent::{AgentExecution, AgentState, LifecycleKind, DEFAULT_HEARTBEAT_NS};
use crate::facts::{Fact, KeyTable, SpanFacts};
use crate::log::RecordKind;
use crate::log_index::LogIndex;
use crate::store::TraceStore;
use crate::tree::{fmt_ns, TraceTree};
use hashbrown::HashMap;

/// The signs of life records give one node.
#[derive(Debug, Default, Clone)]
pub struct NodeSigns {
    /// Heartbeat records' times.
    pub beats: Vec<u64>,
    /// Lifecycle records (agent_started ... agent_completed) and their times.
    pub lifecycle: Vec<(LifecycleKind, u64)>,
    /// The latest record on the node.
    pub last_ns: u64,
    /// The agent a record names.
    pub agent_name: Option<String>,
    /// The heartbeat interval a record gives (`heartbeat_interval_ms`).
    pub beat_ns: Option<u64>,
}

impl NodeSigns {
    pub fn first(&self, kind: LifecycleKind) -> Option<u64> {
        self.lifecycle
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, t)| *t)
            .min()
    }

    /// How the records say the agent ended, if they do.
    pub fn ending(&self) -> Option<(LifecycleKind, u64)> {
        self.lifecycle
            .iter()
            .copied()
            .filter(|(k, _)| {
                matches!(
                    k,
                    LifecycleKind::AgentCompleted | LifecycleKind::AgentFailed
                )
            })
            .max_by_key(|(_, t)| *t)
    }
}

/// The records of one trace, gathered per node.
#[derive(Debug, Default)]
pub struct TraceSigns {
    by_node: HashMap<u32, NodeSigns>,
}

impl TraceSigns {
    /// Gathers the records `logs` placed on trace `t` (whose tree is
    /// `tree`) that say something of an agent: heartbeats and lifecycle
    /// events anywhere, and any record on a missing span.
    pub fn of(
        store: &TraceStore,
        keys: &KeyTable,
        logs: &LogIndex,
        t: u32,
        tree: &TraceTree,
    ) -> TraceSigns {
        let mut by_node: HashMap<u32, NodeSigns> = HashMap::new();
        let bare_agent = store.lookup("agent");
        for &k in logs.of_trace(t) {
            let place = logs.places[k as usize];
            let rec = &store.logs[k as usize];
            let beat = keys.heartbeat_events.contains(&rec.event_name)
                || store
                    .value_str(&rec.body)
                    .is_some_and(|b| b.eq_ignore_ascii_case("heartbeat"));
            let missing = tree
                .nodes
                .get(place.node as usize)
                .is_some_and(|n| n.is_placeholder());
            // Most records are neither: they cost one check each.
            if !beat && rec.kind != RecordKind::Lifecycle && !missing {
                continue;
            }
            let s = by_node.entry(place.node).or_default();
            let t = rec.when_ns();
            s.last_ns = s.last_ns.max(t);
            if beat {
                s.beats.push(t);
            }
            if rec.kind == RecordKind::Lifecycle {
                if let Some(kind) = LifecycleKind::parse(store.resolve(rec.event_name)) {
                    s.lifecycle.push((kind, t));
                }
            }
            // The same names as on spans (the key table's facts), and a
            // bare `agent`, which loggers' extra fields often use.
            let facts = SpanFacts::of(keys, store.attrs_of(rec.attrs));
            if s.beat_ns.is_none() {
                s.beat_ns = facts
                    .f64(store, Fact::HeartbeatIntervalMs)
                    .filter(|ms| *ms > 0.0)
                    .map(|ms| (ms * 1e6) as u64);
            }
            if s.agent_name.is_none() {
                s.agent_name = facts
                    .str(store, Fact::AgentName)
                    .or_else(|| {
                        store
                            .attrs_of(rec.attrs)
                            .iter()
                            .find(|a| Some(a.key) == bare_agent)
                            .and_then(|a| store.value_str(&a.value))
                    })
                    .filter(|v| !v.is_empty())
                    .map(str::to_string);
            }
        }
        TraceSigns { by_node }
    }

    pub fn node(&self, n: u32) -> Option<&NodeSigns> {
        self.by_node.get(&n)
    }
}

/// The agent a placeholder (a missing parent) was, when the records or its
/// children say it was one: a lifecycle or heartbeat record on it, or
/// children that name their agent. `None` for a plain missing span.
pub fn placeholder_agent(
    store: &TraceStore,
    keys: &KeyTable,
    tree: &TraceTree,
    node: u32,
    signs: Option<&NodeSigns>,
    as_of_ns: u64,
) -> Option<AgentExecution> {
    let kids = tree.children(node);
    let child_agent = kids.iter().find_map(|&c| {
        let n = &tree.nodes[c as usize];
        if n.is_placeholder() {
            return None;
        }
        let sp = &store.spans[n.span as usize];
        SpanFacts::of(keys, store.attrs_of(sp.attrs))
            .str(store, Fact::AgentName)
            .map(str::to_string)
    });
    let has_signs = signs.is_some_and(|s| !s.lifecycle.is_empty() || !s.beats.is_empty());
    if !has_signs && child_agent.is_none() {
        return None;
    }
    let missing = tree.span_id(store, node);
    let name = signs
        .and_then(|s| s.agent_name.clone())
        .or(child_agent)
        .unwrap_or_else(|| format!("agent of missing span {missing}"));
    let base = tree.start_ns;
    let at = |t: u64| format!("+{}", fmt_ns(t.saturating_sub(base)));
    let started = signs
        .and_then(|s| s.first(LifecycleKind::AgentStarted))
        .unwrap_or_else(|| tree.nodes[node as usize].start_ns);
    let last_beat = signs.and_then(|s| s.beats.iter().copied().max());
    let heartbeats = signs.map_or(0, |s| s.beats.len() as u32);
    // Its last sign of life: a heartbeat, a record, a child's end.
    let last_child = kids
        .iter()
        .map(|&c| tree.nodes[c as usize].end_ns)
        .max()
        .unwrap_or(started);
    let last = last_beat
        .unwrap_or(0)
        .max(signs.map_or(0, |s| s.last_ns))
        .max(last_child)
        .max(started);
    let never = "its span was never exported";
    let (state, reason, duration_ns) = match signs.and_then(NodeSigns::ending) {
        Some((LifecycleKind::AgentFailed, t)) => (
            AgentState::Failed,
            format!("agent_failed at {}; {never}", at(t)),
            t.saturating_sub(started),
        ),
        Some((_, t)) => (
            AgentState::Completed,
            format!("agent_completed at {}; {never}", at(t)),
            t.saturating_sub(started),
        ),
        None => {
            let silent = as_of_ns.saturating_sub(last);
            let beat = match last_beat {
                Some(b) => format!("last heartbeat at {}", at(b)),
                None => "no heartbeat".to_string(),
            };
            let interval = signs
                .and_then(|s| s.beat_ns)
                .unwrap_or(DEFAULT_HEARTBEAT_NS);
            if silent > 2 * interval {
                (
                    AgentState::Dead,
                    format!(
                        "agent_started at {}, {beat}, no end: silent for {}; {never}",
                        at(started),
                        fmt_ns(silent)
                    ),
                    last.saturating_sub(started),
                )
            } else {
                (
                    AgentState::Running,
                    format!("agent_started at {}, {beat}; no end yet", at(started)),
                    as_of_ns.saturating_sub(started),
                )
            }
        }
    };
    Some(AgentExecution {
        node,
        name,
        state,
        reason,
        duration_ns,
        timeout_ns: DEFAULT_TIMEOUT_NS,
        last_heartbeat_ns: last_beat,
        heartbeats,
        error: None,
    })
}
