//! The audit's tables joined onto a trace fetched from otel_traces: the
//! backend may record lifecycle events and LLM figures there rather than on
//! its spans. agent_events rows become span events of their span (lifecycle
//! events are read from span events), placed by span id, else where the
//! model places an event recorded outside the trace (`place_event`: the
//! deepest span of the right class and agent holding its time).
//! performance_metrics rows give their LLM span the figures it lacks (model,
//! tokens, time to first token, model and network latency). What a span
//! already carries is never added twice: a trace imported by Tracelens
//! (`--schema both`) reads back as its file.

use crate::otel::SpanRow;
use crate::{ChError, Conn};
use clickhouse::Row;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::HashMap;
use tracelens_model::analysis::place_event;
use tracelens_model::facts::{Fact, SpanFacts};
use tracelens_model::{Dataset, ExternalEvent, LifecycleKind, SpanId, TraceId, NONE};

#[derive(Row, Deserialize, Debug)]
pub(crate) struct EventRow {
    span_id: String,
    agent_name: String,
    event_type: String,
    ts_ns: i64,
    data: String,
}

#[derive(Row, Deserialize, Debug)]
pub(crate) struct MetricRow {
    span_id: String,
    model: String,
    ttft_ms: Option<f64>,
    prompt_tokens: Option<i64>,
    completion_tokens: Option<i64>,
    model_latency_ms: Option<f64>,
    network_latency_ms: Option<f64>,
}

/// What the join added, and what it could not place.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Joined {
    pub events: usize,
    pub metrics: usize,
    /// Rows naming no span of the trace and not placeable (an event that is
    /// no lifecycle event, a metric of a span not stored).
    pub unplaced: usize,
}

/// The trace's rows of agent_events and performance_metrics (both ordered
/// by trace_id first: a few granules).
pub(crate) async fn fetch_rows(
    conn: &Conn,
    trace_id: &str,
) -> Result<(Vec<EventRow>, Vec<MetricRow>), ChError> {
    let db = &conn.cfg.database;
    let ev = crate::names::qualified(db, "agent_events")?;
    let pm = crate::names::qualified(db, "performance_metrics")?;
    let events = conn
        .call(
            conn.client
                .query(&format!(
                    "SELECT toString(span_id) AS span_id, toString(agent_name) AS agent_name, \
                       toString(event_type) AS event_type, toInt64(toUnixTimestamp64Nano(timestamp)) AS ts_ns, \
                       toString(data) AS data \
                     FROM {ev} FINAL WHERE trace_id = {{id:String}} ORDER BY timestamp"
                ))
                .param("id", trace_id)
                .fetch_all::<EventRow>(),
        )
        .await?;
    let metrics = conn
        .call(
            conn.client
                .query(&format!(
                    "SELECT toString(span_id) AS span_id, toString(model) AS model, ttft_ms, prompt_tokens, \
                       completion_tokens, model_latency_ms, network_latency_ms \
                     FROM {pm} FINAL WHERE trace_id = {{id:String}}"
                ))
                .param("id", trace_id)
                .fetch_all::<MetricRow>(),
        )
        .await?;
    Ok((events, metrics))
}

/// Adds `events` and `metrics` to the fetched `rows`; `ds` is the trace
/// built from the same rows, for placement and for what spans carry.
pub(crate) fn apply(
    ds: &Dataset,
    trace: TraceId,
    rows: &mut [SpanRow],
    events: Vec<EventRow>,
    metrics: Vec<MetricRow>,
) -> Joined {
    let mut joined = Joined::default();
    let Some(t) = ds.traces.iter().position(|tr| tr.trace_id == trace) else {
        joined.unplaced = events.len() + metrics.len();
        return joined;
    };
    let (tree, an, st) = (&ds.traces[t], &ds.analyses[t], &ds.store);
    // Rows and spans by span id (a trace may hold thousands of calls).
    let row_of: HashMap<SpanId, usize> = rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| Some((SpanId::from_hex(&r.span_id).ok()?, i)))
        .collect();
    let span_by_id: HashMap<SpanId, usize> = st
        .spans
        .iter()
        .enumerate()
        .filter(|(_, sp)| sp.trace_id == trace)
        .map(|(i, sp)| (sp.span_id, i))
        .collect();
    let span_of_node = |node: u32| -> Option<SpanId> {
        let n = tree.nodes.get(node as usize)?;
        (n.span != NONE).then(|| st.spans[n.span as usize].span_id)
    };
    for e in events {
        let time_ns = e.ts_ns.max(0) as u64;
        let id = SpanId::from_hex(&e.span_id).ok();
        let target = match id.and_then(|id| row_of.get(&id)) {
            Some(&i) => Some(i),
            None => LifecycleKind::parse(&e.event_type)
                .and_then(|kind| {
                    let ev = ExternalEvent {
                        kind,
                        time_ns,
                        span_id: id,
                        agent_name: (!e.agent_name.is_empty()).then(|| e.agent_name.clone()),
                    };
                    place_event(st, tree, an, &ds.keys, &ev)
                })
                .and_then(span_of_node)
                .and_then(|s| row_of.get(&s).copied()),
        };
        let Some(i) = target else {
            joined.unplaced += 1;
            continue;
        };
        let r = &mut rows[i];
        let dup = r
            .ev_time
            .iter()
            .zip(&r.ev_name)
            .any(|(t, name)| *t == e.ts_ns && *name == e.event_type);
        if dup {
            continue;
        }
        r.ev_time.push(e.ts_ns);
        r.ev_name.push(e.event_type);
        // Keep the three arrays aligned even if an older variant had none.
        r.ev_attrs.resize(r.ev_time.len() - 1, "{}".into());
        r.ev_attrs.push(if e.data.trim().is_empty() {
            "{}".into()
        } else {
            e.data
        });
        joined.events += 1;
    }
    for m in metrics {
        let id = SpanId::from_hex(&m.span_id).ok();
        let Some(&i) = id.and_then(|id| row_of.get(&id)) else {
            joined.unplaced += 1;
            continue;
        };
        // What the span says already, by any of the conventions' keys.
        let sp = id.and_then(|id| span_by_id.get(&id)).map(|&j| &st.spans[j]);
        let facts = sp.map(|sp| SpanFacts::of(&ds.keys, st.attrs_of(sp.attrs)));
        let lacks = |f: Fact| facts.as_ref().is_none_or(|x| x.get(f).is_none());
        let r = &mut rows[i];
        let mut attrs: Map<String, Value> = serde_json::from_str(&r.attrs).unwrap_or_default();
        let mut added = false;
        let mut put = |f: Fact, key: &str, v: Option<String>| {
            if let Some(v) = v.filter(|v| !v.is_empty()) {
                if lacks(f) {
                    attrs.insert(key.to_string(), Value::String(v));
                    added = true;
                }
            }
        };
        put(Fact::RequestModel, "gen_ai.request.model", Some(m.model));
        put(
            Fact::InputTokens,
            "gen_ai.usage.input_tokens",
            m.prompt_tokens.map(|v| v.to_string()),
        );
        put(
            Fact::OutputTokens,
            "gen_ai.usage.output_tokens",
            m.completion_tokens.map(|v| v.to_string()),
        );
        put(Fact::TtftMs, "ttft_ms", m.ttft_ms.map(|v| v.to_string()));
        put(
            Fact::ModelLatencyMs,
            "model_latency_ms",
            m.model_latency_ms.map(|v| v.to_string()),
        );
        put(
            Fact::NetworkLatencyMs,
            "network_latency_ms",
            m.network_latency_ms.map(|v| v.to_string()),
        );
        if added {
            r.attrs = Value::Object(attrs).to_string();
            joined.metrics += 1;
        }
    }
    joined
}
