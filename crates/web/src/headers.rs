//! Security headers on every response, and the shared layers of both
//! listeners.

use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::csrf::FORM_LIMIT;
use crate::state::AppState;

const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; \
    script-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

/// The security headers every answer carries unless its handler set them.
/// One list, so that the page cache's pre-built answers (which bypass the
/// layers) carry exactly what the layers add.
pub const SECURITY: [(&str, &str); 5] = [
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=()",
    ),
];

/// The header naming a request in the logs and in its answer.
pub const REQUEST_ID: &str = "x-request-id";

/// Layers both listeners carry: request id, tracing, timeout, body limit and
/// security headers.
pub fn common_layers(router: Router<AppState>) -> Router<AppState> {
    let request_id = HeaderName::from_static(REQUEST_ID);
    let mut router = router
        .layer(DefaultBodyLimit::max(FORM_LIMIT))
        .layer(axum::middleware::from_fn(time_limit));
    for (name, value) in SECURITY {
        router = router.layer(SetResponseHeaderLayer::if_not_present(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        ));
    }
    router
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http())
        .layer(SetRequestIdLayer::new(request_id, NewRequestId))
}

/// Adds the security headers a handler did not set itself, in the order the
/// layers add them.
pub fn add_security(headers: &mut HeaderMap) {
    for (name, value) in SECURITY {
        let name = HeaderName::from_static(name);
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    }
}

/// The request id of an answer: the one the client sent, else a new one.
pub fn request_id(asked: &HeaderMap) -> HeaderValue {
    asked
        .get(REQUEST_ID)
        .cloned()
        .unwrap_or_else(new_request_id)
}

/// A random UUID (version 4) from the thread's generator: the usual
/// `Uuid::new_v4` asks the kernel for every id, a system call per request.
pub fn new_request_id() -> HeaderValue {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut bits: u128 = rand::random();
    // Version 4, variant RFC 4122.
    bits = (bits & !(0xf << 76)) | (0x4 << 76);
    bits = (bits & !(0x3 << 62)) | (0x2 << 62);
    let mut text = [0u8; 36];
    let mut nibble = 32;
    for (at, slot) in text.iter_mut().enumerate() {
        if matches!(at, 8 | 13 | 18 | 23) {
            *slot = b'-';
        } else {
            nibble -= 1;
            *slot = HEX[((bits >> (nibble * 4)) & 0xf) as usize];
        }
    }
    HeaderValue::from_bytes(&text).unwrap_or_else(|_| HeaderValue::from_static("-"))
}

/// The request ids the layers make (see `new_request_id`).
#[derive(Debug, Clone, Copy)]
struct NewRequestId;

impl MakeRequestId for NewRequestId {
    fn make_request_id<B>(&mut self, _request: &axum::http::Request<B>) -> Option<RequestId> {
        Some(RequestId::new(new_request_id()))
    }
}

/// Most requests must finish within 30 seconds; an upload (a multipart
/// body: a video may be hundreds of megabytes on a slow line) gets 30
/// minutes. Its size is bounded by the media policy, not by time.
const REQUEST_TIME: Duration = Duration::from_secs(30);
const UPLOAD_TIME: Duration = Duration::from_secs(30 * 60);

async fn time_limit(request: Request, next: Next) -> Response {
    let upload = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let limit = if upload { UPLOAD_TIME } else { REQUEST_TIME };
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => StatusCode::REQUEST_TIMEOUT.into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_ids_are_version_4_uuids() {
        let id = new_request_id();
        let text = id.to_str().unwrap();
        assert_eq!(text.len(), 36);
        let groups: Vec<&str> = text.split('-').collect();
        assert_eq!(
            groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
            [8, 4, 4, 4, 12]
        );
        assert!(groups[2].starts_with('4'), "{text}");
        assert!("89ab".contains(&groups[3][..1]), "{text}");
        assert_ne!(new_request_id(), id);
    }
}
