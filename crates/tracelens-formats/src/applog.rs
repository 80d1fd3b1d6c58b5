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
use serde::de::Error as _;
use serde_json::{Map, Value};
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
    let obj: Map<String, Value> = serde_json::from_slice(trimmed)?;
    read_object(ctx, obj)
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

/// Reads one JSON object as a log record.
pub(crate) fn read_object(
    ctx: &mut Ctx<'_>,
    obj: Map<String, Value>,
) -> Result<(), serde_json::Error> {
    let mut fields: Vec<(String, Value)> = Vec::with_capacity(obj.len());
    flatten(String::new(), obj, 0, &mut fields);
    let time = take(&mut fields, TIME_KEYS);
    let level = take(&mut fields, LEVEL_KEYS);
    // A lifecycle event names itself in one of the event keys; structlog's
    // `event` is otherwise its message.
    let lifecycle = EVENT_KEYS.iter().find_map(|k| {
        fields
            .iter()
            .position(|(f, v)| f == k && v.as_str().and_then(LifecycleKind::parse).is_some())
    });
    let lifecycle = lifecycle.map(|i| fields.swap_remove(i).1);
    let message = take(&mut fields, MESSAGE_KEYS);
    if time.is_none() && level.is_none() && message.is_none() && lifecycle.is_none() {
        let keys: Vec<&str> = fields.iter().take(8).map(|(k, _)| k.as_str()).collect();
        return Err(serde_json::Error::custom(format!(
            "not a log record (no time, level or message): an object with the keys {}",
            keys.join(", ")
        )));
    }
    let logger = take(&mut fields, LOGGER_KEYS);
    let trace = take(&mut fields, TRACE_KEYS);
    let span = take(&mut fields, SPAN_KEYS);
    let traceparent = take(&mut fields, &["traceparent"]);
    let service = take(&mut fields, SERVICE_KEYS);

    let store = &mut *ctx.store;
    let mut rec = LogRecord::blank(store.empty(), ctx.source);
    match time.as_ref().map(parse_time) {
        Some(Some(t)) => rec.time_ns = t,
        Some(None) => ctx.len.bad_times += 1,
        None => {}
    }
    if let Some(l) = &level {
        let (n, text) = match l {
            Value::Number(n) => (
                n.as_i64().and_then(Level::of_pino).map(Level::number),
                n.to_string(),
            ),
            Value::String(s) => (Level::parse(s).map(Level::number), s.clone()),
            other => (None, other.to_string()),
        };
        rec.severity = n.unwrap_or(0);
        rec.severity_text = store.intern(&text);
    }
    if let Some(ev) = lifecycle.as_ref().and_then(Value::as_str) {
        rec.event_name = store.intern(ev);
    }
    rec.body = match (&message, &lifecycle) {
        (Some(Value::String(s)), _) => store.str_value(s),
        (Some(v), _) => crate::jsonval::json_attr(store, v),
        (None, Some(Value::String(s))) => store.str_value(s),
        (None, _) => tracelens_model::AttrValue::Empty,
    };
    if let Some(Value::String(tp)) = &traceparent {
        if let Some((t, s)) = parse_traceparent(tp) {
            rec.trace_id = t;
            rec.span_id = s;
        }
    }
    if let Some(t) = trace.as_ref().and_then(|v| id_value(v, 16)) {
        rec.trace_id = TraceId(t);
    } else if trace.is_some() {
        ctx.len.invalid_ids += 1;
    }
    if let Some(s) = span.as_ref().and_then(|v| id_value(v, 8)) {
        rec.span_id = SpanId(s as u64);
    } else if span.is_some() {
        ctx.len.invalid_ids += 1;
    }
    if let Some(name) = logger.as_ref().and_then(Value::as_str) {
        let name = store.intern(name);
        let empty = store.empty();
        rec.scope = store.add_scope(name, empty, Box::new([]));
    }
    if let Some(svc) = service.as_ref().and_then(Value::as_str) {
        let key = store.intern("service.name");
        let value = store.str_value(svc);
        let empty = store.empty();
        rec.resource = store.add_resource(Box::new([Attr { key, value }]), empty);
    }
    let start = store.attrs.len();
    for (k, v) in &fields {
        let key = store.intern(k);
        let value = crate::jsonval::json_attr(store, v);
        store.attrs.push(Attr { key, value });
    }
    rec.attrs = tracelens_model::TraceStore::range_from(start, store.attrs.len());
    crate::otlp_json::settle_log(ctx, &mut rec);
    ctx.store.logs.push(rec);
    ctx.logs_read += 1;
    Ok(())
}

/// Takes out the field named by the first of `keys` present.
fn take(fields: &mut Vec<(String, Value)>, keys: &[&str]) -> Option<Value> {
    keys.iter().find_map(|k| {
        let i = fields.iter().position(|(f, _)| f == k)?;
        Some(fields.swap_remove(i).1)
    })
}

/// Moves every field of `obj` to `out`, nested objects as `parent.child`
/// keys down to [`FLATTEN_DEPTH`]; arrays and deeper objects stay values.
fn flatten(prefix: String, obj: Map<String, Value>, depth: usize, out: &mut Vec<(String, Value)>) {
    for (k, v) in obj {
        let key = if prefix.is_empty() {
            k
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Value::Object(inner) if depth + 1 < FLATTEN_DEPTH && !inner.is_empty() => {
                flatten(key, inner, depth + 1, out)
            }
            other => out.push((key, other)),
        }
    }
}

/// A trace or span id: hex (32 or 16 digits; shorter is left-padded),
/// Datadog's decimal 64-bit ids, or Cloud Logging's
/// `projects/P/traces/HEX`.
fn id_value(v: &Value, bytes: usize) -> Option<u128> {
    match v {
        Value::Number(n) => n.as_u64().map(u128::from).filter(|&x| x != 0),
        Value::String(s) => {
            let s = s.trim();
            let s = s.rsplit('/').next().unwrap_or(s);
            let hex_len = bytes * 2;
            // Datadog writes decimal 64-bit ids (up to 20 digits); an id of
            // the full hex length made of digits only is still hex.
            let decimal =
                s.bytes().all(|b| b.is_ascii_digit()) && s.len() <= 20 && s.len() != hex_len;
            let v = if decimal {
                s.parse::<u64>().ok().map(u128::from)
            } else if !s.is_empty() && s.len() <= hex_len {
                u128::from_str_radix(s, 16).ok()
            } else {
                None
            };
            v.filter(|&x| x != 0)
        }
        _ => None,
    }
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

fn parse_time_text(s: &str) -> Option<u64> {
    use chrono::{DateTime, NaiveDateTime};
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    if s.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
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
        ] {
            let got = parse_time(&v).unwrap_or(0);
            // Float seconds are good to a microsecond.
            assert!(got.abs_diff(want) < 1_000, "{v}: {got}");
        }
        assert_eq!(parse_time(&serde_json::json!("yesterday")), None);
        assert_eq!(parse_time(&serde_json::json!(-1.0)), None);
        assert_eq!(parse_time(&serde_json::json!(true)), None);
    }

    #[test]
    fn ids_in_hex_decimal_and_traceparent() {
        let hex = "4bf92f3577b34da6a3ce929d0e0e4736";
        assert_eq!(
            id_value(&serde_json::json!(hex), 16),
            Some(0x4bf92f3577b34da6a3ce929d0e0e4736)
        );
        assert_eq!(
            id_value(&serde_json::json!("1234567890123456789"), 16),
            Some(1234567890123456789)
        );
        assert_eq!(
            id_value(&serde_json::json!(1234567890123456789u64), 8),
            Some(1234567890123456789)
        );
        assert_eq!(
            id_value(&serde_json::json!("projects/p/traces/00f067aa0ba902b7"), 16),
            Some(0x00f067aa0ba902b7)
        );
        assert_eq!(id_value(&serde_json::json!("zz"), 8), None);
        assert_eq!(id_value(&serde_json::json!("0"), 8), None);
        assert_eq!(
            parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"),
            Some((
                TraceId(0x4bf92f3577b34da6a3ce929d0e0e4736),
                SpanId(0x00f067aa0ba902b7)
            ))
        );
    }
}
