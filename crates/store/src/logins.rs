//! Failed login attempts, counted per account name and per client address
//! for the lockout rule.

use sqlx::Row;

use crate::{Conn, Result};

pub async fn record_failure(
    conn: &mut Conn,
    username: &str,
    client_addr: &str,
    now: i64,
) -> Result<()> {
    sqlx::query("INSERT INTO login_failures (username, client_addr, at) VALUES ($1, $2, $3)")
        .bind(username)
        .bind(client_addr)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Failures for the account name since `since`.
pub async fn failures_for_account(conn: &mut Conn, username: &str, since: i64) -> Result<i64> {
    Ok(
        sqlx::query("SELECT COUNT(*) FROM login_failures WHERE username = $1 AND at >= $2")
            .bind(username)
            .bind(since)
            .fetch_one(conn)
            .await?
            .try_get(0)?,
    )
}

/// Failures from the client address since `since`.
pub async fn failures_for_address(conn: &mut Conn, client_addr: &str, since: i64) -> Result<i64> {
    Ok(
        sqlx::query("SELECT COUNT(*) FROM login_failures WHERE client_addr = $1 AND at >= $2")
            .bind(client_addr)
            .bind(since)
            .fetch_one(conn)
            .await?
            .try_get(0)?,
    )
}

/// Forgets the failures of an account (after a successful login or an
/// administrator's unlock).
pub async fn clear_account(conn: &mut Conn, username: &str) -> Result<()> {
    sqlx::query("DELETE FROM login_failures WHERE username = $1")
        .bind(username)
        .execute(conn)
        .await?;
    Ok(())
}

/// Drops failures older than `cutoff`: they no longer count for anything.
pub async fn prune(conn: &mut Conn, cutoff: i64) -> Result<u64> {
    let done = sqlx::query("DELETE FROM login_failures WHERE at < $1")
        .bind(cutoff)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
