//! The public page cache. A portal page is rendered once and kept as bytes,
//! with its gzip and brotli versions made when it is stored; later requests
//! are answered from memory without touching the database, by
//! Accept-Encoding, with an ETag (a hash of the bytes), Last-Modified and 304
//! on If-None-Match / If-Modified-Since.
//!
//! Keys are the language, the care mode and the path with its query. Each
//! page says what it shows (`Tags`); a change announced by the application
//! drops exactly the pages that show the changed article or one of its
//! columns (column pages carry every column of their subtree, so ancestors
//! go too), and the pages that show the newest articles (homepage, feeds,
//! sitemap, archive). A change of the column tree or of the site settings,
//! or a listener that fell behind, clears everything.
//!
//! Ordering: every request first applies the announcements already made, so
//! a page read after a use case returned never comes from before its change;
//! a page rendered while a change arrived is served but not kept.

use std::collections::HashMap;
use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use dangjian_app::App;
use dangjian_app::changes::Change;
use dangjian_domain::article::ArticleId;
use dangjian_domain::column::ColumnId;
use sha2::{Digest, Sha256};
use tokio::sync::broadcast::Receiver;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};

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

struct Entry {
    identity: Bytes,
    gzip: Bytes,
    brotli: Bytes,
    content_type: HeaderValue,
    /// Quoted hash of the identity bytes (the compressed versions add a
    /// suffix).
    etag: String,
    last_modified: SystemTime,
    fresh_until_ms: i64,
    tags: Tags,
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
/// sitemap name it), path and query.
fn key_of(request: &Request) -> String {
    let headers = request.headers();
    let locale = Locale::from_headers(headers);
    let care = super::care_mode(headers);
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let uri = request.uri();
    let path = uri.path_and_query().map_or(uri.path(), |p| p.as_str());
    format!("{}|{}|{host}|{path}", locale.code(), u8::from(care))
}

/// The middleware: answers from the cache, or renders and keeps the page;
/// either way, a page a person reads is counted for the statistics.
pub async fn serve(State(cache): State<Arc<PageCache>>, request: Request, next: Next) -> Response {
    let seen = super::visits::Seen::of(&request);
    let response = serve_page(&cache, request, next).await;
    if let Some(seen) = seen {
        seen.count(&cache.app, &response);
    }
    response
}

async fn serve_page(cache: &PageCache, request: Request, next: Next) -> Response {
    if !cache.enabled || request.method() != Method::GET {
        return next.run(request).await;
    }
    cache.catch_up();
    let key = key_of(&request);
    let asked = request.headers().clone();
    if let Some(entry) = cache.get(&key) {
        return answer(&entry, &asked);
    }
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
    let entry = Arc::new(make_entry(bytes, content_type, tags, cache.app.now_ms()));
    cache.put(key, Arc::clone(&entry), generation);
    answer(&entry, &asked)
}

fn make_entry(identity: Bytes, content_type: HeaderValue, tags: Tags, now_ms: i64) -> Entry {
    let digest = Sha256::digest(&identity);
    let etag = format!("\"{}\"", hex::encode(&digest[..12]));
    Entry {
        gzip: Bytes::from(gzip(&identity)),
        brotli: Bytes::from(brotli(&identity)),
        identity,
        content_type,
        etag,
        last_modified: SystemTime::now(),
        fresh_until_ms: now_ms + MAX_AGE_MS,
        tags,
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    // Writing to a Vec cannot fail.
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

fn brotli(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 4096, 9, 22);
        let _ = writer.write_all(bytes);
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Coding {
    Brotli,
    Gzip,
    Identity,
}

/// The best coding the client accepts (brotli, then gzip).
fn coding(headers: &HeaderMap) -> Coding {
    let accepted: Vec<String> = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|part| {
            let mut pieces = part.split(';');
            let name = pieces.next()?.trim().to_ascii_lowercase();
            let refused = pieces.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            (!refused).then_some(name)
        })
        .collect();
    if accepted.iter().any(|c| c == "br") {
        Coding::Brotli
    } else if accepted.iter().any(|c| c == "gzip" || c == "x-gzip") {
        Coding::Gzip
    } else {
        Coding::Identity
    }
}

fn tagged_etag(entry: &Entry, coding: Coding) -> String {
    let base = entry.etag.trim_end_matches('"');
    match coding {
        Coding::Identity => entry.etag.clone(),
        Coding::Gzip => format!("{base}-gz\""),
        Coding::Brotli => format!("{base}-br\""),
    }
}

/// Whether the client already holds this page.
fn not_modified(entry: &Entry, asked: &HeaderMap) -> bool {
    if let Some(tags) = asked
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    {
        let known = [Coding::Identity, Coding::Gzip, Coding::Brotli].map(|c| tagged_etag(entry, c));
        return tags
            .split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == "*" || known.iter().any(|k| k == t));
    }
    asked
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .is_some_and(|since| {
            let whole_seconds = httpdate::fmt_http_date(entry.last_modified);
            httpdate::parse_http_date(&whole_seconds).is_ok_and(|modified| modified <= since)
        })
}

fn answer(entry: &Entry, asked: &HeaderMap) -> Response {
    let coding = coding(asked);
    let mut response = if not_modified(entry, asked) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        let (bytes, name) = match coding {
            Coding::Brotli => (entry.brotli.clone(), Some("br")),
            Coding::Gzip => (entry.gzip.clone(), Some("gzip")),
            Coding::Identity => (entry.identity.clone(), None),
        };
        let mut response = Body::from(bytes).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, entry.content_type.clone());
        if let Some(name) = name {
            response
                .headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static(name));
        }
        response
    };
    // What the page shows, for the statistics.
    response.extensions_mut().insert(entry.tags.clone());
    let headers = response.headers_mut();
    if let Ok(etag) = HeaderValue::from_str(&tagged_etag(entry, coding)) {
        headers.insert(header::ETAG, etag);
    }
    if let Ok(date) = HeaderValue::from_str(&httpdate::fmt_http_date(entry.last_modified)) {
        headers.insert(header::LAST_MODIFIED, date);
    }
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Accept-Encoding, Cookie"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, no-cache"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn cache_picks_the_best_accepted_coding() {
        assert_eq!(
            coding(&headers(&[("accept-encoding", "gzip, deflate, br")])),
            Coding::Brotli
        );
        assert_eq!(
            coding(&headers(&[("accept-encoding", "gzip, br;q=0")])),
            Coding::Gzip
        );
        assert_eq!(
            coding(&headers(&[("accept-encoding", "identity")])),
            Coding::Identity
        );
        assert_eq!(coding(&HeaderMap::new()), Coding::Identity);
    }

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
    fn cache_entries_answer_304_on_any_of_their_etags() {
        let entry = make_entry(
            Bytes::from_static(b"<p>x</p>"),
            HeaderValue::from_static("text/html"),
            Tags::default(),
            0,
        );
        let gz = tagged_etag(&entry, Coding::Gzip);
        assert!(not_modified(&entry, &headers(&[("if-none-match", &gz)])));
        assert!(not_modified(
            &entry,
            &headers(&[("if-none-match", &entry.etag)])
        ));
        assert!(!not_modified(
            &entry,
            &headers(&[("if-none-match", "\"other\"")])
        ));
        let mut decoded = Vec::new();
        brotli::BrotliDecompress(&mut &entry.brotli[..], &mut decoded).unwrap();
        assert_eq!(decoded, b"<p>x</p>");
    }
}
