//! The document model and its translation into a tantivy document.

use serde::{Deserialize, Serialize};
use tantivy::TantivyDocument;
use tantivy::schema::Field;

use crate::normalize::normalize;
use crate::schema::Fields;

/// Longest title indexed and stored, in characters.
const MAX_TITLE_CHARS: usize = 500;
/// Longest body indexed and stored, in characters.
const MAX_BODY_CHARS: usize = 100_000;
/// Longest attachment text indexed and stored, in characters. Beyond this
/// an attachment is neither searchable nor highlighted.
const MAX_ATTACHMENT_CHARS: usize = 50_000;
/// Most attachments indexed for one document.
const MAX_ATTACHMENTS: usize = 20;

/// What kind of item a document is; queries may filter on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Article,
    Notice,
    Letter,
    Qa,
    Video,
    Attachment,
}

impl Kind {
    /// Every kind, in a stable order.
    pub const ALL: [Kind; 6] = [
        Kind::Article,
        Kind::Notice,
        Kind::Letter,
        Kind::Qa,
        Kind::Video,
        Kind::Attachment,
    ];

    /// The stable name stored in the index.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Article => "article",
            Kind::Notice => "notice",
            Kind::Letter => "letter",
            Kind::Qa => "qa",
            Kind::Video => "video",
            Kind::Attachment => "attachment",
        }
    }

    /// The kind with this stored name.
    pub fn parse(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

/// A file attached to an item, with the text extracted from it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub name: String,
    pub text: String,
}

/// One searchable item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchDoc {
    /// Unique key of the item, e.g. `article:123`; upserts replace by it.
    pub key: String,
    pub site: i64,
    pub kind: Kind,
    pub title: String,
    pub body: String,
    pub attachments: Vec<Attachment>,
    pub column: Option<i64>,
    /// Further columns the item is also placed in (一稿多发): a column
    /// filter matches them too; hits report `column`.
    pub placements: Vec<i64>,
    /// Publication time, Unix milliseconds.
    pub date_ms: i64,
    /// Who may see the item: `public`, `section:5`, `user:7`, ... A query
    /// only matches items sharing at least one token with it; an item with
    /// no token is never found.
    pub audience: Vec<String>,
}

fn truncate(text: &str, max_chars: usize) -> &str {
    match text.char_indices().nth(max_chars) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

/// Normalises `text` once and gives it to each analysed field.
fn add_analysed(d: &mut TantivyDocument, fields: &[Field], text: &str) {
    let text = normalize(text);
    for &field in fields {
        d.add_text(field, &text);
    }
}

impl SearchDoc {
    /// The tantivy document: originals stored, normalised text indexed.
    pub(crate) fn to_tantivy(&self, f: &Fields) -> TantivyDocument {
        let mut d = TantivyDocument::default();
        self.add_facts(&mut d, f);
        let title = truncate(&self.title, MAX_TITLE_CHARS);
        d.add_text(f.title, title);
        add_analysed(&mut d, &[f.title_word, f.title_gram, f.title_pinyin], title);
        let body = truncate(&self.body, MAX_BODY_CHARS);
        d.add_text(f.body, body);
        add_analysed(&mut d, &[f.body_word, f.body_gram], body);
        self.add_attachments(&mut d, f);
        d
    }

    /// Key, site, kind, column, date and audience: what filters look at.
    fn add_facts(&self, d: &mut TantivyDocument, f: &Fields) {
        d.add_text(f.key, &self.key);
        d.add_i64(f.site, self.site);
        d.add_text(f.kind, self.kind.as_str());
        // The primary column first: hits read the first value back.
        for column in self.column.iter().chain(&self.placements) {
            d.add_i64(f.column, *column);
        }
        d.add_i64(f.date, self.date_ms);
        for token in &self.audience {
            d.add_text(f.audience, token);
        }
    }

    /// Names and texts indexed, the list stored as JSON for snippets.
    fn add_attachments(&self, d: &mut TantivyDocument, f: &Fields) {
        let attachments = self.capped_attachments();
        if attachments.is_empty() {
            return;
        }
        for a in &attachments {
            add_analysed(d, &[f.att_word, f.att_gram], &a.name);
            add_analysed(d, &[f.att_word, f.att_gram], &a.text);
        }
        let json = serde_json::to_vec(&attachments).unwrap_or_default();
        d.add_bytes(f.attachments, &json);
    }

    /// The attachments as indexed and stored: at most [`MAX_ATTACHMENTS`],
    /// texts cut at [`MAX_ATTACHMENT_CHARS`].
    fn capped_attachments(&self) -> Vec<Attachment> {
        self.attachments
            .iter()
            .take(MAX_ATTACHMENTS)
            .map(|a| Attachment {
                name: truncate(&a.name, MAX_TITLE_CHARS).to_string(),
                text: truncate(&a.text, MAX_ATTACHMENT_CHARS).to_string(),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
        assert_eq!(Kind::parse("page"), None);
    }

    #[test]
    fn truncates_on_characters() {
        assert_eq!(truncate("党建动态", 2), "党建");
        assert_eq!(truncate("党建", 5), "党建");
    }
}
