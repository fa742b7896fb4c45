//! Rows out and rows in, for `dangjian backup` and `restore`. The format is
//! backend-neutral (JSON values per row), so a backup taken on SQLite can be
//! restored on PostgreSQL and the other way round.

use serde_json::{Map, Value};
use sqlx::any::{AnyRow, AnyTypeInfoKind};
use sqlx::{AssertSqlSafe, Column, Row, ValueRef};

use crate::{Backend, Conn, Result, StoreError};

/// One table's rows; `columns` names the values of each row in order.
#[derive(Debug, Clone, PartialEq)]
pub struct TableRows {
    pub table: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

/// Tables the migrations fill with a first row; a restore replaces it.
const SEEDED_TABLES: [&str; 1] = ["audit_head"];
/// The migration ledger is rebuilt by `migrate`, never copied.
pub const LEDGER_TABLE: &str = "schema_migrations";
/// Tables derived from others and refilled as those are restored (the
/// search feed: the articles' triggers write it again), never copied.
pub const DERIVED_TABLES: [&str; 1] = ["search_changes"];

fn checked_identifier(name: &str) -> Result<&str> {
    let ok = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(name)
    } else {
        Err(StoreError::Conflict(format!(
            "not a table or column name: {name}"
        )))
    }
}

/// Every row of `table`, in key order. Run it inside `Store::snapshot` so all
/// tables come from one moment.
pub async fn read_table(conn: &mut Conn, table: &str) -> Result<TableRows> {
    let table = checked_identifier(table)?;
    let rows = sqlx::query(AssertSqlSafe(format!("SELECT * FROM {table} ORDER BY 1")))
        .fetch_all(conn)
        .await?;
    let columns = match rows.first() {
        Some(row) => row.columns().iter().map(|c| c.name().to_owned()).collect(),
        None => Vec::new(),
    };
    let rows = rows.iter().map(row_values).collect::<Result<_>>()?;
    Ok(TableRows {
        table: table.to_owned(),
        columns,
        rows,
    })
}

fn row_values(row: &AnyRow) -> Result<Vec<Value>> {
    (0..row.columns().len())
        .map(|i| {
            let raw = row.try_get_raw(i)?;
            if raw.is_null() {
                return Ok(Value::Null);
            }
            let kind = raw.type_info().kind();
            let value = match kind {
                AnyTypeInfoKind::Bool => Value::from(row.try_get::<bool, _>(i)?),
                AnyTypeInfoKind::SmallInt | AnyTypeInfoKind::Integer | AnyTypeInfoKind::BigInt => {
                    Value::from(row.try_get::<i64, _>(i)?)
                }
                AnyTypeInfoKind::Real | AnyTypeInfoKind::Double => {
                    Value::from(row.try_get::<f64, _>(i)?)
                }
                AnyTypeInfoKind::Blob => {
                    let bytes: Vec<u8> = row.try_get(i)?;
                    let mut map = Map::new();
                    map.insert("hex".into(), Value::from(hex_encode(&bytes)));
                    Value::Object(map)
                }
                _ => Value::from(row.try_get::<String, _>(i)?),
            };
            Ok(value)
        })
        .collect()
}

fn hex_encode(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    (0..text.len())
        .step_by(2)
        .map(|i| {
            text.get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect()
}

/// Empties the tables the migrations seed, before a restore loads them.
pub async fn clear_seeded(conn: &mut Conn) -> Result<()> {
    for table in SEEDED_TABLES {
        sqlx::query(AssertSqlSafe(format!("DELETE FROM {table}")))
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Inserts rows read by `read_table` (keys included).
pub async fn write_rows(conn: &mut Conn, rows: &TableRows) -> Result<()> {
    if rows.rows.is_empty() {
        return Ok(());
    }
    let table = checked_identifier(&rows.table)?;
    let columns = rows
        .columns
        .iter()
        .map(|c| checked_identifier(c).map(|c| format!("\"{c}\"")))
        .collect::<Result<Vec<_>>>()?;
    let placeholders = (1..=columns.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>();
    let sql = format!(
        "INSERT INTO {table} ({}) VALUES ({})",
        columns.join(", "),
        placeholders.join(", ")
    );
    for row in parents_first(rows) {
        let mut query = sqlx::query(AssertSqlSafe(sql.clone()));
        for value in row {
            query = match value {
                Value::Null => query.bind(None::<i64>),
                Value::Bool(b) => query.bind(*b),
                Value::Number(n) if n.is_i64() => query.bind(n.as_i64()),
                Value::Number(n) => query.bind(n.as_f64()),
                Value::String(s) => query.bind(s.clone()),
                Value::Object(map) => {
                    let bytes = map
                        .get("hex")
                        .and_then(Value::as_str)
                        .and_then(hex_decode)
                        .ok_or_else(|| {
                            StoreError::Conflict(format!("bad binary value in {table}"))
                        })?;
                    query.bind(bytes)
                }
                Value::Array(_) => {
                    return Err(StoreError::Conflict(format!(
                        "unexpected list value in {table}"
                    )));
                }
            };
        }
        // Not kept prepared: a prepared statement keeps the parameter types
        // of its first execution, and a NULL (bound as a number) in a
        // text column would then refuse the text of a later row.
        query.persistent(false).execute(&mut *conn).await?;
    }
    Ok(())
}

/// The rows of a table whose rows point at each other through `parent_id`
/// (a column moved under a newer one), ordered so every parent is inserted
/// before its children; other tables keep their order.
fn parents_first(rows: &TableRows) -> Vec<&Vec<Value>> {
    let position = |name: &str| rows.columns.iter().position(|c| c == name);
    let (Some(id), Some(parent)) = (position("id"), position("parent_id")) else {
        return rows.rows.iter().collect();
    };
    let mut placed = std::collections::HashSet::new();
    let mut ordered = Vec::with_capacity(rows.rows.len());
    let mut pending: Vec<&Vec<Value>> = rows.rows.iter().collect();
    while !pending.is_empty() {
        let before = pending.len();
        pending.retain(|row| {
            let ready = row[parent].as_i64().is_none_or(|p| placed.contains(&p));
            if ready {
                if let Some(key) = row[id].as_i64() {
                    placed.insert(key);
                }
                ordered.push(*row);
            }
            !ready
        });
        if pending.len() == before {
            // A parent outside the table: keep the rest as they are and let
            // the database report it.
            ordered.append(&mut pending);
        }
    }
    ordered
}

/// After rows were inserted with their keys, moves PostgreSQL's identity
/// sequences past them (SQLite's AUTOINCREMENT follows by itself).
pub async fn advance_sequences(conn: &mut Conn, backend: Backend, tables: &[String]) -> Result<()> {
    if backend != Backend::Postgres {
        return Ok(());
    }
    for table in tables {
        let table = checked_identifier(table)?;
        // Only tables keyed by an identity `id` have a sequence; asking
        // PostgreSQL about any other would abort the transaction.
        let has_identity: i64 = sqlx::query(
            "SELECT COUNT(*) FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1
               AND column_name = 'id' AND is_identity = 'YES'",
        )
        .bind(table)
        .fetch_one(&mut *conn)
        .await?
        .try_get(0)?;
        if has_identity > 0 {
            sqlx::query(AssertSqlSafe(format!(
                "SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE(MAX(id), 0) + 1, false) FROM {table}"
            )))
            .execute(&mut *conn)
            .await?;
        }
    }
    Ok(())
}

/// True when the database holds no organisation or accounts yet.
pub async fn is_empty(conn: &mut Conn) -> Result<bool> {
    let count: i64 =
        sqlx::query("SELECT (SELECT COUNT(*) FROM sites) + (SELECT COUNT(*) FROM users)")
            .fetch_one(conn)
            .await?
            .try_get(0)?;
    Ok(count == 0)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn parents_are_written_before_their_children() {
        let rows = TableRows {
            table: "columns".into(),
            columns: vec!["id".into(), "parent_id".into(), "name".into()],
            rows: vec![
                vec![json!(1), json!(3), json!("moved under a newer column")],
                vec![json!(2), Value::Null, json!("top")],
                vec![json!(3), json!(2), json!("middle")],
            ],
        };
        let order: Vec<i64> = parents_first(&rows)
            .iter()
            .filter_map(|row| row[0].as_i64())
            .collect();
        assert_eq!(order, [2, 3, 1]);
    }

    #[test]
    fn binary_values_round_trip_through_hex() {
        let bytes = vec![0u8, 1, 254, 255];
        assert_eq!(hex_decode(&hex_encode(&bytes)), Some(bytes));
        assert_eq!(hex_decode("zz"), None);
    }
}
