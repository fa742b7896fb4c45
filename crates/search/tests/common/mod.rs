//! Shared test support: the fixture corpus and an index built from it.

#![allow(dead_code)]

use std::path::Path;

use dangjian_search::{Attachment, Kind, SearchDoc, SearchIndex, SearchQuery, SearchResults};
use serde::Deserialize;

#[derive(Deserialize)]
struct Corpus {
    doc: Vec<FixtureDoc>,
}

#[derive(Deserialize)]
struct FixtureDoc {
    key: String,
    kind: String,
    title: String,
    body: String,
    date: String,
    column: Option<i64>,
    site: Option<i64>,
    audience: Option<Vec<String>>,
    #[serde(default)]
    attachments: Vec<FixtureAttachment>,
}

#[derive(Deserialize)]
struct FixtureAttachment {
    name: String,
    text: String,
}

/// Unix milliseconds of midnight UTC of `YYYY-MM-DD`.
pub fn date_ms(date: &str) -> i64 {
    let parts: Vec<i64> = date.split('-').map(|p| p.parse().unwrap()).collect();
    let (y, m, d) = (parts[0], parts[1], parts[2]);
    // Days from civil (Howard Hinnant's algorithm).
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    (era * 146_097 + doe - 719_468) * 86_400_000
}

/// The fixture corpus as search documents.
pub fn corpus() -> Vec<SearchDoc> {
    let text = include_str!("../fixtures/corpus.toml");
    let corpus: Corpus = toml::from_str(text).expect("corpus.toml parses");
    corpus
        .doc
        .into_iter()
        .map(|d| SearchDoc {
            kind: Kind::parse(&d.kind).unwrap_or_else(|| panic!("kind {}", d.kind)),
            key: d.key,
            site: d.site.unwrap_or(1),
            title: d.title,
            body: d.body,
            attachments: d
                .attachments
                .into_iter()
                .map(|a| Attachment {
                    name: a.name,
                    text: a.text,
                })
                .collect(),
            column: d.column,
            placements: Vec::new(),
            date_ms: date_ms(&d.date),
            audience: d.audience.unwrap_or_else(|| vec!["public".to_string()]),
        })
        .collect()
}

/// An index in `dir` holding the whole corpus, committed at sequence 1.
pub fn corpus_index(dir: &Path) -> SearchIndex {
    let index = SearchIndex::open(dir).unwrap();
    for doc in corpus() {
        index.upsert(&doc).unwrap();
    }
    index.commit(1).unwrap();
    index
}

/// A public query on site 1.
pub fn public(text: &str) -> SearchQuery {
    SearchQuery::new(1, text, &["public"])
}

pub fn keys(results: &SearchResults) -> Vec<&str> {
    results.hits.iter().map(|h| h.key.as_str()).collect()
}

/// A minimal public document.
pub fn doc(key: &str, title: &str, body: &str) -> SearchDoc {
    SearchDoc {
        key: key.to_string(),
        site: 1,
        kind: Kind::Article,
        title: title.to_string(),
        body: body.to_string(),
        attachments: Vec::new(),
        column: None,
        placements: Vec::new(),
        date_ms: date_ms("2024-01-01"),
        audience: vec!["public".to_string()],
    }
}
