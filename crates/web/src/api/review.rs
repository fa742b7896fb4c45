//! The caller's review work: the to-do queue (待办) and notifications.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use super::doc::Problems;
use crate::error::WebResult;
use crate::session::Office;
use crate::state::AppState;

/// An article waiting for the caller.
#[derive(Serialize, ToSchema)]
pub struct TaskView {
    pub article_id: i64,
    pub title: String,
    pub column: String,
    /// The stage it waits at; empty when it was sent back to the caller.
    pub stage: String,
    pub returned: bool,
    /// Unix milliseconds; null without a deadline.
    pub due_at: Option<i64>,
    pub overdue: bool,
    /// Who opened it for review last.
    pub reviewing_by: Option<String>,
}

/// A notification of the caller.
#[derive(Serialize, ToSchema)]
pub struct NotificationView {
    pub id: i64,
    pub at: i64,
    /// `review.waiting`, `review.returned` or `review.published`.
    pub kind: String,
    pub article_id: Option<i64>,
    pub title: String,
    pub actor_name: String,
    pub comment: String,
    pub read: bool,
}

/// The caller's to-do queue: articles at a stage they do, and their own
/// articles sent back to them.
#[utoipa::path(get, path = "/api/v1/review/tasks", tag = "review", security(("session" = [])),
    responses((status = 200, description = "The to-do queue", body = [TaskView]), Problems))]
pub async fn tasks(
    State(state): State<AppState>,
    Office(session): Office,
) -> WebResult<Json<Vec<TaskView>>> {
    let site = state.app.default_site().await?;
    let tasks = state.app.my_tasks(&session.actor, site).await?;
    Ok(Json(
        tasks
            .into_iter()
            .map(|t| TaskView {
                article_id: t.item.id.0,
                title: t.item.title,
                column: t.column_name,
                stage: t.stage_name,
                returned: t.returned,
                due_at: t.item.stage_due_at,
                overdue: t.overdue,
                reviewing_by: t.item.reviewing_by_name,
            })
            .collect(),
    ))
}

/// The caller's newest notifications.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "review", security(("session" = [])),
    responses((status = 200, description = "Newest first", body = [NotificationView]), Problems))]
pub async fn notifications(
    State(state): State<AppState>,
    Office(session): Office,
) -> WebResult<Json<Vec<NotificationView>>> {
    let list = state.app.notifications(&session.actor).await?;
    Ok(Json(
        list.into_iter()
            .map(|n| NotificationView {
                id: n.id,
                at: n.at,
                kind: n.kind,
                article_id: n.article_id.map(|a| a.0),
                title: n.title,
                actor_name: n.actor_name,
                comment: n.comment,
                read: n.read,
            })
            .collect(),
    ))
}
