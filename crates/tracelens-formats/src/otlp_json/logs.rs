//! OTLP/JSON logs: `resourceLogs` (and the older `instrumentationLibraryLogs`)
//! read into the store's log records, with the same seeds, leniency and
//! bounds as spans. A Collector file exporter's file mixes these lines with
//! trace lines; both are read.

use super::{
    next_key, AnyValue, Elem, EnumRaw, EnumVal, Id, Intern, Key, KeySet, KeyValue, Many, Num, One,
    ResourceObj, ScopeObj, ToArena, U64,
};
use crate::ctx::Ctx;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::fmt;
use tracelens_model::agent::LifecycleKind;
use tracelens_model::{Level, LogRecord, RecordKind, SpanId, TraceId};

pub(super) struct ResourceLogs;
impl Elem for ResourceLogs {
    type Out = ();
    fn read<'de, D: Deserializer<'de>>(ctx: &mut Ctx<'_>, d: D) -> Result<(), D::Error> {
        struct V<'c, 's>(&'c mut Ctx<'s>);
        impl<'de> Visitor<'de> for V<'_, '_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a ResourceLogs object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
                let ctx = self.0;
                let first = ctx.store.logs.len();
                let mut schema = None;
                let mut attrs = None;
                while let Some(k) = next_key::<A, ResLogsKey>(&mut map, &mut ctx.len)? {
                    match k {
                        ResLogsKey::Resource => {
                            attrs = Some(map.next_value_seed(One::<ResourceObj>::new(ctx))?);
                        }
                        ResLogsKey::ScopeLogs | ResLogsKey::LibraryLogs => {
                            map.next_value_seed(Many::<ScopeLogs>::new(ctx))?;
                        }
                        ResLogsKey::SchemaUrl => schema = Some(map.next_value_seed(Intern(ctx))?),
                        ResLogsKey::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                ctx.store.set_log_resource_from(first, attrs, schema);
                Ok(())
            }
        }
        d.deserialize_map(V(ctx))
    }
}

keys!(ResLogsKey {
    Resource = "resource",
    ScopeLogs = "scopeLogs" | "scope_logs",
    LibraryLogs = "instrumentationLibraryLogs" | "instrumentation_library_logs",
    SchemaUrl = "schemaUrl" | "schema_url",
});

keys!(ScopeLogsKey {
    Scope = "scope",
    Library = "instrumentationLibrary" | "instrumentation_library",
    LogRecords = "logRecords" | "log_records",
});

struct ScopeLogs;
impl Elem for ScopeLogs {
    type Out = ();
    fn read<'de, D: Deserializer<'de>>(ctx: &mut Ctx<'_>, d: D) -> Result<(), D::Error> {
        struct V<'c, 's>(&'c mut Ctx<'s>);
        impl<'de> Visitor<'de> for V<'_, '_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a ScopeLogs object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
                let ctx = self.0;
                let first = ctx.store.logs.len();
                ctx.cur_scope = 0;
                while let Some(k) = next_key::<A, ScopeLogsKey>(&mut map, &mut ctx.len)? {
                    match k {
                        ScopeLogsKey::Scope | ScopeLogsKey::Library => {
                            let idx = map.next_value_seed(One::<ScopeObj>::new(ctx))?;
                            ctx.cur_scope = idx;
                            for r in &mut ctx.store.logs[first..] {
                                r.scope = idx;
                            }
                        }
                        ScopeLogsKey::LogRecords => {
                            map.next_value_seed(Many::<LogRecordObj>::new(ctx))?;
                        }
                        ScopeLogsKey::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                ctx.cur_scope = 0;
                Ok(())
            }
        }
        d.deserialize_map(V(ctx))
    }
}

keys!(LogKey {
    Time = "timeUnixNano" | "time_unix_nano",
    Observed = "observedTimeUnixNano" | "observed_time_unix_nano",
    SeverityNumber = "severityNumber" | "severity_number",
    SeverityText = "severityText" | "severity_text",
    Body = "body",
    Attributes = "attributes",
    Flags = "flags",
    TraceId = "traceId" | "trace_id",
    SpanId = "spanId" | "span_id",
    EventName = "eventName" | "event_name",
});

struct LogRecordObj;
impl Elem for LogRecordObj {
    type Out = ();
    fn read<'de, D: Deserializer<'de>>(ctx: &mut Ctx<'_>, d: D) -> Result<(), D::Error> {
        struct V<'c, 's>(&'c mut Ctx<'s>);
        impl<'de> Visitor<'de> for V<'_, '_> {
            type Value = ();
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a LogRecord object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
                let ctx = self.0;
                let mut rec = LogRecord::blank(ctx.store.empty(), ctx.source);
                rec.scope = ctx.cur_scope;
                while let Some(k) = next_key::<A, LogKey>(&mut map, &mut ctx.len)? {
                    match k {
                        LogKey::Time => rec.time_ns = map.next_value::<Num<U64>>()?.0 as u64,
                        LogKey::Observed => {
                            rec.observed_ns = map.next_value::<Num<U64>>()?.0 as u64
                        }
                        LogKey::SeverityNumber => {
                            rec.severity = match map.next_value_seed(EnumVal(ctx))? {
                                EnumRaw::Int(i) => u8::try_from(i).ok().filter(|n| *n <= 24),
                                EnumRaw::Name(n) => Level::parse(&n).map(Level::number),
                            }
                            .unwrap_or_else(|| {
                                ctx.len.odd_values += 1;
                                0
                            })
                        }
                        LogKey::SeverityText => {
                            rec.severity_text = map.next_value_seed(Intern(ctx))?
                        }
                        LogKey::Body => {
                            rec.body = map.next_value_seed(One::<AnyValue>::new(ctx))?
                        }
                        LogKey::Attributes => {
                            rec.attrs = map.next_value_seed(ToArena::<KeyValue>::new(ctx))?
                        }
                        LogKey::Flags => rec.flags = map.next_value::<Num<U64>>()?.0 as u32,
                        LogKey::TraceId => {
                            rec.trace_id = TraceId(map.next_value_seed(Id(ctx, 16))?)
                        }
                        LogKey::SpanId => {
                            rec.span_id = SpanId(map.next_value_seed(Id(ctx, 8))? as u64)
                        }
                        LogKey::EventName => rec.event_name = map.next_value_seed(Intern(ctx))?,
                        LogKey::Other => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                settle(ctx, &mut rec);
                ctx.store.logs.push(rec);
                ctx.logs_read += 1;
                Ok(())
            }
        }
        d.deserialize_map(V(ctx))
    }
}

/// What every reader of records does once a record is read: a severity
/// from its text when no number came, the event name from the older
/// `event.name` attribute, and the record's kind.
pub(crate) fn settle(ctx: &mut Ctx<'_>, rec: &mut LogRecord) {
    let store = &*ctx.store;
    if rec.severity == 0 && rec.severity_text != store.empty() {
        if let Some(l) = Level::parse(store.resolve(rec.severity_text)) {
            rec.severity = l.number();
        }
    }
    if rec.event_name == store.empty() {
        if let Some(k) = store.lookup("event.name") {
            if let Some(v) = store
                .attrs_of(rec.attrs)
                .iter()
                .find(|a| a.key == k)
                .and_then(|a| match a.value {
                    tracelens_model::AttrValue::Str(s) => Some(s),
                    _ => None,
                })
            {
                rec.event_name = v;
            }
        }
    }
    rec.kind = if rec.event_name == store.empty() {
        RecordKind::Log
    } else if LifecycleKind::parse(store.resolve(rec.event_name)).is_some() {
        RecordKind::Lifecycle
    } else {
        RecordKind::Event
    };
}
