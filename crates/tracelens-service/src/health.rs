//! Agent health over time across the loaded runs (the model's `health`),
//! for every front: `tracelens health FILE...`, `/api/health`, the
//! Overview's health chart.

use serde::Deserialize;
use tracelens_model::health::{self, HealthDoc, HealthOptions};
use tracelens_model::Dataset;

/// What a front asks of [`crate::Session::health`].
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct HealthQuery {
    /// The bucket width in seconds; none: about 60 over the range.
    #[ts(optional)]
    pub bucket_s: Option<u64>,
    /// Only executions that started this many seconds before the data's
    /// latest instant.
    #[ts(optional)]
    pub since_s: Option<u64>,
    /// Only runs whose root name, id, a service or an agent state holds
    /// this text (the trace list's filter).
    #[ts(optional)]
    pub run_text: Option<String>,
    /// Only runs at least this long.
    pub run_min_ns: u64,
}

pub fn health_of(ds: &Dataset, q: &HealthQuery) -> HealthDoc {
    let opts = HealthOptions {
        bucket_ns: q
            .bucket_s
            .filter(|&s| s > 0)
            .map(|s| s.saturating_mul(1_000_000_000)),
        from_ns: q
            .since_s
            .map(|s| ds.as_of_ns.saturating_sub(s.saturating_mul(1_000_000_000))),
        to_ns: None,
        runs: crate::report::run_filter(&q.run_text, q.run_min_ns),
    };
    health::health(ds, &opts)
}
