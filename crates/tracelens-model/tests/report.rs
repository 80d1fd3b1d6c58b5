//! The report across runs, on runs built with known figures: planted
//! failures, a timeout, a dead agent, known durations, tokens and TTFTs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use tracelens_model::report::{report, GroupBy, Report, ReportOptions};
use tracelens_model::{Dataset, DatasetOptions, TraceStore};

const MS: u64 = 1_000_000;
const S: u64 = 1_000_000_000;

/// Ten runs, run `t` starting at `t * 100 s`: a supervisor of `t + 1` s
/// (failed in runs 3 and 7), under it a researcher that calls a tool (which
/// raised ToolError in runs 3 and 7) and gpt-4o (100 in, 20 out tokens, TTFT
/// `50 + 10 t` ms); a writer that timed out in run 5 and died in run 8.
fn runs() -> Dataset {
    let mut s = TraceStore::new();
    for t in 0..10u64 {
        let trace = u128::from(t + 1);
        let base = t * 100 * S;
        let failed = t == 3 || t == 7;
        let mut sup = s
            .build_span(trace, 1, 0, "invoke_agent supervisor")
            .str("gen_ai.operation.name", "invoke_agent")
            .str("gen_ai.agent.name", "supervisor")
            .str("user_id", if t % 2 == 0 { "u0" } else { "u1" })
            .time(base, Some(base + (t + 1) * S));
        if failed {
            sup = sup.error("sub-agent failed");
        }
        sup.push();
        let mut res = s
            .build_span(trace, 2, 1, "invoke_agent researcher")
            .str("gen_ai.operation.name", "invoke_agent")
            .str("gen_ai.agent.name", "researcher")
            .time(base + 100 * MS, Some(base + 500 * MS + t * 100 * MS));
        if failed {
            res = res.error("tool failed");
        }
        res.push();
        let mut tool = s
            .build_span(trace, 3, 2, "execute_tool web_search")
            .str("gen_ai.operation.name", "execute_tool")
            .str("gen_ai.tool.name", "web_search")
            .time(base + 200 * MS, Some(base + 300 * MS));
        if failed {
            tool = tool
                .event_with(
                    "exception",
                    base + 250 * MS,
                    &[
                        ("exception.type", "ToolError"),
                        ("exception.message", "503"),
                    ],
                )
                .error("");
        }
        tool.push();
        s.build_span(trace, 4, 2, "chat gpt-4o")
            .str("gen_ai.operation.name", "chat")
            .str("gen_ai.request.model", "gpt-4o")
            .int("gen_ai.usage.input_tokens", 100)
            .int("gen_ai.usage.output_tokens", 20)
            .int("ttft_ms", (50 + 10 * t) as i64)
            .time(base + 300 * MS, Some(base + 400 * MS))
            .push();
        let writer = |s: &mut TraceStore, end: Option<u64>| {
            s.build_span(trace, 5, 1, "invoke_agent writer")
                .str("gen_ai.operation.name", "invoke_agent")
                .str("gen_ai.agent.name", "writer")
                .int("timeout_ms", 1000)
                .time(base + S, end)
                .push();
        };
        match t {
            5 => writer(&mut s, Some(base + 3 * S)),
            8 => writer(&mut s, None),
            _ => {}
        }
    }
    Dataset::build(s, DatasetOptions::default())
}

fn by(ds: &Dataset, g: GroupBy) -> Report {
    report(
        ds,
        &ReportOptions {
            group_by: g,
            ..ReportOptions::default()
        },
    )
}

#[test]
fn agents_carry_their_runs_states_quantiles_and_examples() {
    let ds = runs();
    let r = by(&ds, GroupBy::Agent);
    assert_eq!((r.traces, r.spans), (10, 42));
    let g = |k: &str| r.groups.iter().find(|g| g.key == k).unwrap();

    let sup = g("supervisor");
    assert_eq!(sup.count, 10);
    assert_eq!((sup.states.completed, sup.states.failed), (8, 2));
    assert_eq!(sup.errors, 2);
    assert_eq!(sup.class, "agent");
    // Durations 1..=10 s.
    assert_eq!(sup.p50_ns, 5.5e9);
    assert!((sup.p95_ns - 9.55e9).abs() < 1.0, "{}", sup.p95_ns);
    assert_eq!(sup.max_ns, 10 * S);
    assert_eq!(sup.total_ns, 55 * S);
    let slowest = sup.slowest.as_ref().unwrap();
    assert_eq!(slowest.trace_id, format!("{:032x}", 10));
    assert_eq!(slowest.duration_ns, 10 * S);
    // The first failed run (traces in start order).
    assert_eq!(sup.failed.as_ref().unwrap().trace_id, format!("{:032x}", 4));

    let res = g("researcher");
    assert_eq!((res.count, res.states.failed), (10, 2));
    // 100 ms of LLM and 100 ms of tool in each of the ten runs.
    assert_eq!(res.llm_ns, Some(S));
    assert_eq!(res.tool_ns, Some(S));

    let w = g("writer");
    assert_eq!(w.count, 2);
    assert_eq!((w.states.timeout, w.states.dead), (1, 1));
    assert_eq!(w.errors, 2);
    // Sorted by p95, slowest first.
    assert!(r.groups.windows(2).all(|p| p[0].p95_ns >= p[1].p95_ns));
    assert_eq!(r.groups_total, 3);
}

#[test]
fn models_sum_tokens_and_give_ttft_quantiles() {
    let ds = runs();
    let r = by(&ds, GroupBy::Agent);
    assert_eq!(r.models.len(), 1);
    let m = &r.models[0];
    assert_eq!(m.model, "gpt-4o");
    assert_eq!(m.calls, 10);
    assert_eq!((m.input_tokens, m.output_tokens), (1000, 200));
    assert_eq!(m.total_ns, S);
    assert_eq!(m.ttft_p50_ns, Some(95.0 * MS as f64));
    assert_eq!(m.p50_ns, 100.0 * MS as f64);

    let by_model = by(&ds, GroupBy::Model);
    assert_eq!(by_model.groups.len(), 1);
    assert_eq!(by_model.groups[0].key, "gpt-4o");
    assert_eq!(by_model.groups[0].count, 10);
    assert_eq!(by_model.groups[0].class, "llm");
}

#[test]
fn error_kinds_are_counted_with_an_example_each() {
    let ds = runs();
    let r = by(&ds, GroupBy::Agent);
    let e = |k: &str| {
        r.errors
            .iter()
            .find(|e| e.kind == k)
            .unwrap_or_else(|| panic!("no {k} in {:?}", r.errors))
    };
    assert_eq!((e("ToolError").count, e("ToolError").traces), (2, 2));
    assert_eq!(e("ToolError").name, "execute_tool web_search");
    assert_eq!(e("ToolError").example.trace_id, format!("{:032x}", 4));
    assert_eq!(e("tool failed").count, 2);
    assert_eq!(e("sub-agent failed").count, 2);
    assert_eq!(e("agent timeout").count, 1);
    assert_eq!(e("agent dead").count, 1);
    assert_eq!(r.errors.len(), 5, "{:?}", r.errors);
}

#[test]
fn bottlenecks_and_costliest_spans_come_from_every_run() {
    let ds = runs();
    let r = by(&ds, GroupBy::Agent);
    let sup = r
        .bottlenecks
        .iter()
        .find(|b| b.name == "invoke_agent supervisor")
        .unwrap();
    assert_eq!(sup.traces, 10);
    assert!(sup.share > 0.5 && sup.share <= 1.0, "{sup:?}");
    assert!(r
        .bottlenecks
        .windows(2)
        .all(|p| p[0].on_path_ns >= p[1].on_path_ns));
    // The longest supervisor keeps the most time of its own.
    assert_eq!(r.top_self_time[0].trace_id, format!("{:032x}", 10));
    assert_eq!(r.top_self_time[0].name, "invoke_agent supervisor");
    assert!(r
        .top_self_time
        .windows(2)
        .all(|p| p[0].self_ns >= p[1].self_ns));
    assert_eq!(r.top_self_time.len(), 10);
}

#[test]
fn other_groupings_and_the_range() {
    let ds = runs();
    let r = by(&ds, GroupBy::Operation);
    let tool = r
        .groups
        .iter()
        .find(|g| g.key == "execute_tool web_search")
        .unwrap();
    assert_eq!(
        (tool.count, tool.errors, tool.class.as_str()),
        (10, 2, "tool")
    );

    let r = by(&ds, GroupBy::Attribute("user_id".into()));
    let keys: Vec<(&str, u64)> = r.groups.iter().map(|g| (g.key.as_str(), g.count)).collect();
    assert_eq!(r.groups.len(), 2, "{keys:?}");
    assert!(
        keys.contains(&("u0", 5)) && keys.contains(&("u1", 5)),
        "{keys:?}"
    );

    let r = by(&ds, GroupBy::Service);
    assert_eq!(r.groups.iter().map(|g| g.count).sum::<u64>(), 42);

    // The last three runs only.
    let r = report(
        &ds,
        &ReportOptions {
            from_ns: Some(700 * S),
            ..ReportOptions::default()
        },
    );
    assert_eq!(r.traces, 3);
    let sup = r.groups.iter().find(|g| g.key == "supervisor").unwrap();
    assert_eq!((sup.count, sup.states.failed), (3, 1));

    // A cap on the main table counts what it left out.
    let r = report(
        &ds,
        &ReportOptions {
            max_groups: 1,
            ..ReportOptions::default()
        },
    );
    assert_eq!((r.groups.len(), r.groups_total), (1, 3));
}

#[test]
fn an_empty_dataset_gives_an_empty_report() {
    let ds = Dataset::build(TraceStore::new(), DatasetOptions::default());
    let r = by(&ds, GroupBy::Agent);
    assert_eq!(r.traces, 0);
    assert!(r.groups.is_empty() && r.models.is_empty() && r.errors.is_empty());
}

#[test]
fn calls_are_priced_by_token_kind_and_unknown_models_are_named() {
    use tracelens_model::cost::{Price, PriceTable};
    let mut s = TraceStore::new();
    s.build_span(1, 1, 0, "invoke_agent supervisor")
        .str("gen_ai.operation.name", "invoke_agent")
        .str("gen_ai.agent.name", "supervisor")
        .time(0, Some(10 * S))
        .push();
    // 1000 in (400 read from the cache), 200 out (50 of them reasoning).
    s.build_span(1, 2, 1, "chat gpt-4o")
        .str("gen_ai.operation.name", "chat")
        .str("gen_ai.response.model", "gpt-4o-2024-08-06")
        .int("gen_ai.usage.input_tokens", 1000)
        .int("gen_ai.usage.cache_read.input_tokens", 400)
        .int("gen_ai.usage.output_tokens", 200)
        .int("gen_ai.usage.reasoning.output_tokens", 50)
        .time(S, Some(2 * S))
        .push();
    s.build_span(1, 3, 1, "chat local")
        .str("gen_ai.operation.name", "chat")
        .str("gen_ai.request.model", "my-llama")
        .int("gen_ai.usage.input_tokens", 10)
        .int("gen_ai.usage.output_tokens", 10)
        .time(3 * S, Some(4 * S))
        .push();
    let ds = Dataset::build(s, DatasetOptions::default());
    let r = by(&ds, GroupBy::Agent);
    let want = (600.0 * 2.50 + 400.0 * 1.25 + 200.0 * 10.0) / 1e6;
    let m = r
        .models
        .iter()
        .find(|m| m.model == "gpt-4o-2024-08-06")
        .unwrap();
    assert!((m.cost_usd.unwrap() - want).abs() < 1e-12, "{m:?}");
    assert_eq!((m.cache_read_tokens, m.reasoning_tokens), (400, 50));
    let local = r.models.iter().find(|m| m.model == "my-llama").unwrap();
    assert_eq!(local.cost_usd, None);
    assert_eq!(r.unpriced_models, vec!["my-llama".to_string()]);
    assert!((r.cost_usd - want).abs() < 1e-12);
    // The agent's cost is its calls'; the run's, the same.
    let sup = &r.groups[0];
    assert!((sup.cost_usd.unwrap() - want).abs() < 1e-12);
    assert_eq!(r.costliest_runs.len(), 1);
    assert_eq!(r.costliest_runs[0].llm_calls, 2);
    assert_eq!(r.costliest_runs[0].root_name, "invoke_agent supervisor");

    // A user's table prices the local model and overrides a bundled one.
    let mut prices = PriceTable::bundled();
    let flat = Price {
        input: 1.0,
        output: 1.0,
        cache_read: 1.0,
        cache_write: 1.0,
    };
    prices.set("my-llama", flat);
    prices.set("gpt-4o", flat);
    let r = report(
        &ds,
        &ReportOptions {
            prices,
            ..ReportOptions::default()
        },
    );
    assert!(r.unpriced_models.is_empty());
    assert!((r.cost_usd - 1220.0 / 1e6).abs() < 1e-12, "{}", r.cost_usd);
}

#[test]
fn calls_across_runs_filter_sort_and_page() {
    use tracelens_model::calls::{calls, CallClass, CallFilter, CallSort};
    use tracelens_model::cost::PriceTable;
    let ds = runs();
    let prices = PriceTable::bundled();
    let q = |f: CallFilter| calls(&ds, &CallFilter { limit: 100, ..f }, &prices);

    // LLM calls by TTFT: the last run's (140 ms) first.
    let d = q(CallFilter {
        sort: CallSort::Ttft,
        ..CallFilter::default()
    });
    assert_eq!((d.total, d.matched, d.rows.len()), (10, 10, 10));
    let top = &d.rows[0];
    assert_eq!(top.ttft_ns, Some(140 * MS));
    assert_eq!(top.trace_id, format!("{:032x}", 10));
    assert_eq!(top.model.as_deref(), Some("gpt-4o"));
    assert_eq!(top.agent.as_deref(), Some("researcher"));
    assert_eq!((top.input_tokens, top.output_tokens), (Some(100), Some(20)));
    // 20 tokens in 100 ms.
    assert!((top.tokens_per_s.unwrap() - 200.0).abs() < 1e-9);
    assert!((top.cost_usd.unwrap() - (100.0 * 2.5 + 20.0 * 10.0) / 1e6).abs() < 1e-12);
    assert!(d.rows.windows(2).all(|w| w[0].ttft_ns >= w[1].ttft_ns));

    // Tools that failed.
    let d = q(CallFilter {
        class: CallClass::Tool,
        errors_only: true,
        ..CallFilter::default()
    });
    assert_eq!((d.total, d.matched), (10, 2));
    assert!(d
        .rows
        .iter()
        .all(|r| r.status == "error" && r.tool.as_deref() == Some("web_search")));

    // Agent executions of one agent, with their states.
    let d = q(CallFilter {
        class: CallClass::Agent,
        agent: Some("writer".into()),
        ..CallFilter::default()
    });
    assert_eq!((d.total, d.matched), (22, 2));
    let mut states: Vec<&str> = d.rows.iter().map(|r| r.status.as_str()).collect();
    states.sort_unstable();
    assert_eq!(states, ["dead", "timeout"]);

    // Text, and pages that follow one another.
    let d = q(CallFilter {
        class: CallClass::Tool,
        text: Some("WEB_SEARCH".into()),
        ..CallFilter::default()
    });
    assert_eq!(d.matched, 10);
    let all = q(CallFilter {
        class: CallClass::Agent,
        sort: CallSort::Start,
        ..CallFilter::default()
    });
    let page = calls(
        &ds,
        &CallFilter {
            class: CallClass::Agent,
            sort: CallSort::Start,
            offset: 3,
            limit: 3,
            ..CallFilter::default()
        },
        &prices,
    );
    assert_eq!(page.rows, all.rows[3..6].to_vec());
    assert!(all
        .rows
        .windows(2)
        .all(|w| w[0].start_time_unix_nano <= w[1].start_time_unix_nano));
    // A model nobody used matches nothing.
    let none = q(CallFilter {
        model: Some("gpt-2".into()),
        ..CallFilter::default()
    });
    assert_eq!((none.matched, none.rows.len()), (0, 0));
}

#[test]
fn health_counts_each_agents_runs_and_problems_per_bucket() {
    use tracelens_model::health::{health, HealthOptions};
    let ds = runs();
    let h = health(
        &ds,
        &HealthOptions {
            bucket_ns: Some(100 * S),
            ..HealthOptions::default()
        },
    );
    assert_eq!((h.from_ns, h.bucket_ns, h.buckets), (0, 100 * S, 10));
    let a = |n: &str| h.agents.iter().find(|a| a.agent == n).unwrap();
    assert_eq!(a("supervisor").runs, vec![1; 10]);
    let mut failed = vec![0; 10];
    failed[3] = 1;
    failed[7] = 1;
    assert_eq!(a("supervisor").failed, failed);
    assert_eq!(
        (a("supervisor").total_runs, a("supervisor").total_problems),
        (10, 2)
    );
    // One supervisor a bucket, run t lasting t + 1 s: its p50 and p95 are it.
    let secs: Vec<u64> = (1..=10).map(|t| t * S).collect();
    assert_eq!(a("supervisor").p50_ns, secs);
    assert_eq!(a("supervisor").p95_ns, secs);
    // Two buckets of 5 runs each: the median is the third, the p95
    // interpolated between the fourth and the fifth (as the report's).
    let wide = health(
        &ds,
        &HealthOptions {
            bucket_ns: Some(500 * S),
            ..HealthOptions::default()
        },
    );
    let sup = wide
        .agents
        .iter()
        .find(|a| a.agent == "supervisor")
        .unwrap();
    assert_eq!(sup.p50_ns, vec![3 * S, 8 * S]);
    assert_eq!(sup.p95_ns, vec![4 * S + 8 * S / 10, 9 * S + 8 * S / 10]);
    let w = a("writer");
    assert_eq!((w.timeout[5], w.dead[8], w.total_problems), (1, 1, 2));
    assert_eq!(h.dead.len(), 1);
    assert_eq!(h.dead[0].agent, "writer");
    assert_eq!(h.dead[0].trace_id, format!("{:032x}", 9));
    assert!(
        h.dead[0].reason.starts_with("no end and no heartbeat"),
        "{:?}",
        h.dead[0]
    );
    // Without a width: about 60 nice buckets over the range.
    let auto = health(&ds, &HealthOptions::default());
    assert!(
        auto.buckets <= 61 && auto.bucket_ns == 30 * S,
        "{} x {}",
        auto.buckets,
        auto.bucket_ns
    );
    assert_eq!(
        auto.agents.iter().map(|a| a.total_runs).sum::<u64>(),
        h.agents.iter().map(|a| a.total_runs).sum::<u64>()
    );
}

#[test]
fn sessions_group_runs_by_their_key_in_order_with_totals() {
    use tracelens_model::cost::PriceTable;
    use tracelens_model::sessions::sessions;
    let mut s = TraceStore::new();
    // Two runs of conversation c1 (the later one failed), one of c2, one
    // with only a thread_id, one with nothing.
    let run =
        |s: &mut TraceStore, trace: u128, start: u64, attrs: &[(&str, &str)], failed: bool| {
            let mut b = s
                .build_span(trace, 1, 0, "invoke_agent supervisor")
                .str("gen_ai.operation.name", "invoke_agent")
                .str("gen_ai.agent.name", "supervisor")
                .time(start, Some(start + 2 * S));
            for (k, v) in attrs {
                b = b.str(k, v);
            }
            if failed {
                b = b.error("boom");
            }
            b.push();
            s.build_span(trace, 2, 1, "chat gpt-4o")
                .str("gen_ai.operation.name", "chat")
                .str("gen_ai.request.model", "gpt-4o")
                .int("gen_ai.usage.input_tokens", 1000)
                .int("gen_ai.usage.output_tokens", 100)
                .time(start + S, Some(start + 2 * S))
                .push();
        };
    run(
        &mut s,
        1,
        10 * S,
        &[("gen_ai.conversation.id", "c1"), ("thread_id", "t9")],
        false,
    );
    run(&mut s, 2, 50 * S, &[("gen_ai.conversation.id", "c1")], true);
    run(
        &mut s,
        3,
        20 * S,
        &[("gen_ai.conversation.id", "c2")],
        false,
    );
    run(&mut s, 4, 30 * S, &[("thread_id", "t1")], false);
    run(&mut s, 5, 40 * S, &[], false);
    let ds = Dataset::build(s, DatasetOptions::default());
    let all = tracelens_model::runs::RunFilter::default();
    let d = sessions(&ds, None, &PriceTable::bundled(), &all);
    assert_eq!(d.runs_without_session, 1);
    let v: Vec<(&str, &str, usize)> = d
        .sessions
        .iter()
        .map(|x| (x.key.as_str(), x.value.as_str(), x.runs.len()))
        .collect();
    // Latest started first; the conversation id wins over the thread id.
    assert_eq!(
        v,
        [
            ("thread_id", "t1", 1),
            ("gen_ai.conversation.id", "c2", 1),
            ("gen_ai.conversation.id", "c1", 2),
        ]
    );
    let c1 = &d.sessions[2];
    assert_eq!(c1.runs[0].trace_id, format!("{:032x}", 1));
    assert_eq!((c1.span_ns, c1.busy_ns), (42 * S, 4 * S));
    assert_eq!((c1.input_tokens, c1.problems), (2000, 1));
    let one = (1000.0 * 2.5 + 100.0 * 10.0) / 1e6;
    assert!((c1.cost_usd - 2.0 * one).abs() < 1e-12);
    // A named key.
    let d = sessions(&ds, Some("thread_id"), &PriceTable::bundled(), &all);
    assert_eq!(d.sessions.len(), 2);
    assert_eq!(d.runs_without_session, 3);
}

#[test]
fn views_across_runs_follow_the_trace_lists_filters() {
    use tracelens_model::calls::{calls, CallFilter};
    use tracelens_model::cost::PriceTable;
    use tracelens_model::health::{health, HealthOptions};
    use tracelens_model::runs::RunFilter;
    let ds = runs();
    // Runs of at least 6 s: the supervisors of runs 5 to 9.
    let long = RunFilter {
        min_duration_ns: 6 * S,
        ..RunFilter::default()
    };
    let r = report(
        &ds,
        &ReportOptions {
            runs: long.clone(),
            ..ReportOptions::default()
        },
    );
    assert_eq!(r.traces, 5);
    let h = health(
        &ds,
        &HealthOptions {
            runs: long.clone(),
            ..HealthOptions::default()
        },
    );
    let sup = h.agents.iter().find(|a| a.agent == "supervisor").unwrap();
    assert_eq!(sup.total_runs, 5);
    let c = calls(
        &ds,
        &CallFilter {
            runs: long,
            limit: 100,
            ..CallFilter::default()
        },
        &PriceTable::bundled(),
    );
    assert_eq!(c.matched, 5);
    // Text matches an agent's state as the list does: the run with the
    // dead writer.
    let dead = RunFilter {
        text: Some("DEAD".into()),
        ..RunFilter::default()
    };
    let r = report(
        &ds,
        &ReportOptions {
            runs: dead,
            ..ReportOptions::default()
        },
    );
    assert_eq!(r.traces, 1);
    // A run's ids (the root's user_id) and an agent's name, as the list's
    // filter matches them.
    let by = |text: &str| {
        report(
            &ds,
            &ReportOptions {
                runs: RunFilter {
                    text: Some(text.into()),
                    ..RunFilter::default()
                },
                ..ReportOptions::default()
            },
        )
        .traces
    };
    assert_eq!(by("U1"), 5);
    assert_eq!(by("researcher"), 10);
    assert_eq!(
        tracelens_model::runs::run_ids(&ds, 0),
        [("user_id".to_string(), "u0".to_string())]
    );
    assert!(RunFilter::default().is_empty());
}
