//! The homepage: headline, carousel of cover images, latest articles, a
//! block per main column, latest notices, special-topic entrances and quick
//! links.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use dangjian_app::articles::public::HomeContent;
use dangjian_app::domain::column::ColumnKind;
use dangjian_app::domain::ids::SiteId;
use dangjian_app::domain::media::MediaId;
use dangjian_app::records::Column;

use super::{Chrome, Item, Link, Tags, chrome, column_href, html};
use crate::error::WebResult;
use crate::state::AppState;

/// A main column with its newest articles.
pub struct Block {
    pub link: Link,
    pub items: Vec<Item>,
}

#[derive(Template)]
#[template(path = "portal/home.html")]
struct HomePage {
    c: Chrome,
    headline: Option<Item>,
    carousel: Vec<Item>,
    latest: Vec<Item>,
    notices: Vec<Block>,
    blocks: Vec<Block>,
    topics: Vec<Link>,
    quick: Vec<Link>,
}

pub fn block(column: &Column, items: &[dangjian_app::site::ArticleSummary]) -> Block {
    Block {
        link: Link::column(column),
        items: Item::list(items),
    }
}

fn is_kind(column: &Column, kind: ColumnKind) -> bool {
    ColumnKind::from_code(&column.kind) == Some(kind)
}

/// Carousel items with the URL of their cover's list-size rendition.
async fn carousel(state: &AppState, site: SiteId, content: &HomeContent) -> WebResult<Vec<Item>> {
    let ids: Vec<MediaId> = content
        .carousel
        .iter()
        .filter_map(|a| a.cover_media_id)
        .collect();
    let media = state.app.public_media(site, &ids).await?;
    let mut items = Vec::new();
    for summary in &content.carousel {
        let cover = summary
            .cover_media_id
            .and_then(|id| media.iter().find(|m| m.media.id == id))
            .map(|m| m.rendition_url("list").unwrap_or_else(|| m.url()));
        if let Some(cover) = cover {
            let mut item = Item::of(summary);
            item.cover = Some(cover);
            items.push(item);
        }
    }
    Ok(items)
}

fn quick_links(content: &HomeContent) -> Vec<Link> {
    content
        .columns
        .iter()
        .filter(|c| is_kind(c, ColumnKind::ExternalLink))
        .map(Link::column)
        .collect()
}

pub async fn page(State(state): State<AppState>, headers: HeaderMap) -> WebResult<Response> {
    let (site, c) = chrome(&state, &headers, "/").await?;
    let content = state.app.public_home(site).await?;
    let carousel = carousel(&state, site, &content).await?;
    let (notices, blocks): (Vec<_>, Vec<_>) = content
        .blocks
        .iter()
        .filter(|(column, _)| !is_kind(column, ColumnKind::ExternalLink))
        .partition(|(column, _)| is_kind(column, ColumnKind::NoticeBoard));
    let topics = content
        .columns
        .iter()
        .filter(|c| is_kind(c, ColumnKind::SpecialTopic))
        .map(|c| Link {
            href: column_href(c),
            text: c.name.clone(),
        })
        .collect();
    let page = HomePage {
        headline: content.headline.as_ref().map(Item::of),
        latest: Item::list(&content.latest),
        notices: notices
            .into_iter()
            .map(|(c, items)| block(c, items))
            .collect(),
        blocks: blocks
            .into_iter()
            .map(|(c, items)| block(c, items))
            .collect(),
        quick: quick_links(&content),
        topics,
        carousel,
        c,
    };
    html(&page, Tags::site_wide())
}
