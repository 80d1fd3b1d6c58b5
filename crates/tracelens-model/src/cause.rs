//! From "this run failed" to "this is why": the problems of a trace and the
//! chain from each down to where it began.
//!
//! A problem is a span with error status or an exception event, an agent
//! that failed, timed out or died, an orphan (its parent never arrived) or
//! a span whose clock is skewed against its parent. A failure's chain
//! follows, from the problem down, the child whose subtree holds a failure
//! (the first by start when several do: what failed first usually made the
//! others fail), to the deepest failing span. A timeout with no failure
//! below it follows the time instead: the child that took most of it, while
//! one took more than half. Dead agents end their chain: nothing below an
//! agent that stopped beating says why.
//!
//! No recursion: one bottom-up pass over the pre-order marks which subtrees
//! hold a failure, and each chain walks down from there.

use crate::agent::AgentState;
use crate::analysis::TraceAnalysis;
use crate::span::StatusCode;
use crate::store::TraceStore;
use crate::tree::{fmt_ns, NodeFlags, TraceTree, NONE};
use serde::Serialize;

/// What is wrong with a span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    /// Error status.
    Error,
    /// An `exception` event without error status.
    Exception,
    Failed,
    Timeout,
    Dead,
    /// Its parent is not in the data.
    Orphan,
    /// Starts before its parent, or an RPC server half outside its client.
    Skew,
    /// Not a failure: the step of a timeout's chain that took the time.
    Slow,
}

impl ProblemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::Error => "error",
            ProblemKind::Exception => "exception",
            ProblemKind::Failed => "failed",
            ProblemKind::Timeout => "timeout",
            ProblemKind::Dead => "dead",
            ProblemKind::Orphan => "orphan",
            ProblemKind::Skew => "skew",
            ProblemKind::Slow => "slow",
        }
    }

    /// Whether it is a failure a chain follows (orphans and skew are data
    /// problems: listed, not causes).
    pub fn is_failure(self) -> bool {
        matches!(
            self,
            ProblemKind::Error
                | ProblemKind::Exception
                | ProblemKind::Failed
                | ProblemKind::Timeout
                | ProblemKind::Dead
        )
    }
}

/// One step of a chain: a node, what is wrong with it, in words.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CauseStep {
    pub node: u32,
    pub kind: ProblemKind,
    pub detail: String,
}

/// A problem and the way down to where it began: `steps[0]` is the problem,
/// the last step its cause.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CauseChain {
    pub steps: Vec<CauseStep>,
}

impl CauseChain {
    pub fn problem(&self) -> &CauseStep {
        &self.steps[0]
    }
    pub fn cause(&self) -> &CauseStep {
        &self.steps[self.steps.len() - 1]
    }
}

/// What the walks need to know of every node, found once per trace.
struct Marks<'a> {
    store: &'a TraceStore,
    tree: &'a TraceTree,
    an: &'a TraceAnalysis,
    kinds: Vec<Option<ProblemKind>>,
    /// Whether the node's subtree (itself included) holds a failure.
    below: Vec<bool>,
    /// The node's agent execution (an index into `an.agents`), or NONE.
    agent_of: Vec<u32>,
}

impl<'a> Marks<'a> {
    fn new(store: &'a TraceStore, tree: &'a TraceTree, an: &'a TraceAnalysis) -> Self {
        let kinds = node_kinds(store, tree, an);
        let below = failing_below(tree, &kinds);
        let mut agent_of = vec![NONE; tree.len()];
        for (i, a) in an.agents.iter().enumerate() {
            if let Some(slot) = agent_of.get_mut(a.node as usize) {
                *slot = i as u32;
            }
        }
        Marks {
            store,
            tree,
            an,
            kinds,
            below,
            agent_of,
        }
    }

    fn step(&self, node: u32, kind: ProblemKind) -> CauseStep {
        CauseStep {
            node,
            kind,
            detail: detail(self, node, kind),
        }
    }
}

/// Every problem of a trace, each node once in waterfall (pre-)order, with
/// its most telling kind and what it says.
pub fn problems(store: &TraceStore, tree: &TraceTree, an: &TraceAnalysis) -> Vec<CauseStep> {
    let m = Marks::new(store, tree, an);
    tree.preorder
        .iter()
        .filter_map(|&n| m.kinds[n as usize].map(|kind| m.step(n, kind)))
        .collect()
}

/// The chains of a trace: one for each failure that no other failure's
/// chain passes through, so that every failure appears once, as a chain's
/// head or as one of its steps. Outermost failures come first.
pub fn chains(store: &TraceStore, tree: &TraceTree, an: &TraceAnalysis) -> Vec<CauseChain> {
    let m = Marks::new(store, tree, an);
    let mut covered = vec![false; tree.len()];
    let mut out = Vec::new();
    for &n in &tree.preorder {
        let failure = m.kinds[n as usize].is_some_and(ProblemKind::is_failure);
        if !failure || covered[n as usize] {
            continue;
        }
        let chain = walk(&m, n);
        for s in &chain.steps {
            covered[s.node as usize] = true;
        }
        out.push(chain);
    }
    out
}

/// The chain from node `n` down: from `n` itself when it is a problem, else
/// from the first failure below it; None when its subtree has none.
pub fn chain_of(
    store: &TraceStore,
    tree: &TraceTree,
    an: &TraceAnalysis,
    n: u32,
) -> Option<CauseChain> {
    let m = Marks::new(store, tree, an);
    let mut at = *m.kinds.get(n as usize)?;
    let mut start = n;
    // A healthy span: its chain starts at the first failure below it.
    while at.is_none() {
        start = *tree
            .children(start)
            .iter()
            .find(|&&c| m.below[c as usize])?;
        at = m.kinds[start as usize];
    }
    Some(walk(&m, start))
}

fn walk(m: &Marks<'_>, n: u32) -> CauseChain {
    let (tree, kinds, below) = (m.tree, &m.kinds, &m.below);
    let step = |n: u32, kind: ProblemKind| m.step(n, kind);
    let head = kinds[n as usize].unwrap_or(ProblemKind::Error);
    let mut steps = vec![step(n, head)];
    let mut cur = n;
    // Down through the first child holding a failure, keeping failing
    // spans as steps and passing through healthy wrappers.
    if kinds[cur as usize] != Some(ProblemKind::Dead) {
        while let Some(&c) = tree.children(cur).iter().find(|&&c| below[c as usize]) {
            cur = c;
            if let Some(k) = kinds[c as usize].filter(|k| k.is_failure()) {
                steps.push(step(c, k));
                if k == ProblemKind::Dead {
                    break;
                }
            }
        }
    }
    // No failing child, but a failing placeholder root inside this span's
    // time: a child whose own span never arrived (an agent killed before
    // its exporter flushed). Its parent is unknown; the time says where it
    // ran, so the chain goes on there.
    // Only a real span adopts, so the walk from a placeholder never does:
    // no second level, no cycle.
    let at = &tree.nodes[n as usize];
    if steps.len() == 1 && !at.is_placeholder() && kinds[n as usize] != Some(ProblemKind::Dead) {
        let adopted = tree.roots.iter().copied().find(|&r| {
            let rn = &tree.nodes[r as usize];
            r != n
                && rn.is_placeholder()
                && below[r as usize]
                && rn.start_ns >= at.start_ns
                && rn.start_ns <= at.end_ns
        });
        if let Some(r) = adopted {
            let mut more = walk(m, r).steps;
            steps.append(&mut more);
        }
    }
    // A timeout with no failure below: where the time went.
    let last = steps[steps.len() - 1].clone();
    if last.kind == ProblemKind::Timeout {
        let mut at = last.node;
        loop {
            let total = tree.nodes[at as usize].duration_ns();
            let longest = tree
                .children(at)
                .iter()
                .copied()
                .max_by_key(|&c| tree.nodes[c as usize].duration_ns());
            match longest {
                Some(c) if total > 0 && tree.nodes[c as usize].duration_ns() * 2 > total => {
                    steps.push(step(c, ProblemKind::Slow));
                    at = c;
                }
                _ => break,
            }
        }
    }
    CauseChain { steps }
}

/// The problem kind of every node, if any.
fn node_kinds(
    store: &TraceStore,
    tree: &TraceTree,
    an: &TraceAnalysis,
) -> Vec<Option<ProblemKind>> {
    let mut kinds: Vec<Option<ProblemKind>> = vec![None; tree.len()];
    for (i, node) in tree.nodes.iter().enumerate() {
        let k = if node.is_placeholder() {
            None
        } else {
            let span = &store.spans[node.span as usize];
            if span.status == StatusCode::Error {
                Some(ProblemKind::Error)
            } else if exception_event(store, node.span).is_some() {
                Some(ProblemKind::Exception)
            } else if node.flags.has(NodeFlags::ORPHAN) {
                Some(ProblemKind::Orphan)
            } else if node.flags.has(NodeFlags::SKEWED) {
                Some(ProblemKind::Skew)
            } else {
                None
            }
        };
        kinds[i] = k;
    }
    // An agent's state says more than its status.
    for a in &an.agents {
        let k = match a.state {
            AgentState::Failed => ProblemKind::Failed,
            AgentState::Timeout => ProblemKind::Timeout,
            AgentState::Dead => ProblemKind::Dead,
            _ => continue,
        };
        if let Some(slot) = kinds.get_mut(a.node as usize) {
            *slot = Some(k);
        }
    }
    kinds
}

/// Whether each node's subtree (itself included) holds a failure.
fn failing_below(tree: &TraceTree, kinds: &[Option<ProblemKind>]) -> Vec<bool> {
    let mut below: Vec<bool> = kinds
        .iter()
        .map(|k| k.is_some_and(ProblemKind::is_failure))
        .collect();
    for &n in tree.preorder.iter().rev() {
        let p = tree.nodes[n as usize].parent;
        if p != NONE && below[n as usize] {
            below[p as usize] = true;
        }
    }
    below
}

/// An attribute (`exception.type`, `exception.message`) of the first
/// `exception` event of span `span`; the outer `None` when it has no such
/// event.
pub(crate) fn exception_attr<'a>(
    store: &'a TraceStore,
    span: u32,
    key: &str,
) -> Option<Option<&'a str>> {
    let s = store.spans.get(span as usize)?;
    let e = store
        .events_of(s.events)
        .iter()
        .find(|e| store.resolve(e.name) == "exception")?;
    Some(
        store
            .attrs_of(e.attrs)
            .iter()
            .find(|a| store.resolve(a.key) == key)
            .and_then(|a| store.value_str(&a.value)),
    )
}

/// The first `exception` event of a span: its type and message.
pub(crate) fn exception_event(store: &TraceStore, span: u32) -> Option<String> {
    let ty = exception_attr(store, span, "exception.type")?.unwrap_or("exception");
    Some(
        match exception_attr(store, span, "exception.message").flatten() {
            Some(m) if !m.is_empty() => format!("{ty}: {m}"),
            _ => ty.to_string(),
        },
    )
}

/// A step in words: the agent's reason, the error, where the time went.
fn detail(m: &Marks<'_>, n: u32, kind: ProblemKind) -> String {
    let (store, tree) = (m.store, m.tree);
    let node = &tree.nodes[n as usize];
    let span = (!node.is_placeholder()).then(|| &store.spans[node.span as usize]);
    let agent = m
        .agent_of
        .get(n as usize)
        .and_then(|&i| m.an.agents.get(i as usize));
    let error = span.and_then(|s| {
        exception_event(store, node.span).or_else(|| {
            let m = store.resolve(s.status_message);
            (!m.is_empty()).then(|| m.to_string())
        })
    });
    match kind {
        ProblemKind::Failed | ProblemKind::Timeout | ProblemKind::Dead => {
            let reason = agent.map(|a| a.reason.clone()).unwrap_or_default();
            match agent
                .and_then(|a| a.error.clone())
                .filter(|e| !e.is_empty())
                .or(error)
            {
                Some(e) if !reason.contains(&e) => format!("{reason}: {e}"),
                _ => reason,
            }
        }
        ProblemKind::Error | ProblemKind::Exception => {
            error.unwrap_or_else(|| "ended with error status".to_string())
        }
        ProblemKind::Orphan => "its parent is not in the data".to_string(),
        ProblemKind::Skew => "its clock is skewed against its parent's".to_string(),
        ProblemKind::Slow => {
            let parent = node.parent;
            let total = (parent != NONE).then(|| tree.nodes[parent as usize].duration_ns());
            match total {
                Some(t) if t > 0 => format!(
                    "took {} of its parent's {}",
                    fmt_ns(node.duration_ns()),
                    fmt_ns(t)
                ),
                _ => format!("took {}", fmt_ns(node.duration_ns())),
            }
        }
    }
}
