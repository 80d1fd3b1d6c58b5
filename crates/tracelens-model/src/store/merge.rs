//! Moving one store's spans into another: how readers that parse on several
//! threads (each into a store of its own) put their work together in order.

use super::TraceStore;
use crate::attr::{Attr, AttrValue};
use crate::span::{Event, Link, Range};
use crate::Sym;
use lasso::Key;

impl TraceStore {
    /// Appends every span of `other` (with its attributes, events, links,
    /// resources, scopes and warnings) after the spans already here, in
    /// `other`'s order. Strings are re-interned once per distinct string;
    /// identical resources and scopes are shared as usual. Source indices
    /// are kept as they are: `other` must have been filled for a source of
    /// this store.
    pub fn absorb(&mut self, other: TraceStore) {
        let mut syms = vec![self.empty; other.strings.len()];
        for (k, s) in other.strings.iter() {
            if let Some(slot) = syms.get_mut(k.into_usize()) {
                *slot = self.intern(s);
            }
        }
        let empty = self.empty;
        let map = |s: Sym| syms.get(s.into_usize()).copied().unwrap_or(empty);
        let attr_base = self.attrs.len() as u32;
        let event_base = self.events.len() as u32;
        let link_base = self.links.len() as u32;
        let shift = |r: Range, base: u32| Range {
            start: r.start + base,
            len: r.len,
        };

        self.attrs.reserve(other.attrs.len());
        for a in other.attrs {
            self.attrs.push(remap_attr(a, &map));
        }
        self.events.extend(other.events.into_iter().map(|e| Event {
            time_ns: e.time_ns,
            name: map(e.name),
            attrs: shift(e.attrs, attr_base),
        }));
        self.links.extend(other.links.into_iter().map(|l| Link {
            trace_state: map(l.trace_state),
            attrs: shift(l.attrs, attr_base),
            ..l
        }));
        // Index 0 is the empty resource and scope in every store.
        let mut resources = vec![0u32];
        for r in other.resources.into_iter().skip(1) {
            let attrs = remap_attrs(r.attrs, &map);
            resources.push(self.add_resource(attrs, map(r.schema_url)));
        }
        let mut scopes = vec![0u32];
        for s in other.scopes.into_iter().skip(1) {
            let attrs = remap_attrs(s.attrs, &map);
            scopes.push(self.add_scope(map(s.name), map(s.version), attrs));
        }
        self.spans.reserve(other.spans.len());
        for mut s in other.spans {
            s.name = map(s.name);
            s.trace_state = map(s.trace_state);
            s.status_message = map(s.status_message);
            s.resource = resources.get(s.resource as usize).copied().unwrap_or(0);
            s.scope = scopes.get(s.scope as usize).copied().unwrap_or(0);
            s.attrs = shift(s.attrs, attr_base);
            s.events = shift(s.events, event_base);
            s.links = shift(s.links, link_base);
            self.spans.push(s);
        }
        self.logs.reserve(other.logs.len());
        for mut r in other.logs {
            r.severity_text = map(r.severity_text);
            r.event_name = map(r.event_name);
            r.body = remap_value(r.body, &map);
            r.resource = resources.get(r.resource as usize).copied().unwrap_or(0);
            r.scope = scopes.get(r.scope as usize).copied().unwrap_or(0);
            r.attrs = shift(r.attrs, attr_base);
            self.logs.push(r);
        }
        self.warnings.extend(other.warnings);
    }
}

impl TraceStore {
    /// A new store with only the spans `keep` (indices into `spans`, in
    /// that order) and the log records `keep_logs` (indices into `logs`),
    /// their attributes, events, links, resources and scopes,
    /// and only the strings they use: what a bounded store keeps when it
    /// evicts, without writing the spans out and reading them back. Sources
    /// and warnings are kept whole (they are few; span `source` indices stay
    /// valid).
    pub fn retained(&self, keep: &[u32], keep_logs: &[u32]) -> TraceStore {
        let out = std::cell::RefCell::new(TraceStore::new());
        out.borrow_mut().sources = self.sources.clone();
        out.borrow_mut().warnings = self.warnings.clone();
        let syms = std::cell::RefCell::new(vec![None::<Sym>; self.strings.len()]);
        let map = |s: Sym| -> Sym {
            let k = s.into_usize();
            let known = syms.borrow().get(k).copied().flatten();
            if let Some(m) = known {
                return m;
            }
            let m = out.borrow_mut().intern(self.resolve(s));
            if let Some(slot) = syms.borrow_mut().get_mut(k) {
                *slot = Some(m);
            }
            m
        };
        let copy_attrs = |r: Range| -> Range {
            let attrs: Vec<Attr> = self
                .attrs_of(r)
                .iter()
                .map(|a| remap_attr(a.clone(), &map))
                .collect();
            let mut o = out.borrow_mut();
            let start = o.attrs.len() as u32;
            o.attrs.extend(attrs);
            Range { start, len: r.len }
        };
        let mut resources: hashbrown::HashMap<u32, u32> = hashbrown::HashMap::new();
        let mut scopes: hashbrown::HashMap<u32, u32> = hashbrown::HashMap::new();
        // An index that points nowhere falls back to the empty resource or
        // scope (0), as a span that was never given one.
        let mut resource = |i: u32| -> u32 {
            if i == 0 {
                return 0;
            }
            if let Some(&r) = resources.get(&i) {
                return r;
            }
            let Some(r) = self.resources.get(i as usize) else {
                return 0;
            };
            let attrs = remap_attrs(r.attrs.clone(), &map);
            let url = map(r.schema_url);
            let new = out.borrow_mut().add_resource(attrs, url);
            resources.insert(i, new);
            new
        };
        let mut scope = |i: u32| -> u32 {
            if i == 0 {
                return 0;
            }
            if let Some(&r) = scopes.get(&i) {
                return r;
            }
            let Some(sc) = self.scopes.get(i as usize) else {
                return 0;
            };
            let (name, version) = (map(sc.name), map(sc.version));
            let attrs = remap_attrs(sc.attrs.clone(), &map);
            let new = out.borrow_mut().add_scope(name, version, attrs);
            scopes.insert(i, new);
            new
        };
        for &i in keep {
            let Some(src) = self.spans.get(i as usize) else {
                continue;
            };
            let mut s = src.clone();
            s.name = map(s.name);
            s.trace_state = map(s.trace_state);
            s.status_message = map(s.status_message);
            s.attrs = copy_attrs(s.attrs);
            let events: Vec<Event> = self
                .events_of(s.events)
                .iter()
                .map(|e| Event {
                    time_ns: e.time_ns,
                    name: map(e.name),
                    attrs: copy_attrs(e.attrs),
                })
                .collect();
            let links: Vec<Link> = self
                .links_of(s.links)
                .iter()
                .map(|l| Link {
                    trace_state: map(l.trace_state),
                    attrs: copy_attrs(l.attrs),
                    ..l.clone()
                })
                .collect();
            s.resource = resource(s.resource);
            s.scope = scope(s.scope);
            let mut o = out.borrow_mut();
            s.events = Range {
                start: o.events.len() as u32,
                len: s.events.len,
            };
            o.events.extend(events);
            s.links = Range {
                start: o.links.len() as u32,
                len: s.links.len,
            };
            o.links.extend(links);
            o.spans.push(s);
        }
        for &i in keep_logs {
            let Some(src) = self.logs.get(i as usize) else {
                continue;
            };
            let mut r = src.clone();
            r.severity_text = map(r.severity_text);
            r.event_name = map(r.event_name);
            r.body = remap_value(r.body, &map);
            r.attrs = copy_attrs(r.attrs);
            r.resource = resource(r.resource);
            r.scope = scope(r.scope);
            out.borrow_mut().logs.push(r);
        }
        out.into_inner()
    }
}

fn remap_attrs(attrs: Box<[Attr]>, map: &impl Fn(Sym) -> Sym) -> Box<[Attr]> {
    attrs
        .into_vec()
        .into_iter()
        .map(|a| remap_attr(a, map))
        .collect()
}

fn remap_attr(a: Attr, map: &impl Fn(Sym) -> Sym) -> Attr {
    Attr {
        key: map(a.key),
        value: remap_value(a.value, map),
    }
}

fn remap_value(v: AttrValue, map: &impl Fn(Sym) -> Sym) -> AttrValue {
    match v {
        AttrValue::Str(s) => AttrValue::Str(map(s)),
        AttrValue::Array(items) => AttrValue::Array(
            items
                .iter()
                .map(|x| remap_value(x.clone(), map))
                .collect::<Vec<_>>()
                .into(),
        ),
        AttrValue::KvList(kv) => AttrValue::KvList(
            kv.iter()
                .map(|a| remap_attr(a.clone(), map))
                .collect::<Vec<_>>()
                .into(),
        ),
        other => other,
    }
}
