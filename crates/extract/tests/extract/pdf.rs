//! PDF: a LibreOffice export (committed) and hand-written CID-font files.

use dangjian_extract::{ExtractError, Format, Limits, extract_text};

use crate::fixtures::{BODY, LATIN, SIGNATURE, TITLE, notice_docx_plain};
use crate::pdfgen::{OnePage, cid_pdf, one_page, stream};

/// Converted by LibreOffice from `notice_docx_plain()`; see fixtures/README.md.
const NOTICE_PDF: &[u8] = include_bytes!("../fixtures/notice.pdf");
/// The same, encrypted by qpdf with an owner password only.
const NOTICE_OWNER_PASSWORD_PDF: &[u8] = include_bytes!("../fixtures/notice-owner-password.pdf");
/// The same, encrypted by qpdf with a user password.
const NOTICE_USER_PASSWORD_PDF: &[u8] = include_bytes!("../fixtures/notice-user-password.pdf");

fn read(bytes: &[u8], name: &str) -> String {
    let out = extract_text(bytes, name, &Limits::default()).unwrap();
    assert_eq!(out.format, Format::Pdf);
    assert!(!out.truncated);
    out.text
}

/// Lines that break between two Chinese characters are joined, and so are
/// the table's cells; the picture leaves a paragraph break.
fn assert_notice(text: &str) {
    assert_eq!(
        text,
        format!("{TITLE}{BODY}\n\n{LATIN}\n姓名支部张三第一党支部{SIGNATURE}")
    );
}

#[test]
fn libreoffice_export_with_chinese_text() {
    assert_notice(&read(NOTICE_PDF, "通知.pdf"));
}

#[test]
fn restrictions_only_encryption_is_opened() {
    assert_notice(&read(NOTICE_OWNER_PASSWORD_PDF, "通知.pdf"));
}

#[test]
fn user_password_is_reported() {
    let err = extract_text(NOTICE_USER_PASSWORD_PDF, "通知.pdf", &Limits::default()).unwrap_err();
    assert!(
        matches!(
            err,
            ExtractError::Encrypted {
                format: Format::Pdf
            }
        ),
        "{err:?}"
    );
}

#[test]
fn type0_cid_font_with_to_unicode() {
    let pdf = cid_pdf(&[TITLE, "各党支部：请准时参加。"]);
    assert_eq!(
        read(&pdf, "cid.pdf"),
        format!("{TITLE}各党支部：请准时参加。")
    );
    let pdf = cid_pdf(&["第一行。", "Second line", "第三行"]);
    assert_eq!(read(&pdf, "cid.pdf"), "第一行。\nSecond line\n第三行");
}

#[test]
fn pdf_is_recognised_by_content_whatever_its_name() {
    let out = extract_text(NOTICE_PDF, "attachment.txt", &Limits::default()).unwrap();
    assert_eq!(out.format, Format::Pdf);
}

#[test]
fn pdf_char_limit_truncates_and_says_so() {
    let limits = Limits {
        max_chars: 5,
        ..Limits::default()
    };
    let out = extract_text(NOTICE_PDF, "通知.pdf", &limits).unwrap();
    assert!(out.truncated);
    assert_eq!(out.text, "关于开展主");
}

#[test]
fn many_pages_stop_at_the_char_limit() {
    // 3,000 pages sharing one content stream: stops after the first few.
    let lines = [TITLE];
    let pdf = crate::pdfgen::many_pages(&lines, 3000);
    let limits = Limits {
        max_chars: 100,
        ..Limits::default()
    };
    let out = extract_text(&pdf, "long.pdf", &limits).unwrap();
    assert!(out.truncated);
    assert!(out.text.starts_with(TITLE));
    assert!(out.text.chars().count() <= 100);
}

#[test]
fn painted_images_are_not_read_as_text() {
    // pdf-extract runs every `Do` as a content stream; image bytes that look
    // like operators must not leak into the text.
    let pdf = one_page(
        &OnePage {
            lines: &[TITLE],
            xobjects: "/Im1 9 0 R",
            extra_content: "q 10 0 0 10 0 0 cm /Im1 Do Q\n",
            ..OnePage::default()
        },
        |pdf| {
            pdf.add(stream(
                "/Type /XObject /Subtype /Image /Width 4 /Height 4 /ColorSpace /DeviceGray \
                 /BitsPerComponent 8",
                b"BT /F1 9 Tf <0001> Tj ET 1234",
            ));
        },
    );
    assert_eq!(read(&pdf, "image.pdf"), TITLE);
}

#[test]
fn page_without_media_box_gets_a_default() {
    let pdf = one_page(
        &OnePage {
            lines: &[TITLE],
            media_box: false,
            ..OnePage::default()
        },
        |_| {},
    );
    assert_eq!(read(&pdf, "nobox.pdf"), TITLE);
}

#[test]
fn text_inside_form_xobjects_is_read() {
    let pdf = one_page(
        &OnePage {
            lines: &[TITLE],
            xobjects: "/Fm1 9 0 R",
            extra_content: "/Fm1 Do\n",
            ..OnePage::default()
        },
        |pdf| {
            pdf.add(stream(
                "/Type /XObject /Subtype /Form /BBox [0 0 595 842] \
                 /Resources << /Font << /F1 5 0 R >> >>",
                b"BT /F1 16 Tf 72 400 Td <0001000200030004> Tj ET",
            ));
        },
    );
    // A large vertical jump reads as a paragraph break.
    assert_eq!(read(&pdf, "form.pdf"), format!("{TITLE}\n\n关于开展"));
}

/// Writes the DOCX the PDF fixture was made from; see fixtures/README.md.
#[test]
#[ignore = "only to regenerate tests/fixtures/notice.pdf"]
fn write_pdf_fixture_source() {
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("notice.docx");
    std::fs::write(&path, notice_docx_plain()).unwrap();
    println!("wrote {}", path.display());
}
