//! Minimal PDFs written by hand: a Type0 font with Identity-H encoding and a
//! ToUnicode CMap (as Word and WPS write Chinese), plus hostile variants.

use std::fmt::Write as _;

/// Objects numbered from 1 in the order given; `finish` adds the xref table.
pub struct Pdf {
    objects: Vec<Vec<u8>>,
}

impl Pdf {
    pub fn new() -> Self {
        Pdf {
            objects: Vec::new(),
        }
    }

    /// Adds the next object; returns its number.
    pub fn add(&mut self, body: impl Into<Vec<u8>>) -> usize {
        self.objects.push(body.into());
        self.objects.len()
    }

    /// Serialises with catalog `1 0 obj`.
    pub fn finish(self) -> Vec<u8> {
        let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in self.objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        let mut table = format!("xref\n0 {}\n0000000000 65535 f \n", offsets.len() + 1);
        for offset in offsets {
            writeln!(table, "{offset:010} 00000 n ").unwrap();
        }
        write!(
            table,
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            self.objects.len() + 1
        )
        .unwrap();
        out.extend_from_slice(table.as_bytes());
        out
    }
}

/// A stream object with an uncompressed body.
pub fn stream(dict_entries: &str, data: &[u8]) -> Vec<u8> {
    let mut out = format!("<< /Length {} {dict_entries} >>\nstream\n", data.len()).into_bytes();
    out.extend_from_slice(data);
    out.extend_from_slice(b"\nendstream");
    out
}

/// Glyph ids for the distinct characters of `lines`, in order of first use.
pub struct Glyphs(Vec<char>);

impl Glyphs {
    pub fn of(lines: &[&str]) -> Self {
        let mut chars: Vec<char> = Vec::new();
        for c in lines.iter().flat_map(|l| l.chars()) {
            if !chars.contains(&c) {
                chars.push(c);
            }
        }
        Glyphs(chars)
    }

    /// `<0001000200..>` for `line`: CID = glyph id = position + 1.
    pub fn hex(&self, line: &str) -> String {
        let mut hex = String::from("<");
        for c in line.chars() {
            let cid = self.0.iter().position(|x| *x == c).unwrap() + 1;
            write!(hex, "{cid:04X}").unwrap();
        }
        hex.push('>');
        hex
    }

    /// The ToUnicode CMap: one bfchar entry per glyph.
    pub fn to_unicode(&self) -> String {
        let mut cmap = String::from(
            "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n\
             /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n\
             /CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n\
             1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n",
        );
        writeln!(cmap, "{} beginbfchar", self.0.len()).unwrap();
        for (i, c) in self.0.iter().enumerate() {
            let mut units = [0u16; 2];
            let utf16: String = c
                .encode_utf16(&mut units)
                .iter()
                .map(|u| format!("{u:04X}"))
                .collect();
            writeln!(cmap, "<{:04X}> <{utf16}>", i + 1).unwrap();
        }
        cmap.push_str(
            "endbfchar\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n",
        );
        cmap
    }
}

/// Content stream showing each line 24 points below the previous one.
pub fn text_content(glyphs: &Glyphs, lines: &[&str]) -> String {
    let mut content = String::from("BT\n/F1 16 Tf\n72 760 Td\n");
    for (n, line) in lines.iter().enumerate() {
        if n > 0 {
            content.push_str("0 -24 Td\n");
        }
        writeln!(content, "{} Tj", glyphs.hex(line)).unwrap();
    }
    content.push_str("ET\n");
    content
}

/// Adds the Type0 font objects (font, CIDFont, ToUnicode, descriptor) and
/// returns the font's object number.
pub fn add_cid_font(pdf: &mut Pdf, glyphs: &Glyphs) -> usize {
    let first = pdf.objects.len() + 1;
    let (font, cid_font, cmap, descriptor) = (first, first + 1, first + 2, first + 3);
    pdf.add(format!(
        "<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H \
         /DescendantFonts [{cid_font} 0 R] /ToUnicode {cmap} 0 R >>"
    ));
    pdf.add(format!(
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun \
         /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> \
         /FontDescriptor {descriptor} 0 R /DW 1000 /CIDToGIDMap /Identity >>"
    ));
    pdf.add(stream("", glyphs.to_unicode().as_bytes()));
    pdf.add(
        "<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -141 1000 859] \
         /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 859 /StemV 80 >>",
    );
    font
}

/// One page with `lines` in a CID font; `xobjects` goes into its resources
/// (`/Name N 0 R` pairs) and `extra_content` is painted after the text.
pub struct OnePage<'a> {
    pub lines: &'a [&'a str],
    pub media_box: bool,
    pub xobjects: &'a str,
    pub extra_content: &'a str,
}

impl Default for OnePage<'_> {
    fn default() -> Self {
        OnePage {
            lines: &[],
            media_box: true,
            xobjects: "",
            extra_content: "",
        }
    }
}

/// Builds a one-page document; `more` adds further objects, numbered from 9
/// (1 catalog, 2 pages, 3 page, 4 content, 5 to 8 the font).
pub fn one_page(page: &OnePage<'_>, more: impl FnOnce(&mut Pdf)) -> Vec<u8> {
    let glyphs = Glyphs::of(page.lines);
    let mut pdf = Pdf::new();
    pdf.add("<< /Type /Catalog /Pages 2 0 R >>");
    let media_box = if page.media_box {
        "/MediaBox [0 0 595 842]"
    } else {
        ""
    };
    pdf.add(format!(
        "<< /Type /Pages /Kids [3 0 R] /Count 1 {media_box} >>"
    ));
    pdf.add(format!(
        "<< /Type /Page /Parent 2 0 R /Contents 4 0 R \
         /Resources << /Font << /F1 5 0 R >> /XObject << {} >> >> >>",
        page.xobjects
    ));
    let content = text_content(&glyphs, page.lines) + page.extra_content;
    pdf.add(stream("", content.as_bytes()));
    add_cid_font(&mut pdf, &glyphs);
    more(&mut pdf);
    pdf.finish()
}

/// A PDF with a Type0/CID font showing `lines`.
pub fn cid_pdf(lines: &[&str]) -> Vec<u8> {
    one_page(
        &OnePage {
            lines,
            ..OnePage::default()
        },
        |_| {},
    )
}

/// `pages` pages sharing one content stream and inheriting their resources
/// and media box from the page tree.
pub fn many_pages(lines: &[&str], pages: usize) -> Vec<u8> {
    // 1 catalog, 2 pages, 3 content, 4 to 7 the font, pages from 8.
    let glyphs = Glyphs::of(lines);
    let mut pdf = Pdf::new();
    pdf.add("<< /Type /Catalog /Pages 2 0 R >>");
    let kids: String = (0..pages).map(|i| format!("{} 0 R ", 8 + i)).collect();
    pdf.add(format!(
        "<< /Type /Pages /Kids [{kids}] /Count {pages} /MediaBox [0 0 595 842] \
         /Resources << /Font << /F1 4 0 R >> >> >>"
    ));
    pdf.add(stream("", text_content(&glyphs, lines).as_bytes()));
    add_cid_font(&mut pdf, &glyphs);
    for _ in 0..pages {
        pdf.add("<< /Type /Page /Parent 2 0 R /Contents 3 0 R >>");
    }
    pdf.finish()
}
