//! Writing normalised OTLP/JSON Lines: one TracesData per line, lowercase hex
//! ids, times as decimal strings, enums as integers — what the spec says and
//! what the Collector's file exporter writes, so both read it back.

use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;
use std::io::Write;
use tracelens_model::{Attr, AttrValue, Event, Link, LinkKind, Span, TraceStore};

/// Spans per line: big enough to amortise the resource, small enough that one
/// line stays a modest allocation for readers.
const SPANS_PER_LINE: usize = 1000;

/// Writes the given spans (indices into `store.spans`) as OTLP/JSON Lines:
/// each line holds up to 1000 spans, grouped by resource and scope the way an
/// SDK's batch exporter does.
pub fn write_otlp_jsonl<W: Write>(
    store: &TraceStore,
    spans: &[u32],
    mut out: W,
) -> std::io::Result<()> {
    for batch in spans.chunks(SPANS_PER_LINE) {
        write_line(store, &group_by_resource(store, batch), &mut out)?;
    }
    out.flush()
}

/// A resource's spans in a batch, by scope: (resource, [(scope, spans)]).
pub(crate) type ResourceGroup = (u32, Vec<(u32, Vec<u32>)>);

/// The spans of a batch grouped by resource, then by scope, each in order of
/// first appearance: one ResourceSpans per resource, as an SDK writes.
pub(crate) fn group_by_resource(store: &TraceStore, batch: &[u32]) -> Vec<ResourceGroup> {
    group_by(batch, |i| {
        let s = &store.spans[i as usize];
        (s.resource, s.scope)
    })
}

/// Items (spans, log records) grouped by the (resource, scope) `of` gives
/// each, groups in order of first appearance.
pub(crate) fn group_by(batch: &[u32], of: impl Fn(u32) -> (u32, u32)) -> Vec<ResourceGroup> {
    let mut groups: Vec<ResourceGroup> = Vec::new();
    for &i in batch {
        let (resource, scope) = of(i);
        let pos = match groups.iter().position(|g| g.0 == resource) {
            Some(p) => p,
            None => {
                groups.push((resource, Vec::new()));
                groups.len() - 1
            }
        };
        let scopes = &mut groups[pos].1;
        match scopes.iter_mut().find(|g| g.0 == scope) {
            Some(g) => g.1.push(i),
            None => scopes.push((scope, vec![i])),
        }
    }
    groups
}

/// One TracesData line. The envelope is written by hand so that spans stream
/// straight from the store to the writer.
fn write_line<W: Write>(
    st: &TraceStore,
    groups: &[ResourceGroup],
    out: &mut W,
) -> std::io::Result<()> {
    let keys = EnvelopeKeys {
        top: b"resourceSpans",
        scoped: b"scopeSpans",
        items: b"spans",
    };
    write_envelope(st, groups, keys, out, |out, items| {
        serde_json::to_writer(out, &Spans(st, items)).map_err(Into::into)
    })
}

/// The keys of one signal's envelope: `{top: [{resource, scoped: [{scope, items}]}]}`.
pub(crate) struct EnvelopeKeys {
    pub top: &'static [u8],
    pub scoped: &'static [u8],
    pub items: &'static [u8],
}

/// One line of an OTLP/JSON signal (TracesData, LogsData): each resource
/// with its scopes, each scope's items written by `items`.
pub(crate) fn write_envelope<W: Write>(
    st: &TraceStore,
    groups: &[ResourceGroup],
    keys: EnvelopeKeys,
    out: &mut W,
    mut items: impl FnMut(&mut W, &[u32]) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let quoted = |out: &mut W, k: &[u8]| -> std::io::Result<()> {
        out.write_all(b"\"")?;
        out.write_all(k)?;
        out.write_all(b"\":")
    };
    out.write_all(b"{")?;
    quoted(out, keys.top)?;
    out.write_all(b"[")?;
    for (n, (resource, scopes)) in groups.iter().enumerate() {
        let res = &st.resources[*resource as usize];
        if n > 0 {
            out.write_all(b",")?;
        }
        out.write_all(b"{\"resource\":{\"attributes\":")?;
        serde_json::to_writer(&mut *out, &Attrs(st, &res.attrs))?;
        out.write_all(b"},")?;
        quoted(out, keys.scoped)?;
        out.write_all(b"[")?;
        for (m, (scope, list)) in scopes.iter().enumerate() {
            if m > 0 {
                out.write_all(b",")?;
            }
            out.write_all(b"{\"scope\":")?;
            serde_json::to_writer(&mut *out, &ScopeOut(st, &st.scopes[*scope as usize]))?;
            out.write_all(b",")?;
            quoted(out, keys.items)?;
            items(out, list)?;
            out.write_all(b"}")?;
        }
        out.write_all(b"]")?;
        let url = st.resolve(res.schema_url);
        if !url.is_empty() {
            out.write_all(b",\"schemaUrl\":")?;
            serde_json::to_writer(&mut *out, url)?;
        }
        out.write_all(b"}")?;
    }
    out.write_all(b"]}\n")
}

pub(crate) struct ScopeOut<'a>(
    pub(crate) &'a TraceStore,
    pub(crate) &'a tracelens_model::Scope,
);
impl Serialize for ScopeOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("name", self.0.resolve(self.1.name))?;
        m.serialize_entry("version", self.0.resolve(self.1.version))?;
        if !self.1.attrs.is_empty() {
            m.serialize_entry("attributes", &Attrs(self.0, &self.1.attrs))?;
        }
        m.end()
    }
}

struct Spans<'a>(&'a TraceStore, &'a [u32]);
impl Serialize for Spans<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for &i in self.1 {
            seq.serialize_element(&SpanOut(self.0, &self.0.spans[i as usize]))?;
        }
        seq.end()
    }
}

struct SpanOut<'a>(&'a TraceStore, &'a Span);
impl Serialize for SpanOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (st, sp) = (self.0, self.1);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("traceId", &sp.trace_id.to_string())?;
        m.serialize_entry("spanId", &sp.span_id.to_string())?;
        if sp.parent_span_id.is_valid() {
            m.serialize_entry("parentSpanId", &sp.parent_span_id.to_string())?;
        }
        let ts = st.resolve(sp.trace_state);
        if !ts.is_empty() {
            m.serialize_entry("traceState", ts)?;
        }
        if sp.flags != 0 {
            m.serialize_entry("flags", &sp.flags)?;
        }
        m.serialize_entry("name", st.resolve(sp.name))?;
        m.serialize_entry("kind", &(sp.kind as u8))?;
        m.serialize_entry("startTimeUnixNano", &sp.start_ns.to_string())?;
        m.serialize_entry("endTimeUnixNano", &sp.end_ns.unwrap_or(0).to_string())?;
        if !sp.attrs.is_empty() {
            m.serialize_entry("attributes", &Attrs(st, st.attrs_of(sp.attrs)))?;
        }
        if !sp.events.is_empty() {
            m.serialize_entry("events", &Events(st, st.events_of(sp.events)))?;
        }
        if !sp.links.is_empty() {
            m.serialize_entry("links", &Links(st, st.links_of(sp.links)))?;
        }
        m.serialize_entry("status", &StatusOut(st, sp))?;
        m.end()
    }
}

struct StatusOut<'a>(&'a TraceStore, &'a Span);
impl Serialize for StatusOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        let msg = self.0.resolve(self.1.status_message);
        if !msg.is_empty() {
            m.serialize_entry("message", msg)?;
        }
        if self.1.status as u8 != 0 {
            m.serialize_entry("code", &(self.1.status as u8))?;
        }
        m.end()
    }
}

struct Events<'a>(&'a TraceStore, &'a [Event]);
impl Serialize for Events<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for e in self.1 {
            seq.serialize_element(&EventOut(self.0, e))?;
        }
        seq.end()
    }
}

struct EventOut<'a>(&'a TraceStore, &'a Event);
impl Serialize for EventOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("timeUnixNano", &self.1.time_ns.to_string())?;
        m.serialize_entry("name", self.0.resolve(self.1.name))?;
        if !self.1.attrs.is_empty() {
            m.serialize_entry("attributes", &Attrs(self.0, self.0.attrs_of(self.1.attrs)))?;
        }
        m.end()
    }
}

struct Links<'a>(&'a TraceStore, &'a [Link]);
impl Serialize for Links<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for l in self.1 {
            seq.serialize_element(&LinkOut(self.0, l))?;
        }
        seq.end()
    }
}

struct LinkOut<'a>(&'a TraceStore, &'a Link);
impl Serialize for LinkOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (st, l) = (self.0, self.1);
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("traceId", &l.trace_id.to_string())?;
        m.serialize_entry("spanId", &l.span_id.to_string())?;
        let ts = st.resolve(l.trace_state);
        if !ts.is_empty() {
            m.serialize_entry("traceState", ts)?;
        }
        if l.flags != 0 {
            m.serialize_entry("flags", &l.flags)?;
        }
        // Keep Jaeger's reference type, unless the attributes already carry it.
        let has_ref = st
            .lookup("opentracing.ref_type")
            .is_some_and(|k| st.attrs_of(l.attrs).iter().any(|a| a.key == k));
        let extra = match (l.kind, has_ref) {
            (LinkKind::FollowsFrom, false) => Some("follows_from"),
            (LinkKind::CrossTraceParent, false) => Some("child_of"),
            _ => None,
        };
        if !l.attrs.is_empty() || extra.is_some() {
            m.serialize_entry("attributes", &LinkAttrs(st, st.attrs_of(l.attrs), extra))?;
        }
        m.end()
    }
}

struct LinkAttrs<'a>(&'a TraceStore, &'a [Attr], Option<&'static str>);
impl Serialize for LinkAttrs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        for a in self.1 {
            seq.serialize_element(&KvOut(self.0, a))?;
        }
        if let Some(word) = self.2 {
            seq.serialize_element(&serde_json::json!({
                "key": "opentracing.ref_type",
                "value": {"stringValue": word}
            }))?;
        }
        seq.end()
    }
}

pub(crate) struct Attrs<'a>(pub(crate) &'a TraceStore, pub(crate) &'a [Attr]);
impl Serialize for Attrs<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for a in self.1 {
            seq.serialize_element(&KvOut(self.0, a))?;
        }
        seq.end()
    }
}

struct KvOut<'a>(&'a TraceStore, &'a Attr);
impl Serialize for KvOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        m.serialize_entry("key", self.0.resolve(self.1.key))?;
        m.serialize_entry("value", &ValueOut(self.0, &self.1.value))?;
        m.end()
    }
}

pub(crate) struct ValueOut<'a>(pub(crate) &'a TraceStore, pub(crate) &'a AttrValue);
impl Serialize for ValueOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use base64::Engine as _;
        let st = self.0;
        let mut m = s.serialize_map(Some(1))?;
        match self.1 {
            AttrValue::Empty => {}
            AttrValue::Str(x) => m.serialize_entry("stringValue", st.resolve(*x))?,
            AttrValue::Text(t) => m.serialize_entry("stringValue", &**t)?,
            AttrValue::Bool(b) => m.serialize_entry("boolValue", b)?,
            AttrValue::Int(i) => m.serialize_entry("intValue", &i.to_string())?,
            AttrValue::Double(d) if d.is_finite() => m.serialize_entry("doubleValue", d)?,
            AttrValue::Double(d) => m.serialize_entry(
                "doubleValue",
                if d.is_nan() {
                    "NaN"
                } else if *d > 0.0 {
                    "Infinity"
                } else {
                    "-Infinity"
                },
            )?,
            AttrValue::Bytes(b) => m.serialize_entry(
                "bytesValue",
                &base64::engine::general_purpose::STANDARD.encode(&**b),
            )?,
            AttrValue::Array(a) => m.serialize_entry("arrayValue", &ArrayOut(st, a))?,
            AttrValue::KvList(kv) => m.serialize_entry("kvlistValue", &KvListOut(st, kv))?,
        }
        m.end()
    }
}

struct ArrayOut<'a>(&'a TraceStore, &'a [AttrValue]);
impl Serialize for ArrayOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Vals<'a>(&'a TraceStore, &'a [AttrValue]);
        impl Serialize for Vals<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut seq = s.serialize_seq(Some(self.1.len()))?;
                for v in self.1 {
                    seq.serialize_element(&ValueOut(self.0, v))?;
                }
                seq.end()
            }
        }
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("values", &Vals(self.0, self.1))?;
        m.end()
    }
}

struct KvListOut<'a>(&'a TraceStore, &'a [Attr]);
impl Serialize for KvListOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("values", &Attrs(self.0, self.1))?;
        m.end()
    }
}
