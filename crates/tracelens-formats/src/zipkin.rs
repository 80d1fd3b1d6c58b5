//! Zipkin v2 JSON: a list of spans (or a list of traces, each a list of spans,
//! as the API returns). Times are microseconds. `shared: true` marks the
//! server half of a span whose id the client half also uses; the tree builder
//! joins the two as a client/server pair.

use crate::ctx::Ctx;
use crate::jsonval::{json_attr, span_id, trace_id, value_u64};
use serde::de::{DeserializeSeed, Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use tracelens_model::{Attr, Event, Span, SpanId, SpanKind, StatusCode};

#[derive(Deserialize)]
struct ZSpan {
    #[serde(rename = "traceId", default)]
    trace_id: String,
    #[serde(default)]
    id: String,
    #[serde(rename = "parentId", default)]
    parent_id: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    kind: Option<String>,
    #[serde(default)]
    timestamp: Value,
    #[serde(default)]
    duration: Value,
    #[serde(rename = "localEndpoint", default)]
    local_endpoint: Option<ZEndpoint>,
    #[serde(rename = "remoteEndpoint", default)]
    remote_endpoint: Option<ZEndpoint>,
    #[serde(default)]
    annotations: Option<Vec<ZAnnotation>>,
    #[serde(default)]
    tags: Option<BTreeMap<String, Value>>,
    #[serde(default)]
    shared: Option<bool>,
}

#[derive(Deserialize)]
struct ZEndpoint {
    #[serde(rename = "serviceName", default)]
    service_name: Option<String>,
    #[serde(default)]
    ipv4: Option<String>,
    #[serde(default)]
    port: Option<u16>,
}

#[derive(Deserialize)]
struct ZAnnotation {
    #[serde(default)]
    timestamp: Value,
    #[serde(default)]
    value: String,
}

/// Reads one Zipkin document from `d`, a span at a time: a list of spans,
/// a list of such lists (the API's traces), or one span object.
pub fn read<'de, D: Deserializer<'de>>(ctx: &mut Ctx<'_>, d: D) -> Result<(), D::Error> {
    let mut services = HashMap::new();
    d.deserialize_any(Top(ctx, &mut services))
}

struct Top<'c, 's, 'm>(&'c mut Ctx<'s>, &'m mut HashMap<String, u32>);
impl<'de> Visitor<'de> for Top<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of Zipkin v2 spans or one span")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        List(self.0, self.1, 0).visit_seq(seq)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        Item(self.0, self.1, 1).visit_map(map)
    }
}

/// A list whose items are spans, or (one level down) lists of spans.
struct List<'c, 's, 'm>(&'c mut Ctx<'s>, &'m mut HashMap<String, u32>, u8);
impl<'de> DeserializeSeed<'de> for List<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}
impl<'de> Visitor<'de> for List<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of Zipkin v2 spans")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq
            .next_element_seed(Item(&mut *self.0, &mut *self.1, self.2))?
            .is_some()
        {}
        Ok(())
    }
}

struct Item<'c, 's, 'm>(&'c mut Ctx<'s>, &'m mut HashMap<String, u32>, u8);
impl<'de> DeserializeSeed<'de> for Item<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}
impl<'de> Visitor<'de> for Item<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Zipkin span or a list of spans")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        if self.2 > 0 {
            return Err(serde::de::Error::custom(
                "lists of spans nest at most one level",
            ));
        }
        List(self.0, self.1, self.2 + 1).visit_seq(seq)
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        let z = ZSpan::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        if z.trace_id.is_empty() && z.id.is_empty() {
            // E.g. the OpenTelemetry JS SDK's in-memory span dump: read as
            // Zipkin it would be spans with no ids.
            return Err(serde::de::Error::custom(
                "an object with neither traceId nor id is not a Zipkin v2 span \
                 (an SDK's span dump? export it with an OTLP exporter)",
            ));
        }
        convert(self.0, self.1, z);
        Ok(())
    }
}

fn convert(ctx: &mut Ctx<'_>, services: &mut HashMap<String, u32>, z: ZSpan) {
    let service = z
        .local_endpoint
        .as_ref()
        .and_then(|e| e.service_name.clone())
        .unwrap_or_default();
    let resource = match services.get(&service) {
        Some(&r) => r,
        None => {
            let attrs = vec![Attr {
                key: ctx.store.intern("service.name"),
                value: ctx.store.str_value(&service),
            }];
            let empty = ctx.store.empty();
            let r = ctx.store.add_resource(attrs.into_boxed_slice(), empty);
            services.insert(service, r);
            r
        }
    };
    let mut status = StatusCode::Unset;
    let mut status_message = ctx.store.empty();
    let mut attrs = Vec::new();
    // The instrumentation scope, as OpenTelemetry's Zipkin exporter writes
    // it (`otel.scope.*`, older `otel.library.*`).
    let (mut scope_name, mut scope_version) = (None, None);
    for (k, v) in z.tags.iter().flatten() {
        let text = match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match k.as_str() {
            "error" => {
                status = StatusCode::Error;
                status_message = ctx.store.intern(&text);
            }
            "otel.status_code" => status = StatusCode::from_name(&text).unwrap_or(status),
            "otel.status_description" => status_message = ctx.store.intern(&text),
            "otel.scope.name" | "otel.library.name" => scope_name = Some(text),
            "otel.scope.version" | "otel.library.version" => scope_version = Some(text),
            _ => attrs.push(Attr {
                key: ctx.store.intern(k),
                value: json_attr(ctx.store, v),
            }),
        }
    }
    if let Some(r) = &z.remote_endpoint {
        if let Some(s) = &r.service_name {
            attrs.push(Attr {
                key: ctx.store.intern("peer.service"),
                value: ctx.store.str_value(s),
            });
        }
        if let Some(ip) = &r.ipv4 {
            attrs.push(Attr {
                key: ctx.store.intern("net.peer.ip"),
                value: ctx.store.str_value(ip),
            });
        }
        if let Some(p) = r.port {
            attrs.push(Attr {
                key: ctx.store.intern("net.peer.port"),
                value: tracelens_model::AttrValue::Int(i64::from(p)),
            });
        }
    }
    let events: Vec<Event> = z
        .annotations
        .iter()
        .flatten()
        .map(|a| Event {
            time_ns: value_u64(&a.timestamp).unwrap_or(0).saturating_mul(1000),
            name: ctx.store.intern(&a.value),
            attrs: Default::default(),
        })
        .collect();
    let start = value_u64(&z.timestamp)
        .map(|t| t.saturating_mul(1000))
        .or_else(|| events.iter().map(|e| e.time_ns).min())
        .unwrap_or(0);
    let end = value_u64(&z.duration).map(|d| start.saturating_add(d.saturating_mul(1000)));
    let mut kind = z
        .kind
        .as_deref()
        .and_then(SpanKind::from_name)
        .unwrap_or_default();
    if kind == SpanKind::Unspecified {
        // Zipkin's model: a span without a kind is a local one (in-process
        // work), unless it is the shared server half of an RPC.
        kind = if z.shared == Some(true) {
            SpanKind::Server
        } else {
            SpanKind::Internal
        };
    }
    let scope = match (&scope_name, &scope_version) {
        (None, None) => 0,
        (n, v) => {
            let name = ctx.store.intern(n.as_deref().unwrap_or(""));
            let version = ctx.store.intern(v.as_deref().unwrap_or(""));
            ctx.store.add_scope(name, version, Box::new([]))
        }
    };
    let span = Span {
        trace_id: trace_id(&z.trace_id, &mut ctx.len),
        span_id: span_id(&z.id, &mut ctx.len),
        parent_span_id: z
            .parent_id
            .as_deref()
            .map(|p| span_id(p, &mut ctx.len))
            .unwrap_or(SpanId(0)),
        start_ns: start,
        end_ns: end,
        name: ctx.store.intern(z.name.as_deref().unwrap_or("")),
        trace_state: ctx.store.empty(),
        status_message,
        resource,
        scope,
        source: ctx.source,
        flags: 0,
        kind,
        status,
        attrs: ctx.store.push_attrs(attrs),
        events: ctx.store.push_events(events),
        links: Default::default(),
    };
    ctx.store.spans.push(span);
    ctx.spans_read += 1;
}
