//! Serving HTTP/1.1 so that no client can hold the server: `axum::serve`
//! has no header timeout and no connection limit, so 1,100 connections
//! trickling header bytes locked every exporter out of the receiver. Here
//! every connection is bounded in number and in time, the same for the
//! OTLP receiver and `tracelens serve`.
//!
//! Also the loopback guard both share: a server bound to loopback answers
//! only requests whose Host names loopback (a page rebound by DNS to
//! 127.0.0.1 still sends its own name) and whose Origin, when there is one,
//! is loopback too.

mod guard;

pub use guard::{is_loopback_host, is_loopback_origin};

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};

/// How many connections, and how long each may take to say what it wants.
#[derive(Debug, Clone, Copy)]
pub struct ConnLimits {
    /// Open connections at once; one more is answered 503 and closed.
    pub max_connections: usize,
    /// From accepting a connection to the end of its first request's
    /// headers (hyper's header read timeout).
    pub header_timeout: Duration,
    /// A connection with no bytes either way for this long is closed
    /// (after the response in flight, if any).
    pub idle_timeout: Duration,
}

impl Default for ConnLimits {
    fn default() -> Self {
        ConnLimits {
            max_connections: 256,
            header_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(60),
        }
    }
}

/// The longest request target an app behind [`serve`] should take (414
/// past it), and the most header fields and header bytes (431): checked by
/// the app (see [`request_too_large`]) so that its answer carries its
/// headers; hyper's own limits are set well above them.
pub const MAX_URI_BYTES: usize = 8 * 1024;
pub const MAX_HEADERS: usize = 100;
pub const MAX_HEADER_BYTES: usize = 32 * 1024;

/// The status a request too large in its target or headers gets, if it is.
pub fn request_too_large<B>(req: &axum::http::Request<B>) -> Option<axum::http::StatusCode> {
    let target = req.uri().path_and_query().map_or(0, |p| p.as_str().len());
    if target > MAX_URI_BYTES {
        return Some(axum::http::StatusCode::URI_TOO_LONG);
    }
    let h = req.headers();
    let bytes: usize = h.iter().map(|(k, v)| k.as_str().len() + v.len() + 4).sum();
    (h.len() > MAX_HEADERS || bytes > MAX_HEADER_BYTES)
        .then_some(axum::http::StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE)
}

/// Answer to a connection over the cap, written before it is closed.
const BUSY: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\nretry-after: 1\r\n\
content-type: text/plain; charset=utf-8\r\ncontent-length: 35\r\nconnection: close\r\n\r\n\
too many connections: retry later\r\n";

/// Serves `app` on `listener` until `shutdown`, then lets every open
/// connection finish its request in flight and returns.
pub async fn serve(
    listener: TcpListener,
    app: axum::Router,
    limits: ConnLimits,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let (stop_tx, stop_rx) = watch::channel(false);
    tokio::spawn(async move {
        shutdown.await;
        let _ = stop_tx.send(true);
    });
    let mut stop = stop_rx.clone();
    loop {
        let accepted = tokio::select! {
            a = listener.accept() => a,
            _ = stop.wait_for(|s| *s) => break,
        };
        let (stream, _) = match accepted {
            Ok(a) => a,
            // Out of file descriptors or a connection reset before accept:
            // not the server's end. Pause briefly so as not to spin.
            Err(e) => {
                tracing::debug!("accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let Ok(slot) = slots.clone().try_acquire_owned() else {
            // Best effort: a client too busy to read this just sees a close.
            let _ = stream.try_write(BUSY);
            continue;
        };
        let app = app.clone();
        let stop = stop_rx.clone();
        tokio::spawn(async move {
            connection(stream, app, limits, stop).await;
            drop(slot);
        });
    }
    // Every slot back means every connection has ended.
    let _ = slots
        .acquire_many(limits.max_connections.max(1) as u32)
        .await;
    Ok(())
}

async fn connection(
    stream: TcpStream,
    app: axum::Router,
    limits: ConnLimits,
    mut stop: watch::Receiver<bool>,
) {
    let _ = stream.set_nodelay(true);
    let start = Instant::now();
    let last = Arc::new(AtomicU64::new(0));
    let io = hyper_util::rt::TokioIo::new(Watched {
        inner: stream,
        start,
        last: last.clone(),
    });
    let svc = hyper_util::service::TowerToHyperService::new(app);
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(hyper_util::rt::TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        // Past this (or its ~400 KB read buffer) hyper answers 431 itself,
        // with none of the app's headers: the app's own, lower limits
        // (MAX_HEADERS, MAX_HEADER_BYTES, MAX_URI_BYTES) answer first.
        .max_headers(4 * MAX_HEADERS)
        .serve_connection(io, svc);
    tokio::pin!(conn);
    let tick = (limits.idle_timeout / 4).max(Duration::from_millis(50));
    let mut closing = false;
    loop {
        tokio::select! {
            res = conn.as_mut() => {
                if let Err(e) = res {
                    tracing::debug!("connection ended: {e}");
                }
                return;
            }
            _ = tokio::time::sleep(tick), if !closing => {
                let idle = start.elapsed().saturating_sub(Duration::from_millis(last.load(Ordering::Relaxed)));
                if idle >= limits.idle_timeout {
                    closing = true;
                    conn.as_mut().graceful_shutdown();
                }
            }
            _ = stop.wait_for(|s| *s), if !closing => {
                closing = true;
                conn.as_mut().graceful_shutdown();
            }
        }
    }
}

/// A stream that notes when bytes last went either way.
struct Watched {
    inner: TcpStream,
    start: Instant,
    /// Milliseconds from `start` to the last read or write.
    last: Arc<AtomicU64>,
}

impl Watched {
    fn touch(&self) {
        let ms = self.start.elapsed().as_millis().min(u128::from(u64::MAX)) as u64;
        self.last.store(ms, Ordering::Relaxed);
    }
}

impl AsyncRead for Watched {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = std::pin::Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.touch();
        }
        r
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        let r = std::pin::Pin::new(&mut self.inner).poll_write(cx, buf);
        if matches!(r, std::task::Poll::Ready(Ok(n)) if n > 0) {
            self.touch();
        }
        r
    }
    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_flush(cx)
    }
    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
