//! Markers for the trace views: every span event, every lifecycle event
//! (agent_started, tool_executing, ...) and every log record placed on the
//! trace, as a point on its span's row. Sent as
//! parallel arrays with names indexed, so 100k markers are a few columns, not
//! 100k objects.

use serde::Serialize;
use tracelens_model::{Dataset, Level, RecordKind, TraceAnalysis, NONE};

#[derive(Debug, Default, Serialize, ts_rs::TS)]
pub struct Markers {
    /// Waterfall row (the columns' row order) of each marker.
    pub row: Vec<u32>,
    /// Time from the trace's start.
    pub offset_ns: Vec<u64>,
    /// 0: a span event; 1: a lifecycle event (drawn more prominently); 2: a
    /// log record; 3: a log record of level warn; 4: of level error or fatal.
    pub kind: Vec<u8>,
    /// Index into `names`.
    pub name: Vec<u32>,
    pub names: Vec<String>,
}

/// The markers of trace `t`, in row order; `None` when `t` is out of range.
pub fn trace_markers(ds: &Dataset, t: usize) -> Option<Markers> {
    let tree = ds.traces.get(t)?;
    let st = &ds.store;
    let base = tree.start_ns;
    let mut row_of = vec![0u32; tree.len()];
    for (r, &n) in tree.preorder.iter().enumerate() {
        row_of[n as usize] = r as u32;
    }
    let mut m = Markers::default();
    let mut index = std::collections::HashMap::<String, u32>::new();
    let mut push = |m: &mut Markers, row: u32, time: u64, kind: u8, name: &str| {
        let k = match index.get(name) {
            Some(&k) => k,
            None => {
                m.names.push(name.to_string());
                let k = (m.names.len() - 1) as u32;
                index.insert(name.to_string(), k);
                k
            }
        };
        m.row.push(row);
        m.offset_ns.push(time.saturating_sub(base));
        m.kind.push(kind);
        m.name.push(k);
    };
    // Lifecycle events that came from a span event are drawn once, as
    // lifecycle events.
    let lifecycle = TraceAnalysis::lifecycle(st, tree);
    let mut from_event = std::collections::HashSet::new();
    for e in &lifecycle {
        if let Some(i) = e.event_index {
            from_event.insert((e.node, i));
        }
    }
    for &n in &tree.preorder {
        let node = &tree.nodes[n as usize];
        if node.span == NONE {
            continue;
        }
        let sp = &st.spans[node.span as usize];
        for (i, ev) in st.events_of(sp.events).iter().enumerate() {
            if !from_event.contains(&(n, i as u32)) {
                push(
                    &mut m,
                    row_of[n as usize],
                    ev.time_ns,
                    0,
                    st.resolve(ev.name),
                );
            }
        }
    }
    for e in &lifecycle {
        push(
            &mut m,
            row_of[e.node as usize],
            e.time_ns,
            1,
            e.kind.as_str(),
        );
    }
    for &k in ds.logs.of_trace(t as u32) {
        let place = ds.logs.places[k as usize];
        let Some(&row) = row_of.get(place.node as usize) else {
            continue;
        };
        let rec = &st.logs[k as usize];
        let (kind, name) = match (rec.kind, rec.level()) {
            (RecordKind::Lifecycle, _) => (1, st.resolve(rec.event_name)),
            (_, l) if l >= Level::Error => (4, l.as_str()),
            (_, Level::Warn) => (3, "warn"),
            (RecordKind::Event, _) => (2, st.resolve(rec.event_name)),
            (_, l) => (2, l.as_str()),
        };
        push(&mut m, row, rec.when_ns(), kind, name);
    }
    Some(m)
}
