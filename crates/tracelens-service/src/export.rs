//! One trace, or the subtree under one of its spans, written out: as
//! OTLP/JSON (spans and their log records) to open anywhere, or as a digest
//! (tree, timings, errors, LLM figures) to paste into a bug report or an
//! AI assistant, in Markdown or JSON.

use crate::rows::{rows, Row};
use serde::Serialize;
use std::fmt::Write as _;
use tracelens_model::{fmt_ns, Dataset, SpanId, NONE};

/// Tree lines a digest holds; the rest are counted in `omitted`.
pub const MAX_DIGEST_LINES: usize = 400;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    OtlpJson,
    DigestMarkdown,
    DigestJson,
}

impl ExportFormat {
    pub fn parse(s: &str) -> Result<ExportFormat, String> {
        match s {
            "otlp-json" => Ok(ExportFormat::OtlpJson),
            "digest-md" => Ok(ExportFormat::DigestMarkdown),
            "digest-json" => Ok(ExportFormat::DigestJson),
            other => Err(format!(
                "no export format {other:?}: otlp-json, digest-md or digest-json"
            )),
        }
    }

    /// The file name's ending and the media type.
    pub fn extension(self) -> (&'static str, &'static str) {
        match self {
            ExportFormat::OtlpJson => ("otlp.jsonl", "application/x-ndjson"),
            ExportFormat::DigestMarkdown => ("md", "text/markdown; charset=utf-8"),
            ExportFormat::DigestJson => ("digest.json", "application/json"),
        }
    }
}

/// One line of a digest's tree.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct DigestLine {
    pub depth: u32,
    pub name: String,
    pub class: tracelens_model::SpanClass,
    pub service: String,
    pub offset_ns: u64,
    pub duration_ns: u64,
    pub self_ns: u64,
    pub critical: bool,
    pub state: Option<tracelens_model::AgentState>,
    pub error: bool,
    pub model: Option<String>,
    pub input_tokens: Option<i64>,
    pub output_tokens: Option<i64>,
    pub ttft_ns: Option<u64>,
}

/// What a trace (or subtree) is, compactly.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Digest {
    pub trace_id: String,
    /// The subtree's root span, when a subtree was asked for.
    pub span_id: Option<String>,
    pub name: String,
    pub duration_ns: u64,
    pub spans: u64,
    pub errors: u64,
    pub llm_calls: u64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    /// Each failure and where it began, in words.
    pub problems: Vec<String>,
    pub tree: Vec<DigestLine>,
    /// Tree lines left out past [`MAX_DIGEST_LINES`].
    pub omitted: u64,
}

/// The nodes of trace `t` under `node` (itself included), or all, in preorder.
fn selection(ds: &Dataset, t: usize, node: Option<u32>) -> Vec<u32> {
    let tree = &ds.traces[t];
    match node {
        Some(n) => tree.subtree(n),
        None => tree.preorder.clone(),
    }
}

/// The spans and log records of the selection.
fn signals(ds: &Dataset, t: usize, nodes: &[u32]) -> (Vec<u32>, Vec<u32>) {
    let tree = &ds.traces[t];
    let mut inside = vec![false; tree.len()];
    let mut spans = Vec::with_capacity(nodes.len());
    for &n in nodes {
        inside[n as usize] = true;
        let s = tree.nodes[n as usize].span;
        if s != NONE {
            spans.push(s);
        }
    }
    let logs = ds
        .logs
        .of_trace(t as u32)
        .iter()
        .copied()
        .filter(|&k| {
            ds.logs
                .places
                .get(k as usize)
                .is_some_and(|p| p.node != NONE && inside[p.node as usize])
        })
        .collect();
    (spans, logs)
}

/// The spans and log records of trace `t`, or of the subtree under `node`.
pub fn signals_of(ds: &Dataset, t: usize, node: Option<u32>) -> (Vec<u32>, Vec<u32>) {
    signals(ds, t, &selection(ds, t, node))
}

/// OTLP/JSON Lines of the selection: spans, then their records. A
/// subtree's root is written without its parent, so the file reads back
/// as a trace of its own rather than an orphan under a missing span.
pub fn otlp_json(ds: &mut Dataset, t: usize, node: Option<u32>) -> Vec<u8> {
    let nodes = selection(ds, t, node);
    let (spans, logs) = signals(ds, t, &nodes);
    let root_span = node
        .map(|n| ds.traces[t].nodes[n as usize].span)
        .filter(|&s| s != NONE);
    let saved = root_span.map(|s| {
        let span = &mut ds.store.spans[s as usize];
        std::mem::replace(&mut span.parent_span_id, SpanId(0))
    });
    let mut out = Vec::new();
    // Writing into memory cannot fail.
    let _ = tracelens_formats::write_otlp_jsonl(&ds.store, &spans, &mut out);
    let _ = tracelens_formats::write_otlp_logs_jsonl(&ds.store, &logs, &mut out);
    if let (Some(s), Some(p)) = (root_span, saved) {
        ds.store.spans[s as usize].parent_span_id = p;
    }
    out
}

/// The digest of the selection.
pub fn digest(ds: &Dataset, t: usize, node: Option<u32>) -> Digest {
    let tree = &ds.traces[t];
    let an = &ds.analyses[t];
    let nodes = selection(ds, t, node);
    let mut inside = vec![false; tree.len()];
    for &n in &nodes {
        inside[n as usize] = true;
    }
    let all: Vec<Row> = rows(ds, t, false);
    let base_depth = node.map_or(0, |n| tree.depth[n as usize]);
    let base_offset = node.map_or(0, |n| {
        tree.nodes[n as usize]
            .start_ns
            .saturating_sub(tree.start_ns)
    });
    let picked: Vec<&Row> = all.iter().filter(|r| inside[r.node as usize]).collect();
    let llm = |n: u32| {
        (an.class[n as usize] == tracelens_model::SpanClass::Llm)
            .then(|| tracelens_model::TraceAnalysis::llm_call(&ds.store, &ds.keys, tree, n))
            .flatten()
    };
    let (mut calls, mut input, mut output, mut errors) = (0u64, 0i64, 0i64, 0u64);
    let mut lines = Vec::new();
    for r in &picked {
        let c = llm(r.node);
        if c.is_some() {
            calls += 1;
        }
        if r.error {
            errors += 1;
        }
        if let Some(c) = &c {
            input = input.saturating_add(c.input_tokens.unwrap_or(0));
            output = output.saturating_add(c.output_tokens.unwrap_or(0));
        }
        if lines.len() < MAX_DIGEST_LINES {
            lines.push(DigestLine {
                depth: r.depth - base_depth,
                name: r.name.clone(),
                class: r.class,
                service: r.service.clone(),
                offset_ns: r.offset_ns.saturating_sub(base_offset),
                duration_ns: r.duration_ns,
                self_ns: r.self_ns,
                critical: r.critical,
                state: r.state,
                error: r.error,
                model: c.as_ref().and_then(|c| c.model.clone()),
                input_tokens: c.as_ref().and_then(|c| c.input_tokens),
                output_tokens: c.as_ref().and_then(|c| c.output_tokens),
                ttft_ns: c.as_ref().and_then(|c| c.ttft_ns),
            });
        }
    }
    let why = crate::why::why(ds, t, node);
    let problems = why
        .chains
        .iter()
        .map(|ch| {
            ch.steps
                .iter()
                .map(|s| format!("{} ({}): {}", s.name, s.kind.as_str(), s.detail))
                .collect::<Vec<_>>()
                .join(" ← ")
        })
        .collect();
    let (name, duration_ns) = match node {
        Some(n) => (
            ds.node_name(t, n).0.into_owned(),
            tree.nodes[n as usize].duration_ns(),
        ),
        None => (why.root_name.clone(), tree.duration_ns()),
    };
    Digest {
        trace_id: tree.trace_id.to_string(),
        span_id: node.map(|n| tree.span_id(&ds.store, n).to_string()),
        name,
        duration_ns,
        spans: picked.iter().filter(|r| !r.placeholder).count() as u64,
        errors,
        llm_calls: calls,
        input_tokens: input,
        output_tokens: output,
        problems,
        omitted: (picked.len() - lines.len()) as u64,
        tree: lines,
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Trace text as it may sit in Markdown: control characters dropped and
/// backticks replaced, so no name can close the code block it is in.
fn md(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_control())
        .map(|c| if c == '`' { '\'' } else { c })
        .collect()
}

pub fn digest_markdown(d: &Digest) -> String {
    let mut o = String::new();
    let what = match &d.span_id {
        Some(s) => format!("span {s} of trace {}", d.trace_id),
        None => format!("trace {}", d.trace_id),
    };
    let _ = writeln!(o, "# {} ({what})\n", md(&d.name));
    let _ = writeln!(
        o,
        "- {} · {} · {}",
        fmt_ns(d.duration_ns),
        plural(d.spans, "span", "spans"),
        plural(d.errors, "error", "errors")
    );
    if d.llm_calls > 0 {
        let _ = writeln!(
            o,
            "- LLM: {}, {} input / {} output tokens",
            plural(d.llm_calls, "call", "calls"),
            d.input_tokens,
            d.output_tokens
        );
    }
    if !d.problems.is_empty() {
        let _ = writeln!(o, "\n## Problems\n");
        for p in &d.problems {
            let _ = writeln!(o, "- {}", md(p));
        }
    }
    let _ = writeln!(
        o,
        "\n## Tree (start, duration; * on the critical path)\n\n```text"
    );
    for l in &d.tree {
        let mut line = format!(
            "{}{}{} [{}] +{} {}",
            "  ".repeat(l.depth.min(40) as usize),
            if l.critical { "* " } else { "" },
            md(&l.name),
            l.class.as_str(),
            fmt_ns(l.offset_ns),
            fmt_ns(l.duration_ns)
        );
        if let Some(s) = l.state {
            let _ = write!(line, " {}", s.as_str());
        }
        if l.error {
            line.push_str(" ERROR");
        }
        if let Some(m) = &l.model {
            let _ = write!(line, " {}", md(m));
        }
        if let (Some(i), Some(out)) = (l.input_tokens, l.output_tokens) {
            let _ = write!(line, " {i}→{out} tokens");
        }
        if let Some(t) = l.ttft_ns {
            let _ = write!(line, " ttft {}", fmt_ns(t));
        }
        let _ = writeln!(o, "{line}");
    }
    if d.omitted > 0 {
        let _ = writeln!(o, "… {} more spans", d.omitted);
    }
    o.push_str("```\n");
    o
}

/// An export as a front saves it: the bytes, the file name to offer
/// (`trace-ID.EXT`, the trace's own hex id: nothing of the request's text)
/// and the media type.
#[derive(Debug)]
pub struct ExportFile {
    pub bytes: Vec<u8>,
    pub file_name: String,
    pub media_type: &'static str,
}

/// The selection in `format`, as a file to save.
pub fn export_file(
    ds: &mut Dataset,
    t: usize,
    node: Option<u32>,
    format: ExportFormat,
) -> ExportFile {
    let (ext, media_type) = format.extension();
    ExportFile {
        file_name: format!("trace-{}.{ext}", ds.traces[t].trace_id),
        media_type,
        bytes: export(ds, t, node, format),
    }
}

/// The selection in `format`.
pub fn export(ds: &mut Dataset, t: usize, node: Option<u32>, format: ExportFormat) -> Vec<u8> {
    match format {
        ExportFormat::OtlpJson => otlp_json(ds, t, node),
        ExportFormat::DigestMarkdown => digest_markdown(&digest(ds, t, node)).into_bytes(),
        ExportFormat::DigestJson => {
            serde_json::to_vec_pretty(&digest(ds, t, node)).unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::md;

    #[test]
    fn names_cannot_close_the_code_block() {
        assert_eq!(md("a```\n# b"), "a'''# b");
    }
}
