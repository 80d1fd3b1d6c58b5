//! Writing OTLP protobuf: one ExportTraceServiceRequest, or the Collector
//! file exporter's stream of 4-byte big-endian length-prefixed messages.

use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{
    any_value, AnyValue, ArrayValue, InstrumentationScope, KeyValue, KeyValueList,
};
use opentelemetry_proto::tonic::resource::v1::Resource;
use opentelemetry_proto::tonic::trace::v1::{
    span, ResourceSpans, ScopeSpans, Span as PSpan, Status,
};
use prost::Message;
use std::io::Write;
use tracelens_model::{Attr, AttrValue, TraceStore};

const SPANS_PER_MESSAGE: usize = 1000;

fn kv(st: &TraceStore, attrs: &[Attr]) -> Vec<KeyValue> {
    attrs
        .iter()
        .map(|a| KeyValue {
            key: st.resolve(a.key).to_string(),
            value: Some(val(st, &a.value)),
            ..Default::default()
        })
        .collect()
}

fn val(st: &TraceStore, v: &AttrValue) -> AnyValue {
    use any_value::Value;
    AnyValue {
        value: match v {
            AttrValue::Empty => None,
            AttrValue::Str(s) => Some(Value::StringValue(st.resolve(*s).to_string())),
            AttrValue::Text(t) => Some(Value::StringValue(t.to_string())),
            AttrValue::Bool(b) => Some(Value::BoolValue(*b)),
            AttrValue::Int(i) => Some(Value::IntValue(*i)),
            AttrValue::Double(d) => Some(Value::DoubleValue(*d)),
            AttrValue::Bytes(b) => Some(Value::BytesValue(b.to_vec())),
            AttrValue::Array(a) => Some(Value::ArrayValue(ArrayValue {
                values: a.iter().map(|x| val(st, x)).collect(),
            })),
            AttrValue::KvList(k) => Some(Value::KvlistValue(KeyValueList { values: kv(st, k) })),
        },
    }
}

/// Batches of up to 1000 spans, grouped by resource and scope, as messages.
pub fn requests(st: &TraceStore, spans: &[u32]) -> Vec<ExportTraceServiceRequest> {
    spans
        .chunks(SPANS_PER_MESSAGE)
        .map(|batch| ExportTraceServiceRequest {
            resource_spans: super::json::group_by_resource(st, batch)
                .into_iter()
                .map(|(r, scopes)| resource_spans(st, r, &scopes))
                .collect(),
        })
        .collect()
}

fn resource_spans(st: &TraceStore, resource: u32, scopes: &[(u32, Vec<u32>)]) -> ResourceSpans {
    let res = &st.resources[resource as usize];
    ResourceSpans {
        resource: Some(Resource {
            attributes: kv(st, &res.attrs),
            dropped_attributes_count: 0,
            entity_refs: Vec::new(),
        }),
        scope_spans: scopes
            .iter()
            .map(|(scope, spans)| scope_spans(st, *scope, spans))
            .collect(),
        schema_url: st.resolve(res.schema_url).to_string(),
    }
}

fn scope_spans(st: &TraceStore, scope: u32, spans: &[u32]) -> ScopeSpans {
    let sc = &st.scopes[scope as usize];
    let pspans = spans
        .iter()
        .map(|&g| {
            let s = &st.spans[g as usize];
            PSpan {
                trace_id: s.trace_id.to_bytes().to_vec(),
                span_id: s.span_id.to_bytes().to_vec(),
                trace_state: st.resolve(s.trace_state).to_string(),
                parent_span_id: if s.parent_span_id.is_valid() {
                    s.parent_span_id.to_bytes().to_vec()
                } else {
                    Vec::new()
                },
                flags: s.flags,
                name: st.resolve(s.name).to_string(),
                kind: s.kind as i32,
                start_time_unix_nano: s.start_ns,
                end_time_unix_nano: s.end_ns.unwrap_or(0),
                attributes: kv(st, st.attrs_of(s.attrs)),
                dropped_attributes_count: 0,
                events: st
                    .events_of(s.events)
                    .iter()
                    .map(|e| span::Event {
                        time_unix_nano: e.time_ns,
                        name: st.resolve(e.name).to_string(),
                        attributes: kv(st, st.attrs_of(e.attrs)),
                        dropped_attributes_count: 0,
                    })
                    .collect(),
                dropped_events_count: 0,
                links: st
                    .links_of(s.links)
                    .iter()
                    .map(|l| span::Link {
                        trace_id: l.trace_id.to_bytes().to_vec(),
                        span_id: l.span_id.to_bytes().to_vec(),
                        trace_state: st.resolve(l.trace_state).to_string(),
                        attributes: kv(st, st.attrs_of(l.attrs)),
                        dropped_attributes_count: 0,
                        flags: l.flags,
                    })
                    .collect(),
                dropped_links_count: 0,
                status: Some(Status {
                    message: st.resolve(s.status_message).to_string(),
                    code: s.status as i32,
                }),
            }
        })
        .collect();
    ScopeSpans {
        scope: Some(InstrumentationScope {
            name: st.resolve(sc.name).to_string(),
            version: st.resolve(sc.version).to_string(),
            attributes: kv(st, &sc.attrs),
            dropped_attributes_count: 0,
        }),
        spans: pspans,
        schema_url: String::new(),
    }
}

/// The Collector file exporter's proto layout: each message preceded by its
/// 4-byte big-endian length.
pub fn write_otlp_proto_framed<W: Write>(
    st: &TraceStore,
    spans: &[u32],
    mut out: W,
) -> std::io::Result<()> {
    for req in requests(st, spans) {
        let bytes = req.encode_to_vec();
        let len =
            u32::try_from(bytes.len()).map_err(|_| std::io::Error::other("message over 4 GiB"))?;
        out.write_all(&len.to_be_bytes())?;
        out.write_all(&bytes)?;
    }
    out.flush()
}

/// One ExportTraceServiceRequest holding every span (messages merged: a
/// repeated field concatenates).
pub fn write_otlp_proto<W: Write>(
    st: &TraceStore,
    spans: &[u32],
    mut out: W,
) -> std::io::Result<()> {
    for req in requests(st, spans) {
        out.write_all(&req.encode_to_vec())?;
    }
    out.flush()
}
