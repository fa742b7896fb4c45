//! 公示: notice periods of articles and the objections raised against them.

use dangjian_domain::article::ArticleId;
use dangjian_domain::ids::{SectionId, SiteId, UserId};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Conn, Result, StoreError};

/// The stored period of a notice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeRow {
    pub article_id: ArticleId,
    /// `NoticeKind` code.
    pub kind: String,
    pub starts_at: i64,
    pub working_days: i64,
    pub ends_at: i64,
}

/// Sets (or replaces) an article's notice period.
pub async fn put(conn: &mut Conn, row: &NoticeRow, by: UserId, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO notice_periods
            (article_id, kind, starts_at, working_days, ends_at, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (article_id) DO UPDATE SET kind = excluded.kind,
            starts_at = excluded.starts_at, working_days = excluded.working_days,
            ends_at = excluded.ends_at, updated_by = excluded.updated_by,
            updated_at = excluded.updated_at",
    )
    .bind(row.article_id.0)
    .bind(&row.kind)
    .bind(row.starts_at)
    .bind(row.working_days)
    .bind(row.ends_at)
    .bind(by.0)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// An article's notice period, if it has one.
pub async fn get(conn: &mut Conn, article: ArticleId) -> Result<Option<NoticeRow>> {
    let row = sqlx::query(
        "SELECT article_id, kind, starts_at, working_days, ends_at
         FROM notice_periods WHERE article_id = $1",
    )
    .bind(article.0)
    .fetch_optional(conn)
    .await?;
    row.as_ref().map(notice_row).transpose()
}

/// The notice periods of those of `articles` that have one (one query for
/// a list page, whatever its length).
pub async fn get_many(conn: &mut Conn, articles: &[ArticleId]) -> Result<Vec<NoticeRow>> {
    if articles.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (1..=articles.len()).map(|n| format!("${n}")).collect();
    let sql = format!(
        "SELECT article_id, kind, starts_at, working_days, ends_at
         FROM notice_periods WHERE article_id IN ({})",
        marks.join(", ")
    );
    let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
    for id in articles {
        query = query.bind(id.0);
    }
    let rows = query.fetch_all(conn).await?;
    rows.iter().map(notice_row).collect()
}

fn notice_row(row: &AnyRow) -> Result<NoticeRow> {
    Ok(NoticeRow {
        article_id: ArticleId(row.try_get("article_id")?),
        kind: row.try_get("kind")?,
        starts_at: row.try_get("starts_at")?,
        working_days: row.try_get("working_days")?,
        ends_at: row.try_get("ends_at")?,
    })
}

/// An objection as it is first stored.
#[derive(Debug, Clone)]
pub struct NewObjection<'a> {
    pub article: ArticleId,
    pub name: &'a str,
    pub phone: &'a str,
    pub unit: &'a str,
    pub content: &'a str,
    pub received_at: i64,
    pub client_addr: &'a str,
    pub section: Option<SectionId>,
}

pub async fn insert_objection(conn: &mut Conn, new: &NewObjection<'_>) -> Result<i64> {
    let id = sqlx::query_scalar(
        "INSERT INTO objections (article_id, name, phone, unit, content, received_at,
            client_addr, status, section_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'received', $8) RETURNING id",
    )
    .bind(new.article.0)
    .bind(new.name)
    .bind(new.phone)
    .bind(new.unit)
    .bind(new.content)
    .bind(new.received_at)
    .bind(new.client_addr)
    .bind(new.section.map(|s| s.0))
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Objections sent from `client_addr` since `since`.
pub async fn objections_since(conn: &mut Conn, client_addr: &str, since: i64) -> Result<i64> {
    let n = sqlx::query_scalar(
        "SELECT COUNT(*) FROM objections WHERE client_addr = $1 AND received_at >= $2",
    )
    .bind(client_addr)
    .bind(since)
    .fetch_one(conn)
    .await?;
    Ok(n)
}

/// An objection with the names the inbox shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Objection {
    pub id: i64,
    pub article_id: ArticleId,
    pub article_title: String,
    pub name: String,
    pub phone: String,
    pub unit: String,
    pub content: String,
    pub received_at: i64,
    pub status: String,
    pub section_id: Option<SectionId>,
    pub section_name: String,
    pub handling_note: String,
    pub handled_by_name: String,
    pub handled_at: Option<i64>,
}

const SELECT: &str = "SELECT o.id, o.article_id, a.title AS article_title, o.name, o.phone,
    o.unit, o.content, o.received_at, o.status, o.section_id,
    COALESCE(s.name, '') AS section_name, o.handling_note,
    COALESCE(u.display_name, '') AS handled_by_name, o.handled_at
 FROM objections o
 JOIN articles a ON a.id = o.article_id
 LEFT JOIN sections s ON s.id = o.section_id
 LEFT JOIN users u ON u.id = o.handled_by";

fn objection(row: &AnyRow) -> Result<Objection> {
    Ok(Objection {
        id: row.try_get("id")?,
        article_id: ArticleId(row.try_get("article_id")?),
        article_title: row.try_get("article_title")?,
        name: row.try_get("name")?,
        phone: row.try_get("phone")?,
        unit: row.try_get("unit")?,
        content: row.try_get("content")?,
        received_at: row.try_get("received_at")?,
        status: row.try_get("status")?,
        section_id: row.try_get::<Option<i64>, _>("section_id")?.map(SectionId),
        section_name: row.try_get("section_name")?,
        handling_note: row.try_get("handling_note")?,
        handled_by_name: row.try_get("handled_by_name")?,
        handled_at: row.try_get("handled_at")?,
    })
}

/// The site's objections in `status` (empty: any), limited to `sections`
/// unless `every_section`, newest first.
pub async fn list_objections(
    conn: &mut Conn,
    site: SiteId,
    status: &str,
    sections: Option<&[SectionId]>,
    limit: i64,
) -> Result<Vec<Objection>> {
    let sql = format!(
        "{SELECT} WHERE a.site_id = $1 AND ($2 = '' OR o.status = $2)
         ORDER BY o.received_at DESC, o.id DESC LIMIT $3"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(site.0)
        .bind(status)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    let all = rows.iter().map(objection).collect::<Result<Vec<_>>>()?;
    Ok(match sections {
        None => all,
        Some(mine) => all
            .into_iter()
            .filter(|o| o.section_id.is_some_and(|s| mine.contains(&s)))
            .collect(),
    })
}

pub async fn get_objection(conn: &mut Conn, id: i64) -> Result<Objection> {
    let sql = format!("{SELECT} WHERE o.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    objection(&row)
}

/// Marks a received objection handled; false when it no longer was.
pub async fn mark_handled(
    conn: &mut Conn,
    id: i64,
    note: &str,
    by: UserId,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE objections SET status = 'handled', handling_note = $1, handled_by = $2,
            handled_at = $3 WHERE id = $4 AND status = 'received'",
    )
    .bind(note)
    .bind(by.0)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
