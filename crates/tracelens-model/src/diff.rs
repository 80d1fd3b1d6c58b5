//! Comparing two runs: the steps only one of them took, and what changed in
//! the steps both took.
//!
//! Ids and times differ between any two runs, so spans are matched by where
//! they sit: each span's *step key* is the path of step names from its root
//! (an agent by its agent name, a tool by its tool name, an LLM call by its
//! span name with the model left out, anything else by its span name), with
//! a repeat index among same-named siblings for loops. The same step then
//! matches across runs whatever its ids, times, model or counts.
//!
//! A side is one run, or a baseline: the usual shape of a group of runs
//! (the steps most of them took, each figure the median), so that a failed
//! run can be set against "the last ten good runs" as well as against one.
//!
//! Nothing here recurses: the merged tree is walked with an explicit stack.

use crate::agent::AgentState;
use crate::analysis::{ClassBreakdown, PhaseBreakdown, TraceAnalysis};
use crate::cause::exception_event;
use crate::classify::SpanClass;
use crate::correlate::is_correlation_key;
use crate::dataset::Dataset;
use crate::facts::{Fact, SpanFacts};
use crate::span::StatusCode;
use crate::tree::{fmt_ns, NONE};
use hashbrown::HashMap;
use serde::Serialize;
use std::hash::{Hash, Hasher};

/// The parent key of a root step.
const ROOT: u64 = 0;
/// Attribute differences listed per step, at most.
const MAX_ATTR_CHANGES: usize = 10;
/// Attribute values are compared and shown up to this many characters.
const MAX_VALUE_CHARS: usize = 120;

/// When a difference in a matched step counts as a change.
#[derive(Debug, Clone, Copy)]
pub struct DiffOptions {
    /// A time (duration, self time, TTFT) or token count changed when it
    /// differs by at least this fraction of side A's value...
    pub min_ratio: f64,
    /// ...and, for times, by at least this much.
    pub min_time_ns: u64,
}

impl Default for DiffOptions {
    fn default() -> Self {
        DiffOptions {
            min_ratio: 0.2,
            min_time_ns: 1_000_000,
        }
    }
}

/// One step's figures on one side. For a baseline, each is the median (or,
/// for state, error and model, the most common value) over the runs that
/// took the step.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct StepFigures {
    /// The span, for a single run (none for a baseline or a missing parent).
    pub span_id: Option<String>,
    /// Its node in its trace, for a single run.
    pub node: Option<u32>,
    /// How many of the side's runs took the step (1 for a single run).
    pub runs: u32,
    /// Start, from the run's start.
    pub offset_ns: u64,
    pub duration_ns: u64,
    pub self_ns: u64,
    pub state: Option<AgentState>,
    pub error: Option<String>,
    pub model: Option<String>,
    pub input_tokens: Option<i64>,
    pub output_tokens: Option<i64>,
    pub ttft_ns: Option<u64>,
}

/// One step of one side.
#[derive(Debug, Clone)]
pub struct Step {
    pub key: u64,
    /// The parent step's key, [`ROOT`] for a root.
    pub parent: u64,
    /// The step's name, with its repeat index ("web_search #2") from the second on.
    pub label: String,
    pub class: SpanClass,
    pub fig: StepFigures,
    /// The attributes compared between single runs: text of the value by
    /// key, sorted by key (ids and the figures above left out).
    attrs: Vec<(String, String)>,
}

/// What a whole side is, its figures side by side with the other's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct DiffSide {
    /// The runs the side stands for: one, or the baseline's.
    pub trace_ids: Vec<String>,
    /// The root span's name.
    pub root: String,
    pub duration_ns: u64,
    pub spans: u64,
    pub errors: u64,
    /// Self time per class and per phase.
    pub breakdown: ClassBreakdown,
    pub phases: PhaseBreakdown,
    pub llm_calls: u64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    /// The steps of the critical path, in time order.
    pub critical_path: Vec<CriticalStep>,
}

/// A step of a critical path and the merged row it is.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct CriticalStep {
    pub label: String,
    pub row: u32,
}

/// A side ready to compare: its totals and its steps.
#[derive(Debug, Clone, Default)]
pub struct Steps {
    pub side: DiffSide,
    pub steps: Vec<Step>,
    /// The keys of the critical path's steps.
    critical: Vec<u64>,
    /// Whether the steps carry their attributes (a single run's do, a
    /// baseline's not): attributes are compared only between two such.
    has_attrs: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum RowKind {
    Same,
    Changed,
    OnlyA,
    OnlyB,
}

/// One difference of a matched step, for people: the field and each side's value.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Change {
    pub field: String,
    pub a: Option<String>,
    pub b: Option<String>,
}

/// One row of the merged tree, in preorder.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct DiffRow {
    /// Its place in the whole merged tree (what a critical step's `row` names).
    pub index: u32,
    pub depth: u32,
    pub label: String,
    pub class: SpanClass,
    pub kind: RowKind,
    pub a: Option<StepFigures>,
    pub b: Option<StepFigures>,
    pub changes: Vec<Change>,
    /// Rows below this one (it excluded): a whole subtree only on one side
    /// is one `only_*` row and these.
    pub below: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct DiffCounts {
    pub same: u64,
    pub changed: u64,
    pub only_a: u64,
    pub only_b: u64,
}

/// Two runs (or a run and a baseline) aligned step by step.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct DiffDoc {
    pub a: DiffSide,
    pub b: DiffSide,
    pub counts: DiffCounts,
    /// The first step (index into each critical path) where the two
    /// critical paths part; none when they are the same.
    pub critical_parts_at: Option<u32>,
    /// Rows in the whole merged tree (or, for a page of differences, in
    /// the differences and their ancestors), and where `rows` starts in them.
    pub rows_total: u64,
    pub rows_offset: u64,
    pub rows: Vec<DiffRow>,
}

impl DiffDoc {
    /// A page of the rows, `limit` from `offset`: of every row, or of the
    /// rows that differ and their ancestors (so the page still reads as a
    /// tree). The totals are the whole diff's; so are the critical paths,
    /// on the first page only (on a long run they are most of a page's
    /// bytes, and a view reads them once).
    pub fn page(&self, offset: u64, limit: u64, differences_only: bool) -> DiffDoc {
        let picked: Vec<usize> = if differences_only {
            let mask = crate::tree::keep_with_ancestors(self.rows.iter().map(|r| r.depth), |i| {
                self.rows[i].kind != RowKind::Same
            });
            (0..self.rows.len())
                .filter(|&i| mask[i] != crate::tree::ROW_HIDDEN)
                .collect()
        } else {
            (0..self.rows.len()).collect()
        };
        let start = (offset as usize).min(picked.len());
        let end = start.saturating_add(limit as usize).min(picked.len());
        let side = |s: &DiffSide| {
            if start == 0 {
                return s.clone();
            }
            DiffSide {
                critical_path: Vec::new(),
                ..s.clone()
            }
        };
        DiffDoc {
            a: side(&self.a),
            b: side(&self.b),
            counts: self.counts.clone(),
            critical_parts_at: self.critical_parts_at,
            rows_total: picked.len() as u64,
            rows_offset: start as u64,
            rows: picked[start..end]
                .iter()
                .map(|&i| self.rows[i].clone())
                .collect(),
        }
    }
}

fn step_key(parent: u64, label: &str) -> u64 {
    // SipHash with fixed keys: the same key in every run and process.
    let mut h = std::hash::DefaultHasher::new();
    parent.hash(&mut h);
    label.hash(&mut h);
    match h.finish() {
        ROOT => 1,
        k => k,
    }
}

/// The name a node goes by as a step, before its repeat index.
fn step_name(ds: &Dataset, t: usize, node: u32, class: SpanClass) -> String {
    let tree = &ds.traces[t];
    let n = &tree.nodes[node as usize];
    let (name, _) = ds.node_name(t, node);
    if n.is_placeholder() {
        return name.into_owned();
    }
    let st = &ds.store;
    let span = &st.spans[n.span as usize];
    let facts = SpanFacts::of(&ds.keys, st.attrs_of(span.attrs));
    let named = match class {
        SpanClass::Agent => facts.str(st, Fact::AgentName),
        SpanClass::Tool => facts.str(st, Fact::ToolName),
        _ => None,
    };
    if let Some(s) = named {
        return s.to_string();
    }
    if class == SpanClass::Llm {
        // "chat gpt-4o" and "chat gpt-4o-mini" are the same step.
        if let Some(m) = crate::llm::model_name(st, &facts).filter(|m| !m.is_empty()) {
            let stripped = name.replace(m, "");
            let stripped = stripped.trim();
            if !stripped.is_empty() {
                return stripped.to_string();
            }
            return "llm call".into();
        }
    }
    name.into_owned()
}

fn clipped(s: &str) -> String {
    match s.char_indices().nth(MAX_VALUE_CHARS) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Repeat indices: among siblings (in start order) with the same name, the
/// first is 0, the next 1, and so on.
fn repeats(siblings: &[u32], names: &[String], counts: &mut HashMap<String, u32>, out: &mut [u32]) {
    counts.clear();
    for &c in siblings {
        let name = &names[c as usize];
        let k = match counts.get_mut(name) {
            Some(k) => k,
            None => counts.entry(name.clone()).or_insert(0),
        };
        out[c as usize] = *k;
        *k += 1;
    }
}

/// Trace `t` of `ds` as one side.
pub fn run_steps(ds: &Dataset, t: usize) -> Steps {
    let (tree, an, st) = (&ds.traces[t], &ds.analyses[t], &ds.store);
    let n = tree.len();
    let names: Vec<String> = (0..n as u32)
        .map(|i| step_name(ds, t, i, an.class[i as usize]))
        .collect();
    let mut rep = vec![0u32; n];
    let mut counts = HashMap::new();
    repeats(&tree.roots, &names, &mut counts, &mut rep);
    for i in 0..n as u32 {
        repeats(tree.children(i), &names, &mut counts, &mut rep);
    }
    let agents = an.agents_by_node();
    let mut keys = vec![ROOT; n];
    let mut steps = Vec::with_capacity(n);
    for &i in &tree.preorder {
        let iu = i as usize;
        let node = &tree.nodes[iu];
        let parent = match node.parent {
            NONE => ROOT,
            p => keys[p as usize],
        };
        let label = match rep[iu] {
            0 => names[iu].clone(),
            r => format!("{} #{}", names[iu], r + 1),
        };
        let key = step_key(parent, &label);
        keys[iu] = key;
        let agent = agents.get(&i);
        let mut fig = StepFigures {
            node: Some(i),
            runs: 1,
            offset_ns: node.start_ns.saturating_sub(tree.start_ns),
            duration_ns: node.duration_ns(),
            self_ns: an.self_ns[iu],
            state: agent.map(|a| a.state),
            error: agent.and_then(|a| a.error.clone()),
            ..StepFigures::default()
        };
        let mut attrs = Vec::new();
        if !node.is_placeholder() {
            let span = &st.spans[node.span as usize];
            fig.span_id = Some(span.span_id.to_string());
            if span.status == StatusCode::Error && fig.error.is_none() {
                let msg = st.resolve(span.status_message);
                fig.error = Some(if msg.is_empty() {
                    exception_event(st, node.span).unwrap_or_else(|| "error".into())
                } else {
                    clipped(msg)
                });
            }
            if an.class[iu] == SpanClass::Llm {
                if let Some(c) = TraceAnalysis::llm_call(st, &ds.keys, tree, i) {
                    fig.model = c.model;
                    fig.input_tokens = c.input_tokens;
                    fig.output_tokens = c.output_tokens;
                    fig.ttft_ns = c.ttft_ns;
                }
            }
            for a in st.attrs_of(span.attrs) {
                let k = st.resolve(a.key);
                if ds.keys.fact(a.key) == Fact::None && !is_correlation_key(k) {
                    attrs.push((k.to_string(), clipped(&st.value_text(&a.value))));
                }
            }
            attrs.sort();
            attrs.dedup_by(|x, y| x.0 == y.0);
        }
        steps.push(Step {
            key,
            parent,
            label,
            class: an.class[iu],
            fig,
            attrs,
        });
    }
    let root = tree
        .primary_root()
        .map(|r| ds.node_name(t, r).0.into_owned())
        .unwrap_or_default();
    Steps {
        side: DiffSide {
            trace_ids: vec![tree.trace_id.to_string()],
            root,
            duration_ns: tree.duration_ns(),
            spans: tree.span_count() as u64,
            errors: an.error_count as u64,
            breakdown: an.breakdown,
            phases: an.phases,
            llm_calls: an.llm.calls,
            input_tokens: an.llm.input_tokens,
            output_tokens: an.llm.output_tokens,
            critical_path: Vec::new(),
        },
        steps,
        critical: an
            .critical_nodes
            .iter()
            .map(|&c| keys[c as usize])
            .collect(),
        has_attrs: true,
    }
}

/// The lower median (a value that occurred, never a mean of two).
fn median<T: Copy + Ord>(mut v: Vec<T>) -> Option<T> {
    if v.is_empty() {
        return None;
    }
    let mid = (v.len() - 1) / 2;
    Some(*v.select_nth_unstable(mid).1)
}

/// The median of the values given, `None` unless more than half of `of` carry one.
fn majority_median<T: Copy + Ord>(values: impl Iterator<Item = Option<T>>, of: usize) -> Option<T> {
    let v: Vec<T> = values.flatten().collect();
    if v.len() * 2 <= of {
        return None;
    }
    median(v)
}

/// The most common value, ties to the first seen; `None` unless more than
/// half of `of` carry one.
fn mode<T: Clone + PartialEq>(values: impl Iterator<Item = Option<T>>, of: usize) -> Option<T> {
    let mut seen: Vec<(T, usize)> = Vec::new();
    let mut carried = 0;
    for v in values.flatten() {
        carried += 1;
        match seen.iter_mut().find(|(x, _)| *x == v) {
            Some(e) => e.1 += 1,
            None => seen.push((v, 1)),
        }
    }
    if carried * 2 <= of {
        return None;
    }
    let mut best: Option<(T, usize)> = None;
    for (v, n) in seen {
        if best.as_ref().is_none_or(|b| n > b.1) {
            best = Some((v, n));
        }
    }
    best.map(|b| b.0)
}

/// The usual shape of runs `runs` of `ds`: the steps more than half of
/// them took, each with its median figures; the totals are medians too,
/// and the critical path is the median-length run's.
pub fn baseline_steps(ds: &Dataset, runs: &[usize]) -> Steps {
    let sides: Vec<Steps> = runs.iter().map(|&t| run_steps(ds, t)).collect();
    let n = sides.len();
    let mut by_key: HashMap<u64, Vec<&Step>> = HashMap::new();
    let mut order: Vec<u64> = Vec::new();
    for s in &sides {
        for step in &s.steps {
            let e = by_key.entry(step.key).or_default();
            if e.is_empty() {
                order.push(step.key);
            }
            e.push(step);
        }
    }
    let mut steps = Vec::new();
    for key in order {
        let Some(all) = by_key.get(&key) else {
            continue;
        };
        if all.len() * 2 <= n {
            continue;
        }
        let first = all[0];
        let took = all.len();
        let med = |f: &dyn Fn(&StepFigures) -> u64| median(all.iter().map(|s| f(&s.fig)).collect());
        let fig = StepFigures {
            span_id: None,
            node: None,
            runs: took as u32,
            offset_ns: med(&|f| f.offset_ns).unwrap_or(0),
            duration_ns: med(&|f| f.duration_ns).unwrap_or(0),
            self_ns: med(&|f| f.self_ns).unwrap_or(0),
            state: mode(all.iter().map(|s| s.fig.state), took),
            error: mode(all.iter().map(|s| s.fig.error.clone()), took),
            model: mode(all.iter().map(|s| s.fig.model.clone()), took),
            input_tokens: majority_median(all.iter().map(|s| s.fig.input_tokens), took),
            output_tokens: majority_median(all.iter().map(|s| s.fig.output_tokens), took),
            ttft_ns: majority_median(all.iter().map(|s| s.fig.ttft_ns), took),
        };
        steps.push(Step {
            key,
            parent: first.parent,
            label: first.label.clone(),
            class: first.class,
            fig,
            attrs: Vec::new(),
        });
    }
    let typical = {
        let mut by_len: Vec<usize> = (0..n).collect();
        by_len.sort_by_key(|&i| (sides[i].side.duration_ns, i));
        by_len.get(n.saturating_sub(1) / 2).copied()
    };
    let med_u = |f: &dyn Fn(&DiffSide) -> u64| {
        median(sides.iter().map(|s| f(&s.side)).collect()).unwrap_or(0)
    };
    let med_i = |f: &dyn Fn(&DiffSide) -> i64| {
        median(sides.iter().map(|s| f(&s.side)).collect()).unwrap_or(0)
    };
    let side = DiffSide {
        trace_ids: sides
            .iter()
            .flat_map(|s| s.side.trace_ids.clone())
            .collect(),
        root: sides
            .first()
            .map(|s| s.side.root.clone())
            .unwrap_or_default(),
        duration_ns: med_u(&|s| s.duration_ns),
        spans: med_u(&|s| s.spans),
        errors: med_u(&|s| s.errors),
        breakdown: ClassBreakdown {
            agent: med_u(&|s| s.breakdown.agent),
            llm: med_u(&|s| s.breakdown.llm),
            tool: med_u(&|s| s.breakdown.tool),
            other: med_u(&|s| s.breakdown.other),
        },
        phases: PhaseBreakdown {
            init: med_u(&|s| s.phases.init),
            tools: med_u(&|s| s.phases.tools),
            llm: med_u(&|s| s.phases.llm),
            format: med_u(&|s| s.phases.format),
            unphased: med_u(&|s| s.phases.unphased),
        },
        llm_calls: med_u(&|s| s.llm_calls),
        input_tokens: med_i(&|s| s.input_tokens),
        output_tokens: med_i(&|s| s.output_tokens),
        critical_path: Vec::new(),
    };
    let critical = typical
        .map(|i| sides[i].critical.clone())
        .unwrap_or_default();
    Steps {
        side,
        steps,
        critical,
        has_attrs: false,
    }
}

/// Where each step is and which steps hang under which.
struct Index<'a> {
    steps: &'a [Step],
    by_key: HashMap<u64, u32>,
    children: HashMap<u64, Vec<u32>>,
}

impl<'a> Index<'a> {
    fn new(s: &'a Steps) -> Self {
        let mut by_key = HashMap::with_capacity(s.steps.len());
        let mut children: HashMap<u64, Vec<u32>> = HashMap::new();
        for (i, st) in s.steps.iter().enumerate() {
            by_key.insert(st.key, i as u32);
            children.entry(st.parent).or_default().push(i as u32);
        }
        for v in children.values_mut() {
            v.sort_by_key(|&i| (s.steps[i as usize].fig.offset_ns, i));
        }
        Index {
            steps: &s.steps,
            by_key,
            children,
        }
    }

    fn step(&self, i: u32) -> &'a Step {
        &self.steps[i as usize]
    }

    fn kids(&self, key: u64) -> &[u32] {
        self.children.get(&key).map_or(&[], Vec::as_slice)
    }
}

fn time_changed(a: u64, b: u64, o: &DiffOptions) -> bool {
    let d = a.abs_diff(b);
    d >= o.min_time_ns && (d as f64) >= o.min_ratio * (a.max(1) as f64)
}

fn count_changed(a: Option<i64>, b: Option<i64>, o: &DiffOptions) -> bool {
    match (a, b) {
        (Some(x), Some(y)) => {
            let d = x.abs_diff(y);
            d > 0 && (d as f64) >= o.min_ratio * (x.unsigned_abs().max(1) as f64)
        }
        (x, y) => x.is_some() != y.is_some(),
    }
}

fn text<T: ToString>(v: &Option<T>) -> Option<String> {
    v.as_ref().map(ToString::to_string)
}

/// What differs between a step on side A and the same step on side B.
fn changes_of(a: &Step, b: &Step, attrs: bool, o: &DiffOptions) -> Vec<Change> {
    let (fa, fb) = (&a.fig, &b.fig);
    let mut out = Vec::new();
    let mut put = |field: &str, x: Option<String>, y: Option<String>| {
        out.push(Change {
            field: field.into(),
            a: x,
            b: y,
        })
    };
    if fa.state != fb.state {
        put(
            "state",
            fa.state.map(|s| s.as_str().into()),
            fb.state.map(|s| s.as_str().into()),
        );
    }
    if fa.error != fb.error {
        put("error", fa.error.clone(), fb.error.clone());
    }
    if time_changed(fa.duration_ns, fb.duration_ns, o) {
        put(
            "duration",
            Some(fmt_ns(fa.duration_ns)),
            Some(fmt_ns(fb.duration_ns)),
        );
    }
    // A leaf's self time is its duration: said once.
    let has_children = fa.self_ns != fa.duration_ns || fb.self_ns != fb.duration_ns;
    if has_children && time_changed(fa.self_ns, fb.self_ns, o) {
        put(
            "self time",
            Some(fmt_ns(fa.self_ns)),
            Some(fmt_ns(fb.self_ns)),
        );
    }
    if fa.model != fb.model {
        put("model", fa.model.clone(), fb.model.clone());
    }
    if count_changed(fa.input_tokens, fb.input_tokens, o) {
        put(
            "input tokens",
            text(&fa.input_tokens),
            text(&fb.input_tokens),
        );
    }
    if count_changed(fa.output_tokens, fb.output_tokens, o) {
        put(
            "output tokens",
            text(&fa.output_tokens),
            text(&fb.output_tokens),
        );
    }
    let ttft_changed = match (fa.ttft_ns, fb.ttft_ns) {
        (Some(x), Some(y)) => time_changed(x, y, o),
        (x, y) => x.is_some() != y.is_some(),
    };
    if ttft_changed {
        put("TTFT", fa.ttft_ns.map(fmt_ns), fb.ttft_ns.map(fmt_ns));
    }
    // Both sorted by key: one merge walk.
    let (mut i, mut j, mut listed) = (0, 0, 0);
    while attrs && (i < a.attrs.len() || j < b.attrs.len()) && listed < MAX_ATTR_CHANGES {
        let x = a.attrs.get(i);
        let y = b.attrs.get(j);
        let (k, va, vb) = match (x, y) {
            (Some(x), Some(y)) if x.0 == y.0 => {
                i += 1;
                j += 1;
                if x.1 == y.1 {
                    continue;
                }
                (&x.0, Some(x.1.clone()), Some(y.1.clone()))
            }
            (Some(x), Some(y)) if x.0 < y.0 => {
                i += 1;
                (&x.0, Some(x.1.clone()), None)
            }
            (Some(x), None) => {
                i += 1;
                (&x.0, Some(x.1.clone()), None)
            }
            (_, Some(y)) => {
                j += 1;
                (&y.0, None, Some(y.1.clone()))
            }
            (None, None) => break,
        };
        put(&format!("attribute {k}"), va, vb);
        listed += 1;
    }
    out
}

/// Side A against side B: the merged tree of their steps, in preorder,
/// each row matched, changed or on one side only.
pub fn diff(a: &Steps, b: &Steps, opts: &DiffOptions) -> DiffDoc {
    let (ia, ib) = (Index::new(a), Index::new(b));
    let mut rows: Vec<DiffRow> = Vec::new();
    let mut row_of: HashMap<u64, u32> = HashMap::new();
    let mut counts = DiffCounts::default();
    // (key, depth, step on A, step on B)
    let mut stack: Vec<(u64, u32, Option<u32>, Option<u32>)> = Vec::new();
    let mut kids: Vec<(u64, u64, Option<u32>, Option<u32>)> = Vec::new();
    // A step's key holds its parent's, so the children of a step on one
    // side only are on that side only: no side test is needed here.
    let push_children = |stack: &mut Vec<(u64, u32, Option<u32>, Option<u32>)>,
                         kids: &mut Vec<(u64, u64, Option<u32>, Option<u32>)>,
                         key: u64,
                         depth: u32,
                         sa: Option<u32>,
                         sb: Option<u32>| {
        kids.clear();
        let base_a = sa.map_or(0, |s| ia.step(s).fig.offset_ns);
        let base_b = sb.map_or(0, |s| ib.step(s).fig.offset_ns);
        for &c in ia.kids(key) {
            let st = ia.step(c);
            let other = ib.by_key.get(&st.key).copied();
            kids.push((
                st.fig.offset_ns.saturating_sub(base_a),
                st.key,
                Some(c),
                other,
            ));
        }
        for &c in ib.kids(key) {
            let st = ib.step(c);
            if !ia.by_key.contains_key(&st.key) {
                kids.push((
                    st.fig.offset_ns.saturating_sub(base_b),
                    st.key,
                    None,
                    Some(c),
                ));
            }
        }
        kids.sort_by_key(|k| (k.0, k.2.is_none(), k.2, k.3));
        for &(_, k, x, y) in kids.iter().rev() {
            stack.push((k, depth, x, y));
        }
    };
    push_children(&mut stack, &mut kids, ROOT, 0, None, None);
    while let Some((key, depth, sa, sb)) = stack.pop() {
        let (step_a, step_b) = (sa.map(|s| ia.step(s)), sb.map(|s| ib.step(s)));
        let (kind, changes) = match (step_a, step_b) {
            (Some(x), Some(y)) => {
                let ch = changes_of(x, y, a.has_attrs && b.has_attrs, opts);
                if ch.is_empty() {
                    counts.same += 1;
                    (RowKind::Same, ch)
                } else {
                    counts.changed += 1;
                    (RowKind::Changed, ch)
                }
            }
            (Some(_), None) => {
                counts.only_a += 1;
                (RowKind::OnlyA, Vec::new())
            }
            _ => {
                counts.only_b += 1;
                (RowKind::OnlyB, Vec::new())
            }
        };
        let Some(any) = step_a.or(step_b) else {
            continue;
        };
        row_of.insert(key, rows.len() as u32);
        rows.push(DiffRow {
            index: rows.len() as u32,
            depth,
            label: any.label.clone(),
            class: any.class,
            kind,
            a: step_a.map(|s| s.fig.clone()),
            b: step_b.map(|s| s.fig.clone()),
            changes,
            below: 0,
        });
        push_children(&mut stack, &mut kids, key, depth + 1, sa, sb);
    }
    fill_below(&mut rows);
    let path = |s: &Steps| -> Vec<CriticalStep> {
        s.critical
            .iter()
            .filter_map(|k| {
                let row = *row_of.get(k)?;
                Some(CriticalStep {
                    label: rows[row as usize].label.clone(),
                    row,
                })
            })
            .collect()
    };
    let (mut side_a, mut side_b) = (a.side.clone(), b.side.clone());
    side_a.critical_path = path(a);
    side_b.critical_path = path(b);
    let parts = a
        .critical
        .iter()
        .zip(&b.critical)
        .position(|(x, y)| x != y)
        .or((a.critical.len() != b.critical.len()).then(|| a.critical.len().min(b.critical.len())))
        .map(|p| p as u32);
    DiffDoc {
        a: side_a,
        b: side_b,
        counts,
        critical_parts_at: parts,
        rows_total: rows.len() as u64,
        rows_offset: 0,
        rows,
    }
}

/// Each row's count of rows below it: the rows after it until one as
/// shallow or shallower.
fn fill_below(rows: &mut [DiffRow]) {
    let mut open: Vec<usize> = Vec::new();
    for i in 0..rows.len() {
        let d = rows[i].depth;
        while let Some(&top) = open.last() {
            if rows[top].depth < d {
                break;
            }
            rows[top].below = (i - top - 1) as u32;
            open.pop();
        }
        open.push(i);
    }
    let n = rows.len();
    for top in open {
        rows[top].below = (n - top - 1) as u32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_are_values_that_occurred() {
        assert_eq!(median(vec![3, 1, 2]), Some(2));
        assert_eq!(median(vec![4, 1, 3, 2]), Some(2));
        assert_eq!(median::<u64>(vec![]), None);
    }

    #[test]
    fn a_mode_needs_a_majority() {
        let v = [Some("x"), Some("x"), None];
        assert_eq!(mode(v.iter().cloned(), 3), Some("x"));
        let w = [Some("x"), None, None];
        assert_eq!(mode(w.iter().cloned(), 3), None);
    }

    #[test]
    fn below_counts_the_subtree() {
        let row = |depth| DiffRow {
            index: 0,
            depth,
            label: String::new(),
            class: SpanClass::Other,
            kind: RowKind::Same,
            a: None,
            b: None,
            changes: Vec::new(),
            below: 9,
        };
        let mut rows = vec![row(0), row(1), row(2), row(1), row(0)];
        fill_below(&mut rows);
        let b: Vec<u32> = rows.iter().map(|r| r.below).collect();
        assert_eq!(b, vec![3, 1, 0, 0, 0]);
    }
}
