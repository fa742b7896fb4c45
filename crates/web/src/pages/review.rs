//! My tasks (待办): articles waiting at a stage the person does and their
//! own articles sent back, with deadlines and who is looking at each; bulk
//! approval that checks each item's rights; what they did (已办); and
//! their notifications.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_app::domain::article::ArticleId;
use dangjian_app::domain::clock::format_local;
use serde::Deserialize;

use super::render;
use crate::error::WebResult;
use crate::i18n::Locale;
use crate::page::Page;
use crate::session::Office;
use crate::state::AppState;

struct TaskRow {
    id: i64,
    title: String,
    column: String,
    stage: String,
    author: String,
    due: String,
    overdue: bool,
    returned: bool,
    reviewing: String,
}

struct PlacementRow {
    id: i64,
    article: i64,
    title: String,
    column: String,
    by: String,
    at: String,
}

struct DoneRow {
    id: i64,
    title: String,
    at: String,
    action: String,
    comment: String,
}

#[derive(Template)]
#[template(path = "review/tasks.html")]
struct TasksPage {
    page: Page,
    tasks: Vec<TaskRow>,
    placements: Vec<PlacementRow>,
    done: Vec<DoneRow>,
    /// After a bulk approval: how many were approved and refused.
    bulk: Option<(usize, usize)>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct TasksQuery {
    approved: Option<usize>,
    refused: Option<usize>,
    ok: Option<String>,
}

pub async fn tasks(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(query): Query<TasksQuery>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let site = state.app.default_site().await?;
    let tasks = state.app.my_tasks(&session.actor, site).await?;
    let done = state.app.my_done(&session.actor).await?;
    let placements = state.app.my_placements(&session.actor, site).await?;
    let view = TasksPage {
        page: Page::for_session(locale, "review.tasks.title", &session)
            .with_notice(query.ok.as_deref()),
        tasks: tasks
            .into_iter()
            .map(|t| TaskRow {
                id: t.item.id.0,
                title: t.item.title,
                column: t.column_name,
                stage: t.stage_name,
                author: t.item.author_name.unwrap_or_default(),
                due: t.item.stage_due_at.map(format_local).unwrap_or_default(),
                overdue: t.overdue,
                returned: t.returned,
                reviewing: t.item.reviewing_by_name.unwrap_or_default(),
            })
            .collect(),
        placements: placements
            .into_iter()
            .map(|p| PlacementRow {
                id: p.request.id,
                article: p.request.article_id.0,
                title: p.request.title,
                column: p.column_name,
                by: p.request.requested_by_name.unwrap_or_default(),
                at: format_local(p.request.requested_at),
            })
            .collect(),
        done: done
            .into_iter()
            .map(|e| DoneRow {
                id: e.article_id.0,
                title: e.title,
                at: format_local(e.at),
                action: locale.t(&format!("review.action.{}", e.action)),
                comment: e.comment,
            })
            .collect(),
        bulk: query.approved.map(|a| (a, query.refused.unwrap_or(0))),
    };
    Ok(render(&view)?.into_response())
}

/// Approves the ticked articles one by one; each is checked on its own
/// (a refusal is audited and counted, the others go on).
pub async fn approve_many(
    State(state): State<AppState>,
    Office(session): Office,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let (mut approved, mut refused) = (0, 0);
    let ids = pairs
        .iter()
        .filter(|(k, _)| k == "article")
        .filter_map(|(_, v)| v.parse::<i64>().ok());
    for id in ids {
        match state
            .app
            .approve_article(&session.actor, ArticleId(id), "")
            .await
        {
            Ok(_) => approved += 1,
            Err(
                dangjian_app::AppError::Forbidden(_)
                | dangjian_app::AppError::Conflict(_)
                | dangjian_app::AppError::Invalid(_)
                | dangjian_app::AppError::NotFound,
            ) => refused += 1,
            Err(other) => return Err(other.into()),
        }
    }
    Ok(Redirect::to(&format!("/review?approved={approved}&refused={refused}")).into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct PlacementDecision {
    decision: String,
}

/// Approves or refuses a request to place an article in a column of the
/// person's section (一稿多发).
pub async fn decide_placement(
    State(state): State<AppState>,
    Office(session): Office,
    axum::extract::Path(id): axum::extract::Path<i64>,
    Form(form): Form<PlacementDecision>,
) -> WebResult<Response> {
    let approve = form.decision == "approve";
    state
        .app
        .decide_placement(&session.actor, id, approve)
        .await?;
    Ok(Redirect::to("/review?ok=decided").into_response())
}

struct NoticeRow {
    at: String,
    text: String,
    href: Option<String>,
    comment: String,
    read: bool,
}

#[derive(Template)]
#[template(path = "review/notifications.html")]
struct NotificationsPage {
    page: Page,
    notices: Vec<NoticeRow>,
}

pub async fn notifications(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let list = state.app.notifications(&session.actor).await?;
    let notices = list
        .into_iter()
        .map(|n| NoticeRow {
            at: format_local(n.at),
            text: locale
                .t(&format!("notice.kind.{}", n.kind))
                .replace("{title}", &n.title)
                .replace("{who}", &n.actor_name),
            href: n
                .link
                .clone()
                .or_else(|| n.article_id.map(|a| format!("/articles/{a}"))),
            comment: n.comment,
            read: n.read,
        })
        .collect();
    let view = NotificationsPage {
        page: Page::for_session(locale, "notice.title", &session),
        notices,
    };
    Ok(render(&view)?.into_response())
}

pub async fn mark_read(
    State(state): State<AppState>,
    Office(session): Office,
) -> WebResult<Response> {
    state.app.mark_notifications_read(&session.actor).await?;
    Ok(Redirect::to("/notifications").into_response())
}
