//! The service layer the fronts share: span details on demand and the
//! waterfall's binary columns.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::{json, Value};
use tracelens_model::{Dataset, NONE};
use tracelens_service::columns::{self, FLAG_CRITICAL, FLAG_ERROR, FLAG_HAS_CHILDREN, FLAG_OPEN};
use tracelens_service::{find_span, rows, span_detail, trace_columns};
use tracelens_tests::*;

fn every_field() -> Dataset {
    let bytes = std::fs::read(fixture("otlp-every-field.json")).unwrap();
    let (ds, rep) = read_bytes("every.json", &bytes);
    assert!(rep.error.is_none(), "{:?}", rep.error);
    ds
}

fn attr<'a>(v: &'a Value, key: &str) -> &'a Value {
    v["attributes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["key"] == key)
        .unwrap_or_else(|| panic!("no attribute {key}"))
}

#[test]
fn span_detail_keeps_types_and_every_part() {
    let ds = every_field();
    let node = find_span(&ds, 0, "1112131415161718").unwrap();
    let d = serde_json::to_value(span_detail(&ds, 0, node).unwrap()).unwrap();
    assert_eq!(d["name"], "root ünïcødé");
    assert_eq!(d["service"], "every.field");
    assert_eq!(d["status"], "error");
    assert_eq!(d["status_message"], "tool failed");
    assert_eq!(d["trace_state"], "vendor=abc,other=1");
    assert_eq!(d["duration_ns"], 2_000_000_000u64);
    assert_eq!(d["parent_span_id"], Value::Null);
    // Integers as exact decimal strings, bytes as base64, nesting kept.
    assert_eq!(attr(&d, "i")["type"], "int");
    assert_eq!(attr(&d, "i")["value"], "-9223372036854775808");
    assert_eq!(attr(&d, "d")["value"], json!(-1.5e-300));
    assert_eq!(attr(&d, "b")["value"], true);
    assert_eq!(attr(&d, "bytes")["value"], "AAEC/w==");
    assert_eq!(attr(&d, "empty")["type"], "empty");
    assert_eq!(attr(&d, "arr")["value"], json!(["x", "7", 2.5, [false]]));
    let kv = &attr(&d, "kv")["value"];
    assert_eq!(
        kv[0],
        json!({"key": "inner", "type": "string", "value": "y"})
    );
    assert_eq!(kv[1]["value"][0]["value"], "1");
    // Text in a span is data: it comes back verbatim for the front to escape.
    assert_eq!(attr(&d, "s")["value"], "text with \"quotes\" and <tags>");
    assert_eq!(d["scope"]["name"], "scope.a");
    assert_eq!(d["scope"]["attributes"][0]["key"], "scope.flag");
    assert_eq!(d["resource"][1]["value"], "-4");
    let events = d["events"].as_array().unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(events[0]["offset_ns"], 500_000_000u64);
    assert_eq!(events[1]["attributes"][0]["value"], "boom");
    assert_eq!(d["lifecycle"][0]["kind"], "agent_started");
    let links = d["links"].as_array().unwrap();
    assert_eq!(links[0]["kind"], "follows_from");
    assert_eq!(links[0]["trace_loaded"], false);
    assert_eq!(links[1]["span_id"], "d1d2d3d4d5d6d7d8");

    let open = find_span(&ds, 0, "2122").unwrap();
    let o = serde_json::to_value(span_detail(&ds, 0, open).unwrap()).unwrap();
    assert_eq!(o["end_time_unix_nano"], Value::Null);
    assert!(o["flags"].as_array().unwrap().contains(&json!("open")));
    assert_eq!(o["parent_span_id"], "1112131415161718");
    assert_eq!(o["kind"], "client");
}

#[test]
fn find_span_reports_ambiguous_and_missing_ids() {
    let ds = every_field();
    // Four span ids; "1", "2", "3", "4" are unique prefixes, "" is not a match.
    assert!(find_span(&ds, 0, "4142").is_ok());
    assert!(find_span(&ds, 0, "41424344454647480").is_err());
    assert_eq!(find_span(&ds, 0, "ffff"), Err(Vec::new()));
    let (ds, _) = {
        let (_, jsonl) = generated_jsonl(1, 300, 3);
        read_bytes("g.jsonl", &jsonl)
    };
    // Some one-digit prefix is shared by several of 300 spans.
    let amb = (0..16)
        .map(|d| format!("{d:x}"))
        .find_map(|p| find_span(&ds, 0, &p).err().filter(|c| c.len() > 1));
    assert!(amb.is_some());
    assert!(span_detail(&ds, 0, 1_000_000).is_none());
    assert!(span_detail(&ds, 99, 0).is_none());
}

/// Reads the columns buffer as the UI does, checking alignment and bounds.
struct Columns {
    offset: Vec<f64>,
    duration: Vec<f64>,
    self_ns: Vec<f64>,
    node: Vec<u32>,
    parent: Vec<u32>,
    depth: Vec<u32>,
    name: Vec<u32>,
    service: Vec<u32>,
    flags: Vec<u16>,
    class: Vec<u8>,
    state: Vec<u8>,
    strings: Vec<String>,
}

fn decode(b: &[u8]) -> Columns {
    assert_eq!(&b[..4], columns::MAGIC);
    let u32_at = |o: usize| u32::from_le_bytes(b[o..o + 4].try_into().unwrap());
    assert_eq!(u32_at(4), columns::VERSION);
    let n = u32_at(8) as usize;
    let m = u32_at(12) as usize;
    let mut at = 16;
    let mut f64s = || {
        assert_eq!(at % 8, 0, "f64 column misaligned");
        let v: Vec<f64> = (0..n)
            .map(|i| f64::from_le_bytes(b[at + 8 * i..at + 8 * i + 8].try_into().unwrap()))
            .collect();
        at += 8 * n;
        v
    };
    let (offset, duration, self_ns) = (f64s(), f64s(), f64s());
    let mut u32s = || {
        assert_eq!(at % 4, 0, "u32 column misaligned");
        let v: Vec<u32> = (0..n).map(|i| u32_at(at + 4 * i)).collect();
        at += 4 * n;
        v
    };
    let (node, parent, depth, name, service) = (u32s(), u32s(), u32s(), u32s(), u32s());
    let flags: Vec<u16> = (0..n)
        .map(|i| u16::from_le_bytes(b[at + 2 * i..at + 2 * i + 2].try_into().unwrap()))
        .collect();
    at += 2 * n;
    let class = b[at..at + n].to_vec();
    at += n;
    let state = b[at..at + n].to_vec();
    at += n;
    at = at.div_ceil(4) * 4;
    let mut strings = Vec::new();
    for _ in 0..m {
        let len = u32_at(at) as usize;
        strings.push(String::from_utf8(b[at + 4..at + 4 + len].to_vec()).unwrap());
        at += 4 + len;
    }
    assert_eq!(at, b.len(), "trailing bytes");
    Columns {
        offset,
        duration,
        self_ns,
        node,
        parent,
        depth,
        name,
        service,
        flags,
        class,
        state,
        strings,
    }
}

#[test]
fn columns_match_the_rows_and_the_tree() {
    let (_, jsonl) = generated_jsonl(4, 400, 11);
    let (ds, _) = read_bytes("g.jsonl", &jsonl);
    for t in 0..ds.traces.len() {
        let c = decode(&trace_columns(&ds, t, false).unwrap());
        let rows = rows(&ds, t, false);
        let tree = &ds.traces[t];
        assert_eq!(c.node.len(), tree.len());
        let an = &ds.analyses[t];
        for (i, r) in rows.iter().enumerate() {
            assert_eq!(c.node[i], r.node);
            assert_eq!(c.offset[i], r.offset_ns as f64);
            assert_eq!(c.duration[i], r.duration_ns as f64);
            assert_eq!(c.self_ns[i], r.self_ns as f64);
            assert_eq!(c.depth[i], r.depth);
            assert_eq!(c.strings[c.name[i] as usize], r.name);
            assert_eq!(c.strings[c.service[i] as usize], r.service);
            assert_eq!(c.flags[i] & FLAG_ERROR != 0, r.error);
            assert_eq!(c.flags[i] & FLAG_OPEN != 0, r.open);
            assert_eq!(c.flags[i] & FLAG_CRITICAL != 0, r.critical);
            assert_eq!(
                c.flags[i] & FLAG_HAS_CHILDREN != 0,
                !tree.children(r.node).is_empty()
            );
            assert_eq!(c.class[i], columns::class_code(r.class));
            assert_eq!(c.state[i], columns::state_code(r.state));
            // A parent row comes before its children, one level up.
            let p = tree.nodes[r.node as usize].parent;
            if p == NONE {
                assert_eq!(c.parent[i], u32::MAX);
            } else {
                let pr = c.parent[i] as usize;
                assert!(pr < i);
                assert_eq!(c.node[pr], p);
                assert_eq!(c.depth[pr] + 1, c.depth[i]);
            }
        }
        let critical = c.flags.iter().filter(|f| *f & FLAG_CRITICAL != 0).count();
        assert_eq!(critical, an.critical_nodes.len());
        // Strings are deduplicated: fewer than two a row.
        assert!(c.strings.len() < 2 * rows.len());
    }
    assert!(trace_columns(&ds, ds.traces.len(), false).is_none());
}

#[test]
fn columns_carry_hostile_names_as_plain_bytes() {
    let bytes = br#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"1112131415161718","name":"<img src=x onerror=alert(1)>","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}"#;
    let (ds, _) = read_bytes("h.json", bytes);
    let c = decode(&trace_columns(&ds, 0, false).unwrap());
    assert_eq!(
        c.strings[c.name[0] as usize],
        "<img src=x onerror=alert(1)>"
    );
}
