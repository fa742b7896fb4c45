//! The settings the system administrator sets: lockout, idle timeout,
//! password expiry and media upload limits.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_app::AppError;
use dangjian_app::auth::SessionInfo;
use dangjian_app::settings::Settings;

use super::{Notice, render};
use crate::error::WebResult;
use crate::i18n::Locale;
use crate::page::{FormErrors, Page};
use crate::session::Office;
use crate::state::AppState;

/// One setting of the form.
struct SettingRow {
    key: &'static str,
    label: String,
    hint: String,
    value: String,
    min: u32,
    max: u32,
}

#[derive(Template)]
#[template(path = "settings/form.html")]
struct SettingsPage {
    page: Page,
    rows: Vec<SettingRow>,
    errors: FormErrors,
}

/// The form rows, in display order; a submitted value (kept after a
/// refusal) wins over the one in force. The label of key `k` is the message
/// `settings.k`.
fn rows(
    locale: Locale,
    policy: &Settings,
    submitted: &BTreeMap<String, String>,
) -> Vec<SettingRow> {
    policy
        .to_settings()
        .into_iter()
        .map(|(key, current)| {
            let (min, max) = Settings::bounds(key).unwrap_or((0, u32::MAX));
            SettingRow {
                key,
                label: locale.t(&format!("settings.{key}")),
                hint: locale
                    .t("settings.range")
                    .replace("{min}", &min.to_string())
                    .replace("{max}", &max.to_string()),
                value: submitted.get(key).cloned().unwrap_or(current),
                min,
                max,
            }
        })
        .collect()
}

fn settings_page(
    locale: Locale,
    session: &SessionInfo,
    policy: &Settings,
    submitted: &BTreeMap<String, String>,
    errors: FormErrors,
) -> SettingsPage {
    SettingsPage {
        page: Page::for_session(locale, "settings.title", session),
        rows: rows(locale, policy, submitted),
        errors,
    }
}

pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(notice): Query<Notice>,
) -> WebResult<Response> {
    let policy = state.app.settings_view(&session.actor).await?;
    let locale = Locale::from_headers(&headers);
    let mut view = settings_page(
        locale,
        &session,
        &policy,
        &BTreeMap::new(),
        FormErrors::default(),
    );
    view.page = view.page.with_notice(notice.ok.as_deref());
    Ok(render(&view)?.into_response())
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Form(mut submitted): Form<BTreeMap<String, String>>,
) -> WebResult<Response> {
    submitted.remove("_csrf");
    match state.app.update_settings(&session.actor, &submitted).await {
        Ok(_) => Ok(Redirect::to("/settings?ok=saved").into_response()),
        Err(AppError::Invalid(invalid)) => {
            let locale = Locale::from_headers(&headers);
            let policy = state.app.settings_view(&session.actor).await?;
            let errors = FormErrors::new(locale, invalid.errors);
            let view = settings_page(locale, &session, &policy, &submitted, errors);
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
