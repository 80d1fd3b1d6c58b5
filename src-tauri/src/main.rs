//! The Tracelens desktop app: one window over the web UI (ui/dist). Every
//! command is a thin adapter over `tracelens_service::Session`, the same
//! layer the CLI and `tracelens serve` use; nothing here analyses a trace.
//!
//! Files reach the app only from the user: command-line paths, the native
//! open dialog (shown by the Rust side, so the page needs no file or dialog
//! permission), a drop on the window, or the recent list (paths the user
//! opened before). The page can read no file by itself.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod clickhouse;
mod commands;
mod gtk_noise;
mod live;
mod opening;
mod recent;
mod saved;

use std::path::PathBuf;
use tauri::{DragDropEvent, Manager, WindowEvent};

fn main() {
    // Paths given on the command line (`tracelens open FILE...` passes them
    // through); flags are left to Tauri and WebKit.
    let paths: Vec<PathBuf> = std::env::args_os()
        .skip(1)
        .filter(|a| !a.to_string_lossy().starts_with('-'))
        .map(PathBuf::from)
        .collect();
    // `--trace=ID [--span=ID]`: the view to open once the files are read.
    let flag = |name: &str| {
        std::env::args()
            .skip(1)
            .find_map(|a| a.strip_prefix(name).map(str::to_string))
            .filter(|v| !v.is_empty())
    };
    let start_at = flag("--trace=").map(|trace| opening::StartAt {
        trace,
        span: flag("--span="),
    });
    gtk_noise::quiet();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_clipboard_manager::init())
        .manage(opening::AppState::default())
        .manage(opening::StartAtState(std::sync::Mutex::new(start_at)))
        .manage(clickhouse::ChState::default())
        .manage(live::LiveState::new(paths.is_empty()))
        .setup(move |app| {
            live::start(app.handle().clone());
            if !paths.is_empty() {
                opening::open_paths(app.handle().clone(), paths.clone());
            }
            Ok(())
        })
        .on_window_event(|window, event| {
            if let WindowEvent::DragDrop(DragDropEvent::Drop { paths, .. }) = event {
                opening::open_paths(window.app_handle().clone(), paths.clone());
            }
        })
        .invoke_handler(tauri::generate_handler![
            commands::summary,
            commands::search,
            commands::logs,
            commands::report,
            commands::calls,
            commands::health,
            commands::sessions,
            commands::diff,
            commands::filter,
            commands::export_trace,
            commands::graph,
            commands::columns,
            commands::node,
            commands::span,
            commands::markers,
            commands::breakdown,
            commands::why,
            commands::find,
            commands::copy_text,
            commands::open_dialog,
            commands::open_sample,
            commands::open_recent,
            commands::recent_files,
            commands::cancel_open,
            commands::load_status,
            commands::start_at,
            clickhouse::ch_connect,
            clickhouse::ch_connect_saved,
            clickhouse::ch_saved,
            clickhouse::ch_forget,
            clickhouse::ch_disconnect,
            clickhouse::ch_traces,
            clickhouse::ch_report,
            clickhouse::ch_health,
            clickhouse::ch_calls,
            clickhouse::ch_pick_ca,
            clickhouse::ch_clear_ca,
            clickhouse::ch_open,
            clickhouse::ch_search,
            clickhouse::ch_span_attrs,
            live::live_show,
            live::live_status,
            live::live_write_through,
        ])
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("tracelens-app: {e}");
        std::process::exit(1);
    }
}
