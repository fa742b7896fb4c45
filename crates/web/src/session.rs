//! Sessions on the office listener. A middleware looks the session up once
//! per request; extractors read what it found.

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_app::auth::{SessionCheck, SessionInfo, Stage};

use crate::client::ClientInfo;
use crate::error::WebError;
use crate::state::AppState;

pub const SESSION_COOKIE: &str = "dj_session";
/// Anti-forgery token of a browser that is not logged in yet (login form).
pub const PRELOGIN_COOKIE: &str = "dj_csrf";

/// The value of cookie `name`, if sent.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, Secure when configured.
pub fn set_cookie(state: &AppState, name: &str, value: &str, max_age: Option<i64>) -> HeaderValue {
    let secure = if state.options.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let age = max_age
        .map(|s| format!("; Max-Age={s}"))
        .unwrap_or_default();
    let text = format!("{name}={value}; Path=/; HttpOnly; SameSite=Strict{secure}{age}");
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// The session lookup result stored in request extensions.
#[derive(Clone)]
pub struct LoadedSession(pub Option<SessionCheck>);

/// Looks the session cookie up once and stores the result for the CSRF
/// guard and the extractors.
pub async fn load(
    State(state): State<AppState>,
    client: ClientInfo,
    mut request: Request,
    next: Next,
) -> Response {
    let mut check = match cookie(request.headers(), SESSION_COOKIE) {
        Some(token) if !token.is_empty() => match state.app.authenticate(&token, &client.0).await {
            Ok(check) => Some(check),
            Err(error) => return WebError::from(error).into_response(),
        },
        _ => None,
    };
    // Pages show the person's to-do and unread counts in their header.
    let page =
        request.method() == axum::http::Method::GET && !request.uri().path().starts_with("/api/");
    if let Some(SessionCheck::Valid(info)) = check.as_mut()
        && page
        && info.stage == Stage::Active
    {
        let counts = match state.app.default_site().await {
            Ok(site) => state.app.review_counts(&info.actor, site).await,
            Err(error) => Err(error),
        };
        match counts {
            Ok(counts) => info.review = counts,
            Err(error) => return WebError::from(error).into_response(),
        }
    }
    request.extensions_mut().insert(LoadedSession(check));
    next.run(request).await
}

fn loaded(parts: &Parts) -> Option<SessionCheck> {
    parts
        .extensions
        .get::<LoadedSession>()
        .and_then(|l| l.0.clone())
}

/// Whether the request is for the JSON API. Inside the nested API router
/// axum strips the `/api/v1` prefix from `parts.uri`, so the original URI
/// is what tells.
fn is_api(parts: &Parts) -> bool {
    let uri = parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or(&parts.uri, |original| &original.0);
    uri.path().starts_with("/api/")
}

/// Why an extractor refused: not logged in (or the session timed out), or
/// logged in but a login step is still open.
pub enum AuthRejection {
    Login { expired: bool, api: bool },
    Stage { stage: Stage, api: bool },
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        match self {
            AuthRejection::Login { api: true, .. } => WebError::Unauthenticated.into_response(),
            AuthRejection::Login { expired, .. } => Redirect::to(if expired {
                "/login?expired=1"
            } else {
                "/login"
            })
            .into_response(),
            AuthRejection::Stage { api: true, .. } => WebError::LoginIncomplete.into_response(),
            AuthRejection::Stage { stage, .. } => Redirect::to(stage_page(stage)).into_response(),
        }
    }
}

/// Where a session at `stage` continues.
pub fn stage_page(stage: Stage) -> &'static str {
    match stage {
        Stage::Totp => "/login/totp",
        Stage::PasswordChange => "/account/password",
        Stage::TotpEnrol => "/account/totp",
        Stage::Active => "/",
    }
}

/// A session at any stage (the login steps themselves).
pub struct AnySession(pub SessionInfo);

impl<S: Send + Sync> FromRequestParts<S> for AnySession {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match loaded(parts) {
            Some(SessionCheck::Valid(info)) => Ok(AnySession(*info)),
            Some(SessionCheck::Expired) => Err(AuthRejection::Login {
                expired: true,
                api: is_api(parts),
            }),
            _ => Err(AuthRejection::Login {
                expired: false,
                api: is_api(parts),
            }),
        }
    }
}

/// A fully logged-in person: what every office page and API call needs.
pub struct Office(pub SessionInfo);

impl<S: Send + Sync> FromRequestParts<S> for Office {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let AnySession(info) = AnySession::from_request_parts(parts, state).await?;
        if info.stage == Stage::Active {
            Ok(Office(info))
        } else {
            Err(AuthRejection::Stage {
                stage: info.stage,
                api: is_api(parts),
            })
        }
    }
}
