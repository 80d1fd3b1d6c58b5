//! The write-through's agent tracker (`tracelens_clickhouse::live_agents`):
//! what one flush costs while many spans are kept and one new trace has
//! arrived, against building every kept span, which is what a flush cost
//! before it built only the traces touched (the baseline, measured in the
//! same run on the same spans); and the memory a kept span costs.

use anyhow::Result;
use std::path::Path;
use std::time::Instant;
use tracelens_clickhouse::live_agents::AgentTracker;
use tracelens_model::{Dataset, DatasetOptions};

fn generated(traces: usize, seed: u64) -> tracelens_model::TraceStore {
    tracelens_gen::generate(tracelens_gen::GenOptions {
        traces,
        spans_per_trace: 100,
        seed,
    })
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn now_ns() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0)
}

pub fn run(out: &Path, runs: usize, sizes: &[usize]) -> Result<()> {
    let runs = runs.max(1);
    let mut table = String::new();
    for &kept in sizes {
        let rss0 = crate::status_kb("VmRSS:");
        let mut tr = AgentTracker::new(kept * 2);
        tr.add(generated(kept / 100, 3));
        let rss1 = crate::status_kb("VmRSS:");
        // All of it at once (a burst): worked through slice by slice; the
        // longest slice is the longest the tracker's lock is held.
        let burst = Instant::now();
        let mut longest = 0f64;
        loop {
            let t = Instant::now();
            tr.flush(Some(now_ns()));
            longest = longest.max(t.elapsed().as_secs_f64());
            if !tr.pending() {
                break;
            }
        }
        let burst_s = burst.elapsed().as_secs_f64();
        let mut flush = Vec::new();
        let mut rows = 0;
        for r in 0..runs {
            let batch = generated(1, 10_000 + r as u64);
            let t = Instant::now();
            tr.add(batch);
            rows += tr.flush(Some(now_ns())).len();
            flush.push(t.elapsed().as_secs_f64());
        }
        let mut whole = Vec::new();
        for _ in 0..runs {
            let st = generated(kept / 100, 3);
            let t = Instant::now();
            let ds = Dataset::build(
                st,
                DatasetOptions {
                    as_of_ns: Some(now_ns()),
                    ..DatasetOptions::default()
                },
            );
            whole.push(t.elapsed().as_secs_f64());
            drop(ds);
        }
        let (f, w) = (median(flush), median(whole));
        let per_span = (rss1.saturating_sub(rss0) * 1024) as f64 / tr.spans().max(1) as f64;
        table.push_str(&format!(
            "| {} | {:.2} s | {:.0} ms | {:.2} ms | {:.1} ms | {:.0}x | {} | {:.0} B |\n",
            tr.spans(),
            burst_s,
            longest * 1e3,
            f * 1e3,
            w * 1e3,
            w / f.max(1e-9),
            rows / runs,
            per_span
        ));
    }
    let machine = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(": ").nth(1))
                .map(str::to_string)
        })
        .unwrap_or_default();
    let section = format!(
        "<!-- wt-bench -->\n## Write-through agent tracker (receive --clickhouse)\n\n\
Measured by `tracelens-bench tracker` (`scripts/bench-tracker.sh`) on {} × {machine}. The tracker keeps the \
spans received (generated agent runs of 100 spans) to judge agent states; each round one new trace of 100 \
spans arrives and the tracker flushes (as it does once a second), building only the traces touched. The \
baseline is `Dataset::build` of every kept span with the same clock, what a flush cost before: same run, same \
spans. Medians of {runs} rounds. Burst: all the kept spans arriving at once, judged in flushes of at most {slice} \
traces; the longest flush is the longest the tracker's lock (which receiving also takes) is held. Memory: RSS \
growth while the spans were taken in, per kept span (in-process, so the allocator's reuse makes it rough; \
the model's own figure is in Memory above).\n\n\
| spans kept | burst, all judged | longest flush | flush, one new trace | baseline: build all kept | baseline ÷ flush | rows written a round | RSS per kept span |\n\
|---:|---:|---:|---:|---:|---:|---:|---:|\n{table}\n\
`--agent-spans` (default 100000) bounds what is kept: whole traces, oldest evicted first.\n<!-- /wt-bench -->",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        slice = tracelens_clickhouse::live_agents::SLICE,
    );
    crate::clickhouse::write_section(out, "wt-bench", &section)?;
    println!("{section}");
    Ok(())
}
