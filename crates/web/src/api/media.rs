//! Media: upload (multipart), list, one item, alt text.

use axum::Json;
use axum::extract::{Path, Query, Request, State};
use axum::http::StatusCode;
use dangjian_app::domain::media::{MediaId, MediaKind};
use dangjian_app::media::{MediaItem, MediaPage};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::JsonBody;
use super::doc::Problems;
use crate::error::WebResult;
use crate::media::read_upload;
use crate::session::Office;
use crate::state::AppState;

/// A smaller JPEG copy of an image.
#[derive(Serialize, ToSchema)]
pub struct RenditionView {
    /// `thumb` (240 px wide), `list` (640) or `full` (1280); never upscaled.
    pub name: String,
    pub width: i64,
    pub height: i64,
    pub url: String,
}

/// An upload with its public URLs (paths on both listeners).
#[derive(Serialize, ToSchema)]
pub struct MediaView {
    pub id: i64,
    /// `image`, `attachment` or `video`.
    pub kind: String,
    pub original_name: String,
    pub mime: String,
    pub size: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub duration_ms: Option<i64>,
    pub alt_text: String,
    /// An image without alt text: articles using it cannot be published.
    pub missing_alt: bool,
    pub sha256: String,
    /// The original: `/media/{sha256}.{ext}`.
    pub url: String,
    pub poster_url: Option<String>,
    pub renditions: Vec<RenditionView>,
    pub created_at: i64,
}

impl From<MediaItem> for MediaView {
    fn from(item: MediaItem) -> Self {
        let renditions = item
            .renditions
            .iter()
            .map(|r| RenditionView {
                name: r.name.clone(),
                width: r.width,
                height: r.height,
                url: item.rendition_url(&r.name).unwrap_or_default(),
            })
            .collect();
        MediaView {
            url: item.url(),
            poster_url: item.poster_url(),
            missing_alt: item.missing_alt(),
            renditions,
            id: item.media.id.0,
            kind: item.media.kind,
            original_name: item.media.original_name,
            mime: item.media.mime,
            size: item.media.size,
            width: item.media.width,
            height: item.media.height,
            duration_ms: item.media.duration_ms,
            alt_text: item.media.alt_text,
            sha256: item.media.hash,
            created_at: item.media.created_at,
        }
    }
}

/// A page of the library.
#[derive(Serialize, ToSchema)]
pub struct MediaListView {
    pub items: Vec<MediaView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl From<MediaPage> for MediaListView {
    fn from(page: MediaPage) -> Self {
        MediaListView {
            total: page.total,
            page: page.page,
            per_page: page.per_page,
            items: page.items.into_iter().map(MediaView::from).collect(),
        }
    }
}

#[derive(Deserialize, IntoParams)]
pub struct MediaQuery {
    /// `image`, `attachment` or `video`; all when absent.
    pub kind: Option<String>,
    /// 1-based page of 24.
    pub page: Option<i64>,
}

/// The file to upload.
#[derive(ToSchema)]
#[allow(dead_code, reason = "documents the multipart body")]
pub struct UploadForm {
    /// The file; its type is decided from its bytes, not its name.
    #[schema(format = Binary, value_type = String)]
    pub file: Vec<u8>,
}

/// Alt text of an image.
#[derive(Deserialize, ToSchema)]
pub struct AltInput {
    pub alt_text: String,
}

/// Uploads a file (editors and information officers). The body is
/// `multipart/form-data` with field `file`; the CSRF token goes in header
/// `X-CSRF-Token` (or query `_csrf`).
#[utoipa::path(post, path = "/api/v1/media", tag = "media", security(("session" = [], "csrf" = [])),
    request_body(content = UploadForm, content_type = "multipart/form-data"),
    responses((status = 201, description = "Stored", body = MediaView),
        (status = 413, description = "Larger than the largest upload limit"), Problems))]
pub async fn upload_media(
    State(state): State<AppState>,
    Office(session): Office,
    request: Request,
) -> WebResult<(StatusCode, Json<MediaView>)> {
    let limit = state.app.media_policy().await?.largest_bytes();
    let upload = read_upload(request, limit).await?;
    let item = state
        .app
        .upload_media(&session.actor, &upload.name, upload.bytes)
        .await?;
    Ok((StatusCode::CREATED, Json(item.into())))
}

/// The library, newest first.
#[utoipa::path(get, path = "/api/v1/media", tag = "media", security(("session" = [])),
    params(MediaQuery),
    responses((status = 200, description = "A page of media", body = MediaListView), Problems))]
pub async fn list_media(
    State(state): State<AppState>,
    Office(session): Office,
    Query(query): Query<MediaQuery>,
) -> WebResult<Json<MediaListView>> {
    let kind = query.kind.as_deref().and_then(MediaKind::from_code);
    let page = state
        .app
        .media_list(&session.actor, kind, query.page.unwrap_or(1))
        .await?;
    Ok(Json(page.into()))
}

/// One upload.
#[utoipa::path(get, path = "/api/v1/media/{id}", tag = "media", security(("session" = [])),
    params(("id" = i64, Path, description = "Media id")),
    responses((status = 200, description = "The upload", body = MediaView), Problems))]
pub async fn get_media(
    State(state): State<AppState>,
    Office(session): Office,
    Path(id): Path<i64>,
) -> WebResult<Json<MediaView>> {
    let item = state.app.media_item(&session.actor, MediaId(id)).await?;
    Ok(Json(item.into()))
}

/// Changes the alt text.
#[utoipa::path(put, path = "/api/v1/media/{id}", tag = "media", security(("session" = [], "csrf" = [])),
    params(("id" = i64, Path, description = "Media id")),
    request_body = AltInput,
    responses((status = 200, description = "The upload as changed", body = MediaView), Problems))]
pub async fn update_media(
    State(state): State<AppState>,
    Office(session): Office,
    Path(id): Path<i64>,
    JsonBody(input): JsonBody<AltInput>,
) -> WebResult<Json<MediaView>> {
    let item = state
        .app
        .update_media_alt(&session.actor, MediaId(id), &input.alt_text)
        .await?;
    Ok(Json(item.into()))
}
