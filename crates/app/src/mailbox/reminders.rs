//! Deadline reminders: the scheduler looks at the open letters about once
//! a minute and, when one becomes due soon, overdue or reaches the veto
//! alarm, tells the people who must act — the section handling it (its
//! writers and head), and the site editors when nobody has taken it up yet
//! or when the alarm is the veto's. Each level is sent once: the letter's
//! `alarm_level` is raised with a conditional update in the transaction
//! that writes the notifications, so of several nodes exactly one sends.

use dangjian_domain::ids::UserId;
use dangjian_domain::mailbox::{LetterStatus, MailboxPolicy, Urgency};
use dangjian_domain::role::{Role, Scope};
use dangjian_store::mailbox::{self as stored, Letter};
use dangjian_store::review::notices::NewNotification;
use dangjian_store::settings::{self as settings, GLOBAL};
use dangjian_store::{Conn, review};

use crate::{App, Result};

/// The highest reminder level: the veto alarm.
const TOP_LEVEL: i64 = 3;

/// The reminder level of an urgency, and its notification kind.
fn level(urgency: Urgency) -> Option<(i64, &'static str)> {
    match urgency {
        Urgency::OnTime { .. } => None,
        Urgency::DueSoon { .. } => Some((1, "mailbox.due_soon")),
        Urgency::Overdue { .. } => Some((2, "mailbox.overdue")),
        Urgency::VetoAlarm { .. } => Some((TOP_LEVEL, "mailbox.veto_alarm")),
    }
}

impl App {
    /// Sends the reminders that fell due; returns how many letters got one.
    pub async fn remind_mailbox(&self) -> Result<usize> {
        let now = self.now_ms();
        let (open, calendar, policy) = {
            let mut conn = self.store().read().await?;
            let open = stored::open_below_alarm(&mut conn, TOP_LEVEL).await?;
            let calendar = crate::calendar::load(&mut conn).await?;
            let values = settings::all(&mut conn, GLOBAL).await?;
            (open, calendar, MailboxPolicy::from_settings(&values))
        };
        let mut sent = 0;
        for (letter, sent_level) in open {
            let urgency = policy.urgency(&calendar, letter.received_at, letter.due_at, now);
            let Some((due_level, kind)) = level(urgency) else {
                continue;
            };
            if due_level <= sent_level {
                continue;
            }
            let mut tx = self.store().write().await?;
            if !stored::raise_alarm(&mut tx, letter.id, due_level).await? {
                continue;
            }
            let days = urgency.days().to_string();
            for person in self.reminded(&mut tx, &letter, due_level).await? {
                let link = format!("/mailbox/{}", letter.id);
                let notice = NewNotification {
                    kind,
                    article: None,
                    link: Some(&link),
                    title: &letter.subject,
                    actor_name: "",
                    comment: &days,
                };
                self.notify(&mut tx, person, &notice, now).await?;
            }
            tx.commit().await?;
            sent += 1;
        }
        if sent > 0 {
            self.wake_mailer();
        }
        Ok(sent)
    }

    /// Who hears of a letter's deadline at `level`.
    async fn reminded(&self, tx: &mut Conn, letter: &Letter, level: i64) -> Result<Vec<UserId>> {
        let mut people = Vec::new();
        let mut add = |found: Vec<UserId>| {
            for person in found {
                if !people.contains(&person) {
                    people.push(person);
                }
            }
        };
        if let Some(section) = letter.section_id {
            for role in [Role::InfoOfficer, Role::SectionHead] {
                add(review::holders(tx, role, Scope::Section(section)).await?);
            }
        }
        let unassigned = letter.status == LetterStatus::Received.code();
        if unassigned || letter.section_id.is_none() || level == TOP_LEVEL {
            let site = Scope::Site(letter.site_id);
            add(review::holders(tx, Role::SiteEditor, site).await?);
        }
        Ok(people)
    }
}
