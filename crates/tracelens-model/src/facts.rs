//! Picking the attributes analyses care about out of a span in one pass.
//!
//! Analyses ask ~30 questions of every span (its model, its tokens, its agent
//! name...). Scanning the attribute list once per question would cost 30 scans
//! a span; instead [`KeyTable`] maps each interned key straight to the question
//! it answers (a byte per interned string, indexed by the handle), and
//! [`SpanFacts::of`] fills every answer in one scan.

use crate::attr::{Attr, AttrValue};
use crate::store::{Sym, TraceStore};
use lasso::Key as _;

/// The attribute keys analyses read. Several spellings map to one fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Fact {
    None = 0,
    GenAiOperation,
    OpenInferenceKind,
    AgentName,
    ToolName,
    ResponseModel,
    RequestModel,
    InputTokens,
    OutputTokens,
    TotalTokens,
    CacheReadTokens,
    CacheWriteTokens,
    ReasoningTokens,
    TtftMs,
    TtftSeconds,
    ModelLatencyMs,
    NetworkLatencyMs,
    Phase,
    State,
    TimeoutMs,
    TimeoutSeconds,
    HeartbeatIntervalMs,
    ErrorType,
    ErrorMessage,
    Operation,
    System,
}

const FACT_COUNT: usize = Fact::System as usize + 1;

/// (key, fact) pairs. Order within one fact does not matter: precedence between
/// spellings is decided where the fact is used.
const KEYS: &[(&str, Fact)] = &[
    ("gen_ai.operation.name", Fact::GenAiOperation),
    ("openinference.span.kind", Fact::OpenInferenceKind),
    ("gen_ai.agent.name", Fact::AgentName),
    ("agent_name", Fact::AgentName),
    ("agent.name", Fact::AgentName),
    ("gen_ai.tool.name", Fact::ToolName),
    ("tool.name", Fact::ToolName),
    ("tool_name", Fact::ToolName),
    ("gen_ai.response.model", Fact::ResponseModel),
    ("gen_ai.request.model", Fact::RequestModel),
    ("llm.model_name", Fact::RequestModel),
    ("model", Fact::RequestModel),
    ("model_name", Fact::RequestModel),
    ("gen_ai.usage.input_tokens", Fact::InputTokens),
    ("gen_ai.usage.prompt_tokens", Fact::InputTokens),
    ("llm.token_count.prompt", Fact::InputTokens),
    ("prompt_tokens", Fact::InputTokens),
    ("gen_ai.usage.output_tokens", Fact::OutputTokens),
    ("gen_ai.usage.completion_tokens", Fact::OutputTokens),
    ("llm.token_count.completion", Fact::OutputTokens),
    ("completion_tokens", Fact::OutputTokens),
    ("llm.token_count.total", Fact::TotalTokens),
    ("total_tokens", Fact::TotalTokens),
    ("gen_ai.usage.total_tokens", Fact::TotalTokens),
    // Cached input, counted within the input tokens: OpenTelemetry's
    // current names, its older underscore forms, OpenInference's.
    (
        "gen_ai.usage.cache_read.input_tokens",
        Fact::CacheReadTokens,
    ),
    (
        "gen_ai.usage.cache_read_input_tokens",
        Fact::CacheReadTokens,
    ),
    ("gen_ai.usage.input_tokens.cached", Fact::CacheReadTokens),
    (
        "llm.token_count.prompt_details.cache_read",
        Fact::CacheReadTokens,
    ),
    (
        "llm.token_count.prompt_details.cache_input",
        Fact::CacheReadTokens,
    ),
    (
        "gen_ai.usage.cache_creation.input_tokens",
        Fact::CacheWriteTokens,
    ),
    (
        "gen_ai.usage.cache_creation_input_tokens",
        Fact::CacheWriteTokens,
    ),
    (
        "gen_ai.usage.input_tokens.cache_write",
        Fact::CacheWriteTokens,
    ),
    (
        "llm.token_count.prompt_details.cache_write",
        Fact::CacheWriteTokens,
    ),
    // Reasoning, counted within the output tokens.
    (
        "gen_ai.usage.reasoning.output_tokens",
        Fact::ReasoningTokens,
    ),
    (
        "gen_ai.usage.output_tokens.reasoning",
        Fact::ReasoningTokens,
    ),
    (
        "llm.token_count.completion_details.reasoning",
        Fact::ReasoningTokens,
    ),
    ("ttft_ms", Fact::TtftMs),
    ("llm.ttft_ms", Fact::TtftMs),
    ("gen_ai.response.ttft_ms", Fact::TtftMs),
    ("time_to_first_token_ms", Fact::TtftMs),
    ("gen_ai.server.time_to_first_token", Fact::TtftSeconds),
    ("gen_ai.response.time_to_first_token", Fact::TtftSeconds),
    ("model_latency_ms", Fact::ModelLatencyMs),
    ("llm.model_latency_ms", Fact::ModelLatencyMs),
    ("network_latency_ms", Fact::NetworkLatencyMs),
    ("llm.network_latency_ms", Fact::NetworkLatencyMs),
    ("phase", Fact::Phase),
    ("execution.phase", Fact::Phase),
    ("agent.phase", Fact::Phase),
    ("state", Fact::State),
    ("execution.state", Fact::State),
    ("agent.state", Fact::State),
    ("timeout_ms", Fact::TimeoutMs),
    ("agent.timeout_ms", Fact::TimeoutMs),
    ("execution.timeout_ms", Fact::TimeoutMs),
    ("timeout_s", Fact::TimeoutSeconds),
    ("agent.timeout_s", Fact::TimeoutSeconds),
    ("heartbeat_interval_ms", Fact::HeartbeatIntervalMs),
    ("agent.heartbeat_interval_ms", Fact::HeartbeatIntervalMs),
    ("error.type", Fact::ErrorType),
    ("error_type", Fact::ErrorType),
    ("error_message", Fact::ErrorMessage),
    ("error.message", Fact::ErrorMessage),
    ("exception.message", Fact::ErrorMessage),
    ("operation", Fact::Operation),
    ("gen_ai.system", Fact::System),
    ("gen_ai.provider.name", Fact::System),
];

/// Interned key handle -> fact, as a flat byte table.
#[derive(Debug, Clone)]
pub struct KeyTable {
    table: Vec<u8>,
    /// Event names analyses care about.
    pub heartbeat_events: Vec<Sym>,
    pub first_token_events: Vec<Sym>,
}

impl KeyTable {
    pub fn new(store: &TraceStore) -> Self {
        let mut table = vec![0u8; store.interned_count() + 1];
        for &(k, f) in KEYS {
            if let Some(sym) = store.lookup(k) {
                let i = sym.into_usize();
                if i < table.len() {
                    table[i] = f as u8;
                }
            }
        }
        let syms = |names: &[&str]| names.iter().filter_map(|n| store.lookup(n)).collect();
        KeyTable {
            table,
            heartbeat_events: syms(&["heartbeat", "agent_heartbeat", "agent.heartbeat"]),
            first_token_events: syms(&["first_token", "gen_ai.first_token", "llm.first_token"]),
        }
    }

    pub fn fact(&self, key: Sym) -> Fact {
        let b = self.table.get(key.into_usize()).copied().unwrap_or(0);
        FACT_FROM_U8.get(b as usize).copied().unwrap_or(Fact::None)
    }
}

const FACT_FROM_U8: [Fact; FACT_COUNT] = [
    Fact::None,
    Fact::GenAiOperation,
    Fact::OpenInferenceKind,
    Fact::AgentName,
    Fact::ToolName,
    Fact::ResponseModel,
    Fact::RequestModel,
    Fact::InputTokens,
    Fact::OutputTokens,
    Fact::TotalTokens,
    Fact::CacheReadTokens,
    Fact::CacheWriteTokens,
    Fact::ReasoningTokens,
    Fact::TtftMs,
    Fact::TtftSeconds,
    Fact::ModelLatencyMs,
    Fact::NetworkLatencyMs,
    Fact::Phase,
    Fact::State,
    Fact::TimeoutMs,
    Fact::TimeoutSeconds,
    Fact::HeartbeatIntervalMs,
    Fact::ErrorType,
    Fact::ErrorMessage,
    Fact::Operation,
    Fact::System,
];

/// The facts one span carries, borrowed from its attributes.
#[derive(Debug, Default, Clone, Copy)]
pub struct SpanFacts<'a> {
    slots: [Option<&'a AttrValue>; FACT_COUNT],
}

impl<'a> SpanFacts<'a> {
    pub fn of(table: &KeyTable, attrs: &'a [Attr]) -> Self {
        let mut slots = [None; FACT_COUNT];
        for a in attrs {
            let f = table.fact(a.key);
            if f != Fact::None && slots[f as usize].is_none() {
                slots[f as usize] = Some(&a.value);
            }
        }
        SpanFacts { slots }
    }

    pub fn get(&self, f: Fact) -> Option<&'a AttrValue> {
        self.slots[f as usize]
    }

    pub fn str(&self, store: &'a TraceStore, f: Fact) -> Option<&'a str> {
        self.get(f).and_then(|v| store.value_str(v))
    }

    pub fn i64(&self, store: &TraceStore, f: Fact) -> Option<i64> {
        self.get(f).and_then(|v| store.value_i64(v))
    }

    pub fn f64(&self, store: &TraceStore, f: Fact) -> Option<f64> {
        self.get(f).and_then(|v| store.value_f64(v))
    }
}
