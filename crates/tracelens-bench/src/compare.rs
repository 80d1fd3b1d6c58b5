//! Comparing two runs, the graph and the in-trace filter at 10k and 100k
//! spans a side (issue 18: the compare view fluid at 100k a side), next to
//! `Dataset::build` of the same store in the same run.

use crate::{machine, median, today};
use anyhow::{Context, Result};
use std::path::Path;
use std::time::Instant;
use tracelens_model::diff::{diff, run_steps, DiffOptions};
use tracelens_model::{Dataset, DatasetOptions};

struct Row {
    spans: usize,
    build_s: f64,
    diff_s: f64,
    rows: usize,
    page_s: f64,
    page_bytes: usize,
    graph_s: f64,
    filter_s: f64,
}

fn timed<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut last = f();
    let t: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let t0 = Instant::now();
            last = f();
            t0.elapsed().as_secs_f64()
        })
        .collect();
    (median(t), last)
}

pub fn run(out: &Path, runs: usize, sizes: &[usize]) -> Result<()> {
    let mut rows = Vec::new();
    for &n in sizes {
        eprintln!("compare at {n} spans a side...");
        let gen = || {
            tracelens_gen::generate(tracelens_gen::GenOptions {
                traces: 2,
                spans_per_trace: n,
                seed: 1,
            })
        };
        let mut build = Vec::new();
        let mut ds = None;
        for _ in 0..runs.max(1) {
            let s = gen();
            let t0 = Instant::now();
            let d = Dataset::build(s, DatasetOptions::default());
            build.push(t0.elapsed().as_secs_f64());
            ds = Some(d);
        }
        let ds = ds.context("no run")?;
        let (diff_s, doc) = timed(runs, || {
            diff(
                &run_steps(&ds, 0),
                &run_steps(&ds, 1),
                &DiffOptions::default(),
            )
        });
        // What the compare view fetches per scroll: a page of 1,000 rows as JSON.
        let (page_s, page_bytes) = timed(runs, || {
            serde_json::to_vec(&doc.page(doc.rows_total / 2, 1000, false))
                .map(|v| v.len())
                .unwrap_or(0)
        });
        let (graph_s, _) = timed(runs, || tracelens_model::graph::graph(&ds, &[0]));
        let terms =
            tracelens_service::filter::parse_terms("llm\n>100ms").map_err(anyhow::Error::msg)?;
        let (filter_s, _) = timed(runs, || {
            tracelens_service::filter::filter_mask(&ds, 0, &terms)
        });
        rows.push(Row {
            spans: ds.traces[0].span_count(),
            build_s: median(build),
            diff_s,
            rows: doc.rows.len(),
            page_s,
            page_bytes,
            graph_s,
            filter_s,
        });
    }
    let mut s = String::new();
    use std::fmt::Write as _;
    writeln!(
        s,
        "<!-- compare-bench -->\n## Compare, graph and in-trace filter"
    )?;
    writeln!(s)?;
    writeln!(s, "- Machine: {}", machine())?;
    writeln!(
        s,
        "- Date: {}; `cargo run --release -p tracelens-bench -- compare` (two generated runs, seed 1).",
        today()
    )?;
    writeln!(s, "- Method: median of {runs} runs after a warm-up, on a built dataset of the two runs. The baseline is `Dataset::build` of the same store in the same run. A diff is computed once per pair (the session keeps it); the compare view then fetches 1,000-row pages as it scrolls.\n")?;
    writeln!(s, "| spans a side | build (both) | diff | merged rows | diff / build | page of 1,000 rows as JSON | page size | graph of one run | filter `llm >100ms` |")?;
    writeln!(s, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|")?;
    for r in &rows {
        writeln!(
            s,
            "| {} | {:.0} ms | {:.0} ms | {} | {:.2} | {:.1} ms | {} KB | {:.1} ms | {:.1} ms |",
            r.spans,
            r.build_s * 1e3,
            r.diff_s * 1e3,
            r.rows,
            r.diff_s / r.build_s,
            r.page_s * 1e3,
            r.page_bytes / 1024,
            r.graph_s * 1e3,
            r.filter_s * 1e3
        )?;
    }
    writeln!(s, "<!-- /compare-bench -->")?;
    crate::clickhouse::write_section(out, "compare-bench", &s)
        .context("writing the compare section")?;
    println!("{s}");
    Ok(())
}
