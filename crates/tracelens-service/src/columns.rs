//! A trace's waterfall as compact binary columns, for canvas views of
//! 100k+ spans: one buffer the UI wraps in typed arrays without parsing,
//! instead of a JSON object per span. Span details come on demand
//! ([`crate::span_detail`]).
//!
//! Layout (little-endian; every array starts aligned to its element size):
//!
//! | bytes | content |
//! |---|---|
//! | 4 | magic `TLC1` |
//! | 4 | u32 version (1) |
//! | 4 | u32 rows (n) |
//! | 4 | u32 strings (m) |
//! | 8n | f64 offset_ns, from the trace's start (exact below 2^53 ns, 104 days) |
//! | 8n | f64 duration_ns |
//! | 8n | f64 self_ns |
//! | 4n | u32 node (the id [`crate::span_detail`] takes) |
//! | 4n | u32 parent row (`u32::MAX` for roots) |
//! | 4n | u32 depth |
//! | 4n | u32 name (index into the strings) |
//! | 4n | u32 service (index into the strings) |
//! | 2n | u16 flags ([`FLAG_ERROR`] ...) |
//! | n | u8 class: 0 agent, 1 llm, 2 tool, 3 other |
//! | n | u8 agent state: 0 none, 1 completed, 2 failed, 3 timeout, 4 dead, 5 running, 6 pending |
//! | 0-3 | zero padding to 4 |
//! | m × (4 + len) | strings: u32 byte length, UTF-8 bytes |
//!
//! Rows are in waterfall order (depth-first, children by start time).

use crate::rows::{rows, Row};
use std::collections::HashMap;
use tracelens_model::{AgentState, Dataset, SpanClass};

pub const MAGIC: &[u8; 4] = b"TLC1";
pub const VERSION: u32 = 1;

pub const FLAG_ERROR: u16 = 1;
pub const FLAG_CRITICAL: u16 = 1 << 1;
pub const FLAG_OPEN: u16 = 1 << 2;
pub const FLAG_PLACEHOLDER: u16 = 1 << 3;
pub const FLAG_ORPHAN: u16 = 1 << 4;
pub const FLAG_DUPLICATE: u16 = 1 << 5;
pub const FLAG_SKEWED: u16 = 1 << 6;
pub const FLAG_CYCLE_BROKEN: u16 = 1 << 7;
/// The span has children (a front draws a collapse toggle).
pub const FLAG_HAS_CHILDREN: u16 = 1 << 8;

/// Every flag by name, for the generated TypeScript (`crate::wire`).
pub const FLAGS: [(&str, u16); 9] = [
    ("ERROR", FLAG_ERROR),
    ("CRITICAL", FLAG_CRITICAL),
    ("OPEN", FLAG_OPEN),
    ("PLACEHOLDER", FLAG_PLACEHOLDER),
    ("ORPHAN", FLAG_ORPHAN),
    ("DUPLICATE", FLAG_DUPLICATE),
    ("SKEWED", FLAG_SKEWED),
    ("CYCLE_BROKEN", FLAG_CYCLE_BROKEN),
    ("HAS_CHILDREN", FLAG_HAS_CHILDREN),
];

pub fn class_code(c: SpanClass) -> u8 {
    match c {
        SpanClass::Agent => 0,
        SpanClass::Llm => 1,
        SpanClass::Tool => 2,
        SpanClass::Other => 3,
    }
}

pub fn state_code(s: Option<AgentState>) -> u8 {
    match s {
        None => 0,
        Some(AgentState::Completed) => 1,
        Some(AgentState::Failed) => 2,
        Some(AgentState::Timeout) => 3,
        Some(AgentState::Dead) => 4,
        Some(AgentState::Running) => 5,
        Some(AgentState::Pending) => 6,
    }
}

fn flags_of(r: &Row) -> u16 {
    [
        (r.error, FLAG_ERROR),
        (r.critical, FLAG_CRITICAL),
        (r.open, FLAG_OPEN),
        (r.placeholder, FLAG_PLACEHOLDER),
        (r.orphan, FLAG_ORPHAN),
        (r.duplicate, FLAG_DUPLICATE),
        (r.skewed, FLAG_SKEWED),
        (r.cycle_broken, FLAG_CYCLE_BROKEN),
    ]
    .into_iter()
    .filter(|(on, _)| *on)
    .fold(0, |acc, (_, bit)| acc | bit)
}

/// The columns of trace `t`; `None` when `t` is out of range.
pub fn trace_columns(ds: &Dataset, t: usize, adjust_skew: bool) -> Option<Vec<u8>> {
    let tree = ds.traces.get(t)?;
    let rows = rows(ds, t, adjust_skew);
    let n = rows.len();
    let mut row_of = vec![u32::MAX; tree.len()];
    for (i, r) in rows.iter().enumerate() {
        row_of[r.node as usize] = i as u32;
    }
    let mut strings: Vec<&str> = Vec::new();
    let mut name_ix = Vec::with_capacity(n);
    let mut service_ix = Vec::with_capacity(n);
    let mut index: HashMap<&str, u32> = HashMap::new();
    for r in &rows {
        for (s, out) in [(&r.name, &mut name_ix), (&r.service, &mut service_ix)] {
            let k = *index.entry(s.as_str()).or_insert_with(|| {
                strings.push(s.as_str());
                (strings.len() - 1) as u32
            });
            out.push(k);
        }
    }
    let mut out =
        Vec::with_capacity(16 + n * 48 + strings.iter().map(|s| s.len() + 4).sum::<usize>());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&(n as u32).to_le_bytes());
    out.extend_from_slice(&(strings.len() as u32).to_le_bytes());
    for f in [
        |r: &Row| r.offset_ns as f64,
        |r: &Row| r.duration_ns as f64,
        |r: &Row| r.self_ns as f64,
    ] {
        for r in &rows {
            out.extend_from_slice(&f(r).to_le_bytes());
        }
    }
    for r in &rows {
        out.extend_from_slice(&r.node.to_le_bytes());
    }
    for r in &rows {
        let parent = tree.nodes[r.node as usize].parent;
        let row = row_of.get(parent as usize).copied().unwrap_or(u32::MAX);
        out.extend_from_slice(&row.to_le_bytes());
    }
    for r in &rows {
        out.extend_from_slice(&r.depth.to_le_bytes());
    }
    for ix in [&name_ix, &service_ix] {
        for k in ix {
            out.extend_from_slice(&k.to_le_bytes());
        }
    }
    for r in &rows {
        let mut f = flags_of(r);
        if !tree.children(r.node).is_empty() {
            f |= FLAG_HAS_CHILDREN;
        }
        out.extend_from_slice(&f.to_le_bytes());
    }
    out.extend(rows.iter().map(|r| class_code(r.class)));
    out.extend(rows.iter().map(|r| state_code(r.state)));
    while out.len() % 4 != 0 {
        out.push(0);
    }
    for s in &strings {
        out.extend_from_slice(&(s.len() as u32).to_le_bytes());
        out.extend_from_slice(s.as_bytes());
    }
    Some(out)
}
