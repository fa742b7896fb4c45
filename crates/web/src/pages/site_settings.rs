//! The site's public facts (网站名称, 主办单位, contact, ICP备案号, 公安备案号,
//! 网站标识码) that the portal's footer shows, its public address, and its
//! appearance (logo, header banner, brand colour); set by a site editor,
//! audited, and every public page refreshed at once.

use std::collections::BTreeMap;

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_app::AppError;
use dangjian_app::auth::SessionInfo;
use dangjian_app::domain::media::MediaKind;
use dangjian_app::site::{PROFILE_KEYS, SiteProfile};

use super::{Notice, render};
use crate::error::WebResult;
use crate::i18n::Locale;
use crate::page::{FormErrors, Page};
use crate::pages::media_choice::{MediaChoice, media_choices};
use crate::session::Office;
use crate::state::AppState;

/// One field of the form.
struct ProfileRow {
    key: &'static str,
    label: String,
    value: String,
}

#[derive(Template)]
#[template(path = "site_settings/form.html")]
struct SiteSettingsPage {
    page: Page,
    rows: Vec<ProfileRow>,
    /// Chosen logo, banner and colour (as submitted or stored).
    logo: String,
    banner: String,
    colour: String,
    images: Vec<MediaChoice>,
    errors: FormErrors,
}

/// The label of `site.x` is the message `portal.settings.x`.
fn rows(
    locale: Locale,
    profile: &SiteProfile,
    submitted: &BTreeMap<String, String>,
) -> Vec<ProfileRow> {
    PROFILE_KEYS
        .iter()
        .map(|&key| ProfileRow {
            key,
            label: locale.t(&format!(
                "portal.settings.{}",
                key.trim_start_matches("site.")
            )),
            value: submitted
                .get(key)
                .cloned()
                .unwrap_or_else(|| profile.value(key)),
        })
        .collect()
}

async fn view(
    state: &AppState,
    locale: Locale,
    session: &SessionInfo,
    profile: &SiteProfile,
    submitted: &BTreeMap<String, String>,
    errors: FormErrors,
) -> WebResult<SiteSettingsPage> {
    let value = |key: &str| {
        submitted
            .get(key)
            .cloned()
            .unwrap_or_else(|| profile.value(key))
    };
    let (logo, banner) = (value("site.logo"), value("site.banner"));
    let chosen: Vec<String> = [&logo, &banner]
        .into_iter()
        .filter(|v| !v.is_empty())
        .cloned()
        .collect();
    Ok(SiteSettingsPage {
        page: Page::for_session(locale, "portal.settings.title", session),
        rows: rows(locale, profile, submitted),
        images: media_choices(state, locale, session, MediaKind::Image, &chosen).await?,
        colour: value("site.color"),
        logo,
        banner,
        errors,
    })
}

pub async fn form(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(notice): Query<Notice>,
) -> WebResult<Response> {
    let site = state.app.default_site().await?;
    let profile = state.app.site_profile_view(&session.actor, site).await?;
    let locale = Locale::from_headers(&headers);
    let mut page = view(
        &state,
        locale,
        &session,
        &profile,
        &BTreeMap::new(),
        FormErrors::default(),
    )
    .await?;
    page.page = page.page.with_notice(notice.ok.as_deref());
    Ok(render(&page)?.into_response())
}

pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Form(mut submitted): Form<BTreeMap<String, String>>,
) -> WebResult<Response> {
    submitted.remove("_csrf");
    let site = state.app.default_site().await?;
    match state
        .app
        .update_site_profile(&session.actor, site, &submitted)
        .await
    {
        Ok(_) => Ok(Redirect::to("/site-settings?ok=saved").into_response()),
        Err(AppError::Invalid(invalid)) => {
            let locale = Locale::from_headers(&headers);
            let profile = state.app.site_profile_view(&session.actor, site).await?;
            let errors = FormErrors::new(locale, invalid.errors);
            let page = view(&state, locale, &session, &profile, &submitted, errors).await?;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}
