//! One error type for the web layer. A handler returns `WebError`; the
//! response carries only a status and a marker, and the `render` middleware
//! turns it into an HTML page or `application/problem+json` in the reader's
//! language. Internal details are logged, never shown.

use askama::Template;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use dangjian_app::AppError;
use dangjian_app::domain::FieldError;
use serde_json::json;

use crate::i18n::Locale;

#[derive(Debug)]
pub enum WebError {
    App(AppError),
    Unauthenticated,
    /// Logged in, but a login step (TOTP, new password) is still open.
    LoginIncomplete,
    Csrf,
    TooLarge,
    NotFound,
    BadRequest,
}

impl From<AppError> for WebError {
    fn from(error: AppError) -> Self {
        WebError::App(error)
    }
}

/// What the render middleware needs to build the error response.
#[derive(Debug, Clone)]
pub struct ErrorMarker {
    pub code: String,
    pub errors: Vec<FieldError>,
}

impl WebError {
    fn status_and_code(&self) -> (StatusCode, &str) {
        match self {
            WebError::App(error) => match error {
                AppError::NotFound => (StatusCode::NOT_FOUND, "error.not_found"),
                AppError::Unauthenticated => (StatusCode::UNAUTHORIZED, "error.unauthenticated"),
                AppError::Forbidden(code) => (StatusCode::FORBIDDEN, code),
                AppError::Invalid(_) => (StatusCode::UNPROCESSABLE_ENTITY, "error.invalid"),
                AppError::Conflict(code) => (StatusCode::CONFLICT, code),
                AppError::NotInitialised => {
                    (StatusCode::SERVICE_UNAVAILABLE, "error.not_initialised")
                }
                AppError::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "error.internal"),
            },
            WebError::Unauthenticated => (StatusCode::UNAUTHORIZED, "error.unauthenticated"),
            WebError::LoginIncomplete => (StatusCode::FORBIDDEN, "error.login.incomplete"),
            WebError::Csrf => (StatusCode::FORBIDDEN, "error.csrf"),
            WebError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "error.too_large"),
            WebError::NotFound => (StatusCode::NOT_FOUND, "error.not_found"),
            WebError::BadRequest => (StatusCode::BAD_REQUEST, "error.bad_request"),
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let WebError::App(AppError::Internal(detail)) = &self {
            tracing::error!(%detail, "internal error");
        }
        let (status, code) = self.status_and_code();
        let errors = match &self {
            WebError::App(AppError::Invalid(invalid)) => invalid.errors.clone(),
            _ => Vec::new(),
        };
        let marker = ErrorMarker {
            code: code.to_owned(),
            errors,
        };
        let mut response = status.into_response();
        response.extensions_mut().insert(marker);
        response
    }
}

pub type WebResult<T> = Result<T, WebError>;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    locale: Locale,
    status: u16,
    message: String,
    /// The portal's stylesheet: error pages wear the portal's look.
    css: &'static str,
}

impl ErrorPage {
    fn t(&self, key: &str) -> String {
        self.locale.t(key)
    }
}

fn default_code(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "error.not_found",
        StatusCode::METHOD_NOT_ALLOWED => "error.method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "error.too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE
        | StatusCode::BAD_REQUEST
        | StatusCode::UNPROCESSABLE_ENTITY => "error.bad_request",
        StatusCode::REQUEST_TIMEOUT => "error.timeout",
        _ if status.is_server_error() => "error.internal",
        _ => "error.bad_request",
    }
}

/// Renders error responses: those carrying an `ErrorMarker`, and the plain
/// ones the framework makes (unknown route, wrong method, bad body).
pub async fn render(request: Request, next: Next) -> Response {
    let api = request.uri().path().starts_with("/api/");
    let locale = if api {
        Locale::for_api(request.headers())
    } else {
        Locale::from_headers(request.headers())
    };
    let response = next.run(request).await;
    let status = response.status();
    if !status.is_client_error() && !status.is_server_error() {
        return response;
    }
    let marker = response.extensions().get::<ErrorMarker>().cloned();
    let is_plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|v| v.to_str().is_ok_and(|v| v.starts_with("text/plain")));
    let marker = match marker {
        Some(marker) => marker,
        None if is_plain => ErrorMarker {
            code: default_code(status).to_owned(),
            errors: Vec::new(),
        },
        None => return response,
    };
    let message = locale.t(&marker.code);
    // The rendered page replaces the answer the layers already dressed:
    // it keeps the request id and gets the security headers too.
    let request_id = response.headers().get(crate::headers::REQUEST_ID).cloned();
    let mut rendered = render_error(api, status, &marker, &message, locale);
    if let Some(id) = request_id {
        rendered
            .headers_mut()
            .insert(crate::headers::REQUEST_ID, id);
    }
    crate::headers::add_security(rendered.headers_mut());
    rendered
}

fn render_error(
    api: bool,
    status: StatusCode,
    marker: &ErrorMarker,
    message: &str,
    locale: Locale,
) -> Response {
    if api {
        problem(status, marker, message, locale)
    } else {
        let page = ErrorPage {
            locale,
            status: status.as_u16(),
            message: message.to_owned(),
            css: crate::assets::portal_css_path(),
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(_) => status.into_response(),
        }
    }
}

fn problem(status: StatusCode, marker: &ErrorMarker, message: &str, locale: Locale) -> Response {
    let errors: Vec<_> = marker
        .errors
        .iter()
        .map(|e| json!({"field": e.field, "code": e.code, "message": locale.t(&e.code)}))
        .collect();
    let body = json!({
        "type": "about:blank",
        "title": message,
        "status": status.as_u16(),
        "code": marker.code,
        "errors": errors,
    });
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}
