//! Log ingest and placement (`tracelens-bench logs`): generated runs with
//! the backend's records, the records written as OTLP/JSON Lines and as
//! application log lines (python-json-logger's shape), each read into the
//! model against the serde floor on the same lines; then the placement of
//! the records on the spans (`Dataset::build` with them, minus without).

use crate::{machine, median, time_runs, today};
use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;
use std::time::Instant;
use tracelens_formats::{read_path, ReadOptions};
use tracelens_model::{Dataset, DatasetOptions, TraceStore};

struct Row {
    records: u64,
    spans: u64,
    otlp_mb: f64,
    otlp_s: f64,
    otlp_floor_s: f64,
    app_mb: f64,
    app_s: f64,
    app_floor_s: f64,
    attach_s: f64,
}

/// Records of the generated runs, repeated with shifted times until there
/// are `n` of them (the generator writes a few per span).
fn records(n: usize, spans: usize) -> TraceStore {
    let traces = (spans / 10_000).clamp(1, 100);
    let mut store = tracelens_gen::generate(tracelens_gen::GenOptions {
        traces,
        spans_per_trace: spans / traces,
        seed: 1,
    });
    tracelens_gen::add_logs(&mut store);
    let base = store.logs.clone();
    let mut k = 0usize;
    while store.logs.len() < n {
        let mut r = base[k % base.len()].clone();
        r.time_ns += 1 + (k / base.len()) as u64;
        store.logs.push(r);
        k += 1;
    }
    store.logs.truncate(n);
    store
}

/// The records as python-json-logger writes them with LoggingInstrumentor.
fn write_app_lines(store: &TraceStore, path: &Path) -> Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    for r in &store.logs {
        let secs = r.time_ns / 1_000_000_000;
        let line = serde_json::json!({
            "asctime": format!("{}.{:09}", secs, r.time_ns % 1_000_000_000),
            "levelname": store.resolve(r.severity_text),
            "name": "netra.backend",
            "message": store.value_text(&r.body),
            "otelTraceID": r.trace_id.to_string(),
            "otelSpanID": r.span_id.to_string(),
            "otelServiceName": store.service_of_log(r),
        });
        serde_json::to_writer(&mut w, &line)?;
        w.write_all(b"\n")?;
    }
    w.flush()?;
    Ok(())
}

fn read_logs(path: &Path) -> Result<u64> {
    let mut store = TraceStore::new();
    let rep = read_path(path, &mut store, &ReadOptions::default());
    if let Some(e) = rep.error {
        anyhow::bail!("{e}");
    }
    Ok(store.logs.len() as u64)
}

pub fn run(out: &Path, dir: &Path, runs: usize, sizes: &[usize]) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut rows = Vec::new();
    for &n in sizes {
        // A tenth as many spans as records: the "1M records on 100k spans".
        let spans = (n / 10).max(1_000);
        eprintln!("generating {n} records on {spans} spans...");
        let store = records(n, spans);
        let otlp = dir.join(format!("logs-{n}.jsonl"));
        let app = dir.join(format!("logs-{n}.log"));
        let all: Vec<u32> = (0..store.logs.len() as u32).collect();
        tracelens_formats::write_otlp_logs_jsonl(
            &store,
            &all,
            std::io::BufWriter::new(std::fs::File::create(&otlp)?),
        )?;
        write_app_lines(&store, &app)?;
        let mb = |p: &Path| -> Result<f64> { Ok(std::fs::metadata(p)?.len() as f64 / 1e6) };
        eprintln!("measuring {n}...");
        let mut got = 0;
        let otlp_s = time_runs(runs, || {
            got = read_logs(&otlp)?;
            Ok(())
        })?;
        anyhow::ensure!(got as usize == n, "read {got} of {n} OTLP records");
        let app_s = time_runs(runs, || {
            got = read_logs(&app)?;
            Ok(())
        })?;
        anyhow::ensure!(got as usize == n, "read {got} of {n} app records");
        let otlp_floor_s = time_runs(runs, || crate::floor_jsonl(&otlp))?;
        let app_floor_s = time_runs(runs, || crate::floor_jsonl(&app))?;
        // Placement: the dataset built with the records, minus without.
        let spans_only = {
            let mut s = store.retained(&(0..store.spans.len() as u32).collect::<Vec<_>>(), &[]);
            s.logs.clear();
            s
        };
        let mut with = Vec::new();
        let mut without = Vec::new();
        for _ in 0..runs.max(1) {
            let s = store.retained(&(0..store.spans.len() as u32).collect::<Vec<_>>(), &all);
            let t = Instant::now();
            let ds = Dataset::build(s, DatasetOptions::default());
            with.push(t.elapsed().as_secs_f64());
            anyhow::ensure!(
                ds.logs.places.len() == n,
                "placed {} of {n}",
                ds.logs.places.len()
            );
            drop(ds);
            let s =
                spans_only.retained(&(0..spans_only.spans.len() as u32).collect::<Vec<_>>(), &[]);
            let t = Instant::now();
            let ds = Dataset::build(s, DatasetOptions::default());
            without.push(t.elapsed().as_secs_f64());
            drop(ds);
        }
        rows.push(Row {
            records: n as u64,
            spans: store.spans.len() as u64,
            otlp_mb: mb(&otlp)?,
            otlp_s,
            otlp_floor_s,
            app_mb: mb(&app)?,
            app_s,
            app_floor_s,
            attach_s: (median(with) - median(without)).max(0.0),
        });
    }
    let mut s = String::new();
    use std::fmt::Write as _;
    writeln!(s, "<!-- logs-bench -->\n## Log ingest and placement")?;
    writeln!(s)?;
    writeln!(s, "- Machine: {}", machine())?;
    writeln!(s, "- Date: {}; `cargo run --release -p tracelens-bench -- logs` (records of generated runs: the backend's lines for each agent, tool and LLM call, repeated with shifted times to each size, on a tenth as many spans).", today())?;
    writeln!(s, "- Method: median of {runs} runs after a warm-up, files in the page cache. Each input is read with `read_path` on every core, as `tracelens` does; the floor is serde_json parsing each line of the same file into `IgnoredAny` on one thread (no model). Placement is `Dataset::build` with the records minus the same build without them (by span id, trace id and time, correlation id).")?;
    writeln!(s, "- Targets (issue 16): log ingest ≥ 60% of the floor, as the span readers; placing 1M records on 100k spans < 0.5 s.\n")?;
    writeln!(s, "| records | spans | OTLP/JSON MB | OTLP MB/s | OTLP records/s | OTLP / floor | app log MB | app MB/s | app records/s | app / floor | placement |")?;
    writeln!(s, "|---|---|---|---|---|---|---|---|---|---|---|")?;
    for r in &rows {
        writeln!(
            s,
            "| {} | {} | {:.1} | {:.0} | {:.2}M | {:.0}% | {:.1} | {:.0} | {:.2}M | {:.0}% | {:.0} ms |",
            r.records,
            r.spans,
            r.otlp_mb,
            r.otlp_mb / r.otlp_s,
            r.records as f64 / r.otlp_s / 1e6,
            100.0 * r.otlp_floor_s / r.otlp_s,
            r.app_mb,
            r.app_mb / r.app_s,
            r.records as f64 / r.app_s / 1e6,
            100.0 * r.app_floor_s / r.app_s,
            r.attach_s * 1e3,
        )?;
    }
    if let Some(r) = rows.last() {
        let met = |ok: bool| if ok { "met" } else { "not met yet" };
        writeln!(
            s,
            "\nAt {} records: ingest ≥ 60% of the floor {} (OTLP {:.0}%, application lines {:.0}%); placement under 0.5 s {} ({:.0} ms).",
            r.records,
            met(r.otlp_floor_s / r.otlp_s >= 0.6 && r.app_floor_s / r.app_s >= 0.6),
            100.0 * r.otlp_floor_s / r.otlp_s,
            100.0 * r.app_floor_s / r.app_s,
            met(r.attach_s < 0.5),
            r.attach_s * 1e3
        )?;
    }
    writeln!(s, "\nOTLP log lines go through the general (serde seed) reader: the fast scanner takes span lines only. Application lines are read field by field, borrowed from the line, and their keys found through one table of the loggers' names (2026-12-03: about twice the rate of the earlier `serde_json::Map` reader); what remains is serde_json's string scanning, the fields' vector and interning, a per-line cost the span readers spread over bigger records.")?;
    writeln!(s, "<!-- /logs-bench -->")?;
    crate::clickhouse::write_section(out, "logs-bench", &s).context("writing the report")?;
    println!("{s}");
    Ok(())
}
