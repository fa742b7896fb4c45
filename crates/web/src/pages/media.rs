//! The media library: list with thumbnails and a kind filter, upload
//! (multipart; the anti-forgery token rides in the form's action URL), and
//! one item's page to edit its alt text and see its renditions.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_app::AppError;
use dangjian_app::auth::SessionInfo;
use dangjian_app::domain::media::{MediaId, MediaKind};
use dangjian_app::media::{MediaItem, MediaPage};

use super::org::Choice;
use super::render;
use crate::error::WebResult;
use crate::i18n::Locale;
use crate::media::read_upload;
use crate::page::{FormErrors, Page};
use crate::session::Office;
use crate::state::AppState;

/// What the file input offers (the server decides from the bytes anyway).
const ACCEPT: &str = "image/jpeg,image/png,image/webp,image/gif,video/mp4,video/webm,.pdf,.doc,\
    .docx,.xls,.xlsx,.ppt,.pptx,.wps,.ofd,.zip,.txt";

#[derive(Debug, Default, serde::Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub kind: String,
    pub page: Option<i64>,
    pub ok: Option<String>,
}

/// One item of the list, ready to show.
pub struct Row {
    pub item: MediaItem,
    pub kind_label: String,
    pub thumb: Option<String>,
    pub url: String,
    pub size: String,
}

#[derive(Template)]
#[template(path = "media/list.html")]
struct ListPage {
    page: Page,
    rows: Vec<Row>,
    kinds: Vec<Choice>,
    kind: String,
    current: i64,
    pages: i64,
    total: i64,
    errors: FormErrors,
    upload_action: String,
    accept: &'static str,
    limits: String,
}

impl ListPage {
    /// The list URL for another page, keeping the filter.
    fn page_url(&self, page: &i64) -> String {
        if self.kind.is_empty() {
            format!("/media?page={page}")
        } else {
            format!("/media?kind={}&page={page}", self.kind)
        }
    }
}

/// A size for people: KB or MB.
pub fn human_size(bytes: i64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.1} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{:.1} KB", bytes as f64 / 1024.0)
    }
}

fn kind_choices(locale: Locale) -> Vec<Choice> {
    MediaKind::ALL
        .into_iter()
        .map(|k| Choice {
            value: k.code().to_owned(),
            label: locale.t(&k.label_key()),
        })
        .collect()
}

fn row(locale: Locale, item: MediaItem) -> Row {
    Row {
        kind_label: locale.t(&format!("media.kind.{}", item.media.kind)),
        thumb: item.thumb_url(),
        url: item.url(),
        size: human_size(item.media.size),
        item,
    }
}

async fn list_page(
    state: &AppState,
    locale: Locale,
    session: &SessionInfo,
    query: &ListQuery,
) -> WebResult<ListPage> {
    let kind = MediaKind::from_code(&query.kind);
    let listed: MediaPage = state
        .app
        .media_list(&session.actor, kind, query.page.unwrap_or(1))
        .await?;
    let policy = state.app.media_policy().await?;
    let limits = locale
        .t("media.upload.limits")
        .replace("{image}", &policy.max_image_mb.to_string())
        .replace("{attachment}", &policy.max_attachment_mb.to_string())
        .replace("{video}", &policy.max_video_mb.to_string());
    Ok(ListPage {
        page: Page::for_session(locale, "media.title", session),
        pages: listed.pages(),
        current: listed.page,
        total: listed.total,
        rows: listed.items.into_iter().map(|i| row(locale, i)).collect(),
        kinds: kind_choices(locale),
        kind: kind.map(|k| k.code().to_owned()).unwrap_or_default(),
        errors: FormErrors::default(),
        upload_action: format!("/media?_csrf={}", session.csrf_token),
        accept: ACCEPT,
        limits,
    })
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(query): Query<ListQuery>,
) -> WebResult<Response> {
    let mut view = list_page(&state, Locale::from_headers(&headers), &session, &query).await?;
    view.page = view.page.with_notice(query.ok.as_deref());
    Ok(render(&view)?.into_response())
}

pub async fn upload(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    request: Request,
) -> WebResult<Response> {
    let limit = state.app.media_policy().await?.largest_bytes();
    let upload = read_upload(request, limit).await?;
    let outcome = state
        .app
        .upload_media(&session.actor, &upload.name, upload.bytes)
        .await;
    match outcome {
        Ok(item) => {
            Ok(Redirect::to(&format!("/media/items/{}?ok=created", item.media.id)).into_response())
        }
        Err(AppError::Invalid(invalid)) => {
            let locale = Locale::from_headers(&headers);
            let mut view = list_page(&state, locale, &session, &ListQuery::default()).await?;
            view.errors = FormErrors::new(locale, invalid.errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Template)]
#[template(path = "media/show.html")]
struct ItemPage {
    page: Page,
    row: Row,
    alt_text: String,
    errors: FormErrors,
    renditions: Vec<RenditionRow>,
    poster: Option<String>,
}

pub struct RenditionRow {
    pub name: String,
    pub width: i64,
    pub height: i64,
    pub url: String,
}

async fn item_page(
    state: &AppState,
    locale: Locale,
    session: &SessionInfo,
    id: MediaId,
) -> WebResult<ItemPage> {
    let item = state.app.media_item(&session.actor, id).await?;
    let renditions = item
        .renditions
        .iter()
        .map(|r| RenditionRow {
            name: r.name.clone(),
            width: r.width,
            height: r.height,
            url: item.rendition_url(&r.name).unwrap_or_default(),
        })
        .collect();
    let mut page = Page::for_session(locale, "media.item.title", session);
    page.title = format!("{} · {}", page.title, item.media.original_name);
    Ok(ItemPage {
        page,
        alt_text: item.media.alt_text.clone(),
        errors: FormErrors::default(),
        renditions,
        poster: item.poster_url(),
        row: row(locale, item),
    })
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Query(query): Query<ListQuery>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let mut view = item_page(&state, locale, &session, MediaId(id)).await?;
    view.page = view.page.with_notice(query.ok.as_deref());
    Ok(render(&view)?.into_response())
}

#[derive(Debug, Default, serde::Deserialize)]
pub struct AltForm {
    #[serde(default)]
    pub alt_text: String,
}

pub async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Form(form): Form<AltForm>,
) -> WebResult<Response> {
    let outcome = state
        .app
        .update_media_alt(&session.actor, MediaId(id), &form.alt_text)
        .await;
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/media/items/{id}?ok=saved")).into_response()),
        Err(AppError::Invalid(invalid)) => {
            let locale = Locale::from_headers(&headers);
            let mut view = item_page(&state, locale, &session, MediaId(id)).await?;
            view.alt_text = form.alt_text;
            view.errors = FormErrors::new(locale, invalid.errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
