//! In-app notifications: something reached a person's queue, came back to
//! them, or was published.

use dangjian_domain::article::ArticleId;
use dangjian_domain::ids::UserId;
use serde::Serialize;
use sqlx::Row;

use crate::{Conn, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notification {
    pub id: i64,
    pub at: i64,
    /// `review.waiting`, `review.returned`, `review.published` …
    pub kind: String,
    pub article_id: Option<ArticleId>,
    pub title: String,
    pub actor_name: String,
    pub comment: String,
    /// The office page it is about, when that is not an article's.
    pub link: Option<String>,
    pub read: bool,
}

pub struct NewNotification<'a> {
    pub kind: &'a str,
    pub article: Option<ArticleId>,
    /// The office page it is about, when that is not an article's.
    pub link: Option<&'a str>,
    pub title: &'a str,
    pub actor_name: &'a str,
    pub comment: &'a str,
}

pub async fn insert(
    conn: &mut Conn,
    user: UserId,
    notice: &NewNotification<'_>,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO notifications (user_id, at, kind, article_id, title, actor_name, comment,
            link)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(user.0)
    .bind(now)
    .bind(notice.kind)
    .bind(notice.article.map(|a| a.0))
    .bind(notice.title)
    .bind(notice.actor_name)
    .bind(notice.comment)
    .bind(notice.link)
    .execute(conn)
    .await?;
    Ok(())
}

/// A person's newest notifications.
pub async fn list(conn: &mut Conn, user: UserId, limit: i64) -> Result<Vec<Notification>> {
    let rows = sqlx::query(
        "SELECT id, at, kind, article_id, title, actor_name, comment, read_at, link
         FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(user.0)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            let article: Option<i64> = row.try_get("article_id")?;
            let read_at: Option<i64> = row.try_get("read_at")?;
            Ok(Notification {
                id: row.try_get("id")?,
                at: row.try_get("at")?,
                kind: row.try_get("kind")?,
                article_id: article.map(ArticleId),
                title: row.try_get("title")?,
                actor_name: row.try_get("actor_name")?,
                comment: row.try_get("comment")?,
                link: row.try_get("link")?,
                read: read_at.is_some(),
            })
        })
        .collect()
}

pub async fn unread_count(conn: &mut Conn, user: UserId) -> Result<i64> {
    Ok(
        sqlx::query("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
            .bind(user.0)
            .fetch_one(conn)
            .await?
            .try_get(0)?,
    )
}

/// Marks all of a person's notifications read.
pub async fn mark_all_read(conn: &mut Conn, user: UserId, now: i64) -> Result<u64> {
    let done =
        sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
            .bind(now)
            .bind(user.0)
            .execute(conn)
            .await?;
    Ok(done.rows_affected())
}
