//! Fuzz target: the receiver's body path as it runs for a request, the
//! first byte choosing the Content-Encoding and the media type: decode,
//! read, and build what the live view would.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tracelens_formats::Format;
use tracelens_model::{Dataset, DatasetOptions};
use tracelens_receiver::{read_body, BodyEncoding};

fuzz_target!(|data: &[u8]| {
    let Some((&how, body)) = data.split_first() else {
        return;
    };
    let enc = match how & 3 {
        0 => BodyEncoding::Identity,
        1 => BodyEncoding::Gzip,
        2 => BodyEncoding::Deflate,
        _ => BodyEncoding::Zstd,
    };
    let format = if how & 4 == 0 { Format::OtlpProto } else { Format::OtlpJson };
    if let Ok((store, _)) = read_body(body, enc, format, 1 << 20) {
        let _ = Dataset::build(store, DatasetOptions::default());
    }
});
