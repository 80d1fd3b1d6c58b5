//! A real Rust sender: opentelemetry-rust's SDK with its OTLP exporter
//! (opentelemetry-otlp), over OTLP/HTTP (protobuf) and OTLP/gRPC (tonic).
//! The same spans also go to the SDK's in-memory exporter, which is the
//! record of what was sent: ids, times to the nanosecond, typed attributes,
//! events with their attributes, status and kind must arrive unchanged.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use opentelemetry::trace::{
    Span as _, SpanKind, Status, TraceContextExt, Tracer as _, TracerProvider as _,
};
use opentelemetry::{Context, KeyValue, Value};
use opentelemetry_otlp::{WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::trace::{InMemorySpanExporter, SdkTracerProvider, SpanData};
use opentelemetry_sdk::Resource;
use std::time::{Duration, UNIX_EPOCH};
use support::Live;
use tracelens_model::{DatasetOptions, TraceStore};
use tracelens_receiver::ReceiverConfig;
use tracelens_service::detail::SpanDetail;
use tracelens_service::Session;

#[derive(Clone, Copy, Debug)]
enum Protocol {
    Http,
    HttpGzip,
    Grpc,
}

/// Emits a small agent run through a provider that exports to `exporter`
/// and to memory; returns what the SDK recorded as sent.
fn send(exporter: opentelemetry_otlp::SpanExporter) -> Vec<SpanData> {
    let memory = InMemorySpanExporter::default();
    let provider = SdkTracerProvider::builder()
        .with_resource(Resource::builder().with_service_name("rs-agent").build())
        .with_batch_exporter(exporter)
        .with_simple_exporter(memory.clone())
        .build();
    let tracer = provider.tracer("tracelens-rust-test");
    let mut root = tracer
        .span_builder("invoke_agent planner")
        .with_kind(SpanKind::Server)
        .with_attributes([
            KeyValue::new("gen_ai.operation.name", "invoke_agent"),
            KeyValue::new("gen_ai.agent.name", "planner"),
            KeyValue::new("request_id", "req-rs-1"),
            // Past 2^53: must stay exact.
            KeyValue::new("big", 9_007_199_254_740_993_i64),
            KeyValue::new(
                "tags",
                Value::Array(opentelemetry::Array::String(vec!["a".into(), "<b>".into()])),
            ),
        ])
        .start(&tracer);
    root.add_event(
        "agent_started",
        vec![
            KeyValue::new("step", 1_i64),
            KeyValue::new("note", "héllo ✓"),
        ],
    );
    let cx = Context::current().with_remote_span_context(root.span_context().clone());
    let mut chat = tracer
        .span_builder("chat gpt-4o")
        .with_kind(SpanKind::Client)
        .with_attributes([
            KeyValue::new("gen_ai.operation.name", "chat"),
            KeyValue::new("gen_ai.request.model", "gpt-4o"),
            KeyValue::new("gen_ai.usage.input_tokens", 321_i64),
            KeyValue::new("gen_ai.usage.output_tokens", 45_i64),
            KeyValue::new("ratio", 0.5_f64),
            KeyValue::new("cached", true),
        ])
        .start_with_context(&tracer, &cx);
    std::thread::sleep(Duration::from_millis(3));
    chat.end();
    let mut tool = tracer
        .span_builder("execute_tool search")
        .with_attributes([KeyValue::new("gen_ai.operation.name", "execute_tool")])
        .start_with_context(&tracer, &cx);
    tool.set_status(Status::error("tool failed"));
    tool.end();
    root.add_event("agent_completed", vec![]);
    root.end();
    provider.force_flush().unwrap();
    // (The in-memory exporter forgets its records on shutdown.)
    let sent = memory.get_finished_spans().unwrap();
    provider.shutdown().unwrap();
    sent
}

fn exporter(p: Protocol, live: &Live) -> opentelemetry_otlp::SpanExporter {
    let timeout = Duration::from_secs(10);
    match p {
        Protocol::Http | Protocol::HttpGzip => {
            let mut b = opentelemetry_otlp::SpanExporter::builder()
                .with_http()
                .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
                .with_endpoint(format!("http://{}/v1/traces", live.addr))
                .with_timeout(timeout);
            if matches!(p, Protocol::HttpGzip) {
                b = b.with_compression(opentelemetry_otlp::Compression::Gzip);
            }
            b.build().unwrap()
        }
        Protocol::Grpc => opentelemetry_otlp::SpanExporter::builder()
            .with_tonic()
            .with_endpoint(format!("http://{}", live.grpc_addr.unwrap()))
            .with_timeout(timeout)
            .build()
            .unwrap(),
    }
}

fn ns(t: std::time::SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH).unwrap().as_nanos() as u64
}

/// An SDK value as the span detail shows it: (type, JSON value).
fn want_value(v: &Value) -> (&'static str, serde_json::Value) {
    use serde_json::json;
    match v {
        Value::Bool(b) => ("bool", json!(b)),
        Value::I64(i) => ("int", json!(i.to_string())),
        Value::F64(f) => ("double", json!(f)),
        Value::String(s) => ("string", json!(s.as_str())),
        Value::Array(opentelemetry::Array::String(a)) => (
            "array",
            json!(a.iter().map(|s| s.as_str()).collect::<Vec<_>>()),
        ),
        other => panic!("the test sends no {other:?}"),
    }
}

fn assert_attrs(what: &str, got: &[tracelens_service::detail::AttrJson], want: &[KeyValue]) {
    assert_eq!(got.len(), want.len(), "{what}: {got:?}");
    for kv in want {
        let a = got
            .iter()
            .find(|a| a.key == kv.key.as_str())
            .unwrap_or_else(|| panic!("{what}: {} missing", kv.key));
        assert_eq!(
            (a.kind, &a.value),
            {
                let w = want_value(&kv.value);
                (w.0, &w.1.clone())
            },
            "{what}: {}",
            kv.key
        );
    }
}

fn check(sent: &SpanData, d: &SpanDetail) {
    let what = sent.name.as_ref();
    assert_eq!(d.name, sent.name, "{what}");
    assert_eq!(d.service, "rs-agent", "{what}");
    assert_eq!(d.start_time_unix_nano, ns(sent.start_time), "{what}");
    assert_eq!(d.end_time_unix_nano, Some(ns(sent.end_time)), "{what}");
    let parent = sent.parent_span_id.to_string();
    assert_eq!(
        d.parent_span_id
            .clone()
            .unwrap_or_else(|| "0000000000000000".into()),
        parent,
        "{what}"
    );
    let kind = match sent.span_kind {
        SpanKind::Server => "server",
        SpanKind::Client => "client",
        SpanKind::Internal => "internal",
        _ => "other",
    };
    assert_eq!(d.kind.as_str(), kind, "{what}");
    match &sent.status {
        Status::Error { description } => {
            assert_eq!(d.status, tracelens_model::StatusCode::Error, "{what}");
            assert_eq!(d.status_message, description.as_ref(), "{what}");
        }
        _ => assert_eq!(d.status, tracelens_model::StatusCode::Unset, "{what}"),
    }
    assert_attrs(what, &d.attributes, &sent.attributes);
    let events: Vec<_> = sent.events.iter().collect();
    assert_eq!(d.events.len(), events.len(), "{what}");
    for (g, w) in d.events.iter().zip(events) {
        assert_eq!(g.name, w.name.as_ref(), "{what}");
        assert_eq!(
            g.offset_ns + d.start_time_unix_nano,
            ns(w.timestamp),
            "{what}: {}",
            g.name
        );
        assert_attrs(&format!("{what}/{}", g.name), &g.attributes, &w.attributes);
    }
    assert_eq!(d.scope.name, "tracelens-rust-test");
}

fn round_trip(p: Protocol) {
    let live = Live::start(ReceiverConfig {
        addr: "127.0.0.1:0".parse().unwrap(),
        grpc_addr: Some("127.0.0.1:0".parse().unwrap()),
        ..ReceiverConfig::default()
    });
    // tonic's channel runs on a Tokio runtime; the SDK's batch thread
    // only waits for it.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let sent = {
        let _in_rt = matches!(p, Protocol::Grpc).then(|| rt.enter());
        let e = exporter(p, &live);
        drop(_in_rt);
        send(e)
    };
    let got = live.stop();
    assert_eq!(sent.len(), 3);
    let mut all = TraceStore::new();
    for b in got {
        all.absorb(b);
    }
    assert_eq!(all.spans.len(), 3, "{p:?}: every span arrives once");
    let session = Session::new(
        tracelens_service::from_store(all, DatasetOptions::default()),
        Vec::new(),
    );
    let trace = sent[0].span_context.trace_id().to_string();
    for s in &sent {
        let d = session
            .span(&trace, &s.span_context.span_id().to_string())
            .unwrap_or_else(|e| panic!("{p:?}: {} not received: {e}", s.name));
        check(s, &d);
    }
    // And the analyses read the run: an agent, an LLM call, a failed tool.
    let doc = serde_json::to_value(session.summary()).unwrap();
    let t = &doc["traces"][0];
    assert_eq!(t["llm"]["input_tokens"], 321, "{p:?}");
    assert_eq!(t["error_count"], 1, "{p:?}");
    assert_eq!(t["agents"][0]["name"], "planner", "{p:?}");
    drop(rt);
}

#[test]
fn rust_sdk_spans_arrive_whole_over_http() {
    round_trip(Protocol::Http);
}

#[test]
fn rust_sdk_spans_arrive_whole_over_gzipped_http() {
    round_trip(Protocol::HttpGzip);
}

#[test]
fn rust_sdk_spans_arrive_whole_over_grpc() {
    round_trip(Protocol::Grpc);
}
