//! Decompression bombs and oversized records, against the real binary:
//! each bomb is small on disk and huge inflated, built here, and the
//! process's peak memory is read from the outside (/proc), never waited
//! for as an out-of-memory kill. Without the bounds each of these takes
//! gigabytes (issue 14 measured 4-10 GiB).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const GIB: u64 = 1 << 30;

/// A zstd frame of `total` copies of `byte`, in RLE blocks of 128 KiB:
/// four bytes a block, so 8 GiB is 256 KiB.
fn zstd_rle(byte: u8, total: u64) -> Vec<u8> {
    // Magic; no content size, no checksum; a 128 KiB window.
    let mut v = vec![0x28, 0xB5, 0x2F, 0xFD, 0x00, 0x38];
    let mut left = total;
    while left > 0 {
        let n = left.min(128 << 10);
        left -= n;
        let header = ((n as u32) << 3) | (1 << 1) | u32::from(left == 0);
        v.extend_from_slice(&header.to_le_bytes()[..3]);
        v.push(byte);
    }
    v
}

fn zstd_of(bytes: &[u8]) -> Vec<u8> {
    zstd::encode_all(bytes, 3).unwrap()
}

fn gzip_of(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// Runs the command to its end; its output and its peak resident memory
/// in bytes (VmHWM, read while it runs).
fn peak(mut cmd: Command) -> (Output, u64) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = format!("/proc/{}/status", child.id());
    let mut hwm = 0u64;
    let mut out = child.stdout.take().unwrap();
    let mut err = child.stderr.take().unwrap();
    let readers = std::thread::spawn(move || {
        let (mut o, mut e) = (Vec::new(), Vec::new());
        let t = std::thread::spawn(move || {
            err.read_to_end(&mut e).unwrap();
            e
        });
        out.read_to_end(&mut o).unwrap();
        (o, t.join().unwrap())
    });
    let start = Instant::now();
    let status_code = loop {
        if let Some(kb) = std::fs::read_to_string(&status)
            .ok()
            .and_then(|s| vm_hwm_kb(&s))
        {
            hwm = hwm.max(kb * 1024);
        }
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "still running after 2 minutes"
        );
        std::thread::sleep(Duration::from_millis(5));
    };
    let (stdout, stderr) = readers.join().unwrap();
    (
        Output {
            status: status_code,
            stdout,
            stderr,
        },
        hwm,
    )
}

fn vm_hwm_kb(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn summary(file: &Path, extra: &[&str]) -> (Output, u64) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tracelens"));
    cmd.arg("summary").arg(file).args(extra);
    peak(cmd)
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const MIB: u64 = 1 << 20;

#[test]
fn file_bombs_are_bounded_in_memory_and_reported() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };
    // A JSON line of 8 GiB of spaces, no newline, through the line buffer.
    let spaces = write("spaces.zst", &zstd_rle(b' ', 8 * GIB));
    // A gigabyte of blank lines: bounded memory, and not minutes of CPU.
    let blank = write("blank.zst", &zstd_rle(b'\n', 8 * GIB));
    // gzip around zstd.
    let nested = write("nested.gz", &gzip_of(&zstd_rle(b' ', 8 * GIB)));
    // A framed message that is its own zstd frame of 8 GiB.
    let frame = zstd_rle(b' ', 8 * GIB);
    let mut framed = (frame.len() as u32).to_be_bytes().to_vec();
    framed.extend_from_slice(&frame);
    let framed = write("framed.bin", &framed);
    // A Jaeger document in zstd (read as it comes, never whole).
    let mut jaeger = zstd_of(br#"{"data":["#);
    jaeger.extend(zstd_rle(b' ', 8 * GIB));
    jaeger.extend(zstd_of(b"]}"));
    let jaeger = write("jaeger.json.zst", &jaeger);
    // gzip members of spaces: 4 GiB in a few MB.
    let member = gzip_of(&vec![b' '; 16 << 20]);
    let members: Vec<u8> = std::iter::repeat_n(member.as_slice(), 256)
        .flatten()
        .copied()
        .collect();
    let members = write("members.gz", &members);

    for (file, extra, bound) in [
        (&spaces, &[][..], 400 * MIB),
        (&blank, &[], 100 * MIB),
        (&nested, &[], 400 * MIB),
        (&framed, &[], 400 * MIB),
        (&jaeger, &["--format", "jaeger"], 100 * MIB),
        (&members, &[], 400 * MIB),
    ] {
        let started = Instant::now();
        let (o, rss) = summary(file, extra);
        let name = file.file_name().unwrap().to_string_lossy();
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{name}: {err}");
        assert!(
            err.contains("decompression bomb") || err.contains("over the limit"),
            "{name}: {err}"
        );
        assert!(err.contains(&*name), "the message names the file: {err}");
        assert!(rss < bound, "{name}: peak {} MiB", rss / MIB);
        eprintln!(
            "{name}: {:.1} s, peak {} MiB",
            started.elapsed().as_secs_f64(),
            rss / MIB
        );
    }
}

#[test]
fn an_oversized_line_is_skipped_and_the_lines_after_it_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let gen = dir.path().join("g.jsonl");
    let o = Command::new(env!("CARGO_BIN_EXE_tracelens"))
        .args(["generate", "--out", gen.to_str().unwrap(), "--traces", "2"])
        .output()
        .unwrap();
    assert!(o.status.success());
    let good = std::fs::read(&gen).unwrap();
    // A 40 MiB line 1 (a padded empty document), then the real lines;
    // compressed.
    let mut plain = br#"{"resourceSpans":[],"pad":""#.to_vec();
    plain.extend(std::iter::repeat_n(b'x', 40 << 20));
    plain.extend_from_slice(b"\"}\n");
    plain.extend_from_slice(&good);
    let f = dir.path().join("long.jsonl.zst");
    std::fs::write(&f, zstd_of(&plain)).unwrap();
    let (o, rss) = summary(&f, &["--max-record-mib", "8", "--json"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("line 1, column 1: line is"), "{err}");
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["traces"].as_array().unwrap().len(), 2, "{err}");
    assert!(rss < 120 * MIB, "peak {} MiB", rss / MIB);

    // The same file with the bound lifted reads the long line too.
    let (o, _) = summary(&f, &["--no-input-limits", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn lifting_the_limits_reads_a_real_file_past_them() {
    let dir = tempfile::tempdir().unwrap();
    let blank = dir.path().join("blank.zst");
    std::fs::write(&blank, zstd_rle(b'\n', 300 * MIB)).unwrap();
    let (o, _) = summary(&blank, &[]);
    assert!(stderr(&o).contains("decompression bomb"), "{}", stderr(&o));
    let (o, _) = summary(&blank, &["--no-input-limits"]);
    assert!(!stderr(&o).contains("decompression bomb"), "{}", stderr(&o));
}

// ---------------------------------------------------------------------------
// The receiver: a body decoded exactly as Content-Encoding says, every
// inflated byte counted against --max-body-mib.

struct Receiver {
    child: std::process::Child,
    addr: String,
}

impl Receiver {
    fn start(extra: &[&str]) -> Receiver {
        use std::io::BufRead;
        let mut child = Command::new(env!("CARGO_BIN_EXE_tracelens"))
            .args(["receive", "--addr", "127.0.0.1:0", "--no-grpc", "--json"])
            .args(extra)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let url = line.trim().rsplit(' ').next().unwrap().to_string();
        let addr = url
            .trim_start_matches("http://")
            .trim_end_matches("/v1/traces")
            .to_string();
        // Keep stdout drained so the child never blocks on it.
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        Receiver { child, addr }
    }

    fn peak_rss(&self) -> u64 {
        let s = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        vm_hwm_kb(&s).unwrap() * 1024
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// POSTs to /v1/traces with the given headers; the status code.
fn post(addr: &str, headers: &[(&str, &str)], body: &[u8]) -> u16 {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut req = format!(
        "POST /v1/traces HTTP/1.1\r\ncontent-length: {}\r\nconnection: close\r\n",
        body.len()
    );
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        req.push_str(&format!("host: {addr}\r\n"));
    }
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    // The server may answer (413) before reading all of a large body.
    let _ = s.write_all(body);
    let mut resp = Vec::new();
    let _ = s.read_to_end(&mut resp);
    let text = String::from_utf8_lossy(&resp);
    text.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or_else(|| panic!("no HTTP answer: {text:?}"))
}

const PROTO: (&str, &str) = ("content-type", "application/x-protobuf");
const JSON: (&str, &str) = ("content-type", "application/json");

#[test]
fn receiver_bodies_inflate_only_as_declared_and_within_the_body_limit() {
    let r = Receiver::start(&["--max-body-mib", "16"]);
    let before = r.peak_rss();
    // 1 KB-class: gzip around zstd of 10 GiB of spaces. The gzip layer
    // is declared; the zstd inside is not, and is not inflated.
    let nested = gzip_of(&zstd_rle(b' ', 10 * GIB));
    assert_eq!(
        post(&r.addr, &[PROTO, ("content-encoding", "gzip")], &nested),
        400
    );
    // zstd with no Content-Encoding: bytes, not 20 million spans.
    let zst = zstd_rle(b' ', 10 * GIB);
    assert_eq!(post(&r.addr, &[JSON], &zst), 400);
    // Declared zstd past the body limit once inflated: 413.
    assert_eq!(
        post(&r.addr, &[JSON, ("content-encoding", "zstd")], &zst),
        413
    );
    // gzip inflating past the limit (4x used to be allowed): 413.
    let gz = gzip_of(&vec![b' '; 17 << 20]);
    assert_eq!(
        post(&r.addr, &[JSON, ("content-encoding", "gzip")], &gz),
        413
    );
    // An encoding not taken, a media type that only starts like JSON.
    let doc = br#"{"resourceSpans":[]}"#;
    assert_eq!(post(&r.addr, &[JSON, ("content-encoding", "br")], doc), 415);
    assert_eq!(
        post(&r.addr, &[("content-type", "application/jsonX")], doc),
        415
    );
    // Declared encodings that are right are read: deflate (zlib), zstd.
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(doc).unwrap();
    assert_eq!(
        post(
            &r.addr,
            &[JSON, ("content-encoding", "deflate")],
            &z.finish().unwrap()
        ),
        200
    );
    assert_eq!(
        post(
            &r.addr,
            &[JSON, ("content-encoding", "zstd")],
            &zstd_of(doc)
        ),
        200
    );
    let grown = r.peak_rss().saturating_sub(before);
    assert!(grown < 200 * MIB, "grew by {} MiB", grown / MIB);
}

#[test]
fn receiver_refuses_rebound_pages_by_host_and_origin() {
    let r = Receiver::start(&[]);
    let doc = br#"{"resourceSpans":[]}"#;
    assert_eq!(
        post(&r.addr, &[JSON, ("host", "evil.example:4318")], doc),
        403
    );
    assert_eq!(
        post(&r.addr, &[JSON, ("origin", "http://evil.example")], doc),
        403
    );
    assert_eq!(
        post(&r.addr, &[JSON, ("origin", "http://localhost:3000")], doc),
        200
    );
    assert_eq!(post(&r.addr, &[JSON, ("host", "localhost:4318")], doc), 200);
}

#[test]
fn concurrent_large_bodies_are_bounded_and_answered() {
    let r = Receiver::start(&["--max-body-mib", "16"]);
    let before = r.peak_rss();
    // A valid document padded to 15 MiB, gzipped to about 15 KB... times 64
    // at once: without a bound on ingests in flight each is inflated and
    // parsed at the same time.
    let mut doc = br#"{"resourceSpans":[]}"#.to_vec();
    doc.extend(std::iter::repeat_n(b' ', 15 << 20));
    let gz = std::sync::Arc::new(gzip_of(&doc));
    let addr = r.addr.clone();
    let codes: Vec<u16> = (0..64)
        .map(|_| {
            let (gz, addr) = (gz.clone(), addr.clone());
            std::thread::spawn(move || post(&addr, &[JSON, ("content-encoding", "gzip")], &gz))
        })
        .collect::<Vec<_>>()
        .into_iter()
        .map(|t| t.join().unwrap())
        .collect();
    assert!(
        codes.iter().all(|&c| c == 200 || c == 429),
        "every request answered 200 or 429: {codes:?}"
    );
    assert!(codes.contains(&200), "{codes:?}");
    let grown = r.peak_rss().saturating_sub(before);
    assert!(grown < 400 * MIB, "grew by {} MiB", grown / MIB);
    // Still answering.
    assert_eq!(post(&r.addr, &[JSON], br#"{"resourceSpans":[]}"#), 200);
}
