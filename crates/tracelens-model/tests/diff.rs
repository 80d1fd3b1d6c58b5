//! Comparing runs and the agent graph, on runs built with planted
//! differences: a tool that failed, an extra loop iteration, a slower
//! model, a dead agent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use tracelens_model::diff::{baseline_steps, diff, run_steps, DiffDoc, DiffOptions, RowKind};
use tracelens_model::graph::{graph, GraphNodeKind};
use tracelens_model::{AgentState, Dataset, DatasetOptions, TraceStore};

const MS: u64 = 1_000_000;
const S: u64 = 1_000_000_000;

#[derive(Default, Clone, Copy)]
struct Plant {
    tool_fails: bool,
    extra_loop: bool,
    slow_model: bool,
    dead_writer: bool,
}

/// One run: a supervisor (0–10 s) over a researcher (0.1–5 s) that calls
/// web_search twice (three times with `extra_loop`) and gpt-4o once, and a
/// writer (5–10 s). Ids are distinct per run, as in real runs.
fn run(s: &mut TraceStore, trace: u128, base: u64, p: Plant) {
    let id = |k: u64| (trace as u64) * 100 + k;
    s.build_span(trace, id(1), 0, "invoke_agent supervisor")
        .str("gen_ai.operation.name", "invoke_agent")
        .str("gen_ai.agent.name", "supervisor")
        .str("request_id", &format!("req-{trace}"))
        .time(base, Some(base + 10 * S))
        .push();
    s.build_span(trace, id(2), id(1), "invoke_agent researcher")
        .str("gen_ai.operation.name", "invoke_agent")
        .str("gen_ai.agent.name", "researcher")
        .time(base + 100 * MS, Some(base + 5 * S))
        .push();
    let loops = if p.extra_loop { 3 } else { 2 };
    for k in 0..loops {
        let start = base + 200 * MS + k * 200 * MS;
        let mut tool = s
            .build_span(trace, id(10 + k), id(2), "execute_tool web_search")
            .str("gen_ai.operation.name", "execute_tool")
            .str("gen_ai.tool.name", "web_search")
            .str("query", "weather")
            .time(start, Some(start + 100 * MS));
        if p.tool_fails && k == 1 {
            tool = tool.error("503 from search backend");
        }
        tool.push();
    }
    let (model, llm_ms) = if p.slow_model {
        ("gpt-4.1", 900)
    } else {
        ("gpt-4o", 300)
    };
    s.build_span(trace, id(20), id(2), &format!("chat {model}"))
        .str("gen_ai.operation.name", "chat")
        .str("gen_ai.request.model", model)
        .int("gen_ai.usage.input_tokens", 100)
        .int("gen_ai.usage.output_tokens", 20)
        .time(base + S, Some(base + S + llm_ms * MS))
        .push();
    let end = (!p.dead_writer).then_some(base + 10 * S);
    s.build_span(trace, id(30), id(1), "invoke_agent writer")
        .str("gen_ai.operation.name", "invoke_agent")
        .str("gen_ai.agent.name", "writer")
        .time(base + 5 * S, end)
        .push();
}

/// Runs 1..=n, run k at k * 100 s; `planted` says what run k carries.
fn dataset(n: u128, planted: impl Fn(u128) -> Plant) -> Dataset {
    let mut s = TraceStore::new();
    for t in 1..=n {
        run(&mut s, t, t as u64 * 100 * S, planted(t));
    }
    Dataset::build(s, DatasetOptions::default())
}

fn pair(p: Plant) -> DiffDoc {
    // The planted run first, so that a dead writer's run is long past.
    let ds = dataset(2, |t| if t == 1 { p } else { Plant::default() });
    let good = ds.trace_index(tracelens_model::TraceId(2)).unwrap() as usize;
    let bad = ds.trace_index(tracelens_model::TraceId(1)).unwrap() as usize;
    diff(
        &run_steps(&ds, good),
        &run_steps(&ds, bad),
        &DiffOptions::default(),
    )
}

/// The rows that are not the same: (label, kind, changed fields).
fn differences(d: &DiffDoc) -> Vec<(String, RowKind, Vec<String>)> {
    d.rows
        .iter()
        .filter(|r| r.kind != RowKind::Same)
        .map(|r| {
            (
                r.label.clone(),
                r.kind,
                r.changes.iter().map(|c| c.field.clone()).collect(),
            )
        })
        .collect()
}

fn strs(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn identical_runs_match_step_for_step_whatever_their_ids() {
    let d = pair(Plant::default());
    assert_eq!(d.counts.same, 6, "{:#?}", differences(&d));
    assert_eq!(
        (d.counts.changed, d.counts.only_a, d.counts.only_b),
        (0, 0, 0)
    );
    let labels: Vec<(u32, &str)> = d.rows.iter().map(|r| (r.depth, r.label.as_str())).collect();
    assert_eq!(
        labels,
        vec![
            (0, "supervisor"),
            (1, "researcher"),
            (2, "web_search"),
            (2, "web_search #2"),
            (2, "chat"),
            (1, "writer"),
        ]
    );
    assert_eq!(d.critical_parts_at, None);
    assert_eq!(d.rows[0].below, 5);
}

#[test]
fn a_failed_tool_is_the_one_change() {
    let d = pair(Plant {
        tool_fails: true,
        ..Plant::default()
    });
    assert_eq!(
        differences(&d),
        vec![("web_search #2".into(), RowKind::Changed, strs(&["error"]))]
    );
    let row = d.rows.iter().find(|r| r.kind == RowKind::Changed).unwrap();
    assert_eq!(row.changes[0].a, None);
    assert_eq!(row.changes[0].b.as_deref(), Some("503 from search backend"));
}

#[test]
fn an_extra_loop_iteration_is_only_in_b() {
    let d = pair(Plant {
        extra_loop: true,
        ..Plant::default()
    });
    assert_eq!(
        differences(&d),
        vec![("web_search #3".into(), RowKind::OnlyB, vec![])]
    );
    // In its place among its siblings, in start order.
    let at = d
        .rows
        .iter()
        .position(|r| r.label == "web_search #3")
        .unwrap();
    assert_eq!(d.rows[at - 1].label, "web_search #2");
    assert_eq!(d.rows[at + 1].label, "chat");
    assert!(d.rows[at].a.is_none() && d.rows[at].b.is_some());
}

#[test]
fn a_slower_model_is_the_same_step_with_its_model_and_time_changed() {
    let d = pair(Plant {
        slow_model: true,
        ..Plant::default()
    });
    assert_eq!(
        differences(&d),
        vec![(
            "chat".into(),
            RowKind::Changed,
            strs(&["duration", "model"])
        )]
    );
    let row = d.rows.iter().find(|r| r.label == "chat").unwrap();
    assert_eq!(row.a.as_ref().unwrap().duration_ns, 300 * MS);
    assert_eq!(row.b.as_ref().unwrap().duration_ns, 900 * MS);
    assert_eq!(row.b.as_ref().unwrap().model.as_deref(), Some("gpt-4.1"));
    assert_eq!(d.a.breakdown.llm, 300 * MS);
    assert_eq!(d.b.breakdown.llm, 900 * MS);
}

#[test]
fn a_dead_agent_changes_state() {
    let d = pair(Plant {
        dead_writer: true,
        ..Plant::default()
    });
    // A dead writer's end is unknown: the supervisor's last five seconds
    // are its own time now.
    assert_eq!(
        differences(&d),
        vec![
            ("supervisor".into(), RowKind::Changed, strs(&["self time"])),
            (
                "writer".into(),
                RowKind::Changed,
                strs(&["state", "duration"])
            ),
        ]
    );
    let row = d.rows.iter().find(|r| r.label == "writer").unwrap();
    assert_eq!(row.a.as_ref().unwrap().state, Some(AgentState::Completed));
    assert_eq!(row.b.as_ref().unwrap().state, Some(AgentState::Dead));
}

#[test]
fn a_run_against_the_baseline_of_good_runs() {
    // Runs 1..=5 good but run 4 loops once more; run 6 has a slower model.
    let ds = dataset(6, |t| Plant {
        extra_loop: t == 4,
        slow_model: t == 6,
        ..Plant::default()
    });
    let good: Vec<usize> = (1..=5u128)
        .map(|t| ds.trace_index(tracelens_model::TraceId(t)).unwrap() as usize)
        .collect();
    let bad = ds.trace_index(tracelens_model::TraceId(6)).unwrap() as usize;
    let base = baseline_steps(&ds, &good);
    assert_eq!(base.side.trace_ids.len(), 5);
    let d = diff(&base, &run_steps(&ds, bad), &DiffOptions::default());
    // One run's extra loop is not the usual shape.
    assert_eq!(
        differences(&d),
        vec![(
            "chat".into(),
            RowKind::Changed,
            strs(&["duration", "model"])
        )]
    );
    let chat = d.rows.iter().find(|r| r.label == "chat").unwrap();
    let a = chat.a.as_ref().unwrap();
    assert_eq!((a.runs, a.duration_ns), (5, 300 * MS));
    assert_eq!(a.span_id, None);
}

#[test]
fn the_graph_counts_what_the_trees_hold() {
    let ds = dataset(3, |t| Plant {
        extra_loop: t == 2,
        tool_fails: t == 3,
        ..Plant::default()
    });
    let all: Vec<usize> = (0..ds.traces.len()).collect();
    let g = graph(&ds, &all);
    assert_eq!((g.traces, g.spans), (3, 19));
    let id = |kind: GraphNodeKind, name: &str| {
        g.nodes
            .iter()
            .find(|n| n.kind == kind && n.name == name)
            .unwrap_or_else(|| panic!("{name} in {:#?}", g.nodes))
            .id
    };
    let edge = |from: u32, to: u32| {
        g.edges
            .iter()
            .find(|e| e.from == from && e.to == to)
            .unwrap()
    };
    let (svc, sup, res, wri) = (
        id(GraphNodeKind::Service, "(unknown service)"),
        id(GraphNodeKind::Agent, "supervisor"),
        id(GraphNodeKind::Agent, "researcher"),
        id(GraphNodeKind::Agent, "writer"),
    );
    let (web, gpt) = (
        id(GraphNodeKind::Tool, "web_search"),
        id(GraphNodeKind::Model, "gpt-4o"),
    );
    assert_eq!(g.nodes.len(), 6);
    assert_eq!(g.edges.len(), 5);
    assert_eq!(edge(svc, sup).figures.calls, 3);
    assert_eq!(g.nodes[svc as usize].figures.calls, 3);
    assert_eq!(edge(sup, res).figures.calls, 3);
    assert_eq!(edge(sup, wri).figures.calls, 3);
    let searches = edge(res, web).figures;
    assert_eq!((searches.calls, searches.errors), (7, 1));
    assert_eq!(searches.duration_ns, 700 * MS);
    let llm = edge(res, gpt).figures;
    assert_eq!(
        (llm.calls, llm.input_tokens, llm.output_tokens),
        (3, 300, 60)
    );
    // Across traces nodes carry no span list; for one trace they do.
    assert!(g.nodes.iter().all(|n| n.nodes.is_empty()));
    let one = graph(&ds, &[0]);
    let web1 = one.nodes.iter().find(|n| n.name == "web_search").unwrap();
    assert_eq!(web1.nodes.len() as u64, web1.figures.calls);
}

#[test]
fn a_chain_a_hundred_thousand_deep_diffs_without_recursion() {
    let mut s = TraceStore::new();
    let n = 100_000u64;
    for t in 1..=2u128 {
        for k in 1..=n {
            s.build_span(t, k, k - 1, "step")
                .time(k, Some(2 * n + 10 - k))
                .push();
        }
    }
    let ds = Dataset::build(s, DatasetOptions::default());
    let d = diff(
        &run_steps(&ds, 0),
        &run_steps(&ds, 1),
        &DiffOptions::default(),
    );
    assert_eq!(d.rows.len() as u64, n);
    assert_eq!(d.counts.same, n);
    assert_eq!(d.rows[0].below as u64, n - 1);
    let g = graph(&ds, &[0, 1]);
    assert_eq!(g.nodes.len(), 1, "plain spans are passed through");
}
