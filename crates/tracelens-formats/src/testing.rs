//! Test support shared by the cross-crate tests and the fuzz targets: not
//! part of the API.

use crate::ctx::Ctx;
use crate::otlp_json::read_json_bytes;
use std::fmt::Write as _;
use tracelens_model::{AttrValue, Range, TraceStore};

/// Reads JSON Lines in memory on this thread, with the fast scanner or
/// with the general reader only. Returns the errors (as the reader reports
/// them) and how many lines the scanner gave to the general reader.
pub fn read_lines(
    store: &mut TraceStore,
    bytes: &[u8],
    fast: bool,
) -> (Vec<crate::ReadError>, u64) {
    let source = store.add_source("test");
    let mut ctx = Ctx::new(store, source);
    ctx.fast = fast;
    let mut errors = Vec::new();
    for (i, line) in bytes.split(|&b| b == b'\n').enumerate() {
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            continue;
        }
        if let Err(e) = read_json_bytes(&mut ctx, line) {
            errors.push(crate::jsonval::error_at("test", 1 + i as u64, &e));
        }
    }
    let general = ctx.general_lines;
    let len = std::mem::take(&mut ctx.len);
    drop(ctx);
    len.report(store, "test");
    (errors, general)
}

/// Reads `bytes` as one JSON document in memory on this thread, the same
/// two ways. (Kept apart from `read_lines`: a shared loop over lines or a
/// document made the bench's in-memory figures, which use `read_lines`,
/// some 15% slower.)
fn read_document(store: &mut TraceStore, bytes: &[u8], fast: bool) -> (Vec<crate::ReadError>, u64) {
    let source = store.add_source("test");
    let mut ctx = Ctx::new(store, source);
    ctx.fast = fast;
    let errors = match read_json_bytes(&mut ctx, bytes) {
        Ok(()) => Vec::new(),
        Err(e) => vec![crate::jsonval::error_at("test", 1, &e)],
    };
    let general = ctx.general_lines;
    let len = std::mem::take(&mut ctx.len);
    drop(ctx);
    len.report(store, "test");
    (errors, general)
}

/// Reads `bytes` as JSON Lines both ways and compares the stores by
/// content and the errors by text. `Ok` holds the number of lines the
/// scanner gave to the general reader; `Err` says where the two differ.
pub fn fast_and_general(bytes: &[u8]) -> Result<u64, String> {
    compare(bytes, true)
}

/// The same for `bytes` as one JSON document (pretty-printed, say).
pub fn fast_and_general_document(bytes: &[u8]) -> Result<u64, String> {
    compare(bytes, false)
}

fn compare(bytes: &[u8], lines: bool) -> Result<u64, String> {
    let mut fast = TraceStore::new();
    let read = if lines { read_lines } else { read_document };
    let (fast_errors, general) = read(&mut fast, bytes, true);
    let mut slow = TraceStore::new();
    let (slow_errors, _) = read(&mut slow, bytes, false);
    let errs =
        |e: Vec<crate::ReadError>| -> Vec<String> { e.iter().map(|e| e.to_string()).collect() };
    let (fe, se) = (errs(fast_errors), errs(slow_errors));
    let input = String::from_utf8_lossy(bytes);
    if fe != se {
        return Err(format!(
            "errors differ (fast, general): {fe:?} {se:?}\ninput: {input:?}"
        ));
    }
    let (a, b) = (dump(&fast), dump(&slow));
    if a != b {
        let diff: Vec<_> = a
            .lines()
            .zip(b.lines())
            .filter(|(x, y)| x != y)
            .take(3)
            .collect();
        return Err(format!(
            "stores differ (fast, general): {diff:#?}\ninput: {input:?}"
        ));
    }
    Ok(general)
}

fn value(store: &TraceStore, v: &AttrValue, out: &mut String) {
    match v {
        AttrValue::Empty => out.push_str("empty"),
        AttrValue::Str(s) => {
            let _ = write!(out, "str({:?})", store.resolve(*s));
        }
        AttrValue::Text(t) => {
            let _ = write!(out, "text({t:?})");
        }
        AttrValue::Bool(b) => {
            let _ = write!(out, "bool({b})");
        }
        AttrValue::Int(i) => {
            let _ = write!(out, "int({i})");
        }
        AttrValue::Double(d) => {
            let _ = write!(out, "double({:#x})", d.to_bits());
        }
        AttrValue::Bytes(b) => {
            let _ = write!(out, "bytes({b:?})");
        }
        AttrValue::Array(a) => {
            out.push('[');
            for x in a.iter() {
                value(store, x, out);
                out.push(',');
            }
            out.push(']');
        }
        AttrValue::KvList(kv) => {
            out.push('{');
            attrs(store, kv, out);
            out.push('}');
        }
    }
}

fn attrs(store: &TraceStore, a: &[tracelens_model::Attr], out: &mut String) {
    for x in a {
        write!(out, "{:?}=", store.resolve(x.key)).ok();
        value(store, &x.value, out);
        out.push(';');
    }
}

fn range(store: &TraceStore, r: Range, out: &mut String) {
    write!(out, "@{}+{} ", r.start, r.len).ok();
    attrs(store, store.attrs_of(r), out);
}

/// Everything in the store, strings resolved (symbol numbers may differ
/// where the scanner interned a string before it gave a line up).
pub fn dump(store: &TraceStore) -> String {
    let mut out = String::new();
    let s = |x| store.resolve(x);
    writeln!(
        out,
        "arenas: {} attrs, {} events, {} links",
        store.attrs.len(),
        store.events.len(),
        store.links.len()
    )
    .ok();
    for r in &store.resources {
        write!(
            out,
            "resource {:?} {:?} ",
            s(r.service_name),
            s(r.schema_url)
        )
        .ok();
        attrs(store, &r.attrs, &mut out);
        out.push('\n');
    }
    for sc in &store.scopes {
        write!(out, "scope {:?} {:?} ", s(sc.name), s(sc.version)).ok();
        attrs(store, &sc.attrs, &mut out);
        out.push('\n');
    }
    for sp in &store.spans {
        write!(
            out,
            "span {:032x} {:016x} {:016x} {} {:?} {:?} {:?} {:?} r{} s{} src{} f{} {:?} {:?} ",
            sp.trace_id.0,
            sp.span_id.0,
            sp.parent_span_id.0,
            sp.start_ns,
            sp.end_ns,
            s(sp.name),
            s(sp.trace_state),
            s(sp.status_message),
            sp.resource,
            sp.scope,
            sp.source,
            sp.flags,
            sp.kind,
            sp.status,
        )
        .ok();
        range(store, sp.attrs, &mut out);
        for e in store.events_of(sp.events) {
            write!(out, " event {} {:?} ", e.time_ns, s(e.name)).ok();
            range(store, e.attrs, &mut out);
        }
        for l in store.links_of(sp.links) {
            write!(
                out,
                " link {:032x} {:016x} {:?} {} {:?} ",
                l.trace_id.0,
                l.span_id.0,
                s(l.trace_state),
                l.flags,
                l.kind
            )
            .ok();
            range(store, l.attrs, &mut out);
        }
        out.push('\n');
    }
    for w in &store.warnings {
        writeln!(out, "warning {w:?}").ok();
    }
    out
}
