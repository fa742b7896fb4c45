//! The public listener: only public routes exist here.

use axum::extract::State;
use axum::response::{IntoResponse, Json};
use axum::routing::get;
use axum::{Router, middleware};
use serde_json::json;

use crate::error::WebError;
use crate::state::AppState;
use crate::{assets, error, headers, metrics};

pub fn router(state: AppState) -> Router {
    // The portal's pages (home, columns, articles, archive, feeds, sitemap)
    // sit behind the page cache; health, assets and media do not.
    let routes = Router::new()
        .merge(crate::portal::router(&state))
        .route("/healthz", get(healthz))
        .route("/assets/{name}", get(assets::serve))
        .route("/media/{file}", get(crate::media::serve))
        .fallback(|| async { WebError::NotFound });
    headers::common_layers(routes)
        .layer(middleware::from_fn(|r, n| metrics::track("public", r, n)))
        .layer(middleware::from_fn(error::render))
        .with_state(state)
}

/// Liveness and readiness: the database answers.
pub async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    if state.app.healthy().await {
        (axum::http::StatusCode::OK, Json(json!({"status": "ok"})))
    } else {
        (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "database unavailable"})),
        )
    }
}
