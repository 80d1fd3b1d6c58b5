-- The audit's agent_events: lifecycle events (agent_started, agent_thinking,
-- tool_executing, tool_completed, agent_completed) placed on their spans.
-- ReplacingMergeTree on (trace_id, span_id, timestamp, event_type): the same
-- event sent twice is one row after merges.
CREATE TABLE IF NOT EXISTS {db}.agent_events
(
    trace_id    String CODEC(ZSTD(1)),
    span_id     String CODEC(ZSTD(1)),
    user_id     String CODEC(ZSTD(1)),
    agent_name  LowCardinality(String),
    event_type  LowCardinality(String),
    timestamp   DateTime64(9) CODEC(Delta, ZSTD(1)),
    data        String CODEC(ZSTD(3)),
    INDEX idx_user_id user_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(timestamp)
ORDER BY (trace_id, span_id, timestamp, event_type)
SETTINGS index_granularity = 8192, non_replicated_deduplication_window = 10000;
