//! The one error type of this crate.

use std::any::Any;
use std::fmt;

/// The formats this crate can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Pdf,
    Docx,
    Xlsx,
    /// Plain text: `.txt`, `.text`, `.csv`, `.tsv`, `.md`, `.markdown`.
    Text,
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Pdf => "PDF",
            Format::Docx => "DOCX",
            Format::Xlsx => "XLSX",
            Format::Text => "text",
        })
    }
}

/// Why no text could be extracted.
///
/// Every variant is safe to log and skip: none of them means the process is in
/// a bad state.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExtractError {
    /// The file is of a kind this crate does not read (an image, a video, a
    /// legacy binary `.doc`/`.xls`/`.wps`, a ZIP that is not DOCX/XLSX, ...).
    /// `what` names the sniffed MIME type and/or the extension.
    #[error("unsupported file type: {what}")]
    Unsupported { what: String },

    /// The file claims (by content or extension) to be `format` but could not
    /// be parsed as such.
    #[error("malformed {format} file: {reason}")]
    Malformed { format: Format, reason: String },

    /// Decompressing the file would exceed `Limits::max_unzipped_bytes`
    /// (a ZIP bomb, or a PDF with a huge compressed stream).
    #[error("{format} file decompresses to more than {limit} bytes")]
    TooLarge { format: Format, limit: u64 },

    /// The file is encrypted and cannot be opened without a password.
    #[error("encrypted {format} file")]
    Encrypted { format: Format },

    /// A parser panicked on this file; the panic was caught.
    #[error("the {format} parser failed on this file: {message}")]
    ParserPanic { format: Format, message: String },
}

impl ExtractError {
    pub(crate) fn malformed(format: Format, reason: impl fmt::Display) -> Self {
        ExtractError::Malformed {
            format,
            reason: reason.to_string(),
        }
    }

    pub(crate) fn panic(format: Format, payload: &(dyn Any + Send)) -> Self {
        let message = if let Some(s) = payload.downcast_ref::<&str>() {
            (*s).to_owned()
        } else if let Some(s) = payload.downcast_ref::<String>() {
            s.clone()
        } else {
            "panic with a non-string payload".to_owned()
        };
        ExtractError::ParserPanic { format, message }
    }
}

/// Runs `f`, turning a panic into [`ExtractError::ParserPanic`].
///
/// Third-party parsers (PDF above all) may panic on odd input. This needs the
/// default `panic = "unwind"`; the default panic hook still prints the message
/// to stderr.
pub(crate) fn catch_panic<T>(
    format: Format,
    f: impl FnOnce() -> Result<T, ExtractError>,
) -> Result<T, ExtractError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .unwrap_or_else(|payload| Err(ExtractError::panic(format, payload.as_ref())))
}
