//! LLM call figures: model, tokens, time to first token, latencies.

use crate::facts::{Fact, KeyTable, SpanFacts};
use crate::span::Span;
use crate::store::TraceStore;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct LlmCall {
    #[serde(skip)]
    pub node: u32,
    pub model: Option<String>,
    pub system: Option<String>,
    pub input_tokens: Option<i64>,
    pub output_tokens: Option<i64>,
    pub total_tokens: Option<i64>,
    /// Input tokens read from, and written to, the provider's cache (part
    /// of `input_tokens`).
    pub cache_read_tokens: Option<i64>,
    pub cache_write_tokens: Option<i64>,
    /// Output tokens spent reasoning (part of `output_tokens`).
    pub reasoning_tokens: Option<i64>,
    pub ttft_ns: Option<u64>,
    pub model_latency_ns: Option<u64>,
    pub network_latency_ns: Option<u64>,
    pub duration_ns: u64,
}

fn ms_to_ns(ms: f64) -> Option<u64> {
    (ms.is_finite() && ms >= 0.0).then_some((ms * 1e6) as u64)
}

/// The model a call names: the one that answered, else the one asked for.
pub fn model_name<'a>(store: &'a TraceStore, facts: &SpanFacts<'a>) -> Option<&'a str> {
    facts
        .str(store, Fact::ResponseModel)
        .or_else(|| facts.str(store, Fact::RequestModel))
}

impl LlmCall {
    pub fn of(
        store: &TraceStore,
        keys: &KeyTable,
        facts: &SpanFacts<'_>,
        span: &Span,
        node: u32,
        duration_ns: u64,
    ) -> LlmCall {
        let model = model_name(store, facts).map(str::to_string);
        let input = facts.i64(store, Fact::InputTokens);
        let output = facts.i64(store, Fact::OutputTokens);
        let total = facts
            .i64(store, Fact::TotalTokens)
            .or(match (input, output) {
                (Some(a), Some(b)) => a.checked_add(b),
                _ => None,
            });
        let ttft = facts
            .f64(store, Fact::TtftMs)
            .and_then(ms_to_ns)
            .or_else(|| {
                facts
                    .f64(store, Fact::TtftSeconds)
                    .and_then(|s| ms_to_ns(s * 1e3))
            })
            .or_else(|| {
                store
                    .events_of(span.events)
                    .iter()
                    .find(|e| keys.first_token_events.contains(&e.name))
                    .map(|e| e.time_ns.saturating_sub(span.start_ns))
            });
        LlmCall {
            node,
            model,
            system: facts.str(store, Fact::System).map(str::to_string),
            input_tokens: input,
            output_tokens: output,
            total_tokens: total,
            cache_read_tokens: facts.i64(store, Fact::CacheReadTokens),
            cache_write_tokens: facts.i64(store, Fact::CacheWriteTokens),
            reasoning_tokens: facts.i64(store, Fact::ReasoningTokens),
            ttft_ns: ttft,
            model_latency_ns: facts.f64(store, Fact::ModelLatencyMs).and_then(ms_to_ns),
            network_latency_ns: facts.f64(store, Fact::NetworkLatencyMs).and_then(ms_to_ns),
            duration_ns,
        }
    }
}

/// Per-model totals.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct ModelTotals {
    pub calls: u64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub duration_ns: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct LlmTotals {
    pub calls: u64,
    pub input_tokens: i64,
    pub output_tokens: i64,
    pub duration_ns: u64,
    /// Mean time to first token over the calls that report it.
    pub mean_ttft_ns: Option<u64>,
    pub by_model: BTreeMap<String, ModelTotals>,
}

impl LlmTotals {
    pub fn of(calls: &[LlmCall]) -> LlmTotals {
        let mut t = LlmTotals::default();
        let mut ttft_sum: u128 = 0;
        let mut ttft_n: u128 = 0;
        for c in calls {
            t.calls += 1;
            t.input_tokens = t.input_tokens.saturating_add(c.input_tokens.unwrap_or(0));
            t.output_tokens = t.output_tokens.saturating_add(c.output_tokens.unwrap_or(0));
            t.duration_ns = t.duration_ns.saturating_add(c.duration_ns);
            if let Some(x) = c.ttft_ns {
                ttft_sum += u128::from(x);
                ttft_n += 1;
            }
            let m = t
                .by_model
                .entry(c.model.clone().unwrap_or_else(|| "(unknown)".into()))
                .or_default();
            m.calls += 1;
            m.input_tokens = m.input_tokens.saturating_add(c.input_tokens.unwrap_or(0));
            m.output_tokens = m.output_tokens.saturating_add(c.output_tokens.unwrap_or(0));
            m.duration_ns = m.duration_ns.saturating_add(c.duration_ns);
        }
        t.mean_ttft_ns = ttft_sum.checked_div(ttft_n).map(|m| m as u64);
        t
    }
}
