//! `POST /v1/traces` and `POST /v1/logs`: read the body (bounded, gzip or
//! not), parse it with the file readers, queue it (bounded), answer as
//! OTLP/HTTP says.

use crate::body::BodyEncoding;
use crate::ingest::{ingest, Outcome, Shared, Signal};
use axum::body::{Body, Bytes};
use axum::extract::State as AxState;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsPartialSuccess, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceResponse,
};
use prost::Message;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tracelens_formats::Format;

pub(crate) fn router(st: Arc<Shared>) -> Router {
    Router::new()
        .route("/v1/traces", post(traces))
        .route("/v1/logs", post(logs))
        .layer(axum::extract::DefaultBodyLimit::disable())
        .with_state(st)
}

#[derive(Clone, Copy, PartialEq)]
enum Encoding {
    Proto,
    Json,
}

fn reply(
    enc: Encoding,
    signal: Signal,
    status: StatusCode,
    rejected: u64,
    message: &str,
) -> Response {
    let partial = rejected > 0 || !message.is_empty();
    let n = rejected.min(i64::MAX as u64) as i64;
    let error_message = message.to_string();
    match enc {
        Encoding::Proto => {
            let body = match signal {
                Signal::Traces => ExportTraceServiceResponse {
                    partial_success: partial.then_some(ExportTracePartialSuccess {
                        rejected_spans: n,
                        error_message,
                    }),
                }
                .encode_to_vec(),
                Signal::Logs => ExportLogsServiceResponse {
                    partial_success: partial.then_some(ExportLogsPartialSuccess {
                        rejected_log_records: n,
                        error_message,
                    }),
                }
                .encode_to_vec(),
            };
            (
                status,
                [(header::CONTENT_TYPE, "application/x-protobuf")],
                body,
            )
                .into_response()
        }
        Encoding::Json => {
            let key = match signal {
                Signal::Traces => "rejectedSpans",
                Signal::Logs => "rejectedLogRecords",
            };
            let body = if partial {
                serde_json::json!({"partialSuccess": {
                    key: n.to_string(),
                    "errorMessage": error_message,
                }})
            } else {
                serde_json::json!({})
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

/// The media type, exactly: `application/jsonx` is not JSON.
fn media_type(headers: &HeaderMap) -> Option<Encoding> {
    let ctype = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let media = ctype
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match media.as_str() {
        "application/x-protobuf" | "application/protobuf" => Some(Encoding::Proto),
        "application/json" => Some(Encoding::Json),
        _ => None,
    }
}

/// When bound to loopback: only loopback Host names and, when the request
/// has one, a loopback Origin. A page rebound by DNS to 127.0.0.1 sends its
/// own name as Host; browsers send Origin with a cross-site POST; exporters
/// send no Origin at all.
fn guard(st: &Shared, headers: &HeaderMap) -> Result<(), &'static str> {
    if !st.loopback_only {
        return Ok(());
    }
    let host_ok = headers
        .get(header::HOST)
        .is_none_or(|h| h.to_str().is_ok_and(tracelens_listen::is_loopback_host));
    if !host_ok {
        return Err("the Host header does not name this machine's loopback");
    }
    let origin_ok = headers
        .get(header::ORIGIN)
        .is_none_or(|o| o.to_str().is_ok_and(tracelens_listen::is_loopback_origin));
    if !origin_ok {
        return Err("requests from web pages of other origins are refused");
    }
    Ok(())
}

async fn traces(AxState(st): AxState<Arc<Shared>>, headers: HeaderMap, body: Body) -> Response {
    export(st, headers, body, Signal::Traces).await
}

async fn logs(AxState(st): AxState<Arc<Shared>>, headers: HeaderMap, body: Body) -> Response {
    export(st, headers, body, Signal::Logs).await
}

async fn export(st: Arc<Shared>, headers: HeaderMap, body: Body, signal: Signal) -> Response {
    st.counters.requests.fetch_add(1, Ordering::Relaxed);
    if let Err(why) = guard(&st, &headers) {
        st.counters.bad.fetch_add(1, Ordering::Relaxed);
        return refuse(StatusCode::FORBIDDEN, why);
    }
    let Some(enc) = media_type(&headers) else {
        st.counters.bad.fetch_add(1, Ordering::Relaxed);
        return refuse(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send application/x-protobuf or application/json",
        );
    };
    let encoding = headers
        .get(header::CONTENT_ENCODING)
        .map(|v| v.to_str().unwrap_or("?"));
    let body_enc = match BodyEncoding::parse(encoding) {
        Ok(e) => e,
        Err(msg) => {
            st.counters.bad.fetch_add(1, Ordering::Relaxed);
            return refuse(StatusCode::UNSUPPORTED_MEDIA_TYPE, &msg);
        }
    };
    let too_large = |st: &Shared| {
        refuse(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!(
                "the body is over the limit of {} bytes (inflated, if compressed): \
                 send smaller batches",
                st.max_body
            ),
        )
    };
    let raw: Bytes = match axum::body::to_bytes(body, st.max_body).await {
        Ok(b) => b,
        Err(_) => {
            st.counters.too_large.fetch_add(1, Ordering::Relaxed);
            return too_large(&st);
        }
    };
    // Inflating and parsing are the costly part: at most a few at once.
    let Some(permit) = st.ingest_permit().await else {
        st.counters.throttled.fetch_add(1, Ordering::Relaxed);
        return busy("the receiver is busy: retry later");
    };
    let format = if enc == Encoding::Proto {
        Format::OtlpProto
    } else {
        Format::OtlpJson
    };
    let outcome = ingest(&st, raw, body_enc, format, signal).await;
    drop(permit);
    match outcome {
        Outcome::Accepted { rejected, message } => {
            reply(enc, signal, StatusCode::OK, rejected, &message)
        }
        Outcome::Unreadable(msg) => refuse(StatusCode::BAD_REQUEST, &msg),
        Outcome::TooLarge => too_large(&st),
        Outcome::Full => busy("the receiver is busy: retry later"),
        Outcome::Closed => refuse(StatusCode::SERVICE_UNAVAILABLE, "the receiver is stopping"),
    }
}

/// 429 with Retry-After: OTLP exporters retry it with backoff.
fn busy(message: &str) -> Response {
    let mut r = refuse(StatusCode::TOO_MANY_REQUESTS, message);
    r.headers_mut()
        .insert(header::RETRY_AFTER, header::HeaderValue::from_static("1"));
    r
}
