//! What a server holds: the audit's tables, and `otel_traces` and
//! `otel_logs` in whichever variant the Collector that created them used
//! (read the columns first, then normalise in the SELECT).

use crate::names::ident;
use crate::{ChError, Conn};
use clickhouse::Row;
use serde::Deserialize;

#[derive(Row, Deserialize, Debug, Clone)]
pub struct Column {
    pub table: String,
    pub name: String,
    #[serde(rename = "type")]
    pub ty: String,
}

/// The otel_traces variant found.
#[derive(Debug, Clone, Default)]
pub struct OtelSchema {
    pub table: String,
    /// "Map", "JSON" or "String" (JSON text).
    pub attrs: String,
    pub has_scope: bool,
    /// Duration is Int64 in old layouts.
    pub duration_signed: bool,
    /// The lookup table, if any: its name and time column types.
    pub lookup: Option<String>,
    pub columns: Vec<String>,
    /// The audit's agent_events and performance_metrics are in the same
    /// database: a fetched trace joins them (see `join`).
    pub agent_tables: bool,
    /// The Collector's otel_logs in the same database: a fetched trace
    /// brings its log records (see `otel_logs`).
    pub logs: Option<LogsSchema>,
}

/// The otel_logs variant found: the Collector added columns over time
/// (scope, schema URLs, `TimestampTime`, `EventName`) and has a JSON-typed
/// layout; reads and writes name only the columns there are.
#[derive(Debug, Clone, Default)]
pub struct LogsSchema {
    pub table: String,
    /// "Map", "JSON" or "String" (JSON text), as for otel_traces.
    pub attrs: String,
    pub columns: Vec<String>,
}

impl LogsSchema {
    pub fn has(&self, column: &str) -> bool {
        self.columns.iter().any(|c| c == column)
    }
}

/// How a column stores attributes, from its type.
fn attrs_kind(ty: &str) -> String {
    if ty.starts_with("Map") {
        "Map".into()
    } else if ty.starts_with("JSON") || ty.starts_with("Object") {
        "JSON".into()
    } else {
        "String".into()
    }
}

#[derive(Debug, Clone, Default)]
pub struct ServerSchema {
    pub database: String,
    pub tables: Vec<String>,
    pub otel: Option<OtelSchema>,
    pub logs: Option<LogsSchema>,
    pub agent_tables: bool,
}

pub async fn detect(conn: &Conn) -> Result<ServerSchema, ChError> {
    let db = ident(&conn.cfg.database)?.to_string();
    let cols: Vec<Column> = conn
        .call(
            conn.client
                .query("SELECT table, name, type FROM system.columns WHERE database = {db:String} ORDER BY table, position")
                .param("db", &db)
                .fetch_all::<Column>(),
        )
        .await?;
    let mut tables: Vec<String> = cols.iter().map(|c| c.table.clone()).collect();
    tables.dedup();
    let of = |t: &str| cols.iter().filter(|c| c.table == t).collect::<Vec<_>>();
    let otel = tables
        .iter()
        .find(|t| t.as_str() == "otel_traces")
        .map(|t| {
            let c = of(t);
            let ty = |n: &str| {
                c.iter()
                    .find(|x| x.name == n)
                    .map(|x| x.ty.clone())
                    .unwrap_or_default()
            };
            OtelSchema {
                table: t.clone(),
                attrs: attrs_kind(&ty("SpanAttributes")),
                has_scope: c.iter().any(|x| x.name == "ScopeName"),
                duration_signed: ty("Duration").starts_with("Int"),
                lookup: tables
                    .iter()
                    .find(|x| x.as_str() == "otel_traces_trace_id_ts")
                    .cloned(),
                columns: c.iter().map(|x| x.name.clone()).collect(),
                agent_tables: false,
                logs: None,
            }
        });
    let logs = tables.iter().find(|t| t.as_str() == "otel_logs").map(|t| {
        let c = of(t);
        LogsSchema {
            table: t.clone(),
            attrs: attrs_kind(
                &c.iter()
                    .find(|x| x.name == "LogAttributes")
                    .map(|x| x.ty.clone())
                    .unwrap_or_default(),
            ),
            columns: c.iter().map(|x| x.name.clone()).collect(),
        }
    });
    let agent_tables = ["agent_executions", "agent_events", "performance_metrics"]
        .iter()
        .all(|t| tables.iter().any(|x| x == t));
    let otel = otel.map(|o| OtelSchema {
        agent_tables,
        logs: logs.clone(),
        ..o
    });
    Ok(ServerSchema {
        database: db,
        tables,
        otel,
        logs,
        agent_tables,
    })
}

/// The otel_traces variant of the connection's database, or the error that
/// says to run `tracelens migrate --otel`.
pub async fn require_otel(conn: &Conn) -> Result<OtelSchema, ChError> {
    detect(conn).await?.require_otel(conn)
}

impl ServerSchema {
    /// Its otel_traces, or the error that says how to create one.
    pub fn require_otel(&self, conn: &Conn) -> Result<OtelSchema, ChError> {
        self.otel.clone().ok_or_else(|| ChError::Missing {
            database: conn.cfg.database.clone(),
            what: "otel_traces table".into(),
            otel: " --otel",
        })
    }
}

/// The otel_logs variant of the connection's database, or the error that
/// says to run `tracelens migrate --otel`.
pub async fn require_logs(conn: &Conn) -> Result<LogsSchema, ChError> {
    detect(conn).await?.logs.ok_or_else(|| ChError::Missing {
        database: conn.cfg.database.clone(),
        what: "otel_logs table".into(),
        otel: " --otel",
    })
}
