//! The scheduler's jobs: publish or unpublish an article at a minute. Any
//! number of nodes may poll; a node takes a due job by a conditional
//! update that only one of them can win, so each job is done once.

use dangjian_domain::article::ArticleId;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub article_id: ArticleId,
    pub due_at: i64,
}

fn job_from_row(row: &AnyRow) -> Result<Job> {
    Ok(Job {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        article_id: ArticleId(row.try_get("article_id")?),
        due_at: row.try_get("due_at")?,
    })
}

pub async fn insert(
    conn: &mut Conn,
    kind: &str,
    article: ArticleId,
    due_at: i64,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO scheduled_jobs (kind, article_id, due_at, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(kind)
    .bind(article.0)
    .bind(due_at)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Drops the pending jobs of an article (of one kind, or all with `None`):
/// marked done without being run, so the trail of jobs stays.
pub async fn cancel(
    conn: &mut Conn,
    article: ArticleId,
    kind: Option<&str>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "UPDATE scheduled_jobs SET done_at = $1, claimed_by = 'cancelled'
         WHERE article_id = $2 AND done_at IS NULL AND ($3 = '' OR kind = $3)",
    )
    .bind(now)
    .bind(article.0)
    .bind(kind.unwrap_or(""))
    .execute(conn)
    .await?;
    Ok(())
}

/// Due jobs not done and not claimed by a live node (claims older than
/// `lease_ms` are stale), oldest first.
pub async fn due(conn: &mut Conn, now: i64, lease_ms: i64, limit: i64) -> Result<Vec<Job>> {
    let rows = sqlx::query(
        "SELECT id, kind, article_id, due_at FROM scheduled_jobs
         WHERE done_at IS NULL AND due_at <= $1 AND (claimed_at IS NULL OR claimed_at < $2)
         ORDER BY due_at, id LIMIT $3",
    )
    .bind(now)
    .bind(now - lease_ms)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(job_from_row).collect()
}

/// Takes a job for `node`; true only for the one node whose update found
/// it still free (the condition is re-checked under the row's lock).
pub async fn claim(conn: &mut Conn, job: i64, node: &str, now: i64, lease_ms: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE scheduled_jobs SET claimed_by = $1, claimed_at = $2
         WHERE id = $3 AND done_at IS NULL AND (claimed_at IS NULL OR claimed_at < $4)",
    )
    .bind(node)
    .bind(now)
    .bind(job)
    .bind(now - lease_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn finish(conn: &mut Conn, job: i64, now: i64) -> Result<()> {
    sqlx::query("UPDATE scheduled_jobs SET done_at = $1 WHERE id = $2")
        .bind(now)
        .bind(job)
        .execute(conn)
        .await?;
    Ok(())
}

/// The pending job of an article (for the editor's page).
pub async fn pending(conn: &mut Conn, article: ArticleId) -> Result<Vec<Job>> {
    let rows = sqlx::query(
        "SELECT id, kind, article_id, due_at FROM scheduled_jobs
         WHERE article_id = $1 AND done_at IS NULL ORDER BY due_at",
    )
    .bind(article.0)
    .fetch_all(conn)
    .await?;
    rows.iter().map(job_from_row).collect()
}
