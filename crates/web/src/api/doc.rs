//! The OpenAPI document, generated from the handlers' annotations.

use std::collections::BTreeMap;

use axum::Json;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder};
use utoipa::{IntoResponses, Modify, OpenApi};

use super::{articles, audit, columns, me, media, org, review, settings, types, users};
use crate::session::{Office, SESSION_COOKIE};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "dangjian office API",
        description = "JSON API of the office listener. Log in through the office pages; the \
            session cookie authenticates API calls. Every POST, PUT and DELETE must carry the \
            session's CSRF token (from `GET /api/v1/me`) in header `X-CSRF-Token`. Errors are \
            `application/problem+json`. Times are Unix milliseconds in fields ending `_at`. \
            Ids in request bodies may be strings or numbers."
    ),
    paths(
        me::me,
        openapi_json,
        columns::list_columns,
        columns::create_column,
        columns::get_column,
        columns::update_column,
        columns::delete_column,
        columns::move_column,
        articles::list_articles,
        articles::create_article,
        articles::get_article,
        articles::update_article,
        articles::submit_article,
        articles::approve_article,
        articles::return_article,
        articles::withdraw_article,
        org::list_units,
        org::create_unit,
        org::get_unit,
        org::update_unit,
        org::delete_unit,
        org::list_sections,
        org::create_section,
        org::update_section,
        org::delete_section,
        users::list_users,
        users::create_user,
        users::get_user,
        users::update_user,
        users::disable_user,
        users::enable_user,
        users::unlock_user,
        users::reset_totp,
        users::reset_password,
        users::list_grants,
        users::create_grant,
        users::delete_grant,
        audit::search,
        audit::verify,
        settings::get_settings,
        settings::put_settings,
        media::upload_media,
        media::list_media,
        media::get_media,
        media::update_media,
        review::tasks,
        review::notifications,
    ),
    components(schemas(types::Problem, types::ProblemField, types::Text)),
    modifiers(&SecuritySchemes),
    tags(
        (name = "session", description = "The caller"),
        (name = "organisation", description = "Units (单位) and sections (科室)"),
        (name = "columns", description = "The column tree (栏目), managed by the site editor"),
        (name = "accounts", description = "Accounts, managed by the system administrator"),
        (name = "roles", description = "Role grants, managed by the security administrator"),
        (name = "audit", description = "The audit trail, read by the audit administrator"),
        (name = "settings", description = "The security policy"),
        (name = "meta", description = "This document"),
        (name = "media", description = "Images, attachments and video"),
        (name = "articles", description = "Articles: drafts, review, publishing and withdrawal (撤稿)"),
        (name = "review", description = "The caller's to-do queue and notifications"),
    )
)]
pub struct ApiDoc;

/// The session cookie and the CSRF header.
struct SecuritySchemes;

impl Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                SESSION_COOKIE,
                "The office session, set by logging in (password, then TOTP when required).",
            ))),
        );
        components.add_security_scheme(
            "csrf",
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                "X-CSRF-Token",
                "The session's `csrf_token` from `GET /api/v1/me`; required on POST, PUT and DELETE.",
            ))),
        );
    }
}

/// The `application/problem+json` errors any call may answer.
pub struct Problems;

impl IntoResponses for Problems {
    fn responses() -> BTreeMap<String, RefOr<Response>> {
        [
            ("400", "Malformed request (bad JSON, path or query)"),
            ("401", "Not logged in, or the session ended"),
            (
                "403",
                "Not allowed, a login step is still open, or a missing or wrong CSRF token",
            ),
            ("404", "No such record"),
            ("409", "Conflicts with what is stored"),
            ("422", "Invalid fields; `errors` lists them"),
            ("500", "Internal error"),
        ]
        .into_iter()
        .map(|(status, description)| {
            let content = ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Problem")))
                .build();
            let response = ResponseBuilder::new()
                .description(description)
                .content("application/problem+json", content)
                .build();
            (status.to_owned(), RefOr::T(response))
        })
        .collect()
    }
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    security(("session" = [])),
    responses((status = 200, description = "The OpenAPI 3 document", content_type = "application/json"), Problems)
)]
pub async fn openapi_json(Office(_session): Office) -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
