//! DOCX and XLSX.

use dangjian_extract::{ExtractError, Format, Limits, extract_text};

use crate::fixtures::{
    BODY, SIGNATURE, TITLE, long_docx, members_xlsx, notice_docx, notice_docx_plain, zip_of,
};

#[test]
fn docx_paragraphs_table_header_and_footer() {
    let out = extract_text(&notice_docx(), "通知.docx", &Limits::default()).unwrap();
    assert_eq!(out.format, Format::Docx);
    assert!(!out.truncated);
    let body = format!("{TITLE}\n{BODY}\n\n姓名\t支部\n张三\t第一党支部\n{SIGNATURE}");
    assert!(out.text.starts_with(&body), "{:?}", out.text);
    assert!(
        out.text.contains("中共某某县委组织部文件"),
        "header: {:?}",
        out.text
    );
    assert!(out.text.contains("第 1 页"), "footer: {:?}", out.text);
}

#[test]
fn docx_is_recognised_by_content_whatever_its_name() {
    let out = extract_text(&notice_docx_plain(), "upload.bin", &Limits::default()).unwrap();
    assert_eq!(out.format, Format::Docx);
    assert!(out.text.starts_with(TITLE));
}

#[test]
fn docx_char_limit_truncates_and_says_so() {
    let docx = long_docx(BODY, 200);
    let limits = Limits {
        max_chars: 100,
        ..Limits::default()
    };
    let out = extract_text(&docx, "long.docx", &limits).unwrap();
    assert!(out.truncated);
    assert_eq!(out.text.chars().count(), 100);
    assert!(out.text.starts_with(BODY));
}

#[test]
fn docx_without_body_is_malformed() {
    let zip = zip_of(&[("word/styles.xml", b"<w:styles/>")]);
    let err = extract_text(&zip, "broken.docx", &Limits::default()).unwrap_err();
    assert!(
        matches!(
            err,
            ExtractError::Malformed {
                format: Format::Docx,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn docx_with_broken_xml_is_malformed() {
    let zip = zip_of(&[("word/document.xml", b"<w:document><w:body><w:p></w:body>")]);
    let err = extract_text(&zip, "broken.docx", &Limits::default()).unwrap_err();
    assert!(
        matches!(
            err,
            ExtractError::Malformed {
                format: Format::Docx,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn xlsx_every_sheet_tabs_and_rows() {
    let out = extract_text(&members_xlsx(), "名册.xlsx", &Limits::default()).unwrap();
    assert_eq!(out.format, Format::Xlsx);
    assert!(!out.truncated);
    assert_eq!(
        out.text,
        format!(
            "党员名册\n姓名\t支部\t党龄\n张三\t第一党支部\t12\n李四\t机关党支部\t3.5\n\n\
             备注\n{TITLE}\n末格"
        )
    );
}

#[test]
fn xlsx_char_limit_truncates() {
    let limits = Limits {
        max_chars: 12,
        ..Limits::default()
    };
    let out = extract_text(&members_xlsx(), "名册.xlsx", &limits).unwrap();
    assert!(out.truncated);
    assert_eq!(out.text, "党员名册\n姓名\t支部\t党");
}

#[test]
fn xlsx_named_as_something_else_is_still_read() {
    let out = extract_text(&members_xlsx(), "名册.xls", &Limits::default()).unwrap();
    assert_eq!(out.format, Format::Xlsx);
}
