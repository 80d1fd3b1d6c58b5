//! Write-through to ClickHouse with a spool on disk: every batch is written
//! to the spool first (so nothing accepted is lost when ClickHouse is down
//! or slow), then sent in order by one sender thread, and removed once
//! ClickHouse has it. A failed send is retried with backoff; the batch's
//! deduplication token makes a retry of a batch that did arrive harmless, so
//! each span lands exactly once. Past the spool's byte limit new batches are
//! dropped and counted. A restart resumes what the spool holds.

use crate::schema::{require_otel, OtelSchema};
use crate::{otel, ChError, Conn};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracelens_model::TraceStore;

#[derive(Debug, Default)]
pub struct SpoolStats {
    pub spooled_batches: AtomicU64,
    pub spooled_bytes: AtomicU64,
    pub written_spans: AtomicU64,
    pub dropped_spans: AtomicU64,
    pub retries: AtomicU64,
    pub last_error: Mutex<Option<String>>,
}

impl SpoolStats {
    pub fn snapshot(&self) -> serde_json::Value {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        serde_json::json!({
            "spooled_batches": g(&self.spooled_batches),
            "spooled_bytes": g(&self.spooled_bytes),
            "written_spans": g(&self.written_spans),
            "dropped_spans": g(&self.dropped_spans),
            "retries": g(&self.retries),
            "last_error": *self.last_error.lock().unwrap_or_else(|p| p.into_inner()),
        })
    }
}

pub struct WriteThrough {
    dir: PathBuf,
    max_bytes: u64,
    seq: AtomicU64,
    pub stats: Arc<SpoolStats>,
    stop: Arc<AtomicBool>,
    sender: Mutex<Option<std::thread::JoinHandle<()>>>,
}

#[derive(Debug, thiserror::Error)]
pub enum SpoolError {
    #[error("the spool {dir} cannot be used: {source}")]
    Dir {
        dir: PathBuf,
        source: std::io::Error,
    },
}

fn spool_files(dir: &Path) -> Vec<(u64, PathBuf, u64)> {
    let mut v: Vec<(u64, PathBuf, u64)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| {
                    let p = e.path();
                    let seq = p
                        .file_name()?
                        .to_str()?
                        .strip_suffix(".pb")?
                        .parse::<u64>()
                        .ok()?;
                    let len = e.metadata().ok()?.len();
                    Some((seq, p, len))
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

impl WriteThrough {
    /// Opens (or resumes) the spool in `dir` and starts sending to `conn`.
    pub fn start(
        conn: Conn,
        dir: PathBuf,
        max_bytes: u64,
    ) -> Result<Arc<WriteThrough>, SpoolError> {
        std::fs::create_dir_all(&dir).map_err(|source| SpoolError::Dir {
            dir: dir.clone(),
            source,
        })?;
        let existing = spool_files(&dir);
        let stats = Arc::new(SpoolStats::default());
        stats
            .spooled_batches
            .store(existing.len() as u64, Ordering::Relaxed);
        stats
            .spooled_bytes
            .store(existing.iter().map(|f| f.2).sum(), Ordering::Relaxed);
        let next = existing.last().map_or(0, |f| f.0 + 1);
        let wt = Arc::new(WriteThrough {
            dir,
            max_bytes,
            seq: AtomicU64::new(next),
            stats,
            stop: Arc::new(AtomicBool::new(false)),
            sender: Mutex::new(None),
        });
        let w = wt.clone();
        let handle = std::thread::spawn(move || w.send_loop(conn));
        *wt.sender.lock().unwrap_or_else(|p| p.into_inner()) = Some(handle);
        Ok(wt)
    }

    /// Spools a batch (synchronously: once this returns, the batch survives
    /// a crash). Past the byte limit the batch is dropped and counted.
    pub fn push(&self, batch: &TraceStore) {
        let spans: Vec<u32> = (0..batch.spans.len() as u32).collect();
        let mut bytes = Vec::new();
        if tracelens_formats::write_otlp_proto(batch, &spans, &mut bytes).is_err() {
            self.stats
                .dropped_spans
                .fetch_add(spans.len() as u64, Ordering::Relaxed);
            return;
        }
        let used = self.stats.spooled_bytes.load(Ordering::Relaxed);
        if used + bytes.len() as u64 > self.max_bytes {
            self.stats
                .dropped_spans
                .fetch_add(spans.len() as u64, Ordering::Relaxed);
            return;
        }
        let seq = self.seq.fetch_add(1, Ordering::Relaxed);
        let path = self.dir.join(format!("{seq:016}.pb"));
        let tmp = self.dir.join(format!("{seq:016}.tmp"));
        // Written then renamed: the sender never sees half a batch.
        let ok = std::fs::write(&tmp, &bytes).and_then(|()| std::fs::rename(&tmp, &path));
        match ok {
            Ok(()) => {
                self.stats.spooled_batches.fetch_add(1, Ordering::Relaxed);
                self.stats
                    .spooled_bytes
                    .fetch_add(bytes.len() as u64, Ordering::Relaxed);
            }
            Err(e) => {
                self.stats
                    .dropped_spans
                    .fetch_add(spans.len() as u64, Ordering::Relaxed);
                *self
                    .stats
                    .last_error
                    .lock()
                    .unwrap_or_else(|p| p.into_inner()) = Some(format!("cannot spool: {e}"));
            }
        }
    }

    fn send_loop(&self, conn: Conn) {
        let Ok(rt) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            return;
        };
        let mut backoff = Duration::from_millis(200);
        // Detected once, again after a failure (the table may have changed).
        let mut schema: Option<OtelSchema> = None;
        loop {
            let files = spool_files(&self.dir);
            if files.is_empty() {
                if self.stop.load(Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
                continue;
            }
            for (_, path, len) in files {
                match self.send_one(&rt, &conn, &mut schema, &path) {
                    Ok(spans) => {
                        let _ = std::fs::remove_file(&path);
                        self.stats.written_spans.fetch_add(spans, Ordering::Relaxed);
                        self.stats.spooled_batches.fetch_sub(1, Ordering::Relaxed);
                        self.stats.spooled_bytes.fetch_sub(len, Ordering::Relaxed);
                        *self
                            .stats
                            .last_error
                            .lock()
                            .unwrap_or_else(|p| p.into_inner()) = None;
                        backoff = Duration::from_millis(200);
                    }
                    Err(e) => {
                        schema = None;
                        self.stats.retries.fetch_add(1, Ordering::Relaxed);
                        *self
                            .stats
                            .last_error
                            .lock()
                            .unwrap_or_else(|p| p.into_inner()) = Some(e.to_string());
                        if self.stop.load(Ordering::Relaxed) {
                            // Stopping with ClickHouse away: the spool keeps
                            // the rest for the next start.
                            return;
                        }
                        std::thread::sleep(backoff);
                        backoff = (backoff * 2).min(Duration::from_secs(5));
                        break;
                    }
                }
            }
        }
    }

    fn send_one(
        &self,
        rt: &tokio::runtime::Runtime,
        conn: &Conn,
        schema: &mut Option<OtelSchema>,
        path: &Path,
    ) -> Result<u64, ChError> {
        let bytes = std::fs::read(path)
            .map_err(|e| ChError::Protocol(format!("{}: {e}", path.display())))?;
        let mut store = TraceStore::new();
        let rep = tracelens_formats::read_from(
            "spool",
            bytes.as_slice(),
            Some(bytes.len() as u64),
            &mut store,
            &tracelens_formats::ReadOptions::default(),
        );
        if rep.error.is_some() && store.spans.is_empty() {
            // An unreadable spool file can never be sent: drop it.
            let _ = std::fs::remove_file(path);
            return Ok(0);
        }
        let spans: Vec<u32> = (0..store.spans.len() as u32).collect();
        let otel = match schema {
            Some(o) => o,
            None => schema.insert(rt.block_on(require_otel(conn))?),
        };
        let r = rt.block_on(otel::import_using(
            conn,
            otel,
            &store,
            &spans,
            50_000,
            |_| {},
        ))?;
        Ok(r.spans)
    }

    /// Stops after the spool is sent, or at once if ClickHouse is away (what
    /// is left stays spooled), waiting at most `grace`.
    pub fn stop(&self, grace: Duration) {
        self.stop.store(true, Ordering::Relaxed);
        let handle = self.sender.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(h) = handle {
            let deadline = std::time::Instant::now() + grace;
            while !h.is_finished() && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
            if h.is_finished() {
                let _ = h.join();
            }
        }
    }
}
