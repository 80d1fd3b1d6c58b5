//! OTLP/JSON Lines, read a chunk of lines at a time. A large input is parsed
//! on several threads, each chunk into a store of its own, and the stores are
//! merged in input order: the result is the same as reading line by line,
//! spans, warnings and error lines alike, only sooner. Memory stays bounded:
//! the reader waits while every worker is busy, and chunk buffers go back to
//! the reader to be filled again.
//!
//! The reading thread feeds every worker, so it does as little as it can:
//! large reads straight into a chunk buffer, one search for the last newline,
//! no line counting (a worker counts its chunk's lines while it splits them,
//! and the merge turns its error lines into the input's).

use crate::ctx::Ctx;
use crate::error::{Position, ReadError};
use std::collections::BTreeMap;
use std::io::Read;
use std::sync::mpsc::{channel, sync_channel};
use std::sync::Mutex;
use tracelens_model::TraceStore;

/// Reads one line (without its newline) into the context: OTLP/JSON
/// ([`crate::otlp_json::read_json_bytes`]) or an application log line
/// ([`crate::applog::read_line`]).
pub(crate) type LineReader = fn(&mut Ctx<'_>, &[u8]) -> Result<(), serde_json::Error>;

/// Bytes of lines handed to a worker at a time.
pub const DEFAULT_CHUNK_BYTES: usize = 1 << 20;

/// A run of whole lines (the last one may lack its newline at the end of
/// the input).
struct Chunk {
    seq: u64,
    /// The buffer; the chunk is its first `len` bytes.
    bytes: Vec<u8>,
    len: usize,
    /// Lines too long to hold, each stood in for by an empty line: where
    /// that empty line is in the chunk, and how long the line was.
    skipped: Vec<(usize, u64)>,
    /// Whether the input ended (or failed) with this chunk.
    last: bool,
}

/// A chunk parsed into a store of its own.
struct Parsed {
    seq: u64,
    store: TraceStore,
    /// Error lines counted from the chunk's first line as 1.
    errors: Vec<ReadError>,
    lines: Lines,
    len: crate::lenient::Leniency,
    spans: u64,
    logs: u64,
    other_signals: u64,
    /// The chunk's buffer, for the reader to fill again.
    buffer: Vec<u8>,
}

/// How many lines a chunk held, and whether its last one lacked a newline.
#[derive(Clone, Copy, Default)]
struct Lines {
    count: u64,
    open_end: bool,
}

/// The reading side: the input, the start of a line cut at the end of the
/// last chunk, and buffers handed back by the workers.
struct Feed<R> {
    r: R,
    carry: Vec<u8>,
    spare: Vec<Vec<u8>>,
    target: usize,
    /// The longest line held; a longer one is stepped over unread.
    max_line: usize,
    seq: u64,
    /// The input ended while a long line was stepped over.
    ended: bool,
}

impl<R: Read> Feed<R> {
    /// Reads about `target` bytes of whole lines: large reads straight into
    /// the chunk, cut after its last newline, the start of the line that was
    /// cut carried into the next chunk. A line longer than `target` makes a
    /// longer chunk. A read error ends the input after what came before it.
    ///
    /// A buffer is zeroed once, when it is made or grows, and then reused:
    /// `read_to_end` would zero every read's room again (the readers it
    /// goes through cannot say they write every byte).
    fn next_chunk(&mut self) -> (Option<Chunk>, Option<std::io::Error>) {
        let target = self.target;
        let mut bytes = self.spare.pop().unwrap_or_default();
        let room = (target + (64 << 10)).max(self.carry.len() + (64 << 10));
        if bytes.len() < room {
            bytes.resize(room, 0);
        }
        let mut filled = self.carry.len();
        bytes[..filled].copy_from_slice(&self.carry);
        self.carry.clear();
        let mut err = None;
        // Bytes before this hold no newline (once the chunk is full).
        let mut searched = 0;
        // Where the line being read starts (the carry holds no newline).
        let mut line_start = 0;
        let mut skipped = Vec::new();
        let mut last = false;
        loop {
            if filled - line_start > self.max_line {
                // Too long to hold: an empty line stands in for it, and the
                // rest of it is read past without being kept.
                let seen = (filled - line_start) as u64;
                bytes[line_start] = b'\n';
                filled = line_start + 1;
                searched = searched.min(line_start);
                match self.skip_line(&mut bytes, filled) {
                    Ok((rest, tail)) => {
                        skipped.push((line_start, seen + rest));
                        line_start = filled;
                        if let Some(p) = memchr::memrchr(b'\n', &bytes[filled..filled + tail]) {
                            line_start = filled + p + 1;
                        }
                        filled += tail;
                    }
                    Err(e) => {
                        skipped.push((line_start, seen));
                        err = Some(e);
                        last = true;
                        break;
                    }
                }
                if self.ended {
                    last = true;
                    break;
                }
            }
            if filled >= target {
                if let Some(nl) = memchr::memrchr(b'\n', &bytes[searched..filled]) {
                    let cut = searched + nl + 1;
                    self.carry.extend_from_slice(&bytes[cut..filled]);
                    filled = cut;
                    break;
                }
                searched = filled;
            }
            if filled == bytes.len() {
                // A line longer than the buffer: make room for more of it.
                bytes.resize(bytes.len() * 2, 0);
            }
            // Small targets (tests) read small pieces, so that chunks stay small.
            let end = bytes.len().min(filled + target.max(1));
            match self.r.read(&mut bytes[filled..end]) {
                Ok(0) => {
                    last = true;
                    break;
                }
                Ok(n) => {
                    if let Some(p) = memchr::memrchr(b'\n', &bytes[filled..filled + n]) {
                        line_start = filled + p + 1;
                    }
                    filled += n;
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    err = Some(e);
                    last = true;
                    break;
                }
            }
        }
        let seq = self.seq;
        self.seq += 1;
        if filled == 0 {
            self.spare.push(bytes);
            return (None, err);
        }
        let chunk = Chunk {
            seq,
            bytes,
            len: filled,
            skipped,
            last,
        };
        (Some(chunk), err)
    }

    /// Reads past the rest of a line too long to hold, into `bytes` from
    /// `at` on as scratch. Returns how many bytes of the line it read past
    /// and how many bytes after its newline it left at `at` (0 at the end
    /// of the input, which sets `ended`).
    fn skip_line(&mut self, bytes: &mut Vec<u8>, at: usize) -> std::io::Result<(u64, usize)> {
        if bytes.len() < at + (64 << 10) {
            bytes.resize(at + (64 << 10), 0);
        }
        let mut rest = 0u64;
        loop {
            let n = match self.r.read(&mut bytes[at..]) {
                Ok(0) => {
                    self.ended = true;
                    return Ok((rest, 0));
                }
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            match memchr::memchr(b'\n', &bytes[at..at + n]) {
                Some(p) => {
                    rest += p as u64;
                    bytes.copy_within(at + p + 1..at + n, at);
                    return Ok((rest, n - p - 1));
                }
                None => rest += n as u64,
            }
        }
    }
}

/// Parses every line of `bytes` into `ctx`, the first being line
/// `first_line`; returns the lines that failed and how many there were.
/// Runs of blank lines are passed over at memory speed (a gigabyte of
/// newlines is no reason to spend seconds); `skipped` names the empty lines
/// that stand in for lines too long to hold.
fn parse_chunk(
    name: &str,
    bytes: &[u8],
    skipped: &[(usize, u64)],
    max_line: usize,
    first_line: u64,
    ctx: &mut Ctx<'_>,
    read_line: LineReader,
) -> (Vec<ReadError>, Lines) {
    let newlines = |b: &[u8]| b.iter().filter(|&&c| c == b'\n').count() as u64;
    let too_long = |line: u64, len: u64| {
        ReadError::corrupt(
            name,
            Position::Line { line, column: 1 },
            format!(
                "line is {len} bytes, over the limit of {max_line} for one line; \
                 skipped, the lines after it were read"
            ),
        )
    };
    let mut errors = Vec::new();
    let mut skipped = skipped.iter().peekable();
    // pos is always at the start of a line.
    let mut pos = 0;
    // Newlines in bytes[..pos].
    let mut before = 0u64;
    while pos < bytes.len() {
        let blank_end = bytes[pos..]
            .iter()
            .position(|b| !b.is_ascii_whitespace())
            .map_or(bytes.len(), |p| pos + p);
        let run = &bytes[pos..blank_end];
        while let Some(&&(at, len)) = skipped.peek() {
            if at >= blank_end {
                break;
            }
            errors.push(too_long(
                first_line + before + newlines(&bytes[pos..at]),
                len,
            ));
            skipped.next();
        }
        if run.len() > max_line {
            // Blank lines too long to be lines, as the feed would say of
            // one it could not hold (the last piece of the run is measured
            // with the line it starts, unless the chunk ends there).
            let mut start = 0;
            let mut line = first_line + before;
            for p in memchr::memchr_iter(b'\n', run) {
                if p - start > max_line {
                    errors.push(too_long(line, (p - start) as u64));
                }
                line += 1;
                start = p + 1;
            }
            if blank_end == bytes.len() && run.len() - start > max_line {
                errors.push(too_long(line, (run.len() - start) as u64));
            }
        }
        let line_start = pos + memchr::memrchr(b'\n', run).map_or(0, |p| p + 1);
        before += newlines(run);
        pos = blank_end;
        if pos == bytes.len() {
            break;
        }
        let end = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |p| pos + p);
        if end - line_start > max_line {
            errors.push(too_long(first_line + before, (end - line_start) as u64));
        } else if let Err(e) = read_line(ctx, &bytes[pos..end]) {
            errors.push(crate::jsonval::error_at(name, first_line + before, &e));
        }
        if end < bytes.len() {
            before += 1;
        }
        pos = end + 1;
    }
    let open_end = bytes.last().is_some_and(|&b| b != b'\n');
    let count = before + u64::from(open_end);
    (errors, Lines { count, open_end })
}

/// The error for a read that failed after `lines` lines of the input.
fn read_failed(name: &str, lines: Lines, e: &std::io::Error) -> ReadError {
    // A line cut by the failure is the line it failed in.
    let line = if lines.open_end {
        lines.count
    } else {
        lines.count + 1
    };
    ReadError::corrupt(
        name,
        Position::Line { line, column: 1 },
        format!("read failed: {e}"),
    )
}

/// Reads JSON Lines from `reader` into `ctx`, each line with `read_line`,
/// pushing each bad line's error to `on_error` in input order. `threads` of
/// 1 parses on this thread.
#[allow(clippy::too_many_arguments)]
pub fn read(
    name: &str,
    reader: impl Read,
    ctx: &mut Ctx<'_>,
    read_line: LineReader,
    chunk_bytes: usize,
    threads: usize,
    max_line: usize,
    mut on_error: impl FnMut(ReadError),
) -> Result<(), ReadError> {
    let mut feed = Feed {
        r: reader,
        carry: Vec::new(),
        spare: Vec::new(),
        target: chunk_bytes.max(1),
        max_line: max_line.max(1),
        seq: 0,
        ended: false,
    };
    let (first, mut err) = feed.next_chunk();
    let mut lines = Lines::default();
    let Some(first) = first else {
        return err.map_or(Ok(()), |e| Err(read_failed(name, lines, &e)));
    };
    // A small input, or one thread: no pool.
    if threads < 2 || first.last {
        let mut chunk = Some(first);
        while let Some(c) = chunk.take() {
            let (errors, n) = parse_chunk(
                name,
                &c.bytes[..c.len],
                &c.skipped,
                max_line,
                lines.count + 1,
                ctx,
                read_line,
            );
            errors.into_iter().for_each(&mut on_error);
            lines = Lines {
                count: lines.count + n.count,
                open_end: n.open_end,
            };
            if c.last {
                break;
            }
            feed.spare.push(c.bytes);
            (chunk, err) = feed.next_chunk();
        }
        return err.map_or(Ok(()), |e| Err(read_failed(name, lines, &e)));
    }

    let source = ctx.source;
    let (work_tx, work_rx) = sync_channel::<Chunk>(threads);
    let work_rx = Mutex::new(work_rx);
    let (done_tx, done_rx) = channel::<Parsed>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let done_tx = done_tx.clone();
            let work_rx = &work_rx;
            scope.spawn(move || loop {
                // A poisoned lock means another worker panicked; the scope
                // re-raises that panic, so this one just stops.
                let next = match work_rx.lock() {
                    Ok(rx) => rx.recv(),
                    Err(_) => return,
                };
                let Ok(chunk) = next else { return };
                let mut store = TraceStore::new();
                // Room for the chunk's spans at a typical few hundred bytes
                // each, so the arenas are not copied as they grow.
                store.reserve_spans(chunk.len / 512);
                let mut local = Ctx::new(&mut store, source);
                let (errors, lines) = parse_chunk(
                    name,
                    &chunk.bytes[..chunk.len],
                    &chunk.skipped,
                    max_line,
                    1,
                    &mut local,
                    read_line,
                );
                let len = std::mem::take(&mut local.len);
                let spans = local.spans_read;
                let logs = local.logs_read;
                let other_signals = local.other_signals;
                drop(local);
                let parsed = Parsed {
                    seq: chunk.seq,
                    store,
                    errors,
                    lines,
                    len,
                    spans,
                    logs,
                    other_signals,
                    buffer: chunk.bytes,
                };
                if done_tx.send(parsed).is_err() {
                    return;
                }
            });
        }
        drop(done_tx);

        let mut pending: BTreeMap<u64, Parsed> = BTreeMap::new();
        let mut next_seq = 0u64;
        let mut merge_ready =
            |pending: &mut BTreeMap<u64, Parsed>, ctx: &mut Ctx<'_>, feed: &mut Feed<_>| {
                while let Some(p) = pending.remove(&next_seq) {
                    ctx.store.absorb(p.store);
                    ctx.len.absorb(p.len);
                    ctx.spans_read += p.spans;
                    ctx.logs_read += p.logs;
                    ctx.other_signals += p.other_signals;
                    let before = lines.count;
                    p.errors
                        .into_iter()
                        .for_each(|e| on_error(e.lines_down(before)));
                    lines = Lines {
                        count: before + p.lines.count,
                        open_end: p.lines.open_end,
                    };
                    feed.spare.push(p.buffer);
                    next_seq += 1;
                }
            };
        let mut chunk = Some(first);
        while let Some(c) = chunk.take() {
            let last = c.last;
            if work_tx.send(c).is_err() {
                break;
            }
            while let Ok(p) = done_rx.try_recv() {
                pending.insert(p.seq, p);
            }
            merge_ready(&mut pending, ctx, &mut feed);
            if last {
                break;
            }
            (chunk, err) = feed.next_chunk();
        }
        drop(work_tx);
        for p in done_rx.iter() {
            pending.insert(p.seq, p);
            merge_ready(&mut pending, ctx, &mut feed);
        }
        err.map_or(Ok(()), |e| Err(read_failed(name, lines, &e)))
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    /// Gives `data`, then fails.
    struct FailsAfter<'a>(&'a [u8]);
    impl Read for FailsAfter<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            if self.0.is_empty() {
                return Err(std::io::Error::other("disk on fire"));
            }
            let n = buf.len().min(self.0.len()).min(7);
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn line(span: u8) -> String {
        format!(
            r#"{{"resourceSpans":[{{"scopeSpans":[{{"spans":[{{"traceId":"01","spanId":"{span:02x}","name":"s"}}]}}]}}]}}"#
        )
    }

    fn read_with(data: &[u8], chunk: usize, threads: usize) -> (usize, Vec<String>, String) {
        let mut store = TraceStore::new();
        let mut ctx = Ctx::new(&mut store, 0);
        let mut errors = Vec::new();
        let end = read(
            "in",
            FailsAfter(data),
            &mut ctx,
            crate::otlp_json::read_json_bytes,
            chunk,
            threads,
            1 << 20,
            |e| errors.push(e.to_string()),
        );
        drop(ctx);
        (store.spans.len(), errors, end.unwrap_err().to_string())
    }

    #[test]
    fn a_failing_read_keeps_the_lines_before_and_names_the_line() {
        // Three whole lines, a blank one, and half of the fifth.
        let whole = format!("{}\n{}\n{}\n\n", line(1), line(2), line(3));
        let cut = &line(4)[..20];
        let data = format!("{whole}{cut}");
        for (chunk, threads) in [(1 << 20, 1), (40, 1), (40, 2), (1, 2)] {
            let (spans, errors, end) = read_with(data.as_bytes(), chunk, threads);
            assert_eq!(spans, 3, "chunk {chunk}, threads {threads}");
            assert_eq!(errors.len(), 1, "the cut line: {errors:?}");
            assert!(errors[0].starts_with("in: line 5,"), "{errors:?}");
            assert_eq!(end, "in: line 5, column 1: read failed: disk on fire");
        }
        // Failing right after a newline: the next line is where it failed.
        for (chunk, threads) in [(1 << 20, 1), (40, 2)] {
            let (spans, errors, end) = read_with(whole.as_bytes(), chunk, threads);
            assert_eq!((spans, errors.len()), (3, 0));
            assert_eq!(end, "in: line 5, column 1: read failed: disk on fire");
        }
    }

    fn read_limited(
        data: &[u8],
        chunk: usize,
        threads: usize,
        max_line: usize,
    ) -> (usize, Vec<String>) {
        let mut store = TraceStore::new();
        let mut ctx = Ctx::new(&mut store, 0);
        let mut errors = Vec::new();
        read(
            "in",
            data,
            &mut ctx,
            crate::otlp_json::read_json_bytes,
            chunk,
            threads,
            max_line,
            |e| errors.push(e.to_string()),
        )
        .unwrap();
        drop(ctx);
        (store.spans.len(), errors)
    }

    #[test]
    fn a_line_past_the_limit_is_skipped_at_its_line_and_the_rest_is_read() {
        let long = "x".repeat(5000);
        let data = format!(
            "{}\n\n{long}\n{}\n{long}{long}\n{}\n",
            line(1),
            line(2),
            line(3)
        );
        for (chunk, threads) in [(1 << 20, 1), (64, 1), (64, 2), (1, 2), (300, 2)] {
            let (spans, errors) = read_limited(data.as_bytes(), chunk, threads, 1000);
            assert_eq!(spans, 3, "chunk {chunk}, threads {threads}: {errors:?}");
            assert_eq!(errors.len(), 2, "{errors:?}");
            assert!(
                errors[0].starts_with("in: line 3, column 1: line is"),
                "{errors:?}"
            );
            assert!(
                errors[1].starts_with("in: line 5, column 1: line is"),
                "{errors:?}"
            );
            assert!(errors[1].contains("10000 bytes"), "{errors:?}");
        }
        // A long last line without a newline, and a long first line; long
        // blank lines count the same.
        let data = format!("{long}\n{}\n{long}", line(1));
        let blank = format!("{}\n{}\n{}", " ".repeat(5000), line(1), " ".repeat(5000));
        for (data, chunk, threads) in [
            (&data, 1 << 20, 1),
            (&data, 64, 2),
            (&blank, 1 << 20, 1),
            (&blank, 64, 2),
        ] {
            let (spans, errors) = read_limited(data.as_bytes(), chunk, threads, 1000);
            assert_eq!(spans, 1);
            assert_eq!(errors.len(), 2, "{errors:?}");
            assert!(errors[0].starts_with("in: line 1,"), "{errors:?}");
            assert!(errors[1].starts_with("in: line 3,"), "{errors:?}");
        }
    }

    #[test]
    fn blank_runs_keep_line_numbers() {
        let data = format!("\n\n  \n{}\n\n\n{{bad\n \n{}", line(1), line(2));
        for (chunk, threads) in [(1 << 20, 1), (4, 2)] {
            let (spans, errors) = read_limited(data.as_bytes(), chunk, threads, 1 << 20);
            assert_eq!(spans, 2);
            assert_eq!(errors.len(), 1);
            assert!(errors[0].starts_with("in: line 7,"), "{errors:?}");
        }
    }
}
