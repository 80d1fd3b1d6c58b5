//! The performance report across the loaded runs (the model's `report`),
//! asked for the same way by every front: `tracelens report FILE...`, the
//! HTTP API and the app. ClickHouse fills the same document from SQL
//! (tracelens-clickhouse's `report`).

use serde::Deserialize;
use tracelens_model::cost::PriceTable;
use tracelens_model::report::{self, GroupBy, Report, ReportOptions};
use tracelens_model::Dataset;

/// What a front asks of [`crate::Session::report`].
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct ReportQuery {
    /// `agent` (the default), `operation`, `service`, `model` or
    /// `attribute:KEY`.
    #[ts(optional)]
    pub group_by: Option<String>,
    /// Only runs that started this many seconds before the data's latest
    /// instant (its "now"); none: every run.
    #[ts(optional)]
    pub since_s: Option<u64>,
    /// Rows of the ranked lists (default 10).
    #[ts(optional)]
    pub top: Option<usize>,
    /// Rows of the main table (default 200).
    #[ts(optional)]
    pub max_groups: Option<usize>,
    /// Only runs whose root name, id, a service or an agent state holds
    /// this text (the trace list's filter).
    #[ts(optional)]
    pub run_text: Option<String>,
    /// Only runs at least this long.
    pub run_min_ns: u64,
}

/// The runs a query across runs covers.
pub fn run_filter(text: &Option<String>, min_ns: u64) -> tracelens_model::runs::RunFilter {
    tracelens_model::runs::RunFilter {
        text: text.clone().filter(|t| !t.trim().is_empty()),
        min_duration_ns: min_ns,
    }
}

/// `agent`, `operation`, `service`, `model` or `attribute:KEY`; an error
/// names what is accepted.
pub fn parse_group_by(s: &str) -> Result<GroupBy, String> {
    let t = s.trim();
    if let Some(k) = t
        .strip_prefix("attribute:")
        .or_else(|| t.strip_prefix("attr:"))
    {
        let k = k.trim();
        if k.is_empty() {
            return Err("give the attribute's key: attribute:user_id".into());
        }
        return Ok(GroupBy::Attribute(k.to_string()));
    }
    match t {
        "agent" => Ok(GroupBy::Agent),
        "operation" | "name" => Ok(GroupBy::Operation),
        "service" => Ok(GroupBy::Service),
        "model" => Ok(GroupBy::Model),
        "attribute" | "attr" => Err("give the attribute's key: attribute:user_id".into()),
        other => Err(format!(
            "cannot group by {other:?}: use agent, operation, service, model or attribute:KEY"
        )),
    }
}

/// The report `q` asks for over `ds`, calls priced by `prices`.
pub fn report_of(ds: &Dataset, q: &ReportQuery, prices: &PriceTable) -> Result<Report, String> {
    let group_by = match &q.group_by {
        Some(s) => parse_group_by(s)?,
        None => GroupBy::Agent,
    };
    let defaults = ReportOptions::default();
    let opts = ReportOptions {
        group_by,
        from_ns: q
            .since_s
            .map(|s| ds.as_of_ns.saturating_sub(s.saturating_mul(1_000_000_000))),
        to_ns: None,
        top: q.top.unwrap_or(defaults.top).clamp(1, 1_000),
        max_groups: q
            .max_groups
            .unwrap_or(defaults.max_groups)
            .clamp(1, 100_000),
        prices: prices.clone(),
        runs: run_filter(&q.run_text, q.run_min_ns),
    };
    Ok(report::report(ds, &opts))
}
