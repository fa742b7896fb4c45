//! The brand colour's stylesheet. Its address carries the colour
//! (`/theme/c8161d.css`), so the answer follows from the address alone:
//! no database read, cacheable for ever, and a new colour is a new address
//! that every page links to once the settings change clears the page cache.
//! Inline styles are not an option: the content security policy forbids
//! them.

use askama::Template;
use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use dangjian_app::domain::colour::{Rgb, contrast};

use crate::error::{WebError, WebResult};

#[derive(Template)]
#[template(path = "portal/theme.css", escape = "none")]
struct Theme {
    brand: String,
    dark: String,
}

/// The stylesheet address of a brand colour.
pub fn href(colour: Rgb) -> String {
    format!("/theme/{}.css", colour.hex())
}

pub async fn stylesheet(Path(file): Path<String>) -> WebResult<Response> {
    let colour = file
        .strip_suffix(".css")
        .filter(|hex| hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit()))
        .and_then(Rgb::parse_hex)
        .ok_or(WebError::NotFound)?;
    // Only colours the settings would accept get a stylesheet.
    if contrast(colour, Rgb(0xff, 0xff, 0xff)) < dangjian_app::domain::colour::MIN_CONTRAST {
        return Err(WebError::NotFound);
    }
    let css = Theme {
        brand: colour.hex(),
        dark: colour.darker().hex(),
    }
    .render()
    .map_err(|e| WebError::App(dangjian_app::AppError::internal(e)))?;
    let mut response = css.into_response();
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
