//! Errors a user can act on: each says what failed and what to check.

#[derive(Debug, thiserror::Error)]
pub enum ChError {
    #[error("invalid ClickHouse URL {url:?}: {why}")]
    BadUrl { url: String, why: String },
    #[error("{0:?} is not a valid ClickHouse name (letters, digits and _, not starting with a digit, at most 64)")]
    BadName(String),
    #[error("cannot connect to ClickHouse at {url}: connection refused (is the server running, and is the port right?)")]
    Refused { url: String },
    #[error("cannot connect to ClickHouse at {url}: unknown host")]
    UnknownHost { url: String },
    #[error("cannot connect to ClickHouse at {url}: {detail}")]
    Connect { url: String, detail: String },
    #[error("cannot connect to ClickHouse at {url}: its TLS certificate is not trusted ({detail}); for a server with an internal CA, give that CA's certificate with --ca-cert FILE (PEM)")]
    Untrusted { url: String, detail: String },
    #[error("the CA certificate {path}: {why}")]
    BadCaCert { path: String, why: String },
    #[error("ClickHouse at {url} refused the credentials of user {user:?} (code 516): check the user and password")]
    Auth { url: String, user: String },
    #[error("ClickHouse did not answer within {secs} s (query timeout): try a narrower time range or a longer --timeout")]
    Timeout { secs: u64 },
    #[error("the database {database:?} has no {what}: run `tracelens migrate --clickhouse URL --database {database}{otel}` first")]
    Missing {
        database: String,
        what: String,
        otel: &'static str,
    },
    #[error("ClickHouse error {code}: {message}")]
    Server { code: i64, message: String },
    #[error("the connection to ClickHouse broke during the query: {0} (was the server stopped?)")]
    Broken(String),
    #[error("migration {name} was edited after it was applied (checksum {applied} recorded, {now} now): add a new migration instead of editing an applied one")]
    MigrationEdited {
        name: String,
        applied: String,
        now: String,
    },
    #[error("ClickHouse answered something unexpected: {0}")]
    Protocol(String),
}

impl ChError {
    /// Maps the crate's error, with the URL and user for the message (never the password).
    pub(crate) fn from_client(e: clickhouse::error::Error, url: &str, user: &str) -> ChError {
        use clickhouse::error::Error as E;
        // The cause ("Connection refused") is often a few sources down.
        let mut text = e.to_string();
        let mut src = std::error::Error::source(&e);
        while let Some(s) = src {
            text.push_str(": ");
            text.push_str(&s.to_string());
            src = s.source();
        }
        match e {
            E::BadResponse(msg) => server_error(&msg, url, user),
            E::Network(_) => network_error(&text, url),
            _ => {
                if text.contains("Code: ") {
                    server_error(&text, url, user)
                } else {
                    ChError::Protocol(text)
                }
            }
        }
    }
}

fn server_error(msg: &str, url: &str, user: &str) -> ChError {
    let code = msg
        .split("Code: ")
        .nth(1)
        .and_then(|s| s.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|s| s.parse::<i64>().ok())
        .unwrap_or(0);
    match code {
        516 | 192 | 194 => ChError::Auth {
            url: url.to_string(),
            user: user.to_string(),
        },
        159 => ChError::Timeout { secs: 0 },
        _ => ChError::Server {
            code,
            message: msg.trim().to_string(),
        },
    }
}

fn network_error(text: &str, url: &str) -> ChError {
    let source_chain = text.to_ascii_lowercase();
    if source_chain.contains("connection refused") {
        ChError::Refused {
            url: url.to_string(),
        }
    } else if source_chain.contains("dns")
        || source_chain.contains("failed to lookup")
        || source_chain.contains("name or service not known")
        || source_chain.contains("no such host")
    {
        ChError::UnknownHost {
            url: url.to_string(),
        }
    } else if source_chain.contains("unknownissuer")
        || source_chain.contains("unknown issuer")
        || source_chain.contains("invalid peer certificate")
        || source_chain.contains("certificate verify failed")
    {
        ChError::Untrusted {
            url: url.to_string(),
            detail: text.to_string(),
        }
    } else if source_chain.contains("connection reset")
        || source_chain.contains("incomplete")
        || source_chain.contains("closed")
        || source_chain.contains("broken pipe")
        || source_chain.contains("unexpected end")
    {
        ChError::Broken(text.to_string())
    } else {
        ChError::Connect {
            url: url.to_string(),
            detail: text.to_string(),
        }
    }
}
