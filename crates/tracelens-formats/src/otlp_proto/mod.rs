//! OTLP protobuf: one ExportTraceServiceRequest / TracesData message (or
//! ExportLogsServiceRequest / LogsData), read field by field from a stream
//! so a large message is never held whole; each ResourceSpans is decoded
//! straight into the store (`wire`), each ResourceLogs by the generated
//! types (`logs`), then its bytes are dropped.

use crate::ctx::Ctx;
use crate::error::{Position, ReadError};

mod logs;
pub(crate) mod wire;
use std::io::Read;

/// Reads a varint; `Ok(None)` at a clean end of input.
fn read_varint(r: &mut impl Read, offset: &mut u64) -> std::io::Result<Option<u64>> {
    let mut v: u64 = 0;
    for i in 0..10 {
        let mut b = [0u8; 1];
        let n = r.read(&mut b)?;
        if n == 0 {
            if i == 0 {
                return Ok(None);
            }
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "input ends inside a varint",
            ));
        }
        *offset += 1;
        v |= u64::from(b[0] & 0x7F) << (7 * i);
        if b[0] & 0x80 == 0 {
            return Ok(Some(v));
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::InvalidData,
        "varint longer than 10 bytes",
    ))
}

/// Reads `len` bytes into `buf` (cleared first, its capacity reused).
fn read_exact_len(
    r: &mut impl Read,
    len: u64,
    offset: &mut u64,
    buf: &mut Vec<u8>,
) -> std::io::Result<()> {
    buf.clear();
    // Reserve up to 64 MiB up front; past that, `take` + `read_to_end` grows
    // with the data actually present, so a length that lies costs no more
    // memory than the input has.
    buf.reserve(len.min(1 << 26) as usize);
    let got = r.take(len).read_to_end(buf)? as u64;
    *offset += got;
    if got < len {
        return Err(std::io::Error::new(
            std::io::ErrorKind::UnexpectedEof,
            format!("input ends {} bytes into a {len}-byte field", got),
        ));
    }
    Ok(())
}

/// Reads the fields of one top-level message from `r` until it ends.
/// `base` is the byte offset of `r`'s start in the input, for error positions.
pub fn read_message(
    ctx: &mut Ctx<'_>,
    r: &mut impl Read,
    file: &str,
    base: u64,
) -> Result<(), ReadError> {
    let mut off = 0u64;
    let mut buf = Vec::new();
    let err = |off: u64, msg: String| ReadError::corrupt(file, Position::Byte(base + off), msg);
    loop {
        let field_start = off;
        let tag = match read_varint(r, &mut off) {
            Ok(Some(t)) => t,
            Ok(None) => return Ok(()),
            Err(e) => return Err(err(field_start, e.to_string())),
        };
        let (field, wire) = (tag >> 3, tag & 7);
        match wire {
            0 => {
                read_varint(r, &mut off)
                    .map_err(|e| err(field_start, e.to_string()))?
                    .ok_or_else(|| err(field_start, "input ends inside a field".into()))?;
            }
            1 | 5 => {
                let n = if wire == 1 { 8 } else { 4 };
                read_exact_len(r, n, &mut off, &mut buf)
                    .map_err(|e| err(field_start, e.to_string()))?;
            }
            2 => {
                let len = read_varint(r, &mut off)
                    .map_err(|e| err(field_start, e.to_string()))?
                    .ok_or_else(|| err(field_start, "input ends inside a field".into()))?;
                // A hostile length must not make a 4 GiB buffer.
                if len > ctx.max_record {
                    return Err(err(
                        field_start,
                        format!(
                            "field of {len} bytes is over the limit of {} for one record",
                            ctx.max_record
                        ),
                    ));
                }
                read_exact_len(r, len, &mut off, &mut buf)
                    .map_err(|e| err(field_start, e.to_string()))?;
                if field == 1 && logs::is_resource_logs(&buf) {
                    let body = off - len;
                    logs::resource_logs(ctx, &buf)
                        .map_err(|e| err(body, format!("bad ResourceLogs: {e}")))?;
                } else if field == 1 {
                    let body = off - len;
                    wire::resource_spans(ctx, &buf).map_err(|e| {
                        err(
                            body + e.offset as u64,
                            format!("bad ResourceSpans: {}", e.message),
                        )
                    })?;
                }
            }
            _ => {
                return Err(err(
                    field_start,
                    format!("not OTLP protobuf (field {field} with wire type {wire})"),
                ))
            }
        }
    }
}
