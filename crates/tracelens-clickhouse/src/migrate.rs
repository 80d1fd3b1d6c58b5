//! Schema migrations: the SQL files of `migrations/`, applied in order and
//! recorded with a checksum in `tracelens_migrations`. Running twice applies
//! nothing the second time; a migration whose file changed after it was
//! applied is refused (add a new migration instead).

use crate::names::{ident, qualified};
use crate::{ChError, Conn};
use clickhouse::Row;
use serde::Deserialize;
use sha2::{Digest, Sha256};

/// One migration file.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub name: &'static str,
    pub sql: &'static str,
    /// The Collector's otel_traces schema: applied with `--otel` only.
    pub otel: bool,
}

macro_rules! migration {
    ($name:literal, $otel:expr) => {
        Migration {
            name: $name,
            sql: include_str!(concat!("../../../migrations/", $name, ".sql")),
            otel: $otel,
        }
    };
}

/// Every migration, in the order they apply.
pub const MIGRATIONS: &[Migration] = &[
    migration!("0001_agent_executions", false),
    migration!("0002_agent_events", false),
    migration!("0003_performance_metrics", false),
    migration!("0004_trace_lookup", false),
    migration!("otel_0001_otel_traces", true),
    migration!("otel_0002_otel_traces_trace_id_ts", true),
    migration!("otel_0003_otel_logs", true),
];

impl Migration {
    pub fn checksum(&self) -> String {
        let d = Sha256::digest(self.sql.as_bytes());
        d.iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The statements, for database `db`: `{db}` replaced by the quoted,
    /// validated name; comment lines dropped; split at `;` line ends.
    pub fn statements(&self, db: &str) -> Result<Vec<String>, ChError> {
        let db = format!("`{}`", ident(db)?);
        Ok(self
            .sql
            .split(";\n")
            .map(|s| {
                s.lines()
                    .filter(|l| !l.trim_start().starts_with("--"))
                    .collect::<Vec<_>>()
                    .join("\n")
                    .trim()
                    .trim_end_matches(';')
                    .replace("{db}", &db)
            })
            .filter(|s| !s.is_empty())
            .collect())
    }
}

#[derive(Debug, Default, serde::Serialize)]
pub struct MigrateReport {
    pub database: String,
    pub applied: Vec<String>,
    pub already: Vec<String>,
}

#[derive(Row, Deserialize)]
struct AppliedRow {
    name: String,
    checksum: String,
}

pub async fn migrate(conn: &Conn, otel: bool) -> Result<MigrateReport, ChError> {
    migrate_with(conn, MIGRATIONS, otel).await
}

/// Applies `set` (the otel ones only with `otel`) to the connection's database.
pub async fn migrate_with(
    conn: &Conn,
    set: &[Migration],
    otel: bool,
) -> Result<MigrateReport, ChError> {
    let db = conn.cfg.database.clone();
    conn.execute(&format!("CREATE DATABASE IF NOT EXISTS `{}`", ident(&db)?))
        .await?;
    let table = qualified(&db, "tracelens_migrations")?;
    conn.execute(&format!(
        "CREATE TABLE IF NOT EXISTS {table} (name String, checksum String, \
         applied_at DateTime64(3) DEFAULT now64(3)) ENGINE = ReplacingMergeTree ORDER BY name"
    ))
    .await?;
    let applied: Vec<AppliedRow> = conn
        .call(
            conn.client
                .query(&format!("SELECT name, checksum FROM {table} FINAL"))
                .fetch_all::<AppliedRow>(),
        )
        .await?;
    let mut report = MigrateReport {
        database: db.clone(),
        ..MigrateReport::default()
    };
    for m in set.iter().filter(|m| otel || !m.otel) {
        let sum = m.checksum();
        if let Some(a) = applied.iter().find(|a| a.name == m.name) {
            if a.checksum != sum {
                return Err(ChError::MigrationEdited {
                    name: m.name.to_string(),
                    applied: a.checksum.clone(),
                    now: sum,
                });
            }
            report.already.push(m.name.to_string());
            continue;
        }
        for stmt in m.statements(&db)? {
            conn.execute(&stmt).await?;
        }
        conn.call(
            conn.client
                .query(&format!(
                    "INSERT INTO {table} (name, checksum) SELECT {{name:String}}, {{sum:String}}"
                ))
                .param("name", m.name)
                .param("sum", &sum)
                .execute(),
        )
        .await?;
        report.applied.push(m.name.to_string());
    }
    Ok(report)
}
