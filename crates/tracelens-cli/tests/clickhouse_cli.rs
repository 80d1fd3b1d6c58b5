//! `tracelens migrate`, `import` and `summary --clickhouse` as a user runs
//! them, against the tests' real ClickHouse engine.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../../tests/clickhouse/engine.rs"]
mod engine;

use std::process::{Command, Output};

fn tl(args: &[&str], password: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_tracelens"));
    c.args(args);
    match password {
        Some(p) => c.env("CLICKHOUSE_PASSWORD", p),
        None => c.env_remove("CLICKHOUSE_PASSWORD"),
    };
    c.output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn without_sources(json: &[u8]) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_slice(json).unwrap();
    v.as_object_mut().unwrap().remove("sources");
    v
}

#[test]
fn migrate_import_and_summary_match_the_file() {
    let url = engine::engine().url.clone();
    let db = engine::fresh_db("cli");
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/agent-runs.jsonl"
    );
    let ch = ["--clickhouse", url.as_str(), "--database", db.as_str()];
    for round in 0..2 {
        let o = tl(&[&["migrate", "--otel", "--json"][..], &ch].concat(), None);
        assert!(o.status.success(), "{}", text(&o.stderr));
        let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(
            r["applied"].as_array().unwrap().len(),
            if round == 0 { 7 } else { 0 }
        );
    }
    for _ in 0..2 {
        let o = tl(
            &[&["import", sample, "--batch", "150", "--json"][..], &ch].concat(),
            None,
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
        let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(r["otel"]["spans"], 404, "{r}");
        assert!(r["agent"]["executions"].as_u64().unwrap() > 0, "{r}");
    }
    let file = tl(&["summary", sample, "--json"], None);
    let want = without_sources(&file.stdout);
    for t in want["traces"].as_array().unwrap() {
        let id = t["trace_id"].as_str().unwrap();
        let o = tl(
            &[&["summary", "--trace", id, "--json"][..], &ch].concat(),
            None,
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
        let got = without_sources(&o.stdout);
        // Equal span counts also say: imported twice, stored once.
        assert_eq!(
            got["traces"][0], *t,
            "trace {id} differs through ClickHouse"
        );
    }
    // Self time through ClickHouse is the trace view's (duration less the
    // union of the children), also where sub-agents and tools run in
    // parallel, as in the sample; traces with an open span are left out
    // (otel_traces stores it with no duration, the model ends it at its
    // last sign of life).
    let o = tl(
        &[
            &["report", "--since", "36500d", "--json", "--limit", "50"][..],
            &ch,
        ]
        .concat(),
        None,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let rep: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let mut compared = 0;
    for top in rep["top_self_time"].as_array().unwrap() {
        let (tid, sid) = (
            top["trace_id"].as_str().unwrap(),
            top["span_id"].as_str().unwrap(),
        );
        let t = want["traces"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["trace_id"] == tid)
            .unwrap();
        let open = t["agents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| matches!(a["state"].as_str(), Some("dead" | "running" | "pending")));
        if open {
            continue;
        }
        let span = tl(
            &["span", sample, "--trace", tid, "--span", sid, "--json"],
            None,
        );
        let span: serde_json::Value = serde_json::from_slice(&span.stdout).unwrap();
        assert_eq!(top["self_ns"], span["self_ns"], "{top}");
        compared += 1;
    }
    assert!(compared >= 5, "only {compared} spans compared");
    // A unique prefix works as it does for files; one that is not is a usage error.
    let first = want["traces"][0]["trace_id"].as_str().unwrap();
    let o = tl(
        &[&["summary", "--trace", &first[..10], "--json"][..], &ch].concat(),
        None,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    assert_eq!(without_sources(&o.stdout)["traces"][0], want["traces"][0]);
    let o = tl(
        &[&["summary", "--trace", "ffff0000"][..], &ch].concat(),
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("no trace id starts with ffff0000"));
    // Two stored runs compare as the same runs from the file do.
    let ids: Vec<&str> = want["traces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["trace_id"].as_str().unwrap())
        .collect();
    let from_file = tl(&["diff", ids[0], ids[1], sample, "--json"], None);
    let o = tl(
        &[
            &["diff", ids[0], ids[1], "--since", "100000d", "--json"][..],
            &ch,
        ]
        .concat(),
        None,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
    let (f, c): (serde_json::Value, serde_json::Value) = (
        serde_json::from_slice(&from_file.stdout).unwrap(),
        serde_json::from_slice(&o.stdout).unwrap(),
    );
    assert_eq!(f["counts"], c["counts"]);
    assert_eq!(
        f["rows"].as_array().unwrap().len(),
        c["rows"].as_array().unwrap().len()
    );
    assert_eq!(f["critical_parts_at"], c["critical_parts_at"]);
    let o = tl(&[&["diff", ids[0], "baseline"][..], &ch].concat(), None);
    assert_eq!(o.status.code(), Some(2), "a baseline needs loaded runs");
    // The list, with filters; the correlation search; the report.
    let run = |args: &[&str]| -> serde_json::Value {
        let o = tl(&[args, &ch[..]].concat(), None);
        assert!(o.status.success(), "{args:?}: {}", text(&o.stderr));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let file_traces = want["traces"].as_array().unwrap();
    let listed = run(&["traces", "--since", "100000d", "--json"]);
    assert_eq!(
        listed["traces"].as_array().unwrap().len(),
        file_traces.len()
    );
    let slow = run(&[
        "traces",
        "--since",
        "100000d",
        "--errors",
        "--min-duration",
        "1m",
        "--json",
    ]);
    let expect = file_traces
        .iter()
        .filter(|t| {
            t["error_count"].as_u64() > Some(0) && t["duration_ns"].as_u64() >= Some(60_000_000_000)
        })
        .count();
    assert_eq!(slow["traces"].as_array().unwrap().len(), expect);
    let fh: serde_json::Value =
        serde_json::from_slice(&tl(&["search", sample, "--id", "u-1042", "--json"], None).stdout)
            .unwrap();
    let ch_hits = run(&["search", "--id", "u-1042", "--since", "100000d", "--json"]);
    let mut from_ch: Vec<&str> = ch_hits["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["trace_id"].as_str().unwrap())
        .collect();
    from_ch.sort();
    from_ch.dedup();
    let mut from_file: Vec<&str> = fh["traces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["trace_id"].as_str().unwrap())
        .collect();
    from_file.sort();
    assert!(!from_file.is_empty());
    assert_eq!(
        from_ch, from_file,
        "search through ClickHouse finds other traces than in the file"
    );
    let rep = run(&["report", "--since", "100000d", "--json"]);
    let runs: u64 = rep["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["count"].as_u64().unwrap())
        .sum();
    let agents: usize = file_traces
        .iter()
        .map(|t| t["agents"].as_array().unwrap().len())
        .sum();
    assert_eq!(runs as usize, agents);
    let o = tl(&[&["report", "--since", "100000d"][..], &ch].concat(), None);
    assert!(
        text(&o.stdout).contains("most self time"),
        "{}",
        text(&o.stdout)
    );
    // Calls over the stored runs: every execution, the slowest first.
    let d = run(&["calls", "--class", "agent", "--since", "100000d", "--json"]);
    assert_eq!(d["total"].as_u64().unwrap() as usize, agents);
    let durs: Vec<u64> = d["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["duration_ns"].as_u64().unwrap())
        .collect();
    assert!(durs.windows(2).all(|w| w[0] >= w[1]), "{durs:?}");
    let o = tl(
        &[
            &[
                "calls", "--sort", "ttft", "--since", "100000d", "--limit", "3",
            ][..],
            &ch,
        ]
        .concat(),
        None,
    );
    assert!(text(&o.stdout).contains("1-3 of"), "{}", text(&o.stdout));
    // Health over the stored executions: every one counted.
    let h = run(&["health", "--since", "100000d", "--json"]);
    let total: u64 = h["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["total_runs"].as_u64().unwrap())
        .sum();
    assert_eq!(total as usize, agents);
    let o = tl(&[&["health", "--since", "100000d"][..], &ch].concat(), None);
    assert!(
        text(&o.stdout).contains("agent health from"),
        "{}",
        text(&o.stdout)
    );

    let o = tl(
        &[
            &["summary", "--trace", "ffffffffffffffffffffffffffffffff"][..],
            &ch,
        ]
        .concat(),
        None,
    );
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
    assert!(text(&o.stderr).contains("no trace ffffffffffffffffffffffffffffffff"));
}

#[test]
fn imported_log_records_come_back_with_their_trace() {
    let url = engine::engine().url.clone();
    let db = engine::fresh_db("clilogs");
    let ex = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/");
    let (spans, logs) = (
        format!("{ex}agent-runs.jsonl"),
        format!("{ex}agent-logs.jsonl"),
    );
    let ch = ["--clickhouse", url.as_str(), "--database", db.as_str()];
    // Records before the table exists: a clear error naming the fix.
    let o = tl(&[&["migrate"][..], &ch].concat(), None);
    assert!(o.status.success(), "{}", text(&o.stderr));
    let o = tl(
        &[&["import", &spans, &logs, "--schema", "otel"][..], &ch].concat(),
        None,
    );
    assert!(!o.status.success());
    assert!(
        text(&o.stderr).contains("--otel` first"),
        "{}",
        text(&o.stderr)
    );
    let o = tl(&[&["migrate", "--otel"][..], &ch].concat(), None);
    assert!(o.status.success(), "{}", text(&o.stderr));
    for _ in 0..2 {
        let o = tl(
            &[
                &["import", &spans, &logs, "--schema", "otel", "--json"][..],
                &ch,
            ]
            .concat(),
            None,
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
        let r: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(r["otel_logs"]["records"], 527, "{r}");
    }
    let lines = |o: &Output| -> Vec<serde_json::Value> {
        assert!(o.status.success(), "{}", text(&o.stderr));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["records"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                let mut r = r.clone();
                let m = r.as_object_mut().unwrap();
                m.remove("index");
                m.remove("node");
                r
            })
            .collect()
    };
    let file: serde_json::Value =
        serde_json::from_slice(&tl(&["summary", &spans, "--json"], None).stdout).unwrap();
    let mut compared = 0;
    for t in file["traces"].as_array().unwrap() {
        let id = t["trace_id"].as_str().unwrap();
        // The file's records of the trace that name it (those joined by a
        // correlation id carry no trace id to fetch them by).
        let want: Vec<serde_json::Value> = lines(&tl(
            &[
                "logs", &spans, &logs, "--trace", id, "--level", "info", "--json",
            ],
            None,
        ))
        .into_iter()
        .filter(|r| r["attached_by"] != "correlation")
        .collect();
        let got = lines(&tl(
            &[
                &["logs", "--trace", id, "--level", "info", "--json"][..],
                &ch,
            ]
            .concat(),
            None,
        ));
        assert_eq!(got.len(), want.len(), "trace {id}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(g, w, "trace {id}");
        }
        compared += got.len();
        // The summary of the stored trace counts them (imported twice,
        // stored once).
        let o = tl(
            &[&["summary", "--trace", id, "--json"][..], &ch].concat(),
            None,
        );
        assert!(o.status.success(), "{}", text(&o.stderr));
        let s: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert!(
            s["traces"][0]["log_count"].as_u64().unwrap() >= got.len() as u64,
            "{}",
            s["traces"][0]
        );
        assert_eq!(
            s["sources"][0]["logs"], s["traces"][0]["log_count"],
            "{}",
            s["sources"][0]
        );
    }
    assert!(compared > 100, "{compared}");
    // Text output names each record's span.
    let id = file["traces"][0]["trace_id"].as_str().unwrap();
    let o = tl(
        &[&["logs", "--trace", id, "--level", "error"][..], &ch].concat(),
        None,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));
}

#[test]
fn wrong_password_and_refused_connection_are_clear_and_exit_1() {
    let url = engine::engine().url.clone();
    let o = tl(
        &["migrate", "--clickhouse", &url, "--database", "x_pw"],
        Some("wrong-secret"),
    );
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains("code 516") && err.contains("check the user and password"),
        "{err}"
    );
    assert!(!err.contains("wrong-secret"), "the password leaked: {err}");

    let port = engine::free_port();
    let o = tl(
        &[
            "migrate",
            "--clickhouse",
            &format!("http://127.0.0.1:{port}"),
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("connection refused"),
        "{}",
        text(&o.stderr)
    );

    let o = tl(
        &[
            "migrate",
            "--clickhouse",
            &url,
            "--database",
            "bad-name; DROP",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("not a valid ClickHouse name"),
        "{}",
        text(&o.stderr)
    );
}

/// POSTs an OTLP/HTTP protobuf body; returns the status code.
fn post_otlp(url: &str, body: &[u8]) -> u16 {
    post(url, "application/x-protobuf", body)
}

/// POSTs a body of the given content type; returns the status code.
fn post(url: &str, content_type: &str, body: &[u8]) -> u16 {
    use std::io::{Read, Write};
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_once('/').unwrap();
    let mut s = std::net::TcpStream::connect(host).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    write!(
        s,
        "POST /{path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    )
    .unwrap();
    s.write_all(body).unwrap();
    let mut resp = String::new();
    let _ = s.read_to_string(&mut resp);
    resp.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// One number from ClickHouse (`{db}` in `sql` names the database).
fn scalar(url: &str, db: &str, sql: &str) -> Option<u64> {
    let mut cfg = tracelens_clickhouse::ConnConfig::new(url);
    cfg.database = db.into();
    cfg.timeout = std::time::Duration::from_secs(5);
    let conn = tracelens_clickhouse::Conn::new(cfg).ok()?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .ok()?;
    rt.block_on(conn.scalar_u64(&sql.replace("{db}", &format!("`{db}`"))))
        .ok()
}

fn count_rows(url: &str, db: &str) -> Option<u64> {
    scalar(url, db, "SELECT count() FROM {db}.otel_traces")
}

fn wait_rows(url: &str, db: &str, want: u64) {
    wait_table_rows(url, db, "otel_traces", want)
}

fn wait_table_rows(url: &str, db: &str, table: &str, want: u64) {
    let mut last = None;
    for _ in 0..300 {
        last = scalar(url, db, &format!("SELECT count() FROM {{db}}.{table}"));
        if last == Some(want) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    panic!("{table} has {last:?} rows, not {want}");
}

struct Receiver {
    child: std::process::Child,
    url: String,
    out: std::io::BufReader<std::process::ChildStdout>,
}

fn start_receiver(ch: &str, db: &str, spool: &std::path::Path) -> Receiver {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_tracelens"))
        .args(["receive", "--addr", "127.0.0.1:0", "--no-grpc", "--json"])
        .args(["--clickhouse", ch, "--database", db])
        .args(["--spool", spool.to_str().unwrap()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::inherit())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let url = line.trim().rsplit(' ').next().unwrap().to_string();
    assert!(url.ends_with("/v1/traces"), "{line}");
    Receiver { child, url, out }
}

impl Receiver {
    fn stop(mut self) -> serde_json::Value {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success());
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut self.out, &mut rest).unwrap();
        assert!(self.child.wait().unwrap().success());
        serde_json::from_str(&rest).unwrap()
    }
}

#[test]
fn write_through_survives_clickhouse_stopping_and_a_restart_exactly_once() {
    let data = tempfile::tempdir().unwrap();
    let spool = data.path().join("spool");
    let port = engine::free_port();
    let (mut front, ch) = engine::start_front_at(&data.path().join("ch"), port, &[]);
    let db = "wt";
    let o = tl(
        &["migrate", "--clickhouse", &ch, "--database", db, "--otel"],
        None,
    );
    assert!(o.status.success(), "{}", text(&o.stderr));

    let mut store = tracelens_gen::generate(tracelens_gen::GenOptions {
        traces: 4,
        spans_per_trace: 50,
        seed: 8,
    });
    tracelens_gen::add_logs(&mut store);
    let spans: Vec<u32> = (0..store.spans.len() as u32).collect();
    let logs: Vec<u32> = (0..store.logs.len() as u32).collect();
    let (half, logs_half) = (spans.len() / 2, logs.len() / 2);
    let body = |part: &[u32]| {
        let mut b = Vec::new();
        tracelens_formats::write_otlp_proto(&store, part, &mut b).unwrap();
        b
    };
    let logs_body = |part: &[u32]| {
        let mut b = Vec::new();
        tracelens_formats::write_otlp_logs_jsonl(&store, part, &mut b).unwrap();
        b
    };

    // ClickHouse up: the first half of the spans and records arrives.
    let r = start_receiver(&ch, db, &spool);
    let logs_url = r.url.replace("/v1/traces", "/v1/logs");
    assert_eq!(post_otlp(&r.url, &body(&spans[..half])), 200);
    assert_eq!(
        post(
            &logs_url,
            "application/json",
            &logs_body(&logs[..logs_half])
        ),
        200
    );
    wait_rows(&ch, db, half as u64);
    wait_table_rows(&ch, db, "otel_logs", logs_half as u64);

    // ClickHouse stops; the second halves are accepted and spooled.
    front.kill().unwrap();
    let _ = front.wait();
    assert_eq!(post_otlp(&r.url, &body(&spans[half..])), 200);
    assert_eq!(
        post(
            &logs_url,
            "application/json",
            &logs_body(&logs[logs_half..])
        ),
        200
    );
    std::thread::sleep(std::time::Duration::from_millis(800));
    // The receiver stops too, ClickHouse still away: the spool keeps the batch.
    // (With the spans' batch, the agent rows flushed at the stop.)
    let counts = r.stop();
    assert_eq!(counts["spans"], spans.len() as u64, "{counts}");
    assert_eq!(counts["logs"], logs.len() as u64, "{counts}");
    assert_eq!(counts["clickhouse"]["dropped_logs"], 0, "{counts}");
    assert!(
        counts["clickhouse"]["spooled_batches"].as_u64().unwrap() >= 1,
        "{counts}"
    );
    assert_eq!(counts["clickhouse"]["dropped_spans"], 0, "{counts}");
    assert_eq!(counts["clickhouse"]["dropped_agent_rows"], 0, "{counts}");

    // ClickHouse back, the receiver restarted on the same spool: it resumes.
    let (mut front, _) = engine::start_front_at(&data.path().join("ch"), port, &[]);
    let r = start_receiver(&ch, db, &spool);
    wait_rows(&ch, db, spans.len() as u64);
    wait_table_rows(&ch, db, "otel_logs", logs.len() as u64);
    let counts = r.stop();
    assert_eq!(counts["clickhouse"]["spooled_batches"], 0, "{counts}");
    // Exactly once: the counts hold after everything settled.
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert_eq!(count_rows(&ch, db), Some(spans.len() as u64));
    assert_eq!(
        scalar(&ch, db, "SELECT count() FROM {db}.otel_logs"),
        Some(logs.len() as u64)
    );

    // The audit's tables were filled through the same spool: one execution
    // per agent span (the latest row of each, as FINAL reads them), every
    // lifecycle event and LLM call, and the states of the agents that ended
    // as an import of the whole data gives them. (Agents with no end are
    // judged with now as the clock live, with the data's last time in an
    // import: not compared.)
    let ds = tracelens_model::Dataset::build(
        tracelens_gen::generate(tracelens_gen::GenOptions {
            traces: 4,
            spans_per_trace: 50,
            seed: 8,
        }),
        tracelens_model::DatasetOptions::default(),
    );
    let (execs, events, metrics) = tracelens_clickhouse::agent::rows(&ds);
    assert!(!execs.is_empty() && !events.is_empty() && !metrics.is_empty());
    let n = |sql: &str| scalar(&ch, db, sql).unwrap();
    assert_eq!(
        n("SELECT count() FROM {db}.agent_executions FINAL"),
        execs.len() as u64
    );
    assert_eq!(
        n("SELECT count() FROM {db}.agent_events FINAL"),
        events.len() as u64
    );
    assert_eq!(
        n("SELECT count() FROM {db}.performance_metrics FINAL"),
        metrics.len() as u64
    );
    for e in execs.iter().filter(|e| !e["end_time"].is_null()) {
        let state = n(&format!(
            "SELECT toUInt64(state) FROM {{db}}.agent_executions FINAL WHERE trace_id = '{}' AND span_id = '{}'",
            e["trace_id"].as_str().unwrap(),
            e["span_id"].as_str().unwrap()
        ));
        let want = tracelens_clickhouse::list::STATES
            .iter()
            .position(|s| e["state"] == *s)
            .unwrap() as u64
            + 1;
        assert_eq!(state, want, "{}", e["agent_name"]);
    }
    let _ = front.kill();
}
