//! Who is calling, and the token their writes must echo.

use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::doc::Problems;
use super::types::RoleView;
use crate::session::Office;

/// The logged-in person.
#[derive(Serialize, ToSchema)]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<RoleView>,
    /// Send as header `X-CSRF-Token` on every POST, PUT and DELETE.
    pub csrf_token: String,
}

/// The logged-in person, their roles and the session's CSRF token.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "session",
    security(("session" = [])),
    responses((status = 200, description = "The logged-in person", body = Me), Problems)
)]
pub async fn me(Office(session): Office) -> Json<Me> {
    let actor = &session.actor;
    Json(Me {
        id: actor.user_id.0,
        username: actor.username.clone(),
        display_name: actor.display_name.clone(),
        roles: actor.roles.iter().map(RoleView::from).collect(),
        csrf_token: session.csrf_token,
    })
}
