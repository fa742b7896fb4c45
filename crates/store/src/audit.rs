//! The audit trail: hash-chained appends, reading in pages, filtered search.
//! Nothing here updates or deletes a record.

use dangjian_domain::audit::{AuditEntry, AuditRecord, HashAlgo, Outcome, chain_hash};
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Conn, Result};

/// Appends one record to the chain, inside the caller's transaction so the
/// record commits (or not) with the change it describes. Advancing the head
/// row first locks it, so concurrent appenders queue on every backend.
pub async fn append(conn: &mut Conn, entry: &AuditEntry, algo: HashAlgo) -> Result<AuditRecord> {
    let head = sqlx::query(
        "UPDATE audit_head SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq, last_hash",
    )
    .fetch_one(&mut *conn)
    .await?;
    let seq: i64 = head.try_get("last_seq")?;
    let prev_hash: String = head.try_get("last_hash")?;
    let hash = chain_hash(algo, seq, &prev_hash, entry);
    sqlx::query(
        "INSERT INTO audit_log (seq, at, actor_id, actor_name, actor_roles, client_addr, action,
            object, outcome, detail, algo, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(seq)
    .bind(entry.at_ms)
    .bind(entry.actor_id)
    .bind(&entry.actor_name)
    .bind(&entry.actor_roles)
    .bind(&entry.client_addr)
    .bind(&entry.action)
    .bind(&entry.object)
    .bind(entry.outcome.code())
    .bind(&entry.detail)
    .bind(algo.code())
    .bind(&prev_hash)
    .bind(&hash)
    .execute(&mut *conn)
    .await?;
    sqlx::query("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
        .bind(&hash)
        .execute(conn)
        .await?;
    Ok(AuditRecord {
        seq,
        entry: entry.clone(),
        algo,
        prev_hash,
        hash,
    })
}

/// The last sequence number and hash written.
pub async fn head(conn: &mut Conn) -> Result<(i64, String)> {
    let row = sqlx::query("SELECT last_seq, last_hash FROM audit_head WHERE id = 1")
        .fetch_one(conn)
        .await?;
    Ok((row.try_get("last_seq")?, row.try_get("last_hash")?))
}

const RECORD_COLUMNS: &str =
    "SELECT seq, at, actor_id, actor_name, actor_roles, client_addr, action,
    object, outcome, detail, algo, prev_hash, hash FROM audit_log";

/// Up to `limit` records after `after_seq`, in chain order.
pub async fn page(conn: &mut Conn, after_seq: i64, limit: i64) -> Result<Vec<AuditRecord>> {
    let sql = format!("{RECORD_COLUMNS} WHERE seq > $1 ORDER BY seq LIMIT $2");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(after_seq)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(record_from_row).collect()
}

/// What the audit administrator filters by; empty strings and `None` mean
/// "any".
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor: String,
    /// An action code or its prefix (`auth.` finds every login event).
    pub action: String,
    pub from_ms: Option<i64>,
    pub until_ms: Option<i64>,
}

const FILTER: &str = "WHERE ($1 = '' OR actor_name = $1)
    AND ($2 = '' OR action = $2 OR action LIKE $3)
    AND at >= $4 AND at < $5";

/// Matching records, newest first, and how many match in all.
pub async fn search(
    conn: &mut Conn,
    filter: &AuditFilter,
    offset: i64,
    limit: i64,
) -> Result<(Vec<AuditRecord>, i64)> {
    let prefix = format!("{}%", filter.action.replace(['%', '_'], ""));
    let from = filter.from_ms.unwrap_or(i64::MIN);
    let until = filter.until_ms.unwrap_or(i64::MAX);
    let total: i64 = sqlx::query(sqlx::AssertSqlSafe(format!(
        "SELECT COUNT(*) FROM audit_log {FILTER}"
    )))
    .bind(&filter.actor)
    .bind(&filter.action)
    .bind(&prefix)
    .bind(from)
    .bind(until)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    let sql = format!("{RECORD_COLUMNS} {FILTER} ORDER BY seq DESC LIMIT $6 OFFSET $7");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(&filter.actor)
        .bind(&filter.action)
        .bind(&prefix)
        .bind(from)
        .bind(until)
        .bind(limit)
        .bind(offset)
        .fetch_all(conn)
        .await?;
    let records = rows.iter().map(record_from_row).collect::<Result<_>>()?;
    Ok((records, total))
}

fn record_from_row(row: &AnyRow) -> Result<AuditRecord> {
    let outcome: String = row.try_get("outcome")?;
    let algo: String = row.try_get("algo")?;
    let hash: String = row.try_get("hash")?;
    // A record whose outcome or algorithm was changed to something this
    // program never writes gets a hash no check can match, so verification
    // reports it as altered instead of reading it as something it was not.
    let readable = Outcome::from_code(&outcome).is_some() && HashAlgo::from_code(&algo).is_some();
    Ok(AuditRecord {
        seq: row.try_get("seq")?,
        entry: AuditEntry {
            at_ms: row.try_get("at")?,
            actor_id: row.try_get("actor_id")?,
            actor_name: row.try_get("actor_name")?,
            actor_roles: row.try_get("actor_roles")?,
            client_addr: row.try_get("client_addr")?,
            action: row.try_get("action")?,
            object: row.try_get("object")?,
            outcome: Outcome::from_code(&outcome).unwrap_or(Outcome::Failure),
            detail: row.try_get("detail")?,
        },
        algo: HashAlgo::from_code(&algo).unwrap_or_default(),
        prev_hash: row.try_get("prev_hash")?,
        hash: if readable {
            hash
        } else {
            format!("unreadable:{hash}")
        },
    })
}
