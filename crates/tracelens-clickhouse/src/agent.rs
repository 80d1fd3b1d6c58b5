//! The audit's tables from a dataset: one agent_executions row per agent
//! span (with the state the analyses gave it), one agent_events row per
//! lifecycle event, one performance_metrics row per LLM call. Correlation
//! ids come from the span or, failing that, its nearest ancestor (a user_id
//! is often set on the root only).

use crate::{ChError, Conn};
use serde_json::{json, Value};
use tracelens_model::{Dataset, SpanClass, TraceAnalysis, TraceStore, TraceTree, NONE};

#[derive(Debug, Default, serde::Serialize)]
pub struct AgentImportReport {
    pub executions: u64,
    pub events: u64,
    pub metrics: u64,
}

fn ts(ns: u64) -> String {
    format!("{}.{:09}", ns / 1_000_000_000, ns % 1_000_000_000)
}

/// The value of the first of `keys` on node `n` or its nearest ancestor.
fn inherited(st: &TraceStore, tree: &TraceTree, n: u32, keys: &[&str]) -> String {
    tree.ancestors(n)
        .filter_map(|i| st.spans.get(tree.nodes[i as usize].span as usize))
        .find_map(|sp| {
            st.attrs_of(sp.attrs)
                .iter()
                .filter(|a| keys.contains(&st.resolve(a.key)))
                .find_map(|a| {
                    st.value_str(&a.value)
                        .map(str::to_string)
                        .or_else(|| st.value_i64(&a.value).map(|i| i.to_string()))
                })
        })
        .unwrap_or_default()
}

/// The nearest agent span at or above `n`: its name.
fn agent_of(ds: &Dataset, t: usize, n: u32) -> String {
    let an = &ds.analyses[t];
    ds.traces[t]
        .ancestors(n)
        .filter(|&i| an.class[i as usize] == SpanClass::Agent)
        .find_map(|i| an.agents.iter().find(|a| a.node == i))
        .map(|a| a.name.clone())
        .unwrap_or_default()
}

const USER: &[&str] = &["user_id", "enduser.id", "user.id"];
const THREAD: &[&str] = &["thread_id", "gen_ai.conversation.id", "session.id"];

fn attrs_json(st: &TraceStore, attrs: &[tracelens_model::Attr]) -> String {
    let m: serde_json::Map<String, Value> = attrs
        .iter()
        .map(|a| {
            let v = st
                .value_str(&a.value)
                .map(|s| Value::String(s.to_string()))
                .or_else(|| st.value_i64(&a.value).map(|i| json!(i)))
                .unwrap_or(Value::Null);
            (st.resolve(a.key).to_string(), v)
        })
        .collect();
    Value::Object(m).to_string()
}

/// JSONEachRow bodies for the three tables.
pub fn rows(ds: &Dataset) -> (Vec<Value>, Vec<Value>, Vec<Value>) {
    rows_of(ds, |_| true)
}

/// The rows of the traces `wanted` accepts.
pub fn rows_of(
    ds: &Dataset,
    wanted: impl Fn(tracelens_model::TraceId) -> bool,
) -> (Vec<Value>, Vec<Value>, Vec<Value>) {
    let st = &ds.store;
    let (mut execs, mut events, mut metrics) = (Vec::new(), Vec::new(), Vec::new());
    for (t, tree) in ds.traces.iter().enumerate() {
        if !wanted(tree.trace_id) {
            continue;
        }
        let an = &ds.analyses[t];
        let trace_id = tree.trace_id.to_string();
        for a in &an.agents {
            let node = &tree.nodes[a.node as usize];
            if node.span == NONE {
                continue;
            }
            let sp = &st.spans[node.span as usize];
            let g = |keys: &[&str]| inherited(st, tree, a.node, keys);
            execs.push(json!({
                "trace_id": trace_id,
                "span_id": sp.span_id.to_string(),
                "execution_id": g(&["execution_id"]),
                "parent_span_id": if sp.parent_span_id.is_valid() { sp.parent_span_id.to_string() } else { String::new() },
                "correlation_id": g(&["correlation_id"]),
                "request_id": g(&["request_id"]),
                "user_id": g(USER),
                "thread_id": g(THREAD),
                "agent_name": a.name,
                "operation": st.resolve(sp.name),
                "service_name": st.service_of(sp),
                "start_time": ts(sp.start_ns),
                "end_time": sp.end_ns.map(ts),
                "duration_ns": a.duration_ns,
                "state": a.state.as_str(),
                "state_reason": a.reason,
                "error_message": a.error.clone().unwrap_or_default(),
                "metadata": attrs_json(st, st.attrs_of(sp.attrs)),
                // A later sign of life wins: a re-sent execution that has
                // since ended replaces the running one; the same data
                // again is identical, so its batch deduplicates.
                "version": sp.end_ns.or(a.last_heartbeat_ns).unwrap_or(sp.start_ns),
            }));
        }
        for e in TraceAnalysis::lifecycle(st, tree) {
            let node = &tree.nodes[e.node as usize];
            if node.span == NONE {
                continue;
            }
            let sp = &st.spans[node.span as usize];
            let data = e
                .event_index
                .and_then(|i| st.events_of(sp.events).get(i as usize))
                .map(|ev| attrs_json(st, st.attrs_of(ev.attrs)))
                .unwrap_or_else(|| "{}".into());
            events.push(json!({
                "trace_id": trace_id,
                "span_id": sp.span_id.to_string(),
                "user_id": inherited(st, tree, e.node, USER),
                "agent_name": agent_of(ds, t, e.node),
                "event_type": e.kind.as_str(),
                "timestamp": ts(e.time_ns),
                "data": data,
            }));
        }
        for &n in &an.llm_nodes {
            let Some(call) = TraceAnalysis::llm_call(st, &ds.keys, tree, n) else {
                continue;
            };
            let node = &tree.nodes[n as usize];
            let sp = &st.spans[node.span as usize];
            let ms = |v: Option<u64>| v.map(|x| x as f64 / 1e6);
            metrics.push(json!({
                "trace_id": trace_id,
                "span_id": sp.span_id.to_string(),
                "user_id": inherited(st, tree, n, USER),
                "agent_name": agent_of(ds, t, n),
                "operation": st.resolve(sp.name),
                "model": call.model.clone().unwrap_or_default(),
                "timestamp": ts(sp.start_ns),
                "duration_ns": call.duration_ns,
                "ttft_ms": ms(call.ttft_ns),
                "prompt_tokens": call.input_tokens,
                "completion_tokens": call.output_tokens,
                "total_tokens": call.total_tokens.or_else(|| Some(call.input_tokens? + call.output_tokens?)),
                "model_latency_ms": ms(call.model_latency_ns),
                "network_latency_ms": ms(call.network_latency_ns),
            }));
        }
    }
    (execs, events, metrics)
}

/// Inserts the dataset's executions, lifecycle events and LLM metrics; the
/// same data imported again adds no rows.
pub async fn import(conn: &Conn, ds: &Dataset, batch: usize) -> Result<AgentImportReport, ChError> {
    let schema = crate::schema::detect(conn).await?;
    if !schema.agent_tables {
        return Err(ChError::Missing {
            database: conn.cfg.database.clone(),
            what: "agent_executions, agent_events and performance_metrics tables".into(),
            otel: "",
        });
    }
    let (execs, events, metrics) = rows(ds);
    let put = async |table: &str, rows: Vec<Value>| {
        crate::insert::insert_json_rows(conn, table, rows.into_iter(), batch, |_| {})
            .await
            .map(|(n, _)| n)
    };
    Ok(AgentImportReport {
        executions: put("agent_executions", execs).await?,
        events: put("agent_events", events).await?,
        metrics: put("performance_metrics", metrics).await?,
    })
}
