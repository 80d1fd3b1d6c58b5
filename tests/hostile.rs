//! Bad input is expected input: no reader may panic or hang on any bytes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use tracelens_formats::{read_from, Format, ReadOptions};
use tracelens_model::{Dataset, DatasetOptions, TraceStore};
use tracelens_tests::*;

const FORMATS: [Option<Format>; 6] = [
    None,
    Some(Format::OtlpJson),
    Some(Format::OtlpProto),
    Some(Format::OtlpFramed),
    Some(Format::Jaeger),
    Some(Format::Zipkin),
];

/// Reads with every reader and builds the dataset (trees and analyses too).
fn read_all_ways(bytes: &[u8]) {
    for f in FORMATS {
        let mut store = TraceStore::new();
        let opts = ReadOptions {
            format: f,
            ..Default::default()
        };
        let _ = read_from("fuzz", bytes, Some(bytes.len() as u64), &mut store, &opts);
        let mut ds = Dataset::build(store, DatasetOptions::default());
        let _ = tracelens_service::summary_doc(&ds, Vec::new(), None);
        let _ = tracelens_service::search(&mut ds, "x");
        for t in 0..ds.traces.len() {
            let _ = tracelens_service::rows(&ds, t, true);
            let _ = tracelens_service::trace_columns(&ds, t, false);
        }
    }
    // JSON Lines in tiny chunks on two threads: the parallel path sees the
    // same hostile bytes, and must say exactly what the serial one says.
    let read_jsonl = |threads| {
        let mut store = TraceStore::new();
        let opts = ReadOptions {
            format: Some(Format::OtlpJson),
            json_threads: Some(threads),
            json_chunk_bytes: Some(64),
            ..Default::default()
        };
        let rep = read_from("fuzz", bytes, None, &mut store, &opts);
        let idx: Vec<u32> = (0..store.spans.len() as u32).collect();
        let mut out = Vec::new();
        tracelens_formats::write_otlp_jsonl(&store, &idx, &mut out).unwrap();
        (out, rep.error.map(|e| e.to_string()), rep.error_count)
    };
    assert_eq!(read_jsonl(1), read_jsonl(2));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600)) {
        read_all_ways(&bytes);
    }

    #[test]
    fn flipped_bytes_in_valid_inputs_never_panic(pos in 0usize..10_000, val in any::<u8>(), which in 0usize..4) {
        let inputs = seeds();
        let mut b = inputs[which % inputs.len()].clone();
        let i = pos % b.len();
        b[i] = val;
        read_all_ways(&b);
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let (store, _) = generated_jsonl(2, 12, 3);
    vec![
        jsonl_per_trace(&store),
        framed_per_trace(&store),
        std::fs::read(fixture("jaeger-download.json")).unwrap(),
        std::fs::read(fixture("zipkin-shared.json")).unwrap(),
    ]
}

#[test]
fn every_truncation_point_keeps_reading_safe() {
    for input in seeds() {
        let (full, _) = read_bytes("full", &input);
        let step = (input.len() / 200).max(1);
        let mut cut = 0;
        let mut errors = 0;
        while cut < input.len() {
            let (ds, rep) = read_bytes("cut", &input[..cut]);
            // Never more than the whole input had; never a span from nowhere.
            assert!(ds.store.spans.len() <= full.store.spans.len());
            errors += usize::from(rep.error.is_some());
            cut += step;
        }
        assert!(errors > 0, "some cut points must be reported as damage");
        // Also through compression.
        let z = zstd(&input);
        let (_, rep) = read_bytes("cut.zst", &z[..z.len() * 2 / 3]);
        assert!(rep.error.is_some(), "a cut zstd stream is an error");
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let depth = 100_000;
    let mut s = String::from(
        "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"01\",\"spanId\":\"02\",\"attributes\":[{\"key\":\"k\",\"value\":",
    );
    for _ in 0..depth {
        s.push_str("{\"arrayValue\":{\"values\":[");
    }
    let (_, rep) = read_bytes("deep.json", s.as_bytes());
    let msg = rep.error.unwrap().to_string();
    assert!(
        msg.contains("recursion limit") || msg.contains("deep.json"),
        "{msg}"
    );
    // Deep Jaeger/Zipkin nesting likewise.
    let z = "[".repeat(depth);
    let (_, rep) = read_bytes("deep-zipkin.json", z.as_bytes());
    assert!(rep.error.is_some());
}

#[test]
fn hostile_attribute_values_are_kept_as_data() {
    let big = "A".repeat(5 << 20);
    let doc = serde_json::json!({"resourceSpans":[{"scopeSpans":[{"spans":[{
        "traceId":"0123456789abcdef0123456789abcdef","spanId":"0123456789abcdef",
        "name":"<img src=x onerror=alert(1)>\u{1b}[2J",
        "startTimeUnixNano":"1","endTimeUnixNano":"18446744073709551615",
        "attributes":[
            {"key":"<script>alert(1)</script>","value":{"stringValue":"<script>alert(1)</script>"}},
            {"key":"huge","value":{"stringValue": big}},
            {"key":"nan","value":{"doubleValue":"NaN"}},
            {"key":"neg","value":{"intValue":"-9223372036854775808"}}
        ]
    }]}]}]});
    let bytes = serde_json::to_vec(&doc).unwrap();
    let (ds, rep) = read_bytes("hostile.json", &bytes);
    assert!(rep.error.is_none(), "{:?}", rep.error);
    let s = &ds.store.spans[0];
    assert_eq!(
        ds.store.resolve(s.name),
        "<img src=x onerror=alert(1)>\u{1b}[2J"
    );
    assert_eq!(s.attrs.len, 4);
    assert_eq!(ds.traces[0].duration_ns(), u64::MAX - 1);
    let doc = tracelens_service::summary_doc(&ds, Vec::new(), None);
    assert_eq!(
        doc.traces[0].root_name,
        "<img src=x onerror=alert(1)>\u{1b}[2J"
    );
}

#[test]
fn hostile_lengths_in_protobuf_do_not_allocate_the_claim() {
    // A framed message claiming 4 GiB, then a few bytes.
    let mut b = vec![0xFF, 0xFF, 0xFF, 0xF0, 0x0A, 0x01, 0x02];
    b.extend([0u8; 16]);
    let (_, rep) = read_bytes("liar.pb", &b);
    assert!(rep
        .error
        .unwrap()
        .to_string()
        .contains("not a trace format"));
    let mut store = TraceStore::new();
    let opts = ReadOptions {
        format: Some(Format::OtlpFramed),
        ..Default::default()
    };
    let rep = read_from("liar.pb", &b[..], None, &mut store, &opts);
    assert!(rep.error.unwrap().to_string().contains("cut short"));
    // A single message whose first field claims 2^60 bytes.
    let b = [
        0x0A, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10, 0x00,
    ];
    let (_, rep) = read_bytes("liar2.pb", &b);
    assert!(rep.error.is_some());
}
