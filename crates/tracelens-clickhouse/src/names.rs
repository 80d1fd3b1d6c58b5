//! Database and table names: validated, then quoted. Values never go this
//! way: they are bound parameters.

use crate::ChError;

/// `name` if it is a plain identifier (what `tracelens migrate` creates and
/// what the Collector uses): letters, digits and `_`, not starting with a
/// digit, at most 64 bytes.
pub fn ident(name: &str) -> Result<&str, ChError> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
        && !name.as_bytes()[0].is_ascii_digit();
    if ok {
        Ok(name)
    } else {
        Err(ChError::BadName(name.to_string()))
    }
}

/// `` `db`.`table` `` for validated names.
pub fn qualified(db: &str, table: &str) -> Result<String, ChError> {
    Ok(format!("`{}`.`{}`", ident(db)?, ident(table)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_identifiers_pass() {
        for ok in ["default", "otel", "tracelens_test_1", "_x"] {
            assert!(ident(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "1db",
            "a-b",
            "a b",
            "x`; DROP TABLE t; --",
            "db.table",
            "ü",
            &"a".repeat(65),
        ] {
            assert!(ident(bad).is_err(), "{bad}");
        }
    }
}
