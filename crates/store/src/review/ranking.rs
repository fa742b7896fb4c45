//! The figures behind the upload ranking: per author, in a period, what was
//! submitted, published and returned, headlines, adoptions by higher levels
//! and leaders' 批示 — counted by the database (a year of a large site is
//! hundreds of thousands of events; only the sums come back).

use std::collections::BTreeMap;

use dangjian_domain::article::ArticleId;
use dangjian_domain::ids::{SiteId, UserId};
use dangjian_domain::scoring::{AdoptionLevel, Tally};
use serde::Serialize;
use sqlx::Row;

use crate::{Conn, Result};

/// A person with where they belong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Person {
    pub id: UserId,
    pub name: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub section_id: Option<i64>,
    pub section_name: Option<String>,
}

/// Each author's tally over `[from, until)`.
pub async fn tallies(
    conn: &mut Conn,
    site: SiteId,
    from: i64,
    until: i64,
) -> Result<BTreeMap<UserId, Tally>> {
    let mut out: BTreeMap<UserId, Tally> = BTreeMap::new();
    let rows = sqlx::query(
        "SELECT a.created_by AS user_id, e.action, COUNT(DISTINCT e.article_id) AS n,
            SUM(CASE WHEN a.headline = 1 THEN 1 ELSE 0 END) AS headlines
         FROM article_events e JOIN articles a ON a.id = e.article_id
         WHERE a.site_id = $1 AND e.at >= $2 AND e.at < $3 AND a.created_by IS NOT NULL
           AND (e.action IN ('submit', 'publish') OR (e.action = 'return' AND e.to_stage IS NULL))
         GROUP BY a.created_by, e.action",
    )
    .bind(site.0)
    .bind(from)
    .bind(until)
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        let tally = out.entry(UserId(row.try_get("user_id")?)).or_default();
        let n: i64 = row.try_get("n")?;
        match row.try_get::<String, _>("action")?.as_str() {
            "submit" => tally.submitted += n,
            "publish" => {
                tally.published += n;
                tally.headlines += row.try_get::<Option<i64>, _>("headlines")?.unwrap_or(0);
            }
            _ => tally.returned += n,
        }
    }
    let rows = sqlx::query(
        "SELECT a.created_by AS user_id, d.level, COUNT(*) AS n
         FROM article_adoptions d JOIN articles a ON a.id = d.article_id
         WHERE a.site_id = $1 AND d.recorded_at >= $2 AND d.recorded_at < $3
           AND a.created_by IS NOT NULL
         GROUP BY a.created_by, d.level",
    )
    .bind(site.0)
    .bind(from)
    .bind(until)
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        let tally = out.entry(UserId(row.try_get("user_id")?)).or_default();
        let n: i64 = row.try_get("n")?;
        match AdoptionLevel::from_code(&row.try_get::<String, _>("level")?) {
            Some(AdoptionLevel::City) => tally.city += n,
            Some(AdoptionLevel::Province) => tally.province += n,
            Some(AdoptionLevel::Central) => tally.central += n,
            None => {}
        }
    }
    let rows = sqlx::query(
        "SELECT a.created_by AS user_id, COUNT(*) AS n
         FROM article_instructions i JOIN articles a ON a.id = i.article_id
         WHERE a.site_id = $1 AND i.recorded_at >= $2 AND i.recorded_at < $3
           AND a.created_by IS NOT NULL
         GROUP BY a.created_by",
    )
    .bind(site.0)
    .bind(from)
    .bind(until)
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        out.entry(UserId(row.try_get("user_id")?))
            .or_default()
            .instructions += row.try_get::<i64, _>("n")?;
    }
    Ok(out)
}

/// Every account with its unit and section.
pub async fn people(conn: &mut Conn) -> Result<Vec<Person>> {
    let rows = sqlx::query(
        "SELECT u.id, u.display_name, u.unit_id, n.name AS unit_name, u.section_id,
            s.name AS section_name
         FROM users u JOIN units n ON n.id = u.unit_id
         LEFT JOIN sections s ON s.id = u.section_id
         ORDER BY u.id",
    )
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Person {
                id: UserId(row.try_get("id")?),
                name: row.try_get("display_name")?,
                unit_id: row.try_get("unit_id")?,
                unit_name: row.try_get("unit_name")?,
                section_id: row.try_get("section_id")?,
                section_name: row.try_get("section_name")?,
            })
        })
        .collect()
}

/// Records that a higher level adopted an item.
pub async fn insert_adoption(
    conn: &mut Conn,
    article: ArticleId,
    level: AdoptionLevel,
    note: &str,
    by: UserId,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO article_adoptions (article_id, level, note, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(article.0)
    .bind(level.code())
    .bind(note)
    .bind(by.0)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// Records a leader's 批示 on an item.
pub async fn insert_instruction(
    conn: &mut Conn,
    article: ArticleId,
    leader: &str,
    note: &str,
    by: UserId,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO article_instructions (article_id, leader, note, recorded_by, recorded_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(article.0)
    .bind(leader)
    .bind(note)
    .bind(by.0)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// One recorded adoption or 批示 of an item (`kind`: a level code or
/// `instruction`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Recognition {
    pub kind: String,
    pub who: String,
    pub note: String,
    pub at: i64,
}

/// An item's adoptions and 批示, oldest first.
pub async fn recognitions(conn: &mut Conn, article: ArticleId) -> Result<Vec<Recognition>> {
    let rows = sqlx::query(
        "SELECT level AS kind, '' AS who, note, recorded_at AS at FROM article_adoptions
         WHERE article_id = $1
         UNION ALL
         SELECT 'instruction' AS kind, leader AS who, note, recorded_at AS at
         FROM article_instructions WHERE article_id = $1
         ORDER BY at",
    )
    .bind(article.0)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Recognition {
                kind: row.try_get("kind")?,
                who: row.try_get("who")?,
                note: row.try_get("note")?,
                at: row.try_get("at")?,
            })
        })
        .collect()
}
