//! Writing to, reading, exporting and verifying the audit trail.

use dangjian_domain::audit::{AuditEntry, AuditRecord, ChainFault, ChainVerifier, Outcome};
use dangjian_domain::role::Permission;
use dangjian_store::Conn;
use dangjian_store::audit::{self as trail, AuditFilter};

use crate::actor::{Actor, Client};
use crate::{App, AppError, Result};

/// Who an audit record names.
pub(crate) struct Subject<'a> {
    pub id: Option<i64>,
    pub name: &'a str,
    pub roles: String,
    pub client: &'a Client,
}

impl<'a> From<&'a Actor> for Subject<'a> {
    fn from(actor: &'a Actor) -> Self {
        Subject {
            id: Some(actor.user_id.0),
            name: &actor.username,
            roles: actor.role_codes(),
            client: &actor.client,
        }
    }
}

/// What happened.
pub(crate) struct Event<'a> {
    pub action: &'a str,
    pub object: String,
    pub outcome: Outcome,
    pub detail: String,
}

impl<'a> Event<'a> {
    pub fn success(action: &'a str, object: impl Into<String>) -> Self {
        Self {
            action,
            object: object.into(),
            outcome: Outcome::Success,
            detail: String::new(),
        }
    }

    pub fn with_outcome(mut self, outcome: Outcome) -> Self {
        self.outcome = outcome;
        self
    }

    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
}

impl App {
    /// Appends a record inside the caller's transaction.
    pub(crate) async fn audit(
        &self,
        conn: &mut Conn,
        who: Subject<'_>,
        event: Event<'_>,
    ) -> Result<()> {
        let entry = AuditEntry {
            at_ms: self.now_ms(),
            actor_id: who.id,
            actor_name: who.name.to_owned(),
            actor_roles: who.roles,
            client_addr: who.client.addr.clone(),
            action: event.action.to_owned(),
            object: event.object,
            outcome: event.outcome,
            detail: event.detail,
        };
        trail::append(conn, &entry, self.config().audit_hash).await?;
        Ok(())
    }

    /// Appends a record in a transaction of its own (refusals, failed logins:
    /// things that change nothing else).
    pub(crate) async fn audit_alone(&self, who: Subject<'_>, event: Event<'_>) -> Result<()> {
        let mut tx = self.store().write().await?;
        self.audit(&mut tx, who, event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Checks a permission; a refusal is itself recorded, then returned.
    pub(crate) async fn require(
        &self,
        actor: &Actor,
        permission: Permission,
        action: &str,
        object: impl Into<String>,
    ) -> Result<()> {
        if actor.can(permission) {
            return Ok(());
        }
        let event = Event::success(action, object)
            .with_outcome(Outcome::Denied)
            .with_detail("permission denied");
        self.audit_alone(actor.into(), event).await?;
        Err(AppError::Forbidden("error.forbidden"))
    }
}

/// One page of audit records and how many match in all.
#[derive(Debug, Clone)]
pub struct AuditPage {
    pub records: Vec<AuditRecord>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// The outcome of checking the whole chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// Records checked and found intact (up to the first fault).
    pub verified: i64,
    /// The last sequence number the program wrote.
    pub head_seq: i64,
    pub fault: Option<ChainFault>,
}

const VERIFY_BATCH: i64 = 2000;

impl App {
    /// The audit administrator's view: records matching the filter.
    pub async fn audit_search(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        page: i64,
    ) -> Result<AuditPage> {
        self.require(actor, Permission::ReadAudit, "audit.view", "audit")
            .await?;
        let per_page = 50;
        let page = page.max(1);
        let mut conn = self.store().read().await?;
        let (records, total) =
            trail::search(&mut conn, filter, (page - 1) * per_page, per_page).await?;
        drop(conn);
        let detail = describe_filter(filter);
        self.audit_alone(
            actor.into(),
            Event::success("audit.view", "audit").with_detail(detail),
        )
        .await?;
        Ok(AuditPage {
            records,
            total,
            page,
            per_page,
        })
    }

    /// Every record matching the filter as CSV (newest first), with a
    /// header row; cells that a spreadsheet would run as a formula are quoted.
    pub async fn audit_export_csv(&self, actor: &Actor, filter: &AuditFilter) -> Result<String> {
        self.require(actor, Permission::ExportAudit, "audit.export", "audit")
            .await?;
        let mut conn = self.store().read().await?;
        let (records, _) = trail::search(&mut conn, filter, 0, i64::MAX).await?;
        drop(conn);
        let csv = records_to_csv(&records)?;
        let detail = format!("{}; {} records", describe_filter(filter), records.len());
        self.audit_alone(
            actor.into(),
            Event::success("audit.export", "audit").with_detail(detail),
        )
        .await?;
        Ok(csv)
    }

    /// The audit administrator checks the chain from the office; the check
    /// and its outcome are themselves recorded.
    pub async fn audit_verify_as(&self, actor: &Actor) -> Result<VerifyReport> {
        self.require(actor, Permission::ReadAudit, "audit.verify", "audit")
            .await?;
        let report = self.audit_verify().await?;
        let outcome = match &report.fault {
            None => format!("intact: {} records", report.verified),
            Some(fault) => fault.to_string(),
        };
        self.audit_alone(
            actor.into(),
            Event::success("audit.verify", "audit").with_detail(outcome),
        )
        .await?;
        Ok(report)
    }

    /// Walks the whole chain and reports the first broken or missing record
    /// (from the server console: reads hashes and sequence numbers only).
    pub async fn audit_verify(&self) -> Result<VerifyReport> {
        let mut conn = self.store().read().await?;
        let (head_seq, head_hash) = trail::head(&mut conn).await?;
        let mut verifier = ChainVerifier::default();
        let mut after = 0;
        loop {
            let batch = trail::page(&mut conn, after, VERIFY_BATCH).await?;
            let Some(last) = batch.last() else { break };
            after = last.seq;
            for record in &batch {
                if let Err(fault) = verifier.feed(record) {
                    return Ok(VerifyReport {
                        verified: record.seq - 1,
                        head_seq,
                        fault: Some(fault),
                    });
                }
            }
        }
        match verifier.finish(head_seq, &head_hash) {
            Ok(verified) => Ok(VerifyReport {
                verified,
                head_seq,
                fault: None,
            }),
            Err(fault) => Ok(VerifyReport {
                verified: after,
                head_seq,
                fault: Some(fault),
            }),
        }
    }
}

fn describe_filter(filter: &AuditFilter) -> String {
    format!(
        "actor={} action={} from={} until={}",
        filter.actor,
        filter.action,
        filter.from_ms.map(|v| v.to_string()).unwrap_or_default(),
        filter.until_ms.map(|v| v.to_string()).unwrap_or_default()
    )
}

/// Formats records as CSV, times in China Standard Time.
pub fn records_to_csv(records: &[AuditRecord]) -> Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record([
            "seq", "time", "actor", "roles", "client", "action", "object", "outcome", "detail",
            "algo", "hash",
        ])
        .map_err(AppError::internal)?;
    for r in records {
        let e = &r.entry;
        let cells = [
            r.seq.to_string(),
            dangjian_domain::clock::format_local(e.at_ms),
            e.actor_name.clone(),
            e.actor_roles.clone(),
            e.client_addr.clone(),
            e.action.clone(),
            e.object.clone(),
            e.outcome.code().to_owned(),
            e.detail.clone(),
            r.algo.code().to_owned(),
            r.hash.clone(),
        ];
        writer
            .write_record(cells.iter().map(|c| defuse_formula(c)))
            .map_err(AppError::internal)?;
    }
    let bytes = writer.into_inner().map_err(AppError::internal)?;
    String::from_utf8(bytes).map_err(AppError::internal)
}

/// A cell starting with `=`, `+`, `-`, `@` would run as a formula when the
/// CSV is opened in a spreadsheet; a leading apostrophe keeps it text.
fn defuse_formula(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}
