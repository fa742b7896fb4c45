//! The column tree (栏目) for the site editor: the tree with a form for a
//! new column, and each column's page (edit, move, hide/show, delete).

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_app::AppError;
use dangjian_app::auth::SessionInfo;
use dangjian_app::columns::{ColumnEntry, ColumnForm, MoveForm};
use dangjian_app::domain::column::{self as rules, ColumnId, ColumnKind, Direction, Node};
use dangjian_app::domain::media::MediaKind;
use dangjian_app::records::Column;

use super::org::Choice;
use super::{Notice, render};
use crate::error::{WebError, WebResult};
use crate::i18n::Locale;
use crate::page::{FormErrors, Page};
use crate::pages::media_choice::{MediaChoice, media_choices};
use crate::session::Office;
use crate::state::AppState;

/// A column in the tree list, with how the nested lists open and close
/// around it (the template draws nested `<ul>` from the flat display order).
struct TreeRow {
    entry: ColumnEntry,
    kind_label: String,
    period: String,
    /// The next row is its first sub-column: open a list inside this item.
    opens: bool,
    /// How many enclosing lists end after this item.
    closes: usize,
}

/// An option of the parent select; disabled where the column cannot go.
struct ParentChoice {
    value: String,
    label: String,
    disabled: bool,
}

#[derive(Template)]
#[template(path = "columns/tree.html")]
struct TreePage {
    page: Page,
    rows: Vec<TreeRow>,
    kinds: Vec<Choice>,
    parents: Vec<ParentChoice>,
    sections: Vec<Choice>,
    banners: Vec<MediaChoice>,
    workflows: Vec<Choice>,
    form: ColumnForm,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "columns/column.html")]
struct ColumnPage {
    page: Page,
    column: Column,
    kind_label: String,
    kinds: Vec<Choice>,
    parents: Vec<ParentChoice>,
    sections: Vec<Choice>,
    banners: Vec<MediaChoice>,
    workflows: Vec<Choice>,
    form: ColumnForm,
    errors: FormErrors,
    moving: MoveForm,
    move_errors: FormErrors,
    /// A refusal for the whole page (a delete that is not allowed).
    alert: FormErrors,
}

fn kinds(locale: Locale) -> Vec<Choice> {
    ColumnKind::ALL
        .into_iter()
        .map(|k| Choice {
            value: k.code().to_owned(),
            label: locale.t(&k.label_key()),
        })
        .collect()
}

fn kind_label(locale: Locale, code: &str) -> String {
    ColumnKind::from_code(code)
        .map(|k| locale.t(&k.label_key()))
        .unwrap_or_else(|| code.to_owned())
}

fn period_text(locale: Locale, days: i64) -> String {
    if days == 0 {
        locale.t("column.period.none")
    } else {
        locale
            .t("column.period.days")
            .replace("{days}", &days.to_string())
    }
}

/// Ideographic spaces indent a column's name by its depth in selects.
fn indented(entry: &ColumnEntry) -> String {
    format!("{}{}", "　".repeat(entry.depth - 1), entry.column.name)
}

fn tree_rows(locale: Locale, entries: Vec<ColumnEntry>) -> Vec<TreeRow> {
    let depths: Vec<usize> = entries.iter().map(|e| e.depth).collect();
    entries
        .into_iter()
        .enumerate()
        .map(|(i, entry)| {
            let next = depths.get(i + 1).copied().unwrap_or(1);
            TreeRow {
                kind_label: kind_label(locale, &entry.column.kind),
                period: period_text(locale, entry.column.update_period_days),
                opens: next > entry.depth,
                closes: entry.depth.saturating_sub(next),
                entry,
            }
        })
        .collect()
}

fn nodes(entries: &[ColumnEntry]) -> Vec<Node> {
    entries
        .iter()
        .map(|e| Node {
            id: e.column.id,
            parent: e.column.parent_id,
            sort_order: e.column.sort_order,
        })
        .collect()
}

/// Parents for a new column (`moving: None`) or for moving a column; the
/// places the tree rules refuse are shown but disabled.
fn parent_choices(
    locale: Locale,
    entries: &[ColumnEntry],
    moving: Option<ColumnId>,
) -> Vec<ParentChoice> {
    let tree = nodes(entries);
    let top = ParentChoice {
        value: String::new(),
        label: locale.t("column.top_level"),
        disabled: false,
    };
    let under = entries.iter().map(|e| {
        let parent = Some(e.column.id);
        let allowed = match moving {
            Some(id) => rules::check_move(&tree, id, parent).is_ok(),
            None => rules::check_create(&tree, parent).is_ok(),
        };
        ParentChoice {
            value: e.column.id.to_string(),
            label: indented(e),
            disabled: !allowed,
        }
    });
    std::iter::once(top).chain(under).collect()
}

async fn section_choices(state: &AppState, locale: Locale) -> WebResult<Vec<Choice>> {
    let site = state.app.default_site().await?;
    let none = Choice {
        value: String::new(),
        label: locale.t("column.owner.none"),
    };
    let sections = state.app.sections(site).await?.into_iter().map(|s| Choice {
        value: s.id.to_string(),
        label: format!("{} · {}", s.unit_name, s.name),
    });
    Ok(std::iter::once(none).chain(sections).collect())
}

/// The notice after a redirect: this area's own, or a common one.
fn with_notice(page: Page, ok: Option<&str>) -> Page {
    match ok {
        Some(key @ ("moved" | "reordered" | "hidden" | "shown")) => Page {
            notice: Some(page.t(&format!("column.notice.{key}"))),
            ..page
        },
        other => page.with_notice(other),
    }
}

async fn tree_page(state: &AppState, locale: Locale, session: &SessionInfo) -> WebResult<TreePage> {
    let site = state.app.default_site().await?;
    let entries = state.app.column_tree(&session.actor, site).await?;
    Ok(TreePage {
        page: Page::for_session(locale, "column.title", session),
        parents: parent_choices(locale, &entries, None),
        rows: tree_rows(locale, entries),
        kinds: kinds(locale),
        sections: section_choices(state, locale).await?,
        banners: banner_choices(state, locale, session, "").await?,
        workflows: workflow_choices(state, locale, session).await?,
        form: ColumnForm {
            kind: ColumnKind::ArticleList.code().to_owned(),
            update_period_days: "0".into(),
            ..ColumnForm::default()
        },
        errors: FormErrors::default(),
    })
}

pub async fn tree(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(notice): Query<Notice>,
) -> WebResult<Response> {
    let mut view = tree_page(&state, Locale::from_headers(&headers), &session).await?;
    view.page = with_notice(view.page, notice.ok.as_deref());
    Ok(render(&view)?.into_response())
}

pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Form(form): Form<ColumnForm>,
) -> WebResult<Response> {
    let site = state.app.default_site().await?;
    match state.app.create_column(&session.actor, site, &form).await {
        Ok(id) => Ok(Redirect::to(&format!("/columns?ok=created#column-{id}")).into_response()),
        Err(AppError::Invalid(invalid)) => {
            let locale = Locale::from_headers(&headers);
            let mut view = tree_page(&state, locale, &session).await?;
            view.form = form;
            view.errors = FormErrors::new(locale, invalid.errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

async fn column_page(
    state: &AppState,
    locale: Locale,
    session: &SessionInfo,
    id: ColumnId,
) -> WebResult<ColumnPage> {
    let column = state.app.column(&session.actor, id).await?;
    let entries = state
        .app
        .column_tree(&session.actor, column.site_id)
        .await?;
    let banner = column
        .banner_media_id
        .map(|m| m.to_string())
        .unwrap_or_default();
    let mut page = Page::for_session(locale, "column.edit.title", session);
    page.title = format!("{} · {}", page.title, column.name);
    Ok(ColumnPage {
        page,
        kind_label: kind_label(locale, &column.kind),
        kinds: kinds(locale),
        parents: parent_choices(locale, &entries, Some(id)),
        sections: section_choices(state, locale).await?,
        banners: banner_choices(state, locale, session, &banner).await?,
        workflows: workflow_choices(state, locale, session).await?,
        form: form_of(&column),
        errors: FormErrors::default(),
        moving: MoveForm {
            parent_id: column.parent_id.map(|p| p.to_string()).unwrap_or_default(),
            sort_order: column.sort_order.to_string(),
        },
        move_errors: FormErrors::default(),
        alert: FormErrors::default(),
        column,
    })
}

/// The edit form filled with what is stored.
fn form_of(column: &Column) -> ColumnForm {
    ColumnForm {
        name: column.name.clone(),
        slug: column.slug.clone(),
        kind: column.kind.clone(),
        parent_id: String::new(),
        owner_section_id: column
            .owner_section_id
            .map(|s| s.to_string())
            .unwrap_or_default(),
        update_period_days: column.update_period_days.to_string(),
        external_url: column.external_url.clone().unwrap_or_default(),
        description: column.description.clone(),
        home_order: column.home_order.to_string(),
        workflow_id: column
            .workflow_id
            .map(|w| w.to_string())
            .unwrap_or_default(),
        banner_media_id: column
            .banner_media_id
            .map(|m| m.to_string())
            .unwrap_or_default(),
    }
}

/// The workflows a column may choose; the first choice inherits.
async fn workflow_choices(
    state: &AppState,
    locale: Locale,
    session: &SessionInfo,
) -> WebResult<Vec<Choice>> {
    let site = state.app.default_site().await?;
    let inherit = Choice {
        value: String::new(),
        label: locale.t("column.workflow.inherit"),
    };
    let list = state.app.workflows(&session.actor, site).await?;
    Ok(std::iter::once(inherit)
        .chain(list.into_iter().map(|w| Choice {
            value: w.id.to_string(),
            label: w.name,
        }))
        .collect())
}

/// Images that may be a column's banner; `chosen` is the form's value.
async fn banner_choices(
    state: &AppState,
    locale: Locale,
    session: &SessionInfo,
    chosen: &str,
) -> WebResult<Vec<MediaChoice>> {
    let chosen: Vec<String> = Some(chosen.trim())
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .into_iter()
        .collect();
    media_choices(state, locale, session, MediaKind::Image, &chosen).await
}

fn respond(status: StatusCode, view: &ColumnPage) -> WebResult<Response> {
    Ok((status, render(view)?).into_response())
}

pub async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Query(notice): Query<Notice>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let mut view = column_page(&state, locale, &session, ColumnId(id)).await?;
    view.page = with_notice(view.page, notice.ok.as_deref());
    respond(StatusCode::OK, &view)
}

pub async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Form(form): Form<ColumnForm>,
) -> WebResult<Response> {
    let id = ColumnId(id);
    match state.app.update_column(&session.actor, id, &form).await {
        Ok(()) => Ok(Redirect::to(&format!("/columns/{id}?ok=saved")).into_response()),
        Err(AppError::Invalid(invalid)) => {
            let locale = Locale::from_headers(&headers);
            let mut view = column_page(&state, locale, &session, id).await?;
            view.form = form;
            view.errors = FormErrors::new(locale, invalid.errors);
            respond(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn move_to(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Form(form): Form<MoveForm>,
) -> WebResult<Response> {
    let id = ColumnId(id);
    match state.app.move_column(&session.actor, id, &form).await {
        Ok(()) => Ok(Redirect::to(&format!("/columns/{id}?ok=moved")).into_response()),
        Err(AppError::Invalid(invalid)) => {
            let locale = Locale::from_headers(&headers);
            let mut view = column_page(&state, locale, &session, id).await?;
            view.moving = form;
            view.move_errors = FormErrors::new(locale, invalid.errors);
            respond(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        Err(other) => Err(other.into()),
    }
}

/// The one-button actions: `up`, `down`, `hide`, `show`, `delete`.
pub async fn act(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path((id, action)): Path<(i64, String)>,
) -> WebResult<Response> {
    let id = ColumnId(id);
    let actor = &session.actor;
    let app = &state.app;
    let done = match action.as_str() {
        "up" | "down" => {
            let direction = if action == "up" {
                Direction::Up
            } else {
                Direction::Down
            };
            app.reorder_column(actor, id, direction)
                .await
                .map(|()| format!("/columns?ok=reordered#column-{id}"))
        }
        "hide" | "show" => app
            .set_column_hidden(actor, id, action == "hide")
            .await
            .map(|()| {
                format!(
                    "/columns/{id}?ok={}",
                    if action == "hide" { "hidden" } else { "shown" }
                )
            }),
        "delete" => app
            .delete_column(actor, id)
            .await
            .map(|()| "/columns?ok=deleted".to_owned()),
        _ => return Err(WebError::NotFound),
    };
    match done {
        Ok(to) => Ok(Redirect::to(&to).into_response()),
        Err(AppError::Conflict(code)) => {
            let locale = Locale::from_headers(&headers);
            let mut view = column_page(&state, locale, &session, id).await?;
            view.alert = FormErrors::general(locale, code);
            respond(StatusCode::CONFLICT, &view)
        }
        Err(other) => Err(other.into()),
    }
}
