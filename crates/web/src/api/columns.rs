//! The column tree (栏目), for the site editor.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use dangjian_app::columns::{ColumnEntry, ColumnForm, MoveForm};
use dangjian_app::domain::column::ColumnId;
use dangjian_app::records::Column;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::JsonBody;
use super::doc::Problems;
use super::types::{Created, Text};
use crate::error::WebResult;
use crate::session::Office;
use crate::state::AppState;

/// A column as submitted.
#[derive(Deserialize, ToSchema)]
pub struct ColumnInput {
    /// 1–30 characters.
    pub name: String,
    /// 1–64 of `a-z 0-9 -`, unique in the site.
    pub slug: String,
    /// `article_list`, `single_page`, `external_link`, `video_list`,
    /// `download_list`, `notice_board` or `special_topic`.
    pub kind: String,
    /// Parent column on creation; absent or null for a main column. Ignored
    /// by `PUT` (use `move`).
    #[serde(default)]
    pub parent_id: Option<Text>,
    /// Owning section; absent or null for none.
    #[serde(default)]
    pub owner_section_id: Option<Text>,
    /// 0–365 (0: no expectation); 0 when absent.
    #[serde(default)]
    pub update_period_days: Option<Text>,
    /// Required for `external_link` (http or https); ignored otherwise.
    #[serde(default)]
    pub external_url: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    /// Place among the homepage blocks, 1–99; absent, null or 0: not on the
    /// homepage.
    #[serde(default)]
    pub home_order: Option<Text>,
    /// Banner image (an image of the site's media); absent or null: none.
    #[serde(default)]
    pub banner_media_id: Option<Text>,
    /// Review workflow; absent or null: inherited from the parent (or the
    /// site's default).
    #[serde(default)]
    pub workflow_id: Option<Text>,
    /// `PUT` only: hide (`true`) or show (`false`) the column.
    #[serde(default)]
    pub hidden: Option<bool>,
}

fn text(value: Option<Text>) -> String {
    value.map(Text::into_string).unwrap_or_default()
}

impl ColumnInput {
    fn into_form(self) -> (ColumnForm, Option<bool>) {
        let form = ColumnForm {
            name: self.name,
            slug: self.slug,
            kind: self.kind,
            parent_id: text(self.parent_id),
            owner_section_id: text(self.owner_section_id),
            update_period_days: text(self.update_period_days),
            external_url: self.external_url.unwrap_or_default(),
            description: self.description.unwrap_or_default(),
            home_order: text(self.home_order),
            banner_media_id: text(self.banner_media_id),
            workflow_id: text(self.workflow_id),
        };
        (form, self.hidden)
    }
}

/// Where to put a column.
#[derive(Deserialize, ToSchema)]
pub struct MoveInput {
    /// The new parent; null for a main column.
    pub parent_id: Option<Text>,
    /// Order among the new siblings; absent: last (or unchanged when the
    /// parent stays).
    #[serde(default)]
    pub sort_order: Option<Text>,
}

/// A column with its place in the tree.
#[derive(Serialize, ToSchema)]
pub struct ColumnView {
    pub id: i64,
    pub parent_id: Option<i64>,
    /// 1 for a main column.
    pub depth: usize,
    pub name: String,
    pub slug: String,
    pub kind: String,
    pub sort_order: i64,
    pub hidden: bool,
    pub owner_section_id: Option<i64>,
    pub owner_section_name: Option<String>,
    pub update_period_days: i64,
    pub external_url: Option<String>,
    pub description: String,
    /// Place among the homepage blocks (0: not on the homepage).
    pub home_order: i64,
    pub banner_media_id: Option<i64>,
    /// Its own workflow; null: inherited.
    pub workflow_id: Option<i64>,
    pub child_count: i64,
    pub created_at: i64,
    pub updated_at: i64,
}

impl ColumnView {
    fn new(c: Column, depth: usize) -> Self {
        ColumnView {
            id: c.id.0,
            parent_id: c.parent_id.map(|p| p.0),
            depth,
            name: c.name,
            slug: c.slug,
            kind: c.kind,
            sort_order: c.sort_order,
            hidden: c.hidden,
            owner_section_id: c.owner_section_id.map(|s| s.0),
            owner_section_name: c.owner_section_name,
            update_period_days: c.update_period_days,
            external_url: c.external_url,
            description: c.description,
            home_order: c.home_order,
            banner_media_id: c.banner_media_id.map(|m| m.0),
            workflow_id: c.workflow_id,
            child_count: c.child_count,
            created_at: c.created_at,
            updated_at: c.updated_at,
        }
    }
}

impl From<ColumnEntry> for ColumnView {
    fn from(e: ColumnEntry) -> Self {
        ColumnView::new(e.column, e.depth)
    }
}

/// The site's columns, flat in display order (depth first, siblings by
/// order) with `parent_id` and `depth` (site editor).
#[utoipa::path(get, path = "/api/v1/columns", tag = "columns", security(("session" = [])),
    responses((status = 200, description = "The column tree in display order", body = [ColumnView]), Problems))]
pub async fn list_columns(
    State(state): State<AppState>,
    Office(session): Office,
) -> WebResult<Json<Vec<ColumnView>>> {
    let site = state.app.default_site().await?;
    let tree = state.app.column_tree(&session.actor, site).await?;
    Ok(Json(tree.into_iter().map(ColumnView::from).collect()))
}

/// Creates a column, last among its siblings (site editor).
#[utoipa::path(post, path = "/api/v1/columns", tag = "columns", security(("session" = [], "csrf" = [])),
    request_body = ColumnInput,
    responses((status = 201, description = "Created", body = Created), Problems))]
pub async fn create_column(
    State(state): State<AppState>,
    Office(session): Office,
    JsonBody(input): JsonBody<ColumnInput>,
) -> WebResult<(StatusCode, Json<Created>)> {
    let site = state.app.default_site().await?;
    let (form, _) = input.into_form();
    let id = state.app.create_column(&session.actor, site, &form).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// One column.
#[utoipa::path(get, path = "/api/v1/columns/{id}", tag = "columns", security(("session" = [])),
    params(("id" = i64, Path, description = "Column id")),
    responses((status = 200, description = "The column", body = ColumnView), Problems))]
pub async fn get_column(
    State(state): State<AppState>,
    Office(session): Office,
    Path(id): Path<i64>,
) -> WebResult<Json<ColumnView>> {
    let site = state.app.default_site().await?;
    let tree = state.app.column_tree(&session.actor, site).await?;
    let entry = tree
        .into_iter()
        .find(|e| e.column.id == ColumnId(id))
        .ok_or(dangjian_app::AppError::NotFound)?;
    Ok(Json(entry.into()))
}

/// Changes a column's fields, and hides or shows it when `hidden` is given
/// (site editor).
#[utoipa::path(put, path = "/api/v1/columns/{id}", tag = "columns", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Column id")),
    request_body = ColumnInput,
    responses((status = 204, description = "Changed"), Problems))]
pub async fn update_column(
    State(state): State<AppState>,
    Office(session): Office,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<ColumnInput>,
) -> WebResult<StatusCode> {
    let (form, hidden) = input.into_form();
    let id = ColumnId(id);
    state.app.update_column(&session.actor, id, &form).await?;
    if let Some(hidden) = hidden {
        state
            .app
            .set_column_hidden(&session.actor, id, hidden)
            .await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes a column; `409` while it has sub-columns (site editor).
#[utoipa::path(delete, path = "/api/v1/columns/{id}", tag = "columns", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Column id")),
    responses((status = 204, description = "Deleted"), Problems))]
pub async fn delete_column(
    State(state): State<AppState>,
    Office(session): Office,
    Path(id): Path<i64>,
) -> WebResult<StatusCode> {
    state
        .app
        .delete_column(&session.actor, ColumnId(id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Moves a column with its sub-columns under another parent (null: main
/// column) and/or sets its order; `422` under itself, under its own
/// sub-columns or deeper than three levels (site editor).
#[utoipa::path(post, path = "/api/v1/columns/{id}/move", tag = "columns", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Column id")),
    request_body = MoveInput,
    responses((status = 204, description = "Moved"), Problems))]
pub async fn move_column(
    State(state): State<AppState>,
    Office(session): Office,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<MoveInput>,
) -> WebResult<StatusCode> {
    let form = MoveForm {
        parent_id: text(input.parent_id),
        sort_order: text(input.sort_order),
    };
    state
        .app
        .move_column(&session.actor, ColumnId(id), &form)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
