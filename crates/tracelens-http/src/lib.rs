//! The local HTTP API: `tracelens serve` and the browser UI.
//!
//! A thin adapter, like the CLI and the Tauri commands: every handler calls
//! one service-layer function and sends what it returns (JSON documents, or
//! the waterfall's binary columns). It listens on loopback by default and
//! every `/api` request must carry the access token printed with the URL, so
//! another local user or a web page in the browser cannot read the traces.
//! The Host header must name the address served (DNS-rebinding guard).

mod assets;
mod auth;
mod routes;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tracelens_service::Session;

pub use assets::has_embedded_ui;
pub use routes::router;

/// What the handlers share.
pub struct AppState {
    /// A lock, not a read-write lock: the correlation index is built on the
    /// first search. One user, one machine: requests are short.
    pub session: Mutex<Session>,
    pub token: String,
    /// Host header values accepted (`127.0.0.1:PORT`, `localhost:PORT`, ...).
    pub hosts: Vec<String>,
    /// Bound to a non-loopback address: any Host is taken (the token
    /// still guards `/api`).
    pub any_host: bool,
    /// A directory to serve the web UI from instead of the page built
    /// into the binary (`--ui`, for development).
    pub ui_dir: Option<std::path::PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("server failed: {0}")]
    Serve(std::io::Error),
}

/// A new random access token (122 random bits).
pub fn new_token() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// A bound listener, its URL (with the token) and the state to serve.
pub struct Bound {
    pub listener: tokio::net::TcpListener,
    pub addr: SocketAddr,
    pub url: String,
    pub state: Arc<AppState>,
}

/// Binds `addr` (port 0: a free one) for `session`, with the web UI from
/// `ui_dir` when given.
pub async fn bind(
    addr: SocketAddr,
    session: Session,
    token: String,
    ui_dir: Option<std::path::PathBuf>,
) -> Result<Bound, ServeError> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    let addr = listener
        .local_addr()
        .map_err(|source| ServeError::Bind { addr, source })?;
    let port = addr.port();
    let mut hosts = vec![addr.to_string(), format!("localhost:{port}")];
    // An unspecified address (0.0.0.0, ::) is reached through loopback too.
    if addr.ip().is_loopback() || addr.ip().is_unspecified() {
        hosts.push(format!("127.0.0.1:{port}"));
        hosts.push(format!("[::1]:{port}"));
    }
    let url = format!("http://{addr}/?token={token}");
    let state = Arc::new(AppState {
        session: Mutex::new(session),
        token,
        hosts,
        any_host: !addr.ip().is_loopback(),
        ui_dir,
    });
    Ok(Bound {
        listener,
        addr,
        url,
        state,
    })
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    bound: Bound,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let limits = tracelens_listen::ConnLimits::default();
    tracelens_listen::serve(bound.listener, router(bound.state), limits, shutdown)
        .await
        .map_err(ServeError::Serve)
}
