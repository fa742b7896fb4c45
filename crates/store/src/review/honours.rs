//! The annual assessment's awards (先进单位, 先进个人) as the editors
//! confirmed them, per site and year.

use dangjian_domain::ids::{SiteId, UserId};
use serde::Serialize;
use sqlx::Row;

use crate::{Conn, Result};

/// One confirmed award.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Honour {
    /// `unit` or `person`.
    pub kind: String,
    pub subject_id: i64,
    pub name: String,
    pub total: i64,
}

/// Who confirmed a year's awards, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Confirmation {
    pub by_name: String,
    pub at: i64,
    pub honours: Vec<Honour>,
}

/// Replaces a year's confirmed awards.
pub async fn replace(
    conn: &mut Conn,
    site: SiteId,
    year: i32,
    honours: &[Honour],
    by: UserId,
    now: i64,
) -> Result<()> {
    sqlx::query("DELETE FROM assessment_honours WHERE site_id = $1 AND year = $2")
        .bind(site.0)
        .bind(i64::from(year))
        .execute(&mut *conn)
        .await?;
    for honour in honours {
        sqlx::query(
            "INSERT INTO assessment_honours
                (site_id, year, kind, subject_id, name, total, confirmed_by, confirmed_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(site.0)
        .bind(i64::from(year))
        .bind(&honour.kind)
        .bind(honour.subject_id)
        .bind(&honour.name)
        .bind(honour.total)
        .bind(by.0)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A year's confirmed awards, in the order they were confirmed (units
/// first, then people, each by score); `None` when not confirmed.
pub async fn confirmed(conn: &mut Conn, site: SiteId, year: i32) -> Result<Option<Confirmation>> {
    let rows = sqlx::query(
        "SELECT h.kind, h.subject_id, h.name, h.total, h.confirmed_at,
            COALESCE(u.display_name, '') AS by_name
         FROM assessment_honours h LEFT JOIN users u ON u.id = h.confirmed_by
         WHERE h.site_id = $1 AND h.year = $2
         ORDER BY h.id",
    )
    .bind(site.0)
    .bind(i64::from(year))
    .fetch_all(conn)
    .await?;
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let by_name = first.try_get("by_name")?;
    let at = first.try_get("confirmed_at")?;
    let honours = rows
        .iter()
        .map(|row| {
            Ok(Honour {
                kind: row.try_get("kind")?,
                subject_id: row.try_get("subject_id")?,
                name: row.try_get("name")?,
                total: row.try_get("total")?,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(Some(Confirmation {
        by_name,
        at,
        honours,
    }))
}
