//! Filters inside a trace and the in-trace search: which rows a view shows
//! or marks when the user narrows a trace to what matters (errors, a class,
//! slow spans, a service, an attribute, a model, text, the critical path).
//! A filter's matching row keeps its ancestors, so what is left still reads
//! as a tree; a search marks the matching rows themselves.
//!
//! Both are lists of terms, all of which a row must pass. A filter has one
//! term per line (the page's chips); a search splits at spaces, with
//! `"quoted phrases"` kept whole. A term is:
//! `errors`, `critical`, `agent` | `llm` | `tool` | `other` (or `class:llm`),
//! `>250ms` (at least that long), `service:NAME`,
//! `kind:server|client|internal|producer|consumer`,
//! `state:completed|failed|timeout|dead|running|pending`, `model:NAME`
//! (the model's name starts with it), `attr:KEY`, `attr:KEY=VALUE` or
//! `KEY=VALUE`, `id:HEX` or a bare hex string of 8 or more digits (a span id
//! containing it), and any other word as text: any case, at the start of a
//! word of the span's name, service, status message, event names, agent
//! state, or an attribute's key or value. Text never matches inside hex ids:
//! `dead` finds dead agents, not span ids with the letters d-e-a-d.

use crate::words::{attrs_match, contains_ci, has_word};
use tracelens_model::{
    facts::SpanFacts, AgentState, Dataset, NodeFlags, SpanClass, SpanKind, StatusCode, NONE,
};

/// One term of a filter or a search, parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    Problems,
    Critical,
    Class(SpanClass),
    MinDuration(u64),
    Service(String),
    Kind(SpanKind),
    State(AgentState),
    Model(String),
    Attr(String, Option<String>),
    Id(String),
    Text(String),
}

/// What a row of the mask is: hidden, kept as the ancestor of a match, a match.
pub use tracelens_model::tree::{
    ROW_ANCESTOR as ANCESTOR, ROW_HIDDEN as HIDDEN, ROW_MATCH as MATCH,
};

fn parse_duration(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (n, unit) = s.split_at(split);
    let n: f64 = n.parse().ok()?;
    let scale = match unit.trim() {
        "ns" => 1.0,
        "us" | "µs" => 1e3,
        "ms" => 1e6,
        "s" => 1e9,
        "m" | "min" => 60e9,
        "h" => 3600e9,
        _ => return None,
    };
    (n.is_finite() && n >= 0.0).then_some((n * scale) as u64)
}

/// One chip's text as a term.
pub fn parse_term(t: &str) -> Result<Term, String> {
    let t = t.trim();
    let lower = t.to_ascii_lowercase();
    let value = |p: &str| t[p.len()..].trim().to_string();
    Ok(match lower.as_str() {
        "errors" | "error" | "problems" => Term::Problems,
        "critical" => Term::Critical,
        "agent" => Term::Class(SpanClass::Agent),
        "llm" => Term::Class(SpanClass::Llm),
        "tool" => Term::Class(SpanClass::Tool),
        "other" => Term::Class(SpanClass::Other),
        _ if lower.starts_with("class:") => match parse_term(&value("class:"))? {
            c @ Term::Class(_) => c,
            _ => return Err(format!("{t:?}: classes are agent, llm, tool, other")),
        },
        _ if lower.starts_with('>') => Term::MinDuration(
            parse_duration(lower.trim_start_matches(['>', '='])).ok_or_else(|| {
                format!(
                    "{t:?}: a duration is a number and a unit (ns, us, ms, s, m, h), e.g. >250ms"
                )
            })?,
        ),
        _ if lower.starts_with("service:") => Term::Service(value("service:")),
        _ if lower.starts_with("kind:") => Term::Kind(
            SpanKind::from_name(&value("kind:").to_ascii_lowercase()).ok_or_else(|| {
                format!("{t:?}: kinds are server, client, internal, producer, consumer")
            })?,
        ),
        _ if lower.starts_with("state:") => Term::State(
            AgentState::parse(&value("state:").to_ascii_lowercase()).ok_or_else(|| {
                format!("{t:?}: states are completed, failed, timeout, dead, running, pending")
            })?,
        ),
        _ if lower.starts_with("model:") => Term::Model(value("model:").to_ascii_lowercase()),
        _ if lower.starts_with("id:") => Term::Id(value("id:").to_ascii_lowercase()),
        _ if lower.starts_with("attr:") => {
            let kv = value("attr:");
            match kv.split_once('=') {
                Some((k, v)) => Term::Attr(k.trim().to_string(), Some(v.trim().to_string())),
                None => Term::Attr(kv, None),
            }
        }
        _ if is_key_value(t) => match t.split_once('=') {
            Some((k, v)) => Term::Attr(k.trim().to_string(), Some(v.trim().to_string())),
            None => Term::Text(lower),
        },
        _ if lower.len() >= 8 && lower.bytes().all(|b| b.is_ascii_hexdigit()) => Term::Id(lower),
        _ => Term::Text(lower),
    })
}

/// `KEY=VALUE` with a key that reads as an attribute name (no spaces, no
/// `:`), not text that happens to hold an `=`.
fn is_key_value(t: &str) -> bool {
    t.split_once('=').is_some_and(|(k, _)| {
        !k.is_empty()
            && k.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/'))
    })
}

/// A search box's text as terms: split at white space, a `"quoted
/// phrase"` kept as one text term.
pub fn parse_query(s: &str) -> Result<Vec<Term>, String> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        if let Some(q) = rest.strip_prefix('"') {
            let (phrase, after) = q.split_once('"').unwrap_or((q, ""));
            let phrase = phrase.trim();
            if !phrase.is_empty() {
                out.push(Term::Text(phrase.to_ascii_lowercase()));
            }
            rest = after.trim_start();
        } else {
            let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
            out.push(parse_term(&rest[..end])?);
            rest = rest[end..].trim_start();
        }
    }
    Ok(out)
}

/// The terms of a filter, one per line (the page's chips).
pub fn parse_terms(s: &str) -> Result<Vec<Term>, String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(parse_term)
        .collect()
}

/// What the terms ask of one trace's rows, with the per-trace facts they
/// need (critical nodes, agent states) laid out by node once.
pub struct RowMatcher<'a> {
    ds: &'a Dataset,
    t: usize,
    critical: Vec<bool>,
    state: Vec<Option<AgentState>>,
}

impl<'a> RowMatcher<'a> {
    /// `None` when `t` is out of range.
    pub fn new(ds: &'a Dataset, t: usize) -> Option<Self> {
        if t >= ds.traces.len() || t >= ds.analyses.len() {
            return None;
        }
        let (critical, state) = crate::rows::node_marks(ds, t);
        Some(RowMatcher {
            ds,
            t,
            critical,
            state,
        })
    }

    /// Whether node `i` passes every one of `terms`.
    pub fn passes_all(&self, i: u32, terms: &[Term]) -> bool {
        terms.iter().all(|term| self.passes(i, term))
    }

    fn passes(&self, i: u32, term: &Term) -> bool {
        let (ds, st) = (self.ds, &self.ds.store);
        let tree = &ds.traces[self.t];
        let node = &tree.nodes[i as usize];
        let span = (node.span != NONE).then(|| &st.spans[node.span as usize]);
        let state = self.state[i as usize];
        let service = || span.map_or("", |s| st.service_of(s));
        match term {
            // The rule of rows::is_problem, on the node.
            Term::Problems => {
                span.is_some_and(|s| s.status == StatusCode::Error)
                    || node.flags.has(NodeFlags::ORPHAN)
                    || node.flags.has(NodeFlags::PLACEHOLDER)
                    || node.flags.has(NodeFlags::SKEWED)
                    || state.is_some_and(AgentState::is_problem)
            }
            Term::Critical => self.critical[i as usize],
            Term::Class(c) => ds.analyses[self.t].class[i as usize] == *c,
            Term::MinDuration(ns) => node.end_ns.saturating_sub(node.start_ns) >= *ns,
            Term::Service(s) => service().eq_ignore_ascii_case(s),
            Term::Kind(k) => span.is_some_and(|s| s.kind == *k),
            Term::State(s) => state == Some(*s),
            Term::Model(m) => span.is_some_and(|s| {
                let facts = SpanFacts::of(&ds.keys, st.attrs_of(s.attrs));
                tracelens_model::llm::model_name(st, &facts).is_some_and(|name| {
                    name.len() >= m.len() && name[..m.len()].eq_ignore_ascii_case(m)
                })
            }),
            Term::Attr(k, v) => span.is_some_and(|s| {
                st.attrs_of(s.attrs).iter().any(|a| {
                    st.resolve(a.key) == k
                        && v.as_ref()
                            .is_none_or(|v| st.value_text(&a.value).eq_ignore_ascii_case(v))
                })
            }),
            Term::Id(hex) => {
                contains_ci(&tree.span_id(st, i).to_string(), hex) || self.text(i, hex)
            }
            Term::Text(q) => self.text(i, q),
        }
    }

    /// The text term: words of the name, service, status message, event
    /// names, agent state and attributes (never the ids).
    fn text(&self, i: u32, q: &str) -> bool {
        let st = &self.ds.store;
        let node = &self.ds.traces[self.t].nodes[i as usize];
        let has = |s: &str| has_word(s, q);
        if self.state[i as usize].is_some_and(|s| has(s.as_str())) {
            return true;
        }
        if node.span == NONE {
            return has("missing span");
        }
        let sp = &st.spans[node.span as usize];
        has(st.resolve(sp.name))
            || has(st.service_of(sp))
            || has(st.resolve(sp.status_message))
            || st
                .events_of(sp.events)
                .iter()
                .any(|e| has(st.resolve(e.name)) || attrs_match(st, st.attrs_of(e.attrs), &has))
            || attrs_match(st, st.attrs_of(sp.attrs), &has)
    }
}

/// The mask of trace `t`'s rows (in the columns' order) under `terms`: per
/// row [`HIDDEN`], [`ANCESTOR`] or [`MATCH`]; and how many rows match.
pub fn filter_mask(ds: &Dataset, t: usize, terms: &[Term]) -> (Vec<u8>, u32) {
    let Some(m) = RowMatcher::new(ds, t) else {
        return (Vec::new(), 0);
    };
    let tree = &ds.traces[t];
    let mask = tracelens_model::tree::keep_with_ancestors(
        tree.preorder.iter().map(|&i| tree.depth[i as usize]),
        |row| m.passes_all(tree.preorder[row], terms),
    );
    let matched = mask.iter().filter(|&&m| m == MATCH).count() as u32;
    (mask, matched)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chips_parse_to_terms() {
        assert_eq!(parse_term("Errors"), Ok(Term::Problems));
        assert_eq!(parse_term(">250ms"), Ok(Term::MinDuration(250_000_000)));
        assert_eq!(parse_term(">1.5s"), Ok(Term::MinDuration(1_500_000_000)));
        assert_eq!(
            parse_term("attr:http.status_code=503"),
            Ok(Term::Attr("http.status_code".into(), Some("503".into())))
        );
        assert_eq!(parse_term("kind:client"), Ok(Term::Kind(SpanKind::Client)));
        assert_eq!(parse_term("state:dead"), Ok(Term::State(AgentState::Dead)));
        assert_eq!(
            parse_term("Web_Search"),
            Ok(Term::Text("web_search".into()))
        );
        assert_eq!(parse_term("class:LLM"), Ok(Term::Class(SpanClass::Llm)));
        assert_eq!(parse_term("model:GPT-4o"), Ok(Term::Model("gpt-4o".into())));
        assert_eq!(
            parse_term("user.id=u-1042"),
            Ok(Term::Attr("user.id".into(), Some("u-1042".into())))
        );
        assert_eq!(
            parse_term("3bee2925be4db9d9"),
            Ok(Term::Id("3bee2925be4db9d9".into()))
        );
        assert_eq!(parse_term("dead"), Ok(Term::Text("dead".into())));
        assert_eq!(parse_term("a b=c"), Ok(Term::Text("a b=c".into())));
        assert!(parse_term("class:huge").is_err());
        assert!(parse_term(">fast").is_err());
        assert!(parse_term("kind:sideways").is_err());
    }

    #[test]
    fn a_query_splits_at_spaces_but_not_in_quotes() {
        assert_eq!(
            parse_query(r#"  llm "web search" >1s "#),
            Ok(vec![
                Term::Class(SpanClass::Llm),
                Term::Text("web search".into()),
                Term::MinDuration(1_000_000_000),
            ])
        );
        assert_eq!(parse_query("\"open"), Ok(vec![Term::Text("open".into())]));
        assert_eq!(parse_query("   "), Ok(vec![]));
    }
}
