//! Placing log records on spans: each rule, and every record accounted for.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use tracelens_model::{AttachRule, Dataset, DatasetOptions, Level, TraceStore, NONE};

const MS: u64 = 1_000_000;

/// A trace: root 0..100 ms, agent 10..90 (request_id r-1), tool 20..40
/// under it, and an orphan under the missing span 0xdead.
fn store() -> TraceStore {
    let mut s = TraceStore::new();
    s.build_span(1, 1, 0, "root").ms(0, 100).push();
    s.build_span(1, 2, 1, "agent")
        .ms(10, 90)
        .str("request_id", "r-1")
        .push();
    s.build_span(1, 3, 2, "tool").ms(20, 40).push();
    s.build_span(1, 4, 0xdead, "orphan").ms(50, 60).push();
    s.build_span(2, 9, 0, "other").ms(200, 300).push();
    s
}

fn node_name(ds: &Dataset, t: u32, node: u32) -> String {
    let tree = &ds.traces[t as usize];
    let n = &tree.nodes[node as usize];
    if n.span == NONE {
        format!("<missing {}>", tree.span_id(&ds.store, node))
    } else {
        ds.store
            .resolve(ds.store.spans[n.span as usize].name)
            .to_string()
    }
}

#[test]
fn each_rule_places_its_records_and_every_record_is_counted() {
    let mut s = store();
    // By span id (with and without its trace id), on a missing parent too.
    s.build_log(25 * MS, "by span").trace(1).span(3).push();
    s.build_log(26 * MS, "span only").span(2).push();
    s.build_log(55 * MS, "dead agent")
        .trace(1)
        .span(0xdead)
        .push();
    // By trace id: on the deepest span running then.
    s.build_log(30 * MS, "deepest").trace(1).push();
    s.build_log(95 * MS, "root only").trace(1).push();
    // A span id that matches nothing falls back to its trace.
    s.build_log(12 * MS, "unknown span")
        .trace(1)
        .span(0x77)
        .push();
    // By a correlation id within the trace's time.
    s.build_log(35 * MS, "by request")
        .str("request_id", "r-1")
        .level(Level::Error)
        .push();
    // The same id out of the trace's time, and ids that match nothing.
    s.build_log(500 * MS, "late")
        .str("request_id", "r-1")
        .push();
    s.build_log(30 * MS, "stranger").trace(7).span(8).push();
    s.build_log(30 * MS, "no ids").push();
    let ds = Dataset::build(s, DatasetOptions::default());
    let t = ds.trace_index(tracelens_model::TraceId(1)).unwrap();
    let got: Vec<(String, AttachRule, String)> = ds
        .logs
        .places
        .iter()
        .enumerate()
        .map(|(k, p)| {
            let body = ds.store.value_text(&ds.store.logs[k].body);
            let at = if p.node == NONE {
                "-".to_string()
            } else {
                assert_eq!(p.trace, t);
                node_name(&ds, p.trace, p.node)
            };
            (body, p.rule, at)
        })
        .collect();
    let want = [
        ("by span", AttachRule::SpanId, "tool"),
        ("span only", AttachRule::SpanId, "agent"),
        (
            "dead agent",
            AttachRule::SpanId,
            "<missing 000000000000dead>",
        ),
        ("deepest", AttachRule::TraceTime, "tool"),
        ("root only", AttachRule::TraceTime, "root"),
        ("unknown span", AttachRule::TraceTime, "agent"),
        ("by request", AttachRule::Correlation, "tool"),
        ("late", AttachRule::Unattached, "-"),
        ("stranger", AttachRule::Unattached, "-"),
        ("no ids", AttachRule::Unattached, "-"),
    ];
    let want: Vec<(String, AttachRule, String)> = want
        .iter()
        .map(|(b, r, n)| (b.to_string(), *r, n.to_string()))
        .collect();
    assert_eq!(got, want);
    assert_eq!(ds.logs.counts, [3, 3, 1, 3]);
    assert_eq!(
        ds.logs.attached() + ds.logs.count(AttachRule::Unattached),
        10
    );
    // Per trace, in time order; the unattached last.
    let bodies = |ks: &[u32]| -> Vec<String> {
        ks.iter()
            .map(|&k| ds.store.value_text(&ds.store.logs[k as usize].body))
            .collect()
    };
    assert_eq!(
        bodies(ds.logs.of_trace(t)),
        [
            "unknown span",
            "by span",
            "span only",
            "deepest",
            "by request",
            "dead agent",
            "root only"
        ]
    );
    assert_eq!(bodies(ds.logs.unattached()), ["stranger", "no ids", "late"]);
    assert!(ds.logs.of_trace(t + 1).is_empty());
}

#[test]
fn a_store_of_logs_only_keeps_every_record_unattached() {
    let mut s = TraceStore::new();
    for i in 0..5 {
        s.build_log(i * MS, "line").trace(3).push();
    }
    let ds = Dataset::build(s, DatasetOptions::default());
    assert!(ds.traces.is_empty());
    assert_eq!(ds.logs.unattached().len(), 5);
    assert_eq!(ds.as_of_ns, 4 * MS);
}

#[test]
fn a_retained_store_keeps_the_chosen_records_whole() {
    let mut s = store();
    s.build_log(25 * MS, "kept")
        .trace(1)
        .span(3)
        .str("k", "v")
        .push();
    s.build_log(26 * MS, "dropped").push();
    let kept = s.retained(&[0, 1, 2], &[0]);
    assert_eq!(kept.logs.len(), 1);
    let r = &kept.logs[0];
    assert_eq!(kept.value_text(&r.body), "kept");
    let a = &kept.attrs_of(r.attrs)[0];
    assert_eq!(
        (kept.resolve(a.key), kept.value_text(&a.value).as_str()),
        ("k", "v")
    );
}
