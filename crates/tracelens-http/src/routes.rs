//! The routes: each one `Session` call, its answer sent as JSON (or, for the
//! waterfall's columns, as bytes).

use crate::auth::guard;
use crate::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{middleware, Json, Router};
use serde::Deserialize;
use std::sync::{Arc, MutexGuard};
use tracelens_service::{ServiceError, Session};

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/api/summary", get(summary))
        .route("/api/search", get(search))
        .route("/api/logs", get(logs))
        .route("/api/report", get(report))
        .route("/api/calls", get(calls))
        .route("/api/health", get(health))
        .route("/api/sessions", get(sessions))
        .route("/api/diff", get(diff))
        .route("/api/graph", get(graph))
        .route("/api/traces/{trace}/columns", get(columns))
        .route("/api/traces/{trace}/breakdown", get(breakdown))
        .route("/api/traces/{trace}/why", get(why))
        .route("/api/traces/{trace}/find", get(find))
        .route("/api/traces/{trace}/markers", get(markers))
        .route("/api/traces/{trace}/export", get(export))
        .route("/api/traces/{trace}/filter", get(filter))
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

impl From<ServiceError> for ApiError {
    fn from(e: ServiceError) -> Self {
        let status = match e {
            ServiceError::NotFound(_) => StatusCode::NOT_FOUND,
            ServiceError::Ambiguous(_) | ServiceError::Invalid(_) => StatusCode::BAD_REQUEST,
        };
        ApiError(status, e.to_string())
    }
}

type ApiResult<T> = Result<T, ApiError>;

fn lock(st: &AppState) -> MutexGuard<'_, Session> {
    // A handler that panicked cannot have left the session half-changed
    // (handlers only read, build the correlation index whole, and export
    // puts back the one field it blanks while writing into memory), so a
    // poisoned lock is still good data.
    st.session.lock().unwrap_or_else(|p| p.into_inner())
}

async fn summary(State(st): State<Arc<AppState>>) -> Json<tracelens_service::SummaryDoc> {
    Json(lock(&st).summary())
}

#[derive(Deserialize)]
struct SearchQuery {
    id: String,
}

async fn search(
    State(st): State<Arc<AppState>>,
    Query(q): Query<SearchQuery>,
) -> Json<tracelens_service::SearchResult> {
    Json(lock(&st).search(&q.id))
}

async fn sessions(
    State(st): State<Arc<AppState>>,
    Query(q): Query<tracelens_service::SessionsQuery>,
) -> Json<tracelens_model::sessions::SessionsDoc> {
    Json(lock(&st).sessions(&q))
}

async fn health(
    State(st): State<Arc<AppState>>,
    Query(q): Query<tracelens_service::HealthQuery>,
) -> Json<tracelens_model::health::HealthDoc> {
    Json(lock(&st).health(&q))
}

async fn calls(
    State(st): State<Arc<AppState>>,
    Query(q): Query<tracelens_service::CallQuery>,
) -> ApiResult<Json<tracelens_model::calls::CallsDoc>> {
    Ok(Json(lock(&st).calls(&q)?))
}

async fn diff(
    State(st): State<Arc<AppState>>,
    Query(q): Query<tracelens_service::DiffQuery>,
) -> ApiResult<Json<tracelens_model::diff::DiffDoc>> {
    Ok(Json(lock(&st).diff(&q)?))
}

async fn graph(
    State(st): State<Arc<AppState>>,
    Query(q): Query<tracelens_service::GraphQuery>,
) -> ApiResult<Json<tracelens_model::graph::GraphDoc>> {
    Ok(Json(lock(&st).graph(&q)?))
}

async fn report(
    State(st): State<Arc<AppState>>,
    Query(q): Query<tracelens_service::ReportQuery>,
) -> ApiResult<Json<tracelens_model::report::Report>> {
    Ok(Json(lock(&st).report(&q)?))
}

async fn logs(
    State(st): State<Arc<AppState>>,
    Query(q): Query<tracelens_service::logs::LogQuery>,
) -> ApiResult<Json<tracelens_service::LogsDoc>> {
    Ok(Json(lock(&st).logs(&q)?))
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
    let bytes = lock(&st).columns(&trace, q.adjust_skew)?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response())
}

#[derive(Deserialize)]
struct FilterQuery {
    #[serde(default)]
    terms: String,
}

/// Which rows pass a filter: a count, then one byte per row.
async fn filter(
    State(st): State<Arc<AppState>>,
    Path(trace): Path<String>,
    Query(q): Query<FilterQuery>,
) -> ApiResult<Response> {
    let bytes = lock(&st).filter(&trace, &q.terms)?;
    Ok(([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response())
}

#[derive(Deserialize)]
struct ExportQuery {
    node: Option<u32>,
    format: String,
}

/// The trace (or a subtree) as a file to save: OTLP/JSON or a digest.
async fn export(
    State(st): State<Arc<AppState>>,
    Path(trace): Path<String>,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    let file = lock(&st).export(&trace, q.node, &q.format)?;
    // The name holds the trace's own hex id: nothing can end the quoted string.
    let disposition = format!("attachment; filename=\"{}\"", file.file_name);
    Ok((
        [
            (header::CONTENT_TYPE, file.media_type.to_string()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        file.bytes,
    )
        .into_response())
}

#[derive(Deserialize)]
struct BreakdownQuery {
    node: Option<u32>,
    #[serde(default)]
    terms: String,
}

async fn breakdown(
    State(st): State<Arc<AppState>>,
    Path(trace): Path<String>,
    Query(q): Query<BreakdownQuery>,
) -> ApiResult<Json<tracelens_service::Breakdown>> {
    Ok(Json(
        lock(&st).breakdown_filtered(&trace, q.node, &q.terms)?,
    ))
}

async fn why(
    State(st): State<Arc<AppState>>,
    Path(trace): Path<String>,
    Query(q): Query<BreakdownQuery>,
) -> ApiResult<Json<tracelens_service::WhyDoc>> {
    Ok(Json(lock(&st).why(&trace, q.node)?))
}

#[derive(Deserialize)]
struct FindQuery {
    q: String,
}

async fn find(
    State(st): State<Arc<AppState>>,
    Path(trace): Path<String>,
    Query(q): Query<FindQuery>,
) -> ApiResult<Json<tracelens_service::TraceMatches>> {
    Ok(Json(lock(&st).find(&trace, &q.q)?))
}

async fn markers(
    State(st): State<Arc<AppState>>,
    Path(trace): Path<String>,
) -> ApiResult<Json<tracelens_service::Markers>> {
    Ok(Json(lock(&st).markers(&trace)?))
}

async fn node_detail(
    State(st): State<Arc<AppState>>,
    Path((trace, node)): Path<(String, u32)>,
) -> ApiResult<Json<tracelens_service::SpanDetail>> {
    Ok(Json(lock(&st).node(&trace, node)?))
}

async fn span_detail(
    State(st): State<Arc<AppState>>,
    Path((trace, span)): Path<(String, String)>,
) -> ApiResult<Json<tracelens_service::SpanDetail>> {
    Ok(Json(lock(&st).span(&trace, &span)?))
}
