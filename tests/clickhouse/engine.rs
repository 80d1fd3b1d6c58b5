//! The tests' real ClickHouse engine, shared by the tests of one binary:
//! the server named by CLICKHOUSE_URL when set; else a `clickhouse` binary
//! on PATH, started on a temporary directory; else ClickHouse 26.x from
//! PyPI's chdb-core behind tests/clickhouse/chdb_front.py. Each test works in
//! a database of its own, so tests never see each other's rows.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

pub struct Engine {
    pub url: String,
    pub kind: &'static str,
    _child: Option<Child>,
    _dir: Option<tempfile::TempDir>,
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Starts the chdb front on a fresh data directory; returns it and its URL.
pub fn start_front(extra: &[&str]) -> (Child, String, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let (child, url) = start_front_at(&dir.path().join("data"), 0, extra);
    (child, url, dir)
}

/// Starts the chdb front on `data` (kept across restarts) and `port` (0: any).
pub fn start_front_at(data: &Path, port: u16, extra: &[&str]) -> (Child, String) {
    let port = port.to_string();
    let mut child = Command::new("python3")
        .arg(repo().join("tests/clickhouse/chdb_front.py"))
        .args([
            "--data",
            data.to_str().unwrap(),
            "--port",
            &port,
            "--exit-with-parent",
        ])
        .args(extra)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("python3 tests/clickhouse/chdb_front.py (scripts/setup.sh installs chdb-core)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("the chdb front did not start: {line:?}"))
        .to_string();
    (child, url)
}

fn start_server_binary() -> Option<Engine> {
    let bin = which("clickhouse")?;
    let dir = tempfile::tempdir().ok()?;
    let port = free_port();
    let child = Command::new(bin)
        .args(["server", "--"])
        .arg(format!("--path={}/", dir.path().display()))
        .arg(format!("--http_port={port}"))
        .arg("--tcp_port=0")
        .arg("--listen_host=127.0.0.1")
        .arg(format!("--logger.log={}/log", dir.path().display()))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .ok()?;
    let url = format!("http://127.0.0.1:{port}");
    for _ in 0..100 {
        if ureq_ping(&url) {
            return Some(Engine {
                url,
                kind: "clickhouse binary",
                _child: Some(child),
                _dir: Some(dir),
            });
        }
        std::thread::sleep(std::time::Duration::from_millis(200));
    }
    None
}

fn ureq_ping(url: &str) -> bool {
    let addr = url.trim_start_matches("http://");
    std::net::TcpStream::connect(addr).is_ok()
}

fn which(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        if let Ok(url) = std::env::var("CLICKHOUSE_URL") {
            return Engine {
                url,
                kind: "CLICKHOUSE_URL",
                _child: None,
                _dir: None,
            };
        }
        if let Some(e) = start_server_binary() {
            return e;
        }
        let (child, url, dir) = start_front(&[]);
        Engine {
            url,
            kind: "chdb-core front",
            _child: Some(child),
            _dir: Some(dir),
        }
    })
}

/// A database name of this test's own.
pub fn fresh_db(tag: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "tl_{}_{}_{}",
        tag,
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}
