//! A request body, from its bytes on the wire to spans: decoded exactly as
//! its Content-Encoding says (nothing is sniffed: bytes still compressed
//! after that are unreadable, not inflated again), every inflated byte
//! counted against the body limit, then read by the file readers with
//! their own sniffing of compression turned off. Synchronous, so that the
//! receiver runs it off the async threads and the fuzz target runs it as
//! it is.

use std::io::Read;
use tracelens_formats::{Format, ReadLimits, ReadOptions, ReadReport};
use tracelens_model::TraceStore;

/// A body's encoding, as Content-Encoding names it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BodyEncoding {
    Identity,
    Gzip,
    /// HTTP's "deflate" is zlib (RFC 9110), as Python's exporter sends it.
    Deflate,
    Zstd,
}

impl BodyEncoding {
    /// The encoding a Content-Encoding value names; an error to send back
    /// (415) for one not taken.
    pub fn parse(header: Option<&str>) -> Result<BodyEncoding, String> {
        let v = header.unwrap_or("").trim().to_ascii_lowercase();
        Ok(match v.as_str() {
            "" | "identity" => BodyEncoding::Identity,
            "gzip" | "x-gzip" => BodyEncoding::Gzip,
            "deflate" => BodyEncoding::Deflate,
            "zstd" => BodyEncoding::Zstd,
            _ => {
                return Err(format!(
                    "Content-Encoding {} is not taken: send gzip, deflate, zstd or none",
                    crate::quote(&v)
                ))
            }
        })
    }

    fn name(self) -> &'static str {
        match self {
            BodyEncoding::Identity => "identity",
            BodyEncoding::Gzip => "gzip",
            BodyEncoding::Deflate => "deflate",
            BodyEncoding::Zstd => "zstd",
        }
    }
}

/// Why a body gave no spans to queue.
#[derive(Debug)]
pub enum BodyError {
    /// Past the limit, raw or inflated (413).
    TooLarge,
    /// Not what its headers say (400).
    Bad(String),
}

/// Inflates `raw` as `enc` says, to at most `limit` bytes.
pub fn decode(raw: &[u8], enc: BodyEncoding, limit: usize) -> Result<Vec<u8>, BodyError> {
    if raw.len() > limit {
        return Err(BodyError::TooLarge);
    }
    let reader: Box<dyn Read + '_> = match enc {
        BodyEncoding::Identity => return Ok(raw.to_vec()),
        BodyEncoding::Gzip => Box::new(flate2::read::MultiGzDecoder::new(raw)),
        BodyEncoding::Deflate => Box::new(flate2::read::ZlibDecoder::new(raw)),
        BodyEncoding::Zstd => Box::new(
            zstd::stream::read::Decoder::new(raw)
                .map_err(|e| BodyError::Bad(format!("bad zstd body: {e}")))?,
        ),
    };
    let mut out = Vec::new();
    reader
        .take(limit as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| BodyError::Bad(format!("bad {} body: {e}", enc.name())))?;
    if out.len() > limit {
        return Err(BodyError::TooLarge);
    }
    Ok(out)
}

/// Decodes `raw` and reads it as `format` into a store of its own.
pub fn read_body(
    raw: &[u8],
    enc: BodyEncoding,
    format: Format,
    limit: usize,
) -> Result<(TraceStore, ReadReport), BodyError> {
    let bytes = decode(raw, enc, limit)?;
    let mut store = TraceStore::new();
    // No record can be larger than the body, and nothing in it is
    // inflated again.
    let opts = ReadOptions {
        format: Some(format),
        limits: ReadLimits {
            sniff_compression: false,
            max_record: bytes.len() as u64,
            ..ReadLimits::default()
        },
        ..ReadOptions::default()
    };
    let report = tracelens_formats::read_from(
        "otlp",
        bytes.as_slice(),
        Some(bytes.len() as u64),
        &mut store,
        &opts,
    );
    Ok((store, report))
}
