//! Moving an article through its workflow: submit, approve stage by stage,
//! send back to the author or an earlier stage, and publish (now or at its
//! minute) after the last approval. Every move is one transaction with its
//! timeline entry, its notifications and its audit record; a refused move
//! is audited too.

use dangjian_domain::article::{ArticleId, ArticleStatus};
use dangjian_domain::audit::Outcome;
use dangjian_domain::ids::UserId;
use dangjian_domain::workflow::{self as rules, Next, Ownership, Refusal, ReturnTo, writes_for};
use dangjian_store::articles::{self as articles, Article};
use dangjian_store::review::notices::NewNotification;
use dangjian_store::review::{self as stored, NewEvent, ReviewState, jobs};
use dangjian_store::{Conn, media};

use super::Workflow;
use crate::actor::Actor;
use crate::articles::sanitize::sanitize_body;
use crate::audit::Event;
use crate::changes::Change;
use crate::{App, AppError, Result};

/// Longest review comment.
const MAX_COMMENT: usize = 500;

/// Where an article ended up after a move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Moved {
    /// Waiting at this stage (0-based) named so.
    AtStage(usize, String),
    /// Back with its author.
    Returned,
    /// Published now.
    Published,
    /// Approved; published by the scheduler at this time.
    Scheduled(i64),
    /// An approved edit, merged into the published article `into`, which
    /// is listed in `columns`.
    Merged {
        into: ArticleId,
        columns: Vec<dangjian_domain::column::ColumnId>,
    },
}

/// An article loaded for a move, with its workflow and owner.
struct Case {
    article: Article,
    /// Every column it is listed in (primary and further).
    columns: Vec<dangjian_domain::column::ColumnId>,
    state: ReviewState,
    workflow: Workflow,
    owner: Ownership,
}

fn comment_text(comment: &str) -> Result<String> {
    let text = comment.trim();
    if text.chars().count() > MAX_COMMENT || text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(
            dangjian_domain::Invalid::one("comment", "error.review.comment_too_long").into(),
        );
    }
    Ok(text.to_owned())
}

fn stage_index(stage: i64) -> usize {
    usize::try_from(stage).unwrap_or(0)
}

impl App {
    async fn load_case(&self, conn: &mut Conn, id: ArticleId) -> Result<Case> {
        let article = articles::get(conn, id).await?;
        let state = stored::review_state(conn, id).await?;
        let workflow = self
            .workflow_for(conn, article.site_id, article.primary_column_id)
            .await?;
        let owner = self
            .ownership(conn, article.site_id, article.primary_column_id)
            .await?;
        let mut columns = articles::extra_columns(conn, id).await?;
        columns.push(article.primary_column_id);
        Ok(Case {
            article,
            columns,
            state,
            workflow,
            owner,
        })
    }

    /// Audits a refused move and turns it into the error the person sees.
    async fn refuse(&self, actor: &Actor, action: &str, id: ArticleId, why: Refusal) -> AppError {
        let event = Event::success(action, format!("article:{id}"))
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

    /// Submits a draft or returned article to its workflow (提交审核). A
    /// workflow without stages publishes at once.
    pub async fn submit_article(&self, actor: &Actor, id: ArticleId) -> Result<Moved> {
        let mut tx = self.store().write().await?;
        let case = self.load_case(&mut tx, id).await?;
        if !writes_for(&actor.roles, &case.owner) {
            drop(tx);
            return Err(self
                .refuse(actor, "article.submit", id, Refusal::NotYourStage)
                .await);
        }
        let next = rules::submit(
            case.state.status,
            case.workflow.stages.len(),
            stage_index(case.state.resume_stage),
        );
        let next = match next {
            Ok(next) => next,
            Err(why) => {
                drop(tx);
                return Err(self.refuse(actor, "article.submit", id, why).await);
            }
        };
        if self.lacks_alt_text(&mut tx, &case.article).await? {
            drop(tx);
            let event = Event::success("article.submit", format!("article:{id}"))
                .with_outcome(Outcome::Failure)
                .with_detail("images without alt text");
            self.audit_alone(actor.into(), event).await?;
            return Err(
                dangjian_domain::Invalid::one("body", "error.article.images_need_alt").into(),
            );
        }
        let event = NewEvent {
            article: id,
            actor: Some(actor.user_id),
            action: "submit",
            stage: None,
            to_stage: None,
            comment: "",
        };
        let now = self.now_ms();
        stored::insert_event(&mut tx, &event, now).await?;
        let moved = self.apply(&mut tx, actor, &case, next, now).await?;
        let audit = Event::success("article.submit", format!("article:{id}"))
            .with_detail(format!("{moved:?}"));
        self.audit(&mut tx, actor.into(), audit).await?;
        tx.commit().await?;
        self.after_move(&case, &moved).await;
        Ok(moved)
    }

    /// Approves the article's current stage, with an optional comment.
    pub async fn approve_article(
        &self,
        actor: &Actor,
        id: ArticleId,
        comment: &str,
    ) -> Result<Moved> {
        let comment = comment_text(comment)?;
        let mut tx = self.store().write().await?;
        let case = self.load_case(&mut tx, id).await?;
        let stage = stage_index(case.state.stage);
        let next = rules::approve(
            case.state.status,
            stage,
            &case.workflow.stages,
            &actor.roles,
            &case.owner,
        );
        let next = match next {
            Ok(next) => next,
            Err(why) => {
                drop(tx);
                return Err(self.refuse(actor, "article.approve", id, why).await);
            }
        };
        if next == Next::Approved && self.lacks_alt_text(&mut tx, &case.article).await? {
            return Err(
                dangjian_domain::Invalid::one("body", "error.article.images_need_alt").into(),
            );
        }
        let now = self.now_ms();
        let event = NewEvent {
            article: id,
            actor: Some(actor.user_id),
            action: "approve",
            stage: Some(case.state.stage),
            to_stage: None,
            comment: &comment,
        };
        stored::insert_event(&mut tx, &event, now).await?;
        let moved = self.apply(&mut tx, actor, &case, next, now).await?;
        let stage_name = case.workflow.stages.get(stage).map(|s| s.name.as_str());
        let audit = Event::success("article.approve", format!("article:{id}"))
            .with_detail(format!("{}: {moved:?} {comment}", stage_name.unwrap_or("")));
        self.audit(&mut tx, actor.into(), audit).await?;
        tx.commit().await?;
        self.after_move(&case, &moved).await;
        Ok(moved)
    }

    /// Sends the article back to its author or an earlier stage; the
    /// comment says why and is required.
    pub async fn return_article(
        &self,
        actor: &Actor,
        id: ArticleId,
        to: ReturnTo,
        comment: &str,
    ) -> Result<Moved> {
        let comment = comment_text(comment)?;
        if comment.is_empty() {
            return Err(
                dangjian_domain::Invalid::one("comment", "error.review.comment_required").into(),
            );
        }
        let mut tx = self.store().write().await?;
        let case = self.load_case(&mut tx, id).await?;
        let stage = stage_index(case.state.stage);
        let next = rules::send_back(
            case.state.status,
            stage,
            &case.workflow.stages,
            &actor.roles,
            &case.owner,
            to,
        );
        let next = match next {
            Ok(next) => next,
            Err(why) => {
                drop(tx);
                return Err(self.refuse(actor, "article.return", id, why).await);
            }
        };
        let now = self.now_ms();
        let to_stage = match to {
            ReturnTo::Author => None,
            ReturnTo::Stage(s) => i64::try_from(s).ok(),
        };
        let event = NewEvent {
            article: id,
            actor: Some(actor.user_id),
            action: "return",
            stage: Some(case.state.stage),
            to_stage,
            comment: &comment,
        };
        stored::insert_event(&mut tx, &event, now).await?;
        let moved = self.apply(&mut tx, actor, &case, next, now).await?;
        self.notify_returned(&mut tx, actor, &case, &comment, now)
            .await?;
        let audit = Event::success("article.return", format!("article:{id}"))
            .with_detail(format!("{moved:?}: {comment}"));
        self.audit(&mut tx, actor.into(), audit).await?;
        tx.commit().await?;
        self.wake_mailer();
        Ok(moved)
    }

    /// Marks that `actor` is looking at the article now, if they do its
    /// current stage (others see "正在由 … 审核").
    pub async fn open_for_review(&self, actor: &Actor, id: ArticleId) -> Result<bool> {
        let mut tx = self.store().write().await?;
        let case = self.load_case(&mut tx, id).await?;
        let stage = stage_index(case.state.stage);
        let mine = case.state.status == ArticleStatus::InReview
            && case
                .workflow
                .stages
                .get(stage)
                .is_some_and(|s| s.done_by(&actor.roles, &case.owner));
        if mine {
            stored::mark_reviewing(&mut tx, id, actor.user_id, self.now_ms()).await?;
            tx.commit().await?;
        }
        Ok(mine)
    }

    /// Writes the new review state, and publishes or schedules an article
    /// whose last stage approved.
    async fn apply(
        &self,
        tx: &mut Conn,
        actor: &Actor,
        case: &Case,
        next: Next,
        now: i64,
    ) -> Result<Moved> {
        let id = case.article.id;
        let mut state = ReviewState {
            reviewing_by: None,
            reviewing_at: None,
            ..case.state.clone()
        };
        let moved = match next {
            Next::Review(stage) => {
                let days = case
                    .workflow
                    .stages
                    .get(stage)
                    .map_or(0, |s| s.deadline_days);
                state.status = ArticleStatus::InReview;
                state.stage = i64::try_from(stage).unwrap_or(0);
                state.stage_due_at = if days > 0 {
                    let calendar = crate::calendar::load(tx).await?;
                    Some(calendar.add_working_days(now, days))
                } else {
                    None
                };
                let name = case.workflow.stages.get(stage).map(|s| s.name.clone());
                self.notify_stage(tx, actor, case, stage, now).await?;
                Moved::AtStage(stage, name.unwrap_or_default())
            }
            Next::Returned { resume } => {
                state.status = ArticleStatus::Returned;
                state.resume_stage = i64::try_from(resume).unwrap_or(0);
                state.stage_due_at = None;
                Moved::Returned
            }
            Next::Approved => {
                state.stage_due_at = None;
                state.resume_stage = 0;
                match stored::revises(tx, id).await? {
                    Some(original) => {
                        let columns = self
                            .merge_edit(tx, actor, &case.article, original, now)
                            .await?;
                        state.status = ArticleStatus::Merged;
                        Moved::Merged {
                            into: original,
                            columns,
                        }
                    }
                    None => {
                        self.release(tx, actor.user_id, &case.article, &mut state, now)
                            .await?
                    }
                }
            }
        };
        stored::set_review(tx, id, &state).await?;
        Ok(moved)
    }

    /// Publishes an approved article now, or leaves it to the scheduler
    /// when its publish time is still ahead.
    pub(crate) async fn release(
        &self,
        tx: &mut Conn,
        by: UserId,
        article: &Article,
        state: &mut ReviewState,
        now: i64,
    ) -> Result<Moved> {
        let id = article.id;
        jobs::cancel(tx, id, Some(super::scheduler::PUBLISH), now).await?;
        let moved = if article.publish_at > now {
            state.status = ArticleStatus::Scheduled;
            jobs::insert(tx, super::scheduler::PUBLISH, id, article.publish_at, now).await?;
            Moved::Scheduled(article.publish_at)
        } else {
            state.status = ArticleStatus::Published;
            // Its public date is the day it went out, not the day it was begun.
            stored::set_publish_at(tx, id, now).await?;
            Moved::Published
        };
        if let Some(until) = state.unpublish_at.filter(|u| *u > now) {
            jobs::cancel(tx, id, Some(super::scheduler::UNPUBLISH), now).await?;
            jobs::insert(tx, super::scheduler::UNPUBLISH, id, until, now).await?;
        }
        let event = NewEvent {
            article: id,
            actor: Some(by),
            action: if moved == Moved::Published {
                "publish"
            } else {
                "schedule"
            },
            stage: None,
            to_stage: None,
            comment: "",
        };
        stored::insert_event(tx, &event, now).await?;
        if let Some(author) = article.created_by.filter(|a| *a != by) {
            let notice = NewNotification {
                kind: "review.published",
                article: Some(id),
                link: None,
                title: &article.title,
                actor_name: "",
                comment: "",
            };
            self.notify(tx, author, &notice, now).await?;
        }
        Ok(moved)
    }

    /// After commit: the mail the move wrote goes out, and a publication
    /// refreshes the pages that list it.
    async fn after_move(&self, case: &Case, moved: &Moved) {
        self.wake_mailer();
        match moved {
            Moved::Published => self.announce(Change::Article {
                id: case.article.id,
                columns: case.columns.clone(),
            }),
            Moved::Merged { into, columns } => self.announce(Change::Article {
                id: *into,
                columns: columns.clone(),
            }),
            _ => {}
        }
    }

    async fn lacks_alt_text(&self, conn: &mut Conn, article: &Article) -> Result<bool> {
        let body = sanitize_body(&article.body_html);
        if !body.images_without_alt().is_empty() {
            return Ok(true);
        }
        Ok(match article.cover_media_id {
            Some(cover) => !media::images_missing_alt(conn, &[cover]).await?.is_empty(),
            None => false,
        })
    }

    /// Tells those who do `stage` for this article that it waits for them.
    async fn notify_stage(
        &self,
        tx: &mut Conn,
        actor: &Actor,
        case: &Case,
        stage: usize,
        now: i64,
    ) -> Result<()> {
        let Some(scope) = case
            .workflow
            .stages
            .get(stage)
            .and_then(|s| s.scope_for(&case.owner))
        else {
            return Ok(());
        };
        let role = case.workflow.stages[stage].role;
        let notice = NewNotification {
            kind: "review.waiting",
            article: Some(case.article.id),
            link: None,
            title: &case.article.title,
            actor_name: &actor.display_name,
            comment: "",
        };
        for person in stored::holders(tx, role, scope).await? {
            if person != actor.user_id {
                self.notify(tx, person, &notice, now).await?;
            }
        }
        Ok(())
    }

    /// A return is told to the author and to everyone who approved before.
    async fn notify_returned(
        &self,
        tx: &mut Conn,
        actor: &Actor,
        case: &Case,
        comment: &str,
        now: i64,
    ) -> Result<()> {
        let mut people: Vec<UserId> = case.article.created_by.into_iter().collect();
        for event in stored::events(tx, case.article.id).await? {
            if event.action == "approve"
                && let Some(who) = event.actor_id
                && !people.contains(&who)
            {
                people.push(who);
            }
        }
        let notice = NewNotification {
            kind: "review.returned",
            article: Some(case.article.id),
            link: None,
            title: &case.article.title,
            actor_name: &actor.display_name,
            comment,
        };
        for person in people.into_iter().filter(|p| *p != actor.user_id) {
            self.notify(tx, person, &notice, now).await?;
        }
        Ok(())
    }
}
