//! Deterministic generator of realistic agent runs.
//!
//! Each trace is one supervisor execution: it initialises, delegates to
//! sub-agents (researcher, coder, analyst, writer), each of which thinks with
//! an LLM and calls tools, then formats the result. Spans carry the
//! OpenTelemetry GenAI attributes, the audited backend's own ids
//! (request_id, user_id, thread_id, correlation_id, execution_id), lifecycle
//! events and heartbeats. Across the traces, the pathologies the inspector must
//! survive are planted: a failed tool, an agent timeout, a dead agent (no end,
//! heartbeats stop), an orphan span, and cross-service clock skew.
//!
//! Same options, same seed: byte-identical output (ChaCha8, no clock, no hash
//! order).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tracelens_model::{
    Attr, AttrValue, Event, Span, SpanId, SpanKind, StatusCode, Sym, TraceId, TraceStore,
};

/// 2026-11-02T09:00:00Z: generated data sits at a fixed, plausible time.
pub const BASE_TIME_NS: u64 = 1_793_610_000_000_000_000;
const MS: u64 = 1_000_000;
const SEC: u64 = 1_000_000_000;

#[derive(Debug, Clone, Copy)]
pub struct GenOptions {
    pub traces: usize,
    pub spans_per_trace: usize,
    pub seed: u64,
}

impl Default for GenOptions {
    fn default() -> Self {
        GenOptions {
            traces: 12,
            spans_per_trace: 60,
            seed: 7,
        }
    }
}

/// The planted pathologies, in the order they are assigned to traces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pathology {
    FailedTool,
    Timeout,
    DeadAgent,
    Orphan,
    Skew,
}

const PATHOLOGIES: [Pathology; 5] = [
    Pathology::FailedTool,
    Pathology::Timeout,
    Pathology::DeadAgent,
    Pathology::Orphan,
    Pathology::Skew,
];

/// Which pathologies trace `t` of `n` carries: pathology `p` goes to trace
/// `(p * 3 + 1) % n`, so with few traces one trace may carry several.
pub fn pathologies_of(t: usize, n: usize) -> Vec<Pathology> {
    PATHOLOGIES
        .iter()
        .enumerate()
        .filter(|(p, _)| n > 0 && (p * 3 + 1) % n == t)
        .map(|(_, &x)| x)
        .collect()
}

const AGENTS: [&str; 4] = ["researcher", "coder", "analyst", "writer"];
const TOOLS: [&str; 6] = [
    "web_search",
    "code_interpreter",
    "sql_query",
    "vector_search",
    "file_read",
    "http_fetch",
];
const MODELS: [(&str, &str); 3] = [
    ("openai", "gpt-4o-2024-08-06"),
    ("anthropic", "claude-sonnet-4-5"),
    ("openai", "gpt-4o-mini"),
];

/// Generates the dataset into a fresh store.
pub fn generate(opts: GenOptions) -> TraceStore {
    let mut store = TraceStore::new();
    let mut g = Gen::new(&mut store, opts.seed);
    let mut t0 = BASE_TIME_NS;
    for t in 0..opts.traces {
        let p = pathologies_of(t, opts.traces);
        g.trace(t, t0, opts.spans_per_trace.max(8), &p);
        t0 += g.rng.random_range(40..180) * SEC;
    }
    store
}

struct Gen<'s> {
    store: &'s mut TraceStore,
    rng: ChaCha8Rng,
    backend: u32,
    tools: u32,
    llm: u32,
    scope: u32,
    trace: TraceId,
    budget: usize,
    common: Vec<Attr>,
}

impl<'s> Gen<'s> {
    fn new(store: &'s mut TraceStore, seed: u64) -> Self {
        let res = |store: &mut TraceStore, svc: &str, extra: &[(&str, &str)]| {
            let mut attrs = vec![
                attr_str(store, "service.name", svc),
                attr_str(store, "service.version", "1.4.2"),
                attr_str(store, "deployment.environment", "staging"),
            ];
            for (k, v) in extra {
                attrs.push(attr_str(store, k, v));
            }
            let empty = store.empty();
            store.add_resource(attrs.into_boxed_slice(), empty)
        };
        let backend = res(store, "netra-backend", &[("host.name", "apex-worker-3")]);
        let tools = res(store, "tool-runner", &[("host.name", "tools-1")]);
        let llm = res(store, "llm-gateway", &[("host.name", "gw-2")]);
        let name = store.intern("netra.agents");
        let version = store.intern("1.4.2");
        let scope = store.add_scope(name, version, Box::new([]));
        Gen {
            store,
            rng: ChaCha8Rng::seed_from_u64(seed),
            backend,
            tools,
            llm,
            scope,
            trace: TraceId(0),
            budget: 0,
            common: Vec::new(),
        }
    }

    fn id(&mut self) -> SpanId {
        SpanId(self.rng.random::<u64>() | 1)
    }

    fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from_digit(self.rng.random_range(0..16), 16).unwrap_or('0'))
            .collect()
    }

    fn s(&mut self, k: &str, v: &str) -> Attr {
        attr_str(self.store, k, v)
    }

    fn i(&mut self, k: &str, v: i64) -> Attr {
        Attr {
            key: self.store.intern(k),
            value: AttrValue::Int(v),
        }
    }

    fn f(&mut self, k: &str, v: f64) -> Attr {
        Attr {
            key: self.store.intern(k),
            value: AttrValue::Double((v * 10.0).round() / 10.0),
        }
    }

    fn ev(&mut self, name: &str, t: u64, attrs: Vec<Attr>) -> Event {
        Event {
            time_ns: t,
            name: self.store.intern(name),
            attrs: self.store.push_attrs(attrs),
        }
    }

    /// Heartbeats every 5 s from `start` until `until` (exclusive).
    fn beats(&mut self, start: u64, until: u64) -> Vec<Event> {
        let mut v = Vec::new();
        let mut t = start + 5 * SEC;
        while t < until {
            v.push(self.ev("heartbeat", t, Vec::new()));
            t += 5 * SEC;
        }
        v
    }

    /// The `invoke_agent` span of `agent`, however its run ended.
    #[allow(clippy::too_many_arguments)]
    fn push_agent(
        &mut self,
        id: SpanId,
        parent: SpanId,
        agent: &str,
        start: u64,
        end: Option<u64>,
        attrs: Vec<Attr>,
        events: Vec<Event>,
        status: (StatusCode, &str),
    ) {
        let name = format!("invoke_agent {agent}");
        let backend = self.backend;
        self.push(
            id,
            parent,
            &name,
            SpanKind::Internal,
            backend,
            start,
            end,
            attrs,
            events,
            status,
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        id: SpanId,
        parent: SpanId,
        name: &str,
        kind: SpanKind,
        resource: u32,
        start: u64,
        end: Option<u64>,
        attrs: Vec<Attr>,
        events: Vec<Event>,
        status: (StatusCode, &str),
    ) {
        let name = self.store.intern(name);
        let status_message = self.store.intern(status.1);
        let empty = self.store.empty();
        let attrs = self.store.push_attrs(attrs);
        let events = self.store.push_events(events);
        self.store.spans.push(Span {
            trace_id: self.trace,
            span_id: id,
            parent_span_id: parent,
            start_ns: start,
            end_ns: end,
            name,
            trace_state: empty,
            status_message,
            resource,
            scope: self.scope,
            source: 0,
            flags: 0x100,
            kind,
            status: status.0,
            attrs,
            events,
            links: Default::default(),
        });
        self.budget = self.budget.saturating_sub(1);
    }

    fn trace(&mut self, t: usize, t0: u64, spans: usize, p: &[Pathology]) {
        self.trace = TraceId(self.rng.random::<u128>() | 1);
        self.budget = spans;
        let users = ["u-1042", "u-2077", "u-3141", "u-4096", "u-5150"];
        let user = users[t % users.len()];
        let request = format!("req-{}", self.hex(12));
        let thread = format!("thread-{}", self.hex(8));
        let correlation = format!("corr-{}", self.hex(16));
        let conn = format!("ws-{}", self.hex(6));
        self.common = vec![
            self.s("request_id", &request),
            self.s("user_id", user),
            self.s("thread_id", &thread),
            self.s("correlation_id", &correlation),
        ];
        let root = self.id();
        // Children first (they decide the root's end); the root is pushed last.
        let mut now = t0 + self.rng.random_range(2..8) * MS;
        // init phase
        let init = self.id();
        let init_end = now + self.rng.random_range(15..60) * MS;
        let a = vec![self.s("phase", "init")];
        self.push(
            init,
            root,
            "supervisor.init",
            SpanKind::Internal,
            self.backend,
            now,
            Some(init_end),
            a,
            vec![],
            (StatusCode::Unset, ""),
        );
        now = init_end + MS;

        let mut agent_no = 0usize;
        let mut root_status = (StatusCode::Ok, String::new());
        // Big traces fan out: waves of sub-agents run side by side, as a
        // supervisor with a worker pool does. Keep 2 spans for format + root.
        let wave = (spans / 400).clamp(1, 8);
        'waves: while self.budget > 2 || agent_no == 0 {
            let wave_start = now;
            let mut wave_end = now;
            for _ in 0..wave {
                if self.budget <= 2 && agent_no > 0 {
                    break;
                }
                let agent = AGENTS[(t + agent_no) % AGENTS.len()];
                let plant = |x: Pathology| p.contains(&x) && agent_no == 0;
                let mut at = wave_start + self.rng.random_range(0..3) * MS;
                let outcome = self.sub_agent(
                    root,
                    agent,
                    &mut at,
                    plant(Pathology::FailedTool),
                    plant(Pathology::Timeout),
                    plant(Pathology::DeadAgent),
                    plant(Pathology::Skew),
                    plant(Pathology::Orphan),
                );
                wave_end = wave_end.max(at);
                agent_no += 1;
                match outcome {
                    Outcome::Dead => {
                        // The supervisor notices and, in a big run, carries on
                        // with the rest of its work; the run still fails.
                        root_status = (
                            StatusCode::Error,
                            format!("sub-agent {agent} stopped responding (no heartbeat)"),
                        );
                        if self.budget < 40 {
                            now = wave_end;
                            break 'waves;
                        }
                    }
                    Outcome::TimedOut => {
                        root_status = (StatusCode::Error, format!("sub-agent {agent} timed out"));
                    }
                    Outcome::Done => {}
                }
            }
            now = wave_end + self.rng.random_range(1..5) * MS;
        }
        // format phase
        let fmt = self.id();
        let fmt_end = now + self.rng.random_range(5..30) * MS;
        let a = vec![self.s("phase", "format")];
        self.push(
            fmt,
            root,
            "supervisor.format",
            SpanKind::Internal,
            self.backend,
            now,
            Some(fmt_end),
            a,
            vec![],
            (StatusCode::Unset, ""),
        );
        let end = fmt_end + 2 * MS;

        let exec = format!("exec-{}", self.hex(12));
        let mut attrs = vec![
            self.s("gen_ai.operation.name", "invoke_agent"),
            self.s("gen_ai.agent.name", "supervisor"),
            self.s("gen_ai.conversation.id", &thread),
            self.s("execution_id", &exec),
            self.s("websocket.connection_id", &conn),
            // Supervisors get a long timeout (an hour, or twice a long run).
            self.i("timeout_ms", (3_600_000).max(2 * ((end - t0) / MS) as i64)),
            self.s("http.route", "/api/agent/run"),
        ];
        attrs.extend(self.common.clone());
        let mut events = vec![self.ev("agent_started", t0, vec![])];
        events.extend(self.beats(t0, end));
        let done = if root_status.0 == StatusCode::Error {
            "agent_failed"
        } else {
            "agent_completed"
        };
        events.push(self.ev(done, end, vec![]));
        let msg = root_status.1.clone();
        self.push(
            root,
            SpanId(0),
            "invoke_agent supervisor",
            SpanKind::Server,
            self.backend,
            t0,
            Some(end),
            attrs,
            events,
            (root_status.0, &msg),
        );
    }

    #[allow(clippy::too_many_arguments)]
    fn sub_agent(
        &mut self,
        parent: SpanId,
        agent: &str,
        now: &mut u64,
        failed_tool: bool,
        timeout: bool,
        dead: bool,
        skew: bool,
        orphan: bool,
    ) -> Outcome {
        let id = self.id();
        let start = *now;
        let mut t = start + self.rng.random_range(1..4) * MS;
        let mut events = vec![self.ev("agent_started", start, vec![])];
        // init
        let init = self.id();
        let e = t + self.rng.random_range(5..40) * MS;
        let a = vec![self.s("phase", "init")];
        self.push(
            init,
            id,
            &format!("{agent}.init"),
            SpanKind::Internal,
            self.backend,
            t,
            Some(e),
            a,
            vec![],
            (StatusCode::Unset, ""),
        );
        t = e + MS;
        let steps = self.rng.random_range(1..4usize);
        let mut step = 0;
        while step < steps && self.budget > 4 {
            events.push(self.ev("agent_thinking", t, vec![]));
            t = self.llm_call(id, t);
            if dead && step == 1 {
                // The agent hangs inside this step: no more spans, no end.
                break;
            }
            let parallel = self.rng.random_bool(0.3) && self.budget > 6;
            let first_tool = step == 0;
            let (e1, tool_ok) = self.tool_call(
                id,
                t,
                failed_tool && first_tool,
                skew && first_tool,
                start,
                orphan && first_tool,
            );
            let mut tend = e1;
            if parallel {
                let (e2, _) = self.tool_call(id, t + MS, false, false, start, false);
                tend = tend.max(e2);
            }
            events.push(self.ev("tool_executing", t, vec![]));
            events.push(self.ev("tool_completed", tend, vec![]));
            t = tend + MS;
            if !tool_ok {
                // Retry after a failed tool.
                let (e3, _) = self.tool_call(id, t, false, false, start, false);
                t = e3 + MS;
            }
            step += 1;
        }
        let exec = format!("exec-{}", self.hex(12));
        let mut attrs = vec![
            self.s("gen_ai.operation.name", "invoke_agent"),
            self.s("gen_ai.agent.name", agent),
            self.s("agent_name", agent),
            self.s("execution_id", &exec),
            self.i("heartbeat_interval_ms", 5000),
        ];
        attrs.extend(self.common.clone());
        if dead {
            // Two heartbeats, then silence; the span never ends.
            let beats = vec![
                self.ev("heartbeat", start + 5 * SEC, vec![]),
                self.ev("heartbeat", start + 10 * SEC, vec![]),
            ];
            events.extend(beats);
            self.push_agent(
                id,
                parent,
                agent,
                start,
                None,
                attrs,
                events,
                (StatusCode::Unset, ""),
            );
            // The supervisor notices after two missed beats plus a margin.
            *now = start + 25 * SEC;
            return Outcome::Dead;
        }
        if timeout {
            let end = start + 30 * SEC + self.rng.random_range(100..900) * MS;
            let mut evs = events;
            evs.extend(self.beats(start, end));
            evs.push(self.ev("agent_failed", end, vec![]));
            attrs.push(self.s("error.type", "timeout"));
            self.push_agent(
                id,
                parent,
                agent,
                start,
                Some(end),
                attrs,
                evs,
                (StatusCode::Error, "agent execution timed out after 30s"),
            );
            *now = end + MS;
            return Outcome::TimedOut;
        }
        let fmt = self.id();
        let e = t + self.rng.random_range(3..25) * MS;
        let a = vec![self.s("phase", "format")];
        self.push(
            fmt,
            id,
            &format!("{agent}.format"),
            SpanKind::Internal,
            self.backend,
            t,
            Some(e),
            a,
            vec![],
            (StatusCode::Unset, ""),
        );
        let end = e + MS;
        let mut evs = events;
        evs.extend(self.beats(start, end));
        evs.push(self.ev("agent_completed", end, vec![]));
        self.push_agent(
            id,
            parent,
            agent,
            start,
            Some(end),
            attrs,
            evs,
            (StatusCode::Ok, ""),
        );
        *now = end + MS;
        Outcome::Done
    }

    fn llm_call(&mut self, parent: SpanId, start: u64) -> u64 {
        let (system, model) = MODELS[self.rng.random_range(0..MODELS.len())];
        let input = self.rng.random_range(300..6000i64);
        let output = self.rng.random_range(20..400i64);
        let ttft = self.rng.random_range(150.0..900.0f64);
        let net = self.rng.random_range(8.0..60.0f64);
        let gen = output as f64 * self.rng.random_range(5.0..15.0f64);
        let dur_ms = ttft + gen + net;
        let end = start + (dur_ms * MS as f64) as u64;
        let id = self.id();
        let prompt = format!(
            "You are the {model} planner. Given the conversation so far and the tool results, decide the next step. Context window holds {input} tokens of prior messages."
        );
        let attrs = vec![
            self.s("gen_ai.operation.name", "chat"),
            self.s("gen_ai.system", system),
            self.s("gen_ai.request.model", model),
            self.s("gen_ai.response.model", model),
            self.i("gen_ai.usage.input_tokens", input),
            self.i("gen_ai.usage.output_tokens", output),
            self.f("ttft_ms", ttft),
            self.f("model_latency_ms", ttft + gen),
            self.f("network_latency_ms", net),
            self.s("gen_ai.prompt.preview", &prompt),
        ];
        let ev = vec![self.ev("first_token", start + (ttft * MS as f64) as u64, vec![])];
        self.push(
            id,
            parent,
            &format!("chat {model}"),
            SpanKind::Client,
            self.llm,
            start,
            Some(end),
            attrs,
            ev,
            (StatusCode::Unset, ""),
        );
        end + MS
    }

    /// Returns (end, succeeded).
    fn tool_call(
        &mut self,
        parent: SpanId,
        start: u64,
        fail: bool,
        skew: bool,
        parent_start: u64,
        orphan: bool,
    ) -> (u64, bool) {
        let tool = TOOLS[self.rng.random_range(0..TOOLS.len())];
        let dur = self.rng.random_range(40..900) * MS;
        let id = self.id();
        let call = format!("call_{}", self.hex(10));
        let mut attrs = vec![
            self.s("gen_ai.operation.name", "execute_tool"),
            self.s("gen_ai.tool.name", tool),
            self.s("gen_ai.tool.call.id", &call),
        ];
        attrs.extend(self.common.clone());
        // Skew: the tool runner's clock is behind, so its span appears to
        // start before the agent that called it.
        let (s, e) = if skew {
            let s = parent_start.saturating_sub(180 * MS);
            (s, s + dur)
        } else {
            (start, start + dur)
        };
        let mut events = vec![self.ev("tool_executing", s, vec![])];
        let status = if fail {
            let a = vec![
                self.s("exception.type", "ConnectionError"),
                self.s(
                    "exception.message",
                    "upstream returned 503 Service Unavailable",
                ),
            ];
            events.push(self.ev("exception", e, a));
            (StatusCode::Error, "ConnectionError: upstream returned 503")
        } else {
            events.push(self.ev("tool_completed", e, vec![]));
            (StatusCode::Unset, "")
        };
        self.push(
            id,
            parent,
            &format!("execute_tool {tool}"),
            SpanKind::Internal,
            self.tools,
            s,
            Some(e),
            attrs,
            events,
            status,
        );
        if orphan && self.budget > 3 {
            // A span whose parent was lost in transit (never exported).
            let lost = self.id();
            let oid = self.id();
            let a = vec![self.s("cache.hit", "false")];
            self.push(
                oid,
                lost,
                "cache.lookup",
                SpanKind::Internal,
                self.tools,
                s + MS,
                Some(s + 4 * MS),
                a,
                vec![],
                (StatusCode::Unset, ""),
            );
        }
        let end = if skew { start + dur } else { e };
        (end, !fail)
    }
}

enum Outcome {
    Done,
    TimedOut,
    Dead,
}

fn attr_str(store: &mut TraceStore, k: &str, v: &str) -> Attr {
    let key: Sym = store.intern(k);
    Attr {
        key,
        value: store.str_value(v),
    }
}

/// Adds the log records the backend writes while the generated runs
/// execute, as its logger (with the trace context in its records) would:
/// an agent's start and end, each tool call and its failure, each LLM
/// call; the gateway's "request received", which carries only the
/// request_id (found through the correlation id); a dead agent's last
/// words before it went silent; and a few lines outside any run. No
/// randomness: the same spans give the same records.
pub fn add_logs(store: &mut TraceStore) {
    let request_key = store.intern("request_id");
    let tool_key = store.intern("gen_ai.tool.name");
    let model_key = store.intern("gen_ai.request.model");
    let prompt_key = store.intern("gen_ai.prompt.preview");
    let logger = {
        let name = store.intern("netra.backend");
        let empty = store.empty();
        store.add_scope(name, empty, Box::new([]))
    };
    let gateway = {
        let a = attr_str(store, "service.name", "api-gateway");
        let empty = store.empty();
        store.add_resource(Box::new([a]), empty)
    };
    struct Line {
        time: u64,
        trace: TraceId,
        span: SpanId,
        level: tracelens_model::Level,
        body: String,
        attrs: Vec<(Sym, String)>,
        resource: u32,
        /// A GenAI event's name (`gen_ai.user.message`, `gen_ai.choice`).
        event: Option<&'static str>,
    }
    let mut lines: Vec<Line> = Vec::new();
    let find = |store: &TraceStore, sp: &Span, key: Sym| -> Option<String> {
        store
            .attrs_of(sp.attrs)
            .iter()
            .find(|a| a.key == key)
            .map(|a| store.value_text(&a.value))
    };
    use tracelens_model::Level;
    // Each run's request id, from the first span that carries one.
    let mut requests: std::collections::BTreeMap<TraceId, String> = Default::default();
    for sp in &store.spans {
        if let std::collections::btree_map::Entry::Vacant(e) = requests.entry(sp.trace_id) {
            if let Some(r) = find(store, sp, request_key) {
                e.insert(r);
            }
        }
    }
    for sp in &store.spans {
        let name = store.resolve(sp.name);
        let at = |d: u64| sp.start_ns + d;
        let line = |time, level, body: String| Line {
            time,
            trace: sp.trace_id,
            span: sp.span_id,
            level,
            body,
            attrs: Vec::new(),
            resource: sp.resource,
            event: None,
        };
        if !sp.parent_span_id.is_valid() {
            // The gateway logs the request before any span of it exists,
            // knowing only its request id.
            let mut l = line(sp.start_ns, Level::Info, "request received".into());
            l.trace = TraceId(0);
            l.span = SpanId(0);
            l.resource = gateway;
            if let Some(r) = requests.get(&sp.trace_id) {
                l.attrs.push((request_key, r.clone()));
                lines.push(l);
            }
        } else if let Some(agent) = name.strip_prefix("invoke_agent ") {
            lines.push(line(
                at(MS / 2),
                Level::Info,
                format!("agent {agent} started"),
            ));
            match (sp.end_ns, sp.status) {
                // Its last words: the process dies before the span ends.
                (None, _) => lines.push(line(
                    at(11 * SEC),
                    Level::Warn,
                    format!("agent {agent}: tool call still running after 11s"),
                )),
                (Some(e), StatusCode::Error) => lines.push(line(
                    e,
                    Level::Error,
                    format!("agent {agent} failed: {}", store.resolve(sp.status_message)),
                )),
                (Some(e), _) => {
                    lines.push(line(e, Level::Info, format!("agent {agent} completed")))
                }
            }
        } else if let Some(tool) = find(store, sp, tool_key) {
            lines.push(line(
                at(MS / 4),
                Level::Debug,
                format!("calling tool {tool}"),
            ));
            if sp.status == StatusCode::Error {
                let end = sp.end_ns.unwrap_or(sp.start_ns);
                lines.push(line(
                    end,
                    Level::Error,
                    format!("tool {tool} failed: {}", store.resolve(sp.status_message)),
                ));
            }
        } else if let Some(model) = find(store, sp, model_key) {
            lines.push(line(
                at(MS / 4),
                Level::Info,
                format!("LLM call to {model}"),
            ));
            // The GenAI instrumentation's events: the prompt and the answer.
            if let Some(prompt) = find(store, sp, prompt_key) {
                let mut l = line(at(MS / 3), Level::Info, prompt);
                l.event = Some("gen_ai.user.message");
                lines.push(l);
                let end = sp.end_ns.unwrap_or(sp.start_ns);
                let mut l = line(
                    end,
                    Level::Info,
                    format!("Next step: call a tool ({model})."),
                );
                l.event = Some("gen_ai.choice");
                lines.push(l);
            }
        }
    }
    // Outside any run: the worker's own housekeeping.
    if let (Some(first), Some(last)) = (
        store.spans.iter().map(|s| s.start_ns).min(),
        store.spans.iter().filter_map(|s| s.end_ns).max(),
    ) {
        let backend = store.spans.first().map_or(0, |s| s.resource);
        for (t, body) in [
            (first.saturating_sub(SEC), "worker started: 4 agent slots"),
            (last + SEC, "worker draining: 0 runs in flight"),
        ] {
            lines.push(Line {
                time: t,
                trace: TraceId(0),
                span: SpanId(0),
                level: Level::Info,
                body: body.into(),
                attrs: Vec::new(),
                resource: backend,
                event: None,
            });
        }
    }
    lines.sort_by_key(|l| l.time);
    for l in lines {
        let mut rec = tracelens_model::LogRecord::blank(store.empty(), 0);
        rec.time_ns = l.time;
        rec.observed_ns = l.time;
        rec.trace_id = l.trace;
        rec.span_id = l.span;
        rec.severity = l.level.number();
        rec.severity_text = store.intern(&l.level.as_str().to_ascii_uppercase());
        rec.body = store.str_value(&l.body);
        rec.resource = l.resource;
        rec.scope = logger;
        if let Some(e) = l.event {
            rec.event_name = store.intern(e);
            rec.kind = tracelens_model::RecordKind::Event;
        }
        let attrs: Vec<Attr> = l
            .attrs
            .iter()
            .map(|(key, v)| Attr {
                key: *key,
                value: store.str_value(v),
            })
            .collect();
        rec.attrs = store.push_attrs(attrs);
        store.logs.push(rec);
    }
}
