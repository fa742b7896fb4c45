//! Where a column sits and whether it shows: move under another parent,
//! reorder among siblings, hide and show.

use dangjian_domain::Invalid;
use dangjian_domain::column::{self as rules, ColumnId, Direction};
use dangjian_domain::role::Permission;
use dangjian_store::columns as stored;

use super::form::{MoveForm, parse_optional_id, parse_sort_order};
use super::nodes;
use crate::actor::Actor;
use crate::audit::Event;
use crate::{App, Result};

/// A parent written as text, for audit details.
fn parent_text(parent: Option<ColumnId>) -> String {
    parent.map_or("-".to_owned(), |p| p.to_string())
}

impl App {
    /// Puts a column (with its sub-columns) under another parent, or
    /// changes its order when the parent stays. Refused under itself, under
    /// its own sub-columns, or deeper than three levels.
    pub async fn move_column(&self, actor: &Actor, id: ColumnId, form: &MoveForm) -> Result<()> {
        let object = format!("column:{id}");
        self.require(actor, Permission::ManageSite, "column.move", &object)
            .await?;
        let result = self.move_column_checked(actor, id, form).await;
        self.record_refusal(actor, "column.move", object, result)
            .await
    }

    async fn move_column_checked(
        &self,
        actor: &Actor,
        id: ColumnId,
        form: &MoveForm,
    ) -> Result<()> {
        let mut invalid = Invalid::default();
        let parent = invalid
            .collect(parse_optional_id(
                &form.parent_id,
                "parent_id",
                "column.error.no_parent",
            ))
            .flatten()
            .map(ColumnId);
        let sort = invalid
            .collect(parse_sort_order(&form.sort_order))
            .flatten();
        invalid.clone().into_result()?;
        let mut tx = self.store().write().await?;
        let column = stored::column(&mut tx, id).await?;
        let tree = nodes(&stored::columns(&mut tx, column.site_id).await?);
        if let Err(refusal) = rules::check_move(&tree, id, parent) {
            invalid.push("parent_id", refusal.code());
            return Err(invalid.into());
        }
        let same_parent = column.parent_id == parent;
        let sort = match sort {
            Some(sort) => sort,
            None if same_parent => column.sort_order,
            None => rules::next_sort_order(&tree, parent),
        };
        stored::set_place(&mut tx, id, parent, sort, self.now_ms()).await?;
        // Staying under the same parent is a reorder, and recorded as one.
        let action = if same_parent {
            "column.reorder"
        } else {
            "column.move"
        };
        let detail = format!(
            "{}: parent {} -> {}, order {} -> {sort}",
            column.name,
            parent_text(column.parent_id),
            parent_text(parent),
            column.sort_order
        );
        let event = Event::success(action, format!("column:{id}")).with_detail(detail);
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        self.announce(crate::changes::Change::Columns);
        Ok(())
    }

    /// Moves a column one place up or down among its siblings; the first
    /// going up (or the last going down) stays where it is.
    pub async fn reorder_column(
        &self,
        actor: &Actor,
        id: ColumnId,
        direction: Direction,
    ) -> Result<()> {
        let object = format!("column:{id}");
        self.require(actor, Permission::ManageSite, "column.reorder", &object)
            .await?;
        let mut tx = self.store().write().await?;
        let column = stored::column(&mut tx, id).await?;
        let tree = nodes(&stored::columns(&mut tx, column.site_id).await?);
        let Some(orders) = rules::reorder(&tree, id, direction) else {
            return Ok(());
        };
        for (sibling, sort) in &orders {
            stored::set_sort_order(&mut tx, *sibling, *sort).await?;
        }
        let way = match direction {
            Direction::Up => "up",
            Direction::Down => "down",
        };
        let event =
            Event::success("column.reorder", object).with_detail(format!("{} {way}", column.name));
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        self.announce(crate::changes::Change::Columns);
        Ok(())
    }

    /// Hides a column from the portal (it keeps its place and content), or
    /// shows it again.
    pub async fn set_column_hidden(&self, actor: &Actor, id: ColumnId, hidden: bool) -> Result<()> {
        let action = if hidden { "column.hide" } else { "column.show" };
        let object = format!("column:{id}");
        self.require(actor, Permission::ManageSite, action, &object)
            .await?;
        let mut tx = self.store().write().await?;
        let column = stored::column(&mut tx, id).await?;
        if column.hidden == hidden {
            return Ok(());
        }
        stored::set_hidden(&mut tx, id, hidden, self.now_ms()).await?;
        let event = Event::success(action, object).with_detail(&column.name);
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        self.announce(crate::changes::Change::Columns);
        Ok(())
    }
}
