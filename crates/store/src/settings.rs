//! Settings: key/value pairs in a scope (`global`, or `site:<id>`).

use std::collections::BTreeMap;

use dangjian_domain::ids::UserId;
use sqlx::Row;

use crate::{Conn, Result};

pub const GLOBAL: &str = "global";

pub async fn all(conn: &mut Conn, scope: &str) -> Result<BTreeMap<String, String>> {
    let rows = sqlx::query("SELECT key, value FROM settings WHERE scope = $1")
        .bind(scope)
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("key")?, row.try_get("value")?)))
        .collect()
}

/// Writes one value (insert or replace).
pub async fn put(
    conn: &mut Conn,
    scope: &str,
    key: &str,
    value: &str,
    by: Option<UserId>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO settings (scope, key, value, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (scope, key) DO UPDATE SET value = excluded.value,
            updated_by = excluded.updated_by, updated_at = excluded.updated_at",
    )
    .bind(scope)
    .bind(key)
    .bind(value)
    .bind(by.map(|u| u.0))
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// One value, if set.
pub async fn get(conn: &mut Conn, scope: &str, key: &str) -> Result<Option<String>> {
    let row = sqlx::query("SELECT value FROM settings WHERE scope = $1 AND key = $2")
        .bind(scope)
        .bind(key)
        .fetch_optional(conn)
        .await?;
    row.map(|r| r.try_get("value"))
        .transpose()
        .map_err(Into::into)
}
