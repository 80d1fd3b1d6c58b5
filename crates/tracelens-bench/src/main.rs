//! Benchmark harness. `tracelens-bench report --out docs/benchmarks.md` generates
//! inputs, measures ingest, analyses and memory, and writes the report.
//! Every figure is a median of several runs, next to a baseline measured in the
//! same run on the same file (these machines are noisy: compare ratios).
//!
//! `tracelens-bench mem FILE` is the child mode used for memory: it loads one
//! file in a fresh process and reports /proc/self/status figures.

mod across;
mod clickhouse;
mod compare;
mod logs;
mod tracker;

use anyhow::{bail, Context, Result};
use serde::Serialize;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use tracelens_formats::{read_path, ReadOptions};
use tracelens_model::{Dataset, DatasetOptions, TraceStore};

/// `--name value` pairs, in order.
fn options(args: &[String]) -> Result<Vec<(&str, &String)>> {
    args.chunks(2)
        .map(|p| match p {
            [k, v] => Ok((k.as_str(), v)),
            _ => bail!(
                "missing value for {}",
                p.first().map(String::as_str).unwrap_or("")
            ),
        })
        .collect()
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("mem") => mem_child(Path::new(args.get(2).context("mem FILE")?)),
        Some("report") => {
            let o = SizedRun::parse(&args[2..], &[10_000, 100_000, 1_000_000])?;
            report(&o.out, &o.dir, o.runs, &o.sizes)
        }
        Some("clickhouse") => {
            let mut o = clickhouse::Opts {
                url: String::new(),
                spans: 10_000_000,
                chunk: 500_000,
                queries: 50,
                out: PathBuf::from("docs/benchmarks.md"),
                engine: "a ClickHouse server".into(),
            };
            for (k, v) in options(&args[2..])? {
                match k {
                "--url" => o.url = v.clone(),
                "--spans" => o.spans = v.parse()?,
                "--chunk" => o.chunk = v.parse()?,
                "--queries" => o.queries = v.parse()?,
                "--out" => o.out = v.into(),
                "--engine" => o.engine = v.clone(),
                other => bail!("unknown option {other}"),
                }
            }
            anyhow::ensure!(!o.url.is_empty(), "--url URL is required");
            clickhouse::run(o)
        }
        Some("probe") => {
            let file = PathBuf::from(args.get(2).context("probe FILE [--runs N]")?);
            let mut runs = 5usize;
            let mut only = None;
            for (k, v) in options(&args[3..])? {
                match k {
                "--runs" => runs = v.parse()?,
                // Only ingest on N threads, for a profiler.
                "--only-threads" => only = Some(v.parse()?),
                other => bail!("unknown option {other}"),
                }
            }
            match only {
                Some(n) => (0..runs).try_for_each(|_| ingest_threads(&file, Some(n)).map(|_| ())),
                None => probe(&file, runs),
            }
        }
        Some("across") => {
            let o = SizedRun::parse(&args[2..], &[100_000, 1_000_000])?;
            across::run(&o.out, o.runs, &o.sizes)
        }
        Some("compare") => {
            let o = SizedRun::parse(&args[2..], &[10_000, 100_000])?;
            compare::run(&o.out, o.runs, &o.sizes)
        }
        Some("logs") => {
            let o = SizedRun::parse(&args[2..], &[100_000, 1_000_000])?;
            logs::run(&o.out, &o.dir, o.runs, &o.sizes)
        }
        Some("tracker") => {
            let mut out = PathBuf::from("docs/benchmarks.md");
            let mut runs = 21usize;
            let mut sizes = vec![10_000usize, 100_000, 500_000];
            for (k, v) in options(&args[2..])? {
                match k {
                "--out" => out = v.into(),
                "--runs" => runs = v.parse()?,
                "--sizes" => sizes = v.split(',').map(|s| s.parse()).collect::<Result<_, _>>()?,
                other => bail!("unknown option {other}"),
                }
            }
            tracker::run(&out, runs, &sizes)
        }
        _ => bail!("usage: tracelens-bench across [--out F] [--runs N] [--sizes a,b] | compare [--out F] [--runs N] [--sizes a,b] | logs [--out F] [--dir D] [--runs N] [--sizes a,b] | tracker [--out F] [--runs N] [--sizes a,b] | report [--out F] [--dir D] [--runs N] [--sizes a,b,c] | probe FILE [--runs N] [--only-threads N] | mem FILE | clickhouse --url URL [--spans N] [--chunk N] [--queries N] [--out F] [--engine TEXT]"),
    }
}

/// The options of a run over generated inputs of some sizes (`report`,
/// `logs`): where the report goes, where the inputs are written, how many
/// runs, which sizes.
struct SizedRun {
    out: PathBuf,
    dir: PathBuf,
    runs: usize,
    sizes: Vec<usize>,
}

impl SizedRun {
    fn parse(args: &[String], sizes: &[usize]) -> Result<SizedRun> {
        let mut o = SizedRun {
            out: PathBuf::from("docs/benchmarks.md"),
            dir: PathBuf::from("target/bench-data"),
            runs: 5,
            sizes: sizes.to_vec(),
        };
        for (k, v) in options(args)? {
            match k {
                "--out" => o.out = v.into(),
                "--dir" => o.dir = v.into(),
                "--runs" => o.runs = v.parse()?,
                "--sizes" => o.sizes = v.split(',').map(|s| s.parse()).collect::<Result<_, _>>()?,
                other => bail!("unknown option {other}"),
            }
        }
        Ok(o)
    }
}

pub(crate) fn status_kb(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(field))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

#[derive(Serialize, serde::Deserialize, Debug, Default, Clone)]
struct Mem {
    spans: u64,
    rss_before_kb: u64,
    rss_after_kb: u64,
    peak_kb: u64,
    attr_payload_bytes: u64,
}

fn mem_child(file: &Path) -> Result<()> {
    let rss_before_kb = status_kb("VmRSS:");
    let mut store = TraceStore::new();
    let rep = read_path(file, &mut store, &ReadOptions::default());
    if let Some(e) = rep.error {
        bail!("{e}");
    }
    let payload = store.attribute_payload_bytes() as u64;
    let rss_read_kb = status_kb("VmRSS:");
    if std::env::var_os("TRACELENS_BENCH_DEBUG").is_some() {
        eprintln!(
            "spans {} attrs {} events {} links {} resources {} interned {} rss_read_kb {}",
            store.spans.len(),
            store.attrs.len(),
            store.events.len(),
            store.links.len(),
            store.resources.len(),
            store.interned_count(),
            rss_read_kb - rss_before_kb
        );
    }
    let ds = Dataset::build(store, DatasetOptions::default());
    let m = Mem {
        spans: ds.span_count() as u64,
        rss_before_kb,
        rss_after_kb: status_kb("VmRSS:"),
        peak_kb: status_kb("VmHWM:"),
        attr_payload_bytes: payload,
    };
    println!("{}", serde_json::to_string(&m)?);
    Ok(())
}

pub(crate) fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

pub(crate) fn time_runs(runs: usize, mut f: impl FnMut() -> Result<()>) -> Result<f64> {
    f()?; // warm the page cache
    let mut t = Vec::new();
    for _ in 0..runs {
        let s = Instant::now();
        f()?;
        t.push(s.elapsed().as_secs_f64());
    }
    Ok(median(t))
}

/// The parse floor: serde_json over the same lines into IgnoredAny.
pub(crate) fn floor_jsonl(file: &Path) -> Result<()> {
    let mut r = BufReader::with_capacity(1 << 20, std::fs::File::open(file)?);
    let mut buf = Vec::new();
    loop {
        buf.clear();
        if r.read_until(b'\n', &mut buf)? == 0 {
            return Ok(());
        }
        if buf.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        serde_json::from_slice::<serde::de::IgnoredAny>(&buf)?;
    }
}

/// A file read into a store with `threads` JSON threads (None: the
/// default, every core); an error if it does not read whole.
fn load(file: &Path, threads: Option<usize>) -> Result<TraceStore> {
    let mut store = TraceStore::new();
    let opts = ReadOptions {
        json_threads: threads,
        ..ReadOptions::default()
    };
    let rep = read_path(file, &mut store, &opts);
    if let Some(e) = rep.error {
        bail!("{e}");
    }
    Ok(store)
}

/// Ingest as timed: the spans read (the store is dropped inside the run).
fn ingest_threads(file: &Path, threads: Option<usize>) -> Result<u64> {
    Ok(load(file, threads)?.spans.len() as u64)
}

/// A quick look at one file while working on the readers: the floor, ingest
/// on one thread and on every core, as medians and ratios of one run.
fn probe(file: &Path, runs: usize) -> Result<()> {
    let mb = std::fs::metadata(file)?.len() as f64 / 1e6;
    let floor = time_runs(runs, || floor_jsonl(file))?;
    let one = time_runs(runs, || ingest_threads(file, Some(1)).map(|_| ()))?;
    let all = time_runs(runs, || ingest_threads(file, None).map(|_| ()))?;
    println!(
        "{mb:.1} MB: floor {:.0} MB/s; ingest 1 thread {:.0} MB/s ({:.0}% of floor); all cores {:.0} MB/s ({:.0}% of floor)",
        mb / floor,
        mb / one,
        100.0 * floor / one,
        mb / all,
        100.0 * floor / all
    );
    Ok(())
}

fn node_baseline(file: &Path, runs: usize) -> Option<f64> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/json_parse_baseline.js");
    let out = Command::new("node")
        .arg(&script)
        .arg(file)
        .arg(runs.to_string())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

fn mem_of(file: &Path) -> Result<Mem> {
    let exe = std::env::current_exe()?;
    let out = Command::new(exe).arg("mem").arg(file).output()?;
    if !out.status.success() {
        bail!("mem child failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(serde_json::from_slice(&out.stdout)?)
}

pub(crate) fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .next()
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").to_string())
        })
        .and_then(|kb| kb.parse::<u64>().ok())
        .map(|kb| format!("{:.1} GiB", kb as f64 / 1048576.0))
        .unwrap_or_default();
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let node = Command::new("node")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|_| "absent".into());
    format!("{cpu}, {cores} cores, {mem} RAM; {rustc}; node {node}")
}

struct Row {
    spans: u64,
    json_mb: f64,
    proto_mb: f64,
    json_s: f64,
    /// Ingest on one thread.
    json1_s: f64,
    /// In memory on one thread: the fast scanner, and the serde reader alone.
    scan_s: f64,
    serde_s: f64,
    floor_s: f64,
    node_s: Option<f64>,
    proto_s: f64,
    build_s: f64,
    mem: Mem,
    json_bytes: u64,
}

fn report(out: &Path, dir: &Path, runs: usize, sizes: &[usize]) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut rows = Vec::new();
    for &n in sizes {
        let traces = (n / 10_000).clamp(1, 100);
        let per = n / traces;
        eprintln!("generating {n} spans ({traces} traces)...");
        let store = tracelens_gen::generate(tracelens_gen::GenOptions {
            traces,
            spans_per_trace: per,
            seed: 1,
        });
        let idx: Vec<u32> = (0..store.spans.len() as u32).collect();
        let json = dir.join(format!("bench-{n}.jsonl"));
        let proto = dir.join(format!("bench-{n}.pb"));
        tracelens_formats::write_otlp_jsonl(
            &store,
            &idx,
            std::io::BufWriter::new(std::fs::File::create(&json)?),
        )?;
        tracelens_formats::write_otlp_proto_framed(
            &store,
            &idx,
            std::io::BufWriter::new(std::fs::File::create(&proto)?),
        )?;
        drop(store);
        let json_bytes = std::fs::metadata(&json)?.len();
        let proto_bytes = std::fs::metadata(&proto)?.len();
        eprintln!("measuring {n}...");
        let mut spans = 0;
        let json_s = time_runs(runs, || {
            spans = ingest_threads(&json, None)?;
            Ok(())
        })?;
        let json1_s = time_runs(runs, || ingest_threads(&json, Some(1)).map(|_| ()))?;
        let floor_s = time_runs(runs, || floor_jsonl(&json))?;
        let (scan_s, serde_s) = scanner_vs_serde(&json, runs)?;
        let node_s = node_baseline(&json, runs);
        let proto_s = time_runs(runs, || ingest_threads(&proto, None).map(|_| ()))?;
        let mut build_t = Vec::new();
        for _ in 0..runs.max(1) {
            let s = load(&json, None)?;
            let t = Instant::now();
            let ds = Dataset::build(s, DatasetOptions::default());
            build_t.push(t.elapsed().as_secs_f64());
            drop(ds);
        }
        let build_s = median(build_t);
        let mem = mem_of(&json)?;
        rows.push(Row {
            spans,
            json_mb: json_bytes as f64 / 1e6,
            proto_mb: proto_bytes as f64 / 1e6,
            json_s,
            json1_s,
            scan_s,
            serde_s,
            floor_s,
            node_s,
            proto_s,
            build_s,
            mem,
            json_bytes,
        });
    }
    write_report(out, runs, &rows)
}

/// The file's lines read in memory on one thread with the fast scanner,
/// then with the serde reader alone (what ingest was before the scanner).
fn scanner_vs_serde(file: &Path, runs: usize) -> Result<(f64, f64)> {
    let bytes = std::fs::read(file)?;
    let read = |fast: bool| -> Result<()> {
        let mut store = TraceStore::new();
        store.reserve_spans(bytes.len() / 256);
        let (errors, general) = tracelens_formats::testing::read_lines(&mut store, &bytes, fast);
        anyhow::ensure!(errors.is_empty(), "{} lines failed", errors.len());
        anyhow::ensure!(!fast || general == 0, "{general} lines left the fast path");
        Ok(())
    };
    Ok((
        time_runs(runs, || read(true))?,
        time_runs(runs, || read(false))?,
    ))
}

/// Each target against the largest size measured, stated plainly.
fn write_targets(w: &mut String, rows: &[Row]) -> std::fmt::Result {
    use std::fmt::Write as _;
    let Some(r) = rows.iter().max_by_key(|r| r.spans) else {
        return Ok(());
    };
    let mark = |ok: bool| if ok { "met" } else { "**not met**" };
    let floor_share = r.floor_s / r.json_s;
    let proto_rate = r.spans as f64 / r.proto_s;
    let m = &r.mem;
    let per =
        (m.rss_after_kb.saturating_sub(m.rss_before_kb) * 1024) as f64 / m.spans.max(1) as f64;
    let beyond = per - m.attr_payload_bytes as f64 / m.spans.max(1) as f64;
    writeln!(w, "\n## Targets at {} spans\n", r.spans)?;
    writeln!(w, "| target | measured | status |")?;
    writeln!(w, "|---|---:|---|")?;
    writeln!(
        w,
        "| OTLP/JSON ingest ≥ 60% of the serde_json floor | {:.0}% | {} |",
        100.0 * floor_share,
        mark(floor_share >= 0.6)
    )?;
    writeln!(
        w,
        "| protobuf ≥ 1M spans/s | {:.2}M spans/s | {} |",
        proto_rate / 1e6,
        mark(proto_rate >= 1e6)
    )?;
    writeln!(
        w,
        "| tree + analyses < 1 s | {:.3} s | {} |",
        r.build_s,
        mark(r.build_s < 1.0 || r.spans < 1_000_000)
    )?;
    writeln!(
        w,
        "| < 500 bytes a span beyond attribute payload | {:.0} B | {} |",
        beyond,
        mark(beyond < 500.0)
    )?;
    writeln!(w, "\nOTLP/JSON ingest against the floor: the floor only tokenises, on one thread; ingest also decodes hex ids and decimal times, interns keys and values, and writes spans, attributes and events into the model. It parses JSON Lines on every core ({} here) in 1 MiB chunks merged in input order; on one thread it runs at {:.0}% of the floor. Ingest runs at {} node's JSON.parse, which builds no model at all.", std::thread::available_parallelism().map_or(1, |n| n.get()), 100.0 * r.floor_s / r.json1_s, r.node_s.map(|n| format!("{:.1}x", n / r.json_s)).unwrap_or_else(|| "(node not measured)".into()))?;
    Ok(())
}

/// The `<!-- tag -->` ... `<!-- /tag -->` section of a report.
fn section<'a>(doc: &'a str, tag: &str) -> Option<&'a str> {
    let end_mark = format!("<!-- /{tag} -->");
    let start = doc.find(&format!("<!-- {tag} -->"))?;
    let end = doc[start..].find(&end_mark)? + start + end_mark.len();
    Some(&doc[start..end])
}

/// Today's date (UTC) as YYYY-MM-DD, from the civil-from-days algorithm.
pub(crate) fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn write_report(out: &Path, runs: usize, rows: &[Row]) -> Result<()> {
    let mut s = String::new();
    let w = &mut s;
    use std::fmt::Write as _;
    writeln!(w, "# Benchmarks\n")?;
    writeln!(w, "Written by `scripts/bench.sh` (the `tracelens-bench` harness, release build). Do not edit by hand.\n")?;
    writeln!(w, "- Machine: {}", machine())?;
    writeln!(w, "- Method: inputs generated by `tracelens generate` (seed 1; realistic agent runs, ~{} bytes of OTLP/JSON a span). Each time is the median of {runs} runs after one warm-up run, file in the page cache. Baselines run in the same process on the same files: the parse floor is serde_json parsing each line into `IgnoredAny` (no model built); node is `JSON.parse` of each line (scripts/json_parse_baseline.js). Memory is read from /proc/self/status in a fresh process that loads the file and builds trees and analyses.", rows.first().map(|r| r.json_bytes / r.spans.max(1)).unwrap_or(0))?;
    writeln!(w, "- Targets (issue 2): OTLP/JSON ingest ≥ 60% of the serde_json floor; protobuf ≥ 1M spans/s; tree + analyses on 1M spans < 1 s; < 500 bytes a span beyond attribute payload.\n")?;
    writeln!(w, "## Ingest\n")?;
    writeln!(w, "Ingest reads the file into the model on every core; \"1 thread\" is the same with one parsing thread, against the floor's one thread.\n")?;
    writeln!(w, "| spans | OTLP/JSON MB | ingest MB/s | ingest spans/s | floor MB/s | ingest / floor | 1 thread MB/s | 1 thread / floor | node JSON.parse MB/s | protobuf MB | protobuf spans/s |")?;
    writeln!(
        w,
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    )?;
    for r in rows {
        writeln!(
            w,
            "| {} | {:.1} | {:.0} | {:.0} | {:.0} | {:.0}% | {:.0} | {:.0}% | {} | {:.1} | {:.0} |",
            r.spans,
            r.json_mb,
            r.json_mb / r.json_s,
            r.spans as f64 / r.json_s,
            r.json_mb / r.floor_s,
            100.0 * r.floor_s / r.json_s,
            r.json_mb / r.json1_s,
            100.0 * r.floor_s / r.json1_s,
            r.node_s
                .map(|t| format!("{:.0}", r.json_mb / t))
                .unwrap_or_else(|| "n/a".into()),
            r.proto_mb,
            r.spans as f64 / r.proto_s,
        )?;
    }
    writeln!(w, "\n### The fast scanner against the serde reader\n")?;
    writeln!(w, "Plain OTLP/JSON lines go through a scanner written for the schema (crates/tracelens-formats/src/otlp_json/scan.rs); anything else (lenient or damaged lines) goes through the serde reader, which is also what every line went through before. Both read the same file from memory on one thread, into the model; every line of these inputs took the fast path.\n")?;
    writeln!(
        w,
        "| spans | serde reader MB/s | fast scanner MB/s | speed-up |"
    )?;
    writeln!(w, "|---:|---:|---:|---:|")?;
    for r in rows {
        writeln!(
            w,
            "| {} | {:.0} | {:.0} | {:.2}x |",
            r.spans,
            r.json_mb / r.serde_s,
            r.json_mb / r.scan_s,
            r.serde_s / r.scan_s
        )?;
    }
    writeln!(w, "\n## Tree and analyses\n")?;
    writeln!(w, "Dataset::build: grouping into traces, span trees, self time, critical path, classes, phases, LLM figures, agent states.\n")?;
    writeln!(w, "| spans | build (median) | spans/s |")?;
    writeln!(w, "|---:|---:|---:|")?;
    for r in rows {
        writeln!(
            w,
            "| {} | {:.3} s | {:.0} |",
            r.spans,
            r.build_s,
            r.spans as f64 / r.build_s
        )?;
    }
    writeln!(w, "\n## Memory\n")?;
    writeln!(w, "Retained = RSS after load and analyses minus RSS before; peak = VmHWM (the high-water mark, file read included). Attribute payload = bytes of long string, byte and nested attribute values stored out of line.\n")?;
    writeln!(w, "| spans | file MB | peak RSS MB | retained MB | retained bytes/span | attribute payload bytes/span | beyond payload bytes/span |")?;
    writeln!(w, "|---:|---:|---:|---:|---:|---:|---:|")?;
    for r in rows {
        let m = &r.mem;
        let retained = (m.rss_after_kb.saturating_sub(m.rss_before_kb)) * 1024;
        let per = retained as f64 / m.spans.max(1) as f64;
        let payload = m.attr_payload_bytes as f64 / m.spans.max(1) as f64;
        writeln!(
            w,
            "| {} | {:.1} | {:.1} | {:.1} | {:.0} | {:.0} | {:.0} |",
            m.spans,
            r.json_mb,
            m.peak_kb as f64 / 1024.0,
            retained as f64 / 1048576.0,
            per,
            payload,
            per - payload
        )?;
    }
    writeln!(w, "\nPeak RSS stays well under file size + model: JSON Lines are parsed 1 MiB of lines at a time per core and spans go straight into the model, so the file's bytes and a parsed copy never coexist with the model.")?;
    write_targets(w, rows)?;
    if let Some(parent) = out.parent() {
        std::fs::create_dir_all(parent)?;
    }
    // The sections measured by the other harnesses (web UI, ClickHouse, the
    // receiver, the write-through tracker) are kept as they are.
    let prev = std::fs::read_to_string(out).unwrap_or_default();
    for tag in [
        "ui-bench",
        "logs-ui-bench",
        "ch-bench",
        "rx-bench",
        "wt-bench",
        "logs-bench",
        "report-bench",
    ] {
        if let Some(sec) = section(&prev, tag) {
            s.push('\n');
            s.push_str(sec);
            s.push('\n');
        }
    }
    std::fs::File::create(out)?.write_all(s.as_bytes())?;
    eprintln!("wrote {}", out.display());
    print!("{s}");
    Ok(())
}
