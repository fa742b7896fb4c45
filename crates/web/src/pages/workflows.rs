//! Review workflows (审核流程) for the site editor: the list, a new one, and
//! each one's stages. A column chooses its workflow on its own page;
//! sub-columns inherit it.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_app::AppError;
use dangjian_app::auth::SessionInfo;
use dangjian_app::domain::workflow::{ScopeRule, reviewing_roles};
use dangjian_app::review::{Workflow, WorkflowForm};

use super::org::Choice;
use super::{Notice, render};
use crate::error::{WebError, WebResult};
use crate::i18n::Locale;
use crate::page::{FormErrors, Page};
use crate::session::Office;
use crate::state::AppState;

/// Blank stage rows a form offers beyond the stored ones.
const SPARE_ROWS: usize = 2;

struct StageRow {
    index: usize,
    name: String,
    role: String,
    scope: String,
    deadline_days: String,
    /// Form field names: name, role, scope, deadline.
    fields: [String; 4],
}

impl StageRow {
    fn new(index: usize, name: String, role: String, scope: String, deadline_days: String) -> Self {
        let fields =
            ["name", "role", "scope", "deadline_days"].map(|f| format!("stage{index}.{f}"));
        StageRow {
            index,
            name,
            role,
            scope,
            deadline_days,
            fields,
        }
    }
}

struct WorkflowRow {
    id: i64,
    name: String,
    is_default: bool,
    stages: String,
    column_count: i64,
}

#[derive(Template)]
#[template(path = "workflows/list.html")]
struct ListPage {
    page: Page,
    workflows: Vec<WorkflowRow>,
}

#[derive(Template)]
#[template(path = "workflows/edit.html")]
struct EditPage {
    page: Page,
    action: String,
    name: String,
    rows: Vec<StageRow>,
    roles: Vec<Choice>,
    scopes: Vec<Choice>,
    errors: FormErrors,
}

fn roles(locale: Locale) -> Vec<Choice> {
    reviewing_roles()
        .map(|r| Choice {
            value: r.code().to_owned(),
            label: locale.t(&r.label_key()),
        })
        .collect()
}

fn scopes(locale: Locale) -> Vec<Choice> {
    ScopeRule::ALL
        .into_iter()
        .map(|s| Choice {
            value: s.code().to_owned(),
            label: locale.t(&s.label_key()),
        })
        .collect()
}

fn rows_of(workflow: Option<&Workflow>) -> Vec<StageRow> {
    let stored = workflow.map(|w| w.stages.as_slice()).unwrap_or_default();
    let mut rows: Vec<StageRow> = stored
        .iter()
        .enumerate()
        .map(|(index, s)| {
            StageRow::new(
                index,
                s.name.clone(),
                s.role.code().to_owned(),
                s.scope.code().to_owned(),
                s.deadline_days.to_string(),
            )
        })
        .collect();
    for index in rows.len()..rows.len() + SPARE_ROWS {
        rows.push(StageRow::new(
            index,
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ));
    }
    rows
}

/// The form as submitted: `name` and `stageN.field` pairs.
fn form_from(pairs: &[(String, String)]) -> WorkflowForm {
    let mut form = WorkflowForm::default();
    for (key, value) in pairs {
        if key == "name" {
            form.name.clone_from(value);
            continue;
        }
        let Some((index, field)) = key
            .strip_prefix("stage")
            .and_then(|rest| rest.split_once('.'))
            .and_then(|(i, f)| i.parse::<usize>().ok().filter(|i| *i < 20).map(|i| (i, f)))
        else {
            continue;
        };
        while form.stages.len() <= index {
            form.stages.push(Default::default());
        }
        let row = &mut form.stages[index];
        match field {
            "name" => row.0.clone_from(value),
            "role" => row.1.clone_from(value),
            "scope" => row.2.clone_from(value),
            "deadline_days" => row.3.clone_from(value),
            _ => {}
        }
    }
    form
}

fn rows_from(form: &WorkflowForm) -> Vec<StageRow> {
    let mut rows: Vec<StageRow> = form
        .stages
        .iter()
        .enumerate()
        .map(|(index, (name, role, scope, days))| {
            StageRow::new(
                index,
                name.clone(),
                role.clone(),
                scope.clone(),
                days.clone(),
            )
        })
        .collect();
    if rows.len() < 2 {
        rows.extend(rows_of(None).into_iter().skip(rows.len()));
    }
    rows
}

fn edit_page(
    locale: Locale,
    session: &SessionInfo,
    action: String,
    name: String,
    rows: Vec<StageRow>,
) -> EditPage {
    EditPage {
        page: Page::for_session(locale, "workflow.edit.title", session),
        action,
        name,
        rows,
        roles: roles(locale),
        scopes: scopes(locale),
        errors: FormErrors::default(),
    }
}

pub async fn list(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(notice): Query<Notice>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let site = state.app.default_site().await?;
    let workflows = state.app.workflows(&session.actor, site).await?;
    let view = ListPage {
        page: Page::for_session(locale, "workflow.title", &session)
            .with_notice(notice.ok.as_deref()),
        workflows: workflows
            .iter()
            .map(|w| WorkflowRow {
                id: w.id,
                name: w.name.clone(),
                is_default: w.is_default,
                stages: if w.stages.is_empty() {
                    locale.t("review.direct")
                } else {
                    w.stages
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect::<Vec<_>>()
                        .join(" → ")
                },
                column_count: w.column_count,
            })
            .collect(),
    };
    Ok(render(&view)?.into_response())
}

pub async fn new_form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
) -> WebResult<Response> {
    let site = state.app.default_site().await?;
    // The same permission check as the list (site editors only).
    state.app.workflows(&session.actor, site).await?;
    let locale = Locale::from_headers(&headers);
    let view = edit_page(
        locale,
        &session,
        "/workflows".into(),
        String::new(),
        rows_of(None),
    );
    Ok(render(&view)?.into_response())
}

pub async fn edit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let site = state.app.default_site().await?;
    let workflows = state.app.workflows(&session.actor, site).await?;
    let workflow = workflows
        .iter()
        .find(|w| w.id == id)
        .ok_or(WebError::NotFound)?;
    let view = edit_page(
        locale,
        &session,
        format!("/workflows/{id}"),
        workflow.name.clone(),
        rows_of(Some(workflow)),
    );
    Ok(render(&view)?.into_response())
}

pub async fn create(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let form = form_from(&pairs);
    let site = state.app.default_site().await?;
    let result = state.app.create_workflow(&session.actor, site, &form).await;
    respond(
        &headers,
        &session,
        "/workflows".into(),
        &form,
        result.map(|_| ()),
    )
}

pub async fn update(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> WebResult<Response> {
    let form = form_from(&pairs);
    let result = state.app.update_workflow(&session.actor, id, &form).await;
    respond(
        &headers,
        &session,
        format!("/workflows/{id}"),
        &form,
        result,
    )
}

fn respond(
    headers: &HeaderMap,
    session: &SessionInfo,
    action: String,
    form: &WorkflowForm,
    result: Result<(), AppError>,
) -> WebResult<Response> {
    match result {
        Ok(()) => Ok(Redirect::to("/workflows?ok=saved").into_response()),
        Err(AppError::Invalid(invalid)) => {
            let locale = Locale::from_headers(headers);
            let mut view = edit_page(locale, session, action, form.name.clone(), rows_from(form));
            view.errors = FormErrors::new(locale, invalid.errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
