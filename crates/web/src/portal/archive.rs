//! The date archive: `/archive` lists the months with their counts, back
//! to the oldest article, grouped by year, for the whole site or one main
//! column (`?column=`); `/archive/{year}/{month}` lists one month's
//! articles page by page, with its counts per main column as filters.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use dangjian_app::articles::public::PER_PAGE;
use dangjian_app::domain::column::ColumnId;
use dangjian_app::domain::ids::SiteId;
use serde::Deserialize;

use super::notice::{FreshUntil, mark_items};
use super::{Chrome, Item, Pager, Tags, chrome, html};
use crate::error::{WebError, WebResult};
use crate::state::AppState;

/// A month with its link and count.
pub struct MonthLink {
    pub href: String,
    pub month: u8,
    pub count: i64,
}

/// A year of the archive with its months, newest first.
pub struct YearGroup {
    pub year: i32,
    pub count: i64,
    pub months: Vec<MonthLink>,
}

/// A main column as a filter: its link, name, count, and whether chosen.
pub struct ColumnLink {
    pub href: String,
    pub name: String,
    pub count: i64,
    pub chosen: bool,
}

#[derive(Template)]
#[template(path = "portal/archive.html")]
struct MonthsPage {
    c: Chrome,
    years: Vec<YearGroup>,
    columns: Vec<ColumnLink>,
    /// The chosen column's name.
    column: Option<String>,
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
    columns: Vec<ColumnLink>,
    column: Option<String>,
}

/// `?column=` and `?page=`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ArchiveQuery {
    column: Option<String>,
    page: Option<String>,
}

impl ArchiveQuery {
    fn page(&self) -> WebResult<i64> {
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

/// The chosen main column and its subtree; an unknown one is not found.
async fn chosen_column(
    state: &AppState,
    site: SiteId,
    query: &ArchiveQuery,
) -> WebResult<Option<(ColumnId, String, Vec<ColumnId>)>> {
    let Some(text) = query.column.as_deref().filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let id = text.parse::<i64>().map_err(|_| WebError::NotFound)?;
    let (column, ids) = state
        .app
        .archive_column(site, ColumnId(id))
        .await?
        .ok_or(WebError::NotFound)?;
    Ok(Some((column.id, column.name, ids)))
}

fn years(
    months: Vec<dangjian_app::articles::archive::ArchiveMonth>,
    suffix: &str,
) -> Vec<YearGroup> {
    let mut years: Vec<YearGroup> = Vec::new();
    for m in months {
        let link = MonthLink {
            href: format!("/archive/{}/{:02}{suffix}", m.year, m.month),
            month: m.month,
            count: m.count,
        };
        match years.last_mut() {
            Some(group) if group.year == m.year => {
                group.count += m.count;
                group.months.push(link);
            }
            _ => years.push(YearGroup {
                year: m.year,
                count: m.count,
                months: vec![link],
            }),
        }
    }
    years
}

pub async fn months(
    State(state): State<AppState>,
    Query(query): Query<ArchiveQuery>,
    headers: HeaderMap,
) -> WebResult<Response> {
    let here = match query.column.as_deref() {
        Some(c) if !c.is_empty() => format!("/archive?column={c}"),
        _ => "/archive".to_owned(),
    };
    let (site, c) = chrome(&state, &headers, &here).await?;
    let chosen = chosen_column(&state, site, &query).await?;
    let ids = chosen.as_ref().map(|(_, _, ids)| ids.as_slice());
    let months = state.app.public_archive_months(site, ids).await?;
    let suffix = chosen
        .as_ref()
        .map_or(String::new(), |(id, _, _)| format!("?column={}", id.0));
    let columns = state
        .app
        .public_columns(site)
        .await?
        .into_iter()
        .filter(|col| col.parent_id.is_none())
        .map(|col| ColumnLink {
            href: format!("/archive?column={}", col.id.0),
            chosen: chosen.as_ref().is_some_and(|(id, _, _)| *id == col.id),
            name: col.name,
            count: 0,
        })
        .collect();
    let page = MonthsPage {
        c,
        years: years(months, &suffix),
        columns,
        column: chosen.map(|(_, name, _)| name),
    };
    html(&page, Tags::site_wide())
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
    Query(query): Query<ArchiveQuery>,
    headers: HeaderMap,
) -> WebResult<Response> {
    let (year, month) = parse_month(&year, &month).ok_or(WebError::NotFound)?;
    let number = query.page()?;
    let base = format!("/archive/{year}/{month:02}");
    let (site, c) = chrome(&state, &headers, &base).await?;
    let chosen = chosen_column(&state, site, &query).await?;
    let filtered = chosen
        .as_ref()
        .map_or(base.clone(), |(id, _, _)| format!("{base}?column={}", id.0));
    let ids = chosen.as_ref().map(|(_, _, ids)| ids.as_slice());
    let (items, total) = state
        .app
        .public_archive(site, (year, month), ids, number)
        .await?
        .ok_or(WebError::NotFound)?;
    let pager = Pager::new(&filtered, number, total, PER_PAGE)?;
    let columns = state
        .app
        .public_archive_columns(site, year, month)
        .await?
        .unwrap_or_default()
        .into_iter()
        .map(|a| ColumnLink {
            href: format!("{base}?column={}", a.column.id.0),
            chosen: chosen.as_ref().is_some_and(|(id, _, _)| *id == a.column.id),
            name: a.column.name,
            count: a.count,
        })
        .collect();
    let mut listed = Item::list(&items);
    let switch = mark_items(&state, &c, &items, &mut listed).await?;
    let page = MonthPage {
        c,
        year,
        month,
        total,
        items: listed,
        pager,
        columns,
        column: chosen.map(|(_, name, _)| name),
    };
    let mut response = html(&page, Tags::site_wide())?;
    // As on the column page: the marks switch by themselves.
    FreshUntil::cap(&mut response, switch);
    Ok(response)
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
