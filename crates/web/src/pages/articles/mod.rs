//! Articles in the office: the list with its filters, the article page
//! (write, edit, withdraw) in `edit`, its review (submit, approve, send
//! back) in `review`, and its revisions in `revisions`.

mod edit;
mod review;
mod revisions;

pub use edit::{create, edit_form, new_form, update, withdraw};
pub use review::{adoption, approve, instruction, send_back, submit};
pub use revisions::{revision_compare, revision_list, revision_restore};

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use dangjian_app::articles::office::{ArticleColumn, ArticleQuery};
use dangjian_app::domain::article::ArticleStatus;
use dangjian_app::domain::column::ColumnId;
use dangjian_app::domain::role::Permission;
use dangjian_app::records::Column;
use serde::Deserialize;

use super::org::Choice;
use super::render;
use crate::error::WebResult;
use crate::i18n::Locale;
use crate::page::Page;
use crate::session::Office;
use crate::state::AppState;

/// The statuses an article can be in, with their labels.
fn statuses(locale: Locale) -> Vec<Choice> {
    [
        ArticleStatus::Draft,
        ArticleStatus::Published,
        ArticleStatus::Withdrawn,
    ]
    .into_iter()
    .map(|s| Choice {
        value: s.code().to_owned(),
        label: locale.t(&s.label_key()),
    })
    .collect()
}

/// An option of a column select: indented by depth; columns that cannot
/// hold articles are shown (for the tree's shape) but disabled.
pub struct ColumnChoice {
    pub value: String,
    pub label: String,
    pub disabled: bool,
}

fn column_choices(columns: &[ArticleColumn]) -> Vec<ColumnChoice> {
    columns
        .iter()
        .map(|c| ColumnChoice {
            value: c.column.id.to_string(),
            label: format!(
                "{}{}",
                "　".repeat(c.depth.saturating_sub(1)),
                c.column.name
            ),
            disabled: !c.holds_articles,
        })
        .collect()
}

fn column_name(columns: &[ArticleColumn], id: ColumnId) -> String {
    columns
        .iter()
        .map(|c| &c.column)
        .find(|c: &&Column| c.id == id)
        .map(|c| c.name.clone())
        .unwrap_or_else(|| id.to_string())
}

/// One article of the list, ready to show.
struct Row {
    id: i64,
    title: String,
    column: String,
    status: &'static str,
    status_label: String,
    pinned: bool,
    headline: bool,
    external: bool,
    publish_at: String,
    updated_at: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListQuery {
    column: String,
    status: String,
    q: String,
    page: String,
    ok: Option<String>,
}

#[derive(Template)]
#[template(path = "articles/list.html")]
struct ListPage {
    page: Page,
    rows: Vec<Row>,
    columns: Vec<ColumnChoice>,
    statuses: Vec<Choice>,
    column: String,
    status: String,
    q: String,
    /// The filters as a query string (for the pager's links).
    filters: String,
    filtered: bool,
    total: i64,
    current: i64,
    pages: i64,
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(query): Query<ListQuery>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let site = state.app.default_site().await?;
    let wanted = ArticleQuery {
        column: query.column.clone(),
        status: query.status.clone(),
        q: query.q.clone(),
        page: query.page.clone(),
    };
    let list = state
        .app
        .office_articles(&session.actor, site, &wanted)
        .await?;
    let columns = state.app.article_columns(&session.actor, site).await?;
    let rows = list
        .items
        .iter()
        .map(|a| Row {
            id: a.id.0,
            title: a.title.clone(),
            column: column_name(&columns, a.primary_column_id),
            status: a.status.code(),
            status_label: locale.t(&a.status.label_key()),
            pinned: a.pinned,
            headline: a.headline,
            external: a.external_url.is_some(),
            publish_at: dangjian_app::domain::clock::format_local(a.publish_at),
            updated_at: dangjian_app::domain::clock::format_local(a.updated_at),
        })
        .collect();
    let filters = form_urlencoded::Serializer::new(String::new())
        .append_pair("column", query.column.trim())
        .append_pair("status", query.status.trim())
        .append_pair("q", query.q.trim())
        .finish();
    let mut page = Page::for_session(locale, "article.list.title", &session);
    page.notice = notice(locale, query.ok.as_deref());
    let view = ListPage {
        page,
        rows,
        columns: column_choices(&columns),
        statuses: statuses(locale),
        filtered: !(query.column.trim().is_empty()
            && query.status.trim().is_empty()
            && query.q.trim().is_empty()),
        column: query.column,
        status: query.status,
        q: query.q,
        filters,
        total: list.total,
        current: list.page,
        pages: list.pages(),
    };
    Ok(render(&view)?.into_response())
}

/// The notice after a redirect (`?ok=…`), from the article messages.
fn notice(locale: Locale, ok: Option<&str>) -> Option<String> {
    let key = match ok? {
        "created" => "article.notice.created",
        "saved" => "article.notice.saved",
        "published" => "article.notice.published",
        "submitted" => "review.notice.submitted",
        "returned" => "review.notice.returned",
        "scheduled" => "review.notice.scheduled",
        "recorded" => "ranking.notice.recorded",
        "merged" => "review.notice.merged",
        "edit_draft" => "review.notice.edit_draft",
        "withdrawn" => "article.notice.withdrawn",
        _ => return None,
    };
    Some(locale.t(key))
}

/// Whether the person publishes and withdraws (the site editor).
fn may_publish(session: &dangjian_app::auth::SessionInfo) -> bool {
    session.actor.can(Permission::ManageSite)
}
