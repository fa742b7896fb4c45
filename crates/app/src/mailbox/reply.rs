//! The reply to a letter goes through the same review workflow as an
//! article (the site's default one, 科室负责人审核 → 分管部长审批 unless the
//! editors changed it): the section drafts and submits, each stage
//! approves or sends back, and only after the last approval does the
//! writer see the reply. The letter's section stands where an article's
//! column owner would, so the same people review it.

use dangjian_domain::Invalid;
use dangjian_domain::article::ArticleStatus;
use dangjian_domain::audit::Outcome;
use dangjian_domain::mailbox::{LetterStatus, REPLY_MAX};
use dangjian_domain::qa::required;
use dangjian_domain::workflow::{self as rules, Next, Ownership, Refusal};
use dangjian_store::mailbox::{self as stored, Change, Letter};
use dangjian_store::review::notices::NewNotification;
use dangjian_store::{Conn, StoreError, org, review};

use super::office::{MailboxAction, drafts_for};
use crate::actor::Actor;
use crate::audit::Event;
use crate::review::Workflow;
use crate::{App, AppError, Result};

/// Longest review comment (as for articles).
const COMMENT_MAX: usize = 500;

/// The reply's place in its workflow, for the letter page.
pub(super) struct ReplyView {
    pub stages: Vec<String>,
    pub stage: Option<usize>,
    pub may_review: bool,
}

/// The workflow status a letter's reply is in.
fn reply_status(status: LetterStatus) -> ArticleStatus {
    match status {
        LetterStatus::Handling => ArticleStatus::Draft,
        LetterStatus::InReview => ArticleStatus::InReview,
        _ => ArticleStatus::Published,
    }
}

fn stage_index(stage: i64) -> usize {
    usize::try_from(stage).unwrap_or(0)
}

fn comment_text(comment: &str, needed: bool) -> Result<String> {
    let text = comment.trim();
    if text.chars().count() > COMMENT_MAX || text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Invalid::one("comment", "error.review.comment_too_long").into());
    }
    if needed && text.is_empty() {
        return Err(Invalid::one("comment", "error.review.comment_required").into());
    }
    Ok(text.to_owned())
}

impl App {
    /// The workflow a letter's reply follows: the one it was submitted to,
    /// else the site's default.
    async fn reply_workflow(&self, conn: &mut Conn, letter: &Letter) -> Result<Workflow> {
        match letter.workflow_id {
            Some(id) => self.workflow_by_id(conn, id).await,
            None => self.default_workflow(conn, letter.site_id).await,
        }
    }

    /// Who owns a letter's reply: its section and that section's unit.
    async fn letter_owner(&self, conn: &mut Conn, letter: &Letter) -> Result<Ownership> {
        let (section, unit) = match letter.section_id {
            Some(id) => match org::section(conn, id).await {
                Ok(s) => (Some(s.id), Some(s.unit_id)),
                Err(StoreError::NotFound) => (None, None),
                Err(other) => return Err(other.into()),
            },
            None => (None, None),
        };
        Ok(Ownership {
            site: letter.site_id,
            section,
            unit,
        })
    }

    pub(super) async fn reply_view(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        letter: &Letter,
        status: LetterStatus,
    ) -> Result<ReplyView> {
        let workflow = match self.reply_workflow(conn, letter).await {
            Ok(workflow) => Some(workflow),
            Err(AppError::Conflict(_) | AppError::NotFound) => None,
            Err(other) => return Err(other),
        };
        let stages = workflow.map(|w| w.stages).unwrap_or_default();
        let stage = (status == LetterStatus::InReview).then(|| stage_index(letter.reply_stage));
        let owner = self.letter_owner(conn, letter).await?;
        let may_review = stage
            .and_then(|s| stages.get(s))
            .is_some_and(|s| s.done_by(&actor.roles, &owner));
        Ok(ReplyView {
            stages: stages.into_iter().map(|s| s.name).collect(),
            stage,
            may_review,
        })
    }

    /// Drafting, submitting, approving or sending back a reply.
    pub(super) async fn reply_act(
        &self,
        actor: &Actor,
        letter: &Letter,
        status: LetterStatus,
        action: &MailboxAction,
    ) -> Result<()> {
        match action {
            MailboxAction::Draft(text) => {
                self.draft_reply(actor, letter, status, text, false).await
            }
            MailboxAction::Submit(text) => {
                self.draft_reply(actor, letter, status, text, true).await
            }
            MailboxAction::Approve(comment) => {
                let comment = comment_text(comment, false)?;
                self.review_reply(actor, letter, status, None, &comment)
                    .await
            }
            MailboxAction::Return { to, comment } => {
                let comment = comment_text(comment, true)?;
                self.review_reply(actor, letter, status, Some(*to), &comment)
                    .await
            }
            _ => Err(AppError::internal("not a reply move")),
        }
    }

    async fn draft_reply(
        &self,
        actor: &Actor,
        letter: &Letter,
        status: LetterStatus,
        text: &str,
        submit: bool,
    ) -> Result<()> {
        let code = if submit {
            "mailbox.submit"
        } else {
            "mailbox.draft"
        };
        if !drafts_for(actor, letter.section_id) {
            return self
                .mailbox_denied(actor, code, letter.id, "error.forbidden")
                .await;
        }
        if status != LetterStatus::Handling {
            return Err(AppError::Conflict("error.mailbox.state"));
        }
        let mut invalid = Invalid::default();
        let reply = required(&mut invalid, "reply", text, REPLY_MAX);
        invalid.into_result()?;
        let now = self.now_ms();
        let mut tx = self.store().write().await?;
        let from = status.code();
        stored::change(
            &mut tx,
            letter.id,
            from,
            &Change::Draft(&reply),
            actor.user_id,
            now,
        )
        .await
        .map_err(|_| AppError::Conflict("error.mailbox.state"))?;
        let mut detail = String::new();
        if submit {
            let workflow = self.default_workflow(&mut tx, letter.site_id).await?;
            let resume = stage_index(letter.reply_resume);
            let next = rules::submit(ArticleStatus::Draft, workflow.stages.len(), resume)
                .map_err(|why| AppError::Conflict(why.code()))?;
            let submitted = Change::Submit {
                workflow: workflow.id,
                stage: 0,
            };
            stored::change(&mut tx, letter.id, from, &submitted, actor.user_id, now).await?;
            stored::insert_event(
                &mut tx,
                letter.id,
                Some(actor.user_id),
                "submit",
                "",
                "",
                now,
            )
            .await?;
            let owner = self.letter_owner(&mut tx, letter).await?;
            detail = self
                .advance(&mut tx, actor, letter, &workflow, &owner, next, "", now)
                .await?;
        } else {
            stored::insert_event(
                &mut tx,
                letter.id,
                Some(actor.user_id),
                "draft",
                "",
                "",
                now,
            )
            .await?;
        }
        let event = Event::success(code, format!("letter:{}", letter.id)).with_detail(detail);
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        self.wake_mailer();
        Ok(())
    }

    /// Approves the reply's current stage (`to` None) or sends it back.
    async fn review_reply(
        &self,
        actor: &Actor,
        letter: &Letter,
        status: LetterStatus,
        to: Option<rules::ReturnTo>,
        comment: &str,
    ) -> Result<()> {
        let code = if to.is_some() {
            "mailbox.return"
        } else {
            "mailbox.approve"
        };
        let mut tx = self.store().write().await?;
        let workflow = self.reply_workflow(&mut tx, letter).await?;
        let owner = self.letter_owner(&mut tx, letter).await?;
        let stage = stage_index(letter.reply_stage);
        let roles = &actor.roles;
        let state = reply_status(status);
        let next = match to {
            None => rules::approve(state, stage, &workflow.stages, roles, &owner),
            Some(to) => rules::send_back(state, stage, &workflow.stages, roles, &owner, to),
        };
        let next = match next {
            Ok(next) => next,
            Err(why) => {
                drop(tx);
                return Err(self.reply_refused(actor, code, letter.id, why).await);
            }
        };
        let now = self.now_ms();
        let stage_name = workflow.stages.get(stage).map_or("", |s| s.name.as_str());
        let verb = if to.is_some() { "return" } else { "approve" };
        stored::insert_event(
            &mut tx,
            letter.id,
            Some(actor.user_id),
            verb,
            comment,
            stage_name,
            now,
        )
        .await?;
        let detail = self
            .advance(
                &mut tx, actor, letter, &workflow, &owner, next, comment, now,
            )
            .await?;
        let event = Event::success(code, format!("letter:{}", letter.id))
            .with_detail(format!("{stage_name}: {detail} {comment}"));
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        self.wake_mailer();
        Ok(())
    }

    async fn reply_refused(&self, actor: &Actor, code: &str, id: i64, why: Refusal) -> AppError {
        let event = Event::success(code, format!("letter:{id}"))
            .with_outcome(Outcome::Denied)
            .with_detail(why.code());
        if let Err(error) = self.audit_alone(actor.into(), event).await {
            return error;
        }
        match why {
            Refusal::NotYourStage => AppError::Forbidden(why.code()),
            Refusal::WrongState | Refusal::NotEarlier => AppError::Conflict(why.code()),
        }
    }

    /// Writes where the reply stands after a move and tells the people
    /// concerned; returns the audit detail.
    #[allow(clippy::too_many_arguments)]
    async fn advance(
        &self,
        tx: &mut Conn,
        actor: &Actor,
        letter: &Letter,
        workflow: &Workflow,
        owner: &Ownership,
        next: Next,
        comment: &str,
        now: i64,
    ) -> Result<String> {
        let id = letter.id;
        let from = LetterStatus::InReview.code();
        match next {
            Next::Review(stage) => {
                let at = i64::try_from(stage).unwrap_or(0);
                stored::change(tx, id, from, &Change::Stage(at), actor.user_id, now).await?;
                self.tell_stage(tx, actor, letter, workflow, owner, stage, now)
                    .await?;
                Ok(format!("stage {}", stage + 1))
            }
            Next::Returned { resume } => {
                let resume = i64::try_from(resume).unwrap_or(0);
                let back = Change::Return { resume };
                stored::change(tx, id, from, &back, actor.user_id, now).await?;
                if let Some(section) = letter.section_id {
                    self.tell_letter_section(
                        tx,
                        actor,
                        letter,
                        section,
                        "mailbox.returned",
                        comment,
                        now,
                    )
                    .await?;
                }
                Ok("returned".to_owned())
            }
            Next::Approved => {
                stored::change(tx, id, from, &Change::Approve, actor.user_id, now).await?;
                stored::insert_event(tx, id, Some(actor.user_id), "replied", "", "", now).await?;
                if let Some(section) = letter.section_id {
                    self.tell_letter_section(
                        tx,
                        actor,
                        letter,
                        section,
                        "mailbox.replied",
                        "",
                        now,
                    )
                    .await?;
                }
                Ok("replied".to_owned())
            }
        }
    }

    /// Tells those who do `stage` for this reply that it waits for them.
    #[allow(clippy::too_many_arguments)]
    async fn tell_stage(
        &self,
        tx: &mut Conn,
        actor: &Actor,
        letter: &Letter,
        workflow: &Workflow,
        owner: &Ownership,
        stage: usize,
        now: i64,
    ) -> Result<()> {
        let Some(step) = workflow.stages.get(stage) else {
            return Ok(());
        };
        let Some(scope) = step.scope_for(owner) else {
            return Ok(());
        };
        let link = format!("/mailbox/{}", letter.id);
        let notice = NewNotification {
            kind: "mailbox.waiting",
            article: None,
            link: Some(&link),
            title: &letter.subject,
            actor_name: &actor.display_name,
            comment: "",
        };
        for person in review::holders(tx, step.role, scope).await? {
            if person != actor.user_id {
                self.notify(tx, person, &notice, now).await?;
            }
        }
        Ok(())
    }
}
