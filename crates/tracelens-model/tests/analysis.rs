//! Analyses: self time, critical path, classes, phases, LLM figures, agent
#![allow(clippy::unwrap_used, clippy::expect_used)]
//! states, lifecycle events, correlation.

use tracelens_model::analysis::{place_event, ExternalEvent};
use tracelens_model::{
    AgentState, Dataset, DatasetOptions, LifecycleKind, SpanClass, SpanId, TraceStore,
};

fn build(store: TraceStore) -> Dataset {
    Dataset::build(store, DatasetOptions::default())
}

fn node_of(ds: &Dataset, id: u64) -> u32 {
    ds.traces[0]
        .nodes
        .iter()
        .position(|n| {
            n.span != tracelens_model::NONE && ds.store.spans[n.span as usize].span_id == SpanId(id)
        })
        .unwrap() as u32
}

#[test]
fn self_time_subtracts_the_union_of_children() {
    let mut s = TraceStore::new();
    s.build_span(1, 1, 0, "root").ms(0, 100).push();
    s.build_span(1, 2, 1, "a").ms(10, 40).push();
    s.build_span(1, 3, 1, "b").ms(30, 50).push(); // overlaps a
    s.build_span(1, 4, 1, "c").ms(90, 120).push(); // overflows root: clipped
    let ds = build(s);
    let an = &ds.analyses[0];
    // Covered: [10,50] + [90,100] = 50 ms.
    assert_eq!(an.self_ns[node_of(&ds, 1) as usize], 50_000_000);
    assert_eq!(an.self_ns[node_of(&ds, 4) as usize], 30_000_000);
}

/// Jaeger's documented example: a parent with children that overlap; the
/// path goes through the last-finishing child, then back through what
/// finished before that child started.
#[test]
fn critical_path_follows_jaegers_definition() {
    let mut s = TraceStore::new();
    s.build_span(1, 1, 0, "root").ms(0, 100).push();
    s.build_span(1, 2, 1, "early").ms(5, 30).push();
    s.build_span(1, 3, 1, "overlapping").ms(20, 60).push();
    s.build_span(1, 4, 1, "last").ms(55, 90).push();
    s.build_span(1, 5, 4, "inner").ms(60, 70).push();
    let ds = build(s);
    let an = &ds.analyses[0];
    let ids: Vec<u64> = an
        .critical_path
        .iter()
        .map(|c| {
            ds.store.spans[ds.traces[0].nodes[c.node as usize].span as usize]
                .span_id
                .0
        })
        .collect();
    let sections: Vec<(u64, u64, u64)> = an
        .critical_path
        .iter()
        .zip(&ids)
        .map(|(c, &id)| (id, c.start_ns / 1_000_000, c.end_ns / 1_000_000))
        .collect();
    // root [0,5] early [5,30]? no: "overlapping" ended at 60 > last.start 55,
    // so from 55 back the last child finishing before 55 is "early" (30).
    assert_eq!(
        sections,
        vec![
            (1, 0, 5),
            (2, 5, 30),
            (1, 30, 55),
            (4, 55, 60),
            (5, 60, 70),
            (4, 70, 90),
            (1, 90, 100),
        ]
    );
    // Sections tile the root's interval.
    let total: u64 = an.critical_path.iter().map(|c| c.end_ns - c.start_ns).sum();
    assert_eq!(total, 100_000_000);
    assert_eq!(an.critical_nodes.len(), 4);
}

#[test]
fn classes_from_every_convention() {
    let mut s = TraceStore::new();
    s.build_span(1, 1, 0, "anything")
        .str("gen_ai.operation.name", "invoke_agent")
        .ms(0, 100)
        .push();
    s.build_span(1, 2, 1, "x")
        .str("gen_ai.operation.name", "chat")
        .ms(1, 2)
        .push();
    s.build_span(1, 3, 1, "x")
        .str("gen_ai.operation.name", "execute_tool")
        .ms(2, 3)
        .push();
    s.build_span(1, 4, 1, "x")
        .str("openinference.span.kind", "LLM")
        .ms(3, 4)
        .push();
    s.build_span(1, 5, 1, "x")
        .str("openinference.span.kind", "TOOL")
        .ms(4, 5)
        .push();
    s.build_span(1, 6, 1, "x")
        .str("openinference.span.kind", "AGENT")
        .ms(5, 6)
        .push();
    s.build_span(1, 7, 1, "x")
        .str("openinference.span.kind", "CHAIN")
        .ms(6, 7)
        .push();
    s.build_span(1, 8, 1, "x")
        .str("agent_name", "triage")
        .ms(7, 8)
        .push();
    s.build_span(1, 9, 1, "x")
        .str("tool_name", "grep")
        .ms(8, 9)
        .push();
    s.build_span(1, 10, 1, "x")
        .str("llm.model_name", "gpt")
        .ms(9, 10)
        .push();
    s.build_span(1, 11, 1, "tool_executing").ms(10, 11).push();
    s.build_span(1, 12, 1, "db.query").ms(11, 12).push();
    let ds = build(s);
    let an = &ds.analyses[0];
    let class = |id| an.class[node_of(&ds, id) as usize];
    use SpanClass::*;
    let want = [
        Agent, Llm, Tool, Llm, Tool, Agent, Other, Agent, Tool, Llm, Tool, Other,
    ];
    for (i, w) in want.iter().enumerate() {
        assert_eq!(class(i as u64 + 1), *w, "span {}", i + 1);
    }
    // Breakdown sums self time by class and covers the root.
    assert_eq!(an.breakdown.total(), 100_000_000);
}

#[test]
fn phases_from_attributes_names_inheritance_and_class() {
    let mut s = TraceStore::new();
    s.build_span(1, 1, 0, "agent")
        .str("gen_ai.operation.name", "invoke_agent")
        .ms(0, 100)
        .push();
    s.build_span(1, 2, 1, "agent.init").ms(0, 10).push();
    s.build_span(1, 3, 1, "step")
        .str("phase", "tools")
        .ms(10, 40)
        .push();
    s.build_span(1, 4, 3, "http").ms(15, 25).push(); // inherits tools
    s.build_span(1, 5, 1, "chat")
        .str("gen_ai.operation.name", "chat")
        .ms(40, 90)
        .push(); // llm by class
    s.build_span(1, 6, 1, "format").ms(90, 100).push();
    let ds = build(s);
    let p = &ds.analyses[0].phases;
    assert_eq!(p.init, 10_000_000);
    assert_eq!(p.tools, 30_000_000);
    assert_eq!(p.llm, 50_000_000);
    assert_eq!(p.format, 10_000_000);
    assert_eq!(p.unphased, 0);
}

#[test]
fn llm_figures_and_totals() {
    let mut s = TraceStore::new();
    s.build_span(1, 1, 0, "root").ms(0, 100).push();
    s.build_span(1, 2, 1, "chat a")
        .str("gen_ai.operation.name", "chat")
        .str("gen_ai.request.model", "gpt-4o")
        .int("gen_ai.usage.input_tokens", 100)
        .int("gen_ai.usage.output_tokens", 20)
        .str("ttft_ms", "250.5")
        .ms(0, 10)
        .push();
    s.build_span(1, 3, 1, "chat b")
        .str("openinference.span.kind", "LLM")
        .str("llm.model_name", "claude")
        .int("llm.token_count.prompt", 50)
        .int("llm.token_count.completion", 5)
        .event("first_token", 10_000_000 + 400_000_000)
        .ms(10, 20)
        .push();
    let ds = build(s);
    let an = &ds.analyses[0];
    assert_eq!(an.llm.calls, 2);
    assert_eq!(an.llm.input_tokens, 150);
    assert_eq!(an.llm.output_tokens, 25);
    let call = |k: usize| {
        tracelens_model::TraceAnalysis::llm_call(
            &ds.store,
            &ds.keys,
            &ds.traces[0],
            an.llm_nodes[k],
        )
        .unwrap()
    };
    assert_eq!(call(0).ttft_ns, Some(250_500_000));
    assert_eq!(
        call(1).ttft_ns,
        Some(400_000_000),
        "ttft from the first_token event"
    );
    assert_eq!(an.llm.by_model["claude"].calls, 1);
    assert_eq!(call(0).total_tokens, Some(120));
    assert_eq!(call(1).model.as_deref(), Some("claude"));
}

#[test]
fn agent_states() {
    const S: u64 = 1_000_000_000;
    let mut s = TraceStore::new();
    fn agent<'s>(
        s: &'s mut TraceStore,
        id: u64,
        name: &str,
    ) -> tracelens_model::build::SpanBuilder<'s> {
        s.build_span(1, id, if id == 1 { 0 } else { 1 }, name)
            .str("gen_ai.operation.name", "invoke_agent")
            .str("gen_ai.agent.name", name)
    }
    agent(&mut s, 1, "root").time(0, Some(100 * S)).push();
    agent(&mut s, 2, "ok").time(S, Some(5 * S)).push();
    agent(&mut s, 3, "broken")
        .time(S, Some(5 * S))
        .error("KeyError: x")
        .push();
    agent(&mut s, 4, "slow").time(S, Some(40 * S)).push(); // > 30 s default
    agent(&mut s, 5, "slow-but-allowed")
        .int("timeout_ms", 60_000)
        .time(S, Some(40 * S))
        .push();
    agent(&mut s, 6, "typed-timeout")
        .str("error.type", "timeout")
        .time(S, Some(2 * S))
        .error("deadline")
        .push();
    // Open, heartbeats stopped at 20 s; the data ends at 100 s.
    agent(&mut s, 7, "ghost")
        .event("heartbeat", 15 * S)
        .event("heartbeat", 20 * S)
        .time(10 * S, None)
        .push();
    // Open, heartbeating until the end of the data.
    agent(&mut s, 8, "busy")
        .event("heartbeat", 90 * S)
        .event("heartbeat", 95 * S)
        .time(80 * S, None)
        .push();
    agent(&mut s, 9, "said-so")
        .str("state", "failed")
        .time(S, Some(2 * S))
        .push();
    let ds = build(s);
    let an = &ds.analyses[0];
    let state = |name: &str| an.agents.iter().find(|a| a.name == name).unwrap().state;
    assert_eq!(
        state("root"),
        AgentState::Timeout,
        "100 s is past the 30 s default"
    );
    assert_eq!(state("ok"), AgentState::Completed);
    assert_eq!(state("broken"), AgentState::Failed);
    assert_eq!(state("slow"), AgentState::Timeout);
    assert_eq!(state("slow-but-allowed"), AgentState::Completed);
    assert_eq!(state("typed-timeout"), AgentState::Timeout);
    assert_eq!(state("ghost"), AgentState::Dead);
    assert_eq!(state("busy"), AgentState::Running);
    assert_eq!(state("said-so"), AgentState::Failed);
    let ghost = an.agents.iter().find(|a| a.name == "ghost").unwrap();
    assert_eq!(ghost.duration_ns, 10 * S, "dead at its last heartbeat");
    assert_eq!(ghost.heartbeats, 2);
}

#[test]
fn lifecycle_events_are_placed_on_their_spans() {
    let mut s = TraceStore::new();
    s.build_span(1, 1, 0, "agent")
        .str("gen_ai.operation.name", "invoke_agent")
        .str("gen_ai.agent.name", "researcher")
        .event("agent_started", 0)
        .event("agent_completed", 100)
        .time(0, Some(100))
        .push();
    s.build_span(1, 2, 1, "tool")
        .str("gen_ai.operation.name", "execute_tool")
        .event("tool_executing", 10)
        .time(10, Some(50))
        .push();
    let ds = build(s);
    let an = &ds.analyses[0];
    let kinds: Vec<_> = tracelens_model::TraceAnalysis::lifecycle(&ds.store, &ds.traces[0])
        .iter()
        .map(|e| (e.kind, e.node))
        .collect();
    assert_eq!(
        kinds,
        vec![
            (LifecycleKind::AgentStarted, node_of(&ds, 1)),
            (LifecycleKind::ToolExecuting, node_of(&ds, 2)),
            (LifecycleKind::AgentCompleted, node_of(&ds, 1)),
        ]
    );
    // Events recorded elsewhere (no span id) land on the matching span by time.
    let ev = ExternalEvent {
        kind: LifecycleKind::ToolCompleted,
        time_ns: 45,
        span_id: None,
        agent_name: None,
    };
    assert_eq!(
        place_event(&ds.store, &ds.traces[0], an, &ds.keys, &ev),
        Some(node_of(&ds, 2))
    );
    let ev = ExternalEvent {
        kind: LifecycleKind::AgentThinking,
        time_ns: 30,
        span_id: None,
        agent_name: Some("researcher".into()),
    };
    assert_eq!(
        place_event(&ds.store, &ds.traces[0], an, &ds.keys, &ev),
        Some(node_of(&ds, 1))
    );
}

#[test]
fn correlation_index_connects_ids() {
    let mut s = TraceStore::new();
    s.build_span(1, 1, 0, "a")
        .str("request_id", "req-1")
        .str("user.id", "u-7")
        .ms(0, 10)
        .push();
    s.build_span(1, 2, 1, "b")
        .str("thread_id", "th-9")
        .int("execution_id", 42)
        .ms(1, 2)
        .push();
    s.build_span(2, 3, 0, "c")
        .str("session.id", "u-7")
        .str("http.method", "GET")
        .ms(0, 10)
        .push();
    let mut ds = build(s);
    let idx = ds.correlation();
    assert_eq!(idx.lookup("req-1").len(), 1);
    assert_eq!(
        idx.lookup("u-7").len(),
        2,
        "found under user.id and session.id"
    );
    assert_eq!(idx.lookup("42").len(), 1, "integer ids indexed as text");
    assert!(
        idx.lookup("GET").is_empty(),
        "non-id attributes are not indexed"
    );
    assert_eq!(idx.lookup("00000000000000000000000000000001").len(), 1);
    assert_eq!(idx.lookup("1").len(), 1, "short trace ids are left-padded");
}
