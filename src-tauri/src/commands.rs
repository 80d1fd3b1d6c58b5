//! The Tauri commands: each one `Session` call (or an open), its answer sent
//! as JSON, the waterfall's columns as raw bytes (an ArrayBuffer in the page,
//! no JSON on the way).

use crate::opening::{self, AppState, LoadStatus};
use tauri::ipc::Response;
use tauri::{AppHandle, State};
use tauri_plugin_dialog::DialogExt;
use tracelens_service::{Breakdown, SearchResult, SpanDetail, SummaryDoc, TraceMatches};

type CmdResult<T> = Result<T, String>;

#[tauri::command]
pub fn summary(state: State<'_, AppState>) -> SummaryDoc {
    state.session().summary()
}

#[tauri::command]
pub fn search(state: State<'_, AppState>, id: String) -> SearchResult {
    state.session().search(&id)
}

#[tauri::command]
pub fn sessions(
    state: State<'_, AppState>,
    query: tracelens_service::SessionsQuery,
) -> tracelens_model::sessions::SessionsDoc {
    state.session().sessions(&query)
}

#[tauri::command]
pub fn health(
    state: State<'_, AppState>,
    query: tracelens_service::HealthQuery,
) -> tracelens_model::health::HealthDoc {
    state.session().health(&query)
}

#[tauri::command]
pub fn calls(
    state: State<'_, AppState>,
    query: tracelens_service::CallQuery,
) -> CmdResult<tracelens_model::calls::CallsDoc> {
    state.session().calls(&query).map_err(|e| e.to_string())
}

/// Which rows pass a filter, as bytes (see `Session::filter`).
#[tauri::command]
pub fn filter(state: State<'_, AppState>, trace: String, terms: String) -> CmdResult<Response> {
    state
        .session()
        .filter(&trace, &terms)
        .map(Response::new)
        .map_err(|e| e.to_string())
}

/// Trace `trace` (or a subtree) saved where the user picks, as `format`.
#[tauri::command]
pub async fn export_trace(
    app: AppHandle,
    state: State<'_, AppState>,
    trace: String,
    node: Option<u32>,
    format: String,
) -> CmdResult<Option<String>> {
    let file = state
        .session()
        .export(&trace, node, &format)
        .map_err(|e| e.to_string())?;
    // The dialog blocks until the user answers: off the async workers, and
    // never on the main thread, which runs it.
    let name = file.file_name;
    let picked = tauri::async_runtime::spawn_blocking(move || {
        app.dialog()
            .file()
            .set_title("Export trace")
            .set_file_name(name)
            .blocking_save_file()
    })
    .await
    .map_err(|e| format!("the save dialog failed: {e}"))?;
    let Some(path) = picked.and_then(|p| p.into_path().ok()) else {
        return Ok(None);
    };
    std::fs::write(&path, &file.bytes)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    Ok(Some(path.display().to_string()))
}

/// The trace and span the command line asked for, once.
#[tauri::command]
pub fn start_at(state: State<'_, crate::opening::StartAtState>) -> Option<crate::opening::StartAt> {
    state.0.lock().unwrap_or_else(|p| p.into_inner()).take()
}

/// Puts `text` on the system clipboard. The page's own
/// `navigator.clipboard` depends on the web view's rules for secure
/// contexts and user gestures, which differ between WebKitGTK, WKWebView
/// and WebView2; the OS clipboard from Rust does not. Text only: the page
/// cannot read the clipboard back.
#[tauri::command]
pub fn copy_text(app: tauri::AppHandle, text: String) -> CmdResult<()> {
    use tauri_plugin_clipboard_manager::ClipboardExt;
    app.clipboard()
        .write_text(text)
        .map_err(|e| format!("could not copy to the clipboard: {e}"))
}

#[tauri::command]
pub fn diff(
    state: State<'_, AppState>,
    query: tracelens_service::DiffQuery,
) -> CmdResult<tracelens_model::diff::DiffDoc> {
    state.session().diff(&query).map_err(|e| e.to_string())
}

#[tauri::command]
pub fn graph(
    state: State<'_, AppState>,
    query: tracelens_service::GraphQuery,
) -> CmdResult<tracelens_model::graph::GraphDoc> {
    state.session().graph(&query).map_err(|e| e.to_string())
}

#[tauri::command]
pub fn report(
    state: State<'_, AppState>,
    query: tracelens_service::ReportQuery,
) -> CmdResult<tracelens_model::report::Report> {
    state.session().report(&query).map_err(|e| e.to_string())
}

#[tauri::command]
pub fn logs(
    state: State<'_, AppState>,
    query: tracelens_service::logs::LogQuery,
) -> CmdResult<tracelens_service::LogsDoc> {
    state.session().logs(&query).map_err(|e| e.to_string())
}

#[tauri::command]
pub fn columns(
    state: State<'_, AppState>,
    trace: String,
    adjust_skew: bool,
) -> CmdResult<Response> {
    state
        .session()
        .columns(&trace, adjust_skew)
        .map(Response::new)
        .map_err(|e| e.to_string())
}

#[tauri::command]
pub fn node(state: State<'_, AppState>, trace: String, node: u32) -> CmdResult<SpanDetail> {
    state
        .session()
        .node(&trace, node)
        .map_err(|e| e.to_string())
}

#[tauri::command]
pub fn markers(state: State<'_, AppState>, trace: String) -> CmdResult<tracelens_service::Markers> {
    state.session().markers(&trace).map_err(|e| e.to_string())
}

#[tauri::command]
pub fn span(state: State<'_, AppState>, trace: String, span: String) -> CmdResult<SpanDetail> {
    state
        .session()
        .span(&trace, &span)
        .map_err(|e| e.to_string())
}

#[tauri::command]
pub fn breakdown(
    state: State<'_, AppState>,
    trace: String,
    node: Option<u32>,
    terms: Option<String>,
) -> CmdResult<Breakdown> {
    state
        .session()
        .breakdown_filtered(&trace, node, terms.as_deref().unwrap_or(""))
        .map_err(|e| e.to_string())
}

#[tauri::command]
pub fn why(
    state: State<'_, AppState>,
    trace: String,
    node: Option<u32>,
) -> CmdResult<tracelens_service::WhyDoc> {
    state.session().why(&trace, node).map_err(|e| e.to_string())
}

#[tauri::command]
pub fn find(state: State<'_, AppState>, trace: String, q: String) -> CmdResult<TraceMatches> {
    state.session().find(&trace, &q).map_err(|e| e.to_string())
}

/// Shows the native open dialog; what the user picks is opened.
#[tauri::command]
pub fn open_dialog(app: AppHandle) {
    let handle = app.clone();
    app.dialog()
        .file()
        .set_title("Open trace files")
        .add_filter(
            "Trace exports",
            &[
                "json", "jsonl", "ndjson", "pb", "bin", "proto", "gz", "zst", "zstd",
            ],
        )
        .add_filter("All files", &["*"])
        .pick_files(move |picked| {
            let paths: Vec<_> = picked
                .unwrap_or_default()
                .into_iter()
                .filter_map(|p| p.into_path().ok())
                .collect();
            if !paths.is_empty() {
                opening::open_paths(handle, paths);
            }
        });
}

#[tauri::command]
pub fn open_sample(app: AppHandle) {
    opening::open_sample(app);
}

/// Opens a path from the recent list, and only such a path: the page cannot
/// name an arbitrary file to read.
#[tauri::command]
pub fn open_recent(app: AppHandle, path: String) -> CmdResult<()> {
    if !crate::recent::contains(&app, &path) {
        return Err(format!("{path} is not in the recent-files list"));
    }
    opening::open_paths(app, vec![path.into()]);
    Ok(())
}

#[tauri::command]
pub fn recent_files(app: AppHandle) -> Vec<String> {
    crate::recent::list(&app)
}

#[tauri::command]
pub fn cancel_open(state: State<'_, AppState>) -> bool {
    state.cancel()
}

#[tauri::command]
pub fn load_status(state: State<'_, AppState>) -> LoadStatus {
    state.status()
}
