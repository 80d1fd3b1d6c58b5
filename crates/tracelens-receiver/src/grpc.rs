//! OTLP/gRPC (`opentelemetry.proto.collector.trace.v1.TraceService/Export`
//! and `...logs.v1.LogsService/Export`): the same ingest as OTLP/HTTP, answered with gRPC codes: INVALID_ARGUMENT
//! for an unreadable request, RESOURCE_EXHAUSTED with RetryInfo when the
//! queue is full, UNAVAILABLE while stopping.

use crate::body::BodyEncoding;
use crate::ingest::{ingest, Outcome, Shared, Signal};
use opentelemetry_proto::tonic::collector::logs::v1::logs_service_server::{
    LogsService, LogsServiceServer,
};
use opentelemetry_proto::tonic::collector::logs::v1::{
    ExportLogsPartialSuccess, ExportLogsServiceRequest, ExportLogsServiceResponse,
};
use opentelemetry_proto::tonic::collector::trace::v1::trace_service_server::{
    TraceService, TraceServiceServer,
};
use opentelemetry_proto::tonic::collector::trace::v1::{
    ExportTracePartialSuccess, ExportTraceServiceRequest, ExportTraceServiceResponse,
};
use prost::Message;
use std::sync::Arc;
use tonic::{Request, Response, Status};
use tonic_types::{ErrorDetails, StatusExt};
use tracelens_formats::Format;

pub(crate) struct Svc(pub Arc<Shared>);

#[tonic::async_trait]
impl TraceService for Svc {
    async fn export(
        &self,
        req: Request<ExportTraceServiceRequest>,
    ) -> Result<Response<ExportTraceServiceResponse>, Status> {
        // The message is read by the same decoder as files and HTTP bodies.
        let bytes = req.into_inner().encode_to_vec();
        let (rejected, message) = export(&self.0, bytes, Signal::Traces).await?;
        Ok(Response::new(ExportTraceServiceResponse {
            partial_success: (rejected > 0 || !message.is_empty()).then(|| {
                ExportTracePartialSuccess {
                    rejected_spans: rejected.min(i64::MAX as u64) as i64,
                    error_message: message,
                }
            }),
        }))
    }
}

#[tonic::async_trait]
impl LogsService for Svc {
    async fn export(
        &self,
        req: Request<ExportLogsServiceRequest>,
    ) -> Result<Response<ExportLogsServiceResponse>, Status> {
        let bytes = req.into_inner().encode_to_vec();
        let (rejected, message) = export(&self.0, bytes, Signal::Logs).await?;
        Ok(Response::new(ExportLogsServiceResponse {
            partial_success: (rejected > 0 || !message.is_empty()).then(|| {
                ExportLogsPartialSuccess {
                    rejected_log_records: rejected.min(i64::MAX as u64) as i64,
                    error_message: message,
                }
            }),
        }))
    }
}

/// One Export call of either service: the rejected count and message, or
/// the gRPC status to answer with.
async fn export(st: &Shared, bytes: Vec<u8>, signal: Signal) -> Result<(u64, String), Status> {
    st.counters
        .requests
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let Some(permit) = st.ingest_permit().await else {
        return Err(busy());
    };
    let outcome = ingest(st, bytes, BodyEncoding::Identity, Format::OtlpProto, signal).await;
    drop(permit);
    match outcome {
        Outcome::Accepted { rejected, message } => Ok((rejected, message)),
        Outcome::Unreadable(msg) => Err(Status::invalid_argument(msg)),
        Outcome::TooLarge => Err(Status::resource_exhausted(
            "the message is over the receiver's size limit",
        )),
        Outcome::Full => Err(busy()),
        Outcome::Closed => Err(Status::unavailable("the receiver is stopping")),
    }
}

/// RESOURCE_EXHAUSTED with RetryInfo: exporters retry it with backoff.
fn busy() -> Status {
    Status::with_error_details(
        tonic::Code::ResourceExhausted,
        "the receiver is busy: retry later",
        ErrorDetails::with_retry_info(Some(std::time::Duration::from_secs(1))),
    )
}

pub(crate) fn logs_server(st: Arc<Shared>) -> LogsServiceServer<Svc> {
    let max = st.max_body;
    LogsServiceServer::new(Svc(st))
        .max_decoding_message_size(max)
        .accept_compressed(tonic::codec::CompressionEncoding::Gzip)
}

pub(crate) fn server(st: Arc<Shared>) -> TraceServiceServer<Svc> {
    let max = st.max_body;
    TraceServiceServer::new(Svc(st))
        .max_decoding_message_size(max)
        .accept_compressed(tonic::codec::CompressionEncoding::Gzip)
}
