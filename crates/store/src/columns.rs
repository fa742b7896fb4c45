//! Columns (栏目) of a site. The tree is small (tens of columns), so the
//! layers above read a site's whole tree and decide moves and orders on it;
//! here are only plain reads and writes.

use dangjian_domain::column::ColumnId;
use dangjian_domain::ids::{SectionId, SiteId};
use dangjian_domain::media::MediaId;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::org::found;
use crate::{Conn, Result, flag};

/// A stored column with the name of its owning section and how many
/// sub-columns it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    pub id: ColumnId,
    pub site_id: SiteId,
    pub parent_id: Option<ColumnId>,
    pub name: String,
    pub slug: String,
    /// `ColumnKind` code.
    pub kind: String,
    pub sort_order: i64,
    pub hidden: bool,
    pub owner_section_id: Option<SectionId>,
    pub owner_section_name: Option<String>,
    pub update_period_days: i64,
    pub external_url: Option<String>,
    pub description: String,
    /// Place among the homepage blocks (0: not on the homepage).
    pub home_order: i64,
    /// The banner image shown atop the column's page (专题 banner).
    pub banner_media_id: Option<MediaId>,
    /// The review workflow set on this column (sub-columns inherit it).
    pub workflow_id: Option<i64>,
    pub created_at: i64,
    pub updated_at: i64,
    pub child_count: i64,
}

/// The editable fields of a column (its place is changed separately).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnFields {
    pub name: String,
    pub slug: String,
    pub kind: String,
    pub owner_section_id: Option<SectionId>,
    pub update_period_days: i64,
    pub external_url: Option<String>,
    pub description: String,
    pub home_order: i64,
    pub banner_media_id: Option<MediaId>,
    /// Its own review workflow; `None` inherits the parent's.
    pub workflow_id: Option<i64>,
}

const SELECT: &str = "SELECT c.id, c.site_id, c.parent_id, c.name, c.slug, c.kind, c.sort_order,
    c.hidden, c.owner_section_id, s.name AS owner_section_name, c.update_period_days,
    c.external_url, c.description, c.home_order, c.banner_media_id, c.workflow_id, c.created_at, c.updated_at,
    (SELECT COUNT(*) FROM columns k WHERE k.parent_id = c.id) AS child_count
    FROM columns c LEFT JOIN sections s ON s.id = c.owner_section_id";

pub async fn insert(
    conn: &mut Conn,
    site: SiteId,
    parent: Option<ColumnId>,
    sort_order: i64,
    fields: &ColumnFields,
    now: i64,
) -> Result<ColumnId> {
    let id: i64 = sqlx::query(
        "INSERT INTO columns (site_id, parent_id, name, slug, kind, sort_order, hidden,
            owner_section_id, update_period_days, external_url, description, home_order,
            banner_media_id, workflow_id, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
    )
    .bind(site.0)
    .bind(parent.map(|p| p.0))
    .bind(&fields.name)
    .bind(&fields.slug)
    .bind(&fields.kind)
    .bind(sort_order)
    .bind(fields.owner_section_id.map(|s| s.0))
    .bind(fields.update_period_days)
    .bind(fields.external_url.as_deref())
    .bind(&fields.description)
    .bind(fields.home_order)
    .bind(fields.banner_media_id.map(|m| m.0))
    .bind(fields.workflow_id)
    .bind(now)
    .fetch_one(conn)
    .await?
    .try_get(0)?;
    Ok(ColumnId(id))
}

pub async fn update(conn: &mut Conn, id: ColumnId, fields: &ColumnFields, now: i64) -> Result<()> {
    let done = sqlx::query(
        "UPDATE columns SET name = $1, slug = $2, kind = $3, owner_section_id = $4,
            update_period_days = $5, external_url = $6, description = $7, home_order = $8,
            banner_media_id = $9, workflow_id = $10, updated_at = $11
         WHERE id = $12",
    )
    .bind(&fields.name)
    .bind(&fields.slug)
    .bind(&fields.kind)
    .bind(fields.owner_section_id.map(|s| s.0))
    .bind(fields.update_period_days)
    .bind(fields.external_url.as_deref())
    .bind(&fields.description)
    .bind(fields.home_order)
    .bind(fields.banner_media_id.map(|m| m.0))
    .bind(fields.workflow_id)
    .bind(now)
    .bind(id.0)
    .execute(conn)
    .await?;
    found(done.rows_affected())
}

/// Puts a column under another parent (`None`: a main column).
pub async fn set_place(
    conn: &mut Conn,
    id: ColumnId,
    parent: Option<ColumnId>,
    sort_order: i64,
    now: i64,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE columns SET parent_id = $1, sort_order = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(parent.map(|p| p.0))
    .bind(sort_order)
    .bind(now)
    .bind(id.0)
    .execute(conn)
    .await?;
    found(done.rows_affected())
}

/// Changes only the order among siblings (not `updated_at`: the content
/// did not change, and the compliance check reads that time).
pub async fn set_sort_order(conn: &mut Conn, id: ColumnId, sort_order: i64) -> Result<()> {
    let done = sqlx::query("UPDATE columns SET sort_order = $1 WHERE id = $2")
        .bind(sort_order)
        .bind(id.0)
        .execute(conn)
        .await?;
    found(done.rows_affected())
}

/// Sets a column's banner image (the demo gives its special topic one).
pub async fn set_banner(conn: &mut Conn, id: ColumnId, banner: Option<MediaId>) -> Result<()> {
    let done = sqlx::query("UPDATE columns SET banner_media_id = $1 WHERE id = $2")
        .bind(banner.map(|m| m.0))
        .bind(id.0)
        .execute(conn)
        .await?;
    found(done.rows_affected())
}

/// Takes the banners off every column of a site (before its media go).
pub async fn clear_banners(conn: &mut Conn, site: SiteId) -> Result<()> {
    sqlx::query("UPDATE columns SET banner_media_id = NULL WHERE site_id = $1")
        .bind(site.0)
        .execute(conn)
        .await?;
    Ok(())
}

pub async fn set_hidden(conn: &mut Conn, id: ColumnId, hidden: bool, now: i64) -> Result<()> {
    let done = sqlx::query("UPDATE columns SET hidden = $1, updated_at = $2 WHERE id = $3")
        .bind(i64::from(hidden))
        .bind(now)
        .bind(id.0)
        .execute(conn)
        .await?;
    found(done.rows_affected())
}

/// Deletes a column; the reference from sub-columns makes the database
/// refuse (Conflict) one that still has them.
pub async fn delete(conn: &mut Conn, id: ColumnId) -> Result<()> {
    let done = sqlx::query("DELETE FROM columns WHERE id = $1")
        .bind(id.0)
        .execute(conn)
        .await?;
    found(done.rows_affected())
}

/// How many sub-columns a column has.
pub async fn child_count(conn: &mut Conn, id: ColumnId) -> Result<i64> {
    let count: i64 = sqlx::query("SELECT COUNT(*) FROM columns WHERE parent_id = $1")
        .bind(id.0)
        .fetch_one(conn)
        .await?
        .try_get(0)?;
    Ok(count)
}

/// Every column of a site, siblings by sort order then id (callers build
/// the tree order from this).
pub async fn columns(conn: &mut Conn, site: SiteId) -> Result<Vec<Column>> {
    let sql = format!("{SELECT} WHERE c.site_id = $1 ORDER BY c.sort_order, c.id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(site.0)
        .fetch_all(conn)
        .await?;
    rows.iter().map(from_row).collect()
}

pub async fn column(conn: &mut Conn, id: ColumnId) -> Result<Column> {
    let sql = format!("{SELECT} WHERE c.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_one(conn)
        .await?;
    from_row(&row)
}

fn from_row(row: &AnyRow) -> Result<Column> {
    let parent: Option<i64> = row.try_get("parent_id")?;
    let section: Option<i64> = row.try_get("owner_section_id")?;
    let banner: Option<i64> = row.try_get("banner_media_id")?;
    Ok(Column {
        id: ColumnId(row.try_get("id")?),
        site_id: SiteId(row.try_get("site_id")?),
        parent_id: parent.map(ColumnId),
        name: row.try_get("name")?,
        slug: row.try_get("slug")?,
        kind: row.try_get("kind")?,
        sort_order: row.try_get("sort_order")?,
        hidden: flag(row.try_get("hidden")?),
        owner_section_id: section.map(SectionId),
        owner_section_name: row.try_get("owner_section_name")?,
        update_period_days: row.try_get("update_period_days")?,
        external_url: row.try_get("external_url")?,
        description: row.try_get("description")?,
        home_order: row.try_get("home_order")?,
        banner_media_id: banner.map(MediaId),
        workflow_id: row.try_get("workflow_id")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        child_count: row.try_get("child_count")?,
    })
}
