//! The office listener: login, management pages, the JSON API and metrics.
//! None of these routes exists on the public listener.

use axum::routing::{get, post};
use axum::{Router, middleware};

use crate::error::WebError;
use crate::pages::{account, audit, columns, home, login, org, settings, users};
use crate::state::AppState;
use crate::{api, assets, csrf, error, headers, media, metrics, pages, public, session};

pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .route("/", get(home::dashboard))
        .route("/login", get(login::form).post(login::submit))
        .route(
            "/login/totp",
            get(login::totp_form).post(login::totp_submit),
        )
        .route("/logout", post(login::logout))
        .route("/lang/{code}", get(login::switch_language))
        .route(
            "/account/password",
            get(account::password_form).post(account::password_submit),
        )
        .route(
            "/account/totp",
            get(account::totp_form).post(account::totp_submit),
        )
        .route(
            "/account/email",
            get(account::email_form).post(account::email_submit),
        )
        .route("/org/units", get(org::units).post(org::create_unit))
        .route("/org/units/{id}", get(org::unit).post(org::update_unit))
        .route("/org/units/{id}/delete", post(org::delete_unit))
        .route("/org/units/{id}/sections", post(org::create_section))
        .route("/org/sections/{id}", post(org::update_section))
        .route("/org/sections/{id}/delete", post(org::delete_section))
        .route("/columns", get(columns::tree).post(columns::create))
        .route("/columns/{id}", get(columns::show).post(columns::update))
        .route("/columns/{id}/move", post(columns::move_to))
        .route("/columns/{id}/{action}", post(columns::act))
        .route(
            "/articles",
            get(pages::articles::list).post(pages::articles::create),
        )
        .route("/articles/new", get(pages::articles::new_form))
        .route(
            "/articles/{id}",
            get(pages::articles::edit_form).post(pages::articles::update),
        )
        .route("/search", get(pages::search::page))
        .route(
            "/search/settings",
            get(pages::search::settings).post(pages::search::save_settings),
        )
        .route("/search/reindex", post(pages::search::reindex))
        .route("/ranking", get(pages::ranking::page))
        .route("/ranking/rules", post(pages::ranking::update_rules))
        .route("/ranking/monthly", get(pages::monthly::page))
        .route("/ranking.xlsx", get(pages::ranking::xlsx))
        .route("/ranking/bulletin.docx", get(pages::ranking::bulletin))
        .route("/ranking/assessment.docx", get(pages::ranking::assessment))
        .route(
            "/ranking/honours",
            get(pages::honours::page).post(pages::honours::confirm),
        )
        .route("/articles/{id}/adoption", post(pages::articles::adoption))
        .route(
            "/articles/{id}/instruction",
            post(pages::articles::instruction),
        )
        .route(
            "/articles/{id}/notice",
            get(pages::notices::period_form).post(pages::notices::period_save),
        )
        .route("/objections", get(pages::notices::inbox))
        .route("/objections/{id}/handle", post(pages::notices::handle))
        .route("/qa", get(pages::qa::inbox))
        .route(
            "/qa/enter",
            get(pages::qa_entry::form).post(pages::qa_entry::enter),
        )
        .route(
            "/qa/topics",
            get(pages::qa_topics::page).post(pages::qa_topics::create),
        )
        .route("/qa/topics/{id}", post(pages::qa_topics::update))
        .route("/qa/{id}", get(pages::qa::show))
        .route("/qa/{id}/{action}", post(pages::qa::act))
        .route("/mailbox", get(pages::mailbox::inbox))
        .route("/mailbox/{id}", get(pages::mailbox::show))
        .route("/mailbox/{id}/{action}", post(pages::mailbox::act))
        .route("/mailbox/{id}/files/{file}", get(pages::mailbox::file))
        .route("/review", get(pages::review::tasks))
        .route("/review/approve", post(pages::review::approve_many))
        .route(
            "/review/placements/{id}",
            post(pages::review::decide_placement),
        )
        .route("/notifications", get(pages::review::notifications))
        .route("/notifications/read", post(pages::review::mark_read))
        .route(
            "/workflows",
            get(pages::workflows::list).post(pages::workflows::create),
        )
        .route("/workflows/new", get(pages::workflows::new_form))
        .route(
            "/workflows/{id}",
            get(pages::workflows::edit).post(pages::workflows::update),
        )
        .route("/articles/{id}/submit", post(pages::articles::submit))
        .route("/articles/{id}/approve", post(pages::articles::approve))
        .route("/articles/{id}/return", post(pages::articles::send_back))
        .route("/articles/{id}/withdraw", post(pages::articles::withdraw))
        .route(
            "/articles/{id}/revisions",
            get(pages::articles::revision_list),
        )
        .route(
            "/articles/{id}/revisions/compare",
            get(pages::articles::revision_compare),
        )
        .route(
            "/articles/{id}/revisions/{number}/restore",
            post(pages::articles::revision_restore),
        )
        .route("/users", get(users::list).post(users::create))
        .route("/users/new", get(users::new_form))
        .route("/users/{id}", get(users::show).post(users::update))
        .route("/users/{id}/{action}", post(users::act))
        .route("/users/{id}/grants", post(users::grant))
        .route("/grants", get(users::grants))
        .route("/grants/{id}/revoke", post(users::revoke))
        .route("/audit", get(audit::search))
        .route("/audit/export.csv", get(audit::export))
        .route("/audit/verify", get(audit::verify))
        .route("/settings", get(settings::form).post(settings::submit))
        .route(
            "/settings/calendar",
            get(pages::calendar::page).post(pages::calendar::save),
        )
        .route("/settings/calendar/upload", post(pages::calendar::upload))
        .route(
            "/site-settings",
            get(pages::site_settings::form).post(pages::site_settings::submit),
        )
        .route("/stats", get(pages::stats::page))
        .route("/stats/export.csv", get(pages::stats::export))
        .route("/mailbox/stats", get(pages::mailbox_stats::page))
        .route("/mailbox/stats.csv", get(pages::mailbox_stats::export))
        .route("/media", get(pages::media::list).post(pages::media::upload))
        .route(
            "/media/items/{id}",
            get(pages::media::show).post(pages::media::update),
        )
        .route("/media/{file}", get(media::serve))
        .route("/healthz", get(public::healthz))
        .route("/metrics", get(metrics::render))
        .route("/assets/{name}", get(assets::serve))
        .nest("/api/v1", api::router())
        .fallback(|| async { WebError::NotFound })
        .layer(middleware::from_fn(csrf::guard))
        .layer(middleware::from_fn_with_state(state.clone(), session::load));
    headers::common_layers(routes)
        .layer(middleware::from_fn(|r, n| metrics::track("office", r, n)))
        .layer(middleware::from_fn(error::render))
        .with_state(state)
}
