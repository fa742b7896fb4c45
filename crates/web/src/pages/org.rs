//! Units (单位) and their sections (科室): list, create, edit, delete.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_app::AppError;
use dangjian_app::auth::SessionInfo;
use dangjian_app::domain::ids::{SectionId, UnitId};
use dangjian_app::domain::org::UnitKind;
use dangjian_app::domain::role::Permission;
use dangjian_app::org::{SectionForm, UnitForm};
use dangjian_app::records::{Section, Unit};

use super::{Notice, render};
use crate::error::WebResult;
use crate::i18n::Locale;
use crate::page::{FormErrors, Page};
use crate::session::Office;
use crate::state::AppState;

/// One option of a select: submitted value and translated label.
#[derive(Debug, Clone)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

/// The unit kinds with their translated labels.
pub fn unit_kinds(locale: Locale) -> Vec<Choice> {
    UnitKind::ALL
        .into_iter()
        .map(|k| Choice {
            value: k.code().to_owned(),
            label: locale.t(&k.label_key()),
        })
        .collect()
}

fn kind_label(locale: Locale, code: &str) -> String {
    UnitKind::from_code(code)
        .map(|k| locale.t(&k.label_key()))
        .unwrap_or_else(|| code.to_owned())
}

/// A unit in the list, with its kind translated.
struct UnitRow {
    unit: Unit,
    kind_label: String,
}

#[derive(Template)]
#[template(path = "org/units.html")]
struct UnitsPage {
    page: Page,
    units: Vec<UnitRow>,
    kinds: Vec<Choice>,
    form: UnitForm,
    errors: FormErrors,
    can_manage: bool,
}

async fn units_page(
    state: &AppState,
    locale: Locale,
    session: &SessionInfo,
) -> WebResult<UnitsPage> {
    let site = state.app.default_site().await?;
    let units = state
        .app
        .units(site)
        .await?
        .into_iter()
        .map(|unit| UnitRow {
            kind_label: kind_label(locale, &unit.kind),
            unit,
        })
        .collect();
    Ok(UnitsPage {
        page: Page::for_session(locale, "org.units.title", session),
        units,
        kinds: unit_kinds(locale),
        form: UnitForm::default(),
        errors: FormErrors::default(),
        can_manage: session.actor.can(Permission::ManageOrganisation),
    })
}

pub async fn units(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(notice): Query<Notice>,
) -> WebResult<Response> {
    let mut view = units_page(&state, Locale::from_headers(&headers), &session).await?;
    view.page = view.page.with_notice(notice.ok.as_deref());
    Ok(render(&view)?.into_response())
}

pub async fn create_unit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Form(form): Form<UnitForm>,
) -> WebResult<Response> {
    let site = state.app.default_site().await?;
    match state.app.create_unit(&session.actor, site, &form).await {
        Ok(id) => Ok(Redirect::to(&format!("/org/units/{id}?ok=created")).into_response()),
        Err(AppError::Invalid(invalid)) => {
            let locale = Locale::from_headers(&headers);
            let mut view = units_page(&state, locale, &session).await?;
            view.form = form;
            view.errors = FormErrors::new(locale, invalid.errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

/// A section of the unit page, with the values its edit form shows.
struct SectionRow {
    section: Section,
    name: String,
    sort_order: String,
    errors: FormErrors,
}

#[derive(Template)]
#[template(path = "org/unit.html")]
struct UnitPage {
    page: Page,
    unit: Unit,
    kinds: Vec<Choice>,
    form: UnitForm,
    errors: FormErrors,
    /// A refusal for the whole page (a delete that is not allowed).
    alert: FormErrors,
    sections: Vec<SectionRow>,
    new_section: SectionForm,
    section_errors: FormErrors,
    can_manage: bool,
}

async fn unit_page(
    state: &AppState,
    locale: Locale,
    session: &SessionInfo,
    id: UnitId,
) -> WebResult<UnitPage> {
    let unit = state.app.unit(id).await?;
    let sections = state
        .app
        .sections(unit.site_id)
        .await?
        .into_iter()
        .filter(|s| s.unit_id == id)
        .map(|section| SectionRow {
            name: section.name.clone(),
            sort_order: section.sort_order.to_string(),
            errors: FormErrors::default(),
            section,
        })
        .collect();
    let mut page = Page::for_session(locale, "org.unit.title", session);
    page.title = format!("{} · {}", page.title, unit.name);
    Ok(UnitPage {
        page,
        kinds: unit_kinds(locale),
        form: UnitForm {
            name: unit.name.clone(),
            kind: unit.kind.clone(),
            sort_order: unit.sort_order.to_string(),
        },
        errors: FormErrors::default(),
        alert: FormErrors::default(),
        sections,
        new_section: SectionForm::default(),
        section_errors: FormErrors::default(),
        can_manage: session.actor.can(Permission::ManageOrganisation),
        unit,
    })
}

fn respond(status: StatusCode, view: &UnitPage) -> WebResult<Response> {
    Ok((status, render(view)?).into_response())
}

pub async fn unit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Query(notice): Query<Notice>,
) -> WebResult<Response> {
    let mut view = unit_page(&state, Locale::from_headers(&headers), &session, UnitId(id)).await?;
    view.page = view.page.with_notice(notice.ok.as_deref());
    respond(StatusCode::OK, &view)
}

pub async fn update_unit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Form(form): Form<UnitForm>,
) -> WebResult<Response> {
    match state
        .app
        .update_unit(&session.actor, UnitId(id), &form)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/org/units/{id}?ok=saved")).into_response()),
        Err(AppError::Invalid(invalid)) => {
            let locale = Locale::from_headers(&headers);
            let mut view = unit_page(&state, locale, &session, UnitId(id)).await?;
            view.form = form;
            view.errors = FormErrors::new(locale, invalid.errors);
            respond(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn delete_unit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    match state.app.delete_unit(&session.actor, UnitId(id)).await {
        Ok(()) => Ok(Redirect::to("/org/units?ok=deleted").into_response()),
        Err(AppError::Conflict(code)) => {
            let locale = Locale::from_headers(&headers);
            let mut view = unit_page(&state, locale, &session, UnitId(id)).await?;
            view.alert = FormErrors::general(locale, code);
            respond(StatusCode::CONFLICT, &view)
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn create_section(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Form(form): Form<SectionForm>,
) -> WebResult<Response> {
    match state
        .app
        .create_section(&session.actor, UnitId(id), &form)
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/org/units/{id}?ok=created")).into_response()),
        Err(AppError::Invalid(invalid)) => {
            let locale = Locale::from_headers(&headers);
            let mut view = unit_page(&state, locale, &session, UnitId(id)).await?;
            view.new_section = form;
            view.section_errors = FormErrors::new(locale, invalid.errors);
            respond(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn update_section(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
    Form(form): Form<SectionForm>,
) -> WebResult<Response> {
    let section = state.app.section(SectionId(id)).await?;
    let unit = section.unit_id;
    match state
        .app
        .update_section(&session.actor, SectionId(id), &form)
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/org/units/{unit}?ok=saved")).into_response()),
        Err(AppError::Invalid(invalid)) => {
            let locale = Locale::from_headers(&headers);
            let mut view = unit_page(&state, locale, &session, unit).await?;
            if let Some(row) = view
                .sections
                .iter_mut()
                .find(|r| r.section.id == section.id)
            {
                row.name = form.name;
                row.sort_order = form.sort_order;
                row.errors = FormErrors::new(locale, invalid.errors);
            }
            respond(StatusCode::UNPROCESSABLE_ENTITY, &view)
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn delete_section(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Path(id): Path<i64>,
) -> WebResult<Response> {
    let section = state.app.section(SectionId(id)).await?;
    let unit = section.unit_id;
    match state
        .app
        .delete_section(&session.actor, SectionId(id))
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/org/units/{unit}?ok=deleted")).into_response()),
        Err(AppError::Conflict(code)) => {
            let locale = Locale::from_headers(&headers);
            let mut view = unit_page(&state, locale, &session, unit).await?;
            view.alert = FormErrors::general(locale, code);
            respond(StatusCode::CONFLICT, &view)
        }
        Err(other) => Err(other.into()),
    }
}
