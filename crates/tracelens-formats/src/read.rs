//! Reading inputs: unwrap compression layers, sniff the format, dispatch.

use crate::error::{Position, ReadError};
use crate::otlp_json::{read_traces_data, Ctx};
use crate::sniff::{sniff, Compression, Format, Layer, ZSTD_MAGIC};
use crate::{jaeger, otlp_proto, zipkin};
use std::io::{BufReader, Cursor, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use tracelens_model::{TraceStore, Warning, WarningKind};

/// A single document is parsed from memory up to this size (fastest), and
/// streamed from the reader above it (bounded memory). A document inside a
/// compression layer has no known size and is always streamed.
const IN_MEMORY_DOC_MAX: u64 = 256 << 20;
const PEEK: usize = 64 << 10;
const UTF8_BOM: &[u8] = &[0xEF, 0xBB, 0xBF];
/// Most read errors listed per input; the rest are counted.
const MAX_ERRORS_LISTED: usize = 20;

/// What one input may cost, whatever its bytes claim. A file is untrusted:
/// a few hundred kilobytes of zstd can stand for terabytes of spaces, a
/// length prefix can claim 4 GiB. Past a limit the read reports an error
/// naming the place; what was read (and, for records, what follows) stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// The largest record held whole: a JSON line, a framed message, a
    /// protobuf ResourceSpans. A longer one is skipped and reported.
    pub max_record: u64,
    /// Decompressed bytes allowed per byte read from the input (0: no
    /// limit), counted over every layer; a read never fails below
    /// `inflation_floor`. Real trace exports compress 10-20 times.
    pub max_inflation: u64,
    pub inflation_floor: u64,
    /// Whether gzip/zstd layers are recognised by their magic bytes. The
    /// receiver turns this off: it decodes exactly what Content-Encoding
    /// says, and a body that is still compressed is unreadable.
    pub sniff_compression: bool,
}

impl ReadLimits {
    pub const DEFAULT_MAX_RECORD: u64 = 128 << 20;
    pub const DEFAULT_MAX_INFLATION: u64 = 200;
    pub const DEFAULT_INFLATION_FLOOR: u64 = 256 << 20;

    /// No bound on records or inflation (`--no-input-limits`), for a real
    /// file larger than the defaults allow.
    pub fn unlimited() -> Self {
        ReadLimits {
            max_record: u64::MAX,
            max_inflation: 0,
            ..ReadLimits::default()
        }
    }
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_record: Self::DEFAULT_MAX_RECORD,
            max_inflation: Self::DEFAULT_MAX_INFLATION,
            inflation_floor: Self::DEFAULT_INFLATION_FLOOR,
            sniff_compression: true,
        }
    }
}

/// Bytes read raw and bytes given out by decompression, for one input.
#[derive(Clone)]
struct InflationBudget {
    raw: Arc<AtomicU64>,
    out: Arc<AtomicU64>,
    limits: ReadLimits,
}

impl InflationBudget {
    /// Counts `n` more decompressed bytes; an error once past the limit.
    fn take(&self, n: usize) -> std::io::Result<()> {
        let out = self.out.fetch_add(n as u64, Ordering::Relaxed) + n as u64;
        let ratio = self.limits.max_inflation;
        if ratio == 0 {
            return Ok(());
        }
        let raw = self.raw.load(Ordering::Relaxed);
        let allowed = raw.saturating_mul(ratio).max(self.limits.inflation_floor);
        if out > allowed {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "decompresses to more than {allowed} bytes from {raw} compressed \
                     ({ratio} times the input): a decompression bomb? \
                     (--no-input-limits lifts the limit)"
                ),
            ));
        }
        Ok(())
    }
}

/// A decompressor's output, counted against the input's budget.
struct Inflating<R> {
    inner: R,
    budget: InflationBudget,
}

impl<R: Read> Read for Inflating<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.budget.take(n)?;
        Ok(n)
    }
}

#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Overrides sniffing of the data format (compression is still sniffed).
    pub format: Option<Format>,
    /// Bytes read from the raw input so far, for progress displays.
    pub progress: Option<Arc<AtomicU64>>,
    /// Set to stop reading; what was read stays in the store.
    pub cancel: Option<Arc<AtomicBool>>,
    /// Threads parsing OTLP/JSON Lines (default: the machine's cores, at
    /// most 8; 1 parses on the calling thread).
    pub json_threads: Option<usize>,
    /// Bytes of lines a JSON Lines worker takes at a time (default 4 MiB);
    /// inputs smaller than one chunk are parsed on the calling thread.
    pub json_chunk_bytes: Option<usize>,
    pub limits: ReadLimits,
}

/// What happened reading one input.
#[derive(Debug)]
pub struct ReadReport {
    pub source: String,
    pub format: Option<Format>,
    pub compression: Vec<Compression>,
    pub spans: u64,
    /// Log records and captured events read.
    pub logs: u64,
    /// The first error; the store still holds every span read before it (and,
    /// for line-oriented inputs, after it).
    pub error: Option<ReadError>,
    pub error_count: usize,
    pub cancelled: bool,
}

/// Counts raw bytes (for progress and the inflation budget) and checks for
/// cancellation.
struct Counting<R> {
    inner: R,
    raw: Arc<AtomicU64>,
    progress: Option<Arc<AtomicU64>>,
    cancel: Option<Arc<AtomicBool>>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self
            .cancel
            .as_ref()
            .is_some_and(|c| c.load(Ordering::Relaxed))
        {
            // Not `Interrupted`: std's `read_until`, `read_to_end` and
            // friends retry that kind, and would spin here for ever.
            return Err(std::io::Error::other("cancelled"));
        }
        let n = self.inner.read(buf)?;
        self.raw.fetch_add(n as u64, Ordering::Relaxed);
        if let Some(p) = &self.progress {
            p.fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok(n)
    }
}

/// Reads a file into the store. Never panics on bad input: problems are in the
/// report and in `store.warnings`.
pub fn read_path(path: &Path, store: &mut TraceStore, opts: &ReadOptions) -> ReadReport {
    let name = path.display().to_string();
    match std::fs::File::open(path) {
        Ok(f) => {
            let size = f.metadata().ok().map(|m| m.len());
            read_from(&name, f, size, store, opts)
        }
        Err(e) => {
            let err = ReadError::Io {
                file: name.clone(),
                source: e,
            };
            store
                .warnings
                .push(Warning::new(WarningKind::ReadError, err.to_string()));
            ReadReport {
                source: name,
                format: None,
                compression: Vec::new(),
                spans: 0,
                logs: 0,
                error: Some(err),
                error_count: 1,
                cancelled: false,
            }
        }
    }
}

/// Reads bytes already in memory (a received body, a spool file, rows made
/// into a document) into `store`, with the default options.
pub fn read_bytes(name: &str, bytes: &[u8], store: &mut TraceStore) -> ReadReport {
    read_from(
        name,
        bytes,
        Some(bytes.len() as u64),
        store,
        &ReadOptions::default(),
    )
}

/// Reads from any byte stream; `size` (when known) picks the JSON strategy.
pub fn read_from(
    name: &str,
    input: impl Read,
    size: Option<u64>,
    store: &mut TraceStore,
    opts: &ReadOptions,
) -> ReadReport {
    let source = store.add_source(name);
    if let Some(size) = size {
        // Room for the spans the file likely holds (a protobuf span is ~400
        // bytes, compressed less): the arenas then grow without copying.
        // Reserved pages that stay unused cost address space, not memory.
        store.reserve_spans((size / 256).min(1 << 26) as usize);
    }
    let budget = InflationBudget {
        raw: Arc::new(AtomicU64::new(0)),
        out: Arc::new(AtomicU64::new(0)),
        limits: opts.limits,
    };
    let counting = Counting {
        inner: input,
        raw: budget.raw.clone(),
        progress: opts.progress.clone(),
        cancel: opts.cancel.clone(),
    };
    let mut ctx = Ctx::new(store, source);
    ctx.max_record = opts.limits.max_record;
    let mut report = ReadReport {
        source: name.to_string(),
        format: None,
        compression: Vec::new(),
        spans: 0,
        logs: 0,
        error: None,
        error_count: 0,
        cancelled: false,
    };
    let mut errors = Errors::default();
    let mut layers = Layers {
        name,
        opts,
        budget,
        report: &mut report,
        errors: &mut errors,
    };
    if let Err(e) = layers.read(Box::new(counting), size, &mut ctx, 0) {
        errors.push(e);
    }
    report.spans = ctx.spans_read;
    report.logs = ctx.logs_read;
    if ctx.other_signals > 0 {
        let n = ctx.other_signals;
        ctx.store.warnings.push(Warning::new(
            WarningKind::Lenient,
            format!(
                "{name}: {n} {} of metrics or profiles not read (Tracelens reads traces and logs)",
                if n == 1 { "object" } else { "objects" }
            ),
        ));
    }
    for message in std::mem::take(&mut ctx.skipped) {
        errors.push(ReadError::Skipped {
            file: name.to_string(),
            message,
        });
    }
    let len = std::mem::take(&mut ctx.len);
    drop(ctx);
    len.report(store, name);
    report.cancelled = opts
        .cancel
        .as_ref()
        .is_some_and(|c| c.load(Ordering::Relaxed));
    report.error_count = errors.count;
    for e in &errors.listed {
        store
            .warnings
            .push(Warning::new(WarningKind::ReadError, e.to_string()));
    }
    if errors.count > errors.listed.len() {
        store.warnings.push(Warning::new(
            WarningKind::ReadError,
            format!(
                "{name}: {} more read errors not listed",
                errors.count - errors.listed.len()
            ),
        ));
    }
    report.error = errors.listed.into_iter().next();
    // An input that yields nothing is said so, whatever else happened: a
    // silent "no traces" is how data goes missing unnoticed.
    if report.spans == 0 && report.logs == 0 && !report.cancelled {
        let what = match (report.format, &report.error) {
            (_, Some(_)) => "nothing could be read".to_string(),
            (Some(f), None) => format!(
                "read as {} but it holds no spans or log records",
                f.as_str()
            ),
            (None, None) => "it holds no spans or log records".to_string(),
        };
        store
            .warnings
            .push(Warning::new(WarningKind::Empty, format!("{name}: {what}")));
    }
    report
}

#[derive(Default)]
struct Errors {
    listed: Vec<ReadError>,
    count: usize,
}

impl Errors {
    fn push(&mut self, e: ReadError) {
        self.count += 1;
        if self.listed.len() < MAX_ERRORS_LISTED {
            self.listed.push(e);
        }
    }
}

/// A reader that yields a peeked prefix, then the rest of the input.
type Replay<R> = std::io::Chain<Cursor<Vec<u8>>, R>;

/// Reads up to `n` bytes without losing them: returns the prefix and a reader
/// that yields the prefix followed by the rest.
fn peek<R: Read>(mut r: R, n: usize) -> std::io::Result<(Vec<u8>, Replay<R>)> {
    let mut buf = vec![0u8; n];
    let mut got = 0;
    while got < n {
        match r.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(k) => got += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    buf.truncate(got);
    let prefix = buf.clone();
    Ok((prefix, Cursor::new(buf).chain(r)))
}

/// One input's way through its compression layers to a reader.
struct Layers<'a> {
    name: &'a str,
    opts: &'a ReadOptions,
    budget: InflationBudget,
    report: &'a mut ReadReport,
    errors: &'a mut Errors,
}

impl Layers<'_> {
    /// The reader for `format`, with this input's options and budget.
    fn dispatch(
        &mut self,
        format: Format,
        prefix: &[u8],
        reader: impl Read,
        size: Option<u64>,
        ctx: &mut Ctx<'_>,
    ) -> Result<(), ReadError> {
        dispatch(
            self.name,
            format,
            prefix,
            reader,
            size,
            ctx,
            self.opts,
            self.errors,
            &self.budget,
        )
    }

    fn read(
        &mut self,
        input: Box<dyn Read + '_>,
        size: Option<u64>,
        ctx: &mut Ctx<'_>,
        depth: u32,
    ) -> Result<(), ReadError> {
        let name = self.name;
        let io = |e: std::io::Error| ReadError::Io {
            file: name.to_string(),
            source: e,
        };
        let (prefix, reader) = peek(input, PEEK).map_err(io)?;
        let mut layer = sniff(&prefix);
        if !self.opts.limits.sniff_compression && matches!(layer, Layer::Compressed(_)) {
            layer = Layer::Unknown;
        }
        let format = self.opts.format;
        match layer {
            Layer::Compressed(c) if depth < 3 => {
                self.report.compression.push(c);
                let inner: Box<dyn Read> = match c {
                    Compression::Zstd => {
                        Box::new(zstd::stream::read::Decoder::new(reader).map_err(io)?)
                    }
                    Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(reader)),
                    Compression::None => Box::new(reader),
                };
                let inner = Box::new(Inflating {
                    inner,
                    budget: self.budget.clone(),
                });
                self.read(inner, None, ctx, depth + 1)
            }
            Layer::Compressed(_) => Err(ReadError::UnknownFormat {
                file: name.to_string(),
                detail: "compressed more than three times over".into(),
            }),
            Layer::Data(f) => {
                let f = format.unwrap_or(f);
                self.report.format = Some(f);
                // A UTF-8 byte order mark (Windows editors write one) is
                // not JSON: step over it.
                let (prefix, reader, size) = match prefix.strip_prefix(UTF8_BOM) {
                    Some(rest) if f != Format::OtlpProto => {
                        let mut reader = reader;
                        let mut bom = [0u8; 3];
                        reader.read_exact(&mut bom).map_err(io)?;
                        (rest.to_vec(), reader, size.map(|s| s.saturating_sub(3)))
                    }
                    _ => (prefix, reader, size),
                };
                self.dispatch(f, &prefix, reader, size, ctx)
            }
            Layer::Unknown => match format {
                Some(f) => {
                    self.report.format = Some(f);
                    self.dispatch(f, &prefix, reader, size, ctx)
                }
                None => Err(ReadError::UnknownFormat {
                    file: name.to_string(),
                    detail: format!("starts with bytes {:02x?}", &prefix[..prefix.len().min(8)]),
                }),
            },
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn dispatch(
    name: &str,
    format: Format,
    prefix: &[u8],
    reader: impl Read,
    size: Option<u64>,
    ctx: &mut Ctx<'_>,
    opts: &ReadOptions,
    errors: &mut Errors,
    budget: &InflationBudget,
) -> Result<(), ReadError> {
    match format {
        Format::OtlpJson => {
            if is_json_lines(prefix) {
                json_lines(
                    name,
                    reader,
                    ctx,
                    opts,
                    errors,
                    crate::otlp_json::read_json_bytes,
                )
            } else {
                read_json_document(name, reader, size, ctx)
            }
        }
        Format::LogLines => {
            // Log files are lines; a pretty-printed record (one object
            // over many lines) is read whole, bounded like a record.
            if is_json_lines(prefix) {
                json_lines(name, reader, ctx, opts, errors, crate::applog::read_line)
            } else {
                let mut bytes = Vec::new();
                reader
                    .take(ctx.max_record)
                    .read_to_end(&mut bytes)
                    .map_err(|e| ReadError::Io {
                        file: name.to_string(),
                        source: e,
                    })?;
                crate::applog::read_document(ctx, &bytes)
                    .map_err(|e| crate::jsonval::error(name, &e))
            }
        }
        Format::OtlpProto => {
            let mut r = BufReader::with_capacity(1 << 20, reader);
            otlp_proto::read_message(ctx, &mut r, name, 0)
        }
        Format::OtlpFramed => read_framed(name, reader, ctx, errors, budget),
        Format::Jaeger | Format::Zipkin => {
            // A file of known size is parsed from memory (fastest); a
            // decompressed stream, whose size only its bytes know, is
            // parsed as it comes, so it never has to fit in memory.
            let res = match size {
                Some(s) if s <= IN_MEMORY_DOC_MAX => {
                    let bytes = read_all(name, reader, s)?;
                    let mut de = serde_json::Deserializer::from_slice(&bytes);
                    read_document(format, ctx, &mut de)
                }
                _ => {
                    let r = BufReader::with_capacity(1 << 20, reader);
                    let mut de = serde_json::Deserializer::from_reader(r);
                    read_document(format, ctx, &mut de)
                }
            };
            res.map_err(|e| crate::jsonval::error(name, &e))
        }
    }
}

/// JSON Lines, each line read by `read_line`, on the threads and in the
/// chunks the options say.
fn json_lines(
    name: &str,
    reader: impl Read,
    ctx: &mut Ctx<'_>,
    opts: &ReadOptions,
    errors: &mut Errors,
    read_line: crate::jsonl::LineReader,
) -> Result<(), ReadError> {
    let threads = opts
        .json_threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get().min(8)));
    let chunk = opts
        .json_chunk_bytes
        .unwrap_or(crate::jsonl::DEFAULT_CHUNK_BYTES);
    let max_line = usize::try_from(ctx.max_record).unwrap_or(usize::MAX);
    crate::jsonl::read(
        name,
        reader,
        ctx,
        read_line,
        chunk,
        threads,
        max_line,
        |e| errors.push(e),
    )
}

/// A Jaeger or Zipkin document, however it is held.
fn read_document<'de, R: serde_json::de::Read<'de>>(
    format: Format,
    ctx: &mut Ctx<'_>,
    de: &mut serde_json::Deserializer<R>,
) -> Result<(), serde_json::Error> {
    if format == Format::Jaeger {
        jaeger::read(ctx, &mut *de)?;
    } else {
        zipkin::read(ctx, &mut *de)?;
    }
    de.end()
}

/// Reads a file of `size` bytes whole (a file that grew meanwhile is cut
/// there: the size decided that it fits in memory).
fn read_all(name: &str, r: impl Read, size: u64) -> Result<Vec<u8>, ReadError> {
    let mut v = Vec::with_capacity(size as usize);
    r.take(size)
        .read_to_end(&mut v)
        .map_err(|e| ReadError::Io {
            file: name.to_string(),
            source: e,
        })?;
    Ok(v)
}

/// JSON Lines unless the first line is the start of a multi-line document.
fn is_json_lines(prefix: &[u8]) -> bool {
    let Some(nl) = prefix.iter().position(|&b| b == b'\n') else {
        return true;
    };
    let first = &prefix[..nl];
    if first.iter().all(|b| b.is_ascii_whitespace()) {
        // A blank first line: look at the first non-blank one.
        let rest = &prefix[nl + 1..];
        return rest.iter().all(|b| b.is_ascii_whitespace()) || is_json_lines(rest);
    }
    match serde_json::from_slice::<serde::de::IgnoredAny>(first) {
        Ok(_) => true,
        Err(e) => !e.is_eof(),
    }
}

fn read_json_document(
    name: &str,
    mut reader: impl Read,
    size: Option<u64>,
    ctx: &mut Ctx<'_>,
) -> Result<(), ReadError> {
    let res = match size {
        Some(s) if s <= IN_MEMORY_DOC_MAX => {
            let mut buf = Vec::with_capacity(s as usize);
            reader.read_to_end(&mut buf).map_err(|e| ReadError::Io {
                file: name.to_string(),
                source: e,
            })?;
            crate::otlp_json::read_json_bytes(ctx, &buf)
        }
        _ => {
            let mut de =
                serde_json::Deserializer::from_reader(BufReader::with_capacity(1 << 20, reader));
            read_traces_data(ctx, &mut de).and_then(|_| de.end())
        }
    };
    res.map_err(|e| {
        if e.is_io() {
            ReadError::corrupt(
                name,
                Position::Line {
                    line: e.line() as u64,
                    column: e.column() as u64,
                },
                format!("read failed: {e}"),
            )
        } else {
            crate::jsonval::error(name, &e)
        }
    })
}

impl InflationBudget {
    fn is_over(&self) -> bool {
        self.take(0).is_err()
    }
}

/// Why a framed message's zstd frame gave nothing to read.
enum Inflate {
    Bad(std::io::Error),
    /// Past the limit for one message: skipped, the rest read.
    TooLarge,
    /// Past the input's whole budget: nothing after it is read.
    OverBudget(std::io::Error),
}

/// A framed message's own zstd frame, inflated to at most `max` bytes and
/// within the input's budget.
fn inflate_message(payload: &[u8], max: u64, budget: &InflationBudget) -> Result<Vec<u8>, Inflate> {
    let decoder = Inflating {
        inner: zstd::stream::read::Decoder::new(payload).map_err(Inflate::Bad)?,
        budget: budget.clone(),
    };
    let mut out = Vec::new();
    if let Err(e) = decoder.take(max.saturating_add(1)).read_to_end(&mut out) {
        return Err(if budget.is_over() {
            Inflate::OverBudget(e)
        } else {
            Inflate::Bad(e)
        });
    }
    if out.len() as u64 > max {
        return Err(Inflate::TooLarge);
    }
    Ok(out)
}

/// The Collector file exporter's framing: 4-byte big-endian length, message.
/// A message may be its own zstd frame (legacy layout) and may hold protobuf
/// or JSON. A corrupt message is reported and skipped; a broken frame ends it.
fn read_framed(
    name: &str,
    reader: impl Read,
    ctx: &mut Ctx<'_>,
    errors: &mut Errors,
    budget: &InflationBudget,
) -> Result<(), ReadError> {
    let mut r = BufReader::with_capacity(1 << 20, reader);
    let mut off = 0u64;
    let mut msg_no = 0u64;
    let mut payload = Vec::new();
    loop {
        let mut len_buf = [0u8; 4];
        let mut got = 0;
        while got < 4 {
            match r.read(&mut len_buf[got..]) {
                Ok(0) => break,
                Ok(k) => got += k,
                Err(e) => return Err(ReadError::corrupt(name, Position::Byte(off), e.to_string())),
            }
        }
        if got == 0 {
            return Ok(());
        }
        if got < 4 {
            return Err(ReadError::corrupt(
                name,
                Position::Byte(off),
                "input ends inside a message length (truncated?)",
            ));
        }
        msg_no += 1;
        let len = u64::from(u32::from_be_bytes(len_buf));
        let msg_off = off + 4;
        // Too large to hold: step over it (reported below) and read on.
        let too_large = len > ctx.max_record;
        payload.clear();
        let got = if too_large {
            std::io::copy(&mut (&mut r).take(len), &mut std::io::sink())
        } else {
            // Reserve up to 64 MiB; a length that lies grows only with the data.
            payload.reserve(len.min(1 << 26) as usize);
            (&mut r)
                .take(len)
                .read_to_end(&mut payload)
                .map(|n| n as u64)
        };
        let n =
            got.map_err(|e| ReadError::corrupt(name, Position::Byte(msg_off), e.to_string()))?;
        off = msg_off + n;
        if n < len {
            return Err(ReadError::corrupt(
                name,
                Position::Byte(msg_off),
                format!("message {msg_no} is cut short: {n} of {len} bytes (truncated?)"),
            ));
        }
        if too_large {
            errors.push(ReadError::corrupt(
                name,
                Position::Byte(msg_off),
                format!(
                    "message {msg_no} is {len} bytes, over the limit of {} for one message; \
                     skipped, the messages after it were read",
                    ctx.max_record
                ),
            ));
            continue;
        }
        let mut inflated = None;
        if payload.starts_with(&ZSTD_MAGIC) {
            match inflate_message(payload.as_slice(), ctx.max_record, budget) {
                Ok(p) => inflated = Some(p),
                Err(Inflate::OverBudget(e)) => {
                    return Err(ReadError::corrupt(
                        name,
                        Position::Byte(msg_off),
                        format!("message {msg_no}: {e}"),
                    ));
                }
                Err(Inflate::TooLarge) => {
                    errors.push(ReadError::corrupt(
                        name,
                        Position::Byte(msg_off),
                        format!(
                            "message {msg_no} inflates to over the limit of {} bytes for one \
                             message; skipped, the messages after it were read",
                            ctx.max_record
                        ),
                    ));
                    continue;
                }
                Err(Inflate::Bad(e)) => {
                    errors.push(ReadError::corrupt(
                        name,
                        Position::Byte(msg_off),
                        format!("message {msg_no}: bad zstd frame: {e}"),
                    ));
                    continue;
                }
            }
        }
        let msg = inflated.as_deref().unwrap_or(&payload);
        let first = msg.iter().find(|b| !b.is_ascii_whitespace()).copied();
        let res = if first == Some(b'{') {
            let mut de = serde_json::Deserializer::from_slice(msg);
            read_traces_data(ctx, &mut de)
                .and_then(|_| de.end())
                .map_err(|e| {
                    ReadError::corrupt(
                        name,
                        Position::Byte(msg_off),
                        format!("message {msg_no}: {e}"),
                    )
                })
        } else {
            crate::otlp_proto::wire::traces_data(ctx, msg).map_err(|e| {
                ReadError::corrupt(
                    name,
                    Position::Byte(msg_off + e.offset as u64),
                    format!("message {msg_no}: {}", e.message),
                )
            })
        };
        if let Err(e) = res {
            errors.push(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_lines_detection() {
        assert!(is_json_lines(
            b"{\"resourceSpans\":[]}\n{\"resourceSpans\":[]}\n"
        ));
        assert!(!is_json_lines(b"{\n  \"resourceSpans\": [\n"));
        assert!(is_json_lines(b"{\"resourceSpans\":[]}"));
        assert!(!is_json_lines(b"\n{\n \"resourceSpans\": []\n}\n"));
    }
}
