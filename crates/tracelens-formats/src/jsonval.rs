//! Small conversions from loosely-typed JSON (Jaeger, Zipkin) to the model.

use crate::lenient::{decode_id_text, Leniency};
use serde_json::Value;
use tracelens_model::{Attr, AttrValue, SpanId, TraceId, TraceStore};

/// A non-negative integer given as a number or decimal text.
pub fn value_u64(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0)
                .map(|f| f as u64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Any JSON value as an attribute value, by its JSON type.
pub fn json_attr(store: &mut TraceStore, v: &Value) -> AttrValue {
    match v {
        Value::Null => AttrValue::Empty,
        Value::Bool(b) => AttrValue::Bool(*b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => AttrValue::Int(i),
            None => AttrValue::Double(n.as_f64().unwrap_or(0.0)),
        },
        Value::String(s) => store.str_value(s),
        Value::Array(a) => AttrValue::Array(a.iter().map(|x| json_attr(store, x)).collect()),
        Value::Object(o) => AttrValue::KvList(
            o.iter()
                .map(|(k, x)| Attr {
                    key: store.intern(k),
                    value: json_attr(store, x),
                })
                .collect(),
        ),
    }
}

pub fn trace_id(s: &str, len: &mut Leniency) -> TraceId {
    TraceId(decode_id_text(s, 16, len).unwrap_or(0))
}

pub fn span_id(s: &str, len: &mut Leniency) -> SpanId {
    SpanId(decode_id_text(s, 8, len).unwrap_or(0) as u64)
}

/// Maps a serde_json error to a read error with its line and column.
pub fn error(file: &str, e: &serde_json::Error) -> crate::ReadError {
    error_at(file, 1, e)
}

/// The same for JSON that starts on line `first_line` of the file (one line
/// of JSON Lines).
pub fn error_at(file: &str, first_line: u64, e: &serde_json::Error) -> crate::ReadError {
    let what = if e.is_eof() {
        "input ends in the middle of a JSON value (truncated?)".to_string()
    } else {
        e.to_string()
            .split(" at line ")
            .next()
            .unwrap_or_default()
            .to_string()
    };
    crate::ReadError::corrupt(
        file,
        crate::Position::Line {
            line: first_line + e.line() as u64 - 1,
            column: e.column() as u64,
        },
        what,
    )
}
