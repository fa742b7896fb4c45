//! The review workflow (审核流程) of the seed's 网络信息审核及发布制度: an
//! ordered list of stages, each done by holders of a role in a scope
//! relative to the column that owns the article (its section, that
//! section's unit, or the site). Every transition is decided here, so the
//! table of allowed and refused moves is tested without a database.

use serde::Serialize;

use crate::Invalid;
use crate::account::bounded_text;
use crate::article::ArticleStatus;
use crate::ids::{SectionId, SiteId, UnitId};
use crate::role::{Permission, Role, RoleInScope, Scope};

/// Where, relative to the article, a stage's role must be held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeRule {
    /// In the section that owns the article's column (科室负责人).
    OwnerSection,
    /// In the unit of that section (分管部长).
    OwnerUnit,
    /// In the site.
    Site,
}

impl ScopeRule {
    pub const ALL: [ScopeRule; 3] = [
        ScopeRule::OwnerSection,
        ScopeRule::OwnerUnit,
        ScopeRule::Site,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ScopeRule::OwnerSection => "section",
            ScopeRule::OwnerUnit => "unit",
            ScopeRule::Site => "site",
        }
    }

    pub fn from_code(code: &str) -> Option<ScopeRule> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label_key(self) -> String {
        format!("workflow.scope.{}", self.code())
    }
}

/// One stage of a workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stage {
    pub name: String,
    pub role: Role,
    pub scope: ScopeRule,
    /// Working days a stage may take before the item is overdue (0: none).
    pub deadline_days: i64,
}

/// Who owns an article: the site, and the section owning its primary
/// column with that section's unit (a column may have no owner yet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ownership {
    pub site: SiteId,
    pub section: Option<SectionId>,
    pub unit: Option<UnitId>,
}

impl Stage {
    /// The scope in which this stage's role must be held for this article.
    pub fn scope_for(&self, owner: &Ownership) -> Option<Scope> {
        match self.scope {
            ScopeRule::OwnerSection => owner.section.map(Scope::Section),
            ScopeRule::OwnerUnit => owner.unit.map(Scope::Unit),
            ScopeRule::Site => Some(Scope::Site(owner.site)),
        }
    }

    /// Whether someone with these roles does this stage for this article.
    pub fn done_by(&self, roles: &[RoleInScope], owner: &Ownership) -> bool {
        let Some(scope) = self.scope_for(owner) else {
            return false;
        };
        roles
            .iter()
            .any(|r| r.role == self.role && r.scope == scope)
    }
}

/// Whether someone writes for the article's column: a site editor, or a
/// writer whose role is held in the owning section, its unit or the site.
pub fn writes_for(roles: &[RoleInScope], owner: &Ownership) -> bool {
    roles.iter().any(|r| {
        let perms = r.role.permissions();
        if perms.contains(&Permission::ManageSite) {
            return true;
        }
        perms.contains(&Permission::WriteArticles)
            && match r.scope {
                Scope::Section(s) => owner.section == Some(s),
                Scope::Unit(u) => owner.unit == Some(u),
                Scope::Site(s) => s == owner.site,
            }
    })
}

/// Roles that can review: a stage must name one of them.
pub fn reviewing_roles() -> impl Iterator<Item = Role> {
    Role::ALL
        .into_iter()
        .filter(|r| r.permissions().contains(&Permission::ReviewArticles))
}

/// Where a reviewer sends an article back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReturnTo {
    /// To its author, to revise and resubmit.
    Author,
    /// To an earlier stage (0-based), whose reviewers look again.
    Stage(usize),
}

/// Where the article stands after a transition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Waiting at this stage (0-based).
    Review(usize),
    /// Back with its author; a resubmission resumes at `resume`.
    Returned { resume: usize },
    /// Every stage approved: publish now or at its time.
    Approved,
}

/// Why a transition is refused; `code` is a message-catalog key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("the article is not in a state that allows this")]
    WrongState,
    #[error("this person does not do the article's current stage")]
    NotYourStage,
    #[error("the article can only go back to an earlier stage")]
    NotEarlier,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::WrongState => "error.review.wrong_state",
            Refusal::NotYourStage => "error.review.not_your_stage",
            Refusal::NotEarlier => "error.review.not_earlier",
        }
    }
}

/// Submitting (or resubmitting) a draft or returned article. A workflow
/// without stages approves at once (direct publishing).
pub fn submit(status: ArticleStatus, stages: usize, resume: usize) -> Result<Next, Refusal> {
    match status {
        ArticleStatus::Draft | ArticleStatus::Returned if stages == 0 => Ok(Next::Approved),
        ArticleStatus::Draft | ArticleStatus::Returned => Ok(Next::Review(resume.min(stages - 1))),
        _ => Err(Refusal::WrongState),
    }
}

/// Approving the current stage: on to the next, or approved after the last.
pub fn approve(
    status: ArticleStatus,
    stage: usize,
    stages: &[Stage],
    roles: &[RoleInScope],
    owner: &Ownership,
) -> Result<Next, Refusal> {
    let current = current_stage(status, stage, stages)?;
    if !current.done_by(roles, owner) {
        return Err(Refusal::NotYourStage);
    }
    if stage + 1 >= stages.len() {
        Ok(Next::Approved)
    } else {
        Ok(Next::Review(stage + 1))
    }
}

/// Sending back from the current stage to the author or an earlier stage.
pub fn send_back(
    status: ArticleStatus,
    stage: usize,
    stages: &[Stage],
    roles: &[RoleInScope],
    owner: &Ownership,
    to: ReturnTo,
) -> Result<Next, Refusal> {
    let current = current_stage(status, stage, stages)?;
    if !current.done_by(roles, owner) {
        return Err(Refusal::NotYourStage);
    }
    match to {
        ReturnTo::Author => Ok(Next::Returned { resume: stage }),
        ReturnTo::Stage(earlier) if earlier < stage => Ok(Next::Review(earlier)),
        ReturnTo::Stage(_) => Err(Refusal::NotEarlier),
    }
}

fn current_stage(status: ArticleStatus, stage: usize, stages: &[Stage]) -> Result<&Stage, Refusal> {
    if status != ArticleStatus::InReview {
        return Err(Refusal::WrongState);
    }
    stages.get(stage).ok_or(Refusal::WrongState)
}

/// The stages an editor submitted, checked: a name, a reviewing role, a
/// scope rule and a deadline for each; at most ten stages.
pub fn parse_stages(rows: &[(String, String, String, String)]) -> Result<Vec<Stage>, Invalid> {
    let mut invalid = Invalid::default();
    let mut stages = Vec::new();
    for (i, (name, role, scope, days)) in rows.iter().enumerate() {
        let field = |f: &str| format!("stage{i}.{f}");
        let name = invalid.collect(bounded_text(
            name,
            &field("name"),
            30,
            "error.workflow.stage_name",
        ));
        let role = Role::from_code(role.trim()).filter(|r| reviewing_roles().any(|x| x == *r));
        if role.is_none() {
            invalid.push(&field("role"), "error.workflow.stage_role");
        }
        let scope = ScopeRule::from_code(scope.trim());
        if scope.is_none() {
            invalid.push(&field("scope"), "error.workflow.stage_scope");
        }
        let days = match days.trim() {
            "" => Some(0),
            text => text.parse::<i64>().ok().filter(|d| (0..=30).contains(d)),
        };
        if days.is_none() {
            invalid.push(&field("deadline_days"), "error.workflow.stage_deadline");
        }
        if let (Some(name), Some(role), Some(scope), Some(deadline_days)) =
            (name, role, scope, days)
        {
            stages.push(Stage {
                name,
                role,
                scope,
                deadline_days,
            });
        }
    }
    if rows.len() > 10 {
        invalid.push("stages", "error.workflow.too_many");
    }
    invalid.into_result()?;
    Ok(stages)
}

#[cfg(test)]
#[path = "workflow_tests.rs"]
mod tests;
