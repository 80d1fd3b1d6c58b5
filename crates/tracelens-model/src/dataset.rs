//! A dataset: the store grouped into traces, each with its tree and analyses.

use crate::agent_signs::TraceSigns;
use crate::analysis::TraceAnalysis;
use crate::correlate::CorrelationIndex;
use crate::facts::KeyTable;
use crate::ids::TraceId;
use crate::log_index::LogIndex;
use crate::span::Span;
use crate::store::TraceStore;
use crate::tree::{TraceTree, TreeOptions};
use crate::warning::{Warning, WarningSink};
use hashbrown::HashMap;

#[derive(Debug, Clone, Copy)]
pub struct DatasetOptions {
    pub skew_tolerance_ns: u64,
    /// "Now": open spans run until it, and agent states are judged at it
    /// (heartbeats silent since...). `None`, right for a file exported after
    /// the fact: states are judged at the latest timestamp in the whole data,
    /// and an open span ends at its last sign of life (its latest event or
    /// descendant). A live receiver passes the clock.
    pub as_of_ns: Option<u64>,
    /// Most warnings of one kind listed per trace; the rest are counted.
    pub warnings_per_kind: usize,
}

impl Default for DatasetOptions {
    fn default() -> Self {
        DatasetOptions {
            skew_tolerance_ns: TreeOptions::default().skew_tolerance_ns,
            as_of_ns: None,
            warnings_per_kind: 50,
        }
    }
}

/// Everything the fronts show, computed from one store.
#[derive(Debug)]
pub struct Dataset {
    pub store: TraceStore,
    /// Traces sorted by start time.
    pub traces: Vec<TraceTree>,
    pub analyses: Vec<TraceAnalysis>,
    /// Reader warnings first, then each trace's in trace order.
    pub warnings: Vec<Warning>,
    pub as_of_ns: u64,
    pub keys: KeyTable,
    /// Where each log record of the store was placed.
    pub logs: LogIndex,
    by_id: HashMap<TraceId, u32>,
    correlation: Option<CorrelationIndex>,
}

/// The latest instant the data mentions (spans, their events, log records).
fn latest_time<'a>(store: &TraceStore, spans: impl IntoIterator<Item = &'a Span>) -> u64 {
    let mut t = store.logs.iter().map(|r| r.when_ns()).max().unwrap_or(0);
    for s in spans {
        t = t.max(s.start_ns).max(s.end_ns.unwrap_or(0));
        for e in store.events_of(s.events) {
            t = t.max(e.time_ns);
        }
    }
    t
}

impl Dataset {
    pub fn build(mut store: TraceStore, opts: DatasetOptions) -> Dataset {
        let as_of_ns = opts
            .as_of_ns
            .unwrap_or_else(|| latest_time(&store, &store.spans));
        // Group by sorting span indices on trace id: one allocation, where a
        // map of growing vectors would leave a fragmented heap behind.
        let mut order: Vec<u32> = (0..store.spans.len() as u32).collect();
        order.sort_by_key(|&i| (store.spans[i as usize].trace_id, i));
        let mut sink = WarningSink::with_limit(opts.warnings_per_kind);
        let mut traces: Vec<TraceTree> = order
            .chunk_by(|&a, &b| store.spans[a as usize].trace_id == store.spans[b as usize].trace_id)
            .map(|members| {
                let id = store.spans[members[0] as usize].trace_id;
                let tree_opts = TreeOptions {
                    skew_tolerance_ns: opts.skew_tolerance_ns,
                    as_of_ns: opts.as_of_ns,
                };
                TraceTree::build(&store, id, members, tree_opts, &mut sink)
            })
            .collect();
        drop(order);
        traces.sort_by_key(|t| (t.start_ns, t.trace_id));
        let by_id: HashMap<TraceId, u32> = traces
            .iter()
            .enumerate()
            .map(|(i, t)| (t.trace_id, i as u32))
            .collect();
        let logs = LogIndex::build(&store, &traces, &by_id);
        let keys = KeyTable::new(&store);
        let analyses = traces
            .iter()
            .enumerate()
            .map(|(t, tree)| {
                let signs = TraceSigns::of(&store, &keys, &logs, t as u32, tree);
                TraceAnalysis::compute(&store, &keys, tree, as_of_ns, &signs)
            })
            .collect();
        let mut warnings = std::mem::take(&mut store.warnings);
        let mut tree_warnings = sink.finish();
        tree_warnings.sort_by_key(|w| w.trace_id.and_then(|t| by_id.get(&t).copied()));
        warnings.extend(tree_warnings);
        Dataset {
            store,
            traces,
            analyses,
            warnings,
            as_of_ns,
            keys,
            logs,
            by_id,
            correlation: None,
        }
    }

    pub fn trace_index(&self, id: TraceId) -> Option<u32> {
        self.by_id.get(&id).copied()
    }

    /// The correlation index, built on first use (it is only needed for search).
    pub fn correlation(&mut self) -> &CorrelationIndex {
        if self.correlation.is_none() {
            self.correlation = Some(CorrelationIndex::build(&mut self.store, &self.traces));
        }
        // Just set above when absent.
        self.correlation
            .get_or_insert_with(CorrelationIndex::default)
    }

    /// The name and service of node `node` of trace `t`, for people. A
    /// placeholder the records showed was an agent goes by that agent's
    /// name; any other placeholder is a missing parent with no service.
    pub fn node_name(&self, t: usize, node: u32) -> (std::borrow::Cow<'_, str>, &str) {
        use std::borrow::Cow;
        let n = &self.traces[t].nodes[node as usize];
        if n.is_placeholder() {
            let agent = self.analyses[t].agents.iter().find(|a| a.node == node);
            let name = agent.map_or(Cow::Borrowed("(missing parent)"), |a| {
                Cow::Owned(format!("{} (span never exported)", a.name))
            });
            return (name, "");
        }
        let span = &self.store.spans[n.span as usize];
        (
            Cow::Borrowed(self.store.resolve(span.name)),
            self.store.service_of(span),
        )
    }

    pub fn span_count(&self) -> usize {
        self.store.spans.len()
    }
}
