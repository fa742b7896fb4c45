//! The column tree (栏目), managed by the site editor: create, edit, move,
//! reorder, hide and delete columns; `init` lays out the default tree.
//! Every change and every refusal is recorded in the audit trail.

mod defaults;
mod form;
mod place;

use dangjian_domain::audit::Outcome;
use dangjian_domain::column::{self as rules, ColumnId, Node};
use dangjian_domain::ids::SiteId;
use dangjian_domain::role::Permission;
use dangjian_store::columns::{self as stored, Column};
use dangjian_store::{Conn, StoreError};

pub use defaults::{DEFAULT_SECTIONS, DEFAULT_TREE, DefaultColumn};
pub use form::{ColumnForm, MoveForm};

use crate::actor::Actor;
use crate::audit::Event;
use crate::{App, AppError, Result};

/// A column in display order, with what the tree page needs to draw it.
#[derive(Debug, Clone)]
pub struct ColumnEntry {
    pub column: Column,
    /// 1 for a main column.
    pub depth: usize,
    /// First / last among its siblings (no "up" / "down" button).
    pub first: bool,
    pub last: bool,
}

/// The tree's shape, as the domain rules take it.
pub(crate) fn nodes(columns: &[Column]) -> Vec<Node> {
    columns
        .iter()
        .map(|c| Node {
            id: c.id,
            parent: c.parent_id,
            sort_order: c.sort_order,
        })
        .collect()
}

/// Orders a site's columns depth first, siblings by sort order.
fn entries(columns: Vec<Column>) -> Vec<ColumnEntry> {
    let tree = nodes(&columns);
    rules::display_order(&tree)
        .into_iter()
        .filter_map(|(id, depth)| {
            let column = columns.iter().find(|c| c.id == id)?.clone();
            let siblings = rules::children(&tree, column.parent_id);
            Some(ColumnEntry {
                first: siblings.first().is_some_and(|n| n.id == id),
                last: siblings.last().is_some_and(|n| n.id == id),
                column,
                depth,
            })
        })
        .collect()
}

/// Whether a column holds nothing, so deleting it loses nothing: no
/// sub-columns and no articles, whether filed there as their primary column
/// or placed there from another one (一稿多发), in any status.
pub(crate) async fn column_is_empty(conn: &mut Conn, id: ColumnId) -> Result<bool> {
    Ok(stored::child_count(conn, id).await? == 0
        && dangjian_store::articles::count_in_column(conn, id).await? == 0)
}

/// A delete the database refused because something still refers to it.
fn still_used(error: StoreError) -> AppError {
    match error {
        StoreError::Conflict(_) => AppError::Conflict("column.error.not_empty"),
        other => other.into(),
    }
}

impl App {
    /// The site's columns in display order (site editor).
    pub async fn column_tree(&self, actor: &Actor, site: SiteId) -> Result<Vec<ColumnEntry>> {
        self.require(actor, Permission::ManageSite, "column.view", "columns")
            .await?;
        let mut conn = self.store().read().await?;
        Ok(entries(stored::columns(&mut conn, site).await?))
    }

    /// One column (site editor).
    pub async fn column(&self, actor: &Actor, id: ColumnId) -> Result<Column> {
        self.require(
            actor,
            Permission::ManageSite,
            "column.view",
            format!("column:{id}"),
        )
        .await?;
        let mut conn = self.store().read().await?;
        Ok(stored::column(&mut conn, id).await?)
    }

    pub async fn create_column(
        &self,
        actor: &Actor,
        site: SiteId,
        form: &ColumnForm,
    ) -> Result<ColumnId> {
        let object = format!("site:{site}");
        self.require(actor, Permission::ManageSite, "column.create", &object)
            .await?;
        let result = self.create_column_checked(actor, site, form).await;
        self.record_refusal(actor, "column.create", object, result)
            .await
    }

    async fn create_column_checked(
        &self,
        actor: &Actor,
        site: SiteId,
        form: &ColumnForm,
    ) -> Result<ColumnId> {
        let mut tx = self.store().write().await?;
        let columns = stored::columns(&mut tx, site).await?;
        let (fields, parent) = form.parse_new(&mut tx, site, &columns).await?;
        let sort = rules::next_sort_order(&nodes(&columns), parent);
        let id = stored::insert(&mut tx, site, parent, sort, &fields, self.now_ms())
            .await
            .map_err(form::slug_taken)?;
        let parent_text = parent.map_or("-".to_owned(), |p| p.to_string());
        let detail = format!(
            "{} slug={} kind={} parent={parent_text}",
            fields.name, fields.slug, fields.kind
        );
        let event = Event::success("column.create", format!("column:{id}")).with_detail(detail);
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        self.announce(crate::changes::Change::Columns);
        Ok(id)
    }

    /// Changes a column's name, slug, kind, owner, period, link and
    /// description (its place is changed by `move_column`).
    pub async fn update_column(
        &self,
        actor: &Actor,
        id: ColumnId,
        form: &ColumnForm,
    ) -> Result<()> {
        let object = format!("column:{id}");
        self.require(actor, Permission::ManageSite, "column.update", &object)
            .await?;
        let result = self.update_column_checked(actor, id, form).await;
        self.record_refusal(actor, "column.update", object, result)
            .await
    }

    async fn update_column_checked(
        &self,
        actor: &Actor,
        id: ColumnId,
        form: &ColumnForm,
    ) -> Result<()> {
        let mut tx = self.store().write().await?;
        let before = stored::column(&mut tx, id).await?;
        let columns = stored::columns(&mut tx, before.site_id).await?;
        let fields = form
            .parse_fields(&mut tx, before.site_id, &columns, Some(id))
            .await?;
        stored::update(&mut tx, id, &fields, self.now_ms())
            .await
            .map_err(form::slug_taken)?;
        let detail = format!(
            "{} ({}, {}) -> {} ({}, {})",
            before.name, before.slug, before.kind, fields.name, fields.slug, fields.kind
        );
        let event = Event::success("column.update", format!("column:{id}")).with_detail(detail);
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        self.announce(crate::changes::Change::Columns);
        Ok(())
    }

    /// Deletes a column that holds nothing (see `column_is_empty`);
    /// `Conflict` otherwise.
    pub async fn delete_column(&self, actor: &Actor, id: ColumnId) -> Result<()> {
        let object = format!("column:{id}");
        self.require(actor, Permission::ManageSite, "column.delete", &object)
            .await?;
        let result = self.delete_column_checked(actor, id).await;
        self.record_refusal(actor, "column.delete", object, result)
            .await
    }

    async fn delete_column_checked(&self, actor: &Actor, id: ColumnId) -> Result<()> {
        let mut tx = self.store().write().await?;
        let column = stored::column(&mut tx, id).await?;
        if !column_is_empty(&mut tx, id).await? {
            return Err(AppError::Conflict("column.error.not_empty"));
        }
        stored::delete(&mut tx, id).await.map_err(still_used)?;
        let detail = format!("{} ({})", column.name, column.slug);
        let event = Event::success("column.delete", format!("column:{id}")).with_detail(detail);
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        self.announce(crate::changes::Change::Columns);
        Ok(())
    }

    /// Records a refused change (invalid input or a conflict) in a
    /// transaction of its own — the change's transaction was rolled back —
    /// and passes the result on.
    pub(crate) async fn record_refusal<T>(
        &self,
        actor: &Actor,
        action: &str,
        object: String,
        result: Result<T>,
    ) -> Result<T> {
        let reason = match &result {
            Err(AppError::Invalid(invalid)) => invalid
                .errors
                .iter()
                .map(|e| format!("{}: {}", e.field, e.code))
                .collect::<Vec<_>>()
                .join("; "),
            Err(AppError::Conflict(code)) => (*code).to_owned(),
            _ => return result,
        };
        let event = Event::success(action, object)
            .with_outcome(Outcome::Failure)
            .with_detail(reason);
        self.audit_alone(actor.into(), event).await?;
        result
    }
}
