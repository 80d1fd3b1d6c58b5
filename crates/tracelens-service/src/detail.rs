//! Everything about one span, fetched on demand when a front selects it: the
//! waterfall itself only carries compact columns.

use serde::Serialize;
use serde_json::Value;
use tracelens_model::correlate::is_correlation_key;
use tracelens_model::{
    AgentExecution, Attr, AttrValue, Dataset, LifecycleKind, LinkKind, SpanClass, SpanKind,
    StatusCode, TraceAnalysis, TraceStore, NONE, OMITTED_ATTRS_KEY,
};

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct SpanDetail {
    pub trace_id: String,
    pub span_id: String,
    /// The parent's id as the span names it (also for orphans, whose parent
    /// is missing).
    pub parent_span_id: Option<String>,
    pub node: u32,
    pub parent_node: Option<u32>,
    pub name: String,
    pub service: String,
    pub kind: SpanKind,
    pub class: SpanClass,
    pub status: StatusCode,
    pub status_message: String,
    pub trace_state: String,
    /// Start relative to the trace's start.
    pub offset_ns: u64,
    pub duration_ns: u64,
    pub self_ns: u64,
    pub start_time_unix_nano: u64,
    /// `None` while the span has not ended.
    pub end_time_unix_nano: Option<u64>,
    pub flags: Vec<&'static str>,
    pub attributes: Vec<AttrJson>,
    /// Attribute keys the source left out (large values of a trace opened
    /// skeleton-first from ClickHouse), for the front to fetch on demand.
    pub omitted_attributes: Vec<String>,
    pub resource: Vec<AttrJson>,
    pub scope: ScopeJson,
    pub events: Vec<EventJson>,
    pub links: Vec<LinkJson>,
    pub llm: Option<tracelens_model::llm::LlmCall>,
    pub agent: Option<AgentExecution>,
    /// Lifecycle events placed on this span.
    pub lifecycle: Vec<LifecycleJson>,
    /// Attributes that correlate this span with others (request_id, ...).
    pub correlation: Vec<CorrelationJson>,
    pub source: String,
}

/// One attribute with its type, so a front can show `3` and `"3"` apart.
/// Integers travel as decimal strings (JavaScript numbers lose digits past
/// 2^53), bytes as base64, arrays and maps as nested JSON.
#[derive(Debug, Serialize, ts_rs::TS)]
pub struct AttrJson {
    pub key: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The value as its type travels (see above): any JSON.
    #[ts(type = "unknown")]
    pub value: Value,
}

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct ScopeJson {
    pub name: String,
    pub version: String,
    pub attributes: Vec<AttrJson>,
}

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct EventJson {
    pub name: String,
    pub offset_ns: u64,
    /// The lifecycle event it is (`agent_started`, ...), if one: fronts
    /// mark it rather than list it twice.
    pub lifecycle: Option<&'static str>,
    pub attributes: Vec<AttrJson>,
}

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct LinkJson {
    pub trace_id: String,
    pub span_id: String,
    pub kind: LinkKind,
    /// The linked trace is among those opened.
    pub trace_loaded: bool,
    pub attributes: Vec<AttrJson>,
}

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct LifecycleJson {
    pub kind: &'static str,
    pub offset_ns: u64,
}

#[derive(Debug, Serialize, ts_rs::TS)]
pub struct CorrelationJson {
    pub key: String,
    pub value: String,
}

/// The node of trace `t` whose span id is `id` (16 hex digits, or a unique
/// prefix, any case); the candidates when the prefix is ambiguous.
pub fn find_span(ds: &Dataset, t: usize, id: &str) -> Result<u32, Vec<String>> {
    let Some(tree) = ds.traces.get(t) else {
        return Err(Vec::new());
    };
    let want = id.trim().to_ascii_lowercase();
    let mut found = Vec::new();
    for i in 0..tree.len() as u32 {
        let sid = tree.span_id(&ds.store, i).to_string();
        if sid == want {
            return Ok(i);
        }
        if !want.is_empty() && sid.starts_with(&want) {
            found.push((i, sid));
        }
    }
    match found.as_slice() {
        [(i, _)] => Ok(*i),
        _ => Err(found.into_iter().map(|(_, s)| s).collect()),
    }
}

/// The details of node `node` of trace `t`; `None` when either is out of range.
pub fn span_detail(ds: &Dataset, t: usize, node: u32) -> Option<SpanDetail> {
    let tree = ds.traces.get(t)?;
    let an = ds.analyses.get(t)?;
    let n = tree.nodes.get(node as usize)?;
    let st = &ds.store;
    let base = tree.start_ns;
    let parent_node = (n.parent != NONE).then_some(n.parent);
    let mut d = SpanDetail {
        trace_id: tree.trace_id.to_string(),
        span_id: tree.span_id(st, node).to_string(),
        parent_span_id: None,
        node,
        parent_node,
        name: String::new(),
        service: String::new(),
        kind: SpanKind::Unspecified,
        class: an.class[node as usize],
        status: StatusCode::Unset,
        status_message: String::new(),
        trace_state: String::new(),
        offset_ns: n.start_ns.saturating_sub(base),
        duration_ns: n.duration_ns(),
        self_ns: an.self_ns[node as usize],
        start_time_unix_nano: n.start_ns,
        end_time_unix_nano: None,
        flags: flag_names(n.flags.0),
        attributes: Vec::new(),
        omitted_attributes: Vec::new(),
        resource: Vec::new(),
        scope: ScopeJson {
            name: String::new(),
            version: String::new(),
            attributes: Vec::new(),
        },
        events: Vec::new(),
        links: Vec::new(),
        llm: None,
        agent: an.agents.iter().find(|a| a.node == node).cloned(),
        lifecycle: TraceAnalysis::lifecycle(st, tree)
            .into_iter()
            .filter(|e| e.node == node)
            .map(|e| LifecycleJson {
                kind: e.kind.as_str(),
                offset_ns: e.time_ns.saturating_sub(base),
            })
            .collect(),
        correlation: Vec::new(),
        source: String::new(),
    };
    if n.span == NONE {
        d.name = format!("(missing span {})", d.span_id);
        return Some(d);
    }
    let sp = &st.spans[n.span as usize];
    d.parent_span_id = sp
        .parent_span_id
        .is_valid()
        .then(|| sp.parent_span_id.to_string());
    d.name = st.resolve(sp.name).to_string();
    d.service = st.service_of(sp).to_string();
    d.kind = sp.kind;
    d.status = sp.status;
    d.status_message = st.resolve(sp.status_message).to_string();
    d.trace_state = st.resolve(sp.trace_state).to_string();
    d.start_time_unix_nano = sp.start_ns;
    d.end_time_unix_nano = sp.end_ns;
    d.attributes = attrs_json(st, st.attrs_of(sp.attrs));
    if let Some(i) = d.attributes.iter().position(|a| a.key == OMITTED_ATTRS_KEY) {
        let marker = d.attributes.remove(i);
        if let Value::Array(keys) = marker.value {
            d.omitted_attributes = keys
                .into_iter()
                .filter_map(|k| k.as_str().map(str::to_string))
                .collect();
        }
    }
    if let Some(r) = st.resources.get(sp.resource as usize) {
        d.resource = attrs_json(st, &r.attrs);
    }
    if let Some(sc) = st.scopes.get(sp.scope as usize) {
        d.scope = ScopeJson {
            name: st.resolve(sc.name).to_string(),
            version: st.resolve(sc.version).to_string(),
            attributes: attrs_json(st, &sc.attrs),
        };
    }
    d.events = st
        .events_of(sp.events)
        .iter()
        .map(|e| EventJson {
            name: st.resolve(e.name).to_string(),
            offset_ns: e.time_ns.saturating_sub(base),
            lifecycle: LifecycleKind::parse(st.resolve(e.name)).map(LifecycleKind::as_str),
            attributes: attrs_json(st, st.attrs_of(e.attrs)),
        })
        .collect();
    // In time order, whatever order the producer wrote them in.
    d.events.sort_by_key(|e| e.offset_ns);
    d.links = st
        .links_of(sp.links)
        .iter()
        .map(|l| LinkJson {
            trace_id: l.trace_id.to_string(),
            span_id: l.span_id.to_string(),
            kind: l.kind,
            trace_loaded: ds.trace_index(l.trace_id).is_some(),
            attributes: attrs_json(st, st.attrs_of(l.attrs)),
        })
        .collect();
    if d.class == SpanClass::Llm {
        d.llm = TraceAnalysis::llm_call(st, &ds.keys, tree, node);
    }
    d.correlation = st
        .attrs_of(sp.attrs)
        .iter()
        .chain(
            st.resources
                .get(sp.resource as usize)
                .into_iter()
                .flat_map(|r| r.attrs.iter()),
        )
        .filter(|a| is_correlation_key(st.resolve(a.key)))
        .filter_map(|a| {
            let v = st.value_text(&a.value);
            (!v.is_empty()).then(|| CorrelationJson {
                key: st.resolve(a.key).to_string(),
                value: v,
            })
        })
        .collect();
    d.source = st
        .sources
        .get(sp.source as usize)
        .map(|s| s.name.clone())
        .unwrap_or_default();
    Some(d)
}

fn flag_names(bits: u16) -> Vec<&'static str> {
    use tracelens_model::NodeFlags as F;
    [
        (F::ORPHAN, "orphan"),
        (F::DUPLICATE, "duplicate"),
        (F::CYCLE_BROKEN, "cycle_broken"),
        (F::SELF_PARENT, "self_parent"),
        (F::SKEWED, "skewed"),
        (F::SHARED_SERVER, "shared_server"),
        (F::OPEN, "open"),
        (F::PLACEHOLDER, "placeholder"),
        (F::NEGATIVE_DURATION, "negative_duration"),
    ]
    .into_iter()
    .filter(|(bit, _)| bits & bit != 0)
    .map(|(_, name)| name)
    .collect()
}

pub fn attrs_json(st: &TraceStore, attrs: &[Attr]) -> Vec<AttrJson> {
    attrs
        .iter()
        .map(|a| AttrJson {
            key: st.resolve(a.key).to_string(),
            kind: kind_name(&a.value),
            value: value_json(st, &a.value),
        })
        .collect()
}

fn kind_name(v: &AttrValue) -> &'static str {
    match v {
        AttrValue::Empty => "empty",
        AttrValue::Str(_) | AttrValue::Text(_) => "string",
        AttrValue::Bool(_) => "bool",
        AttrValue::Int(_) => "int",
        AttrValue::Double(_) => "double",
        AttrValue::Bytes(_) => "bytes",
        AttrValue::Array(_) => "array",
        AttrValue::KvList(_) => "kvlist",
    }
}

fn value_json(st: &TraceStore, v: &AttrValue) -> Value {
    use base64::Engine as _;
    match v {
        AttrValue::Empty => Value::Null,
        AttrValue::Str(s) => Value::String(st.resolve(*s).to_string()),
        AttrValue::Text(t) => Value::String(t.to_string()),
        AttrValue::Bool(b) => Value::Bool(*b),
        AttrValue::Int(i) => Value::String(i.to_string()),
        AttrValue::Double(d) => serde_json::Number::from_f64(*d)
            .map(Value::Number)
            .unwrap_or_else(|| Value::String(d.to_string())),
        AttrValue::Bytes(b) => {
            Value::String(base64::engine::general_purpose::STANDARD.encode(&**b))
        }
        AttrValue::Array(a) => Value::Array(a.iter().map(|x| value_json(st, x)).collect()),
        AttrValue::KvList(kv) => Value::Array(
            attrs_json(st, kv)
                .into_iter()
                .map(|a| serde_json::json!({"key": a.key, "type": a.kind, "value": a.value}))
                .collect(),
        ),
    }
}
