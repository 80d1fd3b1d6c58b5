//! Arguments.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "tracelens",
    version,
    about = "Inspect traces of AI-agent systems: span trees, critical paths, agent states, correlation ids",
    after_help = "Inputs are recognised by content (OTLP JSON/JSON Lines/protobuf, Jaeger, Zipkin; gzip and zstd).\nExit codes: 0 success, 1 unreadable input, 2 usage."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Per-trace summary: spans, errors, critical path, time by class, LLM totals, agent states.
    Summary(SummaryArgs),
    /// The span tree as text, with durations, bars, agent states and the critical path (*).
    Tree(TreeArgs),
    /// Everything about one span: ids, times, status, typed attributes, resource, events, links, LLM figures, agent state.
    Span(SpanArgs),
    /// Log records and captured events in time order, each with the span it joined (by span id, trace id and time, or a shared correlation id).
    Logs(LogsArgs),
    /// Every trace and span carrying a value in any correlation field (request_id, user_id, ...).
    Search(SearchArgs),
    /// Why a trace failed: each failed, timed-out or dead agent and error span, down to where it began.
    Why(WhyArgs),
    /// Serve the inputs over a local HTTP API (and the web UI) on 127.0.0.1, behind an access token.
    Serve(ServeArgs),
    /// Create or update the ClickHouse schema (the audit's tables; the Collector's otel_traces with --otel).
    Migrate(MigrateArgs),
    /// Import trace and log files into ClickHouse (otel_traces, otel_logs), in batches; importing again adds no duplicates.
    Import(ImportArgs),
    /// List the traces stored in ClickHouse (otel_traces), newest first, with filters and paging.
    Traces(TracesArgs),
    /// Runs grouped into sessions (session.id, gen_ai.conversation.id, thread_id, or --key), each with its runs in order and totals.
    Sessions(SessionsArgs),
    /// Agent health over time: each agent's runs, failures, timeouts and deaths per time bucket; dead agents with their last heartbeat and step.
    Health(HealthArgs),
    /// Every LLM call, tool call or agent execution across runs, filtered and sorted (by duration, TTFT, tokens, cost or start).
    Calls(CallsArgs),
    /// Performance report across runs, from files or ClickHouse: per agent (or operation, service, model, attribute) runs, states and duration quantiles; per model calls, tokens and TTFT; costliest spans, critical-path bottlenecks, error kinds.
    Report(ReportArgs),
    /// What changed between two runs (or a run and the baseline of good runs of its kind): steps only in one, matched steps with their changes, totals and critical paths side by side.
    Diff(DiffArgs),
    /// Who called whom: services, agents, tools and models, with calls, time, tokens and errors per edge (--dot for Graphviz).
    Graph(GraphArgs),
    /// Receive OTLP traces and logs (HTTP on 127.0.0.1:4318, gRPC on 127.0.0.1:4317) until Ctrl-C or SIGTERM; --out records them.
    Receive(ReceiveArgs),
    /// Open files in the desktop app (tracelens-app, next to this binary or on PATH).
    Open(OpenArgs),
    /// Convert inputs to normalised OTLP.
    Convert(ConvertArgs),
    /// Generate realistic agent runs (with planted failures) for demos, tests and benchmarks.
    Generate(GenerateArgs),
}

#[derive(Args, Debug)]
pub struct OpenArgs {
    /// Trace files to open; none opens the app empty (it offers the bundled sample).
    pub files: Vec<PathBuf>,
    /// Open this trace (full id or unique prefix) once the files are read.
    #[arg(long)]
    pub trace: Option<String>,
    /// And select this span of it.
    #[arg(long, requires = "trace")]
    pub span: Option<String>,
}

/// Where a ClickHouse server is. The password comes from $CLICKHOUSE_PASSWORD
/// or --password-stdin: never from the command line, where `ps` shows it.
#[derive(Args, Debug, Clone)]
pub struct ClickHouseArgs {
    /// The server's HTTP interface: http://host:8123 or https://host:8443.
    #[arg(long, value_name = "URL")]
    pub clickhouse: Option<String>,
    #[arg(long, default_value = "default")]
    pub database: String,
    #[arg(long, default_value = "default")]
    pub user: String,
    /// Read the password from the first line of stdin.
    #[arg(long)]
    pub password_stdin: bool,
    /// Seconds allowed per call, connecting included.
    #[arg(long, default_value_t = 30)]
    pub timeout: u64,
    /// For https with an internal CA: that CA's certificate (PEM), trusted
    /// besides the usual public roots.
    #[arg(long, value_name = "FILE")]
    pub ca_cert: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct MigrateArgs {
    #[command(flatten)]
    pub ch: ClickHouseArgs,
    /// Also create the Collector's otel_traces (with its trace-id lookup) and otel_logs.
    #[arg(long)]
    pub otel: bool,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct TracesArgs {
    #[command(flatten)]
    pub ch: ClickHouseArgs,
    /// How far back (90s, 15m, 24h, 7d).
    #[arg(long, default_value = "24h", value_parser = parse_duration_s)]
    pub since: i64,
    /// Only traces touching this service.
    #[arg(long)]
    pub service: Option<String>,
    /// Only traces with this agent (gen_ai.agent.name or agent_name).
    #[arg(long)]
    pub agent: Option<String>,
    /// Only traces of this user (user_id or enduser.id).
    #[arg(long)]
    pub user_id: Option<String>,
    /// Only traces at least this long (250ms, 30s, 2m).
    #[arg(long, value_parser = parse_duration_ns)]
    pub min_duration: Option<u64>,
    /// Text in the root span's name or a service's, or a prefix of the trace id.
    #[arg(long)]
    pub text: Option<String>,
    /// Only traces with an error.
    #[arg(long)]
    pub errors: bool,
    /// Only traces with an agent in this state: pending, running, completed,
    /// failed, timeout or dead (reads agent_executions).
    #[arg(long)]
    pub state: Option<String>,
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    #[arg(long, default_value_t = 0)]
    pub offset: u32,
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct SessionsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Group by this key (default: session.id, gen_ai.conversation.id,
    /// session_id, thread_id, conversation_id, the first a run carries).
    #[arg(long)]
    pub key: Option<String>,
    /// Sessions listed in text (the latest first); --json has them all.
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    /// Prices of LLM calls over the bundled table (as for `report`).
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
    /// Machine-readable output (docs/cli.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct HealthArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Stored executions instead (agent_executions), over the last --since
    /// (default 24h).
    #[command(flatten)]
    pub ch: ClickHouseArgs,
    /// The bucket width (30s, 5m, 1h); default: about 60 over the range.
    #[arg(long, value_parser = parse_duration_s)]
    pub bucket: Option<i64>,
    /// How far back from the data's latest instant (90s, 15m, 24h, 7d).
    #[arg(long, value_parser = parse_duration_s)]
    pub since: Option<i64>,
    /// Machine-readable output (docs/cli.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct CallsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Stored calls instead (performance_metrics, agent_executions,
    /// otel_traces), over the last --since.
    #[command(flatten)]
    pub ch: ClickHouseArgs,
    /// How far back, for --clickhouse (90s, 15m, 24h, 7d).
    #[arg(long, default_value = "24h", value_parser = parse_duration_s)]
    pub since: i64,
    /// llm, tool or agent.
    #[arg(long, default_value = "llm")]
    pub class: String,
    /// duration, ttft, tokens, cost (largest first) or start (earliest first).
    #[arg(long, default_value = "duration")]
    pub sort: String,
    /// Only calls of this model (response or request model, exactly).
    #[arg(long)]
    pub model: Option<String>,
    /// Only calls of this tool.
    #[arg(long)]
    pub tool: Option<String>,
    /// Only calls under (or executions of) this agent.
    #[arg(long)]
    pub agent: Option<String>,
    /// Only calls that failed (error status; failed, timed-out or dead agents).
    #[arg(long)]
    pub errors: bool,
    /// Only calls at least this long (250ms, 30s, 2m).
    #[arg(long, value_parser = parse_duration_ns)]
    pub min_duration: Option<u64>,
    /// Text in the name, service, model, tool or agent (any case).
    #[arg(long)]
    pub grep: Option<String>,
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Prices of LLM calls over the bundled table (as for `report`).
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
    /// Machine-readable output (docs/cli.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ReportArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub ch: ClickHouseArgs,
    /// How far back (90s, 15m, 24h, 7d): from now for ClickHouse (default
    /// 24h), from the data's latest instant for files (default: every run).
    #[arg(long, value_parser = parse_duration_s)]
    pub since: Option<i64>,
    /// The main table's rows: agent, operation, service, model or
    /// attribute:KEY (e.g. attribute:user_id).
    #[arg(long, default_value = "agent", value_name = "BY")]
    pub group_by: String,
    /// Rows of the ranked lists (costliest spans, bottlenecks, error kinds).
    #[arg(long, default_value_t = 10)]
    pub top: u32,
    /// Rows of the main table; the rest are counted.
    #[arg(long, default_value_t = 50)]
    pub limit: u32,
    /// Prices of LLM calls, USD per 1M tokens, over the bundled table:
    /// {"models": {"NAME": {"input": .., "output": .., "cache_read": ..}}}
    /// (default: ~/.config/tracelens/prices.json when it exists).
    #[arg(long, value_name = "FILE")]
    pub prices: Option<PathBuf>,
    /// Machine-readable output (docs/cli.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct ReceiveArgs {
    /// Where to listen for OTLP/HTTP; loopback unless you mean to accept
    /// traces from other machines.
    #[arg(long, default_value = "127.0.0.1:4318")]
    pub addr: std::net::SocketAddr,
    /// Where to listen for OTLP/gRPC.
    #[arg(long, default_value = "127.0.0.1:4317")]
    pub grpc_addr: std::net::SocketAddr,
    /// HTTP only.
    #[arg(long)]
    pub no_grpc: bool,
    /// Append everything received to FILE as OTLP/JSON Lines (Tracelens and
    /// the Collector read it back).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Largest accepted request body, in MiB.
    #[arg(long, default_value_t = 16)]
    pub max_body_mib: usize,
    /// Batches waiting to be written before senders get 429 and retry.
    #[arg(long, default_value_t = 64)]
    pub queue: usize,
    /// Open OTLP/HTTP connections at once; one more is answered 503 and
    /// closed. A connection must send its headers within 10 s and is
    /// closed after 60 s without a byte.
    #[arg(long, default_value_t = 256)]
    pub max_connections: usize,
    /// Bodies inflated and parsed at once (0: the core count, at least 2);
    /// a request waits up to 2 s for a slot, then gets 429.
    #[arg(long, default_value_t = 0)]
    pub max_ingests: usize,
    /// Print the final counts as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also write every received span to ClickHouse (otel_traces; run
    /// `migrate --otel` first), through a spool on disk, and keep the
    /// audit's agent_executions, agent_events and performance_metrics
    /// current from them.
    #[command(flatten)]
    pub ch: ClickHouseArgs,
    /// Write spans to otel_traces only, not the agent tables.
    #[arg(long)]
    pub otel_only: bool,
    /// Spans kept in memory to judge agent states for the agent tables
    /// (whole traces, oldest evicted first; about 0.5 KB a span).
    #[arg(long, default_value_t = 100_000)]
    pub agent_spans: usize,
    /// The spool: batches wait here until ClickHouse has them (kept across
    /// restarts).
    #[arg(long, default_value = "tracelens-spool")]
    pub spool: PathBuf,
    /// The spool's limit, in MiB; past it new batches are dropped and counted.
    #[arg(long, default_value_t = 1024)]
    pub spool_max_mib: u64,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ImportSchema {
    /// Spans into otel_traces.
    Otel,
    /// Agent executions, lifecycle events and LLM metrics into the audit's tables.
    Agent,
    Both,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
    /// Trace files (any supported format).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    #[command(flatten)]
    pub ch: ClickHouseArgs,
    /// Target schema (run `migrate`, with --otel for otel_traces and otel_logs, first).
    #[arg(long, value_enum, default_value = "both")]
    pub schema: ImportSchema,
    /// Rows per insert (10k-100k suits ClickHouse).
    #[arg(long, default_value_t = 20_000)]
    pub batch: usize,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub limits: InputLimitArgs,
}

#[derive(Args, Debug)]
pub struct InputArgs {
    /// Trace files (any supported format; spans of one trace may span files).
    /// Required, except for `summary --clickhouse` (checked when loading).
    pub files: Vec<PathBuf>,
    /// Skip sniffing and read as this format.
    #[arg(long, value_enum)]
    pub format: Option<InputFormat>,
    /// Skew below this many milliseconds is not reported.
    #[arg(long, default_value_t = 1.0)]
    pub skew_tolerance_ms: f64,
    #[command(flatten)]
    pub limits: InputLimitArgs,
}

/// Bounds on what one input may cost (docs/security.md).
#[derive(Args, Debug, Clone, Copy)]
pub struct InputLimitArgs {
    /// The largest JSON line, framed message or protobuf record held whole,
    /// in MiB; a longer one is skipped and reported.
    #[arg(long, default_value_t = 128, value_name = "MIB")]
    pub max_record_mib: u64,
    /// Lift every input bound (record size, decompression ratio), for a
    /// real file larger than they allow.
    #[arg(long)]
    pub no_input_limits: bool,
}

impl InputLimitArgs {
    pub fn read_limits(self) -> tracelens_formats::ReadLimits {
        if self.no_input_limits {
            return tracelens_formats::ReadLimits::unlimited();
        }
        tracelens_formats::ReadLimits {
            max_record: self.max_record_mib.saturating_mul(1 << 20),
            ..tracelens_formats::ReadLimits::default()
        }
    }
}

#[derive(ValueEnum, Clone, Copy, Debug)]
pub enum InputFormat {
    OtlpJson,
    OtlpProto,
    OtlpFramed,
    Jaeger,
    Zipkin,
    /// Application logs or captured events, one JSON object per line.
    JsonLogs,
}

#[derive(Args, Debug)]
pub struct SummaryArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Read the trace (--trace) from ClickHouse instead of files.
    #[command(flatten)]
    pub ch: ClickHouseArgs,
    /// With --clickhouse: when the trace has no lookup row yet, search this far back.
    #[arg(long, default_value = "7d", value_parser = parse_duration_s)]
    pub since: i64,
    /// Machine-readable output (schema in docs/cli.md).
    #[arg(long)]
    pub json: bool,
    /// Only this trace (full id or unique prefix).
    #[arg(long)]
    pub trace: Option<String>,
    #[command(flatten)]
    pub shown: ShownArgs,
}

/// How much a text listing prints: on large inputs, an overview and the
/// traces that matter most instead of tens of thousands of lines. `--json`
/// always has everything.
#[derive(Args, Debug, Clone, Copy)]
pub struct ShownArgs {
    /// Print every trace (text output; --json always has all).
    #[arg(long, conflicts_with = "limit")]
    pub all: bool,
    /// Print at most this many traces: problems first, then the slowest.
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub limit: usize,
}

impl ShownArgs {
    /// The most traces to print, `None` for all.
    pub fn at_most(&self) -> Option<usize> {
        (!self.all).then_some(self.limit)
    }
}

#[derive(Args, Debug)]
pub struct TreeArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Only this trace (full id or unique prefix).
    #[arg(long)]
    pub trace: Option<String>,
    /// Show the clock-skew-adjusted view (cross-service children moved into their parents).
    #[arg(long)]
    pub adjust_skew: bool,
    /// Width of the timing bar in characters.
    #[arg(long, default_value_t = 40)]
    pub bar_width: usize,
    /// Show each span's id.
    #[arg(long)]
    pub ids: bool,
    /// Only the problems (error status; failed, timed-out or dead agents;
    /// orphans, missing parents, clock skew) and the spans above them;
    /// traces without one are left out.
    #[arg(long)]
    pub errors: bool,
    /// Only spans at most this deep (roots are depth 0).
    #[arg(long, value_name = "N")]
    pub max_depth: Option<u32>,
    /// Only spans lasting at least this long (e.g. 250ms, 2s; the spans
    /// above a shown one stay).
    #[arg(long, value_parser = parse_duration_ns, value_name = "DURATION")]
    pub min_duration: Option<u64>,
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Trace files (none: an empty inspector).
    pub files: Vec<PathBuf>,
    /// Address to listen on; port 0 picks a free one. A non-loopback
    /// address needs --allow-remote.
    #[arg(long, default_value = "127.0.0.1:0")]
    pub addr: std::net::SocketAddr,
    /// Serve on a non-loopback address: anyone who can reach it and has the
    /// token sees the traces, and the token travels in the clear (HTTP).
    #[arg(long)]
    pub allow_remote: bool,
    /// The built web UI to serve (default: $TRACELENS_UI_DIR, else ui/dist
    /// beside the binary's checkout or the current directory).
    #[arg(long)]
    pub ui: Option<PathBuf>,
    /// Skip sniffing and read as this format.
    #[arg(long, value_enum)]
    pub format: Option<InputFormat>,
    /// Skew below this many milliseconds is not reported.
    #[arg(long, default_value_t = 1.0)]
    pub skew_tolerance_ms: f64,
    #[command(flatten)]
    pub limits: InputLimitArgs,
}

#[derive(Args, Debug)]
pub struct SpanArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The trace (full id or unique prefix).
    #[arg(long)]
    pub trace: String,
    /// The span (full id or unique prefix).
    #[arg(long)]
    pub span: String,
    /// Machine-readable output.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct LogsArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Read the trace (--trace) and its records from ClickHouse (otel_traces, otel_logs) instead of files.
    #[command(flatten)]
    pub ch: ClickHouseArgs,
    /// With --clickhouse: when the trace has no lookup row yet, search this far back.
    #[arg(long, default_value = "7d", value_parser = parse_duration_s)]
    pub since: i64,
    /// Only the records of this trace (full id or unique prefix).
    #[arg(long)]
    pub trace: Option<String>,
    /// Only the records of this span of that trace (full id or unique prefix).
    #[arg(long, requires = "trace")]
    pub span: Option<String>,
    /// Only records at least this severe: trace, debug, info, warn, error, fatal.
    #[arg(long, value_parser = parse_level)]
    pub level: Option<tracelens_model::Level>,
    /// Only records whose body, event name or attribute values contain this text (any case).
    #[arg(long)]
    pub grep: Option<String>,
    /// At most this many records (the earliest).
    #[arg(long)]
    pub limit: Option<usize>,
    /// Machine-readable output (schema in docs/cli.md).
    #[arg(long)]
    pub json: bool,
}

fn parse_level(s: &str) -> Result<tracelens_model::Level, String> {
    tracelens_model::Level::parse(s)
        .ok_or_else(|| format!("{s:?} is not a level: trace, debug, info, warn, error or fatal"))
}

#[derive(Args, Debug)]
pub struct WhyArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// The trace (full id or unique prefix); without it, every trace with a
    /// failure.
    #[arg(long)]
    pub trace: Option<String>,
    /// Only the chain from this span (full id or unique prefix) down.
    #[arg(long, requires = "trace")]
    pub span: Option<String>,
    /// Machine-readable output (docs/cli.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// Side A: a trace id (full or unique prefix), e.g. a good run.
    pub a: String,
    /// Side B: a trace id, or `baseline` for the usual shape of the last
    /// good runs of A's root operation (then A is compared against it).
    pub b: String,
    #[command(flatten)]
    pub input: InputArgs,
    /// Read both traces from ClickHouse (otel_traces) instead of files.
    #[command(flatten)]
    pub ch: ClickHouseArgs,
    /// With --clickhouse: when a trace has no lookup row yet, search this far back.
    #[arg(long, default_value = "7d", value_parser = parse_duration_s)]
    pub since: i64,
    /// How many good runs the baseline takes.
    #[arg(long, default_value_t = 5)]
    pub runs: usize,
    /// List every changed and one-sided step (else the first 30 of each).
    #[arg(long)]
    pub all: bool,
    /// Machine-readable output (docs/cli.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct GraphArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Only this trace (full id or unique prefix); else every run.
    #[arg(long)]
    pub trace: Option<String>,
    /// Graphviz DOT (render with `dot -Tsvg`).
    #[arg(long, conflicts_with = "json")]
    pub dot: bool,
    /// Machine-readable output (docs/cli.md).
    #[arg(long)]
    pub json: bool,
}

#[derive(Args, Debug)]
pub struct SearchArgs {
    #[command(flatten)]
    pub input: InputArgs,
    /// Search ClickHouse (otel_traces) instead of files.
    #[command(flatten)]
    pub ch: ClickHouseArgs,
    /// With --clickhouse: how far back to search.
    #[arg(long, default_value = "7d", value_parser = parse_duration_s)]
    pub since: i64,
    /// The value to look for (a request id, user id, trace id, ...).
    #[arg(long)]
    pub id: String,
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub shown: ShownArgs,
}

/// The variant names are the format names users type (`--to otlp-json`).
#[allow(clippy::enum_variant_names)]
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// OTLP/JSON Lines (one TracesData per line).
    OtlpJson,
    /// One OTLP protobuf ExportTraceServiceRequest.
    OtlpProto,
    /// Length-prefixed OTLP protobuf messages (the Collector file exporter's layout).
    OtlpFramed,
}

/// What `convert` writes: a trace format, or a digest of one trace.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConvertFormat {
    /// OTLP/JSON Lines, spans and log records.
    OtlpJson,
    /// One OTLP protobuf ExportTraceServiceRequest.
    OtlpProto,
    /// Length-prefixed OTLP protobuf messages.
    OtlpFramed,
    /// A Markdown digest of one trace: tree, timings, errors, LLM figures.
    DigestMd,
    /// The same digest as JSON.
    DigestJson,
}

#[derive(Args, Debug)]
pub struct ConvertArgs {
    #[command(flatten)]
    pub input: InputArgs,
    #[arg(long, value_enum)]
    pub to: ConvertFormat,
    /// Only this trace (full id or unique prefix); a digest needs one.
    #[arg(long)]
    pub trace: Option<String>,
    /// Only the subtree under this span (full id or unique prefix); it is
    /// written as the root of a trace of its own.
    #[arg(long, requires = "trace")]
    pub span: Option<String>,
    /// Output file (standard output when absent). A .gz or .zst name compresses.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// Output file. A .gz or .zst name compresses.
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long, default_value_t = 12)]
    pub traces: usize,
    #[arg(long, default_value_t = 60)]
    pub spans_per_trace: usize,
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    #[arg(long, value_enum, default_value = "otlp-json")]
    pub format: OutputFormat,
    /// Also write the backend's log records for the runs (OTLP/JSON Lines) to this file.
    #[arg(long)]
    pub logs_out: Option<PathBuf>,
}

/// "90s", "15m", "24h", "7d" (a bare number is seconds) in seconds.
pub fn parse_duration_s(s: &str) -> Result<i64, String> {
    let s = s.trim();
    let (num, unit) = s.split_at(s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len()));
    let n: i64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a duration (like 90s, 15m, 24h, 7d)"))?;
    let k = match unit {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        _ => return Err(format!("{s:?}: the unit must be s, m, h or d")),
    };
    n.checked_mul(k).ok_or_else(|| format!("{s:?} is too long"))
}

/// "250ms", "30s", "2m", "1h" (a bare number is seconds) in nanoseconds.
pub fn parse_duration_ns(s: &str) -> Result<u64, String> {
    let s = s.trim();
    let at = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(at);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a duration (like 250ms, 30s, 2m)"))?;
    let k = match unit {
        "ns" => 1.0,
        "us" | "µs" => 1e3,
        "ms" => 1e6,
        "" | "s" => 1e9,
        "m" => 60e9,
        "h" => 3600e9,
        _ => return Err(format!("{s:?}: the unit must be ns, us, ms, s, m or h")),
    };
    let v = n * k;
    if v.is_finite() && v >= 0.0 && v < u64::MAX as f64 {
        Ok(v as u64)
    } else {
        Err(format!("{s:?} is out of range"))
    }
}
