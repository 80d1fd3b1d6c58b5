//! Against a real ClickHouse engine (see tests/clickhouse/engine.rs): the
//! migrations, import then fetch, the otel_traces variants, injection
//! payloads, and every failure a user can meet.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../../tests/clickhouse/engine.rs"]
mod engine;

use engine::{engine, fresh_db};
use std::time::Duration;
use tracelens_clickhouse::migrate::{migrate, migrate_with, Migration, MIGRATIONS};
use tracelens_clickhouse::{otel, ChError, Conn, ConnConfig};
use tracelens_model::{DatasetOptions, TraceStore};

fn conn(db: &str) -> Conn {
    let mut cfg = ConnConfig::new(&engine().url);
    cfg.database = db.to_string();
    cfg.timeout = Duration::from_secs(60);
    Conn::new(cfg).unwrap()
}

fn summary_json(store: TraceStore) -> serde_json::Value {
    let ds = tracelens_service::from_store(store, DatasetOptions::default());
    let doc = tracelens_service::summary_doc(&ds, Vec::new(), None);
    let mut v = serde_json::to_value(&doc).unwrap();
    v.as_object_mut().unwrap().remove("sources");
    v
}

#[tokio::test]
async fn migrations_apply_twice_cleanly_and_refuse_an_edited_one() {
    let db = fresh_db("mig");
    let c = conn(&db);
    let first = migrate(&c, true).await.unwrap();
    assert_eq!(first.applied.len(), MIGRATIONS.len(), "{first:?}");
    let second = migrate(&c, true).await.unwrap();
    assert!(second.applied.is_empty(), "{second:?}");
    assert_eq!(second.already.len(), MIGRATIONS.len());

    let edited: Vec<Migration> = MIGRATIONS
        .iter()
        .map(|m| Migration {
            sql: if m.name == "0002_agent_events" {
                "-- edited\nSELECT 1;\n"
            } else {
                m.sql
            },
            ..*m
        })
        .collect();
    match migrate_with(&c, &edited, true).await {
        Err(ChError::MigrationEdited { name, .. }) => assert_eq!(name, "0002_agent_events"),
        other => panic!("an edited migration was not refused: {other:?}"),
    }
    let schema = tracelens_clickhouse::schema::detect(&c).await.unwrap();
    assert!(schema.agent_tables, "{:?}", schema.tables);
    let o = schema.otel.expect("otel_traces");
    assert_eq!(o.attrs, "Map");
    assert!(o.lookup.is_some());
}

fn generated() -> TraceStore {
    tracelens_gen::generate(tracelens_gen::GenOptions {
        traces: 6,
        spans_per_trace: 80,
        seed: 21,
    })
}

/// A fresh database, migrated, with the generated traces imported into
/// otel_traces.
async fn with_generated_traces(tag: &str) -> (String, Conn, TraceStore) {
    let db = fresh_db(tag);
    let c = conn(&db);
    migrate(&c, true).await.unwrap();
    let store = generated();
    let spans: Vec<u32> = (0..store.spans.len() as u32).collect();
    otel::import(&c, &store, &spans, 1000, |_| {})
        .await
        .unwrap();
    (db, c, store)
}

/// [`with_generated_traces`], with their agent rows imported too (as
/// `import --schema both` does); also the dataset they came from.
async fn with_generated_traces_and_agents(
    tag: &str,
) -> (String, Conn, TraceStore, tracelens_model::Dataset) {
    let (db, c, store) = with_generated_traces(tag).await;
    let ds = tracelens_service::from_store(generated(), DatasetOptions::default());
    tracelens_clickhouse::agent::import(&c, &ds, 1000)
        .await
        .unwrap();
    (db, c, store, ds)
}

#[tokio::test]
async fn import_then_fetch_gives_the_summary_of_the_file_and_twice_adds_nothing() {
    let db = fresh_db("imp");
    let c = conn(&db);
    migrate(&c, true).await.unwrap();
    let store = generated();
    let spans: Vec<u32> = (0..store.spans.len() as u32).collect();
    let want = summary_json(generated());
    let rep = otel::import(&c, &store, &spans, 100, |_| {}).await.unwrap();
    assert_eq!(rep.spans as usize, spans.len());
    assert!(rep.batches > 1);
    // The same data again (as after a kill midway): no new rows.
    otel::import(&c, &store, &spans, 100, |_| {}).await.unwrap();
    let n: u64 = c
        .scalar_u64(&format!("SELECT count() FROM `{db}`.otel_traces"))
        .await
        .unwrap();
    assert_eq!(n as usize, spans.len(), "re-import added rows");

    let ids: Vec<String> = want["traces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["trace_id"].as_str().unwrap().to_string())
        .collect();
    let mut fetched = TraceStore::new();
    for id in &ids {
        let r = otel::fetch_trace(&c, id, None, true, &mut fetched)
            .await
            .unwrap();
        assert_eq!(r.via, "lookup");
        assert!(r.spans > 0);
    }
    let got = summary_json(fetched);
    let (g, w) = (
        got["traces"].as_array().unwrap(),
        want["traces"].as_array().unwrap(),
    );
    assert_eq!(g.len(), w.len());
    let mut diffs = Vec::new();
    for (a, b) in g.iter().zip(w) {
        for (k, v) in b.as_object().unwrap() {
            if a[k] != *v {
                diffs.push(format!(
                    "{} {k}: fetched {} file {}",
                    b["trace_id"], a[k], v
                ));
            }
        }
    }
    assert!(
        diffs.is_empty(),
        "fetched traces differ from the file's:\n{}",
        diffs.join("\n")
    );
}

#[tokio::test]
async fn injection_payloads_are_values_not_sql() {
    let db = fresh_db("inj");
    let c = conn(&db);
    migrate(&c, true).await.unwrap();
    for payload in [
        "'; DROP TABLE otel_traces; --",
        "x' OR '1'='1",
        "\\'); DROP DATABASE default; --",
        "{id:String}",
        "\u{0}\n\r",
    ] {
        let mut st = TraceStore::new();
        let r = otel::fetch_trace(&c, payload, Some((0, 2_000_000_000)), true, &mut st)
            .await
            .unwrap();
        assert_eq!(r.spans, 0, "{payload:?}");
    }
    let schema = tracelens_clickhouse::schema::detect(&c).await.unwrap();
    assert!(schema.otel.is_some(), "a payload dropped otel_traces");
    // Names are validated, never spliced.
    let mut cfg = ConnConfig::new(&engine().url);
    cfg.database = "x`; DROP DATABASE default; --".into();
    assert!(matches!(Conn::new(cfg), Err(ChError::BadName(_))));
}

#[tokio::test]
async fn a_trace_without_a_lookup_row_is_found_in_the_fallback_window() {
    let (db, c, store) = with_generated_traces("win").await;
    c.execute(&format!("TRUNCATE TABLE `{db}`.otel_traces_trace_id_ts"))
        .await
        .unwrap();
    let id = store.spans[0].trace_id.to_string();
    let start_s = (store.spans[0].start_ns / 1_000_000_000) as i64;
    let mut st = TraceStore::new();
    let r = otel::fetch_trace(
        &c,
        &id,
        Some((start_s - 3600, start_s + 3600)),
        true,
        &mut st,
    )
    .await
    .unwrap();
    assert_eq!(r.via, "window");
    assert!(r.spans > 0);
    let mut st = TraceStore::new();
    let r = otel::fetch_trace(&c, &id, Some((0, 1000)), true, &mut st)
        .await
        .unwrap();
    assert_eq!(r.spans, 0, "a window before the trace found it");
}

#[tokio::test]
async fn failures_say_what_to_check() {
    // Nothing listens on a fresh port.
    let mut cfg = ConnConfig::new(&format!("http://127.0.0.1:{}", engine::free_port()));
    cfg.timeout = Duration::from_secs(10);
    let e = Conn::new(cfg).unwrap().ping().await.unwrap_err();
    assert!(matches!(e, ChError::Refused { .. }), "{e:?}");
    assert!(e.to_string().contains("connection refused"));

    let mut cfg = ConnConfig::new("http://no-such-host.invalid:8123");
    cfg.timeout = Duration::from_secs(20);
    let e = Conn::new(cfg).unwrap().ping().await.unwrap_err();
    assert!(
        matches!(e, ChError::UnknownHost { .. } | ChError::Connect { .. }),
        "{e:?}"
    );

    let mut cfg = ConnConfig::new(&engine().url);
    cfg.password = "not-the-password".into();
    let e = Conn::new(cfg.clone()).unwrap().ping().await.unwrap_err();
    assert!(matches!(e, ChError::Auth { .. }), "{e:?}");
    assert!(
        !e.to_string().contains("not-the-password"),
        "the password leaked: {e}"
    );
    assert!(!format!("{cfg:?}").contains("not-the-password"));

    let db = fresh_db("missing");
    let c = conn(&db);
    c.execute(&format!("CREATE DATABASE `{db}`")).await.unwrap();
    let mut st = TraceStore::new();
    let e = otel::fetch_trace(&c, "abc", None, true, &mut st)
        .await
        .unwrap_err();
    assert!(matches!(e, ChError::Missing { .. }), "{e:?}");
    assert!(e.to_string().contains("tracelens migrate"));

    assert!(matches!(
        Conn::new(ConnConfig::new("ftp://x")),
        Err(ChError::BadUrl { .. })
    ));
}

#[tokio::test]
async fn a_slow_query_times_out_and_a_killed_server_is_a_clear_error() {
    let (mut child, url, _dir) = engine::start_front(&[]);
    let mut cfg = ConnConfig::new(&url);
    cfg.timeout = Duration::from_secs(1);
    let c = Conn::new(cfg).unwrap();
    c.ping().await.unwrap();
    let e = c
        .execute("SELECT count() FROM numbers(100000000000)")
        .await
        .unwrap_err();
    assert!(matches!(e, ChError::Timeout { .. }), "{e:?}");

    // A fresh front, killed while a query runs.
    let (mut child2, url2, _dir2) = engine::start_front(&[]);
    let _ = child.kill();
    let mut cfg = ConnConfig::new(&url2);
    cfg.timeout = Duration::from_secs(30);
    let c2 = Conn::new(cfg).unwrap();
    let q = tokio::spawn(async move {
        c2.execute("SELECT count() FROM numbers(100000000000)")
            .await
            .unwrap_err()
    });
    tokio::time::sleep(Duration::from_millis(800)).await;
    child2.kill().unwrap();
    let e = tokio::time::timeout(Duration::from_secs(20), q)
        .await
        .expect("the client hung on a dead server")
        .unwrap();
    assert!(
        matches!(
            e,
            ChError::Broken(_) | ChError::Refused { .. } | ChError::Connect { .. }
        ),
        "{e:?}"
    );
}

/// Older Collector layouts: Duration Int64, SPAN_KIND_* and STATUS_CODE_*
/// words, no ScopeName/ScopeVersion, JSON attributes, and no lookup table.
#[tokio::test]
async fn older_otel_traces_variants_read_correctly() {
    for (tag, attrs_type, has_scope) in [
        ("oldmap", "Map(LowCardinality(String), String)", false),
        ("json", "JSON", true),
    ] {
        let db = fresh_db(tag);
        let c = conn(&db);
        c.execute(&format!("CREATE DATABASE `{db}`")).await.unwrap();
        let scope_cols = if has_scope {
            "ScopeName String, ScopeVersion String,"
        } else {
            ""
        };
        c.execute(&format!(
            "CREATE TABLE `{db}`.otel_traces (Timestamp DateTime64(9), TraceId String, SpanId String, \
             ParentSpanId String, TraceState String, SpanName LowCardinality(String), SpanKind LowCardinality(String), \
             ServiceName LowCardinality(String), ResourceAttributes {attrs_type}, {scope_cols} SpanAttributes {attrs_type}, \
             Duration Int64, StatusCode LowCardinality(String), StatusMessage String, \
             Events Nested(Timestamp DateTime64(9), Name LowCardinality(String), Attributes Map(LowCardinality(String), String)), \
             Links Nested(TraceId String, SpanId String, TraceState String, Attributes Map(LowCardinality(String), String))) \
             ENGINE = MergeTree ORDER BY (ServiceName, SpanName, toDateTime(Timestamp))"
        ))
        .await
        .unwrap();
        let scope_vals = if has_scope { "'my.lib', '1.0'," } else { "" };
        let (res, root_attrs, child_attrs) = if attrs_type == "JSON" {
            ("'{\"service\":{\"name\":\"svc\"}}'", "'{\"gen_ai\":{\"operation\":{\"name\":\"invoke_agent\"},\"agent\":{\"name\":\"planner\"}}}'", "'{\"gen_ai\":{\"operation\":{\"name\":\"chat\"},\"usage\":{\"input_tokens\":\"120\"}}}'")
        } else {
            (
                "map('service.name','svc')",
                "map('gen_ai.operation.name','invoke_agent','gen_ai.agent.name','planner')",
                "map('gen_ai.operation.name','chat','gen_ai.usage.input_tokens','120')",
            )
        };
        c.execute(&format!(
            "INSERT INTO `{db}`.otel_traces (Timestamp, TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, ServiceName, \
             ResourceAttributes, {} SpanAttributes, Duration, StatusCode, StatusMessage, `Events.Timestamp`, `Events.Name`, `Events.Attributes`, \
             `Links.TraceId`, `Links.SpanId`, `Links.TraceState`, `Links.Attributes`) VALUES \
             ('2026-11-02 09:00:00.000000000', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '1111111111111111', '', '', 'invoke_agent planner', 'SPAN_KIND_SERVER', 'svc', \
              {res}, {scope_vals} {root_attrs}, 2000000000, 'STATUS_CODE_ERROR', 'boom', ['2026-11-02 09:00:00.5'], ['agent_started'], [map()], [], [], [], []), \
             ('2026-11-02 09:00:00.100000000', 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '2222222222222222', '1111111111111111', '', 'chat gpt', 'SPAN_KIND_CLIENT', 'svc', \
              {res}, {scope_vals} {child_attrs}, 1500000000, 'STATUS_CODE_UNSET', '', [], [], [], [], [], [], [])",
            if has_scope { "ScopeName, ScopeVersion," } else { "" }
        ))
        .await
        .unwrap();
        let mut st = TraceStore::new();
        let r = otel::fetch_trace(&c, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", None, true, &mut st)
            .await
            .unwrap();
        assert_eq!((r.spans, r.via), (2, "scan"), "{tag}");
        let ds = tracelens_service::from_store(st, DatasetOptions::default());
        let doc =
            serde_json::to_value(tracelens_service::summary_doc(&ds, Vec::new(), None)).unwrap();
        let t = &doc["traces"][0];
        assert_eq!(t["span_count"], 2, "{tag}");
        assert_eq!(t["error_count"], 1, "{tag}: STATUS_CODE_ERROR not read");
        assert_eq!(t["duration_ns"], 2_000_000_000u64, "{tag}");
        assert_eq!(
            t["llm"]["calls"], 1,
            "{tag}: the chat span is not an LLM call"
        );
        assert_eq!(t["llm"]["input_tokens"], 120, "{tag}");
        assert_eq!(t["agents"][0]["name"], "planner", "{tag}");
        assert_eq!(t["agents"][0]["state"], "failed", "{tag}");
        assert_eq!(t["services"][0], "svc", "{tag}");
        let root = &ds.store.spans[0];
        assert!(
            matches!(
                root.kind,
                tracelens_model::SpanKind::Server | tracelens_model::SpanKind::Client
            ),
            "{tag}"
        );
    }
}

#[tokio::test]
async fn listing_filters_pages_and_correlation_search() {
    use tracelens_clickhouse::list::{find_by_id, list_traces, ListFilter};
    let (_, c, _) = with_generated_traces("list").await;
    let want = summary_json(generated());
    let traces = want["traces"].as_array().unwrap();
    let all = ListFilter {
        from_s: 0,
        to_s: 4_000_000_000,
        limit: 100,
        ..ListFilter::default()
    };
    let rows = list_traces(&c, &all).await.unwrap();
    assert_eq!(rows.len(), traces.len());
    assert!(
        rows.windows(2)
            .all(|w| w[0].start_time_unix_nano >= w[1].start_time_unix_nano),
        "not newest first"
    );
    for r in &rows {
        let t = traces
            .iter()
            .find(|t| t["trace_id"] == r.trace_id.as_str())
            .expect("a listed trace exists");
        assert_eq!(r.root_name, t["root_name"].as_str().unwrap());
        assert_eq!(r.span_count, t["span_count"].as_u64().unwrap());
        assert_eq!(
            r.duration_ns as u64,
            t["duration_ns"].as_u64().unwrap(),
            "{}",
            r.trace_id
        );
        assert_eq!(r.error_count, t["error_count"].as_u64().unwrap());
    }
    // Paging covers the list once.
    let p1 = list_traces(
        &c,
        &ListFilter {
            limit: 4,
            ..all.clone()
        },
    )
    .await
    .unwrap();
    let p2 = list_traces(
        &c,
        &ListFilter {
            limit: 4,
            offset: 4,
            ..all.clone()
        },
    )
    .await
    .unwrap();
    let paged: Vec<_> = p1.iter().chain(&p2).map(|r| r.trace_id.clone()).collect();
    assert_eq!(
        paged,
        rows.iter().map(|r| r.trace_id.clone()).collect::<Vec<_>>()
    );
    // Filters.
    let long = rows.iter().map(|r| r.duration_ns).max().unwrap();
    let only_long = list_traces(
        &c,
        &ListFilter {
            min_duration_ns: long as u64,
            ..all.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!(only_long.len(), 1);
    let errs = list_traces(
        &c,
        &ListFilter {
            errors_only: true,
            ..all.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!(
        errs.len(),
        traces
            .iter()
            .filter(|t| t["error_count"].as_u64() > Some(0))
            .count()
    );
    let by_service = list_traces(
        &c,
        &ListFilter {
            service: Some("tool-runner".into()),
            ..all.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!(by_service.len(), rows.len());
    let none = list_traces(
        &c,
        &ListFilter {
            service: Some("'; DROP TABLE otel_traces; --".into()),
            ..all.clone()
        },
    )
    .await
    .unwrap();
    assert!(none.is_empty());
    let by_agent = list_traces(
        &c,
        &ListFilter {
            agent: Some("researcher".into()),
            ..all.clone()
        },
    )
    .await
    .unwrap();
    assert!(!by_agent.is_empty());
    let by_text = list_traces(
        &c,
        &ListFilter {
            text: Some(rows[0].trace_id.to_uppercase()),
            ..all.clone()
        },
    )
    .await
    .unwrap();
    assert_eq!(by_text.len(), 1);

    // Correlation: the request id of a trace's root finds that trace.
    let ds = tracelens_service::from_store(generated(), DatasetOptions::default());
    let tree = &ds.traces[0];
    let root = &ds.store.spans[tree.nodes[tree.roots[0] as usize].span as usize];
    let rid = ds
        .store
        .attrs_of(root.attrs)
        .iter()
        .find(|a| ds.store.resolve(a.key) == "request_id")
        .and_then(|a| ds.store.value_str(&a.value))
        .expect("generated roots carry request_id")
        .to_string();
    let hits = find_by_id(&c, &rid, 0, 4_000_000_000, 100).await.unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().all(|h| h.trace_id == tree.trace_id.to_string()));
    assert!(hits.iter().any(|h| h.key == "request_id"), "{hits:?}");
    assert!(find_by_id(&c, "'; DROP TABLE x; --", 0, 4_000_000_000, 10)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn agent_tables_hold_every_execution_event_and_llm_call_once() {
    let db = fresh_db("agent");
    let c = conn(&db);
    migrate(&c, false).await.unwrap();
    let ds = tracelens_service::from_store(generated(), DatasetOptions::default());
    let agents: usize = ds.analyses.iter().map(|a| a.agents.len()).sum();
    let llm: usize = ds.analyses.iter().map(|a| a.llm.calls as usize).sum();
    let events: usize = ds
        .traces
        .iter()
        .map(|t| tracelens_model::TraceAnalysis::lifecycle(&ds.store, t).len())
        .sum();
    assert!(agents > 0 && llm > 0 && events > 0);
    for _ in 0..2 {
        let r = tracelens_clickhouse::agent::import(&c, &ds, 50)
            .await
            .unwrap();
        assert_eq!(
            (r.executions as usize, r.events as usize, r.metrics as usize),
            (agents, events, llm)
        );
    }
    for (t, want) in [
        ("agent_executions", agents),
        ("agent_events", events),
        ("performance_metrics", llm),
    ] {
        let n = c
            .scalar_u64(&format!("SELECT count() FROM `{db}`.{t}"))
            .await
            .unwrap();
        assert_eq!(n as usize, want, "{t} duplicated or short");
    }
    // States and figures as the analyses found them.
    let states: std::collections::BTreeMap<&str, usize> = ds
        .analyses
        .iter()
        .flat_map(|a| a.agents.iter())
        .fold(Default::default(), |mut m, a| {
            *m.entry(a.state.as_str()).or_default() += 1;
            m
        });
    for (state, n) in states {
        let got = c
            .scalar_u64(&format!(
                "SELECT count() FROM `{db}`.agent_executions WHERE state = '{state}'"
            ))
            .await
            .unwrap();
        assert_eq!(got as usize, n, "state {state}");
    }
    let tokens: i64 = ds.analyses.iter().map(|a| a.llm.input_tokens).sum();
    let got = c
        .scalar_u64(&format!(
            "SELECT toUInt64(sum(ifNull(prompt_tokens, 0))) FROM `{db}`.performance_metrics"
        ))
        .await
        .unwrap();
    assert_eq!(got as i64, tokens);
    // The trace-id lookup is fed by the materialized view.
    let n = c
        .scalar_u64(&format!(
            "SELECT uniqExact(trace_id) FROM `{db}`.agent_trace_id_ts"
        ))
        .await
        .unwrap();
    assert_eq!(n as usize, ds.traces.len());
    // user_id is inherited from the root: every execution has one.
    let missing = c
        .scalar_u64(&format!(
            "SELECT count() FROM `{db}`.agent_executions WHERE user_id = ''"
        ))
        .await
        .unwrap();
    assert_eq!(missing, 0);
}

#[tokio::test]
async fn the_report_from_clickhouse_agrees_with_the_report_from_files() {
    use tracelens_model::report::{report, GroupBy, GroupRow, ReportOptions};
    let (_, c, _, ds) = with_generated_traces_and_agents("report").await;
    let range = |g: GroupBy| tracelens_clickhouse::report::ReportRange {
        from_s: 0,
        to_s: 4_000_000_000,
        group_by: g,
        top: 50,
        max_groups: 500,
        prices: tracelens_model::cost::PriceTable::bundled(),
    };
    let files = |g: GroupBy| {
        report(
            &ds,
            &ReportOptions {
                group_by: g,
                top: 50,
                max_groups: 500,
                ..ReportOptions::default()
            },
        )
    };
    let ch = tracelens_clickhouse::report::report(&c, &range(GroupBy::Agent))
        .await
        .unwrap();
    let fr = files(GroupBy::Agent);
    assert_eq!((ch.traces, ch.spans), (fr.traces, fr.spans));
    assert!(!fr.groups.is_empty());

    // Quantiles within the engine's quantile error (exact below its
    // 8,192-value reservoir, as here; a hair of float either way).
    let close = |a: f64, b: f64, what: &str| {
        assert!(
            (a - b).abs() <= 1e-6 * a.abs().max(b.abs()).max(1.0),
            "{what}: ClickHouse {a}, files {b}"
        )
    };
    let same_groups = |ch: &[GroupRow], fr: &[GroupRow], quantiles: bool| {
        assert_eq!(ch.len(), fr.len(), "{ch:?}\n{fr:?}");
        for f in fr {
            let g = ch
                .iter()
                .find(|g| g.key == f.key)
                .unwrap_or_else(|| panic!("{} missing from ClickHouse's report", f.key));
            assert_eq!(
                (g.count, g.errors, &g.states),
                (f.count, f.errors, &f.states),
                "{}",
                f.key
            );
            if quantiles {
                close(g.p50_ns, f.p50_ns, &format!("{} p50", f.key));
                close(g.p95_ns, f.p95_ns, &format!("{} p95", f.key));
                close(g.p99_ns, f.p99_ns, &format!("{} p99", f.key));
                assert_eq!((g.max_ns, g.total_ns), (f.max_ns, f.total_ns), "{}", f.key);
            }
        }
    };
    same_groups(&ch.groups, &fr.groups, true);

    assert_eq!(ch.models.len(), fr.models.len());
    for f in &fr.models {
        let m = ch.models.iter().find(|m| m.model == f.model).unwrap();
        assert_eq!(
            (
                m.calls,
                m.errors,
                m.input_tokens,
                m.output_tokens,
                m.total_ns
            ),
            (
                f.calls,
                f.errors,
                f.input_tokens,
                f.output_tokens,
                f.total_ns
            ),
            "{}",
            f.model
        );
        match (m.cost_usd, f.cost_usd) {
            (Some(a), Some(b)) => close(a, b, "model cost"),
            (a, b) => assert_eq!(a, b, "{} cost", f.model),
        }
        close(m.p50_ns, f.p50_ns, "model p50");
        close(m.p95_ns, f.p95_ns, "model p95");
        match (m.ttft_p50_ns, f.ttft_p50_ns) {
            // Stored in milliseconds as a float: within a nanosecond.
            (Some(a), Some(b)) => assert!((a - b).abs() <= 1.0, "ttft {a} {b}"),
            (a, b) => assert_eq!(a.is_some(), b.is_some()),
        }
    }

    // Error kinds: the same kinds with the same counts.
    let kinds = |r: &tracelens_model::report::Report| {
        let mut k: Vec<(String, u64, u64)> = r
            .errors
            .iter()
            .map(|e| (e.kind.clone(), e.count, e.traces))
            .collect();
        k.sort();
        k
    };
    assert!(!fr.errors.is_empty());
    assert_eq!(kinds(&ch), kinds(&fr));
    close(ch.cost_usd, fr.cost_usd, "total cost");
    assert!(fr.cost_usd > 0.0);
    assert_eq!(ch.unpriced_models, fr.unpriced_models);

    // A capped main table counts what it left out, as over files.
    let capped = tracelens_clickhouse::report::ReportRange {
        max_groups: 2,
        ..range(GroupBy::Operation)
    };
    let ch_capped = tracelens_clickhouse::report::report(&c, &capped)
        .await
        .unwrap();
    let fr_capped = report(
        &ds,
        &ReportOptions {
            group_by: GroupBy::Operation,
            max_groups: 2,
            ..ReportOptions::default()
        },
    );
    assert_eq!(ch_capped.groups.len(), 2);
    assert!(fr_capped.groups_total > 2);
    assert_eq!(ch_capped.groups_total, fr_capped.groups_total);

    // Spans by operation and by service: counts and errors exact.
    for g in [GroupBy::Operation, GroupBy::Service] {
        let ch = tracelens_clickhouse::report::report(&c, &range(g.clone()))
            .await
            .unwrap();
        same_groups(&ch.groups, &files(g).groups, false);
    }
    let by_model = tracelens_clickhouse::report::report(&c, &range(GroupBy::Model))
        .await
        .unwrap();
    same_groups(&by_model.groups, &files(GroupBy::Model).groups, false);
    let by_user = GroupBy::Attribute("user_id".into());
    let ch_user = tracelens_clickhouse::report::report(&c, &range(by_user.clone()))
        .await
        .unwrap();
    assert!(!ch_user.groups.is_empty());
    same_groups(&ch_user.groups, &files(by_user).groups, false);

    // Health: the same series per agent, the same dead agents.
    let want = tracelens_model::health::health(
        &ds,
        &tracelens_model::health::HealthOptions {
            bucket_ns: Some(60_000_000_000),
            ..Default::default()
        },
    );
    let got = tracelens_clickhouse::report::health(&c, 0, 4_000_000_000, Some(60_000_000_000))
        .await
        .unwrap();
    assert_eq!(
        (got.from_ns, got.bucket_ns, got.buckets),
        (want.from_ns, want.bucket_ns, want.buckets)
    );
    assert_eq!(got.agents, want.agents);
    assert!(!want.dead.is_empty());
    let dead = |h: &tracelens_model::health::HealthDoc| -> Vec<(String, String, u64, Option<u64>, String, String)> {
        h.dead
            .iter()
            .map(|d| {
                (
                    d.agent.clone(),
                    d.span_id.clone(),
                    d.start_time_unix_nano,
                    d.last_heartbeat_unix_nano,
                    d.reason.clone(),
                    d.doing.clone(),
                )
            })
            .collect()
    };
    assert!(
        want.dead.iter().all(|d| !d.doing.is_empty()),
        "{:?}",
        want.dead
    );
    assert_eq!(dead(&got), dead(&want));

    // The calls table: the same calls, the same order by duration.
    {
        use tracelens_model::calls::{calls, CallClass, CallFilter, CallSort};
        let prices = tracelens_model::cost::PriceTable::bundled();
        for class in [CallClass::Llm, CallClass::Agent, CallClass::Tool] {
            let f = CallFilter {
                class,
                sort: CallSort::Duration,
                limit: 5000,
                ..CallFilter::default()
            };
            let want = calls(&ds, &f, &prices);
            let got = tracelens_clickhouse::calls::calls(&c, 0, 4_000_000_000, &f, &prices)
                .await
                .unwrap();
            assert_eq!(
                (got.total, got.matched),
                (want.total, want.matched),
                "{class:?}"
            );
            assert!(want.total > 0, "{class:?}");
            let durs = |d: &tracelens_model::calls::CallsDoc| -> Vec<u64> {
                d.rows.iter().map(|r| r.duration_ns).collect()
            };
            if class != CallClass::Agent {
                assert_eq!(durs(&got), durs(&want), "{class:?}");
            }
            let mut a: Vec<String> = got
                .rows
                .iter()
                .map(|r| format!("{} {}", r.span_id, r.status))
                .collect();
            let mut b: Vec<String> = want
                .rows
                .iter()
                .map(|r| format!("{} {}", r.span_id, r.status))
                .collect();
            a.sort();
            b.sort();
            assert_eq!(a, b, "{class:?}");
        }
        // Filters run in SQL: failed tools, one agent's executions.
        let f = CallFilter {
            class: CallClass::Tool,
            errors_only: true,
            limit: 100,
            ..CallFilter::default()
        };
        let got = tracelens_clickhouse::calls::calls(&c, 0, 4_000_000_000, &f, &prices)
            .await
            .unwrap();
        assert_eq!(got.matched, calls(&ds, &f, &prices).matched);
        assert!(got.matched > 0);
        let f = CallFilter {
            class: CallClass::Agent,
            agent: Some("researcher".into()),
            limit: 100,
            ..CallFilter::default()
        };
        let got = tracelens_clickhouse::calls::calls(&c, 0, 4_000_000_000, &f, &prices)
            .await
            .unwrap();
        assert_eq!(got.matched, calls(&ds, &f, &prices).matched);
    }

    // What SQL cannot give is said, not left silently empty.
    assert!(ch.bottlenecks.is_empty());
    assert!(ch.not_computed.iter().any(|n| n.starts_with("bottlenecks")));
    assert!(!fr.bottlenecks.is_empty());

    // The costliest spans: self times are the analyses' (children run one
    // after another here), in traces without open spans: otel_traces
    // stores those with Duration 0, while the analyses end them at their
    // last sign of life.
    let r = ch;
    assert!(r
        .top_self_time
        .windows(2)
        .all(|w| w[0].self_ns >= w[1].self_ns));
    let mut checked = 0;
    for best in &r.top_self_time {
        let (t, tree) = ds
            .traces
            .iter()
            .enumerate()
            .find(|(_, tree)| tree.trace_id.to_string() == best.trace_id)
            .unwrap();
        let open = tree.nodes.iter().any(|n| {
            n.span != tracelens_model::NONE && ds.store.spans[n.span as usize].end_ns.is_none()
        });
        if open {
            continue;
        }
        let node = (0..tree.len() as u32)
            .find(|&n| tree.span_id(&ds.store, n).to_string() == best.span_id)
            .unwrap();
        assert_eq!(
            best.self_ns, ds.analyses[t].self_ns[node as usize],
            "{best:?}"
        );
        checked += 1;
    }
    assert!(checked > 0, "no top span in a trace without open spans");
}

#[tokio::test]
async fn a_capped_fetch_leaves_large_values_for_later_and_analyses_the_same() {
    let (_db, c, store) = with_generated_traces("capped").await;
    // One more trace, whose LLM call carries a prompt past the cap.
    let prompt = format!("You are a planner. {}", "context ".repeat(800));
    let doc = serde_json::json!({"resourceSpans": [{"resource": {"attributes": [
    {"key": "service.name", "value": {"stringValue": "big"}}]},
    "scopeSpans": [{"spans": [{
        "traceId": "0af7651916cd43dd8448eb211c8031aa", "spanId": "00f067aa0ba902b7",
        "name": "chat gpt-4o", "startTimeUnixNano": "1700000000000000000", "endTimeUnixNano": "1700000001000000000",
        "attributes": [
            {"key": "gen_ai.operation.name", "value": {"stringValue": "chat"}},
            {"key": "gen_ai.usage.input_tokens", "value": {"intValue": "812"}},
            {"key": "gen_ai.prompt", "value": {"stringValue": prompt}},
            {"key": "gen_ai.completion", "value": {"stringValue": "x".repeat(2000)}},
        ]}]}]}]});
    let bytes = doc.to_string().into_bytes();
    let mut big = TraceStore::new();
    let rep =
        tracelens_formats::read_from("big", bytes.as_slice(), None, &mut big, &Default::default());
    assert!(rep.error.is_none());
    otel::import(&c, &big, &[0], 1000, |_| {}).await.unwrap();

    // The generated traces: a capped fetch is analysed exactly as a full one.
    let ids: std::collections::BTreeSet<String> =
        store.spans.iter().map(|s| s.trace_id.to_string()).collect();
    for id in &ids {
        let (mut full, mut capped) = (TraceStore::new(), TraceStore::new());
        otel::fetch_trace(&c, id, None, true, &mut full)
            .await
            .unwrap();
        otel::fetch_trace(&c, id, None, otel::AttrFetch::Capped(1024), &mut capped)
            .await
            .unwrap();
        assert_eq!(summary_json(capped), summary_json(full), "{id}");
    }

    // The big one: the prompt and completion are named, not fetched.
    let mut st = TraceStore::new();
    otel::fetch_trace(
        &c,
        "0af7651916cd43dd8448eb211c8031aa",
        None,
        otel::AttrFetch::Capped(1024),
        &mut st,
    )
    .await
    .unwrap();
    let session = tracelens_service::Session::new(
        tracelens_service::from_store(st, DatasetOptions::default()),
        Vec::new(),
    );
    let d = session
        .span("0af7651916cd43dd8448eb211c8031aa", "00f067aa0ba902b7")
        .unwrap();
    assert_eq!(d.omitted_attributes, ["gen_ai.completion", "gen_ai.prompt"]);
    let keys: Vec<&str> = d.attributes.iter().map(|a| a.key.as_str()).collect();
    assert_eq!(keys, ["gen_ai.operation.name", "gen_ai.usage.input_tokens"]);
    assert_eq!(d.llm.as_ref().and_then(|l| l.input_tokens), Some(812));
    // On demand, exactly as stored.
    let otel_schema = tracelens_clickhouse::schema::require_otel(&c)
        .await
        .unwrap();
    let got = otel::fetch_span_attrs(
        &c,
        &otel_schema,
        &d.trace_id,
        &d.span_id,
        d.start_time_unix_nano,
        &d.omitted_attributes,
    )
    .await
    .unwrap();
    let got: std::collections::BTreeMap<_, _> = got.into_iter().collect();
    assert_eq!(got.len(), 2);
    assert_eq!(got["gen_ai.prompt"], prompt);
    assert_eq!(got["gen_ai.completion"], "x".repeat(2000));
    // A key the span does not have is not invented.
    let none = otel::fetch_span_attrs(
        &c,
        &otel_schema,
        &d.trace_id,
        &d.span_id,
        d.start_time_unix_nano,
        &["nope".into()],
    )
    .await
    .unwrap();
    assert!(none.is_empty());
}

/// A CA and a server certificate for 127.0.0.1 signed by it (openssl).
fn test_ca(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf, std::path::PathBuf) {
    let run = |args: &[&str]| {
        let o = std::process::Command::new("openssl")
            .args(args)
            .current_dir(dir)
            .output()
            .expect("openssl");
        assert!(
            o.status.success(),
            "openssl {args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    };
    let ec = [
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
    ];
    run(&[
        &["req", "-x509"][..],
        &ec,
        &[
            "-keyout",
            "ca.key",
            "-out",
            "ca.pem",
            "-days",
            "2",
            "-subj",
            "/CN=Tracelens test CA",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    ]
    .concat());
    run(&[
        &["req"][..],
        &ec,
        &[
            "-keyout",
            "srv.key",
            "-out",
            "srv.csr",
            "-subj",
            "/CN=127.0.0.1",
        ],
    ]
    .concat());
    std::fs::write(
        dir.join("ext.cnf"),
        "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n",
    )
    .unwrap();
    run(&[
        "x509",
        "-req",
        "-in",
        "srv.csr",
        "-CA",
        "ca.pem",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-out",
        "srv.pem",
        "-days",
        "2",
        "-extfile",
        "ext.cnf",
    ]);
    (dir.join("ca.pem"), dir.join("srv.pem"), dir.join("srv.key"))
}

#[tokio::test]
async fn https_with_an_internal_ca_works_and_an_untrusted_certificate_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let (ca, cert, key) = test_ca(dir.path());
    let port = engine::free_port();
    let (mut front, url) = engine::start_front_at(
        &dir.path().join("data"),
        port,
        &[
            "--tls-cert",
            cert.to_str().unwrap(),
            "--tls-key",
            key.to_str().unwrap(),
        ],
    );
    assert!(url.starts_with("https://"), "{url}");
    let cfg = |ca_cert: Option<std::path::PathBuf>| {
        let mut c = ConnConfig::new(&url);
        c.database = "tls".into();
        c.timeout = Duration::from_secs(60);
        c.ca_cert = ca_cert;
        c
    };
    // Trusted through the CA: migrations, an LZ4 insert and a fetch over TLS.
    let c = Conn::new(cfg(Some(ca.clone()))).unwrap();
    c.ping().await.unwrap();
    migrate(&c, true).await.unwrap();
    let store = generated();
    let spans: Vec<u32> = (0..store.spans.len() as u32).collect();
    otel::import(&c, &store, &spans, 1000, |_| {})
        .await
        .unwrap();
    let id = store.spans[0].trace_id.to_string();
    let mut fetched = TraceStore::new();
    let r = otel::fetch_trace(&c, &id, None, true, &mut fetched)
        .await
        .unwrap();
    assert!(r.spans > 0);
    let n = store
        .spans
        .iter()
        .filter(|s| s.trace_id == store.spans[0].trace_id)
        .count();
    assert_eq!(fetched.spans.len(), n);

    // The same server without its CA: refused, with the way out named.
    let e = Conn::new(cfg(None)).unwrap().ping().await.unwrap_err();
    assert!(matches!(e, ChError::Untrusted { .. }), "{e:?}");
    assert!(e.to_string().contains("--ca-cert"), "{e}");

    // A CA file that holds no certificate.
    let bad = dir.path().join("bad.pem");
    std::fs::write(&bad, "not a certificate\n").unwrap();
    match Conn::new(cfg(Some(bad))) {
        Err(e @ ChError::BadCaCert { .. }) => {
            assert!(e.to_string().contains("no certificate"), "{e}")
        }
        Err(e) => panic!("{e:?}"),
        Ok(_) => panic!("a CA file without a certificate was accepted"),
    }
    let _ = front.kill();
}

#[tokio::test]
async fn agent_events_and_performance_metrics_join_onto_the_fetched_spans() {
    // The generated traces also in the agent tables: read back as their
    // file, nothing counted twice.
    let (_db, c, store, file) = with_generated_traces_and_agents("join").await;
    let ids: std::collections::BTreeSet<String> =
        store.spans.iter().map(|s| s.trace_id.to_string()).collect();
    for id in &ids {
        let mut st = TraceStore::new();
        let r = otel::fetch_trace(&c, id, None, true, &mut st)
            .await
            .unwrap();
        assert_eq!(
            (r.joined.events, r.joined.metrics),
            (0, 0),
            "{id}: {:?}",
            r.joined
        );
        let ds = tracelens_service::from_store(st, DatasetOptions::default());
        let t = file
            .traces
            .iter()
            .position(|t| t.trace_id.to_string() == *id)
            .unwrap();
        assert_eq!(
            tracelens_model::TraceAnalysis::lifecycle(&ds.store, &ds.traces[0]).len(),
            tracelens_model::TraceAnalysis::lifecycle(&file.store, &file.traces[t]).len(),
            "{id}"
        );
    }

    // A trace whose spans carry neither lifecycle events nor LLM figures:
    // the backend wrote those to the audit's tables.
    let tid = "5b8efff798038103d269b633813fc60c";
    let s = |id: &str, parent: &str, name: &str, start: u64, end: u64, attrs: serde_json::Value| {
        serde_json::json!({
        "traceId": tid, "spanId": id, "parentSpanId": parent, "name": name,
        "startTimeUnixNano": start.to_string(), "endTimeUnixNano": end.to_string(), "attributes": attrs })
    };
    let kv = |k: &str, v: &str| serde_json::json!({"key": k, "value": {"stringValue": v}});
    let t0 = 1_700_000_000_000_000_000u64;
    let doc = serde_json::json!({"resourceSpans": [{"resource": {"attributes": [kv("service.name", "backend")]},
    "scopeSpans": [{"spans": [
        s("eee19b7ec3c1b174", "", "invoke_agent planner", t0, t0 + 9_000_000_000,
          serde_json::json!([kv("gen_ai.operation.name", "invoke_agent"), kv("gen_ai.agent.name", "planner")])),
        s("eee19b7ec3c1b175", "eee19b7ec3c1b174", "chat gpt-4o", t0 + 1_000_000_000, t0 + 3_000_000_000,
          serde_json::json!([kv("gen_ai.operation.name", "chat")])),
        s("eee19b7ec3c1b176", "eee19b7ec3c1b174", "execute_tool search", t0 + 4_000_000_000, t0 + 6_000_000_000,
          serde_json::json!([kv("gen_ai.operation.name", "execute_tool")])),
    ]}]}]});
    let bytes = doc.to_string().into_bytes();
    let mut bare = TraceStore::new();
    assert!(tracelens_formats::read_from(
        "bare",
        bytes.as_slice(),
        None,
        &mut bare,
        &Default::default()
    )
    .error
    .is_none());
    otel::import(&c, &bare, &[0, 1, 2], 1000, |_| {})
        .await
        .unwrap();
    let ts = |ns: u64| format!("{}.{:09}", ns / 1_000_000_000, ns % 1_000_000_000);
    let ev = |span: &str, kind: &str, at: u64| {
        serde_json::json!({"trace_id": tid, "span_id": span, "user_id": "u-7",
        "agent_name": "planner", "event_type": kind, "timestamp": ts(at), "data": "{\"step\":\"1\"}"})
    };
    let events = vec![
        ev("eee19b7ec3c1b174", "agent_started", t0),
        // No span id: placed on the tool span holding its time.
        ev("", "tool_executing", t0 + 4_100_000_000),
        ev("eee19b7ec3c1b176", "tool_completed", t0 + 5_900_000_000),
        ev("eee19b7ec3c1b174", "agent_completed", t0 + 9_000_000_000),
    ];
    tracelens_clickhouse::insert::insert_json_rows(
        &c,
        "agent_events",
        events.into_iter(),
        100,
        |_| {},
    )
    .await
    .unwrap();
    let metric = serde_json::json!({"trace_id": tid, "span_id": "eee19b7ec3c1b175", "user_id": "u-7", "agent_name": "planner",
        "operation": "chat", "model": "gpt-4o", "timestamp": ts(t0 + 1_000_000_000), "duration_ns": 2_000_000_000u64,
        "ttft_ms": 412.5, "prompt_tokens": 900, "completion_tokens": 120, "total_tokens": 1020,
        "model_latency_ms": 1900.0, "network_latency_ms": 35.0});
    tracelens_clickhouse::insert::insert_json_rows(
        &c,
        "performance_metrics",
        std::iter::once(metric),
        100,
        |_| {},
    )
    .await
    .unwrap();

    let mut st = TraceStore::new();
    let r = otel::fetch_trace(&c, tid, None, true, &mut st)
        .await
        .unwrap();
    assert_eq!(
        (r.joined.events, r.joined.metrics, r.joined.unplaced),
        (4, 1, 0),
        "{:?}",
        r.joined
    );
    let session = tracelens_service::Session::new(
        tracelens_service::from_store(st, DatasetOptions::default()),
        Vec::new(),
    );
    let kinds = |span: &str| -> Vec<&'static str> {
        session
            .span(tid, span)
            .unwrap()
            .lifecycle
            .iter()
            .map(|l| l.kind)
            .collect()
    };
    assert_eq!(
        kinds("eee19b7ec3c1b174"),
        ["agent_started", "agent_completed"]
    );
    assert_eq!(
        kinds("eee19b7ec3c1b176"),
        ["tool_executing", "tool_completed"]
    );
    let chat = session.span(tid, "eee19b7ec3c1b175").unwrap();
    let llm = chat.llm.expect("the LLM figures joined");
    assert_eq!(
        (llm.input_tokens, llm.output_tokens),
        (Some(900), Some(120))
    );
    assert_eq!(llm.ttft_ns, Some(412_500_000));
    assert_eq!(llm.model.as_deref(), Some("gpt-4o"));
    let doc = serde_json::to_value(session.summary()).unwrap();
    assert_eq!(doc["traces"][0]["llm"]["input_tokens"], 900);
}

#[tokio::test]
async fn the_list_shows_each_traces_agents_and_filters_by_state() {
    use tracelens_clickhouse::list::{list_traces, ListFilter};
    let (_db, c, _, ds) = with_generated_traces_and_agents("states").await;
    let f = ListFilter {
        from_s: 0,
        to_s: 4_000_000_000,
        limit: 100,
        ..ListFilter::default()
    };
    let all = list_traces(&c, &f).await.unwrap();
    assert_eq!(all.len(), ds.traces.len());
    let states_of = |id: &str| -> Vec<(String, String)> {
        let t = ds
            .traces
            .iter()
            .position(|t| t.trace_id.to_string() == id)
            .unwrap();
        let mut v: Vec<(String, String)> = ds.analyses[t]
            .agents
            .iter()
            .map(|a| (a.name.clone(), a.state.as_str().to_string()))
            .collect();
        v.sort();
        v
    };
    for r in &all {
        let mut got = r.agents.clone();
        got.sort();
        assert_eq!(got, states_of(&r.trace_id), "{}", r.trace_id);
    }
    let want: std::collections::BTreeSet<String> = all
        .iter()
        .filter(|r| states_of(&r.trace_id).iter().any(|(_, s)| s == "dead"))
        .map(|r| r.trace_id.clone())
        .collect();
    assert!(!want.is_empty() && want.len() < all.len(), "{want:?}");
    let dead = list_traces(
        &c,
        &ListFilter {
            state: Some("dead".into()),
            ..f.clone()
        },
    )
    .await
    .unwrap();
    let got: std::collections::BTreeSet<String> = dead.into_iter().map(|r| r.trace_id).collect();
    assert_eq!(got, want);
    let e = list_traces(
        &c,
        &ListFilter {
            state: Some("asleep' OR 1=1 --".into()),
            ..f
        },
    )
    .await
    .unwrap_err();
    assert!(e.to_string().contains("unknown state"), "{e}");
}

/// The fields of a record a reader of the logs pane sees, without the
/// record's and its span's indices (the order of a fetch is not the file's;
/// the span is named by its id).
fn record_view(l: &tracelens_service::LogLine) -> serde_json::Value {
    let mut v = serde_json::to_value(l).unwrap();
    v.as_object_mut().unwrap().remove("index");
    v.as_object_mut().unwrap().remove("node");
    v
}

#[tokio::test]
async fn log_records_import_once_and_come_back_with_their_trace() {
    use tracelens_clickhouse::otel_logs;
    use tracelens_model::AttachRule;
    let db = fresh_db("logs");
    let c = conn(&db);
    migrate(&c, true).await.unwrap();
    let mut store = generated();
    tracelens_gen::add_logs(&mut store);
    let spans: Vec<u32> = (0..store.spans.len() as u32).collect();
    let logs: Vec<u32> = (0..store.logs.len() as u32).collect();
    otel::import(&c, &store, &spans, 1000, |_| {})
        .await
        .unwrap();
    let first = otel_logs::import_logs(&c, &store, &logs, 100, |_| {})
        .await
        .unwrap();
    assert_eq!(first.records, store.logs.len() as u64);
    otel_logs::import_logs(&c, &store, &logs, 100, |_| {})
        .await
        .unwrap();
    let stored = c
        .scalar_u64(&format!("SELECT count() FROM `{db}`.otel_logs"))
        .await
        .unwrap();
    assert_eq!(
        stored,
        store.logs.len() as u64,
        "a second import added rows"
    );

    let file = tracelens_service::from_store(store, DatasetOptions::default());
    let mut compared = 0;
    for (t, tr) in file.traces.iter().enumerate() {
        let id = tr.trace_id.to_string();
        // The records that name the trace; those joined by a correlation
        // id carry no TraceId, so a fetch by TraceId does not bring them.
        let want: Vec<serde_json::Value> = tracelens_service::logs(
            &file,
            &tracelens_service::LogFilter {
                trace: Some(t),
                ..Default::default()
            },
        )
        .records
        .iter()
        .filter(|l| matches!(l.attached_by, AttachRule::SpanId | AttachRule::TraceTime))
        .map(record_view)
        .collect();
        let mut st = TraceStore::new();
        let r = otel::fetch_trace(&c, &id, None, true, &mut st)
            .await
            .unwrap();
        assert_eq!(r.logs, want.len(), "trace {id}: {r:?}");
        assert!(!r.logs_truncated && r.logs_error.is_none(), "{r:?}");
        let got_ds = tracelens_service::from_store(st, DatasetOptions::default());
        let got: Vec<serde_json::Value> = tracelens_service::logs(
            &got_ds,
            &tracelens_service::LogFilter {
                trace: Some(0),
                ..Default::default()
            },
        )
        .records
        .iter()
        .map(record_view)
        .collect();
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert_eq!(
                g, w,
                "trace {id}: stored record {i} differs from the file's"
            );
        }
        assert_eq!(got.len(), want.len(), "trace {id}");
        compared += got.len();
    }
    assert!(compared > 100, "only {compared} records compared");
}

#[tokio::test]
async fn older_and_json_otel_logs_variants_read_correctly() {
    // v0: no scope, schema URL, TimestampTime or EventName columns; Int32
    // severity; the event name in the attributes. json: JSON attributes.
    for (tag, attrs_type, extra_cols, severity_type) in [
        ("logsv0", "Map(LowCardinality(String), String)", "", "Int32"),
        (
            "logsjson",
            "JSON",
            "ScopeName String, ScopeVersion LowCardinality(String), EventName String,",
            "UInt8",
        ),
    ] {
        let db = fresh_db(tag);
        let c = conn(&db);
        migrate(&c, false).await.unwrap();
        let json = attrs_type == "JSON";
        c.execute(&format!(
            "CREATE TABLE `{db}`.otel_traces (Timestamp DateTime64(9), TraceId String, SpanId String, \
             ParentSpanId String, TraceState String, SpanName LowCardinality(String), SpanKind LowCardinality(String), \
             ServiceName LowCardinality(String), ResourceAttributes Map(LowCardinality(String), String), \
             SpanAttributes Map(LowCardinality(String), String), Duration UInt64, StatusCode LowCardinality(String), \
             StatusMessage String) ENGINE = MergeTree ORDER BY (ServiceName, SpanName, toDateTime(Timestamp))"
        ))
        .await
        .unwrap();
        c.execute(&format!(
            "CREATE TABLE `{db}`.otel_logs (Timestamp DateTime64(9), TraceId String, SpanId String, \
             TraceFlags UInt32, SeverityText LowCardinality(String), SeverityNumber {severity_type}, \
             ServiceName LowCardinality(String), Body String, ResourceAttributes {attrs_type}, {extra_cols} \
             LogAttributes {attrs_type}) ENGINE = MergeTree ORDER BY (ServiceName, toUnixTimestamp(Timestamp))"
        ))
        .await
        .unwrap();
        c.execute(&format!(
            "INSERT INTO `{db}`.otel_traces VALUES \
             ('2026-11-02 09:00:00.000000000', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', '1111111111111111', '', '', 'invoke_agent planner', 'Server', 'svc', \
              map('service.name','svc'), map('gen_ai.operation.name','invoke_agent','gen_ai.agent.name','planner'), 2000000000, 'Error', 'boom'), \
             ('2026-11-02 09:00:00.100000000', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', '2222222222222222', '1111111111111111', '', 'execute_tool search', 'Internal', 'svc', \
              map('service.name','svc'), map('gen_ai.operation.name','execute_tool'), 500000000, 'Unset', '')"
        ))
        .await
        .unwrap();
        let (res, a1, a2) = if json {
            (
                "'{\"service\":{\"name\":\"svc\"}}'",
                "'{\"request_id\":\"req-1\"}'",
                "'{\"gen_ai\":{\"tool\":{\"name\":\"search\"}}}'",
            )
        } else {
            (
                "map('service.name','svc')",
                "map('request_id','req-1')",
                "map('event.name','tool_executing','gen_ai.tool.name','search')",
            )
        };
        let (cols, scope1, scope2) = if json {
            (
                "ScopeName, ScopeVersion, EventName,",
                "'agent.log', '1.0', '',",
                "'agent.log', '1.0', 'tool_executing',",
            )
        } else {
            ("", "", "")
        };
        c.execute(&format!(
            "INSERT INTO `{db}`.otel_logs (Timestamp, TraceId, SpanId, TraceFlags, SeverityText, SeverityNumber, \
             ServiceName, Body, ResourceAttributes, {cols} LogAttributes) VALUES \
             ('2026-11-02 09:00:00.050000000', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', '1111111111111111', 1, 'INFO', 9, 'svc', 'planning', {res}, {scope1} {a1}), \
             ('2026-11-02 09:00:00.200000000', 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', '', 0, 'ERROR', 17, 'svc', 'search failed', {res}, {scope2} {a2}), \
             ('2026-11-02 09:00:00.300000000', 'cccccccccccccccccccccccccccccccc', '', 0, 'ERROR', 17, 'svc', 'another trace', {res}, {scope1} {a1})"
        ))
        .await
        .unwrap();
        let mut st = TraceStore::new();
        let r = otel::fetch_trace(&c, "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", None, true, &mut st)
            .await
            .unwrap();
        assert_eq!((r.spans, r.logs), (2, 2), "{tag}: {r:?}");
        let ds = tracelens_service::from_store(st, DatasetOptions::default());
        let doc = tracelens_service::logs(&ds, &Default::default());
        let lines: Vec<(String, String, String, String)> = doc
            .records
            .iter()
            .map(|l| {
                (
                    l.level.as_str().to_string(),
                    l.body.clone(),
                    l.span_name.clone().unwrap_or_default(),
                    l.event_name.clone().unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(
            lines,
            [
                (
                    "info".into(),
                    "planning".into(),
                    "invoke_agent planner".into(),
                    String::new()
                ),
                (
                    "error".into(),
                    "search failed".into(),
                    // No span id: placed by its time on the deepest span then.
                    "execute_tool search".into(),
                    "tool_executing".into()
                ),
            ],
            "{tag}"
        );
        assert_eq!(doc.records[0].attributes["request_id"], "req-1", "{tag}");
        assert_eq!(
            doc.records[1].attributes["gen_ai.tool.name"], "search",
            "{tag}"
        );
        assert_eq!(doc.records[0].service.as_deref(), Some("svc"), "{tag}");
    }
}

#[tokio::test]
async fn a_failing_logs_read_still_gives_the_spans() {
    let db = fresh_db("logsbad");
    let c = conn(&db);
    migrate(&c, true).await.unwrap();
    let store = generated();
    let spans: Vec<u32> = (0..store.spans.len() as u32).collect();
    otel::import(&c, &store, &spans, 1000, |_| {})
        .await
        .unwrap();
    // A table named otel_logs that is no Collector table (no Timestamp).
    c.execute(&format!("DROP TABLE `{db}`.otel_logs"))
        .await
        .unwrap();
    c.execute(&format!(
        "CREATE TABLE `{db}`.otel_logs (TraceId String, Body String) ENGINE = MergeTree ORDER BY TraceId"
    ))
    .await
    .unwrap();
    let id = store.spans[0].trace_id.to_string();
    let mut st = TraceStore::new();
    let r = otel::fetch_trace(&c, &id, None, true, &mut st)
        .await
        .unwrap();
    assert!(r.spans > 0);
    assert_eq!(r.logs, 0);
    let e = r.logs_error.expect("the failed read is reported");
    assert!(e.contains("Timestamp"), "{e}");
}
