//! Stylesheets embedded in the binary and served under content-hashed names,
//! so browsers may cache them for a year and still never see a stale one.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::WebError;

const OFFICE_CSS: &str = include_str!("../assets/office.css");

/// FNV-1a: a content fingerprint for cache busting, not a security hash.
fn fingerprint(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")[..10].to_owned()
}

static OFFICE_CSS_PATH: LazyLock<String> =
    LazyLock::new(|| format!("/assets/office-{}.css", fingerprint(OFFICE_CSS.as_bytes())));

pub fn office_css_path() -> &'static str {
    &OFFICE_CSS_PATH
}

pub async fn serve(Path(name): Path<String>) -> Result<Response, WebError> {
    if format!("/assets/{name}") != *OFFICE_CSS_PATH {
        return Err(WebError::NotFound);
    }
    let mut response = OFFICE_CSS.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Ok(response)
}
