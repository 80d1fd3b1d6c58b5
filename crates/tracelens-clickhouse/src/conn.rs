//! One ClickHouse connection: the official crate's client with its defaults
//! (LZ4, RowBinaryWithNamesAndTypes with schema validation), a timeout on
//! every call, and errors mapped to what a user can act on. The password
//! never appears in `Debug` output, errors or logs.
//!
//! https uses rustls with the bundled webpki roots; a staging server signed
//! by an internal CA is reached by adding that CA (`ca_cert`, PEM), through
//! the crate's own hook for a custom HTTP client (the same hyper client it
//! builds by default, with those roots added).

use crate::names::ident;
use crate::ChError;
use std::future::Future;
use std::time::Duration;

#[derive(Clone)]
pub struct ConnConfig {
    /// `http://host:8123` or `https://host:8443`.
    pub url: String,
    pub user: String,
    pub password: String,
    pub database: String,
    /// Per call, connection included.
    pub timeout: Duration,
    /// Extra trusted roots for https, as a PEM file (an internal CA).
    pub ca_cert: Option<std::path::PathBuf>,
}

impl std::fmt::Debug for ConnConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnConfig")
            .field("url", &self.url)
            .field("user", &self.user)
            .field(
                "password",
                &if self.password.is_empty() { "" } else { "***" },
            )
            .field("database", &self.database)
            .field("timeout", &self.timeout)
            .field("ca_cert", &self.ca_cert)
            .finish()
    }
}

impl ConnConfig {
    pub fn new(url: &str) -> ConnConfig {
        ConnConfig {
            url: url.trim_end_matches('/').to_string(),
            user: "default".into(),
            password: String::new(),
            database: "default".into(),
            timeout: Duration::from_secs(30),
            ca_cert: None,
        }
    }
}

/// The crate's default hyper client (keep-alive 60 s, idle pool 2 s, HTTP/1,
/// http or https), trusting the webpki roots and the certificates in `pem`.
fn client_trusting(pem: &std::path::Path) -> Result<clickhouse::Client, ChError> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;
    let bad = |why: String| ChError::BadCaCert {
        path: pem.display().to_string(),
        why,
    };
    let mut roots = rustls::RootCertStore {
        roots: webpki_roots::TLS_SERVER_ROOTS.to_vec(),
    };
    let mut added = 0;
    for cert in CertificateDer::pem_file_iter(pem).map_err(|e| bad(e.to_string()))? {
        let cert = cert.map_err(|e| bad(e.to_string()))?;
        roots.add(cert).map_err(|e| bad(e.to_string()))?;
        added += 1;
    }
    if added == 0 {
        return Err(bad(
            "no certificate in it (PEM: -----BEGIN CERTIFICATE-----)".into(),
        ));
    }
    let tls = rustls::ClientConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| bad(e.to_string()))?
    .with_root_certificates(roots)
    .with_no_client_auth();
    let mut http = hyper_util::client::legacy::connect::HttpConnector::new();
    http.set_keepalive(Some(Duration::from_secs(60)));
    http.enforce_http(false);
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_tls_config(tls)
        .https_or_http()
        .enable_http1()
        .wrap_connector(http);
    let hyper = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .pool_idle_timeout(Duration::from_secs(2))
        .build(https);
    Ok(clickhouse::Client::with_http_client(hyper))
}

#[derive(Clone)]
pub struct Conn {
    pub(crate) client: clickhouse::Client,
    pub cfg: ConnConfig,
}

/// A URL fit for a message: what stands before `@` (a user and password)
/// and the query (`?password=...`) are replaced by `***`.
pub fn redact_url(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (format!("{s}://"), r),
        None => (String::new(), url),
    };
    let (rest, query) = match rest.split_once('?') {
        Some((r, _)) => (r, "?***"),
        None => (rest, ""),
    };
    let (auth_end, path_start) = (rest.rfind('@'), rest.find('/').unwrap_or(rest.len()));
    let rest = match auth_end {
        Some(at) if at < path_start || !rest[..at].contains('/') => {
            format!("***@{}", &rest[at + 1..])
        }
        _ => rest.to_string(),
    };
    format!("{scheme}{rest}{query}")
}

impl Conn {
    /// Checks the URL and names; connects lazily (see [`Conn::ping`]).
    pub fn new(cfg: ConnConfig) -> Result<Conn, ChError> {
        let scheme_ok = cfg.url.starts_with("http://") || cfg.url.starts_with("https://");
        if !scheme_ok {
            return Err(ChError::BadUrl {
                url: redact_url(&cfg.url),
                why:
                    "it must start with http:// or https:// (the HTTP interface, port 8123 or 8443)"
                        .into(),
            });
        }
        if cfg.url.contains('?') || cfg.url.contains('@') {
            return Err(ChError::BadUrl {
                url: redact_url(&cfg.url),
                why: "give the user and password as options, not in the URL".into(),
            });
        }
        ident(&cfg.database)?;
        let client = match &cfg.ca_cert {
            Some(pem) => client_trusting(pem)?,
            None => clickhouse::Client::default(),
        }
        .with_url(&cfg.url)
        .with_user(&cfg.user)
        .with_password(&cfg.password);
        Ok(Conn { client, cfg })
    }

    /// Runs one call under the timeout, mapping errors.
    pub(crate) async fn call<T>(
        &self,
        fut: impl Future<Output = clickhouse::error::Result<T>>,
    ) -> Result<T, ChError> {
        match tokio::time::timeout(self.cfg.timeout, fut).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(
                match ChError::from_client(e, &self.cfg.url, &self.cfg.user) {
                    ChError::Timeout { .. } => ChError::Timeout {
                        secs: self.cfg.timeout.as_secs(),
                    },
                    other => other,
                },
            ),
            Err(_) => Err(ChError::Timeout {
                secs: self.cfg.timeout.as_secs(),
            }),
        }
    }

    /// A round trip that needs the credentials: `SELECT 1`.
    pub async fn ping(&self) -> Result<(), ChError> {
        let one: u8 = self
            .call(self.client.query("SELECT 1").fetch_one::<u8>())
            .await?;
        if one == 1 {
            Ok(())
        } else {
            Err(ChError::Protocol(format!("SELECT 1 answered {one}")))
        }
    }

    /// Runs a statement that returns nothing (DDL, maintenance). For SQL
    /// written by Tracelens or an operator, never with user values in it:
    /// those are bound parameters of the typed calls.
    pub async fn execute(&self, sql: &str) -> Result<(), ChError> {
        self.call(self.client.query(sql).execute()).await
    }

    /// One UInt64 (a count): for SQL written by Tracelens, like [`Conn::execute`].
    pub async fn scalar_u64(&self, sql: &str) -> Result<u64, ChError> {
        self.call(self.client.query(sql).fetch_one::<u64>()).await
    }
}

#[cfg(test)]
mod redact_tests {
    use super::redact_url;

    #[test]
    fn credentials_and_queries_never_reach_a_message() {
        assert_eq!(
            redact_url("http://bob:s3cret@ch.internal:8123/?password=s3cret"),
            "http://***@ch.internal:8123/?***"
        );
        assert_eq!(redact_url("https://ch:8443"), "https://ch:8443");
        assert_eq!(redact_url("ftp://u:p@h"), "ftp://***@h");
        assert_eq!(redact_url("u:p@h:8123"), "***@h:8123");
        let e = super::Conn::new(super::ConnConfig::new("http://bob:s3cret@h:8123"))
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(!e.contains("s3cret") && e.contains("***@h:8123"), "{e}");
    }
}
