//! Writers: OTLP/JSON Lines of spans (`json`) and of log records (`logs`), and OTLP protobuf, single message or
//! framed stream (`proto`), from the store. What they write reads back as
//! the same store.

mod json;
mod logs;
mod proto;

pub use json::*;
pub use logs::*;
pub use proto::*;
