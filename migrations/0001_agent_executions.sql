-- The audit's agent_executions, repaired. One row per agent execution (an
-- agent span). ReplacingMergeTree on the span's identity: re-importing or
-- re-sending an execution (a later state: running -> completed) replaces the
-- row at merge time; readers use FINAL or argMax(version).
-- ORDER BY starts with trace_id so that "every execution of a trace" reads a
-- few granules; user_id and correlation lookups go through the skip indexes.
CREATE TABLE IF NOT EXISTS {db}.agent_executions
(
    trace_id        String CODEC(ZSTD(1)),
    span_id         String CODEC(ZSTD(1)),
    execution_id    String CODEC(ZSTD(1)),
    parent_span_id  String CODEC(ZSTD(1)),
    correlation_id  String CODEC(ZSTD(1)),
    request_id      String CODEC(ZSTD(1)),
    user_id         String CODEC(ZSTD(1)),
    thread_id       String CODEC(ZSTD(1)),
    agent_name      LowCardinality(String),
    operation       LowCardinality(String),
    service_name    LowCardinality(String),
    start_time      DateTime64(9) CODEC(Delta, ZSTD(1)),
    end_time        Nullable(DateTime64(9)),
    duration_ns     UInt64 CODEC(T64, ZSTD(1)),
    state           Enum8('pending' = 1, 'running' = 2, 'completed' = 3, 'failed' = 4, 'timeout' = 5, 'dead' = 6),
    state_reason    String CODEC(ZSTD(1)),
    error_message   String CODEC(ZSTD(1)),
    metadata        String CODEC(ZSTD(3)),
    version         UInt64,
    INDEX idx_execution_id execution_id TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_user_id user_id TYPE bloom_filter(0.01) GRANULARITY 1,
    INDEX idx_correlation_id correlation_id TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_request_id request_id TYPE bloom_filter(0.001) GRANULARITY 1,
    INDEX idx_thread_id thread_id TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = ReplacingMergeTree(version)
PARTITION BY toYYYYMM(start_time)
ORDER BY (trace_id, span_id)
SETTINGS index_granularity = 8192, non_replicated_deduplication_window = 10000;
