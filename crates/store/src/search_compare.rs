//! The databases' own full-text search over the same published articles,
//! for the search benchmark's comparison only (`crates/app/examples/
//! bench_search.rs`): SQLite FTS5 with its trigram tokenizer, PostgreSQL
//! `to_tsvector('simple', …)` with a GIN index. Neither segments Chinese
//! words — which is what the figures show. Nothing in the program uses it.

use sqlx::{AssertSqlSafe, Row};

use crate::{Backend, Conn, Result};

/// Builds the comparison index (dropping an earlier one); returns how many
/// articles it holds.
pub async fn build(conn: &mut Conn, backend: Backend) -> Result<i64> {
    let statements: &[&str] = match backend {
        Backend::Sqlite => &[
            "DROP TABLE IF EXISTS compare_fts",
            "CREATE VIRTUAL TABLE compare_fts USING fts5(title, body, tokenize = 'trigram')",
            "INSERT INTO compare_fts (rowid, title, body)
             SELECT id, title, body_text FROM articles WHERE status = 'published'",
        ],
        Backend::Postgres => &[
            "DROP TABLE IF EXISTS compare_fts",
            "CREATE TABLE compare_fts AS SELECT id,
                to_tsvector('simple', title || ' ' || body_text) AS words
             FROM articles WHERE status = 'published'",
            "CREATE INDEX compare_fts_words ON compare_fts USING gin (words)",
            "ANALYZE compare_fts",
        ],
    };
    for sql in statements {
        sqlx::query(AssertSqlSafe(*sql)).execute(&mut *conn).await?;
    }
    Ok(sqlx::query("SELECT COUNT(*) FROM compare_fts")
        .fetch_one(conn)
        .await?
        .try_get(0)?)
}

/// FTS5's query syntax: the text as one quoted phrase.
fn fts5_phrase(text: &str) -> String {
    format!("\"{}\"", text.replace('"', "\"\""))
}

/// The total and the first ten ids with a highlighted snippet each, ranked
/// by the database; a query the tokenizer cannot read finds nothing.
pub async fn search(
    conn: &mut Conn,
    backend: Backend,
    text: &str,
) -> Result<(i64, Vec<(i64, String)>)> {
    match backend {
        Backend::Sqlite => {
            let phrase = fts5_phrase(text);
            let total: i64 =
                sqlx::query("SELECT COUNT(*) FROM compare_fts WHERE compare_fts MATCH $1")
                    .bind(&phrase)
                    .fetch_one(&mut *conn)
                    .await?
                    .try_get(0)?;
            let rows = sqlx::query(
                "SELECT rowid, snippet(compare_fts, 1, '[', ']', '…', 24) AS snippet
                 FROM compare_fts WHERE compare_fts MATCH $1 ORDER BY rank LIMIT 10",
            )
            .bind(&phrase)
            .fetch_all(conn)
            .await?;
            let hits = rows
                .iter()
                .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
                .collect::<Result<Vec<_>>>()?;
            Ok((total, hits))
        }
        Backend::Postgres => {
            let total: i64 = sqlx::query(
                "SELECT COUNT(*) FROM compare_fts WHERE words @@ plainto_tsquery('simple', $1)",
            )
            .bind(text)
            .fetch_one(&mut *conn)
            .await?
            .try_get(0)?;
            let rows = sqlx::query(
                "SELECT a.id, ts_headline('simple', a.body_text, best.q) AS snippet
                 FROM (SELECT f.id, ts_rank(f.words, q) AS score, q
                       FROM compare_fts f, plainto_tsquery('simple', $1) q
                       WHERE f.words @@ q ORDER BY score DESC LIMIT 10) best
                 JOIN articles a ON a.id = best.id ORDER BY best.score DESC",
            )
            .bind(text)
            .fetch_all(conn)
            .await?;
            let hits = rows
                .iter()
                .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
                .collect::<Result<Vec<_>>>()?;
            Ok((total, hits))
        }
    }
}

/// Drops the comparison index.
pub async fn drop(conn: &mut Conn) -> Result<()> {
    sqlx::query("DROP TABLE IF EXISTS compare_fts")
        .execute(conn)
        .await?;
    Ok(())
}
