//! ClickHouse as a source in the app: connect (the password stays in memory,
//! never in a file or a log; a saved connection keeps it in the OS keychain,
//! see `saved`), list the stored traces, open one (fetched into the session,
//! then viewed like a file's). Viewing never writes to the server.

use crate::opening::AppState;
use crate::saved::{self, SavedConn};
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::time::Duration;
use tauri::{AppHandle, Manager, State};
use tracelens_clickhouse::list::{ListFilter, TraceRow};
use tracelens_clickhouse::otel::AttrFetch;
use tracelens_service::detail::AttrJson;

/// Attribute values longer than this stay in ClickHouse when a trace opens.
const ATTR_CAP: u32 = 1024;
use tauri_plugin_dialog::DialogExt;
use tracelens_clickhouse::schema::OtelSchema;
use tracelens_clickhouse::{Conn, ConnConfig};
use tracelens_model::{DatasetOptions, TraceStore};
use tracelens_service::Session;

#[derive(Default)]
pub struct ChState {
    conn: Mutex<Option<(Conn, OtelSchema)>>,
    /// The CA certificate the user picked in the native dialog (or the one
    /// a saved connection names): the page never sends a path to read.
    picked_ca: Mutex<Option<String>>,
}

impl ChState {
    /// The connected server, for the live write-through.
    pub fn connection(&self) -> Result<Conn, String> {
        self.current().map(|c| c.0)
    }

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
    /// What saving did (asked for with `save`), e.g. where the password went.
    pub saved: Option<String>,
}

/// The connection form as the page sends it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnForm {
    url: String,
    #[serde(default)]
    user: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    database: String,
}

/// The connection a form or a saved entry names, defaults filled in.
fn target(c: &SavedConn) -> SavedConn {
    SavedConn {
        url: c.url.trim().to_string(),
        user: given(&c.user).unwrap_or_else(|| "default".into()),
        database: given(&c.database).unwrap_or_else(|| "default".into()),
        ca_cert: c.ca_cert.trim().to_string(),
    }
}

fn config_dir(app: &AppHandle) -> Result<std::path::PathBuf, String> {
    app.path()
        .app_config_dir()
        .map_err(|e| format!("no config directory: {e}"))
}

#[tauri::command]
pub async fn ch_connect(
    app: AppHandle,
    ch: State<'_, ChState>,
    form: ConnForm,
    save: bool,
) -> Result<ChInfo, String> {
    let ca_cert = ch
        .picked_ca
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone()
        .unwrap_or_default();
    let t = target(&SavedConn {
        url: form.url,
        user: form.user,
        database: form.database,
        ca_cert,
    });
    let password = form.password;
    let mut info = connect(&ch, &t, password.clone()).await?;
    if save {
        let dir = config_dir(&app)?;
        let t2 = t.clone();
        // The keychain may block on D-Bus: off the async runtime.
        info.saved = Some(
            tauri::async_runtime::spawn_blocking(move || saved::save(&dir, &t2, &password))
                .await
                .map_err(|e| e.to_string())??,
        );
    }
    Ok(info)
}

/// The saved connections (no passwords), newest first.
#[tauri::command]
pub fn ch_saved(app: AppHandle) -> Result<Vec<SavedConn>, String> {
    Ok(saved::list(&config_dir(&app)?))
}

/// The CA certificate for https, picked in the native file dialog; `None`
/// when the dialog was cancelled (the pick is then cleared).
#[tauri::command]
pub async fn ch_pick_ca(app: AppHandle, ch: State<'_, ChState>) -> Result<Option<String>, String> {
    let picked = tauri::async_runtime::spawn_blocking(move || {
        app.dialog()
            .file()
            .set_title("CA certificate (PEM)")
            .add_filter("PEM certificate", &["pem", "crt", "cer"])
            .blocking_pick_file()
    })
    .await
    .map_err(|e| format!("the file dialog failed: {e}"))?;
    let path = picked
        .and_then(|p| p.into_path().ok())
        .map(|p| p.display().to_string());
    *ch.picked_ca.lock().unwrap_or_else(|p| p.into_inner()) = path.clone();
    Ok(path)
}

/// Forgets the picked CA certificate.
#[tauri::command]
pub fn ch_clear_ca(ch: State<'_, ChState>) {
    *ch.picked_ca.lock().unwrap_or_else(|p| p.into_inner()) = None;
}

/// Connects with a saved connection's password from the keychain. The CA
/// certificate is the one saved with it, read from the app's own config,
/// not a path the page sends.
#[tauri::command]
pub async fn ch_connect_saved(
    app: AppHandle,
    ch: State<'_, ChState>,
    conn: SavedConn,
) -> Result<ChInfo, String> {
    let mut t = target(&conn);
    let stored = saved::list(&config_dir(&app)?)
        .into_iter()
        .map(|s| target(&s))
        .find(|s| s.url == t.url && s.user == t.user && s.database == t.database);
    t.ca_cert = stored.map(|s| s.ca_cert).unwrap_or_default();
    *ch.picked_ca.lock().unwrap_or_else(|p| p.into_inner()) =
        (!t.ca_cert.is_empty()).then(|| t.ca_cert.clone());
    let t2 = t.clone();
    let password = tauri::async_runtime::spawn_blocking(move || saved::password(&t2))
        .await
        .map_err(|e| e.to_string())??;
    connect(&ch, &t, password).await
}

#[tauri::command]
pub async fn ch_forget(app: AppHandle, conn: SavedConn) -> Result<(), String> {
    let dir = config_dir(&app)?;
    let t = target(&conn);
    tauri::async_runtime::spawn_blocking(move || saved::forget(&dir, &t))
        .await
        .map_err(|e| e.to_string())?
}

async fn connect(ch: &ChState, t: &SavedConn, password: String) -> Result<ChInfo, String> {
    let mut cfg = ConnConfig::new(&t.url);
    cfg.user = t.user.clone();
    cfg.password = password;
    cfg.database = t.database.clone();
    cfg.timeout = Duration::from_secs(30);
    cfg.ca_cert = (!t.ca_cert.is_empty()).then(|| t.ca_cert.clone().into());
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
        saved: None,
    };
    *ch.conn.lock().unwrap_or_else(|p| p.into_inner()) = Some((conn, otel));
    Ok(info)
}

#[tauri::command]
pub fn ch_disconnect(ch: State<'_, ChState>) {
    *ch.conn.lock().unwrap_or_else(|p| p.into_inner()) = None;
}

/// The trace list's filters as the page sends them; computed by ClickHouse
/// over the whole range, not over the rows already shown.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChListArgs {
    since_s: i64,
    #[serde(default)]
    text: String,
    #[serde(default)]
    min_duration_ns: u64,
    #[serde(default)]
    service: String,
    #[serde(default)]
    agent: String,
    #[serde(default)]
    user_id: String,
    #[serde(default)]
    errors_only: bool,
    #[serde(default)]
    state: String,
    limit: u32,
    #[serde(default)]
    offset: u32,
}

/// A form field's value, or none when left empty.
fn given(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

#[tauri::command]
pub async fn ch_traces(
    ch: State<'_, ChState>,
    filter: ChListArgs,
) -> Result<Vec<TraceRow>, String> {
    let (conn, _) = ch.current()?;
    let (from_s, to_s) = tracelens_clickhouse::list::last(filter.since_s.max(1));
    let f = ListFilter {
        from_s,
        to_s,
        text: given(&filter.text),
        min_duration_ns: filter.min_duration_ns,
        service: given(&filter.service),
        agent: given(&filter.agent),
        user_id: given(&filter.user_id),
        errors_only: filter.errors_only,
        state: given(&filter.state),
        limit: filter.limit.clamp(1, 5000),
        offset: filter.offset,
    };
    tracelens_clickhouse::list::list_traces(&conn, &f)
        .await
        .map_err(|e| e.to_string())
}

/// The report over the stored runs of the last `since_s`, computed by
/// ClickHouse (the Overview of a stored source), calls priced as the
/// session prices them.
#[tauri::command]
pub async fn ch_report(
    ch: State<'_, ChState>,
    state: State<'_, AppState>,
    since_s: i64,
    group_by: String,
) -> Result<tracelens_model::report::Report, String> {
    let (conn, _) = ch.current()?;
    let (from_s, to_s) = tracelens_clickhouse::list::last(since_s.max(1));
    let range = tracelens_clickhouse::report::ReportRange {
        from_s,
        to_s,
        group_by: tracelens_service::parse_group_by(&group_by)?,
        top: 10,
        max_groups: 200,
        prices: state.session().prices.clone(),
    };
    tracelens_clickhouse::report::report(&conn, &range)
        .await
        .map_err(|e| e.to_string())
}

/// A page of the calls across the stored runs of the last `since_s`
/// (the calls table of a stored source), filtered, sorted and priced by
/// ClickHouse as the session prices them.
#[tauri::command]
pub async fn ch_calls(
    ch: State<'_, ChState>,
    state: State<'_, AppState>,
    since_s: i64,
    query: tracelens_service::CallQuery,
) -> Result<tracelens_model::calls::CallsDoc, String> {
    let (conn, _) = ch.current()?;
    let (from_s, to_s) = tracelens_clickhouse::list::last(since_s.max(1));
    let filter = tracelens_service::calls::call_filter(&query)?;
    let prices = state.session().prices.clone();
    tracelens_clickhouse::calls::calls(&conn, from_s, to_s, &filter, &prices)
        .await
        .map_err(|e| e.to_string())
}

/// Agent health over the stored executions of the last `since_s`.
#[tauri::command]
pub async fn ch_health(
    ch: State<'_, ChState>,
    since_s: i64,
) -> Result<tracelens_model::health::HealthDoc, String> {
    let (conn, _) = ch.current()?;
    let (from_s, to_s) = tracelens_clickhouse::list::last(since_s.max(1));
    tracelens_clickhouse::report::health(&conn, from_s, to_s, None)
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
    // Skeleton first: values past the cap (prompts, completions) stay in
    // ClickHouse until a span's details ask for them (`ch_span_attrs`).
    let r = tracelens_clickhouse::otel::fetch_trace_using(
        &conn,
        &otel,
        &trace,
        Some(tracelens_clickhouse::list::last(since_s.max(1))),
        AttrFetch::Capped(ATTR_CAP),
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
        r.logs as u64,
        r.logs_error.clone(),
    )];
    app_live.replace(&mut state.session(), Session::new(ds, sources));
    Ok(r.spans)
}

/// The values a span's details name as not loaded (see `ch_open`), fetched
/// from the server the trace came from.
#[tauri::command]
pub async fn ch_span_attrs(
    ch: State<'_, ChState>,
    state: State<'_, AppState>,
    trace: String,
    span: String,
) -> Result<Vec<AttrJson>, String> {
    let (conn, otel) = ch.current()?;
    let d = state
        .session()
        .span(&trace, &span)
        .map_err(|e| e.to_string())?;
    if d.omitted_attributes.is_empty() {
        return Ok(Vec::new());
    }
    let kv = tracelens_clickhouse::otel::fetch_span_attrs(
        &conn,
        &otel,
        &d.trace_id,
        &d.span_id,
        d.start_time_unix_nano,
        &d.omitted_attributes,
    )
    .await
    .map_err(|e| e.to_string())?;
    Ok(kv
        .into_iter()
        .map(|(key, value)| AttrJson {
            key,
            kind: "string",
            value: serde_json::Value::String(value),
        })
        .collect())
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
