//! The query and result model.

use crate::doc::Kind;

/// Default and largest page size.
pub const DEFAULT_LIMIT: usize = 10;
pub const MAX_LIMIT: usize = 100;
/// Deepest offset served; nobody pages further, and deep pages are costly.
pub const MAX_OFFSET: usize = 10_000;

/// Order of the hits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best match first.
    #[default]
    Relevance,
    /// Newest `date_ms` first (ties by relevance).
    Newest,
}

/// One search request. Build with [`SearchQuery::new`] and adjust fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchQuery {
    /// What the reader typed; any text is accepted (see `SearchIndex::search`).
    pub text: String,
    pub site: i64,
    /// Only these kinds; empty means all.
    pub kinds: Vec<Kind>,
    /// Only items in one of these columns; empty means all.
    pub columns: Vec<i64>,
    /// Only items dated at or after this (Unix ms).
    pub date_from: Option<i64>,
    /// Only items dated before this (Unix ms).
    pub date_until: Option<i64>,
    pub sort: Sort,
    pub offset: usize,
    /// Hits per page, at most [`MAX_LIMIT`]; 0 only counts.
    pub limit: usize,
    /// Audience tokens the asker may see (`public` for the portal); an empty
    /// list matches nothing.
    pub audience: Vec<String>,
}

impl SearchQuery {
    /// A relevance-ordered first page over all kinds, columns and dates.
    pub fn new(site: i64, text: impl Into<String>, audience: &[&str]) -> Self {
        SearchQuery {
            text: text.into(),
            site,
            kinds: Vec::new(),
            columns: Vec::new(),
            date_from: None,
            date_until: None,
            sort: Sort::Relevance,
            offset: 0,
            limit: DEFAULT_LIMIT,
            audience: audience.iter().map(|a| a.to_string()).collect(),
        }
    }
}

/// A piece of snippet text; `hit` marks what matched the query. Plain text:
/// the templates escape it and decide how to mark hits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fragment {
    pub text: String,
    pub hit: bool,
}

/// An excerpt of a text with the matches marked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Snippet {
    pub parts: Vec<Fragment>,
    /// Text was left out before the excerpt (show an ellipsis).
    pub cut_before: bool,
    /// Text was left out after the excerpt.
    pub cut_after: bool,
}

impl Snippet {
    /// The excerpt without marks.
    pub fn text(&self) -> String {
        self.parts.iter().map(|p| p.text.as_str()).collect()
    }

    /// Whether anything in the excerpt matched.
    pub fn has_hit(&self) -> bool {
        self.parts.iter().any(|p| p.hit)
    }

    /// The matched pieces.
    pub fn hits(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter(|p| p.hit).map(|p| p.text.as_str())
    }
}

/// The attachment a hit was found in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentHit {
    /// Position of the attachment in [`crate::SearchDoc::attachments`].
    pub index: usize,
    /// The attachment's file name.
    pub name: String,
    /// The name with matches marked.
    pub name_snippet: Snippet,
    /// Where the query matched in its text.
    pub text: Snippet,
}

/// One found item.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub key: String,
    /// Relevance score (also computed when sorted by date).
    pub score: f32,
    pub kind: Kind,
    pub date_ms: i64,
    pub column: Option<i64>,
    /// The whole title, matches marked.
    pub title: Snippet,
    /// The best passage of the body (its beginning when nothing matched
    /// there).
    pub body: Snippet,
    /// Set when the query matched in an attachment (its name or text).
    pub attachment: Option<AttachmentHit>,
}

/// A page of hits.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SearchResults {
    /// All matching items, not just this page.
    pub total: usize,
    pub hits: Vec<Hit>,
    /// When nothing matched a query of several words: the words that do
    /// find something on their own, to offer searching each one.
    pub suggestions: Vec<String>,
}
