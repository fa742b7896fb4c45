//! The only place with SQL. One code base for SQLite (the embedded default)
//! and PostgreSQL (scale-out): queries are written once in the SQL both
//! understand and run through sqlx's `Any` driver; the few dialect differences
//! (primary keys, locks, triggers) live in `migrate` and `Backend`.
//!
//! Every function takes a `&mut Conn`: a pooled connection for reads
//! (`Store::read`) or a transaction for writes (`Store::write`), so the same
//! query serves both and a use case composes several in one transaction.

pub mod articles;
pub mod audit;
pub mod backup;
pub mod columns;
mod error;
pub mod grants;
pub mod logins;
pub mod mail;
pub mod mailbox;
pub mod media;
pub mod migrate;
pub mod notices;
pub mod org;
mod pool;
pub mod qa;
pub mod review;
pub mod revisions;
pub mod schema;
pub mod search;
pub mod search_compare;
pub mod sessions;
pub mod settings;
pub mod users;
pub mod visits;

pub use error::StoreError;
pub use pool::{Backend, Store, StoreOptions};

/// A database connection or transaction, whichever backend is behind it.
pub type Conn = sqlx::AnyConnection;
/// A transaction; dereferences to a `Conn`. Dropped without `commit`, it
/// rolls back.
pub struct Tx(sqlx::Transaction<'static, sqlx::Any>);

impl Tx {
    pub async fn commit(self) -> Result<()> {
        Ok(self.0.commit().await?)
    }

    pub async fn rollback(self) -> Result<()> {
        Ok(self.0.rollback().await?)
    }
}

impl std::ops::Deref for Tx {
    type Target = Conn;

    fn deref(&self) -> &Conn {
        &self.0
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.0
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Reads a 0/1 flag column.
pub(crate) fn flag(value: i64) -> bool {
    value != 0
}
