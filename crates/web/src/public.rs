//! The public listener: only public routes exist here.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Json};
use axum::routing::get;
use axum::{Router, middleware};
use serde_json::json;

use crate::error::{WebError, WebResult};
use crate::i18n::Locale;
use crate::state::AppState;
use crate::{assets, error, headers, metrics};

pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .route("/", get(home))
        .route("/healthz", get(healthz))
        .route("/assets/{name}", get(assets::serve))
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

#[derive(Template)]
#[template(path = "public/home.html")]
struct HomePage {
    locale: Locale,
    site_name: String,
    css: &'static str,
}

impl HomePage {
    fn t(&self, key: &str) -> String {
        self.locale.t(key)
    }
}

async fn home(State(state): State<AppState>, headers: HeaderMap) -> WebResult<Html<String>> {
    let site = state.app.site().await?;
    let page = HomePage {
        locale: Locale::from_headers(&headers),
        site_name: site.name,
        css: assets::office_css_path(),
    };
    Ok(Html(page.render().map_err(|e| {
        WebError::App(dangjian_app::AppError::internal(e))
    })?))
}
