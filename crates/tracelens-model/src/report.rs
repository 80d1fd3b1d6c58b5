//! The performance report across runs: the figures a user asks of many
//! traces at once (which agents fail, which steps are slow, which models
//! cost the time), computed from a loaded dataset.
//!
//! The document is defined here, once, and filled two ways with the same
//! meaning: [`report`] from a `Dataset` (files, the live store), and the
//! ClickHouse crate's SQL over stored runs. A figure a source cannot give
//! is `None` or an empty list, and [`Report::not_computed`] says which.
//!
//! Quantiles interpolate linearly between the two nearest ranks, as
//! ClickHouse's `quantile` does below its 8,192-value reservoir, so the two
//! sources agree exactly on small groups and within the engine's sampling
//! error on large ones.

use crate::agent::AgentState;
use crate::analysis::TraceAnalysis;
use crate::cause::{self, ProblemKind};
use crate::classify::SpanClass;
use crate::cost::PriceTable;
use crate::dataset::Dataset;
use crate::facts::SpanFacts;
use crate::span::StatusCode;
use crate::store::TraceStore;
use crate::tree::{TraceTree, NONE};
use hashbrown::HashMap;
use serde::Serialize;
use std::borrow::Cow;

/// What the report's main table groups by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupBy {
    /// Agent executions by agent name.
    Agent,
    /// Spans by name.
    Operation,
    /// Spans by service.
    Service,
    /// LLM calls by model.
    Model,
    /// Spans carrying this attribute, by its value.
    Attribute(String),
}

impl GroupBy {
    /// `agent`, `operation`, `service`, `model` or `attribute:KEY`.
    pub fn label(&self) -> String {
        match self {
            GroupBy::Agent => "agent".into(),
            GroupBy::Operation => "operation".into(),
            GroupBy::Service => "service".into(),
            GroupBy::Model => "model".into(),
            GroupBy::Attribute(k) => format!("attribute:{k}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ReportOptions {
    pub group_by: GroupBy,
    /// Only traces starting in `[from_ns, to_ns)`; `None`: unbounded.
    pub from_ns: Option<u64>,
    pub to_ns: Option<u64>,
    /// Rows of the ranked lists (costliest spans, bottlenecks, error kinds).
    pub top: usize,
    /// Rows of the main table; the rest are counted in `groups_total`.
    pub max_groups: usize,
    /// What calls cost (the bundled table, or the user's).
    pub prices: PriceTable,
    /// Which runs (the trace list's filters).
    pub runs: crate::runs::RunFilter,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            group_by: GroupBy::Agent,
            from_ns: None,
            to_ns: None,
            top: 10,
            max_groups: 200,
            prices: PriceTable::bundled(),
            runs: crate::runs::RunFilter::default(),
        }
    }
}

/// A trace to open from a report row, at one of its spans.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Example {
    pub trace_id: String,
    pub span_id: String,
    pub duration_ns: u64,
}

/// How the agent executions of a group ended.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct StateCounts {
    pub completed: u64,
    pub failed: u64,
    pub timeout: u64,
    pub dead: u64,
    pub running: u64,
    pub pending: u64,
}

impl StateCounts {
    pub fn add(&mut self, s: AgentState) {
        let slot = match s {
            AgentState::Completed => &mut self.completed,
            AgentState::Failed => &mut self.failed,
            AgentState::Timeout => &mut self.timeout,
            AgentState::Dead => &mut self.dead,
            AgentState::Running => &mut self.running,
            AgentState::Pending => &mut self.pending,
        };
        *slot += 1;
    }

    pub fn total(&self) -> u64 {
        self.completed + self.failed + self.timeout + self.dead + self.running + self.pending
    }
}

/// One row of the main table.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct GroupRow {
    pub key: String,
    /// The class its spans share, or "mixed".
    pub class: String,
    /// Agent executions, spans or LLM calls in the group.
    pub count: u64,
    /// Of them, how many ended with error status or as a failed, timed-out
    /// or dead agent.
    pub errors: u64,
    /// The states of the agent executions among them.
    pub states: StateCounts,
    pub p50_ns: f64,
    pub p95_ns: f64,
    pub p99_ns: f64,
    pub max_ns: u64,
    /// The group's own time: its spans' durations less their children's.
    pub self_ns: Option<u64>,
    /// Self time of LLM and tool spans under the group's spans (themselves
    /// included): how much of its time went to models and to tools.
    pub llm_ns: Option<u64>,
    pub tool_ns: Option<u64>,
    pub total_ns: u64,
    /// What the LLM calls under the group's spans cost, USD (priced calls
    /// only; `None` when none was priced).
    pub cost_usd: Option<f64>,
    pub slowest: Option<Example>,
    /// The first that failed, timed out or died.
    pub failed: Option<Example>,
}

/// One model's calls.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ModelRow {
    pub model: String,
    pub calls: u64,
    pub errors: u64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    /// Of the input, read from and written to the cache; of the output,
    /// reasoning.
    pub cache_read_tokens: i64,
    pub cache_write_tokens: i64,
    pub reasoning_tokens: i64,
    /// What the calls cost, USD; `None` when the model has no price.
    pub cost_usd: Option<f64>,
    pub p50_ns: f64,
    pub p95_ns: f64,
    /// Over the calls that report a time to first token.
    pub ttft_p50_ns: Option<f64>,
    pub ttft_p95_ns: Option<f64>,
    /// Time in calls, summed.
    pub total_ns: u64,
    pub slowest: Option<Example>,
}

/// A span that cost the most time of its own.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct CostlySpan {
    pub trace_id: String,
    pub span_id: String,
    pub name: String,
    pub service: String,
    pub duration_ns: u64,
    pub self_ns: u64,
}

/// A step that sits on critical paths across runs.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct PathStep {
    pub name: String,
    pub service: String,
    pub class: String,
    /// Runs whose critical path passes through it.
    pub traces: u64,
    /// Its time on those paths, summed.
    pub on_path_ns: u64,
    /// That time as a share of those runs' critical paths.
    pub share: f64,
    /// The run where it held the path longest.
    pub example: Example,
}

/// A kind of failure: an exception type, a status message, or an agent
/// that timed out or died.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ErrorKindRow {
    pub kind: String,
    pub count: u64,
    pub traces: u64,
    /// The span name of the first one seen.
    pub name: String,
    pub example: Example,
}

/// One run's LLM cost.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct RunCost {
    pub trace_id: String,
    pub root_name: String,
    pub cost_usd: f64,
    pub llm_calls: u64,
    pub input_tokens: i64,
    pub output_tokens: i64,
}

/// The report document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct Report {
    /// The range asked for (ns since the epoch; 0 and u64::MAX when open).
    pub from_ns: u64,
    pub to_ns: u64,
    pub traces: u64,
    pub spans: u64,
    pub group_by: String,
    pub groups: Vec<GroupRow>,
    pub groups_total: u64,
    pub models: Vec<ModelRow>,
    pub top_self_time: Vec<CostlySpan>,
    pub bottlenecks: Vec<PathStep>,
    pub errors: Vec<ErrorKindRow>,
    /// Cost of every priced call, USD.
    pub cost_usd: f64,
    /// Models with calls but no price: their cost is not in the totals.
    pub unpriced_models: Vec<String>,
    /// The runs that cost the most.
    pub costliest_runs: Vec<RunCost>,
    /// Parts this source could not compute, each with why.
    pub not_computed: Vec<String>,
}

/// The `q` quantile of sorted `v`, interpolated between the nearest ranks.
pub fn quantile(v: &[u64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let pos = (q.clamp(0.0, 1.0) * (v.len() - 1) as f64).max(0.0);
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let (a, b) = (v[lo] as f64, v[hi.min(v.len() - 1)] as f64);
    a + (b - a) * (pos - lo as f64)
}

#[derive(Default)]
struct GroupAcc {
    class: Option<SpanClass>,
    mixed: bool,
    durations: Vec<u64>,
    errors: u64,
    states: StateCounts,
    self_ns: u64,
    llm_ns: u64,
    tool_ns: u64,
    cost: f64,
    priced: bool,
    slowest: Option<(u64, u32, u32)>,
    failed: Option<(u64, u32, u32)>,
}

impl GroupAcc {
    fn add(&mut self, m: Member) {
        match self.class {
            None => self.class = Some(m.class),
            Some(c) if c != m.class => self.mixed = true,
            _ => {}
        }
        self.durations.push(m.duration_ns);
        self.self_ns = self.self_ns.saturating_add(m.self_ns);
        self.llm_ns = self.llm_ns.saturating_add(m.llm_ns);
        self.tool_ns = self.tool_ns.saturating_add(m.tool_ns);
        if let Some(c) = m.cost {
            self.cost += c;
            self.priced = true;
        }
        if let Some(s) = m.state {
            self.states.add(s);
        }
        let here = (m.duration_ns, m.trace, m.node);
        if self.slowest.is_none_or(|(d, _, _)| m.duration_ns > d) {
            self.slowest = Some(here);
        }
        if m.failed {
            self.errors += 1;
            if self.failed.is_none() {
                self.failed = Some(here);
            }
        }
    }
}

/// One model's calls, summed.
#[derive(Default)]
struct ModelAcc {
    g: GroupAcc,
    ttft: Vec<u64>,
    input: i64,
    output: i64,
    cache_read: i64,
    cache_write: i64,
    reasoning: i64,
}

/// One span (or agent execution, or LLM call) counted into a group.
struct Member {
    trace: u32,
    node: u32,
    class: SpanClass,
    duration_ns: u64,
    self_ns: u64,
    llm_ns: u64,
    tool_ns: u64,
    /// Cost of the priced calls in its subtree.
    cost: Option<f64>,
    state: Option<AgentState>,
    failed: bool,
}

/// Each node's subtree (itself included): self time of its LLM spans and
/// of its tool spans, and the cost of its priced calls; in one bottom-up
/// pass (no walk per node: a deep chain stays linear).
struct Below {
    llm_ns: u64,
    tool_ns: u64,
    cost: Option<f64>,
}

fn subtree_sums(tree: &TraceTree, an: &TraceAnalysis, call_cost: &HashMap<u32, f64>) -> Vec<Below> {
    let mut acc: Vec<Below> = (0..tree.len())
        .map(|_| Below {
            llm_ns: 0,
            tool_ns: 0,
            cost: None,
        })
        .collect();
    for &n in tree.preorder.iter().rev() {
        let i = n as usize;
        if !tree.nodes[i].is_placeholder() {
            match an.class[i] {
                SpanClass::Llm => acc[i].llm_ns = acc[i].llm_ns.saturating_add(an.self_ns[i]),
                SpanClass::Tool => acc[i].tool_ns = acc[i].tool_ns.saturating_add(an.self_ns[i]),
                _ => {}
            }
        }
        if let Some(&c) = call_cost.get(&n) {
            acc[i].cost = Some(acc[i].cost.unwrap_or(0.0) + c);
        }
        let p = tree.nodes[i].parent;
        if p != NONE {
            let (l, t, c) = (acc[i].llm_ns, acc[i].tool_ns, acc[i].cost);
            let pa = &mut acc[p as usize];
            pa.llm_ns = pa.llm_ns.saturating_add(l);
            pa.tool_ns = pa.tool_ns.saturating_add(t);
            if let Some(c) = c {
                pa.cost = Some(pa.cost.unwrap_or(0.0) + c);
            }
        }
    }
    acc
}

fn model_of(ds: &Dataset, span: u32) -> Option<&str> {
    let s = ds.store.spans.get(span as usize)?;
    let f = SpanFacts::of(&ds.keys, ds.store.attrs_of(s.attrs));
    crate::llm::model_name(&ds.store, &f)
}

fn attribute_of<'a>(store: &'a TraceStore, span: u32, key: &str) -> Option<Cow<'a, str>> {
    let s = store.spans.get(span as usize)?;
    let a = store
        .attrs_of(s.attrs)
        .iter()
        .find(|a| store.resolve(a.key) == key)?;
    Some(match store.value_str(&a.value) {
        Some(v) => Cow::Borrowed(v),
        None => Cow::Owned(store.value_text(&a.value)),
    })
}

fn example(ds: &Dataset, t: u32, node: u32, duration_ns: u64) -> Example {
    let tree = &ds.traces[t as usize];
    Example {
        trace_id: tree.trace_id.to_string(),
        span_id: tree.span_id(&ds.store, node).to_string(),
        duration_ns,
    }
}

/// What a failure is called in the error table.
fn error_kind(store: &TraceStore, tree: &TraceTree, step: &cause::CauseStep) -> Option<String> {
    let n = &tree.nodes[step.node as usize];
    let span = (!n.is_placeholder()).then(|| &store.spans[n.span as usize]);
    let exception = span
        .and_then(|_| cause::exception_attr(store, n.span, "exception.type").flatten())
        .map(str::to_string);
    let status = || {
        span.map(|s| store.resolve(s.status_message))
            .and_then(|m| m.lines().next())
            .filter(|m| !m.is_empty())
            .map(|m| m.chars().take(80).collect::<String>())
    };
    match step.kind {
        ProblemKind::Error | ProblemKind::Exception | ProblemKind::Failed => Some(
            exception
                .or_else(status)
                .unwrap_or_else(|| match step.kind {
                    ProblemKind::Failed => "agent failed".to_string(),
                    _ => "error status".to_string(),
                }),
        ),
        ProblemKind::Timeout => Some("agent timeout".to_string()),
        ProblemKind::Dead => Some("agent dead".to_string()),
        ProblemKind::Orphan | ProblemKind::Skew | ProblemKind::Slow => None,
    }
}

#[derive(Default)]
struct PathAcc<'a> {
    service: &'a str,
    class: Option<SpanClass>,
    traces: u64,
    last_trace: Option<u32>,
    on_path_ns: u64,
    /// Critical-path time of the runs it sits on.
    path_ns: u64,
    best: (u64, u32, u32),
}

struct ErrAcc {
    count: u64,
    traces: u64,
    last_trace: u32,
    name: String,
    example: (u32, u32),
}

/// The report over the traces of `ds` that start in the asked range.
pub fn report(ds: &Dataset, opts: &ReportOptions) -> Report {
    let from = opts.from_ns.unwrap_or(0);
    let to = opts.to_ns.unwrap_or(u64::MAX);
    let mut groups: HashMap<Cow<'_, str>, GroupAcc> = HashMap::new();
    let mut models: HashMap<Cow<'_, str>, ModelAcc> = HashMap::new();
    let mut runs_cost: Vec<RunCost> = Vec::new();
    let mut unpriced: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    let mut paths: HashMap<(&str, &str), PathAcc<'_>> = HashMap::new();
    let mut errors: HashMap<String, ErrAcc> = HashMap::new();
    // (self, trace, node), the `top` largest kept in a small sorted list.
    let mut costly: Vec<(u64, u32, u32)> = Vec::new();
    let (mut traces, mut spans) = (0u64, 0u64);
    let top = opts.top.max(1);

    for (t, tree) in ds.traces.iter().enumerate() {
        if tree.start_ns < from || tree.start_ns >= to || !opts.runs.keeps(ds, t) {
            continue;
        }
        let tu = t as u32;
        let an = &ds.analyses[t];
        traces += 1;
        spans += tree.span_count() as u64;
        let calls: Vec<(u32, crate::llm::LlmCall, Option<f64>)> = an
            .llm_nodes
            .iter()
            .filter_map(|&n| {
                let call = TraceAnalysis::llm_call(&ds.store, &ds.keys, tree, n)?;
                let cost = opts.prices.cost(&call);
                Some((n, call, cost))
            })
            .collect();
        let call_cost: HashMap<u32, f64> = calls
            .iter()
            .filter_map(|(n, _, c)| c.map(|c| (*n, c)))
            .collect();
        let below = subtree_sums(tree, an, &call_cost);
        let agent_at = an.agents_by_node();
        let member = |node: u32, duration_ns: u64| {
            let i = node as usize;
            let n = &tree.nodes[i];
            let agent = agent_at.get(&node);
            let state = agent.map(|a| a.state);
            let error_status =
                !n.is_placeholder() && ds.store.spans[n.span as usize].status == StatusCode::Error;
            Member {
                trace: tu,
                node,
                class: an.class[i],
                duration_ns,
                self_ns: an.self_ns[i],
                llm_ns: below[i].llm_ns,
                tool_ns: below[i].tool_ns,
                cost: below[i].cost,
                state,
                failed: error_status || state.is_some_and(AgentState::is_problem),
            }
        };

        // The main table.
        match &opts.group_by {
            GroupBy::Agent => {
                for a in &an.agents {
                    let m = member(a.node, a.duration_ns);
                    groups
                        .entry(Cow::Borrowed(a.name.as_str()))
                        .or_default()
                        .add(m);
                }
            }
            GroupBy::Model => {
                for &n in &an.llm_nodes {
                    let node = &tree.nodes[n as usize];
                    let key = model_of(ds, node.span).unwrap_or("(unknown)");
                    groups
                        .entry(Cow::Borrowed(key))
                        .or_default()
                        .add(member(n, node.duration_ns()));
                }
            }
            by => {
                for (i, node) in tree.nodes.iter().enumerate() {
                    if node.is_placeholder() {
                        continue;
                    }
                    let span = &ds.store.spans[node.span as usize];
                    let key = match by {
                        GroupBy::Operation => Cow::Borrowed(ds.store.resolve(span.name)),
                        GroupBy::Service => Cow::Borrowed(ds.store.service_of(span)),
                        GroupBy::Attribute(k) => match attribute_of(&ds.store, node.span, k) {
                            Some(v) => v,
                            None => continue,
                        },
                        GroupBy::Agent | GroupBy::Model => continue,
                    };
                    groups
                        .entry(key)
                        .or_default()
                        .add(member(i as u32, node.duration_ns()));
                }
            }
        }

        // Models, always; and what this run cost.
        let mut run = RunCost {
            trace_id: tree.trace_id.to_string(),
            root_name: tree
                .primary_root()
                .map(|r| ds.node_name(t, r).0.into_owned())
                .unwrap_or_default(),
            cost_usd: 0.0,
            llm_calls: 0,
            input_tokens: 0,
            output_tokens: 0,
        };
        for (n, call, cost) in &calls {
            let node = &tree.nodes[*n as usize];
            let key = model_of(ds, node.span).unwrap_or("(unknown)");
            let e = models.entry(Cow::Borrowed(key)).or_default();
            let mut m = member(*n, call.duration_ns);
            m.cost = *cost;
            e.g.add(m);
            if let Some(x) = call.ttft_ns {
                e.ttft.push(x);
            }
            let add = |a: &mut i64, v: Option<i64>| *a = a.saturating_add(v.unwrap_or(0));
            add(&mut e.input, call.input_tokens);
            add(&mut e.output, call.output_tokens);
            add(&mut e.cache_read, call.cache_read_tokens);
            add(&mut e.cache_write, call.cache_write_tokens);
            add(&mut e.reasoning, call.reasoning_tokens);
            if opts.prices.lookup(key).is_none() {
                unpriced.insert(key.to_string());
            }
            run.llm_calls += 1;
            add(&mut run.input_tokens, call.input_tokens);
            add(&mut run.output_tokens, call.output_tokens);
            run.cost_usd += cost.unwrap_or(0.0);
        }
        if run.llm_calls > 0 {
            runs_cost.push(run);
        }

        // The costliest spans.
        for (i, node) in tree.nodes.iter().enumerate() {
            if node.is_placeholder() {
                continue;
            }
            let s = an.self_ns[i];
            if costly.len() < top || costly.last().is_some_and(|&(c, _, _)| s > c) {
                let at = costly.partition_point(|&(c, _, _)| c >= s);
                costly.insert(at, (s, tu, i as u32));
                costly.truncate(top);
            }
        }

        // Bottlenecks: time on this run's critical path, per step.
        let path_total: u64 = an
            .critical_path
            .iter()
            .map(|c| c.end_ns.saturating_sub(c.start_ns))
            .sum();
        let mut on_path: HashMap<u32, u64> = HashMap::new();
        for c in &an.critical_path {
            *on_path.entry(c.node).or_default() += c.end_ns.saturating_sub(c.start_ns);
        }
        let mut steps: HashMap<(&str, &str), (u64, u32)> = HashMap::new();
        for (&node, &ns) in &on_path {
            let n = &tree.nodes[node as usize];
            if n.is_placeholder() {
                continue;
            }
            let span = &ds.store.spans[n.span as usize];
            let key = (ds.store.resolve(span.name), ds.store.service_of(span));
            let e = steps.entry(key).or_insert((0, node));
            e.0 += ns;
        }
        for (key, (ns, node)) in steps {
            let p = paths.entry(key).or_default();
            p.service = key.1;
            p.class.get_or_insert(an.class[node as usize]);
            if p.last_trace != Some(tu) {
                p.traces += 1;
                p.path_ns = p.path_ns.saturating_add(path_total);
                p.last_trace = Some(tu);
            }
            p.on_path_ns = p.on_path_ns.saturating_add(ns);
            if ns > p.best.0 {
                p.best = (ns, tu, node);
            }
        }

        // Error kinds.
        if an.error_count > 0 || an.agents.iter().any(|a| a.state.is_problem()) {
            for step in cause::problems(&ds.store, tree, an) {
                let Some(kind) = error_kind(&ds.store, tree, &step) else {
                    continue;
                };
                let e = errors.entry(kind).or_insert_with(|| ErrAcc {
                    count: 0,
                    traces: 0,
                    last_trace: u32::MAX,
                    name: ds.node_name(t, step.node).0.into_owned(),
                    example: (tu, step.node),
                });
                e.count += 1;
                if e.last_trace != tu {
                    e.traces += 1;
                    e.last_trace = tu;
                }
            }
        }
    }

    let finish = |key: String, g: GroupAcc| -> GroupRow {
        let mut d = g.durations;
        d.sort_unstable();
        let ex = |x: Option<(u64, u32, u32)>| x.map(|(dur, t, n)| example(ds, t, n, dur));
        GroupRow {
            key,
            class: match (g.class, g.mixed) {
                (Some(c), false) => c.as_str().to_string(),
                _ => "mixed".to_string(),
            },
            count: d.len() as u64,
            errors: g.errors,
            states: g.states,
            p50_ns: quantile(&d, 0.5),
            p95_ns: quantile(&d, 0.95),
            p99_ns: quantile(&d, 0.99),
            max_ns: d.last().copied().unwrap_or(0),
            total_ns: d.iter().fold(0u64, |a, &b| a.saturating_add(b)),
            self_ns: Some(g.self_ns),
            llm_ns: Some(g.llm_ns),
            tool_ns: Some(g.tool_ns),
            cost_usd: g.priced.then_some(g.cost),
            slowest: ex(g.slowest),
            failed: ex(g.failed),
        }
    };

    let mut group_rows: Vec<GroupRow> = groups
        .into_iter()
        .map(|(k, g)| finish(k.into_owned(), g))
        .collect();
    group_rows.sort_by(|a, b| {
        b.p95_ns
            .total_cmp(&a.p95_ns)
            .then_with(|| a.key.cmp(&b.key))
    });
    let groups_total = group_rows.len() as u64;
    group_rows.truncate(opts.max_groups.max(1));

    let mut model_rows: Vec<ModelRow> = models
        .into_iter()
        .map(|(k, mut m)| {
            m.ttft.sort_unstable();
            let ttft = m.ttft;
            let row = finish(k.into_owned(), m.g);
            let q = |p: f64| (!ttft.is_empty()).then(|| quantile(&ttft, p));
            ModelRow {
                model: row.key,
                calls: row.count,
                errors: row.errors,
                input_tokens: m.input,
                output_tokens: m.output,
                cache_read_tokens: m.cache_read,
                cache_write_tokens: m.cache_write,
                reasoning_tokens: m.reasoning,
                cost_usd: row.cost_usd,
                p50_ns: row.p50_ns,
                p95_ns: row.p95_ns,
                ttft_p50_ns: q(0.5),
                ttft_p95_ns: q(0.95),
                total_ns: row.total_ns,
                slowest: row.slowest,
            }
        })
        .collect();
    model_rows.sort_by(|a, b| b.calls.cmp(&a.calls).then_with(|| a.model.cmp(&b.model)));

    let top_self_time = costly
        .into_iter()
        .map(|(s, t, n)| {
            let tree = &ds.traces[t as usize];
            let (name, service) = ds.node_name(t as usize, n);
            CostlySpan {
                trace_id: tree.trace_id.to_string(),
                span_id: tree.span_id(&ds.store, n).to_string(),
                name: name.into_owned(),
                service: service.to_string(),
                duration_ns: tree.nodes[n as usize].duration_ns(),
                self_ns: s,
            }
        })
        .collect();

    let mut bottlenecks: Vec<PathStep> = paths
        .into_iter()
        .map(|((name, _), p)| PathStep {
            name: name.to_string(),
            service: p.service.to_string(),
            class: p.class.unwrap_or(SpanClass::Other).as_str().to_string(),
            traces: p.traces,
            on_path_ns: p.on_path_ns,
            share: if p.path_ns == 0 {
                0.0
            } else {
                p.on_path_ns as f64 / p.path_ns as f64
            },
            example: example(ds, p.best.1, p.best.2, p.best.0),
        })
        .collect();
    bottlenecks.sort_by(|a, b| {
        b.on_path_ns
            .cmp(&a.on_path_ns)
            .then_with(|| a.name.cmp(&b.name))
            .then_with(|| a.service.cmp(&b.service))
    });
    bottlenecks.truncate(top);

    let mut error_rows: Vec<ErrorKindRow> = errors
        .into_iter()
        .map(|(kind, e)| {
            let (t, n) = e.example;
            let dur = ds.traces[t as usize].nodes[n as usize].duration_ns();
            ErrorKindRow {
                kind,
                count: e.count,
                traces: e.traces,
                name: e.name,
                example: example(ds, t, n, dur),
            }
        })
        .collect();
    error_rows.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.kind.cmp(&b.kind)));
    error_rows.truncate(top);

    let cost_usd = model_rows.iter().filter_map(|m| m.cost_usd).sum();
    runs_cost.sort_by(|a, b| {
        b.cost_usd
            .total_cmp(&a.cost_usd)
            .then_with(|| a.trace_id.cmp(&b.trace_id))
    });
    runs_cost.truncate(top);

    Report {
        from_ns: from,
        to_ns: to,
        traces,
        spans,
        group_by: opts.group_by.label(),
        groups: group_rows,
        groups_total,
        models: model_rows,
        top_self_time,
        bottlenecks,
        errors: error_rows,
        cost_usd,
        unpriced_models: unpriced.into_iter().collect(),
        costliest_runs: runs_cost,
        not_computed: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::quantile;

    #[test]
    fn quantiles_interpolate_between_ranks() {
        assert_eq!(quantile(&[10], 0.95), 10.0);
        assert_eq!(quantile(&[0, 100], 0.5), 50.0);
        assert_eq!(quantile(&[1, 2, 3, 4, 5], 0.5), 3.0);
        assert!((quantile(&[1, 2, 3, 4, 5], 0.95) - 4.8).abs() < 1e-9);
        assert!(quantile(&[], 0.5).is_nan());
    }
}
