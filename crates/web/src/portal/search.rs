//! The public search page (`/search`) and its JSON twin
//! (`/api/v1/search`): public items only, with highlighted snippets,
//! filters by type, column and dates, sort by relevance or date, pages and
//! a total, and an empty state that offers the query's words and the hot
//! searches. Not cached: every query is its own page.

use askama::Template;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{Html, IntoResponse, Response};
use dangjian_app::search::{SearchPage, SearchRequest, Searcher};

use super::{Chrome, chrome, internal};
use crate::error::WebResult;
use crate::search::{ColumnChoice, KindChoice, ResultLine, SearchForm, results_json};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "portal/search.html")]
struct SearchView {
    c: Chrome,
    form: SearchForm,
    page: SearchPage,
    lines: Vec<ResultLine>,
    kinds: Vec<KindChoice>,
    columns: Vec<ColumnChoice>,
}

pub async fn page(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(request): Query<SearchRequest>,
) -> WebResult<Response> {
    let form = SearchForm::from(&request);
    let (site, c) = chrome(&state, &headers, &form.href(1)).await?;
    let page = state.app.search(Searcher::Public, site, &request).await?;
    let lines = ResultLine::public(&page, c.locale);
    let kinds = KindChoice::all(c.locale, &form.kind);
    let columns = ColumnChoice::public(&state, site, &form.column).await?;
    let view = SearchView {
        c,
        form,
        page,
        lines,
        kinds,
        columns,
    };
    Ok(Html(view.render().map_err(internal)?).into_response())
}

/// `GET /api/v1/search`: the same search as JSON.
pub async fn api(
    State(state): State<AppState>,
    Query(request): Query<SearchRequest>,
) -> WebResult<Response> {
    let site = state.app.default_site().await?;
    let page = state.app.search(Searcher::Public, site, &request).await?;
    Ok(Json(results_json(&page)).into_response())
}
