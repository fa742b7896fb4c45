//! The annual assessment's awards for editors: the year's units and people
//! by score, the proposal ticked (or the earlier confirmation), and the
//! form that confirms 先进单位 and 先进个人 before the assessment is issued.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_app::AppError;
use dangjian_app::auth::SessionInfo;
use dangjian_app::review::honours::{AssessmentView, PERSON, UNIT};
use dangjian_app::review::ranking::RankRow;
use serde::Deserialize;

use super::render;
use crate::error::{WebError, WebResult};
use crate::i18n::Locale;
use crate::page::{FormErrors, Page};
use crate::session::Office;
use crate::state::AppState;

/// A row of the form: the ranking row and whether it is ticked.
struct Choice {
    row: RankRow,
    chosen: bool,
}

#[derive(Template)]
#[template(path = "ranking/honours.html")]
struct HonoursPage {
    page: Page,
    year: i32,
    units: Vec<Choice>,
    people: Vec<Choice>,
    /// Who confirmed, and when (local time), if anyone did.
    confirmed: Option<(String, String)>,
    errors: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct YearQuery {
    year: String,
    ok: String,
}

fn parse_year(text: &str) -> WebResult<i32> {
    text.trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .ok_or(WebError::NotFound)
}

fn this_year(state: &AppState) -> i32 {
    let today = dangjian_app::domain::clock::format_local_date(state.app.now_ms());
    today.get(0..4).and_then(|y| y.parse().ok()).unwrap_or(2026)
}

fn choices(view: &AssessmentView, kind: &str, rows: &[RankRow]) -> Vec<Choice> {
    rows.iter()
        .map(|row| Choice {
            chosen: view.chosen(kind, row.id),
            row: row.clone(),
        })
        .collect()
}

async fn view(
    state: &AppState,
    locale: Locale,
    session: &SessionInfo,
    year: i32,
    notice: Option<&str>,
) -> WebResult<HonoursPage> {
    let site = state.app.default_site().await?;
    let view = state
        .app
        .assessment_view(&session.actor, site, year)
        .await?;
    let confirmed = view.confirmation.as_ref().map(|c| {
        (
            c.by_name.clone(),
            dangjian_app::domain::clock::format_local(c.at),
        )
    });
    Ok(HonoursPage {
        page: Page::for_session(locale, "honours.title", session).with_notice(notice),
        year,
        units: choices(&view, UNIT, &view.ranking.units),
        people: choices(&view, PERSON, &view.ranking.people),
        confirmed,
        errors: FormErrors::default(),
    })
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(query): Query<YearQuery>,
) -> WebResult<Response> {
    let year = if query.year.trim().is_empty() {
        this_year(&state)
    } else {
        parse_year(&query.year)?
    };
    let notice = Some(query.ok.as_str()).filter(|ok| !ok.is_empty());
    let page = view(
        &state,
        Locale::from_headers(&headers),
        &session,
        year,
        notice,
    )
    .await?;
    Ok(render(&page)?.into_response())
}

/// The ticked ids of one kind (`unit` or `person` fields); anything that is
/// not a number is ignored, since the form only ever sends numbers.
fn ticked(pairs: &[(String, String)], field: &str) -> Vec<i64> {
    pairs
        .iter()
        .filter(|(name, _)| name == field)
        .filter_map(|(_, value)| value.trim().parse().ok())
        .collect()
}

pub async fn confirm(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let year_text = pairs
        .iter()
        .find(|(name, _)| name == "year")
        .map(|(_, v)| v.as_str())
        .unwrap_or_default();
    let year = parse_year(year_text)?;
    let (units, people) = (ticked(&pairs, UNIT), ticked(&pairs, PERSON));
    let site = state.app.default_site().await?;
    match state
        .app
        .confirm_honours(&session.actor, site, year, &units, &people)
        .await
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/ranking/honours?year={year}&ok=confirmed")).into_response())
        }
        Err(AppError::Invalid(invalid)) => {
            let locale = Locale::from_headers(&headers);
            let mut page = view(&state, locale, &session, year, None).await?;
            for choice in page.units.iter_mut() {
                choice.chosen = units.contains(&choice.row.id);
            }
            for choice in page.people.iter_mut() {
                choice.chosen = people.contains(&choice.row.id);
            }
            page.errors = FormErrors::new(locale, invalid.errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
