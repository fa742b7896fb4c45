//! 公示 on the portal: the notice block of an article page (kind, period,
//! state computed at request time) and the objection form
//! (`/article/{id}/objection`) with its thank-you page.
//!
//! The article page stays in the page cache, but only until the notice's
//! next switch (start, a local midnight while in progress, the end): its
//! `FreshUntil` caps the entry, so a cached page never shows a stale
//! state. The form is outside the cache (untagged), like the Q&A form, and
//! carries the same public-POST protections: the signed arithmetic
//! challenge, the per-address limit and the cross-site check.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use dangjian_app::AppError;
use dangjian_app::domain::FieldError;
use dangjian_app::domain::article::ArticleId;
use dangjian_app::domain::clock::format_local;
use dangjian_app::domain::notice::{NoticeState, ObjectionFields};
use dangjian_app::notices::{Notice, ObjectionForm};
use dangjian_app::site::ArticleSummary;
use serde::Deserialize;

use super::qa::challenge_text;
use super::{Chrome, Item, chrome, internal};
use crate::client::ClientInfo;
use crate::error::{WebError, WebResult};
use crate::page::FormErrors;
use crate::state::AppState;

/// What the article page says about its notice.
pub struct NoticeView {
    pub kind: String,
    /// `2026-11-23 09:00 至 2026-11-27`.
    pub period: String,
    /// `upcoming`, `in_progress` or `ended` (a CSS class).
    pub state: &'static str,
    pub state_text: String,
    /// Objections are accepted now.
    pub open: bool,
}

impl NoticeView {
    pub fn of(c: &Chrome, notice: &Notice) -> NoticeView {
        let start: String = format_local(notice.starts_at).chars().take(16).collect();
        // The end is exclusive midnight: the last day is the one before.
        let last: String = format_local(notice.ends_at - 1).chars().take(10).collect();
        let state_text = match notice.state {
            NoticeState::Upcoming => c.t("notice.state.upcoming").replace("{start}", &start),
            NoticeState::InProgress { days_left } => c
                .t("notice.state.in_progress")
                .replace("{n}", &days_left.to_string()),
            NoticeState::Ended => c.t("notice.state.ended"),
        };
        NoticeView {
            kind: c.t(&notice.kind.label_key()),
            period: c
                .t("notice.period_text")
                .replace("{start}", &start)
                .replace("{end}", &last),
            state: notice.state.code(),
            state_text,
            open: matches!(notice.state, NoticeState::InProgress { .. }),
        }
    }
}

/// The cap on how long a cached page showing a notice stays fresh.
#[derive(Debug, Clone, Copy)]
pub struct FreshUntil(pub i64);

impl FreshUntil {
    /// Caps a page's freshness at `until`, when there is a switch ahead.
    pub fn cap(response: &mut Response, until: Option<i64>) {
        if let Some(until) = until {
            response.extensions_mut().insert(FreshUntil(until));
        }
    }
}

/// The small state mark (未开始 / 公示中 / 公示期满) a list shows beside a
/// notice; the days left and dates are for the article page.
pub struct NoticeMark {
    /// `upcoming`, `in_progress` or `ended` (a CSS class).
    pub state: &'static str,
    pub text: String,
}

/// Marks the notices among a list's items (made from `summaries`, in the
/// same order) and answers the earliest switch among them, which is how
/// long the cached list may show these marks.
pub async fn mark_items(
    state: &AppState,
    c: &Chrome,
    summaries: &[ArticleSummary],
    items: &mut [Item],
) -> WebResult<Option<i64>> {
    let ids: Vec<ArticleId> = summaries.iter().map(|s| s.id).collect();
    let notices = state.app.public_notices(&ids).await?;
    for (summary, item) in summaries.iter().zip(items.iter_mut()) {
        item.notice = notices.get(&summary.id).map(|n| NoticeMark {
            state: n.state.code(),
            text: c.t(&format!("notice.mark.{}", n.state.code())),
        });
    }
    Ok(notices.values().filter_map(|n| n.next_switch).min())
}

/// The 12380 contacts shown beside the form.
struct Contacts {
    phone: String,
    site: String,
    mail: String,
}

impl Contacts {
    fn of(c: &Chrome) -> Contacts {
        Contacts {
            phone: c.site.report_phone.clone(),
            site: c.site.report_site.clone(),
            mail: c.site.report_mail.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "portal/objection.html")]
struct FormPage {
    c: Chrome,
    id: i64,
    title: String,
    notice: NoticeView,
    contacts: Contacts,
    form: ObjectionFormInput,
    challenge_text: String,
    challenge_token: String,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "portal/objection_thanks.html")]
struct ThanksPage {
    c: Chrome,
    id: i64,
}

/// What the objection form submits (kept as typed when refused).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ObjectionFormInput {
    pub name: String,
    pub phone: String,
    pub unit: String,
    pub content: String,
    pub challenge_token: String,
    pub challenge_answer: String,
}

fn article_id(text: &str) -> WebResult<ArticleId> {
    text.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .map(ArticleId)
        .ok_or(WebError::NotFound)
}

async fn form_page(
    state: &AppState,
    headers: &HeaderMap,
    id: ArticleId,
    form: ObjectionFormInput,
    errors: Vec<FieldError>,
) -> WebResult<FormPage> {
    let (site, c) = chrome(state, headers, &format!("/article/{id}/objection")).await?;
    let found = match state.app.public_article(site, id).await? {
        dangjian_app::articles::public::ArticleLookup::Found(found) => found,
        _ => return Err(WebError::NotFound),
    };
    let notice = state
        .app
        .public_notice(id)
        .await?
        .ok_or(WebError::NotFound)?;
    let challenge = state.app.qa_challenge().await?;
    Ok(FormPage {
        id: id.0,
        title: found.article.title.clone(),
        notice: NoticeView::of(&c, &notice),
        contacts: Contacts::of(&c),
        challenge_text: challenge_text(&c, &challenge),
        challenge_token: challenge.token,
        errors: FormErrors::new(c.locale, errors),
        form: ObjectionFormInput {
            challenge_token: String::new(),
            challenge_answer: String::new(),
            ..form
        },
        c,
    })
}

fn render(page: &impl Template) -> WebResult<Html<String>> {
    page.render().map(Html).map_err(internal)
}

pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let id = article_id(&id)?;
    let page = form_page(&state, &headers, id, ObjectionFormInput::default(), vec![]).await?;
    Ok(render(&page)?.into_response())
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    ClientInfo(client): ClientInfo,
    Form(input): Form<ObjectionFormInput>,
) -> WebResult<Response> {
    if crate::csrf::cross_site_headers(&headers) {
        return Err(WebError::Csrf);
    }
    let id = article_id(&id)?;
    let site = state.app.default_site().await?;
    let form = ObjectionForm {
        fields: ObjectionFields {
            name: &input.name,
            phone: &input.phone,
            unit: &input.unit,
            content: &input.content,
        },
        challenge_token: &input.challenge_token,
        challenge_answer: &input.challenge_answer,
    };
    let (status, errors) = match state.app.object_public(site, id, &client, &form).await {
        Ok(_) => {
            return Ok(Redirect::to(&format!("/article/{id}/objection/thanks")).into_response());
        }
        Err(AppError::Invalid(invalid)) => (StatusCode::UNPROCESSABLE_ENTITY, invalid.errors),
        Err(AppError::Conflict(code @ "error.objection.rate_limited")) => (
            StatusCode::TOO_MANY_REQUESTS,
            dangjian_app::domain::Invalid::one("form", code).errors,
        ),
        Err(AppError::Conflict(code)) => (
            StatusCode::CONFLICT,
            dangjian_app::domain::Invalid::one("form", code).errors,
        ),
        Err(other) => return Err(other.into()),
    };
    let page = form_page(&state, &headers, id, input, errors).await?;
    Ok((status, render(&page)?).into_response())
}

pub async fn thanks(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let id = article_id(&id)?;
    let (_, c) = chrome(&state, &headers, &format!("/article/{id}/objection/thanks")).await?;
    Ok(render(&ThanksPage { c, id: id.0 })?.into_response())
}
