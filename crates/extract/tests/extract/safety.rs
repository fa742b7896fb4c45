//! Hostile and unsupported input: errors, never panics, hangs or huge
//! allocations.

use std::io::Write;

use dangjian_extract::{ExtractError, Format, Limits, extract_text};
use flate2::Compression;
use flate2::write::ZlibEncoder;

use crate::fixtures::{TITLE, lie_about_sizes, noise, notice_docx, padded_xml, zip_of};
use crate::pdfgen::{OnePage, Pdf, cid_pdf, one_page, stream};

const MIB: usize = 1024 * 1024;

fn small_budget() -> Limits {
    Limits {
        max_unzipped_bytes: MIB as u64,
        ..Limits::default()
    }
}

fn docx_bomb(size: usize) -> Vec<u8> {
    let xml = padded_xml(
        "<w:document><w:body><w:p><w:r><w:t>",
        "</w:t></w:r></w:p></w:body></w:document>",
        size,
    );
    zip_of(&[("word/document.xml", &xml)])
}

#[test]
fn docx_zip_bomb_is_refused() {
    let bomb = docx_bomb(8 * MIB);
    assert!(
        bomb.len() < 64 * 1024,
        "the fixture should compress well: {}",
        bomb.len()
    );
    let err = extract_text(&bomb, "bomb.docx", &small_budget()).unwrap_err();
    assert!(
        matches!(
            err,
            ExtractError::TooLarge {
                format: Format::Docx,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn docx_zip_bomb_is_refused_at_default_limits() {
    let bomb = docx_bomb(65 * MIB);
    let err = extract_text(&bomb, "bomb.docx", &Limits::default()).unwrap_err();
    assert!(
        matches!(
            err,
            ExtractError::TooLarge {
                format: Format::Docx,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn zip_entry_lying_about_its_size_is_refused() {
    let bomb = lie_about_sizes(docx_bomb(4 * MIB), 100);
    let err = extract_text(&bomb, "bomb.docx", &small_budget()).unwrap_err();
    assert!(
        matches!(
            err,
            ExtractError::TooLarge {
                format: Format::Docx,
                ..
            } | ExtractError::Malformed {
                format: Format::Docx,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn xlsx_zip_bomb_is_refused_before_calamine_reads_it() {
    let strings = padded_xml("<sst><si><t>", "</t></si></sst>", 8 * MIB);
    let bomb = zip_of(&[
        ("xl/workbook.xml", b"<workbook/>".as_slice()),
        ("xl/sharedStrings.xml", &strings),
    ]);
    let err = extract_text(&bomb, "bomb.xlsx", &small_budget()).unwrap_err();
    assert!(
        matches!(
            err,
            ExtractError::TooLarge {
                format: Format::Xlsx,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn pdf_flate_bomb_is_refused() {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::fast());
    encoder.write_all(&vec![b' '; 8 * MIB]).unwrap();
    let deflated = encoder.finish().unwrap();
    let pdf = one_page(
        &OnePage {
            lines: &[TITLE],
            ..OnePage::default()
        },
        |pdf| {
            pdf.add(stream("/Filter /FlateDecode", &deflated));
        },
    );
    let err = extract_text(&pdf, "bomb.pdf", &small_budget()).unwrap_err();
    assert!(
        matches!(
            err,
            ExtractError::TooLarge {
                format: Format::Pdf,
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn pdf_object_stream_bomb_is_refused_while_loading() {
    let mut encoder = ZlibEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(b"9 0 ").unwrap();
    encoder.write_all(&vec![b' '; 8 * MIB]).unwrap();
    encoder.write_all(b"<< /Bomb true >>").unwrap();
    let deflated = encoder.finish().unwrap();
    let pdf = one_page(
        &OnePage {
            lines: &[TITLE],
            ..OnePage::default()
        },
        |pdf| {
            pdf.add(stream(
                "/Type /ObjStm /N 1 /First 4 /Filter /FlateDecode",
                &deflated,
            ));
        },
    );
    let err = extract_text(&pdf, "bomb.pdf", &small_budget()).unwrap_err();
    assert!(
        matches!(
            err,
            ExtractError::TooLarge {
                format: Format::Pdf,
                ..
            }
        ),
        "{err:?}"
    );
    // The same file within the budget loads.
    assert!(extract_text(&pdf, "bomb.pdf", &Limits::default()).is_ok());
}

fn assert_pdf_error(bytes: &[u8]) {
    match extract_text(bytes, "file.pdf", &Limits::default()) {
        Err(
            ExtractError::Malformed {
                format: Format::Pdf,
                ..
            }
            | ExtractError::ParserPanic {
                format: Format::Pdf,
                ..
            },
        ) => {}
        other => panic!("expected a PDF error, got {other:?}"),
    }
}

#[test]
fn garbage_named_pdf_is_an_error_not_a_panic() {
    assert_pdf_error(&noise(10_000, 1));
    assert_pdf_error(b"");
    assert_pdf_error(&[b"%PDF-1.7\n".as_slice(), &noise(10_000, 2)].concat());
}

#[test]
fn damaged_pdfs_never_escape_as_panics() {
    let good = cid_pdf(&[TITLE, "各党支部：请准时参加。"]);
    for cut in [10, 100, good.len() / 2, good.len() - 40] {
        let _ = extract_text(&good[..cut], "cut.pdf", &Limits::default());
    }
    for seed in 0..64u64 {
        let mut bad = good.clone();
        for (i, byte) in noise(8, seed + 10).into_iter().enumerate() {
            let at = (seed as usize * 131 + i * 977) % bad.len();
            bad[at] = byte;
        }
        let _ = extract_text(&bad, "mutated.pdf", &Limits::default());
    }
}

/// A page that paints form 9, whose content and resources are given.
fn page_painting_form(
    form_resources: &str,
    form_content: &[u8],
    more: impl FnOnce(&mut Pdf),
) -> Vec<u8> {
    one_page(
        &OnePage {
            lines: &[TITLE],
            xobjects: "/X 9 0 R",
            extra_content: "/X Do\n",
            ..OnePage::default()
        },
        |pdf| {
            pdf.add(stream(
                &format!("/Type /XObject /Subtype /Form /BBox [0 0 10 10] {form_resources}"),
                form_content,
            ));
            more(pdf);
        },
    )
}

fn assert_malformed_pdf(pdf: &[u8], reason_part: &str) {
    match extract_text(pdf, "hostile.pdf", &Limits::default()) {
        Err(ExtractError::Malformed {
            format: Format::Pdf,
            reason,
        }) => {
            assert!(reason.contains(reason_part), "{reason}");
        }
        other => panic!("expected Malformed, got {other:?}"),
    }
}

#[test]
fn form_painting_itself_is_refused() {
    let pdf = page_painting_form("/Resources << /XObject << /X 9 0 R >> >>", b"/X Do", |_| {});
    assert_malformed_pdf(&pdf, "paints itself");
}

#[test]
fn form_painting_itself_through_inherited_resources_is_refused() {
    // No /Resources of its own: it runs with the page's, where /X is itself.
    let pdf = page_painting_form("", b"/X Do", |_| {});
    assert_malformed_pdf(&pdf, "paints itself");
}

#[test]
fn long_chain_of_forms_is_refused() {
    // Form 9 paints 10, which paints 11, ... 200 deep.
    let pdf = page_painting_form(
        "/Resources << /XObject << /X 10 0 R >> >>",
        b"/X Do",
        |pdf| {
            for n in 10..210 {
                pdf.add(stream(
                &format!("/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << /XObject << /X {} 0 R >> >>", n + 1),
                b"/X Do",
            ));
            }
            pdf.add(stream("/Type /XObject /Subtype /Form /BBox [0 0 1 1]", b""));
        },
    );
    assert_malformed_pdf(&pdf, "nested too deeply");
}

#[test]
fn exploding_forms_are_cut_not_run() {
    // Ten levels, each painting the next ten times: 10^10 runs of the last.
    let tenfold = "/X Do ".repeat(10);
    let pdf = page_painting_form(
        "/Resources << /XObject << /X 10 0 R >> >>",
        tenfold.as_bytes(),
        |pdf| {
            for n in 10..19 {
                pdf.add(stream(
                &format!("/Type /XObject /Subtype /Form /BBox [0 0 1 1] /Resources << /XObject << /X {} 0 R >> >>", n + 1),
                tenfold.as_bytes(),
            ));
            }
            pdf.add(stream(
                "/Type /XObject /Subtype /Form /BBox [0 0 1 1]",
                b"0 0 m 1 1 l S",
            ));
        },
    );
    let out = extract_text(&pdf, "explode.pdf", &Limits::default()).unwrap();
    assert!(out.truncated);
    assert_eq!(out.text, "");
}

#[test]
fn page_tree_parent_cycle_is_refused() {
    // Page 3 has no /MediaBox and its /Parent chain loops: 3 -> 9 -> 3.
    let mut pdf = Pdf::new();
    pdf.add("<< /Type /Catalog /Pages 2 0 R >>");
    pdf.add("<< /Type /Pages /Kids [3 0 R] /Count 1 >>");
    pdf.add("<< /Type /Page /Parent 4 0 R /Contents 5 0 R >>");
    pdf.add("<< /Parent 3 0 R >>");
    pdf.add(stream("", b""));
    assert_malformed_pdf(&pdf.finish(), "/Parent cycle");
}

fn assert_unsupported(bytes: &[u8], name: &str, what_part: &str) {
    match extract_text(bytes, name, &Limits::default()) {
        Err(ExtractError::Unsupported { what }) => assert!(what.contains(what_part), "{what}"),
        other => panic!("{name}: expected Unsupported, got {other:?}"),
    }
}

#[test]
fn unsupported_types_say_so() {
    let png = [b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".as_slice(), &noise(100, 3)].concat();
    assert_unsupported(&png, "照片.png", "image/png");
    assert_unsupported(&png, "照片.pdf", "image/png");
    let jpeg = [b"\xFF\xD8\xFF\xE0\0\x10JFIF\0".as_slice(), &noise(100, 4)].concat();
    assert_unsupported(&jpeg, "scan.txt", "image/jpeg");
    let mp4 = [b"\0\0\0\x18ftypmp42\0\0\0\0".as_slice(), &noise(100, 5)].concat();
    assert_unsupported(&mp4, "会议.mp4", "video/mp4");
    let ole = [b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".as_slice(), &[0u8; 600]].concat();
    assert_unsupported(&ole, "旧文件.doc", ".doc");
    assert_unsupported(&ole, "公文.wps", ".wps");
    let zip = zip_of(&[("readme.txt", b"hello".as_slice())]);
    assert_unsupported(&zip, "files.zip", "zip");
    assert_unsupported(b"<html><body>hi</body></html>", "page.html", ".html");
    assert_unsupported(b"no extension", "README", "without extension");
}

#[test]
fn garbage_named_docx_or_xlsx_is_malformed() {
    for (name, format) in [("a.docx", Format::Docx), ("a.xlsx", Format::Xlsx)] {
        let err = extract_text(&noise(1000, 6), name, &Limits::default()).unwrap_err();
        assert!(
            matches!(err, ExtractError::Malformed { format: f, .. } if f == format),
            "{err:?}"
        );
        let cut = notice_docx();
        let err = extract_text(&cut[..cut.len() / 2], name, &Limits::default()).unwrap_err();
        assert!(
            matches!(err, ExtractError::Malformed { format: f, .. } if f == format),
            "{err:?}"
        );
    }
}
