//! Feeds: RSS 2.0 (`/feed.xml`) and Atom (`/atom.xml`) of the whole site and
//! of each column (`/column/{slug}/feed.xml`, `/column/{slug}/atom.xml`),
//! with the newest published articles.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use dangjian_app::domain::clock::CHINA_STANDARD_TIME;
use dangjian_app::site::ArticleSummary;
use time::OffsetDateTime;
use time::format_description::well_known::{Rfc2822, Rfc3339};

use super::column::subtree;
use super::{Tags, document, origin};
use crate::error::{WebError, WebResult};
use crate::state::AppState;

/// How many articles a feed lists.
const FEED_SIZE: i64 = 20;

/// An entry of a feed.
pub struct Entry {
    pub link: String,
    pub title: String,
    pub summary: String,
    pub published_rfc2822: String,
    pub published_rfc3339: String,
    pub updated_rfc3339: String,
}

/// What both feed formats show.
struct Feed {
    title: String,
    /// The HTML page the feed follows.
    home: String,
    /// The feed's own address.
    this: String,
    updated_rfc3339: String,
    entries: Vec<Entry>,
}

#[derive(Template)]
#[template(path = "portal/rss.xml")]
struct Rss {
    feed: Feed,
    language: &'static str,
}

#[derive(Template)]
#[template(path = "portal/atom.xml")]
struct Atom {
    feed: Feed,
    author: String,
}

fn at(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(CHINA_STANDARD_TIME)
}

fn rfc2822(ms: i64) -> String {
    at(ms).format(&Rfc2822).unwrap_or_default()
}

fn rfc3339(ms: i64) -> String {
    at(ms).format(&Rfc3339).unwrap_or_default()
}

fn entries(origin: &str, items: &[ArticleSummary]) -> Vec<Entry> {
    items
        .iter()
        .map(|a| Entry {
            link: format!("{origin}/article/{}", a.id),
            title: a.title.clone(),
            summary: a.summary.clone(),
            published_rfc2822: rfc2822(a.publish_at),
            published_rfc3339: rfc3339(a.publish_at),
            updated_rfc3339: rfc3339(a.updated_at.max(a.publish_at)),
        })
        .collect()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Rss,
    Atom,
}

/// Builds a feed of the site (`slug` None) or of a column and renders it.
async fn feed(
    state: &AppState,
    headers: &HeaderMap,
    slug: Option<&str>,
    format: Format,
) -> WebResult<Response> {
    let site = state.app.default_site().await?;
    let profile = state.app.site_profile(site).await?;
    let origin = origin(state, headers, &profile);
    let (title, page, column, tags) = match slug {
        None => (
            profile.name.clone(),
            "/".to_owned(),
            None,
            Tags::site_wide(),
        ),
        Some(slug) => {
            let columns = state.app.public_columns(site).await?;
            let column = columns
                .into_iter()
                .find(|c| c.slug == slug)
                .ok_or(WebError::NotFound)?;
            let tags = Tags {
                columns: subtree(state, site, column.id).await?,
                ..Tags::default()
            };
            (
                format!("{} · {}", column.name, profile.name),
                format!("/column/{slug}"),
                Some(column.id),
                tags,
            )
        }
    };
    let items = state.app.public_latest(site, column, FEED_SIZE).await?;
    let newest = items
        .iter()
        .map(|a| a.updated_at.max(a.publish_at))
        .max()
        .unwrap_or(0);
    let file = if format == Format::Rss {
        "feed.xml"
    } else {
        "atom.xml"
    };
    let this = if page == "/" {
        format!("{origin}/{file}")
    } else {
        format!("{origin}{page}/{file}")
    };
    let feed = Feed {
        title,
        home: format!("{origin}{page}"),
        this,
        updated_rfc3339: rfc3339(newest),
        entries: entries(&origin, &items),
    };
    match format {
        Format::Rss => document(
            &Rss {
                feed,
                language: "zh-cn",
            },
            "application/rss+xml; charset=utf-8",
            tags,
        ),
        Format::Atom => {
            let author = if profile.sponsor.is_empty() {
                profile.name
            } else {
                profile.sponsor
            };
            document(
                &Atom { feed, author },
                "application/atom+xml; charset=utf-8",
                tags,
            )
        }
    }
}

pub async fn site_rss(State(state): State<AppState>, headers: HeaderMap) -> WebResult<Response> {
    feed(&state, &headers, None, Format::Rss).await
}

pub async fn site_atom(State(state): State<AppState>, headers: HeaderMap) -> WebResult<Response> {
    feed(&state, &headers, None, Format::Atom).await
}

pub async fn column_rss(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> WebResult<Response> {
    feed(&state, &headers, Some(&slug), Format::Rss).await
}

pub async fn column_atom(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
) -> WebResult<Response> {
    feed(&state, &headers, Some(&slug), Format::Atom).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portal_feed_dates_are_in_china_time() {
        assert_eq!(rfc3339(0), "1970-01-01T08:00:00+08:00");
        assert_eq!(rfc2822(0), "Thu, 01 Jan 1970 08:00:00 +0800");
    }
}
