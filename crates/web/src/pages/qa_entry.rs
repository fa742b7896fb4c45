//! Entering a question received by phone, letter or visit (`/qa/enter`),
//! for site editors: the portal's fields plus how it arrived, without the
//! portal's challenge. A refused form comes back with what was typed.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_app::AppError;
use dangjian_app::auth::SessionInfo;
use dangjian_app::domain::FieldError;
use dangjian_app::domain::qa::{AskFields, OFFICE_ORIGINS};
use dangjian_app::qa::{OfficeEntry, Topic};
use serde::Deserialize;

use super::render;
use crate::error::WebResult;
use crate::i18n::Locale;
use crate::page::{FormErrors, Page};
use crate::session::Office;
use crate::state::AppState;

/// What the entry form submits.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct EntryInput {
    topic: String,
    title: String,
    body: String,
    asker_name: String,
    contact: String,
    origin: String,
}

impl EntryInput {
    fn topic_is(&self, id: &i64) -> bool {
        self.topic == id.to_string()
    }

    fn origin_is(&self, code: &str) -> bool {
        self.origin == code
    }
}

/// A way a question arrives, as a choice.
struct Origin {
    code: &'static str,
    label: String,
}

#[derive(Template)]
#[template(path = "qa/enter.html")]
struct EnterPage {
    page: Page,
    topics: Vec<Topic>,
    origins: Vec<Origin>,
    form: EntryInput,
    errors: FormErrors,
}

async fn enter_page(
    state: &AppState,
    locale: Locale,
    session: &SessionInfo,
    form: EntryInput,
    errors: Vec<FieldError>,
) -> WebResult<EnterPage> {
    let site = state.app.default_site().await?;
    // Asking for the topics is what checks (and audits) who may enter.
    let topics = state.app.qa_entry_topics(&session.actor, site).await?;
    let origins = OFFICE_ORIGINS
        .into_iter()
        .map(|code| Origin {
            code,
            label: locale.t(&format!("qa.office.origin.{code}")),
        })
        .collect();
    Ok(EnterPage {
        page: Page::for_session(locale, "qa.enter.title", session),
        topics,
        origins,
        form,
        errors: FormErrors::new(locale, errors),
    })
}

pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let page = enter_page(&state, locale, &session, EntryInput::default(), vec![]).await?;
    Ok(render(&page)?.into_response())
}

pub async fn enter(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Form(input): Form<EntryInput>,
) -> WebResult<Response> {
    let site = state.app.default_site().await?;
    let entry = OfficeEntry {
        fields: AskFields {
            topic: &input.topic,
            title: &input.title,
            body: &input.body,
            asker_name: &input.asker_name,
            contact: &input.contact,
        },
        origin: &input.origin,
    };
    let errors = match state.app.qa_enter(&session.actor, site, &entry).await {
        Ok(id) => return Ok(Redirect::to(&format!("/qa/{id}?ok=qa_entered")).into_response()),
        Err(AppError::Invalid(invalid)) => invalid.errors,
        Err(other) => return Err(other.into()),
    };
    let locale = Locale::from_headers(&headers);
    let page = enter_page(&state, locale, &session, input, errors).await?;
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}
