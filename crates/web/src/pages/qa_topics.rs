//! The site editors' question topics (`/qa/topics`): the list with a form
//! per topic to rename it or change its place, and a form to add one. A
//! refused form comes back with what was typed and the message beside it.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_app::AppError;
use dangjian_app::auth::SessionInfo;
use dangjian_app::domain::FieldError;
use dangjian_app::qa::{Topic, TopicForm};
use serde::Deserialize;

use super::qa::OkQuery;
use super::render;
use crate::error::{WebError, WebResult};
use crate::i18n::Locale;
use crate::page::{FormErrors, Page};
use crate::session::Office;
use crate::state::AppState;

/// What a topic form submits (kept as typed when refused).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct TopicInput {
    name: String,
    sort_order: String,
}

impl TopicInput {
    fn form(&self) -> TopicForm<'_> {
        TopicForm {
            name: &self.name,
            sort_order: &self.sort_order,
        }
    }
}

/// One topic's form: as stored, or as typed with its errors.
struct TopicRow {
    id: i64,
    typed: TopicInput,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "qa/topics.html")]
struct TopicsPage {
    page: Page,
    rows: Vec<TopicRow>,
    new: TopicInput,
    new_errors: FormErrors,
}

/// A refused form: which one (None: the new topic's), what was typed and why.
struct Refused {
    id: Option<i64>,
    typed: TopicInput,
    errors: Vec<FieldError>,
}

fn row(locale: Locale, topic: Topic, refused: Option<&Refused>) -> TopicRow {
    match refused.filter(|r| r.id == Some(topic.id)) {
        Some(r) => TopicRow {
            id: topic.id,
            typed: r.typed.clone(),
            errors: FormErrors::new(locale, r.errors.clone()),
        },
        None => TopicRow {
            id: topic.id,
            typed: TopicInput {
                name: topic.name,
                sort_order: topic.sort_order.to_string(),
            },
            errors: FormErrors::default(),
        },
    }
}

async fn topics_page(
    state: &AppState,
    locale: Locale,
    session: &SessionInfo,
    refused: Option<Refused>,
) -> WebResult<TopicsPage> {
    let site = state.app.default_site().await?;
    let topics = state.app.qa_topic_admin(&session.actor, site).await?;
    let rows = topics
        .into_iter()
        .map(|t| row(locale, t, refused.as_ref()))
        .collect();
    let (new, new_errors) = match refused {
        Some(r) if r.id.is_none() => (r.typed, FormErrors::new(locale, r.errors)),
        _ => (TopicInput::default(), FormErrors::default()),
    };
    Ok(TopicsPage {
        page: Page::for_session(locale, "qa.topics.title", session),
        rows,
        new,
        new_errors,
    })
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(query): Query<OkQuery>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let mut page = topics_page(&state, locale, &session, None).await?;
    page.page = page.page.with_notice(Some(query.ok.as_str()));
    Ok(render(&page)?.into_response())
}

/// The page again with the refused form's input and errors (422).
async fn refused(
    state: &AppState,
    headers: &HeaderMap,
    session: &SessionInfo,
    refused: Refused,
) -> WebResult<Response> {
    let locale = Locale::from_headers(headers);
    let page = topics_page(state, locale, session, Some(refused)).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Form(input): Form<TopicInput>,
) -> WebResult<Response> {
    let site = state.app.default_site().await?;
    match state
        .app
        .qa_topic_create(&session.actor, site, &input.form())
        .await
    {
        Ok(_) => Ok(Redirect::to("/qa/topics?ok=qa_topic_created").into_response()),
        Err(AppError::Invalid(invalid)) => {
            let errors = invalid.errors;
            let typed = input;
            refused(
                &state,
                &headers,
                &session,
                Refused {
                    id: None,
                    typed,
                    errors,
                },
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<String>,
    Form(input): Form<TopicInput>,
) -> WebResult<Response> {
    let id: i64 = id.parse().map_err(|_| WebError::NotFound)?;
    let site = state.app.default_site().await?;
    match state
        .app
        .qa_topic_update(&session.actor, site, id, &input.form())
        .await
    {
        Ok(()) => Ok(Redirect::to("/qa/topics?ok=qa_topic_saved").into_response()),
        Err(AppError::Invalid(invalid)) => {
            let errors = invalid.errors;
            let typed = input;
            let id = Some(id);
            refused(&state, &headers, &session, Refused { id, typed, errors }).await
        }
        Err(other) => Err(other.into()),
    }
}
