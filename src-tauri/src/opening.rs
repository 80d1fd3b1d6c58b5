//! Opening inputs off the UI thread: progress as events, cancellation, and
//! the session swapped in whole when the load finishes (the old one stays
//! usable until then, and stays if the load is cancelled).

use serde::Serialize;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tauri::{AppHandle, Emitter, Manager};
use tracelens_service::{LoadOptions, Loaded, Session};

/// The sample bundled into the binary, offered when nothing is open.
pub const SAMPLE: &[u8] = include_bytes!("../../examples/agent-runs.jsonl");
pub const SAMPLE_NAME: &str = "agent-runs.jsonl (bundled sample)";
/// The backend's log records for the sample's runs, opened with it.
pub const SAMPLE_LOGS: &[u8] = include_bytes!("../../examples/agent-logs.jsonl");
pub const SAMPLE_LOGS_NAME: &str = "agent-logs.jsonl (bundled sample)";

#[derive(Default)]
pub struct AppState {
    session: Mutex<Session>,
    load: Mutex<Option<LoadJob>>,
    last: Mutex<LoadStatus>,
}

struct LoadJob {
    cancel: Arc<AtomicBool>,
}

/// What the last load did, for the UI's status line and for tests.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LoadStatus {
    pub loading: bool,
    pub names: Vec<String>,
    pub bytes_read: u64,
    pub bytes_total: u64,
    pub traces: usize,
    pub spans: usize,
    pub cancelled: bool,
    /// Per input that could not be read whole: its message (file and place).
    pub errors: Vec<String>,
}

/// Where the page goes once the files on the command line are read
/// (`tracelens open FILE --trace ID --span ID`).
#[derive(Debug, Clone, serde::Serialize)]
pub struct StartAt {
    pub trace: String,
    pub span: Option<String>,
}

/// Taken by the page once.
pub struct StartAtState(pub Mutex<Option<StartAt>>);

impl AppState {
    /// A panicked command cannot leave the session half-changed (it is only
    /// ever replaced whole), so a poisoned lock still holds good data.
    pub fn session(&self) -> MutexGuard<'_, Session> {
        self.session.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn status(&self) -> LoadStatus {
        self.last.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn set_status(&self, s: LoadStatus) {
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = s;
    }

    pub fn cancel(&self) -> bool {
        match &*self.load.lock().unwrap_or_else(|p| p.into_inner()) {
            Some(job) => {
                job.cancel.store(true, Ordering::Relaxed);
                true
            }
            None => false,
        }
    }
}

enum Input {
    Files(Vec<PathBuf>),
    Sample,
}

pub fn open_paths(app: AppHandle, paths: Vec<PathBuf>) {
    start(app, Input::Files(paths));
}

pub fn open_sample(app: AppHandle) {
    start(app, Input::Sample);
}

fn start(app: AppHandle, input: Input) {
    let state = app.state::<AppState>();
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let mut job = state.load.lock().unwrap_or_else(|p| p.into_inner());
        // A new open replaces one in progress.
        if let Some(old) = job.take() {
            old.cancel.store(true, Ordering::Relaxed);
        }
        *job = Some(LoadJob {
            cancel: cancel.clone(),
        });
    }
    let progress = Arc::new(AtomicU64::new(0));
    let (names, total) = match &input {
        Input::Files(p) => (
            p.iter().map(|p| p.display().to_string()).collect(),
            p.iter()
                .filter_map(|p| std::fs::metadata(p).ok())
                .map(|m| m.len())
                .sum(),
        ),
        Input::Sample => (
            vec![SAMPLE_NAME.to_string(), SAMPLE_LOGS_NAME.to_string()],
            (SAMPLE.len() + SAMPLE_LOGS.len()) as u64,
        ),
    };
    let mut status = LoadStatus {
        loading: true,
        names,
        bytes_total: total,
        ..LoadStatus::default()
    };
    state.set_status(status.clone());
    let _ = app.emit("load-progress", &status);
    let opts = LoadOptions {
        progress: Some(progress.clone()),
        cancel: Some(cancel.clone()),
        ..LoadOptions::default()
    };
    let done = Arc::new(AtomicBool::new(false));
    // Progress ticks while the reader runs; joined before "load-finished"
    // so that no tick can arrive after it.
    let ticker = {
        let (app, progress, done, mut s) =
            (app.clone(), progress.clone(), done.clone(), status.clone());
        std::thread::spawn(move || loop {
            std::thread::sleep(Duration::from_millis(100));
            if done.load(Ordering::Relaxed) {
                break;
            }
            s.bytes_read = progress.load(Ordering::Relaxed);
            let _ = app.emit("load-progress", &s);
        })
    };
    std::thread::spawn(move || {
        let loaded: Loaded = match &input {
            Input::Files(p) => tracelens_service::load_files(p, &opts),
            Input::Sample => tracelens_service::load_bytes(
                &[(SAMPLE_NAME, SAMPLE), (SAMPLE_LOGS_NAME, SAMPLE_LOGS)],
                &opts,
            ),
        };
        done.store(true, Ordering::Relaxed);
        let _ = ticker.join();
        let state = app.state::<AppState>();
        status.loading = false;
        status.bytes_read = progress.load(Ordering::Relaxed);
        status.cancelled = cancel.load(Ordering::Relaxed);
        status.errors = loaded
            .reports
            .iter()
            .filter_map(|r| r.error.as_ref().map(|e| format!("{}: {e}", r.source)))
            .collect();
        if status.cancelled {
            tracing::info!("open cancelled");
        } else {
            let sources = tracelens_service::source_summaries(&loaded.reports);
            status.traces = loaded.dataset.traces.len();
            status.spans = loaded.dataset.span_count();
            app.state::<crate::live::LiveState>()
                .replace(&mut state.session(), Session::new(loaded.dataset, sources));
            if let Input::Files(p) = &input {
                crate::recent::remember(&app, p);
            }
        }
        {
            let mut job = state.load.lock().unwrap_or_else(|p| p.into_inner());
            if job
                .as_ref()
                .is_some_and(|j| Arc::ptr_eq(&j.cancel, &cancel))
            {
                *job = None;
            }
        }
        state.set_status(status.clone());
        let _ = app.emit("load-finished", &status);
    });
}
