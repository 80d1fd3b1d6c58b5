//! Application logs as JSON Lines, from the loggers people use, and
//! captured lifecycle events: one JSON object per line, read into log
//! records.
//!
//! Loggers agree on little: Python's logging (python-json-logger,
//! OpenTelemetry's LoggingInstrumentor with `otelTraceID`), structlog (the
//! message is `event`), Go's slog, zap (`ts` in epoch seconds) and logrus,
//! pino and bunyan (numeric levels), Rust's tracing-subscriber (the message
//! under `fields`), Serilog (`@t`, `@l`, `@m`) and Logback's encoders
//! (`@timestamp`). The common names for time, level, message, logger, trace
//! and span ids are recognised; every other field (nested objects
//! flattened to dotted keys) is an attribute, so correlation ids such as
//! request_id are found like span attributes. A line whose object has none
//! of a time, a level, a message or an event is not a log record and is
//! reported; a line that is not JSON at all is counted (plain text).

use crate::ctx::Ctx;
use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{Error as _, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::LazyLock;
use tracelens_model::agent::LifecycleKind;
use tracelens_model::{Attr, Level, LogRecord, SpanId, TraceId};

const TIME_KEYS: &[&str] = &[
    "timestamp",
    "time",
    "ts",
    "@timestamp",
    "@t",
    "asctime",
    "datetime",
    "date",
    "created",
    "timeUnixNano",
    "time_unix_nano",
    "t",
];
const LEVEL_KEYS: &[&str] = &[
    "level",
    "levelname",
    "severity",
    "severity_text",
    "severityText",
    "lvl",
    "@l",
    "log.level",
    "level_name",
    "loglevel",
];
const MESSAGE_KEYS: &[&str] = &[
    "message",
    "msg",
    "@m",
    "fields.message",
    "event",
    "@mt",
    "body",
    "log",
    "text",
];
const EVENT_KEYS: &[&str] = &[
    "event",
    "type",
    "event_type",
    "eventType",
    "event.name",
    "kind",
];
const LOGGER_KEYS: &[&str] = &[
    "logger",
    "logger_name",
    "loggerName",
    "name",
    "target",
    "logger.name",
    "log.logger",
    "SourceContext",
];
const TRACE_KEYS: &[&str] = &[
    "trace_id",
    "traceId",
    "traceid",
    "otelTraceID",
    "dd.trace_id",
    "trace.id",
    "TraceId",
    "span.trace_id",
    "fields.trace_id",
    "logging.googleapis.com/trace",
];
const SPAN_KEYS: &[&str] = &[
    "span_id",
    "spanId",
    "spanid",
    "otelSpanID",
    "dd.span_id",
    "span.id",
    "SpanId",
    "span.span_id",
    "fields.span_id",
    "logging.googleapis.com/spanId",
];
const SERVICE_KEYS: &[&str] = &["service.name", "otelServiceName", "service", "dd.service"];
/// Nested objects flattened into dotted keys down to this depth; deeper
/// values stay whole.
const FLATTEN_DEPTH: usize = 4;

/// Whether the first line of an input is an application log record (and
/// not a span of another format): it has a level, a message or a lifecycle
/// event, and none of Jaeger's or Zipkin's span keys.
pub(crate) fn is_log_line(first_line: &[u8]) -> bool {
    let Ok(obj) = serde_json::from_slice::<Map<String, Value>>(first_line.trim_ascii()) else {
        return false;
    };
    let has = |k: &str| obj.contains_key(k);
    let span_like = has("traceID")
        || has("spanID")
        || has("operationName")
        || has("resourceSpans")
        || has("resourceLogs")
        || (has("traceId") && has("id") && (has("duration") || has("localEndpoint")));
    if span_like {
        return false;
    }
    let lifecycle = EVENT_KEYS.iter().any(|k| {
        obj.get(*k)
            .and_then(Value::as_str)
            .and_then(LifecycleKind::parse)
            .is_some()
    });
    lifecycle
        || LEVEL_KEYS.iter().any(|k| has(k))
        || MESSAGE_KEYS.iter().any(|k| has(k))
        || (obj
            .get("fields")
            .is_some_and(|f| f.get("message").is_some()))
}

/// Reads one line. Not JSON at all: counted as plain text, not an error
/// per line. JSON that is not a log record: an error naming its keys.
pub(crate) fn read_line(ctx: &mut Ctx<'_>, line: &[u8]) -> Result<(), serde_json::Error> {
    let trimmed = line.trim_ascii();
    if trimmed.first() != Some(&b'{') {
        ctx.len.plain_text_lines += 1;
        return Ok(());
    }
    // Valid UTF-8 as a whole (nearly every line): serde_json then takes each
    // string as it is, instead of checking every one again. Otherwise the
    // byte reader gives the error with its position.
    let fields: Fields<'_> = match std::str::from_utf8(trimmed) {
        Ok(text) => serde_json::from_str(text)?,
        Err(_) => serde_json::from_slice(trimmed)?,
    };
    read_fields(ctx, fields.0)
}

/// Reads a whole document: one record (pretty-printed over many lines) or
/// an array of records.
pub(crate) fn read_document(ctx: &mut Ctx<'_>, bytes: &[u8]) -> Result<(), serde_json::Error> {
    match serde_json::from_slice::<Value>(bytes)? {
        Value::Object(obj) => read_object(ctx, obj),
        Value::Array(items) => {
            let mut first_err = None;
            for item in items {
                let res = match item {
                    Value::Object(obj) => read_object(ctx, obj),
                    other => Err(serde_json::Error::custom(format!(
                        "not a log record: a JSON {}",
                        json_type(&other)
                    ))),
                };
                if let Err(e) = res {
                    first_err.get_or_insert(e);
                }
            }
            first_err.map_or(Ok(()), Err)
        }
        other => Err(serde_json::Error::custom(format!(
            "not a log record: a JSON {}",
            json_type(&other)
        ))),
    }
}

fn json_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A field's value as read: text borrowed from the line where it needs no
/// unescaping (most do), anything else as a JSON value. Reading lines this
/// way, rather than into a `serde_json::Map`, spares an allocation per key
/// and per string and the map's ordering.
#[derive(Debug)]
enum Raw<'a> {
    Str(Cow<'a, str>),
    Json(Value),
}

impl Raw<'_> {
    fn as_str(&self) -> Option<&str> {
        match self {
            Raw::Str(s) => Some(s),
            Raw::Json(v) => v.as_str(),
        }
    }

    fn of(v: Value) -> Raw<'static> {
        match v {
            Value::String(s) => Raw::Str(Cow::Owned(s)),
            other => Raw::Json(other),
        }
    }
}

/// A line's fields in their order, nested objects flattened to dotted keys.
type FieldList<'a> = Vec<(Cow<'a, str>, Raw<'a>)>;

/// One line's object as its fields.
struct Fields<'a>(FieldList<'a>);

/// A key, borrowed from the line when it has no escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E>(self, s: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(s)))
            }
        }
        d.deserialize_str(V)
    }
}

impl<'de> Deserialize<'de> for Raw<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Raw<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Raw<'de>, E> {
                Ok(Raw::Str(Cow::Borrowed(s)))
            }
            fn visit_str<E>(self, s: &str) -> Result<Raw<'de>, E> {
                Ok(Raw::Str(Cow::Owned(s.to_owned())))
            }
            fn visit_string<E>(self, s: String) -> Result<Raw<'de>, E> {
                Ok(Raw::Str(Cow::Owned(s)))
            }
            fn visit_bool<E>(self, b: bool) -> Result<Raw<'de>, E> {
                Ok(Raw::Json(Value::Bool(b)))
            }
            fn visit_i64<E>(self, i: i64) -> Result<Raw<'de>, E> {
                Ok(Raw::Json(Value::from(i)))
            }
            fn visit_u64<E>(self, u: u64) -> Result<Raw<'de>, E> {
                Ok(Raw::Json(Value::from(u)))
            }
            fn visit_f64<E>(self, f: f64) -> Result<Raw<'de>, E> {
                Ok(Raw::Json(Value::from(f)))
            }
            fn visit_unit<E>(self) -> Result<Raw<'de>, E> {
                Ok(Raw::Json(Value::Null))
            }
            fn visit_none<E>(self) -> Result<Raw<'de>, E> {
                Ok(Raw::Json(Value::Null))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Raw<'de>, A::Error> {
                Value::deserialize(MapAccessDeserializer::new(map)).map(Raw::Json)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Raw<'de>, A::Error> {
                Value::deserialize(SeqAccessDeserializer::new(seq)).map(Raw::Json)
            }
        }
        d.deserialize_any(V)
    }
}

impl<'de> Deserialize<'de> for Fields<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Fields<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
                let mut out = Vec::with_capacity(map.size_hint().unwrap_or(8));
                while let Some(Key(k)) = map.next_key::<Key<'de>>()? {
                    let v: Raw<'de> = map.next_value()?;
                    push_field(&mut out, k, v, 0);
                }
                Ok(Fields(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// Adds one field, a nested object as `parent.child` fields down to
/// [`FLATTEN_DEPTH`]; arrays and deeper objects stay values.
fn push_field<'a>(out: &mut FieldList<'a>, key: Cow<'a, str>, v: Raw<'a>, depth: usize) {
    match v {
        Raw::Json(Value::Object(inner)) if depth + 1 < FLATTEN_DEPTH && !inner.is_empty() => {
            for (k, x) in inner {
                push_field(out, Cow::Owned(format!("{key}.{k}")), Raw::of(x), depth + 1);
            }
        }
        other => out.push((key, other)),
    }
}

/// Reads one JSON object as a log record.
pub(crate) fn read_object(
    ctx: &mut Ctx<'_>,
    obj: Map<String, Value>,
) -> Result<(), serde_json::Error> {
    let mut fields = Vec::with_capacity(obj.len());
    for (k, v) in obj {
        push_field(&mut fields, Cow::Owned(k), Raw::of(v), 0);
    }
    read_fields(ctx, fields)
}

/// What a recognised key holds.
#[derive(Clone, Copy)]
enum Role {
    Time,
    Level,
    Message,
    Lifecycle,
    Logger,
    Trace,
    Span,
    Traceparent,
    Service,
}
const ROLES: usize = 9;

type KeyRoles = HashMap<&'static str, Vec<(Role, u8)>, KeyHash>;

/// Every recognised key with the roles it can hold and its rank among
/// that role's keys (the first listed wins).
static KEY_ROLES: LazyLock<KeyRoles> = LazyLock::new(|| {
    let mut m = KeyRoles::default();
    for (role, keys) in [
        (Role::Time, TIME_KEYS),
        (Role::Level, LEVEL_KEYS),
        (Role::Message, MESSAGE_KEYS),
        (Role::Lifecycle, EVENT_KEYS),
        (Role::Logger, LOGGER_KEYS),
        (Role::Trace, TRACE_KEYS),
        (Role::Span, SPAN_KEYS),
        (Role::Traceparent, &["traceparent"][..]),
        (Role::Service, SERVICE_KEYS),
    ] {
        for (rank, k) in keys.iter().enumerate() {
            m.entry(*k).or_default().push((role, rank as u8));
        }
    }
    m
});

/// FNV-1a for the key table: its keys are short and fixed, looked up once
/// per field of every line, where SipHash's start-up cost showed.
#[derive(Default, Clone, Copy)]
struct KeyHash;

impl std::hash::BuildHasher for KeyHash {
    type Hasher = Fnv;
    fn build_hasher(&self) -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

struct Fnv(u64);

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

/// For each role, the field holding it: the one with the best-ranked key.
/// A lifecycle key counts only when it names a lifecycle event; a field
/// that does is not also the message (structlog's `event` is otherwise its
/// message).
fn assign_roles(fields: &FieldList<'_>) -> [Option<usize>; ROLES] {
    let mut best: [Option<(u8, usize)>; ROLES] = [None; ROLES];
    for (i, (k, v)) in fields.iter().enumerate() {
        let Some(roles) = KEY_ROLES.get(k.as_ref()) else {
            continue;
        };
        let names_lifecycle = roles.iter().any(|(r, _)| matches!(r, Role::Lifecycle))
            && v.as_str().and_then(LifecycleKind::parse).is_some();
        for &(role, rank) in roles {
            let holds = match role {
                Role::Lifecycle => names_lifecycle,
                Role::Message => !names_lifecycle,
                _ => true,
            };
            let slot = &mut best[role as usize];
            if holds && slot.is_none_or(|(r, _)| rank < r) {
                *slot = Some((rank, i));
            }
        }
    }
    best.map(|b| b.map(|(_, i)| i))
}

/// Makes a record of a line's fields: the recognised ones give its time,
/// level, body, ids, logger and service; the rest are its attributes.
fn read_fields(ctx: &mut Ctx<'_>, fields: FieldList<'_>) -> Result<(), serde_json::Error> {
    let roles = assign_roles(&fields);
    let get = |r: Role| roles[r as usize].map(|i| &fields[i].1);
    let (time, level, lifecycle, message) = (
        get(Role::Time),
        get(Role::Level),
        get(Role::Lifecycle),
        get(Role::Message),
    );
    if time.is_none() && level.is_none() && message.is_none() && lifecycle.is_none() {
        let keys: Vec<&str> = fields.iter().take(8).map(|(k, _)| k.as_ref()).collect();
        return Err(serde_json::Error::custom(format!(
            "not a log record (no time, level or message): an object with the keys {}",
            keys.join(", ")
        )));
    }

    let Ctx {
        store, sym_cache, ..
    } = ctx;
    let store = &mut **store;
    let mut rec = LogRecord::blank(store.empty(), ctx.source);
    match time.map(raw_time) {
        Some(Some(t)) => rec.time_ns = t,
        Some(None) => ctx.len.bad_times += 1,
        None => {}
    }
    if let Some(l) = level {
        let (n, text): (_, Cow<'_, str>) = match l {
            Raw::Json(Value::Number(n)) => (
                n.as_i64().and_then(Level::of_pino).map(Level::number),
                Cow::Owned(n.to_string()),
            ),
            Raw::Str(s) => (Level::parse(s).map(Level::number), Cow::Borrowed(s)),
            Raw::Json(other) => (None, Cow::Owned(other.to_string())),
        };
        rec.severity = n.unwrap_or(0);
        rec.severity_text = sym_cache.intern(store, &text);
    }
    if let Some(ev) = lifecycle.and_then(Raw::as_str) {
        rec.event_name = sym_cache.intern(store, ev);
    }
    rec.body = match (message, lifecycle) {
        (Some(Raw::Str(s)), _) => sym_cache.str_value(store, s),
        (Some(Raw::Json(v)), _) => crate::jsonval::json_attr(store, v),
        (None, Some(Raw::Str(s))) => sym_cache.str_value(store, s),
        (None, _) => tracelens_model::AttrValue::Empty,
    };
    if let Some(tp) = get(Role::Traceparent).and_then(Raw::as_str) {
        if let Some((t, s)) = parse_traceparent(tp) {
            rec.trace_id = t;
            rec.span_id = s;
        }
    }
    let trace = get(Role::Trace);
    if let Some(t) = trace.and_then(|v| id_value(v, 16)) {
        rec.trace_id = TraceId(t);
    } else if trace.is_some() {
        ctx.len.invalid_ids += 1;
    }
    let span = get(Role::Span);
    if let Some(s) = span.and_then(|v| id_value(v, 8)) {
        rec.span_id = SpanId(s as u64);
    } else if span.is_some() {
        ctx.len.invalid_ids += 1;
    }
    if let Some(name) = get(Role::Logger).and_then(Raw::as_str) {
        let name = sym_cache.intern(store, name);
        rec.scope = match ctx.last_log_scope {
            Some((n, scope)) if n == name => scope,
            _ => {
                let empty = store.empty();
                let scope = store.add_scope(name, empty, Box::new([]));
                ctx.last_log_scope = Some((name, scope));
                scope
            }
        };
    }
    if let Some(svc) = get(Role::Service).and_then(Raw::as_str) {
        let sym = sym_cache.intern(store, svc);
        rec.resource = match ctx.last_log_resource {
            Some((s, res)) if s == sym => res,
            _ => {
                let key = sym_cache.intern(store, "service.name");
                let empty = store.empty();
                let value = tracelens_model::AttrValue::Str(sym);
                let res = store.add_resource(Box::new([Attr { key, value }]), empty);
                ctx.last_log_resource = Some((sym, res));
                res
            }
        };
    }
    let start = store.attrs.len();
    for (i, (k, v)) in fields.iter().enumerate() {
        if roles.contains(&Some(i)) {
            continue;
        }
        let key = sym_cache.intern(store, k);
        let value = match v {
            Raw::Str(s) => sym_cache.str_value(store, s),
            Raw::Json(v) => crate::jsonval::json_attr(store, v),
        };
        store.attrs.push(Attr { key, value });
    }
    rec.attrs = tracelens_model::TraceStore::range_from(start, store.attrs.len());
    crate::otlp_json::settle_log(ctx, &mut rec);
    ctx.store.logs.push(rec);
    ctx.logs_read += 1;
    Ok(())
}

fn raw_time(v: &Raw<'_>) -> Option<u64> {
    match v {
        Raw::Str(s) => parse_time_text(s),
        Raw::Json(v) => parse_time(v),
    }
}

/// A trace or span id: hex (32 or 16 digits; shorter is left-padded),
/// Datadog's decimal 64-bit ids, or Cloud Logging's
/// `projects/P/traces/HEX`.
fn id_value(v: &Raw<'_>, bytes: usize) -> Option<u128> {
    match v {
        Raw::Json(Value::Number(n)) => n.as_u64().map(u128::from).filter(|&x| x != 0),
        Raw::Str(s) => id_text(s, bytes),
        Raw::Json(_) => None,
    }
}

fn id_text(s: &str, bytes: usize) -> Option<u128> {
    let s = s.trim();
    let s = match memchr::memrchr(b'/', s.as_bytes()) {
        Some(p) => &s[p + 1..],
        None => s,
    };
    let hex_len = bytes * 2;
    // Datadog writes decimal 64-bit ids (up to 20 digits); an id of the
    // full hex length made of digits only is still hex.
    let decimal = s.len() <= 20 && s.len() != hex_len && s.bytes().all(|b| b.is_ascii_digit());
    let v = if decimal {
        s.parse::<u64>().ok().map(u128::from)
    } else if !s.is_empty() && s.len() <= hex_len {
        crate::lenient::decode_hex(s.as_bytes())
    } else {
        None
    };
    v.filter(|&x| x != 0)
}

/// W3C `traceparent`: `00-<32 hex>-<16 hex>-<2 hex>`.
fn parse_traceparent(s: &str) -> Option<(TraceId, SpanId)> {
    let mut parts = s.trim().split('-');
    let _version = parts.next()?;
    let t = parts.next().filter(|p| p.len() == 32)?;
    let sp = parts.next().filter(|p| p.len() == 16)?;
    let t = u128::from_str_radix(t, 16).ok()?;
    let sp = u64::from_str_radix(sp, 16).ok()?;
    Some((TraceId(t), SpanId(sp)))
}

/// A time as loggers write it: RFC 3339 (any precision, any offset),
/// the same without an offset (taken as UTC), Python's `2024-01-02
/// 03:04:05,123`, or an epoch number in seconds, milliseconds, microseconds
/// or nanoseconds (told apart by magnitude), as a number or as text.
pub(crate) fn parse_time(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => match n.as_u64() {
            Some(i) => Some(epoch_int(i)),
            None => n.as_f64().and_then(epoch_float),
        },
        Value::String(s) => parse_time_text(s),
        _ => None,
    }
}

fn epoch_int(i: u64) -> u64 {
    match i {
        0..100_000_000_000 => i.saturating_mul(1_000_000_000),
        100_000_000_000..100_000_000_000_000 => i.saturating_mul(1_000_000),
        100_000_000_000_000..100_000_000_000_000_000 => i.saturating_mul(1_000),
        _ => i,
    }
}

fn epoch_float(f: f64) -> Option<u64> {
    if !f.is_finite() || f < 0.0 {
        return None;
    }
    let ns = if f < 1e11 {
        f * 1e9
    } else if f < 1e14 {
        f * 1e6
    } else if f < 1e17 {
        f * 1e3
    } else {
        f
    };
    (ns < u64::MAX as f64).then_some(ns as u64)
}

/// Decimal epoch seconds with a fraction (`1700000000.123456789`, as
/// Python's `created` and many loggers write), to the nanosecond: through
/// an f64 the digits past the microsecond would be lost.
fn epoch_seconds_text(s: &str) -> Option<u64> {
    let (secs, frac) = s.split_once('.')?;
    if secs.is_empty() || secs.len() > 11 || frac.is_empty() || frac.contains('.') {
        return None;
    }
    let secs: u64 = secs.parse().ok()?;
    if secs >= 100_000_000_000 {
        return None;
    }
    let digits = &frac.as_bytes()[..frac.len().min(9)];
    let mut ns = 0u64;
    for &d in digits {
        ns = ns * 10 + u64::from(d - b'0');
    }
    ns *= 10u64.pow(9 - digits.len() as u32);
    Some(secs * 1_000_000_000 + ns)
}

fn parse_time_text(s: &str) -> Option<u64> {
    use chrono::{DateTime, NaiveDateTime};
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        if let Some(t) = epoch_seconds_text(s) {
            return Some(t);
        }
        return match s.parse::<u64>() {
            Ok(i) => Some(epoch_int(i)),
            Err(_) => s.parse::<f64>().ok().and_then(epoch_float),
        };
    }
    // Python's asctime has a comma before the milliseconds.
    let norm = s.replacen(',', ".", 1);
    let to_ns = |t: i64| u64::try_from(t).ok();
    if let Ok(t) = DateTime::parse_from_rfc3339(&norm) {
        return t.timestamp_nanos_opt().and_then(to_ns);
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f%z",
        "%Y-%m-%d %H:%M:%S%.f %z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(&norm, fmt) {
            return t.timestamp_nanos_opt().and_then(to_ns);
        }
    }
    let naive = norm.strip_suffix(" UTC").unwrap_or(&norm);
    for fmt in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(naive, fmt) {
            return t.and_utc().timestamp_nanos_opt().and_then(to_ns);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_in_the_forms_loggers_write() {
        let want = 1_700_000_000_123_000_000u64;
        for v in [
            serde_json::json!("2023-11-14T22:13:20.123Z"),
            serde_json::json!("2023-11-14T23:13:20.123+01:00"),
            serde_json::json!("2023-11-14T23:13:20.123+0100"),
            serde_json::json!("2023-11-14 22:13:20,123"),
            serde_json::json!("2023-11-14T22:13:20.123"),
            serde_json::json!("2023-11-14 22:13:20.123 UTC"),
            serde_json::json!(1_700_000_000.123),
            serde_json::json!(1_700_000_000_123u64),
            serde_json::json!(1_700_000_000_123_000u64),
            serde_json::json!(1_700_000_000_123_000_000u64),
            serde_json::json!("1700000000123"),
            serde_json::json!("1700000000.123"),
        ] {
            let got = parse_time(&v).unwrap_or(0);
            // Float seconds are good to a microsecond.
            assert!(got.abs_diff(want) < 1_000, "{v}: {got}");
        }
        assert_eq!(
            parse_time(&serde_json::json!("1793609998.861250001")),
            Some(1_793_609_998_861_250_001),
            "to the nanosecond"
        );
        assert_eq!(parse_time(&serde_json::json!("yesterday")), None);
        assert_eq!(parse_time(&serde_json::json!(-1.0)), None);
        assert_eq!(parse_time(&serde_json::json!(true)), None);
    }

    #[test]
    fn ids_in_hex_decimal_and_traceparent() {
        let hex = "4bf92f3577b34da6a3ce929d0e0e4736";
        assert_eq!(id_text(hex, 16), Some(0x4bf92f3577b34da6a3ce929d0e0e4736));
        assert_eq!(
            id_text("1234567890123456789", 16),
            Some(1234567890123456789)
        );
        assert_eq!(
            id_value(&Raw::Json(serde_json::json!(1234567890123456789u64)), 8),
            Some(1234567890123456789)
        );
        assert_eq!(
            id_text("projects/p/traces/00f067aa0ba902b7", 16),
            Some(0x00f067aa0ba902b7)
        );
        assert_eq!(id_text("zz", 8), None);
        assert_eq!(id_text("0", 8), None);
        assert_eq!(
            parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
            Some((
                TraceId(0x4bf92f3577b34da6a3ce929d0e0e4736),
                SpanId(0x00f067aa0ba902b7)
            ))
        );
    }
}
