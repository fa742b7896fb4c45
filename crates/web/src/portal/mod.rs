//! The portal (党建网) on the public listener: homepage, column pages,
//! article pages, the date archive, RSS/Atom feeds, sitemap and robots.txt,
//! and the elderly-friendly mode (关怀版). Every page but 解疑释惑 (`qa`) is
//! served through the page cache (`cache`); the pages themselves only read
//! published content.

mod archive;
mod article;
pub mod cache;
mod column;
mod feeds;
mod home;
mod mailbox;
mod mailbox_lookup;
mod notice;
mod qa;
pub mod search;
mod sitemap;
mod theme;
mod visits;

use std::sync::Arc;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use dangjian_app::domain::clock::format_local_date;
use dangjian_app::domain::ids::SiteId;
use dangjian_app::records::Column;
use dangjian_app::site::{ArticleSummary, SiteProfile};
use serde::Deserialize;

use crate::error::{WebError, WebResult};
use crate::i18n::Locale;
use crate::state::AppState;

pub use cache::Tags;

/// The care-mode cookie (关怀版): larger text, higher contrast.
const CARE_COOKIE: &str = "care";

/// The portal's routes, behind the page cache (made once per server by the
/// public listener, which also asks it before the router: `public`).
pub fn router(cache: &Arc<cache::PageCache>) -> Router<AppState> {
    let pages = Router::new()
        .route("/", get(home::page))
        .route("/column/{slug}", get(column::page))
        .route("/column/{slug}/feed.xml", get(feeds::column_rss))
        .route("/column/{slug}/atom.xml", get(feeds::column_atom))
        .route("/article/{id}", get(article::page))
        .route(
            "/article/{id}/objection",
            get(notice::form).post(notice::submit),
        )
        .route("/article/{id}/objection/thanks", get(notice::thanks))
        .route("/archive", get(archive::months))
        .route("/search", get(search::page))
        .route("/archive/{year}/{month}", get(archive::month))
        .route("/feed.xml", get(feeds::site_rss))
        .route("/atom.xml", get(feeds::site_atom))
        .route("/sitemap.xml", get(sitemap::sitemap))
        .route("/robots.txt", get(sitemap::robots))
        .layer(middleware::from_fn_with_state(cache.clone(), cache::serve));
    // 解疑释惑 is not cached: the form posts, and the lists are small reads.
    Router::new()
        .route("/qa", get(qa::list))
        .route("/qa/ask", get(qa::ask_form).post(qa::ask))
        .route("/qa/ask/thanks", get(qa::thanks))
        .route("/qa/{id}", get(qa::show))
        // 部长信箱, likewise uncached: forms, receipts and lookups.
        .route("/mailbox", get(mailbox::index))
        .route(
            "/mailbox/write",
            get(mailbox::write_form).post(mailbox::write),
        )
        .route(
            "/mailbox/query",
            get(mailbox_lookup::form).post(mailbox_lookup::lookup),
        )
        .route("/mailbox/letters/{id}", get(mailbox::show))
        .route("/care/on", get(care_on))
        .route("/care/off", get(care_off))
        .route("/theme/{file}", get(theme::stylesheet))
        .merge(pages)
}

/// Whether the reader chose the care mode.
pub fn care_mode(headers: &HeaderMap) -> bool {
    crate::session::cookie(headers, CARE_COOKIE).is_some_and(|v| v == "1")
}

/// What every portal page shows around its content: site name and footer
/// facts, the main navigation, language and care mode.
pub struct Chrome {
    pub locale: Locale,
    pub care: bool,
    pub css: &'static str,
    pub site: SiteProfile,
    /// Visible main columns.
    pub nav: Vec<Link>,
    /// This page's path, for the care-mode switch to come back to.
    pub here: String,
    /// The brand colour's stylesheet, when the site set a colour.
    pub theme_css: Option<String>,
    /// Logo and banner image URLs, when set.
    pub logo: Option<String>,
    pub banner: Option<String>,
}

impl Chrome {
    pub fn t(&self, key: &str) -> String {
        self.locale.t(key)
    }

    /// The link that switches the care mode and comes back here.
    pub fn care_href(&self) -> String {
        let to: String = form_urlencoded::byte_serialize(self.here.as_bytes()).collect();
        let switch = if self.care { "off" } else { "on" };
        format!("/care/{switch}?to={to}")
    }
}

/// The site being read and the chrome of its pages.
pub async fn chrome(
    state: &AppState,
    headers: &HeaderMap,
    here: &str,
) -> WebResult<(SiteId, Chrome)> {
    let site = state.app.default_site().await?;
    let site_profile = state.app.site_profile(site).await?;
    let mut main: Vec<Column> = state
        .app
        .public_columns(site)
        .await?
        .into_iter()
        .filter(|c| c.parent_id.is_none())
        .collect();
    main.sort_by_key(|c| (c.sort_order, c.id.0));
    let nav = main.iter().map(Link::column).collect();
    let images: Vec<_> = [site_profile.logo, site_profile.banner]
        .into_iter()
        .flatten()
        .collect();
    let media = if images.is_empty() {
        Vec::new()
    } else {
        state.app.public_media(site, &images).await?
    };
    let image_url = |id: Option<dangjian_app::domain::media::MediaId>, size: &str| {
        let item = media.iter().find(|m| Some(m.media.id) == id)?;
        Some(item.rendition_url(size).unwrap_or_else(|| item.url()))
    };
    let logo = image_url(site_profile.logo, "thumb");
    let banner = image_url(site_profile.banner, "full");
    let theme_css = site_profile.colour.map(theme::href);
    Ok((
        site,
        Chrome {
            locale: Locale::from_headers(headers),
            care: care_mode(headers),
            css: crate::assets::portal_css_path(),
            site: site_profile,
            nav,
            here: here.to_owned(),
            theme_css,
            logo,
            banner,
        },
    ))
}

/// A link with its text.
pub struct Link {
    pub href: String,
    pub text: String,
}

impl Link {
    pub fn column(column: &Column) -> Link {
        Link {
            href: column_href(column),
            text: column.name.clone(),
        }
    }
}

/// An article as a list shows it.
pub struct Item {
    pub href: String,
    pub title: String,
    pub summary: String,
    pub date: String,
    pub pinned: bool,
    /// Cover image URL (filled where the list shows covers).
    pub cover: Option<String>,
    /// A notice's state (filled where the list marks notices).
    pub notice: Option<notice::NoticeMark>,
}

impl Item {
    pub fn of(summary: &ArticleSummary) -> Item {
        Item {
            href: format!("/article/{}", summary.id),
            title: summary.title.clone(),
            summary: summary.summary.clone(),
            date: format_local_date(summary.publish_at),
            pinned: summary.pinned,
            cover: None,
            notice: None,
        }
    }

    pub fn list(summaries: &[ArticleSummary]) -> Vec<Item> {
        summaries.iter().map(Item::of).collect()
    }
}

/// The public URL of a column: its page, or its external address.
pub fn column_href(column: &Column) -> String {
    match column.external_url.as_deref() {
        Some(url) if column.kind == "external_link" && is_web_url(url) => url.to_owned(),
        _ => format!("/column/{}", column.slug),
    }
}

pub fn is_web_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://")
}

/// `?page=N`: absent is 1; anything else but a positive number is no page.
#[derive(Debug, Deserialize, Default)]
pub struct PageQuery {
    page: Option<String>,
}

impl PageQuery {
    pub fn number(&self) -> WebResult<i64> {
        match self.page.as_deref() {
            None => Ok(1),
            Some(text) => text
                .parse::<i64>()
                .ok()
                .filter(|n| *n >= 1)
                .ok_or(WebError::NotFound),
        }
    }
}

/// Previous/next page links of a paged list.
pub struct Pager {
    pub page: i64,
    pub pages: i64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// The pager of `base` (a path), or NotFound if `page` is past the end.
    pub fn new(base: &str, page: i64, total: i64, per_page: i64) -> WebResult<Pager> {
        let pages = ((total + per_page - 1) / per_page).max(1);
        if page > pages {
            return Err(WebError::NotFound);
        }
        let link = |n: i64| {
            if n == 1 {
                base.to_owned()
            } else {
                let joint = if base.contains('?') { '&' } else { '?' };
                format!("{base}{joint}page={n}")
            }
        };
        Ok(Pager {
            page,
            pages,
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        })
    }
}

fn internal(error: impl std::fmt::Display) -> WebError {
    WebError::App(dangjian_app::AppError::internal(error))
}

/// An HTML page, tagged for the cache.
pub fn html(page: &impl Template, tags: Tags) -> WebResult<Response> {
    let mut response = Html(page.render().map_err(internal)?).into_response();
    response.extensions_mut().insert(tags);
    Ok(response)
}

/// A non-HTML document (feeds, sitemap, robots.txt), tagged for the cache.
pub fn document(
    page: &impl Template,
    content_type: &'static str,
    tags: Tags,
) -> WebResult<Response> {
    let mut response = page.render().map_err(internal)?.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response.extensions_mut().insert(tags);
    Ok(response)
}

/// The site's address for feeds and the sitemap, which need absolute
/// addresses: the configured 网站地址, else `http(s)://host` of this request.
pub fn origin(state: &AppState, headers: &HeaderMap, profile: &SiteProfile) -> String {
    if !profile.url.is_empty() {
        return profile.url.clone();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if state.options.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

#[derive(Debug, Deserialize, Default)]
pub struct Back {
    #[serde(default)]
    to: String,
}

/// A same-site path to come back to: anything else goes home.
fn back_path(to: &str) -> &str {
    let safe = to.starts_with('/')
        && !to.starts_with("//")
        && !to.contains('\\')
        && !to.chars().any(char::is_control)
        && !to.starts_with("/care/");
    if safe { to } else { "/" }
}

async fn care_on(State(state): State<AppState>, Query(back): Query<Back>) -> Response {
    switch_care(&state, &back, true)
}

async fn care_off(State(state): State<AppState>, Query(back): Query<Back>) -> Response {
    switch_care(&state, &back, false)
}

fn switch_care(state: &AppState, back: &Back, on: bool) -> Response {
    let cookie = if on {
        crate::session::set_cookie(state, CARE_COOKIE, "1", Some(365 * 24 * 3600))
    } else {
        crate::session::set_cookie(state, CARE_COOKIE, "", Some(0))
    };
    let mut response = Redirect::to(back_path(&back.to)).into_response();
    *response.status_mut() = StatusCode::FOUND;
    response.headers_mut().append(header::SET_COOKIE, cookie);
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portal_care_mode_only_comes_back_to_same_site_paths() {
        assert_eq!(back_path("/column/a?page=2"), "/column/a?page=2");
        for bad in [
            "https://evil.example/",
            "//evil.example",
            "/\\evil",
            "",
            "javascript:x",
            "/care/on",
        ] {
            assert_eq!(back_path(bad), "/", "{bad}");
        }
    }

    #[test]
    fn portal_pages_past_the_end_are_not_found() {
        assert!(Pager::new("/column/a", 1, 0, 20).is_ok());
        assert!(Pager::new("/column/a", 2, 20, 20).is_err());
        let pager = Pager::new("/column/a", 2, 41, 20).unwrap();
        assert_eq!(pager.prev.as_deref(), Some("/column/a"));
        assert_eq!(pager.next.as_deref(), Some("/column/a?page=3"));
        let zero = PageQuery {
            page: Some("0".into()),
        };
        assert!(zero.number().is_err());
        assert_eq!(PageQuery::default().number().unwrap(), 1);
    }
}
