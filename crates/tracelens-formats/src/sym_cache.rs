//! A small cache in front of the string interner, for the readers' hot path.

use tracelens_model::{Sym, TraceStore};

/// A direct-mapped cache from raw bytes to their interned symbol. Keys,
/// names and short values repeat on nearly every span; a hit skips UTF-8
/// validation, hashing and the interner's table walk. Each slot also keeps
/// the length and the first and last eight bytes of its string: they tell
/// most misses without looking at the interned text, and for strings of up
/// to 16 bytes (most keys and names) they are the whole string, so a hit
/// needs no compare with the interner's copy either. A collision only costs
/// the slow path.
pub struct SymCache(Vec<Slot>);

#[derive(Clone, Copy, Default)]
struct Slot {
    sym: Option<Sym>,
    len: u32,
    head: u64,
    tail: u64,
}

const SYM_CACHE_SLOTS: usize = 4096;

impl Default for SymCache {
    fn default() -> Self {
        SymCache(vec![Slot::default(); SYM_CACHE_SLOTS])
    }
}

/// Up to eight bytes as a little-endian word, zero-padded.
#[inline]
fn word(s: &[u8]) -> u64 {
    let mut w = [0u8; 8];
    w[..s.len()].copy_from_slice(s);
    u64::from_le_bytes(w)
}

/// The bytes' length, first and last words, and slot.
#[inline]
fn shape(b: &[u8]) -> (u32, u64, u64, usize) {
    let n = b.len();
    let head = word(&b[..n.min(8)]);
    let tail = word(&b[n.saturating_sub(8)..]);
    let h = (head ^ tail.rotate_left(29) ^ n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let len = u32::try_from(n).unwrap_or(u32::MAX);
    (len, head, tail, (h >> 52) as usize % SYM_CACHE_SLOTS)
}

impl SymCache {
    /// The symbol for `b` if it is cached.
    #[inline]
    pub fn get(&self, store: &TraceStore, b: &[u8]) -> Option<Sym> {
        let (len, head, tail, i) = shape(b);
        let slot = self.0.get(i)?;
        let sym = slot.sym?;
        if slot.len != len || slot.head != head || slot.tail != tail {
            return None;
        }
        // Up to 16 bytes, the two words are the whole string.
        if b.len() <= 16 || store.resolve(sym).as_bytes() == b {
            Some(sym)
        } else {
            None
        }
    }

    #[inline]
    pub fn put(&mut self, b: &[u8], sym: Sym) {
        let (len, head, tail, i) = shape(b);
        if let Some(slot) = self.0.get_mut(i) {
            *slot = Slot {
                sym: Some(sym),
                len,
                head,
                tail,
            };
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_only_the_same_bytes() {
        let mut store = TraceStore::new();
        let mut cache = SymCache::default();
        // Lengths around the 8- and 16-byte words, and pairs that share
        // their first and last eight bytes.
        let texts = [
            "",
            "a",
            "abcdefgh",
            "abcdefghi",
            "abcdefgh12345678",
            "abcdefgh-12345678",
            "abcdefgh+12345678",
            "abcdefghX12345678",
            "abcdefghXY12345678",
            "abcdefgh\0",
            "abcdefgh",
        ];
        for t in texts {
            let sym = cache.intern(&mut store, t);
            assert_eq!(store.resolve(sym), t);
            assert_eq!(cache.get(&store, t.as_bytes()), Some(sym));
        }
        for t in texts {
            let sym = cache.intern(&mut store, t);
            assert_eq!(store.resolve(sym), t, "cached {t:?}");
        }
        // Same first and last words and length, different middle: never a hit.
        let a = cache.intern(&mut store, "abcdefgh-12345678");
        assert_eq!(store.resolve(a), "abcdefgh-12345678");
        assert_eq!(cache.get(&store, b"abcdefgh+12345678"), None);
    }
}
