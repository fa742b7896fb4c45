//! Office pages, one module per area, mirroring `app`.

pub mod account;
pub mod articles;
pub mod audit;
pub mod calendar;
pub mod columns;
pub mod home;
pub mod honours;
pub mod login;
pub mod mailbox;
mod mailbox_act;
pub mod mailbox_stats;
pub mod media;
pub(crate) mod media_choice;
pub mod monthly;
pub mod notices;
pub mod org;
pub mod qa;
pub mod qa_entry;
pub mod qa_topics;
pub mod ranking;
pub mod review;
pub mod search;
pub mod settings;
pub mod site_settings;
pub mod stats;
pub mod users;
pub mod workflows;

use askama::Template;
use axum::response::Html;

use crate::error::{WebError, WebResult};

/// Renders a template into an HTML response.
pub fn render(template: &impl Template) -> WebResult<Html<String>> {
    template
        .render()
        .map(Html)
        .map_err(|e| WebError::App(dangjian_app::AppError::internal(e)))
}

/// `?ok=…` (notice after a redirect) and other small query values.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Notice {
    pub ok: Option<String>,
}
