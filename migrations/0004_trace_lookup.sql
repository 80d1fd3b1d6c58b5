-- "Query any execution by trace_id" must read a few granules: a lookup of
-- each trace's time range, kept by a materialized view over
-- agent_executions (as the Collector's otel_traces_trace_id_ts does for
-- otel_traces). Readers take min(start)/max(end) for the id, then read the
-- partitions of that range only.
CREATE TABLE IF NOT EXISTS {db}.agent_trace_id_ts
(
    trace_id String CODEC(ZSTD(1)),
    start    SimpleAggregateFunction(min, DateTime64(9)),
    end      SimpleAggregateFunction(max, DateTime64(9))
)
ENGINE = AggregatingMergeTree
ORDER BY trace_id;

CREATE MATERIALIZED VIEW IF NOT EXISTS {db}.agent_trace_id_ts_mv TO {db}.agent_trace_id_ts AS
SELECT
    trace_id,
    min(start_time) AS start,
    max(ifNull(end_time, start_time)) AS end
FROM {db}.agent_executions
GROUP BY trace_id;
