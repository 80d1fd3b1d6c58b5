//! Filters inside a trace: which rows a view shows when the user narrows a
//! trace to what matters (errors, a class, slow spans, a service, an
//! attribute, text, the critical path). A row that matches keeps its
//! ancestors, so what is left still reads as a tree.
//!
//! A filter is a list of terms, all of which a row must pass, each written
//! as the page's chips show it:
//! `errors`, `critical`, `agent` | `llm` | `tool` | `other`,
//! `>250ms` (at least that long), `service:NAME`, `kind:server|client|internal|producer|consumer`,
//! `state:completed|failed|timeout|dead|running|pending`,
//! `attr:KEY` or `attr:KEY=VALUE`, and any other word as text (any case)
//! in the name, service or an attribute value.

use crate::rows::{is_problem, rows, Row};
use tracelens_model::{AgentState, Dataset, SpanClass, SpanKind, NONE};

/// One term of a filter, parsed.
#[derive(Debug, Clone, PartialEq)]
pub enum Term {
    Problems,
    Critical,
    Class(SpanClass),
    MinDuration(u64),
    Service(String),
    Kind(SpanKind),
    State(AgentState),
    Attr(String, Option<String>),
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
        _ if lower.starts_with("attr:") => {
            let kv = value("attr:");
            match kv.split_once('=') {
                Some((k, v)) => Term::Attr(k.trim().to_string(), Some(v.trim().to_string())),
                None => Term::Attr(kv, None),
            }
        }
        _ => Term::Text(lower),
    })
}

/// The terms of a filter, one per line (the page's chips).
pub fn parse_terms(s: &str) -> Result<Vec<Term>, String> {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(parse_term)
        .collect()
}

fn passes(ds: &Dataset, t: usize, r: &Row, term: &Term) -> bool {
    let st = &ds.store;
    let span = {
        let n = &ds.traces[t].nodes[r.node as usize];
        (n.span != NONE).then(|| &st.spans[n.span as usize])
    };
    match term {
        Term::Problems => is_problem(r),
        Term::Critical => r.critical,
        Term::Class(c) => r.class == *c,
        Term::MinDuration(ns) => r.duration_ns >= *ns,
        Term::Service(s) => r.service.eq_ignore_ascii_case(s),
        Term::Kind(k) => span.is_some_and(|s| s.kind == *k),
        Term::State(s) => r.state == Some(*s),
        Term::Attr(k, v) => span.is_some_and(|s| {
            st.attrs_of(s.attrs).iter().any(|a| {
                st.resolve(a.key) == k && v.as_ref().is_none_or(|v| st.value_text(&a.value) == *v)
            })
        }),
        Term::Text(q) => {
            r.name.to_lowercase().contains(q)
                || r.service.to_lowercase().contains(q)
                || span.is_some_and(|s| {
                    st.attrs_of(s.attrs).iter().any(|a| {
                        st.value_str(&a.value)
                            .is_some_and(|v| v.to_lowercase().contains(q))
                    })
                })
        }
    }
}

/// The mask of trace `t`'s rows (in the columns' order) under `terms`: per
/// row [`HIDDEN`], [`ANCESTOR`] or [`MATCH`]; and how many rows match.
pub fn filter_mask(ds: &Dataset, t: usize, terms: &[Term]) -> (Vec<u8>, u32) {
    let rows = rows(ds, t, false);
    let mask = tracelens_model::tree::keep_with_ancestors(rows.iter().map(|r| r.depth), |i| {
        terms.iter().all(|term| passes(ds, t, &rows[i], term))
    });
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
        assert!(parse_term(">fast").is_err());
        assert!(parse_term("kind:sideways").is_err());
    }
}
