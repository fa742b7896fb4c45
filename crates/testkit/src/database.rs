//! A fresh, empty database for one test: a SQLite file in a temporary
//! directory, or — when `DANGJIAN_TEST_DATABASE_URL` is set — a schema of
//! its own in that PostgreSQL database, dropped again when the test ends.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sqlx::{AnyConnection, AssertSqlSafe, Connection, Executor};
use tempfile::TempDir;

/// The variable that switches the tests to PostgreSQL.
pub const DATABASE_URL_VAR: &str = "DANGJIAN_TEST_DATABASE_URL";

/// Random lowercase hex (for schema names and passwords), without a
/// dependency on a random number crate.
pub fn random_hex(bytes: usize) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut out = String::new();
    while out.len() < bytes * 2 {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));
        hasher.write_u32(std::process::id());
        hasher.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap_or_default()
                .as_nanos(),
        );
        out.push_str(&format!("{:016x}", hasher.finish()));
    }
    out.truncate(bytes * 2);
    out
}

/// A database for one test. Keep it alive as long as the test uses it.
pub struct TestDatabase {
    /// The URL to open the database with (`App::open`, `--database-url`).
    pub url: String,
    /// A temporary directory: the SQLite file lives here; usable as a data
    /// directory either way.
    pub dir: TempDir,
    /// The PostgreSQL schema, when running against PostgreSQL.
    pub pg: Option<PgSchema>,
}

impl TestDatabase {
    /// Creates the database. Panics if `DANGJIAN_TEST_DATABASE_URL` is set
    /// but PostgreSQL cannot be reached: a CI run must never silently fall
    /// back to SQLite.
    pub async fn create() -> TestDatabase {
        let dir = tempfile::tempdir().expect("create a temporary directory");
        match std::env::var(DATABASE_URL_VAR)
            .ok()
            .filter(|v| !v.trim().is_empty())
        {
            Some(base) => {
                let pg = PgSchema::create(base.trim()).await;
                TestDatabase {
                    url: pg.url.clone(),
                    dir,
                    pg: Some(pg),
                }
            }
            None => {
                let path = dir.path().join("dangjian.db");
                TestDatabase {
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    dir,
                    pg: None,
                }
            }
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.pg.is_some()
    }
}

/// Whether the tests run against PostgreSQL.
pub fn postgres_requested() -> bool {
    std::env::var(DATABASE_URL_VAR).is_ok_and(|v| !v.trim().is_empty())
}

/// A schema `t_<hex>` of its own in the PostgreSQL database, dropped with
/// everything in it when this value is dropped.
pub struct PgSchema {
    /// The database URL as given in `DANGJIAN_TEST_DATABASE_URL`.
    pub base_url: String,
    /// The schema's name.
    pub schema: String,
    /// The base URL with `options=-c search_path=<schema>`: every connection
    /// opened with it creates and finds its tables in the schema.
    pub url: String,
}

/// `url` with `options=-c search_path=<schema>` added to its query.
pub fn with_search_path(url: &str, schema: &str) -> String {
    let separator = if url.contains('?') { '&' } else { '?' };
    format!("{url}{separator}options=-c%20search_path%3D{schema}")
}

/// One connection to the database of `DANGJIAN_TEST_DATABASE_URL`, for
/// creating and dropping schemas.
async fn admin_connection(base_url: &str) -> Result<AnyConnection, sqlx::Error> {
    sqlx::any::install_default_drivers();
    match tokio::time::timeout(Duration::from_secs(10), AnyConnection::connect(base_url)).await {
        Ok(result) => result,
        Err(_) => Err(sqlx::Error::PoolTimedOut),
    }
}

impl PgSchema {
    /// Creates the schema; panics with a clear message if PostgreSQL is
    /// unreachable.
    pub async fn create(base_url: &str) -> PgSchema {
        let mut conn = match admin_connection(base_url).await {
            Ok(conn) => conn,
            Err(error) => panic!(
                "{DATABASE_URL_VAR} is set to {base_url:?} but PostgreSQL cannot be reached: {error}. \
                 Start PostgreSQL or unset the variable to test on SQLite."
            ),
        };
        let schema = format!("t_{}", random_hex(8));
        conn.execute(AssertSqlSafe(format!("CREATE SCHEMA {schema}")))
            .await
            .unwrap_or_else(|e| panic!("cannot create schema {schema} in {base_url:?}: {e}"));
        let _ = conn.close().await;
        PgSchema {
            base_url: base_url.to_owned(),
            url: with_search_path(base_url, &schema),
            schema,
        }
    }
}

async fn drop_schema(base_url: &str, schema: &str) -> Result<(), sqlx::Error> {
    let mut conn = admin_connection(base_url).await?;
    conn.execute("SET lock_timeout = '10s'").await?;
    conn.execute(AssertSqlSafe(format!(
        "DROP SCHEMA IF EXISTS {schema} CASCADE"
    )))
    .await?;
    conn.close().await?;
    Ok(())
}

impl Drop for PgSchema {
    fn drop(&mut self) {
        let base_url = self.base_url.clone();
        let schema = self.schema.clone();
        let name = schema.clone();
        // A runtime of its own on a thread of its own: this may run inside
        // the test's runtime, which must not be blocked on itself.
        let cleanup = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime
                .block_on(drop_schema(&base_url, &schema))
                .map_err(std::io::Error::other)
        });
        match cleanup.join() {
            Ok(Ok(())) => {}
            Ok(Err(error)) => eprintln!("warning: could not drop test schema {name}: {error}"),
            Err(_) => eprintln!("warning: the cleanup of test schema {name} panicked"),
        }
    }
}
