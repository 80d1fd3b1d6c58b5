//! Fuzz target: the sniffed reader, then trees and analyses, must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
#[allow(unused_imports)]
use tracelens_formats::{read_from, Format, ReadOptions};
use tracelens_model::{Dataset, DatasetOptions, TraceStore};

fuzz_target!(|data: &[u8]| {
    let mut store = TraceStore::new();
    let opts = ReadOptions { format: None, ..Default::default() };
    let _ = read_from("fuzz", data, Some(data.len() as u64), &mut store, &opts);
    let mut ds = Dataset::build(store, DatasetOptions::default());
    let _ = ds.correlation();
});
