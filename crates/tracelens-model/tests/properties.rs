//! Property tests of the tree invariants on arbitrary parent links.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use proptest::prelude::*;
use tracelens_model::{Dataset, DatasetOptions, TraceStore, NONE};

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever the parent links (missing, cyclic, self, duplicated ids), every
    /// span appears exactly once, the parent relation is a forest, children
    /// are sorted by start and depths agree with parents.
    #[test]
    fn tree_invariants(
        spans in prop::collection::vec((1u64..40, 0u64..45, 0u64..1000, 0u64..500, any::<bool>()), 1..120)
    ) {
        let mut s = TraceStore::new();
        for &(id, parent, start, len, open) in &spans {
            let end = if open { None } else { Some(start + len) };
            s.build_span(9, id, parent, "s").time(start, end).push();
        }
        let ds = Dataset::build(s, DatasetOptions::default());
        prop_assert_eq!(ds.traces.len(), 1);
        let t = &ds.traces[0];
        // Each real span once.
        let mut seen = vec![0u32; ds.store.spans.len()];
        for &i in &t.preorder {
            let n = &t.nodes[i as usize];
            if n.span != NONE {
                seen[n.span as usize] += 1;
            }
        }
        prop_assert!(seen.iter().all(|&c| c == 1));
        prop_assert_eq!(t.preorder.len(), t.nodes.len());
        // Acyclic: every parent chain reaches a root within n steps.
        for i in 0..t.nodes.len() {
            let mut cur = i as u32;
            let mut steps = 0;
            while t.nodes[cur as usize].parent != NONE {
                cur = t.nodes[cur as usize].parent;
                steps += 1;
                prop_assert!(steps <= t.nodes.len());
            }
        }
        for i in 0..t.nodes.len() as u32 {
            let kids = t.children(i);
            for w in kids.windows(2) {
                prop_assert!(t.nodes[w[0] as usize].start_ns <= t.nodes[w[1] as usize].start_ns);
            }
            for &c in kids {
                prop_assert_eq!(t.nodes[c as usize].parent, i);
                prop_assert_eq!(t.depth[c as usize], t.depth[i as usize] + 1);
            }
            let n = &t.nodes[i as usize];
            prop_assert!(n.end_ns >= n.start_ns);
        }
        // Critical path sections are ordered and within the primary root.
        let an = &ds.analyses[0];
        if let Some(r) = t.primary_root() {
            let root = &t.nodes[r as usize];
            for w in an.critical_path.windows(2) {
                prop_assert!(w[0].end_ns <= w[1].start_ns || w[0].start_ns <= w[1].start_ns);
            }
            for c in &an.critical_path {
                prop_assert!(c.start_ns >= root.start_ns && c.end_ns <= root.end_ns);
                prop_assert!(c.start_ns <= c.end_ns);
            }
        }
        // Self time never exceeds duration.
        for (i, n) in t.nodes.iter().enumerate() {
            prop_assert!(an.self_ns[i] <= n.end_ns - n.start_ns);
        }
    }
}
