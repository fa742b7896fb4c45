use std::sync::Once;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyPool, Executor};

use crate::{Result, StoreError, Tx};

/// Which database is behind the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Recognises the backend from a database URL.
    pub fn from_url(url: &str) -> Option<Backend> {
        if url.starts_with("sqlite:") {
            Some(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Some(Backend::Postgres)
        } else {
            None
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }
}

#[derive(Debug, Clone)]
pub struct StoreOptions {
    pub url: String,
    /// Connections for readers (PostgreSQL: for everything).
    pub max_connections: u32,
}

impl StoreOptions {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            max_connections: 8,
        }
    }
}

/// The connection pools. On SQLite all writes go through one connection, so
/// writers queue inside the program instead of failing with SQLITE_BUSY; on
/// PostgreSQL readers and writers share one pool.
#[derive(Clone, Debug)]
pub struct Store {
    reader: AnyPool,
    writer: AnyPool,
    backend: Backend,
}

static DRIVERS: Once = Once::new();

const SQLITE_PRAGMAS: [&str; 4] = [
    "PRAGMA journal_mode = WAL",
    // Durable commits: a write acknowledged to a client survives power loss.
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 10000",
];

impl Store {
    /// Opens the database at `options.url` (no migrations are run here).
    pub async fn connect(options: &StoreOptions) -> Result<Store> {
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let backend = Backend::from_url(&options.url).ok_or_else(|| {
            StoreError::Connect("the URL must start with sqlite: or postgres://".into())
        })?;
        let connect_options: AnyConnectOptions = options
            .url
            .parse()
            .map_err(|e: sqlx::Error| StoreError::Connect(e.to_string()))?;
        let store = match backend {
            Backend::Sqlite => {
                let reader = sqlite_pool(options.max_connections)
                    .connect_with(connect_options.clone())
                    .await
                    .map_err(connect_error)?;
                let writer = sqlite_pool(1)
                    .connect_with(connect_options)
                    .await
                    .map_err(connect_error)?;
                Store {
                    reader,
                    writer,
                    backend,
                }
            }
            Backend::Postgres => {
                let pool = AnyPoolOptions::new()
                    .max_connections(options.max_connections)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(connect_options)
                    .await
                    .map_err(connect_error)?;
                Store {
                    reader: pool.clone(),
                    writer: pool,
                    backend,
                }
            }
        };
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A connection for reading.
    pub async fn read(&self) -> Result<PoolConnection<Any>> {
        Ok(self.reader.acquire().await?)
    }

    /// A write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`) so a transaction that reads first never fails
    /// when it later writes.
    pub async fn write(&self) -> Result<Tx> {
        let tx = match self.backend {
            Backend::Sqlite => self.writer.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.writer.begin().await?,
        };
        Ok(Tx(tx))
    }

    /// A read-only transaction that sees one consistent snapshot.
    pub async fn snapshot(&self) -> Result<Tx> {
        let tx = match self.backend {
            Backend::Sqlite => self.reader.begin().await?,
            Backend::Postgres => {
                self.reader
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await?
            }
        };
        Ok(Tx(tx))
    }

    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }
}

fn sqlite_pool(max: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                for pragma in SQLITE_PRAGMAS {
                    conn.execute(pragma).await?;
                }
                Ok(())
            })
        })
}

fn connect_error(error: sqlx::Error) -> StoreError {
    StoreError::Connect(error.to_string())
}
