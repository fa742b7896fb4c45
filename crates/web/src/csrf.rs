//! Cross-site request forgery protection for every state-changing request on
//! the office listener, in one place: the request must carry the session's
//! token (or, before login, the login cookie's token) in the `_csrf` form
//! field or the `X-CSRF-Token` header, and must not come from another site.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use dangjian_app::auth::SessionCheck;

use crate::error::WebError;
use crate::session::{LoadedSession, PRELOGIN_COOKIE, cookie};

/// Bodies above this are refused before parsing. The largest form is an
/// article: a 2 MB body grows to about 4 MB once form-encoded (Chinese
/// characters take nine bytes). Uploads get their own routes and limits.
pub const FORM_LIMIT: usize = 5 * 1024 * 1024;

pub async fn guard(request: Request, next: Next) -> Response {
    if matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    ) {
        return next.run(request).await;
    }
    if cross_site(&request) {
        return WebError::Csrf.into_response();
    }
    let expected = match request
        .extensions()
        .get::<LoadedSession>()
        .and_then(|l| l.0.as_ref())
    {
        Some(SessionCheck::Valid(info)) => Some(info.csrf_token.clone()),
        _ => cookie(request.headers(), PRELOGIN_COOKIE),
    };
    let Some(expected) = expected.filter(|t| !t.is_empty()) else {
        return WebError::Csrf.into_response();
    };
    let header_token = request
        .headers()
        .get("x-csrf-token")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let header_token = header_token.or_else(|| multipart_query_token(&request));
    let (request, given) = match header_token {
        Some(token) => (request, Some(token)),
        None => match form_token(request).await {
            Ok(pair) => pair,
            Err(response) => return response,
        },
    };
    if given.is_some_and(|g| constant_time_eq(g.as_bytes(), expected.as_bytes())) {
        next.run(request).await
    } else {
        WebError::Csrf.into_response()
    }
}

/// Browsers say where a request comes from; another site's is refused.
fn cross_site(request: &Request) -> bool {
    cross_site_headers(request.headers())
}

/// `cross_site` on the headers alone (the portal's public form reads them
/// in its handler, having no session to guard).
pub(crate) fn cross_site_headers(headers: &axum::http::HeaderMap) -> bool {
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    if matches!(fetch_site, Some("cross-site" | "same-site")) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    match (origin, host) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => {
            let origin_host = origin.split_once("://").map_or(origin, |(_, rest)| rest);
            origin_host != host
        }
        _ => false,
    }
}

/// A multipart upload (a large body, not buffered here) may carry the token
/// in the `_csrf` query parameter instead of the header: a plain HTML form
/// puts it in its action URL.
fn multipart_query_token(request: &Request) -> Option<String> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if !multipart {
        return None;
    }
    form_urlencoded::parse(request.uri().query()?.as_bytes())
        .find(|(key, _)| key == "_csrf")
        .map(|(_, value)| value.into_owned())
}

/// Reads the `_csrf` field of a urlencoded form and puts the body back.
async fn form_token(request: Request) -> Result<(Request, Option<String>), Response> {
    let is_form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form {
        return Ok((request, None));
    }
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, FORM_LIMIT)
        .await
        .map_err(|_| WebError::TooLarge.into_response())?;
    let token = form_urlencoded::parse(&bytes)
        .find(|(key, _)| key == "_csrf")
        .map(|(_, value)| value.into_owned());
    Ok((Request::from_parts(parts, Body::from(bytes)), token))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
