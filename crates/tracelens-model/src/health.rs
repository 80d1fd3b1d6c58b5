//! Agent health over time: per agent, its executions and how they ended in
//! time buckets across the loaded runs, and every dead agent with when it
//! last showed a sign of life and what it was doing then.
//!
//! Buckets are aligned to the epoch (as ClickHouse's `toStartOfInterval`
//! aligns them), so a series from files and one from stored runs line up.

use crate::agent::AgentState;
use crate::dataset::Dataset;
use crate::tree::NONE;
use serde::Serialize;
use std::collections::BTreeMap;

/// Bucket widths a series is drawn in, smallest first.
const NICE_NS: &[u64] = &[
    1_000_000_000,
    5_000_000_000,
    10_000_000_000,
    30_000_000_000,
    60_000_000_000,
    300_000_000_000,
    600_000_000_000,
    1_800_000_000_000,
    3_600_000_000_000,
    10_800_000_000_000,
    21_600_000_000_000,
    43_200_000_000_000,
    86_400_000_000_000,
    604_800_000_000_000,
];

/// The most buckets a series has: a bucket too narrow for the range is
/// widened to keep under it.
pub const MAX_BUCKETS: u64 = 2_000;

/// The smallest nice width that splits `range_ns` into at most `target`
/// buckets.
pub fn nice_bucket(range_ns: u64, target: u64) -> u64 {
    let want = range_ns.div_ceil(target.max(1));
    NICE_NS
        .iter()
        .copied()
        .find(|&b| b >= want)
        .unwrap_or_else(|| want.max(1))
}

/// The first bucket's start, the width and the count for starts in
/// `[lo, hi]`: `bucket_ns` if given (widened past [`MAX_BUCKETS`]), else
/// about 60 nice buckets; aligned to the epoch. Shared with ClickHouse's
/// series so both cut time the same way.
pub fn buckets(lo: u64, hi: u64, bucket_ns: Option<u64>) -> (u64, u64, u64) {
    let range = hi.saturating_sub(lo) + 1;
    let mut bucket = bucket_ns.unwrap_or_else(|| nice_bucket(range, 60)).max(1);
    if range / bucket >= MAX_BUCKETS {
        bucket = nice_bucket(range, MAX_BUCKETS - 1);
    }
    let first = lo - lo % bucket;
    (first, bucket, (hi - first) / bucket + 1)
}

#[derive(Debug, Clone, Default)]
pub struct HealthOptions {
    /// The bucket width; `None`: about 60 buckets over the data's range.
    pub bucket_ns: Option<u64>,
    /// Only executions starting in `[from_ns, to_ns)`.
    pub from_ns: Option<u64>,
    pub to_ns: Option<u64>,
    /// Which runs (the trace list's filters).
    pub runs: crate::runs::RunFilter,
}

/// One agent's series: counts per bucket, by how executions ended.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct AgentHealth {
    pub agent: String,
    pub runs: Vec<u32>,
    pub failed: Vec<u32>,
    pub timeout: Vec<u32>,
    pub dead: Vec<u32>,
    pub total_runs: u64,
    /// Failed, timed out or dead, in all.
    pub total_problems: u64,
    /// The executions' duration per bucket: median and 95th percentile
    /// (interpolated between ranks, as the report's), 0 where no run.
    pub p50_ns: Vec<u64>,
    pub p95_ns: Vec<u64>,
}

/// An agent that died: when it started and last beat, what it was doing.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct DeadAgent {
    pub agent: String,
    pub trace_id: String,
    pub span_id: String,
    pub start_time_unix_nano: u64,
    /// Its last heartbeat, if it sent any.
    pub last_heartbeat_unix_nano: Option<u64>,
    /// The last span it started under it (the step it was in when it
    /// stopped), or empty when it started none.
    pub doing: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct HealthDoc {
    /// The first bucket's start and every bucket's width.
    pub from_ns: u64,
    pub bucket_ns: u64,
    pub buckets: u64,
    /// Agents by name.
    pub agents: Vec<AgentHealth>,
    /// Dead agents, the latest first.
    pub dead: Vec<DeadAgent>,
}

/// The last span started in `node`'s subtree (itself excluded).
fn last_started(ds: &Dataset, t: usize, node: u32) -> String {
    let tree = &ds.traces[t];
    tree.subtree(node)
        .into_iter()
        .filter(|&i| i != node)
        .filter_map(|i| {
            let n = &tree.nodes[i as usize];
            (n.span != NONE).then_some((n.start_ns, i))
        })
        .max()
        .map(|(_, i)| {
            let n = &tree.nodes[i as usize];
            ds.store
                .resolve(ds.store.spans[n.span as usize].name)
                .to_string()
        })
        .unwrap_or_default()
}

/// The health series over `ds`.
pub fn health(ds: &Dataset, opts: &HealthOptions) -> HealthDoc {
    let from = opts.from_ns.unwrap_or(0);
    let to = opts.to_ns.unwrap_or(u64::MAX);
    // (start, trace, execution) of every execution in range.
    let mut execs: Vec<(u64, usize, &crate::agent::AgentExecution)> = Vec::new();
    for (t, an) in ds.analyses.iter().enumerate() {
        if !opts.runs.keeps(ds, t) {
            continue;
        }
        let tree = &ds.traces[t];
        for a in &an.agents {
            let start = tree.nodes.get(a.node as usize).map_or(0, |n| n.start_ns);
            if start >= from && start < to {
                execs.push((start, t, a));
            }
        }
    }
    let (Some(lo), Some(hi)) = (
        execs.iter().map(|e| e.0).min(),
        execs.iter().map(|e| e.0).max(),
    ) else {
        return HealthDoc::default();
    };
    let (first, bucket, buckets) = buckets(lo, hi, opts.bucket_ns);
    let mut by_agent: BTreeMap<&str, AgentHealth> = BTreeMap::new();
    let mut durations: BTreeMap<&str, Vec<Vec<u64>>> = BTreeMap::new();
    let mut dead = Vec::new();
    for &(start, t, a) in &execs {
        let (state, name) = (a.state, a.name.as_str());
        let b = ((start - first) / bucket) as usize;
        let h = by_agent.entry(name).or_insert_with(|| AgentHealth {
            agent: name.to_string(),
            runs: vec![0; buckets as usize],
            failed: vec![0; buckets as usize],
            timeout: vec![0; buckets as usize],
            dead: vec![0; buckets as usize],
            ..AgentHealth::default()
        });
        h.runs[b] += 1;
        h.total_runs += 1;
        durations
            .entry(name)
            .or_insert_with(|| vec![Vec::new(); buckets as usize])[b]
            .push(a.duration_ns);
        match state {
            AgentState::Failed => h.failed[b] += 1,
            AgentState::Timeout => h.timeout[b] += 1,
            AgentState::Dead => h.dead[b] += 1,
            _ => {}
        }
        if state.is_problem() {
            h.total_problems += 1;
        }
        if state == AgentState::Dead {
            let tree = &ds.traces[t];
            dead.push(DeadAgent {
                agent: name.to_string(),
                trace_id: tree.trace_id.to_string(),
                span_id: tree.span_id(&ds.store, a.node).to_string(),
                start_time_unix_nano: start,
                last_heartbeat_unix_nano: a.last_heartbeat_ns,
                doing: last_started(ds, t, a.node),
                reason: a.reason.clone(),
            });
        }
    }
    dead.sort_by(|a, b| {
        b.start_time_unix_nano
            .cmp(&a.start_time_unix_nano)
            .then_with(|| a.span_id.cmp(&b.span_id))
    });
    for (name, per_bucket) in durations {
        let Some(h) = by_agent.get_mut(name) else {
            continue;
        };
        for mut d in per_bucket {
            d.sort_unstable();
            let q = |p: f64| {
                if d.is_empty() {
                    0
                } else {
                    crate::report::quantile(&d, p) as u64
                }
            };
            h.p50_ns.push(q(0.5));
            h.p95_ns.push(q(0.95));
        }
    }
    HealthDoc {
        from_ns: first,
        bucket_ns: bucket,
        buckets,
        agents: by_agent.into_values().collect(),
        dead,
    }
}

#[cfg(test)]
mod tests {
    use super::nice_bucket;

    #[test]
    fn buckets_are_nice_widths() {
        const S: u64 = 1_000_000_000;
        assert_eq!(nice_bucket(60 * S, 60), S);
        assert_eq!(nice_bucket(3_600 * S, 60), 60 * S);
        assert_eq!(nice_bucket(86_400 * S, 60), 1_800 * S);
        // Past a week a bucket is as wide as it must be.
        assert_eq!(nice_bucket(1_000 * 604_800 * S, 10), 100 * 604_800 * S);
    }
}
