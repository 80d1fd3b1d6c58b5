//! OTLP/JSON, read as a stream of serde seeds straight into the store.
//!
//! There is no intermediate document: each span is built from the parser's
//! events and appended to the [`TraceStore`] as soon as its object closes. So a
//! file never exists as bytes, a parsed tree and a model at once, and when the
//! input breaks off, every span before the break is already in the store.
//! Keys are matched in `visit_str` without allocating; strings are interned
//! from the parser's buffer.
//!
//! The OTLP JSON mapping (opentelemetry-proto docs/specification.md): lowerCamelCase
//! keys, hex ids in any case, 64-bit integers as strings or numbers, enums as
//! integers, unknown keys ignored. Lenient on what real producers get wrong
//! (enum names, base64 ids, snake_case keys, bare values), counted in [`Leniency`].
//!
//! This is the general reader: it defines what every input reads as. JSON
//! held in memory (a line of JSON Lines, a document read whole) goes first to
//! the fast scanner (`otlp_json/scan.rs`), which reads the plain form the same way at
//! about 1.7 times the speed and hands anything else back to this reader
//! (`read_json_bytes`).

mod scan;

use crate::ctx::link_kind;
pub use crate::ctx::Ctx;

use crate::lenient::{decode_id_text, Leniency};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;
use tracelens_model::{
    Attr, AttrValue, Event, Link, Range, Span, SpanId, SpanKind, StatusCode, Sym, TraceId,
    TraceStore,
};

/// Reads one JSON value that is all of `line` (a line of JSON Lines, or a
/// whole document in memory): with the fast scanner ([`scan`]) when it
/// takes the line, else with the general reader, after taking back what
/// the scanner had added. Both give the same store; only the general reader
/// reports errors and leniency, so its error is the one returned.
pub(crate) fn read_json_bytes(ctx: &mut Ctx<'_>, line: &[u8]) -> Result<(), serde_json::Error> {
    if ctx.fast {
        let mark = ctx.store.mark();
        let len = ctx.len.clone();
        let (spans_read, logs_read) = (ctx.spans_read, ctx.logs_read);
        if scan::read_line(ctx, line).is_ok() {
            return Ok(());
        }
        ctx.store.rollback(mark);
        ctx.len = len;
        ctx.spans_read = spans_read;
        ctx.logs_read = logs_read;
        ctx.cur_scope = 0;
        ctx.general_lines += 1;
    }
    let mut de = serde_json::Deserializer::from_slice(line);
    read_traces_data(ctx, &mut de).and_then(|_| de.end())
}

/// Parses one JSON value (a TracesData / ExportTraceServiceRequest document or
/// one JSON line) from `d` into the store.
pub fn read_traces_data<'de, D: Deserializer<'de>>(
    ctx: &mut Ctx<'_>,
    d: D,
) -> Result<(), D::Error> {
    One::<TracesData>::new(ctx).deserialize(d)
}

// ---------------------------------------------------------------------------
// Plumbing: seeds that carry the context.

/// Something read with the context, producing `Out`.
trait Elem {
    type Out;
    fn read<'de, D: Deserializer<'de>>(ctx: &mut Ctx<'_>, d: D) -> Result<Self::Out, D::Error>;
}

struct One<'c, 's, T>(&'c mut Ctx<'s>, PhantomData<T>);
impl<'c, 's, T> One<'c, 's, T> {
    fn new(ctx: &'c mut Ctx<'s>) -> Self {
        One(ctx, PhantomData)
    }
}
impl<'de, T: Elem> DeserializeSeed<'de> for One<'_, '_, T> {
    type Value = T::Out;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<T::Out, D::Error> {
        T::read(self.0, d)
    }
}

/// A JSON array of `T` (null reads as empty).
struct Many<'c, 's, T>(&'c mut Ctx<'s>, PhantomData<T>);
impl<'c, 's, T> Many<'c, 's, T> {
    fn new(ctx: &'c mut Ctx<'s>) -> Self {
        Many(ctx, PhantomData)
    }
}
impl<'de, T: Elem> DeserializeSeed<'de> for Many<'_, '_, T> {
    type Value = Vec<T::Out>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Vec<T::Out>, D::Error> {
        d.deserialize_any(self)
    }
}
impl<'de, T: Elem> Visitor<'de> for Many<'_, '_, T> {
    type Value = Vec<T::Out>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(x) = seq.next_element_seed(One::<T>::new(&mut *self.0))? {
            out.push(x);
        }
        Ok(out)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(Vec::new())
    }
}

/// Elements that live in one of the store's arenas.
trait InArena: Elem {
    fn arena(store: &mut TraceStore) -> &mut Vec<Self::Out>;
}

/// A JSON array of `T` appended straight to its arena; yields the range.
struct ToArena<'c, 's, T>(&'c mut Ctx<'s>, PhantomData<T>);
impl<'c, 's, T> ToArena<'c, 's, T> {
    fn new(ctx: &'c mut Ctx<'s>) -> Self {
        ToArena(ctx, PhantomData)
    }
}
impl<'de, T: InArena> DeserializeSeed<'de> for ToArena<'_, '_, T> {
    type Value = Range;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Range, D::Error> {
        d.deserialize_any(self)
    }
}
impl<'de, T: InArena> Visitor<'de> for ToArena<'_, '_, T> {
    type Value = Range;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Range, A::Error> {
        // Elements may push to other arenas while they parse (an event's
        // attributes), never to this one: the run stays contiguous.
        let start = T::arena(self.0.store).len();
        while let Some(x) = seq.next_element_seed(One::<T>::new(&mut *self.0))? {
            T::arena(self.0.store).push(x);
        }
        Ok(TraceStore::range_from(start, T::arena(self.0.store).len()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Range, E> {
        Ok(Range::default())
    }
}

impl InArena for KeyValue {
    fn arena(store: &mut TraceStore) -> &mut Vec<Attr> {
        &mut store.attrs
    }
}
impl InArena for EventObj {
    fn arena(store: &mut TraceStore) -> &mut Vec<Event> {
        &mut store.events
    }
}
impl InArena for LinkObj {
    fn arena(store: &mut TraceStore) -> &mut Vec<Link> {
        &mut store.links
    }
}

/// Declares a key enum matched in `visit_str` without allocating. Each variant
/// has its lowerCamelCase spelling and optionally a snake_case one (lenient).
macro_rules! keys {
    ($name:ident { $($v:ident = $camel:literal $(| $snake:literal)?),* $(,)? }) => {
        #[derive(Clone, Copy, PartialEq, Eq, Debug)]
        enum $name { $($v,)* Other }
        impl KeySet for $name {
            fn parse(b: &[u8]) -> Key<$name> {
                $(if b == $camel.as_bytes() { return Key($name::$v, false); })*
                $($(if b == $snake.as_bytes() { return Key($name::$v, true); })?)*
                Key($name::Other, false)
            }
        }
        impl<'de> serde::Deserialize<'de> for Key<$name> {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct V;
                impl<'de> Visitor<'de> for V {
                    type Value = Key<$name>;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str("a key")
                    }
                    fn visit_str<E: de::Error>(self, s: &str) -> Result<Key<$name>, E> {
                        Ok($name::parse(s.as_bytes()))
                    }
                    fn visit_bytes<E: de::Error>(self, b: &[u8]) -> Result<Key<$name>, E> {
                        Ok($name::parse(b))
                    }
                }
                // Keys are matched as raw bytes: no UTF-8 validation is
                // needed to compare against ASCII names.
                d.deserialize_bytes(V)
            }
        }
    };
}

/// A matched key and whether it came in snake_case.
struct Key<T>(T, bool);

/// The keys of one OTLP object, matched from their raw bytes.
trait KeySet: Sized {
    fn parse(b: &[u8]) -> Key<Self>;
}

/// Reads the next key, counting snake_case spellings.
fn next_key<'de, A: MapAccess<'de>, T>(
    map: &mut A,
    len: &mut Leniency,
) -> Result<Option<T>, A::Error>
where
    Key<T>: serde::Deserialize<'de>,
{
    Ok(map.next_key::<Key<T>>()?.map(|Key(k, snake)| {
        if snake {
            len.snake_case_keys += 1;
        }
        k
    }))
}

// ---------------------------------------------------------------------------
// Scalars.

/// A string interned into the store.
struct Intern<'c, 's>(&'c mut Ctx<'s>);
impl<'de> DeserializeSeed<'de> for Intern<'_, '_> {
    type Value = Sym;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Sym, D::Error> {
        d.deserialize_any(self)
    }
}
impl<'de> Visitor<'de> for Intern<'_, '_> {
    type Value = Sym;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<Sym, E> {
        Ok(self.0.sym_cache.intern(self.0.store, s))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Sym, E> {
        Ok(self.0.store.empty())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Sym, E> {
        self.0.len.odd_values += 1;
        Ok(self.0.store.intern(&v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Sym, E> {
        self.0.len.odd_values += 1;
        Ok(self.0.store.intern(&v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Sym, E> {
        self.0.len.odd_values += 1;
        Ok(self.0.store.intern(&v.to_string()))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Sym, E> {
        self.0.len.odd_values += 1;
        Ok(self.0.store.intern(if v { "true" } else { "false" }))
    }
}

/// A trace or span id: hex text (any case), base64 text (lenient).
struct Id<'c, 's>(&'c mut Ctx<'s>, usize);
impl<'de> DeserializeSeed<'de> for Id<'_, '_> {
    type Value = u128;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u128, D::Error> {
        d.deserialize_any(self)
    }
}
impl<'de> Visitor<'de> for Id<'_, '_> {
    type Value = u128;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a hex id")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<u128, E> {
        Ok(decode_id_text(s, self.1, &mut self.0.len).unwrap_or(0))
    }
    fn visit_unit<E: de::Error>(self) -> Result<u128, E> {
        Ok(0)
    }
}

/// An unsigned 64-bit integer given as a decimal string or a number.
struct U64;
impl<'de> serde::Deserialize<'de> for Num<U64> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Num<U64>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an unsigned integer or a decimal string")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Num(v as i128, PhantomData))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Num(i128::from(v.max(0)), PhantomData))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Num(
                    if v.is_finite() && v > 0.0 {
                        v as i128
                    } else {
                        0
                    },
                    PhantomData,
                ))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                let t = s.trim();
                if t.is_empty() {
                    return Ok(Num(0, PhantomData));
                }
                t.parse::<u64>()
                    .map(|v| Num(i128::from(v), PhantomData))
                    .map_err(|_| E::custom(format!("invalid unsigned integer {t:?}")))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Num(0, PhantomData))
            }
        }
        d.deserialize_any(V)
    }
}

/// A signed 64-bit integer given as a decimal string or a number.
struct I64;
impl<'de> serde::Deserialize<'de> for Num<I64> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Num<I64>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer or a decimal string")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                Ok(Num(i128::from(v.min(i64::MAX as u64)), PhantomData))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Num(i128::from(v), PhantomData))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
                Ok(Num(
                    if v.is_finite() { v as i64 as i128 } else { 0 },
                    PhantomData,
                ))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                s.trim()
                    .parse::<i64>()
                    .map(|v| Num(i128::from(v), PhantomData))
                    .map_err(|_| E::custom(format!("invalid integer {s:?}")))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Num(0, PhantomData))
            }
        }
        d.deserialize_any(V)
    }
}

struct Num<T>(i128, PhantomData<T>);

/// A double: a number, or "NaN" / "Infinity" / "-Infinity" / decimal text.
struct F64(f64);
impl<'de> serde::Deserialize<'de> for F64 {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = F64;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<F64, E> {
                Ok(F64(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<F64, E> {
                Ok(F64(v as f64))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<F64, E> {
                Ok(F64(v as f64))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<F64, E> {
                Ok(F64(match s {
                    "NaN" => f64::NAN,
                    "Infinity" => f64::INFINITY,
                    "-Infinity" => f64::NEG_INFINITY,
                    t => t
                        .trim()
                        .parse()
                        .map_err(|_| E::custom(format!("invalid double {t:?}")))?,
                }))
            }
            fn visit_unit<E: de::Error>(self) -> Result<F64, E> {
                Ok(F64(0.0))
            }
        }
        d.deserialize_any(V)
    }
}

/// An enum given as its integer (spec) or its name (lenient).
struct EnumVal<'c, 's>(&'c mut Ctx<'s>);
enum EnumRaw {
    Int(i64),
    Name(String),
}
impl<'de> DeserializeSeed<'de> for EnumVal<'_, '_> {
    type Value = EnumRaw;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<EnumRaw, D::Error> {
        d.deserialize_any(self)
    }
}
impl<'de> Visitor<'de> for EnumVal<'_, '_> {
    type Value = EnumRaw;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an enum integer or name")
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<EnumRaw, E> {
        Ok(EnumRaw::Int(v.min(i64::MAX as u64) as i64))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<EnumRaw, E> {
        Ok(EnumRaw::Int(v))
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<EnumRaw, E> {
        if let Ok(v) = s.trim().parse::<i64>() {
            return Ok(EnumRaw::Int(v));
        }
        self.0.len.enum_names += 1;
        Ok(EnumRaw::Name(s.to_string()))
    }
    fn visit_unit<E: de::Error>(self) -> Result<EnumRaw, E> {
        Ok(EnumRaw::Int(0))
    }
}

// ---------------------------------------------------------------------------
// Attribute values.

keys!(AnyKey {
    StringValue = "stringValue" | "string_value",
    BoolValue = "boolValue" | "bool_value",
    IntValue = "intValue" | "int_value",
    DoubleValue = "doubleValue" | "double_value",
    ArrayValue = "arrayValue" | "array_value",
    KvlistValue = "kvlistValue" | "kvlist_value",
    BytesValue = "bytesValue" | "bytes_value",
});

struct AnyValue;
impl Elem for AnyValue {
    type Out = AttrValue;
    fn read<'de, D: Deserializer<'de>>(ctx: &mut Ctx<'_>, d: D) -> Result<AttrValue, D::Error> {
        d.deserialize_any(AnyValueVisitor(ctx))
    }
}

/// A string attribute value: interned when short.
struct StrValue<'c, 's>(&'c mut Ctx<'s>);
impl<'de> DeserializeSeed<'de> for StrValue<'_, '_> {
    type Value = AttrValue;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<AttrValue, D::Error> {
        d.deserialize_any(self)
    }
}
impl<'de> Visitor<'de> for StrValue<'_, '_> {
    type Value = AttrValue;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<AttrValue, E> {
        Ok(self.0.sym_cache.str_value(self.0.store, s))
    }
    fn visit_unit<E: de::Error>(self) -> Result<AttrValue, E> {
        Ok(AttrValue::Str(self.0.store.empty()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<AttrValue, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<AttrValue, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<AttrValue, E> {
        self.visit_str(&v.to_string())
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<AttrValue, E> {
        self.visit_str(if v { "true" } else { "false" })
    }
}

struct Bool(bool, bool);
impl<'de> serde::Deserialize<'de> for Bool {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Bool;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a bool")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Bool, E> {
                Ok(Bool(v, false))
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Bool, E> {
                match s {
                    "true" => Ok(Bool(true, true)),
                    "false" => Ok(Bool(false, true)),
                    _ => Err(E::custom(format!("invalid bool {s:?}"))),
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Bool, E> {
                Ok(Bool(v != 0, true))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Bool, E> {
                Ok(Bool(false, false))
            }
        }
        d.deserialize_any(V)
    }
}

/// `bytesValue`: base64 (spec); undecodable text is kept as a string.
fn bytes_value(ctx: &mut Ctx<'_>, s: &str) -> AttrValue {
    use base64::Engine as _;
    match base64::engine::general_purpose::STANDARD.decode(s.trim()) {
        Ok(b) => AttrValue::Bytes(b.into()),
        Err(_) => {
            ctx.len.odd_values += 1;
            ctx.sym_cache.str_value(ctx.store, s)
        }
    }
}

struct BytesText<'c, 's>(&'c mut Ctx<'s>);
impl<'de> DeserializeSeed<'de> for BytesText<'_, '_> {
    type Value = AttrValue;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<AttrValue, D::Error> {
        d.deserialize_any(self)
    }
}
impl<'de> Visitor<'de> for BytesText<'_, '_> {
    type Value = AttrValue;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("base64 text")
    }
    fn visit_str<E: de::Error>(self, s: &str) -> Result<AttrValue, E> {
        Ok(bytes_value(self.0, s))
    }
    fn visit_unit<E: de::Error>(self) -> Result<AttrValue, E> {
        Ok(AttrValue::Bytes(Vec::new().into()))
    }
}

keys!(ValuesKey { Values = "values" });

/// `{"values": [...]}` for arrayValue (T = AnyValue) and kvlistValue (T = KeyValue).
struct ValuesOf<T>(PhantomData<T>);
impl<T: Elem> Elem for ValuesOf<T> {
    type Out = Vec<T::Out>;
    fn read<'de, D: Deserializer<'de>>(ctx: &mut Ctx<'_>, d: D) -> Result<Vec<T::Out>, D::Error> {
        struct V<'c, 's, T>(&'c mut Ctx<'s>, PhantomData<T>);
        impl<'de, T: Elem> Visitor<'de> for V<'_, '_, T> {
            type Value = Vec<T::Out>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object with values")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut out = Vec::new();
                while let Some(k) = next_key::<A, ValuesKey>(&mut map, &mut self.0.len)? {
                    match k {
                        ValuesKey::Values => out = map.next_value_seed(Many::<T>::new(self.0))?,
                        ValuesKey::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(out)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
                self.0.len.odd_values += 1;
                Many::<T>::new(self.0).visit_seq(seq)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok(Vec::new())
            }
        }
        d.deserialize_any(V::<T>(ctx, PhantomData))
    }
}

struct AnyValueVisitor<'c, 's>(&'c mut Ctx<'s>);
impl<'de> Visitor<'de> for AnyValueVisitor<'_, '_> {
    type Value = AttrValue;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an AnyValue object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AttrValue, A::Error> {
        let ctx = self.0;
        let mut v = AttrValue::Empty;
        while let Some(k) = next_key::<A, AnyKey>(&mut map, &mut ctx.len)? {
            v = match k {
                AnyKey::StringValue => map.next_value_seed(StrValue(ctx))?,
                AnyKey::BoolValue => {
                    let b: Bool = map.next_value()?;
                    if b.1 {
                        ctx.len.odd_values += 1;
                    }
                    AttrValue::Bool(b.0)
                }
                AnyKey::IntValue => AttrValue::Int(map.next_value::<Num<I64>>()?.0 as i64),
                AnyKey::DoubleValue => AttrValue::Double(map.next_value::<F64>()?.0),
                AnyKey::ArrayValue => AttrValue::Array(
                    map.next_value_seed(One::<ValuesOf<AnyValue>>::new(ctx))?
                        .into(),
                ),
                AnyKey::KvlistValue => AttrValue::KvList(
                    map.next_value_seed(One::<ValuesOf<KeyValue>>::new(ctx))?
                        .into(),
                ),
                AnyKey::BytesValue => map.next_value_seed(BytesText(ctx))?,
                AnyKey::Other => {
                    map.next_value::<IgnoredAny>()?;
                    continue;
                }
            };
        }
        Ok(v)
    }
    // Bare JSON values where an AnyValue object belongs: lenient.
    fn visit_str<E: de::Error>(self, s: &str) -> Result<AttrValue, E> {
        self.0.len.odd_values += 1;
        Ok(self.0.sym_cache.str_value(self.0.store, s))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<AttrValue, E> {
        self.0.len.odd_values += 1;
        Ok(AttrValue::Bool(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<AttrValue, E> {
        self.0.len.odd_values += 1;
        Ok(AttrValue::Int(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<AttrValue, E> {
        self.0.len.odd_values += 1;
        Ok(AttrValue::Int(v.min(i64::MAX as u64) as i64))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<AttrValue, E> {
        self.0.len.odd_values += 1;
        Ok(AttrValue::Double(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<AttrValue, E> {
        Ok(AttrValue::Empty)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<AttrValue, A::Error> {
        self.0.len.odd_values += 1;
        Ok(AttrValue::Array(
            Many::<AnyValue>::new(self.0).visit_seq(seq)?.into(),
        ))
    }
}

keys!(KvKey { Key = "key", Value = "value" });

struct KeyValue;
impl Elem for KeyValue {
    type Out = Attr;
    fn read<'de, D: Deserializer<'de>>(ctx: &mut Ctx<'_>, d: D) -> Result<Attr, D::Error> {
        struct V<'c, 's>(&'c mut Ctx<'s>);
        impl<'de> Visitor<'de> for V<'_, '_> {
            type Value = Attr;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a KeyValue object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Attr, A::Error> {
                let ctx = self.0;
                let mut key = None;
                let mut value = AttrValue::Empty;
                while let Some(k) = next_key::<A, KvKey>(&mut map, &mut ctx.len)? {
                    match k {
                        KvKey::Key => key = Some(map.next_value_seed(Intern(ctx))?),
                        KvKey::Value => value = map.next_value_seed(One::<AnyValue>::new(ctx))?,
                        KvKey::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(Attr {
                    key: key.unwrap_or_else(|| ctx.store.empty()),
                    value,
                })
            }
        }
        d.deserialize_map(V(ctx))
    }
}

fn read_attrs<'de, A: MapAccess<'de>>(
    map: &mut A,
    ctx: &mut Ctx<'_>,
) -> Result<Box<[Attr]>, A::Error> {
    Ok(map
        .next_value_seed(Many::<KeyValue>::new(ctx))?
        .into_boxed_slice())
}

// ---------------------------------------------------------------------------
// Documents.

mod logs;
pub(crate) use logs::settle as settle_log;

keys!(TopKey {
    ResourceSpans = "resourceSpans" | "resource_spans",
    ResourceLogs = "resourceLogs" | "resource_logs",
    // Tempo's trace JSON (`{"batches": [ResourceSpans]}`).
    Batches = "batches",
    // Jaeger's api_v3 answer (`{"result": TracesData}`).
    Result = "result",
});

/// Top-level keys of the OTLP signals Tracelens does not read: a Collector
/// file exporter's file mixes their lines with the traces' and logs'.
/// Known, so not refused, and counted as not read.
const OTHER_SIGNALS: &[&[u8]] = &[
    b"resourceMetrics",
    b"resource_metrics",
    b"resourceProfiles",
    b"resource_profiles",
];

/// A top-level key as its bytes, for saying what an unknown object held.
struct RawKey(Vec<u8>);
impl<'de> serde::Deserialize<'de> for RawKey {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawKey, E> {
                Ok(RawKey(s.as_bytes().to_vec()))
            }
            fn visit_bytes<E: de::Error>(self, b: &[u8]) -> Result<RawKey, E> {
                Ok(RawKey(b.to_vec()))
            }
        }
        d.deserialize_bytes(V)
    }
}

struct TracesData;
impl Elem for TracesData {
    type Out = ();
    fn read<'de, D: Deserializer<'de>>(ctx: &mut Ctx<'_>, d: D) -> Result<(), D::Error> {
        struct V<'c, 's>(&'c mut Ctx<'s>);
        impl<'de> Visitor<'de> for V<'_, '_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a TracesData object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
                // Whether the object is one this reader knows; if not, the
                // first few keys it had, to say what it was.
                let mut known = false;
                let mut unknown: Vec<String> = Vec::new();
                while let Some(RawKey(raw)) = map.next_key::<RawKey>()? {
                    let Key(k, snake) = TopKey::parse(&raw);
                    if snake {
                        self.0.len.snake_case_keys += 1;
                    }
                    match k {
                        TopKey::ResourceSpans | TopKey::Batches => {
                            known = true;
                            map.next_value_seed(Many::<ResourceSpans>::new(self.0))?;
                        }
                        TopKey::ResourceLogs => {
                            known = true;
                            map.next_value_seed(Many::<logs::ResourceLogs>::new(self.0))?;
                        }
                        TopKey::Result => {
                            known = true;
                            map.next_value_seed(One::<TracesData>::new(self.0))?;
                        }
                        TopKey::Other => {
                            if OTHER_SIGNALS.contains(&raw.as_slice()) {
                                known = true;
                                self.0.other_signals += 1;
                            } else if unknown.len() < 8 {
                                unknown.push(String::from_utf8_lossy(&raw).into_owned());
                            }
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                if !known && !unknown.is_empty() {
                    return Err(de::Error::custom(format!(
                        "not trace data Tracelens reads: an object with the keys {}",
                        unknown.join(", ")
                    )));
                }
                Ok(())
            }
            // A bare array of ResourceSpans: lenient.
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
                self.0.len.odd_values += 1;
                Many::<ResourceSpans>::new(self.0)
                    .visit_seq(seq)
                    .map(|_| ())
            }
        }
        d.deserialize_any(V(ctx))
    }
}

keys!(ResKey {
    Resource = "resource",
    ScopeSpans = "scopeSpans" | "scope_spans",
    LibrarySpans = "instrumentationLibrarySpans" | "instrumentation_library_spans",
    SchemaUrl = "schemaUrl" | "schema_url",
});
keys!(ResourceKey { Attributes = "attributes" });

struct ResourceSpans;
impl Elem for ResourceSpans {
    type Out = ();
    fn read<'de, D: Deserializer<'de>>(ctx: &mut Ctx<'_>, d: D) -> Result<(), D::Error> {
        struct V<'c, 's>(&'c mut Ctx<'s>);
        impl<'de> Visitor<'de> for V<'_, '_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a ResourceSpans object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
                let ctx = self.0;
                let first = ctx.store.spans.len();
                let mut schema = None;
                let mut attrs = None;
                while let Some(k) = next_key::<A, ResKey>(&mut map, &mut ctx.len)? {
                    match k {
                        ResKey::Resource => {
                            attrs = Some(map.next_value_seed(One::<ResourceObj>::new(ctx))?);
                        }
                        ResKey::ScopeSpans | ResKey::LibrarySpans => {
                            map.next_value_seed(Many::<ScopeSpans>::new(ctx))?;
                        }
                        ResKey::SchemaUrl => schema = Some(map.next_value_seed(Intern(ctx))?),
                        ResKey::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                // The resource and its schema URL may come in any order,
                // before or after the spans: settle it once the object ends.
                ctx.store.set_resource_from(first, attrs, schema);
                Ok(())
            }
        }
        d.deserialize_map(V(ctx))
    }
}

struct ResourceObj;
impl Elem for ResourceObj {
    type Out = Box<[Attr]>;
    fn read<'de, D: Deserializer<'de>>(ctx: &mut Ctx<'_>, d: D) -> Result<Box<[Attr]>, D::Error> {
        struct V<'c, 's>(&'c mut Ctx<'s>);
        impl<'de> Visitor<'de> for V<'_, '_> {
            type Value = Box<[Attr]>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Resource object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Box<[Attr]>, A::Error> {
                let mut attrs: Box<[Attr]> = Box::new([]);
                while let Some(k) = next_key::<A, ResourceKey>(&mut map, &mut self.0.len)? {
                    match k {
                        ResourceKey::Attributes => attrs = read_attrs(&mut map, self.0)?,
                        ResourceKey::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(attrs)
            }
            fn visit_unit<E: de::Error>(self) -> Result<Box<[Attr]>, E> {
                Ok(Box::new([]))
            }
        }
        d.deserialize_any(V(ctx))
    }
}

keys!(ScopeSpansKey {
    Scope = "scope",
    Library = "instrumentationLibrary" | "instrumentation_library",
    Spans = "spans",
});
keys!(ScopeKey { Name = "name", Version = "version", Attributes = "attributes" });

struct ScopeSpans;
impl Elem for ScopeSpans {
    type Out = ();
    fn read<'de, D: Deserializer<'de>>(ctx: &mut Ctx<'_>, d: D) -> Result<(), D::Error> {
        struct V<'c, 's>(&'c mut Ctx<'s>);
        impl<'de> Visitor<'de> for V<'_, '_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a ScopeSpans object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
                let ctx = self.0;
                let first = ctx.store.spans.len();
                ctx.cur_scope = 0;
                while let Some(k) = next_key::<A, ScopeSpansKey>(&mut map, &mut ctx.len)? {
                    match k {
                        ScopeSpansKey::Scope | ScopeSpansKey::Library => {
                            let idx = map.next_value_seed(One::<ScopeObj>::new(ctx))?;
                            ctx.cur_scope = idx;
                            for s in &mut ctx.store.spans[first..] {
                                s.scope = idx;
                            }
                        }
                        ScopeSpansKey::Spans => {
                            map.next_value_seed(Many::<SpanObj>::new(ctx))?;
                        }
                        ScopeSpansKey::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                ctx.cur_scope = 0;
                Ok(())
            }
        }
        d.deserialize_map(V(ctx))
    }
}

struct ScopeObj;
impl Elem for ScopeObj {
    type Out = u32;
    fn read<'de, D: Deserializer<'de>>(ctx: &mut Ctx<'_>, d: D) -> Result<u32, D::Error> {
        struct V<'c, 's>(&'c mut Ctx<'s>);
        impl<'de> Visitor<'de> for V<'_, '_> {
            type Value = u32;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an InstrumentationScope object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<u32, A::Error> {
                let ctx = self.0;
                let empty = ctx.store.empty();
                let (mut name, mut version) = (empty, empty);
                let mut attrs: Box<[Attr]> = Box::new([]);
                while let Some(k) = next_key::<A, ScopeKey>(&mut map, &mut ctx.len)? {
                    match k {
                        ScopeKey::Name => name = map.next_value_seed(Intern(ctx))?,
                        ScopeKey::Version => version = map.next_value_seed(Intern(ctx))?,
                        ScopeKey::Attributes => attrs = read_attrs(&mut map, ctx)?,
                        ScopeKey::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(ctx.store.add_scope(name, version, attrs))
            }
            fn visit_unit<E: de::Error>(self) -> Result<u32, E> {
                Ok(0)
            }
        }
        d.deserialize_any(V(ctx))
    }
}

keys!(SpanKey {
    TraceId = "traceId" | "trace_id",
    SpanId = "spanId" | "span_id",
    ParentSpanId = "parentSpanId" | "parent_span_id",
    TraceState = "traceState" | "trace_state",
    Name = "name",
    Kind = "kind",
    Start = "startTimeUnixNano" | "start_time_unix_nano",
    End = "endTimeUnixNano" | "end_time_unix_nano",
    Attributes = "attributes",
    Events = "events",
    Links = "links",
    Status = "status",
    Flags = "flags",
});

struct SpanObj;
impl Elem for SpanObj {
    type Out = ();
    fn read<'de, D: Deserializer<'de>>(ctx: &mut Ctx<'_>, d: D) -> Result<(), D::Error> {
        struct V<'c, 's>(&'c mut Ctx<'s>);
        impl<'de> Visitor<'de> for V<'_, '_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Span object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
                let ctx = self.0;
                let empty = ctx.store.empty();
                let mut span = Span::blank(empty, ctx.cur_scope, ctx.source);
                while let Some(k) = next_key::<A, SpanKey>(&mut map, &mut ctx.len)? {
                    match k {
                        SpanKey::TraceId => {
                            span.trace_id = TraceId(map.next_value_seed(Id(ctx, 16))?)
                        }
                        SpanKey::SpanId => {
                            span.span_id = SpanId(map.next_value_seed(Id(ctx, 8))? as u64)
                        }
                        SpanKey::ParentSpanId => {
                            span.parent_span_id = SpanId(map.next_value_seed(Id(ctx, 8))? as u64)
                        }
                        SpanKey::TraceState => {
                            span.trace_state = map.next_value_seed(Intern(ctx))?
                        }
                        SpanKey::Name => span.name = map.next_value_seed(Intern(ctx))?,
                        SpanKey::Kind => {
                            span.kind = match map.next_value_seed(EnumVal(ctx))? {
                                EnumRaw::Int(i) => SpanKind::from_i64(i),
                                EnumRaw::Name(n) => SpanKind::from_name(&n),
                            }
                            .unwrap_or_else(|| {
                                ctx.len.odd_values += 1;
                                SpanKind::Unspecified
                            })
                        }
                        SpanKey::Start => span.start_ns = map.next_value::<Num<U64>>()?.0 as u64,
                        SpanKey::End => {
                            let e = map.next_value::<Num<U64>>()?.0 as u64;
                            span.end_ns = (e != 0).then_some(e);
                        }
                        SpanKey::Attributes => {
                            span.attrs = map.next_value_seed(ToArena::<KeyValue>::new(ctx))?
                        }
                        SpanKey::Events => {
                            span.events = map.next_value_seed(ToArena::<EventObj>::new(ctx))?
                        }
                        SpanKey::Links => {
                            span.links = map.next_value_seed(ToArena::<LinkObj>::new(ctx))?
                        }
                        SpanKey::Status => {
                            let (code, msg) = map.next_value_seed(One::<StatusObj>::new(ctx))?;
                            span.status = code;
                            span.status_message = msg;
                        }
                        SpanKey::Flags => span.flags = map.next_value::<Num<U64>>()?.0 as u32,
                        SpanKey::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                ctx.store.spans.push(span);
                ctx.spans_read += 1;
                Ok(())
            }
        }
        d.deserialize_map(V(ctx))
    }
}

keys!(EventKey {
    Time = "timeUnixNano" | "time_unix_nano",
    Name = "name",
    Attributes = "attributes",
});

struct EventObj;
impl Elem for EventObj {
    type Out = Event;
    fn read<'de, D: Deserializer<'de>>(ctx: &mut Ctx<'_>, d: D) -> Result<Event, D::Error> {
        struct V<'c, 's>(&'c mut Ctx<'s>);
        impl<'de> Visitor<'de> for V<'_, '_> {
            type Value = Event;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Span.Event object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Event, A::Error> {
                let ctx = self.0;
                let mut ev = Event {
                    time_ns: 0,
                    name: ctx.store.empty(),
                    attrs: Range::default(),
                };
                while let Some(k) = next_key::<A, EventKey>(&mut map, &mut ctx.len)? {
                    match k {
                        EventKey::Time => ev.time_ns = map.next_value::<Num<U64>>()?.0 as u64,
                        EventKey::Name => ev.name = map.next_value_seed(Intern(ctx))?,
                        EventKey::Attributes => {
                            ev.attrs = map.next_value_seed(ToArena::<KeyValue>::new(ctx))?
                        }
                        EventKey::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(ev)
            }
        }
        d.deserialize_map(V(ctx))
    }
}

struct LinkObj;
impl Elem for LinkObj {
    type Out = Link;
    fn read<'de, D: Deserializer<'de>>(ctx: &mut Ctx<'_>, d: D) -> Result<Link, D::Error> {
        struct V<'c, 's>(&'c mut Ctx<'s>);
        impl<'de> Visitor<'de> for V<'_, '_> {
            type Value = Link;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Span.Link object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Link, A::Error> {
                let ctx = self.0;
                let mut link = Link::blank(ctx.store.empty());
                while let Some(k) = next_key::<A, SpanKey>(&mut map, &mut ctx.len)? {
                    match k {
                        SpanKey::TraceId => {
                            link.trace_id = TraceId(map.next_value_seed(Id(ctx, 16))?)
                        }
                        SpanKey::SpanId => {
                            link.span_id = SpanId(map.next_value_seed(Id(ctx, 8))? as u64)
                        }
                        SpanKey::TraceState => {
                            link.trace_state = map.next_value_seed(Intern(ctx))?
                        }
                        SpanKey::Attributes => {
                            link.attrs = map.next_value_seed(ToArena::<KeyValue>::new(ctx))?
                        }
                        SpanKey::Flags => link.flags = map.next_value::<Num<U64>>()?.0 as u32,
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                link.kind = link_kind(ctx.store, ctx.ref_type_key, ctx.store.attrs_of(link.attrs));
                Ok(link)
            }
        }
        d.deserialize_map(V(ctx))
    }
}

keys!(StatusKey { Code = "code", Message = "message" });

struct StatusObj;
impl Elem for StatusObj {
    type Out = (StatusCode, Sym);
    fn read<'de, D: Deserializer<'de>>(
        ctx: &mut Ctx<'_>,
        d: D,
    ) -> Result<(StatusCode, Sym), D::Error> {
        struct V<'c, 's>(&'c mut Ctx<'s>);
        impl<'de> Visitor<'de> for V<'_, '_> {
            type Value = (StatusCode, Sym);
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Status object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let ctx = self.0;
                let mut code = StatusCode::Unset;
                let mut msg = ctx.store.empty();
                while let Some(k) = next_key::<A, StatusKey>(&mut map, &mut ctx.len)? {
                    match k {
                        StatusKey::Code => {
                            code = match map.next_value_seed(EnumVal(ctx))? {
                                EnumRaw::Int(i) => StatusCode::from_i64(i),
                                EnumRaw::Name(n) => StatusCode::from_name(&n),
                            }
                            .unwrap_or_else(|| {
                                ctx.len.odd_values += 1;
                                StatusCode::Unset
                            })
                        }
                        StatusKey::Message => msg = map.next_value_seed(Intern(ctx))?,
                        StatusKey::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok((code, msg))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
                Ok((StatusCode::Unset, self.0.store.empty()))
            }
        }
        d.deserialize_any(V(ctx))
    }
}
