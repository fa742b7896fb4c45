//! The review side of the article page: where the article stands in its
//! workflow, its timeline, and the submit, approve and send-back forms.

use axum::Form;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_app::auth::SessionInfo;
use dangjian_app::domain::article::{ArticleId, ArticleStatus};
use dangjian_app::domain::clock::format_local;
use dangjian_app::domain::scoring::AdoptionLevel;
use dangjian_app::domain::workflow::ReturnTo;
use dangjian_app::review::flow::Moved;
use dangjian_app::review::queue::Timeline;
use serde::Deserialize;

use super::edit::refused;
use crate::error::WebResult;
use crate::i18n::Locale;
use crate::session::Office;
use crate::state::AppState;

/// A stage as the page lists it.
pub struct StageView {
    pub name: String,
    pub role: String,
    pub current: bool,
}

/// One entry of the timeline.
pub struct EventView {
    pub at: String,
    pub who: String,
    pub action: String,
    pub stage: String,
    pub comment: String,
}

/// An earlier stage an article can be sent back to.
pub struct BackChoice {
    pub value: String,
    pub label: String,
}

/// What the article page shows of the review.
pub struct ReviewPanel {
    pub stages: Vec<StageView>,
    pub events: Vec<EventView>,
    /// The viewer does the current stage: approve and send-back forms.
    pub may_review: bool,
    /// Draft or returned: the submit button (publish at once when the
    /// workflow has no stages).
    pub may_submit: bool,
    pub direct: bool,
    pub back_to: Vec<BackChoice>,
    pub due: Option<String>,
    pub overdue: bool,
    pub reviewing: Option<String>,
    /// Adoptions by higher levels and leaders' 批示 recorded for it.
    pub recognitions: Vec<EventView>,
    /// A site editor may record them (published articles).
    pub may_record: bool,
    pub levels: Vec<BackChoice>,
}

/// The panel of an article's review; `reviewer` is who opened it last
/// for review.
pub fn panel(
    locale: Locale,
    timeline: &Timeline,
    now: i64,
    reviewer: Option<String>,
) -> ReviewPanel {
    let state = &timeline.state;
    let in_review = state.status == ArticleStatus::InReview;
    let stage_name = |s: Option<i64>| {
        s.and_then(|s| usize::try_from(s).ok())
            .and_then(|s| timeline.workflow.stages.get(s))
            .map(|s| s.name.clone())
            .unwrap_or_default()
    };
    let current = usize::try_from(state.stage).unwrap_or(0);
    ReviewPanel {
        stages: timeline
            .workflow
            .stages
            .iter()
            .enumerate()
            .map(|(i, s)| StageView {
                name: s.name.clone(),
                role: locale.t(&s.role.label_key()),
                current: in_review && i == current,
            })
            .collect(),
        events: timeline
            .events
            .iter()
            .map(|e| EventView {
                at: format_local(e.at),
                who: e
                    .actor_name
                    .clone()
                    .unwrap_or_else(|| locale.t("review.by_scheduler")),
                action: locale.t(&format!("review.action.{}", e.action)),
                stage: stage_name(e.stage.or(e.to_stage).filter(|_| e.action != "submit")),
                comment: e.comment.clone(),
            })
            .collect(),
        may_review: timeline.may_review,
        may_submit: state.status.editable_by_author(),
        direct: timeline.workflow.stages.is_empty(),
        back_to: (0..current.min(timeline.workflow.stages.len()))
            .map(|i| BackChoice {
                value: i.to_string(),
                label: timeline.workflow.stages[i].name.clone(),
            })
            .collect(),
        due: state.stage_due_at.filter(|_| in_review).map(format_local),
        overdue: in_review && state.stage_due_at.is_some_and(|d| d < now),
        reviewing: reviewer.filter(|_| in_review),
        recognitions: Vec::new(),
        may_record: false,
        levels: AdoptionLevel::ALL
            .into_iter()
            .map(|l| BackChoice {
                value: l.code().to_owned(),
                label: locale.t(&l.label_key()),
            })
            .collect(),
    }
}

fn moved_notice(moved: &Moved) -> &'static str {
    match moved {
        Moved::AtStage(..) => "submitted",
        Moved::Returned => "returned",
        Moved::Published => "published",
        Moved::Scheduled(_) => "scheduled",
        Moved::Merged { .. } => "merged",
    }
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let id = ArticleId(id);
    match state.app.submit_article(&session.actor, id).await {
        Ok(moved) => Ok(redirect(id, &moved)),
        Err(error) => fail(&state, &headers, &session, id, error).await,
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    comment: String,
    /// `author` or the index of an earlier stage (send back only).
    to: String,
}

pub async fn approve(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> WebResult<Response> {
    let id = ArticleId(id);
    match state
        .app
        .approve_article(&session.actor, id, &form.comment)
        .await
    {
        Ok(moved) => Ok(redirect(id, &moved)),
        Err(error) => fail(&state, &headers, &session, id, error).await,
    }
}

pub async fn send_back(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> WebResult<Response> {
    let id = ArticleId(id);
    let to = match form.to.trim().parse::<usize>() {
        Ok(stage) => ReturnTo::Stage(stage),
        Err(_) => ReturnTo::Author,
    };
    match state
        .app
        .return_article(&session.actor, id, to, &form.comment)
        .await
    {
        Ok(moved) => Ok(redirect(id, &moved)),
        Err(error) => fail(&state, &headers, &session, id, error).await,
    }
}

/// The recorded adoptions and 批示 of an article, for its panel.
pub fn recognition_views(
    locale: Locale,
    list: &[dangjian_app::review::ranking::Recognition],
) -> Vec<EventView> {
    list.iter()
        .map(|r| EventView {
            at: format_local(r.at),
            who: r.who.clone(),
            action: match AdoptionLevel::from_code(&r.kind) {
                Some(level) => locale.t(&level.label_key()),
                None => locale.t("ranking.instruction"),
            },
            stage: String::new(),
            comment: r.note.clone(),
        })
        .collect()
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct RecognitionForm {
    level: String,
    leader: String,
    note: String,
}

/// Records that a higher level adopted the article (site editor).
pub async fn adoption(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Form(form): Form<RecognitionForm>,
) -> WebResult<Response> {
    let id = ArticleId(id);
    match state
        .app
        .record_adoption(&session.actor, id, &form.level, &form.note)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/articles/{id}?ok=recorded")).into_response()),
        Err(error) => fail(&state, &headers, &session, id, error).await,
    }
}

/// Records a leader's 批示 on the article (site editor).
pub async fn instruction(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Form(form): Form<RecognitionForm>,
) -> WebResult<Response> {
    let id = ArticleId(id);
    match state
        .app
        .record_instruction(&session.actor, id, &form.leader, &form.note)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/articles/{id}?ok=recorded")).into_response()),
        Err(error) => fail(&state, &headers, &session, id, error).await,
    }
}

fn redirect(id: ArticleId, moved: &Moved) -> Response {
    // A merged edit continues on the article it revised.
    let id = match moved {
        Moved::Merged { into, .. } => *into,
        _ => id,
    };
    Redirect::to(&format!("/articles/{id}?ok={}", moved_notice(moved))).into_response()
}

async fn fail(
    state: &AppState,
    headers: &HeaderMap,
    session: &SessionInfo,
    id: ArticleId,
    error: dangjian_app::AppError,
) -> WebResult<Response> {
    refused(state, Locale::from_headers(headers), session, id, error, "").await
}
