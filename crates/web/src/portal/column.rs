//! A column's page (`/column/{slug}?page=N`): breadcrumb, sub-columns, one
//! page of its articles and those of its sub-columns. An external-link
//! column sends the reader on to its address.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use dangjian_app::domain::column::{ColumnId, ColumnKind};
use dangjian_app::domain::ids::SiteId;
use dangjian_app::records::Column;

use super::home::{Block, block};
use super::notice::{FreshUntil, mark_items};
use super::{Chrome, Item, Link, PageQuery, Pager, Tags, chrome, html, is_web_url};
use crate::error::{WebError, WebResult};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "portal/column.html")]
struct ColumnPage {
    c: Chrome,
    name: String,
    slug: String,
    description: String,
    trail: Vec<Link>,
    children: Vec<Link>,
    /// A special topic's banner image.
    banner: Option<Banner>,
    /// A special topic's sub-columns with their newest articles.
    blocks: Vec<Block>,
    items: Vec<Item>,
    pager: Pager,
}

/// An image atop a column page.
struct Banner {
    src: String,
    alt: String,
}

async fn banner(state: &AppState, site: SiteId, column: &Column) -> WebResult<Option<Banner>> {
    let Some(id) = column.banner_media_id else {
        return Ok(None);
    };
    let found = state.app.public_media(site, &[id]).await?;
    Ok(found.first().map(|m| Banner {
        src: m.rendition_url("full").unwrap_or_else(|| m.url()),
        alt: m.media.alt_text.clone(),
    }))
}

/// The column and every visible column under it.
pub async fn subtree(state: &AppState, site: SiteId, root: ColumnId) -> WebResult<Vec<ColumnId>> {
    let all = state.app.public_columns(site).await?;
    Ok(subtree_of(&all, root))
}

fn subtree_of(all: &[Column], root: ColumnId) -> Vec<ColumnId> {
    let mut ids = vec![root];
    let mut index = 0;
    while index < ids.len() {
        let parent = ids[index];
        ids.extend(
            all.iter()
                .filter(|c| c.parent_id == Some(parent))
                .map(|c| c.id),
        );
        index += 1;
    }
    ids
}

fn redirect_outside(url: &str) -> Option<Response> {
    let location = HeaderValue::from_str(url.trim()).ok()?;
    let mut response = StatusCode::FOUND.into_response();
    response.headers_mut().insert(header::LOCATION, location);
    Some(response)
}

pub async fn page(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> WebResult<Response> {
    let number = query.number()?;
    let base = format!("/column/{slug}");
    let here = if number == 1 {
        base.clone()
    } else {
        format!("{base}?page={number}")
    };
    let (site, c) = chrome(&state, &headers, &here).await?;
    let listing = state
        .app
        .public_column(site, &slug, number)
        .await?
        .ok_or(WebError::NotFound)?;
    let column = &listing.column;
    if ColumnKind::from_code(&column.kind) == Some(ColumnKind::ExternalLink)
        && let Some(url) = column.external_url.as_deref().filter(|u| is_web_url(u))
        && let Some(response) = redirect_outside(url)
    {
        return Ok(response);
    }
    let pager = Pager::new(&base, number, listing.total, listing.per_page)?;
    let tags = Tags {
        columns: subtree(&state, site, column.id).await?,
        ..Tags::default()
    };
    let mut items = Item::list(&listing.items);
    let switch = mark_items(&state, &c, &listing.items, &mut items).await?;
    let page = ColumnPage {
        name: column.name.clone(),
        slug: column.slug.clone(),
        description: column.description.clone(),
        trail: listing.trail.iter().map(Link::column).collect(),
        children: listing.children.iter().map(Link::column).collect(),
        banner: banner(&state, site, column).await?,
        blocks: listing
            .blocks
            .iter()
            .map(|(c, items)| block(c, items))
            .collect(),
        items,
        pager,
        c,
    };
    let mut response = html(&page, tags)?;
    // A notice's mark switches by itself: the cached list must not outlive
    // the first switch among its items.
    FreshUntil::cap(&mut response, switch);
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portal_redirects_only_to_valid_header_values() {
        assert!(redirect_outside("https://www.12371.cn/").is_some());
        assert!(redirect_outside("https://x.example/\n").is_some());
        assert!(redirect_outside("https://x.example/\u{7}").is_none());
    }
}
