//! The index schema and the handles of its fields.
//!
//! Stored fields keep the original text for hits and snippets; indexed
//! fields receive the normalised text (see `doc`). Each text (title, body,
//! attachments) is indexed twice, as words and as characters/bigrams, so a
//! query can use whichever fits its shape; titles also carry pinyin.

use tantivy::schema::{
    Field, INDEXED, IndexRecordOption, NumericOptions, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions,
};

use crate::tokenize;

/// Bumped whenever the schema changes: an index written with another
/// version must be rebuilt (see `SearchIndex::open`).
pub(crate) const SCHEMA_VERSION: u32 = 1;

/// Field handles, resolved once per index generation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub key: Field,
    pub site: Field,
    pub kind: Field,
    pub column: Field,
    pub date: Field,
    pub audience: Field,
    pub title: Field,
    pub body: Field,
    pub attachments: Field,
    pub title_word: Field,
    pub title_gram: Field,
    pub title_pinyin: Field,
    pub body_word: Field,
    pub body_gram: Field,
    pub att_word: Field,
    pub att_gram: Field,
}

/// The name of the date fast field (sorting by newest refers to it by name).
pub(crate) const DATE: &str = "date_ms";

fn analysed(tokenizer: &str, record: IndexRecordOption) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(record),
    )
}

/// Builds the schema of a new index.
pub(crate) fn build() -> Schema {
    let words = || analysed(tokenize::WORD, IndexRecordOption::WithFreqs);
    // Positions are needed on the gram fields only: a query of three or
    // more characters is a phrase of bigrams there.
    let grams = || analysed(tokenize::GRAM, IndexRecordOption::WithFreqsAndPositions);
    let mut b = Schema::builder();
    b.add_text_field("key", STRING | STORED);
    b.add_i64_field("site", INDEXED);
    b.add_text_field("kind", STRING | STORED);
    b.add_i64_field("column", INDEXED | STORED);
    b.add_i64_field(
        DATE,
        NumericOptions::default()
            .set_indexed()
            .set_stored()
            .set_fast(),
    );
    b.add_text_field("audience", STRING);
    b.add_text_field("title", STORED);
    b.add_text_field("body", STORED);
    b.add_bytes_field("attachments", STORED);
    b.add_text_field("title_word", words());
    b.add_text_field("title_gram", grams());
    b.add_text_field(
        "title_pinyin",
        analysed(tokenize::PINYIN, IndexRecordOption::WithFreqs),
    );
    b.add_text_field("body_word", words());
    b.add_text_field("body_gram", grams());
    b.add_text_field("att_word", words());
    b.add_text_field("att_gram", grams());
    b.build()
}

impl Fields {
    /// Resolves the handles; fails when the schema is not ours.
    pub(crate) fn resolve(schema: &Schema) -> Result<Fields, String> {
        let f = |name: &str| {
            schema
                .get_field(name)
                .map_err(|_| format!("field `{name}` is missing"))
        };
        Ok(Fields {
            key: f("key")?,
            site: f("site")?,
            kind: f("kind")?,
            column: f("column")?,
            date: f(DATE)?,
            audience: f("audience")?,
            title: f("title")?,
            body: f("body")?,
            attachments: f("attachments")?,
            title_word: f("title_word")?,
            title_gram: f("title_gram")?,
            title_pinyin: f("title_pinyin")?,
            body_word: f("body_word")?,
            body_gram: f("body_gram")?,
            att_word: f("att_word")?,
            att_gram: f("att_gram")?,
        })
    }
}
