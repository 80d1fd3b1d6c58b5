//! Trace and span identifiers.
//!
//! Ids are stored as integers rather than strings: a `u128` trace id and a `u64`
//! span id cost 24 bytes a span, compare in one instruction, and hash cheaply.
//! The all-zero value is OpenTelemetry's "invalid" id and stands for "absent".

use std::fmt;

/// A 16-byte trace id. `TraceId(0)` is the invalid (absent) id.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct TraceId(pub u128);

/// An 8-byte span id. `SpanId(0)` is the invalid (absent) id.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct SpanId(pub u64);

/// Why an id could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("id has {0} hex digits, expected at most {1}")]
    TooLong(usize, usize),
    #[error("id contains a non-hex character")]
    NotHex,
    #[error("id has {0} bytes, expected {1}")]
    WrongByteLength(usize, usize),
}

fn hex_digit(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Parses up to `max_digits` hex digits (any case) into an integer. Shorter ids
/// are left-padded, as Jaeger and Zipkin 64-bit trace ids need.
fn parse_hex_u128(s: &str, max_digits: usize) -> Result<u128, IdError> {
    let bytes = s.as_bytes();
    if bytes.len() > max_digits {
        return Err(IdError::TooLong(bytes.len(), max_digits));
    }
    let mut v: u128 = 0;
    for &b in bytes {
        let d = hex_digit(b).ok_or(IdError::NotHex)?;
        v = (v << 4) | u128::from(d);
    }
    Ok(v)
}

impl TraceId {
    /// Parses 1..=32 hex digits, any case; shorter ids are left-padded with zeros.
    pub fn from_hex(s: &str) -> Result<Self, IdError> {
        parse_hex_u128(s, 32).map(TraceId)
    }

    /// From the 16 raw bytes of OTLP protobuf (big-endian, as the hex form reads).
    pub fn from_bytes(b: &[u8]) -> Result<Self, IdError> {
        match b.len() {
            0 => Ok(TraceId(0)),
            16 => {
                let mut a = [0u8; 16];
                a.copy_from_slice(b);
                Ok(TraceId(u128::from_be_bytes(a)))
            }
            8 => {
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                Ok(TraceId(u128::from(u64::from_be_bytes(a))))
            }
            n => Err(IdError::WrongByteLength(n, 16)),
        }
    }

    pub fn to_bytes(self) -> [u8; 16] {
        self.0.to_be_bytes()
    }

    pub fn is_valid(self) -> bool {
        self.0 != 0
    }
}

impl SpanId {
    /// Parses 1..=16 hex digits, any case.
    pub fn from_hex(s: &str) -> Result<Self, IdError> {
        parse_hex_u128(s, 16).map(|v| SpanId(v as u64))
    }

    pub fn from_bytes(b: &[u8]) -> Result<Self, IdError> {
        match b.len() {
            0 => Ok(SpanId(0)),
            8 => {
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                Ok(SpanId(u64::from_be_bytes(a)))
            }
            n => Err(IdError::WrongByteLength(n, 8)),
        }
    }

    pub fn to_bytes(self) -> [u8; 8] {
        self.0.to_be_bytes()
    }

    pub fn is_valid(self) -> bool {
        self.0 != 0
    }
}

impl fmt::Display for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:032x}", self.0)
    }
}
impl fmt::Debug for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TraceId({self})")
    }
}
impl fmt::Display for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}
impl fmt::Debug for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SpanId({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trip_any_case() {
        let t = TraceId::from_hex("5B8EFFF798038103D269B633813FC60C").unwrap();
        assert_eq!(t.to_string(), "5b8efff798038103d269b633813fc60c");
        let s = SpanId::from_hex("EEE19B7EC3C1B174").unwrap();
        assert_eq!(s.to_string(), "eee19b7ec3c1b174");
        assert_eq!(TraceId::from_bytes(&t.to_bytes()).unwrap(), t);
    }

    #[test]
    fn short_trace_ids_are_left_padded() {
        let t = TraceId::from_hex("d269b633813fc60c").unwrap();
        assert_eq!(t.to_string(), "0000000000000000d269b633813fc60c");
    }

    #[test]
    fn rejects_bad_ids() {
        assert_eq!(SpanId::from_hex("xyz"), Err(IdError::NotHex));
        assert!(SpanId::from_hex("00000000000000001").is_err());
        assert!(TraceId::from_bytes(&[1, 2, 3]).is_err());
    }
}
