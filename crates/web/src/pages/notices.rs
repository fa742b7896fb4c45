//! 公示 in the office: the notice period of an article
//! (`/articles/{id}/notice`, linked from the article page) and the inbox of
//! objections (`/objections`, `POST /objections/{id}/handle`).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_app::AppError;
use dangjian_app::domain::FieldError;
use dangjian_app::domain::article::ArticleId;
use dangjian_app::domain::clock::{format_local, format_local_input};
use dangjian_app::domain::notice::{NoticeKind, ObjectionStatus};
use dangjian_app::notices::{NoticeForm, NoticeSetting};
use dangjian_app::records::Objection;
use serde::Deserialize;

use super::render;
use crate::error::WebResult;
use crate::i18n::Locale;
use crate::page::{FormErrors, Page};
use crate::session::Office;
use crate::state::AppState;

/// A choice of the kind select.
struct KindChoice {
    code: &'static str,
    label: String,
}

#[derive(Template)]
#[template(path = "articles/notice.html")]
struct PeriodPage {
    page: Page,
    setting: NoticeSetting,
    kinds: Vec<KindChoice>,
    form: PeriodInput,
    /// `2026-11-27 24:00`-style end of the stored period, if any.
    ends: String,
    errors: FormErrors,
}

/// What the period form submits (kept as typed when refused).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PeriodInput {
    kind: String,
    starts_at: String,
    working_days: String,
}

impl PeriodInput {
    fn kind_is(&self, code: &&str) -> bool {
        self.kind == *code
    }
}

async fn period_page(
    state: &AppState,
    locale: Locale,
    session: &dangjian_app::auth::SessionInfo,
    id: ArticleId,
    typed: Option<PeriodInput>,
    errors: Vec<FieldError>,
) -> WebResult<PeriodPage> {
    let setting = state.app.notice_setting(&session.actor, id).await?;
    let stored = setting.period.as_ref().map(|p| PeriodInput {
        kind: p.kind.clone(),
        starts_at: format_local_input(p.starts_at),
        working_days: p.working_days.to_string(),
    });
    let ends = setting
        .period
        .as_ref()
        .map(|p| format_local(p.ends_at))
        .unwrap_or_default();
    let form = typed.or(stored).unwrap_or_else(|| PeriodInput {
        kind: NoticeKind::Appointment.code().to_owned(),
        working_days: NoticeKind::Appointment.min_working_days().to_string(),
        ..PeriodInput::default()
    });
    let mut page = Page::for_session(locale, "notice.office.title", session);
    page.title = format!("{} · {}", page.title, setting.title);
    Ok(PeriodPage {
        page,
        kinds: NoticeKind::ALL
            .into_iter()
            .map(|k| KindChoice {
                code: k.code(),
                label: locale.t(&k.label_key()),
            })
            .collect(),
        setting,
        form,
        ends,
        errors: FormErrors::new(locale, errors),
    })
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OkQuery {
    ok: String,
    status: String,
}

pub async fn period_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Query(query): Query<OkQuery>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let mut view = period_page(&state, locale, &session, ArticleId(id), None, vec![]).await?;
    view.page = view.page.with_notice(Some(&query.ok));
    Ok(render(&view)?.into_response())
}

pub async fn period_save(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Form(input): Form<PeriodInput>,
) -> WebResult<Response> {
    let id = ArticleId(id);
    let form = NoticeForm {
        kind: &input.kind,
        starts_at: &input.starts_at,
        working_days: &input.working_days,
    };
    let (status, errors) = match state.app.set_notice_period(&session.actor, id, &form).await {
        Ok(_) => {
            return Ok(
                Redirect::to(&format!("/articles/{id}/notice?ok=period_saved")).into_response(),
            );
        }
        Err(AppError::Invalid(invalid)) => (StatusCode::UNPROCESSABLE_ENTITY, invalid.errors),
        Err(AppError::Conflict(code)) => (
            StatusCode::CONFLICT,
            dangjian_app::domain::Invalid::one("form", code).errors,
        ),
        Err(other) => return Err(other.into()),
    };
    let locale = Locale::from_headers(&headers);
    let view = period_page(&state, locale, &session, id, Some(input), errors).await?;
    Ok((status, render(&view)?).into_response())
}

#[derive(Template)]
#[template(path = "objections/inbox.html")]
struct InboxPage {
    page: Page,
    status: String,
    objections: Vec<Objection>,
    errors: FormErrors,
    /// The objection whose handling was refused, and its note as typed.
    refused: Option<(i64, String)>,
}

impl InboxPage {
    fn status_label(&self, code: &str) -> String {
        self.page.t(&format!("objection.status.{code}"))
    }

    fn note_for(&self, id: &i64) -> String {
        match &self.refused {
            Some((r, note)) if r == id => note.clone(),
            _ => String::new(),
        }
    }
}

async fn inbox_page(
    state: &AppState,
    locale: Locale,
    session: &dangjian_app::auth::SessionInfo,
    status: String,
) -> WebResult<InboxPage> {
    let site = state.app.default_site().await?;
    let filter = ObjectionStatus::from_code(&status);
    let inbox = state
        .app
        .objection_inbox(&session.actor, site, filter)
        .await?;
    Ok(InboxPage {
        page: Page::for_session(locale, "objection.office.title", session),
        status,
        objections: inbox.objections,
        errors: FormErrors::default(),
        refused: None,
    })
}

pub async fn inbox(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(query): Query<OkQuery>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let mut view = inbox_page(&state, locale, &session, query.status).await?;
    view.page = view.page.with_notice(Some(&query.ok));
    Ok(render(&view)?.into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct HandleForm {
    note: String,
}

pub async fn handle(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Form(form): Form<HandleForm>,
) -> WebResult<Response> {
    let (status, errors) = match state
        .app
        .handle_objection(&session.actor, id, &form.note)
        .await
    {
        Ok(()) => return Ok(Redirect::to("/objections?ok=objection_handled").into_response()),
        Err(AppError::Invalid(invalid)) => (StatusCode::UNPROCESSABLE_ENTITY, invalid.errors),
        Err(AppError::Conflict(code)) => (
            StatusCode::CONFLICT,
            dangjian_app::domain::Invalid::one("note", code).errors,
        ),
        Err(other) => return Err(other.into()),
    };
    let locale = Locale::from_headers(&headers);
    let mut view = inbox_page(&state, locale, &session, String::new()).await?;
    view.errors = FormErrors::new(locale, errors);
    view.refused = Some((id, form.note));
    Ok((status, render(&view)?).into_response())
}
