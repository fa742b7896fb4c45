//! The holiday calendar page (节假日与调休) beside the system settings: the
//! canonical text in a textarea, a file upload of the same format, and the
//! holidays and make-up days of the coming twelve months. A refusal shows
//! the page again with the text kept and the bad line named.

use askama::Template;
use axum::Form;
use axum::extract::{Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_app::AppError;
use dangjian_app::auth::SessionInfo;
use dangjian_app::domain::Invalid;
use dangjian_app::domain::calendar::{DayKind, FIELD, LINE_FIELD, WorkCalendar, iso};

use super::{Notice, render};
use crate::error::WebResult;
use crate::i18n::Locale;
use crate::media::read_upload;
use crate::page::Page;
use crate::session::Office;
use crate::state::AppState;

/// Largest calendar file: 2,000 lines of about 30 bytes fit many times.
const UPLOAD_LIMIT: u64 = 256 * 1024;
/// How far the preview looks ahead.
const PREVIEW_DAYS: i64 = 366;

/// One coming listed day.
struct Coming {
    date: String,
    weekday: String,
    kind: String,
    holiday: bool,
}

#[derive(Template)]
#[template(path = "settings/calendar.html")]
struct CalendarPage {
    page: Page,
    text: String,
    /// The refusal, naming its line, if the text was refused.
    error: Option<String>,
    coming: Vec<Coming>,
    /// Nothing is stored yet: the page explains the format.
    empty: bool,
    upload_action: String,
}

fn coming(locale: Locale, calendar: &WorkCalendar, now: i64) -> Vec<Coming> {
    calendar
        .upcoming(now, PREVIEW_DAYS)
        .into_iter()
        .map(|(date, kind)| Coming {
            date: iso(date),
            weekday: locale.t(&format!(
                "calendar.weekday.{}",
                date.weekday().number_from_monday()
            )),
            kind: locale.t(match kind {
                DayKind::Holiday => "calendar.kind.holiday",
                DayKind::Workday => "calendar.kind.workday",
            }),
            holiday: kind == DayKind::Holiday,
        })
        .collect()
}

/// The page for the calendar in force; `text` replaces its text when a
/// refused submission is shown again.
async fn calendar_page(
    state: &AppState,
    locale: Locale,
    session: &SessionInfo,
) -> WebResult<CalendarPage> {
    let calendar = state.app.work_calendar_view(&session.actor).await?;
    Ok(CalendarPage {
        page: Page::for_session(locale, "calendar.title", session),
        text: calendar.to_text(),
        error: None,
        coming: coming(locale, &calendar, state.app.now_ms()),
        empty: calendar.is_empty(),
        upload_action: format!("/settings/calendar/upload?_csrf={}", session.csrf_token),
    })
}

/// `第 3 行：…` from a refusal.
fn refusal(locale: Locale, invalid: &Invalid) -> String {
    let code = invalid.code_for(FIELD).unwrap_or("error.invalid");
    let line = invalid.code_for(LINE_FIELD).unwrap_or("1");
    locale.t(code).replace("{line}", line)
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(notice): Query<Notice>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let mut view = calendar_page(&state, locale, &session).await?;
    view.page = view.page.with_notice(notice.ok.as_deref());
    Ok(render(&view)?.into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct CalendarForm {
    #[serde(default)]
    pub calendar: String,
}

pub async fn save(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Form(form): Form<CalendarForm>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    saved_or_refused(&state, locale, &session, form.calendar).await
}

pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    request: Request,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let upload = read_upload(request, UPLOAD_LIMIT).await?;
    if upload.bytes.is_empty() {
        let invalid = Invalid::one(FIELD, "error.calendar.no_file");
        return refused(&state, locale, &session, String::new(), &invalid).await;
    }
    match dangjian_app::calendar::decode_file(&upload.bytes) {
        Ok(text) => saved_or_refused(&state, locale, &session, text).await,
        Err(invalid) => refused(&state, locale, &session, String::new(), &invalid).await,
    }
}

async fn saved_or_refused(
    state: &AppState,
    locale: Locale,
    session: &SessionInfo,
    text: String,
) -> WebResult<Response> {
    match state.app.update_work_calendar(&session.actor, &text).await {
        Ok(_) => Ok(Redirect::to("/settings/calendar?ok=saved").into_response()),
        Err(AppError::Invalid(invalid)) => refused(state, locale, session, text, &invalid).await,
        Err(other) => Err(other.into()),
    }
}

/// The page again, with what was typed (or uploaded) and the reason.
async fn refused(
    state: &AppState,
    locale: Locale,
    session: &SessionInfo,
    text: String,
    invalid: &Invalid,
) -> WebResult<Response> {
    let mut view = calendar_page(state, locale, session).await?;
    view.text = text;
    view.error = Some(refusal(locale, invalid));
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)?).into_response())
}
