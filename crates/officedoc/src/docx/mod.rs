//! DOCX output of an [`OfficialDocument`] following GB/T 9704-2012.

mod document;
mod imprint;
pub(crate) mod layout;
mod parts;
mod styles;
mod table;

use docx_rs::Docx;

use crate::error::OfficeDocError;
use crate::model::{Block, OfficialDocument};

/// Renders `doc` as a GB/T 9704-2012 公文 and returns the DOCX bytes.
///
/// # Errors
///
/// [`OfficeDocError::EmptyField`] when the issuer mark, title, signer or
/// printer is blank, the table errors for a malformed [`Block::Table`], and
/// [`OfficeDocError::Docx`] if packaging fails.
pub fn official_docx(doc: &OfficialDocument) -> Result<Vec<u8>, OfficeDocError> {
    validate(doc)?;
    let docx = parts::footers(parts::defaults(parts::page_setup(Docx::new())));
    let docx = document::add_head(docx, doc);
    let docx = document::add_title(docx, doc);
    let docx = document::add_body(docx, &doc.body);
    let docx = document::add_signature(docx, doc);
    let docx = docx
        .add_table(imprint::imprint(doc))
        .add_paragraph(imprint::anchor_paragraph());
    parts::pack(docx)
}

/// Checks everything that would otherwise produce a visibly broken 公文.
fn validate(doc: &OfficialDocument) -> Result<(), OfficeDocError> {
    let required = [
        ("issuer_mark", &doc.issuer_mark),
        ("number.prefix", &doc.number.prefix),
        ("title", &doc.title),
        ("signer", &doc.signer),
        ("printer", &doc.printer),
    ];
    if let Some((name, _)) = required.iter().find(|(_, v)| v.trim().is_empty()) {
        return Err(OfficeDocError::EmptyField(name));
    }
    doc.body.iter().try_for_each(|block| match block {
        Block::Table(t) => t.validate(),
        _ => Ok(()),
    })
}
