//! A builder for spans in code (tests, generators, receivers): readers of
//! files build [`Span`]s directly for speed.

use crate::attr::{Attr, AttrValue};
use crate::ids::{SpanId, TraceId};
use crate::log::{Level, LogRecord, RecordKind};
use crate::span::{Event, Link, LinkKind, Range, Span, SpanKind, StatusCode};
use crate::store::TraceStore;

pub struct SpanBuilder<'s> {
    store: &'s mut TraceStore,
    span: Span,
    attrs: Vec<Attr>,
    events: Vec<Event>,
    links: Vec<Link>,
}

impl TraceStore {
    /// Starts a span; `parent` 0 makes a root. Times default to 0..=1 ns.
    pub fn build_span(&mut self, trace: u128, id: u64, parent: u64, name: &str) -> SpanBuilder<'_> {
        let name = self.intern(name);
        let empty = self.empty();
        SpanBuilder {
            span: Span {
                trace_id: TraceId(trace),
                span_id: SpanId(id),
                parent_span_id: SpanId(parent),
                start_ns: 0,
                end_ns: Some(1),
                name,
                trace_state: empty,
                status_message: empty,
                resource: 0,
                scope: 0,
                source: 0,
                flags: 0,
                kind: SpanKind::Internal,
                status: StatusCode::Unset,
                attrs: Range::default(),
                events: Range::default(),
                links: Range::default(),
            },
            store: self,
            attrs: Vec::new(),
            events: Vec::new(),
            links: Vec::new(),
        }
    }
}

impl SpanBuilder<'_> {
    pub fn time(mut self, start_ns: u64, end_ns: Option<u64>) -> Self {
        self.span.start_ns = start_ns;
        self.span.end_ns = end_ns;
        self
    }
    /// Start and end in milliseconds, for readable tests.
    pub fn ms(self, start: u64, end: u64) -> Self {
        self.time(start * 1_000_000, Some(end * 1_000_000))
    }
    pub fn kind(mut self, k: SpanKind) -> Self {
        self.span.kind = k;
        self
    }
    pub fn resource(mut self, r: u32) -> Self {
        self.span.resource = r;
        self
    }
    pub fn error(mut self, message: &str) -> Self {
        self.span.status = StatusCode::Error;
        self.span.status_message = self.store.intern(message);
        self
    }
    pub fn attr(mut self, key: &str, value: AttrValue) -> Self {
        let key = self.store.intern(key);
        self.attrs.push(Attr { key, value });
        self
    }
    pub fn str(self, key: &str, value: &str) -> Self {
        let v = {
            let store = &mut *self.store;
            store.str_value(value)
        };
        self.attr(key, v)
    }
    pub fn int(self, key: &str, value: i64) -> Self {
        self.attr(key, AttrValue::Int(value))
    }
    pub fn event(mut self, name: &str, time_ns: u64) -> Self {
        let name = self.store.intern(name);
        self.events.push(Event {
            time_ns,
            name,
            attrs: Range::default(),
        });
        self
    }
    /// An event with string attributes (an `exception` with its type and
    /// message).
    pub fn event_with(mut self, name: &str, time_ns: u64, attrs: &[(&str, &str)]) -> Self {
        let name = self.store.intern(name);
        let list: Vec<Attr> = attrs
            .iter()
            .map(|(k, v)| Attr {
                key: self.store.intern(k),
                value: self.store.str_value(v),
            })
            .collect();
        let attrs = self.store.push_attrs(list);
        self.events.push(Event {
            time_ns,
            name,
            attrs,
        });
        self
    }
    pub fn link(mut self, trace: u128, span: u64, kind: LinkKind) -> Self {
        let empty = self.store.empty();
        self.links.push(Link {
            trace_id: TraceId(trace),
            span_id: SpanId(span),
            trace_state: empty,
            attrs: Range::default(),
            flags: 0,
            kind,
        });
        self
    }
    /// Appends the span; returns its index in the store.
    pub fn push(mut self) -> u32 {
        self.span.attrs = self.store.push_attrs(self.attrs);
        self.span.events = self.store.push_events(self.events);
        self.span.links = self.store.push_links(self.links);
        self.store.spans.push(self.span);
        (self.store.spans.len() - 1) as u32
    }
}

/// A log record in the making ([`TraceStore::build_log`]).
pub struct LogBuilder<'s> {
    store: &'s mut TraceStore,
    rec: LogRecord,
    attrs: Vec<Attr>,
}

impl TraceStore {
    /// Starts a log record at `time_ns` with a text body.
    pub fn build_log(&mut self, time_ns: u64, body: &str) -> LogBuilder<'_> {
        let mut rec = LogRecord::blank(self.empty(), 0);
        rec.time_ns = time_ns;
        rec.body = self.str_value(body);
        LogBuilder {
            store: self,
            rec,
            attrs: Vec::new(),
        }
    }
}

impl LogBuilder<'_> {
    pub fn trace(mut self, t: u128) -> Self {
        self.rec.trace_id = TraceId(t);
        self
    }
    pub fn span(mut self, s: u64) -> Self {
        self.rec.span_id = SpanId(s);
        self
    }
    pub fn level(mut self, l: Level) -> Self {
        self.rec.severity = l.number();
        self.rec.severity_text = self.store.intern(l.as_str());
        self
    }
    pub fn event(mut self, name: &str, kind: RecordKind) -> Self {
        self.rec.event_name = self.store.intern(name);
        self.rec.kind = kind;
        self
    }
    pub fn str(mut self, key: &str, value: &str) -> Self {
        let key = self.store.intern(key);
        let value = self.store.str_value(value);
        self.attrs.push(Attr { key, value });
        self
    }
    /// Appends the record; returns its index in the store.
    pub fn push(mut self) -> u32 {
        self.rec.attrs = self.store.push_attrs(self.attrs);
        self.store.logs.push(self.rec);
        (self.store.logs.len() - 1) as u32
    }
}
