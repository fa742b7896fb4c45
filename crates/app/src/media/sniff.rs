//! What an upload is, decided from its bytes (never from its name): the
//! image, attachment and video types the portal accepts. Scripts, markup
//! and executables are refused whatever they are called.

use dangjian_domain::Invalid;
use dangjian_domain::media::MediaKind;

/// An accepted type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sniffed {
    pub kind: MediaKind,
    pub mime: &'static str,
    pub ext: &'static str,
}

const fn sniffed(kind: MediaKind, mime: &'static str, ext: &'static str) -> Sniffed {
    Sniffed { kind, mime, ext }
}

const ACCEPTED: [Sniffed; 14] = [
    sniffed(MediaKind::Image, "image/jpeg", "jpg"),
    sniffed(MediaKind::Image, "image/png", "png"),
    sniffed(MediaKind::Image, "image/webp", "webp"),
    sniffed(MediaKind::Image, "image/gif", "gif"),
    sniffed(MediaKind::Attachment, "application/pdf", "pdf"),
    sniffed(MediaKind::Attachment, "application/msword", "doc"),
    sniffed(MediaKind::Attachment, "application/vnd.ms-excel", "xls"),
    sniffed(
        MediaKind::Attachment,
        "application/vnd.ms-powerpoint",
        "ppt",
    ),
    sniffed(
        MediaKind::Attachment,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    sniffed(
        MediaKind::Attachment,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    sniffed(
        MediaKind::Attachment,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
    sniffed(MediaKind::Attachment, "application/zip", "zip"),
    sniffed(MediaKind::Video, "video/mp4", "mp4"),
    sniffed(MediaKind::Video, "video/webm", "webm"),
];

/// An OLE compound file (doc/xls/ppt, and WPS documents) not told apart
/// further by its bytes.
const OLE: Sniffed = sniffed(MediaKind::Attachment, "application/x-ole-storage", "wps");
const OLE_MAGIC: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const OFD: Sniffed = sniffed(MediaKind::Attachment, "application/ofd", "ofd");
const TEXT: Sniffed = sniffed(MediaKind::Attachment, "text/plain; charset=utf-8", "txt");
const GB_TEXT: Sniffed = sniffed(MediaKind::Attachment, "text/plain; charset=gb18030", "txt");

/// The file extension used for a stored MIME type.
pub fn ext_for_mime(mime: &str) -> &'static str {
    [OLE, OFD, TEXT, GB_TEXT]
        .iter()
        .chain(ACCEPTED.iter())
        .find(|s| s.mime == mime)
        .map_or("bin", |s| s.ext)
}

/// Decides the type of `bytes`, or refuses them with a message key.
pub fn sniff(bytes: &[u8]) -> Result<Sniffed, Invalid> {
    if bytes.is_empty() {
        return Err(refused("media.error.empty"));
    }
    if let Some(found) = infer::get(bytes) {
        if found.matcher_type() == infer::MatcherType::Text {
            // HTML, XML, shell scripts: text to check as text.
            return text(bytes);
        }
        let mime = found.mime_type();
        if let Some(accepted) = ACCEPTED.iter().find(|s| s.mime == mime) {
            return Ok(if accepted.ext == "zip" && is_ofd(bytes) {
                OFD
            } else {
                *accepted
            });
        }
        if bytes.starts_with(OLE_MAGIC) {
            return Ok(OLE);
        }
        return Err(refused("media.error.type"));
    }
    if bytes.starts_with(OLE_MAGIC) {
        return Ok(OLE);
    }
    text(bytes)
}

fn refused(code: &str) -> Invalid {
    Invalid::one("file", code)
}

/// An OFD document (GB/T 33190) is a zip whose root holds `OFD.xml`.
fn is_ofd(bytes: &[u8]) -> bool {
    bytes.windows(7).take(64 * 1024).any(|w| w == b"OFD.xml")
}

/// Plain text (UTF-8 or GB18030), but never markup or a script, which a
/// browser or a shell could run.
fn text(bytes: &[u8]) -> Result<Sniffed, Invalid> {
    let (decoded, sniffed) = match std::str::from_utf8(bytes) {
        Ok(text) => (text.to_owned(), TEXT),
        Err(_) => {
            match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
                Some(text) => (text.into_owned(), GB_TEXT),
                None => return Err(refused("media.error.type")),
            }
        }
    };
    let control = decoded
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{c}'));
    if control {
        return Err(refused("media.error.type"));
    }
    if looks_like_code(&decoded) {
        return Err(refused("media.error.script"));
    }
    Ok(sniffed)
}

fn looks_like_code(text: &str) -> bool {
    let head: String = text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .chars()
        .take(512)
        .collect::<String>()
        .to_ascii_lowercase();
    if head.starts_with("#!") || head.starts_with('<') {
        return true;
    }
    let lower = text.to_ascii_lowercase();
    [
        "<script",
        "<?php",
        "<%",
        "<html",
        "<svg",
        "<iframe",
        "javascript:",
    ]
    .iter()
    .any(|needle| lower.contains(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_bytes() {
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13];
        assert_eq!(sniff(&png).unwrap().mime, "image/png");
        assert_eq!(sniff(b"%PDF-1.7\n...").unwrap().ext, "pdf");
        assert_eq!(sniff("通知：明天开会。\n".as_bytes()).unwrap().ext, "txt");
        let (gb, _, _) = encoding_rs::GB18030.encode("组织部通知");
        assert_eq!(sniff(&gb).unwrap(), GB_TEXT);
        let mut ole = OLE_MAGIC.to_vec();
        ole.extend([0u8; 600]);
        assert_eq!(sniff(&ole).unwrap().kind, MediaKind::Attachment);
    }

    #[test]
    fn scripts_and_unknown_binaries_are_refused() {
        let err = sniff(b"<script>alert(1)</script>").unwrap_err();
        assert_eq!(err.code_for("file"), Some("media.error.script"));
        assert!(sniff(b"#!/bin/sh\nrm -rf /\n").is_err());
        assert!(sniff(b"MZ\x90\x00\x03\x00\x00\x00").is_err());
        assert!(sniff(b"\x00\x01\x02\x03").is_err());
        assert!(sniff(b"").is_err());
    }
}
