//! The office side of the mailbox: the inbox by status with each open
//! letter's urgency, one letter with its files and timeline, and the
//! officer's moves — accept and hand to a section, hand to another,
//! decline with a reason, publish (only what the writer allowed) and
//! withdraw — plus internal notes. Site editors are the mailbox officers
//! and see every letter; the people who write or review for a section see
//! the letters handed to it (a unit's reviewers, those of its sections).
//! Every move and every refusal is audited.

use dangjian_domain::Invalid;
use dangjian_domain::audit::Outcome;
use dangjian_domain::ids::{SectionId, SiteId, UserId};
use dangjian_domain::mailbox::{LetterStatus, MailboxPolicy, Move, NOTE_MAX, Urgency};
use dangjian_domain::qa::{REASON_MAX, required};
use dangjian_domain::role::{Permission, Role, Scope};
use dangjian_domain::workflow::ReturnTo;
use dangjian_store::mailbox::{self as stored, Change, Letter, LetterEvent, LetterFile};
use dangjian_store::org::{self, Section};
use dangjian_store::review::notices::NewNotification;
use dangjian_store::{Conn, review};

use crate::actor::Actor;
use crate::audit::Event;
use crate::{App, AppError, Result};

/// The most letters the inbox reads.
const INBOX_MAX: i64 = 500;

/// What the inbox shows (empty: everything visible).
#[derive(Debug, Clone, Default)]
pub struct MailboxFilter {
    pub status: Option<LetterStatus>,
    pub text: String,
}

/// An inbox row: the letter and, while it is open, how pressing it is.
#[derive(Debug, Clone)]
pub struct InboxLetter {
    pub letter: Letter,
    pub urgency: Option<Urgency>,
}

/// The letters a person may handle, counted per status, and those that
/// match the filter.
#[derive(Debug, Clone)]
pub struct MailboxInbox {
    pub counts: Vec<(LetterStatus, i64)>,
    pub letters: Vec<InboxLetter>,
    /// Open letters due soon, overdue or near the veto (of those listed).
    pub attention: usize,
}

/// What the person looking at a letter may do with it now.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Powers {
    pub accept: bool,
    pub reassign: bool,
    pub refuse: bool,
    pub draft: bool,
    pub review: bool,
    pub publish: bool,
    pub withdraw: bool,
}

/// One letter for the office.
#[derive(Debug, Clone)]
pub struct LetterCase {
    pub letter: Letter,
    pub status: LetterStatus,
    pub files: Vec<LetterFile>,
    pub events: Vec<LetterEvent>,
    pub urgency: Option<Urgency>,
    /// The reply workflow's stage names, and the stage waiting now.
    pub stages: Vec<String>,
    pub stage: Option<usize>,
    pub powers: Powers,
    /// Sections a letter may be handed to (for the officer's form).
    pub sections: Vec<Section>,
}

/// One move on one letter.
#[derive(Debug, Clone)]
pub enum MailboxAction {
    Accept(SectionId),
    Reassign(SectionId),
    Refuse(String),
    Note(String),
    Publish,
    Withdraw,
    /// Saves the draft reply.
    Draft(String),
    /// Saves the draft and sends it into review.
    Submit(String),
    Approve(String),
    Return {
        to: ReturnTo,
        comment: String,
    },
}

impl MailboxAction {
    /// The audit action.
    pub(super) fn code(&self) -> &'static str {
        match self {
            MailboxAction::Accept(_) => "mailbox.accept",
            MailboxAction::Reassign(_) => "mailbox.reassign",
            MailboxAction::Refuse(_) => "mailbox.refuse",
            MailboxAction::Note(_) => "mailbox.note",
            MailboxAction::Publish => "mailbox.publish",
            MailboxAction::Withdraw => "mailbox.withdraw",
            MailboxAction::Draft(_) => "mailbox.draft",
            MailboxAction::Submit(_) => "mailbox.submit",
            MailboxAction::Approve(_) => "mailbox.approve",
            MailboxAction::Return { .. } => "mailbox.return",
        }
    }
}

/// Sections whose letters the actor sees: where they write or review,
/// and every section of a unit (or site) where they do.
pub(super) fn visible_sections(actor: &Actor, sections: &[Section]) -> Vec<SectionId> {
    let handles = |role: Role| {
        let perms = role.permissions();
        perms.contains(&Permission::WriteArticles) || perms.contains(&Permission::ReviewArticles)
    };
    sections
        .iter()
        .filter(|s| {
            actor
                .roles
                .iter()
                .filter(|r| handles(r.role))
                .any(|r| match r.scope {
                    Scope::Section(id) => id == s.id,
                    Scope::Unit(unit) => unit == s.unit_id,
                    Scope::Site(_) => true,
                })
        })
        .map(|s| s.id)
        .collect()
}

/// Whether the actor drafts replies for a letter with `section`: a site
/// editor, or someone who writes or reviews in that very section.
pub(super) fn drafts_for(actor: &Actor, section: Option<SectionId>) -> bool {
    crate::qa::may_answer(actor, section)
}

fn status_of(letter: &Letter) -> Result<LetterStatus> {
    LetterStatus::from_code(&letter.status)
        .ok_or_else(|| AppError::internal(format!("letter {}: bad status", letter.id)))
}

impl App {
    /// The letters' sections the actor sees, None for all (officers).
    async fn letter_scope(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        site: SiteId,
    ) -> Result<Option<Vec<SectionId>>> {
        if actor.can(Permission::ManageSite) {
            return Ok(None);
        }
        let sections = org::sections(conn, site).await?;
        Ok(Some(visible_sections(actor, &sections)))
    }

    /// The mailbox inbox.
    pub async fn mailbox_inbox(
        &self,
        actor: &Actor,
        site: SiteId,
        filter: &MailboxFilter,
    ) -> Result<MailboxInbox> {
        let scope = {
            let mut conn = self.store().read().await?;
            self.letter_scope(&mut conn, actor, site).await?
        };
        if scope.as_ref().is_some_and(Vec::is_empty) {
            self.require(actor, Permission::ManageSite, "mailbox.view", "mailbox")
                .await?;
        }
        let mut conn = self.store().read().await?;
        let sections = scope.as_deref();
        let stored_counts = stored::counts(&mut conn, site, sections).await?;
        let counts = LetterStatus::ALL
            .into_iter()
            .map(|s| {
                let n = stored_counts
                    .iter()
                    .find(|(code, _)| code == s.code())
                    .map_or(0, |(_, n)| *n);
                (s, n)
            })
            .collect();
        let list_filter = stored::Filter {
            status: filter.status.map(LetterStatus::code),
            sections,
            text: filter.text.trim(),
            ..stored::Filter::default()
        };
        let letters = stored::list(&mut conn, site, &list_filter, INBOX_MAX).await?;
        let calendar = crate::calendar::load(&mut conn).await?;
        drop(conn);
        let policy = self.mailbox_policy().await?;
        let now = self.now_ms();
        let letters: Vec<InboxLetter> = letters
            .into_iter()
            .map(|letter| InboxLetter {
                urgency: urgency(&policy, &calendar, &letter, now),
                letter,
            })
            .collect();
        let attention = letters
            .iter()
            .filter(|l| l.urgency.is_some_and(Urgency::needs_attention))
            .count();
        Ok(MailboxInbox {
            counts,
            letters,
            attention,
        })
    }

    /// A letter the actor may see (NotFound otherwise, so nobody learns of
    /// letters outside their sections).
    pub(super) async fn visible_letter(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        site: SiteId,
        id: i64,
    ) -> Result<Letter> {
        let letter = stored::get(conn, site, id).await?;
        let scope = self.letter_scope(conn, actor, site).await?;
        let sees = match (&scope, letter.section_id) {
            (None, _) => true,
            (Some(sections), Some(section)) => sections.contains(&section),
            (Some(_), None) => false,
        };
        if sees {
            Ok(letter)
        } else {
            Err(AppError::NotFound)
        }
    }

    /// One letter for the office, with what the actor may do to it.
    pub async fn mailbox_letter(&self, actor: &Actor, site: SiteId, id: i64) -> Result<LetterCase> {
        let mut conn = self.store().read().await?;
        let letter = self.visible_letter(&mut conn, actor, site, id).await?;
        let status = status_of(&letter)?;
        let files = stored::files(&mut conn, id).await?;
        let events = stored::events(&mut conn, id).await?;
        let calendar = crate::calendar::load(&mut conn).await?;
        let reply = self.reply_view(&mut conn, actor, &letter, status).await?;
        let officer = actor.can(Permission::ManageSite);
        let sections = if officer {
            org::sections(&mut conn, site).await?
        } else {
            Vec::new()
        };
        drop(conn);
        let policy = self.mailbox_policy().await?;
        let powers = Powers {
            accept: officer && Move::Accept.allowed_from(status),
            reassign: officer && Move::Reassign.allowed_from(status),
            refuse: officer && Move::Refuse.allowed_from(status),
            draft: drafts_for(actor, letter.section_id) && Move::Draft.allowed_from(status),
            review: reply.may_review,
            publish: officer && Move::Publish.allowed_from(status) && letter.publish_consent,
            withdraw: officer && Move::Withdraw.allowed_from(status),
        };
        Ok(LetterCase {
            urgency: urgency(&policy, &calendar, &letter, self.now_ms()),
            letter,
            status,
            files,
            events,
            stages: reply.stages,
            stage: reply.stage,
            powers,
            sections,
        })
    }

    /// An attachment's name, type and bytes, for someone who sees its letter.
    pub async fn mailbox_file(
        &self,
        actor: &Actor,
        site: SiteId,
        letter: i64,
        file: i64,
    ) -> Result<(LetterFile, Vec<u8>)> {
        let mut conn = self.store().read().await?;
        self.visible_letter(&mut conn, actor, site, letter).await?;
        let found = stored::files(&mut conn, letter)
            .await?
            .into_iter()
            .find(|f| f.id == file)
            .ok_or(AppError::NotFound)?;
        drop(conn);
        let size = u64::try_from(found.size).unwrap_or(0);
        let bytes = self.objects()?.get_range(&found.hash, 0, size).await?;
        Ok((found, bytes))
    }

    /// Makes one move on a letter, audited (refusals too).
    pub async fn mailbox_act(
        &self,
        actor: &Actor,
        site: SiteId,
        id: i64,
        action: &MailboxAction,
    ) -> Result<()> {
        let letter = {
            let mut conn = self.store().read().await?;
            self.visible_letter(&mut conn, actor, site, id).await?
        };
        let status = status_of(&letter)?;
        match action {
            MailboxAction::Draft(_)
            | MailboxAction::Submit(_)
            | MailboxAction::Approve(_)
            | MailboxAction::Return { .. } => self.reply_act(actor, &letter, status, action).await,
            MailboxAction::Note(text) => self.note_letter(actor, &letter, text).await,
            _ => self.officer_act(actor, &letter, status, action).await,
        }
    }

    /// Refuses and audits a move the actor may not make.
    pub(super) async fn mailbox_denied(
        &self,
        actor: &Actor,
        action: &str,
        id: i64,
        why: &'static str,
    ) -> Result<()> {
        let event = Event::success(action, format!("letter:{id}"))
            .with_outcome(Outcome::Denied)
            .with_detail(why);
        self.audit_alone(actor.into(), event).await?;
        Err(AppError::Forbidden(why))
    }

    async fn note_letter(&self, actor: &Actor, letter: &Letter, text: &str) -> Result<()> {
        let mut invalid = Invalid::default();
        let note = required(&mut invalid, "note", text, NOTE_MAX);
        invalid.into_result()?;
        let now = self.now_ms();
        let mut tx = self.store().write().await?;
        stored::insert_event(
            &mut tx,
            letter.id,
            Some(actor.user_id),
            "note",
            &note,
            "",
            now,
        )
        .await?;
        let event = Event::success("mailbox.note", format!("letter:{}", letter.id));
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn officer_act(
        &self,
        actor: &Actor,
        letter: &Letter,
        status: LetterStatus,
        action: &MailboxAction,
    ) -> Result<()> {
        let id = letter.id;
        if !actor.can(Permission::ManageSite) {
            return self
                .mailbox_denied(actor, action.code(), id, "error.forbidden")
                .await;
        }
        let step = match action {
            MailboxAction::Accept(_) => Move::Accept,
            MailboxAction::Reassign(_) => Move::Reassign,
            MailboxAction::Refuse(_) => Move::Refuse,
            MailboxAction::Publish => Move::Publish,
            _ => Move::Withdraw,
        };
        if !step.allowed_from(status) {
            return Err(AppError::Conflict("error.mailbox.state"));
        }
        if step == Move::Publish && !letter.publish_consent {
            return Err(AppError::Conflict("error.mailbox.no_consent"));
        }
        let mut tx = self.store().write().await?;
        let (detail, section) = match action {
            MailboxAction::Accept(section) | MailboxAction::Reassign(section) => {
                let found = org::sections(&mut tx, letter.site_id)
                    .await?
                    .into_iter()
                    .find(|s| s.id == *section)
                    .ok_or_else(|| Invalid::one("section", "error.mailbox.section"))?;
                (found.name, Some(*section))
            }
            MailboxAction::Refuse(reason) => {
                let mut invalid = Invalid::default();
                let reason = required(&mut invalid, "reason", reason, REASON_MAX);
                invalid.into_result()?;
                (reason, None)
            }
            _ => (String::new(), None),
        };
        let change = match action {
            MailboxAction::Accept(section) => Change::Accept(*section),
            MailboxAction::Reassign(section) => Change::Reassign(*section),
            MailboxAction::Refuse(_) => Change::Refuse(&detail),
            MailboxAction::Publish => Change::Publish,
            _ => Change::Withdraw,
        };
        let now = self.now_ms();
        stored::change(&mut tx, id, status.code(), &change, actor.user_id, now)
            .await
            .map_err(|_| AppError::Conflict("error.mailbox.state"))?;
        let verb = action.code().trim_start_matches("mailbox.");
        stored::insert_event(&mut tx, id, Some(actor.user_id), verb, &detail, "", now).await?;
        if let Some(section) = section {
            self.tell_letter_section(&mut tx, actor, letter, section, "mailbox.assigned", "", now)
                .await?;
        }
        let event = Event::success(action.code(), format!("letter:{id}")).with_detail(detail);
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        self.wake_mailer();
        Ok(())
    }

    /// Tells the people who write or review for `section` about a letter
    /// (in the app, and by e-mail where configured).
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn tell_letter_section(
        &self,
        tx: &mut Conn,
        actor: &Actor,
        letter: &Letter,
        section: SectionId,
        kind: &str,
        comment: &str,
        now: i64,
    ) -> Result<()> {
        let mut people: Vec<UserId> = Vec::new();
        for role in [Role::InfoOfficer, Role::SectionHead] {
            for person in review::holders(tx, role, Scope::Section(section)).await? {
                if !people.contains(&person) && person != actor.user_id {
                    people.push(person);
                }
            }
        }
        let link = format!("/mailbox/{}", letter.id);
        let notice = NewNotification {
            kind,
            article: None,
            link: Some(&link),
            title: &letter.subject,
            actor_name: &actor.display_name,
            comment,
        };
        for person in people {
            self.notify(tx, person, &notice, now).await?;
        }
        Ok(())
    }
}

/// How pressing a letter is, while it is open.
fn urgency(
    policy: &MailboxPolicy,
    calendar: &dangjian_domain::calendar::WorkCalendar,
    letter: &Letter,
    now: i64,
) -> Option<Urgency> {
    let open = LetterStatus::from_code(&letter.status).is_some_and(LetterStatus::is_open);
    open.then(|| policy.urgency(calendar, letter.received_at, letter.due_at, now))
}
