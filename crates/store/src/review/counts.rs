//! The ranking's daily counters (`ranking_counts`): per site, local day and
//! author, how many of the author's items were first submitted, first
//! published (and of those, headlines), first returned to the author, and
//! the adoptions and 批示 recorded that day. Kept in the transaction of the
//! event they count, so that a period's ranking sums a few thousand rows
//! instead of a year of events.
//!
//! An item counts once per kind, on the day that kind first happened: a
//! resubmission or a second publication (after an approved edit) is not a
//! new upload. Edits of published items (`revises_id`) and items without an
//! author count for nobody.

use dangjian_domain::article::ArticleId;
use dangjian_domain::clock::{DAY_MS, LOCAL_OFFSET_MS, local_day, month_of_day, split_by_months};
use dangjian_domain::ids::SiteId;
use dangjian_domain::scoring::{AdoptionLevel, Tally};
use sqlx::Row;

use crate::{Conn, Result, flag};

/// What an event or a record adds to its author's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delta {
    pub submitted: i64,
    pub published: i64,
    pub returned: i64,
    pub headlines: i64,
    pub city: i64,
    pub province: i64,
    pub central: i64,
    pub instructions: i64,
}

impl Delta {
    pub fn adoption(level: AdoptionLevel) -> Delta {
        match level {
            AdoptionLevel::City => Delta {
                city: 1,
                ..Delta::default()
            },
            AdoptionLevel::Province => Delta {
                province: 1,
                ..Delta::default()
            },
            AdoptionLevel::Central => Delta {
                central: 1,
                ..Delta::default()
            },
        }
    }

    pub fn instruction() -> Delta {
        Delta {
            instructions: 1,
            ..Delta::default()
        }
    }
}

/// The kinds of review event the ranking counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counted {
    Submitted,
    Published,
    ReturnedToAuthor,
}

impl Counted {
    /// The counted kind of a timeline entry, if any.
    pub fn of(action: &str, to_stage: Option<i64>) -> Option<Counted> {
        match action {
            "submit" => Some(Counted::Submitted),
            "publish" => Some(Counted::Published),
            "return" if to_stage.is_none() => Some(Counted::ReturnedToAuthor),
            _ => None,
        }
    }

    /// The same test in SQL, over `article_events` aliased `e`.
    fn condition(self) -> &'static str {
        match self {
            Counted::Submitted => "e.action = 'submit'",
            Counted::Published => "e.action = 'publish'",
            Counted::ReturnedToAuthor => "e.action = 'return' AND e.to_stage IS NULL",
        }
    }
}

/// Whose counters an article's events go to: its site and author, unless it
/// counts for nobody.
struct Owner {
    site: i64,
    author: i64,
    headline: bool,
}

async fn owner(conn: &mut Conn, article: ArticleId) -> Result<Option<Owner>> {
    let row = sqlx::query(
        "SELECT site_id, created_by, headline FROM articles
         WHERE id = $1 AND revises_id IS NULL AND created_by IS NOT NULL",
    )
    .bind(article.0)
    .fetch_optional(conn)
    .await?;
    row.map(|row| {
        Ok(Owner {
            site: row.try_get("site_id")?,
            author: row.try_get("created_by")?,
            headline: flag(row.try_get("headline")?),
        })
    })
    .transpose()
}

/// When the article's first event of this kind happened, if it has one.
async fn first(conn: &mut Conn, article: ArticleId, kind: Counted) -> Result<Option<i64>> {
    let sql = format!(
        "SELECT MIN(e.at) FROM article_events e WHERE e.article_id = $1 AND {}",
        kind.condition()
    );
    Ok(sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(article.0)
        .fetch_one(conn)
        .await?
        .try_get(0)?)
}

/// Counts an event about to be written at `now`, if it is the article's
/// first of its kind. Call before inserting the event.
pub async fn count_event(
    conn: &mut Conn,
    article: ArticleId,
    kind: Counted,
    now: i64,
) -> Result<()> {
    if first(conn, article, kind).await?.is_some() {
        return Ok(());
    }
    let Some(owner) = owner(conn, article).await? else {
        return Ok(());
    };
    let delta = match kind {
        Counted::Submitted => Delta {
            submitted: 1,
            ..Delta::default()
        },
        Counted::Published => Delta {
            published: 1,
            headlines: i64::from(owner.headline),
            ..Delta::default()
        },
        Counted::ReturnedToAuthor => Delta {
            returned: 1,
            ..Delta::default()
        },
    };
    add(conn, owner.site, owner.author, local_day(now), &delta).await
}

/// Counts an adoption or 批示 recorded on the article at `now`.
pub async fn count_record(
    conn: &mut Conn,
    article: ArticleId,
    delta: &Delta,
    now: i64,
) -> Result<()> {
    match owner(conn, article).await? {
        Some(owner) => add(conn, owner.site, owner.author, local_day(now), delta).await,
        None => Ok(()),
    }
}

/// The article's headline mark changed: its first publication's headline
/// count follows (a headline is scored whenever the editor marks it).
pub async fn headline_changed(conn: &mut Conn, article: ArticleId, headline: bool) -> Result<()> {
    let Some(published) = first(conn, article, Counted::Published).await? else {
        return Ok(());
    };
    let Some(owner) = owner(conn, article).await? else {
        return Ok(());
    };
    let delta = Delta {
        headlines: if headline { 1 } else { -1 },
        ..Delta::default()
    };
    add(conn, owner.site, owner.author, local_day(published), &delta).await
}

/// The counter tables: per local day, and per local month.
#[derive(Clone, Copy)]
enum Span {
    Day,
    Month,
}

impl Span {
    fn table(self) -> &'static str {
        match self {
            Span::Day => "ranking_counts",
            Span::Month => "ranking_months",
        }
    }

    fn key(self) -> &'static str {
        match self {
            Span::Day => "day",
            Span::Month => "month",
        }
    }
}

async fn add(conn: &mut Conn, site: i64, author: i64, day: i64, delta: &Delta) -> Result<()> {
    upsert(&mut *conn, Span::Day, site, author, day, delta).await?;
    upsert(conn, Span::Month, site, author, month_of_day(day), delta).await
}

async fn upsert(
    conn: &mut Conn,
    span: Span,
    site: i64,
    author: i64,
    at: i64,
    delta: &Delta,
) -> Result<()> {
    let (table, key) = (span.table(), span.key());
    let sql = format!(
        "INSERT INTO {table} (site_id, {key}, user_id, submitted, published, returned,
            headlines, city, province, central, instructions)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (site_id, {key}, user_id) DO UPDATE SET
            submitted = {table}.submitted + excluded.submitted,
            published = {table}.published + excluded.published,
            returned = {table}.returned + excluded.returned,
            headlines = {table}.headlines + excluded.headlines,
            city = {table}.city + excluded.city,
            province = {table}.province + excluded.province,
            central = {table}.central + excluded.central,
            instructions = {table}.instructions + excluded.instructions"
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(site)
        .bind(at)
        .bind(author)
        .bind(delta.submitted)
        .bind(delta.published)
        .bind(delta.returned)
        .bind(delta.headlines)
        .bind(delta.city)
        .bind(delta.province)
        .bind(delta.central)
        .bind(delta.instructions)
        .execute(conn)
        .await?;
    Ok(())
}

const COUNTERS: &str = "submitted, published, returned, headlines, city, province, central,
    instructions";

/// Each author's counters summed over the local days `[from_day,
/// until_day)`: the whole months from the monthly counters, the days at
/// either end from the daily ones.
pub async fn sums(
    conn: &mut Conn,
    site: SiteId,
    from_day: i64,
    until_day: i64,
) -> Result<Vec<(i64, Tally)>> {
    let split = split_by_months(from_day, until_day);
    let sql = format!(
        "SELECT user_id, CAST(SUM(submitted) AS BIGINT) AS submitted,
            CAST(SUM(published) AS BIGINT) AS published,
            CAST(SUM(returned) AS BIGINT) AS returned,
            CAST(SUM(headlines) AS BIGINT) AS headlines,
            CAST(SUM(city) AS BIGINT) AS city,
            CAST(SUM(province) AS BIGINT) AS province,
            CAST(SUM(central) AS BIGINT) AS central,
            CAST(SUM(instructions) AS BIGINT) AS instructions
         FROM (
            SELECT user_id, {COUNTERS} FROM ranking_counts
            WHERE site_id = $1 AND day >= $2 AND day < $3
            UNION ALL SELECT user_id, {COUNTERS} FROM ranking_months
            WHERE site_id = $1 AND month >= $4 AND month < $5
            UNION ALL SELECT user_id, {COUNTERS} FROM ranking_counts
            WHERE site_id = $1 AND day >= $6 AND day < $7
         ) x
         GROUP BY user_id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(site.0)
        .bind(split.head_days.0)
        .bind(split.head_days.1)
        .bind(split.months.0)
        .bind(split.months.1)
        .bind(split.tail_days.0)
        .bind(split.tail_days.1)
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("user_id")?, tally_from_row(row)?)))
        .collect()
}

/// The site's counters summed per local month over months `[from, until)`
/// (months as `month_of_day` counts them), in month order; months without
/// any count are left out.
pub async fn monthly_sums(
    conn: &mut Conn,
    site: SiteId,
    from_month: i64,
    until_month: i64,
) -> Result<Vec<(i64, Tally)>> {
    let rows = sqlx::query(
        "SELECT month, CAST(SUM(submitted) AS BIGINT) AS submitted,
            CAST(SUM(published) AS BIGINT) AS published,
            CAST(SUM(returned) AS BIGINT) AS returned,
            CAST(SUM(headlines) AS BIGINT) AS headlines,
            CAST(SUM(city) AS BIGINT) AS city,
            CAST(SUM(province) AS BIGINT) AS province,
            CAST(SUM(central) AS BIGINT) AS central,
            CAST(SUM(instructions) AS BIGINT) AS instructions
         FROM ranking_months WHERE site_id = $1 AND month >= $2 AND month < $3
         GROUP BY month ORDER BY month",
    )
    .bind(site.0)
    .bind(from_month)
    .bind(until_month)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("month")?, tally_from_row(row)?)))
        .collect()
}

fn tally_from_row(row: &sqlx::any::AnyRow) -> Result<Tally> {
    Ok(Tally {
        submitted: row.try_get("submitted")?,
        published: row.try_get("published")?,
        returned: row.try_get("returned")?,
        headlines: row.try_get("headlines")?,
        city: row.try_get("city")?,
        province: row.try_get("province")?,
        central: row.try_get("central")?,
        instructions: row.try_get("instructions")?,
    })
}

/// Rebuilds a site's counters from its history (the migration that brought
/// the counters, and bulk seeding, which writes events without them).
pub async fn recount(conn: &mut Conn, site: SiteId) -> Result<()> {
    for table in ["ranking_counts", "ranking_months"] {
        let sql = format!("DELETE FROM {table} WHERE site_id = $1");
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(site.0)
            .execute(&mut *conn)
            .await?;
    }
    let day = |at: &str| format!("({at} + {LOCAL_OFFSET_MS}) / {DAY_MS}");
    // The authored originals of the site (edits count for nobody).
    let counted = "a.site_id = $1 AND a.created_by IS NOT NULL AND a.revises_id IS NULL";
    let firsts = |kind: Counted, columns: &str| {
        format!(
            "SELECT a.site_id, {day} AS day, a.created_by AS user_id, {columns}
             FROM (SELECT e.article_id, MIN(e.at) AS at FROM article_events e
                   WHERE {cond} GROUP BY e.article_id) f
             JOIN articles a ON a.id = f.article_id WHERE {counted}",
            day = day("f.at"),
            cond = kind.condition(),
        )
    };
    let sql = format!(
        "INSERT INTO ranking_counts (site_id, day, user_id, submitted, published, returned,
            headlines, city, province, central, instructions)
         SELECT site_id, day, user_id, SUM(s), SUM(p), SUM(r), SUM(h), SUM(c), SUM(v), SUM(n), SUM(i)
         FROM (
            {submitted}
            UNION ALL {published}
            UNION ALL {returned}
            UNION ALL SELECT a.site_id, {adopted_day}, a.created_by, 0, 0, 0, 0,
                CASE WHEN d.level = 'city' THEN 1 ELSE 0 END,
                CASE WHEN d.level = 'province' THEN 1 ELSE 0 END,
                CASE WHEN d.level = 'central' THEN 1 ELSE 0 END, 0
             FROM article_adoptions d JOIN articles a ON a.id = d.article_id WHERE {counted}
            UNION ALL SELECT a.site_id, {instructed_day}, a.created_by, 0, 0, 0, 0, 0, 0, 0, 1
             FROM article_instructions i JOIN articles a ON a.id = i.article_id WHERE {counted}
         ) x
         GROUP BY site_id, day, user_id",
        submitted = firsts(
            Counted::Submitted,
            "1 AS s, 0 AS p, 0 AS r, 0 AS h, 0 AS c, 0 AS v, 0 AS n, 0 AS i"
        ),
        published = firsts(Counted::Published, "0, 1, 0, a.headline, 0, 0, 0, 0"),
        returned = firsts(Counted::ReturnedToAuthor, "0, 0, 1, 0, 0, 0, 0, 0"),
        adopted_day = day("d.recorded_at"),
        instructed_day = day("i.recorded_at"),
    );
    sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(site.0)
        .execute(&mut *conn)
        .await?;
    recount_months(conn, site).await
}

/// Sums the site's daily counters into its monthly ones (the calendar is
/// Rust's: SQL has no portable way to name a day's month).
async fn recount_months(conn: &mut Conn, site: SiteId) -> Result<()> {
    let sql = format!(
        "SELECT day, user_id, {COUNTERS} FROM ranking_counts WHERE site_id = $1 ORDER BY day"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(site.0)
        .fetch_all(&mut *conn)
        .await?;
    let mut months: std::collections::BTreeMap<(i64, i64), Delta> = Default::default();
    for row in &rows {
        let key = (month_of_day(row.try_get("day")?), row.try_get("user_id")?);
        let sum = months.entry(key).or_default();
        sum.submitted += row.try_get::<i64, _>("submitted")?;
        sum.published += row.try_get::<i64, _>("published")?;
        sum.returned += row.try_get::<i64, _>("returned")?;
        sum.headlines += row.try_get::<i64, _>("headlines")?;
        sum.city += row.try_get::<i64, _>("city")?;
        sum.province += row.try_get::<i64, _>("province")?;
        sum.central += row.try_get::<i64, _>("central")?;
        sum.instructions += row.try_get::<i64, _>("instructions")?;
    }
    for ((month, user), sum) in &months {
        upsert(&mut *conn, Span::Month, site.0, *user, *month, sum).await?;
    }
    Ok(())
}
