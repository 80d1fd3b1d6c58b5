//! Matching text as words: the in-trace search and the filter's text term
//! find `search` in `web_search` and `Tool` in `ExecuteTool`, but not `dead`
//! inside the hex id `9deadbe7`, which a substring test would.

use tracelens_model::{Attr, AttrValue, TraceStore};

/// Whether byte `i` of `hay` starts a word: the first byte, a byte after
/// one that is not a letter or digit, or an upper-case letter after a
/// lower-case one (camelCase).
fn starts_word(hay: &[u8], i: usize) -> bool {
    let Some(&prev) = i.checked_sub(1).and_then(|p| hay.get(p)) else {
        return true;
    };
    !prev.is_ascii_alphanumeric()
        || (prev.is_ascii_lowercase() && hay.get(i).is_some_and(u8::is_ascii_uppercase))
}

/// Whether `needle` (already lower-case ASCII) occurs in `hay`, ignoring
/// ASCII case, at the start of a word. A needle that itself starts with
/// punctuation (`.model`, `/v1`) may begin anywhere.
pub fn has_word(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    let Some(&first) = n.first() else {
        return true;
    };
    if n.len() > h.len() {
        return false;
    }
    let anywhere = !first.is_ascii_alphanumeric();
    (0..=h.len() - n.len()).any(|i| {
        h[i].to_ascii_lowercase() == first
            && (anywhere || starts_word(h, i))
            && h[i..i + n.len()]
                .iter()
                .zip(n)
                .all(|(a, b)| a.to_ascii_lowercase() == *b)
    })
}

/// ASCII-case-insensitive substring test without allocating per haystack:
/// for ids, where a prefix or a fragment of the hex is what people paste.
pub fn contains_ci(hay: &str, needle_lower: &str) -> bool {
    let n = needle_lower.as_bytes();
    if n.len() > hay.len() {
        return false;
    }
    hay.as_bytes()
        .windows(n.len())
        .any(|w| w.iter().zip(n).all(|(a, b)| a.to_ascii_lowercase() == *b))
}

/// Whether an attribute's key, or its value (strings, integers, and the
/// keys and values nested in arrays and maps), passes `has`.
pub fn attrs_match(st: &TraceStore, attrs: &[Attr], has: &dyn Fn(&str) -> bool) -> bool {
    attrs
        .iter()
        .any(|a| has(st.resolve(a.key)) || value_matches(st, &a.value, has))
}

/// Nested values are walked with an explicit stack: a hostile file may nest
/// arrays deeply.
fn value_matches(st: &TraceStore, v: &AttrValue, has: &dyn Fn(&str) -> bool) -> bool {
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        let hit = match v {
            AttrValue::Str(s) => has(st.resolve(*s)),
            AttrValue::Text(s) => has(s),
            AttrValue::Int(n) => has(&n.to_string()),
            AttrValue::Array(a) => {
                stack.extend(a.iter());
                false
            }
            AttrValue::KvList(kv) => {
                for a in kv.iter() {
                    if has(st.resolve(a.key)) {
                        return true;
                    }
                    stack.push(&a.value);
                }
                false
            }
            _ => false,
        };
        if hit {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_not_fragments() {
        assert!(has_word("execute_tool web_search", "search"));
        assert!(has_word("execute_tool web_search", "tool web"));
        assert!(has_word("ExecuteTool", "tool"));
        assert!(has_word("gpt-4o-mini", "4o"));
        assert!(has_word("state dead", "dead"));
        assert!(!has_word("9deadbe7c0ffee00", "dead"));
        assert!(!has_word("research", "search"));
        assert!(has_word("api.openai.com/v1/chat", "/v1"));
        assert!(has_word("ünïcode LLM", "llm"));
        assert!(!has_word("chat", "chatty"));
    }

    #[test]
    fn case_insensitive_substring() {
        assert!(contains_ci("Execute_Tool web_search", "tool web"));
        assert!(!contains_ci("chat", "chatty"));
    }
}
