//! 修订记录: an article's revisions (pick two to compare, bring one back)
//! and the side-by-side comparison of two of them.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_app::AppError;
use dangjian_app::articles::revisions::{
    Comparison, NOTE_CREATED, RevisionList, RevisionSummary, restored_from,
};
use dangjian_app::auth::SessionInfo;
use dangjian_app::domain::article::ArticleId;
use dangjian_app::domain::clock::format_local;
use dangjian_app::domain::diff::{self, Cell, Row};
use serde::Deserialize;

use crate::error::{WebError, WebResult};
use crate::i18n::Locale;
use crate::page::{FormErrors, Page};
use crate::pages::{Notice, render};
use crate::session::Office;
use crate::state::AppState;

/// One revision of the list, ready to show.
struct Item {
    number: i64,
    time: String,
    author: String,
    title: String,
    note: String,
    /// Preselected for the comparison: the two newest.
    older: bool,
    newer: bool,
    older_label: String,
    newer_label: String,
    restore_label: String,
}

#[derive(Template)]
#[template(path = "articles/revisions.html")]
struct ListPage {
    page: Page,
    id: i64,
    items: Vec<Item>,
    restorable: bool,
    alert: FormErrors,
}

/// A message with `{n}` (a revision number) filled in.
fn numbered(locale: Locale, key: &str, number: i64) -> String {
    locale.t(key).replace("{n}", &number.to_string())
}

/// The note as the reader's language says it; notes the program does not
/// write itself are shown as typed.
fn note_text(locale: Locale, note: &str) -> String {
    if let Some(number) = restored_from(note) {
        return numbered(locale, "revision.note.restored", number);
    }
    match note {
        NOTE_CREATED => locale.t("revision.note.created"),
        "" => locale.t("revision.note.saved"),
        other => other.to_owned(),
    }
}

fn items(locale: Locale, revisions: &[RevisionSummary]) -> Vec<Item> {
    let newest = revisions.first().map(|r| r.number);
    let second = revisions.get(1).map_or(newest, |r| Some(r.number));
    revisions
        .iter()
        .map(|r| Item {
            number: r.number,
            time: format_local(r.created_at),
            author: r.created_by_name.clone(),
            title: r.title.clone(),
            note: note_text(locale, &r.note),
            older: Some(r.number) == second,
            newer: Some(r.number) == newest,
            older_label: numbered(locale, "revision.compare.older_label", r.number),
            newer_label: numbered(locale, "revision.compare.newer_label", r.number),
            restore_label: numbered(locale, "revision.action.restore_label", r.number),
        })
        .collect()
}

fn list_page(locale: Locale, session: &SessionInfo, list: &RevisionList) -> ListPage {
    let mut page = Page::for_session(locale, "revision.list.title", session);
    page.title = format!("{} · {}", page.title, list.article.title);
    ListPage {
        page,
        id: list.article.id.0,
        items: items(locale, &list.revisions),
        restorable: list.restorable,
        alert: FormErrors::default(),
    }
}

/// GET /articles/{id}/revisions
pub async fn revision_list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Query(query): Query<Notice>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let list = state
        .app
        .article_revisions(&session.actor, ArticleId(id))
        .await?;
    let mut view = list_page(locale, &session, &list);
    if query.ok.as_deref() == Some("restored") {
        view.page.notice = Some(locale.t("revision.notice.restored"));
    }
    Ok(render(&view)?.into_response())
}

/// POST /articles/{id}/revisions/{number}/restore
pub async fn revision_restore(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path((id, number)): Path<(i64, i64)>,
) -> WebResult<Response> {
    let id = ArticleId(id);
    match state.app.restore_revision(&session.actor, id, number).await {
        Ok(_) => Ok(Redirect::to(&format!("/articles/{id}/revisions?ok=restored")).into_response()),
        // The list again, with the reason on top.
        Err(AppError::Conflict(code)) => {
            let locale = Locale::from_headers(&headers);
            let list = state.app.article_revisions(&session.actor, id).await?;
            let mut view = list_page(locale, &session, &list);
            view.alert = FormErrors::general(locale, code);
            Ok((StatusCode::CONFLICT, render(&view)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// One side of a compared paragraph; `number` is 0 where there is none.
struct Side {
    number: usize,
    pieces: Vec<Piece>,
}

/// A run of text: `kind` is `equal`, `insert` or `delete`.
struct Piece {
    kind: &'static str,
    text: String,
}

struct DiffRow {
    kind: &'static str,
    sides: [Side; 2],
}

/// A compared field (title, body) as a table.
struct Section {
    caption: String,
    rows: Vec<DiffRow>,
}

#[derive(Template)]
#[template(path = "articles/revisions_compare.html")]
struct ComparePage {
    page: Page,
    id: i64,
    older: String,
    newer: String,
    changed: bool,
    sections: Vec<Section>,
}

fn side(cell: Option<&Cell>) -> Side {
    Side {
        number: cell.map_or(0, |c| c.number),
        pieces: cell
            .map(|c| {
                c.segments
                    .iter()
                    .map(|s| Piece {
                        kind: s.tag.code(),
                        text: s.text.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn section(caption: String, rows: &[Row]) -> Section {
    Section {
        caption,
        rows: rows
            .iter()
            .map(|r| DiffRow {
                kind: r.kind.code(),
                sides: [side(r.left.as_ref()), side(r.right.as_ref())],
            })
            .collect(),
    }
}

/// `修订 #3（2026-11-27 10:00:00，张三）`.
fn heading(locale: Locale, revision: &RevisionSummary) -> String {
    numbered(locale, "revision.compare.heading", revision.number)
        .replace("{time}", &format_local(revision.created_at))
        .replace("{author}", &revision.created_by_name)
}

fn compare_page(locale: Locale, session: &SessionInfo, comparison: &Comparison) -> ComparePage {
    let mut page = Page::for_session(locale, "revision.compare.title", session);
    page.title = format!("{} · {}", page.title, comparison.article.title);
    ComparePage {
        page,
        id: comparison.article.id.0,
        older: heading(locale, &comparison.older),
        newer: heading(locale, &comparison.newer),
        changed: diff::has_changes(&comparison.title) || diff::has_changes(&comparison.body),
        sections: vec![
            section(
                locale.t("revision.compare.title_caption"),
                &comparison.title,
            ),
            section(locale.t("revision.compare.body_caption"), &comparison.body),
        ],
    }
}

/// `?a=…&b=…`: the two revision numbers, in either order.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct CompareQuery {
    a: String,
    b: String,
}

/// GET /articles/{id}/revisions/compare?a=N&b=M
pub async fn revision_compare(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Query(query): Query<CompareQuery>,
) -> WebResult<Response> {
    let number = |text: &str| text.trim().parse::<i64>().map_err(|_| WebError::BadRequest);
    let (a, b) = (number(&query.a)?, number(&query.b)?);
    let locale = Locale::from_headers(&headers);
    let comparison = state
        .app
        .compare_revisions(&session.actor, ArticleId(id), a, b)
        .await?;
    Ok(render(&compare_page(locale, &session, &comparison))?.into_response())
}
