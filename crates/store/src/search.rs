//! What the search indexer reads: the change feed (`search_changes`, filled
//! by triggers in the transaction of every change), the items as they are
//! now, and the text extracted from attachments (`media_texts`).

use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Conn, Result};

/// One entry of the change feed: an item whose searchable state changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub seq: i64,
    /// `article:123`.
    pub item: String,
}

/// Appends an entry by hand (the triggers write the items' own): a request
/// such as `reindex:all` that every node's indexer acts on.
pub async fn append(conn: &mut Conn, item: &str, now: i64) -> Result<()> {
    sqlx::query("INSERT INTO search_changes (item, at) VALUES ($1, $2)")
        .bind(item)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// The feed after `seq`, oldest first, at most `limit` entries.
pub async fn changes_after(conn: &mut Conn, seq: i64, limit: i64) -> Result<Vec<Change>> {
    let rows =
        sqlx::query("SELECT seq, item FROM search_changes WHERE seq > $1 ORDER BY seq LIMIT $2")
            .bind(seq)
            .bind(limit)
            .fetch_all(conn)
            .await?;
    rows.iter()
        .map(|row| {
            Ok(Change {
                seq: row.try_get("seq")?,
                item: row.try_get("item")?,
            })
        })
        .collect()
}

/// The newest and the oldest sequence number kept (0 when the feed is
/// empty).
pub async fn feed_bounds(conn: &mut Conn) -> Result<(i64, i64)> {
    let row = sqlx::query(
        "SELECT COALESCE(MIN(seq), 0) AS oldest, COALESCE(MAX(seq), 0) AS newest
         FROM search_changes",
    )
    .fetch_one(conn)
    .await?;
    Ok((row.try_get("oldest")?, row.try_get("newest")?))
}

/// Forgets feed entries older than `before` (Unix ms) but keeps the newest
/// one, so that the numbering's high-water mark stays visible; returns how
/// many went.
pub async fn prune_changes(conn: &mut Conn, before: i64) -> Result<u64> {
    let done = sqlx::query(
        "DELETE FROM search_changes WHERE at < $1
            AND seq < (SELECT MAX(seq) FROM search_changes)",
    )
    .bind(before)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// An article as the index needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedArticle {
    pub id: i64,
    pub site_id: i64,
    pub status: String,
    /// An edit of a published article awaiting review (office only).
    pub revises_id: Option<i64>,
    pub title: String,
    pub subtitle: String,
    pub author: String,
    pub source: String,
    pub summary: String,
    pub body_text: String,
    pub keywords: String,
    pub has_video: bool,
    pub publish_at: Option<i64>,
    pub updated_at: i64,
    /// The primary column first, then further placements.
    pub columns: Vec<i64>,
    /// Attached files: media id and the name it was uploaded under.
    pub attachments: Vec<(i64, String)>,
}

fn article_from_row(row: &AnyRow) -> Result<IndexedArticle> {
    Ok(IndexedArticle {
        id: row.try_get("id")?,
        site_id: row.try_get("site_id")?,
        status: row.try_get("status")?,
        revises_id: row.try_get("revises_id")?,
        title: row.try_get("title")?,
        subtitle: row.try_get("subtitle")?,
        author: row.try_get("author")?,
        source: row.try_get("source")?,
        summary: row.try_get("summary")?,
        body_text: row.try_get("body_text")?,
        keywords: row.try_get("keywords")?,
        has_video: row.try_get::<Option<i64>, _>("video_media_id")?.is_some(),
        publish_at: row.try_get("publish_at")?,
        updated_at: row.try_get("updated_at")?,
        columns: vec![row.try_get("primary_column_id")?],
        attachments: Vec::new(),
    })
}

const ARTICLE_FIELDS: &str = "SELECT id, site_id, status, revises_id, title, subtitle, author,
    source, summary, body_text, keywords, video_media_id, publish_at, updated_at,
    primary_column_id FROM articles";

/// The articles with these ids as they are now (missing ones left out),
/// with their further columns and attachments.
pub async fn articles(conn: &mut Conn, ids: &[i64]) -> Result<Vec<IndexedArticle>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = id_list(ids);
    let sql = format!("{ARTICLE_FIELDS} WHERE id IN ({list}) ORDER BY id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut *conn)
        .await?;
    let mut found = rows
        .iter()
        .map(article_from_row)
        .collect::<Result<Vec<_>>>()?;
    attach_parts(conn, &mut found, &list).await?;
    Ok(found)
}

/// A page of every site's articles in id order after `after_id` (for a
/// full rebuild), with their parts.
pub async fn articles_after(
    conn: &mut Conn,
    after_id: i64,
    limit: i64,
) -> Result<Vec<IndexedArticle>> {
    let sql = format!("{ARTICLE_FIELDS} WHERE id > $1 ORDER BY id LIMIT $2");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(after_id)
        .bind(limit)
        .fetch_all(&mut *conn)
        .await?;
    let mut found = rows
        .iter()
        .map(article_from_row)
        .collect::<Result<Vec<_>>>()?;
    let ids: Vec<i64> = found.iter().map(|a| a.id).collect();
    if !ids.is_empty() {
        attach_parts(conn, &mut found, &id_list(&ids)).await?;
    }
    Ok(found)
}

/// `1, 2, 3`: ids are integers, so the list is safe to inline (and keeps
/// the statement's parameter count independent of the batch).
fn id_list(ids: &[i64]) -> String {
    ids.iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

async fn attach_parts(conn: &mut Conn, found: &mut [IndexedArticle], list: &str) -> Result<()> {
    let sql = format!(
        "SELECT article_id, column_id FROM article_columns WHERE article_id IN ({list})
         ORDER BY article_id, column_id"
    );
    for row in sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut *conn)
        .await?
    {
        let (article, column): (i64, i64) = (row.try_get(0)?, row.try_get(1)?);
        if let Some(a) = found.iter_mut().find(|a| a.id == article)
            && !a.columns.contains(&column)
        {
            a.columns.push(column);
        }
    }
    let sql = format!(
        "SELECT x.article_id, m.id, m.original_name FROM article_attachments x
         JOIN media m ON m.id = x.media_id WHERE x.article_id IN ({list})
         ORDER BY x.article_id, x.sort_order"
    );
    for row in sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(conn)
        .await?
    {
        let article: i64 = row.try_get(0)?;
        if let Some(a) = found.iter_mut().find(|a| a.id == article) {
            a.attachments.push((row.try_get(1)?, row.try_get(2)?));
        }
    }
    Ok(())
}

/// Text extracted from an attachment, as kept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaText {
    /// `ok`, `unsupported` or `failed`.
    pub outcome: String,
    pub body: String,
    pub detail: String,
}

pub async fn media_text(conn: &mut Conn, media: i64) -> Result<Option<MediaText>> {
    let row = sqlx::query("SELECT outcome, body, detail FROM media_texts WHERE media_id = $1")
        .bind(media)
        .fetch_optional(conn)
        .await?;
    row.map(|row| {
        Ok(MediaText {
            outcome: row.try_get("outcome")?,
            body: row.try_get("body")?,
            detail: row.try_get("detail")?,
        })
    })
    .transpose()
}

/// The object key (content hash) and size of a media item, to read its
/// bytes for extraction.
pub async fn media_object(conn: &mut Conn, media: i64) -> Result<Option<(String, i64)>> {
    let row = sqlx::query("SELECT hash, size FROM media WHERE id = $1")
        .bind(media)
        .fetch_optional(conn)
        .await?;
    row.map(|row| Ok((row.try_get("hash")?, row.try_get("size")?)))
        .transpose()
}

pub async fn put_media_text(conn: &mut Conn, media: i64, text: &MediaText, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO media_texts (media_id, outcome, body, detail, extracted_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (media_id) DO UPDATE SET outcome = excluded.outcome,
            body = excluded.body, detail = excluded.detail,
            extracted_at = excluded.extracted_at",
    )
    .bind(media)
    .bind(&text.outcome)
    .bind(&text.body)
    .bind(&text.detail)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// A question of the Q&A (解疑释惑) as the index needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedQuestion {
    pub id: i64,
    pub site_id: i64,
    /// `new`, `assigned`, `answered`, `published` or `refused`.
    pub status: String,
    pub title: String,
    pub body: String,
    pub answer: String,
    pub topic: String,
    pub asked_at: i64,
    pub published_at: Option<i64>,
}

const QUESTION_FIELDS: &str = "SELECT q.id, q.site_id, q.status, q.title, q.body, q.answer,
    t.name AS topic, q.asked_at, q.published_at
    FROM qa_questions q JOIN qa_topics t ON t.id = q.topic_id";

fn question_from_row(row: &AnyRow) -> Result<IndexedQuestion> {
    Ok(IndexedQuestion {
        id: row.try_get("id")?,
        site_id: row.try_get("site_id")?,
        status: row.try_get("status")?,
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        answer: row.try_get("answer")?,
        topic: row.try_get("topic")?,
        asked_at: row.try_get("asked_at")?,
        published_at: row.try_get("published_at")?,
    })
}

/// The questions with these ids as they are now (missing ones left out).
pub async fn questions(conn: &mut Conn, ids: &[i64]) -> Result<Vec<IndexedQuestion>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let sql = format!(
        "{QUESTION_FIELDS} WHERE q.id IN ({}) ORDER BY q.id",
        id_list(ids)
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .fetch_all(conn)
        .await?;
    rows.iter().map(question_from_row).collect()
}

/// A page of every site's questions in id order after `after_id` (for a
/// full rebuild).
pub async fn questions_after(
    conn: &mut Conn,
    after_id: i64,
    limit: i64,
) -> Result<Vec<IndexedQuestion>> {
    let sql = format!("{QUESTION_FIELDS} WHERE q.id > $1 ORDER BY q.id LIMIT $2");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(after_id)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(question_from_row).collect()
}
