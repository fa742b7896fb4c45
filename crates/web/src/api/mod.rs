//! The JSON API under `/api/v1/` on the office listener.
//!
//! Authentication is the office session cookie; every non-GET request must
//! also carry the session's `X-CSRF-Token` (the `csrf` middleware checks it;
//! `GET /api/v1/me` tells the token). Handlers call the same use cases as
//! the pages, so the permission checks and audit records are the same.
//! Errors are `WebError`s, which the `render` middleware turns into
//! `application/problem+json`. `GET /api/v1/openapi.json` describes it all,
//! generated from the handlers' annotations (see `doc`).

mod articles;
mod audit;
mod columns;
mod doc;
mod me;
mod media;
mod org;
mod review;
mod settings;
mod types;
mod users;

use axum::Router;
use axum::extract::{FromRequest, Request};
use axum::handler::Handler;
use axum::http::Method;
use axum::routing::{MethodFilter, on};
use serde::de::DeserializeOwned;

use crate::error::WebError;
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    routes().router
}

/// The API's routes, recorded with their method so a test can hold them
/// against the OpenAPI document.
fn routes() -> Routes {
    Routes::default()
        .get("/me", me::me)
        .get("/openapi.json", doc::openapi_json)
        .get("/columns", columns::list_columns)
        .post("/columns", columns::create_column)
        .get("/columns/{id}", columns::get_column)
        .put("/columns/{id}", columns::update_column)
        .delete("/columns/{id}", columns::delete_column)
        .post("/columns/{id}/move", columns::move_column)
        .get("/articles", articles::list_articles)
        .post("/articles", articles::create_article)
        .get("/articles/{id}", articles::get_article)
        .put("/articles/{id}", articles::update_article)
        .post("/articles/{id}/submit", articles::submit_article)
        .post("/articles/{id}/approve", articles::approve_article)
        .post("/articles/{id}/return", articles::return_article)
        .post("/articles/{id}/withdraw", articles::withdraw_article)
        .get("/review/tasks", review::tasks)
        .get("/notifications", review::notifications)
        .get("/units", org::list_units)
        .post("/units", org::create_unit)
        .get("/units/{id}", org::get_unit)
        .put("/units/{id}", org::update_unit)
        .delete("/units/{id}", org::delete_unit)
        .get("/units/{id}/sections", org::list_sections)
        .post("/units/{id}/sections", org::create_section)
        .put("/sections/{id}", org::update_section)
        .delete("/sections/{id}", org::delete_section)
        .get("/users", users::list_users)
        .post("/users", users::create_user)
        .get("/users/{id}", users::get_user)
        .put("/users/{id}", users::update_user)
        .post("/users/{id}/disable", users::disable_user)
        .post("/users/{id}/enable", users::enable_user)
        .post("/users/{id}/unlock", users::unlock_user)
        .post("/users/{id}/reset-totp", users::reset_totp)
        .post("/users/{id}/reset-password", users::reset_password)
        .get("/grants", users::list_grants)
        .post("/users/{id}/grants", users::create_grant)
        .delete("/grants/{id}", users::delete_grant)
        .get("/audit", audit::search)
        .get("/audit/verify", audit::verify)
        .get("/settings", settings::get_settings)
        .put("/settings", settings::put_settings)
        .post("/media", media::upload_media)
        .get("/media", media::list_media)
        .get("/media/{id}", media::get_media)
        .put("/media/{id}", media::update_media)
}

#[derive(Default)]
struct Routes {
    router: Router<AppState>,
    mounted: Vec<(Method, &'static str)>,
}

impl Routes {
    fn add<H, T>(mut self, method: Method, path: &'static str, handler: H) -> Self
    where
        H: Handler<T, AppState>,
        T: 'static,
    {
        let filter = MethodFilter::try_from(method.clone()).unwrap_or(MethodFilter::GET);
        self.router = self.router.route(path, on(filter, handler));
        self.mounted.push((method, path));
        self
    }

    fn get<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::GET, path, handler)
    }

    fn post<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::POST, path, handler)
    }

    fn put<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::PUT, path, handler)
    }

    fn delete<H: Handler<T, AppState>, T: 'static>(self, path: &'static str, handler: H) -> Self {
        self.add(Method::DELETE, path, handler)
    }
}

/// A JSON request body, which must be an object as the OpenAPI document
/// says (serde would otherwise also accept the fields as an array); a
/// malformed one is a `400` problem, not the framework's plain-text rejection.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for JsonBody<T> {
    type Rejection = WebError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let value = match axum::Json::<serde_json::Value>::from_request(request, state).await {
            Ok(axum::Json(value)) if value.is_object() => value,
            Ok(_) => return Err(WebError::BadRequest),
            Err(rejection) => {
                tracing::debug!(%rejection, "malformed API request body");
                return Err(WebError::BadRequest);
            }
        };
        serde_json::from_value(value)
            .map(JsonBody)
            .map_err(|error| {
                tracing::debug!(%error, "API request body of the wrong shape");
                WebError::BadRequest
            })
    }
}

#[cfg(test)]
mod tests {
    use utoipa::OpenApi;

    use super::*;

    #[test]
    fn document_lists_every_mounted_route() {
        let doc = doc::ApiDoc::openapi();
        let mounted = routes().mounted;
        assert!(!mounted.is_empty());
        for (method, path) in &mounted {
            let full = format!("/api/v1{path}");
            let item = doc
                .paths
                .paths
                .get(&full)
                .unwrap_or_else(|| panic!("{full} is mounted but not documented"));
            let documented = match *method {
                Method::GET => item.get.is_some(),
                Method::POST => item.post.is_some(),
                Method::PUT => item.put.is_some(),
                Method::DELETE => item.delete.is_some(),
                _ => false,
            };
            assert!(documented, "{method} {full} is mounted but not documented");
        }
        let mut documented = 0;
        for (path, item) in &doc.paths.paths {
            let methods = [
                (Method::GET, item.get.is_some()),
                (Method::POST, item.post.is_some()),
                (Method::PUT, item.put.is_some()),
                (Method::DELETE, item.delete.is_some()),
            ];
            for (method, present) in methods {
                if present {
                    documented += 1;
                    let found = mounted
                        .iter()
                        .any(|(m, p)| *m == method && format!("/api/v1{p}") == *path);
                    assert!(found, "{method} {path} is documented but not mounted");
                }
            }
        }
        assert_eq!(documented, mounted.len());
    }

    #[test]
    fn document_declares_security_schemes() {
        let doc = doc::ApiDoc::openapi();
        let components = doc.components.expect("components");
        assert!(components.security_schemes.contains_key("session"));
        assert!(components.security_schemes.contains_key("csrf"));
        assert!(components.schemas.contains_key("Problem"));
    }
}
