//! Rebuilding a span tree from parent links.
//!
//! Real data breaks every assumption a naive builder makes: parents that never
//! arrived, ids used twice, parent chains that loop, children that start before
//! their parents because two hosts disagree about the time. The builder keeps
//! every span, makes the forest well-formed, and reports each repair as a
//! [`Warning`]. It never recurses: a chain a million spans deep is one loop.
//!
//! Children are stored in compressed-sparse-row form (`child_start` offsets into
//! `child_list`) rather than a `Vec` per node: two `u32` per node instead of a
//! 24-byte header and a heap allocation.

use crate::ids::{SpanId, TraceId};
use crate::span::SpanKind;
use crate::store::TraceStore;
use crate::warning::{Warning, WarningKind, WarningSink};
use hashbrown::hash_map::Entry;
use hashbrown::HashMap;

/// "No node" in `u32` index fields.
pub const NONE: u32 = u32::MAX;

/// Facts about a node that views flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NodeFlags(pub u16);

impl NodeFlags {
    pub const ORPHAN: u16 = 1;
    pub const DUPLICATE: u16 = 1 << 1;
    pub const CYCLE_BROKEN: u16 = 1 << 2;
    pub const SKEWED: u16 = 1 << 3;
    pub const SHARED_SERVER: u16 = 1 << 4;
    /// The span has no end yet (running, or its end was lost).
    pub const OPEN: u16 = 1 << 5;
    /// A stand-in for a parent that is not in the data.
    pub const PLACEHOLDER: u16 = 1 << 6;
    pub const SELF_PARENT: u16 = 1 << 7;
    pub const NEGATIVE_DURATION: u16 = 1 << 8;

    pub fn has(self, bit: u16) -> bool {
        self.0 & bit != 0
    }
    pub fn set(&mut self, bit: u16) {
        self.0 |= bit;
    }
}

/// One node of the tree: a span, or a placeholder for a missing parent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Node {
    /// Index into `TraceStore::spans`; [`NONE`] for a placeholder.
    pub span: u32,
    /// Local index of the parent node; [`NONE`] for roots.
    pub parent: u32,
    pub start_ns: u64,
    /// Effective end: the span's end, or the data's "now" for open spans; never
    /// before `start_ns`.
    pub end_ns: u64,
    pub flags: NodeFlags,
}

impl Node {
    pub fn duration_ns(&self) -> u64 {
        self.end_ns - self.start_ns
    }
    pub fn is_placeholder(&self) -> bool {
        self.span == NONE
    }
}

/// Knobs for tree building.
#[derive(Debug, Clone, Copy)]
pub struct TreeOptions {
    /// Skew smaller than this is not reported.
    pub skew_tolerance_ns: u64,
    /// "Now", for live data: open spans run until it. `None` (a file exported
    /// after the fact): an open span ends at its last sign of life, the latest
    /// time among its own events and its descendants.
    pub as_of_ns: Option<u64>,
}

impl Default for TreeOptions {
    fn default() -> Self {
        TreeOptions {
            skew_tolerance_ns: 1_000_000,
            as_of_ns: None,
        }
    }
}

/// Counts of the repairs made while building, for summaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TreeStats {
    pub roots: usize,
    pub orphans: usize,
    pub placeholders: usize,
    pub duplicates: usize,
    pub shared_pairs: usize,
    pub cycles: usize,
    pub self_parents: usize,
    pub skewed: usize,
    pub open: usize,
}

/// The span forest of one trace.
#[derive(Debug, Clone)]
pub struct TraceTree {
    pub trace_id: TraceId,
    /// Real spans first (in input order), then placeholders.
    pub nodes: Vec<Node>,
    /// The ids placeholders stand for: placeholder node `real + k` is `missing[k]`.
    /// Kept aside because placeholders are rare and every node would pay for it.
    missing: Vec<SpanId>,
    real: u32,
    /// Root nodes sorted by start (real roots and placeholders).
    pub roots: Vec<u32>,
    child_start: Vec<u32>,
    child_list: Vec<u32>,
    /// Depth-first pre-order over the forest: the waterfall's row order.
    pub preorder: Vec<u32>,
    pub depth: Vec<u32>,
    pub start_ns: u64,
    pub end_ns: u64,
    pub stats: TreeStats,
}

impl TraceTree {
    /// Builds the tree of one trace. `members` are indices into `store.spans`
    /// of the spans with this trace id. Each step (ARCHITECTURE.md, "Span
    /// trees") is a function of its own, called here in order.
    pub fn build(
        store: &TraceStore,
        trace_id: TraceId,
        members: &[u32],
        opts: TreeOptions,
        sink: &mut WarningSink,
    ) -> TraceTree {
        let n = members.len();
        let mut stats = TreeStats::default();
        let mut b = Steps {
            store,
            trace_id,
            members,
            sink,
            stats: &mut stats,
        };
        let mut nodes = b.nodes(opts);
        let (id_map, forced_parent) = b.index_ids(&mut nodes);
        let missing_ids = b.resolve_parents(&mut nodes, &id_map, &forced_parent);
        b.break_cycles(&mut nodes);
        let (child_start, child_list, roots) = sort_children(&mut nodes, n);
        stats.roots = roots.iter().filter(|&&r| (r as usize) < n).count();
        let (preorder, depth) = preorder_and_depth(&roots, &child_start, &child_list);
        settle_open_ends(store, opts, &mut nodes, &preorder);

        let start_ns = nodes.iter().map(|x| x.start_ns).min().unwrap_or(0);
        let end_ns = nodes.iter().map(|x| x.end_ns).max().unwrap_or(0);

        let mut tree = TraceTree {
            trace_id,
            nodes,
            missing: missing_ids,
            real: n as u32,
            roots,
            child_start,
            child_list,
            preorder,
            depth,
            start_ns,
            end_ns,
            stats,
        };
        tree.flag_skew(store, opts, sink);
        tree
    }

    /// Step 7: flag children that start before or end after their parent
    /// beyond the tolerance (clock skew).
    fn flag_skew(&mut self, store: &TraceStore, opts: TreeOptions, sink: &mut WarningSink) {
        let tol = opts.skew_tolerance_ns;
        for i in 0..self.nodes.len() {
            let node = &self.nodes[i];
            if node.is_placeholder() || node.parent == NONE {
                continue;
            }
            let parent = &self.nodes[node.parent as usize];
            if parent.is_placeholder() || node.flags.has(NodeFlags::SHARED_SERVER) {
                continue;
            }
            let early = parent.start_ns.saturating_sub(node.start_ns);
            let parent_open = parent.flags.has(NodeFlags::OPEN);
            let late = if parent_open {
                0
            } else {
                node.end_ns.saturating_sub(parent.end_ns)
            };
            if early > tol || late > tol {
                let span_id = store.spans[node.span as usize].span_id;
                let msg = if early > tol {
                    format!("starts {} before its parent", fmt_ns(early))
                } else {
                    format!("ends {} after its parent", fmt_ns(late))
                };
                self.nodes[i].flags.set(NodeFlags::SKEWED);
                self.stats.skewed += 1;
                sink.push(
                    Warning::new(WarningKind::ClockSkew, msg)
                        .trace(self.trace_id)
                        .span(span_id),
                );
            }
        }
    }

    /// For a placeholder, the id of the missing parent it stands for.
    pub fn missing_id(&self, i: u32) -> Option<SpanId> {
        i.checked_sub(self.real)
            .and_then(|k| self.missing.get(k as usize))
            .copied()
    }

    /// The span id of a node: its span's, or the missing id of a placeholder.
    pub fn span_id(&self, store: &TraceStore, i: u32) -> SpanId {
        let n = &self.nodes[i as usize];
        if n.span == NONE {
            self.missing_id(i).unwrap_or_default()
        } else {
            store.spans[n.span as usize].span_id
        }
    }

    /// Node `i`, then its parent, and so on up to its root. Trees are
    /// forests (cycles are broken when built); the walk is still bounded by
    /// the node count.
    pub fn ancestors(&self, i: u32) -> impl Iterator<Item = u32> + '_ {
        std::iter::successors((i != NONE).then_some(i), move |&n| {
            let p = self.nodes.get(n as usize)?.parent;
            (p != NONE).then_some(p)
        })
        .take(self.len())
    }

    /// Children of node `i`, sorted by start.
    pub fn children(&self, i: u32) -> &[u32] {
        let a = self.child_start[i as usize] as usize;
        let b = self.child_start[i as usize + 1] as usize;
        &self.child_list[a..b]
    }

    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Number of real spans (placeholders excluded).
    pub fn span_count(&self) -> usize {
        self.nodes.iter().filter(|n| !n.is_placeholder()).count()
    }

    pub fn duration_ns(&self) -> u64 {
        self.end_ns.saturating_sub(self.start_ns)
    }

    /// The root analyses start from: the earliest real root, the longest on ties;
    /// a placeholder only when there is no real root.
    pub fn primary_root(&self) -> Option<u32> {
        let real = self
            .roots
            .iter()
            .copied()
            .filter(|&r| !self.nodes[r as usize].is_placeholder())
            .min_by_key(|&r| {
                let n = &self.nodes[r as usize];
                (n.start_ns, u64::MAX - n.duration_ns())
            });
        real.or_else(|| self.roots.first().copied())
    }

    /// Every node in the subtree of `root` (itself included), pre-order.
    pub fn subtree(&self, root: u32) -> Vec<u32> {
        let mut out = Vec::new();
        let mut stack = vec![root];
        while let Some(i) = stack.pop() {
            out.push(i);
            for &c in self.children(i).iter().rev() {
                stack.push(c);
            }
        }
        out
    }

    /// The clock-skew-adjusted view, off by default: like Jaeger's adjuster, a
    /// child from another service that does not fit inside its parent is
    /// shifted (with its subtree) to sit centred in the parent. Same-service
    /// overhang is real (async work outliving its caller) and is left alone.
    /// Returns adjusted (start, end) per node.
    pub fn adjusted_times(&self, store: &TraceStore) -> Vec<(u64, u64)> {
        let mut shift = vec![0i128; self.nodes.len()];
        let mut out: Vec<(u64, u64)> = self.nodes.iter().map(|n| (n.start_ns, n.end_ns)).collect();
        for &i in &self.preorder {
            let node = &self.nodes[i as usize];
            let p = node.parent;
            if p == NONE {
                continue;
            }
            let mut s = shift[p as usize];
            let parent = &self.nodes[p as usize];
            if node.flags.has(NodeFlags::SKEWED)
                && !parent.is_placeholder()
                && !node.is_placeholder()
            {
                let cs = store.service_of(&store.spans[node.span as usize]);
                let ps = store.service_of(&store.spans[parent.span as usize]);
                if cs != ps {
                    let (pa, pb) = out[p as usize];
                    let pdur = i128::from(pb) - i128::from(pa);
                    let cdur = i128::from(node.duration_ns());
                    let target = i128::from(pa) + (pdur - cdur) / 2;
                    s = target - i128::from(node.start_ns);
                }
            }
            shift[i as usize] = s;
            let a = (i128::from(node.start_ns) + s).max(0) as u64;
            let b = (i128::from(node.end_ns) + s).max(0) as u64;
            out[i as usize] = (a, b.max(a));
        }
        out
    }
}

/// What [`keep_with_ancestors`] says of a row.
pub const ROW_HIDDEN: u8 = 0;
pub const ROW_ANCESTOR: u8 = 1;
pub const ROW_MATCH: u8 = 2;

/// Over rows in preorder, given each row's depth: [`ROW_MATCH`] for each
/// row `passes` keeps, [`ROW_ANCESTOR`] for each ancestor of one (so that
/// what is kept still reads as a tree), [`ROW_HIDDEN`] for the rest. One
/// pass with a stack of the current row's ancestors; no recursion.
pub fn keep_with_ancestors(
    depths: impl IntoIterator<Item = u32>,
    mut passes: impl FnMut(usize) -> bool,
) -> Vec<u8> {
    let mut mask = Vec::new();
    let mut path: Vec<usize> = Vec::new();
    for (i, d) in depths.into_iter().enumerate() {
        path.truncate(d as usize);
        if passes(i) {
            mask.push(ROW_MATCH);
            for &a in path.iter().rev() {
                if mask[a] != ROW_HIDDEN {
                    break;
                }
                mask[a] = ROW_ANCESTOR;
            }
        } else {
            mask.push(ROW_HIDDEN);
        }
        path.push(i);
    }
    mask
}

/// Formats nanoseconds for people: 850ns, 12.3µs, 4.56ms, 1.23s, 2m03s,
/// 5h07m (the UI's `fmtNs` agrees).
pub fn fmt_ns(ns: u64) -> String {
    let f = ns as f64;
    if ns < 1_000 {
        format!("{ns}ns")
    } else if ns < 1_000_000 {
        format!("{:.1}µs", f / 1e3)
    } else if ns < 1_000_000_000 {
        format!("{:.2}ms", f / 1e6)
    } else if ns < 60_000_000_000 {
        format!("{:.2}s", f / 1e9)
    } else if ns < 3_600_000_000_000 {
        let s = ns / 1_000_000_000;
        format!("{}m{:02}s", s / 60, s % 60)
    } else {
        let m = ns / 60_000_000_000;
        format!("{}h{:02}m", m / 60, m % 60)
    }
}

/// The state the steps of [`TraceTree::build`] share.
struct Steps<'a> {
    store: &'a TraceStore,
    trace_id: TraceId,
    members: &'a [u32],
    sink: &'a mut WarningSink,
    stats: &'a mut TreeStats,
}

impl Steps<'_> {
    /// One node per span, in `members` order; ends before starts clamped,
    /// open spans marked.
    fn nodes(&mut self, opts: TreeOptions) -> Vec<Node> {
        let mut nodes: Vec<Node> = Vec::with_capacity(self.members.len());
        for &g in self.members {
            let s = &self.store.spans[g as usize];
            let mut flags = NodeFlags::default();
            let end = match s.end_ns {
                Some(e) if e >= s.start_ns => e,
                Some(_) => {
                    flags.set(NodeFlags::NEGATIVE_DURATION);
                    self.sink.push(
                        Warning::new(
                            WarningKind::NegativeDuration,
                            "span ends before it starts; its duration is taken as 0",
                        )
                        .trace(self.trace_id)
                        .span(s.span_id),
                    );
                    s.start_ns
                }
                None => {
                    flags.set(NodeFlags::OPEN);
                    self.stats.open += 1;
                    // Without a clock, settled below from the subtree.
                    opts.as_of_ns.unwrap_or(0).max(s.start_ns)
                }
            };
            nodes.push(Node {
                span: g,
                parent: NONE,
                start_ns: s.start_ns,
                end_ns: end,
                flags,
            });
        }
        nodes
    }

    /// Step 1: index ids; pair Zipkin shared halves; flag duplicates. Returns the
    /// id index and each shared server half with its client.
    fn index_ids(&mut self, nodes: &mut [Node]) -> (HashMap<SpanId, u32>, Vec<(u32, u32)>) {
        let mut id_map: HashMap<SpanId, u32> = HashMap::with_capacity(self.members.len());
        let mut forced_parent: Vec<(u32, u32)> = Vec::new();
        let mut paired: hashbrown::HashSet<SpanId> = hashbrown::HashSet::new();
        for (local, &g) in self.members.iter().enumerate() {
            let s = &self.store.spans[g as usize];
            if !s.span_id.is_valid() {
                self.sink.push(
                    Warning::new(
                        WarningKind::InvalidId,
                        "span has an empty or zero span id; it cannot be a parent",
                    )
                    .trace(self.trace_id),
                );
                continue;
            }
            let local = local as u32;
            match id_map.entry(s.span_id) {
                Entry::Vacant(v) => {
                    v.insert(local);
                }
                Entry::Occupied(mut o) => {
                    let first = *o.get();
                    let first_kind = self.store.spans[self.members[first as usize] as usize].kind;
                    let pair = match (first_kind, s.kind) {
                        (SpanKind::Client, SpanKind::Server) => Some((first, local)),
                        (SpanKind::Server, SpanKind::Client) => Some((local, first)),
                        _ => None,
                    };
                    match pair {
                        Some((client, server)) if !paired.contains(&s.span_id) => {
                            paired.insert(s.span_id);
                            forced_parent.push((server, client));
                            nodes[server as usize].flags.set(NodeFlags::SHARED_SERVER);
                            // Children of a shared span were made by the server side.
                            o.insert(server);
                            self.stats.shared_pairs += 1;
                            self.sink.push(
                            Warning::new(
                                WarningKind::SharedSpan,
                                "client and server halves share this span id; joined as a pair (server under client)",
                            )
                            .trace(self.trace_id)
                            .span(s.span_id),
                        );
                        }
                        _ => {
                            nodes[local as usize].flags.set(NodeFlags::DUPLICATE);
                            nodes[first as usize].flags.set(NodeFlags::DUPLICATE);
                            self.stats.duplicates += 1;
                            self.sink.push(
                            Warning::new(
                                WarningKind::DuplicateSpanId,
                                "span id appears more than once; both spans are kept, children attach to the first",
                            )
                            .trace(self.trace_id)
                            .span(s.span_id),
                        );
                        }
                    }
                }
            }
        }
        (id_map, forced_parent)
    }

    /// Step 2: resolve parents; group orphans under one placeholder per missing
    /// id (appended after the spans). Returns the missing ids, by placeholder.
    fn resolve_parents(
        &mut self,
        nodes: &mut Vec<Node>,
        id_map: &HashMap<SpanId, u32>,
        forced_parent: &[(u32, u32)],
    ) -> Vec<SpanId> {
        for &(server, client) in forced_parent {
            nodes[server as usize].parent = client;
        }
        let mut missing: HashMap<SpanId, u32> = HashMap::new();
        let mut missing_ids: Vec<SpanId> = Vec::new();
        for local in 0..self.members.len() {
            if nodes[local].flags.has(NodeFlags::SHARED_SERVER) && nodes[local].parent != NONE {
                continue;
            }
            let s = &self.store.spans[self.members[local] as usize];
            let p = s.parent_span_id;
            if !p.is_valid() {
                continue;
            }
            let self_parent = p == s.span_id;
            match id_map.get(&p) {
                Some(&pl) if !self_parent && pl as usize != local => {
                    nodes[local].parent = pl;
                }
                Some(_) => {
                    nodes[local].flags.set(NodeFlags::SELF_PARENT);
                    self.stats.self_parents += 1;
                    self.sink.push(
                        Warning::new(
                            WarningKind::SelfParent,
                            "span names itself as its parent; shown as a root",
                        )
                        .trace(self.trace_id)
                        .span(s.span_id),
                    );
                }
                None => {
                    let next = (nodes.len()) as u32;
                    let ph = *missing.entry(p).or_insert(next);
                    if ph == next {
                        let mut flags = NodeFlags::default();
                        flags.set(NodeFlags::PLACEHOLDER);
                        nodes.push(Node {
                            span: NONE,
                            parent: NONE,
                            start_ns: u64::MAX,
                            end_ns: 0,
                            flags,
                        });
                        missing_ids.push(p);
                        self.stats.placeholders += 1;
                    }
                    nodes[local].parent = ph;
                    nodes[local].flags.set(NodeFlags::ORPHAN);
                    self.stats.orphans += 1;
                    self.sink.push(
                        Warning::new(
                            WarningKind::Orphan,
                            format!(
                                "parent span {p} is not in the data; grouped under a placeholder"
                            ),
                        )
                        .trace(self.trace_id)
                        .span(s.span_id),
                    );
                }
            }
        }
        missing_ids
    }

    /// Step 3: break cycles, iteratively: walk up from each unvisited node;
    /// the earliest span of a cycle becomes a root.
    fn break_cycles(&mut self, nodes: &mut [Node]) {
        const UNSEEN: u8 = 0;
        const ON_PATH: u8 = 1;
        const DONE: u8 = 2;
        let mut state = vec![UNSEEN; nodes.len()];
        let mut path: Vec<u32> = Vec::new();
        for i in 0..nodes.len() {
            if state[i] != UNSEEN {
                continue;
            }
            path.clear();
            let mut cur = i as u32;
            while cur != NONE && state[cur as usize] == UNSEEN {
                state[cur as usize] = ON_PATH;
                path.push(cur);
                cur = nodes[cur as usize].parent;
            }
            if cur != NONE && state[cur as usize] == ON_PATH {
                // `cur` is on the path: the nodes from it to the end form a cycle.
                let pos = path.iter().position(|&x| x == cur).unwrap_or(0);
                let cycle = &path[pos..];
                // The earliest-starting member becomes the root: it is most
                // likely the real parent of the others.
                let cut = cycle
                    .iter()
                    .copied()
                    .min_by_key(|&x| (nodes[x as usize].start_ns, x))
                    .unwrap_or(cur);
                nodes[cut as usize].parent = NONE;
                nodes[cut as usize].flags.set(NodeFlags::CYCLE_BROKEN);
                self.stats.cycles += 1;
                let ids: Vec<String> = cycle
                    .iter()
                    .take(8)
                    .map(|&x| {
                        self.store.spans[self.members[x as usize] as usize]
                            .span_id
                            .to_string()
                    })
                    .collect();
                let more = if cycle.len() > 8 { ", ..." } else { "" };
                let cut_id = self.store.spans[self.members[cut as usize] as usize].span_id;
                self.sink.push(
                    Warning::new(
                        WarningKind::Cycle,
                        format!(
                            "parent links form a cycle of {} spans ({}{more}); {cut_id} made a root",
                            cycle.len(),
                            ids.join(" -> ")
                        ),
                    )
                    .trace(self.trace_id)
                    .span(cut_id),
                );
            }
            for &p in &path {
                state[p as usize] = DONE;
            }
        }
    }
}

/// Step 4: children in CSR form, sorted by start; placeholders start with their
/// first child. Returns (child_start, child_list, roots by start).
fn sort_children(nodes: &mut [Node], real: usize) -> (Vec<u32>, Vec<u32>, Vec<u32>) {
    let n = real;
    let total = nodes.len();
    let mut child_start = vec![0u32; total + 1];
    for node in nodes.iter() {
        if node.parent != NONE {
            child_start[node.parent as usize + 1] += 1;
        }
    }
    for i in 0..total {
        child_start[i + 1] += child_start[i];
    }
    let mut fill = child_start.clone();
    let mut child_list = vec![0u32; child_start[total] as usize];
    let mut roots = Vec::new();
    for (i, node) in nodes.iter().enumerate() {
        if node.parent == NONE {
            roots.push(i as u32);
        } else {
            let p = node.parent as usize;
            child_list[fill[p] as usize] = i as u32;
            fill[p] += 1;
        }
    }
    // Placeholders start with their first child (their end is settled
    // after open spans are, below).
    for i in n..total {
        let (a, b) = (child_start[i] as usize, child_start[i + 1] as usize);
        let lo = child_list[a..b]
            .iter()
            .map(|&c| nodes[c as usize].start_ns)
            .min()
            .unwrap_or(0);
        nodes[i].start_ns = lo;
        nodes[i].end_ns = lo;
    }
    for i in 0..total {
        let (a, b) = (child_start[i] as usize, child_start[i + 1] as usize);
        if b - a > 1 {
            child_list[a..b].sort_by_key(|&c| (nodes[c as usize].start_ns, c));
        }
    }
    roots.sort_by_key(|&r| (nodes[r as usize].start_ns, r));
    (child_start, child_list, roots)
}

/// Step 5: pre-order and depth, with an explicit stack (no recursion).
fn preorder_and_depth(
    roots: &[u32],
    child_start: &[u32],
    child_list: &[u32],
) -> (Vec<u32>, Vec<u32>) {
    let total = child_start.len() - 1;
    let mut preorder = Vec::with_capacity(total);
    let mut depth = vec![0u32; total];
    let mut stack: Vec<u32> = roots.iter().rev().copied().collect();
    while let Some(i) = stack.pop() {
        preorder.push(i);
        let (a, b) = (
            child_start[i as usize] as usize,
            child_start[i as usize + 1] as usize,
        );
        for &c in child_list[a..b].iter().rev() {
            depth[c as usize] = depth[i as usize] + 1;
            stack.push(c);
        }
    }
    (preorder, depth)
}

/// Step 6: children before parents (reverse pre-order): settle the ends of open
/// spans (last sign of life, unless a clock was given) and placeholders.
fn settle_open_ends(store: &TraceStore, opts: TreeOptions, nodes: &mut [Node], preorder: &[u32]) {
    let total = nodes.len();
    let mut life = vec![0u64; total];
    for &i in preorder.iter().rev() {
        let iu = i as usize;
        let node = &nodes[iu];
        let mut l = life[iu].max(node.start_ns);
        if node.span != NONE {
            if node.flags.has(NodeFlags::OPEN) && opts.as_of_ns.is_none() {
                let s = &store.spans[node.span as usize];
                let last_event = store
                    .events_of(s.events)
                    .iter()
                    .map(|e| e.time_ns)
                    .max()
                    .unwrap_or(0);
                l = l.max(last_event);
                nodes[iu].end_ns = l;
            } else {
                l = l.max(node.end_ns);
            }
        } else {
            nodes[iu].end_ns = l;
        }
        let p = nodes[iu].parent;
        if p != NONE {
            life[p as usize] = life[p as usize].max(l);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::fmt_ns;

    #[test]
    fn durations_read_in_the_unit_of_their_size() {
        assert_eq!(fmt_ns(850), "850ns");
        assert_eq!(fmt_ns(12_300), "12.3µs");
        assert_eq!(fmt_ns(4_560_000), "4.56ms");
        assert_eq!(fmt_ns(1_230_000_000), "1.23s");
        assert_eq!(fmt_ns(123_000_000_000), "2m03s");
        // Over an hour: hours and minutes, not 307 minutes.
        assert_eq!(fmt_ns(18_450_000_000_000), "5h07m");
    }
}
