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
logs_by_level: { [key in string]: number }, };

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

export type LlmCall = { model: string | null, system: string | null, input_tokens: number | null, output_tokens: number | null, total_tokens: number | null, ttft_ns: number | null, model_latency_ns: number | null, network_latency_ns: number | null, duration_ns: number, };

export type AgentExecution = { name: string, state: AgentState, 
/**
 * Why the state was chosen, for people ("ran 35.0s, past its 30s timeout").
 */
reason: string, duration_ns: number, timeout_ns: number, last_heartbeat_ns: number | null, heartbeats: number, error: string | null, };

export type Breakdown = { 
/**
 * The subtree's root node; the primary root for a whole trace.
 */
node: number | null, name: string, total_ns: number, by_class_ns: ClassBreakdown, by_phase_ns: PhaseBreakdown, llm: LlmTotals, top_self_time: Array<Bottleneck>, };

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
