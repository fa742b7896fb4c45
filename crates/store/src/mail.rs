//! The e-mail outbox: one row per notification to be mailed, written in the
//! notification's transaction. Any number of nodes may send; a node takes a
//! due row by a conditional update only one of them can win, and the claim
//! is committed before the (slow, remote) SMTP exchange so no write
//! transaction waits on the network.

use dangjian_domain::article::ArticleId;
use dangjian_domain::ids::UserId;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::org::found;
use crate::{Conn, Result};

/// A mail to write, with the facts of its notification.
pub struct NewMail<'a> {
    pub user: UserId,
    pub recipient: &'a str,
    pub kind: &'a str,
    pub article: Option<ArticleId>,
    pub link: Option<&'a str>,
    pub title: &'a str,
    pub actor_name: &'a str,
    pub comment: &'a str,
}

/// A row of the outbox, in whatever state it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueuedMail {
    pub id: i64,
    pub user_id: UserId,
    pub recipient: String,
    pub kind: String,
    pub article_id: Option<ArticleId>,
    /// The office page it is about, when that is not an article's.
    pub link: Option<String>,
    pub title: String,
    pub actor_name: String,
    pub comment: String,
    pub created_at: i64,
    /// Failed attempts so far.
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub sent_at: Option<i64>,
    pub given_up_at: Option<i64>,
    /// The last failure's message (kept after a later success or giving up).
    pub last_error: String,
}

const SELECT: &str =
    "SELECT id, user_id, recipient, kind, article_id, link, title, actor_name, comment,
    created_at, attempts, next_attempt_at, sent_at, given_up_at, last_error FROM email_outbox";

fn mail_from_row(row: &AnyRow) -> Result<QueuedMail> {
    Ok(QueuedMail {
        id: row.try_get("id")?,
        user_id: UserId(row.try_get("user_id")?),
        recipient: row.try_get("recipient")?,
        kind: row.try_get("kind")?,
        article_id: row.try_get::<Option<i64>, _>("article_id")?.map(ArticleId),
        link: row.try_get("link")?,
        title: row.try_get("title")?,
        actor_name: row.try_get("actor_name")?,
        comment: row.try_get("comment")?,
        created_at: row.try_get("created_at")?,
        attempts: row.try_get("attempts")?,
        next_attempt_at: row.try_get("next_attempt_at")?,
        sent_at: row.try_get("sent_at")?,
        given_up_at: row.try_get("given_up_at")?,
        last_error: row.try_get("last_error")?,
    })
}

/// Writes a mail, due at once.
pub async fn enqueue(conn: &mut Conn, mail: &NewMail<'_>, now: i64) -> Result<i64> {
    let id: i64 = sqlx::query(
        "INSERT INTO email_outbox (user_id, recipient, kind, article_id, title, actor_name,
            comment, created_at, next_attempt_at, link)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9) RETURNING id",
    )
    .bind(mail.user.0)
    .bind(mail.recipient)
    .bind(mail.kind)
    .bind(mail.article.map(|a| a.0))
    .bind(mail.title)
    .bind(mail.actor_name)
    .bind(mail.comment)
    .bind(now)
    .bind(mail.link)
    .fetch_one(conn)
    .await?
    .try_get(0)?;
    Ok(id)
}

/// Mails neither sent nor given up whose next try has come and that no
/// live node holds (claims older than `lease_ms` are stale), oldest first.
pub async fn due(conn: &mut Conn, now: i64, lease_ms: i64, limit: i64) -> Result<Vec<QueuedMail>> {
    let sql = format!(
        "{SELECT} WHERE sent_at IS NULL AND given_up_at IS NULL AND next_attempt_at <= $1
           AND (claimed_at IS NULL OR claimed_at < $2)
         ORDER BY next_attempt_at, id LIMIT $3"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(now)
        .bind(now - lease_ms)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(mail_from_row).collect()
}

/// Takes a mail for `node`; true only for the one node whose update found
/// it still free (the condition is re-checked under the row's lock).
pub async fn claim(conn: &mut Conn, id: i64, node: &str, now: i64, lease_ms: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE email_outbox SET claimed_by = $1, claimed_at = $2
         WHERE id = $3 AND sent_at IS NULL AND given_up_at IS NULL
           AND (claimed_at IS NULL OR claimed_at < $4)",
    )
    .bind(node)
    .bind(now)
    .bind(id)
    .bind(now - lease_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn mark_sent(conn: &mut Conn, id: i64, now: i64) -> Result<()> {
    let done = sqlx::query(
        "UPDATE email_outbox SET sent_at = $1, claimed_by = NULL, claimed_at = NULL WHERE id = $2",
    )
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    found(done.rows_affected())
}

/// Counts a failed attempt and keeps its error; the mail is tried again at
/// `retry_at`, or given up now when there is none.
pub async fn mark_failed(
    conn: &mut Conn,
    id: i64,
    error: &str,
    retry_at: Option<i64>,
    now: i64,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE email_outbox SET attempts = attempts + 1, last_error = $1,
            next_attempt_at = $2, given_up_at = $3, claimed_by = NULL, claimed_at = NULL
         WHERE id = $4",
    )
    .bind(error)
    .bind(retry_at.unwrap_or(now))
    .bind(retry_at.is_none().then_some(now))
    .bind(id)
    .execute(conn)
    .await?;
    found(done.rows_affected())
}

/// The newest rows of the outbox, whatever their state.
pub async fn recent(conn: &mut Conn, limit: i64) -> Result<Vec<QueuedMail>> {
    let sql = format!("{SELECT} ORDER BY id DESC LIMIT $1");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(mail_from_row).collect()
}
