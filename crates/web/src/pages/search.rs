//! Search in the office: the same engine over every item of the site the
//! person may see in the office (drafts, items in review, withdrawn ones),
//! never reachable from the public listener; and the editors' search
//! settings (words, synonyms, hot searches) with the rebuild button.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_app::AppError;
use dangjian_app::auth::SessionInfo;
use dangjian_app::domain::role::Permission;
use dangjian_app::domain::search::SearchSettings;
use dangjian_app::search::{SearchPage, SearchRequest, Searcher};
use serde::Deserialize;

use super::render;
use crate::error::WebResult;
use crate::i18n::Locale;
use crate::page::{FormErrors, Page};
use crate::search::{ColumnChoice, KindChoice, ResultLine, SearchForm};
use crate::session::Office;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "search/office.html")]
struct SearchView {
    page: Page,
    form: SearchForm,
    results: SearchPage,
    lines: Vec<ResultLine>,
    kinds: Vec<KindChoice>,
    columns: Vec<ColumnChoice>,
    editor: bool,
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(request): Query<SearchRequest>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let site = state.app.default_site().await?;
    let results = state
        .app
        .search(Searcher::Office(&session.actor), site, &request)
        .await?;
    let form = SearchForm::from(&request);
    let view = SearchView {
        page: Page::for_session(locale, "search.office_title", &session),
        lines: ResultLine::office(&results, locale),
        kinds: KindChoice::all(locale, &form.kind),
        columns: ColumnChoice::public(&state, site, &form.column).await?,
        editor: session.actor.can(Permission::ManageSite),
        form,
        results,
    };
    Ok(render(&view)?.into_response())
}

#[derive(Template)]
#[template(path = "search/settings.html")]
struct SettingsView {
    page: Page,
    words: String,
    synonyms: String,
    hot: String,
    errors: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct NoticeQuery {
    ok: String,
}

fn settings_view(
    locale: Locale,
    session: &SessionInfo,
    settings: &SearchSettings,
    notice: Option<&str>,
) -> SettingsView {
    SettingsView {
        page: Page::for_session(locale, "search.settings", session).with_notice(notice),
        words: settings.words_text(),
        synonyms: settings.synonyms_text(),
        hot: settings.hot_text(),
        errors: FormErrors::default(),
    }
}

pub async fn settings(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(query): Query<NoticeQuery>,
) -> WebResult<Response> {
    let site = state.app.default_site().await?;
    let settings = state.app.search_settings_as(&session.actor, site).await?;
    let notice = Some(query.ok.as_str()).filter(|ok| !ok.is_empty());
    let view = settings_view(Locale::from_headers(&headers), &session, &settings, notice);
    Ok(render(&view)?.into_response())
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub struct SettingsForm {
    words: String,
    synonyms: String,
    hot: String,
}

pub async fn save_settings(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Form(form): Form<SettingsForm>,
) -> WebResult<Response> {
    let site = state.app.default_site().await?;
    match state
        .app
        .update_search_settings(&session.actor, site, &form.words, &form.synonyms, &form.hot)
        .await
    {
        Ok(_) => Ok(Redirect::to("/search/settings?ok=saved").into_response()),
        Err(AppError::Invalid(invalid)) => {
            let locale = Locale::from_headers(&headers);
            let view = SettingsView {
                page: Page::for_session(locale, "search.settings", &session),
                words: form.words,
                synonyms: form.synonyms,
                hot: form.hot,
                errors: FormErrors::new(locale, invalid.errors),
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&view)?).into_response())
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn reindex(
    State(state): State<AppState>,
    Office(session): Office,
) -> WebResult<Response> {
    state.app.request_reindex_as(&session.actor).await?;
    Ok(Redirect::to("/search/settings?ok=reindex").into_response())
}
