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

impl ReadError {
    pub fn corrupt(file: &str, position: Position, message: impl Into<String>) -> Self {
        ReadError::Corrupt {
            file: file.to_string(),
            position,
            message: message.into(),
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
