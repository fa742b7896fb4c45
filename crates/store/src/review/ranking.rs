//! The figures behind the upload ranking: per author, in a period, what was
//! submitted, published and returned, headlines, adoptions by higher levels
//! and leaders' 批示 — summed from the daily counters (`counts`) that each
//! event updates; and the records of adoptions and 批示.

use std::collections::BTreeMap;

use dangjian_domain::article::ArticleId;
use dangjian_domain::ids::{SiteId, UserId};
use dangjian_domain::scoring::{AdoptionLevel, Tally};
use serde::Serialize;
use sqlx::Row;

use super::counts::{self, Delta};
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

/// Each author's tally over the local days `[from_day, until_day)`, from
/// the daily counters (`counts`).
pub async fn tallies(
    conn: &mut Conn,
    site: SiteId,
    from_day: i64,
    until_day: i64,
) -> Result<BTreeMap<UserId, Tally>> {
    let sums = counts::sums(conn, site, from_day, until_day).await?;
    Ok(sums
        .into_iter()
        .map(|(user, tally)| (UserId(user), tally))
        .collect())
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
    .execute(&mut *conn)
    .await?;
    counts::count_record(conn, article, &Delta::adoption(level), now).await
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
    .execute(&mut *conn)
    .await?;
    counts::count_record(conn, article, &Delta::instruction(), now).await
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
