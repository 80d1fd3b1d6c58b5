//! Calls across the loaded runs (the model's `calls`), asked for the same
//! way by every front: `tracelens calls FILE...`, `/api/calls`, the app.

use serde::Deserialize;
use tracelens_model::calls::{self, CallClass, CallFilter, CallSort, CallsDoc};
use tracelens_model::cost::PriceTable;
use tracelens_model::Dataset;

/// What a front asks of [`crate::Session::calls`].
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct CallQuery {
    /// `llm` (the default), `tool` or `agent`.
    #[ts(optional)]
    pub class: Option<String>,
    /// `duration` (the default), `ttft`, `tokens`, `cost` or `start`.
    #[ts(optional)]
    pub sort: Option<String>,
    #[ts(optional)]
    pub model: Option<String>,
    #[ts(optional)]
    pub tool: Option<String>,
    #[ts(optional)]
    pub agent: Option<String>,
    /// Only calls that failed.
    pub errors: bool,
    pub min_duration_ns: u64,
    /// Text in the name, service, model, tool or agent.
    #[ts(optional)]
    pub q: Option<String>,
    pub offset: usize,
    /// At most 5,000 (default 500).
    #[ts(optional)]
    pub limit: Option<usize>,
    /// Only runs whose root name, id, a service or an agent state holds
    /// this text (the trace list's filter).
    #[ts(optional)]
    pub run_text: Option<String>,
    /// Only runs at least this long.
    pub run_min_ns: u64,
}

/// The model's filter for `q`; an error names what is accepted.
pub fn call_filter(q: &CallQuery) -> Result<CallFilter, String> {
    let class = match q.class.as_deref() {
        None | Some("") => CallClass::Llm,
        Some(c) => CallClass::parse(c)
            .ok_or_else(|| format!("no call class {c:?}: use llm, tool or agent"))?,
    };
    let sort = match q.sort.as_deref() {
        None | Some("") => CallSort::Duration,
        Some(s) => CallSort::parse(s).ok_or_else(|| {
            format!("cannot sort by {s:?}: use duration, ttft, tokens, cost or start")
        })?,
    };
    let some = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    let f = CallFilter {
        class,
        sort,
        model: some(&q.model),
        tool: some(&q.tool),
        agent: some(&q.agent),
        errors_only: q.errors,
        min_duration_ns: q.min_duration_ns,
        text: some(&q.q),
        offset: q.offset,
        limit: q.limit.unwrap_or(500),
        runs: crate::report::run_filter(&q.run_text, q.run_min_ns),
    };
    Ok(f)
}

/// The page `q` asks for over `ds`; an error names what is accepted.
pub fn calls_of(ds: &Dataset, q: &CallQuery, prices: &PriceTable) -> Result<CallsDoc, String> {
    Ok(calls::calls(ds, &call_filter(q)?, prices))
}
