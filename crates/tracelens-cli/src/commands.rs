//! The subcommands: each loads through the service layer and renders.

use crate::cli::{
    Cli, Command, ConvertArgs, GenerateArgs, InputArgs, InputFormat, OutputFormat, ServeArgs,
};
use crate::progress::Progress;
use crate::render;
use anyhow::{Context, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::process::ExitCode;
use tracelens_formats::compress::{writer_for_path, Finish};
use tracelens_formats::Format;
use tracelens_model::DatasetOptions;
use tracelens_service::{load_files, LoadOptions, Loaded};

/// An error in how the command was called (exit code 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

pub fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Summary(a) if a.ch.clickhouse.is_some() => crate::clickhouse::summary(a),
        Command::Logs(a) if a.ch.clickhouse.is_some() => crate::clickhouse::logs(a),
        Command::Migrate(a) => crate::clickhouse::migrate(a),
        Command::Traces(a) => crate::clickhouse::traces(a),
        Command::Report(a) if a.ch.clickhouse.is_some() => crate::clickhouse::report(a),
        Command::Report(a) => report(a),
        Command::Calls(a) if a.ch.clickhouse.is_some() => crate::clickhouse::calls(a),
        Command::Calls(a) => calls(a),
        Command::Health(a) if a.ch.clickhouse.is_some() => crate::clickhouse::health(a),
        Command::Health(a) => health(a),
        Command::Sessions(a) => sessions(a),
        Command::Search(a) if a.ch.clickhouse.is_some() => crate::clickhouse::search(a),
        Command::Import(a) => crate::clickhouse::import(a),
        Command::Summary(a) => {
            let mut loaded = load(&a.input)?;
            let only = match &a.trace {
                Some(id) => Some(vec![pick_trace(&loaded.dataset, id)?]),
                None => None,
            };
            let sources = tracelens_service::source_summaries(&loaded.reports);
            let doc = tracelens_service::summary_doc(&loaded.dataset, sources, only.as_deref());
            let at_most = a.shown.at_most();
            print_doc(a.json, &doc, |out, d| render::summary_text(out, d, at_most))?;
            report_errors(&mut loaded)
        }
        Command::Tree(a) => {
            let mut loaded = load(&a.input)?;
            let which: Vec<usize> = match &a.trace {
                Some(id) => vec![pick_trace(&loaded.dataset, id)?],
                None => (0..loaded.dataset.traces.len()).collect(),
            };
            let view = render::TreeView {
                adjust_skew: a.adjust_skew,
                bar_width: a.bar_width,
                ids: a.ids,
                filter: tracelens_service::RowFilter {
                    problems_only: a.errors,
                    max_depth: a.max_depth,
                    min_duration_ns: a.min_duration,
                },
            };
            let mut out = stdout();
            let mut shown = 0;
            for &t in &which {
                // Asked for problems across traces: the ones without any are left out.
                let skip_empty = a.errors && a.trace.is_none();
                if render::tree_text(&mut out, &loaded.dataset, t, &view, skip_empty)? {
                    shown += 1;
                }
            }
            if a.errors && a.trace.is_none() && shown == 0 {
                let more = a.max_depth.is_some() || a.min_duration.is_some();
                let what = if more {
                    "no problems pass the filters"
                } else {
                    "no problems"
                };
                writeln!(
                    out,
                    "{what} in {}",
                    render::plural(which.len(), "trace", "traces")
                )?;
            }
            out.flush()?;
            report_errors(&mut loaded)
        }
        Command::Span(a) => {
            let mut loaded = load(&a.input)?;
            let t = pick_trace(&loaded.dataset, &a.trace)?;
            let node = pick_span(&loaded.dataset, t, &a.trace, &a.span)?;
            let detail = tracelens_service::span_detail(&loaded.dataset, t, node)
                .context("span vanished between lookup and detail")?;
            print_doc(a.json, &detail, render::span_text)?;
            report_errors(&mut loaded)
        }
        Command::Search(a) => {
            let mut loaded = load(&a.input)?;
            let res = tracelens_service::search(&mut loaded.dataset, &a.id);
            let at_most = a.shown.at_most();
            print_doc(a.json, &res, |out, r| render::search_text(out, r, at_most))?;
            report_errors(&mut loaded)
        }
        Command::Logs(a) => logs(a),
        Command::Why(a) => why(a),
        Command::Diff(a) if a.ch.clickhouse.is_some() => crate::clickhouse::diff(a),
        Command::Diff(a) => diff(a),
        Command::Graph(a) => graph(a),
        Command::Serve(a) => serve(a),
        Command::Open(a) => open(a),
        Command::Receive(a) => receive(a),
        Command::Convert(a) => convert(a),
        Command::Generate(a) => generate(a),
    }
}

/// `tracelens logs`: the records in time order with their spans.
fn logs(a: crate::cli::LogsArgs) -> Result<ExitCode> {
    let mut loaded = load(&a.input)?;
    let trace = match &a.trace {
        Some(id) => Some(pick_trace(&loaded.dataset, id)?),
        None => None,
    };
    print_logs(&a, &loaded.dataset, trace)?;
    report_errors(&mut loaded)
}

/// The records `a` asks for, of `trace` in `ds` (or of every trace), printed.
pub fn print_logs(
    a: &crate::cli::LogsArgs,
    ds: &tracelens_model::Dataset,
    trace: Option<usize>,
) -> Result<()> {
    let span = match (trace, &a.span) {
        (Some(t), Some(sid)) => Some(pick_span(
            ds,
            t,
            a.trace.as_deref().unwrap_or_default(),
            sid,
        )?),
        _ => None,
    };
    let filter = tracelens_service::LogFilter {
        trace,
        span,
        min_level: a.level,
        text: a.grep.clone(),
        offset: 0,
        limit: a.limit,
    };
    let doc = tracelens_service::logs(ds, &filter);
    print_doc(a.json, &doc, render::logs_text)
}

/// `tracelens report FILE...`: the report across the loaded runs.
fn report(a: crate::cli::ReportArgs) -> Result<ExitCode> {
    // The query is checked before the files are read: a typo should not
    // cost a minute of loading.
    tracelens_service::parse_group_by(&a.group_by)
        .map_err(|e| anyhow::Error::new(UsageError(e)))?;
    let prices = prices_from(a.prices.as_deref())?;
    let mut loaded = load(&a.input)?;
    let q = tracelens_service::ReportQuery {
        group_by: Some(a.group_by.clone()),
        since_s: a.since.map(|s| s.max(0) as u64),
        top: Some(a.top as usize),
        max_groups: Some(a.limit as usize),
        ..Default::default()
    };
    let doc = tracelens_service::report_of(&loaded.dataset, &q, &prices)
        .map_err(|e| anyhow::Error::new(UsageError(e)))?;
    print_doc(a.json, &doc, crate::render_report::report_text)?;
    report_errors(&mut loaded)
}

/// `tracelens sessions FILE...`: the runs grouped into sessions.
fn sessions(a: crate::cli::SessionsArgs) -> Result<ExitCode> {
    let prices = prices_from(a.prices.as_deref())?;
    let mut loaded = load(&a.input)?;
    let doc = tracelens_model::sessions::sessions(
        &loaded.dataset,
        a.key.as_deref(),
        &prices,
        &tracelens_model::runs::RunFilter::default(),
    );
    let limit = a.limit;
    print_doc(a.json, &doc, |out, d| {
        crate::render_report::sessions_text(out, d, limit)
    })?;
    report_errors(&mut loaded)
}

/// `tracelens health FILE...`: each agent's series over the loaded runs.
fn health(a: crate::cli::HealthArgs) -> Result<ExitCode> {
    let mut loaded = load(&a.input)?;
    let q = tracelens_service::HealthQuery {
        bucket_s: a.bucket.map(|s| s.max(1) as u64),
        since_s: a.since.map(|s| s.max(0) as u64),
        ..Default::default()
    };
    let doc = tracelens_service::health_of(&loaded.dataset, &q);
    print_doc(a.json, &doc, crate::render_report::health_text)?;
    report_errors(&mut loaded)
}

/// `tracelens calls FILE...`: a page of calls across the loaded runs.
fn calls(a: crate::cli::CallsArgs) -> Result<ExitCode> {
    let q = call_query(&a);
    let prices = prices_from(a.prices.as_deref())?;
    // A bad class or sort is a usage error before any file is read.
    call_filter(&q)?;
    let mut loaded = load(&a.input)?;
    let doc = tracelens_service::calls_of(&loaded.dataset, &q, &prices)
        .map_err(|e| anyhow::Error::new(UsageError(e)))?;
    print_doc(a.json, &doc, crate::render_report::calls_text)?;
    report_errors(&mut loaded)
}

/// The query `calls` asks, from its arguments.
pub(crate) fn call_query(a: &crate::cli::CallsArgs) -> tracelens_service::CallQuery {
    tracelens_service::CallQuery {
        class: Some(a.class.clone()),
        sort: Some(a.sort.clone()),
        model: a.model.clone(),
        tool: a.tool.clone(),
        agent: a.agent.clone(),
        errors: a.errors,
        min_duration_ns: a.min_duration.unwrap_or(0),
        q: a.grep.clone(),
        offset: a.offset,
        limit: Some(a.limit),
        ..Default::default()
    }
}

/// The model's filter for `q`, or the usage error that names what is
/// accepted.
pub(crate) fn call_filter(
    q: &tracelens_service::CallQuery,
) -> Result<tracelens_model::calls::CallFilter> {
    tracelens_service::calls::call_filter(q).map_err(|e| anyhow::Error::new(UsageError(e)))
}

/// The prices `report`, `calls` and `sessions` use: `--prices FILE`, else
/// the user's default file, over the bundled table. A file that cannot be
/// taken is an error (exit 1): figures priced otherwise than asked would
/// mislead.
pub(crate) fn prices_from(
    file: Option<&std::path::Path>,
) -> Result<tracelens_model::cost::PriceTable> {
    let file = file
        .map(std::path::Path::to_path_buf)
        .or_else(tracelens_service::default_prices_file);
    Ok(tracelens_service::price_table(file.as_deref())?)
}

/// `tracelens why`: the chains of one trace (or one span's), or of every
/// trace with a failure; `--json` gives `{"traces": [WhyDoc]}`.
fn why(a: crate::cli::WhyArgs) -> Result<ExitCode> {
    let mut loaded = load(&a.input)?;
    let ds = &loaded.dataset;
    let docs: Vec<tracelens_service::WhyDoc> = match &a.trace {
        Some(id) => {
            let t = pick_trace(&loaded.dataset, id)?;
            let node = match &a.span {
                Some(sid) => Some(pick_span(ds, t, id, sid)?),
                None => None,
            };
            vec![tracelens_service::why(ds, t, node)]
        }
        None => (0..ds.traces.len())
            .map(|t| tracelens_service::why(ds, t, None))
            .filter(|d| !d.chains.is_empty())
            .collect(),
    };
    let doc = serde_json::json!({ "traces": docs });
    print_doc(a.json, &doc, |out, _| render::why_text(out, &docs))?;
    report_errors(&mut loaded)
}

/// `tracelens diff A B FILE...`: what B changed from A (or A from the baseline).
fn diff(a: crate::cli::DiffArgs) -> Result<ExitCode> {
    let mut loaded = load(&a.input)?;
    let doc = diff_doc(&loaded.dataset, &a)?;
    print_doc(a.json, &doc, |out, d| {
        crate::render_diff::diff_text(out, d, a.all)
    })?;
    report_errors(&mut loaded)
}

/// The diff the arguments ask of `ds`: two traces, or a trace and its baseline.
pub(crate) fn diff_doc(
    ds: &tracelens_model::Dataset,
    a: &crate::cli::DiffArgs,
) -> Result<tracelens_model::diff::DiffDoc> {
    let ta = pick_trace(ds, &a.a)?;
    let tb = match a.b.as_str() {
        "baseline" => None,
        id => Some(pick_trace(ds, id)?),
    };
    tracelens_service::diff_of(ds, ta, tb, a.runs).map_err(|e| anyhow::Error::new(UsageError(e)))
}

/// `tracelens graph FILE...`: who called whom.
fn graph(a: crate::cli::GraphArgs) -> Result<ExitCode> {
    let mut loaded = load(&a.input)?;
    let ds = &loaded.dataset;
    let runs = match &a.trace {
        Some(id) => vec![pick_trace(&loaded.dataset, id)?],
        None => (0..ds.traces.len()).collect(),
    };
    let doc = tracelens_model::graph::graph(ds, &runs);
    if a.dot {
        let mut out = stdout();
        out.write_all(tracelens_service::graph_dot(&doc).as_bytes())?;
        out.flush()?;
    } else {
        print_doc(a.json, &doc, crate::render_diff::graph_text)?;
    }
    report_errors(&mut loaded)
}

fn stdout() -> Stdout {
    BufWriter::with_capacity(1 << 16, std::io::stdout().lock())
}

type Stdout = BufWriter<std::io::StdoutLock<'static>>;

/// Prints a service document: pretty JSON with `--json`, else as `text` renders it.
pub(crate) fn print_doc<T: serde::Serialize>(
    json: bool,
    doc: &T,
    text: impl FnOnce(&mut Stdout, &T) -> std::io::Result<()>,
) -> Result<()> {
    let mut out = stdout();
    if json {
        serde_json::to_writer_pretty(&mut out, doc)?;
        writeln!(out)?;
    } else {
        text(&mut out, doc)?;
    }
    out.flush()?;
    Ok(())
}

pub(crate) fn load(input: &InputArgs) -> Result<Loaded> {
    if input.files.is_empty() {
        return Err(anyhow::Error::new(UsageError(
            "no input: give one or more trace files".into(),
        )));
    }
    let progress = Progress::start(&input.files);
    let opts = LoadOptions {
        format: input.format.map(|f| match f {
            InputFormat::OtlpJson => Format::OtlpJson,
            InputFormat::OtlpProto => Format::OtlpProto,
            InputFormat::OtlpFramed => Format::OtlpFramed,
            InputFormat::Jaeger => Format::Jaeger,
            InputFormat::Zipkin => Format::Zipkin,
            InputFormat::JsonLogs => Format::LogLines,
        }),
        progress: Some(progress.counter.clone()),
        cancel: None,
        limits: input.limits.read_limits(),
        dataset: DatasetOptions {
            skew_tolerance_ns: (input.skew_tolerance_ms.max(0.0) * 1e6) as u64,
            ..DatasetOptions::default()
        },
    };
    let loaded = load_files(&input.files, &opts);
    progress.finish();
    Ok(loaded)
}

fn pick_trace(ds: &tracelens_model::Dataset, id: &str) -> Result<usize> {
    tracelens_service::find_trace(ds, id).map_err(|c| {
        let msg = tracelens_service::lookup_failure("trace", id, "the input", &c);
        anyhow::Error::new(UsageError(msg))
    })
}

/// Span `sid` of trace `t` (named `trace` by the user), or a usage error
/// listing the candidates.
fn pick_span(ds: &tracelens_model::Dataset, t: usize, trace: &str, sid: &str) -> Result<u32> {
    tracelens_service::find_span(ds, t, sid).map_err(|c| {
        let place = format!("trace {trace}");
        anyhow::Error::new(UsageError(tracelens_service::lookup_failure(
            "span", sid, &place, &c,
        )))
    })
}

/// Prints read errors to stderr; exit code 1 when there were any.
pub(crate) fn report_errors(loaded: &mut Loaded) -> Result<ExitCode> {
    let mut failed = false;
    for r in &loaded.reports {
        if let Some(e) = &r.error {
            failed = true;
            crate::say!("tracelens: {e}");
            if r.error_count > 1 {
                crate::say!(
                    "tracelens: {}: {} more errors (see warnings)",
                    r.source,
                    r.error_count - 1
                );
            }
            match (r.spans, r.logs) {
                (0, 0) => {}
                (s, 0) => crate::say!(
                    "tracelens: {}: {} read and shown",
                    r.source,
                    render::plural(s as usize, "span", "spans")
                ),
                (0, l) => crate::say!(
                    "tracelens: {}: {} read and shown",
                    r.source,
                    render::plural(l as usize, "log record", "log records")
                ),
                (s, l) => crate::say!(
                    "tracelens: {}: {} and {} read and shown",
                    r.source,
                    render::plural(s as usize, "span", "spans"),
                    render::plural(l as usize, "log record", "log records")
                ),
            }
        }
    }
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Opens an output file, compressing by extension (.gz, .zst).
fn create_output(path: &Path) -> Result<Box<dyn Finish>> {
    let f = File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(writer_for_path(path, BufWriter::with_capacity(1 << 20, f))?)
}

/// Writes spans (and, in OTLP/JSON, every log record after them: a
/// Collector file of both signals).
fn write_signals(
    store: &tracelens_model::TraceStore,
    spans: &[u32],
    to: OutputFormat,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match to {
        OutputFormat::OtlpJson => {
            tracelens_formats::write_otlp_jsonl(store, spans, &mut *out)?;
            let logs: Vec<u32> = (0..store.logs.len() as u32).collect();
            tracelens_formats::write_otlp_logs_jsonl(store, &logs, out)
        }
        OutputFormat::OtlpProto => tracelens_formats::write_otlp_proto(store, spans, out),
        OutputFormat::OtlpFramed => tracelens_formats::write_otlp_proto_framed(store, spans, out),
    }
}

fn convert(a: ConvertArgs) -> Result<ExitCode> {
    use crate::cli::ConvertFormat as F;
    use tracelens_service::export::ExportFormat;
    let mut loaded = load(&a.input)?;
    let to = match a.to {
        F::OtlpJson => OutputFormat::OtlpJson,
        F::OtlpProto => OutputFormat::OtlpProto,
        F::OtlpFramed => OutputFormat::OtlpFramed,
        F::DigestMd | F::DigestJson => {
            let id = a.trace.as_deref().ok_or_else(|| {
                anyhow::Error::new(UsageError(
                    "a digest is of one trace: give --trace ID (`tracelens summary` lists them)"
                        .into(),
                ))
            })?;
            let fmt = if a.to == F::DigestMd {
                ExportFormat::DigestMarkdown
            } else {
                ExportFormat::DigestJson
            };
            let (t, node) = pick_selection(&loaded, id, a.span.as_deref())?;
            let bytes = tracelens_service::export::export(&mut loaded.dataset, t, node, fmt);
            write_bytes(a.out.as_deref(), &bytes)?;
            return report_errors(&mut loaded);
        }
    };
    if let Some(id) = a.trace.as_deref() {
        let (t, node) = pick_selection(&loaded, id, a.span.as_deref())?;
        if to == OutputFormat::OtlpJson {
            let bytes = tracelens_service::export::otlp_json(&mut loaded.dataset, t, node);
            write_bytes(a.out.as_deref(), &bytes)?;
            return report_errors(&mut loaded);
        }
        let (spans, _) = tracelens_service::export::signals_of(&loaded.dataset, t, node);
        write_spans(&loaded.dataset.store, &spans, to, a.out.as_deref())?;
        return report_errors(&mut loaded);
    }
    let store = &loaded.dataset.store;
    let spans: Vec<u32> = (0..store.spans.len() as u32).collect();
    if !store.logs.is_empty() && to != OutputFormat::OtlpJson {
        crate::say!(
            "tracelens: {} log records not written: only otlp-json output holds them",
            store.logs.len()
        );
    }
    write_spans(store, &spans, to, a.out.as_deref())?;
    report_errors(&mut loaded)
}

/// A trace, and a span of it when `span` names one.
fn pick_selection(loaded: &Loaded, id: &str, span: Option<&str>) -> Result<(usize, Option<u32>)> {
    let t = pick_trace(&loaded.dataset, id)?;
    let node = match span {
        Some(sid) => Some(pick_span(&loaded.dataset, t, id, sid)?),
        None => None,
    };
    Ok((t, node))
}

fn write_spans(
    store: &tracelens_model::TraceStore,
    spans: &[u32],
    to: OutputFormat,
    out: Option<&std::path::Path>,
) -> Result<()> {
    match out {
        Some(p) => {
            let mut w = create_output(p)?;
            write_signals(store, spans, to, &mut w)?;
            w.finish()
                .with_context(|| format!("cannot write {}", p.display()))?;
        }
        None => {
            let mut w = stdout();
            write_signals(store, spans, to, &mut w)?;
            w.flush()?;
        }
    }
    Ok(())
}

fn write_bytes(out: Option<&std::path::Path>, bytes: &[u8]) -> Result<()> {
    match out {
        Some(p) => {
            let mut w = create_output(p)?;
            w.write_all(bytes)?;
            w.finish()
                .with_context(|| format!("cannot write {}", p.display()))?;
        }
        None => {
            let mut w = stdout();
            w.write_all(bytes)?;
            w.flush()?;
        }
    }
    Ok(())
}

fn generate(a: GenerateArgs) -> Result<ExitCode> {
    let mut store = tracelens_gen::generate(tracelens_gen::GenOptions {
        traces: a.traces,
        spans_per_trace: a.spans_per_trace,
        seed: a.seed,
    });
    let spans: Vec<u32> = (0..store.spans.len() as u32).collect();
    let mut w = create_output(&a.out)?;
    write_signals(&store, &spans, a.format, &mut w)?;
    w.finish()
        .with_context(|| format!("cannot write {}", a.out.display()))?;
    crate::say!(
        "tracelens: wrote {} in {} to {}",
        render::plural(store.spans.len(), "span", "spans"),
        render::plural(a.traces, "trace", "traces"),
        a.out.display()
    );
    if let Some(p) = &a.logs_out {
        tracelens_gen::add_logs(&mut store);
        let logs: Vec<u32> = (0..store.logs.len() as u32).collect();
        let mut w = create_output(p)?;
        tracelens_formats::write_otlp_logs_jsonl(&store, &logs, &mut w)?;
        w.finish()
            .with_context(|| format!("cannot write {}", p.display()))?;
        crate::say!(
            "tracelens: wrote {} log records to {}",
            store.logs.len(),
            p.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Starts the desktop app on the files and returns: the window lives on
/// its own. The files are checked here first, so that a typo is an error on
/// the terminal rather than an empty window.
fn open(a: crate::cli::OpenArgs) -> Result<ExitCode> {
    let mut paths = Vec::with_capacity(a.files.len());
    for f in &a.files {
        let p = std::fs::canonicalize(f).with_context(|| format!("cannot open {}", f.display()))?;
        paths.push(p);
    }
    let app = desktop_app().context(
        "the desktop app (tracelens-app) is not installed next to tracelens or on PATH; \
         build it with `cargo build --release -p tracelens-app`, or use `tracelens serve`",
    )?;
    let mut view = Vec::new();
    if let Some(t) = &a.trace {
        view.push(format!("--trace={t}"));
    }
    if let Some(s) = &a.span {
        view.push(format!("--span={s}"));
    }
    std::process::Command::new(&app)
        .args(&paths)
        .args(&view)
        .stdin(std::process::Stdio::null())
        .spawn()
        .with_context(|| format!("cannot start {}", app.display()))?;
    Ok(ExitCode::SUCCESS)
}

/// `tracelens-app` next to this binary (one build's target dir, one install
/// prefix), else on PATH.
fn desktop_app() -> Option<std::path::PathBuf> {
    let name = format!("tracelens-app{}", std::env::consts::EXE_SUFFIX);
    let beside = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(|d| d.join(&name)))
        .filter(|p| p.is_file());
    beside.or_else(|| {
        std::env::var_os("PATH").and_then(|path| {
            std::env::split_paths(&path)
                .map(|d| d.join(&name))
                .find(|p| p.is_file())
        })
    })
}

/// Receives OTLP/HTTP until Ctrl-C or SIGTERM, recording to --out; prints
/// the address at start (stdout) and the counts at the end.
fn receive(a: crate::cli::ReceiveArgs) -> Result<ExitCode> {
    let cfg = tracelens_receiver::ReceiverConfig {
        addr: a.addr,
        grpc_addr: (!a.no_grpc).then_some(a.grpc_addr),
        max_body: a.max_body_mib.max(1) << 20,
        queue: a.queue.max(1),
        out: a.out.clone(),
        max_ingests: a.max_ingests,
        conn: tracelens_listen::ConnLimits {
            max_connections: a.max_connections.max(1),
            ..tracelens_listen::ConnLimits::default()
        },
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let write_through = match &a.ch.clickhouse {
        Some(_) => Some(crate::clickhouse::write_through(
            &a.ch,
            &a.spool,
            tracelens_clickhouse::spool::SpoolOptions {
                max_bytes: a.spool_max_mib.max(1) << 20,
                agent_spans: (!a.otel_only).then_some(a.agent_spans.max(1)),
            },
        )?),
        None => None,
    };
    let wt = write_through.clone();
    let counters = rt.block_on(tracelens_receiver::run(
        cfg,
        move |batch| {
            if let Some(w) = &wt {
                w.push(&batch);
            }
        },
        |r| {
            let mut out = std::io::stdout().lock();
            let _ = writeln!(
                out,
                "tracelens: receiving OTLP/HTTP at http://{}/v1/traces",
                r.addr
            );
            if let Some(g) = r.grpc_addr {
                let _ = writeln!(out, "tracelens: receiving OTLP/gRPC at {g}");
            }
            let _ = out.flush();
        },
        shutdown_signal(),
    ))?;
    let mut snap = counters.snapshot();
    if let Some(w) = &write_through {
        // Give the spool a moment to reach ClickHouse; what does not stays
        // spooled for the next start.
        w.stop(std::time::Duration::from_secs(15));
        snap["clickhouse"] = w.stats.snapshot();
    }
    if a.json {
        println!("{}", serde_json::to_string_pretty(&snap)?);
    } else {
        if let Some(ch) = snap.get("clickhouse") {
            crate::say!(
                "tracelens: ClickHouse: {} spans, {} log records and {} agent rows written, {} batches still spooled, {} spans, {} log records and {} agent rows dropped",
                ch["written_spans"], ch["written_logs"], ch["written_agent_rows"], ch["spooled_batches"], ch["dropped_spans"], ch["dropped_logs"], ch["dropped_agent_rows"]
            );
        }
        crate::say!(
            "tracelens: received {} spans and {} log records in {} requests ({} spans and {} records rejected, {} requests throttled, {} too large, {} unreadable)",
            snap["spans"], snap["logs"], snap["requests"], snap["rejected_spans"], snap["rejected_logs"], snap["throttled"], snap["too_large"], snap["bad_requests"]
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Loads the inputs, then serves them until Ctrl-C or SIGTERM. The URL (with
/// its access token) goes to stdout only: never to a log.
fn serve(a: ServeArgs) -> Result<ExitCode> {
    if !a.addr.ip().is_loopback() {
        if !a.allow_remote {
            return Err(anyhow::Error::new(UsageError(format!(
                "{} is not a loopback address: anyone who can reach it could try the \
                 token, which travels in the clear; add --allow-remote if you mean it \
                 (or use an SSH tunnel to 127.0.0.1)",
                a.addr
            ))));
        }
        crate::say!(
            "tracelens: warning: serving on {} over plain HTTP: the token and the traces \
             travel in the clear to anyone on the network path",
            a.addr
        );
    }
    let input = InputArgs {
        files: a.files,
        format: a.format,
        skew_tolerance_ms: a.skew_tolerance_ms,
        limits: a.limits,
    };
    // No files: an empty inspector, as the help says.
    let mut loaded = if input.files.is_empty() {
        Loaded {
            dataset: tracelens_model::Dataset::build(
                tracelens_model::TraceStore::new(),
                DatasetOptions::default(),
            ),
            reports: Vec::new(),
        }
    } else {
        load(&input)?
    };
    let code = report_errors(&mut loaded)?;
    let sources = tracelens_service::source_summaries(&loaded.reports);
    let traces = loaded.dataset.traces.len();
    let asked = a.ui.is_some();
    let ui_dir = find_ui(a.ui);
    if ui_dir.is_none() {
        let missing = "no index.html in the --ui directory";
        let no_page = "this binary was built before ui/; serving the API only";
        match (asked, tracelens_http::has_embedded_ui()) {
            (true, true) => crate::say!("tracelens: {missing}; serving the built-in page"),
            (true, false) => crate::say!("tracelens: {missing}, and {no_page}"),
            (false, false) => crate::say!("tracelens: {no_page}"),
            (false, true) => {}
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async move {
        let bound = tracelens_http::bind(
            a.addr,
            tracelens_service::Session::new(loaded.dataset, sources),
            tracelens_http::new_token(),
            ui_dir,
        )
        .await?;
        let mut out = std::io::stdout().lock();
        writeln!(
            out,
            "tracelens: serving {} at {}",
            render::plural(traces as usize, "trace", "traces"),
            bound.url
        )?;
        out.flush()?;
        drop(out);
        tracelens_http::serve(bound, shutdown_signal()).await?;
        anyhow::Ok(())
    })?;
    Ok(code)
}

/// A directory to serve the UI from instead of the page built into the
/// binary: the one asked for, else $TRACELENS_UI_DIR; only a directory
/// holding index.html counts.
fn find_ui(asked: Option<std::path::PathBuf>) -> Option<std::path::PathBuf> {
    let has_index = |d: &std::path::Path| d.join("index.html").is_file();
    asked
        .or_else(|| std::env::var_os("TRACELENS_UI_DIR").map(std::path::PathBuf::from))
        .filter(|d| has_index(d))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        // No handler means no Ctrl-C: wait for the other signal.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
