//! The price table a session prices LLM calls with: the model's bundled
//! table, overridden and extended by a user's file.
//!
//! The file is JSON, USD per million tokens; the cache rates default to the
//! input rate:
//!
//! ```json
//! {"models": {"gpt-4o": {"input": 2.5, "output": 10, "cache_read": 1.25},
//!             "my-llama": {"input": 0, "output": 0}}}
//! ```

use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use tracelens_model::cost::{Price, PriceTable};

/// The most a prices file may be: it is a table of a few hundred models.
const MAX_FILE_BYTES: u64 = 4 << 20;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PriceJson {
    input: f64,
    output: f64,
    cache_read: Option<f64>,
    cache_write: Option<f64>,
}

#[derive(Deserialize)]
struct PricesFile {
    models: BTreeMap<String, PriceJson>,
}

/// Why a prices file was not taken.
#[derive(Debug, thiserror::Error)]
pub enum PricesError {
    #[error("cannot read prices file {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("prices file {path} is over {MAX_FILE_BYTES} bytes")]
    TooBig { path: String },
    #[error("prices file {path}: {message} (expected {{\"models\": {{\"NAME\": {{\"input\": USD per 1M, \"output\": ..}}}}}})")]
    Invalid { path: String, message: String },
}

/// `table` with the prices in `text` set over it.
pub fn merge_prices(table: &mut PriceTable, text: &str, path: &str) -> Result<usize, PricesError> {
    let f: PricesFile = serde_json::from_str(text).map_err(|e| PricesError::Invalid {
        path: path.to_string(),
        message: e.to_string(),
    })?;
    for (name, p) in &f.models {
        let ok = |v: f64| v.is_finite() && v >= 0.0;
        let price = Price {
            input: p.input,
            output: p.output,
            cache_read: p.cache_read.unwrap_or(p.input),
            cache_write: p.cache_write.unwrap_or(p.input),
        };
        if name.trim().is_empty()
            || ![
                price.input,
                price.output,
                price.cache_read,
                price.cache_write,
            ]
            .into_iter()
            .all(ok)
        {
            return Err(PricesError::Invalid {
                path: path.to_string(),
                message: format!("model {name:?}: prices must be non-negative numbers"),
            });
        }
        table.set(name, price);
    }
    Ok(f.models.len())
}

/// The bundled table, with the file at `path` over it when one is given.
pub fn price_table(path: Option<&Path>) -> Result<PriceTable, PricesError> {
    let mut t = PriceTable::bundled();
    let Some(path) = path else {
        return Ok(t);
    };
    let shown = path.display().to_string();
    let read = |source| PricesError::Read {
        path: shown.clone(),
        source,
    };
    let len = std::fs::metadata(path).map_err(read)?.len();
    if len > MAX_FILE_BYTES {
        return Err(PricesError::TooBig { path: shown });
    }
    let text = std::fs::read_to_string(path).map_err(read)?;
    merge_prices(&mut t, &text, &shown)?;
    Ok(t)
}

/// Where a user keeps prices without naming the file each time:
/// `$XDG_CONFIG_HOME/tracelens/prices.json` (else `~/.config/...`), when
/// it exists.
pub fn default_prices_file() -> Option<std::path::PathBuf> {
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".config")))?;
    let p = base.join("tracelens").join("prices.json");
    p.is_file().then_some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_extends_and_overrides_and_bad_ones_are_refused() {
        let mut t = PriceTable::bundled();
        let n = merge_prices(
            &mut t,
            r#"{"models": {"my-llama": {"input": 0.1, "output": 0.2}, "gpt-4o": {"input": 9, "output": 9}}}"#,
            "p.json",
        )
        .unwrap_or(0);
        assert_eq!(n, 2);
        assert_eq!(t.lookup("my-llama").map(|p| p.cache_read), Some(0.1));
        assert_eq!(t.lookup("gpt-4o-2024-08-06").map(|p| p.input), Some(9.0));
        for bad in [
            "{}",
            r#"{"models": {"x": {"input": -1, "output": 1}}}"#,
            r#"{"models": {"x": {"input": 1, "output": 1, "colour": 1}}}"#,
            "not json",
        ] {
            let e = merge_prices(&mut t, bad, "p.json");
            assert!(matches!(e, Err(PricesError::Invalid { .. })), "{bad} taken");
        }
    }
}
