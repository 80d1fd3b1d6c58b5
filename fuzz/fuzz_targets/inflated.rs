//! Fuzz target: fuzzed content inside real compression layers (gzip, zstd,
//! one or two deep), read by sniffing with the default limits. Run with
//! -rss_limit_mb well below what an unbounded inflation would take: a
//! bound that leaks is a crash here.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::io::Write;
use tracelens_formats::{read_from, ReadOptions};
use tracelens_model::{Dataset, DatasetOptions, TraceStore};

fn gzip(b: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    let _ = e.write_all(b);
    e.finish().unwrap_or_default()
}

fn zstd(b: &[u8]) -> Vec<u8> {
    zstd::encode_all(b, 1).unwrap_or_default()
}

fuzz_target!(|data: &[u8]| {
    let Some((&how, content)) = data.split_first() else {
        return;
    };
    let once = if how & 1 == 0 { gzip(content) } else { zstd(content) };
    let bytes = match how & 6 {
        0 => once,
        2 => gzip(&once),
        4 => zstd(&once),
        // The raw bytes too, in case they are a hand-made bomb.
        _ => content.to_vec(),
    };
    let mut store = TraceStore::new();
    let _ = read_from("fuzz", bytes.as_slice(), Some(bytes.len() as u64), &mut store, &ReadOptions::default());
    let _ = Dataset::build(store, DatasetOptions::default());
});
