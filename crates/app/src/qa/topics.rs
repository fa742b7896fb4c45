//! The site editors' list of question topics: add one, rename it, move it
//! in the list. A topic is never deleted here (questions keep pointing at
//! it); names are unique per site so the ask form's select is unambiguous.
//! Every change is audited, and so is every refusal.

use dangjian_domain::Invalid;
use dangjian_domain::ids::SiteId;
use dangjian_domain::qa::TopicInput;
use dangjian_domain::role::Permission;
use dangjian_store::Conn;
use dangjian_store::qa::{self as stored, Topic};
use rand::Rng;

use crate::actor::Actor;
use crate::audit::Event;
use crate::{App, AppError, Result};

/// What the topic forms submit.
#[derive(Debug, Clone, Copy, Default)]
pub struct TopicForm<'a> {
    pub name: &'a str,
    /// Place in the list; empty puts a new topic last and keeps an
    /// existing one where it is.
    pub sort_order: &'a str,
}

impl App {
    /// Every topic of the site with its place, for the editors' page.
    pub async fn qa_topic_admin(&self, actor: &Actor, site: SiteId) -> Result<Vec<Topic>> {
        self.require(actor, Permission::ManageSite, "qa.topic.view", "qa_topic")
            .await?;
        self.qa_topics(site).await
    }

    /// Adds a topic (audited `qa.topic.create`).
    pub async fn qa_topic_create(
        &self,
        actor: &Actor,
        site: SiteId,
        form: &TopicForm<'_>,
    ) -> Result<i64> {
        self.require(actor, Permission::ManageSite, "qa.topic.create", "qa_topic")
            .await?;
        let input = TopicInput::parse(form.name, form.sort_order)?;
        let mut tx = self.store().write().await?;
        name_free(&mut tx, site, &input.name, 0).await?;
        let order = match input.sort_order {
            Some(order) => order,
            None => stored::next_topic_order(&mut tx, site).await?,
        };
        // The code only has to be unique per site; the seeded topics have
        // words, an editor's get a random one (names may change, codes not).
        let code = format!("t-{}", hex::encode(rand::rng().random::<[u8; 6]>()));
        let id = stored::insert_topic(&mut tx, site, &code, &input.name, order).await?;
        let event = Event::success("qa.topic.create", format!("qa_topic:{id}"))
            .with_detail(format!("{} #{order}", input.name));
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Renames and places a topic (audited `qa.topic.update`, old name
    /// and new in the detail).
    pub async fn qa_topic_update(
        &self,
        actor: &Actor,
        site: SiteId,
        id: i64,
        form: &TopicForm<'_>,
    ) -> Result<()> {
        let object = format!("qa_topic:{id}");
        self.require(actor, Permission::ManageSite, "qa.topic.update", &object)
            .await?;
        let input = TopicInput::parse(form.name, form.sort_order)?;
        let mut tx = self.store().write().await?;
        let old = stored::topics(&mut tx, site)
            .await?
            .into_iter()
            .find(|t| t.id == id)
            .ok_or(AppError::NotFound)?;
        name_free(&mut tx, site, &input.name, id).await?;
        let order = input.sort_order.unwrap_or(old.sort_order);
        stored::update_topic(&mut tx, site, id, &input.name, order).await?;
        let detail = format!(
            "{} #{} -> {} #{order}",
            old.name, old.sort_order, input.name
        );
        let event = Event::success("qa.topic.update", object).with_detail(detail);
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// Refuses a name another topic of the site (not `except`) has, as a
/// field error. Checked inside the writing transaction, which on SQLite
/// queues writers; on PostgreSQL two editors saving one new name in the
/// same instant could both pass (there is no unique index on names).
async fn name_free(conn: &mut Conn, site: SiteId, name: &str, except: i64) -> Result<()> {
    if stored::topic_name_taken(conn, site, name, except).await? {
        return Err(Invalid::one("name", "error.qa.topic_taken").into());
    }
    Ok(())
}
