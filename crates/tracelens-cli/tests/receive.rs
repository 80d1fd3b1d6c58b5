//! `tracelens receive` with a real sender: Python's opentelemetry-sdk and its
//! OTLP/HTTP exporter. What Tracelens records must be what was sent: ids,
//! names, typed attributes, events, status.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[test]
fn python_sdk_spans_arrive_whole_over_http_and_grpc_and_the_recording_reads_back() {
    for protocol in ["http", "grpc"] {
        check(protocol);
    }
}

fn check(protocol: &str) {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("rec.jsonl");
    let mut recv = Command::new(env!("CARGO_BIN_EXE_tracelens"))
        .args([
            "receive",
            "--addr",
            "127.0.0.1:0",
            "--grpc-addr",
            "127.0.0.1:0",
            "--json",
        ])
        .args(["--out", rec.to_str().unwrap()])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(recv.stdout.take().unwrap());
    let (mut http_line, mut grpc_line) = (String::new(), String::new());
    out.read_line(&mut http_line).unwrap();
    out.read_line(&mut grpc_line).unwrap();
    let http = http_line.trim().rsplit(' ').next().unwrap().to_string();
    let grpc = grpc_line.trim().rsplit(' ').next().unwrap().to_string();
    assert!(http.ends_with("/v1/traces"), "{http_line}");
    assert!(grpc_line.contains("OTLP/gRPC"), "{grpc_line}");
    let url = if protocol == "grpc" {
        format!("http://{grpc}")
    } else {
        http
    };
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/otel/send_python.py"
    );
    let py = Command::new("python3")
        .args([script, &url, protocol])
        .output()
        .expect("python3 with opentelemetry-sdk (scripts/setup.sh installs it)");
    assert!(
        py.status.success(),
        "{}",
        String::from_utf8_lossy(&py.stderr)
    );
    let sent: serde_json::Value = serde_json::from_slice(&py.stdout).unwrap();

    // SIGTERM: the receiver drains, flushes the recording and prints its counts.
    unsafe_free_sigterm(recv.id());
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut out, &mut rest).unwrap();
    assert!(recv.wait().unwrap().success());
    let counts: serde_json::Value = serde_json::from_str(&rest).unwrap();
    assert_eq!(counts["spans"], 3, "{counts}");
    assert_eq!(counts["rejected_spans"], 0);
    assert_eq!(counts["logs"], 1, "{counts}");
    assert_eq!(counts["rejected_logs"], 0);

    let tid = sent["trace_id"].as_str().unwrap();
    for s in sent["spans"].as_array().unwrap() {
        let sid = s["span_id"].as_str().unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_tracelens"))
            .args([
                "span",
                rec.to_str().unwrap(),
                "--trace",
                tid,
                "--span",
                sid,
                "--json",
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(d["name"], s["name"]);
        let attrs = d["attributes"].as_array().unwrap();
        for (k, v) in s["attributes"].as_object().unwrap() {
            let got = attrs
                .iter()
                .find(|a| a["key"] == k.as_str())
                .unwrap_or_else(|| panic!("{k} missing"));
            let want = match v {
                serde_json::Value::Number(n) if n.is_i64() => {
                    ("int", serde_json::Value::String(n.to_string()))
                }
                serde_json::Value::Number(n) => ("double", serde_json::json!(n.as_f64().unwrap())),
                serde_json::Value::Bool(b) => ("bool", serde_json::json!(b)),
                other => ("string", other.clone()),
            };
            assert_eq!(
                (got["type"].as_str().unwrap(), &got["value"]),
                (want.0, &want.1),
                "{k}"
            );
        }
        let events: Vec<&str> = d["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["name"].as_str().unwrap())
            .collect();
        let want: Vec<&str> = s["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e.as_str().unwrap())
            .collect();
        assert_eq!(events, want);
        assert_eq!(d["service"], "py-agent");
    }
    // And the summary sees an agent run with an LLM call and a failed tool.
    let o = Command::new(env!("CARGO_BIN_EXE_tracelens"))
        .args(["summary", rec.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    let sum: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let t = &sum["traces"][0];
    assert_eq!(t["llm"]["input_tokens"], 321);
    assert_eq!(t["error_count"], 1);
    assert_eq!(t["agents"][0]["name"], "planner");
    // The log record came over /v1/logs (or LogsService), was recorded with
    // the spans, and joins the span it was written in.
    let o = Command::new(env!("CARGO_BIN_EXE_tracelens"))
        .args(["logs", rec.to_str().unwrap(), "--json"])
        .output()
        .unwrap();
    let logs: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let r = &logs["records"][0];
    assert_eq!(logs["total"], 1, "{logs}");
    assert_eq!(r["body"], sent["log"]["body"]);
    assert_eq!(r["span_id"], sent["log"]["span_id"]);
    assert_eq!(r["attached_by"], "span_id");
    assert_eq!(r["level"], "warn");
    assert_eq!(r["attributes"]["attempt"], "2");
    assert_eq!(r["service"], "py-agent");
}

fn unsafe_free_sigterm(pid: u32) {
    let ok = Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok);
}
