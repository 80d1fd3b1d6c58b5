//! ClickHouse as a trace source and sink.
//!
//! - [`conn`]: a connection (URL, user, password, database, timeout) with
//!   errors a user can act on: refused, unknown host, wrong password, timeout.
//! - [`migrate`]: versioned schema migrations from `migrations/`, recorded
//!   with checksums; an edited migration is refused.
//! - [`schema`]: which tables a server has, and which `otel_traces` variant.
//! - [`otel`]: fetch a trace by id with the two-step lookup (and a fallback
//!   window), and import spans into `otel_traces`.
//! - [`otel_logs`]: the records of a fetched trace from `otel_logs`, and
//!   import of log records into it.
//!
//! Every user value reaches ClickHouse as a bound parameter (`{name:Type}`);
//! database and table names are validated identifiers, never spliced raw.

pub mod agent;
pub mod calls;
pub mod conn;
pub mod error;
pub mod insert;
pub mod join;
pub mod list;
pub mod live_agents;
pub mod migrate;
pub mod names;
pub mod otel;
pub mod otel_logs;
pub mod report;
pub mod schema;
pub mod spool;

pub use conn::{Conn, ConnConfig};
pub use error::ChError;
