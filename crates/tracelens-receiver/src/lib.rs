//! An OTLP receiver of traces and logs (`POST /v1/traces`, `POST /v1/logs`,
//! protobuf or JSON, gzip or not; gRPC TraceService and LogsService),
//! answering as the OTLP specification says: 200 with a partial-success
//! count when some spans or records were rejected, 400 for a body that cannot be read,
//! 413 past the size limit, 415 for another content type, 429 with
//! Retry-After when the bounded queue is full. Never an unbounded queue.
//!
//! Accepted batches go to one consumer task, which counts them, hands them
//! to a sink (the caller's: a live view, a recording) and can append them to
//! a file as OTLP/JSON Lines, a recording Tracelens and the Collector read.

mod body;
mod grpc;
mod http;
mod ingest;

pub use body::{decode, read_body, BodyEncoding, BodyError};

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tracelens_model::TraceStore;

use http::router;

#[derive(Debug, Clone)]
pub struct ReceiverConfig {
    /// OTLP/HTTP.
    pub addr: SocketAddr,
    /// OTLP/gRPC, when wanted.
    pub grpc_addr: Option<SocketAddr>,
    /// Largest accepted body, compressed or not (OTLP's usual 16 MiB).
    pub max_body: usize,
    /// Batches waiting for the consumer before requests get 429.
    pub queue: usize,
    /// Append every accepted batch (spans and log records) to this file as OTLP/JSON Lines.
    pub out: Option<PathBuf>,
    /// Bodies inflated and parsed at once (0: the core count, at least 2).
    pub max_ingests: usize,
    /// Connections at once, and how long one may be slow or idle.
    pub conn: tracelens_listen::ConnLimits,
}

impl Default for ReceiverConfig {
    fn default() -> Self {
        ReceiverConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 4318)),
            grpc_addr: Some(SocketAddr::from(([127, 0, 0, 1], 4317))),
            max_body: 16 << 20,
            queue: 64,
            out: None,
            max_ingests: 0,
            conn: tracelens_listen::ConnLimits::default(),
        }
    }
}

/// What the receiver has done so far.
#[derive(Debug, Default)]
pub struct Counters {
    pub requests: AtomicU64,
    pub spans: AtomicU64,
    pub rejected_spans: AtomicU64,
    pub logs: AtomicU64,
    pub rejected_logs: AtomicU64,
    /// Requests answered 429 (queue full), 413 (too large), 4xx (unreadable).
    pub throttled: AtomicU64,
    pub too_large: AtomicU64,
    pub bad: AtomicU64,
}

impl Counters {
    pub fn snapshot(&self) -> serde_json::Value {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        serde_json::json!({
            "requests": g(&self.requests),
            "spans": g(&self.spans),
            "rejected_spans": g(&self.rejected_spans),
            "logs": g(&self.logs),
            "rejected_logs": g(&self.rejected_logs),
            "throttled": g(&self.throttled),
            "too_large": g(&self.too_large),
            "bad_requests": g(&self.bad),
        })
    }
}

/// A value quoted for an error message or answer: escaped, and cut at 64
/// characters so a hostile header cannot fill a log.
pub(crate) fn quote(v: &str) -> String {
    let mut q: String = v.chars().take(64).collect();
    if q.len() < v.len() {
        q.push('…');
    }
    format!("{q:?}")
}

#[derive(Debug, thiserror::Error)]
pub enum ReceiverError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot write the recording {path}: {source}")]
    Recording {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("receiver failed: {0}")]
    Serve(std::io::Error),
}

/// A running receiver: its address and counters.
pub struct Running {
    pub addr: SocketAddr,
    pub grpc_addr: Option<SocketAddr>,
    pub counters: Arc<Counters>,
}

/// Binds, then serves until `shutdown`; every accepted batch goes to `sink`
/// (after the recording, if any). Returns when the server and the consumer
/// have finished, the recording flushed.
pub async fn run(
    cfg: ReceiverConfig,
    mut sink: impl FnMut(TraceStore) + Send + 'static,
    started: impl FnOnce(&Running),
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<Arc<Counters>, ReceiverError> {
    let listener = tokio::net::TcpListener::bind(cfg.addr)
        .await
        .map_err(|source| ReceiverError::Bind {
            addr: cfg.addr,
            source,
        })?;
    let addr = listener
        .local_addr()
        .map_err(|source| ReceiverError::Bind {
            addr: cfg.addr,
            source,
        })?;
    let counters = Arc::new(Counters::default());
    let (tx, mut rx) = tokio::sync::mpsc::channel::<TraceStore>(cfg.queue.max(1));
    let mut out = match &cfg.out {
        Some(p) => Some((
            p.clone(),
            std::io::BufWriter::new(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(p)
                    .map_err(|source| ReceiverError::Recording {
                        path: p.clone(),
                        source,
                    })?,
            ),
        )),
        None => None,
    };
    let consumer = tokio::task::spawn_blocking(move || -> Result<(), ReceiverError> {
        use std::io::Write;
        while let Some(batch) = rx.blocking_recv() {
            if let Some((path, w)) = &mut out {
                let spans: Vec<u32> = (0..batch.spans.len() as u32).collect();
                let logs: Vec<u32> = (0..batch.logs.len() as u32).collect();
                tracelens_formats::write_otlp_jsonl(&batch, &spans, &mut *w)
                    .and_then(|()| tracelens_formats::write_otlp_logs_jsonl(&batch, &logs, &mut *w))
                    .and_then(|()| w.flush())
                    .map_err(|source| ReceiverError::Recording {
                        path: path.clone(),
                        source,
                    })?;
            }
            sink(batch);
        }
        Ok(())
    });
    let grpc = match cfg.grpc_addr {
        Some(a) => {
            let l = tokio::net::TcpListener::bind(a)
                .await
                .map_err(|source| ReceiverError::Bind { addr: a, source })?;
            let at = l
                .local_addr()
                .map_err(|source| ReceiverError::Bind { addr: a, source })?;
            Some((l, at))
        }
        None => None,
    };
    started(&Running {
        addr,
        grpc_addr: grpc.as_ref().map(|g| g.1),
        counters: counters.clone(),
    });
    let ingests = match cfg.max_ingests {
        0 => std::thread::available_parallelism().map_or(2, |n| n.get().max(2)),
        n => n,
    };
    let shared = Arc::new(ingest::Shared {
        tx,
        counters: counters.clone(),
        max_body: cfg.max_body,
        ingests: tokio::sync::Semaphore::new(ingests),
        loopback_only: addr.ip().is_loopback(),
    });
    // One shutdown for both servers.
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    let stopped = |mut rx: tokio::sync::watch::Receiver<bool>| async move {
        while !*rx.borrow() {
            if rx.changed().await.is_err() {
                break;
            }
        }
    };
    let grpc_task = grpc.map(|(l, _)| {
        let svc = grpc::server(shared.clone());
        let logs_svc = grpc::logs_server(shared.clone());
        let stop = stopped(stop_rx.clone());
        tokio::spawn(async move {
            // A stalled call cannot hold its stream for ever.
            tonic::transport::Server::builder()
                .timeout(std::time::Duration::from_secs(30))
                .add_service(svc)
                .add_service(logs_svc)
                .serve_with_incoming_shutdown(tonic::transport::server::TcpIncoming::from(l), stop)
                .await
        })
    });
    let app = router(shared);
    let served = tracelens_listen::serve(listener, app, cfg.conn, stopped(stop_rx))
        .await
        .map_err(ReceiverError::Serve);
    if let Some(t) = grpc_task {
        match t.await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(ReceiverError::Serve(std::io::Error::other(e.to_string()))),
            Err(e) => return Err(ReceiverError::Serve(std::io::Error::other(e.to_string()))),
        }
    }
    // The router (and with it the last sender) is gone: the consumer drains
    // what was accepted and ends.
    let consumed = consumer
        .await
        .map_err(|e| ReceiverError::Serve(std::io::Error::other(e.to_string())))?;
    served?;
    consumed?;
    Ok(counters)
}
