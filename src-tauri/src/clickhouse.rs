//! ClickHouse as a source in the app: connect (the password stays in memory,
//! never in a file or a log), list the stored traces, open one (fetched into
//! the session, then viewed like a file's). Viewing never writes to the server.

use crate::opening::AppState;
use serde::Serialize;
use std::sync::Mutex;
use std::time::Duration;
use tauri::State;
use tracelens_clickhouse::list::{ListFilter, TraceRow};
use tracelens_clickhouse::schema::OtelSchema;
use tracelens_clickhouse::{Conn, ConnConfig};
use tracelens_model::{DatasetOptions, TraceStore};
use tracelens_service::Session;

#[derive(Default)]
pub struct ChState {
    conn: Mutex<Option<(Conn, OtelSchema)>>,
}

impl ChState {
    fn current(&self) -> Result<(Conn, OtelSchema), String> {
        self.conn
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or_else(|| "not connected to ClickHouse".to_string())
    }
}

#[derive(Serialize)]
pub struct ChInfo {
    pub url: String,
    pub database: String,
    pub user: String,
    pub attrs: String,
    pub lookup: bool,
}

#[tauri::command]
pub async fn ch_connect(
    ch: State<'_, ChState>,
    url: String,
    user: String,
    password: String,
    database: String,
) -> Result<ChInfo, String> {
    let mut cfg = ConnConfig::new(url.trim());
    cfg.user = if user.trim().is_empty() {
        "default".into()
    } else {
        user.trim().into()
    };
    cfg.password = password;
    cfg.database = if database.trim().is_empty() {
        "default".into()
    } else {
        database.trim().into()
    };
    cfg.timeout = Duration::from_secs(30);
    let conn = Conn::new(cfg).map_err(|e| e.to_string())?;
    conn.ping().await.map_err(|e| e.to_string())?;
    let schema = tracelens_clickhouse::schema::detect(&conn)
        .await
        .map_err(|e| e.to_string())?;
    let otel = schema.otel.ok_or_else(|| {
        format!(
            "the database {} has no otel_traces table: run `tracelens migrate --otel` and import, or point a Collector's ClickHouse exporter at it",
            conn.cfg.database
        )
    })?;
    let info = ChInfo {
        url: conn.cfg.url.clone(),
        database: conn.cfg.database.clone(),
        user: conn.cfg.user.clone(),
        attrs: otel.attrs.clone(),
        lookup: otel.lookup.is_some(),
    };
    *ch.conn.lock().unwrap_or_else(|p| p.into_inner()) = Some((conn, otel));
    Ok(info)
}

#[tauri::command]
pub fn ch_disconnect(ch: State<'_, ChState>) {
    *ch.conn.lock().unwrap_or_else(|p| p.into_inner()) = None;
}

#[tauri::command]
pub async fn ch_traces(
    ch: State<'_, ChState>,
    since_s: i64,
    text: Option<String>,
    min_duration_ns: u64,
    limit: u32,
) -> Result<Vec<TraceRow>, String> {
    let (conn, _) = ch.current()?;
    let (from_s, to_s) = tracelens_clickhouse::list::last(since_s.max(1));
    let f = ListFilter {
        from_s,
        to_s,
        text: text.filter(|t| !t.trim().is_empty()),
        min_duration_ns,
        limit: limit.clamp(1, 5000),
        ..ListFilter::default()
    };
    tracelens_clickhouse::list::list_traces(&conn, &f)
        .await
        .map_err(|e| e.to_string())
}

/// Fetches one trace into the session (the waterfall, details and
/// breakdowns then work as for a file).
#[tauri::command]
pub async fn ch_open(
    ch: State<'_, ChState>,
    state: State<'_, AppState>,
    app_live: State<'_, crate::live::LiveState>,
    trace: String,
    since_s: i64,
) -> Result<usize, String> {
    let (conn, otel) = ch.current()?;
    let mut store = TraceStore::new();
    let r = tracelens_clickhouse::otel::fetch_trace_using(
        &conn,
        &otel,
        &trace,
        Some(tracelens_clickhouse::list::last(since_s.max(1))),
        true,
        true,
        &mut store,
    )
    .await
    .map_err(|e| e.to_string())?;
    if r.spans == 0 {
        return Err(format!(
            "no spans of trace {trace} in {}.otel_traces",
            conn.cfg.database
        ));
    }
    let ds = tracelens_service::from_store(store, DatasetOptions::default());
    let sources = vec![tracelens_service::summary::SourceSummary::clickhouse(
        format!("{} {}.otel_traces", conn.cfg.url, conn.cfg.database),
        r.spans as u64,
    )];
    app_live.replace(&mut state.session(), Session::new(ds, sources));
    Ok(r.spans)
}

/// Every stored trace carrying `value` in any correlation field (or as its
/// trace or span id), newest range first.
#[tauri::command]
pub async fn ch_search(
    ch: State<'_, ChState>,
    value: String,
    since_s: i64,
) -> Result<Vec<String>, String> {
    let (conn, _) = ch.current()?;
    let (from_s, to_s) = tracelens_clickhouse::list::last(since_s.max(1));
    let hits = tracelens_clickhouse::list::find_by_id(&conn, value.trim(), from_s, to_s, 10_000)
        .await
        .map_err(|e| e.to_string())?;
    let mut ids: Vec<String> = hits.into_iter().map(|h| h.trace_id).collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}
