//! The moves on a letter posted from its office page
//! (`POST /mailbox/{id}/{action}`): each form sends its own fields; a
//! refused input or a letter someone else moved meanwhile shows the page
//! again with the message and what was typed.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_app::AppError;
use dangjian_app::domain::FieldError;
use dangjian_app::domain::ids::SectionId;
use dangjian_app::domain::workflow::ReturnTo;
use dangjian_app::mailbox::MailboxAction;

use super::mailbox::{ActionForm, parse_id, show_page};
use super::render;
use crate::error::{WebError, WebResult};
use crate::i18n::Locale;
use crate::page::FormErrors;
use crate::session::Office;
use crate::state::AppState;

/// The moves' names in the URL (and in the `?ok=` notice after one).
pub(super) const ACTIONS: [&str; 10] = [
    "accept", "reassign", "refuse", "note", "draft", "submit", "approve", "return", "publish",
    "withdraw",
];

/// The move a posted form asks for; a field that does not parse is an
/// input error of that field.
fn action_of(name: &str, form: &ActionForm) -> WebResult<Result<MailboxAction, Vec<FieldError>>> {
    let section = || {
        form.section
            .trim()
            .parse()
            .map(SectionId)
            .map_err(|_| dangjian_app::domain::Invalid::one("section", "error.mailbox.section"))
    };
    let action = match name {
        "accept" => section().map(MailboxAction::Accept),
        "reassign" => section().map(MailboxAction::Reassign),
        "refuse" => Ok(MailboxAction::Refuse(form.reason.clone())),
        "note" => Ok(MailboxAction::Note(form.note.clone())),
        "draft" => Ok(MailboxAction::Draft(form.reply.clone())),
        "submit" => Ok(MailboxAction::Submit(form.reply.clone())),
        "approve" => Ok(MailboxAction::Approve(form.comment.clone())),
        "return" => Ok(MailboxAction::Return {
            // Anything but a stage number sends the reply to its author.
            to: form
                .to
                .trim()
                .parse()
                .map_or(ReturnTo::Author, ReturnTo::Stage),
            comment: form.comment.clone(),
        }),
        "publish" => Ok(MailboxAction::Publish),
        "withdraw" => Ok(MailboxAction::Withdraw),
        _ => return Err(WebError::NotFound),
    };
    Ok(action.map_err(|invalid| invalid.errors))
}

pub async fn act(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path((id, name)): Path<(String, String)>,
    Form(form): Form<ActionForm>,
) -> WebResult<Response> {
    let id = parse_id(&id)?;
    let site = state.app.default_site().await?;
    let locale = Locale::from_headers(&headers);
    let (status, errors) = match action_of(&name, &form)? {
        Ok(action) => match state
            .app
            .mailbox_act(&session.actor, site, id, &action)
            .await
        {
            Ok(()) => {
                return Ok(Redirect::to(&format!("/mailbox/{id}?ok={name}")).into_response());
            }
            Err(AppError::Invalid(invalid)) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                FormErrors::new(locale, invalid.errors),
            ),
            Err(AppError::Conflict(code)) => {
                (StatusCode::CONFLICT, FormErrors::general(locale, code))
            }
            Err(other) => return Err(other.into()),
        },
        Err(errors) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            FormErrors::new(locale, errors),
        ),
    };
    let mut page = show_page(&state, locale, &session, id).await?;
    // The saved draft stays in the reply box unless the reply form itself
    // was refused: then what was typed is kept instead.
    let saved_reply = std::mem::take(&mut page.typed.reply);
    page.typed = form;
    if !matches!(name.as_str(), "draft" | "submit") {
        page.typed.reply = saved_reply;
    }
    page.posted = name;
    page.errors = errors;
    Ok((status, render(&page)?).into_response())
}
