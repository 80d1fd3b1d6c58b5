//! OTLP protobuf: one ExportTraceServiceRequest / TracesData message, read
//! field by field so a large message is never decoded whole; each
//! ResourceSpans is decoded with prost (opentelemetry-proto's types) and
//! converted, then dropped.

use crate::error::{Position, ReadError};
use crate::otlp_json::{link_kind, Ctx};
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use opentelemetry_proto::tonic::trace::v1::ResourceSpans;
use prost::Message;
use std::io::Read;
use tracelens_model::{
    Attr, AttrValue, Event, Link, Range, Span, SpanId, SpanKind, StatusCode, TraceId, TraceStore,
};

/// Largest single ResourceSpans accepted (a hostile length must not allocate 4 GiB).
const MAX_FIELD: u64 = 1 << 30;

/// Reads a varint; `Ok(None)` at a clean end of input.
fn read_varint(r: &mut impl Read, offset: &mut u64) -> std::io::Result<Option<u64>> {
    let mut v: u64 = 0;
    for i in 0..10 {
        let mut b = [0u8; 1];
        let n = r.read(&mut b)?;
        if n == 0 {
            if i == 0 {
                return Ok(None);
            }
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "input ends inside a varint",
            ));
        }
        *offset += 1;
        v |= u64::from(b[0] & 0x7F) << (7 * i);
        if b[0] & 0x80 == 0 {
            return Ok(Some(v));
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        "varint longer than 10 bytes",
    ))
}

fn read_exact_len(r: &mut impl Read, len: u64, offset: &mut u64) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    // `take` + `read_to_end` grows with the data actually present, so a
    // length that lies costs no more memory than the input has.
    let got = r.take(len).read_to_end(&mut buf)? as u64;
    *offset += got;
    if got < len {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            format!("input ends {} bytes into a {len}-byte field", got),
        ));
    }
    Ok(buf)
}

/// Reads the fields of one top-level message from `r` until it ends.
/// `base` is the byte offset of `r`'s start in the input, for error positions.
pub fn read_message(
    ctx: &mut Ctx<'_>,
    r: &mut impl Read,
    file: &str,
    base: u64,
) -> Result<(), ReadError> {
    let mut off = 0u64;
    let err = |off: u64, msg: String| ReadError::corrupt(file, Position::Byte(base + off), msg);
    loop {
        let field_start = off;
        let tag = match read_varint(r, &mut off) {
            Ok(Some(t)) => t,
            Ok(None) => return Ok(()),
            Err(e) => return Err(err(field_start, e.to_string())),
        };
        let (field, wire) = (tag >> 3, tag & 7);
        match wire {
            0 => {
                read_varint(r, &mut off)
                    .map_err(|e| err(field_start, e.to_string()))?
                    .ok_or_else(|| err(field_start, "input ends inside a field".into()))?;
            }
            1 | 5 => {
                let n = if wire == 1 { 8 } else { 4 };
                read_exact_len(r, n, &mut off).map_err(|e| err(field_start, e.to_string()))?;
            }
            2 => {
                let len = read_varint(r, &mut off)
                    .map_err(|e| err(field_start, e.to_string()))?
                    .ok_or_else(|| err(field_start, "input ends inside a field".into()))?;
                if len > MAX_FIELD {
                    return Err(err(
                        field_start,
                        format!("field of {len} bytes is over the 1 GiB limit"),
                    ));
                }
                let buf = read_exact_len(r, len, &mut off)
                    .map_err(|e| err(field_start, e.to_string()))?;
                if field == 1 {
                    let rs = ResourceSpans::decode(buf.as_slice())
                        .map_err(|e| err(field_start, format!("bad ResourceSpans: {e}")))?;
                    convert_resource_spans(ctx, rs);
                }
            }
            _ => {
                return Err(err(
                    field_start,
                    format!("not OTLP protobuf (field {field} with wire type {wire})"),
                ))
            }
        }
    }
}

fn attrs(ctx: &mut Ctx<'_>, kvs: Vec<KeyValue>) -> Box<[Attr]> {
    kvs.into_iter()
        .map(|kv| Attr {
            key: ctx.store.intern(&kv.key),
            value: any(ctx, kv.value),
        })
        .collect()
}

/// Appends attributes to the store's arena.
fn arena_attrs(ctx: &mut Ctx<'_>, kvs: Vec<KeyValue>) -> Range {
    let start = ctx.store.attrs.len();
    for kv in kvs {
        let a = Attr {
            key: ctx.store.intern(&kv.key),
            value: any(ctx, kv.value),
        };
        ctx.store.attrs.push(a);
    }
    TraceStore::range_from(start, ctx.store.attrs.len())
}

fn any(ctx: &mut Ctx<'_>, v: Option<AnyValue>) -> AttrValue {
    match v.and_then(|v| v.value) {
        None => AttrValue::Empty,
        Some(any_value::Value::StringValue(s)) => ctx.store.str_value(&s),
        Some(any_value::Value::BoolValue(b)) => AttrValue::Bool(b),
        Some(any_value::Value::IntValue(i)) => AttrValue::Int(i),
        Some(any_value::Value::DoubleValue(d)) => AttrValue::Double(d),
        Some(any_value::Value::BytesValue(b)) => AttrValue::Bytes(b.into()),
        Some(any_value::Value::ArrayValue(a)) => {
            AttrValue::Array(a.values.into_iter().map(|x| any(ctx, Some(x))).collect())
        }
        Some(any_value::Value::KvlistValue(kv)) => AttrValue::KvList(attrs(ctx, kv.values).into()),
        #[allow(unreachable_patterns)]
        Some(_) => AttrValue::Empty,
    }
}

fn trace_id(ctx: &mut Ctx<'_>, b: &[u8]) -> TraceId {
    TraceId::from_bytes(b).unwrap_or_else(|_| {
        ctx.len.invalid_ids += 1;
        TraceId(0)
    })
}

fn span_id(ctx: &mut Ctx<'_>, b: &[u8]) -> SpanId {
    SpanId::from_bytes(b).unwrap_or_else(|_| {
        ctx.len.invalid_ids += 1;
        SpanId(0)
    })
}

pub fn convert_resource_spans(ctx: &mut Ctx<'_>, rs: ResourceSpans) {
    let res_attrs = rs
        .resource
        .map(|r| attrs(ctx, r.attributes))
        .unwrap_or_default();
    let schema = ctx.store.intern(&rs.schema_url);
    let resource = ctx.store.add_resource(res_attrs, schema);
    let ref_type_key = ctx.store.intern("opentracing.ref_type");
    for ss in rs.scope_spans {
        let scope = match ss.scope {
            Some(s) => {
                let name = ctx.store.intern(&s.name);
                let version = ctx.store.intern(&s.version);
                let a = attrs(ctx, s.attributes);
                ctx.store.add_scope(name, version, a)
            }
            None => 0,
        };
        for s in ss.spans {
            let ev_start = ctx.store.events.len();
            for e in s.events {
                let ev = Event {
                    time_ns: e.time_unix_nano,
                    name: ctx.store.intern(&e.name),
                    attrs: arena_attrs(ctx, e.attributes),
                };
                ctx.store.events.push(ev);
            }
            let events = TraceStore::range_from(ev_start, ctx.store.events.len());
            let link_start = ctx.store.links.len();
            for l in s.links {
                let a = arena_attrs(ctx, l.attributes);
                let link = Link {
                    trace_id: trace_id(ctx, &l.trace_id),
                    span_id: span_id(ctx, &l.span_id),
                    trace_state: ctx.store.intern(&l.trace_state),
                    kind: link_kind(ctx.store, ref_type_key, ctx.store.attrs_of(a)),
                    attrs: a,
                    flags: l.flags,
                };
                ctx.store.links.push(link);
            }
            let links = TraceStore::range_from(link_start, ctx.store.links.len());
            let (status, status_message) = match s.status {
                Some(st) => (
                    StatusCode::from_i64(i64::from(st.code)).unwrap_or(StatusCode::Unset),
                    ctx.store.intern(&st.message),
                ),
                None => (StatusCode::Unset, ctx.store.empty()),
            };
            let span = Span {
                trace_id: trace_id(ctx, &s.trace_id),
                span_id: span_id(ctx, &s.span_id),
                parent_span_id: span_id(ctx, &s.parent_span_id),
                start_ns: s.start_time_unix_nano,
                end_ns: (s.end_time_unix_nano != 0).then_some(s.end_time_unix_nano),
                name: ctx.store.intern(&s.name),
                trace_state: ctx.store.intern(&s.trace_state),
                status_message,
                resource,
                scope,
                source: ctx.source,
                flags: s.flags,
                kind: SpanKind::from_i64(i64::from(s.kind)).unwrap_or_default(),
                status,
                attrs: arena_attrs(ctx, s.attributes),
                events,
                links,
            };
            ctx.store.spans.push(span);
            ctx.spans_read += 1;
        }
    }
}
