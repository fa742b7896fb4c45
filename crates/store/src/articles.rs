//! Articles, the columns they appear in and their attachments.

use dangjian_domain::article::{ArticleId, ArticleStatus};
use dangjian_domain::column::ColumnId;
use dangjian_domain::ids::{SiteId, UserId};
use dangjian_domain::media::MediaId;
use serde::Serialize;
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

use crate::org::found;
use crate::{Conn, Result, StoreError, flag};

mod bulk;
mod listing;
pub use bulk::{BATCH, count_in_site, delete_all_in_site, insert_many};
pub use listing::*;

/// An article as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Article {
    pub id: ArticleId,
    pub site_id: SiteId,
    pub primary_column_id: ColumnId,
    pub title: String,
    pub subtitle: String,
    pub author: String,
    pub source: String,
    pub summary: String,
    pub body_html: String,
    pub body_text: String,
    pub keywords: String,
    pub cover_media_id: Option<MediaId>,
    pub video_media_id: Option<MediaId>,
    pub external_url: Option<String>,
    pub status: ArticleStatus,
    pub publish_at: i64,
    pub pinned_until: Option<i64>,
    pub headline: bool,
    pub carousel: bool,
    pub view_count: i64,
    pub withdrawn_reason: String,
    pub created_by: Option<UserId>,
    pub created_at: i64,
    pub updated_by: Option<UserId>,
    pub updated_at: i64,
}

/// What lists show of an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ArticleSummary {
    pub id: ArticleId,
    pub primary_column_id: ColumnId,
    pub title: String,
    pub summary: String,
    pub cover_media_id: Option<MediaId>,
    pub external_url: Option<String>,
    pub status: ArticleStatus,
    pub publish_at: i64,
    pub pinned: bool,
    pub headline: bool,
    pub updated_at: i64,
}

/// The stored fields of an article (written on insert and update).
#[derive(Debug, Clone)]
pub struct ArticleRecord<'a> {
    pub site: SiteId,
    pub primary_column: ColumnId,
    pub title: &'a str,
    pub subtitle: &'a str,
    pub author: &'a str,
    pub source: &'a str,
    pub summary: &'a str,
    pub body_html: &'a str,
    pub body_text: &'a str,
    pub keywords: &'a str,
    pub cover: Option<MediaId>,
    pub video: Option<MediaId>,
    pub external_url: Option<&'a str>,
    pub publish_at: i64,
    pub pinned_until: Option<i64>,
    pub headline: bool,
    pub carousel: bool,
    pub by: UserId,
}

pub async fn insert(conn: &mut Conn, record: &ArticleRecord<'_>, now: i64) -> Result<ArticleId> {
    let id: i64 = sqlx::query(
        "INSERT INTO articles (site_id, primary_column_id, title, subtitle, author, source, summary,
            body_html, body_text, keywords, cover_media_id, video_media_id, external_url, status,
            publish_at, pinned_until, headline, carousel, created_by, created_at, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'draft', $14, $15, $16, $17,
            $18, $19, $18, $19) RETURNING id",
    )
    .bind(record.site.0)
    .bind(record.primary_column.0)
    .bind(record.title)
    .bind(record.subtitle)
    .bind(record.author)
    .bind(record.source)
    .bind(record.summary)
    .bind(record.body_html)
    .bind(record.body_text)
    .bind(record.keywords)
    .bind(record.cover.map(|m| m.0))
    .bind(record.video.map(|m| m.0))
    .bind(record.external_url)
    .bind(record.publish_at)
    .bind(record.pinned_until)
    .bind(i64::from(record.headline))
    .bind(i64::from(record.carousel))
    .bind(record.by.0)
    .bind(now)
    .fetch_one(conn)
    .await?
    .try_get(0)?;
    Ok(ArticleId(id))
}

pub async fn update(
    conn: &mut Conn,
    id: ArticleId,
    record: &ArticleRecord<'_>,
    now: i64,
) -> Result<()> {
    let headline_was = headline(&mut *conn, id).await?;
    let done = sqlx::query(
        "UPDATE articles SET primary_column_id = $1, title = $2, subtitle = $3, author = $4, source = $5,
            summary = $6, body_html = $7, body_text = $8, keywords = $9, cover_media_id = $10,
            video_media_id = $11, external_url = $12, publish_at = $13, pinned_until = $14,
            headline = $15, carousel = $16, updated_by = $17, updated_at = $18
         WHERE id = $19",
    )
    .bind(record.primary_column.0)
    .bind(record.title)
    .bind(record.subtitle)
    .bind(record.author)
    .bind(record.source)
    .bind(record.summary)
    .bind(record.body_html)
    .bind(record.body_text)
    .bind(record.keywords)
    .bind(record.cover.map(|m| m.0))
    .bind(record.video.map(|m| m.0))
    .bind(record.external_url)
    .bind(record.publish_at)
    .bind(record.pinned_until)
    .bind(i64::from(record.headline))
    .bind(i64::from(record.carousel))
    .bind(record.by.0)
    .bind(now)
    .bind(id.0)
    .execute(&mut *conn)
    .await?;
    found(done.rows_affected())?;
    if headline_was != Some(record.headline) {
        crate::review::counts::headline_changed(conn, id, record.headline).await?;
    }
    Ok(())
}

/// Whether the article is marked as a headline (`None`: no such article).
async fn headline(conn: &mut Conn, id: ArticleId) -> Result<Option<bool>> {
    let row = sqlx::query("SELECT headline FROM articles WHERE id = $1")
        .bind(id.0)
        .fetch_optional(conn)
        .await?;
    row.map(|row| Ok(flag(row.try_get("headline")?)))
        .transpose()
}

/// Moves an article to `status`; `reason` is kept for a withdrawal.
pub async fn set_status(
    conn: &mut Conn,
    id: ArticleId,
    status: ArticleStatus,
    reason: &str,
    by: UserId,
    now: i64,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE articles SET status = $1, withdrawn_reason = $2, updated_by = $3, updated_at = $4 WHERE id = $5",
    )
    .bind(status.code())
    .bind(reason)
    .bind(by.0)
    .bind(now)
    .bind(id.0)
    .execute(conn)
    .await?;
    found(done.rows_affected())
}

/// Replaces the further columns (一稿多发) of an article.
pub async fn set_extra_columns(conn: &mut Conn, id: ArticleId, columns: &[ColumnId]) -> Result<()> {
    sqlx::query("DELETE FROM article_columns WHERE article_id = $1")
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
    for column in columns {
        sqlx::query("INSERT INTO article_columns (article_id, column_id) VALUES ($1, $2)")
            .bind(id.0)
            .bind(column.0)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Replaces the attachments of an article, in display order.
pub async fn set_attachments(conn: &mut Conn, id: ArticleId, media: &[MediaId]) -> Result<()> {
    sqlx::query("DELETE FROM article_attachments WHERE article_id = $1")
        .bind(id.0)
        .execute(&mut *conn)
        .await?;
    for (order, item) in media.iter().enumerate() {
        sqlx::query("INSERT INTO article_attachments (article_id, media_id, sort_order) VALUES ($1, $2, $3)")
            .bind(id.0)
            .bind(item.0)
            .bind(i64::try_from(order).unwrap_or(i64::MAX))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

const ARTICLE_COLUMNS: &str = "SELECT id, site_id, primary_column_id, title, subtitle, author, source,
    summary, body_html, body_text, keywords, cover_media_id, video_media_id, external_url, status,
    publish_at, pinned_until, headline, carousel, view_count, withdrawn_reason, created_by, created_at,
    updated_by, updated_at FROM articles";

pub async fn get(conn: &mut Conn, id: ArticleId) -> Result<Article> {
    let row = sqlx::query(AssertSqlSafe(format!("{ARTICLE_COLUMNS} WHERE id = $1")))
        .bind(id.0)
        .fetch_one(conn)
        .await?;
    article_from_row(&row)
}

pub async fn extra_columns(conn: &mut Conn, id: ArticleId) -> Result<Vec<ColumnId>> {
    let rows = sqlx::query(
        "SELECT column_id FROM article_columns WHERE article_id = $1 ORDER BY column_id",
    )
    .bind(id.0)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok(ColumnId(r.try_get(0)?))).collect()
}

pub async fn attachments(conn: &mut Conn, id: ArticleId) -> Result<Vec<MediaId>> {
    let rows = sqlx::query(
        "SELECT media_id FROM article_attachments WHERE article_id = $1 ORDER BY sort_order, media_id",
    )
    .bind(id.0)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok(MediaId(r.try_get(0)?))).collect()
}

fn status_of(code: &str) -> Result<ArticleStatus> {
    ArticleStatus::from_code(code)
        .ok_or_else(|| StoreError::Conflict(format!("unknown article status {code}")))
}

fn article_from_row(row: &AnyRow) -> Result<Article> {
    let status: String = row.try_get("status")?;
    Ok(Article {
        id: ArticleId(row.try_get("id")?),
        site_id: SiteId(row.try_get("site_id")?),
        primary_column_id: ColumnId(row.try_get("primary_column_id")?),
        title: row.try_get("title")?,
        subtitle: row.try_get("subtitle")?,
        author: row.try_get("author")?,
        source: row.try_get("source")?,
        summary: row.try_get("summary")?,
        body_html: row.try_get("body_html")?,
        body_text: row.try_get("body_text")?,
        keywords: row.try_get("keywords")?,
        cover_media_id: row
            .try_get::<Option<i64>, _>("cover_media_id")?
            .map(MediaId),
        video_media_id: row
            .try_get::<Option<i64>, _>("video_media_id")?
            .map(MediaId),
        external_url: row.try_get("external_url")?,
        status: status_of(&status)?,
        publish_at: row.try_get("publish_at")?,
        pinned_until: row.try_get("pinned_until")?,
        headline: flag(row.try_get("headline")?),
        carousel: flag(row.try_get("carousel")?),
        view_count: row.try_get("view_count")?,
        withdrawn_reason: row.try_get("withdrawn_reason")?,
        created_by: row.try_get::<Option<i64>, _>("created_by")?.map(UserId),
        created_at: row.try_get("created_at")?,
        updated_by: row.try_get::<Option<i64>, _>("updated_by")?.map(UserId),
        updated_at: row.try_get("updated_at")?,
    })
}

/// Summary columns; `$1` is "now" (for the pinned flag).
macro_rules! summary_fields {
    () => {
        "SELECT a.id, a.primary_column_id, a.title, a.summary, a.cover_media_id,
    a.external_url, a.status, a.publish_at, a.headline, a.updated_at,
    CASE WHEN a.pinned_until IS NOT NULL AND a.pinned_until >= $1 THEN 1 ELSE 0 END AS pinned"
    };
}

const SUMMARY_FIELDS: &str = summary_fields!();
const SUMMARY_COLUMNS: &str = concat!(summary_fields!(), " FROM articles a");

fn summary_from_row(row: &AnyRow) -> Result<ArticleSummary> {
    let status: String = row.try_get("status")?;
    Ok(ArticleSummary {
        id: ArticleId(row.try_get("id")?),
        primary_column_id: ColumnId(row.try_get("primary_column_id")?),
        title: row.try_get("title")?,
        summary: row.try_get("summary")?,
        cover_media_id: row
            .try_get::<Option<i64>, _>("cover_media_id")?
            .map(MediaId),
        external_url: row.try_get("external_url")?,
        status: status_of(&status)?,
        publish_at: row.try_get("publish_at")?,
        pinned: flag(row.try_get("pinned")?),
        headline: flag(row.try_get("headline")?),
        updated_at: row.try_get("updated_at")?,
    })
}

/// `$first, $first+1, …` for an IN list of `count` values.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What the office lists filter by; empty means any.
#[derive(Debug, Clone, Default)]
pub struct OfficeFilter {
    pub column: Option<ColumnId>,
    pub status: Option<ArticleStatus>,
    pub search: String,
}

/// Articles of a site for the office (every status), newest change first.
pub async fn office_list(
    conn: &mut Conn,
    site: SiteId,
    filter: &OfficeFilter,
    now: i64,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ArticleSummary>, i64)> {
    let condition = "WHERE a.site_id = $2 AND ($3 = 0 OR a.primary_column_id = $3
        OR a.id IN (SELECT article_id FROM article_columns WHERE column_id = $3))
        AND ($4 = '' OR a.status = $4) AND ($5 = '' OR a.title LIKE $6)";
    let pattern = format!("%{}%", filter.search.replace(['%', '_'], ""));
    let column = filter.column.map_or(0, |c| c.0);
    let status = filter.status.map_or("", ArticleStatus::code);
    let total: i64 = sqlx::query(AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM articles a {condition} AND $1 = $1"
    )))
    .bind(now)
    .bind(site.0)
    .bind(column)
    .bind(status)
    .bind(&filter.search)
    .bind(&pattern)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    let sql = format!(
        "{SUMMARY_COLUMNS} {condition} ORDER BY a.updated_at DESC, a.id DESC LIMIT $7 OFFSET $8"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(now)
        .bind(site.0)
        .bind(column)
        .bind(status)
        .bind(&filter.search)
        .bind(&pattern)
        .bind(limit)
        .bind(offset)
        .fetch_all(conn)
        .await?;
    let list = rows.iter().map(summary_from_row).collect::<Result<_>>()?;
    Ok((list, total))
}

/// Adds counted views (written in batches by the statistics).
pub async fn add_views(conn: &mut Conn, id: ArticleId, views: i64) -> Result<()> {
    sqlx::query("UPDATE articles SET view_count = view_count + $1 WHERE id = $2")
        .bind(views)
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(())
}
