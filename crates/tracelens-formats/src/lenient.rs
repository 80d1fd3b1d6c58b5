//! Tally of spec deviations a lenient reader accepted, reported once per input.

use tracelens_model::{TraceStore, Warning, WarningKind};

#[derive(Debug, Default, Clone)]
pub struct Leniency {
    pub enum_names: u64,
    pub base64_ids: u64,
    pub snake_case_keys: u64,
    pub invalid_ids: u64,
    pub odd_values: u64,
    pub first_invalid_id: Option<String>,
    /// Lines of a log file that are not JSON (plain text), not read.
    pub plain_text_lines: u64,
    /// Log record times that could not be parsed (kept without a time).
    pub bad_times: u64,
}

impl Leniency {
    /// Adds the tallies of a part of the same input read elsewhere (a
    /// worker thread), which came after what this one saw.
    pub fn absorb(&mut self, o: Leniency) {
        self.enum_names += o.enum_names;
        self.base64_ids += o.base64_ids;
        self.snake_case_keys += o.snake_case_keys;
        self.invalid_ids += o.invalid_ids;
        self.odd_values += o.odd_values;
        self.plain_text_lines += o.plain_text_lines;
        self.bad_times += o.bad_times;
        if self.first_invalid_id.is_none() {
            self.first_invalid_id = o.first_invalid_id;
        }
    }

    /// Adds one warning per deviation seen, naming the input.
    pub fn report(&self, store: &mut TraceStore, source: &str) {
        let mut say = |kind, n: u64, what: &str| {
            if n > 0 {
                store
                    .warnings
                    .push(Warning::new(kind, format!("{source}: {what} ({n} times)")));
            }
        };
        say(
            WarningKind::Lenient,
            self.enum_names,
            "enum names instead of integers (e.g. \"SPAN_KIND_SERVER\"); accepted",
        );
        say(
            WarningKind::Lenient,
            self.base64_ids,
            "base64 trace/span ids instead of hex; accepted",
        );
        say(
            WarningKind::Lenient,
            self.snake_case_keys,
            "snake_case keys instead of lowerCamelCase (e.g. \"trace_id\"); accepted",
        );
        say(
            WarningKind::Lenient,
            self.odd_values,
            "values of an unexpected JSON type (e.g. a bool as a string); converted",
        );
        say(
            WarningKind::ReadError,
            self.plain_text_lines,
            "lines that are not JSON (plain text) in a JSON log file; not read",
        );
        say(
            WarningKind::Lenient,
            self.bad_times,
            "log record times that could not be parsed; kept, placed without a time",
        );
        if self.invalid_ids > 0 {
            let ex = self.first_invalid_id.clone().unwrap_or_default();
            say(
                WarningKind::InvalidId,
                self.invalid_ids,
                &format!("undecodable ids, first {ex:?}; kept as empty ids"),
            );
        }
    }
}

/// Decodes an id given as text: hex (any case, left-padded when short), or
/// base64 of the raw bytes as some producers send. `bytes` is 16 or 8.
pub fn decode_id_text(s: &str, bytes: usize, len: &mut Leniency) -> Option<u128> {
    use base64::Engine as _;
    let s = s.trim();
    if s.is_empty() {
        return Some(0);
    }
    let hex_len = bytes * 2;
    if s.len() <= hex_len {
        if let Some(v) = decode_hex(s.as_bytes()) {
            return Some(v);
        }
    }
    if let Ok(raw) = base64::engine::general_purpose::STANDARD.decode(s) {
        if raw.len() == bytes || (bytes == 16 && raw.len() == 8) {
            len.base64_ids += 1;
            let mut v: u128 = 0;
            for b in raw {
                v = (v << 8) | u128::from(b);
            }
            return Some(v);
        }
    }
    len.invalid_ids += 1;
    if len.first_invalid_id.is_none() {
        len.first_invalid_id = Some(s.chars().take(64).collect());
    }
    None
}

/// Hex digit values; 0xFF for anything else.
const HEX: [u8; 256] = {
    let mut t = [0xFFu8; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

/// Hex text (any case) to an integer in one pass; `None` on a non-hex byte.
pub(crate) fn decode_hex(b: &[u8]) -> Option<u128> {
    let mut v: u128 = 0;
    let mut bad = 0u8;
    for &c in b {
        let d = HEX[c as usize];
        bad |= d;
        v = (v << 4) | u128::from(d & 0x0F);
    }
    (bad & 0xF0 == 0).then_some(v)
}
