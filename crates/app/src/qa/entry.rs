//! Questions that reached the department otherwise (电话, 来信, 来访),
//! entered by a site editor on the office inbox. They are the editor's
//! own record of a real person's question, so there is no challenge and
//! no rate limit; they then go through the same handling as the portal's.

use dangjian_domain::ids::SiteId;
use dangjian_domain::qa::{AskFields, OFFICE_ORIGINS, QuestionInput};
use dangjian_domain::role::Permission;

use dangjian_store::qa::Topic;

use crate::actor::{Actor, Client};
use crate::audit::Event;
use crate::{App, Result};

/// What the office entry form submits.
#[derive(Debug, Clone, Copy, Default)]
pub struct OfficeEntry<'a> {
    pub fields: AskFields<'a>,
    /// `phone`, `letter` or `visit`.
    pub origin: &'a str,
}

impl App {
    /// The topics for the entry form, to site editors only (a refusal is
    /// audited as `qa.enter`, like the entry itself).
    pub async fn qa_entry_topics(&self, actor: &Actor, site: SiteId) -> Result<Vec<Topic>> {
        self.require(actor, Permission::ManageSite, "qa.enter", "qa")
            .await?;
        self.qa_topics(site).await
    }

    /// Enters a question received by phone, letter or visit (audited
    /// `qa.enter`); it starts 待分派 like any other.
    pub async fn qa_enter(
        &self,
        actor: &Actor,
        site: SiteId,
        entry: &OfficeEntry<'_>,
    ) -> Result<i64> {
        self.require(actor, Permission::ManageSite, "qa.enter", "qa")
            .await?;
        let origin = OFFICE_ORIGINS
            .into_iter()
            .find(|o| *o == entry.origin.trim());
        let (input, origin) = match (QuestionInput::parse(entry.fields), origin) {
            (Ok(input), Some(origin)) => (input, origin),
            (parsed, origin) => {
                let mut invalid = parsed.err().unwrap_or_default();
                if origin.is_none() {
                    invalid.push("origin", "error.qa.origin");
                }
                return Err(invalid.into());
            }
        };
        self.check_topic(site, input.topic_id).await?;
        // No address: the portal's hourly limit counts addresses, and an
        // editor's entries must never use up a reader's allowance.
        let nowhere = Client::new("", "");
        let mut tx = self.store().write().await?;
        let id = self
            .insert_question(&mut tx, site, &input, origin, &nowhere)
            .await?;
        let event = Event::success("qa.enter", format!("qa:{id}"))
            .with_detail(format!("{origin} {}", input.title));
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        Ok(id)
    }
}
