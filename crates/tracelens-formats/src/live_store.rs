//! The live store's bound: every span and log record received is kept
//! until together they reach `max_spans`. Past it, whole traces (their
//! spans and the records that name them) are evicted, oldest first (by when
//! their first item arrived), down to 80% of the bound, and the count of
//! what was dropped is kept for the user to see. Records that name no trace
//! are one group of their own, evicted whole like a trace. Eviction rebuilds the store from the kept spans
//! (`TraceStore::retained`, which keeps only the strings they use): rare,
//! since it frees a fifth at a time.
//!
//! Spans of an evicted trace can still arrive (a long run, a late exporter):
//! the trace then shows again, in part. The store remembers the ids it
//! evicted (the newest `REMEMBERED`) so that such a trace carries an
//! `incomplete` warning saying how much of it is gone.

use std::collections::{HashMap, VecDeque};
use tracelens_model::{TraceId, TraceStore, Warning, WarningKind};

/// Evicted trace ids remembered for the `incomplete` mark.
const REMEMBERED: usize = 100_000;

/// Keeps a `TraceStore` (owned by the caller: a viewer rebuilds its dataset
/// from it) within bounds.
pub struct LiveStore {
    max_spans: usize,
    /// Arrival order of traces (first span seen), for eviction.
    first_seen: HashMap<TraceId, u64>,
    arrivals: u64,
    pub dropped_spans: u64,
    pub dropped_logs: u64,
    pub dropped_traces: u64,
    /// Spans evicted per trace, for the newest `REMEMBERED` evicted traces.
    evicted: HashMap<TraceId, u64>,
    evicted_order: VecDeque<TraceId>,
    /// Traces shown in part: spans evicted (value) before others arrived.
    partial: HashMap<TraceId, u64>,
}

impl LiveStore {
    pub fn new(max_spans: usize) -> LiveStore {
        LiveStore {
            max_spans: max_spans.max(1),
            first_seen: HashMap::new(),
            arrivals: 0,
            dropped_spans: 0,
            dropped_logs: 0,
            dropped_traces: 0,
            evicted: HashMap::new(),
            evicted_order: VecDeque::new(),
            partial: HashMap::new(),
        }
    }

    /// One `incomplete` warning per trace shown in part, for the dataset
    /// built from the store (warnings of the store itself do not outlive a
    /// rebuild, so the live store keeps these).
    pub fn warnings(&self) -> Vec<Warning> {
        let mut v: Vec<Warning> = self
            .partial
            .iter()
            .map(|(t, n)| {
                Warning::new(
                    WarningKind::Incomplete,
                    format!(
                        "{n} earlier spans of this trace were evicted from the live store (bound: {} spans); it is shown in part",
                        self.max_spans
                    ),
                )
                .trace(*t)
            })
            .collect();
        v.sort_by_key(|w| w.trace_id);
        v
    }

    /// Adds a received batch to `store`, evicting the oldest traces if over
    /// the bound.
    pub fn add(&mut self, store: &mut TraceStore, batch: TraceStore) {
        for sp in &batch.spans {
            self.arrivals += 1;
            let n = self.arrivals;
            self.first_seen.entry(sp.trace_id).or_insert(n);
            if let Some(&gone) = self.evicted.get(&sp.trace_id) {
                *self.partial.entry(sp.trace_id).or_insert(0) = gone;
            }
        }
        for rec in &batch.logs {
            self.arrivals += 1;
            let n = self.arrivals;
            self.first_seen.entry(rec.trace_id).or_insert(n);
        }
        store.absorb(batch);
        if store.spans.len() + store.logs.len() > self.max_spans {
            self.evict(store);
        }
    }

    fn evict(&mut self, store: &mut TraceStore) {
        let target = self.max_spans * 4 / 5;
        let mut per_trace: HashMap<TraceId, usize> = HashMap::new();
        for sp in &store.spans {
            *per_trace.entry(sp.trace_id).or_default() += 1;
        }
        for rec in &store.logs {
            *per_trace.entry(rec.trace_id).or_default() += 1;
        }
        let mut order: Vec<(u64, TraceId)> = per_trace
            .keys()
            .map(|t| (self.first_seen.get(t).copied().unwrap_or(0), *t))
            .collect();
        order.sort();
        let mut left = store.spans.len() + store.logs.len();
        let mut gone = std::collections::HashSet::new();
        for (_, t) in order {
            if left <= target {
                break;
            }
            left -= per_trace[&t];
            gone.insert(t);
        }
        let keep: Vec<u32> = (0..store.spans.len() as u32)
            .filter(|&i| !gone.contains(&store.spans[i as usize].trace_id))
            .collect();
        let keep_logs: Vec<u32> = (0..store.logs.len() as u32)
            .filter(|&i| !gone.contains(&store.logs[i as usize].trace_id))
            .collect();
        let mut fresh = store.retained(&keep, &keep_logs);
        // Readers' warnings go with their traces.
        fresh
            .warnings
            .retain(|w| w.trace_id.is_some_and(|t| !gone.contains(&t)));
        self.dropped_spans += (store.spans.len() - keep.len()) as u64;
        self.dropped_logs += (store.logs.len() - keep_logs.len()) as u64;
        self.dropped_traces += gone.iter().filter(|t| t.is_valid()).count() as u64;
        for t in &gone {
            self.first_seen.remove(t);
            if !t.is_valid() {
                continue;
            }
            // Evicted again: what is gone now is all it had.
            let before = self.partial.remove(t).unwrap_or(0);
            let n = before + per_trace[t] as u64;
            if self.evicted.insert(*t, n).is_none() {
                self.evicted_order.push_back(*t);
            }
        }
        while self.evicted_order.len() > REMEMBERED {
            if let Some(t) = self.evicted_order.pop_front() {
                self.evicted.remove(&t);
            }
        }
        *store = fresh;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` spans of trace `t` (one root, the rest its children).
    fn spans_of(t: u128, first: u64, n: u64) -> TraceStore {
        let doc = serde_json::json!({"resourceSpans": [{"scopeSpans": [{"spans": (first..first + n).map(|i| serde_json::json!({
            "traceId": format!("{t:032x}"), "spanId": format!("{:016x}", i + 1),
            "parentSpanId": if i == 0 { String::new() } else { format!("{:016x}", 1) },
            "name": format!("s{i}"), "startTimeUnixNano": (1_000 + i).to_string(), "endTimeUnixNano": (2_000 + i).to_string(),
        })).collect::<Vec<_>>()}]}]});
        let bytes = doc.to_string().into_bytes();
        let mut st = TraceStore::new();
        let rep = crate::read_bytes("t", &bytes, &mut st);
        assert!(rep.error.is_none());
        st
    }

    #[test]
    fn late_spans_of_an_evicted_trace_mark_it_incomplete() {
        let mut live = LiveStore::new(40);
        let mut store = TraceStore::new();
        live.add(&mut store, spans_of(1, 0, 10));
        assert!(live.warnings().is_empty());
        // Trace 2 takes the store past its bound (41 > 40): trace 1, the
        // oldest, goes, which brings it under 80% of the bound (31 <= 32).
        live.add(&mut store, spans_of(2, 0, 31));
        assert_eq!((live.dropped_traces, live.dropped_spans), (1, 10));
        assert!(
            live.warnings().is_empty(),
            "gone whole, nothing is shown in part"
        );
        // A late span of trace 1: it shows again, marked.
        live.add(&mut store, spans_of(1, 10, 1));
        assert_eq!(store.spans.len(), 32);
        let w = live.warnings();
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].kind, WarningKind::Incomplete);
        assert_eq!(w[0].trace_id, Some(TraceId(1)));
        assert!(
            w[0].message.starts_with("10 earlier spans"),
            "{}",
            w[0].message
        );
        // Evicted again (it arrived after trace 2, so it goes after it), it
        // is gone whole: no longer shown in part.
        live.add(&mut store, spans_of(3, 0, 9));
        assert!(!live.warnings().is_empty(), "only trace 2 went");
        live.add(&mut store, spans_of(4, 0, 35));
        assert!(live.warnings().is_empty(), "{:?}", live.warnings());
        assert!(store.spans.iter().all(|s| s.trace_id != TraceId(1)));
    }

    /// What eviction keeps is exactly the kept spans, every field, with
    /// only the strings they use.
    #[test]
    fn a_retained_store_is_the_kept_spans_whole() {
        let st = tracelens_gen::generate(tracelens_gen::GenOptions {
            traces: 6,
            spans_per_trace: 50,
            seed: 9,
        });
        let keep: Vec<u32> = (0..st.spans.len() as u32)
            .filter(|&i| st.spans[i as usize].trace_id != st.spans[0].trace_id)
            .collect();
        let fresh = st.retained(&keep, &[]);
        assert_eq!(fresh.spans.len(), keep.len());
        let all: Vec<u32> = (0..fresh.spans.len() as u32).collect();
        let (mut want, mut have) = (Vec::new(), Vec::new());
        crate::write_otlp_jsonl(&st, &keep, &mut want).unwrap();
        crate::write_otlp_jsonl(&fresh, &all, &mut have).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&have),
            String::from_utf8_lossy(&want)
        );
        assert!(fresh.attrs.len() < st.attrs.len());
    }

    /// Records count against the bound and go with their trace; records
    /// naming no trace are a group of their own.
    #[test]
    fn log_records_are_bounded_and_evicted_with_their_trace() {
        let mut live = LiveStore::new(40);
        let mut store = TraceStore::new();
        let mut with_logs = spans_of(1, 0, 10);
        for i in 0..5u64 {
            with_logs.build_log(1_000 + i, "on trace 1").trace(1).push();
        }
        with_logs.build_log(1_000, "no trace").push();
        live.add(&mut store, with_logs);
        assert_eq!((store.spans.len(), store.logs.len()), (10, 6));
        // 16 items, then 30 more spans: 46 > 40. Trace 1 is the oldest:
        // it goes with its 5 records, which brings the store to 31 <= 32.
        live.add(&mut store, spans_of(2, 0, 30));
        assert_eq!((live.dropped_spans, live.dropped_logs), (10, 5));
        assert_eq!(live.dropped_traces, 1);
        assert_eq!(store.spans.len(), 30);
        let bodies = |st: &TraceStore| -> Vec<String> {
            st.logs.iter().map(|r| st.value_text(&r.body)).collect()
        };
        assert_eq!(bodies(&store), ["no trace"]);
        // Past the bound again (41): the trace-less group goes whole first
        // (it is older), then trace 2 with its records, to get under 32.
        let mut more = TraceStore::new();
        for i in 0..10u64 {
            more.build_log(2_000 + i, "on trace 2").trace(2).push();
        }
        live.add(&mut store, more);
        assert_eq!((live.dropped_spans, live.dropped_logs), (40, 16));
        assert_eq!(
            live.dropped_traces, 2,
            "the trace-less group is not a trace"
        );
        assert!(store.spans.is_empty() && store.logs.is_empty());
    }

    #[test]
    fn the_oldest_traces_go_first_and_are_counted() {
        let mut live = LiveStore::new(500);
        let mut store = TraceStore::new();
        let mut order = Vec::new();
        for seed in 0..8 {
            let st = tracelens_gen::generate(tracelens_gen::GenOptions {
                traces: 1,
                spans_per_trace: 100,
                seed,
            });
            order.push(st.spans[0].trace_id);
            live.add(&mut store, st);
        }
        assert!(store.spans.len() <= 500, "{}", store.spans.len());
        assert!(live.dropped_traces >= 3);
        let kept: std::collections::HashSet<_> = store.spans.iter().map(|s| s.trace_id).collect();
        // The newest trace is kept; the first ones are gone.
        assert!(kept.contains(order.last().unwrap()));
        assert!(!kept.contains(&order[0]));
        assert_eq!(
            live.dropped_spans as usize + store.spans.len(),
            (0..8)
                .map(|seed| tracelens_gen::generate(tracelens_gen::GenOptions {
                    traces: 1,
                    spans_per_trace: 100,
                    seed
                })
                .spans
                .len())
                .sum::<usize>()
        );
    }
}
