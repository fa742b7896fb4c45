//! The public page cache. A portal page is rendered once and kept as bytes,
//! with its gzip and brotli versions made when it is stored; later requests
//! are answered from memory without touching the database, by
//! Accept-Encoding, with an ETag (a hash of the bytes), Last-Modified and 304
//! on If-None-Match / If-Modified-Since (`entry`).
//!
//! Keys are the language, the care mode and the path with its query. Each
//! page says what it shows (`Tags`); a change announced by the application
//! drops exactly the pages that show the changed article or one of its
//! columns (column pages carry every column of their subtree, so ancestors
//! go too), and the pages that show the newest articles (homepage, feeds,
//! sitemap, archive). A change of the column tree or of the site settings,
//! or a listener that fell behind, clears everything.
//!
//! Two ways in: the middleware on the portal's routes (renders and keeps on
//! a miss), and `answer_directly`, which the public listener asks before
//! the router so that a kept page skips the middleware stack. Both answer
//! a kept page with the same pre-built response.
//!
//! Ordering: every request first applies the announcements already made, so
//! a page read after a use case returned never comes from before its change;
//! a page rendered while a change arrived is served but not kept.

mod entry;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

use axum::body::{Body, to_bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderName, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use dangjian_app::App;
use dangjian_app::changes::Change;
use dangjian_domain::article::ArticleId;
use dangjian_domain::column::ColumnId;
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

use self::entry::{Entry, Made};
use super::notice::FreshUntil;
use super::visits;
use crate::i18n::Locale;

/// How long a page may be served from memory without any announcement: an
/// article scheduled for later appears by itself when its time comes, and
/// no change is announced for it.
const MAX_AGE_MS: i64 = 60_000;

/// The most pages kept: past it, stale pages go first, then everything (so
/// made-up query strings cannot grow the cache without bound).
const MAX_ENTRIES: usize = 20_000;

/// Pages larger than this are served but not kept.
const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;

/// Environment switch: `DANGJIAN_PAGE_CACHE=off` serves every page fresh.
pub const ENV_SWITCH: &str = "DANGJIAN_PAGE_CACHE";

/// What a page shows, so a change drops exactly the pages it affects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tags {
    /// Articles shown in full (their own page).
    pub articles: Vec<ArticleId>,
    /// Columns whose article lists the page shows.
    pub columns: Vec<ColumnId>,
    /// The page lists the newest articles of the whole site.
    pub any_article: bool,
}

impl Tags {
    /// A page showing the site's newest articles (home, feeds, sitemap,
    /// archive).
    pub fn site_wide() -> Self {
        Tags {
            any_article: true,
            ..Tags::default()
        }
    }

    fn affected_by(&self, id: ArticleId, columns: &[ColumnId]) -> bool {
        self.any_article
            || self.articles.contains(&id)
            || self.columns.iter().any(|c| columns.contains(c))
    }
}

/// The cache of one server.
pub struct PageCache {
    enabled: bool,
    app: App,
    entries: RwLock<HashMap<String, Arc<Entry>>>,
    /// Announcements not yet applied by a request.
    pending: Mutex<Receiver<Change>>,
    /// Bumped by every applied change: a page rendered across a bump is not
    /// kept.
    generation: AtomicU64,
}

/// Whether the environment turns the cache off (read once, at start).
pub fn enabled_by_env() -> bool {
    std::env::var(ENV_SWITCH).map_or(true, |v| {
        !matches!(
            v.trim().to_ascii_lowercase().as_str(),
            "off" | "0" | "false" | "no"
        )
    })
}

impl PageCache {
    /// A cache listening to `app`'s changes; with `enabled` false every
    /// request goes to its handler.
    pub fn new(app: App, enabled: bool) -> Arc<PageCache> {
        let cache = Arc::new(PageCache {
            enabled,
            pending: Mutex::new(app.subscribe_changes()),
            app,
            entries: RwLock::default(),
            generation: AtomicU64::new(0),
        });
        if enabled && tokio::runtime::Handle::try_current().is_ok() {
            tokio::spawn(listen(
                Arc::downgrade(&cache),
                cache.app.subscribe_changes(),
            ));
        }
        cache
    }

    /// Drops the pages a change affects.
    pub fn apply(&self, change: &Change) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        let Ok(mut entries) = self.entries.write() else {
            return;
        };
        match change {
            Change::Article { id, columns } => {
                entries.retain(|_, entry| !entry.tags.affected_by(*id, columns));
            }
            Change::Columns | Change::Site => entries.clear(),
        }
    }

    /// Drops every page.
    pub fn clear(&self) {
        self.generation.fetch_add(1, Ordering::SeqCst);
        if let Ok(mut entries) = self.entries.write() {
            entries.clear();
        }
    }

    /// Applies the announcements made so far.
    fn catch_up(&self) {
        let Ok(mut pending) = self.pending.lock() else {
            return;
        };
        loop {
            match pending.try_recv() {
                Ok(change) => self.apply(&change),
                Err(TryRecvError::Lagged(_)) => self.clear(),
                Err(TryRecvError::Empty | TryRecvError::Closed) => break,
            }
        }
    }

    fn get(&self, key: &str) -> Option<Arc<Entry>> {
        let entry = self.entries.read().ok()?.get(key).cloned()?;
        (entry.fresh_until_ms > self.app.now_ms()).then_some(entry)
    }

    fn put(&self, key: String, entry: Arc<Entry>, generation: u64) {
        self.catch_up();
        if self.generation.load(Ordering::SeqCst) != generation {
            return;
        }
        let now = self.app.now_ms();
        if let Ok(mut entries) = self.entries.write() {
            if entries.len() >= MAX_ENTRIES {
                entries.retain(|_, e| e.fresh_until_ms > now);
            }
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(key, entry);
        }
    }
}

/// Applies announcements as they come (frees memory early; requests catch
/// up on their own as well). Ends when the application or the cache is gone.
async fn listen(cache: std::sync::Weak<PageCache>, mut changes: Receiver<Change>) {
    loop {
        let received = changes.recv().await;
        let Some(cache) = cache.upgrade() else {
            break;
        };
        match received {
            Ok(change) => cache.apply(&change),
            Err(RecvError::Lagged(_)) => cache.clear(),
            Err(RecvError::Closed) => break,
        }
    }
}

/// The cache key of a request: language, care mode, host (feeds and the
/// sitemap name it), path and query. The same function for both ways in, so
/// a page is found under the variant it was rendered for.
fn key_of(headers: &HeaderMap, uri: &Uri) -> String {
    let locale = Locale::from_headers(headers).code();
    let care = if super::care_mode(headers) { "1" } else { "0" };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    let mut key = String::with_capacity(locale.len() + host.len() + path.len() + 4);
    for part in [locale, "|", care, "|", host, "|", path] {
        key.push_str(part);
    }
    key
}

fn cacheable(method: &Method) -> bool {
    *method == Method::GET || *method == Method::HEAD
}

impl PageCache {
    /// The answer to a GET or HEAD of a kept page, made without the router
    /// and its layers; `None` sends the request the full way. The answer is
    /// what the full way gives for a kept page: same headers (the security
    /// headers are part of the kept ones; the request id is added here), the
    /// visit counted, the request counted in the metrics.
    pub fn answer_directly<B>(&self, request: &Request<B>) -> Option<Response> {
        let method = request.method();
        if !self.enabled || !cacheable(method) {
            return None;
        }
        let started = Instant::now();
        self.catch_up();
        let asked = request.headers();
        let entry = self.get(&key_of(asked, request.uri()))?;
        let mut response = entry.answer(asked);
        response.headers_mut().insert(
            HeaderName::from_static(crate::headers::REQUEST_ID),
            crate::headers::request_id(asked),
        );
        let status = response.status();
        if *method == Method::HEAD {
            *response.body_mut() = Body::empty();
        } else if status == StatusCode::OK
            && let Some(page) = entry.page
        {
            visits::note(&self.app, page, asked);
        }
        entry.series.record(method, status, started);
        tracing::debug!(
            path = request.uri().path(),
            status = status.as_u16(),
            "answered from the page cache"
        );
        Some(response)
    }
}

/// The middleware: answers from the cache, or renders and keeps the page;
/// either way, a page a person reads is counted for the statistics.
pub async fn serve(State(cache): State<Arc<PageCache>>, request: Request, next: Next) -> Response {
    let seen = visits::Seen::of(&request);
    let response = serve_page(&cache, request, next).await;
    if let Some(seen) = seen {
        seen.count(&cache.app, &response);
    }
    response
}

async fn serve_page(cache: &PageCache, request: Request, next: Next) -> Response {
    if !cache.enabled || !cacheable(request.method()) {
        return next.run(request).await;
    }
    cache.catch_up();
    let key = key_of(request.headers(), request.uri());
    let asked = request.headers().clone();
    if let Some(entry) = cache.get(&key) {
        return tagged(entry.answer(&asked), &entry);
    }
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let path = request.uri().path().to_owned();
    let generation = cache.generation.load(Ordering::SeqCst);
    let response = next.run(request).await;
    let Some(tags) = response.extensions().get::<Tags>().cloned() else {
        return response;
    };
    if response.status() != StatusCode::OK {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_PAGE_BYTES).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let Some(content_type) = parts.headers.get(header::CONTENT_TYPE).cloned() else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    let now_ms = cache.app.now_ms();
    // A page that changes by itself at a known moment (a notice's state)
    // stays fresh only until then.
    let fresh_for_ms = match parts.extensions.get::<FreshUntil>() {
        Some(FreshUntil(until)) => MAX_AGE_MS.min(until - now_ms),
        None => MAX_AGE_MS,
    };
    if fresh_for_ms <= 0 {
        return Response::from_parts(parts, Body::from(bytes));
    }
    let made = Made {
        page: visits::counted_page(&path, Some(&content_type), &tags),
        content_type,
        tags,
        route,
        now_ms,
        fresh_for_ms,
    };
    let entry = Arc::new(Entry::new(bytes, made));
    cache.put(key, Arc::clone(&entry), generation);
    tagged(entry.answer(&asked), &entry)
}

/// The page's tags on its answer, for the statistics (`visits::Seen`).
fn tagged(mut response: Response, entry: &Entry) -> Response {
    response.extensions_mut().insert(entry.tags.clone());
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn cache_tags_match_articles_columns_and_site_wide_pages() {
        let column_page = Tags {
            columns: vec![ColumnId(1), ColumnId(2)],
            ..Tags::default()
        };
        assert!(column_page.affected_by(ArticleId(9), &[ColumnId(2)]));
        assert!(!column_page.affected_by(ArticleId(9), &[ColumnId(3)]));
        assert!(Tags::site_wide().affected_by(ArticleId(9), &[]));
        let article_page = Tags {
            articles: vec![ArticleId(9)],
            ..Tags::default()
        };
        assert!(article_page.affected_by(ArticleId(9), &[]));
        assert!(!article_page.affected_by(ArticleId(8), &[]));
    }

    #[test]
    fn cache_keys_separate_language_care_mode_host_and_query() {
        let key = |cookie: Option<&str>, host: &str, uri: &str| {
            let mut headers = HeaderMap::new();
            headers.insert(header::HOST, HeaderValue::from_str(host).unwrap());
            if let Some(cookie) = cookie {
                headers.insert(header::COOKIE, HeaderValue::from_str(cookie).unwrap());
            }
            key_of(&headers, &uri.parse::<Uri>().unwrap())
        };
        assert_eq!(
            key(None, "a.example", "/x?page=2"),
            "zh-CN|0|a.example|/x?page=2"
        );
        assert_eq!(
            key(Some("lang=en; care=1"), "a.example", "/x"),
            "en|1|a.example|/x"
        );
        // A language the site does not have is the default one.
        assert_eq!(key(Some("lang=fr"), "b", "/"), "zh-CN|0|b|/");
        assert_ne!(key(None, "a", "/x"), key(None, "b", "/x"));
        assert_ne!(key(None, "a", "/x"), key(None, "a", "/x?page=1"));
    }
}
