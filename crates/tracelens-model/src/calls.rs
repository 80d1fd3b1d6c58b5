//! Calls across runs: every LLM call, tool call or agent execution of the
//! loaded traces as one table, filtered and sorted, one page at a time.
//!
//! A million spans must not become a million rows of strings: the filters
//! and the sort run over (trace, node, key) triples, and only the page asked
//! for is turned into rows.

use crate::agent::AgentExecution;
use crate::analysis::TraceAnalysis;
use crate::classify::SpanClass;
use crate::cost::PriceTable;
use crate::dataset::Dataset;
use crate::facts::{Fact, SpanFacts};
use crate::llm::LlmCall;
use crate::span::StatusCode;
use crate::tree::NONE;
use hashbrown::HashMap;
use serde::Serialize;

/// Which calls.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CallClass {
    #[default]
    Llm,
    Tool,
    Agent,
}

impl CallClass {
    pub fn parse(s: &str) -> Option<CallClass> {
        match s.trim() {
            "llm" | "model" => Some(CallClass::Llm),
            "tool" => Some(CallClass::Tool),
            "agent" => Some(CallClass::Agent),
            _ => None,
        }
    }

    fn span_class(self) -> SpanClass {
        match self {
            CallClass::Llm => SpanClass::Llm,
            CallClass::Tool => SpanClass::Tool,
            CallClass::Agent => SpanClass::Agent,
        }
    }
}

/// What the table is sorted by, largest first (start: earliest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CallSort {
    #[default]
    Duration,
    Ttft,
    Tokens,
    Cost,
    Start,
}

impl CallSort {
    pub fn parse(s: &str) -> Option<CallSort> {
        match s.trim() {
            "duration" => Some(CallSort::Duration),
            "ttft" => Some(CallSort::Ttft),
            "tokens" => Some(CallSort::Tokens),
            "cost" => Some(CallSort::Cost),
            "start" | "time" => Some(CallSort::Start),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct CallFilter {
    pub class: CallClass,
    pub sort: CallSort,
    /// Exact model (response or request), tool or agent name.
    pub model: Option<String>,
    pub tool: Option<String>,
    pub agent: Option<String>,
    /// Only calls that failed (error status; a failed, timed-out or dead
    /// agent).
    pub errors_only: bool,
    pub min_duration_ns: u64,
    /// Text in the span's name, service, model, tool or agent (any case).
    pub text: Option<String>,
    pub offset: usize,
    pub limit: usize,
    /// Which runs (the trace list's filters).
    pub runs: crate::runs::RunFilter,
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct CallRow {
    pub trace_id: String,
    pub span_id: String,
    /// The node in its trace (the columns' `node`), to select it.
    pub node: u32,
    pub name: String,
    pub service: String,
    pub start_time_unix_nano: u64,
    pub duration_ns: u64,
    /// "ok", "error", or the agent's state.
    pub status: String,
    /// The agent the call ran under (the nearest agent above it, or itself).
    pub agent: Option<String>,
    pub model: Option<String>,
    pub tool: Option<String>,
    pub ttft_ns: Option<u64>,
    pub input_tokens: Option<i64>,
    pub output_tokens: Option<i64>,
    pub cache_read_tokens: Option<i64>,
    pub reasoning_tokens: Option<i64>,
    /// Output tokens per second of the call.
    pub tokens_per_s: Option<f64>,
    pub cost_usd: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct CallsDoc {
    pub rows: Vec<CallRow>,
    pub offset: u64,
    /// Calls that passed the filter (more than `rows` when paged).
    pub matched: u64,
    /// Calls of the class in the data.
    pub total: u64,
}

/// The most rows one page holds.
pub const MAX_PAGE: usize = 5_000;

struct Cand {
    t: u32,
    node: u32,
    /// Larger first; NaN (no value) last.
    key: f64,
}

/// What one call is, found once per candidate.
struct Seen<'a> {
    name: &'a str,
    service: &'a str,
    agent: Option<&'a str>,
    model: Option<&'a str>,
    tool: Option<&'a str>,
    llm: Option<LlmCall>,
    exec: Option<&'a AgentExecution>,
    duration_ns: u64,
    failed: bool,
}

fn seen<'a>(
    ds: &'a Dataset,
    t: usize,
    node: u32,
    agents: &HashMap<u32, &'a AgentExecution>,
) -> Option<Seen<'a>> {
    let tree = &ds.traces[t];
    let an = &ds.analyses[t];
    let n = tree.nodes.get(node as usize)?;
    let exec = agents.get(&node).copied();
    if n.is_placeholder() {
        // A dead agent whose span never arrived is still an execution.
        let a = exec?;
        return Some(Seen {
            name: a.name.as_str(),
            service: "",
            agent: Some(a.name.as_str()),
            model: None,
            tool: None,
            llm: None,
            exec: Some(a),
            duration_ns: a.duration_ns,
            failed: a.state.is_problem(),
        });
    }
    let span = ds.store.spans.get(n.span as usize)?;
    let facts = SpanFacts::of(&ds.keys, ds.store.attrs_of(span.attrs));
    let llm = (an.class[node as usize] == SpanClass::Llm)
        .then(|| TraceAnalysis::llm_call(&ds.store, &ds.keys, tree, node))
        .flatten();
    let model = crate::llm::model_name(&ds.store, &facts);
    let duration_ns = exec.map_or(n.duration_ns(), |a| a.duration_ns);
    Some(Seen {
        name: ds.store.resolve(span.name),
        service: ds.store.service_of(span),
        agent: exec
            .or_else(|| tree.ancestors(node).find_map(|i| agents.get(&i).copied()))
            .map(|a| a.name.as_str()),
        model,
        tool: facts.str(&ds.store, Fact::ToolName),
        llm,
        exec,
        duration_ns,
        failed: span.status == StatusCode::Error || exec.is_some_and(|a| a.state.is_problem()),
    })
}

fn passes(s: &Seen<'_>, f: &CallFilter, text: Option<&str>) -> bool {
    let eq =
        |want: &Option<String>, have: Option<&str>| want.as_deref().is_none_or(|w| have == Some(w));
    if !eq(&f.model, s.model) || !eq(&f.tool, s.tool) || !eq(&f.agent, s.agent) {
        return false;
    }
    if f.errors_only && !s.failed {
        return false;
    }
    if s.duration_ns < f.min_duration_ns {
        return false;
    }
    match text {
        None => true,
        Some(q) => [Some(s.name), Some(s.service), s.model, s.tool, s.agent]
            .into_iter()
            .flatten()
            .any(|v| v.to_lowercase().contains(q)),
    }
}

fn tokens(c: &LlmCall) -> Option<i64> {
    c.total_tokens.or(match (c.input_tokens, c.output_tokens) {
        (Some(a), Some(b)) => a.checked_add(b),
        (a, b) => a.or(b),
    })
}

fn sort_key(s: &Seen<'_>, sort: CallSort, start: u64, prices: &PriceTable) -> f64 {
    let llm = s.llm.as_ref();
    let v = match sort {
        CallSort::Duration => Some(s.duration_ns as f64),
        CallSort::Ttft => llm.and_then(|c| c.ttft_ns).map(|x| x as f64),
        CallSort::Tokens => llm.and_then(tokens).map(|x| x as f64),
        CallSort::Cost => llm.and_then(|c| prices.cost(c)),
        // Earliest first: the largest key is the smallest start.
        CallSort::Start => Some(-(start as f64)),
    };
    v.unwrap_or(f64::NAN)
}

fn row<'a>(
    ds: &'a Dataset,
    t: usize,
    node: u32,
    agents: &HashMap<u32, &'a AgentExecution>,
    prices: &PriceTable,
) -> Option<CallRow> {
    let s = seen(ds, t, node, agents)?;
    let tree = &ds.traces[t];
    let n = &tree.nodes[node as usize];
    let llm = s.llm.as_ref();
    let status = match s.exec {
        Some(a) => a.state.as_str().to_string(),
        None if s.failed => "error".to_string(),
        None => "ok".to_string(),
    };
    let out = llm.and_then(|c| c.output_tokens);
    Some(CallRow {
        trace_id: tree.trace_id.to_string(),
        span_id: tree.span_id(&ds.store, node).to_string(),
        node,
        name: s.name.to_string(),
        service: s.service.to_string(),
        start_time_unix_nano: n.start_ns,
        duration_ns: s.duration_ns,
        status,
        agent: s.agent.map(str::to_string),
        model: s.model.map(str::to_string),
        tool: s.tool.map(str::to_string),
        ttft_ns: llm.and_then(|c| c.ttft_ns),
        input_tokens: llm.and_then(|c| c.input_tokens),
        output_tokens: out,
        cache_read_tokens: llm.and_then(|c| c.cache_read_tokens),
        reasoning_tokens: llm.and_then(|c| c.reasoning_tokens),
        tokens_per_s: out
            .filter(|_| s.duration_ns > 0)
            .map(|o| o as f64 / (s.duration_ns as f64 / 1e9)),
        cost_usd: llm.and_then(|c| prices.cost(c)),
    })
}

/// The page of calls `f` asks for.
pub fn calls(ds: &Dataset, f: &CallFilter, prices: &PriceTable) -> CallsDoc {
    let text = f
        .text
        .as_deref()
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(str::to_lowercase);
    let want = f.class.span_class();
    let mut cands: Vec<Cand> = Vec::new();
    let mut total = 0u64;
    for (t, tree) in ds.traces.iter().enumerate() {
        if !f.runs.keeps(ds, t) {
            continue;
        }
        let an = &ds.analyses[t];
        let agents = ds.analyses[t].agents_by_node();
        let nodes: Box<dyn Iterator<Item = u32>> =
            match f.class {
                CallClass::Llm => Box::new(an.llm_nodes.iter().copied()),
                CallClass::Agent => Box::new(an.agents.iter().map(|a| a.node)),
                CallClass::Tool => Box::new((0..tree.len() as u32).filter(|&i| {
                    an.class[i as usize] == want && tree.nodes[i as usize].span != NONE
                })),
            };
        for node in nodes {
            total += 1;
            let Some(s) = seen(ds, t, node, &agents) else {
                continue;
            };
            if !passes(&s, f, text.as_deref()) {
                continue;
            }
            let start = tree.nodes[node as usize].start_ns;
            cands.push(Cand {
                t: t as u32,
                node,
                key: sort_key(&s, f.sort, start, prices),
            });
        }
    }
    // Largest first, calls without the value last, then by trace and node
    // so that equal keys keep one order.
    cands.sort_by(|a, b| {
        let (x, y) = (a.key, b.key);
        match (x.is_nan(), y.is_nan()) {
            (true, false) => std::cmp::Ordering::Greater,
            (false, true) => std::cmp::Ordering::Less,
            _ => y.total_cmp(&x),
        }
        .then(a.t.cmp(&b.t))
        .then(a.node.cmp(&b.node))
    });
    let limit = f.limit.clamp(1, MAX_PAGE);
    // The page's rows, each trace's agents looked up once per run of rows.
    let mut rows = Vec::with_capacity(limit.min(cands.len()));
    let mut cur: Option<(u32, HashMap<u32, &AgentExecution>)> = None;
    for c in cands.iter().skip(f.offset).take(limit) {
        if cur.as_ref().is_none_or(|(t, _)| *t != c.t) {
            cur = Some((c.t, ds.analyses[c.t as usize].agents_by_node()));
        }
        if let Some((_, agents)) = &cur {
            rows.extend(row(ds, c.t as usize, c.node, agents, prices));
        }
    }
    CallsDoc {
        rows,
        offset: f.offset as u64,
        matched: cands.len() as u64,
        total,
    }
}
