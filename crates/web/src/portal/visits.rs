//! Counting portal page views for the statistics: every successful GET of
//! an HTML page (home, column, article, archive) is noted in memory by the
//! application, whether it was rendered or came from the page cache. Feeds,
//! sitemap, robots.txt, assets and media are not pages people read.

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use dangjian_app::App;
use dangjian_app::domain::visit::{PageKind, PageRef};
use dangjian_app::stats::PageView;

use super::Tags;

/// What a request tells the statistics, taken before it is handled.
pub struct Seen {
    path: String,
    user_agent: String,
    referer: String,
    host: String,
}

impl Seen {
    /// The parts of a GET that matter, or `None` for other methods.
    pub fn of(request: &Request) -> Option<Seen> {
        if request.method() != Method::GET {
            return None;
        }
        let headers = request.headers();
        let text = |name| {
            headers
                .get(name)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .unwrap_or_default()
        };
        Some(Seen {
            path: request.uri().path().to_owned(),
            user_agent: text(header::USER_AGENT),
            referer: text(header::REFERER),
            host: text(header::HOST),
        })
    }

    /// Notes the view if the answer is the page itself (200, HTML).
    pub fn count(&self, app: &App, response: &Response) {
        if response.status() != StatusCode::OK {
            return;
        }
        let Some(tags) = response.extensions().get::<Tags>() else {
            return;
        };
        let content_type = response.headers().get(header::CONTENT_TYPE);
        let Some(page) = counted_page(&self.path, content_type, tags) else {
            return;
        };
        app.note_visit(PageView {
            page,
            user_agent: &self.user_agent,
            referer: &self.referer,
            host: &self.host,
        });
    }
}

/// The page a successful GET of `path` counts as, if it is an HTML page
/// people read. Fixed for a cached page, so the cache works it out once.
pub fn counted_page(
    path: &str,
    content_type: Option<&HeaderValue>,
    tags: &Tags,
) -> Option<PageRef> {
    let html = content_type
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    html.then(|| page_of(path, tags)).flatten()
}

/// Notes a view of `page` answered straight from the page cache (a 200 to
/// a GET), reading the request's headers in place: no copies per request.
pub fn note(app: &App, page: PageRef, asked: &HeaderMap) {
    let text = |name| {
        asked
            .get(name)
            .map(|v: &HeaderValue| String::from_utf8_lossy(v.as_bytes()))
            .unwrap_or_default()
    };
    app.note_visit(PageView {
        page,
        user_agent: &text(header::USER_AGENT),
        referer: &text(header::REFERER),
        host: &text(header::HOST),
    });
}

/// The counted page a path and its tags name.
fn page_of(path: &str, tags: &Tags) -> Option<PageRef> {
    let segments: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let (kind, id) = match segments.as_slice() {
        [""] => (PageKind::Home, 0),
        ["article", _] => (PageKind::Article, tags.articles.first()?.0),
        ["column", _] => (PageKind::Column, tags.columns.first()?.0),
        ["archive"] | ["archive", _, _] => (PageKind::Archive, 0),
        _ => return None,
    };
    Some(PageRef { kind, id })
}

#[cfg(test)]
mod tests {
    use super::*;
    use dangjian_app::domain::article::ArticleId;
    use dangjian_app::domain::column::ColumnId;

    #[test]
    fn visits_count_only_reading_pages() {
        let article = Tags {
            articles: vec![ArticleId(7)],
            ..Tags::default()
        };
        let column = Tags {
            columns: vec![ColumnId(3), ColumnId(4)],
            ..Tags::default()
        };
        let site = Tags::site_wide();
        assert_eq!(page_of("/", &site).unwrap().code(), "home");
        assert_eq!(page_of("/article/7", &article).unwrap().code(), "article:7");
        assert_eq!(page_of("/column/dt", &column).unwrap().code(), "column:3");
        assert_eq!(
            page_of("/archive/2026/01", &site).unwrap().code(),
            "archive"
        );
        assert!(page_of("/column/dt/feed.xml", &column).is_none());
        assert!(page_of("/feed.xml", &site).is_none());
        assert!(page_of("/sitemap.xml", &site).is_none());
    }

    #[test]
    fn visits_count_html_answers_only() {
        let site = Tags::site_wide();
        let html = HeaderValue::from_static("text/html; charset=utf-8");
        let xml = HeaderValue::from_static("application/rss+xml");
        assert!(counted_page("/", Some(&html), &site).is_some());
        assert!(counted_page("/", Some(&xml), &site).is_none());
        assert!(counted_page("/", None, &site).is_none());
    }
}
