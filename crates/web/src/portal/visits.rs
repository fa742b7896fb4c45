//! Counting portal page views for the statistics: every successful GET of
//! an HTML page (home, column, article, archive) is noted in memory by the
//! application, whether it was rendered or came from the page cache. Feeds,
//! sitemap, robots.txt, assets and media are not pages people read.

use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
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
        let html = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/html"));
        let Some(tags) = response.extensions().get::<Tags>() else {
            return;
        };
        let Some(page) = html.then(|| page_of(&self.path, tags)).flatten() else {
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
}
