//! The `tracelens` binary end to end: outputs, JSON schema, exit codes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_tracelens"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run tracelens")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures")
}

fn sample(dir: &Path, name: &str, extra: &[&str]) -> PathBuf {
    let p = dir.join(name);
    let mut args = vec![
        "generate",
        "--out",
        p.to_str().unwrap(),
        "--traces",
        "6",
        "--spans-per-trace",
        "50",
    ];
    args.extend_from_slice(extra);
    let o = run(&args);
    assert!(o.status.success(), "{}", text(&o.stderr));
    p
}

#[test]
fn summary_json_has_the_documented_schema() {
    let d = tempfile::tempdir().unwrap();
    let f = sample(d.path(), "s.jsonl", &[]);
    let o = run(&["summary", f.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let traces = v["traces"].as_array().unwrap();
    assert_eq!(traces.len(), 6);
    for t in traces {
        let id = t["trace_id"].as_str().unwrap();
        assert_eq!(id.len(), 32);
        assert!(id
            .chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        for k in [
            "span_count",
            "root_count",
            "orphan_count",
            "error_count",
            "duration_ns",
        ] {
            assert!(t[k].is_u64(), "{k}");
        }
        for k in ["agent", "llm", "tool", "other"] {
            assert!(t["breakdown_ns"][k].is_u64(), "{k}");
        }
        for k in ["calls", "input_tokens", "output_tokens"] {
            assert!(t["llm"][k].is_number(), "{k}");
        }
        for s in t["critical_path"].as_array().unwrap() {
            assert_eq!(s.as_str().unwrap().len(), 16);
        }
        for a in t["agents"].as_array().unwrap() {
            assert_eq!(a["span_id"].as_str().unwrap().len(), 16);
            assert!(a["name"].is_string());
            let s = a["state"].as_str().unwrap();
            assert!(
                [
                    "completed",
                    "failed",
                    "timeout",
                    "dead",
                    "running",
                    "pending"
                ]
                .contains(&s),
                "{s}"
            );
        }
    }
    for w in v["warnings"].as_array().unwrap() {
        assert!(w["kind"].is_string() && w["message"].is_string());
        assert!(w.get("trace_id").is_some() && w.get("span_id").is_some());
    }
}

#[test]
fn text_summary_and_tree_show_states_and_the_critical_path() {
    let d = tempfile::tempdir().unwrap();
    let f = sample(d.path(), "s.jsonl", &[]);
    let o = run(&["summary", f.to_str().unwrap()]);
    let out = text(&o.stdout);
    assert!(out.contains(" dead "), "{out}");
    assert!(out.contains(" timeout "), "{out}");
    assert!(out.contains("warnings"), "{out}");
    let v: serde_json::Value =
        serde_json::from_slice(&run(&["summary", f.to_str().unwrap(), "--json"]).stdout).unwrap();
    let id = v["traces"][0]["trace_id"].as_str().unwrap();
    let o = run(&["tree", f.to_str().unwrap(), "--trace", &id[..10]]);
    assert_eq!(o.status.code(), Some(0));
    let out = text(&o.stdout);
    assert!(out.starts_with(&format!("trace {id}")), "{out}");
    assert!(
        out.lines().filter(|l| l.starts_with('*')).count() >= 3,
        "{out}"
    );
    assert!(out.contains("invoke_agent supervisor [agent"), "{out}");
    assert!(out.contains('#'), "bars drawn");
}

#[test]
fn search_finds_traces_by_correlation_id() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("j.json");
    std::fs::copy(fixtures().join("jaeger-download.json"), &f).unwrap();
    let z = d.path().join("z.json");
    std::fs::copy(fixtures().join("zipkin-shared.json"), &z).unwrap();
    let o = run(&[
        "search",
        f.to_str().unwrap(),
        z.to_str().unwrap(),
        "--id",
        "req-zipkin-9",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["traces"].as_array().unwrap().len(), 1);
    assert_eq!(
        v["traces"][0]["trace_id"],
        "0000000000000000463ac35c9f6413ad"
    );
    assert_eq!(v["traces"][0]["hits"][0]["key"], "request_id");
    let o = run(&["search", f.to_str().unwrap(), "--id", "nothing-like-this"]);
    assert!(text(&o.stdout).contains("no trace carries"));
}

#[test]
fn convert_reads_back_to_the_same_summary() {
    let d = tempfile::tempdir().unwrap();
    let f = sample(d.path(), "s.pb.zst", &["--format", "otlp-framed"]);
    let out = d.path().join("back.jsonl.gz");
    let o = run(&[
        "convert",
        f.to_str().unwrap(),
        "--to",
        "otlp-json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let summary = |p: &Path| {
        let mut v: serde_json::Value =
            serde_json::from_slice(&run(&["summary", p.to_str().unwrap(), "--json"]).stdout)
                .unwrap();
        v.as_object_mut().unwrap().remove("sources");
        v
    };
    assert_eq!(summary(&f), summary(&out));
    // To standard output as well.
    let o = run(&["convert", f.to_str().unwrap(), "--to", "otlp-json"]);
    assert!(text(&o.stdout).starts_with("{\"resourceSpans\":"));
}

#[test]
fn unreadable_input_exits_1_naming_file_and_line_and_still_prints() {
    let d = tempfile::tempdir().unwrap();
    let f = sample(d.path(), "s.jsonl", &[]);
    let bytes = std::fs::read(&f).unwrap();
    let cut = d.path().join("cut.jsonl");
    std::fs::write(&cut, &bytes[..bytes.len() - 100]).unwrap();
    let o = run(&["summary", cut.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(err.contains("cut.jsonl: line "), "{err}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        !v["traces"].as_array().unwrap().is_empty(),
        "what was read is still shown"
    );
    assert!(v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w["kind"] == "read_error"));
    let o = run(&["summary", "/no/such/file.json"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("/no/such/file.json"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&[]).status.code(), Some(2));
    assert_eq!(run(&["summary"]).status.code(), Some(2));
    assert_eq!(run(&["frobnicate"]).status.code(), Some(2));
    let d = tempfile::tempdir().unwrap();
    let f = sample(d.path(), "s.jsonl", &[]);
    let o = run(&["tree", f.to_str().unwrap(), "--trace", "ffffffffffff"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("no trace with id"));
}

#[test]
fn terminal_control_characters_in_names_are_escaped() {
    let d = tempfile::tempdir().unwrap();
    let f = d.path().join("evil.json");
    std::fs::write(
        &f,
        r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0123456789abcdef0123456789abcdef","spanId":"0123456789abcdef","name":"evil\u001b[2J\u0007","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}"#,
    )
    .unwrap();
    for cmd in ["summary", "tree"] {
        let o = run(&[cmd, f.to_str().unwrap()]);
        let out = text(&o.stdout);
        assert!(!out.contains('\u{1b}'), "{cmd}: raw escape in output");
        assert!(out.contains("evil\\u{1b}[2J"), "{cmd}: {out}");
    }
}

#[test]
fn span_shows_one_span_and_names_bad_ids() {
    let f = fixtures().join("otlp-every-field.json");
    let f = f.to_str().unwrap();
    let o = run(&["span", f, "--trace", "0102", "--span", "1112", "--json"]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["span_id"], "1112131415161718");
    assert_eq!(v["attributes"][1]["value"], "-9223372036854775808");
    let o = run(&["span", f, "--trace", "0102", "--span", "1112"]);
    let out = text(&o.stdout);
    assert!(out.contains("root ünïcødé"), "{out}");
    assert!(out.contains("i (int) = -9223372036854775808"), "{out}");
    assert!(out.contains("FollowsFrom"), "{out}");
    let o = run(&["span", f, "--trace", "0102", "--span", "ffff"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("no span with id \"ffff\""));
    let o = run(&["span", f, "--trace", "9999", "--span", "1112"]);
    assert_eq!(o.status.code(), Some(2));
}

/// `serve` prints a URL with a token, answers on it, and stops cleanly on
/// SIGTERM; run from a directory with no checkout, it serves the page
/// built into it.
#[cfg(unix)]
#[test]
fn serve_answers_with_the_token_and_stops_on_sigterm() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::time::{Duration, Instant};
    let dir = tempfile::tempdir().unwrap();
    let f = sample(dir.path(), "s.jsonl", &[]);
    let mut child = bin()
        .args(["serve", f.to_str().unwrap()])
        .current_dir(dir.path())
        .env_remove("TRACELENS_UI_DIR")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let line = rx.recv_timeout(Duration::from_secs(60)).unwrap_or_default();
    let stop = |child: &mut std::process::Child| {
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        let t0 = Instant::now();
        loop {
            if let Some(s) = child.try_wait().unwrap() {
                return Some(s);
            }
            if t0.elapsed() > Duration::from_secs(30) {
                let _ = child.kill();
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    let Some(rest) = line.trim().split("http://").nth(1) else {
        stop(&mut child);
        panic!("no URL printed: {line:?}");
    };
    let (addr, token) = rest.split_once("/?token=").unwrap();
    assert!(addr.starts_with("127.0.0.1:"), "{addr}");
    assert_eq!(token.len(), 32);
    let get = |path: &str| {
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    };
    let ok = get(&format!("/api/summary?token={token}"));
    let denied = get("/api/summary");
    let page = get("/");
    let status = stop(&mut child);
    let built = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/dist/index.html");
    if built.is_file() {
        assert!(
            page.starts_with("HTTP/1.1 200") && page.contains("id=\"waterfall\""),
            "the built-in page: {page}"
        );
    }
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    assert!(ok.contains("\"trace_id\""));
    assert!(denied.starts_with("HTTP/1.1 401"), "{denied}");
    let status = status.expect("serve did not stop on SIGTERM");
    assert!(status.success(), "{status:?}");
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(
        !err.contains(token),
        "the token must not reach the log: {err}"
    );
}

#[test]
fn open_hands_canonical_paths_to_the_desktop_app_beside_it() {
    let dir = tempfile::tempdir().unwrap();
    // A copy of tracelens with a stand-in tracelens-app beside it that
    // records what it was given.
    let cli = dir.path().join("tracelens");
    std::fs::copy(env!("CARGO_BIN_EXE_tracelens"), &cli).unwrap();
    let record = dir.path().join("args.txt");
    let app = dir.path().join("tracelens-app");
    std::fs::write(
        &app,
        format!(
            "#!/bin/sh\nprintf '%s\\n' \"$@\" > '{}'\n",
            record.display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&app, std::fs::Permissions::from_mode(0o755)).unwrap();

    let trace = fixtures().join("otlp-spec-example.json");
    let o = Command::new(&cli)
        .current_dir(fixtures())
        .args(["open", "otlp-spec-example.json"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let mut got = String::new();
    for _ in 0..100 {
        got = std::fs::read_to_string(&record).unwrap_or_default();
        if !got.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let want = std::fs::canonicalize(trace).unwrap();
    assert_eq!(got.trim(), want.display().to_string());

    // A view to open is passed on as flags the app reads, never as paths.
    std::fs::remove_file(&record).unwrap();
    let o = Command::new(&cli)
        .current_dir(fixtures())
        .args([
            "open",
            "otlp-spec-example.json",
            "--trace",
            "5b8e",
            "--span",
            "eee1",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let mut got = String::new();
    for _ in 0..100 {
        got = std::fs::read_to_string(&record).unwrap_or_default();
        if got.lines().count() == 3 {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let lines: Vec<&str> = got.lines().collect();
    assert_eq!(&lines[1..], &["--trace=5b8e", "--span=eee1"]);

    // A missing file is an error on the terminal, not an empty window.
    let o = Command::new(&cli)
        .args(["open", "no-such-file.json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("cannot open no-such-file.json"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn a_closed_stderr_is_no_reason_to_panic() {
    // A missing file: the error goes to stderr, whose reader is gone.
    let mut child = bin()
        .args(["summary", "/nonexistent/trace.json"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(
        status.code(),
        Some(1),
        "exit 1 as for any unreadable input, not a panic (101)"
    );
}

#[test]
fn serve_refuses_a_non_loopback_address_unless_asked_and_then_warns() {
    let o = run(&["serve", "--addr", "0.0.0.0:0"]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(
        err.contains("--allow-remote") && err.contains("in the clear"),
        "{err}"
    );

    // Asked for: it warns, and takes loopback names as well as any other.
    use std::io::{BufRead, Read, Write};
    let mut child = bin()
        .args(["serve", "--addr", "0.0.0.0:0", "--allow-remote"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_string();
    let port: u16 = url
        .trim_start_matches("http://0.0.0.0:")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap_or_else(|_| panic!("{line}"));
    let token = url.rsplit("token=").next().unwrap().to_string();
    let get = |host: &str| {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(
            s,
            "GET /api/summary?token={token} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut r = String::new();
        s.read_to_string(&mut r).unwrap();
        r
    };
    assert!(get(&format!("127.0.0.1:{port}")).starts_with("HTTP/1.1 200"));
    assert!(get(&format!("localhost:{port}")).starts_with("HTTP/1.1 200"));
    let _ = child.kill();
    let _ = child.wait();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(
        err.contains("warning") && err.contains("in the clear"),
        "{err}"
    );
}

#[test]
fn why_follows_the_samples_failed_and_dead_runs_to_their_causes() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/agent-runs.jsonl");
    let s = sample.to_str().unwrap();
    let o = run(&["why", s, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let traces = v["traces"].as_array().unwrap();
    // Only traces with a failure are listed; each chain starts at its
    // problem and ends at its cause.
    let dead = traces
        .iter()
        .find(|t| t["trace_id"] == "3bee2925be4db9d9b09d9ada2c06b7b7")
        .expect("the dead-writer run");
    let steps = dead["chains"][0]["steps"].as_array().unwrap();
    let kinds: Vec<&str> = steps.iter().map(|s| s["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["failed", "dead"]);
    assert_eq!(steps[1]["name"], "invoke_agent writer");
    assert!(steps[1]["detail"]
        .as_str()
        .unwrap()
        .starts_with("no end and no heartbeat"));
    for k in ["node", "span_id", "name", "service", "kind", "detail"] {
        assert!(steps[0].get(k).is_some(), "step without {k}");
    }
    assert!(traces
        .iter()
        .all(|t| !t["chains"].as_array().unwrap().is_empty()));

    // Text: the cause marked; --span narrows to one chain.
    let o = run(&["why", s, "--trace", "3bee29"]);
    let out = text(&o.stdout);
    assert!(out.contains("└ dead") && out.contains("<- cause"), "{out}");
    let writer = steps[1]["span_id"].as_str().unwrap();
    let o = run(&["why", s, "--trace", "3bee29", "--span", writer, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let chains = v["traces"][0]["chains"].as_array().unwrap();
    assert_eq!(chains.len(), 1);
    assert_eq!(chains[0]["steps"][0]["span_id"], writer);
    // --span without --trace is a usage error.
    assert_eq!(run(&["why", s, "--span", writer]).status.code(), Some(2));
}

#[test]
fn tree_narrows_to_problems_depth_and_duration_with_ids() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/agent-runs.jsonl");
    let s = sample.to_str().unwrap();
    // The dead-writer run: only its problems and the spans above them.
    let o = run(&["tree", s, "--trace", "3bee29", "--errors", "--ids"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let spans: Vec<&str> = out.lines().skip(1).filter(|l| l.contains('|')).collect();
    assert_eq!(spans.len(), 2, "{out}");
    assert!(
        spans[0].contains("invoke_agent supervisor [agent failed"),
        "{out}"
    );
    assert!(
        spans[1].contains("invoke_agent writer [agent dead]"),
        "{out}"
    );
    // Its id (the why's cause) beside its name.
    let why: serde_json::Value =
        serde_json::from_slice(&run(&["why", s, "--trace", "3bee29", "--json"]).stdout).unwrap();
    let writer = why["traces"][0]["chains"][0]["steps"][1]["span_id"]
        .as_str()
        .unwrap();
    assert!(spans[1].contains(writer), "{out}");
    assert!(out.contains("(48 spans left out by the filters)"), "{out}");
    // Across traces, those without a problem are left out.
    let all = text(&run(&["tree", s, "--errors"]).stdout);
    let traces = all.lines().filter(|l| l.starts_with("trace ")).count();
    let failing = why_count(s);
    assert!(traces >= failing && traces < 8, "{traces} traces: {all}");
    // Depth and duration: roots and their direct children of at least 9 s.
    let o = run(&[
        "tree",
        s,
        "--trace",
        "3bee29",
        "--max-depth",
        "1",
        "--min-duration",
        "9s",
    ]);
    let out = text(&o.stdout);
    for l in out.lines().skip(1).filter(|l| l.contains('|')) {
        // Two columns for the critical-path mark, then two spaces a level.
        let label = &l[2..];
        let indent = label.len() - label.trim_start().len();
        assert!(indent <= 2, "deeper than 1: {l}");
    }
    assert!(!out.contains("1.16s"), "a short span kept: {out}");
    assert!(out.contains("10.00s"), "{out}");
    // Nothing passes: said so.
    let none = text(&run(&["tree", s, "--errors", "--min-duration", "1h"]).stdout);
    assert_eq!(none.trim(), "no problems pass the filters in 8 traces");
    // A bad duration is a usage error.
    assert_eq!(
        run(&["tree", s, "--min-duration", "abc"]).status.code(),
        Some(2)
    );
}

#[test]
fn span_text_lists_events_with_their_attributes_in_time_order() {
    let d = tempfile::tempdir().unwrap();
    // Events written out of order; an exception with a multi-line stack.
    let stack: String = (0..60)
        .map(|i| format!("  at frame{i} (tool.py:{i})\n"))
        .collect();
    let doc = serde_json::json!({"resourceSpans": [{"scopeSpans": [{"spans": [{
    "traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331",
    "name": "execute_tool search", "startTimeUnixNano": "1000", "endTimeUnixNano": "9000000",
    "events": [
        {"timeUnixNano": "5000000", "name": "exception", "attributes": [
            {"key": "exception.type", "value": {"stringValue": "TimeoutError"}},
            {"key": "exception.message", "value": {"stringValue": "no answer in 5 s"}},
            {"key": "exception.stacktrace", "value": {"stringValue": stack}}]},
        {"timeUnixNano": "2000", "name": "tool_executing"}
    ]}]}]}]});
    let f = d.path().join("t.json");
    std::fs::write(&f, doc.to_string()).unwrap();
    let o = run(&[
        "span",
        f.to_str().unwrap(),
        "--trace",
        "0af765",
        "--span",
        "b7ad6b7169203331",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let events = &out[out.find("events:").expect("an events section")..];
    let first = events
        .find("tool_executing  (lifecycle)")
        .expect("lifecycle marked");
    let exc = events.find("exception").unwrap();
    assert!(first < exc, "not in time order: {events}");
    assert!(events.contains("exception.type = TimeoutError"), "{events}");
    assert!(
        events.contains("exception.message = no answer in 5 s"),
        "{events}"
    );
    assert!(events.contains("        at frame0 (tool.py:0)"), "{events}");
    assert!(events.contains("… (20 more lines)"), "{events}");
    // Listed once: no second lifecycle section.
    assert_eq!(out.matches("tool_executing").count(), 1, "{out}");
}

/// How many of the sample's traces `why` finds a failure in.
fn why_count(sample: &str) -> usize {
    let v: serde_json::Value =
        serde_json::from_slice(&run(&["why", sample, "--json"]).stdout).unwrap();
    v["traces"].as_array().unwrap().len()
}

/// A trace (agent 0..100 ms with request_id req-7, a tool 20..40 ms under
/// it) and an application log beside it, as a user has them.
fn trace_and_log(dir: &Path) -> (PathBuf, PathBuf) {
    const T: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
    let t0: u64 = 1_700_000_000_000_000_000;
    let ms: u64 = 1_000_000;
    let spans = serde_json::json!({"resourceSpans": [{"scopeSpans": [{"spans": [
        {"traceId": T, "spanId": "00f067aa0ba902b7", "name": "agent.run",
         "startTimeUnixNano": t0.to_string(), "endTimeUnixNano": (t0 + 100 * ms).to_string(),
         "attributes": [{"key": "request_id", "value": {"stringValue": "req-7"}}]},
        {"traceId": T, "spanId": "00f067aa0ba902b8", "parentSpanId": "00f067aa0ba902b7",
         "name": "tool.search", "startTimeUnixNano": (t0 + 20 * ms).to_string(),
         "endTimeUnixNano": (t0 + 40 * ms).to_string()}
    ]}]}]});
    let lines = [
        serde_json::json!({"asctime": "2023-11-14 22:13:20,021", "levelname": "WARNING", "name": "app.tools",
            "message": "search slow", "otelTraceID": T, "otelSpanID": "00f067aa0ba902b8"}),
        serde_json::json!({"time": "2023-11-14T22:13:20.030Z", "level": "ERROR", "msg": "search failed",
            "request_id": "req-7", "user_id": "u-1"}),
        serde_json::json!({"time": "2023-11-14T22:13:20.005Z", "level": "info", "msg": "agent begins",
            "trace_id": T}),
        serde_json::json!({"time": "2023-11-14T22:15:00Z", "level": "INFO", "msg": "elsewhere"}),
    ];
    let t = dir.join("trace.json");
    std::fs::write(&t, spans.to_string()).unwrap();
    let l = dir.join("app.log");
    let body: String = lines.iter().map(|v| v.to_string() + "\n").collect();
    std::fs::write(&l, body).unwrap();
    (t, l)
}

#[test]
fn logs_lists_records_in_time_order_with_their_spans() {
    let d = tempfile::tempdir().unwrap();
    let (t, l) = trace_and_log(d.path());
    let (t, l) = (t.to_str().unwrap(), l.to_str().unwrap());
    let o = run(&["logs", t, l]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let lines: Vec<&str> = out.lines().filter(|l| !l.starts_with("    ")).collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert!(
        lines[0].starts_with("2023-11-14 22:13:20.005  INFO   agent.run 00f067aa  agent begins"),
        "{out}"
    );
    assert!(
        lines[1].contains("WARN   tool.search 00f067aa  search slow"),
        "{out}"
    );
    assert!(
        lines[2].contains("ERROR  tool.search 00f067aa  search failed"),
        "{out}"
    );
    assert!(lines[3].contains("unattached  elsewhere"), "{out}");
    assert!(out.contains("    request_id=req-7 user_id=u-1"), "{out}");

    // Filters: level, text, trace and span.
    let o = run(&["logs", t, l, "--level", "warn"]);
    assert_eq!(
        text(&o.stdout)
            .lines()
            .filter(|l| l.starts_with("2023"))
            .count(),
        2
    );
    let o = run(&["logs", t, l, "--grep", "U-1"]);
    assert!(text(&o.stdout).contains("search failed"));
    assert_eq!(
        text(&o.stdout)
            .lines()
            .filter(|l| l.starts_with("2023"))
            .count(),
        1
    );
    let o = run(&[
        "logs",
        t,
        l,
        "--trace",
        "4bf9",
        "--span",
        "00f067aa0ba902b7",
    ]);
    let out = text(&o.stdout);
    assert!(
        out.contains("agent begins") && !out.contains("search slow"),
        "{out}"
    );
    let o = run(&["logs", t, l, "--limit", "1"]);
    assert!(text(&o.stdout).contains("(1 of 4 matching records shown)"));

    // The JSON schema (docs/cli.md).
    let o = run(&["logs", t, l, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["total"], 4);
    assert_eq!(v["matched"], 4);
    assert_eq!(
        v["attach"],
        serde_json::json!({"records": 4, "by_span_id": 1, "by_trace_time": 1, "by_correlation": 1, "unattached": 1})
    );
    let r = &v["records"][2];
    for (k, want) in [
        ("level", "error"),
        ("severity_text", "ERROR"),
        ("body", "search failed"),
        ("kind", "log"),
        ("span_id", "00f067aa0ba902b8"),
        ("span_name", "tool.search"),
        ("attached_by", "correlation"),
        ("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"),
    ] {
        assert_eq!(r[k], want, "{k}: {r}");
    }
    assert_eq!(r["time_unix_nano"], 1_700_000_000_030_000_000u64);
    assert_eq!(r["attributes"]["user_id"], "u-1");
    assert_eq!(v["records"][1]["logger"], "app.tools");

    // A level that is none is a usage error.
    let o = run(&["logs", t, l, "--level", "loud"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn summary_and_search_count_and_find_log_records() {
    let d = tempfile::tempdir().unwrap();
    let (t, l) = trace_and_log(d.path());
    let (t, l) = (t.to_str().unwrap(), l.to_str().unwrap());
    let o = run(&["summary", t, l, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let tr = &v["traces"][0];
    assert_eq!(tr["log_count"], 3);
    assert_eq!(
        tr["logs_by_level"],
        serde_json::json!({"info": 1, "warn": 1, "error": 1})
    );
    assert_eq!(v["logs"]["unattached"], 1);
    assert_eq!(v["sources"][1]["logs"], 4);
    assert_eq!(v["sources"][1]["format"], "json-logs");
    let o = run(&["summary", t, l]);
    let out = text(&o.stdout);
    assert!(
        out.contains("  logs      3 records: 1 error, 1 warn, 1 info"),
        "{out}"
    );
    assert!(out.contains("logs: 4 records, 1 placed by span id, 1 by trace id and time, 1 by a correlation id, 1 unattached"), "{out}");

    let o = run(&["search", t, l, "--id", "u-1", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["log_count"], 1);
    assert_eq!(v["logs"][0]["body"], "search failed");
    let o = run(&["search", t, l, "--id", "req-7"]);
    let out = text(&o.stdout);
    assert!(
        out.contains("span 00f067aa0ba902b7  agent.run  (request_id)"),
        "{out}"
    );
    assert!(out.contains("log records carrying it (1):"), "{out}");
}

#[test]
fn report_over_files_counts_every_run_and_groups_as_asked() {
    let dir = tempfile::tempdir().unwrap();
    let p = sample(dir.path(), "runs.jsonl", &[]);
    let f = p.to_str().unwrap();
    let summary: serde_json::Value =
        serde_json::from_slice(&run(&["summary", f, "--json"]).stdout).unwrap();
    let traces = summary["traces"].as_array().unwrap();
    let states: Vec<String> = traces
        .iter()
        .flat_map(|t| t["agents"].as_array().unwrap())
        .map(|a| a["state"].as_str().unwrap().to_string())
        .collect();

    let o = run(&["report", f, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(r["traces"].as_u64().unwrap() as usize, traces.len());
    assert_eq!(r["group_by"], "agent");
    let groups = r["groups"].as_array().unwrap();
    let sum = |k: &str| -> u64 {
        groups
            .iter()
            .map(|g| g["states"][k].as_u64().unwrap())
            .sum()
    };
    let count = |s: &str| states.iter().filter(|x| *x == s).count() as u64;
    let runs: u64 = groups.iter().map(|g| g["count"].as_u64().unwrap()).sum();
    assert_eq!(runs as usize, states.len());
    // The planted failure, timeout and dead agent, counted as the trace
    // summaries judge them.
    for s in ["failed", "timeout", "dead", "completed"] {
        assert_eq!(sum(s), count(s), "{s}");
    }
    assert!(count("timeout") >= 1 && count("dead") >= 1);
    for g in groups {
        assert!(g["p50_ns"].as_f64().unwrap() <= g["p95_ns"].as_f64().unwrap());
        assert!(g["slowest"]["trace_id"].as_str().unwrap().len() == 32);
    }
    assert!(!r["models"].as_array().unwrap().is_empty());
    assert!(!r["bottlenecks"].as_array().unwrap().is_empty());
    let kinds: Vec<&str> = r["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"agent dead"), "{kinds:?}");

    // Text: every part, and example traces to open.
    let o = run(&["report", f]);
    let out = text(&o.stdout);
    for part in [
        "report over 6 traces",
        "by agent",
        "models",
        "bottlenecks",
        "most self time",
        "error kinds",
    ] {
        assert!(out.contains(part), "no {part:?} in\n{out}");
    }

    // Other groupings, the range, and a grouping that is none.
    let r: serde_json::Value = serde_json::from_slice(
        &run(&["report", f, "--group-by", "attribute:user_id", "--json"]).stdout,
    )
    .unwrap();
    assert_eq!(r["group_by"], "attribute:user_id");
    assert!(!r["groups"].as_array().unwrap().is_empty());
    let o = run(&["report", f, "--group-by", "operation", "--limit", "3"]);
    let out = text(&o.stdout);
    assert!(
        out.contains("by operation") && out.contains("more (--limit"),
        "{out}"
    );
    let r: serde_json::Value =
        serde_json::from_slice(&run(&["report", f, "--since", "5m", "--json"]).stdout).unwrap();
    let recent = r["traces"].as_u64().unwrap();
    assert!((1..6).contains(&recent), "{recent}");
    let o = run(&["report", f, "--group-by", "colour"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("cannot group by"),
        "{}",
        text(&o.stderr)
    );
    let o = run(&["report", f, "--group-by", "attribute"]);
    assert_eq!(o.status.code(), Some(2));

    // Cost: the bundled prices know the generator's models; a prices file
    // overrides one, and one that is not a prices file is refused.
    let r: serde_json::Value =
        serde_json::from_slice(&run(&["report", f, "--json"]).stdout).unwrap();
    let total = r["cost_usd"].as_f64().unwrap();
    assert!(total > 0.0);
    assert!(r["unpriced_models"].as_array().unwrap().is_empty());
    let mini = r["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["model"] == "gpt-4o-mini")
        .unwrap()
        .clone();
    let prices = dir.path().join("prices.json");
    std::fs::write(
        &prices,
        r#"{"models": {"gpt-4o-mini": {"input": 1000, "output": 1000}}}"#,
    )
    .unwrap();
    let p = prices.to_str().unwrap();
    let r: serde_json::Value =
        serde_json::from_slice(&run(&["report", f, "--prices", p, "--json"]).stdout).unwrap();
    let tokens = mini["input_tokens"].as_f64().unwrap() + mini["output_tokens"].as_f64().unwrap();
    let repriced = r["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["model"] == "gpt-4o-mini")
        .unwrap()["cost_usd"]
        .as_f64()
        .unwrap();
    assert!(
        (repriced - tokens * 1000.0 / 1e6).abs() < 1e-6,
        "{repriced}"
    );
    std::fs::write(&prices, r#"{"gpt-4o-mini": 3}"#).unwrap();
    let o = run(&["report", f, "--prices", p]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("prices file"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn calls_lists_llm_tool_and_agent_calls_across_runs() {
    let dir = tempfile::tempdir().unwrap();
    let p = sample(dir.path(), "runs.jsonl", &[]);
    let f = p.to_str().unwrap();
    let json = |args: &[&str]| -> serde_json::Value {
        let o = run(&[&["calls", f, "--json"][..], args].concat());
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let report: serde_json::Value =
        serde_json::from_slice(&run(&["report", f, "--json"]).stdout).unwrap();
    let llm_calls: u64 = report["models"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["calls"].as_u64().unwrap())
        .sum();
    let d = json(&["--sort", "ttft", "--limit", "5000"]);
    assert_eq!(d["matched"].as_u64().unwrap(), llm_calls);
    let ttfts: Vec<u64> = d["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|r| r["ttft_ns"].as_u64())
        .collect();
    assert!(!ttfts.is_empty() && ttfts.windows(2).all(|w| w[0] >= w[1]));
    // The planted failed tool.
    let d = json(&["--class", "tool", "--errors"]);
    assert!(d["matched"].as_u64().unwrap() >= 1);
    assert!(d["rows"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["status"] == "error" && r["tool"].is_string()));
    // Agent executions agree with the report's counts.
    let runs: u64 = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["count"].as_u64().unwrap())
        .sum();
    assert_eq!(json(&["--class", "agent"])["total"].as_u64().unwrap(), runs);
    // Text, and paging.
    let o = run(&["calls", f, "--class", "tool", "--limit", "2"]);
    let out = text(&o.stdout);
    assert!(out.contains("1-2 of"), "{out}");
    let o = run(&["calls", f, "--class", "colour"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains("no call class"),
        "{}",
        text(&o.stderr)
    );
}

#[test]
fn health_counts_every_execution_and_names_the_dead() {
    let dir = tempfile::tempdir().unwrap();
    let p = sample(dir.path(), "runs.jsonl", &[]);
    let f = p.to_str().unwrap();
    let report: serde_json::Value =
        serde_json::from_slice(&run(&["report", f, "--json"]).stdout).unwrap();
    let dead: u64 = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["states"]["dead"].as_u64().unwrap())
        .sum();
    let o = run(&["health", f, "--bucket", "1m", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let h: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(h["bucket_ns"].as_u64(), Some(60_000_000_000));
    let agents = h["agents"].as_array().unwrap();
    let runs: u64 = agents
        .iter()
        .map(|a| a["total_runs"].as_u64().unwrap())
        .sum();
    let want: u64 = report["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["count"].as_u64().unwrap())
        .sum();
    assert_eq!(runs, want);
    for a in agents {
        let per: u64 = a["runs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .sum();
        assert_eq!(per, a["total_runs"].as_u64().unwrap());
        assert_eq!(
            a["runs"].as_array().unwrap().len() as u64,
            h["buckets"].as_u64().unwrap()
        );
    }
    assert!(dead >= 1);
    assert_eq!(h["dead"].as_array().unwrap().len() as u64, dead);
    let out = text(&run(&["health", f]).stdout);
    assert!(out.contains("dead agents") && out.contains('†'), "{out}");
}

#[test]
fn sessions_group_every_run_once() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/agent-runs.jsonl");
    let s = sample.to_str().unwrap();
    for key in [None, Some("user_id")] {
        let mut args = vec!["sessions", s, "--json"];
        if let Some(k) = key {
            args.extend(["--key", k]);
        }
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let runs: usize = d["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["runs"].as_array().unwrap().len())
            .sum();
        assert_eq!(runs as u64 + d["runs_without_session"].as_u64().unwrap(), 8);
        assert!(!d["sessions"].as_array().unwrap().is_empty());
    }
    // A user with two runs: both listed, in order.
    let o = run(&["sessions", s, "--key", "user_id"]);
    let out = text(&o.stdout);
    assert!(out.contains("user_id=") && out.contains("2 runs"), "{out}");
    let o = run(&["sessions", s, "--key", "no.such.key"]);
    assert!(
        text(&o.stdout).contains("no sessions"),
        "{}",
        text(&o.stdout)
    );
}

fn trace_ids(f: &Path) -> Vec<String> {
    let o = run(&["summary", f.to_str().unwrap(), "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    v["traces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["trace_id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn diff_aligns_two_runs_and_a_run_against_its_baseline() {
    let d = tempfile::tempdir().unwrap();
    let f = sample(d.path(), "s.jsonl", &[]);
    let fs = f.to_str().unwrap();
    let ids = trace_ids(&f);
    let o = run(&["diff", &ids[0][..10], &ids[1], fs, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["a"]["trace_ids"][0], ids[0].as_str());
    let rows = v["rows"].as_array().unwrap();
    let n = |k: &str| rows.iter().filter(|r| r["kind"] == k).count() as u64;
    for k in ["same", "changed", "only_a", "only_b"] {
        assert_eq!(v["counts"][k].as_u64(), Some(n(k)), "{k}");
    }
    // Text: the sides, the totals, the steps.
    let o = run(&["diff", &ids[0], &ids[1], fs]);
    let t = text(&o.stdout);
    assert!(t.starts_with("A  "), "{t}");
    assert!(t.contains("self time") && t.contains("steps:"), "{t}");
    // A run against itself has no change.
    let o = run(&["diff", &ids[2], &ids[2], fs, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["counts"]["changed"], 0);
    assert_eq!(v["critical_parts_at"], serde_json::Value::Null);
    // The baseline of the other good runs.
    let o = run(&["diff", &ids[0], "baseline", fs, "--runs", "3", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let base = v["a"]["trace_ids"].as_array().unwrap();
    assert!(!base.is_empty() && base.len() <= 3, "{base:?}");
    assert!(!base.contains(&serde_json::Value::from(ids[0].as_str())));
    // An id that is no trace is a usage error.
    let o = run(&["diff", "ffff0000", &ids[0], fs]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("ffff0000"), "{}", text(&o.stderr));
}

#[test]
fn graph_counts_calls_and_writes_dot() {
    let d = tempfile::tempdir().unwrap();
    let f = sample(d.path(), "s.jsonl", &[]);
    let fs = f.to_str().unwrap();
    let o = run(&["graph", fs, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let g: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(g["traces"], 6);
    // Every run enters at a service, and the orphan's subtree (its parent
    // never exported) enters where it ran.
    let o = run(&["summary", fs, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let roots: u64 = v["traces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| 1 + t["orphan_count"].as_u64().unwrap())
        .sum();
    let entered: u64 = g["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "service")
        .map(|n| n["calls"].as_u64().unwrap())
        .sum();
    assert_eq!(entered, roots);
    let o = run(&["graph", fs, "--dot"]);
    let dot = text(&o.stdout);
    assert!(dot.starts_with("digraph tracelens {"), "{dot}");
    assert!(dot.contains("->") && dot.trim_end().ends_with('}'));
    let o = run(&["graph", fs, "--dot", "--json"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn convert_writes_one_trace_a_subtree_or_a_digest() {
    let d = tempfile::tempdir().unwrap();
    let f = sample(d.path(), "s.jsonl", &[]);
    let fs = f.to_str().unwrap();
    let ids = trace_ids(&f);
    let out = d.path().join("one.jsonl");
    let o = run(&[
        "convert",
        fs,
        "--trace",
        &ids[1],
        "--to",
        "otlp-json",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(trace_ids(&out), vec![ids[1].clone()]);
    let o = run(&["convert", fs, "--trace", &ids[1], "--to", "digest-md"]);
    let md = text(&o.stdout);
    assert!(md.starts_with("# ") && md.contains("```text"), "{md}");
    let o = run(&["convert", fs, "--to", "digest-json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("--trace"), "{}", text(&o.stderr));
}

/// `traces` generated runs of 12 spans, in `dir`.
fn many_runs(dir: &Path, traces: usize) -> PathBuf {
    let f = dir.join("many.jsonl");
    let n = traces.to_string();
    let o = run(&[
        "generate",
        "--out",
        f.to_str().unwrap(),
        "--traces",
        &n,
        "--spans-per-trace",
        "12",
    ]);
    assert!(o.status.success(), "{}", text(&o.stderr));
    f
}

/// The ids of the traces a text listing prints, one per "trace ID ..." line.
fn traces_in(out: &str) -> Vec<String> {
    out.lines()
        .filter_map(|l| l.strip_prefix("trace "))
        .map(|l| l.split_whitespace().next().unwrap().to_string())
        .collect()
}

#[test]
fn summary_on_many_traces_summarises_problems_first_unless_all() {
    let d = tempfile::tempdir().unwrap();
    let f = many_runs(d.path(), 60);
    let file = f.to_str().unwrap();
    let v: serde_json::Value =
        serde_json::from_slice(&run(&["summary", file, "--json"]).stdout).unwrap();
    let all = v["traces"].as_array().unwrap();
    assert_eq!(all.len(), 60, "--json has every trace");
    let problem = |t: &serde_json::Value| {
        t["error_count"].as_u64().unwrap() > 0
            || t["orphan_count"].as_u64().unwrap() > 0
            || t["agents"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| matches!(a["state"].as_str(), Some("failed" | "timeout" | "dead")))
    };
    let with_problems: Vec<&str> = all
        .iter()
        .filter(|t| problem(t))
        .map(|t| t["trace_id"].as_str().unwrap())
        .collect();
    assert!(!with_problems.is_empty() && with_problems.len() < 20);
    // The default: an overview, then 20 traces, every one with a problem among them.
    let out = text(&run(&["summary", file]).stdout);
    assert!(out.starts_with("60 traces, "), "{out}");
    assert!(out.contains("--all for every trace"), "{out}");
    let shown = traces_in(&out);
    assert_eq!(shown.len(), 20);
    for id in &with_problems {
        assert!(
            shown.iter().any(|s| s == id),
            "{id} has a problem and is not shown"
        );
    }
    // The rest are the slowest of the others.
    let slowest_left_out = all
        .iter()
        .filter(|t| !shown.iter().any(|s| s == t["trace_id"].as_str().unwrap()))
        .map(|t| t["duration_ns"].as_u64().unwrap())
        .max()
        .unwrap();
    let fastest_shown_ok = all
        .iter()
        .filter(|t| !problem(t) && shown.iter().any(|s| s == t["trace_id"].as_str().unwrap()))
        .map(|t| t["duration_ns"].as_u64().unwrap())
        .min()
        .unwrap();
    assert!(fastest_shown_ok >= slowest_left_out);
    assert_eq!(
        traces_in(&text(&run(&["summary", file, "--limit", "5"]).stdout)).len(),
        5
    );
    let every = text(&run(&["summary", file, "--all"]).stdout);
    assert_eq!(traces_in(&every).len(), 60);
    assert!(!every.contains("--all for every trace"));
}

#[test]
fn search_on_many_traces_prints_the_first_unless_all() {
    let d = tempfile::tempdir().unwrap();
    let f = many_runs(d.path(), 40);
    let file = f.to_str().unwrap();
    let v: serde_json::Value =
        serde_json::from_slice(&run(&["search", file, "--id", "u-3141", "--json"]).stdout).unwrap();
    let carrying = v["traces"].as_array().unwrap().len();
    assert!(carrying > 3, "the generated runs share user ids");
    let count = |args: &[&str]| traces_in(&text(&run(args).stdout)).len();
    assert_eq!(
        count(&["search", file, "--id", "u-3141", "--limit", "3"]),
        3
    );
    assert_eq!(
        count(&["search", file, "--id", "u-3141", "--all"]),
        carrying
    );
    let head = text(&run(&["search", file, "--id", "u-3141", "--limit", "3"]).stdout);
    assert!(
        head.contains(&format!("in {carrying} traces carry")),
        "{head}"
    );
}

/// The README's sample output is the real output of its command, so it
/// cannot drift; `TRACELENS_BLESS=1` writes it.
#[test]
fn readme_sample_is_the_real_output() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let readme_path = root.join("README.md");
    let readme = std::fs::read_to_string(&readme_path).unwrap();
    let open = "<!-- sample-summary";
    let close = "<!-- /sample-summary -->";
    let start = readme
        .find(open)
        .expect("the README marks its sample output");
    let end = readme[start..].find(close).expect("the sample's end mark") + start;
    let block = &readme[start..end];
    let cmd_line = block
        .lines()
        .find_map(|l| l.strip_prefix("$ tracelens "))
        .expect("the sample's command line");
    let args: Vec<&str> = cmd_line.split_whitespace().collect();
    let o = bin().current_dir(&root).args(&args).output().unwrap();
    assert!(o.status.success(), "{}", text(&o.stderr));
    let want = format!(
        "{}\n```text\n$ tracelens {cmd_line}\n{}```\n",
        block.lines().next().unwrap(),
        text(&o.stdout)
    );
    if std::env::var_os("TRACELENS_BLESS").is_some() {
        let new = format!("{}{want}{}", &readme[..start], &readme[end..]);
        std::fs::write(&readme_path, new).unwrap();
        return;
    }
    assert_eq!(
        block, want,
        "the README's sample output differs from the real output (TRACELENS_BLESS=1 cargo test -p tracelens-cli --test cli readme rewrites it)"
    );
}
