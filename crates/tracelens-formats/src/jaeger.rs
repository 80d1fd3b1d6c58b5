//! Jaeger JSON (jaeger's internal/uimodel): one trace object, a list of traces,
//! or the API/UI download `{"data": [trace, ...]}`. Times are microseconds.
//!
//! Traces are converted one at a time as the parser finishes each, so a
//! truncated download keeps every complete trace before the break. CHILD_OF a
//! span of the same trace is the parent; FOLLOWS_FROM, extra CHILD_OFs and
//! references into other traces become links (non-tree edges) that keep
//! `opentracing.ref_type` so they survive conversion to OTLP.

use crate::ctx::Ctx;
use crate::jsonval::{json_attr, span_id, trace_id, value_u64};
use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;
use tracelens_model::{
    Attr, AttrValue, Event, Link, LinkKind, Span, SpanId, SpanKind, StatusCode, Warning,
    WarningKind,
};

/// A trace as its JSON: each span is read on its own, so one bad span
/// (an `"operationName": null`, a tag list that is a string) costs only
/// itself.
#[derive(Deserialize, Default)]
struct JTrace {
    #[serde(default)]
    spans: Vec<Value>,
    #[serde(default)]
    processes: BTreeMap<String, JProcess>,
}

#[derive(Deserialize)]
struct JSpan {
    #[serde(rename = "traceID", default)]
    trace_id: String,
    #[serde(rename = "spanID", default)]
    span_id: String,
    #[serde(rename = "parentSpanID", default)]
    parent_span_id: Option<String>,
    #[serde(rename = "operationName", default)]
    operation_name: Option<String>,
    #[serde(default)]
    references: Option<Vec<JRef>>,
    #[serde(rename = "startTime", default)]
    start_time: Value,
    #[serde(default)]
    duration: Value,
    #[serde(default)]
    tags: Option<Vec<JKv>>,
    #[serde(default)]
    logs: Option<Vec<JLog>>,
    #[serde(rename = "processID", default)]
    process_id: Option<String>,
    #[serde(default)]
    process: Option<JProcess>,
    #[serde(default)]
    flags: Value,
}

#[derive(Deserialize)]
struct JRef {
    #[serde(rename = "refType", default)]
    ref_type: String,
    #[serde(rename = "traceID", default)]
    trace_id: String,
    #[serde(rename = "spanID", default)]
    span_id: String,
}

#[derive(Deserialize, Default, Clone)]
struct JProcess {
    #[serde(rename = "serviceName", default)]
    service_name: String,
    #[serde(default)]
    tags: Option<Vec<JKv>>,
}

#[derive(Deserialize, Clone)]
struct JKv {
    #[serde(default)]
    key: String,
    #[serde(rename = "type", default)]
    ty: Option<String>,
    #[serde(default)]
    value: Value,
}

#[derive(Deserialize)]
struct JLog {
    #[serde(default)]
    timestamp: Value,
    #[serde(default)]
    fields: Option<Vec<JKv>>,
}

/// Reads one Jaeger document from `d`, a trace at a time.
pub fn read<'de, D: Deserializer<'de>>(ctx: &mut Ctx<'_>, d: D) -> Result<(), D::Error> {
    Top(ctx).deserialize(d)
}

struct Top<'c, 's>(&'c mut Ctx<'s>);
impl<'de> DeserializeSeed<'de> for Top<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}
impl<'de> Visitor<'de> for Top<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a Jaeger trace, a list of traces or {\"data\": [...]}")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        TraceList(self.0).visit_seq(seq)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut single = JTrace::default();
        // The other keys, kept in case the object is one span (a Jaeger
        // Elasticsearch document) rather than a trace.
        let mut rest = serde_json::Map::new();
        let mut keys = Vec::new();
        let mut known = false;
        while let Some(k) = map.next_key::<String>()? {
            match k.as_str() {
                "data" => {
                    known = true;
                    map.next_value_seed(TraceList(&mut *self.0))?
                }
                "spans" => {
                    known = true;
                    single.spans = map.next_value()?
                }
                "processes" => single.processes = map.next_value()?,
                _ => {
                    if keys.len() < 8 {
                        keys.push(k.clone());
                    }
                    let v: Value = map.next_value()?;
                    rest.insert(k, v);
                }
            }
        }
        if rest.contains_key("spanID") && single.spans.is_empty() {
            single.spans.push(Value::Object(rest));
        } else if !known && !keys.is_empty() {
            // Not data, a trace or a span: say what it was.
            return Err(serde::de::Error::custom(format!(
                "not a Jaeger trace, span or {{\"data\": [...]}}: an object with the keys {}",
                keys.join(", ")
            )));
        }
        if !single.spans.is_empty() {
            convert(self.0, single);
        }
        Ok(())
    }
}

struct TraceList<'c, 's>(&'c mut Ctx<'s>);
impl<'de> DeserializeSeed<'de> for TraceList<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}
impl<'de> Visitor<'de> for TraceList<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of Jaeger traces")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut n = 0u64;
        // A list may hold spans rather than traces (jaeger-anonymizer's
        // uiconv input): they make one trace-less group, each with its
        // own process.
        let mut loose = JTrace::default();
        while let Some(t) = seq.next_element::<Value>()? {
            n += 1;
            if t.get("spanID").is_some() {
                loose.spans.push(t);
                continue;
            }
            match JTrace::deserialize(t) {
                Ok(t) => convert(self.0, t),
                Err(e) => self.0.skipped.push(format!(
                    "Jaeger trace {n} could not be read ({e}); skipped, the traces after it were read"
                )),
            }
        }
        if !loose.spans.is_empty() {
            convert(self.0, loose);
        }
        Ok(())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

fn tag_value(ctx: &mut Ctx<'_>, kv: &JKv) -> AttrValue {
    use base64::Engine as _;
    let store = &mut *ctx.store;
    match (
        kv.ty.as_deref().map(str::to_ascii_lowercase).as_deref(),
        &kv.value,
    ) {
        (Some("bool"), Value::String(s)) => AttrValue::Bool(s == "true"),
        (Some("int64"), v) => match v {
            Value::Number(n) => n
                .as_i64()
                .map(AttrValue::Int)
                .unwrap_or_else(|| AttrValue::Double(n.as_f64().unwrap_or(0.0))),
            Value::String(s) => s
                .parse()
                .map(AttrValue::Int)
                .unwrap_or_else(|_| store.str_value(s)),
            other => json_attr(store, other),
        },
        (Some("float64"), Value::String(s)) => s
            .parse()
            .map(AttrValue::Double)
            .unwrap_or_else(|_| store.str_value(s)),
        (Some("binary"), Value::String(s)) => base64::engine::general_purpose::STANDARD
            .decode(s)
            .map(|b| AttrValue::Bytes(b.into()))
            .unwrap_or_else(|_| store.str_value(s)),
        (_, v) => json_attr(store, v),
    }
}

fn kv_attrs(ctx: &mut Ctx<'_>, kvs: &[JKv]) -> Vec<Attr> {
    kvs.iter()
        .map(|kv| Attr {
            key: ctx.store.intern(&kv.key),
            value: tag_value(ctx, kv),
        })
        .collect()
}

fn add_process(ctx: &mut Ctx<'_>, p: &JProcess) -> u32 {
    let mut attrs = vec![Attr {
        key: ctx.store.intern("service.name"),
        value: ctx.store.str_value(&p.service_name),
    }];
    attrs.extend(kv_attrs(ctx, p.tags.as_deref().unwrap_or(&[])));
    let empty = ctx.store.empty();
    ctx.store.add_resource(attrs.into_boxed_slice(), empty)
}

fn convert(ctx: &mut Ctx<'_>, t: JTrace) {
    let procs: BTreeMap<String, u32> = t
        .processes
        .iter()
        .map(|(id, p)| (id.clone(), add_process(ctx, p)))
        .collect();
    let ref_key = ctx.store.intern("opentracing.ref_type");
    let mut bad = 0usize;
    let mut first_bad = None;
    for v in t.spans {
        let js = match JSpan::deserialize(v) {
            Ok(js) => js,
            Err(e) => {
                bad += 1;
                first_bad.get_or_insert(e.to_string());
                continue;
            }
        };
        let tid = trace_id(&js.trace_id, &mut ctx.len);
        let sid = span_id(&js.span_id, &mut ctx.len);
        let resource = match (&js.process, &js.process_id) {
            (Some(p), _) => add_process(ctx, p),
            (None, Some(pid)) => procs.get(pid).copied().unwrap_or(0),
            _ => 0,
        };
        let mut parent = js
            .parent_span_id
            .as_deref()
            .map(|p| span_id(p, &mut ctx.len))
            .unwrap_or(SpanId(0));
        let mut links = Vec::new();
        for r in js.references.as_deref().unwrap_or(&[]) {
            let rt = if r.trace_id.is_empty() {
                tid
            } else {
                trace_id(&r.trace_id, &mut ctx.len)
            };
            let rs = span_id(&r.span_id, &mut ctx.len);
            let child_of = r.ref_type.eq_ignore_ascii_case("CHILD_OF");
            let kind = if child_of && rt == tid && !parent.is_valid() {
                parent = rs;
                continue;
            } else if child_of && rt != tid {
                ctx.store.warnings.push(
                    Warning::new(
                        WarningKind::CrossTraceReference,
                        format!("CHILD_OF reference into trace {rt}; kept as a link"),
                    )
                    .trace(tid)
                    .span(sid),
                );
                LinkKind::CrossTraceParent
            } else if child_of {
                LinkKind::CrossTraceParent
            } else {
                LinkKind::FollowsFrom
            };
            let word = if kind == LinkKind::FollowsFrom {
                "follows_from"
            } else {
                "child_of"
            };
            let value = ctx.store.str_value(word);
            links.push(Link {
                trace_id: rt,
                span_id: rs,
                trace_state: ctx.store.empty(),
                attrs: ctx.store.push_attrs([Attr {
                    key: ref_key,
                    value,
                }]),
                flags: 0,
                kind,
            });
        }
        let mut kind = SpanKind::Unspecified;
        let mut status = StatusCode::Unset;
        let mut status_message = ctx.store.empty();
        // The instrumentation scope, as OpenTelemetry's Jaeger exporter and
        // the Collector's translator write it (`otel.scope.*`, older
        // `otel.library.*`).
        let (mut scope_name, mut scope_version) = (None, None);
        let mut attrs = Vec::new();
        for kv in js.tags.as_deref().unwrap_or(&[]) {
            let text = match &kv.value {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            match kv.key.as_str() {
                "span.kind" => kind = SpanKind::from_name(&text).unwrap_or_default(),
                "error" if text == "true" => status = StatusCode::Error,
                "otel.status_code" => status = StatusCode::from_name(&text).unwrap_or(status),
                "otel.status_description" => status_message = ctx.store.intern(&text),
                "otel.scope.name" | "otel.library.name" => scope_name = Some(text),
                "otel.scope.version" | "otel.library.version" => scope_version = Some(text),
                _ => attrs.push(Attr {
                    key: ctx.store.intern(&kv.key),
                    value: tag_value(ctx, kv),
                }),
            }
        }
        let events: Vec<Event> = js
            .logs
            .as_deref()
            .unwrap_or(&[])
            .iter()
            .map(|l| {
                let fields = l.fields.as_deref().unwrap_or(&[]);
                let name = fields
                    .iter()
                    .find(|f| f.key == "event")
                    .and_then(|f| f.value.as_str())
                    .unwrap_or("log")
                    .to_string();
                let rest: Vec<JKv> = fields
                    .iter()
                    .filter(|f| f.key != "event")
                    .cloned()
                    .collect();
                Event {
                    time_ns: value_u64(&l.timestamp).unwrap_or(0).saturating_mul(1000),
                    name: ctx.store.intern(&name),
                    attrs: {
                        let a = kv_attrs(ctx, &rest);
                        ctx.store.push_attrs(a)
                    },
                }
            })
            .collect();
        let start = value_u64(&js.start_time).unwrap_or(0).saturating_mul(1000);
        let end = value_u64(&js.duration).map(|d| start.saturating_add(d.saturating_mul(1000)));
        let span = Span {
            trace_id: tid,
            span_id: sid,
            parent_span_id: parent,
            start_ns: start,
            end_ns: end,
            name: ctx.store.intern(js.operation_name.as_deref().unwrap_or("")),
            trace_state: ctx.store.empty(),
            status_message,
            resource,
            scope: match (&scope_name, &scope_version) {
                (None, None) => 0,
                (n, v) => {
                    let name = ctx.store.intern(n.as_deref().unwrap_or(""));
                    let version = ctx.store.intern(v.as_deref().unwrap_or(""));
                    ctx.store.add_scope(name, version, Box::new([]))
                }
            },
            source: ctx.source,
            flags: value_u64(&js.flags).unwrap_or(0) as u32,
            kind,
            status,
            attrs: ctx.store.push_attrs(attrs),
            events: ctx.store.push_events(events),
            links: ctx.store.push_links(links),
        };
        ctx.store.spans.push(span);
        ctx.spans_read += 1;
    }
    if let Some(e) = first_bad {
        let spans = if bad == 1 { "span" } else { "spans" };
        ctx.skipped.push(format!(
            "{bad} Jaeger {spans} could not be read and were left out, the rest of the trace \
             was read (first: {e})"
        ));
    }
}
