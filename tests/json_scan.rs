//! The OTLP/JSON fast scanner must read every line exactly as the general
//! (serde) reader does: the same spans, values, resources, scopes, warnings
//! and errors, on good input, lenient input and damaged input alike. Each
//! test reads the same bytes both ways and compares the stores by content.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use tracelens_tests::*;

/// Reads `bytes` both ways; panics with the difference if they disagree.
/// Returns the lines the scanner gave to the general reader.
fn both_ways(bytes: &[u8]) -> u64 {
    match tracelens_formats::testing::fast_and_general(bytes) {
        Ok(general) => general,
        Err(diff) => panic!("{diff}"),
    }
}

/// A JSON document made one line.
fn one_line(doc: &[u8]) -> Vec<u8> {
    let v: serde_json::Value = serde_json::from_slice(doc).unwrap();
    let mut out = serde_json::to_vec(&v).unwrap();
    out.push(b'\n');
    out
}

#[test]
fn generated_runs_take_the_fast_path_and_read_the_same() {
    let (_, bytes) = generated_jsonl(6, 80, 7);
    let store = jsonl_per_trace(&generated_jsonl(6, 80, 7).0);
    assert_eq!(
        both_ways(&bytes),
        0,
        "no generated line needs the general reader"
    );
    assert_eq!(both_ways(&store), 0);
}

#[test]
fn fixtures_read_the_same_both_ways() {
    for name in [
        "otlp-spec-example.json",
        "otlp-every-field.json",
        "hostile-markup.json",
    ] {
        let line = one_line(&std::fs::read(fixture(name)).unwrap());
        assert_eq!(both_ways(&line), 0, "{name} is plain OTLP/JSON");
    }
    // The lenient fixture: enum names and base64 ids are for the general
    // reader, and its warnings must be the same.
    let line = one_line(&std::fs::read(fixture("otlp-lenient.json")).unwrap());
    assert_eq!(both_ways(&line), 1);
    // As documents, as they are committed (all but the lenient one
    // pretty-printed).
    let mut pretty = 0;
    for (name, general) in [
        ("otlp-spec-example.json", 0),
        ("otlp-every-field.json", 0),
        ("hostile-markup.json", 0),
        ("otlp-lenient.json", 1),
    ] {
        let doc = std::fs::read(fixture(name)).unwrap();
        pretty += usize::from(doc.iter().filter(|&&b| b == b'\n').count() > 3);
        match tracelens_formats::testing::fast_and_general_document(&doc) {
            Ok(n) => assert_eq!(n, general, "{name}"),
            Err(diff) => panic!("{diff}"),
        }
    }
    assert_eq!(pretty, 3);
}

/// A line with one span whose fields are `fields` (a JSON object body).
fn span_line(fields: &str) -> String {
    format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"svc"}}}}]}},"scopeSpans":[{{"scope":{{"name":"s"}},"spans":[{{"traceId":"0102030405060708090a0b0c0d0e0f10","spanId":"0102030405060708",{fields}}}]}}]}}]}}"#
    )
}

fn attr_line(value: &str) -> String {
    span_line(&format!(
        r#""name":"n","attributes":[{{"key":"k","value":{value}}}]"#
    ))
}

#[test]
fn edge_cases_agree_and_the_plain_ones_stay_fast() {
    // (line, whether the fast scanner should take it)
    let cases: Vec<(String, bool)> = vec![
        (
            span_line(r#""name":"a\"b\\c\/d\n\u00e9\ud83d\ude00""#),
            true,
        ),
        (span_line(r#""name":"caf\u00e9 ✓ naïve""#), true),
        (span_line(r#""name":"x","kind":2,"flags":"257""#), true),
        (span_line(r#""name":"x","kind":-0"#), false),
        (span_line(r#""name":"x","kind":99"#), true),
        (span_line(r#""name":"x","kind":"SPAN_KIND_CLIENT""#), false),
        (
            span_line(r#""name":"x","startTimeUnixNano":18446744073709551615"#),
            true,
        ),
        (
            span_line(r#""name":"x","startTimeUnixNano":18446744073709551616"#),
            false,
        ),
        (
            span_line(r#""name":"x","startTimeUnixNano":"18446744073709551616""#),
            false,
        ),
        (span_line(r#""name":"x","startTimeUnixNano":1.5e3"#), false),
        (span_line(r#""name":"x","startTimeUnixNano":-5"#), false),
        (span_line(r#""name":"x","startTimeUnixNano":" 5""#), false),
        (span_line(r#""name":"x","startTimeUnixNano":"""#), false),
        (span_line(r#""name":"x","endTimeUnixNano":0"#), true),
        (span_line(r#""name":null"#), false),
        (span_line(r#""name":5"#), false),
        (
            span_line(r#""name":"x","parent_span_id":"0a0b0c0d0e0f0102""#),
            true,
        ),
        (
            span_line(r#""name":"x","parentSpanId":"AQIDBAUGBwg=""#),
            true,
        ),
        (span_line(r#""name":"x","parentSpanId":"zz""#), true),
        (span_line(r#""name":"x","parentSpanId":"""#), true),
        (
            span_line(r#""name":"x","status":{"code":2,"message":"boom"}"#),
            true,
        ),
        (
            span_line(r#""name":"x","status":{"code":"STATUS_CODE_ERROR"}"#),
            false,
        ),
        (span_line(r#""name":"x","status":null"#), false),
        (
            span_line(
                r#""name":"x","droppedAttributesCount":3,"extra":{"a":[1,-2.5e-3,true,null,"s\t"]}"#,
            ),
            true,
        ),
        (span_line(r#""name":"x","extra":[01]"#), false),
        (span_line(r#""name":"x","extra":"\x""#), false),
        (span_line(r#""name":"x","extra":"\ud800""#), false),
        (span_line(r#""name":"x","extra":"\udc00""#), false),
        (span_line(r#""name":"x","extra":1e999"#), true),
        (span_line(r#""name":"x",}"#), false),
        (span_line(r#""name":"x" , "kind" : 1 "#), true),
        (span_line(r#""name":"x","na\u006de":"y""#), false),
        (
            span_line(
                r#""name":"x","events":[{"timeUnixNano":"5","name":"agent_started","attributes":[{"key":"a","value":{"intValue":"-9223372036854775808"}}]}]"#,
            ),
            true,
        ),
        (
            span_line(
                r#""name":"x","links":[{"traceId":"0102","spanId":"03","attributes":[{"key":"opentracing.ref_type","value":{"stringValue":"follows_from"}}],"name":"skipped"}]"#,
            ),
            true,
        ),
        (attr_line(r#"{"intValue":9223372036854775808}"#), true),
        (attr_line(r#"{"intValue":-9223372036854775809}"#), false),
        (attr_line(r#"{"intValue":"9223372036854775808"}"#), false),
        (attr_line(r#"{"intValue":-0}"#), true),
        (attr_line(r#"{"intValue":"-0"}"#), true),
        (attr_line(r#"{"doubleValue":0.1}"#), true),
        (attr_line(r#"{"doubleValue":-0}"#), true),
        (attr_line(r#"{"doubleValue":17976931348623157e292}"#), true),
        (attr_line(r#"{"doubleValue":"NaN"}"#), false),
        (attr_line(r#"{"boolValue":true}"#), true),
        (attr_line(r#"{"boolValue":"true"}"#), false),
        (attr_line(r#"{"bytesValue":"AAEC/w=="}"#), true),
        (attr_line(r#"{"bytesValue":"not base64!"}"#), true),
        (
            attr_line(
                r#"{"arrayValue":{"values":[{"stringValue":"a"},{"intValue":1},{"arrayValue":{"values":[]}}]}}"#,
            ),
            true,
        ),
        (
            attr_line(
                r#"{"kvlistValue":{"values":[{"key":"x","value":{"boolValue":false}}],"values":[]}}"#,
            ),
            true,
        ),
        (attr_line(r#"{"arrayValue":[{"stringValue":"a"}]}"#), false),
        (
            attr_line(r#"{"stringValue":"a","intValue":3,"unknown":{}}"#),
            true,
        ),
        (attr_line(r#"{}"#), true),
        (attr_line(r#""bare""#), false),
        (
            attr_line(&format!(r#"{{"stringValue":"{}"}}"#, "long ".repeat(100))),
            true,
        ),
        // Not JSON Lines of TracesData at all, or broken.
        ("[]".into(), false),
        ("{}".into(), true),
        ("{} x".into(), false),
        (
            "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"name\":\"cut".into(),
            false,
        ),
        ("{\"resourceSpans\":[]}\r".into(), true),
        ("\u{feff}{}".into(), false),
    ];
    for (line, fast) in cases {
        let general = both_ways(format!("{line}\n").as_bytes());
        assert_eq!(
            general == 0,
            fast,
            "fast path taken or not as expected for {line}"
        );
    }
    // Invalid UTF-8 inside a string.
    let mut bad = span_line(r#""name":"ab""#).into_bytes();
    let at = bad.windows(2).position(|w| w == b"ab").unwrap();
    bad[at] = 0xff;
    bad.push(b'\n');
    assert_eq!(both_ways(&bad), 1);
}

#[test]
fn nesting_near_the_limit_agrees() {
    for depth in [1, 40, 80, 95, 96, 100, 120, 127, 128, 129, 200] {
        let open = "{\"arrayValue\":{\"values\":[".repeat(depth);
        let close = "]}}".repeat(depth);
        let line = attr_line(&format!("{open}{close}"));
        both_ways(line.as_bytes());
        let line = span_line(&format!(
            r#""name":"x","extra":{}{}"#,
            "[".repeat(depth),
            "]".repeat(depth)
        ));
        both_ways(line.as_bytes());
    }
}

#[test]
fn a_line_given_up_leaves_no_trace_of_the_attempt() {
    // The second line has a new resource and scope, spans, attributes and
    // events, then a lenient value at its very end: all of it must be read
    // once, by the general reader, between two fast lines.
    let (_, good) = generated_jsonl(1, 10, 3);
    let good = String::from_utf8(good).unwrap();
    let good = good.lines().next().unwrap();
    let at = good.rfind(r#""kind":1"#).unwrap();
    let odd = format!(
        "{}{}{}",
        &good[..at],
        r#""kind":"SPAN_KIND_INTERNAL""#,
        &good[at + r#""kind":1"#.len()..]
    );
    assert!(
        at > good.len() / 2,
        "the last span's kind is late in the line"
    );
    let odd = odd.replace("netra-backend", "another-service");
    let input = format!("{good}\n{odd}\n{good}\n");
    assert_eq!(both_ways(input.as_bytes()), 1);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn damaged_lines_read_the_same_both_ways(
        edits in prop::collection::vec((0usize..100_000, any::<u8>(), 0u8..3), 1..4),
    ) {
        let (store, _) = generated_jsonl(2, 8, 5);
        let mut b = jsonl_per_trace(&store);
        for (pos, val, op) in edits {
            let i = pos % b.len();
            match op {
                0 => b[i] = val,
                1 => b.insert(i, val),
                _ => {
                    b.remove(i);
                }
            }
        }
        both_ways(&b);
    }

    #[test]
    fn json_like_tokens_read_the_same_both_ways(
        picks in prop::collection::vec(0usize..24, 1..12),
        at in 0usize..100_000,
    ) {
        // Splices of JSON-ish tokens into a real line: the spots where a
        // hand-written scanner and serde_json could disagree.
        const TOKENS: [&str; 24] = [
            "\"", "\\", "\\u00", "\\ud83d", "\\n", ",", ":", "{", "}", "[", "]", "-", "0",
            "1e5", ".5", "null", "true", "\"kind\":", "\"intValue\":", "\"x\"", " ", "\u{e9}",
            "\"values\":", "\"spans\":[",
        ];
        let (store, _) = generated_jsonl(1, 6, 9);
        let mut b = jsonl_per_trace(&store);
        let i = at % b.len();
        let insert: String = picks.iter().map(|&p| TOKENS[p]).collect();
        b.splice(i..i, insert.bytes());
        both_ways(&b);
    }
}
