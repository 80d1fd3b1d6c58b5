//! Read errors that name the input and the place the damage starts.

use std::fmt;

/// Where in an input something went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// 1-based line and column (JSON).
    Line {
        line: u64,
        column: u64,
    },
    /// Byte offset in the (decompressed) stream (protobuf, framing).
    Byte(u64),
    Unknown,
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Line { line, column } => write!(f, "line {line}, column {column}"),
            Position::Byte(b) => write!(f, "byte {b}"),
            Position::Unknown => write!(f, "unknown position"),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{file}: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: {position}: {message}")]
    Corrupt {
        file: String,
        position: Position,
        message: String,
    },
    #[error("{file}: not a trace format Tracelens reads ({detail})")]
    UnknownFormat { file: String, detail: String },
    /// A record that could not be read was left out; the rest was read.
    #[error("{file}: {message}")]
    Skipped { file: String, message: String },
}

/// Longest message kept: a parser's message quotes the bad value, and a
/// value can be megabytes (a prompt) or made to fill a terminal.
const MAX_MESSAGE: usize = 300;

/// `message` cut to [`MAX_MESSAGE`] characters, marked where it was cut.
pub(crate) fn truncate_message(mut message: String) -> String {
    if let Some((cut, _)) = message.char_indices().nth(MAX_MESSAGE) {
        let total = message.chars().count();
        message.truncate(cut);
        message.push_str(&format!("… ({total} characters)"));
    }
    message
}

impl ReadError {
    pub fn corrupt(file: &str, position: Position, message: impl Into<String>) -> Self {
        ReadError::Corrupt {
            file: file.to_string(),
            position,
            message: truncate_message(message.into()),
        }
    }

    /// The same error `by` lines further down, for a part of an input that
    /// was parsed on its own as if it started at line 1.
    pub fn lines_down(mut self, by: u64) -> Self {
        if let ReadError::Corrupt {
            position: Position::Line { line, .. },
            ..
        } = &mut self
        {
            *line += by;
        }
        self
    }

    pub fn position(&self) -> Position {
        match self {
            ReadError::Corrupt { position, .. } => *position,
            _ => Position::Unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_quoted_value_in_a_message_is_cut() {
        let e = ReadError::corrupt(
            "f",
            Position::Byte(1),
            format!("invalid type: string \"{}\"", "é".repeat(100_000)),
        );
        let s = e.to_string();
        assert!(s.len() < 1000, "{}", s.len());
        assert!(s.ends_with("… (100023 characters)"), "{s}");
    }
}
