//! Every reader, every compression layer, multi-file joins and round trips.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use tracelens_formats::{read_path, Compression, Format, Position, ReadError, ReadOptions};
use tracelens_model::{
    AttrValue, Dataset, DatasetOptions, LinkKind, SpanKind, StatusCode, TraceStore, WarningKind,
};
use tracelens_tests::*;

fn attr<'a>(ds: &'a Dataset, span: usize, key: &str) -> Option<&'a AttrValue> {
    let k = ds.store.lookup(key)?;
    ds.store
        .attrs_of(ds.store.spans[span].attrs)
        .iter()
        .find(|a| a.key == k)
        .map(|a| &a.value)
}

#[test]
fn otlp_json_spec_example() {
    let bytes = std::fs::read(fixture("otlp-spec-example.json")).unwrap();
    let (ds, rep) = read_bytes("spec.json", &bytes);
    assert!(rep.error.is_none(), "{:?}", rep.error);
    assert_eq!(rep.format, Some(Format::OtlpJson));
    assert_eq!(ds.store.spans.len(), 1);
    let s = &ds.store.spans[0];
    assert_eq!(s.trace_id.to_string(), "5b8efff798038103d269b633813fc60c");
    assert_eq!(s.span_id.to_string(), "eee19b7ec3c1b174");
    assert_eq!(s.parent_span_id.to_string(), "eee19b7ec3c1b173");
    assert_eq!(s.kind, SpanKind::Server);
    assert_eq!(s.status, StatusCode::Error);
    assert_eq!(ds.store.resolve(s.status_message), "boom");
    assert_eq!(s.start_ns, 1_544_712_660_000_000_000);
    assert_eq!(s.end_ns, Some(1_544_712_661_000_000_000));
    let events = ds.store.events_of(s.events);
    assert_eq!(events.len(), 1);
    assert_eq!(
        events[0].time_ns, 1_544_712_660_500_000_000,
        "number form accepted"
    );
    assert_eq!(attr(&ds, 0, "retries"), Some(&AttrValue::Int(3)));
    assert_eq!(attr(&ds, 0, "ratio"), Some(&AttrValue::Double(0.25)));
    assert_eq!(attr(&ds, 0, "cached"), Some(&AttrValue::Bool(true)));
    assert_eq!(
        attr(&ds, 0, "blob"),
        Some(&AttrValue::Bytes(b"hello".to_vec().into()))
    );
    match attr(&ds, 0, "tags") {
        Some(AttrValue::Array(a)) => assert_eq!(a[1], AttrValue::Int(2)),
        other => panic!("{other:?}"),
    }
    assert_eq!(ds.store.service_of(s), "my.service");
    assert_eq!(
        ds.store.resolve(ds.store.scopes[s.scope as usize].name),
        "my.library"
    );
    // Its parent is not in the file: an orphan under a placeholder.
    assert_eq!(ds.traces[0].stats.orphans, 1);
    assert!(!ds.warnings.iter().any(|w| w.kind == WarningKind::Lenient));
}

#[test]
fn otlp_json_lenient_input_is_accepted_and_reported() {
    let bytes = std::fs::read(fixture("otlp-lenient.json")).unwrap();
    let (ds, rep) = read_bytes("lenient.json", &bytes);
    assert!(rep.error.is_none(), "{:?}", rep.error);
    let s = &ds.store.spans[0];
    assert_eq!(s.trace_id.to_string(), "5b8efff798038103d269b633813fc60c");
    assert_eq!(s.span_id.to_string(), "eee19b7ec3c1b174");
    assert_eq!(s.kind, SpanKind::Server);
    assert_eq!(s.status, StatusCode::Error);
    assert_eq!(ds.store.service_of(s), "py-agent");
    let lenient: Vec<&str> = ds
        .warnings
        .iter()
        .filter(|w| w.kind == WarningKind::Lenient)
        .map(|w| w.message.as_str())
        .collect();
    assert!(
        lenient.iter().any(|m| m.contains("enum names")),
        "{lenient:?}"
    );
    assert!(lenient.iter().any(|m| m.contains("base64")), "{lenient:?}");
    assert!(
        lenient.iter().any(|m| m.contains("snake_case")),
        "{lenient:?}"
    );
    assert!(lenient.iter().all(|m| m.starts_with("lenient.json")));
}

#[test]
fn jsonl_pretty_and_compressed_forms_read_the_same() {
    let (_, jsonl) = generated_jsonl(4, 30, 11);
    let (base, rep) = read_bytes("a.jsonl", &jsonl);
    assert!(rep.error.is_none());
    let want = summary_json(&base);
    // One pretty-printed document holding every line's resourceSpans.
    let mut all = Vec::new();
    for line in jsonl.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let v: serde_json::Value = serde_json::from_slice(line).unwrap();
        all.extend(v["resourceSpans"].as_array().unwrap().iter().cloned());
    }
    let pretty = serde_json::to_vec_pretty(&serde_json::json!({ "resourceSpans": all })).unwrap();
    for (name, bytes, comp) in [
        ("pretty.json", pretty.clone(), vec![]),
        ("a.jsonl.gz", gzip(&jsonl), vec![Compression::Gzip]),
        ("a.jsonl.zst", zstd(&jsonl), vec![Compression::Zstd]),
        ("pretty.json.zst", zstd(&pretty), vec![Compression::Zstd]),
        (
            "double.gz.zst",
            zstd(&gzip(&jsonl)),
            vec![Compression::Zstd, Compression::Gzip],
        ),
    ] {
        let (ds, rep) = read_bytes(name, &bytes);
        assert!(rep.error.is_none(), "{name}: {:?}", rep.error);
        assert_eq!(rep.compression, comp, "{name}");
        assert_eq!(summary_json(&ds), want, "{name}");
    }
}

#[test]
fn protobuf_single_framed_and_legacy_zstd() {
    let (store, jsonl) = generated_jsonl(3, 25, 5);
    let (base, _) = read_bytes("a.jsonl", &jsonl);
    let want = summary_json(&base);
    let idx: Vec<u32> = (0..store.spans.len() as u32).collect();
    let mut single = Vec::new();
    tracelens_formats::write_otlp_proto(&store, &idx, &mut single).unwrap();
    let mut framed = Vec::new();
    tracelens_formats::write_otlp_proto_framed(&store, &idx, &mut framed).unwrap();
    // The Collector's legacy layout: each length-prefixed message its own zstd frame.
    let mut legacy = Vec::new();
    for req in tracelens_formats::write::requests(&store, &idx) {
        let frame = zstd(&prost::Message::encode_to_vec(&req));
        legacy.extend((frame.len() as u32).to_be_bytes());
        legacy.extend(frame);
    }
    // ... and JSON messages in the same layout.
    let mut legacy_json = Vec::new();
    for line in jsonl.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
        let frame = zstd(line);
        legacy_json.extend((frame.len() as u32).to_be_bytes());
        legacy_json.extend(frame);
    }
    for (name, bytes, fmt) in [
        ("single.pb", single.clone(), Format::OtlpProto),
        ("single.pb.gz", gzip(&single), Format::OtlpProto),
        ("framed.pb", framed.clone(), Format::OtlpFramed),
        ("framed.pb.zst", zstd(&framed), Format::OtlpFramed),
        ("legacy.zst", legacy, Format::OtlpFramed),
        ("legacy-json.zst", legacy_json, Format::OtlpFramed),
    ] {
        let (ds, rep) = read_bytes(name, &bytes);
        assert!(rep.error.is_none(), "{name}: {:?}", rep.error);
        assert_eq!(rep.format, Some(fmt), "{name}");
        assert_eq!(summary_json(&ds), want, "{name}");
    }
}

#[test]
fn jaeger_download() {
    let (ds, rep) = {
        let mut store = TraceStore::new();
        let rep = read_path(
            &fixture("jaeger-download.json"),
            &mut store,
            &ReadOptions::default(),
        );
        (Dataset::build(store, DatasetOptions::default()), rep)
    };
    assert!(rep.error.is_none(), "{:?}", rep.error);
    assert_eq!(rep.format, Some(Format::Jaeger));
    assert_eq!(ds.traces.len(), 1);
    let t = &ds.traces[0];
    assert_eq!(t.trace_id.to_string(), "0000000000000000d269b633813fc60c");
    let root = &ds.store.spans[0];
    assert_eq!(root.kind, SpanKind::Server);
    assert_eq!(root.status, StatusCode::Error);
    assert_eq!(root.start_ns, 1_700_000_000_000_000_000, "microseconds");
    assert_eq!(root.end_ns, Some(1_700_000_000_500_000_000));
    assert_eq!(ds.store.service_of(root), "gateway");
    assert_eq!(
        ds.store.resolve(ds.store.events_of(root.events)[0].name),
        "agent_started"
    );
    assert_eq!(attr(&ds, 0, "http.status_code"), Some(&AttrValue::Int(500)));
    // FOLLOWS_FROM and the cross-trace CHILD_OF are links, not tree edges.
    let follow = &ds.store.spans[2];
    assert!(!follow.parent_span_id.is_valid());
    let kinds: Vec<LinkKind> = ds
        .store
        .links_of(follow.links)
        .iter()
        .map(|l| l.kind)
        .collect();
    assert_eq!(
        kinds,
        vec![LinkKind::FollowsFrom, LinkKind::CrossTraceParent]
    );
    assert!(ds
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::CrossTraceReference));
    // The duplicate span id is kept and reported.
    assert_eq!(t.stats.duplicates, 1);
    assert_eq!(t.span_count(), 4);
    // Lifecycle event from a Jaeger log lands on its span.
    assert_eq!(
        tracelens_model::TraceAnalysis::lifecycle(&ds.store, &ds.traces[0]).len(),
        1
    );
}

#[test]
fn zipkin_shared_span_halves_join_as_a_pair() {
    let bytes = std::fs::read(fixture("zipkin-shared.json")).unwrap();
    let (ds, rep) = read_bytes("zipkin.json", &bytes);
    assert!(rep.error.is_none(), "{:?}", rep.error);
    assert_eq!(rep.format, Some(Format::Zipkin));
    let t = &ds.traces[0];
    assert_eq!(t.stats.shared_pairs, 1);
    assert_eq!(t.stats.duplicates, 0);
    assert_eq!(t.stats.orphans, 0);
    assert_eq!(t.stats.roots, 1);
    // frontend root > client half > server half > db query
    let depths: Vec<u32> = t.preorder.iter().map(|&i| t.depth[i as usize]).collect();
    assert_eq!(depths, vec![0, 1, 2, 3]);
    let db = &ds.store.spans[3];
    assert_eq!(db.status, StatusCode::Error);
    assert_eq!(ds.store.resolve(db.status_message), "timeout talking to db");
    assert_eq!(db.start_ns, 1_700_000_000_030_000_000);
    // Nested form (list of traces) reads the same.
    let nested = format!("[{}]", String::from_utf8(bytes).unwrap());
    let (ds2, rep2) = read_bytes("nested.json", nested.as_bytes());
    assert!(rep2.error.is_none(), "{:?}", rep2.error);
    assert_eq!(summary_json(&ds2), summary_json(&ds));
}

/// Zipkin: a span without a kind is local work (internal); Zipkin and
/// Jaeger carry the instrumentation scope as `otel.scope.*` (or the older
/// `otel.library.*`) tags, which become the span's scope, not attributes.
#[test]
fn zipkin_kinds_and_the_scope_tags_of_zipkin_and_jaeger() {
    let zipkin = r#"[
      {"traceId":"463ac35c9f6413ad","id":"a1","name":"plan","timestamp":1700000000000000,"duration":10,
       "localEndpoint":{"serviceName":"agent"},"tags":{"otel.scope.name":"agents.sdk","otel.scope.version":"1.2"}},
      {"traceId":"463ac35c9f6413ad","id":"a2","parentId":"a1","name":"call","kind":"CLIENT","timestamp":1700000000000001,"duration":5,
       "localEndpoint":{"serviceName":"agent"},"tags":{"otel.library.name":"old.lib"}}
    ]"#;
    let (ds, rep) = read_bytes("z.json", zipkin.as_bytes());
    assert!(rep.error.is_none(), "{:?}", rep.error);
    let st = &ds.store;
    let by_name = |n: &str| st.spans.iter().find(|s| st.resolve(s.name) == n).unwrap();
    let (plan, call) = (by_name("plan"), by_name("call"));
    assert_eq!(plan.kind, SpanKind::Internal);
    assert_eq!(call.kind, SpanKind::Client);
    let scope = |s: &tracelens_model::Span| {
        let sc = &st.scopes[s.scope as usize];
        (
            st.resolve(sc.name).to_string(),
            st.resolve(sc.version).to_string(),
        )
    };
    assert_eq!(scope(plan), ("agents.sdk".into(), "1.2".into()));
    assert_eq!(scope(call), ("old.lib".into(), String::new()));
    assert!(st
        .lookup("otel.scope.name")
        .is_none_or(|k| st.attrs_of(plan.attrs).iter().all(|a| a.key != k)));
    let jaeger = r#"{"data":[{"traceID":"463ac35c9f6413ad","spans":[
      {"traceID":"463ac35c9f6413ad","spanID":"00000000000000b1","operationName":"run","startTime":1700000000000000,"duration":7,
       "processID":"p1","references":[],
       "tags":[{"key":"otel.library.name","type":"string","value":"jaeger.lib"},{"key":"otel.library.version","type":"string","value":"0.9"}]}],
      "processes":{"p1":{"serviceName":"agent","tags":[]}}}]}"#;
    let (ds, rep) = read_bytes("j.json", jaeger.as_bytes());
    assert!(rep.error.is_none(), "{:?}", rep.error);
    let st = &ds.store;
    let sc = &st.scopes[st.spans[0].scope as usize];
    assert_eq!(
        (st.resolve(sc.name), st.resolve(sc.version)),
        ("jaeger.lib", "0.9")
    );
}

#[test]
fn spans_of_one_trace_spread_over_files_join() {
    let (store, _) = generated_jsonl(2, 30, 3);
    let idx: Vec<u32> = (0..store.spans.len() as u32).collect();
    let mut whole = Vec::new();
    tracelens_formats::write_otlp_jsonl(&store, &idx, &mut whole).unwrap();
    let (base, _) = read_bytes("whole", &whole);
    // Odd spans to a JSON file in reverse order, even spans to a framed protobuf file.
    let odd: Vec<u32> = idx.iter().copied().filter(|i| i % 2 == 1).rev().collect();
    let even: Vec<u32> = idx.iter().copied().filter(|i| i % 2 == 0).collect();
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("odd.jsonl");
    let b = dir.path().join("even.bin");
    tracelens_formats::write_otlp_jsonl(&store, &odd, std::fs::File::create(&a).unwrap()).unwrap();
    tracelens_formats::write_otlp_proto_framed(&store, &even, std::fs::File::create(&b).unwrap())
        .unwrap();
    let loaded = tracelens_service::load_files(&[a, b], &Default::default());
    assert!(!loaded.had_errors());
    assert_eq!(loaded.dataset.traces.len(), 2);
    assert_eq!(summary_json(&loaded.dataset), summary_json(&base));
}

#[test]
fn truncated_json_lines_keep_what_came_before_and_name_the_line() {
    let (store, _) = generated_jsonl(3, 40, 9);
    let jsonl = jsonl_per_trace(&store);
    let lines: Vec<&[u8]> = jsonl
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    assert!(lines.len() >= 3);
    // Corrupt line 2; cut line 3 in half.
    let mut bytes = Vec::new();
    bytes.extend_from_slice(lines[0]);
    bytes.extend_from_slice(b"\n{\"resourceSpans\": [ oops ]}\n");
    bytes.extend_from_slice(&lines[2][..lines[2].len() / 2]);
    let (ds, rep) = read_bytes("cut.jsonl", &bytes);
    let err = rep.error.expect("an error");
    match &err {
        ReadError::Corrupt {
            file,
            position: Position::Line { line, .. },
            ..
        } => {
            assert_eq!(file, "cut.jsonl");
            assert_eq!(*line, 2);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(rep.error_count, 2);
    let first_line_spans = serde_json::from_slice::<serde_json::Value>(lines[0]).unwrap()
        ["resourceSpans"][0]["scopeSpans"][0]["spans"]
        .as_array()
        .unwrap()
        .len();
    assert!(
        ds.store.spans.len() >= first_line_spans,
        "spans before the damage are kept"
    );
    assert!(ds
        .warnings
        .iter()
        .any(|w| w.kind == WarningKind::ReadError && w.message.contains("line 3")));
}

#[test]
fn truncated_document_and_protobuf_report_positions() {
    let bytes = std::fs::read(fixture("otlp-spec-example.json")).unwrap();
    let cut = &bytes[..bytes.len() - 40];
    let (_, rep) = read_bytes("cut.json", cut);
    let msg = rep.error.expect("error").to_string();
    assert!(msg.starts_with("cut.json: line "), "{msg}");
    assert!(msg.contains("truncated"), "{msg}");

    let (store, _) = generated_jsonl(2, 30, 1);
    let framed = framed_per_trace(&store);
    let first_len = u32::from_be_bytes(framed[..4].try_into().unwrap()) as usize;
    let cut = &framed[..4 + first_len + 10];
    let (ds, rep) = read_bytes("cut.pb", cut);
    let err = rep.error.expect("error");
    assert_eq!(err.position(), Position::Byte(4 + first_len as u64 + 4));
    assert!(err.to_string().contains("truncated"), "{err}");
    assert!(!ds.store.spans.is_empty(), "the first message is kept");
}

#[test]
fn unknown_content_is_a_clear_error() {
    let (ds, rep) = read_bytes("notes.txt", b"hello, this is not a trace\n");
    let msg = rep.error.expect("error").to_string();
    assert!(
        msg.contains("notes.txt") && msg.contains("not a trace format"),
        "{msg}"
    );
    assert!(ds.store.spans.is_empty());
    // --format forces a reader; it then says what is wrong and where.
    let mut store = TraceStore::new();
    let opts = ReadOptions {
        format: Some(Format::Jaeger),
        ..Default::default()
    };
    let rep =
        tracelens_formats::read_from("x.json", &b"{\"data\": [1"[..], None, &mut store, &opts);
    assert!(rep.error.unwrap().to_string().starts_with("x.json: line 1"));
}

#[test]
fn missing_file_is_an_io_error_naming_it() {
    let mut store = TraceStore::new();
    let rep = read_path(
        std::path::Path::new("/nonexistent/t.json"),
        &mut store,
        &ReadOptions::default(),
    );
    let msg = rep.error.unwrap().to_string();
    assert!(msg.starts_with("/nonexistent/t.json:"), "{msg}");
}

#[test]
fn convert_round_trip_preserves_the_summary() {
    for bytes in [
        std::fs::read(fixture("jaeger-download.json")).unwrap(),
        std::fs::read(fixture("zipkin-shared.json")).unwrap(),
        std::fs::read(fixture("otlp-lenient.json")).unwrap(),
        generated_jsonl(5, 50, 2).1,
    ] {
        let (ds, _) = read_bytes("in", &bytes);
        let idx: Vec<u32> = (0..ds.store.spans.len() as u32).collect();
        let mut out = Vec::new();
        tracelens_formats::write_otlp_jsonl(&ds.store, &idx, &mut out).unwrap();
        let (back, rep) = read_bytes("out", &out);
        assert!(rep.error.is_none());
        let strip = |mut v: serde_json::Value| {
            // Reader-level notes (lenient, cross-trace) belong to the original input.
            v["warnings"] = serde_json::Value::Array(
                v["warnings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|w| w["kind"] != "lenient" && w["kind"] != "cross_trace_reference")
                    .cloned()
                    .collect(),
            );
            v
        };
        assert_eq!(strip(summary_json(&back)), strip(summary_json(&ds)));
        // Links keep their kinds.
        let kinds = |d: &Dataset| {
            d.store
                .spans
                .iter()
                .flat_map(|s| d.store.links_of(s.links).iter().map(|l| l.kind))
                .collect::<Vec<_>>()
        };
        assert_eq!(kinds(&back), kinds(&ds));
    }
}

#[test]
fn generator_is_deterministic_and_plants_every_pathology() {
    let (_, a) = generated_jsonl(10, 80, 42);
    let (_, b) = generated_jsonl(10, 80, 42);
    assert_eq!(a, b);
    let (ds, _) = read_bytes("gen", &a);
    let doc = summary_json(&ds);
    let states: Vec<String> = doc["traces"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|t| {
            t["agents"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["state"].as_str().unwrap().to_string())
        })
        .collect();
    for s in ["completed", "failed", "timeout", "dead"] {
        assert!(states.iter().any(|x| x == s), "no {s} agent in {states:?}");
    }
    let kinds: Vec<&str> = doc["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"orphan"));
    assert!(kinds.contains(&"clock_skew"));
    let errors: u64 = doc["traces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["error_count"].as_u64().unwrap())
        .sum();
    assert!(errors >= 3);
    let mut f = tempfile::NamedTempFile::new().unwrap();
    f.write_all(&a).unwrap();
}

/// Every field the model keeps survives JSON -> protobuf -> model -> JSON
/// byte for byte: the direct wire decoder agrees with prost's encoder.
#[test]
fn protobuf_round_trip_keeps_every_field() {
    let json = std::fs::read(fixture("otlp-every-field.json")).unwrap();
    let mut store = TraceStore::new();
    let rep = tracelens_formats::read_from(
        "every.json",
        &json[..],
        None,
        &mut store,
        &ReadOptions::default(),
    );
    assert!(rep.error.is_none(), "{:?}", rep.error);
    assert_eq!(store.spans.len(), 4);
    let idx: Vec<u32> = (0..store.spans.len() as u32).collect();
    let mut from_json = Vec::new();
    tracelens_formats::write_otlp_jsonl(&store, &idx, &mut from_json).unwrap();

    let mut pb = Vec::new();
    tracelens_formats::write_otlp_proto(&store, &idx, &mut pb).unwrap();
    let mut back = TraceStore::new();
    let rep = tracelens_formats::read_from(
        "every.pb",
        &pb[..],
        None,
        &mut back,
        &ReadOptions::default(),
    );
    assert!(rep.error.is_none(), "{:?}", rep.error);
    assert_eq!(rep.format, Some(Format::OtlpProto));
    let idx: Vec<u32> = (0..back.spans.len() as u32).collect();
    let mut from_pb = Vec::new();
    tracelens_formats::write_otlp_jsonl(&back, &idx, &mut from_pb).unwrap();
    assert_eq!(
        String::from_utf8(from_pb).unwrap(),
        String::from_utf8(from_json.clone()).unwrap()
    );
    // And the JSON written names what went in: spot-check the rare fields.
    let text = String::from_utf8(from_json).unwrap();
    for needle in [
        "vendor=abc,other=1",
        "\"flags\":769",
        "-9223372036854775808",
        "AAEC/w==",
        "https://opentelemetry.io/schemas/1.26.0",
        "scope.flag",
        "deeper",
        "tool failed",
        "follows_from",
    ] {
        assert!(text.contains(needle), "{needle} missing from {text}");
    }
    // Two resources in, two out: scopes nest under their resource.
    assert_eq!(text.matches("\"resource\":").count(), 2, "{text}");
}

/// JSON Lines parsed on several threads give exactly what one thread gives:
/// the same spans in the same order, the same warnings, the same bad lines.
#[test]
fn parallel_json_lines_read_the_same_as_serial() {
    let (store, _) = generated_jsonl(30, 120, 9);
    let jsonl = jsonl_per_trace(&store);
    let good: Vec<&[u8]> = jsonl
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .collect();
    let mut input = Vec::new();
    for (i, line) in good.iter().enumerate() {
        input.extend_from_slice(line);
        input.push(b'\n');
        if i % 3 == 1 {
            input.extend_from_slice(b"{\"resourceSpans\": [ broken\n\n");
        }
    }
    // Lenient input too, and a truncated last line.
    input.extend_from_slice(
        std::fs::read(fixture("otlp-lenient.json"))
            .unwrap()
            .as_slice(),
    );
    input.push(b'\n');
    input.extend_from_slice(&good[0][..good[0].len() / 2]);
    let read = |threads: usize, chunk: usize| {
        let mut store = TraceStore::new();
        let opts = ReadOptions {
            json_threads: Some(threads),
            json_chunk_bytes: Some(chunk),
            ..Default::default()
        };
        let rep = tracelens_formats::read_from("p.jsonl", &input[..], None, &mut store, &opts);
        let errors: Vec<String> = store.warnings.iter().map(|w| w.message.clone()).collect();
        let idx: Vec<u32> = (0..store.spans.len() as u32).collect();
        let mut out = Vec::new();
        tracelens_formats::write_otlp_jsonl(&store, &idx, &mut out).unwrap();
        let ds = Dataset::build(store, DatasetOptions::default());
        (
            String::from_utf8(out).unwrap(),
            errors,
            rep.error.map(|e| e.to_string()),
            rep.error_count,
            rep.spans,
            summary_json(&ds),
        )
    };
    let serial = read(1, 1 << 20);
    assert!(serial.3 > 5, "bad lines are counted: {}", serial.3);
    assert!(serial.4 > 3000);
    for (threads, chunk) in [(2, 1), (2, 4096), (3, 50_000), (4, 1 << 20)] {
        let par = read(threads, chunk);
        assert_eq!(
            par.0, serial.0,
            "spans differ with {threads} threads, {chunk}-byte chunks"
        );
        assert_eq!(par.1, serial.1, "warnings differ with {threads} threads");
        assert_eq!(par.2, serial.2);
        assert_eq!(par.3, serial.3);
        assert_eq!(par.4, serial.4);
        assert_eq!(par.5, serial.5);
    }
}

/// Flips the cancel flag once `after` bytes have been read through it.
struct CancelAfter<R> {
    inner: R,
    read: usize,
    after: usize,
    flag: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl<R: std::io::Read> std::io::Read for CancelAfter<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read += n;
        if self.read >= self.after {
            self.flag.store(true, std::sync::atomic::Ordering::Relaxed);
        }
        Ok(n)
    }
}

#[test]
fn cancelling_mid_read_stops_every_format_promptly() {
    // JSON Lines (the parallel path), one document, and framed protobuf; the
    // flag flips a little way in. A retrying loop in the reader would spin
    // for ever: the read runs on a thread and must end within the timeout.
    let store = tracelens_gen::generate(tracelens_gen::GenOptions {
        traces: 60,
        spans_per_trace: 400,
        seed: 11,
    });
    let spans: Vec<u32> = (0..store.spans.len() as u32).collect();
    for fmt in ["jsonl", "framed protobuf"] {
        let mut bytes = Vec::new();
        if fmt == "jsonl" {
            tracelens_formats::write_otlp_jsonl(&store, &spans, &mut bytes).unwrap();
        } else {
            tracelens_formats::write_otlp_proto_framed(&store, &spans, &mut bytes).unwrap();
        }
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let flag = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let input = CancelAfter {
                inner: std::io::Cursor::new(bytes),
                read: 0,
                after: 200_000,
                flag: flag.clone(),
            };
            let opts = ReadOptions {
                cancel: Some(flag),
                ..ReadOptions::default()
            };
            let mut st = tracelens_model::TraceStore::new();
            let report =
                tracelens_formats::read_from("cancelled.input", input, None, &mut st, &opts);
            let _ = tx.send((report.cancelled, st.spans.len()));
        });
        let (cancelled, read) = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .unwrap_or_else(|_| panic!("{fmt}: the read did not stop after cancel"));
        assert!(cancelled, "{fmt}: not reported as cancelled");
        assert!(
            read < store.spans.len(),
            "{fmt}: read everything ({read}) despite cancel"
        );
    }
}

#[test]
fn one_bad_jaeger_span_or_trace_costs_only_itself() {
    let span = |id: u32, name: &str| {
        format!(
            r#"{{"traceID":"{id:032x}","spanID":"{id:016x}","operationName":{name},"startTime":1700000000000000,"duration":5,"processID":"p1"}}"#
        )
    };
    let trace = |spans: Vec<String>| {
        format!(
            r#"{{"spans":[{}],"processes":{{"p1":{{"serviceName":"svc"}}}}}}"#,
            spans.join(",")
        )
    };
    // 100 spans, one with a null name (kept, nameless) and one whose name
    // is a number (left out); then a trace whose spans are not a list;
    // then a good trace.
    let mut first: Vec<String> = (1..=98).map(|i| span(1, &format!("\"s{i}\""))).collect();
    for (i, s) in first.iter_mut().enumerate() {
        *s = s.replace(
            &format!("\"spanID\":\"{:016x}\"", 1),
            &format!("\"spanID\":\"{:016x}\"", i + 1),
        );
    }
    first.push(span(1, "null").replace(
        "\"spanID\":\"0000000000000001\"",
        "\"spanID\":\"00000000000000aa\"",
    ));
    first.push(span(1, "42").replace(
        "\"spanID\":\"0000000000000001\"",
        "\"spanID\":\"00000000000000bb\"",
    ));
    let doc = format!(
        r#"{{"data":[{},{{"spans":"oops"}},{}]}}"#,
        trace(first),
        trace(vec![span(3, "\"last\"")])
    );
    let (ds, rep) = read_bytes("bad-span.json", doc.as_bytes());
    assert_eq!(rep.format, Some(Format::Jaeger));
    assert_eq!(ds.traces.len(), 2, "the trace after the bad one is read");
    assert_eq!(
        rep.spans, 100,
        "98 good, the nameless one, and the last trace's"
    );
    assert_eq!(rep.error_count, 2, "{:?}", rep.error);
    let warnings: Vec<String> = ds.warnings.iter().map(|w| w.message.clone()).collect();
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("bad-span.json: 1 Jaeger span could not be read")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("bad-span.json: Jaeger trace 2 could not be read")),
        "{warnings:?}"
    );
}

#[test]
fn a_utf8_byte_order_mark_is_stepped_over() {
    let (_, jsonl) = generated_jsonl(2, 5, 7);
    let first = jsonl.split(|&b| b == b'\n').next().unwrap().to_vec();
    let jaeger = std::fs::read(fixture("jaeger-download.json")).unwrap();
    for (what, body) in [
        ("lines", jsonl.clone()),
        ("document", first),
        ("jaeger", jaeger),
    ] {
        let (plain, rep) = read_bytes("plain", &body);
        assert!(rep.error.is_none(), "{what}: {:?}", rep.error);
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(&body);
        for bytes in [with_bom.clone(), gzip(&with_bom)] {
            let (ds, rep) = read_bytes("bom", &bytes);
            assert!(rep.error.is_none(), "{what}: {:?}", rep.error);
            assert_eq!(ds.store.spans.len(), plain.store.spans.len(), "{what}");
        }
    }
}

/// The shapes real producers write that were read as nothing: each reads
/// to its spans, and anything unrecognised is refused naming what it held.
#[test]
fn wrapped_single_and_listed_shapes_read_to_their_spans() {
    let otlp_span = r#"{"traceId":"5b8efff798038103d269b633813fc60c","spanId":"eee19b7ec3c1b174","name":"op","startTimeUnixNano":"1700000000000000000","endTimeUnixNano":"1700000001000000000"}"#;
    let rs = |spans_key: &str| {
        format!(
            r#"{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"svc"}}}}]}},"{spans_key}":[{{"spans":[{otlp_span}]}}]}}"#
        )
    };
    let jaeger_span = r#"{"traceID":"0000000000000001","spanID":"0000000000000002","operationName":"es-doc","startTime":1485467191639875,"duration":5,"process":{"serviceName":"svc","tags":[]}}"#;
    let zipkin_span = r#"{"traceId":"4d1e00c0db9010db86154a4ba6e91385","id":"4d1e00c0db9010db","kind":"CLIENT","name":"get","timestamp":1472470996199000,"duration":207000,"localEndpoint":{"serviceName":"frontend"}}"#;
    let cases: Vec<(&str, String, Format, usize)> = vec![
        (
            "jaeger api_v3 result",
            format!(r#"{{"result":{{"resourceSpans":[{}]}}}}"#, rs("scopeSpans")),
            Format::OtlpJson,
            1,
        ),
        (
            "tempo batches",
            format!(r#"{{"batches":[{}]}}"#, rs("scopeSpans")),
            Format::OtlpJson,
            1,
        ),
        (
            "tempo batches, instrumentationLibrarySpans",
            format!(r#"{{"batches":[{}]}}"#, rs("instrumentationLibrarySpans")),
            Format::OtlpJson,
            1,
        ),
        (
            "one zipkin span",
            zipkin_span.to_string(),
            Format::Zipkin,
            1,
        ),
        (
            "one jaeger span",
            jaeger_span.to_string(),
            Format::Jaeger,
            1,
        ),
        (
            "a list of jaeger spans",
            format!(
                "[{jaeger_span},{}]",
                jaeger_span.replace("0000000000000002", "0000000000000003")
            ),
            Format::Jaeger,
            2,
        ),
    ];
    for (what, doc, format, spans) in cases {
        let (ds, rep) = read_bytes(what, doc.as_bytes());
        assert!(rep.error.is_none(), "{what}: {:?}", rep.error);
        assert_eq!(rep.format, Some(format), "{what}");
        assert_eq!(ds.store.spans.len(), spans, "{what}");
        // Pretty-printed and compressed too.
        let pretty =
            serde_json::to_vec_pretty(&serde_json::from_str::<serde_json::Value>(&doc).unwrap())
                .unwrap();
        let (ds, rep) = read_bytes(what, &zstd(&pretty));
        assert!(rep.error.is_none(), "{what}, pretty zstd: {:?}", rep.error);
        assert_eq!(ds.store.spans.len(), spans, "{what}, pretty zstd");
    }
}

#[test]
fn unrecognised_json_is_refused_naming_what_it_held() {
    let (_, rep) = read_bytes("foo.json", br#"{"foo":1,"bar":[2]}"#);
    let e = rep.error.map(|e| e.to_string()).unwrap_or_default();
    assert!(e.starts_with("foo.json: line 1"), "{e}");
    assert!(e.contains("the keys foo, bar"), "{e}");
    // The OpenTelemetry JS SDK's in-memory dump: objects, not Zipkin spans.
    let dump = br#"[{"name":"ai.generateText","spanContext":{"traceId":"a1","spanId":"b2"},"attributes":{},"startTime":[1,2]}]"#;
    let (ds, rep) = read_bytes("dump.json", dump);
    assert!(ds.store.spans.is_empty());
    let e = rep.error.map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("not a Zipkin v2 span"), "{e}");
    // Any other JSON object in Jaeger's clothes.
    let (_, rep) = read_bytes(
        "ui.json",
        br#"{"traceName":"x","traceID":"1","state":"done"}"#,
    );
    let e = rep.error.map(|e| e.to_string()).unwrap_or_default();
    assert!(e.contains("keys traceName"), "{e}");
}

#[test]
fn an_input_without_spans_always_says_so() {
    for (name, body) in [
        ("empty.json", &br#"{"resourceSpans":[]}"#[..]),
        ("empty-jaeger.json", br#"{"data":[]}"#),
        ("blank.jsonl", b"\n\n"),
    ] {
        let (ds, rep) = read_bytes(name, body);
        assert!(rep.error.is_none(), "{name}");
        assert!(
            ds.warnings
                .iter()
                .any(|w| w.kind == tracelens_model::WarningKind::Empty
                    && w.message.starts_with(name)),
            "{name}: {:?}",
            ds.warnings
        );
    }
    // The Collector file exporter's mixed file: metric lines are passed
    // over, said once; the spans (and the logs: tests/logs.rs) are read.
    let (_, jsonl) = generated_jsonl(1, 5, 1);
    let mut mixed = br#"{"resourceLogs":[{"scopeLogs":[]}]}"#.to_vec();
    mixed.push(b'\n');
    mixed.extend_from_slice(&jsonl);
    mixed.extend_from_slice(b"{\"resourceMetrics\":[]}\n");
    let (ds, rep) = read_bytes("mixed.jsonl", &mixed);
    assert!(rep.error.is_none(), "{:?}", rep.error);
    assert!(!ds.store.spans.is_empty());
    assert!(
        ds.warnings.iter().any(|w| w.message
            == "mixed.jsonl: 1 object of metrics or profiles not read (Tracelens reads traces and logs)"),
        "{:?}",
        ds.warnings
    );
}
