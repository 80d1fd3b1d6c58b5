//! `tracelens-bench clickhouse --url URL`: import, fetch-by-id and trace-list
//! figures against a ClickHouse engine, written as a section of
//! docs/benchmarks.md. The baseline for fetch-by-id is a plain
//! `WHERE TraceId = id` on the same data in the same run.

use anyhow::{Context, Result};
use std::path::Path;
use std::time::Instant;
use tracelens_clickhouse::{migrate, otel, Conn, ConnConfig};

pub struct Opts {
    pub url: String,
    pub spans: usize,
    pub chunk: usize,
    pub queries: usize,
    pub out: std::path::PathBuf,
    pub engine: String,
}

fn pct(xs: &mut [f64], p: f64) -> f64 {
    xs.sort_by(f64::total_cmp);
    if xs.is_empty() {
        return f64::NAN;
    }
    xs[((xs.len() - 1) as f64 * p).round() as usize]
}

pub fn run(o: Opts) -> Result<()> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut cfg = ConnConfig::new(&o.url);
    cfg.database = format!("tl_bench_{}", std::process::id());
    cfg.timeout = std::time::Duration::from_secs(600);
    let conn = Conn::new(cfg)?;
    rt.block_on(migrate::migrate(&conn, true))?;
    // Import in chunks of generated traces (100 spans each, distinct seeds).
    let mut ids = Vec::new();
    let mut imported = 0usize;
    let mut chunk_rates = Vec::new();
    let t_all = Instant::now();
    let mut seed = 1u64;
    while imported < o.spans {
        let n = o.chunk.min(o.spans - imported);
        let mut store = tracelens_gen::generate(tracelens_gen::GenOptions {
            traces: (n / 100).max(1),
            spans_per_trace: 100,
            seed,
        });
        // One day per chunk: real tables hold many daily partitions, which
        // is what the trace-id lookup is for.
        let shift = (seed - 1) * 86_400 * 1_000_000_000;
        for sp in &mut store.spans {
            sp.start_ns += shift;
            sp.end_ns = sp.end_ns.map(|e| e + shift);
        }
        for ev in &mut store.events {
            ev.time_ns += shift;
        }
        seed += 1;
        let spans: Vec<u32> = (0..store.spans.len() as u32).collect();
        for (k, sp) in store.spans.iter().enumerate() {
            if k % 997 == 0 {
                ids.push(sp.trace_id.to_string());
            }
        }
        let t = Instant::now();
        rt.block_on(otel::import(&conn, &store, &spans, 50_000, |_| {}))?;
        chunk_rates.push(spans.len() as f64 / t.elapsed().as_secs_f64());
        imported += spans.len();
        eprintln!("imported {imported} spans");
    }
    let import_s = t_all.elapsed().as_secs_f64();
    ids.sort();
    ids.dedup();
    let step = (ids.len() / o.queries.max(1)).max(1);
    let sample: Vec<&String> = ids.iter().step_by(step).take(o.queries).collect();
    // Fetch by id, both ways, interleaved so that noise hits both alike.
    let (mut with_lookup, mut plain) = (Vec::new(), Vec::new());
    let mut spans_seen = 0usize;
    let schema = rt.block_on(tracelens_clickhouse::schema::detect(&conn))?;
    let otel_schema = schema.otel.context("otel_traces after migrate")?;
    let parts = |t: &str| {
        rt.block_on(conn.scalar_u64(&format!(
            "SELECT count() FROM system.parts WHERE database = '{}' AND table = '{t}' AND active",
            conn.cfg.database
        )))
        .unwrap_or(0)
    };
    let parts_before = parts("otel_traces");
    let fetch_all =
        |with_lookup: &mut Vec<f64>, plain: &mut Vec<f64>, spans_seen: &mut usize| -> Result<()> {
            for id in &sample {
                for use_lookup in [true, false] {
                    let mut st = tracelens_model::TraceStore::new();
                    let t = Instant::now();
                    let r = rt.block_on(otel::fetch_trace_using(
                        &conn,
                        &otel_schema,
                        id,
                        None,
                        true,
                        use_lookup,
                        &mut st,
                    ))?;
                    let ms = t.elapsed().as_secs_f64() * 1e3;
                    if use_lookup {
                        with_lookup.push(ms);
                        *spans_seen += r.spans;
                    } else {
                        plain.push(ms);
                    }
                }
            }
            Ok(())
        };
    fetch_all(&mut with_lookup, &mut plain, &mut spans_seen)?;
    // What a server converges to once its background merges ran.
    rt.block_on(conn.execute(&format!(
        "OPTIMIZE TABLE `{}`.otel_traces FINAL",
        conn.cfg.database
    )))?;
    rt.block_on(conn.execute(&format!(
        "OPTIMIZE TABLE `{}`.otel_traces_trace_id_ts FINAL",
        conn.cfg.database
    )))?;
    let parts_after = parts("otel_traces");
    let (mut merged_lookup, mut merged_plain, mut ignored) = (Vec::new(), Vec::new(), 0usize);
    fetch_all(&mut merged_lookup, &mut merged_plain, &mut ignored)?;
    let mut list_ms = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let rows = rt.block_on(tracelens_clickhouse::list::list_traces(
            &conn,
            &tracelens_clickhouse::list::ListFilter {
                from_s: 0,
                to_s: 4_000_000_000,
                limit: 50,
                ..Default::default()
            },
        ))?;
        list_ms.push(t.elapsed().as_secs_f64() * 1e3);
        anyhow::ensure!(rows.len() == 50, "the list returned {} rows", rows.len());
    }
    let _ = rt.block_on(conn.execute(&format!("DROP DATABASE IF EXISTS `{}`", conn.cfg.database)));
    let (l50, l95) = (
        pct(&mut with_lookup.clone(), 0.5),
        pct(&mut with_lookup, 0.95),
    );
    let (p50, p95) = (pct(&mut plain.clone(), 0.5), pct(&mut plain, 0.95));
    let section = format!(
        "<!-- ch-bench -->\n## ClickHouse (import, fetch by id, trace list)\n\n\
Measured by `tracelens-bench clickhouse` (`scripts/bench-clickhouse.sh`) against {engine}, {cores} cores, {date}. \
{spans} generated spans (traces of 100 spans, one day of them per {chunk} spans, so the table has {days} daily partitions) imported into otel_traces with `tracelens import`'s code (JSONEachRow batches of 50k, LZ4); \
then {q} trace ids spread over the data fetched whole (attributes included), each both with the two-step lookup \
(otel_traces_trace_id_ts, then the range) and with a plain `WHERE TraceId = id` (the bloom-filter index still applies), interleaved; \
then the trace list (newest 50 traces, one GROUP BY), 5 times.\n\n\
| measure | figure |\n|---|---:|\n\
| import, whole run | {rate:.0} spans/s ({import_s:.1} s) |\n\
| import, median chunk | {chunk_rate:.0} spans/s |\n\
| fetch by id with the lookup, p50 / p95 | {l50:.1} ms / {l95:.1} ms |\n\
| fetch by id, plain WHERE, p50 / p95 | {p50:.1} ms / {p95:.1} ms |\n\
| plain ÷ lookup, p50 | {ratio:.2}x |\n\
| after merges ({parts_after} parts, was {parts_before}): with the lookup, p50 / p95 | {ml50:.1} ms / {ml95:.1} ms |\n\
| after merges: plain WHERE, p50 / p95 | {mp50:.1} ms / {mp95:.1} ms |\n\
| after merges: plain ÷ lookup, p50 | {mratio:.2}x |\n\
| spans per fetched trace (mean) | {per:.0} |\n\
| trace list (50 newest), median | {list:.1} ms |\n\n\
The lookup's gain grows with the table: it confines the read to the partitions of the trace's time range, where a plain \
query must consult every partition's index.\n<!-- /ch-bench -->",
        engine = o.engine,
        cores = std::thread::available_parallelism().map_or(1, |n| n.get()),
        date = crate::today(),
        spans = imported,
        chunk = o.chunk,
        days = seed - 1,
        q = sample.len(),
        rate = imported as f64 / import_s,
        chunk_rate = pct(&mut chunk_rates, 0.5),
        ratio = p50 / l50,
        ml50 = pct(&mut merged_lookup.clone(), 0.5),
        ml95 = pct(&mut merged_lookup.clone(), 0.95),
        mp50 = pct(&mut merged_plain.clone(), 0.5),
        mp95 = pct(&mut merged_plain.clone(), 0.95),
        mratio = pct(&mut merged_plain.clone(), 0.5) / pct(&mut merged_lookup.clone(), 0.5),
        per = spans_seen as f64 / sample.len().max(1) as f64,
        list = pct(&mut list_ms, 0.5),
    );
    write_section(&o.out, "ch-bench", &section)?;
    println!("{section}");
    Ok(())
}

/// Replaces (or appends) a `<!-- tag -->` ... `<!-- /tag -->` section.
pub fn write_section(out: &Path, tag: &str, section: &str) -> Result<()> {
    let prev = std::fs::read_to_string(out).unwrap_or_default();
    let (open, close) = (format!("<!-- {tag} -->"), format!("<!-- /{tag} -->"));
    let doc = match (prev.find(&open), prev.find(&close)) {
        (Some(a), Some(b)) if b > a => {
            format!("{}{}{}", &prev[..a], section, &prev[b + close.len()..])
        }
        _ => format!("{}\n\n{}\n", prev.trim_end(), section),
    };
    std::fs::write(out, doc).with_context(|| format!("writing {}", out.display()))
}
