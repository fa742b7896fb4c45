//! The office start page: who you are, what you may do.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Html;

use super::{Notice, render};
use crate::error::WebResult;
use crate::i18n::Locale;
use crate::page::Page;
use crate::session::Office;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "home.html")]
struct Dashboard {
    page: Page,
    roles: Vec<String>,
    totp_enabled: bool,
    site_name: String,
}

pub async fn dashboard(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(notice): Query<Notice>,
) -> WebResult<Html<String>> {
    let locale = Locale::from_headers(&headers);
    let site = state.app.site().await?;
    let mut roles: Vec<String> = session
        .actor
        .roles
        .iter()
        .map(|r| locale.t(&r.role.label_key()))
        .collect();
    roles.dedup();
    let page = Dashboard {
        page: Page::for_session(locale, "home.title", &session).with_notice(notice.ok.as_deref()),
        roles,
        totp_enabled: session.totp_enabled,
        site_name: site.name,
    };
    render(&page)
}
