//! Span-tree rebuilding on well-formed and pathological data.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use tracelens_model::{
    Dataset, DatasetOptions, NodeFlags, SpanKind, TraceStore, WarningKind, NONE,
};

fn build(store: TraceStore) -> Dataset {
    Dataset::build(store, DatasetOptions::default())
}

fn names(ds: &Dataset, t: usize) -> Vec<(u32, String)> {
    let tree = &ds.traces[t];
    tree.preorder
        .iter()
        .map(|&i| {
            let n = &tree.nodes[i as usize];
            let name = if n.span == NONE {
                format!("<missing {}>", tree.span_id(&ds.store, i))
            } else {
                ds.store
                    .resolve(ds.store.spans[n.span as usize].name)
                    .to_string()
            };
            (tree.depth[i as usize], name)
        })
        .collect()
}

#[test]
fn children_sorted_by_start_and_depths() {
    let mut s = TraceStore::new();
    s.build_span(1, 1, 0, "root").ms(0, 100).push();
    s.build_span(1, 3, 1, "late").ms(50, 60).push();
    s.build_span(1, 2, 1, "early").ms(10, 20).push();
    s.build_span(1, 4, 2, "grandchild").ms(11, 12).push();
    let ds = build(s);
    assert_eq!(
        names(&ds, 0),
        vec![
            (0, "root".to_string()),
            (1, "early".to_string()),
            (2, "grandchild".to_string()),
            (1, "late".to_string())
        ]
    );
    assert_eq!(ds.traces[0].stats.roots, 1);
    assert!(ds.warnings.is_empty(), "{:?}", ds.warnings);
}

#[test]
fn orphans_grouped_under_one_placeholder_per_missing_parent() {
    let mut s = TraceStore::new();
    s.build_span(1, 1, 0, "root").ms(0, 100).push();
    s.build_span(1, 2, 0xdead, "orphan-a").ms(10, 20).push();
    s.build_span(1, 3, 0xdead, "orphan-b").ms(30, 40).push();
    s.build_span(1, 4, 0xbeef, "orphan-c").ms(50, 60).push();
    let ds = build(s);
    let tree = &ds.traces[0];
    assert_eq!(tree.stats.orphans, 3);
    assert_eq!(tree.stats.placeholders, 2);
    assert_eq!(tree.span_count(), 4);
    let n = names(&ds, 0);
    assert!(n.contains(&(0, "<missing 000000000000dead>".to_string())));
    assert!(n.contains(&(1, "orphan-a".to_string())));
    assert!(n.contains(&(1, "orphan-b".to_string())));
    // Placeholders span their children.
    let ph = (0..tree.len() as u32)
        .find(|&i| tree.missing_id(i).is_some_and(|m| m.0 == 0xdead))
        .map(|i| &tree.nodes[i as usize])
        .unwrap();
    assert_eq!((ph.start_ns, ph.end_ns), (10_000_000, 40_000_000));
    assert_eq!(
        ds.warnings
            .iter()
            .filter(|w| w.kind == WarningKind::Orphan)
            .count(),
        3
    );
}

#[test]
fn cycles_and_self_parents_are_broken_and_reported() {
    let mut s = TraceStore::new();
    // 1 -> 2 -> 3 -> 1 (a cycle), 4 is its own parent, 5 hangs off the cycle.
    s.build_span(1, 1, 3, "a").ms(0, 100).push();
    s.build_span(1, 2, 1, "b").ms(10, 90).push();
    s.build_span(1, 3, 2, "c").ms(20, 80).push();
    s.build_span(1, 4, 4, "self").ms(5, 6).push();
    s.build_span(1, 5, 3, "leaf").ms(30, 40).push();
    let ds = build(s);
    let tree = &ds.traces[0];
    assert_eq!(tree.stats.cycles, 1);
    assert_eq!(tree.stats.self_parents, 1);
    assert_eq!(tree.preorder.len(), 5);
    // The earliest member of the cycle becomes the root.
    assert_eq!(
        names(&ds, 0),
        vec![
            (0, "a".to_string()),
            (1, "b".to_string()),
            (2, "c".to_string()),
            (3, "leaf".to_string()),
            (0, "self".to_string()),
        ]
    );
    let kinds: Vec<_> = ds.warnings.iter().map(|w| w.kind).collect();
    assert!(kinds.contains(&WarningKind::Cycle));
    assert!(kinds.contains(&WarningKind::SelfParent));
}

#[test]
fn duplicate_ids_kept_and_shared_halves_paired() {
    let mut s = TraceStore::new();
    s.build_span(1, 1, 0, "root").ms(0, 100).push();
    // Zipkin shared span: client and server halves with one id.
    s.build_span(1, 2, 1, "call")
        .ms(10, 50)
        .kind(SpanKind::Client)
        .push();
    s.build_span(1, 2, 1, "call")
        .ms(12, 48)
        .kind(SpanKind::Server)
        .push();
    s.build_span(1, 3, 2, "server-work").ms(13, 40).push();
    // A plain duplicate.
    s.build_span(1, 4, 1, "dup").ms(60, 70).push();
    s.build_span(1, 4, 1, "dup").ms(61, 71).push();
    let ds = build(s);
    let tree = &ds.traces[0];
    assert_eq!(tree.stats.shared_pairs, 1);
    assert_eq!(tree.stats.duplicates, 1);
    assert_eq!(tree.span_count(), 6);
    let n = names(&ds, 0);
    assert_eq!(n[1], (1, "call".to_string()));
    assert_eq!(
        n[2],
        (2, "call".to_string()),
        "server half under client half"
    );
    assert_eq!(
        n[3],
        (3, "server-work".to_string()),
        "children attach to the server half"
    );
    let dups = tree
        .nodes
        .iter()
        .filter(|x| x.flags.has(NodeFlags::DUPLICATE))
        .count();
    assert_eq!(dups, 2);
}

#[test]
fn clock_skew_flagged_and_adjusted_view_centres_cross_service_child() {
    let mut s = TraceStore::new();
    let svc = |s: &mut TraceStore, name: &str| {
        let k = s.intern("service.name");
        let v = s.str_value(name);
        let e = s.empty();
        s.add_resource(
            vec![tracelens_model::Attr { key: k, value: v }].into_boxed_slice(),
            e,
        )
    };
    let a = svc(&mut s, "api");
    let b = svc(&mut s, "worker");
    s.build_span(1, 1, 0, "root")
        .ms(100, 200)
        .resource(a)
        .push();
    // Starts 50 ms before its parent: the worker's clock is behind.
    s.build_span(1, 2, 1, "remote")
        .ms(50, 90)
        .resource(b)
        .push();
    // Same service overhang is real (async) and flagged but never moved.
    s.build_span(1, 3, 1, "async")
        .ms(150, 230)
        .resource(a)
        .push();
    let ds = build(s);
    let tree = &ds.traces[0];
    assert_eq!(tree.stats.skewed, 2);
    let adj = tree.adjusted_times(&ds.store);
    // remote: 40 ms long, centred in root's 100 ms => starts at 130 ms.
    assert_eq!(adj[1], (130_000_000, 170_000_000));
    assert_eq!(adj[2], (150_000_000, 230_000_000));
    // The default view is unadjusted.
    assert_eq!(tree.nodes[1].start_ns, 50_000_000);
}

#[test]
fn million_deep_chain_builds_and_analyses_without_recursion() {
    let n: u64 = 1_000_000;
    let mut s = TraceStore::new();
    for i in 1..=n {
        s.build_span(7, i, i - 1, "step")
            .time(i, Some(2 * n + 10 - i))
            .push();
    }
    let ds = build(s);
    let tree = &ds.traces[0];
    assert_eq!(tree.preorder.len(), n as usize);
    assert_eq!(
        tree.depth[*tree.preorder.last().unwrap() as usize],
        (n - 1) as u32
    );
    let an = &ds.analyses[0];
    assert_eq!(an.critical_nodes.len(), n as usize);
    // Each span's self time is its two 1 ns slivers around its child.
    assert_eq!(an.self_ns[0], 2);
}

#[test]
fn open_spans_end_at_their_last_sign_of_life_unless_a_clock_is_given() {
    let build_with = |as_of: Option<u64>| {
        let mut s = TraceStore::new();
        s.build_span(1, 1, 0, "root").ms(0, 100).push();
        s.build_span(1, 2, 1, "stalled")
            .event("heartbeat", 30_000_000)
            .time(10_000_000, None)
            .push();
        s.build_span(1, 3, 2, "child").ms(20, 40).push();
        s.build_span(1, 4, 1, "quiet").time(50_000_000, None).push();
        s.build_span(2, 5, 0, "other trace").ms(500, 900).push();
        Dataset::build(
            s,
            DatasetOptions {
                as_of_ns: as_of,
                ..DatasetOptions::default()
            },
        )
    };
    let ds = build_with(None);
    let t = ds.traces.iter().find(|t| t.trace_id.0 == 1).unwrap();
    assert!(t.nodes[1].flags.has(NodeFlags::OPEN));
    assert_eq!(
        t.nodes[1].end_ns, 40_000_000,
        "its child's end, after its last heartbeat"
    );
    assert_eq!(
        t.nodes[3].end_ns, 50_000_000,
        "no sign of life after its start"
    );
    // A live clock: open spans run until now.
    let ds = build_with(Some(2_000_000_000));
    let t = ds.traces.iter().find(|t| t.trace_id.0 == 1).unwrap();
    assert_eq!(t.nodes[1].end_ns, 2_000_000_000);
}
