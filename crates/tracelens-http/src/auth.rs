//! The access token and the Host check, in front of every route.

use crate::AppState;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// Compares without stopping at the first difference, so response timing
/// does not reveal how much of a guess was right.
fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

fn token_of(req: &Request) -> Option<String> {
    if let Some(v) = req.headers().get(header::AUTHORIZATION) {
        if let Some(t) = v.to_str().ok().and_then(|s| s.strip_prefix("Bearer ")) {
            return Some(t.trim().to_string());
        }
    }
    req.uri().query().and_then(|q| {
        q.split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "token")
            .map(|(_, v)| v.to_string())
    })
}

fn error(status: StatusCode, msg: &str) -> Response {
    crate::routes::ApiError(status, msg.to_string()).into_response()
}

/// Rejects requests for another host name (a page on a hostile domain that
/// resolves to 127.0.0.1) and `/api` requests without the token. Every
/// answer, refusals included, carries the security headers.
pub async fn guard(State(st): State<Arc<AppState>>, req: Request, next: Next) -> Response {
    let mut res = check(&st, req, next).await;
    let h = res.headers_mut();
    for (k, v) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
        ),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        // The token is in the page's URL: never send it on.
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CACHE_CONTROL, "no-store"),
    ] {
        h.insert(k, HeaderValue::from_static(v));
    }
    res
}

async fn check(st: &AppState, req: Request, next: Next) -> Response {
    if let Some(status) = tracelens_listen::request_too_large(&req) {
        return error(
            status,
            "the request's target or headers are too large for this server",
        );
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    // Served on a non-loopback address (which the user asked for by name),
    // the Host is whatever name reaches the machine; the token still
    // guards every route with data.
    if !st.any_host && !st.hosts.iter().any(|h| h == host) {
        return error(StatusCode::FORBIDDEN, "unexpected Host header");
    }
    if req.uri().path().starts_with("/api/") {
        let ok = token_of(&req).is_some_and(|t| same(t.as_bytes(), st.token.as_bytes()));
        if !ok {
            return error(
                StatusCode::UNAUTHORIZED,
                "missing or wrong access token (use the URL tracelens serve printed)",
            );
        }
    }
    next.run(req).await
}
