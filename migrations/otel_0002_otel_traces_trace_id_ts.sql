-- The Collector's trace-id lookup: each trace's time range, so that fetching
-- a trace reads the partitions of that range only.
CREATE TABLE IF NOT EXISTS {db}.otel_traces_trace_id_ts
(
    TraceId String CODEC(ZSTD(1)),
    Start SimpleAggregateFunction(min, DateTime),
    End SimpleAggregateFunction(max, DateTime),
    INDEX idx_trace_id TraceId TYPE bloom_filter(0.01) GRANULARITY 1
)
ENGINE = AggregatingMergeTree
ORDER BY TraceId
SETTINGS index_granularity = 8192;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.otel_traces_trace_id_ts_mv TO {db}.otel_traces_trace_id_ts AS
SELECT
    TraceId,
    min(toDateTime(Timestamp)) AS Start,
    max(toDateTime(Timestamp)) AS End
FROM {db}.otel_traces
WHERE TraceId != ''
GROUP BY TraceId;
