//! DOCX: the body (`word/document.xml`), then footnotes, endnotes, headers and
//! footers, read straight from the ZIP with `quick-xml`.

use std::ops::ControlFlow;

use quick_xml::Reader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, Event};

use crate::Limits;
use crate::error::{ExtractError, Format};
use crate::sink::{Full, TextSink};
use crate::zipguard::{self, Archive, Budget};

const BODY: &str = "word/document.xml";

pub(crate) fn extract(
    bytes: &[u8],
    limits: &Limits,
    sink: &mut TextSink,
) -> Result<(), ExtractError> {
    let mut archive = zipguard::open(bytes, Format::Docx)?;
    let mut budget = Budget::new(Format::Docx, limits.max_unzipped_bytes);
    for part in parts(&archive)? {
        let Some(xml) = budget.read(&mut archive, &part)? else {
            continue;
        };
        let (xml, _, _) = encoding_rs::UTF_8.decode(&xml);
        if read_part(&xml, sink)?.is_break() {
            break;
        }
        // Parts are separated like paragraphs.
        sink.line_break();
        sink.line_break();
    }
    Ok(())
}

/// The parts to read, body first.
fn parts(archive: &Archive<'_>) -> Result<Vec<String>, ExtractError> {
    let body = zipguard::find(archive, BODY)
        .ok_or_else(|| ExtractError::malformed(Format::Docx, "no word/document.xml"))?;
    let names = zipguard::names(archive);
    let mut parts = vec![body];
    for prefix in ["footnotes", "endnotes", "header", "footer"] {
        let mut found: Vec<String> = names
            .iter()
            .filter(|name| is_part(name, prefix))
            .cloned()
            .collect();
        found.sort();
        parts.extend(found);
    }
    Ok(parts)
}

/// `word/header2.xml` is a part of kind `header`; `word/footnotes.xml` of
/// kind `footnotes`.
fn is_part(name: &str, prefix: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower
        .strip_prefix("word/")
        .and_then(|rest| rest.strip_prefix(prefix))
        .and_then(|rest| rest.strip_suffix(".xml"))
        .is_some_and(|number| number.bytes().all(|b| b.is_ascii_digit()))
}

/// Writes the text of one WordprocessingML part into `sink`.
/// `Break` means the sink is full.
fn read_part(xml: &str, sink: &mut TextSink) -> Result<ControlFlow<()>, ExtractError> {
    let mut reader = Reader::from_str(xml);
    let mut state = PartState::default();
    loop {
        let event = reader
            .read_event()
            .map_err(|e| ExtractError::malformed(Format::Docx, e))?;
        let step = match event {
            Event::Eof => return Ok(ControlFlow::Continue(())),
            Event::Start(e) if e.local_name().as_ref() == "Fallback" => {
                // mc:Fallback repeats mc:Choice (e.g. a text box as VML).
                reader
                    .read_to_end(e.name())
                    .map_err(|e| ExtractError::malformed(Format::Docx, e))?;
                Ok(())
            }
            Event::Start(e) => state.start(e.local_name().as_ref(), sink),
            Event::Empty(e) => {
                let name = e.local_name();
                state
                    .start(name.as_ref(), sink)
                    .and_then(|()| state.end(name.as_ref(), sink))
            }
            Event::End(e) => state.end(e.local_name().as_ref(), sink),
            Event::Text(e) => state.text(&e.xml10_content(), sink),
            Event::GeneralRef(e) => state.reference(&e, sink),
            _ => Ok(()),
        };
        if step.is_err() {
            return Ok(ControlFlow::Break(()));
        }
    }
}

/// Where the reader is inside a part.
#[derive(Debug, Default)]
struct PartState {
    /// Inside `w:t` (visible text; `w:delText` and `w:instrText` are not).
    in_text: bool,
    /// A paragraph just ended; whether that becomes a line break or a cell
    /// separator depends on what follows.
    paragraph_ended: bool,
}

impl PartState {
    fn start(&mut self, name: &str, sink: &mut TextSink) -> Result<(), Full> {
        match name {
            "t" => self.in_text = true,
            "tab" | "ptab" => {
                self.flush(sink);
                sink.tab();
            }
            "br" | "cr" => {
                self.flush(sink);
                sink.line_break();
            }
            "noBreakHyphen" => {
                self.flush(sink);
                sink.push_char('-')?;
            }
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, name: &str, sink: &mut TextSink) -> Result<(), Full> {
        match name {
            "t" => self.in_text = false,
            "p" => {
                self.flush(sink);
                self.paragraph_ended = true;
            }
            "tc" => {
                self.paragraph_ended = false;
                sink.tab();
            }
            "tr" => {
                self.flush(sink);
                sink.line_break();
            }
            _ => {}
        }
        Ok(())
    }

    fn text(&mut self, text: &str, sink: &mut TextSink) -> Result<(), Full> {
        if !self.in_text {
            return Ok(());
        }
        self.flush(sink);
        sink.push_str(text)
    }

    fn reference(&mut self, reference: &BytesRef<'_>, sink: &mut TextSink) -> Result<(), Full> {
        if !self.in_text {
            return Ok(());
        }
        self.flush(sink);
        if let Ok(Some(c)) = reference.resolve_char_ref() {
            return sink.push_char(c);
        }
        match resolve_predefined_entity(reference) {
            Some(s) => sink.push_str(s),
            None => Ok(()),
        }
    }

    /// A paragraph that ended and was not the last in a table cell is a line.
    fn flush(&mut self, sink: &mut TextSink) {
        if std::mem::take(&mut self.paragraph_ended) {
            sink.line_break();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(xml: &str) -> String {
        let mut sink = TextSink::new(usize::MAX);
        assert!(read_part(xml, &mut sink).unwrap().is_continue());
        sink.finish().0
    }

    #[test]
    fn paragraphs_cells_and_entities() {
        let xml = r#"<w:document xmlns:w="w"><w:body>
            <w:p><w:r><w:t>关于</w:t></w:r><w:r><w:t xml:space="preserve">开展 &amp; 通知</w:t></w:r></w:p>
            <w:p/>
            <w:tbl><w:tr><w:tc><w:p><w:r><w:t>甲</w:t></w:r></w:p><w:p><w:r><w:t>乙</w:t></w:r></w:p></w:tc>
            <w:tc><w:p><w:r><w:t>丙&#x4E01;</w:t></w:r></w:p></w:tc></w:tr>
            <w:tr><w:tc><w:p/></w:tc><w:tc><w:p><w:r><w:t>戊</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
            <w:p><w:r><w:delText>删</w:delText><w:instrText>PAGE</w:instrText><w:t>尾</w:t><w:tab/><w:t>页</w:t></w:r></w:p>
            </w:body></w:document>"#;
        assert_eq!(text_of(xml), "关于开展 & 通知\n\n甲\n乙\t丙丁\n戊\n尾\t页");
    }

    #[test]
    fn fallback_content_is_read_once() {
        let xml = r#"<w:p xmlns:w="w" xmlns:mc="mc"><mc:AlternateContent>
            <mc:Choice><w:t>框</w:t></mc:Choice><mc:Fallback><w:t>框</w:t></mc:Fallback>
            </mc:AlternateContent></w:p>"#;
        assert_eq!(text_of(xml), "框");
    }

    #[test]
    fn part_names() {
        assert!(is_part("word/header1.xml", "header"));
        assert!(is_part("word/footnotes.xml", "footnotes"));
        assert!(!is_part("word/headerX.xml", "header"));
        assert!(!is_part("word/_rels/header1.xml.rels", "header"));
    }
}
