//! The state every reader shares while it reads one input: the store it
//! fills, the source's index, leniency counts, bounds, reused buffers. Each
//! format's reader (OTLP/JSON, OTLP protobuf, Jaeger, Zipkin) takes one.

use crate::lenient::Leniency;
use tracelens_model::{Attr, Event, Link, LinkKind, Sym, TraceStore};

/// Reader state shared by every seed of one input.
pub struct Ctx<'s> {
    pub store: &'s mut TraceStore,
    pub source: u32,
    pub len: Leniency,
    pub(crate) cur_scope: u32,
    pub spans_read: u64,
    /// Log records (and captured events) read.
    pub logs_read: u64,
    /// Interned `opentracing.ref_type`, to recover Jaeger FOLLOWS_FROM links.
    pub(crate) ref_type_key: Sym,
    /// Reused buffers (the protobuf decoder gathers a span's parts here).
    pub(crate) scratch_attrs: Vec<Attr>,
    pub(crate) scratch_events: Vec<Event>,
    pub(crate) scratch_links: Vec<Link>,
    /// The protobuf decoder's cache of recently interned strings.
    pub(crate) sym_cache: crate::sym_cache::SymCache,
    /// Whether JSON lines try the fast scanner first ([`read_json_bytes`]).
    pub(crate) fast: bool,
    /// Lines the fast scanner gave to the general reader.
    pub(crate) general_lines: u64,
    /// The largest record held whole (`ReadLimits::max_record`).
    pub(crate) max_record: u64,
    /// Objects of other OTLP signals (logs, metrics, profiles) passed over.
    pub(crate) other_signals: u64,
    /// Records left out because they could not be read, each said once;
    /// the read reports them as errors with the input's name.
    pub(crate) skipped: Vec<String>,
    /// The application log reader's last logger and service, with the
    /// scope and resource made of them: consecutive lines mostly share
    /// both, and a hit skips the store's content hashing.
    pub(crate) last_log_scope: Option<(Sym, u32)>,
    pub(crate) last_log_resource: Option<(Sym, u32)>,
}

impl<'s> Ctx<'s> {
    pub fn new(store: &'s mut TraceStore, source: u32) -> Self {
        let ref_type_key = store.intern("opentracing.ref_type");
        Ctx {
            store,
            source,
            len: Leniency::default(),
            cur_scope: 0,
            spans_read: 0,
            logs_read: 0,
            ref_type_key,
            scratch_attrs: Vec::new(),
            scratch_events: Vec::new(),
            scratch_links: Vec::new(),
            sym_cache: crate::sym_cache::SymCache::default(),
            fast: true,
            general_lines: 0,
            max_record: crate::read::ReadLimits::DEFAULT_MAX_RECORD,
            skipped: Vec::new(),
            other_signals: 0,
            last_log_scope: None,
            last_log_resource: None,
        }
    }
}

/// Jaeger's reference types survive OTLP as `opentracing.ref_type` on links
/// (the Collector's Jaeger translator writes it; so does our writer).
pub fn link_kind(store: &TraceStore, ref_type_key: Sym, attrs: &[Attr]) -> LinkKind {
    match attrs
        .iter()
        .find(|a| a.key == ref_type_key)
        .and_then(|a| store.value_str(&a.value))
    {
        Some("follows_from") => LinkKind::FollowsFrom,
        Some("child_of") => LinkKind::CrossTraceParent,
        _ => LinkKind::Link,
    }
}
