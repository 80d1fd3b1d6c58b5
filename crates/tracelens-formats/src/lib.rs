//! Readers and writers for trace exports.
//!
//! Every reader appends to a [`tracelens_model::TraceStore`] and never panics
//! on input: damage is a [`ReadError`] naming the input and the line or byte,
//! and what was read before it stays in the store. Inputs are recognised by
//! content ([`sniff`]), through any number of gzip/zstd layers.

mod applog;
pub mod compress;
mod ctx;
pub mod error;
pub mod jaeger;
mod jsonl;
mod jsonval;
pub mod lenient;
pub mod live_store;
pub mod otlp_json;
pub mod otlp_proto;
pub mod read;
pub mod sniff;
mod sym_cache;
#[doc(hidden)]
pub mod testing;
pub mod write;
pub mod zipkin;

pub use ctx::Ctx;
pub use error::{Position, ReadError};
pub use live_store::LiveStore;
pub use read::{read_bytes, read_from, read_path, ReadLimits, ReadOptions, ReadReport};
pub use sniff::{Compression, Format};
pub use write::{write_otlp_jsonl, write_otlp_logs_jsonl};
pub use write::{write_otlp_proto, write_otlp_proto_framed};
