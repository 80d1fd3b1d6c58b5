//! Inserting JSONEachRow batches with deduplication tokens: the one way
//! Tracelens writes to ClickHouse.

use crate::names::qualified;
use crate::{ChError, Conn};
use serde_json::Value;

/// Inserts `rows` into `table` in batches of `batch`. Each batch carries a
/// token derived from its bytes, so the same batch sent again (an import
/// re-run, or a retry after a kill midway) is dropped by the server: the
/// tables keep a deduplication window (see the migrations). `progress` gets
/// the rows sent so far. Returns (rows, batches).
pub async fn insert_json_rows(
    conn: &Conn,
    table: &str,
    rows: impl Iterator<Item = Value>,
    batch: usize,
    mut progress: impl FnMut(u64),
) -> Result<(u64, u64), ChError> {
    let table = qualified(&conn.cfg.database, table)?;
    let batch = batch.max(1);
    let (mut sent, mut batches) = (0u64, 0u64);
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        let mut body = Vec::new();
        let mut n = 0u64;
        for r in rows.by_ref().take(batch) {
            // serde_json cannot fail on a Value; a failure would be a bug.
            serde_json::to_writer(&mut body, &r)
                .map_err(|e| ChError::Protocol(format!("cannot encode a row: {e}")))?;
            body.push(b'\n');
            n += 1;
        }
        let token: String = {
            use sha2::Digest;
            sha2::Sha256::digest(&body)
                .iter()
                .take(16)
                .map(|b| format!("{b:02x}"))
                .collect()
        };
        let mut ins = conn
            .client
            .insert_formatted_with(format!("INSERT INTO {table} FORMAT JSONEachRow"))
            .with_setting("insert_deduplication_token", token)
            .with_setting("insert_deduplicate", "1");
        conn.call(ins.send(body.into())).await?;
        conn.call(ins.end()).await?;
        sent += n;
        batches += 1;
        progress(sent);
    }
    Ok((sent, batches))
}
