//! The trace store: every span read, with interned strings.
//!
//! Readers append to a store; [`crate::Dataset`] groups it into traces. The
//! store owns all strings through one interner so that the model costs a few
//! words per span and not a heap allocation per name.

use crate::attr::{Attr, AttrValue};
use crate::log::LogRecord;
use crate::span::{Event, Link, Range, Resource, Scope, Span};
use crate::warning::Warning;

/// An interned string handle (4 bytes).
pub type Sym = lasso::Spur;

mod merge;

/// Strings at most this long are interned; longer ones are stored inline once.
pub const INTERN_MAX_LEN: usize = 96;

/// Where spans came from: a file, or another named input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub name: String,
}

/// A hash of attributes and a few symbols, for deduplication (equality is
/// still checked on a hash match).
fn content_hash(attrs: &[Attr], syms: &[Sym]) -> u64 {
    use std::hash::{Hash, Hasher as _};
    fn value(v: &AttrValue, h: &mut impl std::hash::Hasher) {
        match v {
            AttrValue::Empty => 0u8.hash(h),
            AttrValue::Str(s) => s.hash(h),
            AttrValue::Text(t) => t.hash(h),
            AttrValue::Bool(b) => b.hash(h),
            AttrValue::Int(i) => i.hash(h),
            AttrValue::Double(d) => d.to_bits().hash(h),
            AttrValue::Bytes(b) => b.hash(h),
            AttrValue::Array(a) => a.iter().for_each(|x| value(x, h)),
            AttrValue::KvList(kv) => kv.iter().for_each(|a| {
                a.key.hash(h);
                value(&a.value, h)
            }),
        }
    }
    // Fixed keys: equal content must hash equally across calls.
    let mut h = std::hash::DefaultHasher::new();
    syms.hash(&mut h);
    for a in attrs {
        a.key.hash(&mut h);
        value(&a.value, &mut h);
    }
    h.finish()
}

/// Every span and its context, plus what readers had to say about the input.
/// The interner's hasher: SipHash (the default) costs more than the parse.
type Hasher = hashbrown::DefaultHashBuilder;

pub struct TraceStore {
    strings: lasso::Rodeo<Sym, Hasher>,
    empty: Sym,
    pub spans: Vec<Span>,
    /// Log records and captured events, in input order.
    pub logs: Vec<LogRecord>,
    /// Arenas that spans, events and links point into with a [`Range`].
    pub attrs: Vec<Attr>,
    pub events: Vec<Event>,
    pub links: Vec<Link>,
    pub resources: Vec<Resource>,
    pub scopes: Vec<Scope>,
    pub sources: Vec<Source>,
    /// Warnings from readers (lenient input, read errors).
    pub warnings: Vec<Warning>,
    /// Content hash -> indices, so that the same resource or scope sent with
    /// every batch (as exporters do) is stored once.
    resource_index: hashbrown::HashMap<u64, Vec<u32>>,
    scope_index: hashbrown::HashMap<u64, Vec<u32>>,
}

/// The length of every table of a store at one moment ([`TraceStore::mark`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreMark {
    spans: usize,
    logs: usize,
    attrs: usize,
    events: usize,
    links: usize,
    resources: usize,
    scopes: usize,
    warnings: usize,
}

/// Drops index `i` from the content-hash index entry `h`.
fn unindex(index: &mut hashbrown::HashMap<u64, Vec<u32>>, h: u64, i: u32) {
    if let Some(v) = index.get_mut(&h) {
        v.retain(|&x| x != i);
        if v.is_empty() {
            index.remove(&h);
        }
    }
}

impl Default for TraceStore {
    fn default() -> Self {
        Self::new()
    }
}

impl std::fmt::Debug for TraceStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TraceStore")
            .field("spans", &self.spans.len())
            .field("logs", &self.logs.len())
            .field("resources", &self.resources.len())
            .field("scopes", &self.scopes.len())
            .field("warnings", &self.warnings.len())
            .finish()
    }
}

impl TraceStore {
    pub fn new() -> Self {
        let mut strings = lasso::Rodeo::with_hasher(Hasher::default());
        let empty = strings.get_or_intern_static("");
        let mut store = TraceStore {
            strings,
            empty,
            spans: Vec::new(),
            logs: Vec::new(),
            attrs: Vec::new(),
            events: Vec::new(),
            links: Vec::new(),
            resources: Vec::new(),
            scopes: Vec::new(),
            sources: Vec::new(),
            warnings: Vec::new(),
            resource_index: Default::default(),
            scope_index: Default::default(),
        };
        // Index 0 of resources and scopes is the empty one, so a span always
        // points somewhere valid, even when its input broke off early.
        store.resources.push(Resource {
            attrs: Box::new([]),
            service_name: empty,
            schema_url: empty,
        });
        store.scopes.push(Scope {
            name: empty,
            version: empty,
            attrs: Box::new([]),
        });
        store
    }

    /// Attributes of a span, event or link.
    pub fn attrs_of(&self, r: Range) -> &[Attr] {
        self.attrs.get(r.as_usize()).unwrap_or(&[])
    }

    pub fn events_of(&self, r: Range) -> &[Event] {
        self.events.get(r.as_usize()).unwrap_or(&[])
    }

    pub fn links_of(&self, r: Range) -> &[Link] {
        self.links.get(r.as_usize()).unwrap_or(&[])
    }

    /// The range from `start` to the end of an arena of length `end`.
    pub fn range_from(start: usize, end: usize) -> Range {
        Range {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            len: u32::try_from(end.saturating_sub(start)).unwrap_or(u32::MAX),
        }
    }

    pub fn push_attrs(&mut self, attrs: impl IntoIterator<Item = Attr>) -> Range {
        let start = self.attrs.len();
        self.attrs.extend(attrs);
        Self::range_from(start, self.attrs.len())
    }

    pub fn push_events(&mut self, events: impl IntoIterator<Item = Event>) -> Range {
        let start = self.events.len();
        self.events.extend(events);
        Self::range_from(start, self.events.len())
    }

    pub fn push_links(&mut self, links: impl IntoIterator<Item = Link>) -> Range {
        let start = self.links.len();
        self.links.extend(links);
        Self::range_from(start, self.links.len())
    }

    /// The handle of "".
    pub fn empty(&self) -> Sym {
        self.empty
    }

    pub fn intern(&mut self, s: &str) -> Sym {
        self.strings.get_or_intern(s)
    }

    /// Looks a string up without interning it: `None` means no span uses it.
    pub fn lookup(&self, s: &str) -> Option<Sym> {
        self.strings.get(s)
    }

    pub fn resolve(&self, s: Sym) -> &str {
        self.strings.resolve(&s)
    }

    /// An attribute string value: interned when short, stored inline when long.
    pub fn str_value(&mut self, s: &str) -> AttrValue {
        if s.len() <= INTERN_MAX_LEN {
            AttrValue::Str(self.intern(s))
        } else {
            AttrValue::Text(s.into())
        }
    }

    /// Reserves room for `n` more spans and their typical attributes, events
    /// and links, so that a big load does not copy its arenas as they grow.
    pub fn reserve_spans(&mut self, n: usize) {
        self.spans.reserve(n);
        self.attrs.reserve(n.saturating_mul(8));
        self.events.reserve(n);
    }

    pub fn add_source(&mut self, name: impl Into<String>) -> u32 {
        self.sources.push(Source { name: name.into() });
        (self.sources.len() - 1) as u32
    }

    /// Adds a resource (or finds the identical one) and returns its index;
    /// `service.name` is picked out here.
    pub fn add_resource(&mut self, attrs: Box<[Attr]>, schema_url: Sym) -> u32 {
        let h = content_hash(&attrs, &[schema_url]);
        if let Some(found) = self.resource_index.get(&h).and_then(|c| {
            c.iter().copied().find(|&i| {
                let r = &self.resources[i as usize];
                r.schema_url == schema_url && r.attrs == attrs
            })
        }) {
            return found;
        }
        let key = self.lookup("service.name");
        let service_name = key
            .and_then(|k| attrs.iter().find(|a| a.key == k))
            .and_then(|a| match &a.value {
                AttrValue::Str(s) => Some(*s),
                AttrValue::Text(t) => Some(self.strings.get_or_intern(&**t)),
                _ => None,
            })
            .unwrap_or(self.empty);
        self.resources.push(Resource {
            attrs,
            service_name,
            schema_url,
        });
        let idx = (self.resources.len() - 1) as u32;
        self.resource_index.entry(h).or_default().push(idx);
        idx
    }

    /// Points the spans from index `first` on at the resource made of
    /// `attrs` and `schema_url`, once a ResourceSpans has been read whole
    /// (its fields may come in any order). Nothing given: they keep the
    /// empty resource 0.
    pub fn set_resource_from(
        &mut self,
        first: usize,
        attrs: Option<Box<[Attr]>>,
        schema_url: Option<Sym>,
    ) {
        if let Some(idx) = self.settled_resource(attrs, schema_url) {
            for s in self.spans.iter_mut().skip(first) {
                s.resource = idx;
            }
        }
    }

    /// The resource a Resource{Spans,Logs} object named once read whole;
    /// `None` when it gave neither attributes nor a schema URL.
    fn settled_resource(
        &mut self,
        attrs: Option<Box<[Attr]>>,
        schema_url: Option<Sym>,
    ) -> Option<u32> {
        if attrs.is_none() && schema_url.is_none() {
            return None;
        }
        let schema_url = schema_url.unwrap_or(self.empty);
        Some(self.add_resource(attrs.unwrap_or_default(), schema_url))
    }

    /// As [`TraceStore::set_resource_from`], for the log records from index
    /// `first` on, once a ResourceLogs has been read whole.
    pub fn set_log_resource_from(
        &mut self,
        first: usize,
        attrs: Option<Box<[Attr]>>,
        schema_url: Option<Sym>,
    ) {
        if let Some(idx) = self.settled_resource(attrs, schema_url) {
            for r in self.logs.iter_mut().skip(first) {
                r.resource = idx;
            }
        }
    }

    /// The service name of a log record's resource, "" when it has none.
    pub fn service_of_log(&self, rec: &LogRecord) -> &str {
        let r = self
            .resources
            .get(rec.resource as usize)
            .map(|r| r.service_name)
            .unwrap_or(self.empty);
        self.resolve(r)
    }

    /// Adds a scope (or finds the identical one) and returns its index.
    pub fn add_scope(&mut self, name: Sym, version: Sym, attrs: Box<[Attr]>) -> u32 {
        let h = content_hash(&attrs, &[name, version]);
        if let Some(found) = self.scope_index.get(&h).and_then(|c| {
            c.iter().copied().find(|&i| {
                let sc = &self.scopes[i as usize];
                sc.name == name && sc.version == version && sc.attrs == attrs
            })
        }) {
            return found;
        }
        self.scopes.push(Scope {
            name,
            version,
            attrs,
        });
        let idx = (self.scopes.len() - 1) as u32;
        self.scope_index.entry(h).or_default().push(idx);
        idx
    }

    /// Where every table ends now, so that a reader can take back what it
    /// added since (see [`TraceStore::rollback`]).
    pub fn mark(&self) -> StoreMark {
        StoreMark {
            spans: self.spans.len(),
            logs: self.logs.len(),
            attrs: self.attrs.len(),
            events: self.events.len(),
            links: self.links.len(),
            resources: self.resources.len(),
            scopes: self.scopes.len(),
            warnings: self.warnings.len(),
        }
    }

    /// Removes every span, attribute, event, link, resource, scope and
    /// warning added since `m`, as if they had never been read. Used by a
    /// reader that tries a fast path and, when the input turns out to need
    /// the general one, reads the same part again. Strings interned since
    /// stay interned: nothing points at them, and they cost only their text.
    /// Changes made since to items that were already there are not undone:
    /// a reader must only append.
    pub fn rollback(&mut self, m: StoreMark) {
        self.spans.truncate(m.spans);
        self.logs.truncate(m.logs);
        self.attrs.truncate(m.attrs);
        self.events.truncate(m.events);
        self.links.truncate(m.links);
        self.warnings.truncate(m.warnings);
        // Resources and scopes are also in their content-hash index.
        let m_resources = m.resources.max(1);
        while self.resources.len() > m_resources {
            let i = (self.resources.len() - 1) as u32;
            if let Some(r) = self.resources.pop() {
                let h = content_hash(&r.attrs, &[r.schema_url]);
                unindex(&mut self.resource_index, h, i);
            }
        }
        let m_scopes = m.scopes.max(1);
        while self.scopes.len() > m_scopes {
            let i = (self.scopes.len() - 1) as u32;
            if let Some(sc) = self.scopes.pop() {
                let h = content_hash(&sc.attrs, &[sc.name, sc.version]);
                unindex(&mut self.scope_index, h, i);
            }
        }
    }

    /// The service name of a span, "" when its resource has none.
    pub fn service_of(&self, span: &Span) -> &str {
        let r = self
            .resources
            .get(span.resource as usize)
            .map(|r| r.service_name)
            .unwrap_or(self.empty);
        self.resolve(r)
    }

    /// Number of distinct strings interned.
    pub fn interned_count(&self) -> usize {
        self.strings.len()
    }

    /// Renders a value as text (numbers in decimal, arrays as JSON-ish text).
    pub fn value_text(&self, v: &AttrValue) -> String {
        match v {
            AttrValue::Empty => String::new(),
            AttrValue::Str(s) => self.resolve(*s).to_string(),
            AttrValue::Text(t) => t.to_string(),
            AttrValue::Bool(b) => b.to_string(),
            AttrValue::Int(i) => i.to_string(),
            AttrValue::Double(d) => d.to_string(),
            AttrValue::Bytes(b) => b.iter().map(|x| format!("{x:02x}")).collect(),
            AttrValue::Array(a) => {
                let parts: Vec<String> = a.iter().map(|x| self.value_text(x)).collect();
                format!("[{}]", parts.join(", "))
            }
            AttrValue::KvList(kv) => {
                let parts: Vec<String> = kv
                    .iter()
                    .map(|a| format!("{}={}", self.resolve(a.key), self.value_text(&a.value)))
                    .collect();
                format!("{{{}}}", parts.join(", "))
            }
        }
    }

    /// A value as a string slice when it is a string.
    pub fn value_str<'a>(&'a self, v: &'a AttrValue) -> Option<&'a str> {
        match v {
            AttrValue::Str(s) => Some(self.resolve(*s)),
            AttrValue::Text(t) => Some(t),
            _ => None,
        }
    }

    /// A value as an integer: ints, whole doubles and decimal strings (ClickHouse
    /// Map mode and some SDKs send numbers as text).
    pub fn value_i64(&self, v: &AttrValue) -> Option<i64> {
        match v {
            AttrValue::Int(i) => Some(*i),
            AttrValue::Double(d) if d.is_finite() => Some(*d as i64),
            AttrValue::Str(_) | AttrValue::Text(_) => {
                let s = self.value_str(v)?.trim();
                s.parse::<i64>().ok().or_else(|| {
                    s.parse::<f64>()
                        .ok()
                        .filter(|d| d.is_finite())
                        .map(|d| d as i64)
                })
            }
            _ => None,
        }
    }

    pub fn value_f64(&self, v: &AttrValue) -> Option<f64> {
        match v {
            AttrValue::Int(i) => Some(*i as f64),
            AttrValue::Double(d) if d.is_finite() => Some(*d),
            AttrValue::Str(_) | AttrValue::Text(_) => self
                .value_str(v)?
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|d| d.is_finite()),
            _ => None,
        }
    }

    pub fn value_bool(&self, v: &AttrValue) -> Option<bool> {
        match v {
            AttrValue::Bool(b) => Some(*b),
            AttrValue::Str(_) | AttrValue::Text(_) => match self.value_str(v)? {
                "true" | "True" | "TRUE" | "1" => Some(true),
                "false" | "False" | "FALSE" | "0" => Some(false),
                _ => None,
            },
            _ => None,
        }
    }

    /// Heap bytes of attribute payloads (long strings, bytes, nested values) of
    /// all spans: the benchmark's "attribute payload" to subtract.
    pub fn attribute_payload_bytes(&self) -> usize {
        self.attrs.iter().map(|a| a.value.payload_bytes()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::warning::WarningKind;

    fn kv(store: &mut TraceStore, k: &str, v: &str) -> Attr {
        let key = store.intern(k);
        let value = store.str_value(v);
        Attr { key, value }
    }

    #[test]
    fn rollback_takes_back_what_was_added_and_forgets_its_index() {
        let mut store = TraceStore::new();
        let a = kv(&mut store, "service.name", "kept");
        let kept = store.add_resource(Box::new([a.clone()]), store.empty());
        let name = store.intern("scope");
        let kept_scope = store.add_scope(name, store.empty(), Box::new([]));
        let before = store.mark();

        let b = kv(&mut store, "service.name", "taken back");
        let r = store.add_resource(Box::new([b.clone()]), store.empty());
        let other = store.intern("other");
        let sc = store.add_scope(other, store.empty(), Box::new([]));
        assert_eq!(
            store.add_resource(Box::new([a.clone()]), store.empty()),
            kept
        );
        store.spans.push(Span::blank(store.empty(), sc, 0));
        store.push_attrs([b.clone()]);
        store.warnings.push(Warning::new(WarningKind::Lenient, "x"));
        assert!(r > kept && sc > kept_scope);

        store.rollback(before);
        assert_eq!(store.mark(), before);
        // Adding the same again makes a new entry at the same index, and
        // the index no longer points past the end.
        assert_eq!(store.add_resource(Box::new([b]), store.empty()), r);
        assert_eq!(store.add_scope(other, store.empty(), Box::new([])), sc);
        assert_eq!(store.add_resource(Box::new([a]), store.empty()), kept);
        assert_eq!(
            store.add_scope(name, store.empty(), Box::new([])),
            kept_scope
        );
    }

    #[test]
    fn rollback_never_removes_the_empty_resource_and_scope() {
        let mut store = TraceStore::new();
        let mut m = store.mark();
        m.resources = 0;
        m.scopes = 0;
        store.rollback(m);
        assert_eq!(store.resources.len(), 1);
        assert_eq!(store.scopes.len(), 1);
    }
}
