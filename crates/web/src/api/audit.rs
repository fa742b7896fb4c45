//! The audit trail, for the audit administrator.

use axum::Json;
use axum::extract::{Query, State};
use dangjian_app::AppError;
use dangjian_app::audit::{AuditPage, VerifyReport};
use dangjian_app::domain::Invalid;
use dangjian_app::domain::audit::{AuditRecord, ChainFault};
use dangjian_app::domain::clock::parse_local_date;
use dangjian_app::records::AuditFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::doc::Problems;
use crate::error::WebResult;
use crate::session::Office;
use crate::state::AppState;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Username of the actor.
    #[serde(default)]
    pub actor: String,
    /// An action code or its prefix (`auth.` finds every login event).
    #[serde(default)]
    pub action: String,
    /// First day, `YYYY-MM-DD` China Standard Time.
    #[serde(default)]
    pub from: String,
    /// Last day (inclusive), `YYYY-MM-DD` China Standard Time.
    #[serde(default)]
    pub until: String,
    /// Page number from 1; 50 records a page, newest first.
    pub page: Option<i64>,
}

impl AuditQuery {
    fn filter(&self) -> Result<AuditFilter, Invalid> {
        let mut invalid = Invalid::default();
        let mut day = |field: &str, text: &str| match text.trim() {
            "" => None,
            text => {
                let ms = parse_local_date(text);
                if ms.is_none() {
                    invalid.push(field, "api.error.date");
                }
                ms
            }
        };
        let from_ms = day("from", &self.from);
        let until_ms = day("until", &self.until).map(|ms| ms + DAY_MS);
        invalid.into_result()?;
        Ok(AuditFilter {
            actor: self.actor.trim().to_owned(),
            action: self.action.trim().to_owned(),
            from_ms,
            until_ms,
        })
    }
}

/// One record of the trail.
#[derive(Serialize, ToSchema)]
pub struct AuditRecordView {
    pub seq: i64,
    pub recorded_at: i64,
    pub actor_id: Option<i64>,
    pub actor_name: String,
    /// Role codes, comma-separated.
    pub actor_roles: String,
    pub client_addr: String,
    pub action: String,
    pub object: String,
    /// `success`, `failure` or `denied`.
    pub outcome: String,
    pub detail: String,
    /// Hash algorithm code.
    pub algo: String,
    pub prev_hash: String,
    pub hash: String,
}

impl From<AuditRecord> for AuditRecordView {
    fn from(r: AuditRecord) -> Self {
        let e = r.entry;
        AuditRecordView {
            seq: r.seq,
            recorded_at: e.at_ms,
            actor_id: e.actor_id,
            actor_name: e.actor_name,
            actor_roles: e.actor_roles,
            client_addr: e.client_addr,
            action: e.action,
            object: e.object,
            outcome: e.outcome.code().to_owned(),
            detail: e.detail,
            algo: r.algo.code().to_owned(),
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

/// One page of matching records.
#[derive(Serialize, ToSchema)]
pub struct AuditPageView {
    pub records: Vec<AuditRecordView>,
    /// Matching records in all.
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl From<AuditPage> for AuditPageView {
    fn from(p: AuditPage) -> Self {
        AuditPageView {
            records: p.records.into_iter().map(AuditRecordView::from).collect(),
            total: p.total,
            page: p.page,
            per_page: p.per_page,
        }
    }
}

/// The first thing wrong with the chain.
#[derive(Serialize, ToSchema)]
pub struct FaultView {
    /// `missing`, `broken_link` or `altered`.
    pub kind: String,
    pub seq: i64,
    /// In English, for logs.
    pub message: String,
}

impl From<ChainFault> for FaultView {
    fn from(fault: ChainFault) -> Self {
        let (kind, seq) = match fault {
            ChainFault::Missing { seq } => ("missing", seq),
            ChainFault::BrokenLink { seq } => ("broken_link", seq),
            ChainFault::Altered { seq } => ("altered", seq),
        };
        FaultView {
            kind: kind.to_owned(),
            seq,
            message: fault.to_string(),
        }
    }
}

/// The outcome of checking the whole chain.
#[derive(Serialize, ToSchema)]
pub struct VerifyView {
    /// Records checked and found intact (up to the first fault).
    pub verified: i64,
    /// The last sequence number the program wrote.
    pub head_seq: i64,
    /// `null` when the chain is intact.
    pub fault: Option<FaultView>,
}

impl From<VerifyReport> for VerifyView {
    fn from(r: VerifyReport) -> Self {
        VerifyView {
            verified: r.verified,
            head_seq: r.head_seq,
            fault: r.fault.map(FaultView::from),
        }
    }
}

/// Searches the trail (audit administrator); the search is itself recorded.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", security(("session" = [])),
    params(AuditQuery),
    responses((status = 200, description = "A page of records, newest first", body = AuditPageView), Problems))]
pub async fn search(
    State(state): State<AppState>,
    Office(session): Office,
    Query(query): Query<AuditQuery>,
) -> WebResult<Json<AuditPageView>> {
    let filter = query.filter().map_err(AppError::from)?;
    let page = state
        .app
        .audit_search(&session.actor, &filter, query.page.unwrap_or(1))
        .await?;
    Ok(Json(page.into()))
}

/// Walks the whole chain and reports the first broken or missing record
/// (audit administrator).
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit", security(("session" = [])),
    responses((status = 200, description = "The outcome of the check", body = VerifyView), Problems))]
pub async fn verify(
    State(state): State<AppState>,
    Office(session): Office,
) -> WebResult<Json<VerifyView>> {
    Ok(Json(
        state.app.audit_verify_as(&session.actor).await?.into(),
    ))
}
