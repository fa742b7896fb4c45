//! The audit administrator's pages: search, CSV export and chain check.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use dangjian_app::AppError;
use dangjian_app::audit::{AuditPage, VerifyReport};
use dangjian_app::domain::FieldError;
use dangjian_app::domain::audit::{AuditRecord, ChainFault};
use dangjian_app::domain::clock::parse_local_date;
use dangjian_app::domain::role::{Permission, Role};
use dangjian_app::records::AuditFilter;
use serde::Deserialize;

use super::render;
use crate::error::{WebError, WebResult};
use crate::i18n::Locale;
use crate::page::{FormErrors, Page};
use crate::session::Office;
use crate::state::AppState;

const DAY_MS: i64 = 86_400_000;

/// The filter form as submitted (GET query).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct AuditQuery {
    actor: String,
    action: String,
    /// First day, `YYYY-MM-DD`.
    from: String,
    /// Last day (inclusive), `YYYY-MM-DD`.
    until: String,
    page: String,
}

impl AuditQuery {
    /// The store's filter, or the fields whose dates cannot be read.
    fn filter(&self) -> Result<AuditFilter, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut date = |field: &str, text: &str| -> Option<i64> {
            if text.trim().is_empty() {
                return None;
            }
            let parsed = parse_local_date(text);
            if parsed.is_none() {
                errors.push(FieldError {
                    field: field.to_owned(),
                    code: "audit.date_format".to_owned(),
                });
            }
            parsed
        };
        let from_ms = date("from", &self.from);
        let until_ms = date("until", &self.until).map(|start| start + DAY_MS);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(AuditFilter {
            actor: self.actor.trim().to_owned(),
            action: self.action.trim().to_owned(),
            from_ms,
            until_ms,
        })
    }

    fn page(&self) -> i64 {
        self.page
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|p| *p > 0)
            .unwrap_or(1)
    }

    /// The filters as a query string (without the page), for links.
    fn query_string(&self) -> String {
        form_urlencoded::Serializer::new(String::new())
            .append_pair("actor", self.actor.trim())
            .append_pair("action", self.action.trim())
            .append_pair("from", self.from.trim())
            .append_pair("until", self.until.trim())
            .finish()
    }
}

/// One record as the table shows it.
struct Row {
    record: AuditRecord,
    roles: String,
    outcome: String,
}

fn row(locale: Locale, record: AuditRecord) -> Row {
    let roles = record
        .entry
        .actor_roles
        .split(',')
        .filter(|c| !c.is_empty())
        .map(|c| Role::from_code(c).map_or_else(|| c.to_owned(), |r| locale.t(&r.label_key())))
        .collect::<Vec<_>>()
        .join("、");
    let outcome = locale.t(&format!("audit.outcome.{}", record.entry.outcome.code()));
    Row {
        record,
        roles,
        outcome,
    }
}

#[derive(Template)]
#[template(path = "audit/search.html")]
struct SearchPage {
    page: Page,
    query: AuditQuery,
    errors: FormErrors,
    rows: Vec<Row>,
    total: i64,
    current: i64,
    pages: i64,
    /// Filters as a query string, for pagination and export links.
    filters: String,
    can_export: bool,
}

pub async fn search(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
    Query(query): Query<AuditQuery>,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let (result, errors) = match query.filter() {
        Ok(filter) => (
            Some(
                state
                    .app
                    .audit_search(&session.actor, &filter, query.page())
                    .await?,
            ),
            None,
        ),
        Err(errors) => (None, Some(FormErrors::new(locale, errors))),
    };
    let status = if errors.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let AuditPage {
        records,
        total,
        page,
        per_page,
    } = result.unwrap_or(AuditPage {
        records: Vec::new(),
        total: 0,
        page: 1,
        per_page: 50,
    });
    let view = SearchPage {
        page: Page::for_session(locale, "audit.title", &session),
        filters: query.query_string(),
        query,
        errors: errors.unwrap_or_default(),
        rows: records.into_iter().map(|r| row(locale, r)).collect(),
        total,
        current: page,
        pages: ((total + per_page - 1) / per_page.max(1)).max(1),
        can_export: session.actor.can(Permission::ExportAudit),
    };
    Ok((status, render(&view)?).into_response())
}

pub async fn export(
    State(state): State<AppState>,
    Office(session): Office,
    Query(query): Query<AuditQuery>,
) -> WebResult<Response> {
    let filter = query.filter().map_err(|errors| {
        WebError::App(AppError::Invalid(dangjian_app::domain::Invalid { errors }))
    })?;
    let csv = state.app.audit_export_csv(&session.actor, &filter).await?;
    let stamp = dangjian_app::domain::clock::format_local_date(state.app.now_ms());
    let disposition = format!("attachment; filename=\"audit-{stamp}.csv\"");
    let mut response = format!("\u{feff}{csv}").into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/csv; charset=utf-8"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

#[derive(Template)]
#[template(path = "audit/verify.html")]
struct VerifyPage {
    page: Page,
    report: VerifyReport,
    /// The fault translated, with the record it concerns.
    fault: Option<String>,
}

fn describe(locale: Locale, fault: &ChainFault) -> String {
    let (key, seq) = match fault {
        ChainFault::Missing { seq } => ("audit.fault.missing", seq),
        ChainFault::BrokenLink { seq } => ("audit.fault.broken_link", seq),
        ChainFault::Altered { seq } => ("audit.fault.altered", seq),
    };
    locale.t(key).replace("{seq}", &seq.to_string())
}

pub async fn verify(
    State(state): State<AppState>,
    headers: HeaderMap,
    Office(session): Office,
) -> WebResult<Response> {
    let locale = Locale::from_headers(&headers);
    let report = state.app.audit_verify_as(&session.actor).await?;
    let view = VerifyPage {
        page: Page::for_session(locale, "audit.verify.title", &session),
        fault: report.fault.as_ref().map(|f| describe(locale, f)),
        report,
    };
    Ok(render(&view)?.into_response())
}
