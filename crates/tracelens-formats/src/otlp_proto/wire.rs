//! A direct decoder for the OTLP trace protobuf, from wire bytes into the store.
//!
//! Why not prost (which `opentelemetry-proto` generates and the writers use):
//! prost materialises every key and value as an owned `String`, which the
//! model then interns and drops. Decoding straight from the buffer interns from
//! borrowed bytes and allocates nothing per span, about twice as fast. The
//! message subset is small and stable (opentelemetry/proto/trace/v1,
//! common/v1, resource/v1); the round-trip tests check it against prost's
//! encoder on every field the model keeps.

use crate::ctx::{link_kind, Ctx};
use tracelens_model::{
    Attr, AttrValue, Event, Link, Range, Span, SpanId, SpanKind, StatusCode, TraceId, TraceStore,
};

/// Nested AnyValue depth accepted (prost's own limit is 100).
const MAX_DEPTH: u32 = 64;

#[derive(Debug)]
pub struct WireError {
    pub offset: usize,
    pub message: &'static str,
}

type R<T> = Result<T, WireError>;

struct Wire<'a> {
    buf: &'a [u8],
    pos: usize,
}

enum Field<'a> {
    Varint(u64),
    Fixed64(u64),
    Fixed32(u32),
    Bytes(&'a [u8]),
}

impl<'a> Wire<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Wire { buf, pos: 0 }
    }

    fn err<T>(&self, message: &'static str) -> R<T> {
        Err(WireError {
            offset: self.pos,
            message,
        })
    }

    #[inline]
    fn varint(&mut self) -> R<u64> {
        // Tags and most lengths fit in one byte.
        if let Some(&b) = self.buf.get(self.pos) {
            if b < 0x80 {
                self.pos += 1;
                return Ok(u64::from(b));
            }
        }
        self.varint_slow()
    }

    fn varint_slow(&mut self) -> R<u64> {
        let mut v = 0u64;
        for i in 0..10 {
            let Some(&b) = self.buf.get(self.pos) else {
                return self.err("message ends inside a varint");
            };
            self.pos += 1;
            v |= u64::from(b & 0x7F) << (7 * i);
            if b & 0x80 == 0 {
                return Ok(v);
            }
        }
        self.err("varint longer than 10 bytes")
    }

    fn take(&mut self, n: usize) -> R<&'a [u8]> {
        match self.pos.checked_add(n).filter(|&e| e <= self.buf.len()) {
            Some(end) => {
                let s = &self.buf[self.pos..end];
                self.pos = end;
                Ok(s)
            }
            None => self.err("field runs past the end of its message"),
        }
    }

    /// The next field, or `None` at the end of the message.
    fn next(&mut self) -> R<Option<(u64, Field<'a>)>> {
        if self.pos >= self.buf.len() {
            return Ok(None);
        }
        let tag = self.varint()?;
        let f = match tag & 7 {
            0 => Field::Varint(self.varint()?),
            1 => {
                let b = self.take(8)?;
                Field::Fixed64(u64::from_le_bytes([
                    b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7],
                ]))
            }
            2 => {
                let len = self.varint()?;
                let len = usize::try_from(len).unwrap_or(usize::MAX);
                Field::Bytes(self.take(len)?)
            }
            5 => {
                let b = self.take(4)?;
                Field::Fixed32(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            }
            _ => return self.err("unsupported wire type (not OTLP protobuf)"),
        };
        Ok(Some((tag >> 3, f)))
    }
}

/// Wraps an error from a nested message at `base` into the outer offset.
fn at<T>(base: usize, r: R<T>) -> R<T> {
    r.map_err(|e| WireError {
        offset: base + e.offset,
        message: e.message,
    })
}

fn text<'a>(ctx: &mut Ctx<'_>, b: &'a [u8]) -> std::borrow::Cow<'a, str> {
    match std::str::from_utf8(b) {
        Ok(s) => std::borrow::Cow::Borrowed(s),
        Err(_) => {
            ctx.len.odd_values += 1;
            String::from_utf8_lossy(b)
        }
    }
}

fn intern(ctx: &mut Ctx<'_>, b: &[u8]) -> tracelens_model::Sym {
    if let Some(sym) = ctx.sym_cache.get(ctx.store, b) {
        return sym;
    }
    let t = text(ctx, b);
    let sym = ctx.store.intern(&t);
    ctx.sym_cache.put(b, sym);
    sym
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

/// Decodes a whole TracesData / ExportTraceServiceRequest held in memory
/// (one framed message), without copying its ResourceSpans out; a LogsData
/// / ExportLogsServiceRequest likewise, by its ResourceLogs.
pub fn traces_data(ctx: &mut Ctx<'_>, buf: &[u8]) -> R<()> {
    let mut w = Wire::new(buf);
    while let Some((field, f)) = w.next()? {
        if let (1, Field::Bytes(b)) = (field, f) {
            let start = w.pos - b.len();
            if super::logs::is_resource_logs(b) {
                super::logs::resource_logs(ctx, b).map_err(|_| WireError {
                    offset: start,
                    message: "bad ResourceLogs (protobuf decoding failed)",
                })?;
            } else {
                at(start, resource_spans(ctx, b))?;
            }
        }
    }
    Ok(())
}

/// Decodes one ResourceSpans message into the store.
pub fn resource_spans(ctx: &mut Ctx<'_>, buf: &[u8]) -> R<()> {
    let mut w = Wire::new(buf);
    let first = ctx.store.spans.len();
    let mut attrs = None;
    let mut schema = None;
    while let Some((field, f)) = w.next()? {
        let base = w.pos;
        match (field, f) {
            (1, Field::Bytes(b)) => attrs = Some(at(base - b.len(), resource_msg(ctx, b))?.into()),
            (2, Field::Bytes(b)) => at(base - b.len(), scope_spans(ctx, b))?,
            (3, Field::Bytes(b)) => schema = Some(intern(ctx, b)),
            _ => {}
        }
    }
    // The resource and its schema URL may come before or after the spans.
    ctx.store.set_resource_from(first, attrs, schema);
    Ok(())
}

fn resource_msg(ctx: &mut Ctx<'_>, buf: &[u8]) -> R<Vec<Attr>> {
    let mut w = Wire::new(buf);
    let mut attrs = Vec::new();
    while let Some((field, f)) = w.next()? {
        if let (1, Field::Bytes(b)) = (field, f) {
            let base = w.pos - b.len();
            attrs.push(at(base, key_value(ctx, b, 0))?);
        }
    }
    Ok(attrs)
}

fn scope_spans(ctx: &mut Ctx<'_>, buf: &[u8]) -> R<()> {
    let mut w = Wire::new(buf);
    let first = ctx.store.spans.len();
    let mut scope = 0u32;
    while let Some((field, f)) = w.next()? {
        let Field::Bytes(b) = f else { continue };
        let base = w.pos - b.len();
        match field {
            1 => {
                scope = at(base, scope_msg(ctx, b))?;
                for s in &mut ctx.store.spans[first..] {
                    s.scope = scope;
                }
            }
            2 => at(base, span(ctx, b, scope))?,
            _ => {}
        }
    }
    Ok(())
}

fn scope_msg(ctx: &mut Ctx<'_>, buf: &[u8]) -> R<u32> {
    let mut w = Wire::new(buf);
    let empty = ctx.store.empty();
    let (mut name, mut version) = (empty, empty);
    let mut attrs = Vec::new();
    while let Some((field, f)) = w.next()? {
        let Field::Bytes(b) = f else { continue };
        let base = w.pos - b.len();
        match field {
            1 => name = intern(ctx, b),
            2 => version = intern(ctx, b),
            3 => attrs.push(at(base, key_value(ctx, b, 0))?),
            _ => {}
        }
    }
    Ok(ctx.store.add_scope(name, version, attrs.into()))
}

fn span(ctx: &mut Ctx<'_>, buf: &[u8], scope: u32) -> R<()> {
    let mut w = Wire::new(buf);
    let empty = ctx.store.empty();
    let mut s = Span::blank(empty, scope, ctx.source);
    // A span's attributes, events and links are gathered and appended at the
    // end: repeated fields may legally interleave with each other, and an
    // event's own attributes go to the attribute arena while it is read.
    let mut attrs = std::mem::take(&mut ctx.scratch_attrs);
    let mut events = std::mem::take(&mut ctx.scratch_events);
    let mut links = std::mem::take(&mut ctx.scratch_links);
    attrs.clear();
    events.clear();
    links.clear();
    let res = (|| -> R<()> {
        while let Some((field, f)) = w.next()? {
            match (field, f) {
                (1, Field::Bytes(b)) => s.trace_id = trace_id(ctx, b),
                (2, Field::Bytes(b)) => s.span_id = span_id(ctx, b),
                (3, Field::Bytes(b)) => s.trace_state = intern(ctx, b),
                (4, Field::Bytes(b)) => s.parent_span_id = span_id(ctx, b),
                (5, Field::Bytes(b)) => s.name = intern(ctx, b),
                (6, Field::Varint(v)) => s.kind = SpanKind::from_i64(v as i64).unwrap_or_default(),
                (7, Field::Fixed64(v)) => s.start_ns = v,
                (8, Field::Fixed64(v)) => s.end_ns = (v != 0).then_some(v),
                (9, Field::Bytes(b)) => {
                    let base = w.pos - b.len();
                    attrs.push(at(base, key_value(ctx, b, 0))?)
                }
                (11, Field::Bytes(b)) => {
                    let base = w.pos - b.len();
                    events.push(at(base, event(ctx, b))?)
                }
                (13, Field::Bytes(b)) => {
                    let base = w.pos - b.len();
                    links.push(at(base, link(ctx, b))?)
                }
                (15, Field::Bytes(b)) => {
                    let base = w.pos - b.len();
                    let (code, msg) = at(base, status(ctx, b))?;
                    s.status = code;
                    s.status_message = msg;
                }
                (16, Field::Fixed32(v)) => s.flags = v,
                _ => {}
            }
        }
        Ok(())
    })();
    if res.is_ok() {
        s.attrs = ctx.store.push_attrs(attrs.drain(..));
        s.events = ctx.store.push_events(events.drain(..));
        s.links = ctx.store.push_links(links.drain(..));
        ctx.store.spans.push(s);
        ctx.spans_read += 1;
    }
    ctx.scratch_attrs = attrs;
    ctx.scratch_events = events;
    ctx.scratch_links = links;
    res
}

fn event(ctx: &mut Ctx<'_>, buf: &[u8]) -> R<Event> {
    let mut w = Wire::new(buf);
    let start = ctx.store.attrs.len();
    let mut ev = Event {
        time_ns: 0,
        name: ctx.store.empty(),
        attrs: Range::default(),
    };
    while let Some((field, f)) = w.next()? {
        match (field, f) {
            (1, Field::Fixed64(v)) => ev.time_ns = v,
            (2, Field::Bytes(b)) => ev.name = intern(ctx, b),
            (3, Field::Bytes(b)) => {
                let base = w.pos - b.len();
                let a = at(base, key_value(ctx, b, 0))?;
                ctx.store.attrs.push(a);
            }
            _ => {}
        }
    }
    ev.attrs = TraceStore::range_from(start, ctx.store.attrs.len());
    Ok(ev)
}

fn link(ctx: &mut Ctx<'_>, buf: &[u8]) -> R<Link> {
    let mut w = Wire::new(buf);
    let start = ctx.store.attrs.len();
    let mut l = Link::blank(ctx.store.empty());
    while let Some((field, f)) = w.next()? {
        match (field, f) {
            (1, Field::Bytes(b)) => l.trace_id = trace_id(ctx, b),
            (2, Field::Bytes(b)) => l.span_id = span_id(ctx, b),
            (3, Field::Bytes(b)) => l.trace_state = intern(ctx, b),
            (4, Field::Bytes(b)) => {
                let base = w.pos - b.len();
                let a = at(base, key_value(ctx, b, 0))?;
                ctx.store.attrs.push(a);
            }
            (6, Field::Fixed32(v)) => l.flags = v,
            _ => {}
        }
    }
    l.attrs = TraceStore::range_from(start, ctx.store.attrs.len());
    let key = ctx.store.intern("opentracing.ref_type");
    l.kind = link_kind(ctx.store, key, ctx.store.attrs_of(l.attrs));
    Ok(l)
}

fn status(ctx: &mut Ctx<'_>, buf: &[u8]) -> R<(StatusCode, tracelens_model::Sym)> {
    let mut w = Wire::new(buf);
    let mut code = StatusCode::Unset;
    let mut msg = ctx.store.empty();
    while let Some((field, f)) = w.next()? {
        match (field, f) {
            (2, Field::Bytes(b)) => msg = intern(ctx, b),
            (3, Field::Varint(v)) => code = StatusCode::from_i64(v as i64).unwrap_or_default(),
            _ => {}
        }
    }
    Ok((code, msg))
}

fn key_value(ctx: &mut Ctx<'_>, buf: &[u8], depth: u32) -> R<Attr> {
    let mut w = Wire::new(buf);
    let mut key = ctx.store.empty();
    let mut value = AttrValue::Empty;
    while let Some((field, f)) = w.next()? {
        match (field, f) {
            (1, Field::Bytes(b)) => key = intern(ctx, b),
            (2, Field::Bytes(b)) => {
                let base = w.pos - b.len();
                value = at(base, any_value(ctx, b, depth))?;
            }
            _ => {}
        }
    }
    Ok(Attr { key, value })
}

fn any_value(ctx: &mut Ctx<'_>, buf: &[u8], depth: u32) -> R<AttrValue> {
    let mut w = Wire::new(buf);
    if depth > MAX_DEPTH {
        return w.err("attribute values nested too deep");
    }
    let mut v = AttrValue::Empty;
    while let Some((field, f)) = w.next()? {
        v = match (field, f) {
            (1, Field::Bytes(b)) if b.len() <= tracelens_model::INTERN_MAX_LEN => {
                AttrValue::Str(intern(ctx, b))
            }
            (1, Field::Bytes(b)) => {
                let t = text(ctx, b);
                ctx.store.str_value(&t)
            }
            (2, Field::Varint(x)) => AttrValue::Bool(x != 0),
            (3, Field::Varint(x)) => AttrValue::Int(x as i64),
            (4, Field::Fixed64(x)) => AttrValue::Double(f64::from_bits(x)),
            (5, Field::Bytes(b)) => {
                let base = w.pos - b.len();
                AttrValue::Array(
                    repeated(ctx, b, base, |ctx, e| any_value(ctx, e, depth + 1))?.into(),
                )
            }
            (6, Field::Bytes(b)) => {
                let base = w.pos - b.len();
                AttrValue::KvList(
                    repeated(ctx, b, base, |ctx, e| key_value(ctx, e, depth + 1))?.into(),
                )
            }
            (7, Field::Bytes(b)) => AttrValue::Bytes(b.to_vec().into()),
            _ => continue,
        };
    }
    Ok(v)
}

/// The `values` (field 1) of an ArrayValue or KeyValueList at `base`, each
/// decoded by `item`.
fn repeated<T>(
    ctx: &mut Ctx<'_>,
    buf: &[u8],
    base: usize,
    mut item: impl FnMut(&mut Ctx<'_>, &[u8]) -> R<T>,
) -> R<Vec<T>> {
    let mut w = Wire::new(buf);
    let mut out = Vec::new();
    while let Some((field, f)) = at(base, w.next())? {
        if let (1, Field::Bytes(e)) = (field, f) {
            out.push(at(base + w.pos - e.len(), item(ctx, e))?);
        }
    }
    Ok(out)
}
