//! A backend-neutral description of the schema, so a test can prove that
//! SQLite and PostgreSQL end with the same tables, columns and indexes.

use sqlx::Row;

use crate::{Backend, Conn, Result, Store};

/// Describes every table of the database as sorted text lines:
/// `table.column type [not null] [pk]` and `table index [unique] (cols)`.
pub async fn describe(store: &Store) -> Result<Vec<String>> {
    let mut conn = store.read().await?;
    let mut lines = match store.backend() {
        Backend::Sqlite => describe_sqlite(&mut conn).await?,
        Backend::Postgres => describe_postgres(&mut conn).await?,
    };
    lines.sort();
    Ok(lines)
}

/// Names of the program's tables, in an order that respects foreign keys:
/// every table after the tables it refers to (creation order alone is not
/// enough: a later migration may add a reference to a newer table).
pub async fn tables(store: &Store) -> Result<Vec<String>> {
    let mut conn = store.read().await?;
    let sql = match store.backend() {
        Backend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
        }
        Backend::Postgres => {
            "SELECT c.relname::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY c.oid"
        }
    };
    let rows = sqlx::query(sql).fetch_all(&mut *conn).await?;
    let created: Vec<String> = rows
        .iter()
        .map(|r| r.try_get::<String, _>(0))
        .collect::<std::result::Result<_, _>>()?;
    let references = references(&mut conn, store.backend(), &created).await?;
    Ok(referenced_first(created, &references))
}

/// (table, table it refers to) pairs.
async fn references(
    conn: &mut Conn,
    backend: Backend,
    tables: &[String],
) -> Result<Vec<(String, String)>> {
    let mut pairs = Vec::new();
    match backend {
        Backend::Sqlite => {
            for table in tables {
                let rows = sqlx::query("SELECT \"table\" FROM pragma_foreign_key_list($1)")
                    .bind(table)
                    .fetch_all(&mut *conn)
                    .await?;
                for row in rows {
                    pairs.push((table.clone(), row.try_get::<String, _>(0)?));
                }
            }
        }
        Backend::Postgres => {
            let rows = sqlx::query(
                "SELECT t.relname::text, r.relname::text FROM pg_constraint c
                 JOIN pg_class t ON t.oid = c.conrelid
                 JOIN pg_class r ON r.oid = c.confrelid
                 JOIN pg_namespace n ON n.oid = t.relnamespace
                 WHERE c.contype = 'f' AND n.nspname = current_schema()",
            )
            .fetch_all(&mut *conn)
            .await?;
            for row in rows {
                pairs.push((row.try_get(0)?, row.try_get(1)?));
            }
        }
    }
    Ok(pairs)
}

/// Creation order, except that a table waits for the tables it refers to
/// (a reference to itself, like a parent column, does not count).
fn referenced_first(created: Vec<String>, references: &[(String, String)]) -> Vec<String> {
    let mut placed: Vec<String> = Vec::with_capacity(created.len());
    let mut pending = created;
    while !pending.is_empty() {
        let ready = pending.iter().position(|table| {
            references
                .iter()
                .filter(|(from, to)| from == table && to != table)
                .all(|(_, to)| placed.contains(to) || !pending.contains(to))
        });
        // A cycle would leave nothing ready: keep creation order then.
        let next = ready.unwrap_or(0);
        placed.push(pending.remove(next));
    }
    placed
}

fn neutral_type(declared: &str) -> &'static str {
    let lower = declared.to_ascii_lowercase();
    if lower.contains("int") {
        "integer"
    } else if lower.contains("char") || lower.contains("text") {
        "text"
    } else if lower.contains("blob") || lower.contains("bytea") {
        "blob"
    } else if lower.contains("real") || lower.contains("double") || lower.contains("float") {
        "real"
    } else {
        "other"
    }
}

fn column_line(table: &str, name: &str, declared: &str, not_null: bool, pk: bool) -> String {
    format!(
        "{table}.{name} {}{}{}",
        neutral_type(declared),
        if not_null || pk { " not null" } else { "" },
        if pk { " pk" } else { "" }
    )
}

async fn describe_sqlite(conn: &mut Conn) -> Result<Vec<String>> {
    let tables: Vec<String> = sqlx::query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(|r| r.try_get(0))
    .collect::<Result<_, _>>()?;
    let mut lines = Vec::new();
    for table in &tables {
        let columns = sqlx::query("SELECT name, type, \"notnull\", pk FROM pragma_table_info($1)")
            .bind(table)
            .fetch_all(&mut *conn)
            .await?;
        for c in &columns {
            let not_null: i64 = c.try_get(2)?;
            let pk: i64 = c.try_get(3)?;
            lines.push(column_line(
                table,
                &c.try_get::<String, _>(0)?,
                &c.try_get::<String, _>(1)?,
                not_null != 0,
                pk != 0,
            ));
        }
        let indexes = sqlx::query("SELECT name, \"unique\", origin FROM pragma_index_list($1)")
            .bind(table)
            .fetch_all(&mut *conn)
            .await?;
        for index in &indexes {
            let origin: String = index.try_get(2)?;
            if origin == "pk" {
                continue;
            }
            let name: String = index.try_get(0)?;
            let unique: i64 = index.try_get(1)?;
            let cols: Vec<String> =
                sqlx::query("SELECT name FROM pragma_index_info($1) ORDER BY seqno")
                    .bind(&name)
                    .fetch_all(&mut *conn)
                    .await?
                    .iter()
                    .map(|r| r.try_get(0))
                    .collect::<Result<_, _>>()?;
            lines.push(index_line(table, unique != 0, &cols));
        }
    }
    Ok(lines)
}

async fn describe_postgres(conn: &mut Conn) -> Result<Vec<String>> {
    let columns = sqlx::query(
        "SELECT c.table_name::text, c.column_name::text, c.data_type::text, c.is_nullable::text,
            EXISTS (SELECT 1 FROM information_schema.table_constraints t
                JOIN information_schema.key_column_usage k
                  ON k.constraint_name = t.constraint_name AND k.table_schema = t.table_schema
                WHERE t.constraint_type = 'PRIMARY KEY' AND t.table_schema = c.table_schema
                  AND t.table_name = c.table_name AND k.column_name = c.column_name) AS pk
         FROM information_schema.columns c
         WHERE c.table_schema = current_schema()",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut lines = Vec::new();
    for c in &columns {
        let nullable: String = c.try_get(3)?;
        let pk: bool = c.try_get(4)?;
        lines.push(column_line(
            &c.try_get::<String, _>(0)?,
            &c.try_get::<String, _>(1)?,
            &c.try_get::<String, _>(2)?,
            nullable == "NO",
            pk,
        ));
    }
    let indexes = sqlx::query(
        "SELECT tablename::text, indexname::text, indexdef FROM pg_indexes WHERE schemaname = current_schema()",
    )
    .fetch_all(&mut *conn)
    .await?;
    for index in &indexes {
        let table: String = index.try_get(0)?;
        let name: String = index.try_get(1)?;
        let definition: String = index.try_get(2)?;
        if name.ends_with("_pkey") {
            continue;
        }
        let cols = definition
            .rsplit_once('(')
            .map(|(_, rest)| rest.trim_end_matches(')'))
            .unwrap_or_default()
            .split(',')
            .map(|c| c.trim().trim_matches('"').to_owned())
            .collect::<Vec<_>>();
        lines.push(index_line(
            &table,
            definition.starts_with("CREATE UNIQUE"),
            &cols,
        ));
    }
    Ok(lines)
}

fn index_line(table: &str, unique: bool, columns: &[String]) -> String {
    format!(
        "{table} index{} ({})",
        if unique { " unique" } else { "" },
        columns.join(", ")
    )
}

#[cfg(test)]
mod order_tests {
    use super::referenced_first;

    #[test]
    fn tables_come_after_the_tables_they_refer_to() {
        let created = ["sites", "columns", "media", "workflows"]
            .map(String::from)
            .to_vec();
        let refs = [
            ("columns", "sites"),
            ("columns", "columns"),
            ("columns", "media"),
            ("columns", "workflows"),
            ("media", "sites"),
            ("workflows", "sites"),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()));
        assert_eq!(
            referenced_first(created, &refs),
            ["sites", "media", "workflows", "columns"]
        );
    }
}
