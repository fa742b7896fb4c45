//! Files embedded in the binary (our stylesheet and scripts, and the vendored
//! editor) served under content-hashed names, so browsers may cache them for
//! a year and still never see a stale one. One table names them all.

use std::sync::LazyLock;

use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

use crate::error::WebError;

const CSS: &str = "text/css; charset=utf-8";
const JS: &str = "text/javascript; charset=utf-8";

/// The vendored editor's folder under `assets/vendor/` (see its README and
/// `scripts/update-editor.sh`).
const EDITOR_VENDOR: &str = "vendor/wangeditor";

/// Every embedded file: name (its path under `assets/`), bytes, content type.
const FILES: &[(&str, &[u8], &str)] = &[
    ("office.css", include_bytes!("../assets/office.css"), CSS),
    ("portal.css", include_bytes!("../assets/portal.css"), CSS),
    (
        "editor-init.js",
        include_bytes!("../assets/editor-init.js"),
        JS,
    ),
    (
        "vendor/wangeditor/editor.js",
        include_bytes!("../assets/vendor/wangeditor/editor.js"),
        JS,
    ),
    (
        "vendor/wangeditor/editor.css",
        include_bytes!("../assets/vendor/wangeditor/editor.css"),
        CSS,
    ),
];

/// An embedded file and the URL it is served at.
struct Asset {
    name: &'static str,
    bytes: &'static [u8],
    content_type: &'static str,
    /// `/assets/<stem>-<fingerprint>.<ext>`, folders joined with `-`.
    path: String,
}

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|&(name, bytes, content_type)| {
            let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
            let path = format!(
                "/assets/{}-{}.{ext}",
                stem.replace('/', "-"),
                fingerprint(bytes)
            );
            Asset {
                name,
                bytes,
                content_type,
                path,
            }
        })
        .collect()
});

/// FNV-1a: a content fingerprint for cache busting, not a security hash.
fn fingerprint(bytes: &[u8]) -> String {
    let hash = bytes.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    format!("{hash:016x}")[..10].to_owned()
}

/// The hashed URL of an embedded file, by its name under `assets/`.
///
/// # Panics
///
/// If no such file is embedded: names are fixed in templates and code, and
/// the tests below cover every one.
pub fn asset_path(name: &str) -> &'static str {
    ASSETS
        .iter()
        .find(|a| a.name == name)
        .map(|a| a.path.as_str())
        .unwrap_or_else(|| panic!("no embedded asset named {name:?}"))
}

pub fn office_css_path() -> &'static str {
    asset_path("office.css")
}

/// The portal's stylesheet (public pages and error pages).
pub fn portal_css_path() -> &'static str {
    asset_path("portal.css")
}

/// The hashed URL of a file of the vendored editor (`editor.js`,
/// `editor.css`).
#[allow(dead_code)] // used by the article editor pages, which come next
pub fn vendor_path(file: &str) -> &'static str {
    asset_path(&format!("{EDITOR_VENDOR}/{file}"))
}

/// The hashed URL of our editor start-up script.
#[allow(dead_code)] // used by the article editor pages, which come next
pub fn editor_init_path() -> &'static str {
    asset_path("editor-init.js")
}

pub async fn serve(Path(name): Path<String>) -> Result<Response, WebError> {
    let wanted = format!("/assets/{name}");
    let asset = ASSETS
        .iter()
        .find(|a| a.path == wanted)
        .ok_or(WebError::NotFound)?;
    let mut response = asset.bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Ok(response)
}

#[cfg(test)]
mod tests {
    use axum::body::to_bytes;

    use super::*;

    #[tokio::test]
    async fn assets_every_file_is_served_at_its_hashed_path() {
        assert_eq!(ASSETS.len(), FILES.len());
        for asset in ASSETS.iter() {
            assert_eq!(asset_path(asset.name), asset.path);
            let name = asset.path.strip_prefix("/assets/").unwrap().to_owned();
            let response = serve(Path(name)).await.unwrap();
            let headers = response.headers();
            assert_eq!(headers[header::CONTENT_TYPE], asset.content_type);
            let expected_type = if asset.name.ends_with(".css") {
                CSS
            } else {
                JS
            };
            assert_eq!(asset.content_type, expected_type, "{}", asset.name);
            assert_eq!(
                headers[header::CACHE_CONTROL],
                "public, max-age=31536000, immutable"
            );
            let body = to_bytes(response.into_body(), usize::MAX).await.unwrap();
            assert_eq!(&body[..], asset.bytes, "{}", asset.name);
        }
    }

    #[tokio::test]
    async fn assets_unknown_names_are_not_found() {
        let css = office_css_path().strip_prefix("/assets/").unwrap();
        let stale = css.replacen('-', "-0", 1);
        for name in [
            "office.css",
            "office-0000000000.css",
            "editor-init.js",
            "../office.css",
            "vendor/wangeditor/editor.js",
            stale.as_str(),
            "",
        ] {
            let result = serve(Path(name.to_owned())).await;
            assert!(matches!(result, Err(WebError::NotFound)), "{name:?}");
        }
    }

    #[test]
    fn assets_paths_keep_their_shape() {
        let office = office_css_path();
        assert!(office.starts_with("/assets/office-") && office.ends_with(".css"));
        assert!(vendor_path("editor.js").starts_with("/assets/vendor-wangeditor-editor-"));
        assert!(vendor_path("editor.css").ends_with(".css"));
        assert!(editor_init_path().starts_with("/assets/editor-init-"));
        // Every path is one segment under /assets/ (the route is /assets/{name}).
        for asset in ASSETS.iter() {
            assert_eq!(asset.path.matches('/').count(), 2, "{}", asset.path);
        }
    }

    #[test]
    fn assets_vendored_editor_has_its_licence_and_version() {
        let version = include_str!("../assets/vendor/wangeditor/VERSION");
        assert!(version.contains("licence: MIT"));
        assert!(version.contains("integrity: sha512-"));
        let licence = include_str!("../assets/vendor/wangeditor/LICENSE");
        assert!(
            licence.contains("MIT License") || licence.contains("Permission is hereby granted")
        );
    }
}
