//! The office side of 解疑释惑: the inbox by status, and the moves of one
//! question — assign to a section, answer, publish, keep out with a reason,
//! link to an existing answer. Site editors do everything; the people of
//! the assigned section who write or review articles answer. Every move
//! and every refusal is audited.

use dangjian_domain::Invalid;
use dangjian_domain::audit::Outcome;
use dangjian_domain::ids::{SectionId, SiteId};
use dangjian_domain::qa::{ANSWER_MAX, Move, REASON_MAX, Status, required};
use dangjian_domain::role::{Permission, Scope};
use dangjian_store::org;
use dangjian_store::qa::{self as stored, Change, Question};

use crate::actor::Actor;
use crate::audit::Event;
use crate::{App, AppError, Result};

/// The most questions the inbox reads.
const INBOX_MAX: i64 = 1000;

/// What the inbox shows (empty: everything visible).
#[derive(Debug, Clone, Default)]
pub struct InboxFilter {
    pub status: Option<Status>,
    pub topic_id: Option<i64>,
}

/// The questions a person may handle, counted per status, and those that
/// match the filter.
#[derive(Debug, Clone)]
pub struct Inbox {
    pub counts: Vec<(Status, i64)>,
    pub questions: Vec<Question>,
}

/// One move on one question.
#[derive(Debug, Clone)]
pub enum QaAction {
    Assign(SectionId),
    Answer(String),
    Publish,
    Refuse(String),
    Link(i64),
}

impl QaAction {
    fn step(&self) -> Move {
        match self {
            QaAction::Assign(_) => Move::Assign,
            QaAction::Answer(_) => Move::Answer,
            QaAction::Publish => Move::Publish,
            QaAction::Refuse(_) => Move::Refuse,
            QaAction::Link(_) => Move::Link,
        }
    }

    /// The audit action.
    fn code(&self) -> &'static str {
        match self {
            QaAction::Assign(_) => "qa.assign",
            QaAction::Answer(_) => "qa.answer",
            QaAction::Publish => "qa.publish",
            QaAction::Refuse(_) => "qa.refuse",
            QaAction::Link(_) => "qa.link",
        }
    }
}

/// Sections in which the actor answers questions (holds a role there that
/// writes or reviews articles).
pub fn answering_sections(actor: &Actor) -> Vec<SectionId> {
    actor
        .roles
        .iter()
        .filter(|r| {
            let perms = r.role.permissions();
            perms.contains(&Permission::WriteArticles)
                || perms.contains(&Permission::ReviewArticles)
        })
        .filter_map(|r| match r.scope {
            Scope::Section(id) => Some(id),
            _ => None,
        })
        .collect()
}

/// Whether the actor may answer a question assigned to `section`.
pub fn may_answer(actor: &Actor, section: Option<SectionId>) -> bool {
    actor.can(Permission::ManageSite)
        || section.is_some_and(|s| answering_sections(actor).contains(&s))
}

/// Whether the actor sees the question in the office.
fn may_see(actor: &Actor, question: &Question) -> bool {
    may_answer(actor, question.section_id)
}

impl App {
    /// Refuses and audits a move the actor may not make.
    async fn qa_denied(&self, actor: &Actor, action: &str, id: i64) -> Result<()> {
        let event = Event::success(action, format!("qa:{id}"))
            .with_outcome(Outcome::Denied)
            .with_detail("permission denied");
        self.audit_alone(actor.into(), event).await?;
        Err(AppError::Forbidden("error.forbidden"))
    }

    /// The inbox: site editors see every question, section people those
    /// assigned to their sections.
    pub async fn qa_inbox(
        &self,
        actor: &Actor,
        site: SiteId,
        filter: &InboxFilter,
    ) -> Result<Inbox> {
        if !actor.can(Permission::ManageSite) && answering_sections(actor).is_empty() {
            self.require(actor, Permission::ManageSite, "qa.view", "qa")
                .await?;
        }
        let mut conn = self.store().read().await?;
        let visible: Vec<Question> =
            stored::list(&mut conn, site, &stored::Filter::default(), INBOX_MAX)
                .await?
                .into_iter()
                .filter(|q| may_see(actor, q))
                .collect();
        let counts = Status::ALL
            .into_iter()
            .map(|s| {
                (
                    s,
                    visible.iter().filter(|q| q.status == s.code()).count() as i64,
                )
            })
            .collect();
        let questions = visible
            .into_iter()
            .filter(|q| filter.status.is_none_or(|s| q.status == s.code()))
            .filter(|q| filter.topic_id.is_none_or(|t| q.topic_id == t))
            .collect();
        Ok(Inbox { counts, questions })
    }

    /// One question for the office (NotFound for what the actor may not see,
    /// so nobody learns of questions outside their sections).
    pub async fn qa_question(&self, actor: &Actor, site: SiteId, id: i64) -> Result<Question> {
        let mut conn = self.store().read().await?;
        let question = stored::get(&mut conn, site, id).await?;
        if !may_see(actor, &question) {
            return Err(AppError::NotFound);
        }
        Ok(question)
    }

    /// The published questions a new one may be linked to.
    pub async fn qa_link_targets(&self, site: SiteId, exclude: i64) -> Result<Vec<Question>> {
        let mut conn = self.store().read().await?;
        let filter = stored::Filter {
            status: Some(Status::Published.code()),
            ..stored::Filter::default()
        };
        Ok(stored::list(&mut conn, site, &filter, INBOX_MAX)
            .await?
            .into_iter()
            .filter(|q| q.id != exclude && q.answered_by_link.is_none())
            .collect())
    }

    /// Makes one move on a question, audited.
    pub async fn qa_act(
        &self,
        actor: &Actor,
        site: SiteId,
        id: i64,
        action: &QaAction,
    ) -> Result<()> {
        let question = {
            let mut conn = self.store().read().await?;
            stored::get(&mut conn, site, id).await?
        };
        let allowed = match action {
            QaAction::Answer(_) => may_answer(actor, question.section_id),
            _ => actor.can(Permission::ManageSite),
        };
        if !allowed {
            return self.qa_denied(actor, action.code(), id).await;
        }
        let status = Status::from_code(&question.status)
            .ok_or_else(|| AppError::internal(format!("question {id}: bad status")))?;
        if !action.step().allowed_from(status) {
            return Err(AppError::Conflict("error.qa.state"));
        }
        let (change, detail) = self.qa_checked(site, id, action).await?;
        let mut tx = self.store().write().await?;
        stored::change(
            &mut tx,
            id,
            status.code(),
            &change,
            actor.user_id,
            self.now_ms(),
        )
        .await
        .map_err(|_| AppError::Conflict("error.qa.state"))?;
        let event = Event::success(action.code(), format!("qa:{id}")).with_detail(detail);
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// The store's change for a move, with its input checked, and the
    /// audit detail.
    async fn qa_checked<'a>(
        &self,
        site: SiteId,
        id: i64,
        action: &'a QaAction,
    ) -> Result<(Change<'a>, String)> {
        let mut conn = self.store().read().await?;
        Ok(match action {
            QaAction::Assign(section) => {
                let known = org::sections(&mut conn, site).await?;
                let Some(found) = known.iter().find(|s| s.id == *section) else {
                    return Err(Invalid::one("section", "error.qa.section").into());
                };
                (Change::Assign(*section), found.name.clone())
            }
            QaAction::Answer(text) => {
                let mut invalid = Invalid::default();
                required(&mut invalid, "answer", text, ANSWER_MAX);
                invalid.into_result()?;
                (Change::Answer(text.trim()), String::new())
            }
            QaAction::Publish => (Change::Publish, String::new()),
            QaAction::Refuse(reason) => {
                let mut invalid = Invalid::default();
                required(&mut invalid, "reason", reason, REASON_MAX);
                invalid.into_result()?;
                (Change::Refuse(reason.trim()), reason.trim().to_owned())
            }
            QaAction::Link(target) => {
                let found = stored::get(&mut conn, site, *target).await.ok();
                let usable = found.as_ref().is_some_and(|t| {
                    t.id != id
                        && t.status == Status::Published.code()
                        && t.answered_by_link.is_none()
                });
                if !usable {
                    return Err(Invalid::one("target", "error.qa.target").into());
                }
                (Change::Link(*target), format!("qa:{target}"))
            }
        })
    }
}
