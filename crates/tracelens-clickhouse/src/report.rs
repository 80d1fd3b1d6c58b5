//! The performance report over stored runs, computed by ClickHouse: the
//! model's [`Report`] document, filled from SQL so that ten million stored
//! spans are never fetched. Agent groups come from agent_executions (the
//! states the analyses gave), models from performance_metrics, span groups,
//! costliest spans and error kinds from otel_traces.
//!
//! Same meaning as the model's report, with these differences, named in
//! [`Report::not_computed`] where they apply: bottlenecks need each run's
//! critical path (a walk of its span tree, not a GROUP BY); LLM and tool
//! shares need span classes, decided by the model; the range selects spans
//! (and executions, calls) that started in it, where the model selects whole
//! runs by their start.

use crate::names::qualified;
use crate::schema::detect;
use crate::{ChError, Conn};
use clickhouse::Row;
use serde::Deserialize;
use tracelens_model::cost::{cost_of, PriceTable};
use tracelens_model::health::{self, AgentHealth, DeadAgent, HealthDoc};
use tracelens_model::report::{
    CostlySpan, ErrorKindRow, Example, GroupBy, GroupRow, ModelRow, Report, StateCounts,
};

/// Words otel_traces variants use for error status.
const ERROR_WORDS: &str = "('Error', 'STATUS_CODE_ERROR')";

/// One group, as the SQL gives it.
#[derive(Row, Deserialize, Debug)]
struct GroupSql {
    key: String,
    count: u64,
    errors: u64,
    completed: u64,
    failed: u64,
    timeout: u64,
    dead: u64,
    running: u64,
    pending: u64,
    q: Vec<f64>,
    max_ns: u64,
    total_ns: u64,
    self_ns: Option<u64>,
    slow_trace: String,
    slow_span: String,
    failed_trace: String,
    failed_span: String,
    failed_ns: u64,
    /// Groups in all, before the LIMIT (a window over the grouped rows).
    groups_total: u64,
}

fn example(trace: String, span: String, ns: u64) -> Option<Example> {
    (!trace.is_empty()).then_some(Example {
        trace_id: trace,
        span_id: span,
        duration_ns: ns,
    })
}

impl GroupSql {
    fn row(self, class: &str) -> GroupRow {
        let q = |i: usize| self.q.get(i).copied().unwrap_or(f64::NAN);
        GroupRow {
            class: class.to_string(),
            count: self.count,
            errors: self.errors,
            states: StateCounts {
                completed: self.completed,
                failed: self.failed,
                timeout: self.timeout,
                dead: self.dead,
                running: self.running,
                pending: self.pending,
            },
            p50_ns: q(0),
            p95_ns: q(1),
            p99_ns: q(2),
            max_ns: self.max_ns,
            self_ns: self.self_ns,
            llm_ns: None,
            tool_ns: None,
            total_ns: self.total_ns,
            cost_usd: None,
            slowest: example(self.slow_trace, self.slow_span, self.max_ns),
            failed: example(self.failed_trace, self.failed_span, self.failed_ns),
            key: self.key,
        }
    }
}

#[derive(Row, Deserialize, Debug)]
struct ModelSql {
    model: String,
    calls: u64,
    errors: u64,
    input_tokens: i64,
    output_tokens: i64,
    q: Vec<f64>,
    ttft_n: u64,
    ttft_q: Vec<f64>,
    total_ns: u64,
    slow_trace: String,
    slow_span: String,
    slow_ns: u64,
}

#[derive(Row, Deserialize, Debug)]
struct CostlySql {
    trace_id: String,
    span_id: String,
    name: String,
    service: String,
    duration_ns: i64,
    self_ns: i64,
}

#[derive(Row, Deserialize, Debug)]
struct ErrorSql {
    kind: String,
    count: u64,
    traces: u64,
    name: String,
    trace_id: String,
    span_id: String,
    duration_ns: u64,
}

/// What the report asks of the server.
#[derive(Debug, Clone)]
pub struct ReportRange {
    pub from_s: i64,
    pub to_s: i64,
    pub group_by: GroupBy,
    pub top: u32,
    pub max_groups: u32,
    /// What LLM calls cost.
    pub prices: PriceTable,
}

/// The agent_executions part: groups of executions by agent name.
fn agent_groups_sql(ex: &str) -> String {
    format!(
        "SELECT toString(agent_name) AS key, count() AS count, \
           countIf(state IN ('failed', 'timeout', 'dead')) AS errors, \
           countIf(state = 'completed') AS completed, countIf(state = 'failed') AS failed, \
           countIf(state = 'timeout') AS timeout, countIf(state = 'dead') AS dead, \
           countIf(state = 'running') AS running, countIf(state = 'pending') AS pending, \
           arrayMap(x -> toFloat64(x), quantiles(0.5, 0.95, 0.99)(duration_ns)) AS q, \
           toUInt64(max(duration_ns)) AS max_ns, toUInt64(sum(duration_ns)) AS total_ns, \
           CAST(NULL, 'Nullable(UInt64)') AS self_ns, \
           argMax(trace_id, duration_ns) AS slow_trace, argMax(span_id, duration_ns) AS slow_span, \
           argMinIf(trace_id, start_time, state IN ('failed', 'timeout', 'dead')) AS failed_trace, \
           argMinIf(span_id, start_time, state IN ('failed', 'timeout', 'dead')) AS failed_span, \
           toUInt64(argMinIf(duration_ns, start_time, state IN ('failed', 'timeout', 'dead'))) AS failed_ns, \
           toUInt64(count() OVER ()) AS groups_total \
         FROM {ex} FINAL \
         WHERE start_time >= toDateTime({{from:Int64}}) AND start_time < toDateTime({{to:Int64}}) \
         GROUP BY key ORDER BY q[2] DESC, key LIMIT {{limit:UInt32}}"
    )
}

/// Spans with their self time, as a subquery over otel_traces `t` in the
/// range. Self time is the model's: the duration less the union of the
/// children's intervals clipped to the span, so children that run in
/// parallel, or outlast their parent, are not counted twice. The union is
/// a sweep over each parent's children in start order (a window function:
/// the latest end before each child), which any ClickHouse since 21.x runs.
fn spans_with_self(t: &str, key: &str, filter: &str) -> String {
    let range = "Timestamp >= toDateTime({from:Int64}) AND Timestamp < toDateTime({to:Int64})";
    let children = format!(
        "SELECT TraceId, ParentSpanId, toInt64(sum(greatest(toInt64(0), en - greatest(st, prev_end)))) AS child_union \
         FROM (SELECT k.TraceId AS TraceId, k.ParentSpanId AS ParentSpanId, \
                 greatest(k.st, p.ps) AS st, least(k.en, p.pe) AS en, \
                 max(least(k.en, p.pe)) OVER (PARTITION BY k.TraceId, k.ParentSpanId \
                   ORDER BY greatest(k.st, p.ps), least(k.en, p.pe) \
                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS prev_end \
               FROM (SELECT TraceId, ParentSpanId, toInt64(toUnixTimestamp64Nano(Timestamp)) AS st, \
                       st + greatest(toInt64(Duration), 0) AS en FROM {t} WHERE {range}) AS k \
               INNER JOIN (SELECT TraceId, SpanId, toInt64(toUnixTimestamp64Nano(Timestamp)) AS ps, \
                       ps + greatest(toInt64(Duration), 0) AS pe FROM {t} WHERE {range}) AS p \
                 ON k.TraceId = p.TraceId AND k.ParentSpanId = p.SpanId) \
         GROUP BY TraceId, ParentSpanId"
    );
    format!(
        "SELECT {key} AS key, toString(s.TraceId) AS trace_id, toString(s.SpanId) AS span_id, \
           toUInt64(greatest(toInt64(s.Duration), 0)) AS d, \
           toUInt64(greatest(toInt64(s.Duration) - toInt64(ifNull(c.child_union, 0)), 0)) AS self, \
           toString(s.ServiceName) AS service, \
           toString(s.StatusCode) IN {ERROR_WORDS} AS err, s.Timestamp AS ts \
         FROM (SELECT TraceId, SpanId, SpanName, ServiceName, SpanAttributes, Duration, StatusCode, Timestamp \
               FROM {t} WHERE {range} {filter}) AS s \
         LEFT JOIN ({children}) AS c \
           ON s.TraceId = c.TraceId AND s.SpanId = c.ParentSpanId"
    )
}

/// The otel_traces part: groups of spans by `key`, with the states of the
/// agent spans among them from agent_executions `ex` when it is there.
fn span_groups_sql(t: &str, ex: Option<&str>, key: &str, filter: &str) -> String {
    let inner = spans_with_self(t, key, filter);
    let spans = match ex {
        Some(ex) => format!(
            "SELECT x.*, ifNull(a.st, '') AS agent_state FROM ({inner}) AS x \
             LEFT JOIN (SELECT trace_id, span_id, toString(state) AS st FROM {ex} FINAL) AS a \
               ON x.trace_id = a.trace_id AND x.span_id = a.span_id"
        ),
        None => format!("SELECT *, '' AS agent_state FROM ({inner})"),
    };
    format!(
        "SELECT key, count() AS count, countIf(fail) AS errors, \
           countIf(agent_state = 'completed') AS completed, countIf(agent_state = 'failed') AS failed, \
           countIf(agent_state = 'timeout') AS timeout, countIf(agent_state = 'dead') AS dead, \
           countIf(agent_state = 'running') AS running, countIf(agent_state = 'pending') AS pending, \
           arrayMap(x -> toFloat64(x), quantiles(0.5, 0.95, 0.99)(d)) AS q, \
           max(d) AS max_ns, sum(d) AS total_ns, CAST(sum(self), 'Nullable(UInt64)') AS self_ns, \
           argMax(trace_id, d) AS slow_trace, argMax(span_id, d) AS slow_span, \
           argMinIf(trace_id, ts, fail) AS failed_trace, argMinIf(span_id, ts, fail) AS failed_span, \
           argMinIf(d, ts, fail) AS failed_ns, toUInt64(count() OVER ()) AS groups_total \
         FROM (SELECT *, err OR agent_state IN ('failed', 'timeout', 'dead') AS fail FROM ({spans})) \
         GROUP BY key ORDER BY q[2] DESC, key LIMIT {{limit:UInt32}} \
         SETTINGS join_use_nulls = 1"
    )
}

/// The performance_metrics part: groups of LLM calls by model, their error
/// status read from otel_traces when it is there.
fn model_groups_sql(pm: &str, otel: Option<&str>) -> String {
    let (join, err) = match otel {
        Some(t) => (
            format!(
                "LEFT JOIN (SELECT toString(TraceId) AS trace_id, toString(SpanId) AS span_id, \
                   toString(StatusCode) IN {ERROR_WORDS} AS err FROM {t} \
                   WHERE Timestamp >= toDateTime({{from:Int64}}) AND Timestamp < toDateTime({{to:Int64}})) AS o \
                 ON m.trace_id = o.trace_id AND m.span_id = o.span_id"
            ),
            "countIf(ifNull(o.err, 0) = 1)",
        ),
        None => (String::new(), "toUInt64(0)"),
    };
    format!(
        "SELECT if(toString(m.model) = '', '(unknown)', toString(m.model)) AS model, count() AS calls, \
           {err} AS errors, \
           toInt64(sum(ifNull(m.prompt_tokens, 0))) AS input_tokens, \
           toInt64(sum(ifNull(m.completion_tokens, 0))) AS output_tokens, \
           arrayMap(x -> toFloat64(x), quantiles(0.5, 0.95, 0.99)(m.duration_ns)) AS q, \
           count(m.ttft_ms) AS ttft_n, \
           arrayMap(x -> toFloat64(x) * 1e6, quantilesIf(0.5, 0.95)(assumeNotNull(m.ttft_ms), isNotNull(m.ttft_ms))) AS ttft_q, \
           toUInt64(sum(m.duration_ns)) AS total_ns, \
           argMax(m.trace_id, m.duration_ns) AS slow_trace, argMax(m.span_id, m.duration_ns) AS slow_span, \
           toUInt64(max(m.duration_ns)) AS slow_ns \
         FROM (SELECT * FROM {pm} FINAL \
               WHERE timestamp >= toDateTime({{from:Int64}}) AND timestamp < toDateTime({{to:Int64}})) AS m {join} \
         GROUP BY model ORDER BY calls DESC, model \
         SETTINGS join_use_nulls = 1"
    )
}

/// Error kinds: spans with error status or an exception event, by the
/// exception's type, else the status message's first line, else "error
/// status"; and agents that timed out or died, from agent_executions.
fn error_kinds_sql(t: &str, ex: Option<&str>, events: bool) -> String {
    let exception = if events {
        "has(Events.Name, 'exception') AND Events.Attributes[indexOf(Events.Name, 'exception')]['exception.type'] != '', \
           Events.Attributes[indexOf(Events.Name, 'exception')]['exception.type'], "
    } else {
        ""
    };
    let has_exception = if events {
        " OR has(Events.Name, 'exception')"
    } else {
        ""
    };
    // A timed-out or dead agent counts once, as such, as in the model.
    let not_agent = match ex {
        Some(ex) => format!(
            " AND (toString(TraceId), toString(SpanId)) NOT IN \
               (SELECT trace_id, span_id FROM {ex} FINAL WHERE state IN ('timeout', 'dead'))"
        ),
        None => String::new(),
    };
    let spans = format!(
        "SELECT multiIf({exception}StatusMessage != '', substringUTF8(splitByChar('\\n', StatusMessage)[1], 1, 80), \
                  'error status') AS kind, \
           toString(TraceId) AS tid, toString(SpanId) AS sid, toString(SpanName) AS span_name, \
           toUInt64(greatest(toInt64(Duration), 0)) AS d, Timestamp AS ts \
         FROM {t} WHERE Timestamp >= toDateTime({{from:Int64}}) AND Timestamp < toDateTime({{to:Int64}}) \
           AND (toString(StatusCode) IN {ERROR_WORDS}{has_exception}){not_agent}"
    );
    let agents = match ex {
        Some(ex) => format!(
             " UNION ALL SELECT concat('agent ', toString(state)) AS kind, trace_id AS tid, span_id AS sid, toString(operation) AS span_name, \
               duration_ns AS d, start_time AS ts \
             FROM {ex} FINAL WHERE start_time >= toDateTime({{from:Int64}}) AND start_time < toDateTime({{to:Int64}}) \
               AND state IN ('timeout', 'dead')"
        ),
        None => String::new(),
    };
    format!(
        "SELECT kind, count() AS count, uniqExact(tid) AS traces, argMin(span_name, ts) AS name, \
           argMin(tid, ts) AS trace_id, argMin(sid, ts) AS span_id, argMin(d, ts) AS duration_ns \
         FROM ({spans}{agents}) GROUP BY kind ORDER BY count DESC, kind LIMIT {{top:UInt32}}"
    )
}

fn costly_sql(t: &str) -> String {
    let inner = spans_with_self(t, "toString(s.SpanName)", "");
    format!(
        "SELECT trace_id, span_id, key AS name, service, toInt64(d) AS duration_ns, toInt64(self) AS self_ns \
         FROM ({inner}) ORDER BY self_ns DESC, span_id LIMIT {{top:UInt32}} \
         SETTINGS join_use_nulls = 1"
    )
}

impl ModelSql {
    /// `cost_usd` from the stored token counts: performance_metrics keeps
    /// no cache or reasoning counts, so cached input is priced as input.
    fn row(self, prices: &PriceTable) -> ModelRow {
        let qv = |v: &[f64], i: usize| v.get(i).copied().unwrap_or(f64::NAN);
        let cost = prices
            .lookup(&self.model)
            .filter(|_| self.input_tokens > 0 || self.output_tokens > 0)
            .map(|p| cost_of(&p, self.input_tokens, self.output_tokens, 0, 0));
        ModelRow {
            cache_read_tokens: 0,
            cache_write_tokens: 0,
            reasoning_tokens: 0,
            cost_usd: cost,
            calls: self.calls,
            errors: self.errors,
            input_tokens: self.input_tokens,
            output_tokens: self.output_tokens,
            p50_ns: qv(&self.q, 0),
            p95_ns: qv(&self.q, 1),
            ttft_p50_ns: (self.ttft_n > 0).then(|| qv(&self.ttft_q, 0)),
            ttft_p95_ns: (self.ttft_n > 0).then(|| qv(&self.ttft_q, 1)),
            total_ns: self.total_ns,
            slowest: example(self.slow_trace, self.slow_span, self.slow_ns),
            model: self.model,
        }
    }

    /// The model as a row of the main table (group by model).
    fn group(&self) -> GroupRow {
        let qv = |i: usize| self.q.get(i).copied().unwrap_or(f64::NAN);
        GroupRow {
            key: self.model.clone(),
            class: "llm".into(),
            count: self.calls,
            errors: self.errors,
            states: StateCounts::default(),
            p50_ns: qv(0),
            p95_ns: qv(1),
            p99_ns: qv(2),
            max_ns: self.slow_ns,
            self_ns: None,
            llm_ns: None,
            tool_ns: None,
            total_ns: self.total_ns,
            cost_usd: None,
            slowest: example(
                self.slow_trace.clone(),
                self.slow_span.clone(),
                self.slow_ns,
            ),
            failed: None,
        }
    }
}

/// The report for [from_s, to_s). Parts whose tables are missing are empty
/// and named in `not_computed`.
pub async fn report(conn: &Conn, range: &ReportRange) -> Result<Report, ChError> {
    let schema = detect(conn).await?;
    let db = &conn.cfg.database;
    if !schema.agent_tables && schema.otel.is_none() {
        return Err(ChError::Missing {
            database: db.clone(),
            what: "agent or otel_traces tables".into(),
            otel: "",
        });
    }
    let ns = |s: i64| (s.max(0) as u64).saturating_mul(1_000_000_000);
    let mut r = Report {
        from_ns: ns(range.from_s),
        to_ns: ns(range.to_s),
        group_by: range.group_by.label(),
        ..Report::default()
    };
    let otel = schema
        .otel
        .as_ref()
        .map(|o| qualified(db, &o.table))
        .transpose()?;
    let ex = schema
        .agent_tables
        .then(|| qualified(db, "agent_executions"))
        .transpose()?;
    let pm = schema
        .agent_tables
        .then(|| qualified(db, "performance_metrics"))
        .transpose()?;
    let q = |sql: String| {
        conn.client
            .query(&sql)
            .param("from", range.from_s)
            .param("to", range.to_s)
            .param("top", range.top.max(1))
            .param("limit", range.max_groups.max(1))
    };

    if let Some(t) = &otel {
        #[derive(Row, Deserialize)]
        struct Counts {
            traces: u64,
            spans: u64,
        }
        let c = conn
            .call(
                q(format!(
                    "SELECT uniqExact(TraceId) AS traces, count() AS spans FROM {t} \
                     WHERE Timestamp >= toDateTime({{from:Int64}}) AND Timestamp < toDateTime({{to:Int64}})"
                ))
                .fetch_one::<Counts>(),
            )
            .await?;
        r.traces = c.traces;
        r.spans = c.spans;
    }

    let models = match &pm {
        Some(pm) => {
            conn.call(q(model_groups_sql(pm, otel.as_deref())).fetch_all::<ModelSql>())
                .await?
        }
        None => Vec::new(),
    };

    // The main table.
    let span_groups = |key: &str, filter: &str| {
        otel.as_deref()
            .map(|t| span_groups_sql(t, ex.as_deref(), key, filter))
    };
    let sql = match &range.group_by {
        GroupBy::Agent => ex.as_deref().map(agent_groups_sql),
        GroupBy::Model => None,
        GroupBy::Operation => span_groups("toString(s.SpanName)", ""),
        GroupBy::Service => span_groups("toString(s.ServiceName)", ""),
        GroupBy::Attribute(_) if schema.otel.as_ref().is_some_and(|o| o.attrs == "Map") => {
            span_groups(
                "s.SpanAttributes[{key:String}]",
                "AND mapContains(SpanAttributes, {key:String})",
            )
        }
        GroupBy::Attribute(_) => None,
    };
    if let Some(sql) = sql {
        let mut query = q(sql);
        if let GroupBy::Attribute(k) = &range.group_by {
            query = query.param("key", k.as_str());
        }
        let class = if range.group_by == GroupBy::Agent {
            "agent"
        } else {
            "mixed"
        };
        let rows = conn.call(query.fetch_all::<GroupSql>()).await?;
        r.groups_total = rows.first().map_or(0, |g| g.groups_total);
        r.groups = rows.into_iter().map(|g| g.row(class)).collect();
    } else if range.group_by == GroupBy::Model && pm.is_some() {
        r.groups = models.iter().map(ModelSql::group).collect();
        r.groups.sort_by(|a, b| {
            b.p95_ns
                .total_cmp(&a.p95_ns)
                .then_with(|| a.key.cmp(&b.key))
        });
        r.groups_total = r.groups.len() as u64;
        r.groups.truncate(range.max_groups.max(1) as usize);
    } else {
        r.not_computed.push(format!(
            "groups by {}: the table they come from is not in database {db} (or its attributes are not a Map)",
            range.group_by.label()
        ));
    }
    r.not_computed
        .push("LLM and tool shares: span classes are decided by the analyses, not stored".into());
    r.models = models.into_iter().map(|m| m.row(&range.prices)).collect();
    r.cost_usd = r.models.iter().filter_map(|m| m.cost_usd).sum();
    r.unpriced_models = r
        .models
        .iter()
        .filter(|m| range.prices.lookup(&m.model).is_none())
        .map(|m| m.model.clone())
        .collect();
    if pm.is_some() {
        r.not_computed.push(
            "cache and reasoning tokens, costs per agent and per run: performance_metrics keeps input and output counts per call only (cached input is priced as input)"
                .into(),
        );
    }

    let events = schema
        .otel
        .as_ref()
        .is_some_and(|o| o.columns.iter().any(|c| c == "Events.Attributes"));
    if let Some(t) = &otel {
        r.top_self_time = conn
            .call(q(costly_sql(t)).fetch_all::<CostlySql>())
            .await?
            .into_iter()
            .map(|c| CostlySpan {
                trace_id: c.trace_id,
                span_id: c.span_id,
                name: c.name,
                service: c.service,
                duration_ns: c.duration_ns.max(0) as u64,
                self_ns: c.self_ns.max(0) as u64,
            })
            .collect();
        r.errors = conn
            .call(q(error_kinds_sql(t, ex.as_deref(), events)).fetch_all::<ErrorSql>())
            .await?
            .into_iter()
            .map(|e| ErrorKindRow {
                kind: e.kind,
                count: e.count,
                traces: e.traces,
                name: e.name,
                example: Example {
                    trace_id: e.trace_id,
                    span_id: e.span_id,
                    duration_ns: e.duration_ns,
                },
            })
            .collect();
    } else {
        r.not_computed.push(format!(
            "costliest spans and error kinds: no otel_traces in database {db}"
        ));
    }
    r.not_computed.push(
        "bottlenecks: each run's critical path is a walk of its span tree (open a run, or report over files)"
            .into(),
    );
    Ok(r)
}

#[derive(Row, Deserialize, Debug)]
struct SpanOfStarts {
    lo: u64,
    hi: u64,
    n: u64,
}

#[derive(Row, Deserialize, Debug)]
struct BucketSql {
    agent: String,
    b: u64,
    runs: u64,
    failed: u64,
    timeout: u64,
    dead: u64,
    /// Duration p50 and p95 (interpolated, as the model's).
    q: Vec<u64>,
}

#[derive(Row, Deserialize, Debug)]
struct DeadSql {
    agent: String,
    trace_id: String,
    span_id: String,
    start_ns: u64,
    last_beat_ns: u64,
    reason: String,
}

/// The most dead agents listed.
const MAX_DEAD: u32 = 1_000;

#[derive(Row, Deserialize)]
struct DoingSql {
    trace_id: String,
    span_id: String,
    doing: String,
}

/// What each dead agent was doing: the name of its latest-started child
/// span in otel_traces (the model takes the latest in its whole subtree;
/// agents' steps are their direct children in the producers we read).
/// Empty where otel_traces is absent or has no child.
async fn dead_doing(
    conn: &Conn,
    otel_table: &str,
    from_s: i64,
    dead: &mut [DeadAgent],
) -> Result<(), ChError> {
    if dead.is_empty() {
        return Ok(());
    }
    let tids: Vec<&str> = dead.iter().map(|d| d.trace_id.as_str()).collect();
    let sids: Vec<&str> = dead.iter().map(|d| d.span_id.as_str()).collect();
    let rows = conn
        .call(
            conn.client
                .query(&format!(
                    "SELECT toString(TraceId) AS trace_id, toString(ParentSpanId) AS span_id, \
                       toString(argMax(SpanName, Timestamp)) AS doing \
                     FROM {otel_table} WHERE Timestamp >= toDateTime({{from:Int64}}) \
                       AND TraceId IN {{tids:Array(String)}} AND ParentSpanId IN {{sids:Array(String)}} \
                     GROUP BY TraceId, ParentSpanId"
                ))
                .param("from", from_s)
                .param("tids", tids)
                .param("sids", sids)
                .fetch_all::<DoingSql>(),
        )
        .await?;
    let by: std::collections::HashMap<(String, String), String> = rows
        .into_iter()
        .map(|r| ((r.trace_id, r.span_id), r.doing))
        .collect();
    for d in dead.iter_mut() {
        if let Some(doing) = by.get(&(d.trace_id.clone(), d.span_id.clone())) {
            d.doing = doing.clone();
        }
    }
    Ok(())
}

/// Agent health over stored executions (agent_executions) in [from_s,
/// to_s): the model's [`HealthDoc`], its buckets aligned to the epoch the
/// same way, counted by ClickHouse. A dead agent's last heartbeat is the
/// row's version (its last sign of life when it has no end); what it was
/// doing is its latest child span in otel_traces (see `dead_doing`).
pub async fn health(
    conn: &Conn,
    from_s: i64,
    to_s: i64,
    bucket_ns: Option<u64>,
) -> Result<HealthDoc, ChError> {
    let schema = detect(conn).await?;
    let db = &conn.cfg.database;
    if !schema.agent_tables {
        return Err(ChError::Missing {
            database: db.clone(),
            what: "agent_executions".into(),
            otel: "",
        });
    }
    let ex = qualified(db, "agent_executions")?;
    let range = "start_time >= toDateTime({from:Int64}) AND start_time < toDateTime({to:Int64})";
    let q = |sql: String| {
        conn.client
            .query(&sql)
            .param("from", from_s)
            .param("to", to_s)
    };
    let s = conn
        .call(
            q(format!(
                "SELECT toUInt64(ifNull(min(toUnixTimestamp64Nano(start_time)), 0)) AS lo, \
                   toUInt64(ifNull(max(toUnixTimestamp64Nano(start_time)), 0)) AS hi, count() AS n \
                 FROM {ex} FINAL WHERE {range}"
            ))
            .fetch_one::<SpanOfStarts>(),
        )
        .await?;
    if s.n == 0 {
        return Ok(HealthDoc::default());
    }
    let (first, bucket, buckets) = health::buckets(s.lo, s.hi, bucket_ns);
    let rows = conn
        .call(
            q(format!(
                "SELECT toString(agent_name) AS agent, \
                   toUInt64(intDiv(toUInt64(toUnixTimestamp64Nano(start_time)) - {{first:UInt64}}, {{bucket:UInt64}})) AS b, \
                   count() AS runs, countIf(state = 'failed') AS failed, \
                   countIf(state = 'timeout') AS timeout, countIf(state = 'dead') AS dead, \
                   arrayMap(x -> toUInt64(x), quantilesExactInclusive(0.5, 0.95)(duration_ns)) AS q \
                 FROM {ex} FINAL WHERE {range} GROUP BY agent, b ORDER BY agent, b"
            ))
            .param("first", first)
            .param("bucket", bucket)
            .fetch_all::<BucketSql>(),
        )
        .await?;
    let mut agents: Vec<AgentHealth> = Vec::new();
    for r in rows {
        if agents.last().is_none_or(|a| a.agent != r.agent) {
            agents.push(AgentHealth {
                agent: r.agent.clone(),
                runs: vec![0; buckets as usize],
                failed: vec![0; buckets as usize],
                timeout: vec![0; buckets as usize],
                dead: vec![0; buckets as usize],
                p50_ns: vec![0; buckets as usize],
                p95_ns: vec![0; buckets as usize],
                ..AgentHealth::default()
            });
        }
        let (Some(a), Ok(b)) = (agents.last_mut(), usize::try_from(r.b)) else {
            continue;
        };
        if b >= a.runs.len() {
            continue;
        }
        let n = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
        a.runs[b] = n(r.runs);
        a.failed[b] = n(r.failed);
        a.timeout[b] = n(r.timeout);
        a.dead[b] = n(r.dead);
        a.p50_ns[b] = r.q.first().copied().unwrap_or(0);
        a.p95_ns[b] = r.q.get(1).copied().unwrap_or(0);
        a.total_runs += r.runs;
        a.total_problems += r.failed + r.timeout + r.dead;
    }
    let mut dead = conn
        .call(
            q(format!(
                "SELECT toString(agent_name) AS agent, trace_id, span_id, \
                   toUInt64(toUnixTimestamp64Nano(start_time)) AS start_ns, toUInt64(version) AS last_beat_ns, \
                   toString(state_reason) AS reason \
                 FROM {ex} FINAL WHERE {range} AND state = 'dead' \
                 ORDER BY start_ns DESC, span_id LIMIT {{max:UInt32}}"
            ))
            .param("max", MAX_DEAD)
            .fetch_all::<DeadSql>(),
        )
        .await?
        .into_iter()
        .map(|d| DeadAgent {
            agent: d.agent,
            trace_id: d.trace_id,
            span_id: d.span_id,
            start_time_unix_nano: d.start_ns,
            last_heartbeat_unix_nano: (d.last_beat_ns != d.start_ns).then_some(d.last_beat_ns),
            doing: String::new(),
            reason: d.reason,
        })
        .collect::<Vec<_>>();
    if let Some(otel) = &schema.otel {
        let table = qualified(db, &otel.table)?;
        dead_doing(conn, &table, from_s, &mut dead).await?;
    }
    Ok(HealthDoc {
        from_ns: first,
        bucket_ns: bucket,
        buckets,
        agents,
        dead,
    })
}
