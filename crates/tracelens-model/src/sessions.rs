//! Sessions and conversations: the loaded runs grouped by a session key
//! (`session.id`, `gen_ai.conversation.id`, `thread_id`, ... or one the
//! user names), each session's runs in order with their totals.

use crate::cost::PriceTable;
use crate::dataset::Dataset;
use crate::store::Sym;
use crate::tree::NONE;
use crate::TraceAnalysis;
use serde::Serialize;
use std::collections::BTreeMap;

/// The keys a session is recognised by, in this order, unless one is named.
pub const SESSION_KEYS: &[&str] = &[
    "session.id",
    "gen_ai.conversation.id",
    "session_id",
    "thread_id",
    "conversation_id",
];

/// One run of a session.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct SessionRun {
    pub trace_id: String,
    pub root_name: String,
    pub start_time_unix_nano: u64,
    pub duration_ns: u64,
    pub llm_calls: u64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cost_usd: f64,
    /// Failed, timed-out or dead agents and error spans.
    pub problems: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct SessionRow {
    /// The key it was found by, and its value.
    pub key: String,
    pub value: String,
    /// Its runs, earliest first.
    pub runs: Vec<SessionRun>,
    pub start_time_unix_nano: u64,
    /// From the first run's start to the last one's end.
    pub span_ns: u64,
    /// The runs' durations summed.
    pub busy_ns: u64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub cost_usd: f64,
    pub problems: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct SessionsDoc {
    /// The keys looked for.
    pub keys: Vec<String>,
    /// Sessions, the latest started first.
    pub sessions: Vec<SessionRow>,
    /// Runs that carry none of the keys.
    pub runs_without_session: u64,
}

/// The first of `keys` any span of trace `t` carries (the root first), and
/// its value.
fn session_of(ds: &Dataset, t: usize, keys: &[(usize, Sym)]) -> Option<(usize, String)> {
    let tree = &ds.traces[t];
    let st = &ds.store;
    let order = tree
        .roots
        .iter()
        .copied()
        .chain(tree.preorder.iter().copied());
    let mut best: Option<(usize, String)> = None;
    for n in order {
        let node = &tree.nodes[n as usize];
        if node.span == NONE {
            continue;
        }
        for a in st.attrs_of(st.spans[node.span as usize].attrs) {
            let Some(&(rank, _)) = keys.iter().find(|(_, k)| *k == a.key) else {
                continue;
            };
            if best.as_ref().is_some_and(|(r, _)| *r <= rank) {
                continue;
            }
            let v = st.value_text(&a.value);
            if !v.is_empty() {
                best = Some((rank, v));
            }
        }
        if best.as_ref().is_some_and(|(r, _)| *r == 0) {
            break;
        }
    }
    best
}

/// The sessions of `ds` by `key` (or the usual keys), calls priced by `prices`.
pub fn sessions(
    ds: &Dataset,
    key: Option<&str>,
    prices: &PriceTable,
    runs: &crate::runs::RunFilter,
) -> SessionsDoc {
    let names: Vec<String> = match key.map(str::trim).filter(|k| !k.is_empty()) {
        Some(k) => vec![k.to_string()],
        None => SESSION_KEYS.iter().map(|k| k.to_string()).collect(),
    };
    // Keys no span carries are not interned: nothing to look for.
    let syms: Vec<(usize, Sym)> = names
        .iter()
        .enumerate()
        .filter_map(|(i, k)| ds.store.lookup(k).map(|s| (i, s)))
        .collect();
    let mut groups: BTreeMap<(usize, String), Vec<SessionRun>> = BTreeMap::new();
    let mut without = 0u64;
    for (t, tree) in ds.traces.iter().enumerate() {
        if !runs.keeps(ds, t) {
            continue;
        }
        let Some((rank, value)) = (!syms.is_empty())
            .then(|| session_of(ds, t, &syms))
            .flatten()
        else {
            without += 1;
            continue;
        };
        let an = &ds.analyses[t];
        let mut run = SessionRun {
            trace_id: tree.trace_id.to_string(),
            root_name: tree
                .primary_root()
                .and_then(|r| {
                    let n = &tree.nodes[r as usize];
                    (n.span != NONE).then(|| ds.store.resolve(ds.store.spans[n.span as usize].name))
                })
                .unwrap_or("(missing root)")
                .to_string(),
            start_time_unix_nano: tree.start_ns,
            duration_ns: tree.duration_ns(),
            llm_calls: 0,
            input_tokens: 0,
            output_tokens: 0,
            cost_usd: 0.0,
            // Each span once: an error span, or an agent that failed, timed
            // out or died without error status.
            problems: (an.error_count
                + an.agents
                    .iter()
                    .filter(|a| a.state.is_problem() && a.error.is_none())
                    .count()) as u64,
        };
        for &n in &an.llm_nodes {
            if let Some(c) = TraceAnalysis::llm_call(&ds.store, &ds.keys, tree, n) {
                run.llm_calls += 1;
                run.input_tokens = run.input_tokens.saturating_add(c.input_tokens.unwrap_or(0));
                run.output_tokens = run
                    .output_tokens
                    .saturating_add(c.output_tokens.unwrap_or(0));
                run.cost_usd += prices.cost(&c).unwrap_or(0.0);
            }
        }
        groups.entry((rank, value)).or_default().push(run);
    }
    let mut out: Vec<SessionRow> = groups
        .into_iter()
        .map(|((rank, value), mut runs)| {
            runs.sort_by(|a, b| {
                a.start_time_unix_nano
                    .cmp(&b.start_time_unix_nano)
                    .then_with(|| a.trace_id.cmp(&b.trace_id))
            });
            let start = runs.first().map_or(0, |r| r.start_time_unix_nano);
            let end = runs
                .iter()
                .map(|r| r.start_time_unix_nano.saturating_add(r.duration_ns))
                .max()
                .unwrap_or(start);
            SessionRow {
                key: names[rank].clone(),
                value,
                start_time_unix_nano: start,
                span_ns: end.saturating_sub(start),
                // Saturating: a hostile count must not wrap or panic.
                busy_ns: runs
                    .iter()
                    .fold(0u64, |a, r| a.saturating_add(r.duration_ns)),
                input_tokens: runs
                    .iter()
                    .fold(0i64, |a, r| a.saturating_add(r.input_tokens)),
                output_tokens: runs
                    .iter()
                    .fold(0i64, |a, r| a.saturating_add(r.output_tokens)),
                cost_usd: runs.iter().map(|r| r.cost_usd).sum(),
                problems: runs.iter().fold(0u64, |a, r| a.saturating_add(r.problems)),
                runs,
            }
        })
        .collect();
    out.sort_by(|a, b| {
        b.start_time_unix_nano
            .cmp(&a.start_time_unix_nano)
            .then_with(|| a.value.cmp(&b.value))
    });
    SessionsDoc {
        keys: names,
        sessions: out,
        runs_without_session: without,
    }
}
