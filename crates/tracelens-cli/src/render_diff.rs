//! A diff of two runs and the agent graph as text. Formatting only.

use crate::render::{clean, plural};
use std::io::{self, Write};
use tracelens_model::diff::{DiffDoc, DiffRow, DiffSide, RowKind};
use tracelens_model::fmt_ns;
use tracelens_model::graph::GraphDoc;

/// Rows listed per section unless `--all`.
const SHOWN: usize = 30;

fn side_name(s: &DiffSide) -> String {
    match s.trace_ids.as_slice() {
        [one] => one.chars().take(16).collect(),
        many => format!(
            "baseline of {}",
            plural(many.len(), "good run", "good runs")
        ),
    }
}

/// A signed change of a time: "+600ms", "-1.2s", "=".
fn delta(a: u64, b: u64) -> String {
    match b.cmp(&a) {
        std::cmp::Ordering::Equal => "=".into(),
        std::cmp::Ordering::Greater => format!("+{}", fmt_ns(b - a)),
        std::cmp::Ordering::Less => format!("-{}", fmt_ns(a - b)),
    }
}

fn pct(a: u64, b: u64) -> String {
    if a == 0 {
        return String::new();
    }
    format!("{:+.0}%", (b as f64 - a as f64) * 100.0 / a as f64)
}

/// The path of labels from the root to each row, built as the rows come (preorder).
fn paths(rows: &[DiffRow]) -> Vec<String> {
    let mut stack: Vec<String> = Vec::new();
    rows.iter()
        .map(|r| {
            stack.truncate(r.depth as usize);
            stack.push(clean(&r.label));
            stack.join(" > ")
        })
        .collect()
}

pub fn diff_text(out: &mut impl Write, d: &DiffDoc, all: bool) -> io::Result<()> {
    let (a, b) = (&d.a, &d.b);
    writeln!(
        out,
        "A  {:<28} {}  {}  {}",
        side_name(a),
        clean(&a.root),
        fmt_ns(a.duration_ns),
        plural(a.errors as usize, "error", "errors")
    )?;
    writeln!(
        out,
        "B  {:<28} {}  {}  {}  ({} {})",
        side_name(b),
        clean(&b.root),
        fmt_ns(b.duration_ns),
        plural(b.errors as usize, "error", "errors"),
        delta(a.duration_ns, b.duration_ns),
        pct(a.duration_ns, b.duration_ns)
    )?;
    writeln!(out)?;
    writeln!(
        out,
        "{:<18} {:>10} {:>10} {:>10}",
        "self time", "A", "B", "change"
    )?;
    let (ba, bb) = (&a.breakdown, &b.breakdown);
    let (pa, pb) = (&a.phases, &b.phases);
    for (name, x, y) in [
        ("  agent", ba.agent, bb.agent),
        ("  llm", ba.llm, bb.llm),
        ("  tool", ba.tool, bb.tool),
        ("  other", ba.other, bb.other),
        ("  phase init", pa.init, pb.init),
        ("  phase tools", pa.tools, pb.tools),
        ("  phase llm", pa.llm, pb.llm),
        ("  phase format", pa.format, pb.format),
    ] {
        if x == 0 && y == 0 {
            continue;
        }
        writeln!(
            out,
            "{name:<18} {:>10} {:>10} {:>10}",
            fmt_ns(x),
            fmt_ns(y),
            delta(x, y)
        )?;
    }
    for (name, x, y) in [
        ("spans", a.spans as i64, b.spans as i64),
        ("LLM calls", a.llm_calls as i64, b.llm_calls as i64),
        ("input tokens", a.input_tokens, b.input_tokens),
        ("output tokens", a.output_tokens, b.output_tokens),
    ] {
        if x == 0 && y == 0 {
            continue;
        }
        writeln!(out, "{name:<18} {x:>10} {y:>10} {:>+10}", y - x)?;
    }
    writeln!(out)?;
    // The shared beginning once, then each side from where they part.
    let limit_steps = if all { usize::MAX } else { 8 };
    let labels = |s: &DiffSide, from: usize| {
        let steps: Vec<String> = s
            .critical_path
            .iter()
            .skip(from)
            .take(limit_steps)
            .map(|c| clean(&c.label))
            .collect();
        let more = s.critical_path.len().saturating_sub(from + steps.len());
        let mut t = steps.join(" > ");
        if more > 0 {
            t.push_str(&format!(" > … {more} more"));
        }
        t
    };
    match d.critical_parts_at {
        None => writeln!(
            out,
            "critical path: the same {} ({})",
            plural(a.critical_path.len(), "step", "steps"),
            labels(a, 0)
        )?,
        Some(i) => {
            let i = i as usize;
            if i > 0 {
                writeln!(
                    out,
                    "critical path: shared for {}",
                    plural(i, "step", "steps")
                )?;
            }
            writeln!(out, "  A from step {}: {}", i + 1, labels(a, i))?;
            writeln!(out, "  B from step {}: {}", i + 1, labels(b, i))?;
        }
    }
    let c = &d.counts;
    writeln!(
        out,
        "\n{}: {} same, {} changed, {} only in A, {} only in B",
        plural(d.rows.len(), "step", "steps"),
        c.same,
        c.changed,
        c.only_a,
        c.only_b
    )?;
    let path = paths(&d.rows);
    let limit = if all { usize::MAX } else { SHOWN };

    let changed: Vec<usize> = (0..d.rows.len())
        .filter(|&i| d.rows[i].kind == RowKind::Changed)
        .collect();
    if !changed.is_empty() {
        writeln!(out, "\nchanged")?;
        for &i in changed.iter().take(limit) {
            writeln!(out, "  {}", path[i])?;
            for ch in &d.rows[i].changes {
                let v = |s: &Option<String>| s.as_deref().map_or("-".into(), clean);
                writeln!(out, "      {}: {} → {}", ch.field, v(&ch.a), v(&ch.b))?;
            }
        }
        if changed.len() > limit {
            writeln!(out, "  … {} more (--all)", changed.len() - limit)?;
        }
    }
    for (kind, title) in [(RowKind::OnlyA, "only in A"), (RowKind::OnlyB, "only in B")] {
        // The top of each one-sided subtree: what is under it goes with it.
        let mut tops = Vec::new();
        let mut i = 0;
        while i < d.rows.len() {
            if d.rows[i].kind == kind {
                tops.push(i);
                i += d.rows[i].below as usize + 1;
            } else {
                i += 1;
            }
        }
        if tops.is_empty() {
            continue;
        }
        writeln!(out, "\n{title}")?;
        for &i in tops.iter().take(limit) {
            let r = &d.rows[i];
            let fig = r.a.as_ref().or(r.b.as_ref());
            let took = fig.map_or(String::new(), |f| fmt_ns(f.duration_ns));
            let under = if r.below > 0 {
                format!("  (+{} below)", r.below)
            } else {
                String::new()
            };
            let err = fig
                .and_then(|f| f.error.as_deref())
                .map_or(String::new(), |e| format!("  error: {}", clean(e)));
            writeln!(out, "  {}  {took}{under}{err}", path[i])?;
        }
        if tops.len() > limit {
            writeln!(out, "  … {} more (--all)", tops.len() - limit)?;
        }
    }
    Ok(())
}

pub fn graph_text(out: &mut impl Write, g: &GraphDoc) -> io::Result<()> {
    writeln!(
        out,
        "{}, {}: {}, {}",
        plural(g.traces as usize, "trace", "traces"),
        plural(g.spans as usize, "span", "spans"),
        plural(g.nodes.len(), "node", "nodes"),
        plural(g.edges.len(), "edge", "edges")
    )?;
    writeln!(
        out,
        "\n{:<8} {:<32} {:>7} {:>7} {:>10} {:>10} {:>12}",
        "kind", "name", "calls", "errors", "time", "self", "tokens"
    )?;
    for n in &g.nodes {
        let f = &n.figures;
        let tokens = f.input_tokens.saturating_add(f.output_tokens);
        writeln!(
            out,
            "{:<8} {:<32} {:>7} {:>7} {:>10} {:>10} {:>12}",
            n.kind.as_str(),
            clean(&n.name),
            f.calls,
            f.errors,
            fmt_ns(f.duration_ns),
            fmt_ns(n.self_ns),
            if tokens > 0 {
                tokens.to_string()
            } else {
                "-".into()
            }
        )?;
    }
    writeln!(out, "\ncalls")?;
    let name = |id: u32| {
        g.nodes
            .get(id as usize)
            .map_or("?".to_string(), |n| clean(&n.name))
    };
    for e in &g.edges {
        let f = &e.figures;
        let mut line = format!(
            "  {} → {}  {}  {}",
            name(e.from),
            name(e.to),
            plural(f.calls as usize, "call", "calls"),
            fmt_ns(f.duration_ns)
        );
        if f.input_tokens + f.output_tokens > 0 {
            line.push_str(&format!(
                "  {} in / {} out tokens",
                f.input_tokens, f.output_tokens
            ));
        }
        if f.errors > 0 {
            line.push_str(&format!(
                "  {}",
                plural(f.errors as usize, "error", "errors")
            ));
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}
