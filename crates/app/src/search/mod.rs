//! Search (史料查询): this node's Chinese full-text index (`dangjian-search`)
//! under `<data_dir>/search`, fed from the database's change feed
//! (`indexer`), the documents it holds (`documents`), and the queries of the
//! portal (public items only) and of the office (everything of the site the
//! person may see in the office list).

pub mod documents;
pub mod indexer;
mod settings;

use std::collections::BTreeMap;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};

use dangjian_domain::clock::{DAY_MS, parse_local_date};
use dangjian_domain::column::ColumnId;
use dangjian_domain::ids::SiteId;
use dangjian_domain::role::Permission;
pub use dangjian_search::{Fragment, Hit, Kind, Snippet};
use dangjian_search::{SearchIndex, SearchQuery, SearchResults, Sort};
use dangjian_store::columns;
use dangjian_store::search::{self as stored, IndexedArticle, IndexedQuestion};

use documents::Key;

use crate::actor::Actor;
use crate::{App, AppError, Result};

pub use documents::PUBLIC;
pub use indexer::{RebuildReport, run_indexer};

/// Hits per page.
pub const PER_PAGE: usize = 10;
/// Longest query read, in characters (the rest is dropped).
const MAX_QUERY_CHARS: usize = 100;

/// The kinds a reader can filter by today.
pub const KINDS: [Kind; 4] = [Kind::Article, Kind::Video, Kind::Attachment, Kind::Qa];

/// The node's index and what coordinates writing to it.
#[derive(Default)]
pub struct SearchState {
    index: OnceLock<Arc<SearchIndex>>,
    opening: std::sync::Mutex<()>,
    /// Held by an indexer pass and by a rebuild's swap, so that a pass
    /// never commits a number past changes the new generation lacks.
    pub(crate) writes: tokio::sync::Mutex<()>,
    pub(crate) rebuilding: AtomicBool,
}

/// A search as asked, in the words of the form (all optional).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct SearchRequest {
    pub q: String,
    pub kind: String,
    pub column: String,
    pub from: String,
    pub to: String,
    /// `date` for newest first; anything else is relevance.
    pub sort: String,
    pub page: String,
}

/// Where a result leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Article(i64),
    Question(i64),
}

/// One found item with what a result line shows.
#[derive(Debug, Clone)]
pub struct Found {
    pub hit: Hit,
    pub target: Target,
    /// For an attachment: the title of the article it is attached to.
    pub within: String,
    /// The article's column, or the question's topic.
    pub place: String,
}

/// A page of results.
#[derive(Debug, Clone, Default)]
pub struct SearchPage {
    /// The query as searched (trimmed and capped).
    pub query: String,
    pub total: usize,
    pub found: Vec<Found>,
    pub page: usize,
    pub pages: usize,
    /// Words of a query that found nothing which find something alone.
    pub suggestions: Vec<String>,
    pub hot: Vec<String>,
}

/// Who is searching.
pub enum Searcher<'a> {
    Public,
    Office(&'a Actor),
}

impl App {
    pub(crate) fn search_state(&self) -> &SearchState {
        &self.search
    }

    /// The node's index, opened on first use.
    pub fn search_index(&self) -> Result<Arc<SearchIndex>> {
        if let Some(index) = self.search.index.get() {
            return Ok(index.clone());
        }
        // One opening at a time: a directory has one index, and a second
        // open of it would fail on the writer's lock.
        let _opening = self
            .search
            .opening
            .lock()
            .map_err(|_| AppError::internal("the search index's opening lock is poisoned"))?;
        if let Some(index) = self.search.index.get() {
            return Ok(index.clone());
        }
        let dir = self.config().data_dir.join("search");
        let opened = Arc::new(SearchIndex::open(&dir).map_err(AppError::internal)?);
        Ok(self.search.index.get_or_init(|| opened).clone())
    }

    /// Searches a site: the portal's public items, or for office staff
    /// everything of the site.
    pub async fn search(
        &self,
        searcher: Searcher<'_>,
        site: SiteId,
        request: &SearchRequest,
    ) -> Result<SearchPage> {
        let audience = match searcher {
            Searcher::Public => vec![PUBLIC.to_owned()],
            Searcher::Office(actor) => {
                if !actor.can(Permission::ManageSite) && !actor.can(Permission::ReviewArticles) {
                    self.require(actor, Permission::WriteArticles, "search.office", "search")
                        .await?;
                }
                vec![PUBLIC.to_owned(), documents::office_audience(site.0)]
            }
        };
        let public = audience.len() == 1;
        let text: String = request.q.trim().chars().take(MAX_QUERY_CHARS).collect();
        if text.is_empty() {
            return Ok(SearchPage {
                hot: self.search_settings(site).await?.hot,
                ..SearchPage::default()
            });
        }
        let query = self
            .query_of(site, &text, request, audience, public)
            .await?;
        let page = query.offset / PER_PAGE + 1;
        let index = self.search_index()?;
        let results = tokio::task::spawn_blocking(move || index.search(&query))
            .await
            .map_err(AppError::internal)?
            .map_err(AppError::internal)?;
        let found = self.found(site, &results, public).await?;
        // The hot searches only help a page that found nothing.
        let hot = if found.is_empty() {
            self.search_settings(site).await?.hot
        } else {
            Vec::new()
        };
        Ok(SearchPage {
            query: text,
            total: results.total,
            pages: results.total.div_ceil(PER_PAGE).max(1),
            page,
            found,
            suggestions: results.suggestions,
            hot,
        })
    }

    async fn query_of(
        &self,
        site: SiteId,
        text: &str,
        request: &SearchRequest,
        audience: Vec<String>,
        public: bool,
    ) -> Result<SearchQuery> {
        let mut query = SearchQuery::new(site.0, text, &[]);
        query.audience = audience;
        query.kinds = KINDS
            .into_iter()
            .filter(|k| k.as_str() == request.kind.trim())
            .collect();
        if let Ok(column) = request.column.trim().parse::<i64>() {
            query.columns = self.column_and_below(site, ColumnId(column)).await?;
        }
        query.date_from = parse_local_date(&request.from);
        query.date_until = parse_local_date(&request.to).map(|day| day + DAY_MS);
        if public {
            // Scheduled items are not public before their minute.
            let now = self.now_ms() + 1;
            query.date_until = Some(query.date_until.map_or(now, |until| until.min(now)));
        }
        query.sort = if request.sort == "date" {
            Sort::Newest
        } else {
            Sort::Relevance
        };
        let page = request.page.trim().parse::<usize>().unwrap_or(1).max(1);
        query.offset = ((page - 1) * PER_PAGE).min(dangjian_search::MAX_OFFSET);
        query.limit = PER_PAGE;
        Ok(query)
    }

    /// A column and every column below it.
    async fn column_and_below(&self, site: SiteId, top: ColumnId) -> Result<Vec<i64>> {
        let mut conn = self.store().read().await?;
        let all = columns::columns(&mut conn, site).await?;
        let mut chosen = vec![top];
        let mut i = 0;
        while let Some(parent) = chosen.get(i).copied() {
            chosen.extend(
                all.iter()
                    .filter(|c| c.parent_id == Some(parent))
                    .map(|c| c.id),
            );
            i += 1;
        }
        Ok(chosen.into_iter().map(|c| c.0).collect())
    }

    /// The hits with what their lines show; for the portal, only hits
    /// whose item is public right now (the index may lag a withdrawal by a
    /// moment; the page never does).
    async fn found(
        &self,
        site: SiteId,
        results: &SearchResults,
        public: bool,
    ) -> Result<Vec<Found>> {
        let keys: Vec<(Hit, Key)> = results
            .hits
            .iter()
            .filter_map(|h| Key::parse(&h.key).map(|k| (h.clone(), k)))
            .collect();
        let article_ids: Vec<i64> = keys.iter().filter_map(|(_, k)| k.article()).collect();
        let question_ids: Vec<i64> = keys.iter().filter_map(|(_, k)| k.question()).collect();
        let mut conn = self.store().read().await?;
        let articles: BTreeMap<i64, IndexedArticle> = stored::articles(&mut conn, &article_ids)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
        let questions: BTreeMap<i64, IndexedQuestion> = stored::questions(&mut conn, &question_ids)
            .await?
            .into_iter()
            .map(|q| (q.id, q))
            .collect();
        let names: BTreeMap<i64, String> = columns::columns(&mut conn, site)
            .await?
            .into_iter()
            .map(|c| (c.id.0, c.name))
            .collect();
        let now = self.now_ms();
        let found = keys
            .into_iter()
            .filter_map(|(hit, key)| match key {
                Key::Question(id) => {
                    let question = questions.get(&id)?;
                    (!public || question.status == "published").then(|| Found {
                        hit,
                        target: Target::Question(id),
                        within: String::new(),
                        place: question.topic.clone(),
                    })
                }
                Key::Article(id) | Key::Attachment(id, _) => {
                    let article = articles.get(&id)?;
                    (!public || article_is_live(article, now)).then(|| Found {
                        within: article.title.clone(),
                        place: article
                            .columns
                            .first()
                            .and_then(|c| names.get(c))
                            .cloned()
                            .unwrap_or_default(),
                        hit,
                        target: Target::Article(id),
                    })
                }
            })
            .collect();
        Ok(found)
    }
}

/// Whether the portal shows the article now.
fn article_is_live(article: &IndexedArticle, now: i64) -> bool {
    article.status == "published"
        && article.revises_id.is_none()
        && article.publish_at.is_some_and(|at| at <= now)
}
