//! An article's page (`/article/{id}`): breadcrumb, date, source, author,
//! views, the (already sanitised) body, attachments, video, previous/next
//! and related articles, a font-size switch and a print view — CSS and
//! links only. A withdrawn article answers 410; drafts, future and unknown
//! ones 404.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use dangjian_app::articles::public::{ArticleLookup, PublicArticle};
use dangjian_app::domain::article::ArticleId;
use dangjian_app::domain::clock::format_local;
use dangjian_app::domain::ids::SiteId;
use dangjian_app::media::MediaItem;
use serde::Deserialize;

use super::notice::{FreshUntil, NoticeView};
use super::{Chrome, Item, Link, Tags, chrome, html, internal, is_web_url};
use crate::error::{WebError, WebResult};
use crate::state::AppState;

#[derive(Debug, Deserialize, Default)]
pub struct ArticleQuery {
    print: Option<String>,
}

/// A file to download.
pub struct Download {
    pub href: String,
    pub name: String,
    pub size: String,
}

/// The video lecture of an article.
pub struct Video {
    pub src: String,
    pub mime: String,
    pub poster: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/article.html")]
struct ArticlePage {
    c: Chrome,
    id: i64,
    print: bool,
    title: String,
    subtitle: String,
    published: String,
    source: String,
    author: String,
    views: i64,
    body: String,
    original: Option<String>,
    trail: Vec<Link>,
    also_in: Vec<Link>,
    downloads: Vec<Download>,
    video: Option<Video>,
    older: Option<Item>,
    newer: Option<Item>,
    related: Vec<Item>,
    /// The 公示 facts when the article is a notice.
    notice: Option<NoticeView>,
}

#[derive(Template)]
#[template(path = "portal/gone.html")]
struct GonePage {
    c: Chrome,
}

/// `12.3 KB`-style sizes.
pub fn human_size(bytes: i64) -> String {
    const UNITS: [&str; 4] = ["B", "KB", "MB", "GB"];
    let mut size = bytes.max(0) as f64;
    let mut unit = 0;
    while size >= 1024.0 && unit + 1 < UNITS.len() {
        size /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{size:.1} {}", UNITS[unit])
    }
}

fn download(item: &MediaItem) -> Download {
    Download {
        href: item.url(),
        name: item.media.original_name.clone(),
        size: human_size(item.media.size),
    }
}

async fn media_of(
    state: &AppState,
    site: SiteId,
    found: &PublicArticle,
) -> WebResult<(Vec<Download>, Option<Video>)> {
    let downloads = state.app.public_media(site, &found.attachments).await?;
    let video = match found.article.video_media_id {
        Some(id) => state
            .app
            .public_media(site, &[id])
            .await?
            .pop()
            .map(|v| Video {
                src: v.url(),
                mime: v.media.mime.clone(),
                poster: v.poster_url(),
            }),
        None => None,
    };
    Ok((downloads.iter().map(download).collect(), video))
}

pub async fn page(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<ArticleQuery>,
    headers: HeaderMap,
) -> WebResult<Response> {
    let id = id
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or(WebError::NotFound)?;
    let print = query.print.as_deref() == Some("1");
    let here = if print {
        format!("/article/{id}?print=1")
    } else {
        format!("/article/{id}")
    };
    let (site, c) = chrome(&state, &headers, &here).await?;
    let found = match state.app.public_article(site, ArticleId(id)).await? {
        ArticleLookup::Found(found) => found,
        ArticleLookup::Withdrawn => return gone(c),
        ArticleLookup::NotFound => return Err(WebError::NotFound),
    };
    let (downloads, video) = media_of(&state, site, &found).await?;
    let article = &found.article;
    let notice = state.app.public_notice(article.id).await?;
    let tags = Tags {
        articles: vec![article.id],
        columns: vec![article.primary_column_id],
        any_article: false,
    };
    let page = ArticlePage {
        id,
        print,
        title: article.title.clone(),
        subtitle: article.subtitle.clone(),
        published: format_local(article.publish_at).chars().take(16).collect(),
        source: article.source.clone(),
        author: article.author.clone(),
        views: article.view_count,
        body: article.body_html.clone(),
        original: article.external_url.clone().filter(|u| is_web_url(u)),
        trail: found.trail.iter().map(Link::column).collect(),
        also_in: found.columns.iter().skip(1).map(Link::column).collect(),
        downloads,
        video,
        older: found.older.as_ref().map(Item::of),
        newer: found.newer.as_ref().map(Item::of),
        related: Item::list(&found.related),
        notice: notice.as_ref().map(|n| NoticeView::of(&c, n)),
        c,
    };
    let mut response = html(&page, tags)?;
    // A notice's state switches by itself: the cached page must not
    // outlive the switch.
    FreshUntil::cap(&mut response, notice.and_then(|n| n.next_switch));
    Ok(response)
}

/// 410: the article was withdrawn (撤稿).
fn gone(c: Chrome) -> WebResult<Response> {
    let body = GonePage { c }.render().map_err(internal)?;
    Ok((StatusCode::GONE, Html(body)).into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portal_sizes_read_well() {
        assert_eq!(human_size(512), "512 B");
        assert_eq!(human_size(2048), "2.0 KB");
        assert_eq!(human_size(5 * 1024 * 1024 + 1), "5.0 MB");
    }
}
