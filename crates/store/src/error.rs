use thiserror::Error;

/// What can go wrong in the store, as the layers above need to tell apart.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A uniqueness or reference constraint refused the change.
    #[error("conflict with existing data ({0})")]
    Conflict(String),
    #[error("cannot open the database: {0}")]
    Connect(String),
    #[error("migration {version} failed: {message}")]
    Migration { version: i64, message: String },
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
}

impl From<sqlx::Error> for StoreError {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) => {
                use sqlx::error::ErrorKind;
                match db.kind() {
                    ErrorKind::UniqueViolation | ErrorKind::ForeignKeyViolation => {
                        StoreError::Conflict(db.message().to_owned())
                    }
                    _ => StoreError::Database(error),
                }
            }
            _ => StoreError::Database(error),
        }
    }
}
