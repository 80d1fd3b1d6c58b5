//! Comparing two runs, or a run against the usual shape of its kind (the
//! model's `diff`), for every front: `tracelens diff A B`, `/api/diff`,
//! the app's compare view.

use serde::Deserialize;
use tracelens_model::diff::{baseline_steps, diff, run_steps, DiffDoc, DiffOptions};
use tracelens_model::Dataset;

/// How many good runs a baseline takes when the query does not say.
pub const DEFAULT_BASELINE: usize = 5;

/// What a front asks of [`crate::Session::diff`].
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct DiffQuery {
    /// Side A: a trace id (full or unique prefix).
    pub a: String,
    /// Side B: a trace id; without it, a baseline of good runs.
    #[ts(optional)]
    pub b: Option<String>,
    /// The baseline's size: the last this many good runs with A's root
    /// operation, A left out.
    #[ts(optional)]
    pub baseline: Option<usize>,
    /// A page of the rows: from `offset`, at most `limit` (all when absent).
    #[ts(optional)]
    pub offset: Option<u64>,
    #[ts(optional)]
    pub limit: Option<u64>,
    /// Only the rows that differ, with their ancestors.
    pub differences: bool,
}

/// Whether trace `t` went well: no error span, no failed, timed-out or dead agent.
fn is_good(ds: &Dataset, t: usize) -> bool {
    let an = &ds.analyses[t];
    an.error_count == 0 && !an.agents.iter().any(|a| a.state.is_problem())
}

fn root_name(ds: &Dataset, t: usize) -> Option<String> {
    let r = ds.traces[t].primary_root()?;
    Some(ds.node_name(t, r).0.into_owned())
}

/// The last `n` good runs (by start) with the root operation of run `a`, `a` left out.
pub fn baseline_runs(ds: &Dataset, a: usize, n: usize) -> Vec<usize> {
    let root = root_name(ds, a);
    let mut runs: Vec<usize> = (0..ds.traces.len())
        .filter(|&t| t != a && is_good(ds, t) && root_name(ds, t) == root)
        .collect();
    runs.sort_by_key(|&t| (ds.traces[t].start_ns, t));
    let skip = runs.len().saturating_sub(n);
    runs.split_off(skip)
}

/// Run `a` against run `b` (as `diff old new` reads: what B changed from
/// A), or, without `b`, the baseline of `baseline` good runs (side A)
/// against run `a` (side B).
pub fn diff_of(
    ds: &Dataset,
    a: usize,
    b: Option<usize>,
    baseline: usize,
) -> Result<DiffDoc, String> {
    let opts = DiffOptions::default();
    match b {
        Some(b) => Ok(diff(&run_steps(ds, a), &run_steps(ds, b), &opts)),
        None => {
            let runs = baseline_runs(ds, a, baseline.max(1));
            if runs.is_empty() {
                return Err(format!(
                    "no good run of {:?} besides this one to compare with: name a second trace",
                    root_name(ds, a).unwrap_or_default()
                ));
            }
            Ok(diff(&baseline_steps(ds, &runs), &run_steps(ds, a), &opts))
        }
    }
}
