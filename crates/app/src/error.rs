use dangjian_domain::Invalid;
use dangjian_store::StoreError;
use thiserror::Error;

/// Outcomes of a use case that a person sees. Codes are message-catalog keys.
#[derive(Debug, Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    /// Not logged in, or the session ended.
    #[error("authentication required")]
    Unauthenticated,
    /// Logged in but not allowed; the code says why.
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// The change conflicts with what is stored; the code says how.
    #[error("conflict: {0}")]
    Conflict(&'static str),
    #[error("the installation has not been initialised (run `dangjian init`)")]
    NotInitialised,
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict(_) => AppError::Conflict("error.conflict"),
            other => AppError::Internal(other.to_string()),
        }
    }
}

impl AppError {
    pub fn internal(error: impl std::fmt::Display) -> Self {
        AppError::Internal(error.to_string())
    }
}
