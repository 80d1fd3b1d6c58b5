//! The performance report over a time range, computed by ClickHouse: per
//! agent and operation, duration quantiles and failure, timeout and dead
//! rates (agent_executions); per model, LLM call figures
//! (performance_metrics); and the spans that cost the most self time
//! (otel_traces).

use crate::names::qualified;
use crate::schema::detect;
use crate::{ChError, Conn};
use clickhouse::Row;
use serde::{Deserialize, Serialize};

#[derive(Row, Deserialize, Serialize, Debug, Clone)]
pub struct AgentStats {
    pub agent_name: String,
    pub operation: String,
    pub executions: u64,
    pub p50_ns: f64,
    pub p95_ns: f64,
    pub max_ns: u64,
    pub error_rate: f64,
    pub timeout_rate: f64,
    pub dead_rate: f64,
    pub running: u64,
}

#[derive(Row, Deserialize, Serialize, Debug, Clone)]
pub struct ModelStats {
    pub model: String,
    pub calls: u64,
    pub p50_ns: f64,
    pub p95_ns: f64,
    pub p50_ttft_ms: f64,
    pub p95_ttft_ms: f64,
    pub input_tokens: i64,
    pub output_tokens: i64,
}

#[derive(Row, Deserialize, Serialize, Debug, Clone)]
pub struct CostlySpan {
    pub trace_id: String,
    pub span_id: String,
    pub name: String,
    pub service: String,
    pub duration_ns: i64,
    /// Duration minus the sum of its children's durations (exact when
    /// children do not overlap; a floor of 0 otherwise).
    pub self_ns: i64,
}

#[derive(Serialize, Debug, Default)]
pub struct Report {
    pub from_s: i64,
    pub to_s: i64,
    pub agents: Vec<AgentStats>,
    pub models: Vec<ModelStats>,
    pub top_self_time: Vec<CostlySpan>,
}

/// The report for [from_s, to_s). Parts whose tables are missing are empty.
pub async fn report(conn: &Conn, from_s: i64, to_s: i64, top: u32) -> Result<Report, ChError> {
    let schema = detect(conn).await?;
    let db = &conn.cfg.database;
    let mut r = Report {
        from_s,
        to_s,
        ..Report::default()
    };
    if !schema.agent_tables && schema.otel.is_none() {
        return Err(ChError::Missing {
            database: db.clone(),
            what: "agent or otel_traces tables".into(),
            otel: "",
        });
    }
    if schema.agent_tables {
        let ex = qualified(db, "agent_executions")?;
        r.agents = conn
            .call(
                conn.client
                    .query(&format!(
                        "SELECT toString(agent_name) AS agent_name, toString(operation) AS operation, count() AS executions, \
                           toFloat64(quantile(0.5)(duration_ns)) AS p50_ns, toFloat64(quantile(0.95)(duration_ns)) AS p95_ns, \
                           max(duration_ns) AS max_ns, \
                           countIf(state = 'failed') / count() AS error_rate, \
                           countIf(state = 'timeout') / count() AS timeout_rate, \
                           countIf(state = 'dead') / count() AS dead_rate, \
                           countIf(state = 'running') AS running \
                         FROM {ex} FINAL \
                         WHERE start_time >= toDateTime({{from:Int64}}) AND start_time < toDateTime({{to:Int64}}) \
                         GROUP BY agent_name, operation ORDER BY p95_ns DESC, agent_name"
                    ))
                    .param("from", from_s)
                    .param("to", to_s)
                    .fetch_all::<AgentStats>(),
            )
            .await?;
        let pm = qualified(db, "performance_metrics")?;
        r.models = conn
            .call(
                conn.client
                    .query(&format!(
                        "SELECT toString(model) AS model, count() AS calls, \
                           toFloat64(quantile(0.5)(duration_ns)) AS p50_ns, toFloat64(quantile(0.95)(duration_ns)) AS p95_ns, \
                           toFloat64(ifNull(quantile(0.5)(ttft_ms), nan)) AS p50_ttft_ms, \
                           toFloat64(ifNull(quantile(0.95)(ttft_ms), nan)) AS p95_ttft_ms, \
                           toInt64(sum(ifNull(prompt_tokens, 0))) AS input_tokens, \
                           toInt64(sum(ifNull(completion_tokens, 0))) AS output_tokens \
                         FROM {pm} FINAL \
                         WHERE timestamp >= toDateTime({{from:Int64}}) AND timestamp < toDateTime({{to:Int64}}) \
                         GROUP BY model ORDER BY calls DESC, model"
                    ))
                    .param("from", from_s)
                    .param("to", to_s)
                    .fetch_all::<ModelStats>(),
            )
            .await?;
    }
    if let Some(otel) = schema.otel {
        let t = qualified(db, &otel.table)?;
        r.top_self_time = conn
            .call(
                conn.client
                    .query(&format!(
                        "SELECT toString(s.TraceId) AS trace_id, toString(s.SpanId) AS span_id, toString(s.SpanName) AS name, \
                           toString(s.ServiceName) AS service, toInt64(s.Duration) AS duration_ns, \
                           greatest(toInt64(s.Duration) - toInt64(ifNull(c.child_sum, 0)), 0) AS self_ns \
                         FROM (SELECT TraceId, SpanId, SpanName, ServiceName, Duration FROM {t} \
                               WHERE Timestamp >= toDateTime({{from:Int64}}) AND Timestamp < toDateTime({{to:Int64}})) AS s \
                         LEFT JOIN (SELECT TraceId, ParentSpanId, sum(toInt64(Duration)) AS child_sum FROM {t} \
                               WHERE Timestamp >= toDateTime({{from:Int64}}) AND Timestamp < toDateTime({{to:Int64}}) \
                               GROUP BY TraceId, ParentSpanId) AS c \
                           ON s.TraceId = c.TraceId AND s.SpanId = c.ParentSpanId \
                         ORDER BY self_ns DESC, span_id LIMIT {{top:UInt32}} \
                         SETTINGS join_use_nulls = 1"
                    ))
                    .param("from", from_s)
                    .param("to", to_s)
                    .param("top", top.max(1))
                    .fetch_all::<CostlySpan>(),
            )
            .await?;
    }
    Ok(r)
}
