//! `cargo bench -p tracelens-formats`: ingest and analyses at 10k spans.
//! The full report (10k/100k/1M, baselines, memory) is scripts/bench.sh.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use tracelens_formats::{read_from, ReadOptions};
use tracelens_model::{Dataset, DatasetOptions, TraceStore};

fn inputs() -> (Vec<u8>, Vec<u8>, usize) {
    let store = tracelens_gen::generate(tracelens_gen::GenOptions {
        traces: 5,
        spans_per_trace: 2000,
        seed: 1,
    });
    let idx: Vec<u32> = (0..store.spans.len() as u32).collect();
    let mut json = Vec::new();
    tracelens_formats::write_otlp_jsonl(&store, &idx, &mut json).unwrap();
    let mut proto = Vec::new();
    tracelens_formats::write_otlp_proto_framed(&store, &idx, &mut proto).unwrap();
    (json, proto, store.spans.len())
}

fn read(bytes: &[u8]) -> TraceStore {
    let mut store = TraceStore::new();
    let rep = read_from(
        "bench",
        bytes,
        Some(bytes.len() as u64),
        &mut store,
        &ReadOptions::default(),
    );
    assert!(rep.error.is_none());
    store
}

fn bench(c: &mut Criterion) {
    let (json, proto, spans) = inputs();
    let mut g = c.benchmark_group("ingest-10k");
    g.throughput(Throughput::Bytes(json.len() as u64));
    g.bench_function("otlp-json", |b| b.iter(|| read(&json)));
    g.bench_function("serde-json-ignored-any-floor", |b| {
        b.iter(|| {
            for line in json.split(|&c| c == b'\n').filter(|l| !l.is_empty()) {
                serde_json::from_slice::<serde::de::IgnoredAny>(line).unwrap();
            }
        })
    });
    g.throughput(Throughput::Elements(spans as u64));
    g.bench_function("otlp-proto-framed", |b| b.iter(|| read(&proto)));
    g.finish();
    let mut g = c.benchmark_group("analyses-10k");
    g.throughput(Throughput::Elements(spans as u64));
    g.bench_function("dataset-build", |b| {
        b.iter_batched(
            || read(&json),
            |s| Dataset::build(s, DatasetOptions::default()),
            criterion::BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
