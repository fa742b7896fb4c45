//! Plain text: UTF-8 (with or without BOM), UTF-16 with BOM, and legacy
//! encodings such as GBK/GB18030 guessed by `chardetng`.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{CoderResult, Encoding, UTF_8};

use crate::sink::TextSink;

/// How much of the input the encoding detector looks at.
const DETECT_PREFIX: usize = 1 << 20;

/// Input is decoded in chunks of this size so a long file stops decoding as
/// soon as the character limit is reached.
const CHUNK: usize = 64 * 1024;

/// Decodes `bytes` into `sink`. Decoding never fails: malformed sequences
/// become U+FFFD.
pub(crate) fn extract(bytes: &[u8], sink: &mut TextSink) {
    let encoding = detect_encoding(bytes);
    // The decoder strips a BOM of its own encoding.
    let mut decoder = encoding.new_decoder_with_bom_removal();
    let mut out = String::new();
    let mut chunks = bytes.chunks(CHUNK).peekable();
    while let Some(chunk) = chunks.next() {
        let last = chunks.peek().is_none();
        out.clear();
        out.reserve(
            decoder
                .max_utf8_buffer_length(chunk.len())
                .unwrap_or(chunk.len() * 3),
        );
        let (result, _, _) = decoder.decode_to_string(chunk, &mut out, last);
        debug_assert_eq!(result, CoderResult::InputEmpty);
        if sink.push_str(&out).is_err() {
            return;
        }
    }
}

/// A BOM wins; then valid UTF-8; then `chardetng`'s guess, biased towards
/// Chinese legacy encodings (GBK) with the `.cn` top-level-domain hint.
pub(crate) fn detect_encoding(bytes: &[u8]) -> &'static Encoding {
    if let Some((encoding, _)) = Encoding::for_bom(bytes) {
        return encoding;
    }
    if Encoding::utf8_valid_up_to(bytes) == bytes.len() {
        return UTF_8;
    }
    let prefix = &bytes[..bytes.len().min(DETECT_PREFIX)];
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(prefix, prefix.len() == bytes.len());
    detector.guess(Some(b"cn"), Utf8Detection::Allow)
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{GBK, UTF_16BE, UTF_16LE};

    #[test]
    fn detects_boms_utf8_and_gbk() {
        assert_eq!(detect_encoding(b"\xEF\xBB\xBFabc"), UTF_8);
        assert_eq!(detect_encoding(b"\xFF\xFEa\0"), UTF_16LE);
        assert_eq!(detect_encoding(b"\xFE\xFF\0a"), UTF_16BE);
        assert_eq!(detect_encoding("党建".as_bytes()), UTF_8);
        let (gbk, _, _) = GBK.encode("关于开展主题党日活动的通知，请各党支部认真组织。");
        assert_eq!(detect_encoding(&gbk), GBK);
    }

    #[test]
    fn a_character_split_across_chunks_survives() {
        let text = "党".repeat(CHUNK); // 3 bytes each: chunk borders fall inside
        let mut sink = TextSink::new(usize::MAX);
        extract(text.as_bytes(), &mut sink);
        assert_eq!(sink.finish().0, text);
    }
}
