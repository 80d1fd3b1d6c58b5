//! What kind of work a span is (agent, llm, tool, other) and which of the
//! audit's execution phases (init, tools, llm, format) it belongs to.

use crate::facts::{Fact, SpanFacts};
use crate::store::TraceStore;
use serde::Serialize;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord, Default, ts_rs::TS,
)]
#[serde(rename_all = "snake_case")]
pub enum SpanClass {
    Agent,
    Llm,
    Tool,
    #[default]
    Other,
}

impl SpanClass {
    pub fn as_str(self) -> &'static str {
        match self {
            SpanClass::Agent => "agent",
            SpanClass::Llm => "llm",
            SpanClass::Tool => "tool",
            SpanClass::Other => "other",
        }
    }
}

/// Classifies a span. Standards first (OpenTelemetry GenAI, then OpenInference),
/// then the audited backend's own attribute names, then the span name.
pub fn classify(store: &TraceStore, facts: &SpanFacts<'_>, name: &str) -> SpanClass {
    if let Some(op) = facts.str(store, Fact::GenAiOperation) {
        match op {
            "invoke_agent" | "create_agent" => return SpanClass::Agent,
            "chat" | "text_completion" | "generate_content" | "embeddings" | "completion" => {
                return SpanClass::Llm
            }
            "execute_tool" => return SpanClass::Tool,
            _ => {}
        }
    }
    if let Some(kind) = facts.str(store, Fact::OpenInferenceKind) {
        match kind.to_ascii_uppercase().as_str() {
            "AGENT" => return SpanClass::Agent,
            "LLM" | "EMBEDDING" => return SpanClass::Llm,
            "TOOL" => return SpanClass::Tool,
            _ => return SpanClass::Other,
        }
    }
    if facts.get(Fact::ToolName).is_some() {
        return SpanClass::Tool;
    }
    if facts.get(Fact::RequestModel).is_some()
        || facts.get(Fact::ResponseModel).is_some()
        || facts.get(Fact::InputTokens).is_some()
    {
        return SpanClass::Llm;
    }
    if let Some(op) = facts.str(store, Fact::Operation) {
        if op.starts_with("agent") {
            return SpanClass::Agent;
        }
    }
    if facts.get(Fact::AgentName).is_some() {
        return SpanClass::Agent;
    }
    classify_name(name)
}

/// Last resort: conventional span names ("invoke_agent researcher",
/// "execute_tool search", "chat gpt-4o", "agent.run", "tool_executing").
fn classify_name(name: &str) -> SpanClass {
    let lower = name.to_ascii_lowercase();
    let first = lower.split([' ', '.', '/', ':']).next().unwrap_or("");
    match first {
        "invoke_agent" | "create_agent" | "agent" | "agent_execution" => SpanClass::Agent,
        "execute_tool" | "tool" | "tool_executing" | "tool_call" => SpanClass::Tool,
        "chat" | "llm" | "completion" | "text_completion" | "embeddings" | "generate_content" => {
            SpanClass::Llm
        }
        _ => SpanClass::Other,
    }
}

/// The audit's execution phases.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Init,
    Tools,
    Llm,
    Format,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Init => "init",
            Phase::Tools => "tools",
            Phase::Llm => "llm",
            Phase::Format => "format",
        }
    }

    pub fn parse(s: &str) -> Option<Phase> {
        Some(match s.to_ascii_lowercase().as_str() {
            "init" | "initialization" | "initialize" | "setup" => Phase::Init,
            "tools" | "tool" | "tool_execution" => Phase::Tools,
            "llm" | "llm_processing" => Phase::Llm,
            "format" | "formatting" | "result_formatting" => Phase::Format,
            _ => return None,
        })
    }
}

/// A span's own phase: a `phase` attribute, else a span name whose last
/// segment names a phase ("researcher.init", "format").
pub fn explicit_phase(store: &TraceStore, facts: &SpanFacts<'_>, name: &str) -> Option<Phase> {
    if let Some(p) = facts.str(store, Fact::Phase).and_then(Phase::parse) {
        return Some(p);
    }
    let last = name.rsplit(['.', '/', ' ']).next().unwrap_or(name);
    Phase::parse(last)
}
