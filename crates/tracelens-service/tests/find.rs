//! The in-trace search reads words and terms, not fragments of hex ids.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use tracelens_service::{find_in_trace, load_bytes, LoadOptions};

/// One trace: an agent, an LLM call whose span id holds the letters
/// d-e-a-d, a tool with a user id and a note, a failed tool.
fn trace() -> tracelens_model::Dataset {
    let span = |id: &str,
                parent: &str,
                name: &str,
                start: u64,
                end: u64,
                attrs: &str,
                status: u8| {
        format!(
            r#"{{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"{id}","parentSpanId":"{parent}","name":"{name}","kind":1,"startTimeUnixNano":"{start}","endTimeUnixNano":"{end}","attributes":[{attrs}],"status":{{"code":{status}}}}}"#
        )
    };
    let kv = |k: &str, v: &str| format!(r#"{{"key":"{k}","value":{{"stringValue":"{v}"}}}}"#);
    let spans = [
        span(
            "1111111111111111",
            "",
            "invoke_agent planner",
            1_000,
            9_000_000_000,
            &kv("gen_ai.agent.name", "planner"),
            0,
        ),
        span(
            "00000000deadbeef",
            "1111111111111111",
            "chat gpt-4o-mini",
            2_000,
            2_000_000_000,
            &[
                kv("gen_ai.operation.name", "chat"),
                kv("gen_ai.request.model", "gpt-4o-mini"),
            ]
            .join(","),
            0,
        ),
        span(
            "2222222222222222",
            "1111111111111111",
            "execute_tool web_search",
            2_000_000_000,
            3_000_000_000,
            &[
                kv("gen_ai.tool.name", "web_search"),
                kv("user.id", "u-1042"),
                kv("note", "dead letter queue"),
            ]
            .join(","),
            0,
        ),
        span(
            "3333333333333333",
            "1111111111111111",
            "execute_tool research",
            3_000_000_000,
            3_100_000_000,
            &kv("gen_ai.tool.name", "research"),
            2,
        ),
    ];
    let doc = format!(
        r#"{{"resourceSpans":[{{"resource":{{"attributes":[{}]}},"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
        kv("service.name", "agents"),
        spans.join(",")
    );
    load_bytes(&[("t.json", doc.as_bytes())], &LoadOptions::default()).dataset
}

/// The names of the rows a query finds.
fn names(ds: &tracelens_model::Dataset, q: &str) -> Vec<String> {
    let m = find_in_trace(ds, 0, q).unwrap();
    assert_eq!(m.count, m.rows.len());
    let tree = &ds.traces[0];
    m.rows
        .iter()
        .map(|&r| {
            let n = &tree.nodes[tree.preorder[r as usize] as usize];
            ds.store
                .resolve(ds.store.spans[n.span as usize].name)
                .to_string()
        })
        .collect()
}

#[test]
fn words_terms_and_ids() {
    let ds = trace();
    // "dead" is a word of a note, not the hex of a span id.
    assert_eq!(names(&ds, "dead"), ["execute_tool web_search"]);
    // A bare id (or a long enough fragment of one) finds its span.
    assert_eq!(names(&ds, "deadbeef"), ["chat gpt-4o-mini"]);
    assert_eq!(names(&ds, "id:00000000dead"), ["chat gpt-4o-mini"]);
    // Words, not substrings: "search" is a word of web_search, not of research.
    assert_eq!(names(&ds, "search"), ["execute_tool web_search"]);
    assert_eq!(names(&ds, "SEARCH"), ["execute_tool web_search"]);
    assert_eq!(names(&ds, "earch"), Vec::<String>::new());
    // Terms: a model by its prefix, a key=value, a class, errors; and together.
    assert_eq!(names(&ds, "model:gpt-4o"), ["chat gpt-4o-mini"]);
    assert_eq!(names(&ds, "user.id=u-1042"), ["execute_tool web_search"]);
    assert_eq!(names(&ds, "class:tool").len(), 2);
    assert_eq!(names(&ds, "error"), ["execute_tool research"]);
    assert_eq!(names(&ds, "tool error"), ["execute_tool research"]);
    assert_eq!(
        names(&ds, r#""letter queue" tool"#),
        ["execute_tool web_search"]
    );
    assert_eq!(
        names(&ds, ">1.5s"),
        ["invoke_agent planner", "chat gpt-4o-mini"]
    );
    // A query that cannot be read says why instead of finding nothing.
    assert!(find_in_trace(&ds, 0, "state:asleep").is_err());
    assert!(find_in_trace(&ds, 5, "x").is_err());
}

#[test]
fn a_state_is_a_word_and_a_term() {
    let bytes = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/agent-runs.jsonl"
    ))
    .unwrap();
    let ds = load_bytes(&[("s.jsonl", &bytes)], &LoadOptions::default()).dataset;
    let mut seen = 0;
    for (t, an) in ds.analyses.iter().enumerate() {
        let dead: Vec<u32> = an
            .agents
            .iter()
            .filter(|a| a.state == tracelens_model::AgentState::Dead)
            .map(|a| a.node)
            .collect();
        let rows = |q: &str| -> Vec<u32> {
            let m = find_in_trace(&ds, t, q).unwrap();
            m.rows
                .iter()
                .map(|&r| ds.traces[t].preorder[r as usize])
                .collect()
        };
        let by_term = rows("state:dead");
        assert_eq!(by_term.len(), dead.len());
        assert!(dead.iter().all(|n| by_term.contains(n)));
        assert!(dead.iter().all(|n| rows("dead").contains(n)));
        seen += dead.len();
    }
    assert!(seen > 0, "the sample has a dead agent");
}
