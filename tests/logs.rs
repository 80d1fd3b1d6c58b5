//! Log records from every shape the readers take: OTLP/JSON logs
//! (documents, JSON Lines, a Collector file exporter's mixed file), the
//! application loggers' JSON lines, captured lifecycle events; placed on
//! the spans they belong to. Bad input is counted, never lost.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::json;
use tracelens_model::{AttachRule, Dataset, Level, RecordKind, WarningKind, NONE};
use tracelens_tests::{gzip, read_bytes, zstd};

const TRACE: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const AGENT: &str = "00f067aa0ba902b7";
const TOOL: &str = "00f067aa0ba902b8";
/// 2023-11-14T22:13:20Z.
const T0: u64 = 1_700_000_000_000_000_000;
const MS: u64 = 1_000_000;

/// One trace: an agent span (0..100 ms, request_id req-7) and a tool span
/// (20..40 ms) under it.
fn trace_line() -> String {
    json!({"resourceSpans": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "backend"}}]},
        "scopeSpans": [{"spans": [
            {"traceId": TRACE, "spanId": AGENT, "name": "agent.run",
             "startTimeUnixNano": T0.to_string(), "endTimeUnixNano": (T0 + 100 * MS).to_string(),
             "attributes": [{"key": "request_id", "value": {"stringValue": "req-7"}}]},
            {"traceId": TRACE, "spanId": TOOL, "parentSpanId": AGENT, "name": "tool.search",
             "startTimeUnixNano": (T0 + 20 * MS).to_string(), "endTimeUnixNano": (T0 + 40 * MS).to_string()}
        ]}]
    }]})
    .to_string()
}

/// OTLP/JSON logs as the Collector's file exporter writes them.
fn logs_line() -> String {
    json!({"resourceLogs": [{
        "resource": {"attributes": [{"key": "service.name", "value": {"stringValue": "backend"}}]},
        "scopeLogs": [{
            "scope": {"name": "app.agent"},
            "logRecords": [
                {"timeUnixNano": (T0 + 25 * MS).to_string(), "severityNumber": 17, "severityText": "ERROR",
                 "body": {"stringValue": "search failed"}, "traceId": TRACE, "spanId": TOOL,
                 "attributes": [{"key": "user_id", "value": {"stringValue": "u-1"}}]},
                {"observedTimeUnixNano": (T0 + 50 * MS).to_string(), "severityNumber": "SEVERITY_NUMBER_WARN",
                 "body": {"kvlistValue": {"values": [{"key": "k", "value": {"intValue": "3"}}]}},
                 "traceId": TRACE},
                {"timeUnixNano": (T0 + 60 * MS).to_string(), "eventName": "gen_ai.choice",
                 "body": {"kvlistValue": {"values": [{"key": "message", "value": {"stringValue": "hello"}}]}},
                 "traceId": TRACE, "spanId": AGENT}
            ]
        }]
    }]})
    .to_string()
}

fn bodies(ds: &Dataset, ks: &[u32]) -> Vec<String> {
    ks.iter()
        .map(|&k| ds.store.value_text(&ds.store.logs[k as usize].body))
        .collect()
}

fn node_name(ds: &Dataset, trace: u32, node: u32) -> String {
    let tree = &ds.traces[trace as usize];
    let span = tree.nodes[node as usize].span;
    ds.store
        .resolve(ds.store.spans[span as usize].name)
        .to_string()
}

#[test]
fn a_collector_file_of_traces_and_logs_reads_both_and_places_the_records() {
    let file = format!("{}\n{}\n", trace_line(), logs_line());
    for (what, bytes) in [
        ("plain", file.clone().into_bytes()),
        ("gzip", gzip(file.as_bytes())),
        ("zstd", zstd(file.as_bytes())),
    ] {
        let (ds, report) = read_bytes("mixed.jsonl", &bytes);
        assert!(report.error.is_none(), "{what}: {:?}", report.error);
        assert_eq!((report.spans, report.logs), (2, 3), "{what}");
        assert!(
            !ds.warnings.iter().any(|w| w.message.contains("not read")),
            "{what}: {:?}",
            ds.warnings
        );
        let logs = &ds.store.logs;
        assert_eq!(logs[0].level(), Level::Error);
        assert_eq!(ds.store.resolve(logs[0].severity_text), "ERROR");
        assert_eq!(ds.store.service_of_log(&logs[0]), "backend");
        assert_eq!(
            ds.store
                .resolve(ds.store.scopes[logs[0].scope as usize].name),
            "app.agent"
        );
        assert_eq!(logs[1].level(), Level::Warn);
        assert_eq!(logs[1].when_ns(), T0 + 50 * MS);
        assert_eq!(ds.store.value_text(&logs[1].body), "{k=3}");
        assert_eq!(logs[2].kind, RecordKind::Event);
        assert_eq!(ds.store.resolve(logs[2].event_name), "gen_ai.choice");
        let places: Vec<(AttachRule, String)> = ds
            .logs
            .places
            .iter()
            .map(|p| (p.rule, node_name(&ds, p.trace, p.node)))
            .collect();
        assert_eq!(
            places,
            [
                (AttachRule::SpanId, "tool.search".to_string()),
                (AttachRule::TraceTime, "agent.run".to_string()),
                (AttachRule::SpanId, "agent.run".to_string()),
            ],
            "{what}"
        );
    }
}

#[test]
fn an_otlp_logs_document_and_the_older_library_key_are_read() {
    let doc = json!({"resourceLogs": [{"instrumentationLibraryLogs": [{
        "instrumentationLibrary": {"name": "old"},
        "logRecords": [{"timeUnixNano": "1", "body": {"stringValue": "old shape"}}]
    }]}]});
    let pretty = serde_json::to_string_pretty(&doc).unwrap();
    let (ds, report) = read_bytes("old.json", pretty.as_bytes());
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(report.logs, 1);
    assert_eq!(bodies(&ds, &[0]), ["old shape"]);
    assert_eq!(ds.logs.count(AttachRule::Unattached), 1);
}

/// One line in the shape each logger writes, with the trace's ids where
/// that logger puts them.
fn logger_lines() -> Vec<(&'static str, String)> {
    let span = u64::from_str_radix(TOOL, 16).unwrap();
    vec![
        // python-json-logger with OpenTelemetry's LoggingInstrumentor.
        ("python", json!({"asctime": "2023-11-14 22:13:20,021", "levelname": "WARNING", "name": "app.tools",
            "message": "python line", "otelTraceID": TRACE, "otelSpanID": TOOL, "otelServiceName": "backend",
            "otelTraceSampled": true}).to_string()),
        // structlog's JSONRenderer: the message is `event`.
        ("structlog", json!({"event": "structlog line", "level": "info", "timestamp": "2023-11-14T22:13:20.022Z",
            "logger": "app", "trace_id": TRACE, "span_id": TOOL}).to_string()),
        // Go's slog JSONHandler.
        ("slog", json!({"time": "2023-11-14T23:13:20.023+01:00", "level": "ERROR", "msg": "slog line",
            "trace_id": TRACE, "span_id": TOOL, "request_id": "req-7"}).to_string()),
        // zap's production encoder: epoch seconds as a float.
        ("zap", json!({"level": "info", "ts": 1_700_000_000.024, "caller": "main.go:12", "msg": "zap line",
            "traceId": TRACE, "spanId": TOOL}).to_string()),
        // logrus's JSONFormatter.
        ("logrus", json!({"level": "warning", "msg": "logrus line", "time": "2023-11-14T22:13:20.025Z",
            "trace.id": TRACE, "span.id": TOOL}).to_string()),
        // pino: numeric level, epoch milliseconds.
        ("pino", json!({"level": 50, "time": 1_700_000_000_026u64, "pid": 1, "hostname": "h",
            "msg": "pino line", "trace_id": TRACE, "span_id": TOOL}).to_string()),
        // bunyan: numeric level, ISO time, `name` is the logger.
        ("bunyan", json!({"name": "svc", "hostname": "h", "pid": 1, "level": 30, "msg": "bunyan line",
            "time": "2023-11-14T22:13:20.027Z", "v": 0, "traceparent": format!("00-{TRACE}-{TOOL}-01")}).to_string()),
        // Rust's tracing-subscriber JSON: the message under `fields`.
        ("tracing", json!({"timestamp": "2023-11-14T22:13:20.028000Z", "level": "INFO",
            "fields": {"message": "tracing line", "trace_id": TRACE, "span_id": TOOL},
            "target": "app::tools"}).to_string()),
        // Serilog's compact JSON.
        ("serilog", json!({"@t": "2023-11-14T22:13:20.0290000Z", "@m": "serilog line", "@l": "Information",
            "TraceId": TRACE, "SpanId": TOOL}).to_string()),
        // Logback's encoder with Datadog's decimal ids.
        ("logback", json!({"@timestamp": "2023-11-14T22:13:20.030Z", "level": "INFO", "logger_name": "App",
            "message": "logback line", "dd.trace_id": (u128::from_str_radix(&TRACE[16..], 16).unwrap()).to_string(),
            "dd.span_id": span.to_string()}).to_string()),
    ]
}

#[test]
fn each_loggers_lines_are_read_with_their_time_level_and_ids() {
    let lines = logger_lines();
    let mut file = String::new();
    for (_, l) in &lines {
        file.push_str(l);
        file.push('\n');
    }
    let (ds, report) = read_bytes("app.log", file.as_bytes());
    assert_eq!(report.format.map(|f| f.as_str()), Some("json-logs"));
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(report.logs as usize, lines.len());
    let want_levels = [
        Level::Warn,
        Level::Info,
        Level::Error,
        Level::Info,
        Level::Warn,
        Level::Error,
        Level::Info,
        Level::Info,
        Level::Info,
        Level::Info,
    ];
    for (k, (who, _)) in lines.iter().enumerate() {
        let r = &ds.store.logs[k];
        assert_eq!(ds.store.value_text(&r.body), format!("{who} line"), "{who}");
        assert!(
            r.time_ns.abs_diff(T0 + (21 + k as u64) * MS) < 1_000,
            "{who}: {}",
            r.time_ns
        );
        assert_eq!(r.level(), want_levels[k], "{who}");
        assert_eq!(format!("{:016x}", r.span_id.0), TOOL, "{who}: span id");
        // Datadog's ids are the low 64 bits of the trace id.
        if *who != "logback" {
            assert_eq!(format!("{:032x}", r.trace_id.0), TRACE, "{who}: trace id");
        }
    }
    // Loggers' names become the scope; other fields are attributes.
    let python = &ds.store.logs[0];
    assert_eq!(
        ds.store
            .resolve(ds.store.scopes[python.scope as usize].name),
        "app.tools"
    );
    assert_eq!(ds.store.service_of_log(python), "backend");
    let slog = &ds.store.logs[2];
    let attrs: Vec<(String, String)> = ds
        .store
        .attrs_of(slog.attrs)
        .iter()
        .map(|a| {
            (
                ds.store.resolve(a.key).to_string(),
                ds.store.value_text(&a.value),
            )
        })
        .collect();
    assert_eq!(attrs, [("request_id".to_string(), "req-7".to_string())]);
}

#[test]
fn logger_lines_beside_the_trace_join_its_spans() {
    let mut file = String::new();
    for (_, l) in logger_lines() {
        file.push_str(&l);
        file.push('\n');
    }
    // Traces and logs in two inputs, as a user passes them.
    let mut store = tracelens_model::TraceStore::new();
    let opts = tracelens_formats::ReadOptions::default();
    let t = trace_line();
    tracelens_formats::read_from("t.jsonl", t.as_bytes(), None, &mut store, &opts);
    tracelens_formats::read_from("app.log", file.as_bytes(), None, &mut store, &opts);
    // A line that shares only a request id with the agent span.
    let by_request =
        json!({"time": "2023-11-14T22:13:20.090Z", "level": "INFO", "msg": "by request",
        "request_id": "req-7"})
        .to_string();
    tracelens_formats::read_from("more.log", by_request.as_bytes(), None, &mut store, &opts);
    let ds = Dataset::build(store, tracelens_model::DatasetOptions::default());
    let logs = &ds.logs;
    // The Datadog line carries only the low half of the trace id, and
    // joins all the same.
    assert_eq!(logs.count(AttachRule::SpanId), 10, "{:?}", logs.places);
    assert_eq!(logs.count(AttachRule::Correlation), 1);
    assert_eq!(logs.count(AttachRule::Unattached), 0);
    let last = logs.places.last().unwrap();
    assert_eq!(node_name(&ds, last.trace, last.node), "agent.run");
}

#[test]
fn lifecycle_captures_are_records_of_their_own_kind() {
    let file = [
        json!({"type": "agent_started", "run_id": "run-1", "agent": "planner", "timestamp": "2023-11-14T22:13:20Z"}),
        json!({"event": "agent_thinking", "run_id": "run-1", "timestamp": "2023-11-14T22:13:21Z"}),
        json!({"event": "tool_executing", "run_id": "run-1", "tool": "search", "timestamp": "2023-11-14T22:13:22Z"}),
        json!({"event": "agent_completed", "run_id": "run-1", "timestamp": 1_700_000_005.0}),
    ]
    .iter()
    .map(|v| v.to_string() + "\n")
    .collect::<String>();
    let (ds, report) = read_bytes("events.jsonl", file.as_bytes());
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(report.logs, 4);
    let names: Vec<&str> = ds
        .store
        .logs
        .iter()
        .map(|r| {
            assert_eq!(r.kind, RecordKind::Lifecycle);
            ds.store.resolve(r.event_name)
        })
        .collect();
    assert_eq!(
        names,
        [
            "agent_started",
            "agent_thinking",
            "tool_executing",
            "agent_completed"
        ]
    );
    assert_eq!(ds.store.logs[3].time_ns, T0 + 5_000 * MS);
}

#[test]
fn bad_log_input_is_counted_and_the_rest_is_read() {
    let good =
        |m: &str| json!({"level": "info", "msg": m, "time": "2023-11-14T22:13:20Z"}).to_string();
    let mut file = Vec::new();
    file.extend_from_slice(good("first").as_bytes());
    file.push(b'\n');
    // Plain text between JSON lines (a panic's traceback, say).
    file.extend_from_slice(b"Traceback (most recent call last):\n  File \"x.py\"\n");
    // Invalid UTF-8 inside a string.
    file.extend_from_slice(b"{\"level\":\"info\",\"msg\":\"bad \xff byte\"}\n");
    // A time that cannot be parsed: kept, without a time.
    file.extend_from_slice(
        json!({"level": "warn", "msg": "no time", "time": "yesterday"})
            .to_string()
            .as_bytes(),
    );
    file.push(b'\n');
    // JSON that is not a log record.
    file.extend_from_slice(b"{\"foo\":1}\n");
    // A 10 MB line.
    file.extend_from_slice(
        format!(
            "{{\"level\":\"info\",\"msg\":\"{}\"}}\n",
            "x".repeat(10 << 20)
        )
        .as_bytes(),
    );
    file.extend_from_slice(good("last").as_bytes());
    file.push(b'\n');
    let (ds, report) = read_bytes("bad.log", &file);
    let got = bodies(&ds, &(0..ds.store.logs.len() as u32).collect::<Vec<_>>());
    assert_eq!(got.len(), 4, "first, no time, 10 MB, last");
    assert_eq!(got[0], "first");
    assert_eq!(got[1], "no time");
    assert_eq!(got[2].len(), 10 << 20);
    assert_eq!(got[3], "last");
    assert_eq!(ds.store.logs[1].time_ns, 0);
    assert_eq!(report.error_count, 2, "{:?}", ds.warnings);
    let text: Vec<&str> = ds.warnings.iter().map(|w| w.message.as_str()).collect();
    assert!(
        text.iter()
            .any(|m| m.contains("not JSON (plain text)") && m.contains("(2 times)")),
        "{text:?}"
    );
    assert!(
        text.iter().any(|m| m.contains("bad.log: line 4")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|m| m.contains("not a log record") && m.contains("foo")),
        "{text:?}"
    );
    assert!(
        text.iter()
            .any(|m| m.contains("could not be parsed") && m.contains("(1 times)")),
        "{text:?}"
    );
    assert!(ds.warnings.iter().any(|w| w.kind == WarningKind::ReadError));
    // Nothing attached: there are no spans.
    assert!(ds.logs.places.iter().all(|p| p.node == NONE));
}

#[test]
fn json_that_is_neither_traces_nor_logs_is_refused_by_name() {
    let (ds, report) = read_bytes("foo.json", b"{\"foo\": 1}");
    assert!(report.error.is_some());
    assert!(
        ds.warnings.iter().any(|w| w.message.contains("foo")),
        "{:?}",
        ds.warnings
    );
    assert!(ds.warnings.iter().any(|w| w.kind == WarningKind::Empty));
}

#[test]
fn written_records_read_back_the_same() {
    let mut file = String::new();
    for (_, l) in logger_lines() {
        file.push_str(&l);
        file.push('\n');
    }
    file.push_str(&logs_line());
    file.push('\n');
    let (ds, _) = read_bytes("in.log", file.as_bytes());
    let all: Vec<u32> = (0..ds.store.logs.len() as u32).collect();
    let mut out = Vec::new();
    tracelens_formats::write_otlp_logs_jsonl(&ds.store, &all, &mut out).unwrap();
    let (back, report) = read_bytes("out.jsonl", &out);
    assert!(report.error.is_none(), "{:?}", report.error);
    assert_eq!(report.format.map(|f| f.as_str()), Some("otlp-json"));
    let doc = |ds: &Dataset| {
        let d = tracelens_service::logs(ds, &Default::default());
        let mut v = serde_json::to_value(d.records).unwrap();
        for r in v.as_array_mut().unwrap() {
            r.as_object_mut().unwrap().remove("index");
        }
        v
    };
    assert_eq!(doc(&back), doc(&ds));
}
