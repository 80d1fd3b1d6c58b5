//! The performance report as text: the same document from files or from
//! ClickHouse, laid out in tables. Formatting only.

use crate::render::{clean, plural};
use std::io::{self, Write};
use tracelens_model::calls::CallsDoc;
use tracelens_model::fmt_ns;
use tracelens_model::health::HealthDoc;
use tracelens_model::report::{Example, Report};
use tracelens_model::sessions::SessionsDoc;

/// A column's text cut to `w` characters (with an ellipsis), so one long
/// name does not push the table apart.
fn cell(s: &str, w: usize) -> String {
    let s = clean(s);
    if s.chars().count() <= w {
        return s;
    }
    let mut t: String = s.chars().take(w.saturating_sub(1)).collect();
    t.push('…');
    t
}

fn ns(v: f64) -> String {
    if v.is_finite() {
        fmt_ns(v.max(0.0) as u64)
    } else {
        "-".into()
    }
}

fn pct(part: u64, whole: u64) -> String {
    if whole == 0 {
        "-".into()
    } else {
        format!("{:.1}%", part as f64 * 100.0 / whole as f64)
    }
}

/// Dollars: cents for most, more digits for the small sums of a few calls.
fn usd(v: Option<f64>) -> String {
    match v {
        None => "-".into(),
        Some(v) if v >= 1.0 => format!("${v:.2}"),
        Some(v) => format!("${v:.4}"),
    }
}

/// A trace to open: its id's first 16 digits (any unique prefix opens it).
fn trace_ref(e: &Option<Example>) -> String {
    match e {
        Some(e) => e.trace_id.chars().take(16).collect(),
        None => "-".into(),
    }
}

fn window(r: &Report) -> String {
    match (r.from_ns, r.to_ns) {
        (0, u64::MAX) => "every run".to_string(),
        (f, u64::MAX) => format!("runs since {}", crate::render::fmt_time(f)),
        (f, t) => format!(
            "runs from {} to {}",
            crate::render::fmt_time(f),
            crate::render::fmt_time(t)
        ),
    }
}

pub fn report_text(out: &mut impl Write, r: &Report) -> io::Result<()> {
    writeln!(
        out,
        "report over {}, {} ({})",
        plural(r.traces as usize, "trace", "traces"),
        plural(r.spans as usize, "span", "spans"),
        window(r)
    )?;
    let by = r.group_by.as_str();
    let agents = by == "agent";
    writeln!(out, "\nby {by}")?;
    if r.groups.is_empty() {
        writeln!(out, "  nothing to group by {by}")?;
    } else {
        let head = if agents {
            format!("{:>7} {:>7} {:>7}", "failed", "timeout", "dead")
        } else {
            format!("{:>7} {:>7}", "class", "errors")
        };
        writeln!(
            out,
            "  {:<28} {:>7} {head} {:>8} {:>8} {:>8} {:>8} {:>8} {:>6} {:>6} {:>9}  {:<16}  {:<16}",
            "",
            if agents { "runs" } else { "count" },
            "p50",
            "p95",
            "p99",
            "max",
            "self",
            "llm",
            "tool",
            "cost",
            "slowest",
            "failed"
        )?;
        for g in &r.groups {
            let mid = if agents {
                format!(
                    "{:>7} {:>7} {:>7}",
                    pct(g.states.failed, g.count),
                    pct(g.states.timeout, g.count),
                    pct(g.states.dead, g.count)
                )
            } else {
                format!("{:>7} {:>7}", cell(&g.class, 7), pct(g.errors, g.count))
            };
            let share = |v: Option<u64>| v.map_or("-".into(), |v| pct(v, g.total_ns));
            writeln!(
                out,
                "  {:<28} {:>7} {mid} {:>8} {:>8} {:>8} {:>8} {:>8} {:>6} {:>6} {:>9}  {:<16}  {:<16}",
                cell(&g.key, 28),
                g.count,
                ns(g.p50_ns),
                ns(g.p95_ns),
                ns(g.p99_ns),
                fmt_ns(g.max_ns),
                g.self_ns.map_or("-".into(), fmt_ns),
                share(g.llm_ns),
                share(g.tool_ns),
                usd(g.cost_usd),
                trace_ref(&g.slowest),
                trace_ref(&g.failed),
            )?;
        }
        let more = r.groups_total.saturating_sub(r.groups.len() as u64);
        if more > 0 {
            writeln!(
                out,
                "  … {more} more (--limit N shows more; --json has them all up to it)"
            )?;
        }
    }
    if !r.models.is_empty() {
        writeln!(out, "\nmodels")?;
        writeln!(
            out,
            "  {:<28} {:>6} {:>6} {:>8} {:>8} {:>9} {:>9} {:>10} {:>10} {:>9} {:>9} {:>9}  {:<16}",
            "",
            "calls",
            "errors",
            "p50",
            "p95",
            "ttft p50",
            "ttft p95",
            "in tok",
            "out tok",
            "cached",
            "time",
            "cost",
            "slowest"
        )?;
        for m in &r.models {
            writeln!(
                out,
                "  {:<28} {:>6} {:>6} {:>8} {:>8} {:>9} {:>9} {:>10} {:>10} {:>9} {:>9} {:>9}  {:<16}",
                cell(&m.model, 28),
                m.calls,
                m.errors,
                ns(m.p50_ns),
                ns(m.p95_ns),
                m.ttft_p50_ns.map_or("-".into(), ns),
                m.ttft_p95_ns.map_or("-".into(), ns),
                m.input_tokens,
                m.output_tokens,
                m.cache_read_tokens,
                fmt_ns(m.total_ns),
                usd(m.cost_usd),
                trace_ref(&m.slowest),
            )?;
        }
        let unpriced = if r.unpriced_models.is_empty() {
            String::new()
        } else {
            format!(
                "; no price for {} (--prices FILE adds them)",
                r.unpriced_models
                    .iter()
                    .map(|m| clean(m))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        writeln!(out, "  cost {}{unpriced}", usd(Some(r.cost_usd)))?;
    }
    if !r.costliest_runs.is_empty() {
        writeln!(out, "\ncostliest runs")?;
        for c in &r.costliest_runs {
            writeln!(
                out,
                "  {:>9}  {}  {:<28}  {} {} in / {} out tokens",
                usd(Some(c.cost_usd)),
                c.trace_id,
                cell(&c.root_name, 28),
                plural(c.llm_calls as usize, "call,", "calls,"),
                c.input_tokens,
                c.output_tokens
            )?;
        }
    }
    if !r.bottlenecks.is_empty() {
        writeln!(out, "\non the critical path most (bottlenecks)")?;
        for b in &r.bottlenecks {
            writeln!(
                out,
                "  {:>9} {:>6} of path  in {:<10} {:<28} [{}]  {}  e.g. {}",
                fmt_ns(b.on_path_ns),
                format!("{:.1}%", b.share * 100.0),
                plural(b.traces as usize, "run", "runs"),
                cell(&b.name, 28),
                cell(&b.service, 20),
                b.class,
                b.example.trace_id,
            )?;
        }
    }
    if !r.top_self_time.is_empty() {
        writeln!(out, "\nmost self time")?;
        for s in &r.top_self_time {
            writeln!(
                out,
                "  {:>9} of {:>9}  {}  {}  {} [{}]",
                fmt_ns(s.self_ns),
                fmt_ns(s.duration_ns),
                s.trace_id,
                s.span_id,
                cell(&s.name, 40),
                cell(&s.service, 20)
            )?;
        }
    }
    if !r.errors.is_empty() {
        writeln!(out, "\nerror kinds")?;
        for e in &r.errors {
            writeln!(
                out,
                "  {:>5} in {:<10} {:<32} e.g. {} span {} ({})",
                e.count,
                plural(e.traces as usize, "run", "runs"),
                cell(&e.kind, 32),
                e.example.trace_id,
                e.example.span_id,
                cell(&e.name, 28)
            )?;
        }
    }
    for n in &r.not_computed {
        writeln!(out, "\nnot computed here: {}", clean(n))?;
    }
    Ok(())
}

pub fn calls_text(out: &mut impl Write, d: &CallsDoc) -> io::Result<()> {
    if d.rows.is_empty() {
        writeln!(
            out,
            "no calls match ({} in the data)",
            plural(d.total as usize, "call", "calls")
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "{:>9} {:>9} {:>8} {:>9} {:<9} {:<14} {:<24} {:<32} {:<16} span",
        "duration", "ttft", "tokens", "cost", "status", "agent", "model or tool", "name", "trace"
    )?;
    for r in &d.rows {
        let tokens = match (r.input_tokens, r.output_tokens) {
            (None, None) => "-".to_string(),
            (a, b) => (a.unwrap_or(0).saturating_add(b.unwrap_or(0))).to_string(),
        };
        let what = r.model.as_deref().or(r.tool.as_deref()).unwrap_or("-");
        writeln!(
            out,
            "{:>9} {:>9} {:>8} {:>9} {:<9} {:<14} {:<24} {:<32} {:<16} {}",
            fmt_ns(r.duration_ns),
            r.ttft_ns.map_or("-".into(), fmt_ns),
            tokens,
            usd(r.cost_usd),
            cell(&r.status, 9),
            cell(r.agent.as_deref().unwrap_or("-"), 14),
            cell(what, 24),
            cell(&r.name, 32),
            r.trace_id.chars().take(16).collect::<String>(),
            r.span_id
        )?;
    }
    let shown = d.offset + d.rows.len() as u64;
    if shown < d.matched || d.offset > 0 {
        writeln!(
            out,
            "{}-{} of {} matching (--offset, --limit page through them)",
            d.offset + 1,
            shown,
            d.matched
        )?;
    } else {
        writeln!(out, "{}", plural(d.matched as usize, "call", "calls"))?;
    }
    Ok(())
}

/// One character per bucket: how many runs (a bar's height), `x` where one
/// failed or timed out, `†` where one died.
fn strip(h: &tracelens_model::health::AgentHealth, width: usize) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let n = h.runs.len();
    // Wide series are folded so the strip fits the terminal.
    let per = n.div_ceil(width.max(1)).max(1);
    let fold = |v: &[u32], i: usize| -> u32 { v[i * per..((i + 1) * per).min(n)].iter().sum() };
    let cells = n.div_ceil(per);
    let runs: Vec<u32> = (0..cells).map(|i| fold(&h.runs, i)).collect();
    let max = runs.iter().copied().max().unwrap_or(0).max(1);
    (0..cells)
        .map(|i| {
            if fold(&h.dead, i) > 0 {
                '†'
            } else if fold(&h.failed, i) + fold(&h.timeout, i) > 0 {
                'x'
            } else if runs[i] == 0 {
                ' '
            } else {
                BARS[((runs[i] as usize * 8).div_ceil(max as usize)).clamp(1, 8) - 1]
            }
        })
        .collect()
}

pub fn health_text(out: &mut impl Write, h: &HealthDoc) -> io::Result<()> {
    if h.agents.is_empty() {
        writeln!(out, "no agent executions")?;
        return Ok(());
    }
    writeln!(
        out,
        "agent health from {} in {} of {} (bars: runs; x: failed or timed out; †: died)",
        crate::render::fmt_time(h.from_ns),
        crate::render::plural(h.buckets as usize, "bucket", "buckets"),
        fmt_ns(h.bucket_ns)
    )?;
    for a in &h.agents {
        writeln!(
            out,
            "  {:<20} {:>9} {:>7}  {}",
            cell(&a.agent, 20),
            plural(a.total_runs as usize, "run", "runs"),
            format!("{} bad", a.total_problems),
            strip(a, 60)
        )?;
    }
    if !h.dead.is_empty() {
        writeln!(out, "\ndead agents")?;
        for d in &h.dead {
            let beat = d
                .last_heartbeat_unix_nano
                .map_or("never beat".to_string(), |b| {
                    format!("last beat {}", crate::render::fmt_time(b))
                });
            let doing = if d.doing.is_empty() {
                "no step started".to_string()
            } else {
                format!("in {}", clean(&d.doing))
            };
            writeln!(
                out,
                "  {:<20} started {}, {beat}, {doing}  (trace {} span {})",
                cell(&d.agent, 20),
                crate::render::fmt_time(d.start_time_unix_nano),
                d.trace_id,
                d.span_id
            )?;
        }
    }
    Ok(())
}

pub fn sessions_text(out: &mut impl Write, d: &SessionsDoc, limit: usize) -> io::Result<()> {
    if d.sessions.is_empty() {
        writeln!(
            out,
            "no sessions: no run carries {} ({} without)",
            d.keys
                .iter()
                .map(|k| clean(k))
                .collect::<Vec<_>>()
                .join(", "),
            plural(d.runs_without_session as usize, "run", "runs")
        )?;
        return Ok(());
    }
    for s in d.sessions.iter().take(limit.max(1)) {
        writeln!(
            out,
            "{}={}  {}  from {} over {} (busy {})  {} in / {} out tokens  {}  {}",
            clean(&s.key),
            clean(&s.value),
            plural(s.runs.len(), "run", "runs"),
            crate::render::fmt_time(s.start_time_unix_nano),
            fmt_ns(s.span_ns),
            fmt_ns(s.busy_ns),
            s.input_tokens,
            s.output_tokens,
            usd(Some(s.cost_usd)),
            plural(s.problems as usize, "problem", "problems"),
        )?;
        for r in s.runs.iter().take(20) {
            writeln!(
                out,
                "  {}  {}  {:>9}  {:<28}  {}  {}",
                crate::render::fmt_time(r.start_time_unix_nano),
                r.trace_id,
                fmt_ns(r.duration_ns),
                cell(&r.root_name, 28),
                usd(Some(r.cost_usd)),
                if r.problems > 0 {
                    plural(r.problems as usize, "problem", "problems")
                } else {
                    String::new()
                }
            )?;
        }
        if s.runs.len() > 20 {
            writeln!(
                out,
                "  … {} more runs (--json lists them all)",
                s.runs.len() - 20
            )?;
        }
    }
    let more = d.sessions.len().saturating_sub(limit.max(1));
    if more > 0 {
        writeln!(out, "… {more} more sessions (--limit N)")?;
    }
    if d.runs_without_session > 0 {
        writeln!(
            out,
            "{} carry no session key",
            plural(d.runs_without_session as usize, "run", "runs")
        )?;
    }
    Ok(())
}
