//! Text rendering for people. Formatting only: every figure comes from the service layer.

use std::io::{self, Write};
use tracelens_model::{fmt_ns, AgentState, Dataset, SpanClass};
use tracelens_service::{LogsDoc, SearchResult, SpanDetail, SummaryDoc, TraceSummary};

/// Deeper rows are drawn at this indent with their depth written out, so a
/// million-deep chain does not print megabytes of spaces per line.
const MAX_INDENT: u32 = 32;

/// Makes trace content safe for a terminal: control characters (escape
/// sequences could rewrite the screen) and invisible format characters
/// (bidi overrides can make a line read other than it is, zero-width
/// characters hide text) are shown escaped.
pub(crate) fn clean(s: &str) -> String {
    if !s.chars().any(needs_escape) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if needs_escape(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    out
}

fn needs_escape(c: char) -> bool {
    c.is_control() || is_format_char(c)
}

/// Unicode's general category Cf (format characters), as of Unicode 15.1.
/// Written out, not taken from a crate: the table is short, changes once in
/// years, and this is the only place that needs it.
fn is_format_char(c: char) -> bool {
    matches!(
        c as u32,
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    )
}

/// Whether a trace has something a failure hunt looks for.
fn has_problem(t: &TraceSummary) -> bool {
    t.error_count > 0 || t.orphan_count > 0 || t.agents.iter().any(|a| a.state.is_problem())
}

/// The traces a listing capped at `at_most` prints, in the input's order:
/// those with problems first, then the slowest; all when they fit.
fn shown_traces(traces: &[TraceSummary], at_most: Option<usize>) -> Vec<&TraceSummary> {
    let Some(limit) = at_most.filter(|&l| traces.len() > l) else {
        return traces.iter().collect();
    };
    let mut order: Vec<usize> = (0..traces.len()).collect();
    order.sort_by_key(|&i| {
        (
            !has_problem(&traces[i]),
            std::cmp::Reverse(traces[i].duration_ns),
        )
    });
    order.truncate(limit);
    order.sort_unstable();
    order.into_iter().map(|i| &traces[i]).collect()
}

/// The overview over every trace that a capped listing starts with.
fn summary_overview(out: &mut impl Write, traces: &[TraceSummary], shown: usize) -> io::Result<()> {
    let problems = traces.iter().filter(|t| has_problem(t)).count();
    let spans: usize = traces.iter().map(|t| t.span_count).sum();
    let mut d: Vec<u64> = traces.iter().map(|t| t.duration_ns).collect();
    d.sort_unstable();
    // The report's quantiles (interpolated between ranks), not a second rule.
    let q = |p: f64| tracelens_model::report::quantile(&d, p) as u64;
    writeln!(
        out,
        "{}, {}; {} with a problem (an error, an orphan, a failed, timed-out or dead agent)",
        plural(traces.len(), "trace", "traces"),
        plural(spans, "span", "spans"),
        problems
    )?;
    writeln!(
        out,
        "duration  p50 {}  p95 {}  max {}",
        fmt_ns(q(0.5)),
        fmt_ns(q(0.95)),
        fmt_ns(q(1.0))
    )?;
    writeln!(
        out,
        "showing {shown}: those with problems first, then the slowest (--all for every trace, --limit N, --json)\n"
    )
}

pub fn summary_text(
    out: &mut impl Write,
    doc: &SummaryDoc,
    at_most: Option<usize>,
) -> io::Result<()> {
    let shown = shown_traces(&doc.traces, at_most);
    if shown.len() < doc.traces.len() {
        summary_overview(out, &doc.traces, shown.len())?;
    }
    for t in shown {
        writeln!(
            out,
            "trace {}  {}  {}  {}{}{}",
            t.trace_id,
            clean(&t.root_name),
            fmt_ns(t.duration_ns),
            plural(t.span_count, "span", "spans"),
            if t.error_count > 0 {
                format!(", {}", plural(t.error_count, "error", "errors"))
            } else {
                String::new()
            },
            if t.orphan_count > 0 {
                format!(", {}", plural(t.orphan_count, "orphan", "orphans"))
            } else {
                String::new()
            },
        )?;
        if !t.services.is_empty() {
            writeln!(out, "  services  {}", clean(&t.services.join(", ")))?;
        }
        if !t.ids.is_empty() {
            let ids: Vec<String> = t.ids.iter().map(|(k, v)| format!("{k}={v}")).collect();
            writeln!(out, "  ids       {}", clean(&ids.join("  ")))?;
        }
        let b = &t.breakdown_ns;
        writeln!(
            out,
            "  time      agent {}  llm {}  tool {}  other {}",
            fmt_ns(b.agent),
            fmt_ns(b.llm),
            fmt_ns(b.tool),
            fmt_ns(b.other)
        )?;
        let p = &t.phases_ns;
        if p.init + p.tools + p.llm + p.format > 0 {
            writeln!(
                out,
                "  phases    init {}  tools {}  llm {}  format {}  unphased {}",
                fmt_ns(p.init),
                fmt_ns(p.tools),
                fmt_ns(p.llm),
                fmt_ns(p.format),
                fmt_ns(p.unphased)
            )?;
        }
        if t.llm.calls > 0 {
            writeln!(
                out,
                "  llm       {}, {} input + {} output tokens{}",
                plural(t.llm.calls as usize, "call", "calls"),
                t.llm.input_tokens,
                t.llm.output_tokens,
                t.llm
                    .mean_ttft_ns
                    .map(|x| format!(", mean ttft {}", fmt_ns(x)))
                    .unwrap_or_default()
            )?;
        }
        for a in &t.agents {
            let mark = if a.state.is_problem() { "!" } else { " " };
            writeln!(
                out,
                "  {mark}agent   {:<12} {:<9} {:>9}  {}",
                clean(&a.name),
                a.state.as_str(),
                fmt_ns(a.duration_ns),
                clean(a.error.as_deref().unwrap_or(&a.reason))
            )?;
        }
        writeln!(
            out,
            "  critical  {} on the critical path",
            plural(t.critical_path.len(), "span", "spans")
        )?;
        if t.log_count > 0 {
            // Most severe first.
            let levels: Vec<String> = tracelens_model::Level::ALL
                .iter()
                .rev()
                .filter_map(|l| {
                    let n = t.logs_by_level.get(l.as_str())?;
                    Some(format!("{n} {}", l.as_str()))
                })
                .collect();
            writeln!(
                out,
                "  logs      {}: {}",
                plural(t.log_count as usize, "record", "records"),
                levels.join(", ")
            )?;
        }
    }
    if doc.traces.is_empty() {
        writeln!(out, "no traces")?;
    }
    let l = &doc.logs;
    if l.records > 0 {
        writeln!(
            out,
            "\nlogs: {}, {} placed by span id, {} by trace id and time, {} by a correlation id, {} unattached",
            plural(l.records as usize, "record", "records"),
            l.by_span_id,
            l.by_trace_time,
            l.by_correlation,
            l.unattached
        )?;
    }
    if !doc.warnings.is_empty() {
        writeln!(out, "\nwarnings ({}):", doc.warnings.len())?;
        for w in &doc.warnings {
            let ids = match (&w.trace_id, &w.span_id) {
                (Some(t), Some(s)) => format!(" [{}/{}]", &t.to_string()[..8], s),
                (Some(t), None) => format!(" [{}]", &t.to_string()[..8]),
                _ => String::new(),
            };
            writeln!(out, "  {}{}: {}", w.kind.as_str(), ids, clean(&w.message))?;
        }
    }
    Ok(())
}

fn bar(width: usize, total: u64, offset: u64, dur: u64) -> String {
    if width == 0 {
        return String::new();
    }
    let total = total.max(1) as f64;
    let a = ((offset as f64 / total) * width as f64).floor() as usize;
    let b = (((offset + dur) as f64 / total) * width as f64).ceil() as usize;
    let a = a.min(width.saturating_sub(1));
    let b = b.clamp(a + 1, width);
    let mut s = String::with_capacity(width + 2);
    s.push('|');
    for i in 0..width {
        s.push(if i >= a && i < b { '#' } else { ' ' });
    }
    s.push('|');
    s
}

/// How `tracelens tree` draws a trace.
pub struct TreeView {
    pub adjust_skew: bool,
    pub bar_width: usize,
    /// Each span's id beside its name.
    pub ids: bool,
    pub filter: tracelens_service::RowFilter,
}

/// Writes trace `t` as a text tree; returns whether it wrote it (with
/// `skip_empty`, a trace the filter leaves nothing of is not written).
pub fn tree_text(
    out: &mut impl Write,
    ds: &Dataset,
    t: usize,
    view: &TreeView,
    skip_empty: bool,
) -> io::Result<bool> {
    let tree = &ds.traces[t];
    let all = tracelens_service::rows(ds, t, view.adjust_skew);
    // Bars keep the whole trace's scale when rows are filtered out.
    let total = all
        .iter()
        .map(|r| r.offset_ns + r.duration_ns)
        .max()
        .unwrap_or(0);
    let (rows, hidden) = tracelens_service::filter_rows(all, &view.filter);
    if skip_empty && rows.is_empty() {
        return Ok(false);
    }
    writeln!(
        out,
        "trace {}  {}  {}{}",
        tree.trace_id,
        fmt_ns(tree.duration_ns()),
        plural(tree.span_count(), "span", "spans"),
        if view.adjust_skew {
            "  (clock skew adjusted)"
        } else {
            ""
        }
    )?;
    let mut lines = Vec::with_capacity(rows.len());
    for r in rows {
        let indent = if r.depth <= MAX_INDENT {
            "  ".repeat(r.depth as usize)
        } else {
            format!("{}[depth {}] ", "  ".repeat(MAX_INDENT as usize), r.depth)
        };
        let mut tags = Vec::new();
        if let Some(s) = r.state {
            let word = match s {
                AgentState::Completed => "completed",
                other => other.as_str(),
            };
            tags.push(format!("agent {word}"));
        } else if r.class != SpanClass::Other {
            tags.push(r.class.as_str().to_string());
        }
        if r.error {
            tags.push("ERROR".into());
        }
        if r.open && r.state.is_none() {
            tags.push("no end".into());
        }
        if r.placeholder {
            tags.push("missing parent".into());
        }
        if r.orphan {
            tags.push("orphan".into());
        }
        if r.duplicate {
            tags.push("duplicate id".into());
        }
        if r.skewed {
            tags.push("clock skew".into());
        }
        if r.cycle_broken {
            tags.push("cycle broken".into());
        }
        let tags = if tags.is_empty() {
            String::new()
        } else {
            format!(" [{}]", tags.join(", "))
        };
        let label = format!("{}{}{}", indent, clean(&r.name), tags);
        let id = if view.ids {
            format!("{:<16}  ", r.span_id)
        } else {
            String::new()
        };
        let tail = format!(
            "{id}{:>9} {}  {}",
            fmt_ns(r.duration_ns),
            bar(view.bar_width, total, r.offset_ns, r.duration_ns),
            clean(&r.service),
        );
        lines.push((r.critical, label, tail));
    }
    // Labels are padded to a common width (capped, so one long name does not
    // push every bar off screen).
    let width = lines
        .iter()
        .map(|(_, l, _)| l.chars().count())
        .max()
        .unwrap_or(0)
        .min(72);
    for (critical, label, tail) in lines {
        let pad = width.saturating_sub(label.chars().count());
        writeln!(
            out,
            "{} {}{}  {}",
            if critical { '*' } else { ' ' },
            label,
            " ".repeat(pad),
            tail
        )?;
    }
    if hidden > 0 {
        writeln!(
            out,
            "  ({hidden} {} left out by the filters)",
            if hidden == 1 { "span" } else { "spans" }
        )?;
    }
    writeln!(out)?;
    Ok(true)
}

pub fn search_text(
    out: &mut impl Write,
    res: &SearchResult,
    at_most: Option<usize>,
) -> io::Result<()> {
    if res.traces.is_empty() {
        writeln!(out, "no trace carries {:?}", res.value)?;
    }
    let shown = at_most.map_or(res.traces.len(), |l| l.min(res.traces.len()));
    if shown < res.traces.len() {
        let spans: usize = res.traces.iter().map(|t| t.hits.len()).sum();
        writeln!(
            out,
            "{} in {} carry {:?}; the first {shown} (--all for every one, --limit N, --json):",
            plural(spans, "span", "spans"),
            plural(res.traces.len(), "trace", "traces"),
            res.value
        )?;
    }
    for t in &res.traces[..shown] {
        writeln!(out, "trace {}  {}", t.trace_id, clean(&t.root_name))?;
        for h in &t.hits {
            writeln!(
                out,
                "  span {}  {}  ({})",
                h.span_id,
                clean(&h.name),
                clean(&h.key)
            )?;
        }
    }
    if res.log_count > 0 {
        writeln!(out, "log records carrying it ({}):", res.log_count)?;
        for r in &res.logs {
            log_line_text(out, r)?;
        }
        if res.log_count > res.logs.len() as u64 {
            writeln!(out, "({} of {} shown)", res.logs.len(), res.log_count)?;
        }
    }
    Ok(())
}

/// Long values are folded to this many characters in text output (`--json`
/// has them whole).
const FOLD_AT: usize = 200;

/// The start of a long value, cleaned; only the part shown is cleaned, so
/// a 50 MB prompt costs what its first line does.
fn fold(s: &str) -> String {
    match s.char_indices().nth(FOLD_AT) {
        Some((cut, _)) => format!("{}… ({} chars)", clean(&s[..cut]), s.chars().count()),
        None => clean(s),
    }
}

/// The most lines of a multi-line event attribute (a stack trace) printed.
const EVENT_TEXT_LINES: usize = 40;

fn attr_lines(
    out: &mut impl Write,
    title: &str,
    attrs: &[tracelens_service::detail::AttrJson],
) -> io::Result<()> {
    if attrs.is_empty() {
        return Ok(());
    }
    writeln!(out, "{title}:")?;
    for a in attrs {
        let v = match &a.value {
            serde_json::Value::String(s) => fold(s),
            other => fold(&other.to_string()),
        };
        writeln!(out, "  {} ({}) = {}", clean(&a.key), a.kind, v)?;
    }
    Ok(())
}

/// The chains of `tracelens why`: each failure, then the steps down to
/// where it began, the cause last and marked.
pub fn why_text(out: &mut impl Write, docs: &[tracelens_service::WhyDoc]) -> io::Result<()> {
    if docs.is_empty() {
        writeln!(out, "no failures")?;
    }
    for d in docs {
        let n = d.problems.len();
        writeln!(
            out,
            "trace {}  {}  {}",
            d.trace_id,
            clean(&d.root_name),
            plural(n, "problem", "problems")
        )?;
        if d.chains.is_empty() {
            writeln!(out, "  nothing failed")?;
        }
        for c in &d.chains {
            for (i, s) in c.steps.iter().enumerate() {
                let lead = if i == 0 {
                    "  ".to_string()
                } else {
                    format!("  {}└ ", "  ".repeat((i - 1).min(MAX_INDENT as usize)))
                };
                let cause = if i + 1 == c.steps.len() && c.steps.len() > 1 {
                    "  <- cause"
                } else {
                    ""
                };
                writeln!(
                    out,
                    "{lead}{:<9} {}  [{}]  span {}  {}{cause}",
                    s.kind.as_str(),
                    clean(&s.name),
                    clean(&s.service),
                    if s.span_id.is_empty() {
                        "-"
                    } else {
                        &s.span_id
                    },
                    fold(&s.detail),
                )?;
            }
        }
        let others: Vec<&tracelens_service::ProblemStep> =
            d.problems.iter().filter(|p| !p.kind.is_failure()).collect();
        if !others.is_empty() {
            let mut counts = std::collections::BTreeMap::new();
            for p in &others {
                *counts.entry(p.kind.as_str()).or_insert(0usize) += 1;
            }
            let list: Vec<String> = counts
                .iter()
                .map(|(k, v)| plural(*v, k, &format!("{k}s")))
                .collect();
            writeln!(
                out,
                "  also  {} (data problems, not failures)",
                list.join(", ")
            )?;
        }
    }
    Ok(())
}

/// "1 problem", "3 problems".
pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

pub fn span_text(out: &mut impl Write, d: &SpanDetail) -> io::Result<()> {
    writeln!(out, "{}  [{}]", clean(&d.name), clean(&d.service))?;
    writeln!(out, "  trace   {}", d.trace_id)?;
    writeln!(out, "  span    {}", d.span_id)?;
    if let Some(p) = &d.parent_span_id {
        writeln!(out, "  parent  {p}")?;
    }
    writeln!(
        out,
        "  start +{}  duration {}  self {}",
        fmt_ns(d.offset_ns),
        fmt_ns(d.duration_ns),
        fmt_ns(d.self_ns)
    )?;
    writeln!(
        out,
        "  kind {:?}  class {:?}  status {:?}{}",
        d.kind,
        d.class,
        d.status,
        if d.status_message.is_empty() {
            String::new()
        } else {
            format!(": {}", fold(&d.status_message))
        }
    )?;
    if !d.flags.is_empty() {
        writeln!(out, "  flags   {}", d.flags.join(", "))?;
    }
    if let Some(a) = &d.agent {
        writeln!(
            out,
            "  agent   {} {}: {}",
            clean(&a.name),
            a.state.as_str(),
            clean(&a.reason)
        )?;
    }
    if let Some(l) = &d.llm {
        let opt = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_else(|| "-".into());
        writeln!(
            out,
            "  llm     model {}  tokens in {} out {}  ttft {}",
            clean(l.model.as_deref().unwrap_or("-")),
            opt(l.input_tokens),
            opt(l.output_tokens),
            l.ttft_ns.map(fmt_ns).unwrap_or_else(|| "-".into())
        )?;
    }
    attr_lines(out, "attributes", &d.attributes)?;
    attr_lines(out, "resource", &d.resource)?;
    if !d.events.is_empty() {
        writeln!(out, "events:")?;
        for e in &d.events {
            let mark = if e.lifecycle.is_some() {
                "  (lifecycle)"
            } else {
                ""
            };
            writeln!(out, "  +{}  {}{mark}", fmt_ns(e.offset_ns), clean(&e.name))?;
            for a in &e.attributes {
                match &a.value {
                    // A stack trace: its lines, indented, the first ones.
                    serde_json::Value::String(v) if v.contains('\n') => {
                        writeln!(out, "      {} =", clean(&a.key))?;
                        let lines: Vec<&str> = v.lines().collect();
                        for l in lines.iter().take(EVENT_TEXT_LINES) {
                            writeln!(out, "        {}", fold(l))?;
                        }
                        if lines.len() > EVENT_TEXT_LINES {
                            writeln!(
                                out,
                                "        … ({} more lines)",
                                lines.len() - EVENT_TEXT_LINES
                            )?;
                        }
                    }
                    serde_json::Value::String(v) => {
                        writeln!(out, "      {} = {}", clean(&a.key), fold(v))?
                    }
                    other => writeln!(
                        out,
                        "      {} = {}",
                        clean(&a.key),
                        fold(&other.to_string())
                    )?,
                }
            }
        }
    }
    if !d.links.is_empty() {
        writeln!(out, "links:")?;
        for l in &d.links {
            writeln!(
                out,
                "  {:?} {} / {}{}",
                l.kind,
                l.trace_id,
                l.span_id,
                if l.trace_loaded { "" } else { " (not loaded)" }
            )?;
        }
    }
    if !d.correlation.is_empty() {
        writeln!(out, "correlation:")?;
        for c in &d.correlation {
            writeln!(out, "  {} = {}", clean(&c.key), fold(&c.value))?;
        }
    }
    Ok(())
}

/// `tracelens logs`: one line per record: time, level, where it joined,
/// the body, then its attributes.
pub fn logs_text(out: &mut impl Write, doc: &LogsDoc) -> io::Result<()> {
    if !doc.conversation.is_empty() {
        writeln!(out, "conversation:")?;
        for t in &doc.conversation {
            let reason = t
                .finish_reason
                .as_deref()
                .map(|r| format!("  ({})", clean(r)))
                .unwrap_or_default();
            let mut lines = t.text.lines();
            let first = lines.next().map(clean).unwrap_or_default();
            writeln!(out, "  {:>9}: {first}{reason}", clean(&t.role))?;
            for l in lines {
                writeln!(out, "  {:>9}  {}", "", clean(l))?;
            }
        }
        writeln!(out)?;
    }
    for r in &doc.records {
        log_line_text(out, r)?;
    }
    if doc.records.is_empty() {
        writeln!(
            out,
            "no log records{}",
            if doc.total > 0 { " match" } else { "" }
        )?;
    } else if doc.matched > doc.records.len() as u64 {
        writeln!(
            out,
            "({} of {} matching records shown)",
            doc.records.len(),
            doc.matched
        )?;
    }
    Ok(())
}

/// One record: time, level, where it joined, the body; then its attributes.
fn log_line_text(out: &mut impl Write, r: &tracelens_service::LogLine) -> io::Result<()> {
    {
        let time = fmt_time(r.time_unix_nano);
        let place = match (&r.span_name, &r.span_id, &r.trace_id) {
            (Some(name), Some(s), _) => format!("{} {}", clean(name), &s[..s.len().min(8)]),
            (None, _, Some(t)) => format!("unattached (trace {})", &t[..t.len().min(8)]),
            _ => "unattached".to_string(),
        };
        let body = match &r.event_name {
            Some(e) if r.body.is_empty() || r.body == *e => format!("[{}]", clean(e)),
            Some(e) => format!("[{}] {}", clean(e), clean(&r.body)),
            None => clean(&r.body),
        };
        writeln!(
            out,
            "{time}  {:<5}  {place}  {body}",
            r.level.as_str().to_ascii_uppercase()
        )?;
        if !r.attributes.is_empty() {
            let attrs: Vec<String> = r
                .attributes
                .iter()
                .map(|(k, v)| format!("{}={}", clean(k), clean(v)))
                .collect();
            writeln!(out, "    {}", attrs.join(" "))?;
        }
    }
    Ok(())
}

/// A Unix time in nanoseconds as UTC `YYYY-MM-DD HH:MM:SS.mmm`; dashes when unknown.
pub(crate) fn fmt_time(ns: u64) -> String {
    match i64::try_from(ns) {
        Ok(n) if n > 0 => chrono::DateTime::from_timestamp_nanos(n)
            .format("%Y-%m-%d %H:%M:%S%.3f")
            .to_string(),
        _ => "-".repeat(23),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_invisible_format_characters_are_escaped() {
        assert_eq!(clean("plain ünïcode"), "plain ünïcode");
        assert_eq!(clean("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        // A bidi override that would show "exe.txt" for "txt.exe".
        assert_eq!(clean("x\u{202E}txt.exe"), "x\\u{202e}txt.exe");
        assert_eq!(clean("zero\u{200B}width"), "zero\\u{200b}width");
        assert_eq!(clean("\u{FEFF}bom"), "\\u{feff}bom");
        assert_eq!(clean("tag\u{E0041}"), "tag\\u{e0041}");
    }

    #[test]
    fn a_huge_value_is_folded_before_it_is_cleaned() {
        let big = format!("{}\u{1b}", "x".repeat(10_000_000));
        let f = fold(&big);
        assert!(f.ends_with("… (10000001 chars)"), "{}", &f[f.len() - 30..]);
        assert!(f.starts_with(&"x".repeat(FOLD_AT)));
        assert_eq!(fold("\u{1b}"), "\\u{1b}");
    }
}
