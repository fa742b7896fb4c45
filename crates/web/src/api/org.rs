//! Units (单位) and sections (科室).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use dangjian_app::domain::ids::{SectionId, UnitId};
use dangjian_app::org::{SectionForm, UnitForm};
use dangjian_app::records::{Section, Unit};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::JsonBody;
use super::doc::Problems;
use super::types::{Created, Text};
use crate::error::WebResult;
use crate::session::Office;
use crate::state::AppState;

/// A unit as submitted.
#[derive(Deserialize, ToSchema)]
pub struct UnitInput {
    pub name: String,
    /// Unit kind code.
    pub kind: String,
    /// Optional; 0 when absent or empty.
    #[serde(default)]
    pub sort_order: Text,
}

impl From<UnitInput> for UnitForm {
    fn from(input: UnitInput) -> Self {
        UnitForm {
            name: input.name,
            kind: input.kind,
            sort_order: input.sort_order.into_string(),
        }
    }
}

/// A section as submitted.
#[derive(Deserialize, ToSchema)]
pub struct SectionInput {
    pub name: String,
    /// Optional; 0 when absent or empty.
    #[serde(default)]
    pub sort_order: Text,
}

impl From<SectionInput> for SectionForm {
    fn from(input: SectionInput) -> Self {
        SectionForm {
            name: input.name,
            sort_order: input.sort_order.into_string(),
        }
    }
}

/// A unit with its section and member counts.
#[derive(Serialize, ToSchema)]
pub struct UnitView {
    pub id: i64,
    pub site_id: i64,
    pub name: String,
    /// Unit kind code.
    pub kind: String,
    pub sort_order: i64,
    pub created_at: i64,
    pub section_count: i64,
    pub member_count: i64,
}

impl From<Unit> for UnitView {
    fn from(u: Unit) -> Self {
        UnitView {
            id: u.id.0,
            site_id: u.site_id.0,
            name: u.name,
            kind: u.kind,
            sort_order: u.sort_order,
            created_at: u.created_at,
            section_count: u.section_count,
            member_count: u.member_count,
        }
    }
}

/// A section with its member count.
#[derive(Serialize, ToSchema)]
pub struct SectionView {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub name: String,
    pub sort_order: i64,
    pub created_at: i64,
    pub member_count: i64,
}

impl From<Section> for SectionView {
    fn from(s: Section) -> Self {
        SectionView {
            id: s.id.0,
            unit_id: s.unit_id.0,
            unit_name: s.unit_name,
            name: s.name,
            sort_order: s.sort_order,
            created_at: s.created_at,
            member_count: s.member_count,
        }
    }
}

/// Units of the site (any logged-in person).
#[utoipa::path(get, path = "/api/v1/units", tag = "organisation", security(("session" = [])),
    responses((status = 200, description = "Units", body = [UnitView]), Problems))]
pub async fn list_units(
    State(state): State<AppState>,
    Office(_session): Office,
) -> WebResult<Json<Vec<UnitView>>> {
    let site = state.app.default_site().await?;
    let units = state.app.units(site).await?;
    Ok(Json(units.into_iter().map(UnitView::from).collect()))
}

/// Creates a unit (system administrator).
#[utoipa::path(post, path = "/api/v1/units", tag = "organisation", security(("session" = [], "csrf" = [])),
    request_body = UnitInput,
    responses((status = 201, description = "Created", body = Created), Problems))]
pub async fn create_unit(
    State(state): State<AppState>,
    Office(session): Office,
    JsonBody(input): JsonBody<UnitInput>,
) -> WebResult<(StatusCode, Json<Created>)> {
    let site = state.app.default_site().await?;
    let id = state
        .app
        .create_unit(&session.actor, site, &input.into())
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// One unit.
#[utoipa::path(get, path = "/api/v1/units/{id}", tag = "organisation", security(("session" = [])),
    params(("id" = i64, Path, description = "Unit id")),
    responses((status = 200, description = "The unit", body = UnitView), Problems))]
pub async fn get_unit(
    State(state): State<AppState>,
    Office(_session): Office,
    Path(id): Path<i64>,
) -> WebResult<Json<UnitView>> {
    Ok(Json(state.app.unit(UnitId(id)).await?.into()))
}

/// Changes a unit (system administrator).
#[utoipa::path(put, path = "/api/v1/units/{id}", tag = "organisation", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Unit id")),
    request_body = UnitInput,
    responses((status = 204, description = "Changed"), Problems))]
pub async fn update_unit(
    State(state): State<AppState>,
    Office(session): Office,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<UnitInput>,
) -> WebResult<StatusCode> {
    state
        .app
        .update_unit(&session.actor, UnitId(id), &input.into())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes an empty unit (system administrator); `409` while it has
/// sections or members.
#[utoipa::path(delete, path = "/api/v1/units/{id}", tag = "organisation", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Unit id")),
    responses((status = 204, description = "Deleted"), Problems))]
pub async fn delete_unit(
    State(state): State<AppState>,
    Office(session): Office,
    Path(id): Path<i64>,
) -> WebResult<StatusCode> {
    state.app.delete_unit(&session.actor, UnitId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Sections of a unit.
#[utoipa::path(get, path = "/api/v1/units/{id}/sections", tag = "organisation", security(("session" = [])),
    params(("id" = i64, Path, description = "Unit id")),
    responses((status = 200, description = "Sections of the unit", body = [SectionView]), Problems))]
pub async fn list_sections(
    State(state): State<AppState>,
    Office(_session): Office,
    Path(id): Path<i64>,
) -> WebResult<Json<Vec<SectionView>>> {
    let unit = state.app.unit(UnitId(id)).await?;
    let sections = state.app.sections(unit.site_id).await?;
    let of_unit = sections.into_iter().filter(|s| s.unit_id == unit.id);
    Ok(Json(of_unit.map(SectionView::from).collect()))
}

/// Creates a section in a unit (system administrator).
#[utoipa::path(post, path = "/api/v1/units/{id}/sections", tag = "organisation", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Unit id")),
    request_body = SectionInput,
    responses((status = 201, description = "Created", body = Created), Problems))]
pub async fn create_section(
    State(state): State<AppState>,
    Office(session): Office,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<SectionInput>,
) -> WebResult<(StatusCode, Json<Created>)> {
    let id = state
        .app
        .create_section(&session.actor, UnitId(id), &input.into())
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// Changes a section (system administrator).
#[utoipa::path(put, path = "/api/v1/sections/{id}", tag = "organisation", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Section id")),
    request_body = SectionInput,
    responses((status = 204, description = "Changed"), Problems))]
pub async fn update_section(
    State(state): State<AppState>,
    Office(session): Office,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<SectionInput>,
) -> WebResult<StatusCode> {
    state
        .app
        .update_section(&session.actor, SectionId(id), &input.into())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deletes a section nobody belongs to (system administrator).
#[utoipa::path(delete, path = "/api/v1/sections/{id}", tag = "organisation", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Section id")),
    responses((status = 204, description = "Deleted"), Problems))]
pub async fn delete_section(
    State(state): State<AppState>,
    Office(session): Office,
    Path(id): Path<i64>,
) -> WebResult<StatusCode> {
    state
        .app
        .delete_section(&session.actor, SectionId(id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
