//! 一稿多发 across sections: placing an article also in a column another
//! section owns waits for that section's head (or a site editor) to
//! approve; placements in the writer's own section's columns, or made by
//! someone who writes for that column, apply at once.

use dangjian_domain::article::{ArticleId, ArticleStatus};
use dangjian_domain::column::ColumnId;
use dangjian_domain::ids::SiteId;
use dangjian_domain::role::{Permission, Role, RoleInScope, Scope};
use dangjian_domain::workflow::writes_for;
use dangjian_store::Conn;
use dangjian_store::articles as stored_articles;
use dangjian_store::columns;
use dangjian_store::review::placements::{self as stored, PlacementRequest};

use crate::actor::Actor;
use crate::audit::Event;
use crate::changes::Change;
use crate::{App, AppError, Result};

/// Whether these roles decide placements into a column of `section`.
fn decides_for(roles: &[RoleInScope], section: Option<dangjian_domain::ids::SectionId>) -> bool {
    roles.iter().any(|r| {
        r.role.permissions().contains(&Permission::ManageSite)
            || (r.role == Role::SectionHead && section.map(Scope::Section) == Some(r.scope))
    })
}

/// An article's further columns as saved: `wanted` by the form, `already`
/// approved before.
pub(crate) struct Placing<'a> {
    pub site: SiteId,
    pub article: ArticleId,
    pub primary: ColumnId,
    pub wanted: &'a [ColumnId],
    pub already: &'a [ColumnId],
}

/// A request with the name of its column.
#[derive(Debug, Clone)]
pub struct PlacementTask {
    pub request: PlacementRequest,
    pub column_name: String,
}

impl App {
    /// Puts an article in the further columns `wanted`: those already
    /// approved (`already`) and those the actor may place directly at once,
    /// the others as requests to their owners.
    pub(crate) async fn place_extra_columns(
        &self,
        tx: &mut Conn,
        actor: &Actor,
        placing: Placing<'_>,
    ) -> Result<()> {
        let Placing {
            site,
            article,
            primary,
            wanted,
            already,
        } = placing;
        let home = self.ownership(tx, site, primary).await?;
        let (mut direct, mut asked) = (Vec::new(), Vec::new());
        for &column in wanted {
            let owner = self.ownership(tx, site, column).await?;
            let free = already.contains(&column)
                || owner.section == home.section
                || writes_for(&actor.roles, &owner);
            if free {
                direct.push(column);
            } else {
                asked.push(column);
            }
        }
        stored_articles::set_extra_columns(tx, article, &direct).await?;
        stored::sync(tx, article, &asked, actor.user_id, self.now_ms()).await?;
        Ok(())
    }

    /// Requests waiting for this person's decision.
    pub async fn my_placements(&self, actor: &Actor, site: SiteId) -> Result<Vec<PlacementTask>> {
        let mut conn = self.store().read().await?;
        let all = columns::columns(&mut conn, site).await?;
        let mut tasks = Vec::new();
        for request in stored::open_requests(&mut conn, site).await? {
            let Some(column) = all.iter().find(|c| c.id == request.column_id) else {
                continue;
            };
            if decides_for(&actor.roles, column.owner_section_id) {
                tasks.push(PlacementTask {
                    column_name: column.name.clone(),
                    request,
                });
            }
        }
        Ok(tasks)
    }

    /// Approves or refuses a placement request (the owning section's head
    /// or a site editor); an approved placement of a published article
    /// shows on the column at once.
    pub async fn decide_placement(&self, actor: &Actor, id: i64, approve: bool) -> Result<()> {
        let object = format!("placement:{id}");
        let mut tx = self.store().write().await?;
        let (article, column) = stored::open_request(&mut tx, id)
            .await?
            .ok_or(AppError::Conflict("error.review.wrong_state"))?;
        let owner = columns::column(&mut tx, column).await?.owner_section_id;
        if !decides_for(&actor.roles, owner) {
            drop(tx);
            return Err(self
                .require(actor, Permission::ManageSite, "article.placement", object)
                .await
                .err()
                .unwrap_or(AppError::Forbidden("error.forbidden")));
        }
        stored::decide(&mut tx, id, actor.user_id, approve, self.now_ms()).await?;
        let status = stored_articles::get(&mut tx, article).await?.status;
        let event = Event::success("article.placement", object).with_detail(format!(
            "article {article} in column {column}: {}",
            if approve { "approved" } else { "refused" }
        ));
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        if approve && status == ArticleStatus::Published {
            self.announce(Change::Article {
                id: article,
                columns: vec![column],
            });
        }
        Ok(())
    }
}
