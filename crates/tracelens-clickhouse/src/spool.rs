//! Write-through to ClickHouse with a spool on disk: every batch (spans to
//! otel_traces, log records to otel_logs) is written
//! to the spool first (so nothing accepted is lost when ClickHouse is down
//! or slow), then sent in order by one sender thread, and removed once
//! ClickHouse has it. A failed send is retried with backoff; the batch's
//! deduplication token makes a retry of a batch that did arrive harmless, so
//! each span lands exactly once. Past the spool's byte limit new batches are
//! dropped and counted. A restart resumes what the spool holds.
//!
//! With `agent_spans` set, the audit's tables are filled too: a flusher
//! thread asks an `AgentTracker` once a second for the executions, lifecycle
//! events and LLM metrics that are new or changed, and spools them as
//! `{seq}.agent.json` in the same sequence as the span batches (`{seq}.pb`),
//! so they are sent, retried and resumed the same way. The tracker lives in
//! memory: after a restart, executions of traces begun before it are judged
//! from the spans received since.

use crate::live_agents::{AgentRows, AgentTracker};
use crate::schema::{require_otel, LogsSchema, OtelSchema};
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
    /// Log records written to (or dropped before) otel_logs.
    pub written_logs: AtomicU64,
    pub dropped_logs: AtomicU64,
    /// Rows written to (or dropped before) the audit's tables.
    pub written_agent_rows: AtomicU64,
    pub dropped_agent_rows: AtomicU64,
    pub retries: AtomicU64,
    /// Spool files that could not be read back (damaged on disk): dropped,
    /// since they can never be sent, and counted here.
    pub unreadable_files: AtomicU64,
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
            "written_logs": g(&self.written_logs),
            "dropped_logs": g(&self.dropped_logs),
            "written_agent_rows": g(&self.written_agent_rows),
            "dropped_agent_rows": g(&self.dropped_agent_rows),
            "retries": g(&self.retries),
            "unreadable_files": g(&self.unreadable_files),
            "last_error": *self.last_error.lock().unwrap_or_else(|p| p.into_inner()),
        })
    }
}

/// How a write-through spools and what it writes.
#[derive(Debug, Clone)]
pub struct SpoolOptions {
    /// The spool's limit in bytes; past it new batches are dropped, counted.
    pub max_bytes: u64,
    /// Also fill agent_executions, agent_events and performance_metrics,
    /// judging agents from at most this many recent spans. `None`: only
    /// otel_traces.
    pub agent_spans: Option<usize>,
}

pub struct WriteThrough {
    dir: PathBuf,
    max_bytes: u64,
    seq: AtomicU64,
    pub stats: Arc<SpoolStats>,
    stop: Arc<AtomicBool>,
    stop_flushing: AtomicBool,
    sender: Mutex<Option<std::thread::JoinHandle<()>>>,
    agents: Option<Mutex<AgentTracker>>,
    flusher: Mutex<Option<std::thread::JoinHandle<()>>>,
}

/// What a spool file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Spans for otel_traces, as OTLP protobuf.
    Spans,
    /// Rows for the audit's tables, as JSON (`AgentRows`).
    AgentRows,
    /// Log records for otel_logs, as OTLP/JSON Lines.
    Logs,
}

impl Kind {
    fn suffix(self) -> &'static str {
        match self {
            Kind::Spans => ".pb",
            Kind::AgentRows => ".agent.json",
            Kind::Logs => ".logs.jsonl",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SpoolError {
    #[error("the spool {dir} cannot be used: {source}")]
    Dir {
        dir: PathBuf,
        source: std::io::Error,
    },
}

/// The spool's files in sequence order: (seq, path, bytes, kind).
fn spool_files(dir: &Path) -> Vec<(u64, PathBuf, u64, Kind)> {
    let mut v: Vec<(u64, PathBuf, u64, Kind)> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .filter_map(|e| {
                    let p = e.path();
                    let name = p.file_name()?.to_str()?.to_string();
                    let (kind, seq) = [Kind::Spans, Kind::AgentRows, Kind::Logs]
                        .into_iter()
                        .find_map(|k| {
                            Some((k, name.strip_suffix(k.suffix())?.parse::<u64>().ok()?))
                        })?;
                    let len = e.metadata().ok()?.len();
                    Some((seq, p, len, kind))
                })
                .collect()
        })
        .unwrap_or_default();
    v.sort_by_key(|f| f.0);
    v
}

impl WriteThrough {
    /// Opens (or resumes) the spool in `dir` and starts sending spans to
    /// `conn`'s otel_traces.
    pub fn start(
        conn: Conn,
        dir: PathBuf,
        max_bytes: u64,
    ) -> Result<Arc<WriteThrough>, SpoolError> {
        WriteThrough::start_with(
            conn,
            dir,
            SpoolOptions {
                max_bytes,
                agent_spans: None,
            },
        )
    }

    /// Opens (or resumes) the spool in `dir` and starts sending to `conn`.
    pub fn start_with(
        conn: Conn,
        dir: PathBuf,
        opts: SpoolOptions,
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
            max_bytes: opts.max_bytes,
            seq: AtomicU64::new(next),
            stats,
            stop: Arc::new(AtomicBool::new(false)),
            stop_flushing: AtomicBool::new(false),
            sender: Mutex::new(None),
            agents: opts.agent_spans.map(|n| Mutex::new(AgentTracker::new(n))),
            flusher: Mutex::new(None),
        });
        let w = wt.clone();
        let handle = std::thread::spawn(move || w.send_loop(conn));
        *wt.sender.lock().unwrap_or_else(|p| p.into_inner()) = Some(handle);
        if wt.agents.is_some() {
            let w = wt.clone();
            let handle = std::thread::spawn(move || w.flush_loop());
            *wt.flusher.lock().unwrap_or_else(|p| p.into_inner()) = Some(handle);
        }
        Ok(wt)
    }

    /// Once a second, and once more when stopping: the agent rows that are
    /// new or changed, judged with now as the clock, into the spool.
    fn flush_loop(&self) {
        let Some(agents) = &self.agents else { return };
        loop {
            let stopping = self.stop_flushing.load(Ordering::Relaxed);
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .ok();
            let (rows, more) = {
                let mut a = agents.lock().unwrap_or_else(|p| p.into_inner());
                let rows = a.flush(now);
                (rows, a.pending())
            };
            if !rows.is_empty() {
                self.spool_agent_rows(&rows);
            }
            // A backlog is worked through at once, a slice at a time; when
            // stopping, to the end.
            if more {
                continue;
            }
            if stopping {
                return;
            }
            for _ in 0..10 {
                if self.stop_flushing.load(Ordering::Relaxed) {
                    break;
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        }
    }

    fn spool_agent_rows(&self, rows: &AgentRows) {
        let spooled = serde_json::to_vec(rows).is_ok_and(|b| self.spool_file(&b, Kind::AgentRows));
        if !spooled {
            self.stats
                .dropped_agent_rows
                .fetch_add(rows.len() as u64, Ordering::Relaxed);
        }
    }

    /// Writes one spool file (then renames it: the sender never sees half a
    /// file); false when it was dropped (over the limit, or not writable).
    fn spool_file(&self, bytes: &[u8], kind: Kind) -> bool {
        let used = self.stats.spooled_bytes.load(Ordering::Relaxed);
        if used + bytes.len() as u64 > self.max_bytes {
            return false;
        }
        let seq = self.seq.fetch_add(1, Ordering::Relaxed);
        let path = self.dir.join(format!("{seq:016}{}", kind.suffix()));
        let tmp = self.dir.join(format!("{seq:016}.tmp"));
        match std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, &path)) {
            Ok(()) => {
                self.stats.spooled_batches.fetch_add(1, Ordering::Relaxed);
                self.stats
                    .spooled_bytes
                    .fetch_add(bytes.len() as u64, Ordering::Relaxed);
                true
            }
            Err(e) => {
                *self
                    .stats
                    .last_error
                    .lock()
                    .unwrap_or_else(|p| p.into_inner()) = Some(format!("cannot spool: {e}"));
                false
            }
        }
    }

    /// Spools a batch (synchronously: once this returns, the batch survives
    /// a crash). Past the byte limit the batch is dropped and counted.
    pub fn push(&self, batch: &TraceStore) {
        self.push_logs(batch);
        if batch.spans.is_empty() {
            return;
        }
        let spans: Vec<u32> = (0..batch.spans.len() as u32).collect();
        let mut bytes = Vec::new();
        if tracelens_formats::write_otlp_proto(batch, &spans, &mut bytes).is_err() {
            self.stats
                .dropped_spans
                .fetch_add(spans.len() as u64, Ordering::Relaxed);
            return;
        }
        if !self.spool_file(&bytes, Kind::Spans) {
            self.stats
                .dropped_spans
                .fetch_add(spans.len() as u64, Ordering::Relaxed);
        }
        // The tracker gets its own copy, read back from the encoded batch
        // (a store is not Clone; the decoder runs at over 1M spans/s).
        if let Some(agents) = &self.agents {
            let mut copy = TraceStore::new();
            let rep = tracelens_formats::read_bytes("write-through", &bytes, &mut copy);
            if rep.error.is_none() {
                agents.lock().unwrap_or_else(|p| p.into_inner()).add(copy);
            }
        }
    }

    /// Spools the batch's log records, if any; past the limit they are
    /// dropped and counted.
    fn push_logs(&self, batch: &TraceStore) {
        if batch.logs.is_empty() {
            return;
        }
        let logs: Vec<u32> = (0..batch.logs.len() as u32).collect();
        let mut bytes = Vec::new();
        let spooled = tracelens_formats::write_otlp_logs_jsonl(batch, &logs, &mut bytes).is_ok()
            && self.spool_file(&bytes, Kind::Logs);
        if !spooled {
            self.stats
                .dropped_logs
                .fetch_add(logs.len() as u64, Ordering::Relaxed);
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
        let mut agent_tables: Option<bool> = None;
        let mut logs_table: Option<Option<LogsSchema>> = None;
        loop {
            let files = spool_files(&self.dir);
            if files.is_empty() {
                if self.stop.load(Ordering::Relaxed) {
                    return;
                }
                std::thread::sleep(Duration::from_millis(100));
                continue;
            }
            for (_, path, len, kind) in files {
                let sent = match kind {
                    Kind::Spans => self.send_one(&rt, &conn, &mut schema, &path),
                    Kind::AgentRows => self.send_agent_rows(&rt, &conn, &mut agent_tables, &path),
                    Kind::Logs => self.send_logs(&rt, &conn, &mut logs_table, &path),
                };
                match sent {
                    Ok(n) => {
                        let _ = std::fs::remove_file(&path);
                        let written = match kind {
                            Kind::Spans => &self.stats.written_spans,
                            Kind::AgentRows => &self.stats.written_agent_rows,
                            Kind::Logs => &self.stats.written_logs,
                        };
                        written.fetch_add(n, Ordering::Relaxed);
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
                        agent_tables = None;
                        logs_table = None;
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
        let store = match read_spooled(path)? {
            (store, false) => store,
            (store, true) if !store.spans.is_empty() => store,
            _ => return Ok(self.drop_unreadable(path)),
        };
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

    /// Rows whose table the database lacks are dropped (waiting would hold
    /// up the spans behind them), counted in `counter`, and `why` becomes
    /// the last error; nothing was sent (0).
    fn drop_for_missing_table(&self, counter: &AtomicU64, rows: usize, why: String) -> u64 {
        counter.fetch_add(rows as u64, Ordering::Relaxed);
        *self
            .stats
            .last_error
            .lock()
            .unwrap_or_else(|p| p.into_inner()) = Some(why);
        0
    }

    /// A spool file that does not read back can never be sent: it is
    /// removed and counted (nothing was sent from it: 0).
    fn drop_unreadable(&self, path: &Path) -> u64 {
        let _ = std::fs::remove_file(path);
        self.stats.unreadable_files.fetch_add(1, Ordering::Relaxed);
        0
    }

    /// Rows for the audit's tables: inserted when the tables exist; when
    /// they do not, dropped and counted (waiting would hold up the spans).
    fn send_agent_rows(
        &self,
        rt: &tokio::runtime::Runtime,
        conn: &Conn,
        agent_tables: &mut Option<bool>,
        path: &Path,
    ) -> Result<u64, ChError> {
        let bytes = std::fs::read(path)
            .map_err(|e| ChError::Protocol(format!("{}: {e}", path.display())))?;
        let Ok(rows) = serde_json::from_slice::<AgentRows>(&bytes) else {
            return Ok(self.drop_unreadable(path));
        };
        let present = match agent_tables {
            Some(p) => *p,
            None => *agent_tables.insert(rt.block_on(crate::schema::detect(conn))?.agent_tables),
        };
        if !present {
            return Ok(self.drop_for_missing_table(
                &self.stats.dropped_agent_rows,
                rows.len(),
                format!(
                    "{} has no agent_executions, agent_events and performance_metrics (run `tracelens migrate`): agent rows dropped",
                    conn.cfg.database
                ),
            ));
        }
        let mut n = 0;
        for (table, rows) in [
            ("agent_executions", rows.agent_executions),
            ("agent_events", rows.agent_events),
            ("performance_metrics", rows.performance_metrics),
        ] {
            n += rt
                .block_on(crate::insert::insert_json_rows(
                    conn,
                    table,
                    rows.into_iter(),
                    50_000,
                    |_| {},
                ))?
                .0;
        }
        Ok(n)
    }

    /// Log records for otel_logs: inserted when the table exists; when it
    /// does not, dropped and counted (waiting would hold up the spans).
    fn send_logs(
        &self,
        rt: &tokio::runtime::Runtime,
        conn: &Conn,
        table: &mut Option<Option<LogsSchema>>,
        path: &Path,
    ) -> Result<u64, ChError> {
        let store = match read_spooled(path)? {
            (store, false) => store,
            (store, true) if !store.logs.is_empty() => store,
            _ => return Ok(self.drop_unreadable(path)),
        };
        let schema = match table {
            Some(t) => t,
            None => table.insert(rt.block_on(crate::schema::detect(conn))?.logs),
        };
        let Some(schema) = schema else {
            return Ok(self.drop_for_missing_table(
                &self.stats.dropped_logs,
                store.logs.len(),
                format!(
                    "{} has no otel_logs (run `tracelens migrate --otel`): log records dropped",
                    conn.cfg.database
                ),
            ));
        };
        let logs: Vec<u32> = (0..store.logs.len() as u32).collect();
        let r = rt.block_on(crate::otel_logs::import_logs_using(
            conn,
            schema,
            &store,
            &logs,
            50_000,
            |_| {},
        ))?;
        Ok(r.records)
    }

    /// Stops after the spool is sent, or at once if ClickHouse is away (what
    /// is left stays spooled), waiting at most `grace`. The agent rows not
    /// flushed yet are spooled first.
    pub fn stop(&self, grace: Duration) {
        let deadline = std::time::Instant::now() + grace;
        let wait = |slot: &Mutex<Option<std::thread::JoinHandle<()>>>| {
            let handle = slot.lock().unwrap_or_else(|p| p.into_inner()).take();
            if let Some(h) = handle {
                while !h.is_finished() && std::time::Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(50));
                }
                if h.is_finished() {
                    let _ = h.join();
                }
            }
        };
        self.stop_flushing.store(true, Ordering::Relaxed);
        wait(&self.flusher);
        self.stop.store(true, Ordering::Relaxed);
        wait(&self.sender);
    }
}

/// A spooled batch of spans or records, read back; true when the reader
/// met an error (the file is damaged if that left nothing).
fn read_spooled(path: &Path) -> Result<(TraceStore, bool), ChError> {
    let bytes =
        std::fs::read(path).map_err(|e| ChError::Protocol(format!("{}: {e}", path.display())))?;
    let mut store = TraceStore::new();
    let rep = tracelens_formats::read_bytes("spool", &bytes, &mut store);
    Ok((store, rep.error.is_some()))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]
    use super::*;

    #[test]
    fn damaged_spool_files_are_dropped_and_counted() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("0000000000000000.pb"),
            b"\x0a\xff\xff garbage",
        )
        .unwrap();
        std::fs::write(dir.path().join("0000000000000001.agent.json"), b"{not json").unwrap();
        // No server needed: the files are read before anything is sent.
        let conn = Conn::new(crate::ConnConfig::new("http://127.0.0.1:1")).unwrap();
        let wt = WriteThrough::start(conn, dir.path().to_path_buf(), 1 << 20).unwrap();
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while wt.stats.unreadable_files.load(Ordering::Relaxed) < 2 {
            assert!(
                std::time::Instant::now() < deadline,
                "{}",
                wt.stats.snapshot()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
        wt.stop(Duration::from_secs(5));
        assert_eq!(spool_files(dir.path()).len(), 0);
        assert_eq!(wt.stats.snapshot()["unreadable_files"], 2);
        assert_eq!(wt.stats.spooled_batches.load(Ordering::Relaxed), 0);
    }
}
