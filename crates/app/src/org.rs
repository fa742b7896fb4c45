//! Managing units (单位) and sections (科室).

use dangjian_domain::ids::{SectionId, SiteId, UnitId};
use dangjian_domain::org::{UnitKind, parse_org_name};
use dangjian_domain::role::{Permission, Scope};
use dangjian_domain::{Invalid, account::bounded_text};
use dangjian_store::StoreError;
use dangjian_store::org::{self as stored, Section, Unit};

use crate::actor::Actor;
use crate::audit::Event;
use crate::{App, AppError, Result};

/// A unit as submitted by a form or the API.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct UnitForm {
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub sort_order: String,
}

/// A section as submitted by a form or the API.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct SectionForm {
    pub name: String,
    #[serde(default)]
    pub sort_order: String,
}

fn parse_sort(text: &str) -> Result<i64, Invalid> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(0);
    }
    bounded_text(text, "sort_order", 6, "error.sort_order.format")?
        .parse::<i64>()
        .map_err(|_| Invalid::one("sort_order", "error.sort_order.format"))
}

impl UnitForm {
    fn parse(&self) -> Result<(String, UnitKind, i64), Invalid> {
        let mut invalid = Invalid::default();
        let name = invalid.collect(parse_org_name(&self.name));
        let kind = UnitKind::from_code(&self.kind);
        if kind.is_none() {
            invalid.push("kind", "error.unit_kind.unknown");
        }
        let sort = invalid.collect(parse_sort(&self.sort_order));
        match (name, kind, sort) {
            (Some(name), Some(kind), Some(sort)) => Ok((name, kind, sort)),
            _ => Err(invalid),
        }
    }
}

impl SectionForm {
    fn parse(&self) -> Result<(String, i64), Invalid> {
        let mut invalid = Invalid::default();
        let name = invalid.collect(parse_org_name(&self.name));
        let sort = invalid.collect(parse_sort(&self.sort_order));
        match (name, sort) {
            (Some(name), Some(sort)) => Ok((name, sort)),
            _ => Err(invalid),
        }
    }
}

/// A duplicate name is shown beside the name field.
fn name_taken(error: StoreError) -> AppError {
    match error {
        StoreError::Conflict(_) => Invalid::one("name", "error.name.taken").into(),
        other => other.into(),
    }
}

/// A delete refused because something still belongs to it.
fn still_used(error: StoreError) -> AppError {
    match error {
        StoreError::Conflict(_) => AppError::Conflict("error.org.not_empty"),
        other => other.into(),
    }
}

impl App {
    /// Units of the site with their section and member counts (any logged-in
    /// person may see the organisation).
    pub async fn units(&self, site: SiteId) -> Result<Vec<Unit>> {
        let mut conn = self.store().read().await?;
        Ok(stored::units(&mut conn, site).await?)
    }

    pub async fn unit(&self, id: UnitId) -> Result<Unit> {
        let mut conn = self.store().read().await?;
        Ok(stored::unit(&mut conn, id).await?)
    }

    pub async fn sections(&self, site: SiteId) -> Result<Vec<Section>> {
        let mut conn = self.store().read().await?;
        Ok(stored::sections(&mut conn, site).await?)
    }

    pub async fn section(&self, id: SectionId) -> Result<Section> {
        let mut conn = self.store().read().await?;
        Ok(stored::section(&mut conn, id).await?)
    }

    pub async fn create_unit(
        &self,
        actor: &Actor,
        site: SiteId,
        form: &UnitForm,
    ) -> Result<UnitId> {
        self.require(actor, Permission::ManageOrganisation, "unit.create", "unit")
            .await?;
        let (name, kind, sort) = form.parse()?;
        let mut tx = self.store().write().await?;
        let id = stored::insert_unit(&mut tx, site, &name, kind.code(), sort, self.now_ms())
            .await
            .map_err(name_taken)?;
        let event = Event::success("unit.create", format!("unit:{id}")).with_detail(&name);
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn update_unit(&self, actor: &Actor, id: UnitId, form: &UnitForm) -> Result<()> {
        self.require(
            actor,
            Permission::ManageOrganisation,
            "unit.update",
            format!("unit:{id}"),
        )
        .await?;
        let (name, kind, sort) = form.parse()?;
        let mut tx = self.store().write().await?;
        let before = stored::unit(&mut tx, id).await?;
        stored::update_unit(&mut tx, id, &name, kind.code(), sort)
            .await
            .map_err(name_taken)?;
        let event = Event::success("unit.update", format!("unit:{id}"))
            .with_detail(format!("{} -> {name}", before.name));
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes an empty unit (no sections, no people).
    pub async fn delete_unit(&self, actor: &Actor, id: UnitId) -> Result<()> {
        self.require(
            actor,
            Permission::ManageOrganisation,
            "unit.delete",
            format!("unit:{id}"),
        )
        .await?;
        let mut tx = self.store().write().await?;
        let unit = stored::unit(&mut tx, id).await?;
        let granted = dangjian_store::grants::count_in_scope(&mut tx, Scope::Unit(id)).await?;
        if unit.section_count > 0 || unit.member_count > 0 || granted > 0 {
            return Err(AppError::Conflict("error.org.not_empty"));
        }
        stored::delete_unit(&mut tx, id).await.map_err(still_used)?;
        let event = Event::success("unit.delete", format!("unit:{id}")).with_detail(&unit.name);
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn create_section(
        &self,
        actor: &Actor,
        unit: UnitId,
        form: &SectionForm,
    ) -> Result<SectionId> {
        self.require(
            actor,
            Permission::ManageOrganisation,
            "section.create",
            format!("unit:{unit}"),
        )
        .await?;
        let (name, sort) = form.parse()?;
        let mut tx = self.store().write().await?;
        stored::unit(&mut tx, unit).await?;
        let id = stored::insert_section(&mut tx, unit, &name, sort, self.now_ms())
            .await
            .map_err(name_taken)?;
        let event = Event::success("section.create", format!("section:{id}"))
            .with_detail(format!("unit:{unit} {name}"));
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        Ok(id)
    }

    pub async fn update_section(
        &self,
        actor: &Actor,
        id: SectionId,
        form: &SectionForm,
    ) -> Result<()> {
        self.require(
            actor,
            Permission::ManageOrganisation,
            "section.update",
            format!("section:{id}"),
        )
        .await?;
        let (name, sort) = form.parse()?;
        let mut tx = self.store().write().await?;
        let before = stored::section(&mut tx, id).await?;
        stored::update_section(&mut tx, id, &name, sort)
            .await
            .map_err(name_taken)?;
        let event = Event::success("section.update", format!("section:{id}"))
            .with_detail(format!("{} -> {name}", before.name));
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Deletes a section nobody belongs to.
    pub async fn delete_section(&self, actor: &Actor, id: SectionId) -> Result<()> {
        self.require(
            actor,
            Permission::ManageOrganisation,
            "section.delete",
            format!("section:{id}"),
        )
        .await?;
        let mut tx = self.store().write().await?;
        let section = stored::section(&mut tx, id).await?;
        let granted = dangjian_store::grants::count_in_scope(&mut tx, Scope::Section(id)).await?;
        if section.member_count > 0 || granted > 0 {
            return Err(AppError::Conflict("error.org.not_empty"));
        }
        stored::delete_section(&mut tx, id)
            .await
            .map_err(still_used)?;
        let event =
            Event::success("section.delete", format!("section:{id}")).with_detail(&section.name);
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        Ok(())
    }
}
