//! The article page: write a new one, edit, publish, withdraw. A refused
//! save shows the form again with everything typed (the body too) and the
//! messages beside the fields.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_app::AppError;
use dangjian_app::articles::edit::{ArticleDraft, ArticleForm};
use dangjian_app::auth::SessionInfo;
use dangjian_app::domain::article::{ArticleId, ArticleInput, ArticleStatus};
use dangjian_app::domain::clock::{format_local, format_local_date, format_local_input};
use dangjian_app::domain::column::ColumnKind;
use dangjian_app::domain::media::MediaKind;
use dangjian_app::domain::role::Permission;
use serde::Deserialize;

use super::review::{ReviewPanel, panel, recognition_views};
use super::{ColumnChoice, column_choices, may_publish, notice};
use crate::assets;
use crate::error::WebResult;
use crate::i18n::Locale;
use crate::page::{FormErrors, Page};
use crate::pages::media_choice::{MediaChoice, media_choices};
use crate::pages::render;
use crate::session::Office;
use crate::state::AppState;

/// A checkbox of the further columns (一稿多发).
struct ColumnBox {
    choice: ColumnChoice,
    checked: bool,
}

/// What the page says about a stored article.
struct Stored {
    id: i64,
    status: &'static str,
    status_label: String,
    changed_by: String,
    changed_at: String,
    created_at: String,
    withdrawn_reason: String,
    public_path: String,
    /// The full public address, when the site's address is set.
    public_url: Option<String>,
    /// The published article this draft edits, and the edit of this one.
    revises: Option<i64>,
    pending_edit: Option<i64>,
}

#[derive(Template)]
#[template(path = "articles/edit.html")]
struct EditPage {
    page: Page,
    stored: Option<Stored>,
    action: String,
    form: ArticleForm,
    errors: FormErrors,
    /// A refusal for the whole page (publishing, withdrawing).
    alert: FormErrors,
    columns: Vec<ColumnChoice>,
    extra_columns: Vec<ColumnBox>,
    /// Further columns are chosen or refused: show them open.
    extra_open: bool,
    images: Vec<MediaChoice>,
    videos: Vec<MediaChoice>,
    files: Vec<MediaChoice>,
    may_publish: bool,
    may_save: bool,
    /// Where a stored article stands in its review.
    review: Option<ReviewPanel>,
    reason: String,
    reason_errors: FormErrors,
    editor_css: &'static str,
    editor_js: &'static str,
    editor_init: &'static str,
    /// The article is filed in a 公告公示 column: link its notice period.
    notice_column: bool,
}

fn ids(list: &str) -> Vec<String> {
    list.split([',', ' ', '，'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

async fn edit_page(
    state: &AppState,
    locale: Locale,
    session: &SessionInfo,
    draft: Option<&ArticleDraft>,
    form: ArticleForm,
) -> WebResult<EditPage> {
    let site = state.app.default_site().await?;
    let tree = state.app.article_columns(&session.actor, site).await?;
    let chosen = ids(&form.fields.extra_columns);
    let notice_column = draft.is_some_and(|d| {
        tree.iter().any(|c| {
            c.column.id == d.article.primary_column_id
                && c.column.kind == ColumnKind::NoticeBoard.code()
        })
    });
    let extra_columns = column_choices(&tree)
        .into_iter()
        .map(|choice| ColumnBox {
            checked: chosen.contains(&choice.value),
            choice,
        })
        .collect();
    let one = |text: &str| ids(text).into_iter().take(1).collect::<Vec<_>>();
    // A reviewer who does not write reads the page without the media
    // library (it is for writers).
    let writer = session.actor.can(Permission::WriteArticles) || may_publish(session);
    let (images, videos, files) = if writer {
        let images = media_choices(
            state,
            locale,
            session,
            MediaKind::Image,
            &one(&form.fields.cover),
        )
        .await?;
        let videos = media_choices(
            state,
            locale,
            session,
            MediaKind::Video,
            &one(&form.fields.video),
        )
        .await?;
        let attached = ids(&form.fields.attachments);
        let files = media_choices(state, locale, session, MediaKind::Attachment, &attached).await?;
        (images, videos, files)
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    let publisher = may_publish(session);
    let (title_key, stored) = match draft {
        None => ("article.new.title", None),
        Some(draft) => {
            let a = &draft.article;
            let changed_by = match a.updated_by {
                Some(id) => state.app.person_name(id).await?.unwrap_or_default(),
                None => String::new(),
            };
            let stored = Stored {
                id: a.id.0,
                status: a.status.code(),
                status_label: locale.t(&a.status.label_key()),
                changed_by,
                changed_at: format_local(a.updated_at),
                created_at: format_local(a.created_at),
                withdrawn_reason: a.withdrawn_reason.clone(),
                public_path: format!("/article/{}", a.id),
                revises: draft.revises.map(|r| r.0),
                pending_edit: draft.pending_edit.map(|p| p.0),
                public_url: state
                    .app
                    .site_profile(site)
                    .await?
                    .public_url(&format!("/article/{}", a.id)),
            };
            ("article.edit.title", Some(stored))
        }
    };
    let may_save = publisher
        || stored.as_ref().is_none_or(|s| {
            ArticleStatus::from_code(s.status).is_some_and(ArticleStatus::editable_by_author)
        });
    let review = match draft {
        Some(draft) => {
            let timeline = state
                .app
                .article_timeline(&session.actor, draft.article.id)
                .await?;
            let reviewer = match timeline.state.reviewing_by {
                Some(id) => state.app.person_name(id).await?,
                None => None,
            };
            let mut panel = panel(locale, &timeline, state.app.now_ms(), reviewer);
            panel.may_record = publisher && draft.article.status == ArticleStatus::Published;
            let recognitions = state.app.recognitions(draft.article.id).await?;
            panel.recognitions = recognition_views(locale, &recognitions);
            Some(panel)
        }
        None => None,
    };
    let mut page = Page::for_session(locale, title_key, session);
    if let Some(draft) = draft {
        page.title = format!("{} · {}", page.title, draft.article.title);
    }
    Ok(EditPage {
        page,
        action: stored
            .as_ref()
            .map_or_else(|| "/articles".to_owned(), |s| format!("/articles/{}", s.id)),
        stored,
        form,
        errors: FormErrors::default(),
        alert: FormErrors::default(),
        columns: column_choices(&tree),
        extra_open: !chosen.is_empty(),
        extra_columns,
        images,
        videos,
        files,
        may_publish: publisher,
        may_save,
        review,
        reason: String::new(),
        reason_errors: FormErrors::default(),
        editor_css: assets::vendor_path("editor.css"),
        editor_js: assets::vendor_path("editor.js"),
        editor_init: assets::editor_init_path(),
        notice_column,
    })
}

/// The form of a stored article, as the page shows it.
fn form_of(draft: &ArticleDraft) -> ArticleForm {
    let a = &draft.article;
    let join = |list: Vec<String>| list.join(",");
    let flag = |on: bool| if on { "1" } else { "" }.to_owned();
    ArticleForm {
        fields: ArticleInput {
            title: a.title.clone(),
            subtitle: a.subtitle.clone(),
            author: a.author.clone(),
            source: a.source.clone(),
            summary: a.summary.clone(),
            keywords: a.keywords.clone(),
            external_url: a.external_url.clone().unwrap_or_default(),
            primary_column: a.primary_column_id.to_string(),
            extra_columns: join(
                draft
                    .extra_columns
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            ),
            cover: a.cover_media_id.map(|m| m.to_string()).unwrap_or_default(),
            video: a.video_media_id.map(|m| m.to_string()).unwrap_or_default(),
            attachments: join(draft.attachments.iter().map(ToString::to_string).collect()),
            publish_at: format_local_input(a.publish_at),
            pinned_until: a.pinned_until.map(format_local_date).unwrap_or_default(),
            unpublish_at: draft
                .unpublish_at
                .map(format_local_input)
                .unwrap_or_default(),
            headline: flag(a.headline),
            carousel: flag(a.carousel),
        },
        body: a.body_html.clone(),
        version: draft.version.to_string(),
    }
}

/// The submitted form: checkboxes and the extra ids field repeat their
/// names, so the pairs are gathered by hand.
fn form_from(pairs: Vec<(String, String)>) -> ArticleForm {
    let mut form = ArticleForm::default();
    let mut extra = Vec::new();
    let mut attachments = Vec::new();
    for (name, value) in pairs {
        let f = &mut form.fields;
        match name.as_str() {
            "title" => f.title = value,
            "subtitle" => f.subtitle = value,
            "author" => f.author = value,
            "source" => f.source = value,
            "summary" => f.summary = value,
            "keywords" => f.keywords = value,
            "external_url" => f.external_url = value,
            "primary_column" => f.primary_column = value,
            "extra_columns" => extra.push(value),
            "cover" => f.cover = value,
            "video" => f.video = value,
            "attachments" => attachments.push(value),
            "publish_at" => f.publish_at = value,
            "unpublish_at" => f.unpublish_at = value,
            "pinned_until" => f.pinned_until = value,
            "headline" => f.headline = value,
            "carousel" => f.carousel = value,
            "body" => form.body = value,
            "version" => form.version = value,
            _ => {}
        }
    }
    form.fields.extra_columns = extra.join(",");
    form.fields.attachments = attachments.join(",");
    form
}

fn respond(status: StatusCode, view: &EditPage) -> WebResult<Response> {
    Ok((status, render(view)?).into_response())
}

pub async fn new_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let view = edit_page(&state, locale, &session, None, ArticleForm::default()).await?;
    respond(StatusCode::OK, &view)
}

pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let form = form_from(pairs);
    let site = state.app.default_site().await?;
    match state.app.create_article(&session.actor, site, &form).await {
        Ok(id) => Ok(Redirect::to(&format!("/articles/{id}?ok=created")).into_response()),
        Err(AppError::Invalid(invalid)) => {
            let locale = Locale::from_headers(&headers);
            let mut view = edit_page(&state, locale, &session, None, form).await?;
            view.errors = FormErrors::new(locale, invalid.errors);
            respond(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct EditQuery {
    ok: Option<String>,
}

pub async fn edit_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Query(query): Query<EditQuery>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let draft = state
        .app
        .article_draft(&session.actor, ArticleId(id))
        .await?;
    // A reviewer opening it marks it "being reviewed by" them.
    state
        .app
        .open_for_review(&session.actor, ArticleId(id))
        .await?;
    let mut view = edit_page(&state, locale, &session, Some(&draft), form_of(&draft)).await?;
    view.page.notice = notice(locale, query.ok.as_deref());
    respond(StatusCode::OK, &view)
}

pub async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let form = form_from(pairs);
    let id = ArticleId(id);
    match state.app.update_article(&session.actor, id, &form).await {
        Ok(saved) if saved == id => {
            Ok(Redirect::to(&format!("/articles/{id}?ok=saved")).into_response())
        }
        Ok(draft) => Ok(Redirect::to(&format!("/articles/{draft}?ok=edit_draft")).into_response()),
        Err(AppError::Invalid(invalid)) => {
            let locale = Locale::from_headers(&headers);
            let draft = state.app.article_draft(&session.actor, id).await?;
            let mut view = edit_page(&state, locale, &session, Some(&draft), form).await?;
            view.errors = FormErrors::new(locale, invalid.errors);
            respond(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        Err(AppError::Conflict(code)) => {
            // Someone saved meanwhile: keep everything typed, say who and
            // when, and let the next save go over their version knowingly.
            let locale = Locale::from_headers(&headers);
            let draft = state.app.article_draft(&session.actor, id).await?;
            let mut form = form;
            form.version = draft.version.to_string();
            let mut view = edit_page(&state, locale, &session, Some(&draft), form).await?;
            let who = view
                .stored
                .as_ref()
                .map(|s| s.changed_by.clone())
                .unwrap_or_default();
            let when = format_local(draft.article.updated_at);
            view.alert = FormErrors::general(locale, code);
            if let Some(message) = view.alert.general.as_mut() {
                *message = message.replace("{who}", &who).replace("{when}", &when);
            }
            respond(StatusCode::CONFLICT, &view)
        }
        Err(other) => Err(other.into()),
    }
}

/// The stored article's page with a refusal on top (and beside the body
/// for a publish refused over images without alt text).
pub(super) async fn refused(
    state: &AppState,
    locale: Locale,
    session: &SessionInfo,
    id: ArticleId,
    error: AppError,
    reason: &str,
) -> WebResult<Response> {
    let draft = state.app.article_draft(&session.actor, id).await?;
    let mut view = edit_page(state, locale, session, Some(&draft), form_of(&draft)).await?;
    reason.clone_into(&mut view.reason);
    match error {
        AppError::Invalid(invalid) if invalid.errors.iter().any(|e| e.field == "reason") => {
            view.reason_errors = FormErrors::new(locale, invalid.errors);
            respond(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        AppError::Invalid(invalid) => {
            let first = invalid.errors.first().map(|e| e.code.clone());
            view.alert = FormErrors::general(locale, first.as_deref().unwrap_or("error.invalid"));
            view.errors = FormErrors::new(locale, invalid.errors);
            respond(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        AppError::Conflict(code) => {
            view.alert = FormErrors::general(locale, code);
            respond(StatusCode::CONFLICT, &view)
        }
        other => Err(other.into()),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct WithdrawForm {
    reason: String,
}

pub async fn withdraw(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Form(form): Form<WithdrawForm>,
) -> WebResult<Response> {
    let id = ArticleId(id);
    match state
        .app
        .withdraw_article(&session.actor, id, &form.reason)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/articles/{id}?ok=withdrawn")).into_response()),
        Err(error) => {
            let locale = Locale::from_headers(&headers);
            refused(&state, locale, &session, id, error, &form.reason).await
        }
    }
}
