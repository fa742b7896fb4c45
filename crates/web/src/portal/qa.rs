//! 解疑释惑 on the portal: the knowledge base grouped by topic (`/qa`, with
//! a text filter), one answered question (`/qa/{id}`, published ones only),
//! and the ask form (`/qa/ask`) with its thank-you page.
//!
//! The portal has no sessions, so the form carries what a public POST
//! needs instead of a CSRF token: a small arithmetic question in Chinese
//! whose answer is checked against an HMAC-signed token in a hidden field
//! (key in the global settings, shared by every node; see
//! `domain::qa::Challenge`), a per-address limit (`app::qa::RATE_LIMIT`
//! questions per hour, counted in the database so every node agrees), and
//! the browser's own cross-site markers. None of these pages is cached:
//! they are not tagged and sit outside the page cache's routes.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use dangjian_app::AppError;
use dangjian_app::domain::clock::format_local_date;
use dangjian_app::domain::qa::{AskFields, Challenge};
use dangjian_app::qa::{PublicAnswer, PublicAsk, Topic, TopicGroup};
use serde::Deserialize;

use super::{Chrome, chrome, internal};
use crate::client::ClientInfo;
use crate::error::{WebError, WebResult};
use crate::page::FormErrors;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "portal/qa_list.html")]
struct ListPage {
    c: Chrome,
    q: String,
    groups: Vec<TopicGroup>,
}

#[derive(Template)]
#[template(path = "portal/qa_show.html")]
struct ShowPage {
    c: Chrome,
    answer: PublicAnswer,
    date: String,
}

#[derive(Template)]
#[template(path = "portal/qa_ask.html")]
struct AskPage {
    c: Chrome,
    topics: Vec<Topic>,
    form: AskForm,
    /// The challenge in words, e.g. 「3 加 4 等于几？」.
    challenge_text: String,
    challenge_token: String,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "portal/qa_thanks.html")]
struct ThanksPage {
    c: Chrome,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    q: String,
}

/// What the ask form submits (kept as typed when it is refused).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AskForm {
    pub topic: String,
    pub title: String,
    pub body: String,
    pub asker_name: String,
    pub contact: String,
    pub challenge_token: String,
    pub challenge_answer: String,
}

impl AskForm {
    fn chosen(&self, topic: &i64) -> bool {
        self.topic == topic.to_string()
    }
}

fn render(page: &impl Template) -> WebResult<Html<String>> {
    page.render().map(Html).map_err(internal)
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<ListQuery>,
) -> WebResult<Response> {
    let q: String = query.q.trim().chars().take(50).collect();
    let (site, c) = chrome(&state, &headers, "/qa").await?;
    let groups = state.app.qa_knowledge_base(site, &q).await?;
    Ok(render(&ListPage { c, q, groups })?.into_response())
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> WebResult<Response> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let (site, c) = chrome(&state, &headers, &format!("/qa/{id}")).await?;
    let answer = state.app.qa_public(site, id).await?;
    let date = format_local_date(answer.question.published_at.unwrap_or_default());
    Ok(render(&ShowPage { c, answer, date })?.into_response())
}

/// The challenge in the reader's language.
pub(super) fn challenge_text(c: &Chrome, challenge: &Challenge) -> String {
    let op = if challenge.plus {
        c.t("qa.challenge.plus")
    } else {
        c.t("qa.challenge.minus")
    };
    format!(
        "{} {op} {}{}",
        challenge.left,
        challenge.right,
        c.t("qa.challenge.equals")
    )
}

async fn ask_page(
    state: &AppState,
    headers: &HeaderMap,
    form: AskForm,
    errors: Option<Vec<dangjian_app::domain::FieldError>>,
) -> WebResult<AskPage> {
    let (site, c) = chrome(state, headers, "/qa/ask").await?;
    let topics = state.app.qa_topics(site).await?;
    // A refused form gets a new challenge: the old answer is not kept.
    let challenge = state.app.qa_challenge().await?;
    let errors = FormErrors::new(c.locale, errors.unwrap_or_default());
    Ok(AskPage {
        challenge_text: challenge_text(&c, &challenge),
        challenge_token: challenge.token,
        c,
        topics,
        form: AskForm {
            challenge_answer: String::new(),
            challenge_token: String::new(),
            ..form
        },
        errors,
    })
}

pub async fn ask_form(State(state): State<AppState>, headers: HeaderMap) -> WebResult<Response> {
    let page = ask_page(&state, &headers, AskForm::default(), None).await?;
    Ok(render(&page)?.into_response())
}

pub async fn ask(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientInfo(client): ClientInfo,
    Form(form): Form<AskForm>,
) -> WebResult<Response> {
    if crate::csrf::cross_site_headers(&headers) {
        return Err(WebError::Csrf);
    }
    let site = state.app.default_site().await?;
    let ask = PublicAsk {
        fields: AskFields {
            topic: &form.topic,
            title: &form.title,
            body: &form.body,
            asker_name: &form.asker_name,
            contact: &form.contact,
        },
        challenge_token: &form.challenge_token,
        challenge_answer: &form.challenge_answer,
    };
    let (status, errors) = match state.app.ask_public(site, &client, &ask).await {
        Ok(_) => return Ok(Redirect::to("/qa/ask/thanks").into_response()),
        Err(AppError::Invalid(invalid)) => (StatusCode::UNPROCESSABLE_ENTITY, invalid.errors),
        Err(AppError::Conflict(code @ "error.qa.rate_limited")) => (
            StatusCode::TOO_MANY_REQUESTS,
            dangjian_app::domain::Invalid::one("form", code).errors,
        ),
        Err(other) => return Err(other.into()),
    };
    let page = ask_page(&state, &headers, form, Some(errors)).await?;
    Ok((status, render(&page)?).into_response())
}

pub async fn thanks(State(state): State<AppState>, headers: HeaderMap) -> WebResult<Response> {
    let (_, c) = chrome(&state, &headers, "/qa/ask/thanks").await?;
    Ok(render(&ThanksPage { c })?.into_response())
}
