//! Recognising an input by its content, never its name.

/// The trace formats Tracelens reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// OTLP/JSON: one document or JSON Lines of TracesData.
    OtlpJson,
    /// OTLP protobuf: one ExportTraceServiceRequest/TracesData message.
    OtlpProto,
    /// The Collector file exporter's 4-byte big-endian length-prefixed messages
    /// (protobuf, or JSON; each optionally its own zstd frame).
    OtlpFramed,
    Jaeger,
    Zipkin,
    /// Application logs or captured lifecycle events as JSON Lines.
    LogLines,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::OtlpJson => "otlp-json",
            Format::OtlpProto => "otlp-proto",
            Format::OtlpFramed => "otlp-framed",
            Format::Jaeger => "jaeger",
            Format::Zipkin => "zipkin",
            Format::LogLines => "json-logs",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "otlp-json" | "otlp" | "json" | "jsonl" => Format::OtlpJson,
            "otlp-proto" | "proto" | "protobuf" => Format::OtlpProto,
            "otlp-framed" | "framed" => Format::OtlpFramed,
            "jaeger" => Format::Jaeger,
            "zipkin" => Format::Zipkin,
            "json-logs" | "logs" | "log-lines" => Format::LogLines,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

pub const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];
pub const GZIP_MAGIC: [u8; 2] = [0x1F, 0x8B];

/// What the first bytes say about the outer layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    Compressed(Compression),
    Data(Format),
    Unknown,
}

fn skip_ws(b: &[u8]) -> &[u8] {
    let b = b.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(b);
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    &b[start..]
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// Classifies a prefix of the input (a few KB is plenty).
pub fn sniff(prefix: &[u8]) -> Layer {
    if prefix.starts_with(&ZSTD_MAGIC) {
        return Layer::Compressed(Compression::Zstd);
    }
    if prefix.starts_with(&GZIP_MAGIC) {
        return Layer::Compressed(Compression::Gzip);
    }
    if prefix.len() >= 8 && prefix[4..8] == ZSTD_MAGIC {
        return Layer::Data(Format::OtlpFramed);
    }
    let t = skip_ws(prefix);
    match t.first() {
        Some(b'{') | Some(b'[') => return Layer::Data(sniff_json(t)),
        None => return Layer::Data(Format::OtlpJson),
        _ => {}
    }
    // 0x0A is a newline to JSON but field 1 (resource_spans) to protobuf:
    // only now, with JSON ruled out, is it protobuf.
    match prefix.first() {
        Some(0x0A) => Layer::Data(Format::OtlpProto),
        Some(0x00) if prefix.len() >= 5 && (prefix[4] == 0x0A || prefix[4] == b'{') => {
            Layer::Data(Format::OtlpFramed)
        }
        _ => Layer::Unknown,
    }
}

/// Whether `t` is an object whose first key is `key` (quoted): Jaeger's
/// API answers `{"data": [...]}`, empty when no trace matched.
fn first_key_is(t: &[u8], key: &[u8]) -> bool {
    t.strip_prefix(b"{")
        .is_some_and(|rest| skip_ws(rest).starts_with(key))
}

fn sniff_json(t: &[u8]) -> Format {
    let first_line = &t[..memchr::memchr(b'\n', t).unwrap_or(t.len())];
    if contains(t, b"\"resourceSpans\"")
        || contains(t, b"\"resource_spans\"")
        || contains(t, b"\"resourceLogs\"")
        || contains(t, b"\"resource_logs\"")
    {
        Format::OtlpJson
    } else if crate::applog::is_log_line(first_line) {
        Format::LogLines
    } else if contains(t, b"\"traceID\"")
        || contains(t, b"\"operationName\"")
        || contains(t, b"\"spanID\"")
        || first_key_is(t, b"\"data\"")
    {
        Format::Jaeger
    } else if contains(t, b"\"traceId\"")
        && (t.first() == Some(&b'[') || (contains(t, b"\"id\"") && !contains(t, b"\"spanId\"")))
    {
        // A list of Zipkin spans, or one span object (Zipkin has "id"
        // where OTLP has "spanId").
        Format::Zipkin
    } else {
        Format::OtlpJson
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_layers() {
        assert_eq!(
            sniff(&[0x28, 0xB5, 0x2F, 0xFD, 0]),
            Layer::Compressed(Compression::Zstd)
        );
        assert_eq!(
            sniff(&[0x1F, 0x8B, 8]),
            Layer::Compressed(Compression::Gzip)
        );
        assert_eq!(
            sniff(b"  {\"resourceSpans\":[]}"),
            Layer::Data(Format::OtlpJson)
        );
        assert_eq!(
            sniff(b"{\"data\":[{\"traceID\":\"a\"}]}"),
            Layer::Data(Format::Jaeger)
        );
        assert_eq!(
            sniff(b"[{\"traceId\":\"a\",\"id\":\"b\"}]"),
            Layer::Data(Format::Zipkin)
        );
        assert_eq!(sniff(&[0x0A, 0x10]), Layer::Data(Format::OtlpProto));
        assert_eq!(
            sniff(&[0, 0, 0, 9, 0x0A, 1]),
            Layer::Data(Format::OtlpFramed)
        );
        assert_eq!(
            sniff(&[0, 0, 0, 9, 0x28, 0xB5, 0x2F, 0xFD]),
            Layer::Data(Format::OtlpFramed)
        );
        assert_eq!(sniff(b"hello"), Layer::Unknown);
        assert_eq!(
            sniff(b"{\"resourceLogs\":[]}"),
            Layer::Data(Format::OtlpJson)
        );
        for line in [
            &b"{\"level\":\"info\",\"msg\":\"hi\",\"trace_id\":\"ab\"}\n{}"[..],
            b"{\"event\":\"agent_started\",\"run_id\":\"r1\",\"ts\":1}",
            b"{\"@t\":\"2024-01-01T00:00:00Z\",\"@m\":\"hi\"}",
        ] {
            assert_eq!(sniff(line), Layer::Data(Format::LogLines));
        }
        // A Zipkin span has a timestamp too, but it is a span.
        assert_eq!(
            sniff(b"{\"traceId\":\"a\",\"id\":\"b\",\"timestamp\":1,\"duration\":2}"),
            Layer::Data(Format::Zipkin)
        );
        assert_eq!(
            sniff(b"\n\n{\"resourceSpans\":[]}"),
            Layer::Data(Format::OtlpJson)
        );
        assert_eq!(sniff(&[0x0A, 0x0A, 0x12]), Layer::Data(Format::OtlpProto));
    }
}
