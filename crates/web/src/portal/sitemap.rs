//! `/sitemap.xml` (the homepage, the archive, every visible column and every
//! published article) and `/robots.txt` (everything allowed, pointing at the
//! sitemap; the office is another listener and is never named).

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use dangjian_app::domain::clock::format_local_date;

use super::{Tags, column_href, document, origin};
use crate::error::WebResult;
use crate::state::AppState;

/// The most addresses one sitemap file may list.
const SITEMAP_LIMIT: i64 = 50_000;

pub struct Url {
    pub loc: String,
    pub lastmod: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/sitemap.xml")]
struct Sitemap {
    urls: Vec<Url>,
}

#[derive(Template)]
#[template(path = "portal/robots.txt")]
struct Robots {
    sitemap: String,
}

pub async fn sitemap(State(state): State<AppState>, headers: HeaderMap) -> WebResult<Response> {
    let site = state.app.default_site().await?;
    let origin = origin(&state, &headers, &state.app.site_profile(site).await?);
    let columns = state.app.public_columns(site).await?;
    let articles = state
        .app
        .public_latest(site, None, SITEMAP_LIMIT - 2 - columns.len() as i64)
        .await?;
    let fixed = ["/", "/archive"].into_iter().map(|path| Url {
        loc: format!("{origin}{path}"),
        lastmod: None,
    });
    let column_urls = columns
        .iter()
        .map(column_href)
        .filter(|href| href.starts_with('/'))
        .map(|href| Url {
            loc: format!("{origin}{href}"),
            lastmod: None,
        });
    let article_urls = articles.iter().map(|a| Url {
        loc: format!("{origin}/article/{}", a.id),
        lastmod: Some(format_local_date(a.updated_at.max(a.publish_at))),
    });
    let urls = fixed.chain(column_urls).chain(article_urls).collect();
    document(
        &Sitemap { urls },
        "application/xml; charset=utf-8",
        Tags::site_wide(),
    )
}

pub async fn robots(State(state): State<AppState>, headers: HeaderMap) -> WebResult<Response> {
    let site = state.app.default_site().await?;
    let profile = state.app.site_profile(site).await?;
    let sitemap = format!("{}/sitemap.xml", origin(&state, &headers, &profile));
    document(
        &Robots { sitemap },
        "text/plain; charset=utf-8",
        Tags::default(),
    )
}
