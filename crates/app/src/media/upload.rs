//! Turning uploaded bytes into stored objects: type from the bytes, the
//! size limit of that type, images checked and stripped with renditions,
//! video probed with a poster. Pure work on bytes, no database.

use dangjian_domain::Invalid;
use dangjian_domain::media::{MediaKind, MediaPolicy};
use sha2::{Digest, Sha256};

use super::sniff::{self, Sniffed};
use super::{images, video};

/// One object to store, under the SHA-256 of its bytes.
#[derive(Debug, Clone)]
pub struct Object {
    pub hash: String,
    pub mime: &'static str,
    pub bytes: Vec<u8>,
}

impl Object {
    pub fn new(mime: &'static str, bytes: Vec<u8>) -> Self {
        Self {
            hash: sha256_hex(&bytes),
            mime,
            bytes,
        }
    }

    pub fn size(&self) -> i64 {
        i64::try_from(self.bytes.len()).unwrap_or(i64::MAX)
    }
}

/// A rendition object with its size.
#[derive(Debug, Clone)]
pub struct PreparedRendition {
    pub name: &'static str,
    pub width: u32,
    pub height: u32,
    pub object: Object,
}

/// Everything an upload stores.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub kind: MediaKind,
    pub original_name: String,
    pub original: Object,
    pub width: Option<u32>,
    pub height: Option<u32>,
    pub duration_ms: Option<i64>,
    pub poster: Option<Object>,
    pub renditions: Vec<PreparedRendition>,
}

impl Prepared {
    /// Every object this upload stores.
    pub fn objects(&self) -> impl Iterator<Item = &Object> {
        std::iter::once(&self.original)
            .chain(self.poster.iter())
            .chain(self.renditions.iter().map(|r| &r.object))
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The name to keep: its last path component, without control
/// characters, at most 200 characters.
pub fn clean_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    let cleaned = cleaned.trim();
    if cleaned.is_empty() || cleaned == "." || cleaned == ".." {
        "file".to_owned()
    } else {
        cleaned.to_owned()
    }
}

/// Checks and prepares an upload (blocking: CPU-bound work and, for video,
/// running ffprobe; call it off the async threads).
pub fn prepare(name: &str, bytes: Vec<u8>, policy: &MediaPolicy) -> Result<Prepared, Invalid> {
    let sniffed = sniff::sniff(&bytes)?;
    let size = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if size > policy.max_bytes(sniffed.kind) {
        return Err(Invalid::one("file", &too_large_code(sniffed.kind)));
    }
    let original_name = clean_name(name);
    match sniffed.kind {
        MediaKind::Image => prepare_image(original_name, &bytes, sniffed),
        MediaKind::Video => Ok(prepare_video(original_name, bytes, sniffed)),
        MediaKind::Attachment => Ok(plain(original_name, bytes, sniffed)),
    }
}

/// The message key of a size refusal, per kind.
pub fn too_large_code(kind: MediaKind) -> String {
    format!("media.error.too_large_{}", kind.code())
}

fn plain(original_name: String, bytes: Vec<u8>, sniffed: Sniffed) -> Prepared {
    Prepared {
        kind: sniffed.kind,
        original_name,
        original: Object::new(sniffed.mime, bytes),
        width: None,
        height: None,
        duration_ms: None,
        poster: None,
        renditions: Vec::new(),
    }
}

fn prepare_image(
    original_name: String,
    bytes: &[u8],
    sniffed: Sniffed,
) -> Result<Prepared, Invalid> {
    let processed = images::process(bytes, sniffed.mime)?;
    let renditions = processed
        .renditions
        .into_iter()
        .map(|r| PreparedRendition {
            name: r.name,
            width: r.width,
            height: r.height,
            object: Object::new("image/jpeg", r.jpeg),
        })
        .collect();
    Ok(Prepared {
        width: Some(processed.width),
        height: Some(processed.height),
        renditions,
        ..plain(original_name, processed.original, sniffed)
    })
}

fn prepare_video(original_name: String, bytes: Vec<u8>, sniffed: Sniffed) -> Prepared {
    let facts = video::probe(&bytes, sniffed.ext);
    let poster = facts.poster_jpeg.unwrap_or_else(video::generic_poster);
    Prepared {
        duration_ms: facts.duration_ms,
        poster: Some(Object::new("image/jpeg", poster)),
        ..plain(original_name, bytes, sniffed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_lose_their_paths() {
        assert_eq!(clean_name("C:\\Users\\a\\表格.xlsx"), "表格.xlsx");
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name(".."), "file");
        assert_eq!(clean_name("a\u{0}b.txt"), "ab.txt");
    }

    #[test]
    fn size_limit_is_per_kind() {
        let policy = MediaPolicy {
            max_attachment_mb: 1,
            ..MediaPolicy::default()
        };
        let big = "字".repeat(400_000).into_bytes();
        let err = prepare("big.txt", big, &policy).unwrap_err();
        assert_eq!(
            err.code_for("file"),
            Some("media.error.too_large_attachment")
        );
        let ok = prepare("small.txt", b"hello".to_vec(), &policy).expect("small");
        assert_eq!(ok.kind, MediaKind::Attachment);
        assert_eq!(ok.original.hash, sha256_hex(b"hello"));
    }
}
