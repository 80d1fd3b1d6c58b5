//! The audit's tables kept current from a stream of spans, for the
//! write-through. An agent's state needs its whole trace (its children, its
//! heartbeats, the clock), and spans arrive in batches, so the spans are
//! also kept in a bounded live store (oldest traces evicted first). Each
//! `flush` builds the traces touched since the last flush, and those whose
//! agents were still running (they may have ended, or turned dead, since),
//! with "now" as the clock, and returns their rows of agent_executions,
//! agent_events and performance_metrics that are new or changed. Only those
//! traces are built (copied out through the protobuf writer and reader):
//! a flush costs what arrived, not what is kept.
//! agent_executions is a ReplacingMergeTree on (trace_id, span_id) by
//! version, so a changed execution row replaces the earlier one.
//!
//! What was emitted is remembered per trace (a fingerprint per row identity)
//! and forgotten with the trace when the bound evicts it.
//!
//! A flush judges at most `SLICE` traces and says whether more wait: a burst
//! (a backfill, a restart of many senders) is worked through in short
//! flushes, so the lock that `add` also takes is never held for long and
//! receiving never waits on the judging.

use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};
use tracelens_formats::LiveStore;
use tracelens_model::{AgentState, Dataset, DatasetOptions, TraceId, TraceStore};

/// Traces judged in one flush at most (about 5k spans of agent runs: the
/// lock is held some tens of ms; docs/benchmarks.md, write-through tracker).
pub const SLICE: usize = 50;

/// Rows for the three tables.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize, PartialEq)]
pub struct AgentRows {
    pub agent_executions: Vec<Value>,
    pub agent_events: Vec<Value>,
    pub performance_metrics: Vec<Value>,
}

impl AgentRows {
    pub fn len(&self) -> usize {
        self.agent_executions.len() + self.agent_events.len() + self.performance_metrics.len()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

pub struct AgentTracker {
    store: TraceStore,
    bound: LiveStore,
    dirty: HashSet<TraceId>,
    /// Traces with an agent running (or pending) when last judged, in the
    /// order they are judged again (each in turn: none starves).
    running: std::collections::VecDeque<TraceId>,
    /// Per trace: row identity -> fingerprint of the row last emitted.
    emitted: HashMap<TraceId, HashMap<String, u64>>,
}

fn trace_of(row: &Value) -> Option<TraceId> {
    TraceId::from_hex(row["trace_id"].as_str()?).ok()
}

/// A row's identity within its table, and a fingerprint of its content.
/// A running execution's duration grows with the clock: it is left out of
/// the fingerprint, so only a change of state, end or version re-emits it.
fn identity(table: &str, row: &mut Value) -> (String, u64) {
    let s = |k: &str| row[k].as_str().unwrap_or_default().to_string();
    let id = match table {
        "agent_events" => format!("v|{}|{}|{}", s("span_id"), s("timestamp"), s("event_type")),
        "performance_metrics" => format!("m|{}", s("span_id")),
        _ => format!("e|{}", s("span_id")),
    };
    // Left out while hashing, then put back (no copy of the row).
    let growing = (table == "agent_executions" && row["end_time"].is_null())
        .then(|| row.as_object_mut().and_then(|o| o.remove("duration_ns")))
        .flatten();
    let mut h = std::collections::hash_map::DefaultHasher::new();
    row.to_string().hash(&mut h);
    if let (Some(d), Some(o)) = (growing, row.as_object_mut()) {
        o.insert("duration_ns".into(), d);
    }
    (id, h.finish())
}

impl AgentTracker {
    pub fn new(max_spans: usize) -> AgentTracker {
        AgentTracker {
            store: TraceStore::new(),
            bound: LiveStore::new(max_spans),
            dirty: HashSet::new(),
            running: std::collections::VecDeque::new(),
            emitted: HashMap::new(),
        }
    }

    /// Spans kept (for the benchmark and the counts).
    pub fn spans(&self) -> usize {
        self.store.spans.len()
    }

    /// Takes in a received batch.
    pub fn add(&mut self, batch: TraceStore) {
        self.dirty.extend(batch.spans.iter().map(|s| s.trace_id));
        let evicted = self.bound.dropped_traces;
        self.bound.add(&mut self.store, batch);
        if self.bound.dropped_traces != evicted {
            let kept: HashSet<TraceId> = self.store.spans.iter().map(|s| s.trace_id).collect();
            self.emitted.retain(|t, _| kept.contains(t));
            self.running.retain(|t| kept.contains(t));
            self.dirty.retain(|t| kept.contains(t));
        }
    }

    /// Whether traces wait to be judged (a flush left some for the next).
    pub fn pending(&self) -> bool {
        !self.dirty.is_empty()
    }

    /// The rows new or changed since the last flush, judged at `as_of_ns`
    /// (the write-through passes now; `None` is the data's latest time), for
    /// at most `SLICE` traces: the touched ones first, then those still
    /// running; the rest stay for the next flush (see `pending`).
    pub fn flush(&mut self, as_of_ns: Option<u64>) -> AgentRows {
        let mut wanted: HashSet<TraceId> = self.dirty.iter().take(SLICE).copied().collect();
        self.dirty.retain(|t| !wanted.contains(t));
        while wanted.len() < SLICE {
            match self.running.pop_front() {
                Some(t) => {
                    wanted.insert(t);
                }
                None => break,
            }
        }
        self.running.retain(|t| !wanted.contains(t));
        if wanted.is_empty() {
            return AgentRows::default();
        }
        let spans: Vec<u32> = (0..self.store.spans.len() as u32)
            .filter(|&i| wanted.contains(&self.store.spans[i as usize].trace_id))
            .collect();
        let mut bytes = Vec::new();
        let mut touched = TraceStore::new();
        if tracelens_formats::write_otlp_proto(&self.store, &spans, &mut bytes).is_err()
            || tracelens_formats::read_bytes("tracker", &bytes, &mut touched)
                .error
                .is_some()
        {
            // Our own encoding read back: a failure would be a bug; the
            // traces are judged again at the next flush.
            self.dirty.extend(wanted);
            return AgentRows::default();
        }
        let ds = Dataset::build(
            touched,
            DatasetOptions {
                as_of_ns,
                ..DatasetOptions::default()
            },
        );
        let (execs, events, metrics) = crate::agent::rows(&ds);
        // Still running: judged again later (they may end, or turn dead).
        self.running.extend(
            ds.traces
                .iter()
                .zip(&ds.analyses)
                .filter(|(_, an)| {
                    an.agents
                        .iter()
                        .any(|a| matches!(a.state, AgentState::Running | AgentState::Pending))
                })
                .map(|(tree, _)| tree.trace_id),
        );
        let mut out = AgentRows::default();
        for (table, rows, into) in [
            ("agent_executions", execs, &mut out.agent_executions),
            ("agent_events", events, &mut out.agent_events),
            ("performance_metrics", metrics, &mut out.performance_metrics),
        ] {
            for mut row in rows {
                let Some(t) = trace_of(&row) else { continue };
                let (id, fp) = identity(table, &mut row);
                let seen = self.emitted.entry(t).or_default();
                if seen.insert(id, fp) != Some(fp) {
                    into.push(row);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> TraceStore {
        tracelens_gen::generate(tracelens_gen::GenOptions {
            traces: 4,
            spans_per_trace: 40,
            seed: 11,
        })
    }

    #[test]
    fn rows_are_emitted_once_and_again_only_when_they_change() {
        let ds = Dataset::build(sample(), DatasetOptions::default());
        let (execs, events, metrics) = crate::agent::rows(&ds);
        let mut tr = AgentTracker::new(100_000);
        tr.add(sample());
        let first = tr.flush(None);
        assert_eq!(
            (
                first.agent_executions.len(),
                first.agent_events.len(),
                first.performance_metrics.len()
            ),
            (execs.len(), events.len(), metrics.len())
        );
        assert!(!first.agent_executions.is_empty() && !first.performance_metrics.is_empty());
        // Nothing new: nothing again.
        assert!(tr.flush(None).is_empty());
    }

    #[test]
    fn a_trace_arriving_in_pieces_ends_with_the_rows_of_the_whole() {
        let whole = sample();
        let ds = Dataset::build(sample(), DatasetOptions::default());
        let (execs, ..) = crate::agent::rows(&ds);
        // The same spans, in three batches, flushed after each.
        let mut tr = AgentTracker::new(100_000);
        let n = whole.spans.len() as u32;
        let mut last: HashMap<String, Value> = HashMap::new();
        for part in [0..n / 3, n / 3..2 * n / 3, 2 * n / 3..n] {
            let idx: Vec<u32> = part.collect();
            let mut bytes = Vec::new();
            tracelens_formats::write_otlp_proto(&whole, &idx, &mut bytes).unwrap();
            let mut b = TraceStore::new();
            assert!(tracelens_formats::read_bytes("part", &bytes, &mut b)
                .error
                .is_none());
            tr.add(b);
            for r in tr.flush(None).agent_executions {
                last.insert(r["span_id"].as_str().unwrap().to_string(), r);
            }
        }
        // The latest row per execution (what ReplacingMergeTree keeps) is
        // what the whole trace gives.
        assert_eq!(last.len(), execs.len());
        for e in &execs {
            let got = &last[e["span_id"].as_str().unwrap()];
            assert_eq!(got["state"], e["state"], "{}", e["agent_name"]);
            assert_eq!(got["version"], e["version"]);
        }
    }

    #[test]
    fn a_burst_is_judged_in_slices_with_every_row_once() {
        let st = tracelens_gen::generate(tracelens_gen::GenOptions {
            traces: SLICE * 2 + 17,
            spans_per_trace: 10,
            seed: 4,
        });
        let ds = Dataset::build(
            tracelens_gen::generate(tracelens_gen::GenOptions {
                traces: SLICE * 2 + 17,
                spans_per_trace: 10,
                seed: 4,
            }),
            DatasetOptions::default(),
        );
        let (execs, events, metrics) = crate::agent::rows(&ds);
        let as_of = Some(u64::MAX / 2);
        let mut tr = AgentTracker::new(1_000_000);
        tr.add(st);
        let (mut flushes, mut n) = (0, 0);
        loop {
            n += tr.flush(as_of).len();
            flushes += 1;
            if !tr.pending() {
                break;
            }
            assert!(flushes < 100, "never done");
        }
        assert_eq!(flushes, 3, "{} traces in slices of {SLICE}", SLICE * 2 + 17);
        assert_eq!(n, execs.len() + events.len() + metrics.len());
        assert!(tr.flush(as_of).is_empty());
    }

    #[test]
    fn a_running_agent_is_judged_again_and_turns_dead() {
        // One agent span with no end and one heartbeat, then silence.
        let doc = serde_json::json!({"resourceSpans": [{"scopeSpans": [{"spans": [{
            "traceId": "0af7651916cd43dd8448eb211c80319c", "spanId": "b7ad6b7169203331",
            "name": "invoke_agent writer", "startTimeUnixNano": "1000000000", "endTimeUnixNano": "0",
            "attributes": [{"key": "gen_ai.operation.name", "value": {"stringValue": "invoke_agent"}},
                           {"key": "gen_ai.agent.name", "value": {"stringValue": "writer"}}],
            "events": [{"name": "heartbeat", "timeUnixNano": "2000000000"}],
        }]}]}]});
        let bytes = doc.to_string().into_bytes();
        let mut b = TraceStore::new();
        assert!(tracelens_formats::read_bytes("t", &bytes, &mut b)
            .error
            .is_none());
        let mut tr = AgentTracker::new(1000);
        tr.add(b);
        let now = tr.flush(Some(3_000_000_000));
        assert_eq!(now.agent_executions.len(), 1);
        assert_eq!(now.agent_executions[0]["state"], "running");
        // Still running a second later: nothing to write.
        assert!(tr.flush(Some(4_000_000_000)).agent_executions.is_empty());
        // Past two heartbeat intervals of silence: dead, written once.
        let later = tr.flush(Some(60_000_000_000));
        assert_eq!(later.agent_executions.len(), 1);
        assert_eq!(later.agent_executions[0]["state"], "dead");
        assert!(tr.flush(Some(70_000_000_000)).is_empty());
    }
}
