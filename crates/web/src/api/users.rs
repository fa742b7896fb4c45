//! Accounts (system administrator) and role grants (security administrator).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use dangjian_app::accounts::AccountForm;
use dangjian_app::domain::ids::{GrantId, UnitId, UserId};
use dangjian_app::records::{Grant, User};
use dangjian_app::roles::GrantForm;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::JsonBody;
use super::doc::Problems;
use super::types::{Created, ScopeView, Text};
use crate::error::{WebError, WebResult};
use crate::session::Office;
use crate::state::AppState;

/// An account as submitted. The username is set at creation and never
/// changes; it is ignored by `PUT`.
#[derive(Deserialize, ToSchema)]
pub struct AccountInput {
    #[serde(default)]
    pub username: String,
    pub display_name: String,
    pub phone: String,
    pub unit_id: Text,
    /// Optional; must belong to the unit.
    #[serde(default)]
    pub section_id: Text,
    /// Where notifications are also e-mailed: empty for none; left out,
    /// the address stays as it is.
    #[serde(default)]
    pub email: Option<String>,
}

impl From<AccountInput> for AccountForm {
    fn from(input: AccountInput) -> Self {
        AccountForm {
            username: input.username,
            display_name: input.display_name,
            phone: input.phone,
            unit_id: input.unit_id.into_string(),
            section_id: input.section_id.into_string(),
            email: input.email,
        }
    }
}

/// A role to grant.
#[derive(Deserialize, ToSchema)]
pub struct GrantInput {
    /// Role code, e.g. `info_officer`.
    pub role: String,
    /// `site`, `unit` or `section`.
    pub scope_kind: String,
    pub scope_id: Text,
}

impl From<GrantInput> for GrantForm {
    fn from(input: GrantInput) -> Self {
        GrantForm {
            role: input.role,
            scope_kind: input.scope_kind,
            scope_id: input.scope_id.into_string(),
        }
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UsersQuery {
    /// Only accounts of this unit (empty: every unit).
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub unit: String,
    /// Part of a username or name.
    #[serde(default)]
    pub search: String,
}

/// An account.
#[derive(Serialize, ToSchema)]
pub struct UserView {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub phone: String,
    pub email: Option<String>,
    pub unit_id: i64,
    pub unit_name: String,
    pub section_id: Option<i64>,
    pub section_name: Option<String>,
    pub must_change_password: bool,
    pub totp_enabled: bool,
    pub disabled: bool,
    pub created_by: Option<i64>,
    pub created_by_name: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub password_changed_at: i64,
    pub last_login_at: Option<i64>,
}

impl From<User> for UserView {
    fn from(u: User) -> Self {
        UserView {
            id: u.id.0,
            username: u.username,
            display_name: u.display_name,
            phone: u.phone,
            email: u.email,
            unit_id: u.unit_id.0,
            unit_name: u.unit_name,
            section_id: u.section_id.map(|s| s.0),
            section_name: u.section_name,
            must_change_password: u.must_change_password,
            totp_enabled: u.totp_enabled,
            disabled: u.disabled,
            created_by: u.created_by.map(|c| c.0),
            created_by_name: u.created_by_name,
            created_at: u.created_at,
            updated_at: u.updated_at,
            password_changed_at: u.password_changed_at,
            last_login_at: u.last_login_at,
        }
    }
}

/// A role held by an account in a scope.
#[derive(Serialize, ToSchema)]
pub struct GrantView {
    pub id: i64,
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    /// Role code.
    pub role: String,
    pub scope: ScopeView,
    pub scope_name: String,
    pub granted_by: Option<i64>,
    pub granted_by_name: Option<String>,
    pub granted_at: i64,
}

impl From<Grant> for GrantView {
    fn from(g: Grant) -> Self {
        GrantView {
            id: g.id.0,
            user_id: g.user_id.0,
            username: g.username,
            display_name: g.display_name,
            role: g.role.code().to_owned(),
            scope: g.scope.into(),
            scope_name: g.scope_name,
            granted_by: g.granted_by.map(|b| b.0),
            granted_by_name: g.granted_by_name,
            granted_at: g.granted_at,
        }
    }
}

/// An account with its roles.
#[derive(Serialize, ToSchema)]
pub struct UserDetail {
    pub user: UserView,
    pub grants: Vec<GrantView>,
}

/// A new account's id and one-time password (shown once).
#[derive(Serialize, ToSchema)]
pub struct CreatedUser {
    pub id: i64,
    pub one_time_password: String,
}

/// A new one-time password (shown once).
#[derive(Serialize, ToSchema)]
pub struct OneTimePassword {
    pub one_time_password: String,
}

/// Accounts (system or security administrator).
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", security(("session" = [])),
    params(UsersQuery),
    responses((status = 200, description = "Accounts", body = [UserView]), Problems))]
pub async fn list_users(
    State(state): State<AppState>,
    Office(session): Office,
    Query(query): Query<UsersQuery>,
) -> WebResult<Json<Vec<UserView>>> {
    let unit = optional_id(&query.unit)?.map(UnitId);
    let users = state
        .app
        .accounts(&session.actor, unit, &query.search)
        .await?;
    Ok(Json(users.into_iter().map(UserView::from).collect()))
}

/// Creates an account with a one-time password (system administrator).
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", security(("session" = [], "csrf" = [])),
    request_body = AccountInput,
    responses((status = 201, description = "Created", body = CreatedUser), Problems))]
pub async fn create_user(
    State(state): State<AppState>,
    Office(session): Office,
    JsonBody(input): JsonBody<AccountInput>,
) -> WebResult<(StatusCode, Json<CreatedUser>)> {
    let created = state
        .app
        .create_account(&session.actor, &input.into())
        .await?;
    let body = CreatedUser {
        id: created.id.0,
        one_time_password: created.one_time_password,
    };
    Ok((StatusCode::CREATED, Json(body)))
}

/// One account with its roles.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "accounts", security(("session" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, description = "The account", body = UserDetail), Problems))]
pub async fn get_user(
    State(state): State<AppState>,
    Office(session): Office,
    Path(id): Path<i64>,
) -> WebResult<Json<UserDetail>> {
    let detail = state.app.account(&session.actor, UserId(id)).await?;
    Ok(Json(UserDetail {
        user: detail.user.into(),
        grants: detail.grants.into_iter().map(GrantView::from).collect(),
    }))
}

/// Changes name, phone, unit and section (system administrator).
#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "accounts", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "User id")),
    request_body = AccountInput,
    responses((status = 204, description = "Changed"), Problems))]
pub async fn update_user(
    State(state): State<AppState>,
    Office(session): Office,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<AccountInput>,
) -> WebResult<StatusCode> {
    state
        .app
        .update_account(&session.actor, UserId(id), &input.into())
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Disables an account and ends its sessions (system administrator).
#[utoipa::path(post, path = "/api/v1/users/{id}/disable", tag = "accounts", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses((status = 204, description = "Disabled"), Problems))]
pub async fn disable_user(
    State(state): State<AppState>,
    Office(session): Office,
    Path(id): Path<i64>,
) -> WebResult<StatusCode> {
    state
        .app
        .set_account_disabled(&session.actor, UserId(id), true)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Re-enables an account (system administrator).
#[utoipa::path(post, path = "/api/v1/users/{id}/enable", tag = "accounts", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses((status = 204, description = "Enabled"), Problems))]
pub async fn enable_user(
    State(state): State<AppState>,
    Office(session): Office,
    Path(id): Path<i64>,
) -> WebResult<StatusCode> {
    state
        .app
        .set_account_disabled(&session.actor, UserId(id), false)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Lifts a lockout before its window ends (system administrator).
#[utoipa::path(post, path = "/api/v1/users/{id}/unlock", tag = "accounts", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses((status = 204, description = "Unlocked"), Problems))]
pub async fn unlock_user(
    State(state): State<AppState>,
    Office(session): Office,
    Path(id): Path<i64>,
) -> WebResult<StatusCode> {
    state.app.unlock_account(&session.actor, UserId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Clears the second factor; the person enrols again at next login
/// (system administrator).
#[utoipa::path(post, path = "/api/v1/users/{id}/reset-totp", tag = "accounts", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses((status = 204, description = "Second factor cleared"), Problems))]
pub async fn reset_totp(
    State(state): State<AppState>,
    Office(session): Office,
    Path(id): Path<i64>,
) -> WebResult<StatusCode> {
    state
        .app
        .reset_second_factor(&session.actor, UserId(id))
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Gives the account a new one-time password, ends its sessions and lifts
/// a lockout (system administrator).
#[utoipa::path(post, path = "/api/v1/users/{id}/reset-password", tag = "accounts", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "User id")),
    responses((status = 200, description = "The new one-time password", body = OneTimePassword), Problems))]
pub async fn reset_password(
    State(state): State<AppState>,
    Office(session): Office,
    Path(id): Path<i64>,
) -> WebResult<Json<OneTimePassword>> {
    let one_time_password = state.app.reset_password(&session.actor, UserId(id)).await?;
    Ok(Json(OneTimePassword { one_time_password }))
}

/// Every grant (security administrator).
#[utoipa::path(get, path = "/api/v1/grants", tag = "roles", security(("session" = [])),
    responses((status = 200, description = "Grants", body = [GrantView]), Problems))]
pub async fn list_grants(
    State(state): State<AppState>,
    Office(session): Office,
) -> WebResult<Json<Vec<GrantView>>> {
    let grants = state.app.grants(&session.actor).await?;
    Ok(Json(grants.into_iter().map(GrantView::from).collect()))
}

/// Grants a role (security administrator, under 三员分立; a refusal is
/// recorded and answered `403`).
#[utoipa::path(post, path = "/api/v1/users/{id}/grants", tag = "roles", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "User id")),
    request_body = GrantInput,
    responses((status = 201, description = "Granted", body = Created), Problems))]
pub async fn create_grant(
    State(state): State<AppState>,
    Office(session): Office,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<GrantInput>,
) -> WebResult<(StatusCode, Json<Created>)> {
    let grant = state
        .app
        .grant_role(&session.actor, UserId(id), &input.into())
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id: grant.0 })))
}

/// Revokes a grant (security administrator).
#[utoipa::path(delete, path = "/api/v1/grants/{id}", tag = "roles", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Grant id")),
    responses((status = 204, description = "Revoked"), Problems))]
pub async fn delete_grant(
    State(state): State<AppState>,
    Office(session): Office,
    Path(id): Path<i64>,
) -> WebResult<StatusCode> {
    state.app.revoke_role(&session.actor, GrantId(id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// An id in a query string; empty means none.
fn optional_id(text: &str) -> WebResult<Option<i64>> {
    match text.trim() {
        "" => Ok(None),
        text => text.parse().map(Some).map_err(|_| WebError::BadRequest),
    }
}
