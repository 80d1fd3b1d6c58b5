//! The Collector's `otel_logs`: import log records into it, and fetch the
//! records of a stored trace (by TraceId, within the trace's time range) in
//! whichever variant a server has.
//!
//! As for spans, fetched rows become OTLP/JSON and go through the file
//! reader, so a record from ClickHouse is placed on its span exactly as the
//! file's would be. The table keeps what the Collector keeps: one time
//! (the record's, else when it was observed), the body as text, attribute
//! values as strings.

use crate::names::qualified;
use crate::otel::{map_of, map_value, otlp_attrs, ts};
use crate::schema::{require_logs, LogsSchema};
use crate::{ChError, Conn};
use clickhouse::Row;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use tracelens_model::{AttrValue, LogRecord, TraceStore};

/// At most this many records come with one fetched trace; past it the
/// fetch says so (`LogFetch::truncated`) and the earliest are kept.
pub const MAX_TRACE_LOGS: u64 = 100_000;

/// How far either side of a trace's spans its records are searched: a
/// request's last line ("request finished") often comes after its root span.
pub const TRACE_LOG_MARGIN_NS: u64 = 60_000_000_000;

#[derive(Debug, Default, serde::Serialize)]
pub struct LogImportReport {
    pub records: u64,
    pub batches: u64,
}

/// The body as the Collector stores it: a string as it is, anything else
/// as its JSON text.
fn body_text(st: &TraceStore, v: &AttrValue) -> String {
    map_value(st, v)
}

/// One otel_logs row as JSONEachRow, with only the columns `schema` has
/// (older layouts lack the scope, schema URL and EventName columns). Where
/// there is no EventName column, the name goes into the attributes as
/// `event.name`, where older SDKs put it.
fn row_json(st: &TraceStore, schema: &LogsSchema, r: &LogRecord) -> Value {
    let res = st.resources.get(r.resource as usize);
    let scope = st.scopes.get(r.scope as usize);
    let mut attrs = map_of(st, st.attrs_of(r.attrs));
    let event = st.resolve(r.event_name);
    if !event.is_empty() && !schema.has("EventName") {
        attrs
            .entry("event.name")
            .or_insert_with(|| Value::String(event.to_string()));
    }
    let hex_or_empty = |valid: bool, s: String| if valid { s } else { String::new() };
    let full = json!({
        "Timestamp": ts(r.when_ns()),
        "TraceId": hex_or_empty(r.trace_id.is_valid(), r.trace_id.to_string()),
        "SpanId": hex_or_empty(r.span_id.is_valid(), r.span_id.to_string()),
        "TraceFlags": r.flags.min(255),
        "SeverityText": st.resolve(r.severity_text),
        "SeverityNumber": r.severity,
        "ServiceName": st.service_of_log(r),
        "Body": body_text(st, &r.body),
        "ResourceSchemaUrl": "",
        "ResourceAttributes": res.map(|x| map_of(st, &x.attrs)).unwrap_or_default(),
        "ScopeSchemaUrl": "",
        "ScopeName": scope.map(|s| st.resolve(s.name)).unwrap_or(""),
        "ScopeVersion": scope.map(|s| st.resolve(s.version)).unwrap_or(""),
        "ScopeAttributes": scope.map(|s| map_of(st, &s.attrs)).unwrap_or_default(),
        "LogAttributes": attrs,
        "EventName": event,
    });
    match full {
        Value::Object(m) => Value::Object(m.into_iter().filter(|(k, _)| schema.has(k)).collect()),
        other => other,
    }
}

/// Inserts records `logs` (indices into `st.logs`) into otel_logs in
/// batches of `batch`, each with a deduplication token (see
/// [`crate::insert`]): importing the same records again adds no rows.
pub async fn import_logs(
    conn: &Conn,
    st: &TraceStore,
    logs: &[u32],
    batch: usize,
    progress: impl FnMut(u64),
) -> Result<LogImportReport, ChError> {
    let schema = require_logs(conn).await?;
    import_logs_using(conn, &schema, st, logs, batch, progress).await
}

/// [`import_logs`] for a schema already detected.
pub async fn import_logs_using(
    conn: &Conn,
    schema: &LogsSchema,
    st: &TraceStore,
    logs: &[u32],
    batch: usize,
    mut progress: impl FnMut(u64),
) -> Result<LogImportReport, ChError> {
    let rows = logs
        .iter()
        .filter_map(|&i| st.logs.get(i as usize))
        .map(|r| row_json(st, schema, r));
    let (records, batches) =
        crate::insert::insert_json_rows(conn, &schema.table, rows, batch, &mut progress).await?;
    Ok(LogImportReport { records, batches })
}

// ---- fetch ----

#[derive(Row, Deserialize, Debug)]
struct LogRow {
    time_ns: i64,
    trace_id: String,
    span_id: String,
    flags: u32,
    severity_text: String,
    severity_number: i32,
    service: String,
    body: String,
    resource: String,
    scope_name: String,
    scope_version: String,
    attrs: String,
    event_name: String,
}

/// The SELECT list for a variant: every column normalised to one shape.
fn select_list(s: &LogsSchema) -> String {
    let json = |col: &str| {
        if !s.has(col) {
            "'{}'".to_string()
        } else if s.attrs == "String" {
            format!("toString({col})")
        } else {
            format!("toJSONString({col})")
        }
    };
    let text = |col: &str| {
        if s.has(col) {
            format!("toString({col})")
        } else {
            "''".to_string()
        }
    };
    let flags = if s.has("TraceFlags") {
        "toUInt32(TraceFlags)"
    } else {
        "toUInt32(0)"
    };
    [
        "toInt64(toUnixTimestamp64Nano(Timestamp)) AS time_ns".to_string(),
        format!("{} AS trace_id", text("TraceId")),
        format!("{} AS span_id", text("SpanId")),
        format!("{flags} AS flags"),
        format!("{} AS severity_text", text("SeverityText")),
        format!(
            "{} AS severity_number",
            if s.has("SeverityNumber") {
                "toInt32(SeverityNumber)"
            } else {
                "toInt32(0)"
            }
        ),
        format!("{} AS service", text("ServiceName")),
        format!("{} AS body", text("Body")),
        format!("{} AS resource", json("ResourceAttributes")),
        format!("{} AS scope_name", text("ScopeName")),
        format!("{} AS scope_version", text("ScopeVersion")),
        format!("{} AS attrs", json("LogAttributes")),
        format!("{} AS event_name", text("EventName")),
    ]
    .join(", ")
}

/// Rows as one OTLP/JSON logs document (one ResourceLogs per record: the
/// reader deduplicates resources and scopes by content).
fn otlp_document(rows: &[LogRow]) -> Value {
    let resource_logs: Vec<Value> = rows
        .iter()
        .map(|r| {
            let mut resource = otlp_attrs(&r.resource);
            if let Value::Array(a) = &mut resource {
                if !a.iter().any(|kv| kv["key"] == "service.name") && !r.service.is_empty() {
                    a.push(json!({"key": "service.name", "value": {"stringValue": r.service}}));
                }
            }
            let mut rec = Map::new();
            rec.insert("timeUnixNano".into(), json!(r.time_ns.max(0).to_string()));
            rec.insert(
                "severityNumber".into(),
                json!(r.severity_number.clamp(0, 24)),
            );
            rec.insert("severityText".into(), json!(r.severity_text));
            rec.insert("body".into(), json!({"stringValue": r.body}));
            rec.insert("attributes".into(), otlp_attrs(&r.attrs));
            rec.insert("flags".into(), json!(r.flags));
            rec.insert("traceId".into(), json!(r.trace_id));
            rec.insert("spanId".into(), json!(r.span_id));
            if !r.event_name.is_empty() {
                rec.insert("eventName".into(), json!(r.event_name));
            }
            json!({
                "resource": {"attributes": resource},
                "scopeLogs": [{
                    "scope": {"name": r.scope_name, "version": r.scope_version},
                    "logRecords": [Value::Object(rec)],
                }],
            })
        })
        .collect();
    json!({ "resourceLogs": resource_logs })
}

/// What a fetch of a trace's records found.
#[derive(Debug, Default, serde::Serialize)]
pub struct LogFetch {
    pub records: usize,
    /// More than [`MAX_TRACE_LOGS`] matched: the earliest were kept.
    pub truncated: bool,
}

/// Fetches the records of trace `id` whose time is within
/// `[from_ns, to_ns]` into `store`, earliest first, at most
/// [`MAX_TRACE_LOGS`].
pub async fn fetch_trace_logs(
    conn: &Conn,
    schema: &LogsSchema,
    id: &str,
    from_ns: u64,
    to_ns: u64,
    store: &mut TraceStore,
) -> Result<LogFetch, ChError> {
    let table = qualified(&conn.cfg.database, &schema.table)?;
    let id = id.trim().to_ascii_lowercase();
    let clamp = |ns: u64| ns.min(i64::MAX as u64) as i64;
    // TimestampTime is the partition and primary key where there is one: a
    // range on it prunes the parts read.
    let coarse = if schema.has("TimestampTime") {
        "AND TimestampTime >= toDateTime({from_s:Int64}) AND TimestampTime <= toDateTime({to_s:Int64})"
    } else {
        ""
    };
    let q = conn
        .client
        .query(&format!(
            "SELECT {} FROM {table} WHERE TraceId = {{id:String}} {coarse} \
             AND Timestamp >= fromUnixTimestamp64Nano({{from:Int64}}) \
             AND Timestamp <= fromUnixTimestamp64Nano({{to:Int64}}) \
             ORDER BY Timestamp LIMIT {{n:UInt64}}",
            select_list(schema)
        ))
        .param("id", &id)
        .param("from", clamp(from_ns))
        .param("to", clamp(to_ns))
        .param("from_s", clamp(from_ns / 1_000_000_000))
        .param("to_s", clamp(to_ns / 1_000_000_000).saturating_add(1))
        .param("n", MAX_TRACE_LOGS + 1);
    let mut rows: Vec<LogRow> = conn.call(q.fetch_all::<LogRow>()).await?;
    let truncated = rows.len() as u64 > MAX_TRACE_LOGS;
    rows.truncate(MAX_TRACE_LOGS as usize);
    if rows.is_empty() {
        return Ok(LogFetch::default());
    }
    let name = format!(
        "clickhouse {}/{}.{}",
        conn.cfg.url, conn.cfg.database, schema.table
    );
    let bytes =
        serde_json::to_vec(&otlp_document(&rows)).map_err(|e| ChError::Protocol(e.to_string()))?;
    let before = store.logs.len();
    let rep = tracelens_formats::read_bytes(&name, &bytes, store);
    if let Some(e) = rep.error {
        return Err(ChError::Protocol(format!(
            "log rows did not read back as OTLP: {e}"
        )));
    }
    Ok(LogFetch {
        records: store.logs.len() - before,
        truncated,
    })
}
