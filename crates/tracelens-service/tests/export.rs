//! A trace or a subtree exported reads back to the same figures.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use tracelens_model::{Dataset, DatasetOptions, SpanClass};
use tracelens_service::export::{digest, otlp_json};
use tracelens_service::{load_bytes, trace_summary, LoadOptions};

fn runs() -> Dataset {
    let mut store = tracelens_gen::generate(tracelens_gen::GenOptions {
        traces: 6,
        spans_per_trace: 80,
        seed: 11,
    });
    tracelens_gen::add_logs(&mut store);
    Dataset::build(store, DatasetOptions::default())
}

#[test]
fn an_exported_subtree_reads_back_as_a_trace_with_its_figures() {
    let mut ds = runs();
    for t in 0..ds.traces.len() {
        // A sub-agent: an agent node with a parent.
        let Some(node) = ds.analyses[t].agents.iter().map(|a| a.node).find(|&n| {
            ds.traces[t].nodes[n as usize].parent != tracelens_model::NONE
                && !ds.traces[t].nodes[n as usize].is_placeholder()
        }) else {
            continue;
        };
        assert_eq!(ds.analyses[t].class[node as usize], SpanClass::Agent);
        let sub = ds.traces[t].subtree(node);
        let want_breakdown = ds.analyses[t].subtree_breakdown(&ds.traces[t], node);
        let want_dur = ds.traces[t].nodes[node as usize].duration_ns();
        let (_, want_logs) = tracelens_service::export::signals_of(&ds, t, Some(node));
        let bytes = otlp_json(&mut ds, t, Some(node));
        // Exporting put the root's parent back.
        assert_ne!(
            ds.store.spans[ds.traces[t].nodes[node as usize].span as usize]
                .parent_span_id
                .0,
            0
        );
        let back = load_bytes(&[("sub.jsonl", &bytes)], &LoadOptions::default());
        let b = &back.dataset;
        assert_eq!(b.traces.len(), 1);
        let s = trace_summary(b, 0);
        assert_eq!(s.span_count, sub.len(), "trace {t}");
        assert_eq!(s.root_count, 1);
        assert_eq!(s.orphan_count, 0);
        assert_eq!(s.duration_ns, want_dur);
        assert_eq!(s.breakdown_ns, want_breakdown);
        assert_eq!(b.store.logs.len(), want_logs.len());
        // The digest of the subtree says the same.
        let d = digest(&ds, t, Some(node));
        assert_eq!(d.spans as usize, sub.len());
        assert_eq!(d.duration_ns, want_dur);
        assert_eq!(d.input_tokens, s.llm.input_tokens);
        assert_eq!(d.llm_calls, s.llm.calls);
        assert_eq!(d.tree[0].depth, 0);
        return;
    }
    panic!("no sub-agent in the generated runs");
}

#[test]
fn a_whole_trace_exported_reads_back_to_the_same_summary() {
    let mut ds = runs();
    let want = serde_json::to_value(trace_summary(&ds, 2)).unwrap();
    let bytes = otlp_json(&mut ds, 2, None);
    let back = load_bytes(&[("t.jsonl", &bytes)], &LoadOptions::default());
    let got = serde_json::to_value(trace_summary(&back.dataset, 0)).unwrap();
    for k in [
        "trace_id",
        "span_count",
        "error_count",
        "duration_ns",
        "breakdown_ns",
        "llm",
        "states",
        "critical_path",
        "log_count",
    ] {
        assert_eq!(got[k], want[k], "{k}");
    }
}
