//! Plain text from uploaded attachments, for the search index.
//!
//! [`extract_text`] takes the file's bytes and name and returns normalised
//! text: PDF (`pdf-extract`), DOCX (ZIP + `quick-xml`), XLSX (`calamine`) and
//! plain text in UTF-8, UTF-16 with BOM or a legacy encoding such as
//! GBK/GB18030 (`chardetng` + `encoding_rs`). The format is sniffed from the
//! content; the extension only decides when the content says nothing.
//! Everything else is [`ExtractError::Unsupported`].
//!
//! Hostile input is expected: ZIP entries are inflated through a byte budget,
//! PDFs are checked for decompression bombs, recursive or explosive form
//! XObjects and page-tree cycles before extraction, and a parser panic is
//! caught and returned as [`ExtractError::ParserPanic`] (this needs the
//! default `panic = "unwind"`). The function is synchronous and CPU-bound:
//! call it from a blocking thread (`tokio::task::spawn_blocking`).
//!
//! Known gaps: scanned PDFs give no text (no OCR); PDFs whose
//! cross-reference table is damaged are not repaired (lopdf cannot); PDF
//! streams under LZW or filter chains other than plain FlateDecode, and the
//! object streams of encrypted PDFs, are not measured against the budget;
//! UTF-16 without a BOM is read as a legacy encoding; legacy `.doc`/`.xls`,
//! `.wps`/`.et`, `.pptx` and OpenDocument files are unsupported.

mod docx;
mod error;
mod pdf;
mod sink;
mod sniff;
mod text;
mod xlsx;
mod zipguard;

pub use error::{ExtractError, Format};

use error::catch_panic;
use sink::TextSink;

/// Bounds on the work done for one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Most characters of text returned; the rest is dropped and
    /// [`Extracted::truncated`] is set. Extraction stops when it is reached.
    pub max_chars: usize,
    /// Most bytes decompressed from one file. For DOCX and XLSX, the ZIP
    /// entries read; over it is [`ExtractError::TooLarge`]. For PDF, both the
    /// FlateDecode streams, object streams included (over it is `TooLarge`),
    /// and the content-stream bytes parsed, counting repeats (pages past it
    /// are skipped and the result is marked truncated).
    pub max_unzipped_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_chars: 200_000,
            max_unzipped_bytes: 64 * 1024 * 1024,
        }
    }
}

/// The text of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// Whitespace-normalised text: runs of spaces collapsed, lines kept,
    /// paragraphs separated by one blank line, table cells by tabs, control
    /// characters removed. Spaces between two Chinese characters are dropped,
    /// and in PDFs so are single line breaks between them (PDF lines are
    /// visual: a paragraph wraps inside words), so that the index sees whole
    /// words. May be empty (e.g. a scanned PDF).
    pub text: String,
    /// True if text was left out because of a limit.
    pub truncated: bool,
    /// The format the file was read as.
    pub format: Format,
}

/// Extracts the plain text of an uploaded file.
///
/// `file_name` is only used for its extension, as a hint when the content
/// itself is not recognised (plain text has no signature).
pub fn extract_text(
    bytes: &[u8],
    file_name: &str,
    limits: &Limits,
) -> Result<Extracted, ExtractError> {
    let format = sniff::detect(bytes, file_name)?;
    let mut sink = TextSink::new(limits.max_chars);
    if format == Format::Pdf {
        sink = sink.joining_han_lines();
    }
    match format {
        Format::Pdf => pdf::extract(bytes, limits, &mut sink)?,
        Format::Docx => catch_panic(format, || docx::extract(bytes, limits, &mut sink))?,
        Format::Xlsx => catch_panic(format, || xlsx::extract(bytes, limits, &mut sink))?,
        Format::Text => text::extract(bytes, &mut sink),
    }
    let (text, truncated) = sink.finish();
    Ok(Extracted {
        text,
        truncated,
        format,
    })
}
