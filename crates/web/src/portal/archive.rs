//! The date archive: `/archive` lists the months with their counts,
//! `/archive/{year}/{month}` the articles of one month, page by page.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use dangjian_app::articles::public::PER_PAGE;

use super::{Chrome, Item, PageQuery, Pager, Tags, chrome, html};
use crate::error::{WebError, WebResult};
use crate::state::AppState;

/// A month with its link and count.
pub struct MonthLink {
    pub href: String,
    pub year: i32,
    pub month: u8,
    pub count: i64,
}

#[derive(Template)]
#[template(path = "portal/archive.html")]
struct MonthsPage {
    c: Chrome,
    months: Vec<MonthLink>,
}

#[derive(Template)]
#[template(path = "portal/archive_month.html")]
struct MonthPage {
    c: Chrome,
    year: i32,
    month: u8,
    total: i64,
    items: Vec<Item>,
    pager: Pager,
}

pub async fn months(State(state): State<AppState>, headers: HeaderMap) -> WebResult<Response> {
    let (site, c) = chrome(&state, &headers, "/archive").await?;
    let months = state
        .app
        .public_archive_months(site)
        .await?
        .into_iter()
        .map(|m| MonthLink {
            href: format!("/archive/{}/{:02}", m.year, m.month),
            year: m.year,
            month: m.month,
            count: m.count,
        })
        .collect();
    html(&MonthsPage { c, months }, Tags::site_wide())
}

/// A year and month from the path (`2026/05` or `2026/5`).
fn parse_month(year: &str, month: &str) -> Option<(i32, u8)> {
    let year = year
        .parse::<i32>()
        .ok()
        .filter(|y| (1900..=9999).contains(y))?;
    let month = month.parse::<u8>().ok().filter(|m| (1..=12).contains(m))?;
    Some((year, month))
}

pub async fn month(
    State(state): State<AppState>,
    Path((year, month)): Path<(String, String)>,
    Query(query): Query<PageQuery>,
    headers: HeaderMap,
) -> WebResult<Response> {
    let (year, month) = parse_month(&year, &month).ok_or(WebError::NotFound)?;
    let number = query.number()?;
    let base = format!("/archive/{year}/{month:02}");
    let here = if number == 1 {
        base.clone()
    } else {
        format!("{base}?page={number}")
    };
    let (site, c) = chrome(&state, &headers, &here).await?;
    let (items, total) = state
        .app
        .public_archive(site, year, month, number)
        .await?
        .ok_or(WebError::NotFound)?;
    let pager = Pager::new(&base, number, total, PER_PAGE)?;
    let page = MonthPage {
        c,
        year,
        month,
        total,
        items: Item::list(&items),
        pager,
    };
    html(&page, Tags::site_wide())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portal_archive_months_are_checked() {
        assert_eq!(parse_month("2026", "05"), Some((2026, 5)));
        assert_eq!(parse_month("2026", "13"), None);
        assert_eq!(parse_month("x", "1"), None);
        assert_eq!(parse_month("2026", "0"), None);
    }
}
