//! Live mode: the app receives OTLP (HTTP on 127.0.0.1:4318, gRPC on
//! 127.0.0.1:4317; `TRACELENS_OTLP_HTTP_ADDR` / `TRACELENS_OTLP_GRPC_ADDR`
//! move them, `off` disables) while it runs. Received spans join the live
//! store, bounded (`TRACELENS_LIVE_MAX_SPANS`, default 500k; oldest traces
//! evicted first, counted). While the live view is shown they go straight
//! into the session, rebuilt at most every 300 ms with "now" as the clock, so
//! spans without an end show as running and agents whose heartbeats stop
//! turn dead; while files are shown they wait, parked, for `live_show`.
//!
//! Write-through (off until the user turns it on, with a ClickHouse
//! connected): every received batch also goes to that server's otel_traces
//! and the audit's agent tables, through a bounded spool in the app's data
//! directory (`tracelens_clickhouse::spool`), resumed the next time it is
//! turned on.

use crate::opening::AppState;
use serde::Serialize;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager, State};
use tracelens_clickhouse::spool::{SpoolOptions, WriteThrough};
use tracelens_formats::LiveStore;
use tracelens_model::{DatasetOptions, TraceStore};
use tracelens_receiver::ReceiverConfig;
use tracelens_service::summary::SourceSummary;
use tracelens_service::Session;

/// The write-through's spool limit and the spans it keeps to judge agents.
const SPOOL_MAX_BYTES: u64 = 1 << 30;
const AGENT_TRACKED_SPANS: usize = 100_000;

/// Where received spans are written, when the user asked for it.
struct WriteTarget {
    name: String,
    wt: Arc<WriteThrough>,
}

pub struct LiveState {
    pending: Arc<Mutex<Vec<TraceStore>>>,
    write: Arc<Mutex<Option<WriteTarget>>>,
    bound: Mutex<LiveStore>,
    parked: Mutex<TraceStore>,
    /// Whether the session shown is the live one.
    pub active: AtomicBool,
    status: Mutex<LiveStatus>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct LiveStatus {
    pub listening: Vec<String>,
    pub error: Option<String>,
    pub active: bool,
    pub spans: usize,
    pub traces: usize,
    pub parked_spans: usize,
    pub dropped_spans: u64,
    pub dropped_traces: u64,
    /// The write-through, when on: where to, and its spool's counts.
    pub clickhouse: Option<serde_json::Value>,
}

impl LiveState {
    pub fn new(active: bool) -> LiveState {
        let max = std::env::var("TRACELENS_LIVE_MAX_SPANS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(500_000);
        LiveState {
            pending: Arc::default(),
            write: Arc::default(),
            bound: Mutex::new(LiveStore::new(max)),
            parked: Mutex::new(TraceStore::new()),
            active: AtomicBool::new(active),
            status: Mutex::default(),
        }
    }

    fn status(&self) -> LiveStatus {
        let mut s = self
            .status
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        s.clickhouse = self.write_status();
        s
    }

    fn write_status(&self) -> Option<serde_json::Value> {
        let w = self.write.lock().unwrap_or_else(|p| p.into_inner());
        w.as_ref().map(|t| {
            let mut v = t.wt.stats.snapshot();
            v["target"] = serde_json::Value::String(t.name.clone());
            v
        })
    }

    /// Shows `new` (files, a stored trace) in place of the session in
    /// `slot`; if that was the live view, its spans are parked, not lost.
    pub fn replace(&self, slot: &mut Session, new: Session) {
        if self.active.swap(false, Ordering::Relaxed) {
            let store = std::mem::take(&mut slot.dataset.store);
            *self.parked.lock().unwrap_or_else(|p| p.into_inner()) = store;
        }
        *slot = new;
    }
}

fn addr(var: &str, default: &str) -> Option<SocketAddr> {
    let v = std::env::var(var).unwrap_or_else(|_| default.to_string());
    if v == "off" {
        return None;
    }
    v.parse().ok()
}

/// The session shown from the live store, with "now" as the clock; traces
/// the bound cut into carry its `incomplete` warnings.
fn rebuild(session: &mut Session, store: TraceStore, bound: &LiveStore, status: &mut LiveStatus) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos() as u64)
        .unwrap_or(0);
    let spans = store.spans.len();
    let mut ds = tracelens_service::from_store(
        store,
        DatasetOptions {
            as_of_ns: Some(now),
            ..DatasetOptions::default()
        },
    );
    ds.warnings.extend(bound.warnings());
    status.spans = spans;
    status.traces = ds.traces.len();
    let src = SourceSummary::stream("live (OTLP receiver)".into(), "otlp", spans as u64);
    *session = Session::new(ds, vec![src]);
}

/// Starts the receiver and the ticker that feeds the session.
pub fn start(app: AppHandle) {
    let live = app.state::<LiveState>();
    let cfg = ReceiverConfig {
        addr: match addr("TRACELENS_OTLP_HTTP_ADDR", "127.0.0.1:4318") {
            Some(a) => a,
            None => return,
        },
        grpc_addr: addr("TRACELENS_OTLP_GRPC_ADDR", "127.0.0.1:4317"),
        ..ReceiverConfig::default()
    };
    let pending = live.pending.clone();
    let write = live.write.clone();
    let handle = app.clone();
    std::thread::spawn(move || {
        let rt = match tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
        {
            Ok(rt) => rt,
            Err(e) => {
                tracing::warn!("live mode off: {e}");
                return;
            }
        };
        let h2 = handle.clone();
        let result = rt.block_on(tracelens_receiver::run(
            cfg,
            move |batch| {
                let wt = write
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .as_ref()
                    .map(|t| t.wt.clone());
                if let Some(wt) = wt {
                    wt.push(&batch);
                }
                pending
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(batch)
            },
            move |r| {
                let st = h2.state::<LiveState>();
                let mut s = st.status.lock().unwrap_or_else(|p| p.into_inner());
                s.listening = std::iter::once(format!("http://{}/v1/traces", r.addr))
                    .chain(r.grpc_addr.map(|g| format!("grpc {g}")))
                    .collect();
            },
            std::future::pending::<()>(),
        ));
        if let Err(e) = result {
            let st = handle.state::<LiveState>();
            st.status.lock().unwrap_or_else(|p| p.into_inner()).error = Some(e.to_string());
            let _ = handle.emit("live-update", st.status());
        }
    });
    std::thread::spawn(move || loop {
        std::thread::sleep(Duration::from_millis(300));
        tick(&app);
    });
}

fn tick(app: &AppHandle) {
    let live = app.state::<LiveState>();
    let batches: Vec<TraceStore> =
        std::mem::take(&mut *live.pending.lock().unwrap_or_else(|p| p.into_inner()));
    if batches.is_empty() {
        // The write-through's counts move on without new spans.
        if let Some(ch) = live.write_status() {
            let mut s = live.status();
            s.active = live.active.load(Ordering::Relaxed);
            s.clickhouse = Some(ch);
            let _ = app.emit("live-update", s);
        }
        return;
    }
    let mut bound = live.bound.lock().unwrap_or_else(|p| p.into_inner());
    let mut status = live.status.lock().unwrap_or_else(|p| p.into_inner());
    if live.active.load(Ordering::Relaxed) {
        let state = app.state::<AppState>();
        let mut session = state.session();
        let mut store = std::mem::take(&mut session.dataset.store);
        for b in batches {
            bound.add(&mut store, b);
        }
        rebuild(&mut session, store, &bound, &mut status);
    } else {
        let mut parked = live.parked.lock().unwrap_or_else(|p| p.into_inner());
        for b in batches {
            bound.add(&mut parked, b);
        }
        status.parked_spans = parked.spans.len();
    }
    status.active = live.active.load(Ordering::Relaxed);
    status.dropped_spans = bound.dropped_spans;
    status.dropped_traces = bound.dropped_traces;
    let mut snapshot = status.clone();
    snapshot.clickhouse = live.write_status();
    drop(status);
    drop(bound);
    let _ = app.emit("live-update", snapshot);
}

/// Shows the live view (the files shown are replaced; reopen them from the
/// recent list).
#[tauri::command]
pub fn live_show(
    app: AppHandle,
    live: State<'_, LiveState>,
    state: State<'_, AppState>,
) -> LiveStatus {
    if !live.active.swap(true, Ordering::Relaxed) {
        let store = std::mem::take(&mut *live.parked.lock().unwrap_or_else(|p| p.into_inner()));
        let bound = live.bound.lock().unwrap_or_else(|p| p.into_inner());
        let mut status = live.status.lock().unwrap_or_else(|p| p.into_inner());
        rebuild(&mut state.session(), store, &bound, &mut status);
        status.parked_spans = 0;
        status.active = true;
    }
    let s = live.status();
    let _ = app.emit("live-update", s.clone());
    s
}

/// Turns writing received spans to the connected ClickHouse on or off.
/// Off waits (a few seconds at most) for the spool to drain; what is left
/// stays spooled for the next time it is turned on.
#[tauri::command]
pub async fn live_write_through(
    app: AppHandle,
    live: State<'_, LiveState>,
    ch: State<'_, crate::clickhouse::ChState>,
    enable: bool,
) -> Result<LiveStatus, String> {
    let old = live.write.lock().unwrap_or_else(|p| p.into_inner()).take();
    if let Some(t) = old {
        tauri::async_runtime::spawn_blocking(move || t.wt.stop(Duration::from_secs(5)))
            .await
            .map_err(|e| e.to_string())?;
    }
    if enable {
        let conn = ch.connection()?;
        let dir = app
            .path()
            .app_data_dir()
            .map_err(|e| format!("no data directory for the spool: {e}"))?
            .join("spool");
        let name = format!("{}@{}/{}", conn.cfg.user, conn.cfg.url, conn.cfg.database);
        let wt = WriteThrough::start_with(
            conn,
            dir,
            SpoolOptions {
                max_bytes: SPOOL_MAX_BYTES,
                agent_spans: Some(AGENT_TRACKED_SPANS),
            },
        )
        .map_err(|e| e.to_string())?;
        *live.write.lock().unwrap_or_else(|p| p.into_inner()) = Some(WriteTarget { name, wt });
    }
    let mut s = live.status();
    s.active = live.active.load(Ordering::Relaxed);
    let _ = app.emit("live-update", s.clone());
    Ok(s)
}

#[tauri::command]
pub fn live_status(live: State<'_, LiveState>) -> LiveStatus {
    let mut s = live.status();
    s.active = live.active.load(Ordering::Relaxed);
    s
}
