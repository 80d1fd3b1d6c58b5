// Generated from the Rust types by tracelens_service::wire: do not edit.
// Regenerate: TRACELENS_BLESS=1 cargo test -p tracelens-service --test wire_ts

// The binary columns (crates/tracelens-service/src/columns.rs).
export const COLUMNS_MAGIC = "TLC1";
export const COLUMNS_VERSION = 1;
export const FLAG_ERROR = 1;
export const FLAG_CRITICAL = 2;
export const FLAG_OPEN = 4;
export const FLAG_PLACEHOLDER = 8;
export const FLAG_ORPHAN = 16;
export const FLAG_DUPLICATE = 32;
export const FLAG_SKEWED = 64;
export const FLAG_CYCLE_BROKEN = 128;
export const FLAG_HAS_CHILDREN = 256;
export const CLASS_NAMES = ["agent", "llm", "tool", "other"] as const;
export const STATE_NAMES = ["", "completed", "failed", "timeout", "dead", "running", "pending"] as const;

// The JSON documents.

export type SummaryDoc = { traces: Array<TraceSummary>, warnings: Array<Warning>, sources: Array<SourceSummary>, 
/**
 * Every log record of the data, by how it was placed (all traces,
 * whatever `traces` was narrowed to).
 */
logs: AttachCounts, };

export type TraceSummary = { trace_id: string, root_name: string, services: Array<string>, start_time_unix_nano: number, span_count: number, root_count: number, orphan_count: number, error_count: number, duration_ns: number, critical_path: Array<string>, breakdown_ns: ClassBreakdown, phases_ns: PhaseBreakdown, llm: LlmSummary, agents: Array<AgentSummary>, states: { [key in string]: number }, 
/**
 * Log records placed on this trace.
 */
log_count: number, 
/**
 * Those records by level (levels that occur only).
 */
logs_by_level: { [key in string]: number }, 
/**
 * The ids the run is known by, from its root span (and its resource):
 * user, request, session, thread, conversation ids first, at most
 * three, as `[key, value]` pairs; what a list shows beside the name.
 */
ids: Array<[string, string]>, };

export type SourceSummary = { name: string, format: string | null, compression: Array<string>, spans: number, 
/**
 * Log records and captured events read.
 */
logs: number, error: string | null, };

export type LlmSummary = { calls: number, input_tokens: number, output_tokens: number, mean_ttft_ns: number | null, };

export type AgentSummary = { span_id: string, name: string, state: AgentState, duration_ns: number, reason: string, error: string | null, };

export type Warning = { kind: WarningKind, trace_id: string | null, span_id: string | null, message: string, };

/**
 * The stable machine-readable kinds (serialised in snake_case in `--json`).
 */
export type WarningKind = "read_error" | "lenient" | "invalid_id" | "orphan" | "duplicate_span_id" | "shared_span" | "cycle" | "self_parent" | "clock_skew" | "negative_duration" | "cross_trace_reference" | "suppressed" | "incomplete" | "empty";

export type AgentState = "pending" | "running" | "completed" | "failed" | "timeout" | "dead";

export type SpanClass = "agent" | "llm" | "tool" | "other";

/**
 * OTLP SpanKind; the discriminants are the protobuf enum values.
 */
export type SpanKind = "unspecified" | "internal" | "server" | "client" | "producer" | "consumer";

/**
 * OTLP Status.code.
 */
export type StatusCode = "unset" | "ok" | "error";

/**
 * How a link relates two spans. Links are never tree edges.
 */
export type LinkKind = "link" | "follows_from" | "cross_trace_parent";

/**
 * Nanoseconds of self time per class. The four add up to the time covered by
 * the trace's spans (overlapping siblings each count their own time).
 */
export type ClassBreakdown = { agent: number, llm: number, tool: number, other: number, };

/**
 * Nanoseconds of self time per audit phase.
 */
export type PhaseBreakdown = { init: number, tools: number, llm: number, format: number, unphased: number, };

export type SearchResult = { value: string, traces: Array<TraceHits>, 
/**
 * Log records that carry the value (as their trace or span id, or in
 * a correlation field), the first [`MAX_LOG_HITS`] in time order.
 */
logs: Array<LogLine>, 
/**
 * All the log records that carry it.
 */
log_count: number, };

export type TraceHits = { trace_id: string, root_name: string, hits: Array<SpanHit>, };

export type SpanHit = { span_id: string, name: string, key: string, };

export type SpanDetail = { trace_id: string, span_id: string, 
/**
 * The parent's id as the span names it (also for orphans, whose parent
 * is missing).
 */
parent_span_id: string | null, node: number, parent_node: number | null, name: string, service: string, kind: SpanKind, class: SpanClass, status: StatusCode, status_message: string, trace_state: string, 
/**
 * Start relative to the trace's start.
 */
offset_ns: number, duration_ns: number, self_ns: number, start_time_unix_nano: number, 
/**
 * `None` while the span has not ended.
 */
end_time_unix_nano: number | null, flags: Array<string>, attributes: Array<AttrJson>, 
/**
 * Attribute keys the source left out (large values of a trace opened
 * skeleton-first from ClickHouse), for the front to fetch on demand.
 */
omitted_attributes: Array<string>, resource: Array<AttrJson>, scope: ScopeJson, events: Array<EventJson>, links: Array<LinkJson>, llm: LlmCall | null, agent: AgentExecution | null, 
/**
 * Lifecycle events placed on this span.
 */
lifecycle: Array<LifecycleJson>, 
/**
 * Attributes that correlate this span with others (request_id, ...).
 */
correlation: Array<CorrelationJson>, source: string, };

/**
 * One attribute with its type, so a front can show `3` and `"3"` apart.
 * Integers travel as decimal strings (JavaScript numbers lose digits past
 * 2^53), bytes as base64, arrays and maps as nested JSON.
 */
export type AttrJson = { key: string, type: string, 
/**
 * The value as its type travels (see above): any JSON.
 */
value: unknown, };

export type ScopeJson = { name: string, version: string, attributes: Array<AttrJson>, };

export type EventJson = { name: string, offset_ns: number, 
/**
 * The lifecycle event it is (`agent_started`, ...), if one: fronts
 * mark it rather than list it twice.
 */
lifecycle: string | null, attributes: Array<AttrJson>, };

export type LinkJson = { trace_id: string, span_id: string, kind: LinkKind, 
/**
 * The linked trace is among those opened.
 */
trace_loaded: boolean, attributes: Array<AttrJson>, };

export type LifecycleJson = { kind: string, offset_ns: number, };

export type CorrelationJson = { key: string, value: string, };

export type LlmCall = { model: string | null, system: string | null, input_tokens: number | null, output_tokens: number | null, total_tokens: number | null, 
/**
 * Input tokens read from, and written to, the provider's cache (part
 * of `input_tokens`).
 */
cache_read_tokens: number | null, cache_write_tokens: number | null, 
/**
 * Output tokens spent reasoning (part of `output_tokens`).
 */
reasoning_tokens: number | null, ttft_ns: number | null, model_latency_ns: number | null, network_latency_ns: number | null, duration_ns: number, };

export type AgentExecution = { name: string, state: AgentState, 
/**
 * Why the state was chosen, for people ("ran 35.0s, past its 30s timeout").
 */
reason: string, duration_ns: number, timeout_ns: number, last_heartbeat_ns: number | null, heartbeats: number, error: string | null, };

export type Breakdown = { 
/**
 * The subtree's root node; the primary root for a whole trace.
 */
node: number | null, name: string, total_ns: number, by_class_ns: ClassBreakdown, by_phase_ns: PhaseBreakdown, llm: LlmTotals, top_self_time: Array<Bottleneck>, 
/**
 * Only the spans an in-trace filter matched are counted.
 */
filtered: boolean, };

export type Bottleneck = { node: number, span_id: string, name: string, class: SpanClass, self_ns: number, 
/**
 * Share of the breakdown's total self time, 0..=1.
 */
share: number, };

export type LlmTotals = { calls: number, input_tokens: number, output_tokens: number, duration_ns: number, 
/**
 * Mean time to first token over the calls that report it.
 */
mean_ttft_ns: number | null, by_model: { [key in string]: ModelTotals }, };

/**
 * Per-model totals.
 */
export type ModelTotals = { calls: number, input_tokens: number, output_tokens: number, duration_ns: number, };

export type Markers = { 
/**
 * Waterfall row (the columns' row order) of each marker.
 */
row: Array<number>, 
/**
 * Time from the trace's start.
 */
offset_ns: Array<number>, 
/**
 * 0: a span event; 1: a lifecycle event (drawn more prominently); 2: a
 * log record; 3: a log record of level warn; 4: of level error or fatal.
 */
kind: Array<number>, 
/**
 * Index into `names`.
 */
name: Array<number>, names: Array<string>, };

export type TraceMatches = { query: string, 
/**
 * Every match, even past `MAX_MATCHES`.
 */
count: number, 
/**
 * Waterfall row positions (the order of `trace_columns`), ascending.
 */
rows: Array<number>, };

export type WhyDoc = { trace_id: string, root_name: string, 
/**
 * Every problem of the trace in waterfall order (for next/previous).
 */
problems: Array<ProblemStep>, 
/**
 * Each failure once: as a chain's head or as a step of one.
 */
chains: Array<ChainDoc>, };

export type ChainDoc = { 
/**
 * The problem first, its cause last.
 */
steps: Array<ProblemStep>, };

/**
 * One span of a problem list or a chain, named for people.
 */
export type ProblemStep = { 
/**
 * The node (the columns' `node`) and its span id (empty for a
 * placeholder).
 */
node: number, span_id: string, name: string, service: string, kind: ProblemKind, 
/**
 * The agent's reason, the error or exception, where the time went.
 */
detail: string, };

/**
 * What is wrong with a span.
 */
export type ProblemKind = "error" | "exception" | "failed" | "timeout" | "dead" | "orphan" | "skew" | "slow";

/**
 * The logs question as a front asks it (the HTTP query, the desktop
 * command's argument): ids and words, turned into a [`LogFilter`] by
 * [`crate::Session::logs`].
 */
export type LogQuery = { 
/**
 * A trace id (or unique prefix); none: every record.
 */
trace?: string, 
/**
 * A node of that trace: only the records placed on it.
 */
node?: number, 
/**
 * The least level shown ("warn", "error", ...).
 */
level?: string, 
/**
 * Text the body, event name or an attribute value contains.
 */
q?: string, offset: number, 
/**
 * At most [`MAX_PAGE`].
 */
limit?: number, };

export type LogsDoc = { records: Array<LogLine>, 
/**
 * The filter's offset: `records[0]` is match number `offset`.
 */
offset: number, 
/**
 * Records that passed the filter (more than `records` when limited).
 */
matched: number, 
/**
 * Records in the data.
 */
total: number, attach: AttachCounts, 
/**
 * When the filter names a span: its prompt and completion as turns,
 * from its GenAI message records or its own message attributes
 * ([`crate::conversation`]); empty otherwise.
 */
conversation: Array<ChatTurn>, };

/**
 * One record as the fronts show it.
 */
export type LogLine = { 
/**
 * The record's index in the data, for asking about it again.
 */
index: number, 
/**
 * Its time, or when it was observed; 0 when neither is known.
 */
time_unix_nano: number, level: Level, 
/**
 * The producer's own word (`WARNING`, `Information`), "" when none.
 */
severity_text: string, 
/**
 * The body as text (structured bodies as `{key=value, ...}`).
 */
body: string, event_name: string | null, kind: RecordKind, 
/**
 * The trace it was placed on, else the trace id it named.
 */
trace_id: string | null, 
/**
 * The span it was placed on, else the span id it named.
 */
span_id: string | null, 
/**
 * The name of the span it was placed on.
 */
span_name: string | null, 
/**
 * That span's node in its trace's tree (what a front selects).
 */
node: number | null, attached_by: AttachRule, service: string | null, 
/**
 * The logger (instrumentation scope) that wrote it.
 */
logger: string | null, attributes: { [key in string]: string }, };

/**
 * How many records each rule placed.
 */
export type AttachCounts = { records: number, by_span_id: number, by_trace_time: number, by_correlation: number, unattached: number, };

/**
 * One message of the conversation.
 */
export type ChatTurn = { 
/**
 * `system`, `user`, `assistant`, `tool`, ...
 */
role: string, 
/**
 * The message's text; tool calls as `name(arguments)` lines; "" when
 * the producer left the content out (capture off).
 */
text: string, 
/**
 * Why the model stopped, on a completion.
 */
finish_reason: string | null, 
/**
 * The log record it came from; none when from the span's attributes.
 */
record: number | null, };

/**
 * The OTLP severity ranges, coarsened to what people filter by.
 */
export type Level = "unset" | "trace" | "debug" | "info" | "warn" | "error" | "fatal";

/**
 * What kind of record it is, for the lifecycle analysis and the panels.
 */
export type RecordKind = "log" | "event" | "lifecycle";

/**
 * How a record found its place.
 */
export type AttachRule = "span_id" | "trace_time" | "correlation" | "unattached";

/**
 * What a front asks of [`crate::Session::report`].
 */
export type ReportQuery = { 
/**
 * `agent` (the default), `operation`, `service`, `model` or
 * `attribute:KEY`.
 */
group_by?: string, 
/**
 * Only runs that started this many seconds before the data's latest
 * instant (its "now"); none: every run.
 */
since_s?: number, 
/**
 * Rows of the ranked lists (default 10).
 */
top?: number, 
/**
 * Rows of the main table (default 200).
 */
max_groups?: number, 
/**
 * Only runs whose root name, id, a service or an agent state holds
 * this text (the trace list's filter).
 */
run_text?: string, 
/**
 * Only runs at least this long.
 */
run_min_ns: number, };

/**
 * The report document.
 */
export type Report = { 
/**
 * The range asked for (ns since the epoch; 0 and u64::MAX when open).
 */
from_ns: number, to_ns: number, traces: number, spans: number, group_by: string, groups: Array<GroupRow>, groups_total: number, models: Array<ModelRow>, top_self_time: Array<CostlySpan>, bottlenecks: Array<PathStep>, errors: Array<ErrorKindRow>, 
/**
 * Cost of every priced call, USD.
 */
cost_usd: number, 
/**
 * Models with calls but no price: their cost is not in the totals.
 */
unpriced_models: Array<string>, 
/**
 * The runs that cost the most.
 */
costliest_runs: Array<RunCost>, 
/**
 * Parts this source could not compute, each with why.
 */
not_computed: Array<string>, };

/**
 * One row of the main table.
 */
export type GroupRow = { key: string, 
/**
 * The class its spans share, or "mixed".
 */
class: string, 
/**
 * Agent executions, spans or LLM calls in the group.
 */
count: number, 
/**
 * Of them, how many ended with error status or as a failed, timed-out
 * or dead agent.
 */
errors: number, 
/**
 * The states of the agent executions among them.
 */
states: StateCounts, p50_ns: number, p95_ns: number, p99_ns: number, max_ns: number, 
/**
 * The group's own time: its spans' durations less their children's.
 */
self_ns: number | null, 
/**
 * Self time of LLM and tool spans under the group's spans (themselves
 * included): how much of its time went to models and to tools.
 */
llm_ns: number | null, tool_ns: number | null, total_ns: number, 
/**
 * What the LLM calls under the group's spans cost, USD (priced calls
 * only; `None` when none was priced).
 */
cost_usd: number | null, slowest: Example | null, 
/**
 * The first that failed, timed out or died.
 */
failed: Example | null, };

/**
 * How the agent executions of a group ended.
 */
export type StateCounts = { completed: number, failed: number, timeout: number, dead: number, running: number, pending: number, };

/**
 * One model's calls.
 */
export type ModelRow = { model: string, calls: number, errors: number, input_tokens: number, output_tokens: number, 
/**
 * Of the input, read from and written to the cache; of the output,
 * reasoning.
 */
cache_read_tokens: number, cache_write_tokens: number, reasoning_tokens: number, 
/**
 * What the calls cost, USD; `None` when the model has no price.
 */
cost_usd: number | null, p50_ns: number, p95_ns: number, 
/**
 * Over the calls that report a time to first token.
 */
ttft_p50_ns: number | null, ttft_p95_ns: number | null, 
/**
 * Time in calls, summed.
 */
total_ns: number, slowest: Example | null, };

/**
 * A span that cost the most time of its own.
 */
export type CostlySpan = { trace_id: string, span_id: string, name: string, service: string, duration_ns: number, self_ns: number, };

/**
 * A step that sits on critical paths across runs.
 */
export type PathStep = { name: string, service: string, class: string, 
/**
 * Runs whose critical path passes through it.
 */
traces: number, 
/**
 * Its time on those paths, summed.
 */
on_path_ns: number, 
/**
 * That time as a share of those runs' critical paths.
 */
share: number, 
/**
 * The run where it held the path longest.
 */
example: Example, };

/**
 * A kind of failure: an exception type, a status message, or an agent
 * that timed out or died.
 */
export type ErrorKindRow = { kind: string, count: number, traces: number, 
/**
 * The span name of the first one seen.
 */
name: string, example: Example, };

/**
 * A trace to open from a report row, at one of its spans.
 */
export type Example = { trace_id: string, span_id: string, duration_ns: number, };

/**
 * One run's LLM cost.
 */
export type RunCost = { trace_id: string, root_name: string, cost_usd: number, llm_calls: number, input_tokens: number, output_tokens: number, };

/**
 * What a front asks of [`crate::Session::sessions`].
 */
export type SessionsQuery = { 
/**
 * The key runs are grouped by; none: session.id,
 * gen_ai.conversation.id, session_id, thread_id, conversation_id.
 */
key?: string, 
/**
 * Only runs whose root name, id, a service or an agent state holds
 * this text (the trace list's filter).
 */
run_text?: string, 
/**
 * Only runs at least this long.
 */
run_min_ns: number, };

export type SessionsDoc = { 
/**
 * The keys looked for.
 */
keys: Array<string>, 
/**
 * Sessions, the latest started first.
 */
sessions: Array<SessionRow>, 
/**
 * Runs that carry none of the keys.
 */
runs_without_session: number, };

export type SessionRow = { 
/**
 * The key it was found by, and its value.
 */
key: string, value: string, 
/**
 * Its runs, earliest first.
 */
runs: Array<SessionRun>, start_time_unix_nano: number, 
/**
 * From the first run's start to the last one's end.
 */
span_ns: number, 
/**
 * The runs' durations summed.
 */
busy_ns: number, input_tokens: number, output_tokens: number, cost_usd: number, problems: number, };

/**
 * One run of a session.
 */
export type SessionRun = { trace_id: string, root_name: string, start_time_unix_nano: number, duration_ns: number, llm_calls: number, input_tokens: number, output_tokens: number, cost_usd: number, 
/**
 * Failed, timed-out or dead agents and error spans.
 */
problems: number, };

/**
 * What a front asks of [`crate::Session::health`].
 */
export type HealthQuery = { 
/**
 * The bucket width in seconds; none: about 60 over the range.
 */
bucket_s?: number, 
/**
 * Only executions that started this many seconds before the data's
 * latest instant.
 */
since_s?: number, 
/**
 * Only runs whose root name, id, a service or an agent state holds
 * this text (the trace list's filter).
 */
run_text?: string, 
/**
 * Only runs at least this long.
 */
run_min_ns: number, };

export type HealthDoc = { 
/**
 * The first bucket's start and every bucket's width.
 */
from_ns: number, bucket_ns: number, buckets: number, 
/**
 * Agents by name.
 */
agents: Array<AgentHealth>, 
/**
 * Dead agents, the latest first.
 */
dead: Array<DeadAgent>, };

/**
 * One agent's series: counts per bucket, by how executions ended.
 */
export type AgentHealth = { agent: string, runs: Array<number>, failed: Array<number>, timeout: Array<number>, dead: Array<number>, total_runs: number, 
/**
 * Failed, timed out or dead, in all.
 */
total_problems: number, 
/**
 * The executions' duration per bucket: median and 95th percentile
 * (interpolated between ranks, as the report's), 0 where no run.
 */
p50_ns: Array<number>, p95_ns: Array<number>, };

/**
 * An agent that died: when it started and last beat, what it was doing.
 */
export type DeadAgent = { agent: string, trace_id: string, span_id: string, start_time_unix_nano: number, 
/**
 * Its last heartbeat, if it sent any.
 */
last_heartbeat_unix_nano: number | null, 
/**
 * The last span it started under it (the step it was in when it
 * stopped), or empty when it started none.
 */
doing: string, reason: string, };

/**
 * What a front asks of [`crate::Session::calls`].
 */
export type CallQuery = { 
/**
 * `llm` (the default), `tool` or `agent`.
 */
class?: string, 
/**
 * `duration` (the default), `ttft`, `tokens`, `cost` or `start`.
 */
sort?: string, model?: string, tool?: string, agent?: string, 
/**
 * Only calls that failed.
 */
errors: boolean, min_duration_ns: number, 
/**
 * Text in the name, service, model, tool or agent.
 */
q?: string, offset: number, 
/**
 * At most 5,000 (default 500).
 */
limit?: number, 
/**
 * Only runs whose root name, id, a service or an agent state holds
 * this text (the trace list's filter).
 */
run_text?: string, 
/**
 * Only runs at least this long.
 */
run_min_ns: number, };

export type CallsDoc = { rows: Array<CallRow>, offset: number, 
/**
 * Calls that passed the filter (more than `rows` when paged).
 */
matched: number, 
/**
 * Calls of the class in the data.
 */
total: number, };

/**
 * One row of the table.
 */
export type CallRow = { trace_id: string, span_id: string, 
/**
 * The node in its trace (the columns' `node`), to select it.
 */
node: number, name: string, service: string, start_time_unix_nano: number, duration_ns: number, 
/**
 * "ok", "error", or the agent's state.
 */
status: string, 
/**
 * The agent the call ran under (the nearest agent above it, or itself).
 */
agent: string | null, model: string | null, tool: string | null, ttft_ns: number | null, input_tokens: number | null, output_tokens: number | null, cache_read_tokens: number | null, reasoning_tokens: number | null, 
/**
 * Output tokens per second of the call.
 */
tokens_per_s: number | null, cost_usd: number | null, };

/**
 * What a front asks of [`crate::Session::diff`].
 */
export type DiffQuery = { 
/**
 * Side A: a trace id (full or unique prefix).
 */
a: string, 
/**
 * Side B: a trace id; without it, a baseline of good runs.
 */
b?: string, 
/**
 * The baseline's size: the last this many good runs with A's root
 * operation, A left out.
 */
baseline?: number, 
/**
 * A page of the rows: from `offset`, at most `limit` (all when absent).
 */
offset?: number, limit?: number, 
/**
 * Only the rows that differ, with their ancestors.
 */
differences: boolean, };

/**
 * Two runs (or a run and a baseline) aligned step by step.
 */
export type DiffDoc = { a: DiffSide, b: DiffSide, counts: DiffCounts, 
/**
 * The first step (index into each critical path) where the two
 * critical paths part; none when they are the same.
 */
critical_parts_at: number | null, 
/**
 * Rows in the whole merged tree (or, for a page of differences, in
 * the differences and their ancestors), and where `rows` starts in them.
 */
rows_total: number, rows_offset: number, rows: Array<DiffRow>, };

/**
 * What a whole side is, its figures side by side with the other's.
 */
export type DiffSide = { 
/**
 * The runs the side stands for: one, or the baseline's.
 */
trace_ids: Array<string>, 
/**
 * The root span's name.
 */
root: string, duration_ns: number, spans: number, errors: number, 
/**
 * Self time per class and per phase.
 */
breakdown: ClassBreakdown, phases: PhaseBreakdown, llm_calls: number, input_tokens: number, output_tokens: number, 
/**
 * The steps of the critical path, in time order.
 */
critical_path: Array<CriticalStep>, };

export type DiffCounts = { same: number, changed: number, only_a: number, only_b: number, };

/**
 * One row of the merged tree, in preorder.
 */
export type DiffRow = { 
/**
 * Its place in the whole merged tree (what a critical step's `row` names).
 */
index: number, depth: number, label: string, class: SpanClass, kind: RowKind, a: StepFigures | null, b: StepFigures | null, changes: Array<Change>, 
/**
 * Rows below this one (it excluded): a whole subtree only on one side
 * is one `only_*` row and these.
 */
below: number, };

export type RowKind = "same" | "changed" | "only_a" | "only_b";

/**
 * One difference of a matched step, for people: the field and each side's value.
 */
export type Change = { field: string, a: string | null, b: string | null, };

/**
 * A step of a critical path and the merged row it is.
 */
export type CriticalStep = { label: string, row: number, };

/**
 * One step's figures on one side. For a baseline, each is the median (or,
 * for state, error and model, the most common value) over the runs that
 * took the step.
 */
export type StepFigures = { 
/**
 * The span, for a single run (none for a baseline or a missing parent).
 */
span_id: string | null, 
/**
 * Its node in its trace, for a single run.
 */
node: number | null, 
/**
 * How many of the side's runs took the step (1 for a single run).
 */
runs: number, 
/**
 * Start, from the run's start.
 */
offset_ns: number, duration_ns: number, self_ns: number, state: AgentState | null, error: string | null, model: string | null, input_tokens: number | null, output_tokens: number | null, ttft_ns: number | null, };

/**
 * What a front asks of [`crate::Session::graph`].
 */
export type GraphQuery = { 
/**
 * One trace (full id or unique prefix); without it, every run the
 * run filter keeps.
 */
trace?: string, run_text?: string, run_min_ns: number, };

export type GraphDoc = { traces: number, spans: number, nodes: Array<GraphNode>, 
/**
 * Sorted by (from, to).
 */
edges: Array<GraphEdge>, };

export type GraphNode = { id: number, kind: GraphNodeKind, name: string, 
/**
 * Self time of its spans.
 */
self_ns: number, 
/**
 * For one trace: its spans' nodes in the tree, so that a view can
 * select or filter them; empty across traces.
 */
nodes: Array<number>, calls: number, 
/**
 * Calls that ended with error status or as a failed, timed-out or dead agent.
 */
errors: number, duration_ns: number, input_tokens: number, output_tokens: number, };

export type GraphEdge = { from: number, to: number, calls: number, 
/**
 * Calls that ended with error status or as a failed, timed-out or dead agent.
 */
errors: number, duration_ns: number, input_tokens: number, output_tokens: number, };

export type GraphNodeKind = "service" | "agent" | "tool" | "model";

/**
 * Calls, time, tokens and errors: what a node did, or what passed along an edge.
 */
export type GraphFigures = { calls: number, 
/**
 * Calls that ended with error status or as a failed, timed-out or dead agent.
 */
errors: number, duration_ns: number, input_tokens: number, output_tokens: number, };
