//! `POST /v1/traces`: read the body (bounded, gzip or not), parse it with
//! the file readers, queue it (bounded), answer as OTLP/HTTP says.

use crate::ingest::{ingest, Outcome, Shared};
use axum::body::{Body, Bytes};
use axum::extract::State as AxState;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceResponse,
};
use prost::Message;
use std::io::Read;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tracelens_formats::Format;

pub(crate) fn router(st: Arc<Shared>) -> Router {
    Router::new()
        .route("/v1/traces", post(traces))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(st)
}

#[derive(Clone, Copy, PartialEq)]
enum Encoding {
    Proto,
    Json,
}

fn reply(enc: Encoding, status: StatusCode, rejected: u64, message: &str) -> Response {
    let partial = (rejected > 0 || !message.is_empty()).then(|| ExportTracePartialSuccess {
        rejected_spans: rejected.min(i64::MAX as u64) as i64,
        error_message: message.to_string(),
    });
    match enc {
        Encoding::Proto => {
            let body = ExportTraceServiceResponse {
                partial_success: partial,
            }
            .encode_to_vec();
            (
                status,
                [(header::CONTENT_TYPE, "application/x-protobuf")],
                body,
            )
                .into_response()
        }
        Encoding::Json => {
            let body = match partial {
                Some(p) => serde_json::json!({"partialSuccess": {
                    "rejectedSpans": p.rejected_spans.to_string(),
                    "errorMessage": p.error_message,
                }}),
                None => serde_json::json!({}),
            };
            (
                status,
                [(header::CONTENT_TYPE, "application/json")],
                body.to_string(),
            )
                .into_response()
        }
    }
}

/// A failure answer (400, 413, 415, 429, 503): a short text the sender logs.
fn refuse(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message.to_string(),
    )
        .into_response()
}

/// Reads at most `limit` bytes of a (possibly gzip) body; None past it.
async fn read_body(body: Body, gzip: bool, limit: usize) -> Result<Option<Vec<u8>>, String> {
    let raw: Bytes = match axum::body::to_bytes(body, limit).await {
        Ok(b) => b,
        Err(_) => return Ok(None),
    };
    if !gzip {
        return Ok(Some(raw.to_vec()));
    }
    // A small compressed body may inflate past any memory: cap the output.
    let mut out = Vec::new();
    let cap = (limit as u64).saturating_mul(4);
    let mut d = flate2::read::GzDecoder::new(&raw[..]).take(cap + 1);
    d.read_to_end(&mut out)
        .map_err(|e| format!("bad gzip body: {e}"))?;
    if out.len() as u64 > cap {
        return Ok(None);
    }
    Ok(Some(out))
}

async fn traces(AxState(st): AxState<Arc<Shared>>, headers: HeaderMap, body: Body) -> Response {
    st.counters.requests.fetch_add(1, Ordering::Relaxed);
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let enc = if ctype.starts_with("application/x-protobuf")
        || ctype.starts_with("application/protobuf")
    {
        Encoding::Proto
    } else if ctype.starts_with("application/json") {
        Encoding::Json
    } else {
        st.counters.bad.fetch_add(1, Ordering::Relaxed);
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send application/x-protobuf or application/json",
        );
    };
    let gzip = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("gzip"));
    let bytes = match read_body(body, gzip, st.max_body).await {
        Ok(Some(b)) => b,
        Ok(None) => {
            st.counters.too_large.fetch_add(1, Ordering::Relaxed);
            return refuse(
                StatusCode::PAYLOAD_TOO_LARGE,
                &format!(
                    "the body is over the limit of {} bytes: send smaller batches",
                    st.max_body
                ),
            );
        }
        Err(e) => {
            st.counters.bad.fetch_add(1, Ordering::Relaxed);
            return refuse(StatusCode::BAD_REQUEST, &e);
        }
    };
    let format = if enc == Encoding::Proto {
        Format::OtlpProto
    } else {
        Format::OtlpJson
    };
    match ingest(&st, bytes, format).await {
        Outcome::Accepted { rejected, message } => reply(enc, StatusCode::OK, rejected, &message),
        Outcome::Unreadable(msg) => refuse(StatusCode::BAD_REQUEST, &msg),
        Outcome::Full => {
            let mut r = refuse(
                StatusCode::TOO_MANY_REQUESTS,
                "the receiver is busy: retry later",
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
            r
        }
        Outcome::Closed => refuse(StatusCode::SERVICE_UNAVAILABLE, "the receiver is stopping"),
    }
}
