//! PDF through `pdf-extract` (built on `lopdf`), which maps CID fonts through
//! their ToUnicode CMaps and lays text out in lines.
//!
//! `pdf-extract` trusts its input: it panics on many odd files and recurses
//! without bounds on some. So the document is loaded with a bound on what
//! lopdf inflates ([`load`]), then checked and trimmed ([`guard`],
//! [`forms`]); extraction runs on a thread of its own with a known stack
//! size, and any panic becomes an error.

mod forms;
mod guard;
mod load;

use std::fmt;

use pdf_extract::{ConvertToFmt, Document, PlainTextOutput};

use crate::Limits;
use crate::error::{ExtractError, Format, catch_panic};
use crate::sink::TextSink;

/// Stack of the extraction thread: deep enough for the nesting `guard` and
/// `forms` allow, whatever thread the caller runs on (async runtimes use
/// small stacks).
const STACK_SIZE: usize = 16 << 20;

pub(crate) fn extract(
    bytes: &[u8],
    limits: &Limits,
    sink: &mut TextSink,
) -> Result<(), ExtractError> {
    let on_thread = std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("pdf-extract".to_owned())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, || guarded(bytes, limits, sink))
            .ok()
            .map(|handle| {
                handle.join().unwrap_or_else(|payload| {
                    Err(ExtractError::panic(Format::Pdf, payload.as_ref()))
                })
            })
    });
    // No thread to be had: run here rather than fail.
    on_thread.unwrap_or_else(|| guarded(bytes, limits, sink))
}

fn guarded(bytes: &[u8], limits: &Limits, sink: &mut TextSink) -> Result<(), ExtractError> {
    catch_panic(Format::Pdf, || extract_here(bytes, limits, sink))
}

fn extract_here(bytes: &[u8], limits: &Limits, sink: &mut TextSink) -> Result<(), ExtractError> {
    let mut doc = load::load(bytes, limits.max_unzipped_bytes)?;
    decrypt(&mut doc)?;
    guard::strip_unused_streams(&mut doc);
    guard::check_stream_sizes(&doc, limits.max_unzipped_bytes)?;
    guard::check_pages(&mut doc)?;
    let pages_cut = forms::limit_work(&mut doc, limits.max_unzipped_bytes)?;

    let result = {
        let mut output = PlainTextOutput::new(SinkWriter(sink));
        pdf_extract::output_doc(&doc, &mut output)
    };
    match result {
        Ok(()) => {}
        // The sink refused more text: that is the character limit, not an error.
        Err(_) if sink.is_full() => return Ok(()),
        Err(e) => return Err(malformed(e)),
    }
    if pages_cut {
        sink.mark_truncated();
    }
    Ok(())
}

/// Opens a document encrypted with an empty user password (restrictions
/// only, as is common); anything else needs a password we do not have.
fn decrypt(doc: &mut Document) -> Result<(), ExtractError> {
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(ExtractError::Encrypted {
            format: Format::Pdf,
        });
    }
    Ok(())
}

fn malformed(e: impl fmt::Display) -> ExtractError {
    ExtractError::malformed(Format::Pdf, e)
}

/// Lets `PlainTextOutput` write into the sink; a full sink fails the write,
/// which stops `pdf-extract` at once.
struct SinkWriter<'a>(&'a mut TextSink);

impl fmt::Write for SinkWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.push_str(s).map_err(|_| fmt::Error)
    }
}

impl ConvertToFmt for SinkWriter<'_> {
    type Writer = Self;

    fn convert(self) -> Self {
        self
    }
}
