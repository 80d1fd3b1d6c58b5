//! Typed attribute values.

use crate::store::Sym;
use std::fmt;
use std::ops::Deref;

/// A one-word owning pointer to an unsized value (a string, a slice).
///
/// `Box<str>` is two words; as an enum payload it makes every attribute value
/// 24 bytes. The variants that need it (long text, bytes, nested values) are
/// rare, so they pay an extra indirection and every value is 16 bytes.
#[derive(PartialEq, Eq, Hash)]
pub struct Thin<T: ?Sized>(Box<Box<T>>);

impl<T: ?Sized> Clone for Thin<T>
where
    Box<T>: Clone,
{
    fn clone(&self) -> Self {
        Thin(self.0.clone())
    }
}

impl<T: ?Sized> Deref for Thin<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: ?Sized + fmt::Debug> fmt::Debug for Thin<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

impl<T: ?Sized> From<Box<T>> for Thin<T> {
    fn from(b: Box<T>) -> Self {
        Thin(Box::new(b))
    }
}

impl From<&str> for Thin<str> {
    fn from(s: &str) -> Self {
        Thin(Box::new(s.into()))
    }
}

impl<U> From<Vec<U>> for Thin<[U]> {
    fn from(v: Vec<U>) -> Self {
        Thin(Box::new(v.into_boxed_slice()))
    }
}

impl<U> FromIterator<U> for Thin<[U]> {
    fn from_iter<I: IntoIterator<Item = U>>(it: I) -> Self {
        Thin(Box::new(it.into_iter().collect()))
    }
}

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
    Text(Thin<str>),
    Bool(bool),
    Int(i64),
    Double(f64),
    Bytes(Thin<[u8]>),
    Array(Thin<[AttrValue]>),
    KvList(Thin<[Attr]>),
}

/// The attribute a source sets on a span whose large values it left out
/// (a ClickHouse trace opened skeleton-first): an array of the keys not
/// loaded yet, which a viewer fetches on demand. Fronts show it as that,
/// never as an attribute of the span's own.
pub const OMITTED_ATTRS_KEY: &str = "tracelens.omitted";

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
