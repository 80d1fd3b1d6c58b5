//! The correlation index: every id-like value to the traces and spans that carry it.
//!
//! The audit's first complaint is "ids that do not connect": a request id in
//! one log, a thread id in another, a trace id in a third. Any attribute whose
//! key names an id (request_id, user.id, session.id, gen_ai.conversation.id,
//! anything ending in `_id`, `.id` or `Id`) is indexed, on spans, their
//! resources and their events, along with trace and span ids themselves.

use crate::attr::AttrValue;
use crate::store::{Sym, TraceStore};
use crate::tree::TraceTree;
use hashbrown::HashMap;

/// Keys that are ids even though their names do not say so.
const EXTRA_KEYS: &[&str] = &[
    "correlation",
    "session",
    "conversation",
    "thread",
    "request",
    "gen_ai.conversation.id",
    "enduser.id",
];

/// Whether an attribute key holds a correlation id.
pub fn is_correlation_key(key: &str) -> bool {
    key.ends_with("_id")
        || key.ends_with(".id")
        || key.ends_with("Id")
        || key.ends_with("_ID")
        || EXTRA_KEYS.contains(&key)
}

/// Every correlation-keyed attribute of the spans of `traces`: the spans'
/// own, their events', and their resources' (once per resource and trace),
/// with the trace and node it is on. The one walk behind the index and the
/// log records' correlation rule.
pub fn each_id_value(
    store: &TraceStore,
    traces: &[TraceTree],
    mut f: impl FnMut(u32, u32, Sym, &AttrValue),
) {
    let mut key_ok: HashMap<Sym, bool> = HashMap::new();
    for (t, tree) in traces.iter().enumerate() {
        let mut seen_resources: hashbrown::HashSet<u32> = hashbrown::HashSet::new();
        for (i, node) in tree.nodes.iter().enumerate() {
            if node.is_placeholder() {
                continue;
            }
            let span = &store.spans[node.span as usize];
            let mut visit = |attrs: &[crate::attr::Attr]| {
                for a in attrs {
                    let ok = *key_ok
                        .entry(a.key)
                        .or_insert_with(|| is_correlation_key(store.resolve(a.key)));
                    if ok {
                        f(t as u32, i as u32, a.key, &a.value);
                    }
                }
            };
            visit(store.attrs_of(span.attrs));
            for ev in store.events_of(span.events) {
                visit(store.attrs_of(ev.attrs));
            }
            if seen_resources.insert(span.resource) {
                if let Some(r) = store.resources.get(span.resource as usize) {
                    visit(&r.attrs);
                }
            }
        }
    }
}

/// A correlation value as text: strings and integers; "" counts as none.
pub fn id_text(store: &TraceStore, v: &AttrValue) -> Option<String> {
    let s = match v {
        AttrValue::Str(_) | AttrValue::Text(_) => store.value_str(v)?.to_string(),
        AttrValue::Int(n) => n.to_string(),
        _ => return None,
    };
    (!s.is_empty()).then_some(s)
}

/// One place a value was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Index of the trace in the dataset.
    pub trace: u32,
    /// Local node index in that trace's tree.
    pub node: u32,
    /// The key it was found under (`trace_id` / `span_id` for the ids themselves).
    pub key: Sym,
}

#[derive(Debug, Default)]
pub struct CorrelationIndex {
    map: HashMap<Box<str>, Vec<Hit>>,
}

impl CorrelationIndex {
    /// Indexes every trace. `trace_key`/`span_key` are the interned names
    /// reported for hits on the ids themselves.
    pub fn build(store: &mut TraceStore, traces: &[TraceTree]) -> CorrelationIndex {
        let trace_key = store.intern("trace_id");
        let span_key = store.intern("span_id");
        let store = &*store;
        let mut idx = CorrelationIndex::default();
        for (t, tree) in traces.iter().enumerate() {
            let t = t as u32;
            if let Some(root) = tree.primary_root() {
                idx.add(
                    tree.trace_id.to_string(),
                    Hit {
                        trace: t,
                        node: root,
                        key: trace_key,
                    },
                );
            }
            for (i, node) in tree.nodes.iter().enumerate() {
                if !node.is_placeholder() {
                    let span = &store.spans[node.span as usize];
                    let hit = Hit {
                        trace: t,
                        node: i as u32,
                        key: span_key,
                    };
                    idx.add(span.span_id.to_string(), hit);
                }
            }
        }
        each_id_value(store, traces, |trace, node, key, v| {
            if let Some(v) = id_text(store, v) {
                idx.add(v, Hit { trace, node, key });
            }
        });
        for hits in idx.map.values_mut() {
            hits.sort_by_key(|h| (h.trace, h.node));
            hits.dedup_by_key(|h| (h.trace, h.node, h.key));
        }
        idx
    }

    fn add(&mut self, value: String, hit: Hit) {
        self.map
            .entry(value.into_boxed_str())
            .or_default()
            .push(hit);
    }

    /// Every place `value` occurs. Hex ids are matched in any case.
    pub fn lookup(&self, value: &str) -> &[Hit] {
        let v = value.trim();
        if let Some(h) = self.map.get(v) {
            return h;
        }
        let lower = v.to_ascii_lowercase();
        // Padded forms of short hex trace ids (Jaeger/Zipkin 64-bit ids).
        if lower.len() < 32 && lower.bytes().all(|b| b.is_ascii_hexdigit()) {
            if let Some(h) = self.map.get(format!("{lower:0>32}").as_str()) {
                return h;
            }
        }
        self.map
            .get(lower.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}
