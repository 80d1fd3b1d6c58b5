//! What an LLM call cost: its tokens of each kind at its model's prices.
//!
//! Prices are USD per million tokens. A bundled table covers common models
//! ([`BUNDLED_TAKEN`] says when it was taken); a user's file (read by the
//! service, merged with [`PriceTable::set`]) overrides or extends it. A model
//! is found by its name with any provider prefix ("openai/") dropped, then
//! by the longest table entry it starts with, so dated snapshots
//! ("gpt-4o-2024-08-06", "claude-sonnet-4-5-20250929") find their family. A
//! model not in the table is named, never guessed.
//!
//! Input tokens include cached ones (OpenTelemetry: cache reads and writes
//! "SHOULD be included in gen_ai.usage.input_tokens"), so the cached part is
//! charged at its own rate and the rest at the input rate; reasoning tokens
//! are part of the output and charged as output.

use crate::llm::LlmCall;
use serde::Serialize;

/// One model's prices, USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ts_rs::TS)]
pub struct Price {
    pub input: f64,
    pub output: f64,
    /// Input tokens read from the provider's cache; `input` when unset.
    pub cache_read: f64,
    /// Input tokens written to the cache; `input` when unset.
    pub cache_write: f64,
}

/// When the bundled prices were taken from the providers' public price
/// lists. Prices change: check yours, and override with a prices file.
pub const BUNDLED_TAKEN: &str = "2026-12-03";

/// (model family, input, output, cache read, cache write), USD per 1M.
const BUNDLED: &[(&str, f64, f64, f64, f64)] = &[
    ("gpt-4o", 2.50, 10.00, 1.25, 2.50),
    ("gpt-4o-mini", 0.15, 0.60, 0.075, 0.15),
    ("gpt-4.1", 2.00, 8.00, 0.50, 2.00),
    ("gpt-4.1-mini", 0.40, 1.60, 0.10, 0.40),
    ("gpt-4.1-nano", 0.10, 0.40, 0.025, 0.10),
    ("o3", 2.00, 8.00, 0.50, 2.00),
    ("o4-mini", 1.10, 4.40, 0.275, 1.10),
    ("gpt-5", 1.25, 10.00, 0.125, 1.25),
    ("gpt-5-mini", 0.25, 2.00, 0.025, 0.25),
    ("gpt-5.4", 2.50, 15.00, 0.25, 2.50),
    ("gpt-5.4-mini", 0.75, 4.50, 0.075, 0.75),
    ("gpt-5.4-nano", 0.20, 1.25, 0.02, 0.20),
    ("gpt-5.5", 5.00, 30.00, 0.50, 5.00),
    ("claude-opus-4", 15.00, 75.00, 1.50, 18.75),
    ("claude-opus-4-5", 5.00, 25.00, 0.50, 6.25),
    ("claude-sonnet-4", 3.00, 15.00, 0.30, 3.75),
    ("claude-sonnet-4-5", 3.00, 15.00, 0.30, 3.75),
    ("claude-haiku-4-5", 1.00, 5.00, 0.10, 1.25),
    ("claude-3-5-sonnet", 3.00, 15.00, 0.30, 3.75),
    ("claude-3-5-haiku", 0.80, 4.00, 0.08, 1.00),
    ("gemini-2.5-pro", 1.25, 10.00, 0.31, 1.25),
    ("gemini-2.5-flash", 0.30, 2.50, 0.075, 0.30),
];

/// Model families and their prices.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PriceTable {
    /// Sorted by name, for a deterministic longest-prefix search.
    entries: Vec<(String, Price)>,
}

impl PriceTable {
    /// The bundled table.
    pub fn bundled() -> PriceTable {
        let mut t = PriceTable::default();
        for &(m, input, output, cache_read, cache_write) in BUNDLED {
            t.set(
                m,
                Price {
                    input,
                    output,
                    cache_read,
                    cache_write,
                },
            );
        }
        t
    }

    /// Adds or replaces a model family's prices.
    pub fn set(&mut self, model: &str, price: Price) {
        let key = model.trim().to_ascii_lowercase();
        match self.entries.binary_search_by(|(k, _)| k.as_str().cmp(&key)) {
            Ok(i) => self.entries[i].1 = price,
            Err(i) => self.entries.insert(i, (key, price)),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The prices of `model`: by its name without a provider prefix, else
    /// the longest family it starts with (followed by `-`, `@`, `:` or `.`,
    /// so "gpt-4o" is not the price of "gpt-4oz").
    pub fn lookup(&self, model: &str) -> Option<Price> {
        let m = model.trim().to_ascii_lowercase();
        let m = m.rsplit('/').next().unwrap_or(&m);
        self.entries
            .iter()
            .filter(|(k, _)| {
                m == k.as_str()
                    || (m.starts_with(k.as_str())
                        && m[k.len()..].starts_with(['-', '@', ':', '.', '_']))
            })
            .max_by_key(|(k, _)| k.len())
            .map(|(_, p)| *p)
    }

    /// The cost of one call, USD; `None` when its model has no price (or
    /// it reports no tokens).
    pub fn cost(&self, call: &LlmCall) -> Option<f64> {
        let p = self.lookup(call.model.as_deref()?)?;
        if call.input_tokens.is_none() && call.output_tokens.is_none() {
            return None;
        }
        Some(cost_of(
            &p,
            call.input_tokens.unwrap_or(0),
            call.output_tokens.unwrap_or(0),
            call.cache_read_tokens.unwrap_or(0),
            call.cache_write_tokens.unwrap_or(0),
        ))
    }
}

/// Tokens at `p`: cached input at its rates, the rest of the input at the
/// input rate, output (reasoning included) at the output rate.
pub fn cost_of(p: &Price, input: i64, output: i64, cache_read: i64, cache_write: i64) -> f64 {
    let n = |v: i64| v.max(0) as f64;
    let cached = n(cache_read) + n(cache_write);
    let plain = (n(input) - cached).max(0.0);
    (plain * p.input
        + n(cache_read) * p.cache_read
        + n(cache_write) * p.cache_write
        + n(output) * p.output)
        / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snapshots_and_provider_prefixes_find_their_family() {
        let t = PriceTable::bundled();
        assert_eq!(t.lookup("gpt-4o-2024-08-06").map(|p| p.input), Some(2.50));
        assert_eq!(t.lookup("gpt-4o-mini").map(|p| p.input), Some(0.15));
        assert_eq!(
            t.lookup("openai/gpt-4o-mini-2024-07-18").map(|p| p.input),
            Some(0.15)
        );
        assert_eq!(
            t.lookup("claude-sonnet-4-5-20250929").map(|p| p.output),
            Some(15.0)
        );
        assert_eq!(t.lookup("GPT-4.1-MINI").map(|p| p.output), Some(1.60));
        assert!(t.lookup("gpt-4oz").is_none());
        assert!(t.lookup("my-local-llama").is_none());
    }

    #[test]
    fn cached_input_is_charged_at_its_rate_and_the_rest_at_input() {
        let p = Price {
            input: 2.0,
            output: 8.0,
            cache_read: 0.5,
            cache_write: 2.5,
        };
        // 1M input of which 400k read and 100k written; 100k output.
        let c = cost_of(&p, 1_000_000, 100_000, 400_000, 100_000);
        assert!(
            (c - (0.5 * 2.0 + 0.4 * 0.5 + 0.1 * 2.5 + 0.1 * 8.0)).abs() < 1e-12,
            "{c}"
        );
        // Nonsense counts cost nothing rather than a negative amount.
        assert_eq!(cost_of(&p, -5, -5, 0, 0), 0.0);
    }
}
