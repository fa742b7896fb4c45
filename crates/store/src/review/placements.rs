//! Requests to place an article also in a column another section owns
//! (一稿多发), and their decisions.

use dangjian_domain::article::ArticleId;
use dangjian_domain::column::ColumnId;
use dangjian_domain::ids::{SiteId, UserId};
use serde::Serialize;
use sqlx::Row;

use crate::{Conn, Result};

/// An undecided request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlacementRequest {
    pub id: i64,
    pub article_id: ArticleId,
    pub title: String,
    pub column_id: ColumnId,
    pub requested_by_name: Option<String>,
    pub requested_at: i64,
}

/// The columns an article waits to be placed in.
pub async fn pending_columns(conn: &mut Conn, article: ArticleId) -> Result<Vec<ColumnId>> {
    let rows = sqlx::query(
        "SELECT column_id FROM placement_requests
         WHERE article_id = $1 AND decided_at IS NULL ORDER BY column_id",
    )
    .bind(article.0)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok(ColumnId(r.try_get(0)?))).collect()
}

/// Makes the undecided requests of an article exactly `wanted`: new ones
/// are asked, ones no longer wanted are dropped.
pub async fn sync(
    conn: &mut Conn,
    article: ArticleId,
    wanted: &[ColumnId],
    by: UserId,
    now: i64,
) -> Result<()> {
    let current = pending_columns(conn, article).await?;
    for column in current.iter().filter(|c| !wanted.contains(c)) {
        sqlx::query(
            "DELETE FROM placement_requests
             WHERE article_id = $1 AND column_id = $2 AND decided_at IS NULL",
        )
        .bind(article.0)
        .bind(column.0)
        .execute(&mut *conn)
        .await?;
    }
    for column in wanted.iter().filter(|c| !current.contains(c)) {
        sqlx::query(
            "INSERT INTO placement_requests (article_id, column_id, requested_by, requested_at)
             VALUES ($1, $2, $3, $4)",
        )
        .bind(article.0)
        .bind(column.0)
        .bind(by.0)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Every undecided request of a site, oldest first.
pub async fn open_requests(conn: &mut Conn, site: SiteId) -> Result<Vec<PlacementRequest>> {
    let rows = sqlx::query(
        "SELECT p.id, p.article_id, a.title, p.column_id, u.display_name AS requested_by_name,
            p.requested_at
         FROM placement_requests p JOIN articles a ON a.id = p.article_id
         LEFT JOIN users u ON u.id = p.requested_by
         WHERE a.site_id = $1 AND p.decided_at IS NULL ORDER BY p.id",
    )
    .bind(site.0)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(PlacementRequest {
                id: row.try_get("id")?,
                article_id: ArticleId(row.try_get("article_id")?),
                title: row.try_get("title")?,
                column_id: ColumnId(row.try_get("column_id")?),
                requested_by_name: row.try_get("requested_by_name")?,
                requested_at: row.try_get("requested_at")?,
            })
        })
        .collect()
}

/// One undecided request.
pub async fn open_request(conn: &mut Conn, id: i64) -> Result<Option<(ArticleId, ColumnId)>> {
    let row = sqlx::query(
        "SELECT article_id, column_id FROM placement_requests WHERE id = $1 AND decided_at IS NULL",
    )
    .bind(id)
    .fetch_optional(conn)
    .await?;
    match row {
        Some(row) => Ok(Some((
            ArticleId(row.try_get("article_id")?),
            ColumnId(row.try_get("column_id")?),
        ))),
        None => Ok(None),
    }
}

/// Decides a request; an approval also places the article in the column.
pub async fn decide(conn: &mut Conn, id: i64, by: UserId, approved: bool, now: i64) -> Result<()> {
    let request = open_request(conn, id).await?;
    sqlx::query(
        "UPDATE placement_requests SET decided_by = $1, decided_at = $2, approved = $3
         WHERE id = $4 AND decided_at IS NULL",
    )
    .bind(by.0)
    .bind(now)
    .bind(i64::from(approved))
    .bind(id)
    .execute(&mut *conn)
    .await?;
    if let (true, Some((article, column))) = (approved, request) {
        sqlx::query(
            "INSERT INTO article_columns (article_id, column_id)
             SELECT $1, $2 WHERE NOT EXISTS
                (SELECT 1 FROM article_columns WHERE article_id = $1 AND column_id = $2)",
        )
        .bind(article.0)
        .bind(column.0)
        .execute(conn)
        .await?;
    }
    Ok(())
}
