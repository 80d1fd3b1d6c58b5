//! Sessions across the loaded runs (the model's `sessions`), for every
//! front: `tracelens sessions FILE...`, `/api/sessions`, the Overview.

use serde::Deserialize;

/// What a front asks of [`crate::Session::sessions`].
#[derive(Debug, Clone, Default, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct SessionsQuery {
    /// The key runs are grouped by; none: session.id,
    /// gen_ai.conversation.id, session_id, thread_id, conversation_id.
    #[ts(optional)]
    pub key: Option<String>,
    /// Only runs whose root name, id, a service or an agent state holds
    /// this text (the trace list's filter).
    #[ts(optional)]
    pub run_text: Option<String>,
    /// Only runs at least this long.
    pub run_min_ns: u64,
}
