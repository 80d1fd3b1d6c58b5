//! Writers: OTLP/JSON Lines (`json`) and OTLP protobuf, single message or
//! framed stream (`proto`), from the store. What they write reads back as
//! the same store.

mod json;
mod proto;

pub use json::*;
pub use proto::*;
