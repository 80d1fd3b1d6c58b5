//! A session: the opened sources and the dataset built from them, and every
//! question a front asks of it, answered with typed errors. The HTTP API and
//! the desktop app's commands are both thin wrappers over these methods, so
//! the two fronts cannot drift apart.

use crate::breakdown::Breakdown;
use crate::detail::{find_span, span_detail, SpanDetail};
use crate::find::{find_in_trace, TraceMatches};
use crate::search::{find_trace, lookup_failure, search, SearchResult};
use crate::summary::{summary_doc, SourceSummary, SummaryDoc};
use tracelens_model::{Dataset, DatasetOptions, TraceStore};

/// Why a question has no answer. Fronts map `NotFound` to 404,
/// `Ambiguous` and `Invalid` to 400 (HTTP), or show the message (desktop).
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    Ambiguous(String),
    /// The question itself is malformed (a level that is no level).
    #[error("{0}")]
    Invalid(String),
}

pub type ServiceResult<T> = Result<T, ServiceError>;

pub struct Session {
    pub dataset: Dataset,
    pub sources: Vec<SourceSummary>,
    /// What LLM calls cost: the bundled table with the user's prices file
    /// over it ([`crate::prices::default_prices_file`]).
    pub prices: tracelens_model::cost::PriceTable,
    /// Why the user's prices file was not taken (the report says so).
    pub prices_error: Option<String>,
    /// The last diff asked for, by (A, B, baseline size), so that paging
    /// through it does not align the runs again.
    last_diff: std::sync::Mutex<Option<DiffKey>>,
}

type DiffKey = (
    (usize, Option<usize>, usize),
    std::sync::Arc<tracelens_model::diff::DiffDoc>,
);

/// The bundled prices with the user's file over it, or the bundled ones
/// and why the file was refused. Read once per process: the live receiver
/// builds a session several times a second, and a prices file does not
/// change under a running app (restart it to take a new one).
fn user_prices() -> (tracelens_model::cost::PriceTable, Option<String>) {
    static PRICES: std::sync::OnceLock<(tracelens_model::cost::PriceTable, Option<String>)> =
        std::sync::OnceLock::new();
    PRICES
        .get_or_init(|| {
            let file = crate::prices::default_prices_file();
            match crate::prices::price_table(file.as_deref()) {
                Ok(t) => (t, None),
                Err(e) => (
                    tracelens_model::cost::PriceTable::bundled(),
                    Some(e.to_string()),
                ),
            }
        })
        .clone()
}

impl Default for Session {
    fn default() -> Self {
        Session {
            dataset: Dataset::build(TraceStore::default(), DatasetOptions::default()),
            sources: Vec::new(),
            prices: tracelens_model::cost::PriceTable::bundled(),
            prices_error: None,
            last_diff: Default::default(),
        }
    }
}

fn lookup_error(what: &str, id: &str, place: &str, candidates: Vec<String>) -> ServiceError {
    let msg = lookup_failure(what, id, place, &candidates);
    if candidates.is_empty() {
        ServiceError::NotFound(msg)
    } else {
        ServiceError::Ambiguous(msg)
    }
}

impl Session {
    pub fn new(dataset: Dataset, sources: Vec<SourceSummary>) -> Session {
        let (prices, prices_error) = user_prices();
        Session {
            dataset,
            sources,
            prices,
            prices_error,
            last_diff: Default::default(),
        }
    }

    /// The trace index for a full or unambiguous-prefix trace id.
    pub fn trace(&self, id: &str) -> ServiceResult<usize> {
        find_trace(&self.dataset, id).map_err(|c| lookup_error("trace", id, "the input", c))
    }

    pub fn summary(&self) -> SummaryDoc {
        summary_doc(&self.dataset, self.sources.clone(), None)
    }

    pub fn search(&mut self, value: &str) -> SearchResult {
        search(&mut self.dataset, value)
    }

    pub fn columns(&self, trace: &str, adjust_skew: bool) -> ServiceResult<Vec<u8>> {
        let t = self.trace(trace)?;
        crate::columns::trace_columns(&self.dataset, t, adjust_skew)
            .ok_or_else(|| ServiceError::NotFound(format!("no trace {trace:?}")))
    }

    pub fn node(&self, trace: &str, node: u32) -> ServiceResult<SpanDetail> {
        let t = self.trace(trace)?;
        span_detail(&self.dataset, t, node)
            .ok_or_else(|| ServiceError::NotFound(format!("no node {node} in trace {trace}")))
    }

    pub fn span(&self, trace: &str, span: &str) -> ServiceResult<SpanDetail> {
        let t = self.trace(trace)?;
        let node = find_span(&self.dataset, t, span)
            .map_err(|c| lookup_error("span", span, &format!("trace {trace}"), c))?;
        span_detail(&self.dataset, t, node)
            .ok_or_else(|| ServiceError::NotFound(format!("no span {span:?}")))
    }

    pub fn breakdown(&self, trace: &str, node: Option<u32>) -> ServiceResult<Breakdown> {
        self.breakdown_filtered(trace, node, "")
    }

    /// The breakdown counting only the spans the filter `terms` matches
    /// (all when empty), so that the panel follows the page's chips.
    pub fn breakdown_filtered(
        &self,
        trace: &str,
        node: Option<u32>,
        terms: &str,
    ) -> ServiceResult<Breakdown> {
        let t = self.trace(trace)?;
        let terms = crate::filter::parse_terms(terms).map_err(ServiceError::Invalid)?;
        let keep: Option<Vec<bool>> = (!terms.is_empty()).then(|| {
            let (mask, _) = crate::filter::filter_mask(&self.dataset, t, &terms);
            // The mask is by row (preorder); the breakdown counts by node.
            let tree = &self.dataset.traces[t];
            let mut by_node = vec![false; tree.len()];
            for (row, &node) in tree.preorder.iter().enumerate() {
                by_node[node as usize] = mask.get(row) == Some(&crate::filter::MATCH);
            }
            by_node
        });
        crate::breakdown::breakdown_of(&self.dataset, t, node, keep.as_deref()).ok_or_else(|| {
            ServiceError::NotFound(format!("no node {} in trace {trace}", node.unwrap_or(0)))
        })
    }

    /// The problems of a trace and the chain from each failure to its
    /// cause; with `node`, the chain from that node.
    pub fn why(&self, trace: &str, node: Option<u32>) -> ServiceResult<crate::why::WhyDoc> {
        let t = self.trace(trace)?;
        if node.is_some_and(|n| n as usize >= self.dataset.traces[t].len()) {
            return Err(ServiceError::NotFound(format!(
                "no node {} in trace {trace}",
                node.unwrap_or(0)
            )));
        }
        Ok(crate::why::why(&self.dataset, t, node))
    }

    /// The loaded runs grouped into sessions.
    pub fn sessions(
        &self,
        q: &crate::sessions::SessionsQuery,
    ) -> tracelens_model::sessions::SessionsDoc {
        tracelens_model::sessions::sessions(
            &self.dataset,
            q.key.as_deref(),
            &self.prices,
            &crate::report::run_filter(&q.run_text, q.run_min_ns),
        )
    }

    /// Two runs aligned step by step, or a run against the baseline of
    /// good runs of its kind.
    pub fn diff(
        &self,
        q: &crate::diff::DiffQuery,
    ) -> ServiceResult<tracelens_model::diff::DiffDoc> {
        let a = self.trace(&q.a)?;
        let b = match &q.b {
            Some(b) => Some(self.trace(b)?),
            None => None,
        };
        let n = q.baseline.unwrap_or(crate::diff::DEFAULT_BASELINE);
        // A view pages through one diff as it scrolls: the last one is kept.
        let key = (a, b, if b.is_some() { 0 } else { n });
        let mut cache = self.last_diff.lock().unwrap_or_else(|p| p.into_inner());
        let doc = match cache.as_ref() {
            Some((k, d)) if *k == key => d.clone(),
            _ => {
                let d = std::sync::Arc::new(
                    crate::diff::diff_of(&self.dataset, a, b, n).map_err(ServiceError::NotFound)?,
                );
                *cache = Some((key, d.clone()));
                d
            }
        };
        drop(cache);
        if q.offset.is_none() && q.limit.is_none() && !q.differences {
            return Ok((*doc).clone());
        }
        Ok(doc.page(
            q.offset.unwrap_or(0),
            q.limit.unwrap_or(u64::MAX),
            q.differences,
        ))
    }

    /// Which rows of trace `trace` pass the filter `terms` (one per line,
    /// as [`crate::filter`] reads them): the matched count as a
    /// little-endian u32, then one byte per row in the columns' order
    /// (0 hidden, 1 an ancestor of a match, 2 a match).
    pub fn filter(&self, trace: &str, terms: &str) -> ServiceResult<Vec<u8>> {
        let terms = crate::filter::parse_terms(terms).map_err(ServiceError::Invalid)?;
        let t = self.trace(trace)?;
        let (mask, matched) = crate::filter::filter_mask(&self.dataset, t, &terms);
        let mut out = Vec::with_capacity(4 + mask.len());
        out.extend_from_slice(&matched.to_le_bytes());
        out.extend_from_slice(&mask);
        Ok(out)
    }

    /// Trace `trace` (or the subtree under its node `node`) written out as
    /// `format` (`otlp-json`, `digest-md`, `digest-json`).
    pub fn export(
        &mut self,
        trace: &str,
        node: Option<u32>,
        format: &str,
    ) -> ServiceResult<crate::export::ExportFile> {
        let f = crate::export::ExportFormat::parse(format).map_err(ServiceError::Invalid)?;
        let t = self.trace(trace)?;
        if node.is_some_and(|n| n as usize >= self.dataset.traces[t].len()) {
            return Err(ServiceError::NotFound(format!(
                "no node {node:?} in that trace"
            )));
        }
        Ok(crate::export::export_file(&mut self.dataset, t, node, f))
    }

    /// Who called whom: in one trace, or across the runs the filter keeps.
    pub fn graph(
        &self,
        q: &crate::graph::GraphQuery,
    ) -> ServiceResult<tracelens_model::graph::GraphDoc> {
        let runs = match &q.trace {
            Some(id) => vec![self.trace(id)?],
            None => crate::graph::graph_runs(&self.dataset, q),
        };
        Ok(tracelens_model::graph::graph(&self.dataset, &runs))
    }

    /// Agent health over time across the loaded runs.
    pub fn health(&self, q: &crate::health::HealthQuery) -> tracelens_model::health::HealthDoc {
        crate::health::health_of(&self.dataset, q)
    }

    /// A page of calls across the loaded runs.
    pub fn calls(
        &self,
        q: &crate::calls::CallQuery,
    ) -> ServiceResult<tracelens_model::calls::CallsDoc> {
        crate::calls::calls_of(&self.dataset, q, &self.prices).map_err(ServiceError::Invalid)
    }

    /// The performance report across the loaded runs.
    pub fn report(
        &self,
        q: &crate::report::ReportQuery,
    ) -> ServiceResult<tracelens_model::report::Report> {
        let mut r = crate::report::report_of(&self.dataset, q, &self.prices)
            .map_err(ServiceError::Invalid)?;
        if let Some(e) = &self.prices_error {
            r.not_computed
                .push(format!("your prices: {e}; the bundled prices were used"));
        }
        Ok(r)
    }

    /// A page of log records: of one trace (and one node of it) when the
    /// query names them, else all; filtered as it says.
    pub fn logs(&self, q: &crate::logs::LogQuery) -> ServiceResult<crate::logs::LogsDoc> {
        let trace = match &q.trace {
            Some(id) => Some(self.trace(id)?),
            None => None,
        };
        if let (Some(t), Some(n)) = (trace, q.node) {
            if n as usize >= self.dataset.traces[t].len() {
                return Err(ServiceError::NotFound(format!("no node {n} in that trace")));
            }
        }
        let min_level = match q.level.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
            Some(l) => Some(crate::logs::parse_level(l)?),
            None => None,
        };
        let filter = crate::logs::LogFilter {
            trace,
            span: q.node.filter(|_| trace.is_some()),
            min_level,
            text: q.q.clone(),
            offset: q.offset,
            limit: Some(
                q.limit
                    .unwrap_or(crate::logs::MAX_PAGE)
                    .min(crate::logs::MAX_PAGE),
            ),
        };
        Ok(crate::logs::logs(&self.dataset, &filter))
    }

    pub fn markers(&self, trace: &str) -> ServiceResult<crate::markers::Markers> {
        let t = self.trace(trace)?;
        crate::markers::trace_markers(&self.dataset, t)
            .ok_or_else(|| ServiceError::NotFound(format!("no trace {trace:?}")))
    }

    pub fn find(&self, trace: &str, query: &str) -> ServiceResult<TraceMatches> {
        let t = self.trace(trace)?;
        find_in_trace(&self.dataset, t, query).map_err(|e| match e {
            crate::find::FindError::NoTrace => {
                ServiceError::NotFound(format!("no trace {trace:?}"))
            }
            crate::find::FindError::Query(why) => ServiceError::Invalid(why),
        })
    }
}
