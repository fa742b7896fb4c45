//! Login sessions. The cookie carries a random token; only its hash is
//! stored, so a copy of the database does not hand out live sessions.

use dangjian_domain::ids::UserId;
use sqlx::Row;

use crate::org::found;
use crate::{Conn, Result};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: i64,
    pub user_id: UserId,
    /// Where the login stands: see `app::auth::Stage`.
    pub stage: String,
    pub csrf_token: String,
    pub client_addr: String,
    pub created_at: i64,
    pub last_seen_at: i64,
}

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user: UserId,
    pub stage: &'a str,
    pub csrf_token: &'a str,
    pub client_addr: &'a str,
    pub user_agent: &'a str,
}

pub async fn insert(conn: &mut Conn, session: &NewSession<'_>, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, stage, csrf_token, client_addr, user_agent,
            created_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
    )
    .bind(session.token_hash)
    .bind(session.user.0)
    .bind(session.stage)
    .bind(session.csrf_token)
    .bind(session.client_addr)
    .bind(session.user_agent)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn by_token_hash(conn: &mut Conn, token_hash: &str) -> Result<Option<Session>> {
    let row = sqlx::query(
        "SELECT id, user_id, stage, csrf_token, client_addr, created_at, last_seen_at
         FROM sessions WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        Ok(Session {
            id: row.try_get("id")?,
            user_id: UserId(row.try_get("user_id")?),
            stage: row.try_get("stage")?,
            csrf_token: row.try_get("csrf_token")?,
            client_addr: row.try_get("client_addr")?,
            created_at: row.try_get("created_at")?,
            last_seen_at: row.try_get("last_seen_at")?,
        })
    })
    .transpose()
}

/// Marks activity; written at most once a minute per session to spare the
/// database (the idle timeout is counted in minutes).
pub async fn touch(conn: &mut Conn, id: i64, now: i64) -> Result<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND last_seen_at < $3")
        .bind(now)
        .bind(id)
        .bind(now - 60_000)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_stage(conn: &mut Conn, id: i64, stage: &str, now: i64) -> Result<()> {
    let done = sqlx::query("UPDATE sessions SET stage = $1, last_seen_at = $2 WHERE id = $3")
        .bind(stage)
        .bind(now)
        .bind(id)
        .execute(conn)
        .await?;
    found(done.rows_affected())
}

pub async fn delete(conn: &mut Conn, id: i64) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE id = $1")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Ends every session of a person (disabled account, password reset).
pub async fn delete_for_user(conn: &mut Conn, user: UserId) -> Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Removes sessions idle since before `cutoff`.
pub async fn delete_idle(conn: &mut Conn, cutoff: i64) -> Result<u64> {
    let done = sqlx::query("DELETE FROM sessions WHERE last_seen_at < $1")
        .bind(cutoff)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
