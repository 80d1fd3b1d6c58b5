//! Writing log records as OTLP/JSON Lines: one LogsData per line, grouped
//! by resource and scope like spans, so a file holds a trace's spans and
//! its records side by side, as the Collector's file exporter writes them.

use super::json::{write_envelope, Attrs, EnvelopeKeys, ValueOut};
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde::Serialize;
use std::io::Write;
use tracelens_model::{LogRecord, TraceStore};

/// Records per line.
const RECORDS_PER_LINE: usize = 1000;

/// Writes the given records (indices into `store.logs`) as OTLP/JSON Lines.
pub fn write_otlp_logs_jsonl<W: Write>(
    store: &TraceStore,
    logs: &[u32],
    mut out: W,
) -> std::io::Result<()> {
    for batch in logs.chunks(RECORDS_PER_LINE) {
        let groups = super::json::group_by(batch, |i| {
            let r = &store.logs[i as usize];
            (r.resource, r.scope)
        });
        let keys = EnvelopeKeys {
            top: b"resourceLogs",
            scoped: b"scopeLogs",
            items: b"logRecords",
        };
        write_envelope(store, &groups, keys, &mut out, |out, recs| {
            serde_json::to_writer(out, &Records(store, recs)).map_err(Into::into)
        })?;
    }
    out.flush()
}

struct Records<'a>(&'a TraceStore, &'a [u32]);
impl Serialize for Records<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.1.len()))?;
        for &i in self.1 {
            seq.serialize_element(&RecordOut(self.0, &self.0.logs[i as usize]))?;
        }
        seq.end()
    }
}

struct RecordOut<'a>(&'a TraceStore, &'a LogRecord);
impl Serialize for RecordOut<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (st, r) = (self.0, self.1);
        let mut m = s.serialize_map(None)?;
        if r.time_ns != 0 {
            m.serialize_entry("timeUnixNano", &r.time_ns.to_string())?;
        }
        if r.observed_ns != 0 {
            m.serialize_entry("observedTimeUnixNano", &r.observed_ns.to_string())?;
        }
        if r.severity != 0 {
            m.serialize_entry("severityNumber", &r.severity)?;
        }
        let text = st.resolve(r.severity_text);
        if !text.is_empty() {
            m.serialize_entry("severityText", text)?;
        }
        m.serialize_entry("body", &ValueOut(st, &r.body))?;
        if !r.attrs.is_empty() {
            m.serialize_entry("attributes", &Attrs(st, st.attrs_of(r.attrs)))?;
        }
        if r.flags != 0 {
            m.serialize_entry("flags", &r.flags)?;
        }
        if r.trace_id.is_valid() {
            m.serialize_entry("traceId", &r.trace_id.to_string())?;
        }
        if r.span_id.is_valid() {
            m.serialize_entry("spanId", &r.span_id.to_string())?;
        }
        let ev = st.resolve(r.event_name);
        if !ev.is_empty() {
            m.serialize_entry("eventName", ev)?;
        }
        m.end()
    }
}
