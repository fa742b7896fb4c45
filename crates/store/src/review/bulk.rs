//! Review records in bulk: a year of a large site's review timeline,
//! adoptions and 批示 written in a few hundred statements instead of half a
//! million, for the ranking benchmark (`crates/app/examples/bench_ranking.rs`)
//! and any other seeding. Multi-row INSERTs of at most `BATCH` rows in the
//! caller's transaction, like `articles::bulk`. Also the few figures a
//! benchmark prints about the database (row counts, size) and the scratch
//! PostgreSQL schema it runs in, so that no SQL lives outside this crate.

use std::fmt::Write;

use dangjian_domain::article::ArticleId;
use dangjian_domain::ids::{SiteId, UserId};
use dangjian_domain::scoring::AdoptionLevel;
use sqlx::{AssertSqlSafe, Row};

use super::NewEvent;
use crate::{Backend, Conn, Result, StoreError, flag};

/// Rows per INSERT statement: 7 parameters a row for events, 5 for the
/// others; 7 000 parameters stay well under SQLite's 32 766 and
/// PostgreSQL's 65 535.
pub const BATCH: usize = 1_000;

/// `($1, …, $n), ($n+1, …)`: `rows` groups of `per_row` placeholders.
fn values(rows: usize, per_row: usize) -> String {
    let mut out = String::with_capacity(rows * per_row * 6);
    for row in 0..rows {
        if row > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for column in 0..per_row {
            if column > 0 {
                out.push_str(", ");
            }
            let _ = write!(out, "${}", row * per_row + column + 1);
        }
        out.push(')');
    }
    out
}

/// A timeline entry with the time it happened (`insert_event` takes the
/// time separately; here each row has its own).
pub struct TimedEvent<'a> {
    pub at: i64,
    pub event: NewEvent<'a>,
}

/// Appends review events; returns how many rows were written.
pub async fn insert_events(conn: &mut Conn, events: &[TimedEvent<'_>]) -> Result<u64> {
    let mut written = 0;
    for chunk in events.chunks(BATCH) {
        let sql = format!(
            "INSERT INTO article_events (article_id, at, actor_id, action, stage, to_stage, comment)
             VALUES {}",
            values(chunk.len(), 7)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for TimedEvent { at, event } in chunk {
            query = query
                .bind(event.article.0)
                .bind(*at)
                .bind(event.actor.map(|u| u.0))
                .bind(event.action)
                .bind(event.stage)
                .bind(event.to_stage)
                .bind(event.comment);
        }
        written += query.execute(&mut *conn).await?.rows_affected();
    }
    Ok(written)
}

/// An adoption by a higher level, as `ranking::insert_adoption` records it.
pub struct NewAdoption<'a> {
    pub article: ArticleId,
    pub level: AdoptionLevel,
    pub note: &'a str,
    pub by: UserId,
    pub at: i64,
}

pub async fn insert_adoptions(conn: &mut Conn, rows: &[NewAdoption<'_>]) -> Result<u64> {
    let mut written = 0;
    for chunk in rows.chunks(BATCH) {
        let sql = format!(
            "INSERT INTO article_adoptions (article_id, level, note, recorded_by, recorded_at)
             VALUES {}",
            values(chunk.len(), 5)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for row in chunk {
            query = query
                .bind(row.article.0)
                .bind(row.level.code())
                .bind(row.note)
                .bind(row.by.0)
                .bind(row.at);
        }
        written += query.execute(&mut *conn).await?.rows_affected();
    }
    Ok(written)
}

/// A leader's 批示, as `ranking::insert_instruction` records it.
pub struct NewInstruction<'a> {
    pub article: ArticleId,
    pub leader: &'a str,
    pub note: &'a str,
    pub by: UserId,
    pub at: i64,
}

pub async fn insert_instructions(conn: &mut Conn, rows: &[NewInstruction<'_>]) -> Result<u64> {
    let mut written = 0;
    for chunk in rows.chunks(BATCH) {
        let sql = format!(
            "INSERT INTO article_instructions (article_id, leader, note, recorded_by, recorded_at)
             VALUES {}",
            values(chunk.len(), 5)
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for row in chunk {
            query = query
                .bind(row.article.0)
                .bind(row.leader)
                .bind(row.note)
                .bind(row.by.0)
                .bind(row.at);
        }
        written += query.execute(&mut *conn).await?.rows_affected();
    }
    Ok(written)
}

/// What a seeder needs to know of an article to write its timeline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authored {
    pub id: ArticleId,
    pub created_by: Option<UserId>,
    /// The status code (`published`, `returned`, …).
    pub status: String,
    pub publish_at: Option<i64>,
    pub headline: bool,
}

/// Every article of a site, in id order. `articles::insert_many` returns no
/// ids; this reads them back (a few columns only, not the bodies).
pub async fn authored(conn: &mut Conn, site: SiteId) -> Result<Vec<Authored>> {
    let rows = sqlx::query(
        "SELECT id, created_by, status, publish_at, headline FROM articles
         WHERE site_id = $1 ORDER BY id",
    )
    .bind(site.0)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            let created_by: Option<i64> = row.try_get("created_by")?;
            Ok(Authored {
                id: ArticleId(row.try_get("id")?),
                created_by: created_by.map(UserId),
                status: row.try_get("status")?,
                publish_at: row.try_get("publish_at")?,
                headline: flag(row.try_get("headline")?),
            })
        })
        .collect()
}

/// Rows in the tables the ranking reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub users: i64,
    pub articles: i64,
    pub events: i64,
    pub adoptions: i64,
    pub instructions: i64,
}

pub async fn counts(conn: &mut Conn) -> Result<Counts> {
    let row = sqlx::query(
        "SELECT (SELECT COUNT(*) FROM users) AS users,
            (SELECT COUNT(*) FROM articles) AS articles,
            (SELECT COUNT(*) FROM article_events) AS events,
            (SELECT COUNT(*) FROM article_adoptions) AS adoptions,
            (SELECT COUNT(*) FROM article_instructions) AS instructions",
    )
    .fetch_one(conn)
    .await?;
    Ok(Counts {
        users: row.try_get("users")?,
        articles: row.try_get("articles")?,
        events: row.try_get("events")?,
        adoptions: row.try_get("adoptions")?,
        instructions: row.try_get("instructions")?,
    })
}

/// The bytes the data takes: SQLite's pages (WAL frames included, as the
/// connection sees the database), or on PostgreSQL the tables, indexes and
/// TOAST of the current schema only (other schemas of the database may
/// belong to tests running beside the benchmark).
pub async fn database_bytes(conn: &mut Conn, backend: Backend) -> Result<i64> {
    let sql = match backend {
        Backend::Sqlite => {
            "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
        }
        Backend::Postgres => {
            "SELECT CAST(COALESCE(SUM(pg_total_relation_size(c.oid)), 0) AS BIGINT)
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = current_schema() AND c.relkind = 'r'"
        }
    };
    Ok(sqlx::query(sql).fetch_one(conn).await?.try_get(0)?)
}

/// Brings the tables the ranking reads to the state a running PostgreSQL
/// reaches by itself shortly after a bulk load: autovacuum analyses them
/// and, for insert-only tables (PostgreSQL 13 and later), vacuums them,
/// which sets the visibility map that index-only scans need. A benchmark
/// should not measure the minute before that. SQLite: nothing, because the
/// application never runs `ANALYZE` there, so its planner works without
/// statistics in production and in the benchmark alike.
pub async fn settle(conn: &mut Conn, backend: Backend) -> Result<()> {
    if backend == Backend::Postgres {
        sqlx::query(
            "VACUUM (ANALYZE) users, articles, article_events, article_adoptions,
                article_instructions",
        )
        .execute(conn)
        .await?;
    }
    Ok(())
}

/// A schema name the scratch functions accept: a lowercase letter, then
/// lowercase letters, digits and `_` (it is spliced into the statement).
fn check_schema_name(name: &str) -> Result<()> {
    let well_formed = name.len() <= 63
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if well_formed {
        Ok(())
    } else {
        Err(StoreError::Conflict(format!("bad schema name {name:?}")))
    }
}

/// Creates an empty PostgreSQL schema for a benchmark run; a URL with
/// `options=-c search_path=<name>` then makes and finds every table in it.
pub async fn create_scratch_schema(conn: &mut Conn, name: &str) -> Result<()> {
    check_schema_name(name)?;
    sqlx::query(AssertSqlSafe(format!("CREATE SCHEMA {name}")))
        .execute(conn)
        .await?;
    Ok(())
}

/// Drops a scratch schema with everything in it.
pub async fn drop_scratch_schema(conn: &mut Conn, name: &str) -> Result<()> {
    check_schema_name(name)?;
    sqlx::query(AssertSqlSafe(format!(
        "DROP SCHEMA IF EXISTS {name} CASCADE"
    )))
    .execute(conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_every_row() {
        assert_eq!(values(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(values(1, 1), "($1)");
    }

    #[test]
    fn schema_names_are_checked() {
        assert!(check_schema_name("bench_1a2b").is_ok());
        assert!(check_schema_name("Bench").is_err());
        assert!(check_schema_name("x; DROP TABLE users").is_err());
        assert!(check_schema_name("").is_err());
    }
}
