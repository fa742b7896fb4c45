//! Objections to a notice (异议): the portal's real-name form, accepted only
//! while the notice is in progress, with the Q&A form's challenge and a
//! per-address hourly limit; each goes to the section that owns the
//! notice's column, whose people (and the site editors) handle it in the
//! office inbox. Receiving and handling are audited.

use dangjian_domain::article::ArticleId;
use dangjian_domain::audit::Outcome;
use dangjian_domain::ids::{SectionId, SiteId, UserId};
use dangjian_domain::notice::{NoticeState, ObjectionFields, ObjectionInput, ObjectionStatus};
use dangjian_domain::qa::{Challenge, required};
use dangjian_domain::role::{Permission, Role, Scope};
use dangjian_store::notices::{self as stored, NewObjection, Objection};
use dangjian_store::review::notices::NewNotification;
use dangjian_store::{Conn, columns, review};

use crate::actor::{Actor, Client};
use crate::articles::public::ArticleLookup;
use crate::audit::{Event, Subject};
use crate::qa::{answering_sections, may_answer};
use crate::{App, AppError, Result};

/// Objections one client address may send per hour.
pub const RATE_LIMIT: i64 = 5;
const RATE_WINDOW_MS: i64 = 3600 * 1000;

/// What a new objection's notification says.
struct Received<'a> {
    article: ArticleId,
    title: &'a str,
    /// The objector's name.
    from: &'a str,
}

/// The most objections the inbox reads.
const INBOX_MAX: i64 = 1000;

/// The longest handling note.
const NOTE_MAX: usize = 1000;

/// What the public form submits.
#[derive(Debug, Clone, Copy, Default)]
pub struct ObjectionForm<'a> {
    pub fields: ObjectionFields<'a>,
    pub challenge_token: &'a str,
    pub challenge_answer: &'a str,
}

/// The objections a person may handle.
#[derive(Debug, Clone)]
pub struct ObjectionInbox {
    pub objections: Vec<Objection>,
}

impl App {
    /// An objection from the portal: refused outright unless the notice is
    /// in progress (`Conflict("error.objection.closed")`); then the fields
    /// and challenge are checked (field errors together), then the address's
    /// limit
    /// (`Conflict("error.objection.rate_limited")`).
    pub async fn object_public(
        &self,
        site: SiteId,
        id: ArticleId,
        client: &Client,
        form: &ObjectionForm<'_>,
    ) -> Result<i64> {
        let ArticleLookup::Found(found) = self.public_article(site, id).await? else {
            return Err(AppError::NotFound);
        };
        let open = matches!(
            self.public_notice(id).await?.map(|n| n.state),
            Some(NoticeState::InProgress { .. })
        );
        if !open {
            return Err(AppError::Conflict("error.objection.closed"));
        }
        let parsed = ObjectionInput::parse(form.fields);
        let key = self.challenge_key().await?;
        let now = self.now_ms();
        let solved = Challenge::check(&key, form.challenge_token, form.challenge_answer, now);
        let input = match (parsed, solved) {
            (Ok(input), true) => input,
            (parsed, solved) => {
                let mut invalid = parsed.err().unwrap_or_default();
                if !solved {
                    invalid.push("challenge", "error.qa.challenge");
                }
                return Err(invalid.into());
            }
        };
        let mut tx = self.store().write().await?;
        let recent = stored::objections_since(&mut tx, &client.addr, now - RATE_WINDOW_MS).await?;
        if recent >= RATE_LIMIT {
            return Err(AppError::Conflict("error.objection.rate_limited"));
        }
        let column = columns::column(&mut tx, found.article.primary_column_id).await?;
        let new = NewObjection {
            article: id,
            name: &input.name,
            phone: &input.phone,
            unit: &input.unit,
            content: &input.content,
            received_at: now,
            client_addr: &client.addr,
            section: column.owner_section_id,
        };
        let objection = stored::insert_objection(&mut tx, &new).await?;
        let who = Subject {
            id: None,
            name: "public",
            roles: String::new(),
            client,
        };
        let event = Event::success("objection.receive", format!("objection:{objection}"))
            .with_detail(format!("article:{id}"));
        self.audit(&mut tx, who, event).await?;
        if let Some(section) = column.owner_section_id {
            let about = Received {
                article: id,
                title: &found.article.title,
                from: &input.name,
            };
            self.tell_section(&mut tx, section, &about, now).await?;
        }
        tx.commit().await?;
        Ok(objection)
    }

    /// Tells the people who write or review for the section that an
    /// objection reached it (in the app, and by e-mail where configured):
    /// the rules want an objection looked at within the notice period.
    async fn tell_section(
        &self,
        tx: &mut Conn,
        section: SectionId,
        about: &Received<'_>,
        now: i64,
    ) -> Result<()> {
        let mut people: Vec<UserId> = Vec::new();
        for role in [Role::InfoOfficer, Role::SectionHead] {
            for person in review::holders(tx, role, Scope::Section(section)).await? {
                if !people.contains(&person) {
                    people.push(person);
                }
            }
        }
        let notice = NewNotification {
            kind: "objection.received",
            article: Some(about.article),
            link: None,
            title: about.title,
            actor_name: about.from,
            comment: "",
        };
        for person in people {
            self.notify(tx, person, &notice, now).await?;
        }
        Ok(())
    }

    /// The inbox: site editors see every objection, the people of a
    /// section (who write or review there) those sent to it.
    pub async fn objection_inbox(
        &self,
        actor: &Actor,
        site: SiteId,
        status: Option<ObjectionStatus>,
    ) -> Result<ObjectionInbox> {
        let every = actor.can(Permission::ManageSite);
        let mine = answering_sections(actor);
        if !every && mine.is_empty() {
            self.require(actor, Permission::ManageSite, "objection.view", "objection")
                .await?;
        }
        let mut conn = self.store().read().await?;
        let status = status.map_or("", ObjectionStatus::code);
        let sections = (!every).then_some(mine.as_slice());
        let objections =
            stored::list_objections(&mut conn, site, status, sections, INBOX_MAX).await?;
        Ok(ObjectionInbox { objections })
    }

    /// Marks an objection handled with a note (required).
    pub async fn handle_objection(&self, actor: &Actor, id: i64, note: &str) -> Result<()> {
        let object = format!("objection:{id}");
        let mut invalid = dangjian_domain::Invalid::default();
        let note = required(&mut invalid, "note", note, NOTE_MAX);
        let mut tx = self.store().write().await?;
        let objection = stored::get_objection(&mut tx, id).await?;
        if !may_answer(actor, objection.section_id) {
            drop(tx);
            let event = Event::success("objection.handle", object)
                .with_outcome(Outcome::Denied)
                .with_detail("permission denied");
            self.audit_alone(actor.into(), event).await?;
            return Err(AppError::Forbidden("error.forbidden"));
        }
        invalid.into_result()?;
        if !stored::mark_handled(&mut tx, id, &note, actor.user_id, self.now_ms()).await? {
            return Err(AppError::Conflict("error.objection.already_handled"));
        }
        let event = Event::success("objection.handle", object).with_detail(&note);
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        Ok(())
    }
}
