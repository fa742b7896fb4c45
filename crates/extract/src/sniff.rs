//! Deciding the format: content first, the file name's extension as a hint.

use crate::error::{ExtractError, Format, catch_panic};
use crate::zipguard;

/// Extensions read as plain text when the content does not say otherwise.
const TEXT_EXTENSIONS: &[&str] = &["txt", "text", "csv", "tsv", "md", "markdown"];

/// How far into the file a PDF header may start (as readers tolerate), unless
/// the name says it is text.
const PDF_HEADER_WINDOW: usize = 1024;

/// How much of a "text" file is checked for NUL bytes.
const BINARY_PROBE: usize = 8192;

/// The format to read `bytes` as, or why it cannot be read.
pub(crate) fn detect(bytes: &[u8], file_name: &str) -> Result<Format, ExtractError> {
    let ext = extension(file_name);
    let ext = ext.as_deref();
    let text_ext = ext.filter(|e| TEXT_EXTENSIONS.contains(e));
    // A text file may quote "%PDF-"; only a header at the very start counts.
    let window = if text_ext.is_some() {
        0
    } else {
        PDF_HEADER_WINDOW
    };
    if is_pdf(bytes, window) {
        return Ok(Format::Pdf);
    }
    if is_zip(bytes) {
        return zip_kind(bytes, ext);
    }
    if let Some(ext) = text_ext {
        return if looks_binary(bytes) {
            Err(unsupported(bytes, Some(ext)))
        } else {
            Ok(Format::Text)
        };
    }
    if infer::get(bytes).is_some() {
        return Err(unsupported(bytes, ext));
    }
    match ext {
        // Let the parser say what is wrong with it.
        Some("pdf") => Ok(Format::Pdf),
        Some("docx") => Err(ExtractError::malformed(Format::Docx, "not a ZIP archive")),
        Some("xlsx") => Err(ExtractError::malformed(Format::Xlsx, "not a ZIP archive")),
        _ => Err(unsupported(bytes, ext)),
    }
}

/// The lower-case extension of the last path component, if any.
/// Both `/` and `\` count as separators: browsers may send Windows paths.
pub(crate) fn extension(file_name: &str) -> Option<String> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let (stem, ext) = base.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty()).then(|| ext.to_ascii_lowercase())
}

/// A `%PDF-` header starting within the first `window + 1` bytes.
fn is_pdf(bytes: &[u8], window: usize) -> bool {
    let head = &bytes[..bytes.len().min(window + 5)];
    head.windows(5).any(|w| w == b"%PDF-")
}

fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

fn zip_kind(bytes: &[u8], ext: Option<&str>) -> Result<Format, ExtractError> {
    let expected = match ext {
        Some("docx") => Some(Format::Docx),
        Some("xlsx") => Some(Format::Xlsx),
        _ => None,
    };
    let format = expected.unwrap_or(Format::Docx);
    let opened = catch_panic(format, || zipguard::open(bytes, format));
    let archive = match (opened, expected) {
        (Ok(archive), _) => archive,
        (Err(e), Some(_)) => return Err(e),
        (Err(_), None) => return Err(unsupported(bytes, ext)),
    };
    if zipguard::find(&archive, "word/document.xml").is_some() {
        return Ok(Format::Docx);
    }
    if zipguard::find(&archive, "xl/workbook.xml").is_some() {
        return Ok(Format::Xlsx);
    }
    Err(match expected {
        Some(Format::Docx) => {
            ExtractError::malformed(Format::Docx, "ZIP archive without word/document.xml")
        }
        Some(format) => ExtractError::malformed(format, "ZIP archive without xl/workbook.xml"),
        None => unsupported(bytes, ext),
    })
}

/// True for content that is surely not text: NUL bytes without a UTF-16 BOM.
fn looks_binary(bytes: &[u8]) -> bool {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return false;
    }
    bytes[..bytes.len().min(BINARY_PROBE)].contains(&0)
}

fn unsupported(bytes: &[u8], ext: Option<&str>) -> ExtractError {
    let mime = infer::get(bytes).map(|t| t.mime_type());
    let what = match (mime, ext) {
        (Some(mime), Some(ext)) => format!("{mime} (.{ext})"),
        (Some(mime), None) => mime.to_owned(),
        (None, Some(ext)) => format!(".{ext}"),
        (None, None) if is_zip(bytes) => "ZIP archive".to_owned(),
        (None, None) => "unknown content without extension".to_owned(),
    };
    ExtractError::Unsupported { what }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_of_plain_and_windows_paths() {
        assert_eq!(extension("通知.PDF").as_deref(), Some("pdf"));
        assert_eq!(extension(r"C:\dir.v2\表格.xlsx").as_deref(), Some("xlsx"));
        assert_eq!(extension("a/b.c/README"), None);
        assert_eq!(extension(".bashrc"), None);
        assert_eq!(extension("name."), None);
    }

    #[test]
    fn pdf_header_may_follow_junk() {
        assert!(is_pdf(b"\xEF\xBB\xBF\n%PDF-1.4", PDF_HEADER_WINDOW));
        assert!(!is_pdf(b"\xEF\xBB\xBF\n%PDF-1.4", 0));
        assert!(is_pdf(b"%PDF-1.4", 0));
        assert!(!is_pdf(b"PDF-1.4", PDF_HEADER_WINDOW));
    }

    #[test]
    fn nul_bytes_mean_binary_unless_utf16() {
        assert!(looks_binary(b"ab\0cd"));
        assert!(!looks_binary(b"\xFF\xFEa\0b\0"));
        assert!(!looks_binary("纯文本".as_bytes()));
    }
}
