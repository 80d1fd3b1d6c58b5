//! Search inside one trace: which waterfall rows match a text, in row order,
//! so a front can highlight them, count them and step through them.

use serde::Serialize;
use tracelens_model::{Attr, AttrValue, Dataset, TraceStore, NONE};

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

/// Rows of trace `t` whose span name, service, span id, status message, event
/// names, or attribute keys or string-like values contain `query`, ignoring
/// ASCII case. `None` when `t` is out of range.
pub fn find_in_trace(ds: &Dataset, t: usize, query: &str) -> Option<TraceMatches> {
    let tree = ds.traces.get(t)?;
    let st = &ds.store;
    let needle = query.trim().to_ascii_lowercase();
    let mut out = TraceMatches {
        query: query.to_string(),
        count: 0,
        rows: Vec::new(),
    };
    if needle.is_empty() {
        return Some(out);
    }
    let has = |s: &str| contains_ci(s, &needle);
    for (row, &i) in tree.preorder.iter().enumerate() {
        let node = &tree.nodes[i as usize];
        let hit = if node.span == NONE {
            has(&tree.span_id(st, i).to_string())
        } else {
            let sp = &st.spans[node.span as usize];
            has(st.resolve(sp.name))
                || has(st.service_of(sp))
                || has(&sp.span_id.to_string())
                || has(st.resolve(sp.status_message))
                || st
                    .events_of(sp.events)
                    .iter()
                    .any(|e| has(st.resolve(e.name)))
                || attrs_match(st, st.attrs_of(sp.attrs), &has)
        };
        if hit {
            out.count += 1;
            if out.rows.len() < MAX_MATCHES {
                out.rows.push(row as u32);
            }
        }
    }
    Some(out)
}

fn attrs_match(st: &TraceStore, attrs: &[Attr], has: &dyn Fn(&str) -> bool) -> bool {
    attrs
        .iter()
        .any(|a| has(st.resolve(a.key)) || value_matches(st, &a.value, has))
}

/// Nested values are walked with an explicit stack: a hostile file may nest
/// arrays deeply.
fn value_matches(st: &TraceStore, v: &AttrValue, has: &dyn Fn(&str) -> bool) -> bool {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        let hit = match v {
            AttrValue::Str(s) => has(st.resolve(*s)),
            AttrValue::Text(s) => has(s),
            AttrValue::Int(n) => has(&n.to_string()),
            AttrValue::Array(a) => {
                stack.extend(a.iter());
                false
            }
            AttrValue::KvList(kv) => {
                for a in kv.iter() {
                    if has(st.resolve(a.key)) {
                        return true;
                    }
                    stack.push(&a.value);
                }
                false
            }
            _ => false,
        };
        if hit {
            return true;
        }
    }
    false
}

/// ASCII-case-insensitive substring test without allocating per haystack.
fn contains_ci(hay: &str, needle_lower: &str) -> bool {
    let n = needle_lower.as_bytes();
    if n.len() > hay.len() {
        return false;
    }
    hay.as_bytes()
        .windows(n.len())
        .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b))
}

#[cfg(test)]
mod tests {
    use super::contains_ci;

    #[test]
    fn case_insensitive_substring() {
        assert!(contains_ci("Execute_Tool web_search", "tool web"));
        assert!(!contains_ci("chat", "chatty"));
        assert!(contains_ci("ünïcode LLM", "llm"));
    }
}
