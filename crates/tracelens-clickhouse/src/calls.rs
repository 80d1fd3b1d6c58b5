//! The calls table over stored runs: the model's [`CallsDoc`], filtered,
//! sorted and paged by ClickHouse. LLM calls come from performance_metrics
//! (their error status from otel_traces), agent executions from
//! agent_executions; tool calls from otel_traces, found by their GenAI
//! attributes (`gen_ai.operation.name = execute_tool` or a
//! `gen_ai.tool.name`; Map attributes only). A row's `node` is unknown
//! here (`u32::MAX`): its trace is opened by id, its span by `span_id`.

use crate::names::qualified;
use crate::schema::detect;
use crate::{ChError, Conn};
use clickhouse::Row;
use serde::Deserialize;
use tracelens_model::calls::{CallClass, CallFilter, CallRow, CallSort, CallsDoc, MAX_PAGE};
use tracelens_model::cost::{cost_of, PriceTable};

const ERROR_WORDS: &str = "('Error', 'STATUS_CODE_ERROR')";

#[derive(Row, Deserialize, Debug)]
struct CallSql {
    trace_id: String,
    span_id: String,
    name: String,
    service: String,
    start_ns: u64,
    duration_ns: u64,
    status: String,
    agent: String,
    model: String,
    tool: String,
    ttft_ns: Option<f64>,
    input_tokens: Option<i64>,
    output_tokens: Option<i64>,
}

#[derive(Row, Deserialize, Debug)]
struct Count {
    n: u64,
}

/// The rows of one class as one subquery with the columns of [`CallSql`].
fn rows_sql(class: CallClass, db_tables: &Tables) -> Result<String, String> {
    let range = |col: &str| {
        format!("{col} >= toDateTime({{from:Int64}}) AND {col} < toDateTime({{to:Int64}})")
    };
    match class {
        CallClass::Llm => {
            let pm = db_tables
                .pm
                .as_deref()
                .ok_or("LLM calls need performance_metrics")?;
            let (join, status) = match db_tables.otel.as_deref() {
                Some(t) => (
                    format!(
                        "LEFT JOIN (SELECT toString(TraceId) AS tid, toString(SpanId) AS sid, \
                           toString(ServiceName) AS svc, toString(StatusCode) IN {ERROR_WORDS} AS err \
                         FROM {t} WHERE {}) AS o ON m.trace_id = o.tid AND m.span_id = o.sid",
                        range("Timestamp")
                    ),
                    "if(ifNull(o.err, 0) = 1, 'error', 'ok')",
                ),
                None => (String::new(), "'ok'"),
            };
            let svc = if db_tables.otel.is_some() {
                "ifNull(o.svc, '')"
            } else {
                "''"
            };
            Ok(format!(
                "SELECT m.trace_id AS trace_id, m.span_id AS span_id, toString(m.operation) AS name, {svc} AS service, \
                   toUInt64(toUnixTimestamp64Nano(m.timestamp)) AS start_ns, toUInt64(m.duration_ns) AS duration_ns, \
                   {status} AS status, toString(m.agent_name) AS agent, toString(m.model) AS model, '' AS tool, \
                   m.ttft_ms * 1e6 AS ttft_ns, m.prompt_tokens AS input_tokens, m.completion_tokens AS output_tokens \
                 FROM (SELECT * FROM {pm} FINAL WHERE {}) AS m {join}",
                range("timestamp")
            ))
        }
        CallClass::Agent => {
            let ex = db_tables
                .ex
                .as_deref()
                .ok_or("agent executions need agent_executions")?;
            Ok(format!(
                "SELECT trace_id, span_id, toString(operation) AS name, toString(service_name) AS service, \
                   toUInt64(toUnixTimestamp64Nano(start_time)) AS start_ns, toUInt64(duration_ns) AS duration_ns, \
                   toString(state) AS status, toString(agent_name) AS agent, '' AS model, '' AS tool, \
                   CAST(NULL, 'Nullable(Float64)') AS ttft_ns, CAST(NULL, 'Nullable(Int64)') AS input_tokens, \
                   CAST(NULL, 'Nullable(Int64)') AS output_tokens \
                 FROM {ex} FINAL WHERE {}",
                range("start_time")
            ))
        }
        CallClass::Tool => {
            let t = db_tables
                .otel
                .as_deref()
                .ok_or("tool calls need otel_traces")?;
            if !db_tables.map_attrs {
                return Err("tool calls need otel_traces with Map attributes".into());
            }
            Ok(format!(
                "SELECT toString(TraceId) AS trace_id, toString(SpanId) AS span_id, toString(SpanName) AS name, \
                   toString(ServiceName) AS service, toUInt64(toUnixTimestamp64Nano(Timestamp)) AS start_ns, \
                   toUInt64(greatest(toInt64(Duration), 0)) AS duration_ns, \
                   if(toString(StatusCode) IN {ERROR_WORDS}, 'error', 'ok') AS status, \
                   if(SpanAttributes['gen_ai.agent.name'] != '', SpanAttributes['gen_ai.agent.name'], SpanAttributes['agent_name']) AS agent, \
                   '' AS model, \
                   if(SpanAttributes['gen_ai.tool.name'] != '', SpanAttributes['gen_ai.tool.name'], SpanAttributes['tool.name']) AS tool, \
                   CAST(NULL, 'Nullable(Float64)') AS ttft_ns, CAST(NULL, 'Nullable(Int64)') AS input_tokens, \
                   CAST(NULL, 'Nullable(Int64)') AS output_tokens \
                 FROM {t} WHERE {} AND (SpanAttributes['gen_ai.operation.name'] = 'execute_tool' \
                   OR mapContains(SpanAttributes, 'gen_ai.tool.name') OR mapContains(SpanAttributes, 'tool.name'))",
                range("Timestamp")
            ))
        }
    }
}

struct Tables {
    otel: Option<String>,
    map_attrs: bool,
    pm: Option<String>,
    ex: Option<String>,
}

fn order_by(sort: CallSort) -> &'static str {
    match sort {
        CallSort::Duration => "duration_ns DESC",
        CallSort::Ttft => "ttft_ns IS NULL, ttft_ns DESC",
        // Cost follows tokens here: prices are applied to the page, and a
        // model's price is not known to the server.
        CallSort::Tokens | CallSort::Cost => {
            "(input_tokens IS NULL AND output_tokens IS NULL), ifNull(input_tokens, 0) + ifNull(output_tokens, 0) DESC"
        }
        CallSort::Start => "start_ns ASC",
    }
}

/// A page of stored calls in `[from_s, to_s)`.
pub async fn calls(
    conn: &Conn,
    from_s: i64,
    to_s: i64,
    f: &CallFilter,
    prices: &PriceTable,
) -> Result<CallsDoc, ChError> {
    let schema = detect(conn).await?;
    let db = &conn.cfg.database;
    let tables = Tables {
        otel: schema
            .otel
            .as_ref()
            .map(|o| qualified(db, &o.table))
            .transpose()?,
        map_attrs: schema.otel.as_ref().is_some_and(|o| o.attrs == "Map"),
        pm: schema
            .agent_tables
            .then(|| qualified(db, "performance_metrics"))
            .transpose()?,
        ex: schema
            .agent_tables
            .then(|| qualified(db, "agent_executions"))
            .transpose()?,
    };
    let rows = rows_sql(f.class, &tables).map_err(|what| ChError::Missing {
        database: db.clone(),
        what,
        otel: "",
    })?;
    let mut conds = Vec::new();
    if f.model.is_some() {
        conds.push("model = {model:String}");
    }
    if f.tool.is_some() {
        conds.push("tool = {tool:String}");
    }
    if f.agent.is_some() {
        conds.push("agent = {agent:String}");
    }
    if f.errors_only {
        conds.push("status IN ('error', 'failed', 'timeout', 'dead')");
    }
    if f.min_duration_ns > 0 {
        conds.push("duration_ns >= {min:UInt64}");
    }
    if f.text.is_some() {
        conds.push(
            "(positionCaseInsensitiveUTF8(name, {text:String}) > 0 OR positionCaseInsensitiveUTF8(service, {text:String}) > 0 \
             OR positionCaseInsensitiveUTF8(model, {text:String}) > 0 OR positionCaseInsensitiveUTF8(tool, {text:String}) > 0 \
             OR positionCaseInsensitiveUTF8(agent, {text:String}) > 0)",
        );
    }
    let filter = if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conds.join(" AND "))
    };
    let bind = |sql: String| {
        let mut q = conn
            .client
            .query(&sql)
            .param("from", from_s)
            .param("to", to_s)
            .param("min", f.min_duration_ns);
        for (k, v) in [
            ("model", &f.model),
            ("tool", &f.tool),
            ("agent", &f.agent),
            ("text", &f.text),
        ] {
            if let Some(v) = v {
                q = q.param(k, v.as_str());
            }
        }
        q
    };
    let total = conn
        .call(bind(format!("SELECT count() AS n FROM ({rows})")).fetch_one::<Count>())
        .await?
        .n;
    let matched = conn
        .call(bind(format!("SELECT count() AS n FROM ({rows}) {filter}")).fetch_one::<Count>())
        .await?
        .n;
    let limit = f.limit.clamp(1, MAX_PAGE) as u64;
    let page = conn
        .call(
            bind(format!(
                "SELECT * FROM ({rows}) {filter} ORDER BY {}, trace_id, span_id \
                 LIMIT {{limit:UInt64}} OFFSET {{offset:UInt64}} SETTINGS join_use_nulls = 1",
                order_by(f.sort)
            ))
            .param("limit", limit)
            .param("offset", f.offset as u64)
            .fetch_all::<CallSql>(),
        )
        .await?;
    let opt = |s: String| (!s.is_empty()).then_some(s);
    let rows = page
        .into_iter()
        .map(|c| {
            let cost = prices
                .lookup(&c.model)
                .filter(|_| c.input_tokens.is_some() || c.output_tokens.is_some())
                .map(|p| {
                    cost_of(
                        &p,
                        c.input_tokens.unwrap_or(0),
                        c.output_tokens.unwrap_or(0),
                        0,
                        0,
                    )
                });
            CallRow {
                trace_id: c.trace_id,
                span_id: c.span_id,
                node: u32::MAX,
                name: c.name,
                service: c.service,
                start_time_unix_nano: c.start_ns,
                duration_ns: c.duration_ns,
                status: c.status,
                agent: opt(c.agent),
                tool: opt(c.tool),
                ttft_ns: c
                    .ttft_ns
                    .filter(|v| v.is_finite() && *v >= 0.0)
                    .map(|v| v as u64),
                input_tokens: c.input_tokens,
                output_tokens: c.output_tokens,
                cache_read_tokens: None,
                reasoning_tokens: None,
                tokens_per_s: c
                    .output_tokens
                    .filter(|_| c.duration_ns > 0)
                    .map(|o| o as f64 / (c.duration_ns as f64 / 1e9)),
                cost_usd: cost,
                model: opt(c.model),
            }
        })
        .collect();
    Ok(CallsDoc {
        rows,
        offset: f.offset as u64,
        matched,
        total,
    })
}
