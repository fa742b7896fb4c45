//! 部长信箱 in the office: the inbox with counts per status, a search and
//! each open letter's urgency (`/mailbox`), one letter with its timeline,
//! reply and the forms of the moves the person may make (`/mailbox/{id}`;
//! `POST /mailbox/{id}/{action}` in `mailbox_act`), and its attachments as
//! downloads (`/mailbox/{id}/files/{file}`).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use dangjian_app::auth::SessionInfo;
use dangjian_app::domain::ids::SectionId;
use dangjian_app::domain::mailbox::{Category, LetterStatus, Urgency};
use dangjian_app::domain::role::Permission;
use dangjian_app::mailbox::{LetterCase, LetterEvent, MailboxFilter};
use serde::Deserialize;

use super::render;
use crate::error::{WebError, WebResult};
use crate::i18n::Locale;
use crate::page::{FormErrors, Page};
use crate::session::Office;
use crate::state::AppState;

pub use super::mailbox_act::act;

/// A status with its count, as a filter link.
struct StatusTab {
    code: &'static str,
    label: String,
    count: i64,
    current: bool,
}

/// How pressing an open letter is, as a badge.
pub(super) struct Badge {
    code: &'static str,
    text: String,
}

impl Badge {
    fn of(locale: Locale, urgency: Urgency) -> Badge {
        Badge {
            code: urgency.code(),
            text: locale
                .t(&format!("mailbox.urgency.{}", urgency.code()))
                .replace("{days}", &urgency.days().to_string()),
        }
    }

    /// Due soon, overdue and the veto alarm are highlighted.
    fn pressing(&self) -> bool {
        self.code != "on_time"
    }
}

/// One inbox row, its labels in the reader's language.
struct InboxRow {
    id: i64,
    code: String,
    subject: String,
    category: String,
    writer: String,
    received_at: i64,
    due_at: i64,
    section: String,
    status: String,
    urgency: Option<Badge>,
}

#[derive(Template)]
#[template(path = "mailbox/inbox.html")]
struct InboxPage {
    page: Page,
    tabs: Vec<StatusTab>,
    /// Letters of every status the person sees.
    total: i64,
    filter: InboxQuery,
    rows: Vec<InboxRow>,
    attention: usize,
    /// Whoever may read the quarterly figures gets the link to them.
    stats: bool,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct InboxQuery {
    status: String,
    q: String,
}

fn status_label(locale: Locale, code: &str) -> String {
    LetterStatus::from_code(code).map_or_else(|| code.to_owned(), |s| locale.t(&s.label_key()))
}

fn category_label(locale: Locale, code: &str) -> String {
    Category::from_code(code).map_or_else(|| code.to_owned(), |c| locale.t(&c.label_key()))
}

pub async fn inbox(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(query): Query<InboxQuery>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let site = state.app.default_site().await?;
    let filter = MailboxFilter {
        status: LetterStatus::from_code(&query.status),
        text: query.q.clone(),
    };
    let inbox = state
        .app
        .mailbox_inbox(&session.actor, site, &filter)
        .await?;
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
    let rows = inbox
        .letters
        .into_iter()
        .map(|row| {
            let l = row.letter;
            InboxRow {
                category: category_label(locale, &l.category),
                status: status_label(locale, &l.status),
                urgency: row.urgency.map(|u| Badge::of(locale, u)),
                id: l.id,
                code: l.tracking_code,
                subject: l.subject,
                writer: l.name,
                received_at: l.received_at,
                due_at: l.due_at,
                section: l.section_name,
            }
        })
        .collect();
    let actor = &session.actor;
    let page = InboxPage {
        page: Page::for_session(locale, "mailbox.office.title", &session),
        tabs,
        total: inbox.counts.iter().map(|(_, n)| n).sum(),
        filter: query,
        rows,
        attention: inbox.attention,
        stats: actor.can(Permission::ManageSite) || actor.can(Permission::ApproveArticles),
    };
    Ok(render(&page)?.into_response())
}

/// One entry of the timeline. All of it is the office's; notes are
/// marked as internal so nobody pastes them into a reply.
pub(super) struct EventRow {
    at: i64,
    who: String,
    action: String,
    comment: String,
    stage: String,
    internal: bool,
}

impl EventRow {
    fn of(locale: Locale, event: LetterEvent) -> EventRow {
        EventRow {
            at: event.at,
            who: event.actor_name,
            action: locale.t(&format!("mailbox.office.event.{}", event.action)),
            internal: event.action == "note",
            comment: event.comment,
            stage: event.stage_name,
        }
    }
}

/// A stage of the reply's workflow; `value` is its index for the
/// send-back form.
pub(super) struct StageRow {
    value: usize,
    name: String,
    current: bool,
}

/// Every field of every move's form (each form sends its own).
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(default)]
pub struct ActionForm {
    pub(super) section: String,
    pub(super) reason: String,
    pub(super) note: String,
    pub(super) reply: String,
    pub(super) comment: String,
    pub(super) to: String,
}

impl ActionForm {
    fn section_is(&self, id: &SectionId) -> bool {
        self.section == id.to_string()
    }

    fn to_is(&self, stage: &usize) -> bool {
        self.to == stage.to_string()
    }
}

#[derive(Template)]
#[template(path = "mailbox/show.html")]
pub(super) struct ShowPage {
    pub(super) page: Page,
    case: LetterCase,
    status_label: String,
    category_label: String,
    origin_label: String,
    urgency: Option<Badge>,
    events: Vec<EventRow>,
    stages: Vec<StageRow>,
    /// Earlier stages a reviewer may send the reply back to.
    back_to: Vec<StageRow>,
    /// The reply is approved (the writer reads it), not a draft.
    reply_final: bool,
    /// Tell the officer why there is no publish button: the writer did
    /// not allow it.
    consent_note: bool,
    /// The form that was posted and refused, so its errors and typed
    /// text show beside it only.
    pub(super) posted: String,
    pub(super) typed: ActionForm,
    pub(super) errors: FormErrors,
}

pub(super) async fn show_page(
    state: &AppState,
    locale: Locale,
    session: &SessionInfo,
    id: i64,
) -> WebResult<ShowPage> {
    let site = state.app.default_site().await?;
    let case = state.app.mailbox_letter(&session.actor, site, id).await?;
    let stages: Vec<StageRow> = case
        .stages
        .iter()
        .enumerate()
        .map(|(value, name)| StageRow {
            value,
            name: name.clone(),
            current: case.stage == Some(value),
        })
        .collect();
    let back_to = case
        .stages
        .iter()
        .enumerate()
        .take(case.stage.unwrap_or(0))
        .map(|(value, name)| StageRow {
            value,
            name: name.clone(),
            current: false,
        })
        .collect();
    let letter = &case.letter;
    Ok(ShowPage {
        page: Page::for_session(locale, "mailbox.office.letter", session),
        status_label: locale.t(&case.status.label_key()),
        category_label: category_label(locale, &letter.category),
        origin_label: locale.t(&format!("mailbox.office.origin.{}", letter.origin)),
        urgency: case.urgency.map(|u| Badge::of(locale, u)),
        events: case
            .events
            .iter()
            .cloned()
            .map(|e| EventRow::of(locale, e))
            .collect(),
        stages,
        back_to,
        reply_final: case.status.is_answered(),
        consent_note: session.actor.can(Permission::ManageSite)
            && case.status == LetterStatus::Replied
            && !letter.publish_consent,
        posted: String::new(),
        typed: ActionForm {
            reply: letter.reply.clone(),
            ..ActionForm::default()
        },
        errors: FormErrors::default(),
        case,
    })
}

pub(super) fn parse_id(id: &str) -> WebResult<i64> {
    id.parse().map_err(|_| WebError::NotFound)
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct OkQuery {
    ok: String,
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
    // Only the moves' own names make a notice; anything else in the query
    // is ignored rather than looked up.
    if super::mailbox_act::ACTIONS.contains(&query.ok.as_str()) {
        page.page.notice = Some(locale.t(&format!("mailbox.office.done.{}", query.ok)));
    }
    Ok(render(&page)?.into_response())
}

/// An attachment, always as a download: a file a stranger sent is never
/// shown inline in the office's origin.
pub async fn file(
    State(state): State<AppState>,
    Office(session): Office,
    Path((id, file)): Path<(String, String)>,
) -> WebResult<Response> {
    let site = state.app.default_site().await?;
    let (found, bytes) = state
        .app
        .mailbox_file(&session.actor, site, parse_id(&id)?, parse_id(&file)?)
        .await?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    let disposition = format!(
        "attachment; filename*=UTF-8''{}",
        crate::media::percent_encode(&found.name)
    );
    for (name, value) in [
        (header::CONTENT_TYPE, found.mime.as_str()),
        (header::CONTENT_DISPOSITION, disposition.as_str()),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::CACHE_CONTROL, "private, no-store"),
    ] {
        let value = HeaderValue::from_str(value).map_err(|_| WebError::NotFound)?;
        headers.insert(name, value);
    }
    Ok(response)
}
