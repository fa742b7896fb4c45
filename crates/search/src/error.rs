//! The crate's single error type.

use std::path::PathBuf;

/// Everything that can go wrong in the search engine.
///
/// Odd user input is never an error: a query that cannot match anything
/// simply returns no hits. These variants are about the index itself.
#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    /// Reading or writing the index directory failed.
    #[error("search index I/O at {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// tantivy refused an operation (corrupt files, lock held, ...).
    #[error("search engine: {0}")]
    Engine(#[from] tantivy::TantivyError),
    /// The directory holds something that is not one of our indexes.
    #[error("search index at {path} is not usable: {reason}")]
    Layout { path: PathBuf, reason: String },
    /// A stored document could not be decoded (written by another version).
    #[error("stored search document is damaged: {0}")]
    Stored(String),
    /// A rebuild swapped generations while writes were uncommitted; they
    /// were dropped with the old generation. Resume feeding after
    /// `last_change_seq()`.
    #[error(
        "the search index was rebuilt before pending writes were committed; resume from last_change_seq()"
    )]
    Superseded,
    /// A rebuild is already running; only one may run at a time.
    #[error("a search index rebuild is already running")]
    RebuildRunning,
}

impl SearchError {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        SearchError::Io {
            path: path.into(),
            source,
        }
    }
}

/// Result alias for this crate.
pub type Result<T, E = SearchError> = std::result::Result<T, E>;
