//! A small cache in front of the string interner, for the readers' hot path.

use tracelens_model::{Sym, TraceStore};

/// A direct-mapped cache from raw bytes to their interned symbol. Keys,
/// names and short values repeat on nearly every span; a hit costs one
/// compare against the interned text and skips UTF-8 validation, hashing
/// and the interner's table walk. A collision only costs the slow path.
pub struct SymCache(Vec<Option<Sym>>);

const SYM_CACHE_SLOTS: usize = 4096;

impl Default for SymCache {
    fn default() -> Self {
        SymCache(vec![None; SYM_CACHE_SLOTS])
    }
}

fn slot(b: &[u8]) -> usize {
    let word = |s: &[u8]| {
        let mut w = [0u8; 8];
        w[..s.len()].copy_from_slice(s);
        u64::from_le_bytes(w)
    };
    let n = b.len();
    let head = word(&b[..n.min(8)]);
    let tail = word(&b[n.saturating_sub(8)..]);
    let h = (head ^ tail.rotate_left(29) ^ n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> 52) as usize % SYM_CACHE_SLOTS
}

impl SymCache {
    /// The symbol for `b` if it is cached.
    #[inline]
    pub fn get(&self, store: &TraceStore, b: &[u8]) -> Option<Sym> {
        self.0[slot(b)].filter(|&sym| store.resolve(sym).as_bytes() == b)
    }

    #[inline]
    pub fn put(&mut self, b: &[u8], sym: Sym) {
        self.0[slot(b)] = Some(sym);
    }

    /// Interns valid text through the cache.
    #[inline]
    pub fn intern(&mut self, store: &mut TraceStore, s: &str) -> Sym {
        if let Some(sym) = self.get(store, s.as_bytes()) {
            return sym;
        }
        let sym = store.intern(s);
        self.put(s.as_bytes(), sym);
        sym
    }

    /// A string attribute value: short ones interned through the cache.
    #[inline]
    pub fn str_value(&mut self, store: &mut TraceStore, s: &str) -> tracelens_model::AttrValue {
        if s.len() <= tracelens_model::INTERN_MAX_LEN {
            tracelens_model::AttrValue::Str(self.intern(store, s))
        } else {
            store.str_value(s)
        }
    }
}
