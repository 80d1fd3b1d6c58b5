//! Agent execution states and lifecycle events.
//!
//! The audited backend's ExecutionTracker knows six states; a trace shows the
//! same facts indirectly (an end time, an error status, heartbeats). This module
//! recovers the state from the trace, so a file exported after the fact tells
//! the same story the tracker would have.

use crate::facts::{Fact, KeyTable, SpanFacts};
use crate::span::{Span, StatusCode};
use crate::store::TraceStore;
use serde::Serialize;

/// The backend's default execution timeout.
pub const DEFAULT_TIMEOUT_NS: u64 = 30_000_000_000;
/// The backend's heartbeat interval; an agent is dead after two missed beats.
pub const DEFAULT_HEARTBEAT_NS: u64 = 5_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
pub enum AgentState {
    Pending,
    Running,
    Completed,
    Failed,
    Timeout,
    Dead,
}

impl AgentState {
    pub fn as_str(self) -> &'static str {
        match self {
            AgentState::Pending => "pending",
            AgentState::Running => "running",
            AgentState::Completed => "completed",
            AgentState::Failed => "failed",
            AgentState::Timeout => "timeout",
            AgentState::Dead => "dead",
        }
    }

    pub fn parse(s: &str) -> Option<AgentState> {
        Some(match s.to_ascii_lowercase().as_str() {
            "pending" => AgentState::Pending,
            "running" => AgentState::Running,
            "completed" | "complete" | "success" | "succeeded" => AgentState::Completed,
            "failed" | "failure" | "error" => AgentState::Failed,
            "timeout" | "timed_out" => AgentState::Timeout,
            "dead" => AgentState::Dead,
            _ => return None,
        })
    }

    /// States that need a person's attention.
    pub fn is_problem(self) -> bool {
        matches!(
            self,
            AgentState::Failed | AgentState::Timeout | AgentState::Dead
        )
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct AgentExecution {
    #[serde(skip)]
    pub node: u32,
    pub name: String,
    pub state: AgentState,
    /// Why the state was chosen, for people ("ran 35.0s, past its 30s timeout").
    pub reason: String,
    pub duration_ns: u64,
    pub timeout_ns: u64,
    pub last_heartbeat_ns: Option<u64>,
    pub heartbeats: u32,
    pub error: Option<String>,
}

fn looks_like_timeout(s: &str) -> bool {
    let l = s.to_ascii_lowercase();
    l.contains("timeout") || l.contains("timed out") || l.contains("deadline exceeded")
}

/// Decides an agent span's state. `as_of_ns` is "now" for open spans: the
/// latest time in the data for a file, the wall clock for a live receiver.
/// `signs` are what log records placed on the span say (heartbeats and
/// lifecycle events sent as records).
pub fn agent_execution(
    store: &TraceStore,
    keys: &KeyTable,
    facts: &SpanFacts<'_>,
    span: &Span,
    node: u32,
    as_of_ns: u64,
    signs: Option<&crate::agent_signs::NodeSigns>,
) -> AgentExecution {
    let name = facts
        .str(store, Fact::AgentName)
        .unwrap_or_else(|| store.resolve(span.name))
        .to_string();
    let timeout_ns = facts
        .f64(store, Fact::TimeoutMs)
        .filter(|v| *v > 0.0)
        .map(|ms| (ms * 1e6) as u64)
        .or_else(|| {
            facts
                .f64(store, Fact::TimeoutSeconds)
                .filter(|v| *v > 0.0)
                .map(|s| (s * 1e9) as u64)
        })
        .unwrap_or(DEFAULT_TIMEOUT_NS);
    let beat_ns = facts
        .f64(store, Fact::HeartbeatIntervalMs)
        .filter(|v| *v > 0.0)
        .map(|ms| (ms * 1e6) as u64)
        .unwrap_or(DEFAULT_HEARTBEAT_NS);
    let beats: Vec<u64> = store
        .events_of(span.events)
        .iter()
        .filter(|e| keys.heartbeat_events.contains(&e.name))
        .map(|e| e.time_ns)
        .chain(signs.iter().flat_map(|s| s.beats.iter().copied()))
        .collect();
    let last_beat = beats.iter().copied().max();
    let status_msg = store.resolve(span.status_message);
    let error = if span.status == StatusCode::Error {
        Some(
            facts
                .str(store, Fact::ErrorMessage)
                .filter(|s| !s.is_empty())
                .unwrap_or(status_msg)
                .to_string(),
        )
    } else {
        None
    };
    let explicit = facts.str(store, Fact::State).and_then(AgentState::parse);

    let (state, duration_ns, reason) = match span.end_ns {
        Some(end) => {
            let dur = end.saturating_sub(span.start_ns);
            let error_type = facts.str(store, Fact::ErrorType).unwrap_or("");
            let (state, reason) = if let Some(s) = explicit {
                (s, format!("state attribute says {}", s.as_str()))
            } else if span.status == StatusCode::Error
                && (looks_like_timeout(error_type)
                    // A message about a timeout may be about a child's; trust
                    // it only when this agent itself ran close to its limit.
                    || (looks_like_timeout(status_msg) && dur >= timeout_ns / 10 * 9))
            {
                (
                    AgentState::Timeout,
                    "ended with a timeout error".to_string(),
                )
            } else if span.status == StatusCode::Error {
                (AgentState::Failed, "ended with error status".to_string())
            } else if dur > timeout_ns {
                (
                    AgentState::Timeout,
                    format!(
                        "ran {}, past its {} timeout",
                        crate::tree::fmt_ns(dur),
                        crate::tree::fmt_ns(timeout_ns)
                    ),
                )
            } else {
                (AgentState::Completed, "ended without error".to_string())
            };
            (state, dur, reason)
        }
        None => {
            let dur = as_of_ns.saturating_sub(span.start_ns);
            let since = last_beat.unwrap_or(span.start_ns).max(span.start_ns);
            let silent = as_of_ns.saturating_sub(since);
            let mut dur = dur;
            let ending = signs.and_then(crate::agent_signs::NodeSigns::ending);
            let (state, reason) = if let Some(s) = explicit.filter(|s| s.is_problem()) {
                (s, format!("state attribute says {}", s.as_str()))
            } else if let Some((kind, t)) = ending {
                // The records saw it end; its span has not arrived (yet).
                dur = t.saturating_sub(span.start_ns);
                let state = if kind == LifecycleKind::AgentFailed {
                    AgentState::Failed
                } else {
                    AgentState::Completed
                };
                (
                    state,
                    format!("{} record; its span has no end", kind.as_str()),
                )
            } else if silent > 2 * beat_ns {
                // It died at its last sign of life.
                dur = since - span.start_ns;
                (
                    AgentState::Dead,
                    format!(
                        "no end and no heartbeat for {} (interval {})",
                        crate::tree::fmt_ns(silent),
                        crate::tree::fmt_ns(beat_ns)
                    ),
                )
            } else if dur > timeout_ns {
                (
                    AgentState::Timeout,
                    format!(
                        "still running after its {} timeout",
                        crate::tree::fmt_ns(timeout_ns)
                    ),
                )
            } else if let Some(s) = explicit {
                (s, format!("state attribute says {}", s.as_str()))
            } else {
                (
                    AgentState::Running,
                    "no end yet; heartbeats current".to_string(),
                )
            };
            (state, dur, reason)
        }
    };
    AgentExecution {
        node,
        name,
        state,
        reason,
        duration_ns,
        timeout_ns,
        last_heartbeat_ns: last_beat,
        heartbeats: beats.len() as u32,
        error,
    }
}

/// The backend's WebSocket lifecycle events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum LifecycleKind {
    AgentStarted,
    AgentThinking,
    ToolExecuting,
    ToolCompleted,
    AgentCompleted,
    AgentFailed,
}

impl LifecycleKind {
    pub fn parse(s: &str) -> Option<LifecycleKind> {
        Some(match s {
            "agent_started" => LifecycleKind::AgentStarted,
            "agent_thinking" => LifecycleKind::AgentThinking,
            "tool_executing" => LifecycleKind::ToolExecuting,
            "tool_completed" => LifecycleKind::ToolCompleted,
            "agent_completed" => LifecycleKind::AgentCompleted,
            "agent_failed" | "agent_error" => LifecycleKind::AgentFailed,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            LifecycleKind::AgentStarted => "agent_started",
            LifecycleKind::AgentThinking => "agent_thinking",
            LifecycleKind::ToolExecuting => "tool_executing",
            LifecycleKind::ToolCompleted => "tool_completed",
            LifecycleKind::AgentCompleted => "agent_completed",
            LifecycleKind::AgentFailed => "agent_failed",
        }
    }

    /// Whether the event belongs on a tool span (else on an agent span).
    pub fn is_tool_event(self) -> bool {
        matches!(
            self,
            LifecycleKind::ToolExecuting | LifecycleKind::ToolCompleted
        )
    }
}

/// A lifecycle event placed on a node of the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LifecycleEvent {
    pub node: u32,
    pub kind: LifecycleKind,
    pub time_ns: u64,
    /// Index of the span event it came from, `None` when placed from outside.
    pub event_index: Option<u32>,
}
