//! Placing log records on spans.
//!
//! A record joins a span by its span id; else its trace by trace id, on the
//! deepest span running at its time; else a trace through a correlation id
//! (request_id, thread_id, ...) it shares with that trace's spans, within
//! the trace's time range; else it stays unattached. Every record is
//! accounted for with the rule that placed it, so a summary can say how many
//! joined and how.

use crate::attr::AttrValue;
use crate::correlate::{each_id_value, id_text, is_correlation_key};
use crate::ids::{SpanId, TraceId};
use crate::store::TraceStore;
use crate::tree::{TraceTree, NONE};
use hashbrown::HashMap;
use serde::Serialize;

/// How a record found its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[repr(u8)]
pub enum AttachRule {
    /// Its span id is a span (or a missing parent) of a trace.
    SpanId = 0,
    /// Its trace id is a trace; placed on the deepest span running then.
    TraceTime = 1,
    /// A correlation id it carries is on a trace's spans, and its time is
    /// within that trace.
    Correlation = 2,
    /// None of the above.
    Unattached = 3,
}

impl AttachRule {
    pub const ALL: [AttachRule; 4] = [
        AttachRule::SpanId,
        AttachRule::TraceTime,
        AttachRule::Correlation,
        AttachRule::Unattached,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AttachRule::SpanId => "span_id",
            AttachRule::TraceTime => "trace_time",
            AttachRule::Correlation => "correlation",
            AttachRule::Unattached => "unattached",
        }
    }
}

/// Where one record was placed: a trace of the dataset and a node of its
/// tree, or [`NONE`] for both when unattached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LogPlace {
    pub trace: u32,
    pub node: u32,
    pub rule: AttachRule,
}

/// Every record's place, and the records of each trace in time order.
#[derive(Debug, Default)]
pub struct LogIndex {
    /// Parallel to `TraceStore::logs`.
    pub places: Vec<LogPlace>,
    /// Record indices grouped by trace (in trace order), each group sorted by
    /// time; the unattached records last, also by time.
    order: Vec<u32>,
    /// `trace_start[t]..trace_start[t + 1]` is trace `t`'s part of `order`;
    /// the last entry starts the unattached part.
    trace_start: Vec<u32>,
    /// Records placed by each rule, in [`AttachRule::ALL`] order.
    pub counts: [u64; 4],
}

impl LogIndex {
    /// Places every record of `store` on `traces` (a dataset's, in its
    /// order).
    pub fn build(
        store: &TraceStore,
        traces: &[TraceTree],
        by_id: &HashMap<TraceId, u32>,
    ) -> LogIndex {
        let n = store.logs.len();
        let mut places = vec![
            LogPlace {
                trace: NONE,
                node: NONE,
                rule: AttachRule::Unattached,
            };
            n
        ];
        if n == 0 {
            return LogIndex {
                places,
                order: Vec::new(),
                trace_start: vec![0; traces.len() + 1],
                counts: [0; 4],
            };
        }
        // Span id -> (trace, node), placeholders included: an agent that
        // died never exported its own span, but its logs name it.
        let mut by_span: HashMap<(TraceId, SpanId), u32> = HashMap::new();
        let mut span_only: HashMap<SpanId, (u32, u32)> = HashMap::new();
        let wanted: hashbrown::HashSet<SpanId> = store
            .logs
            .iter()
            .filter(|r| r.span_id.is_valid())
            .map(|r| r.span_id)
            .collect();
        if !wanted.is_empty() {
            for (t, tree) in traces.iter().enumerate() {
                for i in 0..tree.len() as u32 {
                    let id = tree.span_id(store, i);
                    if wanted.contains(&id) {
                        by_span.insert((tree.trace_id, id), i);
                        span_only.entry(id).or_insert((t as u32, i));
                    }
                }
            }
        }
        let mut needs_correlation = Vec::new();
        // Traces by the low half of their id, for Datadog's 64-bit ids;
        // built when first needed.
        let mut low_halves: Option<HashMap<u64, u32>> = None;
        for (k, rec) in store.logs.iter().enumerate() {
            let place = &mut places[k];
            if rec.span_id.is_valid() {
                let hit = if rec.trace_id.is_valid() {
                    by_span
                        .get(&(rec.trace_id, rec.span_id))
                        .and_then(|&node| by_id.get(&rec.trace_id).map(|&t| (t, node)))
                        .or_else(|| {
                            // Datadog's 64-bit trace id: the low half of the
                            // W3C one.
                            span_only.get(&rec.span_id).copied().filter(|&(t, _)| {
                                is_low_half(rec.trace_id, traces[t as usize].trace_id)
                            })
                        })
                } else {
                    span_only.get(&rec.span_id).copied()
                };
                if let Some((trace, node)) = hit {
                    *place = LogPlace {
                        trace,
                        node,
                        rule: AttachRule::SpanId,
                    };
                    continue;
                }
            }
            if rec.trace_id.is_valid() {
                let t = by_id.get(&rec.trace_id).copied().or_else(|| {
                    if rec.trace_id.0 >> 64 != 0 {
                        return None;
                    }
                    let low = low_halves.get_or_insert_with(|| {
                        traces
                            .iter()
                            .enumerate()
                            .map(|(t, tr)| (tr.trace_id.0 as u64, t as u32))
                            .collect()
                    });
                    low.get(&(rec.trace_id.0 as u64)).copied()
                });
                if let Some(t) = t {
                    let tree = &traces[t as usize];
                    *place = LogPlace {
                        trace: t,
                        node: deepest_at(tree, rec.when_ns()),
                        rule: AttachRule::TraceTime,
                    };
                    continue;
                }
            }
            needs_correlation.push(k);
        }
        if !needs_correlation.is_empty() {
            attach_by_correlation(store, traces, &needs_correlation, &mut places);
        }
        let mut counts = [0u64; 4];
        for p in &places {
            counts[p.rule as usize] += 1;
        }
        // Group by trace (unattached last), then time, then input order.
        // The keys are gathered first: a sort that looks them up in the
        // records on every comparison spends its time on cache misses.
        let mut keyed: Vec<(u32, u64, u32)> = places
            .iter()
            .zip(&store.logs)
            .enumerate()
            .map(|(k, (p, r))| (p.trace, r.when_ns(), k as u32))
            .collect();
        keyed.sort_unstable();
        let order: Vec<u32> = keyed.into_iter().map(|(_, _, k)| k).collect();
        let mut trace_start = vec![0u32; traces.len() + 1];
        for p in &places {
            if p.trace != NONE {
                trace_start[p.trace as usize + 1] += 1;
            }
        }
        for t in 1..trace_start.len() {
            trace_start[t] += trace_start[t - 1];
        }
        LogIndex {
            places,
            order,
            trace_start,
            counts,
        }
    }

    /// Record indices of trace `t`, in time order.
    pub fn of_trace(&self, t: u32) -> &[u32] {
        let t = t as usize;
        match (self.trace_start.get(t), self.trace_start.get(t + 1)) {
            (Some(&a), Some(&b)) => &self.order[a as usize..b as usize],
            _ => &[],
        }
    }

    /// Records no rule placed, in time order.
    pub fn unattached(&self) -> &[u32] {
        let start = self.trace_start.last().copied().unwrap_or(0) as usize;
        self.order.get(start..).unwrap_or(&[])
    }

    /// Every record in time order within each trace, traces in order, then
    /// the unattached.
    pub fn all(&self) -> &[u32] {
        &self.order
    }

    pub fn count(&self, rule: AttachRule) -> u64 {
        self.counts[rule as usize]
    }

    pub fn attached(&self) -> u64 {
        self.counts[..3].iter().sum()
    }
}

/// Whether `short` (a 64-bit id, as Datadog's loggers write) is the low
/// half of `full`.
fn is_low_half(short: TraceId, full: TraceId) -> bool {
    short.0 >> 64 == 0 && short.0 as u64 == full.0 as u64
}

/// The deepest node of `tree` whose span runs at `t`: from the root that
/// holds it, down through the latest-started child that still holds it. A
/// time outside every span gives the primary root.
pub fn deepest_at(tree: &TraceTree, t: u64) -> u32 {
    let root = tree
        .roots
        .iter()
        .rev()
        .copied()
        .find(|&r| runs_at(tree, r, t))
        .or_else(|| tree.primary_root());
    match root {
        Some(r) if runs_at(tree, r, t) => deepest_below(tree, r, t),
        Some(r) => r,
        None => NONE,
    }
}

/// Whether node `i` runs at `t` (an instant span at its instant).
fn runs_at(tree: &TraceTree, i: u32, t: u64) -> bool {
    let n = &tree.nodes[i as usize];
    n.start_ns <= t && t <= n.end_ns.max(n.start_ns)
}

/// The correlation rule, for the records no id placed: a correlation-keyed
/// attribute value found on a trace's spans, with the record's time inside
/// that trace, places it on the span that carries the value when that span
/// runs then, else on the deepest span running then.
///
/// Only the values these records carry are looked for: a pass over the
/// spans' correlation-keyed attributes against that set, rather than the
/// full index of every id value (which search builds when it is asked).
fn attach_by_correlation(
    store: &TraceStore,
    traces: &[TraceTree],
    records: &[usize],
    places: &mut [LogPlace],
) {
    let mut key_ok: HashMap<crate::Sym, bool> = HashMap::new();
    let mut is_key = |k: crate::Sym| {
        *key_ok
            .entry(k)
            .or_insert_with(|| is_correlation_key(store.resolve(k)))
    };
    // The values wanted, each with where it was found: (trace, node).
    let mut wanted: HashMap<String, Vec<(u32, u32)>> = HashMap::new();
    for &k in records {
        for a in store.attrs_of(store.logs[k].attrs) {
            if is_key(a.key) {
                if let Some(v) = id_text(store, &a.value) {
                    wanted.entry(v).or_default();
                }
            }
        }
    }
    if wanted.is_empty() {
        return;
    }
    let mut found_any = false;
    each_id_value(store, traces, |t, node, _key, v| {
        let at = match v {
            AttrValue::Str(_) | AttrValue::Text(_) => {
                store.value_str(v).and_then(|v| wanted.get_mut(v))
            }
            AttrValue::Int(n) => wanted.get_mut(n.to_string().as_str()),
            _ => None,
        };
        if let Some(at) = at {
            if at.last() != Some(&(t, node)) {
                at.push((t, node));
                found_any = true;
            }
        }
    });
    if !found_any {
        return;
    }
    for &k in records {
        let rec = &store.logs[k];
        let t = rec.when_ns();
        let hit = store.attrs_of(rec.attrs).iter().find_map(|a| {
            if !is_key(a.key) {
                return None;
            }
            let v = id_text(store, &a.value)?;
            wanted.get(&v)?.iter().copied().find(|&(tr, _)| {
                traces
                    .get(tr as usize)
                    .is_some_and(|tr| tr.start_ns <= t && t <= tr.end_ns)
            })
        });
        if let Some((trace, at)) = hit {
            let tree = &traces[trace as usize];
            let node = if runs_at(tree, at, t) {
                deepest_below(tree, at, t)
            } else {
                deepest_at(tree, t)
            };
            places[k] = LogPlace {
                trace,
                node,
                rule: AttachRule::Correlation,
            };
        }
    }
}

/// As [`deepest_at`], from `at` (which runs at `t`) down through the
/// latest-started child that still runs then. Each step goes one level
/// down, so the walk is bounded by the tree's depth.
fn deepest_below(tree: &TraceTree, mut at: u32, t: u64) -> u32 {
    loop {
        let kids = tree.children(at);
        // Children are sorted by start: those that started by `t` come first.
        let started = kids.partition_point(|&c| tree.nodes[c as usize].start_ns <= t);
        match kids[..started]
            .iter()
            .rev()
            .copied()
            .find(|&c| runs_at(tree, c, t))
        {
            Some(c) => at = c,
            None => return at,
        }
    }
}
