//! 部长信箱: letters, their files, their timeline, and the failed lookups
//! that rate-limit the public tracking page.

use dangjian_domain::ids::{SectionId, SiteId, UserId};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::qa::like_pattern;
use crate::{Backend, Conn, Result, StoreError};

/// A letter with the names its pages show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Letter {
    pub id: i64,
    pub site_id: SiteId,
    pub tracking_code: String,
    #[serde(skip)]
    pub query_digest: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub category: String,
    pub subject: String,
    pub content: String,
    pub publish_consent: bool,
    /// `portal`, or how the office received it (`phone`, `post`, `visit`).
    pub origin: String,
    pub received_at: i64,
    pub due_at: i64,
    pub status: String,
    pub section_id: Option<SectionId>,
    pub section_name: String,
    pub accepted_at: Option<i64>,
    pub reply: String,
    pub reply_by_name: String,
    pub reply_updated_at: Option<i64>,
    pub workflow_id: Option<i64>,
    pub reply_stage: i64,
    pub reply_resume: i64,
    pub responded_at: Option<i64>,
    pub refused_reason: String,
    pub published_at: Option<i64>,
}

/// A letter as it is first stored.
#[derive(Debug, Clone)]
pub struct NewLetter<'a> {
    pub site: SiteId,
    pub tracking_code: &'a str,
    pub query_digest: &'a str,
    pub name: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
    pub category: &'a str,
    pub subject: &'a str,
    pub content: &'a str,
    pub publish_consent: bool,
    pub origin: &'a str,
    pub client_addr: &'a str,
    pub received_at: i64,
    pub due_at: i64,
}

/// An attached file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LetterFile {
    pub id: i64,
    pub letter_id: i64,
    pub name: String,
    pub mime: String,
    pub size: i64,
    pub hash: String,
}

/// One entry of a letter's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LetterEvent {
    pub id: i64,
    pub at: i64,
    pub actor_name: String,
    pub action: String,
    pub comment: String,
    pub stage_name: String,
}

pub async fn insert(conn: &mut Conn, l: &NewLetter<'_>) -> Result<i64> {
    let id = sqlx::query_scalar(
        "INSERT INTO letters (site_id, tracking_code, query_digest, name, phone, email,
            category, subject, content, publish_consent, origin, client_addr, received_at,
            due_at, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'received')
         RETURNING id",
    )
    .bind(l.site.0)
    .bind(l.tracking_code)
    .bind(l.query_digest)
    .bind(l.name)
    .bind(l.phone)
    .bind(l.email)
    .bind(l.category)
    .bind(l.subject)
    .bind(l.content)
    .bind(i64::from(l.publish_consent))
    .bind(l.origin)
    .bind(l.client_addr)
    .bind(l.received_at)
    .bind(l.due_at)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn insert_file(
    conn: &mut Conn,
    letter: i64,
    name: &str,
    mime: &str,
    size: i64,
    hash: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO letter_files (letter_id, name, mime, size, hash) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(letter)
    .bind(name)
    .bind(mime)
    .bind(size)
    .bind(hash)
    .execute(conn)
    .await?;
    Ok(())
}

/// How many letters a client address sent since `since` (rate limit).
pub async fn received_since(conn: &mut Conn, client_addr: &str, since: i64) -> Result<i64> {
    let n = sqlx::query_scalar(
        "SELECT COUNT(*) FROM letters WHERE client_addr = $1 AND received_at >= $2",
    )
    .bind(client_addr)
    .bind(since)
    .fetch_one(conn)
    .await?;
    Ok(n)
}

const SELECT: &str = "SELECT l.id, l.site_id, l.tracking_code, l.query_digest, l.name,
    l.phone, l.email, l.category, l.subject, l.content, l.publish_consent, l.origin,
    l.received_at, l.due_at, l.status, l.section_id, COALESCE(s.name, '') AS section_name,
    l.accepted_at, l.reply, COALESCE(r.display_name, '') AS reply_by_name,
    l.reply_updated_at, l.workflow_id, l.reply_stage, l.reply_resume, l.responded_at,
    l.refused_reason, l.published_at
 FROM letters l
 LEFT JOIN sections s ON s.id = l.section_id
 LEFT JOIN users r ON r.id = l.reply_by";

fn letter(row: &AnyRow) -> Result<Letter> {
    Ok(Letter {
        id: row.try_get("id")?,
        site_id: SiteId(row.try_get("site_id")?),
        tracking_code: row.try_get("tracking_code")?,
        query_digest: row.try_get("query_digest")?,
        name: row.try_get("name")?,
        phone: row.try_get("phone")?,
        email: row.try_get("email")?,
        category: row.try_get("category")?,
        subject: row.try_get("subject")?,
        content: row.try_get("content")?,
        publish_consent: row.try_get::<i64, _>("publish_consent")? != 0,
        origin: row.try_get("origin")?,
        received_at: row.try_get("received_at")?,
        due_at: row.try_get("due_at")?,
        status: row.try_get("status")?,
        section_id: row.try_get::<Option<i64>, _>("section_id")?.map(SectionId),
        section_name: row.try_get("section_name")?,
        accepted_at: row.try_get("accepted_at")?,
        reply: row.try_get("reply")?,
        reply_by_name: row.try_get("reply_by_name")?,
        reply_updated_at: row.try_get("reply_updated_at")?,
        workflow_id: row.try_get("workflow_id")?,
        reply_stage: row.try_get("reply_stage")?,
        reply_resume: row.try_get("reply_resume")?,
        responded_at: row.try_get("responded_at")?,
        refused_reason: row.try_get("refused_reason")?,
        published_at: row.try_get("published_at")?,
    })
}

/// One letter of a site.
pub async fn get(conn: &mut Conn, site: SiteId, id: i64) -> Result<Letter> {
    let sql = format!("{SELECT} WHERE l.site_id = $1 AND l.id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(site.0)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    letter(&row)
}

/// The letter with this tracking code, if any.
pub async fn by_code(conn: &mut Conn, code: &str) -> Result<Option<Letter>> {
    let sql = format!("{SELECT} WHERE l.tracking_code = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(code)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(letter).transpose()
}

/// What the office inbox filters by (empty: any).
#[derive(Debug, Clone, Default)]
pub struct Filter<'a> {
    pub status: Option<&'a str>,
    /// Only letters with one of these sections (None: every letter).
    pub sections: Option<&'a [SectionId]>,
    /// Words in the subject, content, name or tracking code.
    pub text: &'a str,
    /// Received at or after / before (None: any time).
    pub from: Option<i64>,
    pub until: Option<i64>,
    /// Rows skipped before the first returned (paging).
    pub offset: i64,
}

/// The letters matching `filter`, newest first, at most `limit`.
pub async fn list(
    conn: &mut Conn,
    site: SiteId,
    filter: &Filter<'_>,
    limit: i64,
) -> Result<Vec<Letter>> {
    let sql = format!(
        "{SELECT} WHERE {}
         ORDER BY l.received_at DESC, l.id DESC LIMIT $7 OFFSET $8",
        matching(filter)
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(site.0)
        .bind(filter.status.unwrap_or(""))
        .bind(filter.text)
        .bind(like_pattern(filter.text))
        .bind(filter.from.unwrap_or(i64::MIN))
        .bind(filter.until.unwrap_or(i64::MAX))
        .bind(limit)
        .bind(filter.offset.max(0))
        .fetch_all(conn)
        .await?;
    rows.iter().map(letter).collect()
}

/// The condition of `list` and `count`: $1 the site, $2 the status, $3
/// and $4 the text and its LIKE pattern, $5 and $6 the span, with the
/// section ids written in.
fn matching(filter: &Filter<'_>) -> String {
    format!(
        "l.site_id = $1
            AND ($2 = '' OR l.status = $2)
            AND ($3 = '' OR l.subject LIKE $4 ESCAPE '!' OR l.content LIKE $4 ESCAPE '!'
                 OR l.name LIKE $4 ESCAPE '!' OR l.tracking_code = $3)
            AND l.received_at >= $5 AND l.received_at < $6
            {}",
        section_list(filter.sections)
    )
}

/// How many letters match `filter` (its offset ignored).
pub async fn count(conn: &mut Conn, site: SiteId, filter: &Filter<'_>) -> Result<i64> {
    let sql = format!("SELECT COUNT(*) FROM letters l WHERE {}", matching(filter));
    let n = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
        .bind(site.0)
        .bind(filter.status.unwrap_or(""))
        .bind(filter.text)
        .bind(like_pattern(filter.text))
        .bind(filter.from.unwrap_or(i64::MIN))
        .bind(filter.until.unwrap_or(i64::MAX))
        .fetch_one(conn)
        .await?;
    Ok(n)
}

/// What the statistics need of one letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Facts {
    pub received_at: i64,
    pub due_at: i64,
    pub responded_at: Option<i64>,
    pub section_id: Option<SectionId>,
}

/// Facts and status of every letter received in `from..until`.
pub async fn facts(
    conn: &mut Conn,
    site: SiteId,
    from: i64,
    until: i64,
) -> Result<Vec<(Facts, String)>> {
    let rows = sqlx::query(
        "SELECT received_at, due_at, responded_at, section_id, status FROM letters
         WHERE site_id = $1 AND received_at >= $2 AND received_at < $3 ORDER BY id",
    )
    .bind(site.0)
    .bind(from)
    .bind(until)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            let facts = Facts {
                received_at: row.try_get("received_at")?,
                due_at: row.try_get("due_at")?,
                responded_at: row.try_get("responded_at")?,
                section_id: row.try_get::<Option<i64>, _>("section_id")?.map(SectionId),
            };
            Ok((facts, row.try_get("status")?))
        })
        .collect()
}

/// Makes concurrent transactions for the same client address wait for
/// each other, so a rate limit counted inside them holds under a burst.
/// SQLite writes one transaction at a time already; PostgreSQL takes a
/// transaction-scoped advisory lock on the address.
pub async fn serialise_client(conn: &mut Conn, backend: Backend, client_addr: &str) -> Result<()> {
    if backend == Backend::Postgres {
        sqlx::query("SELECT pg_advisory_xact_lock($1, hashtext($2))")
            .bind(CLIENT_LOCK_CLASS)
            .bind(client_addr)
            .execute(conn)
            .await?;
    }
    Ok(())
}

/// Open letters of every site whose last reminder is below `level`
/// (the reminder pass works out which are due).
pub async fn open_below_alarm(conn: &mut Conn, level: i64) -> Result<Vec<(Letter, i64)>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "{} WHERE l.status IN ('received', 'handling', 'review') AND l.alarm_level < $1
         ORDER BY l.id",
        SELECT.replacen("SELECT ", "SELECT l.alarm_level, ", 1)
    )))
    .bind(level)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| Ok((letter(row)?, row.try_get("alarm_level")?)))
        .collect()
}

/// Raises a letter's reminder level; false when it is already there (another
/// node sent it) or the letter is no longer open.
pub async fn raise_alarm(conn: &mut Conn, id: i64, level: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE letters SET alarm_level = $2 WHERE id = $1 AND alarm_level < $2
            AND status IN ('received', 'handling', 'review')",
    )
    .bind(id)
    .bind(level)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The first key of the client-address advisory locks.
const CLIENT_LOCK_CLASS: i32 = 0x6d62;

/// `AND l.section_id IN (…)` with the ids written in (they are numbers
/// from our own records, never text from a request).
fn section_list(sections: Option<&[SectionId]>) -> String {
    match sections {
        None => String::new(),
        Some([]) => "AND 1 = 0".to_owned(),
        Some(ids) => {
            let ids: Vec<String> = ids.iter().map(|s| s.0.to_string()).collect();
            format!("AND l.section_id IN ({})", ids.join(", "))
        }
    }
}

/// How many letters are in each status (within `sections` when given).
pub async fn counts(
    conn: &mut Conn,
    site: SiteId,
    sections: Option<&[SectionId]>,
) -> Result<Vec<(String, i64)>> {
    let sql = format!(
        "SELECT l.status, COUNT(*) AS n FROM letters l WHERE l.site_id = $1 {}
         GROUP BY l.status",
        section_list(sections)
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(site.0)
        .fetch_all(conn)
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("status")?, row.try_get("n")?)))
        .collect()
}

pub async fn files(conn: &mut Conn, letter: i64) -> Result<Vec<LetterFile>> {
    let rows = sqlx::query(
        "SELECT id, letter_id, name, mime, size, hash FROM letter_files
         WHERE letter_id = $1 ORDER BY id",
    )
    .bind(letter)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(LetterFile {
                id: row.try_get("id")?,
                letter_id: row.try_get("letter_id")?,
                name: row.try_get("name")?,
                mime: row.try_get("mime")?,
                size: row.try_get("size")?,
                hash: row.try_get("hash")?,
            })
        })
        .collect()
}

pub async fn insert_event(
    conn: &mut Conn,
    letter: i64,
    actor: Option<UserId>,
    action: &str,
    comment: &str,
    stage_name: &str,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO letter_events (letter_id, at, actor_id, action, comment, stage_name)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(letter)
    .bind(now)
    .bind(actor.map(|a| a.0))
    .bind(action)
    .bind(comment)
    .bind(stage_name)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn events(conn: &mut Conn, letter: i64) -> Result<Vec<LetterEvent>> {
    let rows = sqlx::query(
        "SELECT e.id, e.at, COALESCE(u.display_name, '') AS actor_name, e.action, e.comment,
            e.stage_name
         FROM letter_events e LEFT JOIN users u ON u.id = e.actor_id
         WHERE e.letter_id = $1 ORDER BY e.id",
    )
    .bind(letter)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(LetterEvent {
                id: row.try_get("id")?,
                at: row.try_get("at")?,
                actor_name: row.try_get("actor_name")?,
                action: row.try_get("action")?,
                comment: row.try_get("comment")?,
                stage_name: row.try_get("stage_name")?,
            })
        })
        .collect()
}

/// Records a failed tracking lookup.
pub async fn lookup_failed(conn: &mut Conn, client_addr: &str, now: i64) -> Result<()> {
    sqlx::query("INSERT INTO letter_lookup_failures (client_addr, at) VALUES ($1, $2)")
        .bind(client_addr)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn lookup_failures_since(conn: &mut Conn, client_addr: &str, since: i64) -> Result<i64> {
    let n = sqlx::query_scalar(
        "SELECT COUNT(*) FROM letter_lookup_failures WHERE client_addr = $1 AND at >= $2",
    )
    .bind(client_addr)
    .bind(since)
    .fetch_one(conn)
    .await?;
    Ok(n)
}

#[path = "mailbox_changes.rs"]
mod changes;
pub use changes::{Change, change};
