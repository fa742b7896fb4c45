//! What an editor submits for a column, and its checks: the field rules
//! from `domain::column`, plus those needing the stored tree (slug unique in
//! the site, owner section of this site, room for the parent's depth).

use dangjian_domain::Invalid;
use dangjian_domain::column::{
    self as rules, ColumnId, ColumnKind, parse_column_name, parse_description, parse_external_url,
    parse_home_order, parse_slug, parse_update_period,
};
use dangjian_domain::ids::{SectionId, SiteId};
use dangjian_domain::media::{MediaId, MediaKind};
use dangjian_store::columns::{Column, ColumnFields};
use dangjian_store::{Conn, StoreError, media, org, review};

use super::nodes;
use crate::{AppError, Result};

/// A column as submitted by a form or the API. Text throughout, so a
/// refused form is shown again exactly as typed.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct ColumnForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub slug: String,
    #[serde(default)]
    pub kind: String,
    /// Parent column id; empty for a main column. Used on creation only.
    #[serde(default)]
    pub parent_id: String,
    /// Owning section id; empty for none.
    #[serde(default)]
    pub owner_section_id: String,
    #[serde(default)]
    pub update_period_days: String,
    #[serde(default)]
    pub external_url: String,
    #[serde(default)]
    pub description: String,
    /// Place among the homepage blocks; empty or 0: not on the homepage.
    #[serde(default)]
    pub home_order: String,
    /// Banner image (media id); empty for none.
    #[serde(default)]
    pub banner_media_id: String,
    /// Review workflow (id); empty: inherited from the parent column.
    #[serde(default)]
    pub workflow_id: String,
}

/// Where to put a column: a parent (empty: main column) and optionally its
/// order among the new siblings (empty: last, or unchanged when the parent
/// stays the same).
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    pub parent_id: String,
    #[serde(default)]
    pub sort_order: String,
}

/// An optional id field: empty is `None`, anything else must be a number.
pub(crate) fn parse_optional_id(
    text: &str,
    field: &str,
    code: &str,
) -> Result<Option<i64>, Invalid> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse::<i64>()
        .map(Some)
        .map_err(|_| Invalid::one(field, code))
}

/// An explicit sort order: empty is `None`.
pub(crate) fn parse_sort_order(text: &str) -> Result<Option<i64>, Invalid> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<i64>() {
        Ok(n) if n.abs() <= 999_999 => Ok(Some(n)),
        _ => Err(Invalid::one("sort_order", "error.sort_order.format")),
    }
}

/// A duplicate slug that slipped past the check (two editors at once) is
/// still shown beside the slug field.
pub(crate) fn slug_taken(error: StoreError) -> AppError {
    match error {
        StoreError::Conflict(_) => Invalid::one("slug", "column.error.slug_taken").into(),
        other => other.into(),
    }
}

impl ColumnForm {
    /// Checks the fields of a column; `this` is the column being edited
    /// (its own slug is not a duplicate).
    pub(crate) async fn parse_fields(
        &self,
        conn: &mut Conn,
        site: SiteId,
        columns: &[Column],
        this: Option<ColumnId>,
    ) -> Result<ColumnFields> {
        let mut invalid = Invalid::default();
        let fields = self.fields(&mut invalid);
        if let Some(slug) = fields.as_ref().map(|f| f.slug.as_str()) {
            let taken = columns.iter().any(|c| c.slug == slug && Some(c.id) != this);
            if taken {
                invalid.push("slug", "column.error.slug_taken");
            }
        }
        if let Some(banner) = fields.as_ref().and_then(|f| f.banner_media_id) {
            let usable = match media::get(conn, banner).await {
                Ok(m) => m.site_id == site && m.kind == MediaKind::Image.code(),
                Err(StoreError::NotFound) => false,
                Err(other) => return Err(other.into()),
            };
            if !usable {
                invalid.push("banner_media_id", "column.error.banner");
            }
        }
        if let Some(workflow) = fields.as_ref().and_then(|f| f.workflow_id) {
            let usable = match review::workflow(conn, workflow).await {
                Ok(w) => w.site_id == site,
                Err(StoreError::NotFound) => false,
                Err(other) => return Err(other.into()),
            };
            if !usable {
                invalid.push("workflow_id", "column.error.workflow");
            }
        }
        if let Some(section) = fields.as_ref().and_then(|f| f.owner_section_id) {
            let sections = org::sections(conn, site).await?;
            if !sections.iter().any(|s| s.id == section) {
                invalid.push("owner_section_id", "column.error.no_section");
            }
        }
        match fields {
            Some(fields) if invalid.is_empty() => Ok(fields),
            _ => Err(invalid.into()),
        }
    }

    /// Checks a new column: its fields and its parent.
    pub(crate) async fn parse_new(
        &self,
        conn: &mut Conn,
        site: SiteId,
        columns: &[Column],
    ) -> Result<(ColumnFields, Option<ColumnId>)> {
        let mut invalid = Invalid::default();
        let fields = match self.parse_fields(conn, site, columns, None).await {
            Ok(fields) => Some(fields),
            Err(AppError::Invalid(errors)) => {
                invalid = errors;
                None
            }
            Err(other) => return Err(other),
        };
        let parent = invalid
            .collect(parse_optional_id(
                &self.parent_id,
                "parent_id",
                "column.error.no_parent",
            ))
            .flatten()
            .map(ColumnId);
        if let Err(refusal) = rules::check_create(&nodes(columns), parent) {
            invalid.push("parent_id", refusal.code());
        }
        match fields {
            Some(fields) if invalid.is_empty() => Ok((fields, parent)),
            _ => Err(invalid.into()),
        }
    }

    /// The field rules alone; errors go into `invalid`.
    fn fields(&self, invalid: &mut Invalid) -> Option<ColumnFields> {
        let name = invalid.collect(parse_column_name(&self.name));
        let slug = invalid.collect(parse_slug(&self.slug));
        let kind = ColumnKind::from_code(&self.kind);
        if kind.is_none() {
            invalid.push("kind", "column.error.kind");
        }
        // Only an external link keeps a URL; for other kinds a leftover
        // value from switching kinds is dropped rather than refused.
        let external_url = match kind {
            Some(k) if k.needs_url() => {
                Some(invalid.collect(parse_external_url(&self.external_url)))
            }
            _ => None,
        };
        let section = invalid
            .collect(parse_optional_id(
                &self.owner_section_id,
                "owner_section_id",
                "column.error.no_section",
            ))
            .flatten()
            .map(SectionId);
        let period = invalid.collect(parse_update_period(&self.update_period_days));
        let description = invalid.collect(parse_description(&self.description));
        let home_order = invalid.collect(parse_home_order(&self.home_order));
        let banner = invalid
            .collect(parse_optional_id(
                &self.banner_media_id,
                "banner_media_id",
                "column.error.banner",
            ))
            .flatten()
            .map(MediaId);
        let workflow = invalid
            .collect(parse_optional_id(
                &self.workflow_id,
                "workflow_id",
                "column.error.workflow",
            ))
            .flatten();
        Some(ColumnFields {
            name: name?,
            slug: slug?,
            kind: kind?.code().to_owned(),
            owner_section_id: section,
            update_period_days: period?,
            external_url: match external_url {
                Some(url) => Some(url?),
                None => None,
            },
            description: description?,
            home_order: home_order?,
            banner_media_id: banner,
            workflow_id: workflow,
        })
    }
}
