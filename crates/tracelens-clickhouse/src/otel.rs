//! The Collector's `otel_traces`: import spans into it, and fetch a trace
//! from it with the two-step lookup, in whichever variant a server has.
//!
//! Fetched rows become OTLP/JSON and go through the same reader as a file,
//! so a trace from ClickHouse is built, classified and analysed exactly as
//! the file it came from. Map attributes are strings (ints as decimal text,
//! arrays as JSON text): the analyses read numbers from strings.

use crate::names::qualified;
use crate::schema::{require_otel, OtelSchema};
use crate::{ChError, Conn};
use base64::Engine as _;
use clickhouse::Row;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use tracelens_model::{Attr, AttrValue, SpanKind, StatusCode, TraceStore, OMITTED_ATTRS_KEY};

// ---- import ----

#[derive(Debug, Default, serde::Serialize)]
pub struct ImportReport {
    pub spans: u64,
    pub batches: u64,
}

/// A Map attribute value: strings as they are, the rest as the Collector
/// writes them (decimal, `true`/`false`, JSON text, base64 for bytes).
pub(crate) fn map_value(st: &TraceStore, v: &AttrValue) -> String {
    match v {
        AttrValue::Str(_) | AttrValue::Text(_) => st.value_str(v).unwrap_or("").to_string(),
        AttrValue::Int(i) => i.to_string(),
        AttrValue::Double(d) => d.to_string(),
        AttrValue::Bool(b) => b.to_string(),
        AttrValue::Empty => String::new(),
        AttrValue::Bytes(b) => base64::engine::general_purpose::STANDARD.encode(&b[..]),
        AttrValue::Array(_) | AttrValue::KvList(_) => json_value(st, v).to_string(),
    }
}

fn json_value(st: &TraceStore, v: &AttrValue) -> Value {
    // Nested values are bounded by the readers (depth 64/128): recursion is safe.
    match v {
        AttrValue::Array(a) => Value::Array(a.iter().map(|x| json_value(st, x)).collect()),
        AttrValue::KvList(kv) => Value::Object(
            kv.iter()
                .map(|a| (st.resolve(a.key).to_string(), json_value(st, &a.value)))
                .collect(),
        ),
        AttrValue::Int(i) => json!(i),
        AttrValue::Double(d) => json!(d),
        AttrValue::Bool(b) => json!(b),
        other => Value::String(map_value(st, other)),
    }
}

/// otel_traces cannot say "no end yet" (the Collector exports ended spans
/// only): an imported open span gets Duration 0 and this attribute, and
/// reads back open.
pub const OPEN_MARK: &str = "tracelens.open";

pub(crate) fn map_of(st: &TraceStore, attrs: &[Attr]) -> Map<String, Value> {
    attrs
        .iter()
        .map(|a| {
            (
                st.resolve(a.key).to_string(),
                Value::String(map_value(st, &a.value)),
            )
        })
        .collect()
}

pub(crate) fn ts(ns: u64) -> String {
    format!("{}.{:09}", ns / 1_000_000_000, ns % 1_000_000_000)
}

fn kind_word(k: SpanKind) -> &'static str {
    match k {
        SpanKind::Internal => "Internal",
        SpanKind::Server => "Server",
        SpanKind::Client => "Client",
        SpanKind::Producer => "Producer",
        SpanKind::Consumer => "Consumer",
        SpanKind::Unspecified => "Unspecified",
    }
}

fn status_word(s: StatusCode) -> &'static str {
    match s {
        StatusCode::Ok => "Ok",
        StatusCode::Error => "Error",
        StatusCode::Unset => "Unset",
    }
}

/// One otel_traces row as JSONEachRow.
fn row_json(st: &TraceStore, i: u32) -> Value {
    let sp = &st.spans[i as usize];
    let res = st.resources.get(sp.resource as usize);
    let scope = st.scopes.get(sp.scope as usize);
    let events = st.events_of(sp.events);
    let links = st.links_of(sp.links);
    let end = sp.end_ns.unwrap_or(sp.start_ns);
    let mut span_attrs = map_of(st, st.attrs_of(sp.attrs));
    if sp.end_ns.is_none() {
        span_attrs.insert(OPEN_MARK.into(), Value::String("true".into()));
    }
    json!({
        "Timestamp": ts(sp.start_ns),
        "TraceId": sp.trace_id.to_string(),
        "SpanId": sp.span_id.to_string(),
        "ParentSpanId": if sp.parent_span_id.is_valid() { sp.parent_span_id.to_string() } else { String::new() },
        "TraceState": st.resolve(sp.trace_state),
        "SpanName": st.resolve(sp.name),
        "SpanKind": kind_word(sp.kind),
        "ServiceName": st.service_of(sp),
        "ResourceAttributes": res.map(|r| map_of(st, &r.attrs)).unwrap_or_default(),
        "ScopeName": scope.map(|s| st.resolve(s.name)).unwrap_or(""),
        "ScopeVersion": scope.map(|s| st.resolve(s.version)).unwrap_or(""),
        "SpanAttributes": span_attrs,
        "Duration": end.saturating_sub(sp.start_ns),
        "StatusCode": status_word(sp.status),
        "StatusMessage": st.resolve(sp.status_message),
        "Events.Timestamp": events.iter().map(|e| ts(e.time_ns)).collect::<Vec<_>>(),
        "Events.Name": events.iter().map(|e| st.resolve(e.name)).collect::<Vec<_>>(),
        "Events.Attributes": events.iter().map(|e| map_of(st, st.attrs_of(e.attrs))).collect::<Vec<_>>(),
        "Links.TraceId": links.iter().map(|l| l.trace_id.to_string()).collect::<Vec<_>>(),
        "Links.SpanId": links.iter().map(|l| l.span_id.to_string()).collect::<Vec<_>>(),
        "Links.TraceState": links.iter().map(|l| st.resolve(l.trace_state)).collect::<Vec<_>>(),
        "Links.Attributes": links.iter().map(|l| map_of(st, st.attrs_of(l.attrs))).collect::<Vec<_>>(),
    })
}

/// Inserts `spans` of `st` into otel_traces in batches of `batch` rows.
/// Each batch carries a deduplication token derived from its content, so
/// importing the same data again (or again after a kill midway) adds no
/// rows: the table keeps a deduplication window (see the migration).
/// `progress` gets the spans sent so far.
pub async fn import(
    conn: &Conn,
    st: &TraceStore,
    spans: &[u32],
    batch: usize,
    progress: impl FnMut(u64),
) -> Result<ImportReport, ChError> {
    let otel = require_otel(conn).await?;
    import_using(conn, &otel, st, spans, batch, progress).await
}

/// [`import`] for a schema already detected (the spool's sender sends many
/// batches and detects once).
pub async fn import_using(
    conn: &Conn,
    otel: &OtelSchema,
    st: &TraceStore,
    spans: &[u32],
    batch: usize,
    mut progress: impl FnMut(u64),
) -> Result<ImportReport, ChError> {
    let (spans, batches) = crate::insert::insert_json_rows(
        conn,
        &otel.table,
        spans.iter().map(|&i| row_json(st, i)),
        batch,
        &mut progress,
    )
    .await?;
    Ok(ImportReport { spans, batches })
}

// ---- fetch ----

/// Which attribute values a fetch brings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttrFetch {
    /// None: ids, times, names, status.
    Skeleton,
    /// Values up to this many bytes; the keys of longer ones (prompts,
    /// completions) are named on the span (`OMITTED_ATTRS_KEY`) and fetched
    /// on demand with [`fetch_span_attrs`]. The analyses read only short
    /// values (operation names, token counts, ids), so a trace opened this
    /// way is analysed as its file. Map attributes only; JSON or text
    /// columns are fetched whole.
    Capped(u32),
    /// Every value.
    Full,
}

impl From<bool> for AttrFetch {
    fn from(with_attrs: bool) -> AttrFetch {
        if with_attrs {
            AttrFetch::Full
        } else {
            AttrFetch::Skeleton
        }
    }
}

#[derive(Row, Deserialize, Debug)]
pub(crate) struct SpanRow {
    pub(crate) trace_id: String,
    pub(crate) span_id: String,
    pub(crate) parent_span_id: String,
    pub(crate) trace_state: String,
    pub(crate) name: String,
    pub(crate) kind: String,
    pub(crate) service: String,
    pub(crate) resource: String,
    pub(crate) scope_name: String,
    pub(crate) scope_version: String,
    pub(crate) attrs: String,
    pub(crate) start_ns: i64,
    pub(crate) duration_ns: i64,
    pub(crate) status: String,
    pub(crate) status_message: String,
    pub(crate) ev_time: Vec<i64>,
    pub(crate) ev_name: Vec<String>,
    pub(crate) ev_attrs: Vec<String>,
    pub(crate) link_trace: Vec<String>,
    pub(crate) link_span: Vec<String>,
    pub(crate) link_state: Vec<String>,
    pub(crate) link_attrs: Vec<String>,
    /// Keys of span attributes left out by `AttrFetch::Capped`.
    pub(crate) omitted: Vec<String>,
}

/// The SELECT list for a variant: every column normalised to one shape.
fn select_list(s: &OtelSchema, fetch: AttrFetch) -> String {
    let json = |col: &str| match s.attrs.as_str() {
        "String" => format!("toString({col})"),
        _ => format!("toJSONString({col})"),
    };
    let json_arr = |col: &str| match s.attrs.as_str() {
        "String" => format!("arrayMap(x -> toString(x), {col})"),
        _ => format!("arrayMap(x -> toJSONString(x), {col})"),
    };
    let has = |c: &str| s.columns.iter().any(|x| x == c);
    let or_empty = |c: &str, e: String| if has(c) { e } else { "''".to_string() };
    let arr_or_empty = |c: &str, e: String| {
        if has(c) {
            e
        } else {
            "CAST([], 'Array(String)')".to_string()
        }
    };
    let capped = matches!(fetch, AttrFetch::Capped(_)) && s.attrs == "Map";
    let attrs = match fetch {
        AttrFetch::Skeleton => "'{}'".into(),
        _ if capped => {
            "toJSONString(mapFilter((k, v) -> length(v) <= {cap:UInt32}, SpanAttributes))".into()
        }
        _ => json("SpanAttributes"),
    };
    let omitted = if capped {
        "arraySort(mapKeys(mapFilter((k, v) -> length(v) > {cap:UInt32}, SpanAttributes)))"
            .to_string()
    } else {
        "CAST([], 'Array(String)')".to_string()
    };
    let resource = match fetch {
        AttrFetch::Skeleton => "'{}'".into(),
        _ => json("ResourceAttributes"),
    };
    [
        "toString(TraceId) AS trace_id".to_string(),
        "toString(SpanId) AS span_id".into(),
        "toString(ParentSpanId) AS parent_span_id".into(),
        format!(
            "{} AS trace_state",
            or_empty("TraceState", "toString(TraceState)".into())
        ),
        "toString(SpanName) AS name".into(),
        "toString(SpanKind) AS kind".into(),
        "toString(ServiceName) AS service".into(),
        format!("{resource} AS resource"),
        format!(
            "{} AS scope_name",
            or_empty("ScopeName", "toString(ScopeName)".into())
        ),
        format!(
            "{} AS scope_version",
            or_empty("ScopeVersion", "toString(ScopeVersion)".into())
        ),
        format!("{attrs} AS attrs"),
        "toInt64(toUnixTimestamp64Nano(Timestamp)) AS start_ns".into(),
        "toInt64(Duration) AS duration_ns".into(),
        "toString(StatusCode) AS status".into(),
        "toString(StatusMessage) AS status_message".into(),
        format!(
            "{} AS ev_time",
            if has("Events.Timestamp") {
                "arrayMap(t -> toInt64(toUnixTimestamp64Nano(t)), `Events.Timestamp`)".to_string()
            } else {
                "CAST([], 'Array(Int64)')".to_string()
            }
        ),
        format!(
            "{} AS ev_name",
            arr_or_empty(
                "Events.Name",
                "arrayMap(x -> toString(x), `Events.Name`)".into()
            )
        ),
        format!(
            "{} AS ev_attrs",
            arr_or_empty("Events.Attributes", json_arr("`Events.Attributes`"))
        ),
        format!(
            "{} AS link_trace",
            arr_or_empty(
                "Links.TraceId",
                "arrayMap(x -> toString(x), `Links.TraceId`)".into()
            )
        ),
        format!(
            "{} AS link_span",
            arr_or_empty(
                "Links.SpanId",
                "arrayMap(x -> toString(x), `Links.SpanId`)".into()
            )
        ),
        format!(
            "{} AS link_state",
            arr_or_empty(
                "Links.TraceState",
                "arrayMap(x -> toString(x), `Links.TraceState`)".into()
            )
        ),
        format!(
            "{} AS link_attrs",
            arr_or_empty("Links.Attributes", json_arr("`Links.Attributes`"))
        ),
        format!("{omitted} AS omitted"),
    ]
    .join(", ")
}

/// Old and new SpanKind words (SPAN_KIND_SERVER, Server) to OTLP's numbers.
fn kind_number(k: &str) -> u8 {
    match k
        .trim_start_matches("SPAN_KIND_")
        .to_ascii_lowercase()
        .as_str()
    {
        "internal" => 1,
        "server" => 2,
        "client" => 3,
        "producer" => 4,
        "consumer" => 5,
        _ => 0,
    }
}

/// Old and new StatusCode words (STATUS_CODE_ERROR, Error) to OTLP's numbers.
fn status_number(s: &str) -> u8 {
    match s
        .trim_start_matches("STATUS_CODE_")
        .to_ascii_lowercase()
        .as_str()
    {
        "ok" => 1,
        "error" => 2,
        _ => 0,
    }
}

/// A JSON attribute map (from a Map or JSON column) as OTLP key-values with
/// string values; JSON-typed columns may hold numbers and nested objects.
pub(crate) fn otlp_attrs(text: &str) -> Value {
    let Ok(Value::Object(m)) = serde_json::from_str::<Value>(text) else {
        return json!([]);
    };
    let mut out = Vec::with_capacity(m.len());
    flatten("", &m, &mut out);
    Value::Array(out)
}

fn flatten(prefix: &str, m: &Map<String, Value>, out: &mut Vec<Value>) {
    for (k, v) in m {
        let key = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            // JSON columns split dotted keys into objects: join them back.
            Value::Object(inner) => flatten(&key, inner, out),
            Value::String(s) => out.push(json!({"key": key, "value": {"stringValue": s}})),
            other => out.push(json!({"key": key, "value": {"stringValue": other.to_string()}})),
        }
    }
}

/// Rows as one OTLP/JSON document (one ResourceSpans per span: the reader
/// deduplicates resources and scopes by content).
fn otlp_document(rows: &[SpanRow]) -> Value {
    let resource_spans: Vec<Value> = rows
        .iter()
        .map(|r| {
            let mut attrs = otlp_attrs(&r.attrs);
            let mut open = false;
            if let Value::Array(a) = &mut attrs {
                let before = a.len();
                a.retain(|kv| kv["key"] != OPEN_MARK);
                open = a.len() != before;
                if !r.omitted.is_empty() {
                    let keys: Vec<Value> = r.omitted.iter().map(|k| json!({"stringValue": k})).collect();
                    a.push(json!({"key": OMITTED_ATTRS_KEY, "value": {"arrayValue": {"values": keys}}}));
                }
            }
            // "0": no end (the OTLP reader's open span).
            let end = if open {
                0
            } else {
                (r.start_ns.max(0) as u64).saturating_add(r.duration_ns.max(0) as u64)
            };
            let events: Vec<Value> = (0..r.ev_time.len().min(r.ev_name.len()))
                .map(|i| json!({
                    "timeUnixNano": r.ev_time[i].max(0).to_string(),
                    "name": r.ev_name[i],
                    "attributes": r.ev_attrs.get(i).map(|a| otlp_attrs(a)).unwrap_or_else(|| json!([])),
                }))
                .collect();
            let links: Vec<Value> = (0..r.link_trace.len().min(r.link_span.len()))
                .map(|i| json!({
                    "traceId": r.link_trace[i],
                    "spanId": r.link_span[i],
                    "traceState": r.link_state.get(i).cloned().unwrap_or_default(),
                    "attributes": r.link_attrs.get(i).map(|a| otlp_attrs(a)).unwrap_or_else(|| json!([])),
                }))
                .collect();
            let mut resource = otlp_attrs(&r.resource);
            if let Value::Array(a) = &mut resource {
                if !a.iter().any(|kv| kv["key"] == "service.name") && !r.service.is_empty() {
                    a.push(json!({"key": "service.name", "value": {"stringValue": r.service}}));
                }
            }
            json!({
                "resource": {"attributes": resource},
                "scopeSpans": [{
                    "scope": {"name": r.scope_name, "version": r.scope_version},
                    "spans": [{
                        "traceId": r.trace_id,
                        "spanId": r.span_id,
                        "parentSpanId": r.parent_span_id,
                        "traceState": r.trace_state,
                        "name": r.name,
                        "kind": kind_number(&r.kind),
                        "startTimeUnixNano": r.start_ns.max(0).to_string(),
                        "endTimeUnixNano": end.to_string(),
                        "attributes": attrs,
                        "events": events,
                        "links": links,
                        "status": {"code": status_number(&r.status), "message": r.status_message},
                    }],
                }],
            })
        })
        .collect();
    json!({ "resourceSpans": resource_spans })
}

/// What a fetch found, and how.
#[derive(Debug, Default, serde::Serialize)]
pub struct FetchReport {
    pub spans: usize,
    /// "lookup" (the trace-id table gave the range), "window" (no lookup
    /// row: the given window was searched) or "scan" (no lookup table).
    pub via: &'static str,
    /// Seconds searched either side when `via` is "window".
    pub window_s: Option<u64>,
    /// What the audit's tables added (agent_events, performance_metrics).
    pub joined: crate::join::Joined,
    /// Log records of the trace from otel_logs (when the database has it).
    pub logs: usize,
    /// More records matched than one fetch brings (see `otel_logs`).
    pub logs_truncated: bool,
    /// Why the records could not be read; the spans are shown all the same.
    pub logs_error: Option<String>,
}

/// Fetches trace `id` into `store` (as the OTLP/JSON reader would from a
/// file). Two steps: the trace's time range from the lookup table, then the
/// spans within it; with no lookup row, `fallback` (from, to) in unix
/// seconds bounds the search; with neither, the whole table is searched by
/// id (the bloom filter index still applies). `attrs`: which attribute
/// values come (`true`: all, `false`: the skeleton only, or an
/// [`AttrFetch`]).
pub async fn fetch_trace(
    conn: &Conn,
    id: &str,
    fallback: Option<(i64, i64)>,
    attrs: impl Into<AttrFetch>,
    store: &mut TraceStore,
) -> Result<FetchReport, ChError> {
    fetch_trace_with(conn, id, fallback, attrs, true, store).await
}

/// [`fetch_trace`], optionally ignoring the lookup table (`use_lookup`
/// false: a plain `WHERE TraceId = id`, the benchmark's baseline).
pub async fn fetch_trace_with(
    conn: &Conn,
    id: &str,
    fallback: Option<(i64, i64)>,
    attrs: impl Into<AttrFetch>,
    use_lookup: bool,
    store: &mut TraceStore,
) -> Result<FetchReport, ChError> {
    let otel = require_otel(conn).await?;
    fetch_trace_using(conn, &otel, id, fallback, attrs, use_lookup, store).await
}

/// [`fetch_trace_with`] for a schema already detected (a viewer fetching
/// many traces detects once).
pub async fn fetch_trace_using(
    conn: &Conn,
    otel: &OtelSchema,
    id: &str,
    fallback: Option<(i64, i64)>,
    attrs: impl Into<AttrFetch>,
    use_lookup: bool,
    store: &mut TraceStore,
) -> Result<FetchReport, ChError> {
    let db = &conn.cfg.database;
    let table = qualified(db, &otel.table)?;
    let id = id.trim().to_ascii_lowercase();
    let mut report = FetchReport::default();
    let fetch = attrs.into();
    let select = select_list(otel, fetch);
    let cap = match fetch {
        AttrFetch::Capped(c) => c,
        _ => 0,
    };
    // The spans of the trace, within a range clause (or none).
    let by_id = |range: &str| {
        conn.client
            .query(&format!(
                "SELECT {select} FROM {table} WHERE TraceId = {{id:String}} {range} ORDER BY Timestamp"
            ))
            .param("id", &id)
            .param("cap", cap)
    };
    let mut rows: Vec<SpanRow> = Vec::new();
    if let Some(lookup) = otel.lookup.as_ref().filter(|_| use_lookup) {
        // One round trip: ClickHouse runs the scalar subqueries first, and
        // their range prunes the partitions read. No lookup row gives an
        // empty range (the epoch), hence no rows, hence the fallback below.
        let lt = qualified(db, lookup)?;
        let q = by_id(&format!(
            "AND Timestamp >= (SELECT min(Start) FROM {lt} WHERE TraceId = {{id:String}}) \
             AND Timestamp <= (SELECT max(End) + 1 FROM {lt} WHERE TraceId = {{id:String}})"
        ));
        rows = conn.call(q.fetch_all::<SpanRow>()).await?;
        if !rows.is_empty() {
            report.via = "lookup";
        }
    }
    if rows.is_empty() {
        let q = match fallback {
            Some((from, to)) => {
                report.via = "window";
                report.window_s = Some(to.saturating_sub(from).max(0) as u64);
                by_id("AND Timestamp >= toDateTime({from:Int64}) AND Timestamp <= toDateTime({to:Int64})")
                    .param("from", from)
                    .param("to", to)
            }
            None => {
                report.via = "scan";
                by_id("")
            }
        };
        rows = conn.call(q.fetch_all::<SpanRow>()).await?;
    }
    report.spans = rows.len();
    if rows.is_empty() {
        return Ok(report);
    }
    let name = format!("clickhouse {}/{}", conn.cfg.url, db);
    // (A stored id that is no hex trace id has no rows there to join.)
    if let (true, Ok(trace)) = (otel.agent_tables, tracelens_model::TraceId::from_hex(&id)) {
        let (events, metrics) = crate::join::fetch_rows(conn, &id).await?;
        if !events.is_empty() || !metrics.is_empty() {
            // The trace as stored, for placing what the tables add.
            let mut spans_only = TraceStore::new();
            read_rows(&name, &rows, &mut spans_only)?;
            let ds = tracelens_model::Dataset::build(spans_only, Default::default());
            report.joined = crate::join::apply(&ds, trace, &mut rows, events, metrics);
        }
    }
    read_rows(&name, &rows, store)?;
    if let Some(logs) = &otel.logs {
        let from = rows
            .iter()
            .map(|r| r.start_ns.max(0) as u64)
            .min()
            .unwrap_or(0);
        let to = rows
            .iter()
            .map(|r| (r.start_ns.max(0) as u64).saturating_add(r.duration_ns.max(0) as u64))
            .max()
            .unwrap_or(0);
        let margin = crate::otel_logs::TRACE_LOG_MARGIN_NS;
        match crate::otel_logs::fetch_trace_logs(
            conn,
            logs,
            &id,
            from.saturating_sub(margin),
            to.saturating_add(margin),
            store,
        )
        .await
        {
            Ok(f) => {
                report.logs = f.records;
                report.logs_truncated = f.truncated;
            }
            Err(e) => report.logs_error = Some(e.to_string()),
        }
    }
    Ok(report)
}

/// Rows into `store`, through the OTLP/JSON reader (so a stored trace is
/// analysed exactly as its file).
fn read_rows(name: &str, rows: &[SpanRow], store: &mut TraceStore) -> Result<(), ChError> {
    let doc = otlp_document(rows);
    let bytes = serde_json::to_vec(&doc).map_err(|e| ChError::Protocol(e.to_string()))?;
    let rep = tracelens_formats::read_bytes(name, &bytes, store);
    match rep.error {
        Some(e) => Err(ChError::Protocol(format!(
            "rows did not read back as OTLP: {e}"
        ))),
        None => Ok(()),
    }
}

/// The attributes `keys` of one span (those a capped fetch left out), as
/// stored: Map values are strings. The span's start time finds it in the
/// table's order (one granule), with the trace and span ids.
pub async fn fetch_span_attrs(
    conn: &Conn,
    otel: &OtelSchema,
    trace_id: &str,
    span_id: &str,
    start_ns: u64,
    keys: &[String],
) -> Result<Vec<(String, String)>, ChError> {
    if otel.attrs != "Map" {
        return Err(ChError::Protocol(
            "this otel_traces stores attributes as JSON or text, which are fetched whole".into(),
        ));
    }
    let table = qualified(&conn.cfg.database, &otel.table)?;
    #[derive(Row, Deserialize)]
    struct Kv {
        key: String,
        value: String,
    }
    let rows = conn
        .call(
            conn.client
                .query(&format!(
                    "SELECT k AS key, SpanAttributes[k] AS value FROM {table} \
                     ARRAY JOIN {{keys:Array(String)}} AS k \
                     WHERE TraceId = {{t:String}} AND SpanId = {{s:String}} \
                       AND Timestamp = fromUnixTimestamp64Nano({{start:Int64}}) \
                       AND mapContains(SpanAttributes, k) LIMIT {{n:UInt32}}"
                ))
                .param("keys", keys)
                .param("t", trace_id.trim().to_ascii_lowercase())
                .param("s", span_id.trim().to_ascii_lowercase())
                .param("start", start_ns.min(i64::MAX as u64) as i64)
                .param("n", keys.len() as u32)
                .fetch_all::<Kv>(),
        )
        .await?;
    Ok(rows.into_iter().map(|r| (r.key, r.value)).collect())
}
