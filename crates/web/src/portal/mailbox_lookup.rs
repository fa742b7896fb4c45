//! 部长信箱: the writer's lookup (`/mailbox/query`) by tracking code and
//! query password. It shows where the letter stands, what was written, the
//! section handling it, and the reply once approved (or the reason it was
//! declined).
//!
//! A wrong pair is refused without saying which half was wrong; the app
//! counts failures per address and refuses the address for the rest of the
//! hour after too many. The typed code is kept on a refusal, the password
//! never echoed, and every answer is `no-store`: it may show a writer's
//! own letter.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, Response};
use dangjian_app::AppError;
use dangjian_app::domain::clock::format_local_date;
use dangjian_app::domain::mailbox::LetterStatus;
use dangjian_app::domain::{FieldError, Invalid};
use dangjian_app::mailbox::WriterView;
use serde::Deserialize;

use super::mailbox::{category_label, no_store};
use super::{Chrome, chrome, internal};
use crate::client::ClientInfo;
use crate::error::{WebError, WebResult};
use crate::page::FormErrors;
use crate::state::AppState;

/// The most characters of a typed code kept for the form (a real code has
/// 16; the app normalises and checks it).
const CODE_KEPT: usize = 40;

/// What the lookup form submits; `GET /mailbox/query?code=` fills the
/// code in (the receipt links there; the password never rides in a URL).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct LookupForm {
    code: String,
    password: String,
}

/// The writer's letter put into words.
pub struct WriterLetter {
    pub view: WriterView,
    pub category: String,
    /// The status's label (待受理, 办理中 …).
    pub status: String,
    pub received: String,
    pub due: String,
    /// When it was answered or declined, or empty.
    pub responded: String,
    /// Still waiting for an answer (the deadline is shown).
    pub open: bool,
    pub refused: bool,
}

impl WriterLetter {
    fn of(c: &Chrome, view: WriterView) -> WriterLetter {
        let status = LetterStatus::from_code(&view.status);
        WriterLetter {
            category: category_label(c, &view.category),
            status: status.map_or_else(|| view.status.clone(), |s| c.t(&s.label_key())),
            received: format_local_date(view.received_at),
            due: format_local_date(view.due_at),
            responded: view.responded_at.map(format_local_date).unwrap_or_default(),
            open: status.is_some_and(LetterStatus::is_open),
            refused: status == Some(LetterStatus::Refused),
            view,
        }
    }
}

#[derive(Template)]
#[template(path = "portal/mailbox_query.html")]
struct QueryPage {
    c: Chrome,
    /// The code as typed (kept on a refusal).
    code: String,
    errors: FormErrors,
    /// The letter, once the pair matched.
    letter: Option<WriterLetter>,
}

fn render(page: &impl Template) -> WebResult<Html<String>> {
    page.render().map(Html).map_err(internal)
}

async fn query_page(
    state: &AppState,
    headers: &HeaderMap,
    code: &str,
    errors: Vec<FieldError>,
    letter: Option<WriterView>,
) -> WebResult<Html<String>> {
    let (_, c) = chrome(state, headers, "/mailbox/query").await?;
    let letter = letter.map(|view| WriterLetter::of(&c, view));
    let page = QueryPage {
        code: code.trim().chars().take(CODE_KEPT).collect(),
        errors: FormErrors::new(c.locale, errors),
        letter,
        c,
    };
    render(&page)
}

pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<LookupForm>,
) -> WebResult<Response> {
    let page = query_page(&state, &headers, &query.code, Vec::new(), None).await?;
    Ok(no_store(StatusCode::OK, page))
}

pub async fn lookup(
    State(state): State<AppState>,
    headers: HeaderMap,
    ClientInfo(client): ClientInfo,
    Form(form): Form<LookupForm>,
) -> WebResult<Response> {
    if crate::csrf::cross_site_headers(&headers) {
        return Err(WebError::Csrf);
    }
    let (status, errors, letter) = match state
        .app
        .lookup_letter(&client, &form.code, &form.password)
        .await
    {
        Ok(view) => (StatusCode::OK, Vec::new(), Some(view)),
        Err(AppError::Invalid(invalid)) => (StatusCode::UNPROCESSABLE_ENTITY, invalid.errors, None),
        Err(AppError::Conflict(code @ "error.mailbox.lookup_limited")) => (
            StatusCode::TOO_MANY_REQUESTS,
            Invalid::one("form", code).errors,
            None,
        ),
        Err(other) => return Err(other.into()),
    };
    let page = query_page(&state, &headers, &form.code, errors, letter).await?;
    Ok(no_store(status, page))
}
