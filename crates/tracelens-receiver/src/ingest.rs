//! What both transports do with a body: parse it with the file readers
//! (off the async threads), queue the spans and log records (bounded), count.

use crate::body::{read_body, BodyEncoding, BodyError};
use crate::Counters;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use tokio::sync::mpsc;
use tracelens_formats::Format;
use tracelens_model::TraceStore;

pub(crate) struct Shared {
    pub tx: mpsc::Sender<TraceStore>,
    pub counters: Arc<Counters>,
    pub max_body: usize,
    /// Bodies being inflated and parsed at once (about the core count):
    /// past it a request waits briefly, then gets 429.
    pub ingests: tokio::sync::Semaphore,
    /// Bound to loopback: Host and Origin must say loopback too.
    pub loopback_only: bool,
}

/// How long a request waits for an ingest slot before it is told to retry.
const INGEST_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

impl Shared {
    pub(crate) async fn ingest_permit(&self) -> Option<tokio::sync::SemaphorePermit<'_>> {
        tokio::time::timeout(INGEST_WAIT, self.ingests.acquire())
            .await
            .ok()?
            .ok()
    }
}

/// Which OTLP signal a request sends: it decides the counters and the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signal {
    Traces,
    Logs,
}

pub(crate) enum Outcome {
    /// Queued: `rejected` items counted from the unreadable rest.
    Accepted { rejected: u64, message: String },
    /// Nothing readable.
    Unreadable(String),
    /// Past the body limit once inflated.
    TooLarge,
    /// The queue is full: retry later.
    Full,
    /// The receiver is stopping.
    Closed,
}

/// Reads a body off the async threads and queues what it holds.
pub(crate) async fn ingest(
    st: &Shared,
    raw: impl AsRef<[u8]> + Send + 'static,
    enc: BodyEncoding,
    format: Format,
    signal: Signal,
) -> Outcome {
    let limit = st.max_body;
    let parsed =
        tokio::task::spawn_blocking(move || read_body(raw.as_ref(), enc, format, limit)).await;
    let (store, report) = match parsed {
        Ok(Ok(r)) => r,
        Ok(Err(BodyError::TooLarge)) => {
            st.counters.too_large.fetch_add(1, Ordering::Relaxed);
            return Outcome::TooLarge;
        }
        Ok(Err(BodyError::Bad(msg))) => {
            st.counters.bad.fetch_add(1, Ordering::Relaxed);
            return Outcome::Unreadable(msg);
        }
        Err(_) => {
            st.counters.bad.fetch_add(1, Ordering::Relaxed);
            return Outcome::Unreadable("the parser failed".into());
        }
    };
    // Either signal's reader takes either: what arrives is what is kept.
    let accepted = (store.spans.len() + store.logs.len()) as u64;
    let rejected = if report.error.is_some() {
        report.error_count.max(1) as u64
    } else {
        0
    };
    let message = report.error.map(|e| e.to_string()).unwrap_or_default();
    if accepted == 0 && rejected > 0 {
        st.counters.bad.fetch_add(1, Ordering::Relaxed);
        return Outcome::Unreadable(format!("unreadable OTLP: {message}"));
    }
    let (store_spans, store_logs) = (store.spans.len() as u64, store.logs.len() as u64);
    if accepted > 0 {
        match st.tx.try_send(store) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(_)) => {
                st.counters.throttled.fetch_add(1, Ordering::Relaxed);
                return Outcome::Full;
            }
            Err(mpsc::error::TrySendError::Closed(_)) => return Outcome::Closed,
        }
    }
    let c = &st.counters;
    c.spans.fetch_add(store_spans, Ordering::Relaxed);
    c.logs.fetch_add(store_logs, Ordering::Relaxed);
    match signal {
        Signal::Traces => c.rejected_spans.fetch_add(rejected, Ordering::Relaxed),
        Signal::Logs => c.rejected_logs.fetch_add(rejected, Ordering::Relaxed),
    };
    Outcome::Accepted { rejected, message }
}
