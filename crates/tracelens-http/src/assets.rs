//! The built web UI: the page and its hashed assets, from the binary (ui/dist
//! as it was when the binary was built, so an installed `tracelens serve`
//! needs no checkout) or from a directory given with `--ui` (development).
//! Only plain file names are served.

use crate::AppState;
use axum::extract::State;
use axum::http::{header, StatusCode, Uri};
use axum::response::{Html, IntoResponse, Response};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// ui/dist, embedded at build time (read from the disk in debug builds).
/// Missing when the page was not built first: then the API is served alone.
#[derive(rust_embed::Embed)]
#[folder = "../../ui/dist"]
#[allow_missing = true]
struct Embedded;

/// Whether the binary carries a page.
pub fn has_embedded_ui() -> bool {
    Embedded::get("index.html").is_some()
}

/// What `/` shows when no UI build was found.
const NO_UI: &str = "<!doctype html><meta charset=utf-8><title>Tracelens</title>\
<p>Tracelens is serving its API (/api/summary, /api/search?id=, /api/traces/ID/columns, \
/api/traces/ID/nodes/N, /api/traces/ID/spans/SPAN_ID), but no web UI build was found: \
run <code>npm run build</code> in ui/ or pass <code>--ui DIR</code>.";

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("js") | Some("mjs") => "text/javascript; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("ico") => "image/x-icon",
        Some("json") => "application/json",
        Some("woff2") => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// `rel` under `dir`, or `None` when it tries to leave it (`..`, absolute
/// paths, hidden files).
fn resolve(dir: &Path, rel: &str) -> Option<PathBuf> {
    let rel = Path::new(rel.trim_start_matches('/'));
    let mut out = dir.to_path_buf();
    for c in rel.components() {
        match c {
            Component::Normal(s) if !s.to_string_lossy().starts_with('.') => out.push(s),
            _ => return None,
        }
    }
    Some(out)
}

pub async fn file(State(st): State<Arc<AppState>>, uri: Uri) -> Response {
    let path = uri.path();
    let rel = if path == "/" { "index.html" } else { path };
    let Some(dir) = &st.ui_dir else {
        return embedded(rel);
    };
    let Some(file) = resolve(dir, rel) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    match tokio::fs::read(&file).await {
        Ok(bytes) => ([(header::CONTENT_TYPE, content_type(&file))], bytes).into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

fn embedded(rel: &str) -> Response {
    let Some(name) = resolve(Path::new(""), rel) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let key = name.to_string_lossy().replace('\\', "/");
    match Embedded::get(&key) {
        // Borrowed from the binary in release builds: no copy per request.
        Some(f) => ([(header::CONTENT_TYPE, content_type(&name))], f.data).into_response(),
        None if rel == "index.html" => Html(NO_UI).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_cannot_leave_the_directory() {
        let d = Path::new("/srv/ui");
        assert_eq!(resolve(d, "/assets/a.js"), Some(d.join("assets/a.js")));
        assert_eq!(resolve(d, "/../etc/passwd"), None);
        assert_eq!(resolve(d, "/assets/../../x"), None);
        assert_eq!(resolve(d, "/.git/config"), None);
    }

    #[test]
    fn the_embedded_page_is_the_build_when_there_is_one() {
        let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/dist/index.html");
        assert_eq!(has_embedded_ui(), built.is_file());
        if built.is_file() {
            let r = embedded("index.html");
            assert_eq!(r.status(), StatusCode::OK);
            assert_eq!(embedded("/../Cargo.toml").status(), StatusCode::NOT_FOUND);
        }
    }
}
