//! OTLP protobuf logs: a ResourceLogs of an ExportLogsServiceRequest /
//! LogsData, decoded with the generated types (prost) and put into the
//! store's log records. Logs are read far less than spans, so the generated
//! decoder is used rather than a hand-written one like `wire`.
//!
//! A ResourceLogs and a ResourceSpans are both field 1 of their message, so
//! which one a message holds is told from its first record: a span always
//! starts with its trace id (field 1, length-delimited); a log record's
//! field 1 is its time (fixed64), and it has no length-delimited field 1.

use crate::ctx::Ctx;
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::logs::v1::ResourceLogs;
use prost::Message;
use tracelens_model::{Attr, AttrValue, LogRecord, SpanId, TraceId};

/// One protobuf field: its number, wire type, and (for length-delimited
/// fields) its bytes; `None` when `b` does not start with a whole field.
fn field(b: &[u8]) -> Option<(u64, u64, &[u8], usize)> {
    let (tag, n) = varint(b)?;
    let (field, wire) = (tag >> 3, tag & 7);
    let rest = &b[n..];
    match wire {
        0 => varint(rest).map(|(_, m)| (field, wire, &rest[..0], n + m)),
        1 => (rest.len() >= 8).then(|| (field, wire, &rest[..0], n + 8)),
        5 => (rest.len() >= 4).then(|| (field, wire, &rest[..0], n + 4)),
        2 => {
            let (len, m) = varint(rest)?;
            let len = usize::try_from(len).ok()?;
            let body = rest.get(m..m.checked_add(len)?)?;
            Some((field, wire, body, n + m + len))
        }
        _ => None,
    }
}

fn varint(b: &[u8]) -> Option<(u64, usize)> {
    let mut v = 0u64;
    for (i, &x) in b.iter().take(10).enumerate() {
        v |= u64::from(x & 0x7F) << (7 * i);
        if x & 0x80 == 0 {
            return Some((v, i + 1));
        }
    }
    None
}

/// The first length-delimited field `want` of message `b`.
fn first(b: &[u8], want: u64) -> Option<&[u8]> {
    let mut at = 0;
    while at < b.len() {
        let (f, wire, body, used) = field(&b[at..])?;
        if f == want && wire == 2 {
            return Some(body);
        }
        at += used;
    }
    None
}

/// Whether a field-1 body of an OTLP message is a ResourceLogs: its first
/// scope's first record does not start with a length-delimited field 1.
pub(crate) fn is_resource_logs(b: &[u8]) -> bool {
    let Some(scope) = first(b, 2) else {
        return false;
    };
    let Some(record) = first(scope, 2) else {
        return false;
    };
    match field(record) {
        Some((1, 2, _, _)) => false,
        Some(_) => true,
        None => false,
    }
}

/// Decodes one ResourceLogs into the store.
pub(crate) fn resource_logs(ctx: &mut Ctx<'_>, b: &[u8]) -> Result<(), String> {
    let rl = ResourceLogs::decode(b).map_err(|e| e.to_string())?;
    let resource = match &rl.resource {
        Some(r) => {
            let store = &mut *ctx.store;
            let attrs = attrs(store, &r.attributes);
            let url = store.intern(&rl.schema_url);
            store.add_resource(attrs.into_boxed_slice(), url)
        }
        None => 0,
    };
    for sl in &rl.scope_logs {
        let scope = match &sl.scope {
            Some(s) => {
                let store = &mut *ctx.store;
                let (name, version) = (store.intern(&s.name), store.intern(&s.version));
                let a = attrs(store, &s.attributes);
                store.add_scope(name, version, a.into_boxed_slice())
            }
            None => 0,
        };
        for r in &sl.log_records {
            let mut rec = {
                let store = &mut *ctx.store;
                let mut rec = LogRecord::blank(store.empty(), ctx.source);
                rec.time_ns = r.time_unix_nano;
                rec.observed_ns = r.observed_time_unix_nano;
                rec.severity = u8::try_from(r.severity_number)
                    .ok()
                    .filter(|n| *n <= 24)
                    .unwrap_or(0);
                rec.severity_text = store.intern(&r.severity_text);
                rec.body = r
                    .body
                    .as_ref()
                    .map_or(AttrValue::Empty, |v| value(store, v));
                let a = attrs(store, &r.attributes);
                rec.attrs = store.push_attrs(a);
                rec.flags = r.flags;
                rec.trace_id = TraceId::from_bytes(&r.trace_id).unwrap_or(TraceId(0));
                rec.span_id = SpanId::from_bytes(&r.span_id).unwrap_or(SpanId(0));
                rec.event_name = store.intern(&r.event_name);
                rec.resource = resource;
                rec.scope = scope;
                rec
            };
            crate::otlp_json::settle_log(ctx, &mut rec);
            ctx.store.logs.push(rec);
            ctx.logs_read += 1;
        }
    }
    Ok(())
}

fn attrs(store: &mut tracelens_model::TraceStore, kv: &[KeyValue]) -> Vec<Attr> {
    kv.iter()
        .map(|a| Attr {
            key: store.intern(&a.key),
            value: a
                .value
                .as_ref()
                .map_or(AttrValue::Empty, |v| value(store, v)),
        })
        .collect()
}

fn value(store: &mut tracelens_model::TraceStore, v: &AnyValue) -> AttrValue {
    match &v.value {
        None => AttrValue::Empty,
        Some(any_value::Value::StringValue(s)) => store.str_value(s),
        Some(any_value::Value::BoolValue(b)) => AttrValue::Bool(*b),
        Some(any_value::Value::IntValue(i)) => AttrValue::Int(*i),
        Some(any_value::Value::DoubleValue(d)) => AttrValue::Double(*d),
        Some(any_value::Value::BytesValue(b)) => AttrValue::Bytes(b.clone().into()),
        Some(any_value::Value::ArrayValue(a)) => {
            AttrValue::Array(a.values.iter().map(|x| value(store, x)).collect())
        }
        Some(any_value::Value::KvlistValue(kv)) => {
            AttrValue::KvList(attrs(store, &kv.values).into())
        }
        #[allow(unreachable_patterns)]
        Some(_) => AttrValue::Empty,
    }
}
