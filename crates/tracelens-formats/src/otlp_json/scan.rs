//! The fast path for one line of OTLP/JSON: a scanner written for this one
//! schema, that walks the line's bytes once and builds spans as it goes.
//!
//! Why not serde: the general reader (the parent module) goes through
//! serde's visitor machinery for every key and value, and a profile shows
//! that machinery, not the model, is most of the cost. Here keys are matched
//! on the raw bytes, strings are borrowed from the line (unescaped into a
//! scratch buffer only when they hold an escape), ids and times are decoded
//! from their text in place, and the line's UTF-8 is checked once.
//!
//! It takes only what it can read exactly as the general reader would, and
//! gives up ([`Bail`]) on anything else: enum names, bare values, nulls, an
//! odd type, a syntax error, nesting near serde_json's limit. The caller then
//! takes back what this added ([`TraceStore::rollback`]) and reads the line
//! again with the general reader, which reports the error or the leniency.
//! So the two agree on every input; tests and a fuzz target check that they
//! do, store for store.

use super::{
    bytes_value, link_kind, AnyKey, Ctx, EventKey, Key, KeySet, KvKey, ResKey, ResourceKey,
    ScopeKey, ScopeSpansKey, SpanKey, StatusKey, TopKey, ValuesKey,
};
use crate::lenient::decode_id_text;
use tracelens_model::{
    Attr, AttrValue, Event, Link, Range, Span, SpanId, SpanKind, StatusCode, Sym, TraceId,
    TraceStore,
};

/// The line is not one the fast path reads exactly: use the general reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bail;

type R<T> = Result<T, Bail>;

/// Deeper than this, give up: serde_json refuses nesting past 128, and what
/// the fast path accepts must be what the general reader accepts.
const MAX_DEPTH: u32 = 100;

/// Reads one line (one TracesData object) into `ctx`. On `Err(Bail)` the
/// store may hold part of the line: the caller rolls it back.
pub fn read_line(ctx: &mut Ctx<'_>, line: &[u8]) -> R<()> {
    let text = std::str::from_utf8(line).map_err(|_| Bail)?;
    let mut s = Scan {
        s: text,
        b: line,
        i: 0,
        depth: 0,
        scratch: String::new(),
    };
    s.ws();
    traces_data(&mut s, ctx)?;
    s.ws();
    if s.i == s.b.len() {
        Ok(())
    } else {
        Err(Bail)
    }
}

/// A cursor over one line, already known to be UTF-8.
struct Scan<'a> {
    s: &'a str,
    b: &'a [u8],
    i: usize,
    depth: u32,
    /// Where a string with escapes is unescaped.
    scratch: String,
}

impl<'a> Scan<'a> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.i += 1;
        }
    }

    #[inline]
    fn eat(&mut self, c: u8) -> R<()> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// Enters an object or array at its opening byte.
    #[inline]
    fn open(&mut self, c: u8) -> R<()> {
        self.eat(c)?;
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(Bail);
        }
        Ok(())
    }

    /// Whether another member of the object or array being read follows
    /// (then the cursor is at it), or its `close` byte ends it. JSON's
    /// commas: none before the first member, one before each other one.
    #[inline]
    fn more(&mut self, first: &mut bool, close: u8) -> R<bool> {
        self.ws();
        match self.peek() {
            Some(c) if c == close => {
                self.i += 1;
                self.depth -= 1;
                Ok(false)
            }
            _ if *first => {
                *first = false;
                Ok(true)
            }
            Some(b',') => {
                self.i += 1;
                self.ws();
                Ok(true)
            }
            _ => Err(Bail),
        }
    }

    /// The next key of an object entered with `open(b'{')`, or `None` at its
    /// end. Leaves the cursor at the key's value. Keys with escapes bail.
    #[inline]
    fn next_key(&mut self, first: &mut bool) -> R<Option<&'a [u8]>> {
        if !self.more(first, b'}')? {
            return Ok(None);
        }
        self.eat(b'"')?;
        let start = self.i;
        let end = find_special(self.b, start);
        if self.b.get(end) != Some(&b'"') {
            return Err(Bail);
        }
        self.i = end + 1;
        self.ws();
        self.eat(b':')?;
        self.ws();
        Ok(Some(&self.b[start..end]))
    }

    /// Whether an array entered with `open(b'[')` has another element;
    /// leaves the cursor at it.
    #[inline]
    fn next_elem(&mut self, first: &mut bool) -> R<bool> {
        self.more(first, b']')
    }

    /// A string value, borrowed from the line when it has no escapes.
    #[inline]
    fn string(&mut self) -> R<&str> {
        self.eat(b'"')?;
        let start = self.i;
        let end = find_special(self.b, start);
        match self.b.get(end) {
            Some(b'"') => {
                self.i = end + 1;
                // Cut at ASCII quotes, so always on char boundaries.
                self.s.get(start..end).ok_or(Bail)
            }
            Some(b'\\') => self.unescape(start, end),
            _ => Err(Bail),
        }
    }

    /// The rest of a string that holds an escape at `esc`, into `scratch`.
    fn unescape(&mut self, start: usize, mut esc: usize) -> R<&str> {
        self.scratch.clear();
        self.scratch.push_str(self.s.get(start..esc).ok_or(Bail)?);
        loop {
            // At a backslash.
            let c = *self.b.get(esc + 1).ok_or(Bail)?;
            let mut next = esc + 2;
            match c {
                b'"' => self.scratch.push('"'),
                b'\\' => self.scratch.push('\\'),
                b'/' => self.scratch.push('/'),
                b'b' => self.scratch.push('\u{8}'),
                b'f' => self.scratch.push('\u{c}'),
                b'n' => self.scratch.push('\n'),
                b'r' => self.scratch.push('\r'),
                b't' => self.scratch.push('\t'),
                b'u' => {
                    let hi = hex4(self.b, next)?;
                    next += 4;
                    let cp = if (0xD800..0xDC00).contains(&hi) {
                        // A surrogate pair: the low half must follow.
                        if self.b.get(next) != Some(&b'\\') || self.b.get(next + 1) != Some(&b'u') {
                            return Err(Bail);
                        }
                        let lo = hex4(self.b, next + 2)?;
                        if !(0xDC00..0xE000).contains(&lo) {
                            return Err(Bail);
                        }
                        next += 6;
                        0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                    } else {
                        hi
                    };
                    self.scratch.push(char::from_u32(cp).ok_or(Bail)?);
                }
                _ => return Err(Bail),
            }
            let end = find_special(self.b, next);
            self.scratch.push_str(self.s.get(next..end).ok_or(Bail)?);
            match self.b.get(end) {
                Some(b'"') => {
                    self.i = end + 1;
                    return Ok(&self.scratch);
                }
                Some(b'\\') => esc = end,
                _ => return Err(Bail),
            }
        }
    }

    /// A JSON number's text, checked against the JSON grammar.
    fn number(&mut self) -> R<&'a str> {
        let start = self.i;
        if self.peek() == Some(b'-') {
            self.i += 1;
        }
        match self.peek() {
            Some(b'0') => self.i += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(Bail),
        }
        if self.peek() == Some(b'.') {
            self.i += 1;
            self.digits1()?;
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.i += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.i += 1;
            }
            self.digits1()?;
        }
        self.s.get(start..self.i).ok_or(Bail)
    }

    fn digits(&mut self) {
        while let Some(b'0'..=b'9') = self.peek() {
            self.i += 1;
        }
    }

    fn digits1(&mut self) -> R<()> {
        let at = self.i;
        self.digits();
        if self.i == at {
            Err(Bail)
        } else {
            Ok(())
        }
    }

    fn literal(&mut self, word: &[u8]) -> R<()> {
        if self.b.get(self.i..self.i + word.len()) == Some(word) {
            self.i += word.len();
            Ok(())
        } else {
            Err(Bail)
        }
    }

    /// Skips any value, checking its syntax as serde_json would.
    fn skip(&mut self) -> R<()> {
        match self.peek() {
            Some(b'"') => self.string().map(|_| ()),
            Some(b'{') => {
                self.open(b'{')?;
                let mut first = true;
                while self.next_key(&mut first)?.is_some() {
                    self.skip()?;
                }
                Ok(())
            }
            Some(b'[') => {
                self.open(b'[')?;
                let mut first = true;
                while self.next_elem(&mut first)? {
                    self.skip()?;
                }
                Ok(())
            }
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            _ => self.number().map(|_| ()),
        }
    }

    /// A string's text as it stands between its quotes, escapes undecoded
    /// (for numbers given as text: an escape in one is not a digit).
    fn raw_string(&mut self) -> R<&'a str> {
        let start = self.i + 1;
        self.string()?;
        self.s.get(start..self.i - 1).ok_or(Bail)
    }

    /// An unsigned integer as the general reader's `Num<U64>` takes it:
    /// decimal text or a plain JSON integer. Anything else bails.
    fn u64_value(&mut self) -> R<u64> {
        let text = if self.peek() == Some(b'"') {
            self.raw_string()?
        } else {
            let t = self.number()?;
            if t.starts_with('-') {
                return Err(Bail);
            }
            t
        };
        parse_u64(text)
    }

    /// A signed integer as `Num<I64>` takes it: decimal text within i64,
    /// or a JSON integer, negative within i64 (serde_json's visit_i64),
    /// positive within u64 (visit_u64) and clamped as there.
    fn i64_value(&mut self) -> R<i64> {
        let quoted = self.peek() == Some(b'"');
        let text = if quoted {
            self.raw_string()?
        } else {
            self.number()?
        };
        match text.strip_prefix('-') {
            Some(d) => {
                let v = parse_u64(d)?;
                if v <= i64::MAX as u64 + 1 {
                    Ok((v as i64).wrapping_neg())
                } else {
                    Err(Bail)
                }
            }
            None if quoted => i64::try_from(parse_u64(text)?).map_err(|_| Bail),
            None => Ok(parse_u64(text)?.min(i64::MAX as u64) as i64),
        }
    }

    /// An enum as its integer (the general reader's `EnumVal::Int`). Not
    /// `-0`: serde_json reads that as a float, which an enum refuses.
    fn enum_value(&mut self) -> R<i64> {
        if self.peek() == Some(b'"') || self.b.get(self.i..self.i + 2) == Some(b"-0") {
            return Err(Bail);
        }
        self.i64_value()
    }

    /// A double given as a JSON number: parsed by serde_json itself, so that
    /// every digit rounds as in the general reader.
    fn f64_value(&mut self) -> R<f64> {
        if self.peek() == Some(b'"') {
            return Err(Bail);
        }
        let t = self.number()?;
        serde_json::from_str::<f64>(t).map_err(|_| Bail)
    }

    fn bool_value(&mut self) -> R<bool> {
        match self.peek() {
            Some(b't') => self.literal(b"true").map(|_| true),
            Some(b'f') => self.literal(b"false").map(|_| false),
            _ => Err(Bail),
        }
    }
}

/// Decimal digits to u64; empty, a non-digit or overflow bails.
#[inline]
fn parse_u64(t: &str) -> R<u64> {
    if t.is_empty() || t.len() > 20 {
        return Err(Bail);
    }
    let mut v: u64 = 0;
    for &c in t.as_bytes() {
        let d = c.wrapping_sub(b'0');
        if d > 9 {
            return Err(Bail);
        }
        v = v
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d)))
            .ok_or(Bail)?;
    }
    Ok(v)
}

/// Four hex digits at `at`.
fn hex4(b: &[u8], at: usize) -> R<u32> {
    let digits = b.get(at..at + 4).ok_or(Bail)?;
    let mut v = 0u32;
    for &c in digits {
        let d = (c as char).to_digit(16).ok_or(Bail)?;
        v = (v << 4) | d;
    }
    Ok(v)
}

/// The index of the first `"`, `\` or control byte at or after `i`, or the
/// length. Eight bytes at a time (SWAR): most strings are short ASCII.
#[inline]
fn find_special(b: &[u8], mut i: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    while let Some(chunk) = b.get(i..i + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(chunk);
        let w = u64::from_le_bytes(w);
        // A byte of zero in x sets its high bit in has_zero(x); bytes below
        // 0x20 set it in (w - 0x20..) & !w. Only bytes above the first hit
        // can be false positives, so the lowest flag is exact.
        let has_zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
        let flags = has_zero(w ^ (ONES * u64::from(b'"')))
            | has_zero(w ^ (ONES * u64::from(b'\\')))
            | (w.wrapping_sub(ONES * 0x20) & !w & HIGH);
        if flags != 0 {
            return i + (flags.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            return i;
        }
        i += 1;
    }
    b.len()
}

// ---------------------------------------------------------------------------
// The OTLP objects, each as the general reader reads it.

/// Matches a key, counting snake_case spellings as the general reader does.
#[inline]
fn key<T: KeySet>(ctx: &mut Ctx<'_>, raw: &[u8]) -> T {
    let Key(k, snake) = T::parse(raw);
    if snake {
        ctx.len.snake_case_keys += 1;
    }
    k
}

#[inline]
fn intern(s: &mut Scan<'_>, ctx: &mut Ctx<'_>) -> R<Sym> {
    let text = s.string()?;
    Ok(ctx.sym_cache.intern(ctx.store, text))
}

fn id(s: &mut Scan<'_>, ctx: &mut Ctx<'_>, bytes: usize) -> R<u128> {
    let text = s.string()?;
    Ok(decode_id_text(text, bytes, &mut ctx.len).unwrap_or(0))
}

/// Reads an array, `elem` reading each element.
#[inline]
fn each(
    s: &mut Scan<'_>,
    ctx: &mut Ctx<'_>,
    mut elem: impl FnMut(&mut Scan<'_>, &mut Ctx<'_>) -> R<()>,
) -> R<()> {
    s.open(b'[')?;
    let mut f = true;
    while s.next_elem(&mut f)? {
        elem(s, ctx)?;
    }
    Ok(())
}

fn traces_data(s: &mut Scan<'_>, ctx: &mut Ctx<'_>) -> R<()> {
    s.open(b'{')?;
    let mut first = true;
    while let Some(k) = s.next_key(&mut first)? {
        match key::<TopKey>(ctx, k) {
            TopKey::ResourceSpans => each(s, ctx, resource_spans)?,
            // Wrappers (Tempo's batches, Jaeger's api_v3 result), other
            // signals and unknown objects: the general reader decides,
            // and names what it found.
            TopKey::Batches | TopKey::Result | TopKey::ResourceLogs | TopKey::Other => {
                return Err(Bail)
            }
        }
    }
    Ok(())
}

fn resource_spans(s: &mut Scan<'_>, ctx: &mut Ctx<'_>) -> R<()> {
    let first_span = ctx.store.spans.len();
    let mut schema = None;
    let mut attrs = None;
    s.open(b'{')?;
    let mut first = true;
    while let Some(k) = s.next_key(&mut first)? {
        match key::<ResKey>(ctx, k) {
            ResKey::Resource => attrs = Some(resource(s, ctx)?),
            ResKey::ScopeSpans | ResKey::LibrarySpans => each(s, ctx, scope_spans)?,
            ResKey::SchemaUrl => schema = Some(intern(s, ctx)?),
            ResKey::Other => s.skip()?,
        }
    }
    ctx.store.set_resource_from(first_span, attrs, schema);
    Ok(())
}

fn resource(s: &mut Scan<'_>, ctx: &mut Ctx<'_>) -> R<Box<[Attr]>> {
    let mut attrs: Box<[Attr]> = Box::new([]);
    s.open(b'{')?;
    let mut first = true;
    while let Some(k) = s.next_key(&mut first)? {
        match key::<ResourceKey>(ctx, k) {
            ResourceKey::Attributes => attrs = key_values(s, ctx)?.into_boxed_slice(),
            ResourceKey::Other => s.skip()?,
        }
    }
    Ok(attrs)
}

fn scope_spans(s: &mut Scan<'_>, ctx: &mut Ctx<'_>) -> R<()> {
    let first_span = ctx.store.spans.len();
    ctx.cur_scope = 0;
    s.open(b'{')?;
    let mut first = true;
    while let Some(k) = s.next_key(&mut first)? {
        match key::<ScopeSpansKey>(ctx, k) {
            ScopeSpansKey::Scope | ScopeSpansKey::Library => {
                let idx = scope(s, ctx)?;
                ctx.cur_scope = idx;
                for sp in &mut ctx.store.spans[first_span..] {
                    sp.scope = idx;
                }
            }
            ScopeSpansKey::Spans => each(s, ctx, span)?,
            ScopeSpansKey::Other => s.skip()?,
        }
    }
    ctx.cur_scope = 0;
    Ok(())
}

fn scope(s: &mut Scan<'_>, ctx: &mut Ctx<'_>) -> R<u32> {
    let empty = ctx.store.empty();
    let (mut name, mut version) = (empty, empty);
    let mut attrs: Box<[Attr]> = Box::new([]);
    s.open(b'{')?;
    let mut first = true;
    while let Some(k) = s.next_key(&mut first)? {
        match key::<ScopeKey>(ctx, k) {
            ScopeKey::Name => name = intern(s, ctx)?,
            ScopeKey::Version => version = intern(s, ctx)?,
            ScopeKey::Attributes => attrs = key_values(s, ctx)?.into_boxed_slice(),
            ScopeKey::Other => s.skip()?,
        }
    }
    Ok(ctx.store.add_scope(name, version, attrs))
}

fn span(s: &mut Scan<'_>, ctx: &mut Ctx<'_>) -> R<()> {
    let mut span = Span::blank(ctx.store.empty(), ctx.cur_scope, ctx.source);
    s.open(b'{')?;
    let mut first = true;
    while let Some(k) = s.next_key(&mut first)? {
        match key::<SpanKey>(ctx, k) {
            SpanKey::TraceId => span.trace_id = TraceId(id(s, ctx, 16)?),
            SpanKey::SpanId => span.span_id = SpanId(id(s, ctx, 8)? as u64),
            SpanKey::ParentSpanId => span.parent_span_id = SpanId(id(s, ctx, 8)? as u64),
            SpanKey::TraceState => span.trace_state = intern(s, ctx)?,
            SpanKey::Name => span.name = intern(s, ctx)?,
            SpanKey::Kind => {
                span.kind = SpanKind::from_i64(s.enum_value()?).unwrap_or_else(|| {
                    ctx.len.odd_values += 1;
                    SpanKind::Unspecified
                })
            }
            SpanKey::Start => span.start_ns = s.u64_value()?,
            SpanKey::End => {
                let e = s.u64_value()?;
                span.end_ns = (e != 0).then_some(e);
            }
            SpanKey::Attributes => span.attrs = attrs_to_arena(s, ctx)?,
            SpanKey::Events => span.events = to_arena(s, ctx, |st| &mut st.events, event)?,
            SpanKey::Links => span.links = to_arena(s, ctx, |st| &mut st.links, link)?,
            SpanKey::Status => (span.status, span.status_message) = status(s, ctx)?,
            SpanKey::Flags => span.flags = s.u64_value()? as u32,
            SpanKey::Other => s.skip()?,
        }
    }
    ctx.store.spans.push(span);
    ctx.spans_read += 1;
    Ok(())
}

/// An array of `T` appended to its arena in the store (`arena`); yields
/// the range. Elements may push to other arenas while they are read (an
/// event's attributes), never to this one, so the run stays contiguous.
#[inline]
fn to_arena<T>(
    s: &mut Scan<'_>,
    ctx: &mut Ctx<'_>,
    arena: fn(&mut TraceStore) -> &mut Vec<T>,
    elem: fn(&mut Scan<'_>, &mut Ctx<'_>) -> R<T>,
) -> R<Range> {
    let start = arena(ctx.store).len();
    each(s, ctx, |s, ctx| {
        let x = elem(s, ctx)?;
        arena(ctx.store).push(x);
        Ok(())
    })?;
    Ok(TraceStore::range_from(start, arena(ctx.store).len()))
}

fn attrs_to_arena(s: &mut Scan<'_>, ctx: &mut Ctx<'_>) -> R<Range> {
    to_arena(s, ctx, |st| &mut st.attrs, key_value)
}

fn event(s: &mut Scan<'_>, ctx: &mut Ctx<'_>) -> R<Event> {
    let mut ev = Event {
        time_ns: 0,
        name: ctx.store.empty(),
        attrs: Range::default(),
    };
    s.open(b'{')?;
    let mut first = true;
    while let Some(k) = s.next_key(&mut first)? {
        match key::<EventKey>(ctx, k) {
            EventKey::Time => ev.time_ns = s.u64_value()?,
            EventKey::Name => ev.name = intern(s, ctx)?,
            EventKey::Attributes => ev.attrs = attrs_to_arena(s, ctx)?,
            EventKey::Other => s.skip()?,
        }
    }
    Ok(ev)
}

fn link(s: &mut Scan<'_>, ctx: &mut Ctx<'_>) -> R<Link> {
    let mut link = Link::blank(ctx.store.empty());
    s.open(b'{')?;
    let mut first = true;
    while let Some(k) = s.next_key(&mut first)? {
        match key::<SpanKey>(ctx, k) {
            SpanKey::TraceId => link.trace_id = TraceId(id(s, ctx, 16)?),
            SpanKey::SpanId => link.span_id = SpanId(id(s, ctx, 8)? as u64),
            SpanKey::TraceState => link.trace_state = intern(s, ctx)?,
            SpanKey::Attributes => link.attrs = attrs_to_arena(s, ctx)?,
            SpanKey::Flags => link.flags = s.u64_value()? as u32,
            _ => s.skip()?,
        }
    }
    link.kind = link_kind(ctx.store, ctx.ref_type_key, ctx.store.attrs_of(link.attrs));
    Ok(link)
}

fn status(s: &mut Scan<'_>, ctx: &mut Ctx<'_>) -> R<(StatusCode, Sym)> {
    let mut code = StatusCode::Unset;
    let mut msg = ctx.store.empty();
    s.open(b'{')?;
    let mut first = true;
    while let Some(k) = s.next_key(&mut first)? {
        match key::<StatusKey>(ctx, k) {
            StatusKey::Code => {
                code = StatusCode::from_i64(s.enum_value()?).unwrap_or_else(|| {
                    ctx.len.odd_values += 1;
                    StatusCode::Unset
                })
            }
            StatusKey::Message => msg = intern(s, ctx)?,
            StatusKey::Other => s.skip()?,
        }
    }
    Ok((code, msg))
}

/// An array of KeyValue collected (resource and scope attributes, kvlists).
fn key_values(s: &mut Scan<'_>, ctx: &mut Ctx<'_>) -> R<Vec<Attr>> {
    collect(s, ctx, key_value)
}

/// An array read into a vector, `elem` reading each element.
#[inline]
fn collect<T>(
    s: &mut Scan<'_>,
    ctx: &mut Ctx<'_>,
    elem: fn(&mut Scan<'_>, &mut Ctx<'_>) -> R<T>,
) -> R<Vec<T>> {
    let mut out = Vec::new();
    each(s, ctx, |s, ctx| {
        out.push(elem(s, ctx)?);
        Ok(())
    })?;
    Ok(out)
}

fn key_value(s: &mut Scan<'_>, ctx: &mut Ctx<'_>) -> R<Attr> {
    let mut key_sym = None;
    let mut value = AttrValue::Empty;
    s.open(b'{')?;
    let mut first = true;
    while let Some(k) = s.next_key(&mut first)? {
        match key::<KvKey>(ctx, k) {
            KvKey::Key => key_sym = Some(intern(s, ctx)?),
            KvKey::Value => value = any_value(s, ctx)?,
            KvKey::Other => s.skip()?,
        }
    }
    Ok(Attr {
        key: key_sym.unwrap_or_else(|| ctx.store.empty()),
        value,
    })
}

fn any_value(s: &mut Scan<'_>, ctx: &mut Ctx<'_>) -> R<AttrValue> {
    let mut v = AttrValue::Empty;
    s.open(b'{')?;
    let mut first = true;
    while let Some(k) = s.next_key(&mut first)? {
        v = match key::<AnyKey>(ctx, k) {
            AnyKey::StringValue => {
                let text = s.string()?;
                ctx.sym_cache.str_value(ctx.store, text)
            }
            AnyKey::BoolValue => AttrValue::Bool(s.bool_value()?),
            AnyKey::IntValue => AttrValue::Int(s.i64_value()?),
            AnyKey::DoubleValue => AttrValue::Double(s.f64_value()?),
            AnyKey::ArrayValue => AttrValue::Array(values(s, ctx, any_value)?.into()),
            AnyKey::KvlistValue => AttrValue::KvList(values(s, ctx, key_value)?.into()),
            AnyKey::BytesValue => {
                let text = s.string()?;
                bytes_value(ctx, text)
            }
            AnyKey::Other => {
                s.skip()?;
                continue;
            }
        };
    }
    Ok(v)
}

/// `{"values": [...]}` of an arrayValue or a kvlistValue.
#[inline]
fn values<T>(
    s: &mut Scan<'_>,
    ctx: &mut Ctx<'_>,
    elem: fn(&mut Scan<'_>, &mut Ctx<'_>) -> R<T>,
) -> R<Vec<T>> {
    let mut out = Vec::new();
    s.open(b'{')?;
    let mut first = true;
    while let Some(k) = s.next_key(&mut first)? {
        match key::<ValuesKey>(ctx, k) {
            ValuesKey::Values => out = collect(s, ctx, elem)?,
            ValuesKey::Other => s.skip()?,
        }
    }
    Ok(out)
}
