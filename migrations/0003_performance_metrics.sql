-- The audit's performance_metrics: one row per LLM call. Keyed by trace and
-- span (a lookup by trace reads a few granules); per-agent reports scan the
-- month partitions they need.
CREATE TABLE IF NOT EXISTS {db}.performance_metrics
(
    trace_id            String CODEC(ZSTD(1)),
    span_id             String CODEC(ZSTD(1)),
    user_id             String CODEC(ZSTD(1)),
    agent_name          LowCardinality(String),
    operation           LowCardinality(String),
    model               LowCardinality(String),
    timestamp           DateTime64(9) CODEC(Delta, ZSTD(1)),
    duration_ns         UInt64 CODEC(T64, ZSTD(1)),
    ttft_ms             Nullable(Float64),
    prompt_tokens       Nullable(Int64),
    completion_tokens   Nullable(Int64),
    total_tokens        Nullable(Int64),
    model_latency_ms    Nullable(Float64),
    network_latency_ms  Nullable(Float64)
)
ENGINE = ReplacingMergeTree
PARTITION BY toYYYYMM(timestamp)
ORDER BY (trace_id, span_id)
SETTINGS index_granularity = 8192, non_replicated_deduplication_window = 10000;
