//! Article revisions (修订记录): copies of an article's text after each save.

use dangjian_domain::article::ArticleId;
use dangjian_domain::column::ColumnId;
use dangjian_domain::ids::UserId;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Conn, Result, StoreError};

/// A revision as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Revision {
    pub article_id: ArticleId,
    pub number: i64,
    pub title: String,
    pub subtitle: String,
    pub author: String,
    pub source: String,
    pub summary: String,
    pub keywords: String,
    pub body_html: String,
    pub body_text: String,
    pub primary_column_id: ColumnId,
    pub created_by: UserId,
    pub created_at: i64,
    pub note: String,
}

/// What the list of an article's revisions shows of one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RevisionSummary {
    pub number: i64,
    pub title: String,
    pub created_by: UserId,
    /// The display name of the person who saved it (empty if unknown).
    pub created_by_name: String,
    pub created_at: i64,
    pub note: String,
}

/// Copies the article's current row into a new revision numbered one past
/// its last; returns the number.
///
/// Call it inside the transaction that changed the article, after the
/// change: the article's row is then locked (PostgreSQL) or the database is
/// (SQLite), so two saves cannot take the same number.
pub async fn insert_snapshot(
    conn: &mut Conn,
    article: ArticleId,
    by: UserId,
    note: &str,
    now: i64,
) -> Result<i64> {
    let row = sqlx::query(
        "INSERT INTO article_revisions (article_id, number, title, subtitle, author, source,
            summary, keywords, body_html, body_text, primary_column_id, created_by, created_at, note)
         SELECT a.id,
            (SELECT COALESCE(MAX(r.number), 0) + 1 FROM article_revisions r WHERE r.article_id = a.id),
            a.title, a.subtitle, a.author, a.source, a.summary, a.keywords, a.body_html,
            a.body_text, a.primary_column_id, $2, $3, $4
         FROM articles a WHERE a.id = $1
         RETURNING number",
    )
    .bind(article.0)
    .bind(by.0)
    .bind(now)
    .bind(note)
    .fetch_optional(conn)
    .await?;
    let row = row.ok_or(StoreError::NotFound)?;
    Ok(row.try_get(0)?)
}

/// An article's revisions, newest first, at most `limit`.
pub async fn list(conn: &mut Conn, article: ArticleId, limit: i64) -> Result<Vec<RevisionSummary>> {
    let rows = sqlx::query(
        "SELECT r.number, r.title, r.created_by, COALESCE(u.display_name, '') AS created_by_name,
            r.created_at, r.note
         FROM article_revisions r LEFT JOIN users u ON u.id = r.created_by
         WHERE r.article_id = $1 ORDER BY r.number DESC LIMIT $2",
    )
    .bind(article.0)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(summary_from_row).collect()
}

/// One revision of an article by its number.
pub async fn get(conn: &mut Conn, article: ArticleId, number: i64) -> Result<Revision> {
    let row = sqlx::query(
        "SELECT article_id, number, title, subtitle, author, source, summary, keywords, body_html,
            body_text, primary_column_id, created_by, created_at, note
         FROM article_revisions WHERE article_id = $1 AND number = $2",
    )
    .bind(article.0)
    .bind(number)
    .fetch_optional(conn)
    .await?;
    revision_from_row(&row.ok_or(StoreError::NotFound)?)
}

/// The text of a revision written back into its article (a restore); the
/// article's other fields (media, dates, placement flags, status) stay.
pub async fn write_back(
    conn: &mut Conn,
    revision: &Revision,
    primary_column: ColumnId,
    body_html: &str,
    body_text: &str,
    by: UserId,
    now: i64,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE articles SET title = $1, subtitle = $2, author = $3, source = $4, summary = $5,
            keywords = $6, body_html = $7, body_text = $8, primary_column_id = $9,
            updated_by = $10, updated_at = $11
         WHERE id = $12",
    )
    .bind(&revision.title)
    .bind(&revision.subtitle)
    .bind(&revision.author)
    .bind(&revision.source)
    .bind(&revision.summary)
    .bind(&revision.keywords)
    .bind(body_html)
    .bind(body_text)
    .bind(primary_column.0)
    .bind(by.0)
    .bind(now)
    .bind(revision.article_id.0)
    .execute(conn)
    .await?;
    crate::org::found(done.rows_affected())
}

fn summary_from_row(row: &AnyRow) -> Result<RevisionSummary> {
    Ok(RevisionSummary {
        number: row.try_get("number")?,
        title: row.try_get("title")?,
        created_by: UserId(row.try_get("created_by")?),
        created_by_name: row.try_get("created_by_name")?,
        created_at: row.try_get("created_at")?,
        note: row.try_get("note")?,
    })
}

fn revision_from_row(row: &AnyRow) -> Result<Revision> {
    Ok(Revision {
        article_id: ArticleId(row.try_get("article_id")?),
        number: row.try_get("number")?,
        title: row.try_get("title")?,
        subtitle: row.try_get("subtitle")?,
        author: row.try_get("author")?,
        source: row.try_get("source")?,
        summary: row.try_get("summary")?,
        keywords: row.try_get("keywords")?,
        body_html: row.try_get("body_html")?,
        body_text: row.try_get("body_text")?,
        primary_column_id: ColumnId(row.try_get("primary_column_id")?),
        created_by: UserId(row.try_get("created_by")?),
        created_at: row.try_get("created_at")?,
        note: row.try_get("note")?,
    })
}
