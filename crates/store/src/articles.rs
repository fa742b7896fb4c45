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
pub use bulk::{BATCH, count_in_site, delete_all_in_site, insert_many};

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
    .execute(conn)
    .await?;
    found(done.rows_affected())
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

/// Published articles (publish time reached) in any of `columns` — as
/// primary or further column — pinned first, then newest; and their total.
///
/// Read without sorting the site's articles: each column's newest come from
/// the `articles_column` index (enough of them to fill the page), placements
/// in further columns (一稿多发, rare) and currently pinned articles (few)
/// are read apart, and the lists are merged here.
pub async fn published_in(
    conn: &mut Conn,
    site: SiteId,
    columns: &[ColumnId],
    now: i64,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ArticleSummary>, i64)> {
    if columns.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let page = newest_in(conn, site, columns, now, offset, limit).await?;
    let total = count_published_in(conn, site, columns, now).await?;
    Ok((page, total))
}

/// The page of `published_in` without the total (homepage blocks, related
/// articles, feeds).
pub async fn newest_in(
    conn: &mut Conn,
    site: SiteId,
    columns: &[ColumnId],
    now: i64,
    offset: i64,
    limit: i64,
) -> Result<Vec<ArticleSummary>> {
    if columns.is_empty() {
        return Ok(Vec::new());
    }
    let wanted = offset + limit;
    let mut pinned = pinned_in(conn, site, columns, now).await?;
    let mut newest = Vec::new();
    for column in columns {
        let sql = format!(
            "{SUMMARY_COLUMNS} WHERE a.primary_column_id = $2 AND a.status = 'published'
             AND a.publish_at <= $1 AND a.site_id = $3
             ORDER BY a.publish_at DESC, a.id DESC LIMIT $4"
        );
        let rows = sqlx::query(AssertSqlSafe(sql))
            .bind(now)
            .bind(column.0)
            .bind(site.0)
            .bind(wanted + i64::try_from(pinned.len()).unwrap_or(0))
            .fetch_all(&mut *conn)
            .await?;
        for row in &rows {
            newest.push(summary_from_row(row)?);
        }
    }
    newest.extend(placed_in(conn, site, columns, now, wanted).await?);
    pinned.sort_by_key(|a| std::cmp::Reverse((a.publish_at, a.id)));
    newest.sort_by_key(|a| std::cmp::Reverse((a.publish_at, a.id)));
    let mut seen = std::collections::HashSet::new();
    let page = pinned
        .into_iter()
        .chain(newest.into_iter().filter(|a| !a.pinned))
        .filter(|a| seen.insert(a.id))
        .skip(usize::try_from(offset).unwrap_or(0))
        .take(usize::try_from(limit).unwrap_or(0))
        .collect();
    Ok(page)
}

/// Currently pinned published articles of the site that are in `columns`.
async fn pinned_in(
    conn: &mut Conn,
    site: SiteId,
    columns: &[ColumnId],
    now: i64,
) -> Result<Vec<ArticleSummary>> {
    let sql = format!(
        "{SUMMARY_COLUMNS} WHERE a.site_id = $2 AND a.pinned_until >= $1 AND a.status = 'published'
         AND a.publish_at <= $1"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(now)
        .bind(site.0)
        .fetch_all(&mut *conn)
        .await?;
    let mut list = Vec::new();
    for row in &rows {
        let summary = summary_from_row(row)?;
        let placed = columns.contains(&summary.primary_column_id)
            || extra_columns(conn, summary.id)
                .await?
                .iter()
                .any(|c| columns.contains(c));
        if placed {
            list.push(summary);
        }
    }
    Ok(list)
}

/// The newest published articles placed in `columns` as further columns.
async fn placed_in(
    conn: &mut Conn,
    site: SiteId,
    columns: &[ColumnId],
    now: i64,
    limit: i64,
) -> Result<Vec<ArticleSummary>> {
    // Driven from the placements (few) rather than from the articles: the
    // CROSS JOIN keeps SQLite's planner from scanning every article first
    // (PostgreSQL plans it the same either way).
    let list = placeholders(4, columns.len());
    let sql = format!(
        "{SUMMARY_FIELDS} FROM (SELECT DISTINCT article_id FROM article_columns
            WHERE column_id IN ({list})) p CROSS JOIN articles a
         WHERE a.id = p.article_id AND a.site_id = $2 AND a.status = 'published'
         AND a.publish_at <= $1
         ORDER BY a.publish_at DESC, a.id DESC LIMIT $3"
    );
    let mut query = sqlx::query(AssertSqlSafe(sql))
        .bind(now)
        .bind(site.0)
        .bind(limit);
    for column in columns {
        query = query.bind(column.0);
    }
    let rows = query.fetch_all(conn).await?;
    rows.iter().map(summary_from_row).collect()
}

/// How many published articles are in `columns`, each counted once.
async fn count_published_in(
    conn: &mut Conn,
    site: SiteId,
    columns: &[ColumnId],
    now: i64,
) -> Result<i64> {
    let list = placeholders(3, columns.len());
    // The columns belong to the site, so `site_id` is only restated as
    // `$2 = $2`: naming the column would lead the planner to the wrong index.
    let primary = format!(
        "SELECT COUNT(*) FROM articles a WHERE a.primary_column_id IN ({list})
         AND a.status = 'published' AND a.publish_at <= $1 AND $2 = $2"
    );
    let further = format!(
        "SELECT COUNT(DISTINCT c.article_id) FROM article_columns c
         WHERE c.column_id IN ({list}) AND $2 = $2 AND EXISTS (SELECT 1 FROM articles a
            WHERE a.id = c.article_id AND a.primary_column_id NOT IN ({list})
            AND a.status = 'published' AND a.publish_at <= $1)"
    );
    let mut total = 0;
    for sql in [primary, further] {
        let mut query = sqlx::query(AssertSqlSafe(sql)).bind(now).bind(site.0);
        for column in columns {
            query = query.bind(column.0);
        }
        let count: i64 = query.fetch_one(&mut *conn).await?.try_get(0)?;
        total += count;
    }
    Ok(total)
}

/// Which published articles the homepage features.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    Headline,
    Carousel,
    Latest,
}

/// The newest published articles marked as headline or carousel, or just
/// the newest.
pub async fn featured(
    conn: &mut Conn,
    site: SiteId,
    feature: Feature,
    now: i64,
    limit: i64,
) -> Result<Vec<ArticleSummary>> {
    let mark = match feature {
        Feature::Headline => "AND a.headline = 1",
        Feature::Carousel => "AND a.carousel = 1 AND a.cover_media_id IS NOT NULL",
        Feature::Latest => "",
    };
    let sql = format!(
        "{SUMMARY_COLUMNS} WHERE a.site_id = $2 AND a.status = 'published' AND a.publish_at <= $1 {mark}
         ORDER BY a.publish_at DESC, a.id DESC LIMIT $3"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(now)
        .bind(site.0)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(summary_from_row).collect()
}

/// Published articles with a publish time in `[from, until)`, newest first.
pub async fn published_between(
    conn: &mut Conn,
    site: SiteId,
    from: i64,
    until: i64,
    now: i64,
    offset: i64,
    limit: i64,
) -> Result<(Vec<ArticleSummary>, i64)> {
    let condition = "WHERE a.site_id = $2 AND a.status = 'published' AND a.publish_at <= $1
        AND a.publish_at >= $3 AND a.publish_at < $4";
    let total: i64 = sqlx::query(AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM articles a {condition}"
    )))
    .bind(now)
    .bind(site.0)
    .bind(from)
    .bind(until)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    let sql = format!(
        "{SUMMARY_COLUMNS} {condition} ORDER BY a.publish_at DESC, a.id DESC LIMIT $5 OFFSET $6"
    );
    let rows = sqlx::query(AssertSqlSafe(sql))
        .bind(now)
        .bind(site.0)
        .bind(from)
        .bind(until)
        .bind(limit)
        .bind(offset)
        .fetch_all(conn)
        .await?;
    let items = rows.iter().map(summary_from_row).collect::<Result<_>>()?;
    Ok((items, total))
}

/// Publish times of every published article (for the archive's month
/// counts, bucketed in local time by the caller).
pub async fn published_times(conn: &mut Conn, site: SiteId, now: i64) -> Result<Vec<i64>> {
    let rows = sqlx::query(
        "SELECT publish_at FROM articles WHERE site_id = $1 AND status = 'published' AND publish_at <= $2",
    )
    .bind(site.0)
    .bind(now)
    .fetch_all(conn)
    .await?;
    rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
}

/// The published neighbours of an article in its primary column: the one
/// published just before and just after it.
pub async fn neighbours(
    conn: &mut Conn,
    article: &Article,
    now: i64,
) -> Result<(Option<ArticleSummary>, Option<ArticleSummary>)> {
    let pick = |newer: bool| {
        let (comparison, order) = if newer { (">", "ASC") } else { ("<", "DESC") };
        format!(
            "{SUMMARY_COLUMNS} WHERE a.site_id = $2 AND a.status = 'published' AND a.publish_at <= $1
             AND a.primary_column_id = $3 AND (a.publish_at {comparison} $4
                 OR (a.publish_at = $4 AND a.id {comparison} $5))
             ORDER BY a.publish_at {order}, a.id {order} LIMIT 1"
        )
    };
    let mut result = [None, None];
    for (slot, newer) in [(0, false), (1, true)] {
        let row = sqlx::query(AssertSqlSafe(pick(newer)))
            .bind(now)
            .bind(article.site_id.0)
            .bind(article.primary_column_id.0)
            .bind(article.publish_at)
            .bind(article.id.0)
            .fetch_optional(&mut *conn)
            .await?;
        result[slot] = row.as_ref().map(summary_from_row).transpose()?;
    }
    let [older, newer] = result;
    Ok((older, newer))
}

/// How many articles (any status) name the column, as primary or further.
pub async fn count_in_column(conn: &mut Conn, column: ColumnId) -> Result<i64> {
    Ok(sqlx::query(
        "SELECT (SELECT COUNT(*) FROM articles WHERE primary_column_id = $1)
              + (SELECT COUNT(*) FROM article_columns WHERE column_id = $1)",
    )
    .bind(column.0)
    .fetch_one(conn)
    .await?
    .try_get(0)?)
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
