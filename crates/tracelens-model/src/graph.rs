//! The agent graph: who called whom, per trace or across many.
//!
//! Nodes are services (where a run came in), agents, tools and models,
//! each aggregated by name, so 100k spans make a graph of dozens of nodes.
//! An edge runs from a span's nearest ancestor that is a node to the span,
//! with the calls, time, tokens and errors that passed along it. Spans of
//! no class (HTTP handlers, internal steps) are passed through, not drawn.

use crate::classify::SpanClass;
use crate::dataset::Dataset;
use crate::facts::{Fact, SpanFacts};
use crate::span::StatusCode;
use crate::tree::NONE;
use hashbrown::HashMap;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum GraphNodeKind {
    Service,
    Agent,
    Tool,
    Model,
}

impl GraphNodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            GraphNodeKind::Service => "service",
            GraphNodeKind::Agent => "agent",
            GraphNodeKind::Tool => "tool",
            GraphNodeKind::Model => "model",
        }
    }
}

/// Calls, time, tokens and errors: what a node did, or what passed along an edge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ts_rs::TS)]
pub struct GraphFigures {
    pub calls: u64,
    /// Calls that ended with error status or as a failed, timed-out or dead agent.
    pub errors: u64,
    pub duration_ns: u64,
    pub input_tokens: i64,
    pub output_tokens: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct GraphNode {
    pub id: u32,
    pub kind: GraphNodeKind,
    pub name: String,
    #[serde(flatten)]
    #[ts(flatten)]
    pub figures: GraphFigures,
    /// Self time of its spans.
    pub self_ns: u64,
    /// For one trace: its spans' nodes in the tree, so that a view can
    /// select or filter them; empty across traces.
    pub nodes: Vec<u32>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct GraphEdge {
    pub from: u32,
    pub to: u32,
    #[serde(flatten)]
    #[ts(flatten)]
    pub figures: GraphFigures,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct GraphDoc {
    pub traces: u64,
    pub spans: u64,
    pub nodes: Vec<GraphNode>,
    /// Sorted by (from, to).
    pub edges: Vec<GraphEdge>,
}

struct Builder {
    /// Node ids by name, one map per kind (indexed by `GraphNodeKind as
    /// usize`), so a lookup borrows the name instead of allocating a key.
    ids: [HashMap<String, u32>; 4],
    nodes: Vec<GraphNode>,
    edges: HashMap<(u32, u32), GraphFigures>,
}

impl Builder {
    fn node(&mut self, kind: GraphNodeKind, name: &str) -> u32 {
        let ids = &mut self.ids[kind as usize];
        if let Some(&id) = ids.get(name) {
            return id;
        }
        let id = self.nodes.len() as u32;
        ids.insert(name.to_string(), id);
        self.nodes.push(GraphNode {
            id,
            kind,
            name: name.to_string(),
            figures: GraphFigures::default(),
            self_ns: 0,
            nodes: Vec::new(),
        });
        id
    }
}

fn add(f: &mut GraphFigures, call: &GraphFigures) {
    f.calls += call.calls;
    f.errors += call.errors;
    f.duration_ns = f.duration_ns.saturating_add(call.duration_ns);
    f.input_tokens = f.input_tokens.saturating_add(call.input_tokens);
    f.output_tokens = f.output_tokens.saturating_add(call.output_tokens);
}

/// The graph of traces `traces` of `ds`. With one trace, each node lists
/// its spans' tree nodes.
pub fn graph(ds: &Dataset, traces: &[usize]) -> GraphDoc {
    let st = &ds.store;
    let mut b = Builder {
        ids: Default::default(),
        nodes: Vec::new(),
        edges: HashMap::new(),
    };
    let one = traces.len() == 1;
    let mut spans = 0u64;
    for &t in traces {
        let (Some(tree), Some(an)) = (ds.traces.get(t), ds.analyses.get(t)) else {
            continue;
        };
        spans += tree.span_count() as u64;
        let agents = an.agents_by_node();
        // The graph node each tree node is under (itself included).
        let mut up = vec![NONE; tree.len()];
        for &i in &tree.preorder {
            let iu = i as usize;
            let node = &tree.nodes[iu];
            let agent = agents.get(&i);
            let above = match node.parent {
                p if p != NONE && up[p as usize] != NONE => up[p as usize],
                // A missing parent is no entry: its children enter where
                // their own service is (unless the records showed it was
                // an agent).
                _ if node.is_placeholder() && agent.is_none() => continue,
                _ => {
                    let service = if node.is_placeholder() {
                        ""
                    } else {
                        st.service_of(&st.spans[node.span as usize])
                    };
                    let name = if service.is_empty() {
                        "(unknown service)"
                    } else {
                        service
                    };
                    // A run came in here: the service's calls are its entries.
                    let id = b.node(GraphNodeKind::Service, name);
                    let g = &mut b.nodes[id as usize].figures;
                    g.calls += 1;
                    g.duration_ns = g.duration_ns.saturating_add(node.duration_ns());
                    id
                }
            };
            let mut call = GraphFigures {
                calls: 1,
                duration_ns: node.duration_ns(),
                ..GraphFigures::default()
            };
            if agent.is_some_and(|a| a.state.is_problem()) {
                call.errors = 1;
            }
            // Every agent-class span is an agent execution, so `agent`
            // names every agent node, the placeholders the records showed
            // included.
            let kind_name: Option<(GraphNodeKind, &str)> = if let Some(a) = agent {
                Some((GraphNodeKind::Agent, a.name.as_str()))
            } else if node.is_placeholder() {
                None
            } else {
                let span = &st.spans[node.span as usize];
                if span.status == StatusCode::Error {
                    call.errors = 1;
                }
                let facts = SpanFacts::of(&ds.keys, st.attrs_of(span.attrs));
                match an.class[iu] {
                    SpanClass::Tool => Some((
                        GraphNodeKind::Tool,
                        facts
                            .str(st, Fact::ToolName)
                            .unwrap_or_else(|| st.resolve(span.name)),
                    )),
                    SpanClass::Llm => {
                        call.input_tokens = facts.i64(st, Fact::InputTokens).unwrap_or(0);
                        call.output_tokens = facts.i64(st, Fact::OutputTokens).unwrap_or(0);
                        Some((
                            GraphNodeKind::Model,
                            crate::llm::model_name(st, &facts).unwrap_or("(unknown model)"),
                        ))
                    }
                    SpanClass::Agent | SpanClass::Other => None,
                }
            };
            let Some((kind, name)) = kind_name else {
                continue;
            };
            let id = b.node(kind, name);
            let g = &mut b.nodes[id as usize];
            add(&mut g.figures, &call);
            g.self_ns = g.self_ns.saturating_add(an.self_ns[iu]);
            if one {
                g.nodes.push(i);
            }
            if above != id {
                add(b.edges.entry((above, id)).or_default(), &call);
            }
            up[iu] = id;
        }
    }
    let mut edges: Vec<GraphEdge> = b
        .edges
        .into_iter()
        .map(|((from, to), figures)| GraphEdge { from, to, figures })
        .collect();
    edges.sort_by_key(|e| (e.from, e.to));
    GraphDoc {
        traces: traces.len() as u64,
        spans,
        nodes: b.nodes,
        edges,
    }
}
