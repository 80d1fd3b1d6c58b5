//! The conversation of an LLM call: its prompt and completion as turns
//! (role and text), from what the GenAI instrumentations write.
//!
//! They write it in three shapes, by semantic-conventions generation:
//! - one log record per message (conventions up to v1.30, e.g.
//!   opentelemetry-instrumentation-openai-v2 2.3): `gen_ai.system.message`,
//!   `gen_ai.user.message`, `gen_ai.assistant.message`, `gen_ai.tool.message`
//!   with `{content, tool_calls, id}` bodies, and `gen_ai.choice` with
//!   `{index, finish_reason, message: {role, content, tool_calls}}`;
//! - one `gen_ai.client.inference.operation.details` record (the latest
//!   conventions, opentelemetry-util-genai) whose attributes
//!   `gen_ai.system_instructions`, `gen_ai.input.messages` and
//!   `gen_ai.output.messages` hold `{role, parts: [{type, content}, ...],
//!   finish_reason}` messages;
//! - the same three attributes on the span itself (content "in span only"),
//!   often as JSON text rather than structured values.
//!
//! Values are read structured or as JSON text alike; anything else in
//! those places is left to the plain record list, not guessed at.

use serde::Serialize;
use serde_json::{Map, Value};
use tracelens_model::{Attr, AttrValue, Dataset, LogRecord, TraceStore};

/// One message of the conversation.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct ChatTurn {
    /// `system`, `user`, `assistant`, `tool`, ...
    pub role: String,
    /// The message's text; tool calls as `name(arguments)` lines; "" when
    /// the producer left the content out (capture off).
    pub text: String,
    /// Why the model stopped, on a completion.
    pub finish_reason: Option<String>,
    /// The log record it came from; none when from the span's attributes.
    pub record: Option<u32>,
}

const INPUT_KEYS: [&str; 2] = ["gen_ai.system_instructions", "gen_ai.input.messages"];
const OUTPUT_KEY: &str = "gen_ai.output.messages";

/// The turns of `records` (indexes of log records, in time order) and, when
/// they hold none, of the span's own attributes.
pub fn conversation(ds: &Dataset, records: &[u32], span_attrs: &[Attr]) -> Vec<ChatTurn> {
    let store = &ds.store;
    let mut turns = Vec::new();
    for &k in records {
        if let Some(rec) = store.logs.get(k as usize) {
            record_turns(store, rec, k, &mut turns);
        }
    }
    if turns.is_empty() {
        attr_turns(store, span_attrs, None, &mut turns);
    }
    turns
}

fn record_turns(store: &TraceStore, rec: &LogRecord, k: u32, out: &mut Vec<ChatTurn>) {
    let name = store.resolve(rec.event_name);
    let Some(rest) = name.strip_prefix("gen_ai.") else {
        return;
    };
    if rest == "choice" {
        let body = plain(store, &rec.body);
        // A plain-text body is the answer itself.
        let msg = match &body {
            Value::Object(_) => body.get("message").cloned().unwrap_or(Value::Null),
            other => other.clone(),
        };
        out.push(ChatTurn {
            role: str_of(&msg, "role").unwrap_or("assistant").to_string(),
            text: message_text(&msg),
            finish_reason: str_of(&body, "finish_reason").map(str::to_string),
            record: Some(k),
        });
    } else if let Some(role) = rest.strip_suffix(".message") {
        let body = plain(store, &rec.body);
        out.push(ChatTurn {
            role: role.to_string(),
            text: message_text(&body),
            finish_reason: None,
            record: Some(k),
        });
    } else {
        attr_turns(store, store.attrs_of(rec.attrs), Some(k), out);
    }
}

/// Turns from the latest conventions' message attributes.
fn attr_turns(store: &TraceStore, attrs: &[Attr], record: Option<u32>, out: &mut Vec<ChatTurn>) {
    let get = |key: &str| {
        attrs
            .iter()
            .find(|a| store.resolve(a.key) == key)
            .map(|a| plain(store, &a.value))
    };
    for key in INPUT_KEYS.into_iter().chain([OUTPUT_KEY]) {
        let Some(v) = get(key) else { continue };
        if key == "gen_ai.system_instructions" {
            // A list of parts, not of messages.
            let text = parts_text(&v);
            if !text.is_empty() {
                out.push(ChatTurn {
                    role: "system".into(),
                    text,
                    finish_reason: None,
                    record,
                });
            }
            continue;
        }
        for m in v.as_array().into_iter().flatten() {
            out.push(ChatTurn {
                role: str_of(m, "role").unwrap_or("").to_string(),
                text: message_text(m),
                finish_reason: str_of(m, "finish_reason").map(str::to_string),
                record,
            });
        }
    }
}

/// A message's text: `content` (text or parts), `parts`, then its tool
/// calls, one per line.
fn message_text(m: &Value) -> String {
    if let Value::String(s) = m {
        return s.clone();
    }
    let mut lines = Vec::new();
    match m.get("content") {
        Some(Value::String(s)) => lines.push(s.clone()),
        Some(v @ Value::Array(_)) => lines.push(parts_text(v)),
        Some(Value::Null) | None => {}
        Some(other) => lines.push(other.to_string()),
    }
    if let Some(parts) = m.get("parts") {
        lines.push(parts_text(parts));
    }
    for call in m
        .get("tool_calls")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let f = call.get("function").unwrap_or(call);
        lines.push(call_text(
            str_of(f, "name").unwrap_or("?"),
            f.get("arguments"),
        ));
    }
    lines.retain(|l| !l.is_empty());
    lines.join("\n")
}

/// The text of a list of parts: text parts as they are, tool calls as
/// `name(arguments)`, tool results as `→ result`.
fn parts_text(parts: &Value) -> String {
    let mut lines = Vec::new();
    for p in parts.as_array().into_iter().flatten() {
        match str_of(p, "type").unwrap_or("text") {
            "tool_call" => lines.push(call_text(
                str_of(p, "name").unwrap_or("?"),
                p.get("arguments"),
            )),
            "tool_call_response" => lines.push(format!("→ {}", scalar_text(p.get("response")))),
            _ => lines.push(scalar_text(p.get("content"))),
        }
    }
    lines.retain(|l| !l.is_empty());
    lines.join("\n")
}

fn call_text(name: &str, args: Option<&Value>) -> String {
    format!("{name}({})", scalar_text(args))
}

fn scalar_text(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// A value as plain JSON: key-value lists as objects, and text that holds
/// a JSON array or object (how spans carry the messages) parsed.
fn plain(store: &TraceStore, v: &AttrValue) -> Value {
    match v {
        AttrValue::Empty => Value::Null,
        AttrValue::Str(s) => text_json(store.resolve(*s)),
        AttrValue::Text(t) => text_json(t),
        AttrValue::Bool(b) => Value::Bool(*b),
        AttrValue::Int(i) => Value::from(*i),
        AttrValue::Double(d) => serde_json::Number::from_f64(*d)
            .map(Value::Number)
            .unwrap_or(Value::Null),
        AttrValue::Bytes(_) => Value::Null,
        AttrValue::Array(a) => Value::Array(a.iter().map(|x| plain(store, x)).collect()),
        AttrValue::KvList(kv) => Value::Object(
            kv.iter()
                .map(|a| (store.resolve(a.key).to_string(), plain(store, &a.value)))
                .collect::<Map<_, _>>(),
        ),
    }
}

/// Text as JSON: parsed when it holds an array or an object, else a string.
fn text_json(s: &str) -> Value {
    let t = s.trim_start();
    if t.starts_with('[') || t.starts_with('{') {
        if let Ok(parsed) = serde_json::from_str::<Value>(s) {
            return parsed;
        }
    }
    Value::String(s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn message_text_reads_content_parts_and_tool_calls() {
        assert_eq!(message_text(&json!({"content": "hi"})), "hi");
        assert_eq!(
            message_text(&json!({"role": "assistant", "parts": [
                {"type": "text", "content": "Looking it up."},
                {"type": "tool_call", "name": "search", "arguments": {"q": "Paris"}}
            ]})),
            "Looking it up.\nsearch({\"q\":\"Paris\"})"
        );
        assert_eq!(
            message_text(&json!({"tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}}
            ]})),
            "get_weather({\"city\":\"Paris\"})"
        );
        assert_eq!(
            message_text(&json!({"role": "tool", "parts": [
                {"type": "tool_call_response", "id": "c1", "response": "sunny"}
            ]})),
            "→ sunny"
        );
        assert_eq!(message_text(&json!({"content": null})), "");
        assert_eq!(message_text(&json!("plain text")), "plain text");
    }
}
