//! 信息报送 monthly statistics (`/ranking/monthly?year=`): a bar chart of
//! the items published each month of a year, and the table of every
//! figure per month (submitted, published, returned, adopted higher up,
//! 批示), for editors and reviewers.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use dangjian_app::review::monthly::MonthFigures;
use dangjian_app::stats::report::Count;
use serde::Deserialize;

use super::render;
use super::stats::Chart;
use crate::error::{WebError, WebResult};
use crate::i18n::Locale;
use crate::page::Page;
use crate::session::Office;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "ranking/monthly.html")]
struct MonthlyPage {
    page: Page,
    year: i32,
    months: Vec<MonthFigures>,
    chart: Chart,
    total_published: i64,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct YearQuery {
    year: String,
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(query): Query<YearQuery>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let year = if query.year.trim().is_empty() {
        let today = dangjian_app::domain::clock::format_local_date(state.app.now_ms());
        today.get(0..4).and_then(|y| y.parse().ok()).unwrap_or(2026)
    } else {
        query.year.trim().parse().map_err(|_| WebError::NotFound)?
    };
    let site = state.app.default_site().await?;
    let months = state
        .app
        .monthly_statistics(&session.actor, site, year)
        .await?;
    let counts: Vec<Count> = months
        .iter()
        .map(|m| Count {
            label: format!("{year}-{:02}", m.month),
            views: m.tally.published,
        })
        .collect();
    let chart = Chart::bars(&counts, 1, |label| label[5..].to_owned());
    let view = MonthlyPage {
        page: Page::for_session(locale, "ranking.monthly", &session),
        year,
        total_published: months.iter().map(|m| m.tally.published).sum(),
        months,
        chart,
    };
    Ok(render(&view)?.into_response())
}
