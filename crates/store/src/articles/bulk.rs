//! Many articles at once: the demo site and benchmarks. Multi-row INSERTs of
//! `BATCH` rows (22 parameters each, well under SQLite's 32 766 and
//! PostgreSQL's 65 535), in the caller's transaction.

use dangjian_domain::article::ArticleStatus;
use dangjian_domain::ids::SiteId;
use sqlx::{AssertSqlSafe, Row};

use super::ArticleRecord;
use crate::{Conn, Result};

/// Rows per INSERT statement.
pub const BATCH: usize = 500;

const COLUMNS: &str = "INSERT INTO articles (site_id, primary_column_id, title, subtitle, author,
    source, summary, body_html, body_text, keywords, cover_media_id, video_media_id, external_url,
    status, publish_at, pinned_until, headline, carousel, created_by, created_at, updated_by,
    updated_at) VALUES ";

const PER_ROW: usize = 22;

/// `($n, …, $n+21)` for row `row`.
fn row_placeholders(row: usize) -> String {
    let first = row * PER_ROW + 1;
    let list: Vec<String> = (first..first + PER_ROW).map(|i| format!("${i}")).collect();
    format!("({})", list.join(", "))
}

/// Inserts `records` with `status`, created and updated at `now`, in
/// batches of `BATCH`; returns how many rows were written. Ids are not
/// returned: articles that need further rows are inserted one by one.
pub async fn insert_many(
    conn: &mut Conn,
    records: &[ArticleRecord<'_>],
    status: ArticleStatus,
    now: i64,
) -> Result<u64> {
    let mut written = 0;
    for chunk in records.chunks(BATCH) {
        let rows: Vec<String> = (0..chunk.len()).map(row_placeholders).collect();
        let sql = format!("{COLUMNS}{}", rows.join(", "));
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for record in chunk {
            query = query
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
                .bind(status.code())
                .bind(record.publish_at)
                .bind(record.pinned_until)
                .bind(i64::from(record.headline))
                .bind(i64::from(record.carousel))
                .bind(record.by.0)
                .bind(now)
                .bind(record.by.0)
                .bind(now);
        }
        written += query.execute(&mut *conn).await?.rows_affected();
    }
    Ok(written)
}

/// How many articles (any status) a site holds.
pub async fn count_in_site(conn: &mut Conn, site: SiteId) -> Result<i64> {
    Ok(
        sqlx::query("SELECT COUNT(*) FROM articles WHERE site_id = $1")
            .bind(site.0)
            .fetch_one(conn)
            .await?
            .try_get(0)?,
    )
}

/// Tables whose rows belong to one article and go with it.
const ARTICLE_PARTS: [&str; 9] = [
    "article_columns",
    "article_attachments",
    "article_events",
    "notifications",
    "scheduled_jobs",
    "placement_requests",
    "article_adoptions",
    "article_instructions",
    "article_revisions",
];

/// Deletes every article of a site with everything that belongs to it
/// (columns, attachments, review history, notifications, jobs, revisions);
/// returns how many articles went.
pub async fn delete_all_in_site(conn: &mut Conn, site: SiteId) -> Result<u64> {
    for table in ARTICLE_PARTS {
        let sql = format!(
            "DELETE FROM {table} WHERE article_id IN (SELECT id FROM articles WHERE site_id = $1)"
        );
        sqlx::query(AssertSqlSafe(sql))
            .bind(site.0)
            .execute(&mut *conn)
            .await?;
    }
    for table in ["ranking_counts", "ranking_months"] {
        let sql = format!("DELETE FROM {table} WHERE site_id = $1");
        sqlx::query(AssertSqlSafe(sql))
            .bind(site.0)
            .execute(&mut *conn)
            .await?;
    }
    let done = sqlx::query("DELETE FROM articles WHERE site_id = $1")
        .bind(site.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
