//! The report across runs over loaded data (issue 17: under 1 s at 1M
//! spans), next to `Dataset::build` of the same store in the same run: the
//! cost a user already pays to open the files.

use crate::{machine, median, today};
use anyhow::{Context, Result};
use std::path::Path;
use std::time::Instant;
use tracelens_model::report::{report, GroupBy, ReportOptions};
use tracelens_model::{Dataset, DatasetOptions};

struct Row {
    spans: usize,
    traces: usize,
    build_s: f64,
    agent_s: f64,
    operation_s: f64,
    attribute_s: f64,
    /// A page of the calls table (every tool call, by duration).
    calls_s: f64,
    tool_calls: u64,
}

fn time_calls(ds: &Dataset, runs: usize) -> (f64, u64) {
    use tracelens_model::calls::{calls, CallClass, CallFilter};
    let prices = tracelens_model::cost::PriceTable::bundled();
    let f = CallFilter {
        class: CallClass::Tool,
        limit: 500,
        ..CallFilter::default()
    };
    let mut matched = 0;
    let _ = calls(ds, &f, &prices);
    let t: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let t0 = Instant::now();
            matched = calls(ds, &f, &prices).matched;
            t0.elapsed().as_secs_f64()
        })
        .collect();
    (median(t), matched)
}

fn time_report(ds: &Dataset, by: GroupBy, runs: usize) -> f64 {
    let opts = ReportOptions {
        group_by: by,
        ..ReportOptions::default()
    };
    // One warm-up, then the median.
    let _ = report(ds, &opts);
    let t: Vec<f64> = (0..runs.max(1))
        .map(|_| {
            let t0 = Instant::now();
            let r = report(ds, &opts);
            let s = t0.elapsed().as_secs_f64();
            assert!(r.traces > 0);
            s
        })
        .collect();
    median(t)
}

/// Two shapes per size: few long runs (100 traces) and many short ones (a
/// trace per 100 spans), since a report's cost is per span and per run.
pub fn run(out: &Path, runs: usize, sizes: &[usize]) -> Result<()> {
    let mut rows = Vec::new();
    for &n in sizes {
        for traces in [(n / 10_000).clamp(1, 100), (n / 100).max(1)] {
            eprintln!("report over {n} spans in {traces} traces...");
            let gen = || {
                tracelens_gen::generate(tracelens_gen::GenOptions {
                    traces,
                    spans_per_trace: n / traces,
                    seed: 1,
                })
            };
            let mut build = Vec::new();
            let mut ds = None;
            let mut spans = 0;
            for _ in 0..runs.max(1) {
                // Generated afresh each run (the store is not Clone); only
                // the build is timed.
                let s = gen();
                spans = s.spans.len();
                let t0 = Instant::now();
                let d = Dataset::build(s, DatasetOptions::default());
                build.push(t0.elapsed().as_secs_f64());
                ds = Some(d);
            }
            let ds = ds.context("no run")?;
            let (calls_s, tool_calls) = time_calls(&ds, runs);
            rows.push(Row {
                calls_s,
                tool_calls,
                spans,
                traces,
                build_s: median(build),
                agent_s: time_report(&ds, GroupBy::Agent, runs),
                operation_s: time_report(&ds, GroupBy::Operation, runs),
                attribute_s: time_report(&ds, GroupBy::Attribute("user_id".into()), runs),
            });
        }
    }
    let mut s = String::new();
    use std::fmt::Write as _;
    writeln!(
        s,
        "<!-- report-bench -->\n## The report across runs (files)"
    )?;
    writeln!(s)?;
    writeln!(s, "- Machine: {}", machine())?;
    writeln!(
        s,
        "- Date: {}; `cargo run --release -p tracelens-bench -- across` (generated runs, seed 1).",
        today()
    )?;
    writeln!(s, "- Method: median of {runs} runs after a warm-up, on a dataset already built (as a front holds it). The baseline is `Dataset::build` of the same store in the same run: the trees and analyses a user pays for when opening the files.")?;
    writeln!(
        s,
        "- Target (issue 17): the report over 1M spans from files under 1 s.\n"
    )?;
    writeln!(s, "| spans | traces | build | report by agent | by operation | by attribute user_id | agent report / build | calls table: tool calls | first page by duration |")?;
    writeln!(s, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|")?;
    for r in &rows {
        writeln!(
            s,
            "| {} | {} | {:.0} ms | {:.0} ms | {:.0} ms | {:.0} ms | {:.2} | {} | {:.0} ms |",
            r.spans,
            r.traces,
            r.build_s * 1e3,
            r.agent_s * 1e3,
            r.operation_s * 1e3,
            r.attribute_s * 1e3,
            r.agent_s / r.build_s,
            r.tool_calls,
            r.calls_s * 1e3
        )?;
    }
    let worst = rows
        .iter()
        .filter(|r| r.spans >= 1_000_000)
        .map(|r| r.agent_s.max(r.operation_s).max(r.attribute_s))
        .fold(0.0f64, f64::max);
    if worst > 0.0 {
        let met = if worst < 1.0 { "met" } else { "not met yet" };
        writeln!(
            s,
            "\nAt 1M spans the slowest report takes {:.0} ms: under 1 s {met}.",
            worst * 1e3
        )?;
    }
    writeln!(s, "<!-- /report-bench -->")?;
    crate::clickhouse::write_section(out, "report-bench", &s).context("writing the report")?;
    println!("{s}");
    Ok(())
}
