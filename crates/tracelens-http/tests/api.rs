//! The HTTP API over a real socket with a real HTTP client.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use tracelens_model::{Dataset, DatasetOptions, TraceStore};

struct Running {
    addr: SocketAddr,
    token: String,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn start() -> Running {
    let store = tracelens_gen::generate(tracelens_gen::GenOptions {
        traces: 3,
        spans_per_trace: 60,
        seed: 4,
    });
    start_with(Dataset::build(store, DatasetOptions::default()))
}

fn start_with(ds: Dataset) -> Running {
    let token = tracelens_http::new_token();
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let tok = token.clone();
    let thread = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let bound = tracelens_http::bind(
                "127.0.0.1:0".parse().unwrap(),
                tracelens_service::Session::new(ds, Vec::new()),
                tok,
                None,
            )
            .await
            .unwrap();
            addr_tx.send(bound.addr).unwrap();
            tracelens_http::serve(bound, async {
                let _ = stop_rx.await;
            })
            .await
            .unwrap();
        });
    });
    let addr = addr_rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("server did not start");
    Running {
        addr,
        token,
        stop: Some(stop_tx),
        thread: Some(thread),
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(std::time::Duration::from_secs(30)))
        .build()
        .into()
}

impl Running {
    fn get(&self, path: &str) -> (u16, String, Vec<u8>) {
        let mut r = agent()
            .get(&format!("http://{}{}", self.addr, path))
            .header("Authorization", &format!("Bearer {}", self.token))
            .call()
            .unwrap();
        let ct = r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (r.status().as_u16(), ct, r.body_mut().read_to_vec().unwrap())
    }

    fn json(&self, path: &str) -> (u16, serde_json::Value) {
        let (s, _, b) = self.get(path);
        (s, serde_json::from_slice(&b).unwrap())
    }
}

#[test]
fn the_api_answers_what_the_service_layer_computes() {
    let srv = start();
    let (s, doc) = srv.json("/api/summary");
    assert_eq!(s, 200);
    let traces = doc["traces"].as_array().unwrap();
    assert_eq!(traces.len(), 3);
    let tid = traces[0]["trace_id"].as_str().unwrap().to_string();
    let crit = traces[0]["critical_path"][0].as_str().unwrap().to_string();

    let (s, ct, cols) = srv.get(&format!("/api/traces/{tid}/columns"));
    assert_eq!(s, 200);
    assert_eq!(ct, "application/octet-stream");
    assert_eq!(&cols[..4], b"TLC1");
    let rows = u32::from_le_bytes(cols[8..12].try_into().unwrap());
    assert_eq!(rows as u64, traces[0]["span_count"].as_u64().unwrap());

    let (s, d) = srv.json(&format!("/api/traces/{}/spans/{crit}", &tid[..8]));
    assert_eq!(s, 200);
    assert_eq!(d["span_id"], crit.as_str());
    let node = d["node"].as_u64().unwrap();
    let (s, d2) = srv.json(&format!("/api/traces/{tid}/nodes/{node}"));
    assert_eq!(s, 200);
    assert_eq!(d2["span_id"], crit.as_str());

    let (s, e) = srv.json("/api/traces/ffffffffffffffffffffffffffffffff/columns");
    assert_eq!(s, 404);
    assert!(e["error"].as_str().unwrap().contains("no trace"));
    let (s, _) = srv.json(&format!("/api/traces/{tid}/nodes/99999999"));
    assert_eq!(s, 404);
    let (s, _, _) = srv.get(&format!("/api/traces/{tid}/nodes/not-a-number"));
    assert_eq!(s, 400);

    // The generator gives every run a request id: searching one finds its trace.
    let (_, span) = srv.json(&format!("/api/traces/{tid}/spans/{crit}"));
    let rid = span["correlation"]
        .as_array()
        .unwrap()
        .iter()
        .chain(span["attributes"].as_array().unwrap())
        .find(|a| a["key"] == "request_id")
        .map(|a| a["value"].as_str().unwrap().to_string())
        .expect("the root carries a request_id");
    let (s, res) = srv.json(&format!("/api/search?id={rid}"));
    assert_eq!(s, 200);
    assert_eq!(res["traces"].as_array().unwrap().len(), 1);
    assert_eq!(res["traces"][0]["trace_id"], tid.as_str());
    let (s, res) = srv.json("/api/search?id=nothing-carries-this");
    assert_eq!(s, 200);
    assert_eq!(res["traces"].as_array().unwrap().len(), 0);
}

#[test]
fn breakdown_and_find_answer_for_a_trace_and_a_subtree() {
    let srv = start();
    let (_, doc) = srv.json("/api/summary");
    let t = &doc["traces"][0];
    let tid = t["trace_id"].as_str().unwrap();
    let (s, b) = srv.json(&format!("/api/traces/{tid}/breakdown"));
    assert_eq!(s, 200);
    // The whole trace's breakdown is the summary's.
    assert_eq!(b["by_class_ns"], t["breakdown_ns"]);
    assert_eq!(b["by_phase_ns"], t["phases_ns"]);
    assert_eq!(b["llm"]["calls"], t["llm"]["calls"]);
    let top = b["top_self_time"].as_array().unwrap();
    assert_eq!(top.len(), 10);
    let selfs: Vec<u64> = top.iter().map(|x| x["self_ns"].as_u64().unwrap()).collect();
    assert!(selfs.windows(2).all(|w| w[0] >= w[1]), "{selfs:?}");

    // A subtree's total is its own self times: at most the trace's.
    let node = top[0]["node"].as_u64().unwrap();
    let (s, sub) = srv.json(&format!("/api/traces/{tid}/breakdown?node={node}"));
    assert_eq!(s, 200);
    assert!(sub["total_ns"].as_u64().unwrap() <= b["total_ns"].as_u64().unwrap());
    assert_eq!(sub["top_self_time"][0]["node"].as_u64().unwrap(), node);
    let (s, _) = srv.json(&format!("/api/traces/{tid}/breakdown?node=4000000"));
    assert_eq!(s, 404);

    // Find: every LLM call of a generated run is a "chat" span.
    let (s, f) = srv.json(&format!("/api/traces/{tid}/find?q=CHAT"));
    assert_eq!(s, 200);
    let rows = f["rows"].as_array().unwrap();
    assert_eq!(f["count"].as_u64().unwrap() as usize, rows.len());
    assert!(rows.len() as u64 >= t["llm"]["calls"].as_u64().unwrap());
    let (s, f) = srv.json(&format!("/api/traces/{tid}/find?q=no-span-says-this"));
    assert_eq!(s, 200);
    assert_eq!(f["count"], 0);
    // Terms: the LLM calls again by class; an unreadable term is a 400 that says why.
    let (s, by_class) = srv.json(&format!("/api/traces/{tid}/find?q=class%3Allm"));
    assert_eq!(s, 200);
    assert!(by_class["count"].as_u64().unwrap() >= t["llm"]["calls"].as_u64().unwrap());
    let (s, bad) = srv.json(&format!("/api/traces/{tid}/find?q=%3Efast"));
    assert_eq!(s, 400);
    assert!(bad["error"].as_str().unwrap().contains("duration"));

    // Markers: parallel arrays, lifecycle events among them, rows in range.
    let (s, m) = srv.json(&format!("/api/traces/{tid}/markers"));
    assert_eq!(s, 200);
    let n = m["row"].as_array().unwrap().len();
    assert!(n > 0);
    for k in ["offset_ns", "kind", "name"] {
        assert_eq!(m[k].as_array().unwrap().len(), n, "{k}");
    }
    let spans = t["span_count"].as_u64().unwrap();
    assert!(m["row"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r.as_u64().unwrap() < spans));
    let names: Vec<&str> = m["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let lifecycle: Vec<&str> = m["kind"]
        .as_array()
        .unwrap()
        .iter()
        .zip(m["name"].as_array().unwrap())
        .filter(|(k, _)| k.as_u64() == Some(1))
        .map(|(_, i)| names[i.as_u64().unwrap() as usize])
        .collect();
    assert!(lifecycle.contains(&"agent_started"), "{lifecycle:?}");
}

#[test]
fn no_token_no_traces_and_headers_lock_the_page_down() {
    let srv = start();
    let url = format!("http://{}/api/summary", srv.addr);
    let r = agent().get(&url).call().unwrap();
    assert_eq!(r.status().as_u16(), 401);
    // Refusals carry the headers too.
    for h in [
        "content-security-policy",
        "x-content-type-options",
        "referrer-policy",
    ] {
        assert!(r.headers().get(h).is_some(), "401 without {h}");
    }
    let r = agent()
        .get(&format!("{url}?token=wrong{}", &srv.token[5..]))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 401);
    let r = agent()
        .get(&format!("{url}?token={}", srv.token))
        .call()
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let csp = r.headers().get("content-security-policy").unwrap();
    assert!(csp.to_str().unwrap().contains("script-src 'self'"));
    assert_eq!(r.headers().get("referrer-policy").unwrap(), "no-referrer");
    assert_eq!(
        r.headers().get("x-content-type-options").unwrap(),
        "nosniff"
    );
}

/// A page on another domain that resolves to 127.0.0.1 (DNS rebinding)
/// sends its own name as Host: refused, token or not.
#[test]
fn foreign_host_header_is_refused() {
    let srv = start();
    let raw = |host: &str| {
        let mut s = TcpStream::connect(srv.addr).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        write!(
            s,
            "GET /api/summary?token={} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n",
            srv.token
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    };
    let refused = raw("evil.example:80");
    assert!(refused.starts_with("HTTP/1.1 403"));
    assert!(
        refused.contains("content-security-policy:"),
        "403 without the security headers: {refused}"
    );
    assert!(raw(&srv.addr.to_string()).starts_with("HTTP/1.1 200"));
    let port = srv.addr.port();
    assert!(raw(&format!("localhost:{port}")).starts_with("HTTP/1.1 200"));
}

/// A request too long in its target (414) or its headers (431) is refused
/// with the security headers, by the app rather than by hyper.
#[test]
fn oversized_requests_are_refused_with_the_headers() {
    let srv = start();
    let raw = |target: &str, extra: &str| {
        let mut s = TcpStream::connect(srv.addr).unwrap();
        s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
            .unwrap();
        write!(
            s,
            "GET {target} HTTP/1.1\r\nHost: {}\r\n{extra}Connection: close\r\n\r\n",
            srv.addr
        )
        .unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    };
    let long = format!("/api/summary?token={}&pad={}", srv.token, "a".repeat(9000));
    let r = raw(&long, "");
    assert!(r.starts_with("HTTP/1.1 414"), "{}", &r[..r.len().min(200)]);
    assert!(
        r.contains("content-security-policy:"),
        "414 without the headers"
    );
    let many: String = (0..150).map(|i| format!("X-Pad-{i}: x\r\n")).collect();
    let r = raw(&format!("/api/summary?token={}", srv.token), &many);
    assert!(r.starts_with("HTTP/1.1 431"), "{}", &r[..r.len().min(200)]);
    assert!(
        r.contains("content-security-policy:"),
        "431 without the headers"
    );
    let big = format!("X-Big: {}\r\n", "b".repeat(40_000));
    let r = raw(&format!("/api/summary?token={}", srv.token), &big);
    assert!(r.starts_with("HTTP/1.1 431"), "{}", &r[..r.len().min(200)]);
    // Within the limits, the same request is answered.
    let r = raw(&format!("/api/summary?token={}", srv.token), "X-Pad: x\r\n");
    assert!(r.starts_with("HTTP/1.1 200"));
}

#[test]
fn an_empty_inspector_serves_an_empty_list() {
    let srv = start_with(Dataset::build(TraceStore::new(), DatasetOptions::default()));
    let (s, doc) = srv.json("/api/summary");
    assert_eq!(s, 200);
    assert_eq!(doc["traces"], serde_json::json!([]));
    let (s, _) = srv.json("/api/traces/01/columns");
    assert_eq!(s, 404);
}

#[test]
fn logs_come_in_pages_filtered_by_trace_node_level_and_text() {
    let mut s = TraceStore::new();
    s.build_span(1, 1, 0, "root").ms(0, 100).push();
    s.build_span(1, 2, 1, "tool").ms(10, 50).push();
    for i in 0..30u64 {
        let level = if i % 10 == 9 {
            tracelens_model::Level::Error
        } else {
            tracelens_model::Level::Info
        };
        let span = if i < 20 { 2 } else { 1 };
        s.build_log(i * 1_000_000 + 500_000, &format!("line {i}"))
            .trace(1)
            .span(span)
            .level(level)
            .push();
    }
    s.build_log(5, "stray").push();
    let srv = start_with(Dataset::build(s, DatasetOptions::default()));
    let tid = format!("{:032x}", 1);
    let (st, doc) = srv.json(&format!("/api/logs?trace={tid}&offset=5&limit=10"));
    assert_eq!(st, 200);
    assert_eq!(
        (doc["matched"].as_u64(), doc["total"].as_u64()),
        (Some(30), Some(31))
    );
    assert_eq!(doc["offset"], 5);
    let bodies: Vec<&str> = doc["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        (5..15).map(|i| format!("line {i}")).collect::<Vec<_>>()
    );
    // The tool's node: only its records; errors only; text.
    let tool = doc["records"][0]["span_id"].as_str().unwrap().to_string();
    let (_, d) = srv.json(&format!("/api/traces/{tid}/spans/{tool}"));
    let node = d["node"].as_u64().unwrap();
    let (_, doc) = srv.json(&format!("/api/logs?trace={tid}&node={node}&level=error"));
    let bodies: Vec<&str> = doc["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["line 9", "line 19"]);
    let (_, doc) = srv.json("/api/logs?q=STRAY");
    assert_eq!(doc["matched"], 1);
    assert_eq!(doc["records"][0]["attached_by"], "unattached");
    // Bad questions: a level that is none, a node that is not there.
    let (st, e) = srv.json("/api/logs?level=loud");
    assert_eq!(st, 400);
    assert!(e["error"].as_str().unwrap().contains("not a level"));
    let (st, _) = srv.json(&format!("/api/logs?trace={tid}&node=999"));
    assert_eq!(st, 404);
    // The markers carry the records, errors standing out.
    let (_, m) = srv.json(&format!("/api/traces/{tid}/markers"));
    let kinds = m["kind"].as_array().unwrap();
    assert_eq!(kinds.iter().filter(|k| **k == 4).count(), 3);
    assert_eq!(kinds.iter().filter(|k| **k == 2).count(), 27);
}

#[test]
fn the_report_answers_over_the_served_runs_and_refuses_a_bad_grouping() {
    let srv = start();
    let (_, doc) = srv.json("/api/summary");
    let traces = doc["traces"].as_array().unwrap();
    let (s, r) = srv.json("/api/report");
    assert_eq!(s, 200);
    assert_eq!(r["traces"].as_u64().unwrap() as usize, traces.len());
    let runs: u64 = r["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["count"].as_u64().unwrap())
        .sum();
    let agents: usize = traces
        .iter()
        .map(|t| t["agents"].as_array().unwrap().len())
        .sum();
    assert_eq!(runs as usize, agents);
    let (s, r) = srv.json("/api/report?group_by=operation&top=3&max_groups=2");
    assert_eq!(s, 200);
    assert_eq!(r["group_by"], "operation");
    assert_eq!(r["groups"].as_array().unwrap().len(), 2);
    assert!(r["top_self_time"].as_array().unwrap().len() <= 3);
    let (s, e) = srv.json("/api/report?group_by=colour");
    assert_eq!(s, 400);
    assert!(
        e["error"]
            .as_str()
            .unwrap_or_default()
            .contains("cannot group by"),
        "{e}"
    );
}

#[test]
fn calls_come_in_pages_sorted_and_filtered() {
    let srv = start();
    let (s, d) = srv.json("/api/calls?class=llm&sort=duration&limit=3");
    assert_eq!(s, 200);
    let rows = d["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 3);
    let durs: Vec<u64> = rows
        .iter()
        .map(|r| r["duration_ns"].as_u64().unwrap())
        .collect();
    assert!(durs.windows(2).all(|w| w[0] >= w[1]), "{durs:?}");
    let (_, next) = srv.json("/api/calls?class=llm&sort=duration&limit=3&offset=3");
    assert_eq!(next["offset"], 3);
    assert_ne!(next["rows"][0]["span_id"], rows[0]["span_id"]);
    let (s, e) = srv.json("/api/calls?sort=colour");
    assert_eq!(s, 400);
    assert!(
        e["error"]
            .as_str()
            .unwrap_or_default()
            .contains("cannot sort by"),
        "{e}"
    );
}

#[test]
fn health_answers_a_series_per_agent() {
    let srv = start();
    let (s, h) = srv.json("/api/health?bucket_s=60");
    assert_eq!(s, 200);
    assert_eq!(h["bucket_ns"].as_u64(), Some(60_000_000_000));
    assert!(!h["agents"].as_array().unwrap().is_empty());
}

#[test]
fn sessions_answer_by_the_usual_keys_or_a_named_one() {
    let srv = start();
    let (s, d) = srv.json("/api/sessions");
    assert_eq!(s, 200);
    assert!(d["keys"].as_array().unwrap().len() > 1);
    let (s, d) = srv.json("/api/sessions?key=user_id");
    assert_eq!(s, 200);
    assert_eq!(d["keys"][0], "user_id");
    assert!(!d["sessions"].as_array().unwrap().is_empty());
}

#[test]
fn diff_graph_and_export_answer_for_the_served_runs() {
    let srv = start();
    let (_, doc) = srv.json("/api/summary");
    let ids: Vec<String> = doc["traces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["trace_id"].as_str().unwrap().to_string())
        .collect();
    let (s, d) = srv.json(&format!("/api/diff?a={}&b={}", ids[0], &ids[1][..8]));
    assert_eq!(s, 200, "{d}");
    assert_eq!(d["a"]["trace_ids"][0], ids[0].as_str());
    assert_eq!(d["b"]["trace_ids"][0], ids[1].as_str());
    let c = &d["counts"];
    let total: u64 = ["same", "changed", "only_a", "only_b"]
        .iter()
        .map(|k| c[*k].as_u64().unwrap())
        .sum();
    assert_eq!(total as usize, d["rows"].as_array().unwrap().len());
    // Pages of the same diff: the rows in order, the totals the whole diff's.
    let all = d["rows"].as_array().unwrap();
    let (_, p) = srv.json(&format!(
        "/api/diff?a={}&b={}&offset=3&limit=4",
        ids[0], ids[1]
    ));
    assert_eq!(p["rows_total"].as_u64(), Some(all.len() as u64));
    assert_eq!(p["rows_offset"], 3);
    assert_eq!(p["rows"].as_array().unwrap(), &all[3..7].to_vec());
    assert_eq!(p["counts"], d["counts"]);
    // The differences only, each with its ancestors: no `same` row but those leading to one.
    let (_, dp) = srv.json(&format!(
        "/api/diff?a={}&b={}&differences=true",
        ids[0], ids[1]
    ));
    let rows = dp["rows"].as_array().unwrap();
    let differing = all.iter().filter(|r| r["kind"] != "same").count();
    assert!(rows.len() >= differing && rows.len() <= all.len());
    assert_eq!(
        rows.iter().filter(|r| r["kind"] != "same").count(),
        differing
    );
    // A trace against itself: every step the same.
    let (_, same) = srv.json(&format!("/api/diff?a={0}&b={0}", ids[2]));
    assert_eq!(
        same["counts"]["same"].as_u64(),
        Some(same["rows"].as_array().unwrap().len() as u64)
    );
    let (s, e) = srv.json("/api/diff?a=ffffffffffffffffffffffffffffffff&b=00");
    assert_eq!(s, 404, "{e}");

    let (s, g) = srv.json("/api/graph");
    assert_eq!(s, 200);
    assert_eq!(g["traces"], 3);
    assert!(g["edges"].as_array().unwrap().len() > 3);
    let (_, g1) = srv.json(&format!("/api/graph?trace={}", ids[0]));
    assert_eq!(g1["traces"], 1);

    let (s, ct, md) = srv.get(&format!("/api/traces/{}/export?format=digest-md", ids[0]));
    assert_eq!(s, 200);
    assert!(ct.starts_with("text/markdown"), "{ct}");
    assert!(String::from_utf8(md).unwrap().starts_with("# "));
    let (s, _, otlp) = srv.get(&format!(
        "/api/traces/{}/export?format=otlp-json&node=1",
        ids[0]
    ));
    assert_eq!(s, 200);
    let back = tracelens_service::load_bytes(&[("sub.jsonl", &otlp)], &Default::default());
    assert_eq!(back.dataset.traces.len(), 1);
    assert_eq!(back.dataset.traces[0].stats.placeholders, 0);
    let (s, _, _) = srv.get(&format!("/api/traces/{}/export?format=pdf", ids[0]));
    assert_eq!(s, 400);
}

#[test]
fn a_filter_keeps_matches_and_their_ancestors() {
    let srv = start();
    let (_, doc) = srv.json("/api/summary");
    let t = doc["traces"]
        .as_array()
        .unwrap()
        .iter()
        .max_by_key(|t| t["span_count"].as_u64().unwrap())
        .unwrap();
    let tid = t["trace_id"].as_str().unwrap();
    let rows = t["span_count"].as_u64().unwrap() as usize;
    let (s, ct, b) = srv.get(&format!("/api/traces/{tid}/filter?terms=llm"));
    assert_eq!((s, ct.as_str()), (200, "application/octet-stream"));
    assert_eq!(b.len(), 4 + rows);
    let matched = u32::from_le_bytes(b[..4].try_into().unwrap()) as usize;
    let mask = &b[4..];
    assert_eq!(matched, mask.iter().filter(|&&m| m == 2).count());
    assert_eq!(matched as u64, t["llm"]["calls"].as_u64().unwrap());
    // The root stays, as the ancestor of every call.
    assert_eq!(mask[0], 1);
    // Two terms: both must pass.
    let (_, _, both) = srv.get(&format!("/api/traces/{tid}/filter?terms=llm%0A%3E1h"));
    assert_eq!(u32::from_le_bytes(both[..4].try_into().unwrap()), 0);
    assert!(both[4..].iter().all(|&m| m == 0));
    // The breakdown follows the filter: only the LLM calls' time counts.
    let (_, whole) = srv.json(&format!("/api/traces/{tid}/breakdown"));
    let (_, llm) = srv.json(&format!("/api/traces/{tid}/breakdown?terms=llm"));
    assert_eq!(llm["filtered"], true);
    assert_eq!(llm["by_class_ns"]["llm"], whole["by_class_ns"]["llm"]);
    assert_eq!(llm["by_class_ns"]["tool"], 0);
    assert_eq!(llm["by_class_ns"]["agent"], 0);
    assert!(llm["top_self_time"]
        .as_array()
        .unwrap()
        .iter()
        .all(|b| b["class"] == "llm"));
    let (s, e) = srv.json(&format!("/api/traces/{tid}/filter?terms=kind:sideways"));
    assert_eq!(s, 400);
    assert!(e["error"].as_str().unwrap().contains("kinds are"), "{e}");
}
