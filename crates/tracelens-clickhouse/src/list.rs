//! Listing traces stored in otel_traces over a time range, with filters and
//! paging, computed by ClickHouse (one GROUP BY over the range's partitions),
//! and finding traces by a correlation id.

use crate::names::qualified;
use crate::schema::require_otel;
use crate::{ChError, Conn};
use clickhouse::Row;
use serde::{Deserialize, Serialize};

/// The range [now - `since_s`, now + 60 s) in unix seconds: the minute
/// ahead covers clocks of senders a little ahead of this machine's.
pub fn last(since_s: i64) -> (i64, i64) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    (now.saturating_sub(since_s), now.saturating_add(60))
}

#[derive(Debug, Clone, Default)]
pub struct ListFilter {
    /// Unix seconds, inclusive start and exclusive end.
    pub from_s: i64,
    pub to_s: i64,
    pub service: Option<String>,
    /// `gen_ai.agent.name` or `agent_name` of any span (Map attributes only).
    pub agent: Option<String>,
    pub user_id: Option<String>,
    pub min_duration_ns: u64,
    /// Matched (case-insensitively) in the root span's name or a service's,
    /// or a prefix of the trace id: what the app's list filter matches.
    pub text: Option<String>,
    /// Only traces with an error status somewhere.
    pub errors_only: bool,
    /// Only traces with an agent execution in this state (pending, running,
    /// completed, failed, timeout, dead): read from agent_executions.
    pub state: Option<String>,
    pub limit: u32,
    pub offset: u32,
}

#[derive(Row, Deserialize, Serialize, Debug, Clone)]
pub struct TraceRow {
    pub trace_id: String,
    pub root_name: String,
    pub services: Vec<String>,
    pub start_time_unix_nano: i64,
    pub duration_ns: i64,
    pub span_count: u64,
    pub error_count: u64,
    /// (agent name, state) of the trace's executions in agent_executions,
    /// when that table exists.
    pub agents: Vec<(String, String)>,
}

/// The execution states agent_executions knows.
pub const STATES: [&str; 6] = [
    "pending",
    "running",
    "completed",
    "failed",
    "timeout",
    "dead",
];

const ERROR_WORDS: &str = "('Error', 'STATUS_CODE_ERROR')";

/// Traces in the range matching the filter, newest first.
pub async fn list_traces(conn: &Conn, f: &ListFilter) -> Result<Vec<TraceRow>, ChError> {
    let schema = crate::schema::detect(conn).await?;
    let otel = schema.require_otel(conn)?;
    let table = qualified(&conn.cfg.database, &otel.table)?;
    let map = otel.attrs == "Map";
    if (f.agent.is_some() || f.user_id.is_some()) && !map {
        return Err(ChError::Protocol(
            "filtering by agent or user_id needs Map attributes; this otel_traces stores them as JSON or text".into(),
        ));
    }
    let wheres = [
        "Timestamp >= toDateTime({from:Int64})",
        "Timestamp < toDateTime({to:Int64})",
    ];
    let mut having = vec!["duration_ns >= {min:Int64}".to_string()];
    if f.service.is_some() {
        having.push("has(services, {service:String})".into());
    }
    if f.agent.is_some() {
        having.push("countIf(SpanAttributes['gen_ai.agent.name'] = {agent:String} OR SpanAttributes['agent_name'] = {agent:String}) > 0".into());
    }
    if f.user_id.is_some() {
        having.push("countIf(SpanAttributes['user_id'] = {user:String} OR SpanAttributes['enduser.id'] = {user:String}) > 0".into());
    }
    if f.text.is_some() {
        having.push(
            "(positionCaseInsensitive(root_name, {text:String}) > 0 \
             OR arrayExists(s -> positionCaseInsensitive(s, {text:String}) > 0, services) \
             OR startsWith(trace_id, lower({text:String})))"
                .into(),
        );
    }
    if f.errors_only {
        having.push("error_count > 0".into());
    }
    let executions = qualified(&conn.cfg.database, "agent_executions")?;
    let mut wheres: Vec<String> = wheres.iter().map(|w| w.to_string()).collect();
    if let Some(state) = &f.state {
        if !STATES.contains(&state.as_str()) {
            return Err(ChError::Protocol(format!(
                "unknown state {state:?}: one of {}",
                STATES.join(", ")
            )));
        }
        if !schema.agent_tables {
            return Err(ChError::Missing {
                database: conn.cfg.database.clone(),
                what: "agent_executions table (filtering by state reads it; fill it with `tracelens import --schema agent` or `receive --clickhouse`)".into(),
                otel: "",
            });
        }
        wheres.push(format!(
            "TraceId IN (SELECT trace_id FROM {executions} FINAL WHERE toString(state) = {{state:String}} \
             AND start_time >= toDateTime(greatest({{from:Int64}} - 86400, 0)) AND start_time < toDateTime({{to:Int64}}))"
        ));
    }
    let listed = format!(
        "SELECT toString(TraceId) AS trace_id, \
           toString(argMin(SpanName, (ParentSpanId != '', Timestamp))) AS root_name, \
           arraySort(arrayMap(s -> toString(s), groupUniqArray(ServiceName))) AS services, \
           toInt64(min(toUnixTimestamp64Nano(Timestamp))) AS start_time_unix_nano, \
           toInt64(max(toInt64(toUnixTimestamp64Nano(Timestamp)) + toInt64(Duration))) - start_time_unix_nano AS duration_ns, \
           count() AS span_count, \
           countIf(toString(StatusCode) IN {ERROR_WORDS}) AS error_count \
         FROM {table} WHERE {} GROUP BY TraceId HAVING {} \
         ORDER BY start_time_unix_nano DESC, trace_id LIMIT {{limit:UInt32}} OFFSET {{offset:UInt32}}",
        wheres.join(" AND "),
        having.join(" AND ")
    );
    // The page's agent states, when the audit's table is there.
    let agents = if schema.agent_tables {
        format!(
            "LEFT JOIN (SELECT trace_id, groupArray(tuple(toString(agent_name), toString(state))) AS agents \
             FROM {executions} FINAL WHERE trace_id IN (SELECT trace_id FROM listed) GROUP BY trace_id) AS a USING (trace_id)"
        )
    } else {
        String::new()
    };
    let agents_col = if schema.agent_tables {
        "agents"
    } else {
        "CAST([], 'Array(Tuple(String, String))') AS agents"
    };
    let sql = format!(
        "WITH listed AS ({listed}) \
         SELECT trace_id, root_name, services, start_time_unix_nano, duration_ns, span_count, error_count, {agents_col} \
         FROM listed {agents} ORDER BY start_time_unix_nano DESC, trace_id"
    );
    let mut q = conn
        .client
        .query(&sql)
        .param("from", f.from_s)
        .param("to", f.to_s)
        .param("min", f.min_duration_ns.min(i64::MAX as u64) as i64)
        .param("limit", f.limit.max(1))
        .param("offset", f.offset);
    if let Some(s) = &f.service {
        q = q.param("service", s);
    }
    if let Some(a) = &f.agent {
        q = q.param("agent", a);
    }
    if let Some(u) = &f.user_id {
        q = q.param("user", u);
    }
    if let Some(t) = &f.text {
        q = q.param("text", t);
    }
    if let Some(st) = &f.state {
        q = q.param("state", st);
    }
    conn.call(q.fetch_all::<TraceRow>()).await
}

#[derive(Row, Deserialize, Serialize, Debug, Clone)]
pub struct CorrelationHit {
    pub trace_id: String,
    pub span_id: String,
    pub name: String,
    pub key: String,
}

/// Every span in the range whose trace id, span id or any attribute value
/// equals `value` (request_id, user_id, thread_id, correlation_id,
/// execution_id ...); the bloom filter on map values keeps this to a few
/// granules per partition.
pub async fn find_by_id(
    conn: &Conn,
    value: &str,
    from_s: i64,
    to_s: i64,
    limit: u32,
) -> Result<Vec<CorrelationHit>, ChError> {
    let otel = require_otel(conn).await?;
    let table = qualified(&conn.cfg.database, &otel.table)?;
    let attr_match = match otel.attrs.as_str() {
        "Map" => "has(mapValues(SpanAttributes), {v:String}) OR has(mapValues(ResourceAttributes), {v:String})",
        _ => "position(toString(SpanAttributes), {v:String}) > 0",
    };
    let key_expr = match otel.attrs.as_str() {
        "Map" => "if(TraceId = lower({v:String}), 'trace_id', if(SpanId = lower({v:String}), 'span_id', \
                  arrayFirst(k -> SpanAttributes[k] = {v:String} OR ResourceAttributes[k] = {v:String}, \
                  arrayConcat(mapKeys(SpanAttributes), mapKeys(ResourceAttributes)))))",
        _ => "'attribute'",
    };
    let sql = format!(
        "SELECT toString(TraceId) AS trace_id, toString(SpanId) AS span_id, toString(SpanName) AS name, \
           toString({key_expr}) AS key \
         FROM {table} WHERE Timestamp >= toDateTime({{from:Int64}}) AND Timestamp < toDateTime({{to:Int64}}) \
           AND (TraceId = lower({{v:String}}) OR SpanId = lower({{v:String}}) OR {attr_match}) \
         ORDER BY Timestamp LIMIT {{limit:UInt32}}"
    );
    conn.call(
        conn.client
            .query(&sql)
            .param("v", value)
            .param("from", from_s)
            .param("to", to_s)
            .param("limit", limit.max(1))
            .fetch_all::<CorrelationHit>(),
    )
    .await
}

#[derive(Row, Deserialize, Debug)]
struct TraceIdRow {
    trace_id: String,
}

/// The stored trace ids that start with `prefix` (hex, any case), at most
/// `limit`: from the lookup table when there is one (any time), else among
/// the spans of the range. What a command given a short id resolves it
/// with, as the list and the file commands accept prefixes.
pub async fn trace_ids_with_prefix(
    conn: &Conn,
    prefix: &str,
    from_s: i64,
    to_s: i64,
    limit: u32,
) -> Result<Vec<String>, ChError> {
    let otel = require_otel(conn).await?;
    // The lookup table (one row per trace) answers for any time; without
    // it, the spans of the range.
    let sql = match &otel.lookup {
        Some(lookup) => format!(
            "SELECT DISTINCT toString(TraceId) AS trace_id FROM {} \
             WHERE startsWith(TraceId, lower({{p:String}})) AND {{from:Int64}} <= {{to:Int64}} \
             ORDER BY trace_id LIMIT {{limit:UInt32}}",
            qualified(&conn.cfg.database, lookup)?
        ),
        None => format!(
            "SELECT DISTINCT toString(TraceId) AS trace_id FROM {} \
             WHERE Timestamp >= toDateTime({{from:Int64}}) AND Timestamp < toDateTime({{to:Int64}}) \
               AND startsWith(TraceId, lower({{p:String}})) \
             ORDER BY trace_id LIMIT {{limit:UInt32}}",
            qualified(&conn.cfg.database, &otel.table)?
        ),
    };
    let rows = conn
        .call(
            conn.client
                .query(&sql)
                .param("p", prefix)
                .param("from", from_s)
                .param("to", to_s)
                .param("limit", limit.max(1))
                .fetch_all::<TraceIdRow>(),
        )
        .await?;
    Ok(rows.into_iter().map(|r| r.trace_id).collect())
}
