//! Loading a PDF with lopdf while bounding the object streams it inflates.
//!
//! lopdf expands object streams (`/Type /ObjStm`, PDF 1.5+) while it loads,
//! before we see the document. Its load filter runs on each object first, so
//! the filter measures every FlateDecode object stream against the budget
//! and drops the ones over it; the load is then refused. The filter is a
//! plain `fn`, so the budget lives in a thread-local (lopdf is built without
//! rayon here, so the filter runs on the loading thread).

use std::cell::Cell;

use pdf_extract::{Document, LoadOptions, Object, ObjectId};

use super::guard::{inflated_len, is_flate_only, name_is};
use crate::error::{ExtractError, Format};

#[derive(Debug, Clone, Copy)]
struct Budget {
    remaining: u64,
    exceeded: bool,
}

thread_local! {
    static BUDGET: Cell<Option<Budget>> = const { Cell::new(None) };
}

/// Loads `bytes`, inflating at most `limit` bytes of object streams.
pub(super) fn load(bytes: &[u8], limit: u64) -> Result<Document, ExtractError> {
    BUDGET.set(Some(Budget {
        remaining: limit,
        exceeded: false,
    }));
    let options = LoadOptions {
        filter: Some(filter),
        ..LoadOptions::default()
    };
    let loaded = Document::load_mem_with_options(bytes, options);
    let budget = BUDGET.take();
    if budget.is_some_and(|b| b.exceeded) {
        return Err(ExtractError::TooLarge {
            format: Format::Pdf,
            limit,
        });
    }
    loaded.map_err(|e| ExtractError::malformed(Format::Pdf, e))
}

/// lopdf's load filter: keeps an object unless it is an object stream over
/// the budget. Image data is dropped on the way in (it is never needed and
/// is often most of the file).
fn filter(id: ObjectId, object: &mut Object) -> Option<(ObjectId, Object)> {
    if let Object::Stream(stream) = object {
        if stream.dict.has_type(b"ObjStm") && is_flate_only(stream) && !spend(&stream.content) {
            return None;
        }
        if name_is(&stream.dict, b"Subtype", &[b"Image"]) {
            stream.dict.remove(b"Filter");
            stream.dict.remove(b"DecodeParms");
            stream.set_content(Vec::new());
        }
    }
    // lopdf keeps `object` itself for top-level objects but takes the
    // returned one for objects inside object streams: return a copy.
    Some((id, object.clone()))
}

/// Takes the inflated size of `deflated` from the budget; false once over it.
fn spend(deflated: &[u8]) -> bool {
    let Some(mut budget) = BUDGET.get() else {
        return true; // not loading through `load`
    };
    let used = inflated_len(deflated, budget.remaining.saturating_add(1));
    match budget.remaining.checked_sub(used) {
        Some(left) => budget.remaining = left,
        None => budget.exceeded = true,
    }
    BUDGET.set(Some(budget));
    !budget.exceeded
}
