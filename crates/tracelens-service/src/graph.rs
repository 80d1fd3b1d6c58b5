//! The agent graph (the model's `graph`) for every front, and its DOT
//! text for people who render graphs elsewhere.

use serde::Deserialize;
use std::fmt::Write as _;
use tracelens_model::graph::{GraphDoc, GraphNodeKind};
use tracelens_model::{fmt_ns, Dataset};

/// What a front asks of [`crate::Session::graph`].
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct GraphQuery {
    /// One trace (full id or unique prefix); without it, every run the
    /// run filter keeps.
    #[ts(optional)]
    pub trace: Option<String>,
    #[ts(optional)]
    pub run_text: Option<String>,
    pub run_min_ns: u64,
}

/// The runs a graph across runs covers.
pub fn graph_runs(ds: &Dataset, q: &GraphQuery) -> Vec<usize> {
    let f = crate::report::run_filter(&q.run_text, q.run_min_ns);
    (0..ds.traces.len()).filter(|&t| f.keeps(ds, t)).collect()
}

/// A DOT string literal: quotes, backslashes and line ends escaped, so no
/// name from a trace can end the literal or add a statement.
fn dot_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' => out.push_str("\\n"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The graph as Graphviz DOT: one node per agent, tool, model or service,
/// one edge per caller and callee with its calls, time and errors.
pub fn graph_dot(g: &GraphDoc) -> String {
    let mut out =
        String::from("digraph tracelens {\n  rankdir=LR;\n  node [fontname=\"Helvetica\"];\n");
    for n in &g.nodes {
        let shape = match n.kind {
            GraphNodeKind::Service => "house",
            GraphNodeKind::Agent => "box",
            GraphNodeKind::Tool => "component",
            GraphNodeKind::Model => "ellipse",
        };
        let calls = if n.figures.calls == 1 {
            "call"
        } else {
            "calls"
        };
        let mut label = format!(
            "{}\n{} · {} {calls}",
            n.name,
            n.kind.as_str(),
            n.figures.calls
        );
        if n.figures.errors > 0 {
            let _ = write!(label, " · {} errors", n.figures.errors);
        }
        let color = if n.figures.errors > 0 {
            ", color=red"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  n{} [label={}, shape={shape}{color}];",
            n.id,
            dot_str(&label)
        );
    }
    for e in &g.edges {
        let mut label = format!("{}× {}", e.figures.calls, fmt_ns(e.figures.duration_ns));
        if e.figures.input_tokens + e.figures.output_tokens > 0 {
            let _ = write!(
                label,
                "\n{} in / {} out tokens",
                e.figures.input_tokens, e.figures.output_tokens
            );
        }
        if e.figures.errors > 0 {
            let _ = write!(label, "\n{} errors", e.figures.errors);
        }
        let color = if e.figures.errors > 0 {
            ", color=red"
        } else {
            ""
        };
        let _ = writeln!(
            out,
            "  n{} -> n{} [label={}{color}];",
            e.from,
            e.to,
            dot_str(&label)
        );
    }
    out.push_str("}\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_cannot_break_out_of_their_literal() {
        assert_eq!(dot_str("a\"];x->y;\\"), "\"a\\\"];x->y;\\\\\"");
        assert_eq!(dot_str("two\nlines"), "\"two\\nlines\"");
    }
}
