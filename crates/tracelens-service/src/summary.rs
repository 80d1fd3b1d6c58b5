//! The summary document: the stable JSON of `tracelens summary --json`
//! (documented in docs/cli.md). Field names and meanings do not change;
//! fields may be added.

use serde::Serialize;
use std::collections::BTreeMap;
use tracelens_model::{AgentState, ClassBreakdown, Dataset, PhaseBreakdown, Warning};

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct SummaryDoc {
    pub traces: Vec<TraceSummary>,
    pub warnings: Vec<Warning>,
    pub sources: Vec<SourceSummary>,
    /// Every log record of the data, by how it was placed (all traces,
    /// whatever `traces` was narrowed to).
    pub logs: crate::logs::AttachCounts,
}

#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct SourceSummary {
    pub name: String,
    pub format: Option<&'static str>,
    pub compression: Vec<&'static str>,
    pub spans: u64,
    /// Log records and captured events read.
    pub logs: u64,
    pub error: Option<String>,
}

impl SourceSummary {
    /// A source that is not a file (a ClickHouse table, a receiver), read whole.
    pub fn stream(name: String, format: &'static str, spans: u64) -> SourceSummary {
        SourceSummary {
            name,
            format: Some(format),
            compression: Vec::new(),
            spans,
            logs: 0,
            error: None,
        }
    }

    /// A trace fetched from ClickHouse (`name` says which tables): its
    /// spans, its log records, and why the records could not be read when
    /// they could not (the spans are shown all the same).
    pub fn clickhouse(
        name: String,
        spans: u64,
        logs: u64,
        logs_error: Option<String>,
    ) -> SourceSummary {
        SourceSummary {
            logs,
            error: logs_error.map(|e| format!("log records not read: {e}")),
            ..SourceSummary::stream(name, "clickhouse", spans)
        }
    }
}

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct TraceSummary {
    pub trace_id: String,
    pub root_name: String,
    pub services: Vec<String>,
    pub start_time_unix_nano: u64,
    pub span_count: usize,
    pub root_count: usize,
    pub orphan_count: usize,
    pub error_count: usize,
    pub duration_ns: u64,
    pub critical_path: Vec<String>,
    pub breakdown_ns: ClassBreakdown,
    pub phases_ns: PhaseBreakdown,
    pub llm: LlmSummary,
    pub agents: Vec<AgentSummary>,
    pub states: BTreeMap<&'static str, usize>,
    /// Log records placed on this trace.
    pub log_count: u64,
    /// Those records by level (levels that occur only).
    pub logs_by_level: BTreeMap<&'static str, u64>,
    /// The ids the run is known by, from its root span (and its resource):
    /// user, request, session, thread, conversation ids first, at most
    /// three, as `[key, value]` pairs; what a list shows beside the name.
    pub ids: Vec<(String, String)>,
}

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct LlmSummary {
    pub calls: u64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub mean_ttft_ns: Option<u64>,
}

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct AgentSummary {
    pub span_id: String,
    pub name: String,
    pub state: AgentState,
    pub duration_ns: u64,
    pub reason: String,
    pub error: Option<String>,
}

/// Summarises trace `t` of the dataset.
pub fn trace_summary(ds: &Dataset, t: usize) -> TraceSummary {
    let tree = &ds.traces[t];
    let an = &ds.analyses[t];
    let store = &ds.store;
    let span_id = |node: u32| -> String { tree.span_id(store, node).to_string() };
    let root_name = tree
        .primary_root()
        .map(|r| {
            let n = &tree.nodes[r as usize];
            if n.is_placeholder() {
                format!("(missing span {})", tree.span_id(store, r))
            } else {
                store.resolve(store.spans[n.span as usize].name).to_string()
            }
        })
        .unwrap_or_default();
    let mut services: Vec<String> = tree
        .nodes
        .iter()
        .filter(|n| !n.is_placeholder())
        .map(|n| store.service_of(&store.spans[n.span as usize]).to_string())
        .filter(|s| !s.is_empty())
        .collect();
    services.sort();
    services.dedup();
    let mut states = BTreeMap::new();
    for a in &an.agents {
        *states.entry(a.state.as_str()).or_insert(0) += 1;
    }
    TraceSummary {
        trace_id: tree.trace_id.to_string(),
        root_name,
        services,
        start_time_unix_nano: tree.start_ns,
        span_count: tree.span_count(),
        root_count: tree.stats.roots,
        orphan_count: tree.stats.orphans,
        error_count: an.error_count,
        duration_ns: tree.duration_ns(),
        critical_path: an.critical_nodes.iter().map(|&n| span_id(n)).collect(),
        breakdown_ns: an.breakdown,
        phases_ns: an.phases,
        llm: LlmSummary {
            calls: an.llm.calls,
            input_tokens: an.llm.input_tokens,
            output_tokens: an.llm.output_tokens,
            mean_ttft_ns: an.llm.mean_ttft_ns,
        },
        agents: an
            .agents
            .iter()
            .map(|a| AgentSummary {
                span_id: span_id(a.node),
                name: a.name.clone(),
                state: a.state,
                duration_ns: a.duration_ns,
                reason: a.reason.clone(),
                error: a.error.clone(),
            })
            .collect(),
        states,
        log_count: ds.logs.of_trace(t as u32).len() as u64,
        logs_by_level: crate::logs::level_counts(ds, t),
        ids: tracelens_model::runs::run_ids(ds, t),
    }
}

/// The whole document. `only` restricts it to some traces (by index).
pub fn summary_doc(
    ds: &Dataset,
    sources: Vec<SourceSummary>,
    only: Option<&[usize]>,
) -> SummaryDoc {
    let idx: Vec<usize> = match only {
        Some(o) => o.to_vec(),
        None => (0..ds.traces.len()).collect(),
    };
    let ids: std::collections::HashSet<_> = idx.iter().map(|&i| ds.traces[i].trace_id).collect();
    SummaryDoc {
        traces: idx.iter().map(|&i| trace_summary(ds, i)).collect(),
        warnings: ds
            .warnings
            .iter()
            .filter(|w| only.is_none() || w.trace_id.is_none_or(|t| ids.contains(&t)))
            .cloned()
            .collect(),
        sources,
        logs: crate::logs::AttachCounts::of(&ds.logs),
    }
}

pub fn source_summaries(reports: &[tracelens_formats::ReadReport]) -> Vec<SourceSummary> {
    reports
        .iter()
        .map(|r| SourceSummary {
            name: r.source.clone(),
            format: r.format.map(|f| f.as_str()),
            compression: r
                .compression
                .iter()
                .map(|c| match c {
                    tracelens_formats::Compression::Gzip => "gzip",
                    tracelens_formats::Compression::Zstd => "zstd",
                    tracelens_formats::Compression::None => "none",
                })
                .collect(),
            spans: r.spans,
            logs: r.logs,
            error: r.error.as_ref().map(|e| e.to_string()),
        })
        .collect()
}
