//! The review workflow (审核流程): which workflow governs an article (its
//! column's, inherited down the tree, else the site's default), who owns it,
//! and the editor's management of workflows. The transitions are in
//! `flow`, the queues and notifications in `queue`, timed publishing in
//! `scheduler`.

pub mod bulletin;
pub mod flow;
pub mod honours;
pub mod monthly;
pub mod placement;
pub mod queue;
pub mod ranking;
pub mod scheduler;

use dangjian_domain::Invalid;
use dangjian_domain::account::bounded_text;
use dangjian_domain::column::ColumnId;
use dangjian_domain::ids::SiteId;
use dangjian_domain::role::{Permission, Role};
use dangjian_domain::workflow::{Ownership, ScopeRule, Stage, parse_stages};
use dangjian_store::columns::{self, Column};
use dangjian_store::review::{self as stored, StageRow, WorkflowRecord};
use dangjian_store::{Conn, StoreError, org};

use crate::actor::Actor;
use crate::audit::Event;
use crate::{App, AppError, Result};

/// A workflow with its stages parsed.
#[derive(Debug, Clone)]
pub struct Workflow {
    pub id: i64,
    pub name: String,
    pub is_default: bool,
    pub stages: Vec<Stage>,
    pub column_count: i64,
}

impl Workflow {
    fn from_record(record: WorkflowRecord) -> Result<Workflow> {
        let stages = record
            .stages
            .iter()
            .map(|s| {
                Ok(Stage {
                    name: s.name.clone(),
                    role: Role::from_code(&s.role)
                        .ok_or_else(|| AppError::internal(format!("stage role {}", s.role)))?,
                    scope: ScopeRule::from_code(&s.scope_rule).ok_or_else(|| {
                        AppError::internal(format!("stage scope {}", s.scope_rule))
                    })?,
                    deadline_days: s.deadline_days,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Workflow {
            id: record.id,
            name: record.name,
            is_default: record.is_default,
            stages,
            column_count: record.column_count,
        })
    }
}

/// The submitted workflow form: a name and rows of stage fields.
#[derive(Debug, Clone, Default)]
pub struct WorkflowForm {
    pub name: String,
    /// (name, role code, scope rule code, deadline days) per stage.
    pub stages: Vec<(String, String, String, String)>,
}

/// The default the seed's 制度 lays down: 科室负责人审核 → 分管部长审批.
pub(crate) fn default_stages() -> Vec<StageRow> {
    vec![
        StageRow {
            name: "科室负责人审核".into(),
            role: Role::SectionHead.code().into(),
            scope_rule: ScopeRule::OwnerSection.code().into(),
            deadline_days: 2,
        },
        StageRow {
            name: "分管部长审批".into(),
            role: Role::DeputyMinister.code().into(),
            scope_rule: ScopeRule::OwnerUnit.code().into(),
            deadline_days: 2,
        },
    ]
}

fn stage_rows(stages: &[Stage]) -> Vec<StageRow> {
    stages
        .iter()
        .map(|s| StageRow {
            name: s.name.clone(),
            role: s.role.code().into(),
            scope_rule: s.scope.code().into(),
            deadline_days: s.deadline_days,
        })
        .collect()
}

/// The workflow that governs a column: its own, else its nearest
/// ancestor's, else the site's default.
pub(crate) fn governing(all: &[Column], column: ColumnId) -> Option<i64> {
    let mut current = all.iter().find(|c| c.id == column);
    while let Some(c) = current {
        if let Some(workflow) = c.workflow_id {
            return Some(workflow);
        }
        current = c.parent_id.and_then(|p| all.iter().find(|x| x.id == p));
    }
    None
}

impl App {
    /// The workflow governing `column`, with its stages.
    pub(crate) async fn workflow_for(
        &self,
        conn: &mut Conn,
        site: SiteId,
        column: ColumnId,
    ) -> Result<Workflow> {
        let all = columns::columns(conn, site).await?;
        let id = match governing(&all, column) {
            Some(id) => id,
            None => stored::workflows(conn, site)
                .await?
                .into_iter()
                .find(|w| w.is_default)
                .map(|w| w.id)
                .ok_or(AppError::Conflict("error.workflow.no_default"))?,
        };
        Workflow::from_record(stored::workflow(conn, id).await?)
    }

    /// The site's default workflow (it governs what has no column, such as
    /// the replies to mailbox letters).
    pub(crate) async fn default_workflow(&self, conn: &mut Conn, site: SiteId) -> Result<Workflow> {
        let record = stored::workflows(conn, site)
            .await?
            .into_iter()
            .find(|w| w.is_default)
            .ok_or(AppError::Conflict("error.workflow.no_default"))?;
        Workflow::from_record(record)
    }

    /// One workflow by id, with its stages.
    pub(crate) async fn workflow_by_id(&self, conn: &mut Conn, id: i64) -> Result<Workflow> {
        Workflow::from_record(stored::workflow(conn, id).await?)
    }

    /// Who owns an article in `column`: the column's section and its unit.
    pub(crate) async fn ownership(
        &self,
        conn: &mut Conn,
        site: SiteId,
        column: ColumnId,
    ) -> Result<Ownership> {
        let column = columns::column(conn, column).await?;
        let (section, unit) = match column.owner_section_id {
            Some(id) => match org::section(conn, id).await {
                Ok(s) => (Some(s.id), Some(s.unit_id)),
                Err(StoreError::NotFound) => (None, None),
                Err(other) => return Err(other.into()),
            },
            None => (None, None),
        };
        Ok(Ownership {
            site,
            section,
            unit,
        })
    }

    /// The site's workflows (site editor).
    pub async fn workflows(&self, actor: &Actor, site: SiteId) -> Result<Vec<Workflow>> {
        self.require(actor, Permission::ManageSite, "workflow.view", "workflow")
            .await?;
        let mut conn = self.store().read().await?;
        stored::workflows(&mut conn, site)
            .await?
            .into_iter()
            .map(Workflow::from_record)
            .collect()
    }

    /// Creates a workflow; the first of a site becomes its default.
    pub async fn create_workflow(
        &self,
        actor: &Actor,
        site: SiteId,
        form: &WorkflowForm,
    ) -> Result<i64> {
        self.require(actor, Permission::ManageSite, "workflow.create", "workflow")
            .await?;
        let (name, stages) = parse_form(form)?;
        let now = self.now_ms();
        let mut tx = self.store().write().await?;
        let first = stored::workflows(&mut tx, site).await?.is_empty();
        let id = stored::insert_workflow(&mut tx, site, &name, first, now).await?;
        stored::update_workflow(&mut tx, id, &name, &stage_rows(&stages), now).await?;
        let event = Event::success("workflow.create", format!("workflow:{id}"))
            .with_detail(describe(&name, &stages));
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Renames a workflow and replaces its stages. Articles already in
    /// review keep their stage number (a shorter workflow ends sooner).
    pub async fn update_workflow(&self, actor: &Actor, id: i64, form: &WorkflowForm) -> Result<()> {
        let object = format!("workflow:{id}");
        self.require(
            actor,
            Permission::ManageSite,
            "workflow.update",
            object.clone(),
        )
        .await?;
        let (name, stages) = parse_form(form)?;
        let now = self.now_ms();
        let mut tx = self.store().write().await?;
        stored::update_workflow(&mut tx, id, &name, &stage_rows(&stages), now).await?;
        let event = Event::success("workflow.update", object).with_detail(describe(&name, &stages));
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Lays the seed's default workflow for a new site (inside `init`).
    pub(crate) async fn lay_default_workflow(&self, conn: &mut Conn, site: SiteId) -> Result<i64> {
        let now = self.now_ms();
        let id = stored::insert_workflow(conn, site, "默认审核流程", true, now).await?;
        stored::update_workflow(conn, id, "默认审核流程", &default_stages(), now).await?;
        Ok(id)
    }
}

fn parse_form(form: &WorkflowForm) -> Result<(String, Vec<Stage>)> {
    let mut invalid = Invalid::default();
    let name = invalid.collect(bounded_text(&form.name, "name", 30, "error.workflow.name"));
    let rows: Vec<_> = form
        .stages
        .iter()
        .filter(|(n, r, s, d)| ![n, r, s, d].iter().all(|v| v.trim().is_empty()))
        .cloned()
        .collect();
    let stages = invalid.collect(parse_stages(&rows));
    invalid.into_result()?;
    match (name, stages) {
        (Some(name), Some(stages)) => Ok((name, stages)),
        _ => Err(AppError::internal(
            "workflow form parsed without errors or values",
        )),
    }
}

fn describe(name: &str, stages: &[Stage]) -> String {
    let steps: Vec<String> = stages
        .iter()
        .map(|s| format!("{}({}@{})", s.name, s.role.code(), s.scope.code()))
        .collect();
    format!("{name}: {}", steps.join(" -> "))
}
