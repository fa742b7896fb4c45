//! 解疑释惑 in the office: the inbox with counts per status and filters
//! (`/qa`), and one question with the forms of the moves the person may
//! make (`/qa/{id}`; `POST /qa/{id}/{action}`).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_app::AppError;
use dangjian_app::auth::SessionInfo;
use dangjian_app::domain::FieldError;
use dangjian_app::domain::ids::SectionId;
use dangjian_app::domain::qa::{Move, Status};
use dangjian_app::domain::role::Permission;
use dangjian_app::qa::{InboxFilter, QaAction, Question, Topic};
use dangjian_app::records::Section;
use serde::Deserialize;

use super::render;
use crate::error::{WebError, WebResult};
use crate::i18n::Locale;
use crate::page::{FormErrors, Page};
use crate::session::Office;
use crate::state::AppState;

/// A status with its count, as a filter link.
struct StatusTab {
    code: &'static str,
    label: String,
    count: i64,
    current: bool,
}

#[derive(Template)]
#[template(path = "qa/inbox.html")]
struct InboxPage {
    page: Page,
    tabs: Vec<StatusTab>,
    topics: Vec<Topic>,
    filter: InboxQuery,
    questions: Vec<Question>,
    /// Site editors also get the links to enter a question and to the
    /// topics.
    editor: bool,
}

impl InboxPage {
    fn status_label(&self, code: &str) -> String {
        label(self.page.locale, code)
    }
}

#[derive(Template)]
#[template(path = "qa/show.html")]
struct ShowPage {
    page: Page,
    q: Question,
    status_label: String,
    /// Where the question came from (portal or office).
    origin_label: String,
    linked: Option<Question>,
    sections: Vec<Section>,
    targets: Vec<Question>,
    /// Which forms to show.
    can: Moves,
    /// What was typed into a refused form.
    typed: ActionForm,
    errors: FormErrors,
}

#[derive(Debug, Default, Clone, Copy)]
struct Moves {
    assign: bool,
    answer: bool,
    publish: bool,
    refuse: bool,
    link: bool,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct InboxQuery {
    status: String,
    topic: String,
    ok: String,
}

impl InboxQuery {
    fn topic_is(&self, id: &i64) -> bool {
        self.topic == id.to_string()
    }
}

/// Every field of every move's form (each form sends its own).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ActionForm {
    section: String,
    answer: String,
    reason: String,
    target: String,
}

impl ActionForm {
    fn section_is(&self, id: &SectionId) -> bool {
        self.section == id.to_string()
    }

    fn target_is(&self, id: &i64) -> bool {
        self.target == id.to_string()
    }
}

fn label(locale: Locale, status: &str) -> String {
    Status::from_code(status).map_or_else(|| status.to_owned(), |s| locale.t(&s.label_key()))
}

pub async fn inbox(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(query): Query<InboxQuery>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let site = state.app.default_site().await?;
    let filter = InboxFilter {
        status: Status::from_code(&query.status),
        topic_id: query.topic.parse().ok(),
    };
    let inbox = state.app.qa_inbox(&session.actor, site, &filter).await?;
    let tabs = inbox
        .counts
        .iter()
        .map(|(status, count)| StatusTab {
            code: status.code(),
            label: locale.t(&status.label_key()),
            count: *count,
            current: query.status == status.code(),
        })
        .collect();
    let notice = Some(query.ok.as_str()).filter(|ok| !ok.is_empty());
    let page = InboxPage {
        page: Page::for_session(locale, "qa.office.title", &session).with_notice(notice),
        tabs,
        topics: state.app.qa_topics(site).await?,
        filter: query,
        questions: inbox.questions,
        editor: session.actor.can(Permission::ManageSite),
    };
    Ok(render(&page)?.into_response())
}

async fn show_page(
    state: &AppState,
    locale: Locale,
    session: &SessionInfo,
    id: i64,
) -> WebResult<ShowPage> {
    let actor = &session.actor;
    let site = state.app.default_site().await?;
    let q = state.app.qa_question(actor, site, id).await?;
    let linked = match q.answered_by_link {
        Some(target) => state.app.qa_question(actor, site, target).await.ok(),
        None => None,
    };
    let status = Status::from_code(&q.status).unwrap_or(Status::New);
    let editor = actor.can(Permission::ManageSite);
    let can = Moves {
        assign: editor && Move::Assign.allowed_from(status),
        answer: dangjian_app::qa::may_answer(actor, q.section_id)
            && Move::Answer.allowed_from(status),
        publish: editor && Move::Publish.allowed_from(status),
        refuse: editor && Move::Refuse.allowed_from(status),
        link: editor && Move::Link.allowed_from(status),
    };
    let sections = if can.assign {
        state.app.sections(site).await?
    } else {
        Vec::new()
    };
    let targets = if can.link {
        state.app.qa_link_targets(site, id).await?
    } else {
        Vec::new()
    };
    Ok(ShowPage {
        page: Page::for_session(locale, "qa.office.question", session),
        status_label: label(locale, &q.status),
        origin_label: locale.t(&format!("qa.office.origin.{}", q.origin)),
        typed: ActionForm {
            answer: q.answer.clone(),
            ..ActionForm::default()
        },
        q,
        linked,
        sections,
        targets,
        can,
        errors: FormErrors::default(),
    })
}

fn parse_id(id: &str) -> WebResult<i64> {
    id.parse().map_err(|_| WebError::NotFound)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OkQuery {
    pub(super) ok: String,
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<String>,
    Query(query): Query<OkQuery>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let mut page = show_page(&state, locale, &session, parse_id(&id)?).await?;
    page.page = page.page.with_notice(Some(query.ok.as_str()));
    Ok(render(&page)?.into_response())
}

/// The move a posted form asks for; a field that does not parse is an
/// input error of that field.
fn action_of(name: &str, form: &ActionForm) -> WebResult<Result<QaAction, Vec<FieldError>>> {
    let bad =
        |field: &str, code: &str| Ok(Err(dangjian_app::domain::Invalid::one(field, code).errors));
    Ok(Ok(match name {
        "assign" => match form.section.parse() {
            Ok(id) => QaAction::Assign(SectionId(id)),
            Err(_) => return bad("section", "error.qa.section"),
        },
        "answer" => QaAction::Answer(form.answer.clone()),
        "publish" => QaAction::Publish,
        "refuse" => QaAction::Refuse(form.reason.clone()),
        "link" => match form.target.parse() {
            Ok(id) => QaAction::Link(id),
            Err(_) => return bad("target", "error.qa.target"),
        },
        _ => return Err(WebError::NotFound),
    }))
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
    let errors = match action_of(&name, &form)? {
        Ok(action) => match state.app.qa_act(&session.actor, site, id, &action).await {
            Ok(()) => {
                return Ok(Redirect::to(&format!("/qa/{id}?ok=qa_{name}")).into_response());
            }
            Err(AppError::Invalid(invalid)) => invalid.errors,
            Err(other) => return Err(other.into()),
        },
        Err(errors) => errors,
    };
    let locale = Locale::from_headers(&headers);
    let mut page = show_page(&state, locale, &session, id).await?;
    page.typed = form;
    page.errors = FormErrors::new(locale, errors);
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}
