//! OTLP/JSON Lines, read a chunk of lines at a time. A large input is parsed
//! on several threads, each chunk into a store of its own, and the stores are
//! merged in input order: the result is the same as reading line by line,
//! spans, warnings and error lines alike, only sooner. Memory stays bounded:
//! the reader waits while every worker is busy.

use crate::error::{Position, ReadError};
use crate::otlp_json::{read_traces_data, Ctx};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::sync::mpsc::{channel, sync_channel};
use std::sync::Mutex;
use tracelens_model::TraceStore;

/// Bytes of lines handed to a worker at a time.
pub const DEFAULT_CHUNK_BYTES: usize = 1 << 20;

/// A run of whole lines and the number of the first.
struct Chunk {
    seq: u64,
    first_line: u64,
    bytes: Vec<u8>,
}

/// A chunk parsed into a store of its own.
struct Parsed {
    seq: u64,
    store: TraceStore,
    errors: Vec<ReadError>,
    len: crate::lenient::Leniency,
    spans: u64,
}

/// Reads lines until `target` bytes or the end. A read error ends the input
/// after the lines before it (which are returned with it).
fn next_chunk(
    r: &mut impl BufRead,
    name: &str,
    line_no: &mut u64,
    seq: u64,
    target: usize,
) -> (Option<Chunk>, Option<ReadError>) {
    let first_line = *line_no + 1;
    let mut bytes = Vec::with_capacity(target.min(DEFAULT_CHUNK_BYTES) + (64 << 10));
    let mut err = None;
    while bytes.len() < target {
        match r.read_until(b'\n', &mut bytes) {
            Ok(0) => break,
            Ok(_) => *line_no += 1,
            Err(e) => {
                err = Some(ReadError::corrupt(
                    name,
                    Position::Line {
                        line: *line_no + 1,
                        column: 1,
                    },
                    format!("read failed: {e}"),
                ));
                break;
            }
        }
    }
    let chunk = (!bytes.is_empty()).then_some(Chunk {
        seq,
        first_line,
        bytes,
    });
    (chunk, err)
}

/// Parses every line of `chunk` into `ctx`; returns the lines that failed.
fn parse_chunk(name: &str, chunk: &Chunk, ctx: &mut Ctx<'_>) -> Vec<ReadError> {
    let mut errors = Vec::new();
    for (i, line) in chunk.bytes.split(|&b| b == b'\n').enumerate() {
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let mut de = serde_json::Deserializer::from_slice(line);
        if let Err(e) = read_traces_data(ctx, &mut de).and_then(|_| de.end()) {
            errors.push(crate::jsonval::error_at(
                name,
                chunk.first_line + i as u64,
                &e,
            ));
        }
    }
    errors
}

/// Reads OTLP/JSON Lines from `reader` into `ctx`, pushing each bad line's
/// error to `on_error` in input order. `threads` of 1 parses on this thread.
pub fn read(
    name: &str,
    reader: impl Read,
    ctx: &mut Ctx<'_>,
    chunk_bytes: usize,
    threads: usize,
    mut on_error: impl FnMut(ReadError),
) -> Result<(), ReadError> {
    let mut r = BufReader::with_capacity(1 << 20, reader);
    let mut line_no = 0u64;
    let chunk_bytes = chunk_bytes.max(1);
    let (first, err) = next_chunk(&mut r, name, &mut line_no, 0, chunk_bytes);
    let Some(first) = first else {
        return err.map_or(Ok(()), Err);
    };
    // A small input, or one thread: no pool.
    if threads < 2 || err.is_some() || first.bytes.len() < chunk_bytes {
        let mut chunk = Some(first);
        let mut err = err;
        let mut seq = 0;
        while let Some(c) = chunk.take() {
            parse_chunk(name, &c, ctx)
                .into_iter()
                .for_each(&mut on_error);
            if err.is_some() {
                break;
            }
            seq += 1;
            (chunk, err) = next_chunk(&mut r, name, &mut line_no, seq, chunk_bytes);
        }
        return err.map_or(Ok(()), Err);
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
                let mut local = Ctx::new(&mut store, source);
                let errors = parse_chunk(name, &chunk, &mut local);
                let len = std::mem::take(&mut local.len);
                let spans = local.spans_read;
                drop(local);
                let parsed = Parsed {
                    seq: chunk.seq,
                    store,
                    errors,
                    len,
                    spans,
                };
                if done_tx.send(parsed).is_err() {
                    return;
                }
            });
        }
        drop(done_tx);

        let mut pending: BTreeMap<u64, Parsed> = BTreeMap::new();
        let mut next_seq = 0u64;
        let mut merge_ready = |pending: &mut BTreeMap<u64, Parsed>, ctx: &mut Ctx<'_>| {
            while let Some(p) = pending.remove(&next_seq) {
                ctx.store.absorb(p.store);
                ctx.len.absorb(p.len);
                ctx.spans_read += p.spans;
                p.errors.into_iter().for_each(&mut on_error);
                next_seq += 1;
            }
        };
        let mut chunk = Some(first);
        let mut err = None;
        let mut seq = 0u64;
        while let Some(c) = chunk.take() {
            if work_tx.send(c).is_err() {
                break;
            }
            while let Ok(p) = done_rx.try_recv() {
                pending.insert(p.seq, p);
            }
            merge_ready(&mut pending, ctx);
            if err.is_some() {
                break;
            }
            seq += 1;
            (chunk, err) = next_chunk(&mut r, name, &mut line_no, seq, chunk_bytes);
        }
        drop(work_tx);
        for p in done_rx.iter() {
            pending.insert(p.seq, p);
            merge_ready(&mut pending, ctx);
        }
        err.map_or(Ok(()), Err)
    })
}
