//! Checks and repairs on a loaded PDF before `pdf-extract` sees it.

use std::collections::HashSet;
use std::io::Read;

use flate2::read::{DeflateDecoder, ZlibDecoder};
use pdf_extract::{Dictionary, Document, Object, ObjectId, Stream};

use crate::error::{ExtractError, Format};

/// How many `/Parent` links a page may have above it (lopdf's own limit).
const MAX_PAGE_TREE_DEPTH: usize = 256;

/// How deep `icc_profiles` looks into nested arrays and dictionaries.
const MAX_OBJECT_DEPTH: usize = 64;

/// Used when a page has no usable `/MediaBox` (`pdf-extract` would panic):
/// A4 in points.
const DEFAULT_MEDIA_BOX: [i64; 4] = [0, 0, 595, 842];

/// Empties streams that text extraction never needs: images (which
/// `pdf-extract` would otherwise parse as content streams when a page paints
/// them), embedded files, XMP metadata, cross-reference and object streams
/// (already parsed by the loader), TrueType/OpenType font programs and ICC
/// profiles (which `pdf-extract` inflates again for every page or colour
/// change, then ignores). Type 1 and CFF font programs are kept: their
/// built-in encodings matter.
pub(super) fn strip_unused_streams(doc: &mut Document) {
    let unused = unused_by_reference(doc);
    for (id, object) in &mut doc.objects {
        if let Object::Stream(stream) = object
            && (unused.contains(id) || is_unused(&stream.dict))
        {
            stream.dict.remove(b"Filter");
            stream.dict.remove(b"DecodeParms");
            stream.set_content(Vec::new());
        }
    }
}

fn is_unused(dict: &Dictionary) -> bool {
    name_is(dict, b"Subtype", &[b"Image"])
        || name_is(
            dict,
            b"Type",
            &[b"EmbeddedFile", b"Metadata", b"ObjStm", b"XRef"],
        )
}

pub(super) fn name_is(dict: &Dictionary, key: &[u8], names: &[&[u8]]) -> bool {
    dict.get(key)
        .and_then(Object::as_name)
        .is_ok_and(|name| names.contains(&name))
}

/// Streams recognised by how they are referred to: font programs other than
/// Type 1 and CFF, and ICC profiles.
fn unused_by_reference(doc: &Document) -> HashSet<ObjectId> {
    let mut ids = HashSet::new();
    for object in doc.objects.values() {
        if let Object::Dictionary(dict) = object
            && name_is(dict, b"Type", &[b"FontDescriptor"])
        {
            unused_font_files(doc, dict, &mut ids);
        }
        icc_profiles(object, 0, &mut ids);
    }
    ids
}

fn unused_font_files(doc: &Document, descriptor: &Dictionary, ids: &mut HashSet<ObjectId>) {
    if let Ok(id) = descriptor.get(b"FontFile2").and_then(Object::as_reference) {
        ids.insert(id);
    }
    if let Ok(id) = descriptor.get(b"FontFile3").and_then(Object::as_reference) {
        let is_cff = doc
            .get_object(id)
            .and_then(Object::as_stream)
            .is_ok_and(|s| name_is(&s.dict, b"Subtype", &[b"Type1C"]));
        if !is_cff {
            ids.insert(id);
        }
    }
}

/// Collects `N 0 R` from every `[/ICCBased N 0 R]` inside `object`.
fn icc_profiles(object: &Object, depth: usize, ids: &mut HashSet<ObjectId>) {
    if depth > MAX_OBJECT_DEPTH {
        return;
    }
    match object {
        Object::Array(items) => {
            if let [Object::Name(name), Object::Reference(id), ..] = items.as_slice()
                && name.as_slice() == b"ICCBased"
            {
                ids.insert(*id);
            }
            for item in items {
                icc_profiles(item, depth + 1, ids);
            }
        }
        Object::Dictionary(dict) => {
            for (_, value) in dict.iter() {
                icc_profiles(value, depth + 1, ids);
            }
        }
        Object::Stream(stream) => {
            for (_, value) in stream.dict.iter() {
                icc_profiles(value, depth + 1, ids);
            }
        }
        _ => {}
    }
}

/// Refuses a document whose FlateDecode streams inflate, all together, to
/// more than `limit` bytes. Each stream is inflated through a `take`, so the
/// check itself is bounded. (Streams under other filter chains are left to
/// lopdf: see the crate docs.)
pub(super) fn check_stream_sizes(doc: &Document, limit: u64) -> Result<(), ExtractError> {
    let mut total: u64 = 0;
    for object in doc.objects.values() {
        let Object::Stream(stream) = object else {
            continue;
        };
        if !is_flate_only(stream) {
            continue;
        }
        total = total.saturating_add(inflated_len(
            &stream.content,
            (limit - total).saturating_add(1),
        ));
        if total > limit {
            return Err(ExtractError::TooLarge {
                format: Format::Pdf,
                limit,
            });
        }
    }
    Ok(())
}

pub(super) fn is_flate_only(stream: &Stream) -> bool {
    stream
        .filters()
        .is_ok_and(|filters| !filters.is_empty() && filters.iter().all(|f| *f == b"FlateDecode"))
}

/// Bytes the stream inflates to, counting at most `cap`. Mirrors lopdf:
/// zlib first, raw deflate after the two header bytes when zlib yields nothing.
pub(super) fn inflated_len(data: &[u8], cap: u64) -> u64 {
    let zlib = count_read(ZlibDecoder::new(data), cap);
    if zlib > 0 || data.len() <= 2 {
        return zlib;
    }
    count_read(DeflateDecoder::new(&data[2..]), cap)
}

/// Bytes `reader` yields before its end, an error, or `cap`.
fn count_read(reader: impl Read, cap: u64) -> u64 {
    let mut limited = reader.take(cap);
    let mut buf = [0u8; 16 * 1024];
    let mut total = 0u64;
    while let Ok(n @ 1..) = limited.read(&mut buf) {
        total += n as u64;
    }
    total
}

/// Makes every page safe for `pdf-extract`'s walk up the page tree (which
/// recurses without a bound): refuses `/Parent` cycles and over-deep trees,
/// and gives a page without a usable `/MediaBox` a default one.
pub(super) fn check_pages(doc: &mut Document) -> Result<(), ExtractError> {
    let mut missing_box = Vec::new();
    for page_id in doc.get_pages().into_values() {
        if !has_inherited_media_box(doc, page_id)? {
            missing_box.push(page_id);
        }
    }
    for page_id in missing_box {
        if let Ok(page) = doc.get_dictionary_mut(page_id) {
            page.set("MediaBox", DEFAULT_MEDIA_BOX.map(Object::Integer).to_vec());
        }
    }
    Ok(())
}

/// Walks `/Parent` links from the page up, as `pdf-extract` does, looking
/// for a `/MediaBox` of at least four numbers.
fn has_inherited_media_box(doc: &Document, page_id: ObjectId) -> Result<bool, ExtractError> {
    let mut seen = HashSet::from([page_id]);
    let Ok(mut node) = doc.get_dictionary(page_id) else {
        return Ok(true); // lopdf listed it; pdf-extract will fail on it either way
    };
    loop {
        if is_media_box(doc, node) {
            return Ok(true);
        }
        let Ok(parent) = node.get(b"Parent").and_then(Object::as_reference) else {
            return Ok(false);
        };
        if !seen.insert(parent) || seen.len() > MAX_PAGE_TREE_DEPTH {
            return Err(ExtractError::malformed(
                Format::Pdf,
                "page tree has a /Parent cycle or is too deep",
            ));
        }
        let Ok(next) = doc.get_dictionary(parent) else {
            return Ok(false);
        };
        node = next;
    }
}

fn is_media_box(doc: &Document, dict: &Dictionary) -> bool {
    let Ok(value) = dict.get_deref(b"MediaBox", doc) else {
        return false;
    };
    value.as_array().is_ok_and(|items| {
        items.len() >= 4
            && items
                .iter()
                .all(|item| matches!(item, Object::Integer(_) | Object::Real(_)))
    })
}
