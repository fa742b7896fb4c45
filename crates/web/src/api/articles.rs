//! Articles: the office list, write and edit, publish, withdraw.

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use dangjian_app::articles::edit::{ArticleDraft, ArticleForm};
use dangjian_app::articles::office::ArticleQuery;
use dangjian_app::domain::article::{ArticleId, ArticleInput};
use dangjian_app::domain::clock::format_local_input;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::JsonBody;
use super::doc::Problems;
use super::types::{Created, Text};
use crate::error::WebResult;
use crate::session::Office;
use crate::state::AppState;

/// An article as submitted (create and replace alike).
#[derive(Deserialize, ToSchema)]
pub struct ArticleBody {
    /// 1–120 characters.
    pub title: String,
    /// `version` of the article this edit started from; a save over a
    /// newer version is refused with `409`. Absent: no check.
    #[serde(default)]
    pub version: Option<i64>,
    #[serde(default)]
    pub subtitle: String,
    #[serde(default)]
    pub author: String,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub keywords: String,
    /// A reprint: the portal links the title to this http(s) address.
    #[serde(default)]
    pub external_url: Option<String>,
    /// The column the article belongs to (one that holds articles).
    pub primary_column_id: Text,
    /// Further columns (一稿多发).
    #[serde(default)]
    pub extra_column_ids: Vec<Text>,
    /// An image from the media library.
    #[serde(default)]
    pub cover_media_id: Option<Text>,
    /// A video from the media library.
    #[serde(default)]
    pub video_media_id: Option<Text>,
    /// Attachments from the media library, in display order.
    #[serde(default)]
    pub attachment_ids: Vec<Text>,
    /// Unix milliseconds, or local time `YYYY-MM-DDTHH:MM` (China Standard
    /// Time); absent: when it is created (kept on replace).
    #[serde(default)]
    pub publish_at: Option<Text>,
    /// When it goes offline by itself (定时下线), same forms as
    /// `publish_at`; absent: never.
    #[serde(default)]
    pub unpublish_at: Option<Text>,
    /// Local date `YYYY-MM-DD`: on top until the end of that day.
    #[serde(default)]
    pub pinned_until: Option<String>,
    #[serde(default)]
    pub headline: bool,
    /// Needs a cover image.
    #[serde(default)]
    pub carousel: bool,
    /// HTML; sanitised on the server (an allow-list).
    #[serde(default)]
    pub body: String,
}

fn joined(ids: Vec<Text>) -> String {
    ids.into_iter()
        .map(Text::into_string)
        .collect::<Vec<_>>()
        .join(",")
}

fn opt(text: Option<Text>) -> String {
    text.map(Text::into_string).unwrap_or_default()
}

/// Unix milliseconds become the local time the form parser reads.
fn when(text: Option<Text>) -> String {
    let text = opt(text);
    match text.trim().parse::<i64>() {
        Ok(ms) => format_local_input(ms),
        Err(_) => text,
    }
}

impl From<ArticleBody> for ArticleForm {
    fn from(b: ArticleBody) -> Self {
        let flag = |on: bool| if on { "1" } else { "" }.to_owned();
        ArticleForm {
            fields: ArticleInput {
                title: b.title,
                subtitle: b.subtitle,
                author: b.author,
                source: b.source,
                summary: b.summary,
                keywords: b.keywords,
                external_url: b.external_url.unwrap_or_default(),
                primary_column: b.primary_column_id.into_string(),
                extra_columns: joined(b.extra_column_ids),
                cover: opt(b.cover_media_id),
                video: opt(b.video_media_id),
                attachments: joined(b.attachment_ids),
                publish_at: when(b.publish_at),
                unpublish_at: when(b.unpublish_at),
                pinned_until: b.pinned_until.unwrap_or_default(),
                headline: flag(b.headline),
                carousel: flag(b.carousel),
            },
            body: b.body,
            version: b.version.map(|v| v.to_string()).unwrap_or_default(),
        }
    }
}

/// A reviewer's decision: an optional comment to approve; to send back, a
/// required comment and where to (`author` or an earlier stage's index).
#[derive(Deserialize, ToSchema)]
pub struct DecisionBody {
    #[serde(default)]
    pub comment: String,
    /// Send back only: `author` (default) or `0`, `1` … an earlier stage.
    #[serde(default)]
    pub to: String,
}

/// A withdrawal (撤稿).
#[derive(Deserialize, ToSchema)]
pub struct WithdrawBody {
    /// 1–200 characters; kept with the article.
    pub reason: String,
}

/// What the list shows of an article.
#[derive(Serialize, ToSchema)]
pub struct ArticleSummaryView {
    pub id: i64,
    pub primary_column_id: i64,
    pub title: String,
    pub summary: String,
    /// `draft`, `in_review`, `returned`, `scheduled`, `published` or
    /// `withdrawn`.
    pub status: String,
    pub cover_media_id: Option<i64>,
    pub external_url: Option<String>,
    pub publish_at: i64,
    /// On top now (its pinned-until date has not passed).
    pub pinned: bool,
    pub headline: bool,
    pub updated_at: i64,
}

/// One page of the list, newest change first.
#[derive(Serialize, ToSchema)]
pub struct ArticleListView {
    pub items: Vec<ArticleSummaryView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub pages: i64,
}

/// An article with everything the editor shows.
#[derive(Serialize, ToSchema)]
pub struct ArticleView {
    pub id: i64,
    /// Count of saves; send it back as `version` when saving.
    pub version: i64,
    pub primary_column_id: i64,
    pub extra_column_ids: Vec<i64>,
    pub title: String,
    pub subtitle: String,
    pub author: String,
    pub source: String,
    pub summary: String,
    pub keywords: String,
    /// The sanitised body.
    pub body_html: String,
    pub cover_media_id: Option<i64>,
    pub video_media_id: Option<i64>,
    pub attachment_ids: Vec<i64>,
    pub external_url: Option<String>,
    /// `draft`, `in_review`, `returned`, `scheduled`, `published` or
    /// `withdrawn`.
    pub status: String,
    pub withdrawn_reason: String,
    pub publish_at: i64,
    /// When it goes offline by itself, Unix milliseconds.
    pub unpublish_at: Option<i64>,
    /// End of the pinned-until day, Unix milliseconds.
    pub pinned_until: Option<i64>,
    pub headline: bool,
    pub carousel: bool,
    pub view_count: i64,
    /// Its page on the public site.
    pub public_path: String,
    pub created_by: Option<i64>,
    pub created_at: i64,
    pub updated_by: Option<i64>,
    pub updated_at: i64,
}

impl From<ArticleDraft> for ArticleView {
    fn from(d: ArticleDraft) -> Self {
        let a = d.article;
        ArticleView {
            version: d.version,
            id: a.id.0,
            primary_column_id: a.primary_column_id.0,
            extra_column_ids: d.extra_columns.iter().map(|c| c.0).collect(),
            title: a.title,
            subtitle: a.subtitle,
            author: a.author,
            source: a.source,
            summary: a.summary,
            keywords: a.keywords,
            body_html: a.body_html,
            cover_media_id: a.cover_media_id.map(|m| m.0),
            video_media_id: a.video_media_id.map(|m| m.0),
            attachment_ids: d.attachments.iter().map(|m| m.0).collect(),
            external_url: a.external_url,
            status: a.status.code().to_owned(),
            withdrawn_reason: a.withdrawn_reason,
            publish_at: a.publish_at,
            unpublish_at: d.unpublish_at,
            pinned_until: a.pinned_until,
            headline: a.headline,
            carousel: a.carousel,
            view_count: a.view_count,
            public_path: format!("/article/{}", a.id),
            created_by: a.created_by.map(|u| u.0),
            created_at: a.created_at,
            updated_by: a.updated_by.map(|u| u.0),
            updated_at: a.updated_at,
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ArticlesQuery {
    /// A column id: articles in it, as primary or further column.
    #[serde(default)]
    pub column: String,
    /// `draft`, `in_review`, `returned`, `scheduled`, `published` or
    /// `withdrawn`.
    #[serde(default)]
    pub status: String,
    /// Words of the title.
    #[serde(default)]
    pub q: String,
    /// Page number from 1; 30 a page.
    #[serde(default)]
    pub page: String,
}

/// Articles of every status, newest change first (information officers and
/// site editors).
#[utoipa::path(get, path = "/api/v1/articles", tag = "articles", security(("session" = [])),
    params(ArticlesQuery),
    responses((status = 200, description = "One page of articles", body = ArticleListView), Problems))]
pub async fn list_articles(
    State(state): State<AppState>,
    Office(session): Office,
    Query(query): Query<ArticlesQuery>,
) -> WebResult<Json<ArticleListView>> {
    let site = state.app.default_site().await?;
    let wanted = ArticleQuery {
        column: query.column,
        status: query.status,
        q: query.q,
        page: query.page,
    };
    let list = state
        .app
        .office_articles(&session.actor, site, &wanted)
        .await?;
    let pages = list.pages();
    let items = list
        .items
        .into_iter()
        .map(|a| ArticleSummaryView {
            id: a.id.0,
            primary_column_id: a.primary_column_id.0,
            title: a.title,
            summary: a.summary,
            status: a.status.code().to_owned(),
            cover_media_id: a.cover_media_id.map(|m| m.0),
            external_url: a.external_url,
            publish_at: a.publish_at,
            pinned: a.pinned,
            headline: a.headline,
            updated_at: a.updated_at,
        })
        .collect();
    Ok(Json(ArticleListView {
        items,
        total: list.total,
        page: list.page,
        per_page: list.per_page,
        pages,
    }))
}

/// Writes a draft (information officers and site editors).
#[utoipa::path(post, path = "/api/v1/articles", tag = "articles", security(("session" = [], "csrf" = [])),
    request_body = ArticleBody,
    responses((status = 201, description = "Created as a draft", body = Created), Problems))]
pub async fn create_article(
    State(state): State<AppState>,
    Office(session): Office,
    JsonBody(body): JsonBody<ArticleBody>,
) -> WebResult<(StatusCode, Json<Created>)> {
    let site = state.app.default_site().await?;
    let id = state
        .app
        .create_article(&session.actor, site, &body.into())
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

async fn view(state: &AppState, session: &Office, id: ArticleId) -> WebResult<Json<ArticleView>> {
    let draft = state.app.article_draft(&session.0.actor, id).await?;
    Ok(Json(draft.into()))
}

/// One article, any status.
#[utoipa::path(get, path = "/api/v1/articles/{id}", tag = "articles", security(("session" = [])),
    params(("id" = i64, Path, description = "Article id")),
    responses((status = 200, description = "The article", body = ArticleView), Problems))]
pub async fn get_article(
    State(state): State<AppState>,
    session: Office,
    Path(id): Path<i64>,
) -> WebResult<Json<ArticleView>> {
    view(&state, &session, ArticleId(id)).await
}

/// Replaces an article's fields and body. A draft may be changed by its
/// writers; a published or withdrawn one by a site editor only.
#[utoipa::path(put, path = "/api/v1/articles/{id}", tag = "articles", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Article id")),
    request_body = ArticleBody,
    responses((status = 200, description = "The article as saved", body = ArticleView), Problems))]
pub async fn update_article(
    State(state): State<AppState>,
    session: Office,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<ArticleBody>,
) -> WebResult<Json<ArticleView>> {
    let id = ArticleId(id);
    state
        .app
        .update_article(&session.0.actor, id, &body.into())
        .await?;
    view(&state, &session, id).await
}

/// Submits a draft or returned article to its workflow (提交审核); a
/// workflow without stages publishes at once. `422` while an image has no
/// alt text, `409` if it is not a draft or returned.
#[utoipa::path(post, path = "/api/v1/articles/{id}/submit", tag = "articles", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Article id")),
    responses((status = 200, description = "The article, submitted", body = ArticleView), Problems))]
pub async fn submit_article(
    State(state): State<AppState>,
    session: Office,
    Path(id): Path<i64>,
) -> WebResult<Json<ArticleView>> {
    let id = ArticleId(id);
    state.app.submit_article(&session.0.actor, id).await?;
    view(&state, &session, id).await
}

/// Approves the article's current stage; after the last stage it is
/// published (or scheduled). `403` if the caller does not do that stage.
#[utoipa::path(post, path = "/api/v1/articles/{id}/approve", tag = "articles", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Article id")),
    request_body = DecisionBody,
    responses((status = 200, description = "The article, approved at this stage", body = ArticleView), Problems))]
pub async fn approve_article(
    State(state): State<AppState>,
    session: Office,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<DecisionBody>,
) -> WebResult<Json<ArticleView>> {
    let id = ArticleId(id);
    state
        .app
        .approve_article(&session.0.actor, id, &body.comment)
        .await?;
    view(&state, &session, id).await
}

/// Sends the article back to its author or an earlier stage, with a
/// required comment.
#[utoipa::path(post, path = "/api/v1/articles/{id}/return", tag = "articles", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Article id")),
    request_body = DecisionBody,
    responses((status = 200, description = "The article, sent back", body = ArticleView), Problems))]
pub async fn return_article(
    State(state): State<AppState>,
    session: Office,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<DecisionBody>,
) -> WebResult<Json<ArticleView>> {
    let id = ArticleId(id);
    let to = match body.to.trim().parse::<usize>() {
        Ok(stage) => dangjian_app::domain::workflow::ReturnTo::Stage(stage),
        Err(_) => dangjian_app::domain::workflow::ReturnTo::Author,
    };
    state
        .app
        .return_article(&session.0.actor, id, to, &body.comment)
        .await?;
    view(&state, &session, id).await
}

/// Withdraws a published article (撤稿, site editor); the reason is
/// required and kept; `409` if it is not published.
#[utoipa::path(post, path = "/api/v1/articles/{id}/withdraw", tag = "articles", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Article id")),
    request_body = WithdrawBody,
    responses((status = 200, description = "The article, withdrawn", body = ArticleView), Problems))]
pub async fn withdraw_article(
    State(state): State<AppState>,
    session: Office,
    Path(id): Path<i64>,
    JsonBody(body): JsonBody<WithdrawBody>,
) -> WebResult<Json<ArticleView>> {
    let id = ArticleId(id);
    state
        .app
        .withdraw_article(&session.0.actor, id, &body.reason)
        .await?;
    view(&state, &session, id).await
}
