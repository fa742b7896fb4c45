//! The crate's single error type.

/// Why a document could not be produced.
///
/// Input problems are reported before any bytes are written, so a caller can
/// show them to the user; the packaging variants only occur on internal bugs.
#[derive(Debug, thiserror::Error)]
pub enum OfficeDocError {
    /// A field the standard requires (issuer mark, title, signer, …) is blank.
    #[error("required field `{0}` is empty")]
    EmptyField(&'static str),
    /// A table has no header, so its column count is unknown.
    #[error("table has no columns")]
    NoColumns,
    /// A row's length differs from the header's.
    #[error("table row {row} has {found} cells but the header has {expected}")]
    RaggedRow {
        row: usize,
        expected: usize,
        found: usize,
    },
    /// NaN or infinity cannot be printed in a document nor stored in XLSX.
    #[error("cell in row {row}, column {column} is not a finite number")]
    NonFiniteNumber { row: usize, column: usize },
    /// docx-rs failed to write the ZIP package. Boxed so the public type does
    /// not pin docx-rs's private zip version.
    #[error("DOCX packaging failed: {0}")]
    Docx(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// rust_xlsxwriter rejected the sheet (e.g. an invalid sheet name).
    #[error("XLSX generation failed: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
}
