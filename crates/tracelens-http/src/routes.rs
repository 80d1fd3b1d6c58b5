//! The routes: each one service-layer call.

use crate::auth::guard;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{middleware, Json, Router};
use serde::Deserialize;
use std::sync::{Arc, MutexGuard};
use tracelens_model::Dataset;

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/api/summary", get(summary))
        .route("/api/search", get(search))
        .route("/api/traces/{trace}/columns", get(columns))
        .route("/api/traces/{trace}/nodes/{node}", get(node_detail))
        .route("/api/traces/{trace}/spans/{span}", get(span_detail))
        .fallback(get(crate::assets::file))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// An error answer: its status and `{"error": message}`.
pub(crate) struct ApiError(pub StatusCode, pub String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.0, Json(serde_json::json!({ "error": self.1 }))).into_response()
    }
}

type ApiResult<T> = Result<T, ApiError>;

fn lock(st: &AppState) -> ApiResult<MutexGuard<'_, Dataset>> {
    // A handler that panicked cannot have left the dataset half-changed
    // (handlers only read, and build the correlation index whole), so a
    // poisoned lock is still good data.
    Ok(st.dataset.lock().unwrap_or_else(|p| p.into_inner()))
}

/// A failed lookup: 404 when nothing matched, 400 when a prefix is ambiguous.
fn lookup_error(what: &str, id: &str, place: &str, candidates: Vec<String>) -> ApiError {
    let status = if candidates.is_empty() {
        StatusCode::NOT_FOUND
    } else {
        StatusCode::BAD_REQUEST
    };
    ApiError(
        status,
        tracelens_service::lookup_failure(what, id, place, &candidates),
    )
}

fn trace_of(ds: &Dataset, id: &str) -> ApiResult<usize> {
    tracelens_service::find_trace(ds, id).map_err(|c| lookup_error("trace", id, "the input", c))
}

async fn summary(State(st): State<Arc<AppState>>) -> ApiResult<Json<serde_json::Value>> {
    let ds = lock(&st)?;
    let doc = tracelens_service::summary_doc(&ds, st.sources.clone(), None);
    serde_json::to_value(&doc)
        .map(Json)
        .map_err(|e| ApiError(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))
}

#[derive(Deserialize)]
struct SearchQuery {
    id: String,
}

async fn search(
    State(st): State<Arc<AppState>>,
    Query(q): Query<SearchQuery>,
) -> ApiResult<Json<tracelens_service::SearchResult>> {
    let mut ds = lock(&st)?;
    Ok(Json(tracelens_service::search(&mut ds, &q.id)))
}

#[derive(Deserialize)]
struct ColumnsQuery {
    #[serde(default)]
    adjust_skew: bool,
}

async fn columns(
    State(st): State<Arc<AppState>>,
    Path(trace): Path<String>,
    Query(q): Query<ColumnsQuery>,
) -> ApiResult<Response> {
    let ds = lock(&st)?;
    let t = trace_of(&ds, &trace)?;
    let bytes = tracelens_service::trace_columns(&ds, t, q.adjust_skew)
        .ok_or_else(|| ApiError(StatusCode::NOT_FOUND, format!("no trace {trace:?}")))?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response())
}

async fn node_detail(
    State(st): State<Arc<AppState>>,
    Path((trace, node)): Path<(String, u32)>,
) -> ApiResult<Json<tracelens_service::SpanDetail>> {
    let ds = lock(&st)?;
    let t = trace_of(&ds, &trace)?;
    tracelens_service::span_detail(&ds, t, node)
        .map(Json)
        .ok_or_else(|| ApiError(StatusCode::NOT_FOUND, format!("no node {node} in {trace}")))
}

async fn span_detail(
    State(st): State<Arc<AppState>>,
    Path((trace, span)): Path<(String, String)>,
) -> ApiResult<Json<tracelens_service::SpanDetail>> {
    let ds = lock(&st)?;
    let t = trace_of(&ds, &trace)?;
    let node = tracelens_service::find_span(&ds, t, &span)
        .map_err(|c| lookup_error("span", &span, &format!("trace {trace}"), c))?;
    tracelens_service::span_detail(&ds, t, node)
        .map(Json)
        .ok_or_else(|| ApiError(StatusCode::NOT_FOUND, format!("no span {span:?}")))
}
