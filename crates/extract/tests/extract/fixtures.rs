//! Office and ZIP fixtures built in the test, so they say what they contain.

use std::io::{Cursor, Write};

use docx_rs::{Docx, Footer, Header, Paragraph, Pic, Run, Table, TableCell, TableRow};
use flate2::Compression;
use flate2::write::ZlibEncoder;
use rust_xlsxwriter::Workbook;
use zip::CompressionMethod;
use zip::write::{SimpleFileOptions, ZipWriter};

pub const TITLE: &str = "关于开展主题党日活动的通知";
pub const BODY: &str = "各党支部：为深入学习贯彻党的二十大精神，经研究，决定开展主题党日活动。";
pub const LATIN: &str = "Contact: office@example.org, tel. 0571-12345678";
pub const SIGNATURE: &str = "中共某某县委组织部";

fn paragraph(text: &str) -> Paragraph {
    Paragraph::new().add_run(Run::new().add_text(text))
}

fn cell(text: &str) -> TableCell {
    TableCell::new().add_paragraph(paragraph(text))
}

fn table() -> Table {
    Table::new(vec![
        TableRow::new(vec![cell("姓名"), cell("支部")]),
        TableRow::new(vec![cell("张三"), cell("第一党支部")]),
    ])
}

/// The notice as a DOCX with a picture and no header or footer. The
/// committed PDF fixture was converted from exactly this document.
pub fn notice_docx_plain() -> Vec<u8> {
    let picture = Pic::new_with_dimensions(red_png(16, 16), 16, 16);
    let docx = Docx::new()
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(TITLE).size(32)))
        .add_paragraph(paragraph(BODY))
        .add_paragraph(Paragraph::new().add_run(Run::new().add_image(picture)))
        .add_paragraph(paragraph(LATIN))
        .add_table(table())
        .add_paragraph(paragraph(SIGNATURE));
    pack(docx)
}

/// The notice with a header and a footer.
pub fn notice_docx() -> Vec<u8> {
    let docx = Docx::new()
        .header(Header::new().add_paragraph(paragraph("中共某某县委组织部文件")))
        .footer(Footer::new().add_paragraph(paragraph("第 1 页")))
        .add_paragraph(Paragraph::new().add_run(Run::new().add_text(TITLE).size(32)))
        .add_paragraph(paragraph(BODY))
        .add_paragraph(paragraph(""))
        .add_table(table())
        .add_paragraph(paragraph(SIGNATURE));
    pack(docx)
}

/// A plain red RGB PNG.
pub fn red_png(width: u32, height: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    let mut header = Vec::new();
    header.extend_from_slice(&width.to_be_bytes());
    header.extend_from_slice(&height.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]); // 8-bit RGB
    let row: Vec<u8> = std::iter::once(0)
        .chain((0..width).flat_map(|_| [255, 0, 0]))
        .collect();
    let mut pixels = ZlibEncoder::new(Vec::new(), Compression::default());
    for _ in 0..height {
        pixels.write_all(&row).unwrap();
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    chunk(&mut png, b"IHDR", &header);
    chunk(&mut png, b"IDAT", &pixels.finish().unwrap());
    chunk(&mut png, b"IEND", &[]);
    png
}

/// A DOCX whose body is `paragraphs` copies of `text`.
pub fn long_docx(text: &str, paragraphs: usize) -> Vec<u8> {
    let docx = (0..paragraphs).fold(Docx::new(), |d, _| d.add_paragraph(paragraph(text)));
    pack(docx)
}

fn pack(docx: Docx) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    docx.build().pack(&mut out).expect("pack docx");
    out.into_inner()
}

/// Two sheets: a member list with a number and a formula-free total row, and
/// a second sheet with a single cell far from A1.
pub fn members_xlsx() -> Vec<u8> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("党员名册").unwrap();
    let rows = [
        ["姓名", "支部", "党龄"],
        ["张三", "第一党支部", ""],
        ["李四", "机关党支部", ""],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, value) in row.iter().enumerate().filter(|(_, v)| !v.is_empty()) {
            sheet.write_string(r as u32, c as u16, *value).unwrap();
        }
    }
    sheet.write_number(1, 2, 12).unwrap();
    sheet.write_number(2, 2, 3.5).unwrap();
    let far = workbook.add_worksheet();
    far.set_name("备注").unwrap();
    far.write_string(0, 0, TITLE).unwrap();
    far.write_string(1_048_575, 16_383, "末格").unwrap();
    workbook.save_to_buffer().unwrap()
}

/// A ZIP holding `entries` (name, content), deflated.
pub fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(Some(9));
    for (name, content) in entries {
        writer.start_file(*name, options).unwrap();
        writer.write_all(content).unwrap();
    }
    writer.finish().unwrap().into_inner()
}

/// An XML part of `size` bytes that is almost all spaces: compresses about
/// a thousand to one.
pub fn padded_xml(open: &str, close: &str, size: usize) -> Vec<u8> {
    let mut xml = open.as_bytes().to_vec();
    xml.resize(size - close.len(), b' ');
    xml.extend_from_slice(close.as_bytes());
    xml
}

/// Rewrites the declared uncompressed size of every entry (local header and
/// central directory) to `declared`, as a hostile archive would.
pub fn lie_about_sizes(mut zip: Vec<u8>, declared: u32) -> Vec<u8> {
    let patch = |zip: &mut Vec<u8>, signature: &[u8], offset: usize| {
        let starts: Vec<usize> = zip
            .windows(4)
            .enumerate()
            .filter(|(_, w)| *w == signature)
            .map(|(i, _)| i)
            .collect();
        for start in starts {
            zip[start + offset..start + offset + 4].copy_from_slice(&declared.to_le_bytes());
        }
    };
    patch(&mut zip, b"PK\x03\x04", 22);
    patch(&mut zip, b"PK\x01\x02", 24);
    zip
}

/// Deterministic noise.
pub fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut state = seed | 1;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}
