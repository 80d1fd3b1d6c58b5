//! The recent-files list: paths the user opened, newest first, kept in the
//! app's config directory. Paths only: no trace content, no credentials.

use std::path::PathBuf;
use tauri::{AppHandle, Manager};

const KEEP: usize = 10;

fn file(app: &AppHandle) -> Option<PathBuf> {
    app.path()
        .app_config_dir()
        .ok()
        .map(|d| d.join("recent.json"))
}

pub fn list(app: &AppHandle) -> Vec<String> {
    file(app)
        .and_then(|f| std::fs::read(f).ok())
        .and_then(|b| serde_json::from_slice::<Vec<String>>(&b).ok())
        .unwrap_or_default()
}

/// Whether `path` is on the list: the only paths `open_recent` will open.
pub fn contains(app: &AppHandle, path: &str) -> bool {
    list(app).iter().any(|p| p == path)
}

pub fn remember(app: &AppHandle, paths: &[PathBuf]) {
    let Some(f) = file(app) else { return };
    let mut list = list(app);
    for p in paths.iter().rev() {
        let p = std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
        let s = p.display().to_string();
        list.retain(|x| x != &s);
        list.insert(0, s);
    }
    list.truncate(KEEP);
    if let Some(dir) = f.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Ok(json) = serde_json::to_vec_pretty(&list) {
        if let Err(e) = std::fs::write(&f, json) {
            tracing::warn!("cannot save the recent-files list: {e}");
        }
    }
}
