//! Helpers shared by the cross-crate tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use tracelens_formats::{read_from, ReadOptions, ReadReport};
use tracelens_model::{Dataset, DatasetOptions, TraceStore};

pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

/// Reads bytes as one input named `name`.
pub fn read_bytes(name: &str, bytes: &[u8]) -> (Dataset, ReadReport) {
    let mut store = TraceStore::new();
    let report = read_from(
        name,
        bytes,
        Some(bytes.len() as u64),
        &mut store,
        &ReadOptions::default(),
    );
    (Dataset::build(store, DatasetOptions::default()), report)
}

/// A generated store written as OTLP/JSON Lines.
pub fn generated_jsonl(traces: usize, spans: usize, seed: u64) -> (TraceStore, Vec<u8>) {
    let store = tracelens_gen::generate(tracelens_gen::GenOptions {
        traces,
        spans_per_trace: spans,
        seed,
    });
    let idx: Vec<u32> = (0..store.spans.len() as u32).collect();
    let mut out = Vec::new();
    tracelens_formats::write_otlp_jsonl(&store, &idx, &mut out).unwrap();
    (store, out)
}

/// The summary of a dataset as JSON, without the sources (names differ).
pub fn summary_json(ds: &Dataset) -> serde_json::Value {
    let doc = tracelens_service::summary_doc(ds, Vec::new(), None);
    let mut v = serde_json::to_value(&doc).unwrap();
    v.as_object_mut().unwrap().remove("sources");
    v
}

pub fn gzip(b: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}

pub fn zstd(b: &[u8]) -> Vec<u8> {
    zstd::stream::encode_all(b, 1).unwrap()
}

/// Spans grouped per trace: writing each group separately gives an input of
/// several lines (or messages), as long-running exporters produce.
pub fn per_trace(store: &TraceStore) -> Vec<Vec<u32>> {
    let mut order: Vec<tracelens_model::TraceId> = Vec::new();
    let mut groups: std::collections::HashMap<tracelens_model::TraceId, Vec<u32>> =
        Default::default();
    for (i, s) in store.spans.iter().enumerate() {
        groups
            .entry(s.trace_id)
            .or_insert_with(|| {
                order.push(s.trace_id);
                Vec::new()
            })
            .push(i as u32);
    }
    order.iter().map(|t| groups.remove(t).unwrap()).collect()
}

/// OTLP/JSON Lines with at least one line per trace.
pub fn jsonl_per_trace(store: &TraceStore) -> Vec<u8> {
    let mut out = Vec::new();
    for g in per_trace(store) {
        tracelens_formats::write_otlp_jsonl(store, &g, &mut out).unwrap();
    }
    out
}

/// Length-prefixed protobuf with at least one message per trace.
pub fn framed_per_trace(store: &TraceStore) -> Vec<u8> {
    let mut out = Vec::new();
    for g in per_trace(store) {
        tracelens_formats::write_otlp_proto_framed(store, &g, &mut out).unwrap();
    }
    out
}
