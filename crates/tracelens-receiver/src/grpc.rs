//! OTLP/gRPC (`opentelemetry.proto.collector.trace.v1.TraceService/Export`):
//! the same ingest as OTLP/HTTP, answered with gRPC codes: INVALID_ARGUMENT
//! for an unreadable request, RESOURCE_EXHAUSTED with RetryInfo when the
//! queue is full, UNAVAILABLE while stopping.

use crate::body::BodyEncoding;
use crate::ingest::{ingest, Outcome, Shared};
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
        self.0
            .counters
            .requests
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // The message is read by the same decoder as files and HTTP bodies.
        let bytes = req.into_inner().encode_to_vec();
        let Some(permit) = self.0.ingest_permit().await else {
            return Err(busy());
        };
        let outcome = ingest(&self.0, bytes, BodyEncoding::Identity, Format::OtlpProto).await;
        drop(permit);
        match outcome {
            Outcome::Accepted { rejected, message } => {
                Ok(Response::new(ExportTraceServiceResponse {
                    partial_success: (rejected > 0 || !message.is_empty()).then(|| {
                        ExportTracePartialSuccess {
                            rejected_spans: rejected.min(i64::MAX as u64) as i64,
                            error_message: message,
                        }
                    }),
                }))
            }
            Outcome::Unreadable(msg) => Err(Status::invalid_argument(msg)),
            Outcome::TooLarge => Err(Status::resource_exhausted(
                "the message is over the receiver's size limit",
            )),
            Outcome::Full => Err(busy()),
            Outcome::Closed => Err(Status::unavailable("the receiver is stopping")),
        }
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

pub(crate) fn server(st: Arc<Shared>) -> TraceServiceServer<Svc> {
    let max = st.max_body;
    TraceServiceServer::new(Svc(st))
        .max_decoding_message_size(max)
        .accept_compressed(tonic::codec::CompressionEncoding::Gzip)
}
