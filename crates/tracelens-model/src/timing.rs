//! Self time and the critical path.

use crate::tree::{TraceTree, NONE};

/// Self time per node: its duration minus the union of its children's
/// intervals (clipped to it). Children are sorted by start, so one sweep each.
pub fn self_times(tree: &TraceTree) -> Vec<u64> {
    let mut out = vec![0u64; tree.len()];
    for (i, node) in tree.nodes.iter().enumerate() {
        if node.is_placeholder() {
            continue;
        }
        let (s, e) = (node.start_ns, node.end_ns);
        let mut covered = 0u64;
        let mut run: Option<(u64, u64)> = None;
        for &c in tree.children(i as u32) {
            let ch = &tree.nodes[c as usize];
            let a = ch.start_ns.max(s);
            let b = ch.end_ns.min(e);
            if b <= a {
                continue;
            }
            run = match run {
                Some((ra, rb)) if a <= rb => Some((ra, rb.max(b))),
                Some((ra, rb)) => {
                    covered += rb - ra;
                    Some((a, b))
                }
                None => Some((a, b)),
            };
        }
        if let Some((ra, rb)) = run {
            covered += rb - ra;
        }
        out[i] = (e - s).saturating_sub(covered);
    }
    out
}

/// One stretch of time on the critical path, attributed to one node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CriticalSection {
    pub node: u32,
    pub start_ns: u64,
    pub end_ns: u64,
}

/// The critical path under `root`, by Jaeger's definition: from the root's end,
/// walk back through the child that finished last before the current point;
/// descend into it; when a span has no such child left, its own time is on the
/// path back to its start, and the walk returns to its parent at that start.
///
/// Children are clipped to their parent's interval first (Jaeger trims
/// overflowing children the same way). Each node's children are visited in
/// descending end order with a cursor that only moves forward, because the
/// bound only ever decreases: the walk is O(n log n) and loop-free.
/// Sections are returned in chronological order.
pub fn critical_path(tree: &TraceTree, root: u32) -> Vec<CriticalSection> {
    let n = tree.len();
    if root as usize >= n {
        return Vec::new();
    }
    // Clipped intervals, in pre-order of the subtree so parents come first.
    let order = tree.subtree(root);
    let mut clip: Vec<(u64, u64)> = vec![(0, 0); n];
    let mut valid = vec![false; n];
    for &i in &order {
        let node = &tree.nodes[i as usize];
        if i == root {
            clip[i as usize] = (node.start_ns, node.end_ns);
            valid[i as usize] = true;
            continue;
        }
        let (pa, pb) = clip[node.parent as usize];
        let a = node.start_ns.max(pa);
        let b = node.end_ns.min(pb);
        if valid[node.parent as usize] && a <= b {
            clip[i as usize] = (a, b);
            valid[i as usize] = true;
        }
    }
    // Each node's valid children sorted by clipped end, descending, in one
    // flat array laid out like the tree's CSR children; a cursor per node.
    let mut by_end: Vec<u32> = Vec::with_capacity(order.len());
    let mut cursor: Vec<u32> = vec![0; n];
    let mut last: Vec<u32> = vec![0; n];
    for &i in &order {
        let start = by_end.len();
        by_end.extend(
            tree.children(i)
                .iter()
                .copied()
                .filter(|&c| valid[c as usize]),
        );
        by_end[start..].sort_by_key(|&c| (std::cmp::Reverse(clip[c as usize].1), c));
        cursor[i as usize] = start as u32;
        last[i as usize] = by_end.len() as u32;
    }

    let mut sections = Vec::new();
    let mut cur = root;
    let mut bound = clip[root as usize].1;
    // Each step either consumes a child or climbs one level: 2n steps at most.
    for _ in 0..(2 * n + 2) {
        let ci = cur as usize;
        let mut picked = NONE;
        while cursor[ci] < last[ci] {
            let c = by_end[cursor[ci] as usize];
            cursor[ci] += 1;
            if clip[c as usize].1 <= bound {
                picked = c;
                break;
            }
        }
        if picked != NONE {
            let child_end = clip[picked as usize].1;
            if child_end < bound {
                sections.push(CriticalSection {
                    node: cur,
                    start_ns: child_end,
                    end_ns: bound,
                });
            }
            cur = picked;
            bound = child_end;
        } else {
            let start = clip[ci].0;
            sections.push(CriticalSection {
                node: cur,
                start_ns: start.min(bound),
                end_ns: bound,
            });
            if cur == root {
                break;
            }
            bound = start;
            cur = tree.nodes[ci].parent;
        }
    }
    sections.reverse();
    sections
}

/// The distinct nodes of a critical path, in order of first appearance.
pub fn critical_nodes(sections: &[CriticalSection]) -> Vec<u32> {
    let mut seen = hashbrown::HashSet::new();
    sections
        .iter()
        .filter(|s| seen.insert(s.node))
        .map(|s| s.node)
        .collect()
}
