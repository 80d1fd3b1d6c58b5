//! The live store's bound: every span received is kept until `max_spans`. Past `max_spans`, whole
//! traces are evicted, oldest first (by when their first span arrived), down
//! to 80% of the bound, and the count of what was dropped is kept for the
//! user to see. Eviction rebuilds the store from the kept spans (through the
//! protobuf writer and reader): rare, since it frees a fifth at a time.

use std::collections::HashMap;
use tracelens_model::{TraceId, TraceStore};

/// Keeps a `TraceStore` (owned by the caller: a viewer rebuilds its dataset
/// from it) within bounds.
pub struct LiveStore {
    max_spans: usize,
    /// Arrival order of traces (first span seen), for eviction.
    first_seen: HashMap<TraceId, u64>,
    arrivals: u64,
    pub dropped_spans: u64,
    pub dropped_traces: u64,
}

impl LiveStore {
    pub fn new(max_spans: usize) -> LiveStore {
        LiveStore {
            max_spans: max_spans.max(1),
            first_seen: HashMap::new(),
            arrivals: 0,
            dropped_spans: 0,
            dropped_traces: 0,
        }
    }

    /// Adds a received batch to `store`, evicting the oldest traces if over
    /// the bound.
    pub fn add(&mut self, store: &mut TraceStore, batch: TraceStore) {
        for sp in &batch.spans {
            self.arrivals += 1;
            let n = self.arrivals;
            self.first_seen.entry(sp.trace_id).or_insert(n);
        }
        store.absorb(batch);
        if store.spans.len() > self.max_spans {
            self.evict(store);
        }
    }

    fn evict(&mut self, store: &mut TraceStore) {
        let target = self.max_spans * 4 / 5;
        let mut per_trace: HashMap<TraceId, usize> = HashMap::new();
        for sp in &store.spans {
            *per_trace.entry(sp.trace_id).or_default() += 1;
        }
        let mut order: Vec<(u64, TraceId)> = per_trace
            .keys()
            .map(|t| (self.first_seen.get(t).copied().unwrap_or(0), *t))
            .collect();
        order.sort();
        let mut left = store.spans.len();
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
        let mut bytes = Vec::new();
        let mut fresh = TraceStore::new();
        if tracelens_formats::write_otlp_proto(&*store, &keep, &mut bytes).is_ok() {
            let _ = tracelens_formats::read_from(
                "live",
                bytes.as_slice(),
                Some(bytes.len() as u64),
                &mut fresh,
                &tracelens_formats::ReadOptions::default(),
            );
        }
        self.dropped_spans += (store.spans.len() - keep.len()) as u64;
        self.dropped_traces += gone.len() as u64;
        for t in &gone {
            self.first_seen.remove(t);
        }
        *store = fresh;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
