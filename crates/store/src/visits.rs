//! Visit statistics: views per local day, page, referring host and device
//! class (`visits_daily`). Days are `YYYY-MM-DD` text, so ranges compare as
//! strings on both backends.

use dangjian_domain::ids::SiteId;
use sqlx::Row;

use crate::{Conn, Result};

/// One counted row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitRow {
    pub day: String,
    pub page_kind: String,
    /// The article or column id; 0 for the homepage and the archive.
    pub page_id: i64,
    pub referrer: String,
    pub device: String,
    pub views: i64,
}

/// A page (article or column) with its title and views.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopPage {
    pub id: i64,
    pub title: String,
    pub views: i64,
}

/// Adds views to a row (created on first use).
pub async fn add(conn: &mut Conn, site: SiteId, row: &VisitRow) -> Result<()> {
    sqlx::query(
        "INSERT INTO visits_daily (site_id, day, page_kind, page_id, referrer, device, views)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (site_id, day, page_kind, page_id, referrer, device)
         DO UPDATE SET views = visits_daily.views + excluded.views",
    )
    .bind(site.0)
    .bind(&row.day)
    .bind(&row.page_kind)
    .bind(row.page_id)
    .bind(&row.referrer)
    .bind(&row.device)
    .bind(row.views)
    .execute(conn)
    .await?;
    Ok(())
}

/// Views per day within `from..=until`, by day.
pub async fn per_day(
    conn: &mut Conn,
    site: SiteId,
    from: &str,
    until: &str,
) -> Result<Vec<(String, i64)>> {
    let rows = sqlx::query(
        "SELECT day, CAST(SUM(views) AS BIGINT) AS views FROM visits_daily
         WHERE site_id = $1 AND day >= $2 AND day <= $3
         GROUP BY day ORDER BY day",
    )
    .bind(site.0)
    .bind(from)
    .bind(until)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("day")?, r.try_get("views")?)))
        .collect()
}

/// The most read articles of the range, with their titles.
pub async fn top_articles(
    conn: &mut Conn,
    site: SiteId,
    from: &str,
    until: &str,
    limit: i64,
) -> Result<Vec<TopPage>> {
    let rows = sqlx::query(
        "SELECT a.id, a.title, CAST(SUM(v.views) AS BIGINT) AS views
         FROM visits_daily v JOIN articles a ON a.id = v.page_id
         WHERE v.site_id = $1 AND v.day >= $2 AND v.day <= $3 AND v.page_kind = 'article'
         GROUP BY a.id, a.title ORDER BY views DESC, a.id LIMIT $4",
    )
    .bind(site.0)
    .bind(from)
    .bind(until)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(top_page).collect()
}

/// The most read column pages of the range, with their names.
pub async fn top_columns(
    conn: &mut Conn,
    site: SiteId,
    from: &str,
    until: &str,
    limit: i64,
) -> Result<Vec<TopPage>> {
    let rows = sqlx::query(
        "SELECT c.id, c.name AS title, CAST(SUM(v.views) AS BIGINT) AS views
         FROM visits_daily v JOIN columns c ON c.id = v.page_id
         WHERE v.site_id = $1 AND v.day >= $2 AND v.day <= $3 AND v.page_kind = 'column'
         GROUP BY c.id, c.name ORDER BY views DESC, c.id LIMIT $4",
    )
    .bind(site.0)
    .bind(from)
    .bind(until)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter().map(top_page).collect()
}

fn top_page(row: &sqlx::any::AnyRow) -> Result<TopPage> {
    Ok(TopPage {
        id: row.try_get("id")?,
        title: row.try_get("title")?,
        views: row.try_get("views")?,
    })
}

/// Views per value of `referrer` (other sites only) or `device`, most first.
async fn grouped(
    conn: &mut Conn,
    sql: &'static str,
    site: SiteId,
    from: &str,
    until: &str,
    limit: i64,
) -> Result<Vec<(String, i64)>> {
    let rows = sqlx::query(sql)
        .bind(site.0)
        .bind(from)
        .bind(until)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("name")?, r.try_get("views")?)))
        .collect()
}

/// The referring sites of the range, most views first.
pub async fn top_referrers(
    conn: &mut Conn,
    site: SiteId,
    from: &str,
    until: &str,
    limit: i64,
) -> Result<Vec<(String, i64)>> {
    grouped(
        conn,
        "SELECT referrer AS name, CAST(SUM(views) AS BIGINT) AS views FROM visits_daily
         WHERE site_id = $1 AND day >= $2 AND day <= $3 AND referrer <> ''
         GROUP BY referrer ORDER BY views DESC, referrer LIMIT $4",
        site,
        from,
        until,
        limit,
    )
    .await
}

/// Views per device class of the range.
pub async fn devices(
    conn: &mut Conn,
    site: SiteId,
    from: &str,
    until: &str,
) -> Result<Vec<(String, i64)>> {
    grouped(
        conn,
        "SELECT device AS name, CAST(SUM(views) AS BIGINT) AS views FROM visits_daily
         WHERE site_id = $1 AND day >= $2 AND day <= $3
         GROUP BY device ORDER BY views DESC, device LIMIT $4",
        site,
        from,
        until,
        16,
    )
    .await
}

/// Every row of the range, for export.
pub async fn rows(conn: &mut Conn, site: SiteId, from: &str, until: &str) -> Result<Vec<VisitRow>> {
    let rows = sqlx::query(
        "SELECT day, page_kind, page_id, referrer, device, views FROM visits_daily
         WHERE site_id = $1 AND day >= $2 AND day <= $3
         ORDER BY day, page_kind, page_id, referrer, device",
    )
    .bind(site.0)
    .bind(from)
    .bind(until)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(VisitRow {
                day: r.try_get("day")?,
                page_kind: r.try_get("page_kind")?,
                page_id: r.try_get("page_id")?,
                referrer: r.try_get("referrer")?,
                device: r.try_get("device")?,
                views: r.try_get("views")?,
            })
        })
        .collect()
}
