//! Typed attribute values.

use crate::store::Sym;

/// An attribute value, typed as OTLP's `AnyValue`.
///
/// Short strings are interned (`Str`): attribute values such as service names,
/// models and states repeat across millions of spans. Long strings (prompts,
/// completions) are nearly always unique, so interning them would only cost a
/// hash; they are kept as `Text`.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    Empty,
    Str(Sym),
    Text(Box<str>),
    Bool(bool),
    Int(i64),
    Double(f64),
    Bytes(Box<[u8]>),
    Array(Box<[AttrValue]>),
    KvList(Box<[Attr]>),
}

/// A key and its value. Keys are always interned.
#[derive(Debug, Clone, PartialEq)]
pub struct Attr {
    pub key: Sym,
    pub value: AttrValue,
}

impl AttrValue {
    /// Size of the value's out-of-line payload in bytes (strings, bytes, arrays):
    /// what the benchmark subtracts to report model overhead per span.
    pub fn payload_bytes(&self) -> usize {
        match self {
            AttrValue::Text(s) => s.len(),
            AttrValue::Bytes(b) => b.len(),
            AttrValue::Array(a) => a
                .iter()
                .map(|v| v.payload_bytes() + std::mem::size_of::<AttrValue>())
                .sum(),
            AttrValue::KvList(kv) => kv
                .iter()
                .map(|a| a.value.payload_bytes() + std::mem::size_of::<Attr>())
                .sum(),
            _ => 0,
        }
    }
}
