//! The ClickHouse commands: migrate, import, traces, search, report, and
//! summary of a stored trace. Thin: the work is in tracelens-clickhouse and the service layer.

use crate::cli::{
    ClickHouseArgs, ImportArgs, ImportSchema, LogsArgs, MigrateArgs, ReportArgs, SearchArgs,
    SummaryArgs, TracesArgs,
};
use crate::render;
use anyhow::{anyhow, Context, Result};
use std::io::BufRead;
use std::process::ExitCode;
use std::time::Duration;
use tracelens_clickhouse::{Conn, ConnConfig};
use tracelens_model::{DatasetOptions, TraceStore};

/// A `--since` window as people write it: `24h`, `7d`, `90m`, not seconds
/// (hours up to a week, days from there; seconds only when nothing divides).
fn window(secs: i64) -> String {
    const DAY: i64 = 86_400;
    match secs {
        s if s >= 7 * DAY && s % DAY == 0 => format!("{}d", s / DAY),
        s if s >= 3_600 && s % 3_600 == 0 => format!("{}h", s / 3_600),
        s if s >= 60 && s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// The connection the arguments name; the password from $CLICKHOUSE_PASSWORD
/// or stdin, never from the command line or a file.
fn connect(a: &ClickHouseArgs) -> Result<Conn> {
    let url = a
        .clickhouse
        .as_deref()
        .ok_or_else(|| anyhow!("--clickhouse URL is required"))?;
    let mut cfg = ConnConfig::new(url);
    cfg.database = a.database.clone();
    cfg.user = a.user.clone();
    cfg.timeout = Duration::from_secs(a.timeout.max(1));
    cfg.ca_cert = a.ca_cert.clone();
    cfg.password = if a.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from stdin")?;
        line.trim_end_matches(['\r', '\n']).to_string()
    } else {
        std::env::var("CLICKHOUSE_PASSWORD").unwrap_or_default()
    };
    Ok(Conn::new(cfg)?)
}

pub fn migrate(a: MigrateArgs) -> Result<ExitCode> {
    let conn = connect(&a.ch)?;
    let report = runtime()?.block_on(tracelens_clickhouse::migrate::migrate(&conn, a.otel))?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for m in &report.applied {
            println!("applied  {m}");
        }
        println!(
            "database {}: {} applied, {} already there",
            report.database,
            report.applied.len(),
            report.already.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn import(a: ImportArgs) -> Result<ExitCode> {
    let conn = connect(&a.ch)?;
    let input = crate::cli::InputArgs {
        files: a.files.clone(),
        format: None,
        skew_tolerance_ms: 1.0,
        limits: a.limits,
    };
    let mut loaded = crate::commands::load(&input)?;
    let code = crate::commands::report_errors(&mut loaded)?;
    let rt = runtime()?;
    let store = &loaded.dataset.store;
    let mut out = serde_json::Map::new();
    if matches!(a.schema, ImportSchema::Otel | ImportSchema::Both) {
        let spans: Vec<u32> = (0..store.spans.len() as u32).collect();
        let bar = crate::progress::Progress::count(spans.len() as u64, "importing spans");
        let report = rt.block_on(tracelens_clickhouse::otel::import(
            &conn,
            store,
            &spans,
            a.batch,
            |n| bar.set(n),
        ));
        bar.finish();
        let report = report?;
        if !a.json {
            println!(
                "imported {} in {} into {}.otel_traces",
                crate::render::plural(report.spans as usize, "span", "spans"),
                crate::render::plural(report.batches as usize, "batch", "batches"),
                conn.cfg.database
            );
        }
        out.insert("otel".into(), serde_json::to_value(&report)?);
        if !store.logs.is_empty() {
            let logs: Vec<u32> = (0..store.logs.len() as u32).collect();
            let bar = crate::progress::Progress::count(logs.len() as u64, "importing log records");
            let report = rt.block_on(tracelens_clickhouse::otel_logs::import_logs(
                &conn,
                store,
                &logs,
                a.batch,
                |n| bar.set(n),
            ));
            bar.finish();
            let report = report?;
            if !a.json {
                println!(
                    "imported {} in {} into {}.otel_logs",
                    crate::render::plural(report.records as usize, "log record", "log records"),
                    crate::render::plural(report.batches as usize, "batch", "batches"),
                    conn.cfg.database
                );
            }
            out.insert("otel_logs".into(), serde_json::to_value(&report)?);
        }
    }
    if matches!(a.schema, ImportSchema::Agent | ImportSchema::Both) {
        let report = rt.block_on(tracelens_clickhouse::agent::import(
            &conn,
            &loaded.dataset,
            a.batch,
        ))?;
        if !a.json {
            println!(
                "imported {} agent executions, {} lifecycle events, {} LLM calls into {}",
                report.executions, report.events, report.metrics, conn.cfg.database
            );
        }
        out.insert("agent".into(), serde_json::to_value(&report)?);
    }
    if a.json {
        println!("{}", serde_json::to_string_pretty(&out)?);
    }
    Ok(code)
}

/// One stored trace (its spans, its records from otel_logs) as a dataset,
/// with its source line; a trace not found is a usage error that says
/// where it was looked for.
fn fetch_dataset(
    ch: &ClickHouseArgs,
    id: &str,
    since: i64,
    skew_tolerance_ms: f64,
) -> Result<(
    tracelens_model::Dataset,
    Vec<tracelens_service::summary::SourceSummary>,
)> {
    fetch_traces(ch, &[id], since, skew_tolerance_ms)
}

/// Stored traces `ids` in one dataset (as `fetch_dataset` for one).
fn fetch_traces(
    ch: &ClickHouseArgs,
    ids: &[&str],
    since: i64,
    skew_tolerance_ms: f64,
) -> Result<(
    tracelens_model::Dataset,
    Vec<tracelens_service::summary::SourceSummary>,
)> {
    let conn = connect(ch)?;
    let mut store = TraceStore::new();
    let rt = runtime()?;
    let (mut spans, mut logs, mut logs_error) = (0u64, 0u64, None);
    for id in ids {
        let fetched = fetch_one(&rt, &conn, id, since, &mut store)?;
        spans += fetched.spans as u64;
        logs += fetched.logs as u64;
        logs_error = logs_error.or(fetched.logs_error);
    }
    let ds = tracelens_service::from_store(
        store,
        DatasetOptions {
            skew_tolerance_ns: (skew_tolerance_ms.max(0.0) * 1e6) as u64,
            ..DatasetOptions::default()
        },
    );
    let sources = vec![tracelens_service::summary::SourceSummary::clickhouse(
        format!("{} {}.otel_traces", conn.cfg.url, conn.cfg.database),
        spans,
        logs,
        logs_error,
    )];
    Ok((ds, sources))
}

/// One stored trace into `store`; not found is a usage error that says
/// where it was looked for.
/// A full trace id for `id`, which may be a unique prefix (as for files):
/// looked up among the stored traces of the last `since` seconds.
fn resolve_prefix(
    rt: &tokio::runtime::Runtime,
    conn: &Conn,
    id: &str,
    since: i64,
) -> Result<String> {
    let hex = id.bytes().all(|b| b.is_ascii_hexdigit());
    if id.len() >= 32 || !hex || id.is_empty() {
        return Ok(id.to_string());
    }
    let (from, to) = tracelens_clickhouse::list::last(since);
    let ids = rt.block_on(tracelens_clickhouse::list::trace_ids_with_prefix(
        conn, id, from, to, 2,
    ))?;
    match ids.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(anyhow::Error::new(crate::commands::UsageError(format!(
            "no trace id starts with {id} in {}.otel_traces in the last {} (widen with --since)",
            conn.cfg.database,
            window(since)
        )))),
        [a, b, ..] => Err(anyhow::Error::new(crate::commands::UsageError(format!(
            "{id} is the start of more than one trace id ({a}, {b}, ...): give more of it"
        )))),
    }
}

fn fetch_one(
    rt: &tokio::runtime::Runtime,
    conn: &Conn,
    id: &str,
    since: i64,
    store: &mut TraceStore,
) -> Result<tracelens_clickhouse::otel::FetchReport> {
    let full = resolve_prefix(rt, conn, id, since)?;
    let id = full.as_str();
    let fetched = rt.block_on(tracelens_clickhouse::otel::fetch_trace(
        conn,
        id,
        Some(tracelens_clickhouse::list::last(since)),
        true,
        store,
    ))?;
    if fetched.spans == 0 {
        return Err(anyhow::Error::new(crate::commands::UsageError(format!(
            "no trace {id} in {}.otel_traces{}",
            conn.cfg.database,
            if fetched.via == "window" {
                format!(
                    " (no lookup row; searched the last {}: widen with --since)",
                    window(since)
                )
            } else {
                String::new()
            }
        ))));
    }
    if let Some(e) = &fetched.logs_error {
        crate::say!("tracelens: warning: the trace's log records could not be read: {e}");
    }
    if fetched.logs_truncated {
        crate::say!(
            "tracelens: warning: the trace has more than {} log records; the earliest are shown",
            tracelens_clickhouse::otel_logs::MAX_TRACE_LOGS
        );
    }
    Ok(fetched)
}

/// `diff A B --clickhouse URL`: both traces fetched, then compared as for files.
pub fn diff(a: crate::cli::DiffArgs) -> Result<ExitCode> {
    if a.b == "baseline" {
        return Err(anyhow::Error::new(crate::commands::UsageError(
            "a baseline is built from loaded runs: with --clickhouse, name trace B \
             (`tracelens traces` lists them), or export runs and diff the files"
                .into(),
        )));
    }
    let (ds, _) = fetch_traces(&a.ch, &[&a.a, &a.b], a.since, a.input.skew_tolerance_ms)?;
    let doc = crate::commands::diff_doc(&ds, &a)?;
    crate::commands::print_doc(a.json, &doc, |out, d| {
        crate::render_diff::diff_text(out, d, a.all)
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `summary --clickhouse URL --trace ID`: the same document as for files.
pub fn summary(a: SummaryArgs) -> Result<ExitCode> {
    let id = a.trace.as_deref().ok_or_else(|| {
        anyhow!("--trace ID is required with --clickhouse (listing traces: `tracelens traces`)")
    })?;
    let (ds, sources) = fetch_dataset(&a.ch, id, a.since, a.input.skew_tolerance_ms)?;
    let doc = tracelens_service::summary_doc(&ds, sources, None);
    crate::commands::print_doc(a.json, &doc, |out, d| render::summary_text(out, d, None))?;
    Ok(ExitCode::SUCCESS)
}

/// `logs --clickhouse URL --trace ID`: a stored trace's records, as for files.
pub fn logs(a: LogsArgs) -> Result<ExitCode> {
    let id = a.trace.as_deref().ok_or_else(|| {
        anyhow!("--trace ID is required with --clickhouse (listing traces: `tracelens traces`)")
    })?;
    let (ds, _) = fetch_dataset(&a.ch, id, a.since, a.input.skew_tolerance_ms)?;
    crate::commands::print_logs(&a, &ds, (!ds.traces.is_empty()).then_some(0))?;
    Ok(ExitCode::SUCCESS)
}

/// `traces --clickhouse URL`: the stored traces, newest first.
pub fn traces(a: TracesArgs) -> Result<ExitCode> {
    let conn = connect(&a.ch)?;
    let (from_s, to_s) = tracelens_clickhouse::list::last(a.since);
    let f = tracelens_clickhouse::list::ListFilter {
        from_s,
        to_s,
        service: a.service.clone(),
        agent: a.agent.clone(),
        user_id: a.user_id.clone(),
        min_duration_ns: a.min_duration.unwrap_or(0),
        text: a.text.clone(),
        errors_only: a.errors,
        state: a.state.clone(),
        limit: a.limit,
        offset: a.offset,
    };
    let rows = runtime()?.block_on(tracelens_clickhouse::list::list_traces(&conn, &f))?;
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "traces": rows }))?
        );
    } else {
        for r in &rows {
            let agents: Vec<String> = r
                .agents
                .iter()
                .filter(|(_, st)| st != "completed")
                .map(|(name, st)| format!("{} {st}", crate::render::clean(name)))
                .collect();
            println!(
                "{}  {:<40}  {:>9}  {:>5} {}  {}  {}{}",
                r.trace_id,
                crate::render::clean(&r.root_name),
                tracelens_model::fmt_ns(r.duration_ns.max(0) as u64),
                r.span_count,
                if r.span_count == 1 { "span " } else { "spans" },
                crate::render::plural(r.error_count as usize, "error", "errors"),
                crate::render::clean(&r.services.join(", ")),
                if agents.is_empty() {
                    String::new()
                } else {
                    format!("  !{}", agents.join(", "))
                }
            );
        }
        if rows.is_empty() {
            println!("no traces in the last {} match", window(a.since));
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `search --clickhouse URL --id VALUE`: every stored span carrying the value.
pub fn search(a: SearchArgs) -> Result<ExitCode> {
    let conn = connect(&a.ch)?;
    let (from_s, to_s) = tracelens_clickhouse::list::last(a.since);
    let hits = runtime()?.block_on(tracelens_clickhouse::list::find_by_id(
        &conn, &a.id, from_s, to_s, 10_000,
    ))?;
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "value": a.id, "hits": hits }))?
        );
    } else {
        for h in &hits {
            println!(
                "{}  {}  {:<20}  {}",
                h.trace_id,
                h.span_id,
                crate::render::clean(&h.key),
                crate::render::clean(&h.name)
            );
        }
        if hits.is_empty() {
            println!(
                "nothing in the last {} carries {}",
                window(a.since),
                crate::render::clean(&a.id)
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `report --clickhouse URL --since 24h`: the same document as over
/// files, computed by the server.
pub fn report(a: ReportArgs) -> Result<ExitCode> {
    let group_by = tracelens_service::parse_group_by(&a.group_by)
        .map_err(|e| anyhow::Error::new(crate::commands::UsageError(e)))?;
    if !a.input.files.is_empty() {
        return Err(anyhow::Error::new(crate::commands::UsageError(
            "report reads files or --clickhouse, not both".into(),
        )));
    }
    let conn = connect(&a.ch)?;
    let (from_s, to_s) = tracelens_clickhouse::list::last(a.since.unwrap_or(86_400));
    let range = tracelens_clickhouse::report::ReportRange {
        from_s,
        to_s,
        group_by,
        top: a.top,
        max_groups: a.limit,
        prices: crate::commands::prices_from(a.prices.as_deref())?,
    };
    let r = runtime()?.block_on(tracelens_clickhouse::report::report(&conn, &range))?;
    crate::commands::print_doc(a.json, &r, crate::render_report::report_text)?;
    Ok(ExitCode::SUCCESS)
}

/// `health --clickhouse URL --since 24h`: the series over stored
/// executions, counted by the server.
pub fn health(a: crate::cli::HealthArgs) -> Result<ExitCode> {
    if !a.input.files.is_empty() {
        return Err(anyhow::Error::new(crate::commands::UsageError(
            "health reads files or --clickhouse, not both".into(),
        )));
    }
    let conn = connect(&a.ch)?;
    let (from_s, to_s) = tracelens_clickhouse::list::last(a.since.unwrap_or(86_400));
    let bucket = a
        .bucket
        .map(|s| (s.max(1) as u64).saturating_mul(1_000_000_000));
    let h = runtime()?.block_on(tracelens_clickhouse::report::health(
        &conn, from_s, to_s, bucket,
    ))?;
    crate::commands::print_doc(a.json, &h, crate::render_report::health_text)?;
    Ok(ExitCode::SUCCESS)
}

/// `calls --clickhouse URL --since 24h`: a page of stored calls, filtered,
/// sorted and paged by the server.
pub fn calls(a: crate::cli::CallsArgs) -> Result<ExitCode> {
    if !a.input.files.is_empty() {
        return Err(anyhow::Error::new(crate::commands::UsageError(
            "calls reads files or --clickhouse, not both".into(),
        )));
    }
    let f = crate::commands::call_filter(&crate::commands::call_query(&a))?;
    let prices = crate::commands::prices_from(a.prices.as_deref())?;
    let conn = connect(&a.ch)?;
    let (from_s, to_s) = tracelens_clickhouse::list::last(a.since);
    let d = runtime()?.block_on(tracelens_clickhouse::calls::calls(
        &conn, from_s, to_s, &f, &prices,
    ))?;
    crate::commands::print_doc(a.json, &d, crate::render_report::calls_text)?;
    Ok(ExitCode::SUCCESS)
}

/// The write-through for `receive --clickhouse`. A server that answers must
/// have otel_traces (else an error at start, not a full spool); one that does
/// not answer yet is waited for, spooling.
pub fn write_through(
    a: &ClickHouseArgs,
    spool: &std::path::Path,
    opts: tracelens_clickhouse::spool::SpoolOptions,
) -> Result<std::sync::Arc<tracelens_clickhouse::spool::WriteThrough>> {
    let conn = connect(a)?;
    // Unreachable is not fatal (the spool is for that); reachable without
    // the table is a setup mistake worth stopping for.
    let rt = runtime()?;
    match rt.block_on(conn.ping()) {
        Ok(()) => {
            rt.block_on(tracelens_clickhouse::schema::require_otel(&conn))?;
        }
        Err(e) => crate::say!("tracelens: {e}; spooling until ClickHouse answers"),
    }
    Ok(tracelens_clickhouse::spool::WriteThrough::start_with(
        conn,
        spool.to_path_buf(),
        opts,
    )?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn windows_read_in_the_units_people_give() {
        assert_eq!(super::window(86_400), "24h");
        assert_eq!(super::window(7 * 86_400), "7d");
        assert_eq!(super::window(5_400), "90m");
        assert_eq!(super::window(90), "90s");
    }
}
