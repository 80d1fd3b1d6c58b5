//! Search inside one trace: which waterfall rows match a query, in row
//! order, so a front can highlight them, count them, list them and step
//! through them. A query is terms as [`crate::filter`] reads them (`dead`,
//! `state:dead`, `class:llm`, `model:gpt-4o`, `user.id=u-1042`, a span id,
//! words of names and values), all of which a row must pass.

use crate::filter::{parse_query, RowMatcher};
use serde::Serialize;
use tracelens_model::Dataset;

/// The most rows one search reports; the count stays exact.
pub const MAX_MATCHES: usize = 100_000;

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct TraceMatches {
    pub query: String,
    /// Every match, even past `MAX_MATCHES`.
    pub count: usize,
    /// Waterfall row positions (the order of `trace_columns`), ascending.
    pub rows: Vec<u32>,
}

/// Why a search could not run.
#[derive(Debug, PartialEq)]
pub enum FindError {
    NoTrace,
    /// A term that does not parse (`>fast`, `state:asleep`), with why.
    Query(String),
}

/// Rows of trace `t` that pass every term of `query`.
pub fn find_in_trace(ds: &Dataset, t: usize, query: &str) -> Result<TraceMatches, FindError> {
    let m = RowMatcher::new(ds, t).ok_or(FindError::NoTrace)?;
    let terms = parse_query(query).map_err(FindError::Query)?;
    let mut out = TraceMatches {
        query: query.to_string(),
        count: 0,
        rows: Vec::new(),
    };
    if terms.is_empty() {
        return Ok(out);
    }
    for (row, &i) in ds.traces[t].preorder.iter().enumerate() {
        if m.passes_all(i, &terms) {
            out.count += 1;
            if out.rows.len() < MAX_MATCHES {
                out.rows.push(row as u32);
            }
        }
    }
    Ok(out)
}
