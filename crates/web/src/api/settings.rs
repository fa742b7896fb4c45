//! The settings (security policy and media limits), for the system
//! administrator.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use dangjian_app::settings::Settings;

use super::JsonBody;
use super::doc::Problems;
use super::types::Text;
use crate::error::WebResult;
use crate::session::Office;
use crate::state::AppState;

/// The settings as key → value (as text), e.g.
/// `security.idle_timeout_minutes` → `"30"`.
fn view(policy: Settings) -> Json<BTreeMap<String, String>> {
    Json(
        policy
            .to_settings()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect(),
    )
}

/// The settings in force (system administrator).
#[utoipa::path(get, path = "/api/v1/settings", tag = "settings", security(("session" = [])),
    responses((status = 200, description = "Settings key → value", body = BTreeMap<String, String>), Problems))]
pub async fn get_settings(
    State(state): State<AppState>,
    Office(session): Office,
) -> WebResult<Json<BTreeMap<String, String>>> {
    Ok(view(state.app.settings_view(&session.actor).await?))
}

/// Changes some settings (system administrator). Unknown keys and values
/// out of bounds are `422` field errors named by the key. Values may be
/// strings or numbers.
#[utoipa::path(put, path = "/api/v1/settings", tag = "settings", security(("session" = [], "csrf" = [])),
    request_body(content = BTreeMap<String, Text>, description = "Settings key → new value"),
    responses((status = 200, description = "The settings now in force", body = BTreeMap<String, String>), Problems))]
pub async fn put_settings(
    State(state): State<AppState>,
    Office(session): Office,
    JsonBody(changes): JsonBody<BTreeMap<String, Text>>,
) -> WebResult<Json<BTreeMap<String, String>>> {
    let changes = changes
        .into_iter()
        .map(|(k, v)| (k, v.into_string()))
        .collect();
    Ok(view(
        state.app.update_settings(&session.actor, &changes).await?,
    ))
}
