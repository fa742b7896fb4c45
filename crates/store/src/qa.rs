//! 解疑释惑: topics, questions and their handling. Question and answer text
//! are plain columns so that search can index them later.

use dangjian_domain::ids::{SectionId, SiteId, UserId};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Conn, Result, StoreError};

/// The topics every site starts with: (code, name).
pub const DEFAULT_TOPICS: [(&str, &str); 6] = [
    ("membership", "党员发展"),
    ("org_life", "组织生活"),
    ("dues", "党费"),
    ("cadres", "干部选任"),
    ("mobile", "流动党员"),
    ("other", "其他"),
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Topic {
    pub id: i64,
    pub code: String,
    pub name: String,
    /// Place in the list, smaller first.
    pub sort_order: i64,
}

/// A question with the names its pages show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    pub id: i64,
    pub site_id: SiteId,
    pub topic_id: i64,
    pub topic_name: String,
    pub title: String,
    pub body: String,
    pub asker_name: String,
    pub contact: String,
    /// `portal`, or how an editor received it: `phone`, `letter`, `visit`.
    pub origin: String,
    pub asked_at: i64,
    pub status: String,
    pub section_id: Option<SectionId>,
    pub section_name: String,
    pub answer: String,
    pub answered_by_name: String,
    pub answered_at: Option<i64>,
    pub answered_by_link: Option<i64>,
    pub published_by_name: String,
    pub published_at: Option<i64>,
    pub refused_reason: String,
}

/// A question as it is first stored.
#[derive(Debug, Clone)]
pub struct NewQuestion<'a> {
    pub site: SiteId,
    pub topic_id: i64,
    pub title: &'a str,
    pub body: &'a str,
    pub asker_name: &'a str,
    pub contact: &'a str,
    pub origin: &'a str,
    pub client_addr: &'a str,
    pub asked_at: i64,
}

/// Lays the default topics for a new site.
pub async fn seed_topics(conn: &mut Conn, site: SiteId) -> Result<()> {
    for (order, (code, name)) in (1i64..).zip(DEFAULT_TOPICS) {
        sqlx::query(
            "INSERT INTO qa_topics (site_id, code, name, sort_order) VALUES ($1, $2, $3, $4)",
        )
        .bind(site.0)
        .bind(code)
        .bind(name)
        .bind(order)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn topics(conn: &mut Conn, site: SiteId) -> Result<Vec<Topic>> {
    let rows = sqlx::query(
        "SELECT id, code, name, sort_order FROM qa_topics WHERE site_id = $1
         ORDER BY sort_order, id",
    )
    .bind(site.0)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Topic {
                id: row.try_get("id")?,
                code: row.try_get("code")?,
                name: row.try_get("name")?,
                sort_order: row.try_get("sort_order")?,
            })
        })
        .collect()
}

/// A new topic of a site; `code` must be free (unique per site).
pub async fn insert_topic(
    conn: &mut Conn,
    site: SiteId,
    code: &str,
    name: &str,
    sort_order: i64,
) -> Result<i64> {
    let id = sqlx::query_scalar(
        "INSERT INTO qa_topics (site_id, code, name, sort_order) VALUES ($1, $2, $3, $4)
         RETURNING id",
    )
    .bind(site.0)
    .bind(code)
    .bind(name)
    .bind(sort_order)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Renames and places a topic of a site (NotFound when it has no such).
pub async fn update_topic(
    conn: &mut Conn,
    site: SiteId,
    id: i64,
    name: &str,
    sort_order: i64,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE qa_topics SET name = $1, sort_order = $2 WHERE site_id = $3 AND id = $4",
    )
    .bind(name)
    .bind(sort_order)
    .bind(site.0)
    .bind(id)
    .execute(conn)
    .await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Whether another topic of the site (not `except`) already has `name`.
pub async fn topic_name_taken(
    conn: &mut Conn,
    site: SiteId,
    name: &str,
    except: i64,
) -> Result<bool> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM qa_topics WHERE site_id = $1 AND name = $2 AND id <> $3",
    )
    .bind(site.0)
    .bind(name)
    .bind(except)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

/// The place after the site's last topic.
pub async fn next_topic_order(conn: &mut Conn, site: SiteId) -> Result<i64> {
    let last: i64 =
        sqlx::query_scalar("SELECT COALESCE(MAX(sort_order), 0) FROM qa_topics WHERE site_id = $1")
            .bind(site.0)
            .fetch_one(conn)
            .await?;
    Ok(last + 1)
}

pub async fn insert(conn: &mut Conn, q: &NewQuestion<'_>) -> Result<i64> {
    let id = sqlx::query_scalar(
        "INSERT INTO qa_questions (site_id, topic_id, title, body, asker_name, contact,
            origin, client_addr, asked_at, status)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'new') RETURNING id",
    )
    .bind(q.site.0)
    .bind(q.topic_id)
    .bind(q.title)
    .bind(q.body)
    .bind(q.asker_name)
    .bind(q.contact)
    .bind(q.origin)
    .bind(q.client_addr)
    .bind(q.asked_at)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// How many questions a client address asked since `since` (rate limit).
pub async fn asked_since(conn: &mut Conn, client_addr: &str, since: i64) -> Result<i64> {
    let n = sqlx::query_scalar(
        "SELECT COUNT(*) FROM qa_questions WHERE client_addr = $1 AND asked_at >= $2",
    )
    .bind(client_addr)
    .bind(since)
    .fetch_one(conn)
    .await?;
    Ok(n)
}

const SELECT: &str = "SELECT q.id, q.site_id, q.topic_id, t.name AS topic_name, q.title,
    q.body, q.asker_name, q.contact, q.origin, q.asked_at, q.status, q.section_id,
    COALESCE(s.name, '') AS section_name, q.answer,
    COALESCE(a.display_name, '') AS answered_by_name, q.answered_at, q.answered_by_link,
    COALESCE(p.display_name, '') AS published_by_name, q.published_at, q.refused_reason
 FROM qa_questions q
 JOIN qa_topics t ON t.id = q.topic_id
 LEFT JOIN sections s ON s.id = q.section_id
 LEFT JOIN users a ON a.id = q.answered_by
 LEFT JOIN users p ON p.id = q.published_by";

fn question(row: &AnyRow) -> Result<Question> {
    Ok(Question {
        id: row.try_get("id")?,
        site_id: SiteId(row.try_get("site_id")?),
        topic_id: row.try_get("topic_id")?,
        topic_name: row.try_get("topic_name")?,
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        asker_name: row.try_get("asker_name")?,
        contact: row.try_get("contact")?,
        origin: row.try_get("origin")?,
        asked_at: row.try_get("asked_at")?,
        status: row.try_get("status")?,
        section_id: row.try_get::<Option<i64>, _>("section_id")?.map(SectionId),
        section_name: row.try_get("section_name")?,
        answer: row.try_get("answer")?,
        answered_by_name: row.try_get("answered_by_name")?,
        answered_at: row.try_get("answered_at")?,
        answered_by_link: row.try_get("answered_by_link")?,
        published_by_name: row.try_get("published_by_name")?,
        published_at: row.try_get("published_at")?,
        refused_reason: row.try_get("refused_reason")?,
    })
}

/// One question of a site.
pub async fn get(conn: &mut Conn, site: SiteId, id: i64) -> Result<Question> {
    let sql = format!("{SELECT} WHERE q.site_id = $1 AND q.id = $2");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(site.0)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    question(&row)
}

/// What the office inbox filters by (empty: any).
#[derive(Debug, Clone, Default)]
pub struct Filter<'a> {
    pub status: Option<&'a str>,
    pub topic_id: Option<i64>,
    pub section: Option<SectionId>,
    /// Words in the title, question or answer.
    pub text: &'a str,
}

/// The questions matching `filter`, newest first, at most `limit`.
pub async fn list(
    conn: &mut Conn,
    site: SiteId,
    filter: &Filter<'_>,
    limit: i64,
) -> Result<Vec<Question>> {
    // Absent filters bind values that match every row, so one statement
    // serves every combination.
    let sql = format!(
        "{SELECT} WHERE q.site_id = $1
            AND ($2 = '' OR q.status = $2)
            AND ($3 = 0 OR q.topic_id = $3)
            AND ($4 = 0 OR q.section_id = $4)
            AND ($5 = '' OR q.title LIKE $6 ESCAPE '!' OR q.body LIKE $6 ESCAPE '!'
                 OR q.answer LIKE $6 ESCAPE '!')
         ORDER BY q.asked_at DESC, q.id DESC LIMIT $7"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(site.0)
        .bind(filter.status.unwrap_or(""))
        .bind(filter.topic_id.unwrap_or(0))
        .bind(filter.section.map_or(0, |s| s.0))
        .bind(filter.text)
        .bind(like_pattern(filter.text))
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(question).collect()
}

/// `%text%` with the pattern characters escaped (escape character `!`).
pub(crate) fn like_pattern(text: &str) -> String {
    let mut pattern = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '!') {
            pattern.push('!');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// How many questions of the site are in each status.
pub async fn counts(conn: &mut Conn, site: SiteId) -> Result<Vec<(String, i64)>> {
    let rows = sqlx::query(
        "SELECT status, COUNT(*) AS n FROM qa_questions WHERE site_id = $1 GROUP BY status",
    )
    .bind(site.0)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("status")?, row.try_get("n")?)))
        .collect()
}

/// A change of a question's handling, applied only if the question is
/// still in the status the use case decided from (another editor may have
/// moved it meanwhile: then `Conflict`).
#[derive(Debug, Clone)]
pub enum Change<'a> {
    Assign(SectionId),
    Answer(&'a str),
    Publish,
    Refuse(&'a str),
    Link(i64),
}

pub async fn change(
    conn: &mut Conn,
    id: i64,
    from_status: &str,
    change: &Change<'_>,
    by: UserId,
    now: i64,
) -> Result<()> {
    // $1 who, $2 when, $3 the question, $4 the status decided from, $5 the value.
    let query = match change {
        Change::Assign(section) => sqlx::query(
            "UPDATE qa_questions SET status = 'assigned', section_id = $5,
                assigned_by = $1, assigned_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(by.0)
        .bind(now)
        .bind(id)
        .bind(from_status)
        .bind(section.0),
        Change::Answer(text) => sqlx::query(
            "UPDATE qa_questions SET status = 'answered', answer = $5, answered_by_link = NULL,
                answered_by = $1, answered_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(by.0)
        .bind(now)
        .bind(id)
        .bind(from_status)
        .bind(*text),
        Change::Publish => sqlx::query(
            "UPDATE qa_questions SET status = 'published', published_by = $1,
                published_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(by.0)
        .bind(now)
        .bind(id)
        .bind(from_status),
        Change::Refuse(reason) => sqlx::query(
            "UPDATE qa_questions SET status = 'refused', refused_reason = $5,
                published_by = $1, published_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(by.0)
        .bind(now)
        .bind(id)
        .bind(from_status)
        .bind(*reason),
        Change::Link(target) => sqlx::query(
            "UPDATE qa_questions SET status = 'answered', answered_by_link = $5, answer = '',
                answered_by = $1, answered_at = $2 WHERE id = $3 AND status = $4",
        )
        .bind(by.0)
        .bind(now)
        .bind(id)
        .bind(from_status)
        .bind(*target),
    };
    let done = query.execute(conn).await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict(format!(
            "question {id} is no longer {from_status}"
        )))
    }
}

/// The challenge key of the public form: the stored one, or `candidate`
/// stored now (kept in the global settings so every node shares it; the
/// first node to store one wins).
pub async fn challenge_key(conn: &mut Conn, candidate: &str, now: i64) -> Result<String> {
    const KEY: &str = "qa.challenge_key";
    sqlx::query(
        "INSERT INTO settings (scope, key, value, updated_by, updated_at)
         VALUES ($1, $2, $3, NULL, $4) ON CONFLICT (scope, key) DO NOTHING",
    )
    .bind(crate::settings::GLOBAL)
    .bind(KEY)
    .bind(candidate)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    let key = sqlx::query_scalar("SELECT value FROM settings WHERE scope = $1 AND key = $2")
        .bind(crate::settings::GLOBAL)
        .bind(KEY)
        .fetch_one(conn)
        .await?;
    Ok(key)
}
