//! Chinese full-text search for the dangjian portal and office.
//!
//! A [`SearchIndex`] lives in a directory and is fed [`SearchDoc`]s by the
//! application (from its change table), committed with the sequence number
//! of the last change applied, and queried with [`SearchQuery`]s that carry
//! the asker's audience tokens. Hits come with plain-text [`Snippet`]s whose
//! [`Fragment`]s mark the matches.
//!
//! # How Chinese text is searched
//!
//! * **Normalisation** (`normalize`): documents and queries both have
//!   full-width forms folded to half-width, Latin lower-cased and
//!   traditional characters simplified, one character for one character.
//! * **Words** (`dj_word` fields): jieba, with the party-building dictionary
//!   in `dict/party.txt` and editors' words ([`SearchIndex::add_words`]), in
//!   search mode so long terms also yield the words inside them.
//! * **Characters and bigrams** (`dj_gram` fields): a one-character query
//!   is a character term, a two-character one a bigram term, a longer one a
//!   phrase of bigrams. So any substring is found, whatever the dictionary
//!   knew when the document was indexed. (In bodies and attachments, a
//!   longer word of the shipped dictionary is looked up as a word only:
//!   every document has it as a word, and phrases over long texts are the
//!   costliest part of a query. [`SearchIndex::needs_rebuild`] tells when
//!   the index was segmented with other dictionaries.)
//! * **Pinyin** (`title_pinyin`): full pinyin and initials of title words
//!   and word spans; a Latin query is also tried there.
//! * **Synonyms** ([`SearchIndex::set_synonyms`]): expand the query only.
//! * **Ranking**: BM25 per field, the best field of each query unit counts
//!   (title ×4, body ×1, attachments ×0.6, title pinyin ×3), all units must
//!   match, and titles containing a multi-word run of the query verbatim
//!   score extra.
//! * **Snippets**: whole titles and the best passage of bodies and
//!   attachments, as [`Fragment`]s of the original text (no HTML).
//!
//! # Durability and rebuilds
//!
//! [`SearchIndex::commit`] stores the feeder's sequence number in tantivy's
//! commit metadata, readable after a restart with
//! [`SearchIndex::last_change_seq`]. [`SearchIndex::rebuild`] builds a new
//! generation directory while the current one keeps answering, then swaps
//! the pointer file and the in-memory generation atomically.
//!
//! ```no_run
//! use dangjian_search::{Kind, SearchDoc, SearchIndex, SearchQuery};
//!
//! let index = SearchIndex::open("/var/lib/dangjian/search")?;
//! index.upsert(&SearchDoc {
//!     key: "article:123".into(),
//!     site: 1,
//!     kind: Kind::Article,
//!     title: "党建动态".into(),
//!     body: "……".into(),
//!     attachments: Vec::new(),
//!     column: Some(5),
//!     placements: Vec::new(),
//!     date_ms: 1_717_200_000_000,
//!     audience: vec!["public".into()],
//! })?;
//! index.commit(4711)?; // the last change applied
//! let results = index.search(&SearchQuery::new(1, "djdt", &["public"]))?;
//! # Ok::<(), dangjian_search::SearchError>(())
//! ```

#![forbid(unsafe_code)]

mod build;
mod doc;
mod error;
mod generation;
mod highlight;
mod index;
mod normalize;
mod pinyin;
mod plan;
mod query;
mod schema;
mod search;
mod segment;
mod synonyms;
mod tokenize;

pub use doc::{Attachment, Kind, SearchDoc};
pub use error::{Result, SearchError};
pub use generation::WriterOptions;
pub use index::{Rebuild, SearchIndex};
pub use normalize::normalize;
pub use query::{
    AttachmentHit, DEFAULT_LIMIT, Fragment, Hit, MAX_LIMIT, MAX_OFFSET, SearchQuery, SearchResults,
    Snippet, Sort,
};
