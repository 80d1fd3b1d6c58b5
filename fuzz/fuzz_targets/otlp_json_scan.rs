//! Fuzz target: the OTLP/JSON fast scanner must read any bytes exactly as
//! the general reader does (same store, same errors), and never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Err(diff) = tracelens_formats::testing::fast_and_general(data) {
        panic!("{diff}");
    }
});
