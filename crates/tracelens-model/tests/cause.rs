//! Following a failure to its cause: problems, chains, and their words.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use tracelens_model::cause::{chain_of, chains, problems};
use tracelens_model::{Dataset, DatasetOptions, ProblemKind, SpanId, TraceStore};

const S: u64 = 1_000_000_000;

fn node_of(ds: &Dataset, id: u64) -> u32 {
    ds.traces[0]
        .nodes
        .iter()
        .position(|n| {
            n.span != tracelens_model::NONE && ds.store.spans[n.span as usize].span_id == SpanId(id)
        })
        .unwrap() as u32
}

fn agent<'s>(
    s: &'s mut TraceStore,
    id: u64,
    parent: u64,
    name: &str,
) -> tracelens_model::build::SpanBuilder<'s> {
    s.build_span(1, id, parent, name)
        .str("gen_ai.operation.name", "invoke_agent")
        .str("gen_ai.agent.name", name)
}

/// The audit's shape: a supervisor fails because a sub-agent failed
/// because a tool raised; an earlier, healthy sibling and a later failure
/// do not change which way the chain goes.
fn supervisor_run() -> Dataset {
    let mut s = TraceStore::new();
    agent(&mut s, 1, 0, "supervisor")
        .time(0, Some(20 * S))
        .error("sub-agent researcher failed")
        .push();
    agent(&mut s, 2, 1, "planner").time(S, Some(2 * S)).push();
    agent(&mut s, 3, 1, "researcher")
        .time(3 * S, Some(9 * S))
        .error("tool web_search failed")
        .push();
    // A healthy wrapper between the agent and the tool that raised.
    s.build_span(1, 4, 3, "tools.run")
        .time(4 * S, Some(8 * S))
        .push();
    s.build_span(1, 5, 4, "execute_tool web_search")
        .str("gen_ai.operation.name", "execute_tool")
        .time(5 * S, Some(7 * S))
        .event_with(
            "exception",
            6 * S,
            &[
                ("exception.type", "ConnectionError"),
                ("exception.message", "upstream 503"),
            ],
        )
        .error("")
        .push();
    // A second, later failure under the supervisor: its own chain.
    agent(&mut s, 6, 1, "writer")
        .time(10 * S, Some(12 * S))
        .error("KeyError: 'draft'")
        .push();
    Dataset::build(s, DatasetOptions::default())
}

#[test]
fn a_failure_is_followed_down_to_the_span_where_it_began() {
    let ds = supervisor_run();
    let (tree, an) = (&ds.traces[0], &ds.analyses[0]);
    let cs = chains(&ds.store, tree, an);
    let names = |c: &tracelens_model::CauseChain| -> Vec<(u32, ProblemKind)> {
        c.steps.iter().map(|s| (s.node, s.kind)).collect()
    };
    assert_eq!(cs.len(), 2, "{cs:?}");
    // The first failing child (researcher, not writer), through the healthy
    // wrapper to the tool.
    assert_eq!(
        names(&cs[0]),
        vec![
            (node_of(&ds, 1), ProblemKind::Failed),
            (node_of(&ds, 3), ProblemKind::Failed),
            (node_of(&ds, 5), ProblemKind::Error),
        ]
    );
    assert_eq!(cs[0].cause().detail, "ConnectionError: upstream 503");
    assert!(
        cs[0]
            .problem()
            .detail
            .contains("sub-agent researcher failed"),
        "{:?}",
        cs[0].problem()
    );
    // The writer's failure is not lost: it heads its own chain.
    assert_eq!(names(&cs[1]), vec![(node_of(&ds, 6), ProblemKind::Failed)]);
    assert!(cs[1].cause().detail.contains("KeyError"), "{:?}", cs[1]);
    // Every problem once, in waterfall order.
    let ps: Vec<u32> = problems(&ds.store, tree, an)
        .iter()
        .map(|p| p.node)
        .collect();
    assert_eq!(ps, [1, 3, 5, 6].map(|id| node_of(&ds, id)));
    // From one span: its own chain; from a healthy span, the failure below.
    let from_researcher = chain_of(&ds.store, tree, an, node_of(&ds, 3)).unwrap();
    assert_eq!(from_researcher.steps.len(), 2);
    let from_wrapper = chain_of(&ds.store, tree, an, node_of(&ds, 4)).unwrap();
    assert_eq!(from_wrapper.problem().node, node_of(&ds, 5));
    assert!(
        chain_of(&ds.store, tree, an, node_of(&ds, 2)).is_none(),
        "the planner is healthy"
    );
}

#[test]
fn a_dead_sub_agent_ends_the_chain_and_a_timeout_follows_the_time() {
    let mut s = TraceStore::new();
    agent(&mut s, 1, 0, "supervisor")
        .time(0, Some(60 * S))
        .error("sub-agent writer stopped responding")
        .push();
    // Open, last heartbeat at 12 s; the data runs to 60 s: dead.
    agent(&mut s, 2, 1, "writer")
        .event("heartbeat", 7 * S)
        .event("heartbeat", 12 * S)
        .time(2 * S, None)
        .push();
    // Its tool is still listed below it, but the chain stops at the dead agent.
    s.build_span(1, 3, 2, "execute_tool x")
        .time(3 * S, Some(4 * S))
        .error("late")
        .push();
    // A timed-out agent with no failure below: its slow LLM call.
    agent(&mut s, 4, 0, "analyst").time(0, Some(40 * S)).push();
    s.build_span(1, 5, 4, "chat gpt-4o")
        .str("gen_ai.operation.name", "chat")
        .time(S, Some(35 * S))
        .push();
    s.build_span(1, 6, 4, "execute_tool y")
        .time(36 * S, Some(37 * S))
        .push();
    let ds = Dataset::build(s, DatasetOptions::default());
    let (tree, an) = (&ds.traces[0], &ds.analyses[0]);
    let cs = chains(&ds.store, tree, an);
    let dead = cs
        .iter()
        .find(|c| c.problem().node == node_of(&ds, 1))
        .unwrap();
    let kinds: Vec<ProblemKind> = dead.steps.iter().map(|s| s.kind).collect();
    assert_eq!(kinds, [ProblemKind::Failed, ProblemKind::Dead]);
    assert!(
        dead.cause().detail.starts_with("no end and no heartbeat"),
        "{:?}",
        dead.cause()
    );
    let slow = cs
        .iter()
        .find(|c| c.problem().node == node_of(&ds, 4))
        .unwrap();
    assert_eq!(slow.problem().kind, ProblemKind::Timeout);
    assert_eq!(slow.cause().kind, ProblemKind::Slow);
    assert_eq!(slow.cause().node, node_of(&ds, 5));
    assert_eq!(slow.cause().detail, "took 34.00s of its parent's 40.00s");
    // The tool under the dead agent still has a chain of its own.
    assert!(cs.iter().any(|c| c.problem().node == node_of(&ds, 3)));
}

#[test]
fn a_200k_deep_failing_chain_is_walked_without_recursion() {
    let mut s = TraceStore::new();
    let depth = 200_000u64;
    for id in 1..=depth {
        let b = s
            .build_span(1, id, id - 1, "s")
            .time(id, Some(10 * depth - id));
        let b = if id == depth { b.error("bottom") } else { b };
        b.push();
    }
    s.spans[0].status = tracelens_model::StatusCode::Error;
    let ds = Dataset::build(s, DatasetOptions::default());
    let cs = chains(&ds.store, &ds.traces[0], &ds.analyses[0]);
    assert_eq!(cs.len(), 1);
    assert_eq!(cs[0].steps.len(), 2, "only the failing spans are steps");
    assert_eq!(cs[0].cause().detail, "bottom");
}
