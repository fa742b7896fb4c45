//! Plain text in the encodings Chinese offices produce.

use dangjian_extract::{Format, Limits, extract_text};
use encoding_rs::{GB18030, GBK, UTF_16BE, UTF_16LE};

use crate::fixtures::{BODY, TITLE};

fn read(bytes: &[u8], name: &str) -> String {
    let out = extract_text(bytes, name, &Limits::default()).unwrap();
    assert_eq!(out.format, Format::Text);
    assert!(!out.truncated);
    out.text
}

fn notice() -> String {
    format!("{TITLE}\n{BODY}\n")
}

fn expected() -> String {
    format!("{TITLE}\n{BODY}")
}

#[test]
fn utf8_with_and_without_bom() {
    assert_eq!(read(notice().as_bytes(), "通知.txt"), expected());
    let with_bom = [b"\xEF\xBB\xBF".as_slice(), notice().as_bytes()].concat();
    assert_eq!(read(&with_bom, "通知.TXT"), expected());
}

#[test]
fn utf16_with_bom_both_byte_orders() {
    for (encoding, bom) in [(UTF_16LE, [0xFF, 0xFE]), (UTF_16BE, [0xFE, 0xFF])] {
        let units: Vec<u16> = notice().encode_utf16().collect();
        let mut bytes = bom.to_vec();
        for unit in units {
            let pair = if encoding == UTF_16LE {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            };
            bytes.extend_from_slice(&pair);
        }
        assert_eq!(read(&bytes, "通知.txt"), expected(), "{}", encoding.name());
    }
}

#[test]
fn gbk_is_detected() {
    let text = notice();
    let (bytes, _, unmappable) = GBK.encode(&text);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture must not be UTF-8"
    );
    assert_eq!(read(&bytes, "通知.txt"), expected());
}

#[test]
fn gb18030_characters_outside_gbk_survive() {
    // 䶮 (U+4DAE) exists in GB18030 only, as a four-byte sequence.
    let text = format!("{TITLE}\n关于刘䶮同志的任职公示，请各党支部周知。");
    let (bytes, _, unmappable) = GB18030.encode(&text);
    assert!(!unmappable);
    assert_eq!(read(&bytes, "公示.txt"), text);
}

#[test]
fn gbk_csv_keeps_its_lines() {
    let csv = "姓名,支部,党龄\r\n张三,第一党支部,12\r\n李四,机关党支部,3\r\n";
    let (bytes, _, _) = GBK.encode(csv);
    assert_eq!(
        read(&bytes, "名册.csv"),
        "姓名,支部,党龄\n张三,第一党支部,12\n李四,机关党支部,3"
    );
}

#[test]
fn markdown_is_text() {
    assert_eq!(
        read("# 标题\n\n正文".as_bytes(), "readme.md"),
        "# 标题\n\n正文"
    );
}

#[test]
fn whitespace_is_normalised_and_controls_stripped() {
    let messy = "\u{3000}\u{3000}各党支部：\t\t请准时参加。\u{7}\r\n\r\n\r\n\r\n  落款  \u{1b}";
    assert_eq!(
        read(messy.as_bytes(), "a.txt"),
        "各党支部：\t请准时参加。\n\n落款"
    );
}

#[test]
fn text_char_limit_truncates() {
    let long = BODY.repeat(1000);
    let limits = Limits {
        max_chars: 10,
        ..Limits::default()
    };
    let out = extract_text(long.as_bytes(), "long.txt", &limits).unwrap();
    assert!(out.truncated);
    assert_eq!(out.text, BODY.chars().take(10).collect::<String>());
}

#[test]
fn text_quoting_a_pdf_header_stays_text() {
    let text = "说明\n%PDF-1.7 是文件头。";
    assert_eq!(read(text.as_bytes(), "说明.txt"), text);
}
