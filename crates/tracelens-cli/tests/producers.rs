//! Logs from real producers beside their spans: Python's logging with
//! python-json-logger and OpenTelemetry's LoggingInstrumentor, structlog,
//! the SDK's own OTLP log records, all inside spans of the real SDK; and a
//! sub-agent whose process is killed mid-run, so that its own span is never
//! exported (scripts in tests/otel/, packages from PyPI via scripts/setup.sh).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;

fn script(name: &str) -> String {
    format!("{}/../../tests/otel/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Runs tests/otel/`name` with the output directory and `args`.
fn python(name: &str, dir: &Path, args: &[&str]) {
    let o = Command::new("python3")
        .arg(script(name))
        .arg(dir)
        .args(args)
        .output()
        .expect("python3 (scripts/setup.sh installs its packages)");
    assert!(
        o.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
}

fn tracelens_json(args: &[&str]) -> serde_json::Value {
    let o = Command::new(env!("CARGO_BIN_EXE_tracelens"))
        .args(args)
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap()
}

fn path(dir: &Path, f: &str) -> String {
    dir.join(f).to_str().unwrap().to_string()
}

#[test]
fn python_loggers_records_join_the_spans_they_were_written_in() {
    let d = tempfile::tempdir().unwrap();
    python("loggers.py", d.path(), &[]);
    let files: Vec<String> = ["app.spans", "json.log", "structlog.log", "otlp.logs"]
        .iter()
        .map(|f| path(d.path(), f))
        .collect();
    let mut args: Vec<&str> = vec!["logs"];
    args.extend(files.iter().map(String::as_str));
    let doc = tracelens_json(&args);
    let recs = doc["records"].as_array().unwrap();
    let by = |body: &str| -> Vec<&serde_json::Value> {
        recs.iter().filter(|r| r["body"] == body).collect()
    };
    // python-json-logger's line and the SDK's OTLP record of the same call.
    for (body, span, level, n) in [
        ("request accepted", "handle request", "info", 2),
        ("slow query", "execute_tool db_query", "warn", 2),
        ("query failed", "execute_tool db_query", "error", 1),
        ("request done", "handle request", "info", 1),
    ] {
        let rs = by(body);
        assert_eq!(rs.len(), n, "{body}: {rs:?}");
        for r in rs {
            assert_eq!(r["span_name"], span, "{body}: {r}");
            assert_eq!(r["attached_by"], "span_id", "{body}: {r}");
            assert_eq!(r["level"], level, "{body}: {r}");
        }
    }
    // The OTLP record keeps the SDK's code attributes; python-json-logger
    // its extra field.
    let slow = by("slow query");
    assert!(slow
        .iter()
        .any(|r| r["attributes"]["code.function.name"] == "main"));
    assert!(slow.iter().all(|r| r["attributes"]["rows"] == "1200"));
    assert!(slow.iter().any(|r| r["logger"] == "app.python"));
    // Written after its span ended, carrying only the request id: the rule
    // keeps a correlation inside the trace's time, so it stays unattached.
    let audit = by("audit written");
    assert_eq!(audit[0]["attached_by"], "unattached");
    assert_eq!(doc["attach"]["records"], 7);
    // The summary counts them on the trace, by level.
    let mut args: Vec<&str> = vec!["summary"];
    args.extend(files.iter().map(String::as_str));
    let s = tracelens_json(&args);
    assert_eq!(s["traces"][0]["log_count"], 6);
    assert_eq!(
        s["traces"][0]["logs_by_level"],
        serde_json::json!({"info": 3, "warn": 2, "error": 1})
    );
    let formats: Vec<&str> = s["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["format"].as_str().unwrap())
        .collect();
    assert_eq!(
        formats,
        ["otlp-framed", "json-logs", "json-logs", "otlp-framed"]
    );
}

#[test]
fn a_killed_sub_agent_shows_as_dead_from_its_records_and_children() {
    let d = tempfile::tempdir().unwrap();
    // The README's runnable example of instrumenting for dead-agent detection.
    python("../../examples/dying_agent.py", d.path(), &[]);
    let files: Vec<String> = [
        "supervisor.spans",
        "worker.spans",
        "supervisor.log",
        "worker.log",
    ]
    .iter()
    .map(|f| path(d.path(), f))
    .collect();
    let mut args: Vec<&str> = vec!["summary"];
    args.extend(files.iter().map(String::as_str));
    let s = tracelens_json(&args);
    let t = &s["traces"][0];
    // Its span never arrived: the supervisor and the two tools did.
    assert_eq!(t["span_count"], 3, "{t}");
    let agents = t["agents"].as_array().unwrap();
    let dead = agents
        .iter()
        .find(|a| a["state"] == "dead")
        .unwrap_or_else(|| panic!("no dead agent: {agents:?}"));
    assert_eq!(dead["name"], "researcher");
    let reason = dead["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("agent_started at +")
            && reason.contains("last heartbeat at +")
            && reason.contains("no end")
            && reason.contains("never exported"),
        "{reason}"
    );
    // The missing span is the one the worker's records and children name.
    let worker_log = std::fs::read_to_string(d.path().join("worker.log")).unwrap();
    let first: serde_json::Value =
        serde_json::from_str(worker_log.lines().next().unwrap()).unwrap();
    assert_eq!(dead["span_id"], first["otelSpanID"]);
    // why: the supervisor's failure leads to the dead agent.
    let mut args: Vec<&str> = vec!["why"];
    args.extend(files.iter().map(String::as_str));
    let w = tracelens_json(&args);
    let steps = w["traces"][0]["chains"][0]["steps"].as_array().unwrap();
    let kinds: Vec<&str> = steps.iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["failed", "dead"], "{steps:?}");
    assert_eq!(steps[1]["name"], "researcher (span never exported)");
}

/// The chat span's trace and span ids (hex), from the spans converted to
/// OTLP/JSON.
fn chat_span(spans: &str) -> (String, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_tracelens"))
        .args(["convert", "--to", "otlp-json", spans])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let spans = doc["resourceSpans"][0]["scopeSpans"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["spans"].as_array().unwrap().iter());
    let chat = spans
        .clone()
        .find(|s| s["name"] == "chat gpt-4o-mini")
        .unwrap_or_else(|| panic!("no chat span in {doc}"));
    (
        chat["traceId"].as_str().unwrap().to_string(),
        chat["spanId"].as_str().unwrap().to_string(),
    )
}

/// The OpenAI client, instrumented by opentelemetry-instrumentation-openai-v2,
/// against a stub Chat Completions server: the prompt and completion it logs
/// join the chat span and read back as the conversation, in the legacy
/// per-message events, the latest conventions' one details event, and the
/// span's own attributes.
#[test]
fn openai_instrumentation_prompts_and_completions_read_as_the_conversation() {
    let d = tempfile::tempdir().unwrap();
    let want = [
        ("system", "You answer in one sentence.", None),
        ("user", "What is the capital of France?", None),
        ("assistant", "Paris is the capital of France.", Some("stop")),
    ];
    for mode in ["legacy", "latest", "span"] {
        python("genai_openai.py", d.path(), &[mode]);
        let spans = path(d.path(), &format!("{mode}.spans"));
        let logs = path(d.path(), &format!("{mode}.logs"));
        let (trace, span) = chat_span(&spans);
        let doc = tracelens_json(&["logs", &spans, &logs, "--trace", &trace, "--span", &span]);
        let recs = doc["records"].as_array().unwrap();
        let events: Vec<&str> = recs
            .iter()
            .map(|r| r["event_name"].as_str().unwrap_or(""))
            .collect();
        match mode {
            "legacy" => assert_eq!(
                events,
                [
                    "gen_ai.system.message",
                    "gen_ai.user.message",
                    "gen_ai.choice"
                ]
            ),
            "latest" => assert_eq!(events, ["gen_ai.client.inference.operation.details"]),
            _ => assert!(events.is_empty(), "{events:?}"),
        }
        for r in recs {
            assert_eq!(r["attached_by"], "span_id", "{mode}: {r}");
            assert_eq!(r["span_name"], "chat gpt-4o-mini", "{mode}: {r}");
        }
        let turns: Vec<(&str, &str, Option<&str>)> = doc["conversation"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                (
                    t["role"].as_str().unwrap(),
                    t["text"].as_str().unwrap(),
                    t["finish_reason"].as_str(),
                )
            })
            .collect();
        assert_eq!(turns, want, "{mode}: {doc}");
        // The LLM call is an LLM span with the stub's token counts.
        let s = tracelens_json(&["span", &spans, "--trace", &trace, "--span", &span]);
        assert_eq!(s["class"], "llm", "{mode}: {s}");
        assert_eq!(s["llm"]["model"], "gpt-4o-mini");
        assert_eq!(s["llm"]["input_tokens"], 21);
        assert_eq!(s["llm"]["output_tokens"], 7);
    }
}
