//! Media on both listeners: `GET /media/{hash}.{ext}` serves an upload's
//! original, a rendition or a poster, by content hash (so it is cached
//! forever), with byte ranges for video and `Content-Disposition:
//! attachment` for attachments. Only blobs named by a media row are served.
//!
//! Also reads multipart uploads for the office pages and the API.

use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use dangjian_app::media::ServedObject;
use dangjian_app::media::sniff::ext_for_mime;

use crate::error::{WebError, WebResult};
use crate::state::AppState;

const IMMUTABLE: &str = "public, max-age=31536000, immutable";

pub async fn serve(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> WebResult<Response> {
    let Some((hash, ext)) = file.split_once('.') else {
        return Err(WebError::NotFound);
    };
    let object = state
        .app
        .served_object(hash)
        .await?
        .filter(|o| ext_for_mime(&o.blob.mime) == ext)
        .ok_or(WebError::NotFound)?;
    let etag = format!("\"{}\"", object.blob.hash);
    if not_modified(&headers, &object.blob.hash) {
        let mut response = StatusCode::NOT_MODIFIED.into_response();
        common_headers(response.headers_mut(), &object, &etag);
        return Ok(response);
    }
    let size = u64::try_from(object.blob.size).unwrap_or_default();
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(|v| parse_range(v, size));
    match range {
        Some(RangeAsked::Unsatisfiable) => Ok(unsatisfiable(size)),
        Some(RangeAsked::Bytes(start, end)) => {
            let bytes = state.app.read_object(&object, start, end + 1).await?;
            let mut response = (StatusCode::PARTIAL_CONTENT, Body::from(bytes)).into_response();
            common_headers(response.headers_mut(), &object, &etag);
            set(
                response.headers_mut(),
                header::CONTENT_RANGE,
                &format!("bytes {start}-{end}/{size}"),
            );
            Ok(response)
        }
        Some(RangeAsked::Ignored) | None => {
            let bytes = state.app.read_object(&object, 0, size).await?;
            let mut response = Body::from(bytes).into_response();
            common_headers(response.headers_mut(), &object, &etag);
            Ok(response)
        }
    }
}

fn set(headers: &mut HeaderMap, name: header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

fn common_headers(headers: &mut HeaderMap, object: &ServedObject, etag: &str) {
    set(headers, header::CONTENT_TYPE, &object.blob.mime);
    set(headers, header::ETAG, etag);
    set(headers, header::CACHE_CONTROL, IMMUTABLE);
    set(headers, header::ACCEPT_RANGES, "bytes");
    if let Some((kind, name)) = &object.blob.upload
        && kind == "attachment"
    {
        let value = format!("attachment; filename*=UTF-8''{}", percent_encode(name));
        set(headers, header::CONTENT_DISPOSITION, &value);
    }
}

/// `If-None-Match` names this hash (or `*`).
fn not_modified(headers: &HeaderMap, hash: &str) -> bool {
    let Some(value) = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    value.split(',').map(str::trim).any(|tag| {
        let tag = tag.strip_prefix("W/").unwrap_or(tag);
        tag == "*" || tag.trim_matches('"') == hash
    })
}

fn unsatisfiable(size: u64) -> Response {
    let body = serde_json::json!({
        "type": "about:blank",
        "title": "Range Not Satisfiable",
        "status": 416,
    });
    let mut response = (StatusCode::RANGE_NOT_SATISFIABLE, body.to_string()).into_response();
    let headers = response.headers_mut();
    set(headers, header::CONTENT_TYPE, "application/problem+json");
    set(headers, header::CONTENT_RANGE, &format!("bytes */{size}"));
    set(headers, header::ACCEPT_RANGES, "bytes");
    response
}

/// What a `Range` header asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeAsked {
    /// Bytes `start..=end`.
    Bytes(u64, u64),
    Unsatisfiable,
    /// Not a single byte range we serve: the whole object is sent.
    Ignored,
}

/// Parses a single `bytes=` range against an object of `size` bytes.
pub fn parse_range(value: &str, size: u64) -> RangeAsked {
    let Some(spec) = value.trim().strip_prefix("bytes=") else {
        return RangeAsked::Ignored;
    };
    if spec.contains(',') {
        return RangeAsked::Ignored;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return RangeAsked::Ignored;
    };
    let number = |s: &str| s.trim().parse::<u64>().ok();
    match (first.trim().is_empty(), number(first), number(last)) {
        (true, _, Some(suffix)) if suffix > 0 && size > 0 => {
            RangeAsked::Bytes(size - suffix.min(size), size - 1)
        }
        (true, _, _) => RangeAsked::Unsatisfiable,
        (false, Some(start), _) if start >= size => RangeAsked::Unsatisfiable,
        (false, Some(start), None) if last.trim().is_empty() => RangeAsked::Bytes(start, size - 1),
        (false, Some(start), Some(end)) if end >= start => {
            RangeAsked::Bytes(start, end.min(size - 1))
        }
        _ => RangeAsked::Ignored,
    }
}

/// A file name as an RFC 8187 `ext-value` (after `UTF-8''`): every byte
/// but letters, digits and `!#$&+-.^_`|~` percent-encoded, so Chinese
/// names survive and no quote or semicolon can end the header value early.
pub(crate) fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A file uploaded with `multipart/form-data` (field `file`).
pub struct Upload {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Text fields beside the file (ignored) are small.
const TEXT_FIELD_LIMIT: u64 = 64 * 1024;
/// Room for the multipart framing around the file.
const FRAMING: u64 = 64 * 1024;

/// Reads a multipart upload of at most `limit` bytes of file (the largest
/// per-kind limit; the exact one is checked once the type is known).
pub async fn read_upload(request: Request, limit: u64) -> WebResult<Upload> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit + FRAMING) {
        return Err(WebError::TooLarge);
    }
    let boundary = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| multer::parse_boundary(v).ok())
        .ok_or(WebError::BadRequest)?;
    let constraints = multer::Constraints::new().size_limit(
        multer::SizeLimit::new()
            .whole_stream(limit + FRAMING)
            .per_field(limit),
    );
    let stream = request.into_body().into_data_stream();
    let mut multipart = multer::Multipart::with_constraints(stream, boundary, constraints);
    let mut upload = None;
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" && upload.is_none() {
            let file_name = field.file_name().unwrap_or_default().to_owned();
            let bytes = field.bytes().await.map_err(multipart_error)?;
            upload = Some((file_name, bytes.to_vec()));
        } else {
            let text = field.text().await.map_err(multipart_error)?;
            if u64::try_from(text.len()).unwrap_or(u64::MAX) > TEXT_FIELD_LIMIT {
                return Err(WebError::TooLarge);
            }
        }
    }
    let (name, bytes) = upload.unwrap_or_default();
    Ok(Upload { name, bytes })
}

fn multipart_error(error: multer::Error) -> WebError {
    match error {
        multer::Error::StreamSizeExceeded { .. } | multer::Error::FieldSizeExceeded { .. } => {
            WebError::TooLarge
        }
        other => {
            tracing::debug!(%other, "malformed multipart upload");
            WebError::BadRequest
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-99", 1000), RangeAsked::Bytes(0, 99));
        assert_eq!(
            parse_range("bytes=100-199", 1000),
            RangeAsked::Bytes(100, 199)
        );
        assert_eq!(parse_range("bytes=-100", 1000), RangeAsked::Bytes(900, 999));
        assert_eq!(parse_range("bytes=-5000", 1000), RangeAsked::Bytes(0, 999));
        assert_eq!(parse_range("bytes=990-", 1000), RangeAsked::Bytes(990, 999));
        assert_eq!(
            parse_range("bytes=900-5000", 1000),
            RangeAsked::Bytes(900, 999)
        );
        assert_eq!(
            parse_range("bytes=1000-1001", 1000),
            RangeAsked::Unsatisfiable
        );
        assert_eq!(parse_range("bytes=-0", 1000), RangeAsked::Unsatisfiable);
        assert_eq!(parse_range("bytes=0-1,5-6", 1000), RangeAsked::Ignored);
        assert_eq!(parse_range("items=0-1", 1000), RangeAsked::Ignored);
        assert_eq!(parse_range("bytes=9-3", 1000), RangeAsked::Ignored);
    }

    #[test]
    fn file_names_are_percent_encoded() {
        assert_eq!(percent_encode("表 1.xlsx"), "%E8%A1%A8%201.xlsx");
        assert_eq!(percent_encode("a\"b;c"), "a%22b%3Bc");
    }
}
