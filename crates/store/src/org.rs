//! Sites, units (单位) and sections (科室).

use dangjian_domain::ids::{SectionId, SiteId, UnitId};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Conn, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Site {
    pub id: SiteId,
    pub code: String,
    pub name: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unit {
    pub id: UnitId,
    pub site_id: SiteId,
    pub name: String,
    /// `UnitKind` code.
    pub kind: String,
    pub sort_order: i64,
    pub created_at: i64,
    pub section_count: i64,
    pub member_count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    pub id: SectionId,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub name: String,
    pub sort_order: i64,
    pub created_at: i64,
    pub member_count: i64,
}

pub async fn insert_site(conn: &mut Conn, code: &str, name: &str, now: i64) -> Result<SiteId> {
    let id: i64 =
        sqlx::query("INSERT INTO sites (code, name, created_at) VALUES ($1, $2, $3) RETURNING id")
            .bind(code)
            .bind(name)
            .bind(now)
            .fetch_one(conn)
            .await?
            .try_get(0)?;
    Ok(SiteId(id))
}

pub async fn sites(conn: &mut Conn) -> Result<Vec<Site>> {
    let rows = sqlx::query("SELECT id, code, name, created_at FROM sites ORDER BY id")
        .fetch_all(conn)
        .await?;
    rows.iter().map(site_from_row).collect()
}

pub async fn site(conn: &mut Conn, id: SiteId) -> Result<Site> {
    let row = sqlx::query("SELECT id, code, name, created_at FROM sites WHERE id = $1")
        .bind(id.0)
        .fetch_one(conn)
        .await?;
    site_from_row(&row)
}

fn site_from_row(row: &AnyRow) -> Result<Site> {
    Ok(Site {
        id: SiteId(row.try_get("id")?),
        code: row.try_get("code")?,
        name: row.try_get("name")?,
        created_at: row.try_get("created_at")?,
    })
}

const UNIT_COLUMNS: &str = "SELECT u.id, u.site_id, u.name, u.kind, u.sort_order, u.created_at,
    (SELECT COUNT(*) FROM sections s WHERE s.unit_id = u.id) AS section_count,
    (SELECT COUNT(*) FROM users p WHERE p.unit_id = u.id) AS member_count
    FROM units u";

pub async fn insert_unit(
    conn: &mut Conn,
    site: SiteId,
    name: &str,
    kind: &str,
    sort_order: i64,
    now: i64,
) -> Result<UnitId> {
    let id: i64 = sqlx::query(
        "INSERT INTO units (site_id, name, kind, sort_order, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(site.0)
    .bind(name)
    .bind(kind)
    .bind(sort_order)
    .bind(now)
    .fetch_one(conn)
    .await?
    .try_get(0)?;
    Ok(UnitId(id))
}

pub async fn update_unit(
    conn: &mut Conn,
    id: UnitId,
    name: &str,
    kind: &str,
    sort_order: i64,
) -> Result<()> {
    let done = sqlx::query("UPDATE units SET name = $1, kind = $2, sort_order = $3 WHERE id = $4")
        .bind(name)
        .bind(kind)
        .bind(sort_order)
        .bind(id.0)
        .execute(conn)
        .await?;
    found(done.rows_affected())
}

/// Deletes a unit; refused (Conflict) while sections or people belong to it.
pub async fn delete_unit(conn: &mut Conn, id: UnitId) -> Result<()> {
    let done = sqlx::query("DELETE FROM units WHERE id = $1")
        .bind(id.0)
        .execute(conn)
        .await?;
    found(done.rows_affected())
}

pub async fn units(conn: &mut Conn, site: SiteId) -> Result<Vec<Unit>> {
    let sql = format!("{UNIT_COLUMNS} WHERE u.site_id = $1 ORDER BY u.sort_order, u.id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(site.0)
        .fetch_all(conn)
        .await?;
    rows.iter().map(unit_from_row).collect()
}

pub async fn unit(conn: &mut Conn, id: UnitId) -> Result<Unit> {
    let sql = format!("{UNIT_COLUMNS} WHERE u.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_one(conn)
        .await?;
    unit_from_row(&row)
}

fn unit_from_row(row: &AnyRow) -> Result<Unit> {
    Ok(Unit {
        id: UnitId(row.try_get("id")?),
        site_id: SiteId(row.try_get("site_id")?),
        name: row.try_get("name")?,
        kind: row.try_get("kind")?,
        sort_order: row.try_get("sort_order")?,
        created_at: row.try_get("created_at")?,
        section_count: row.try_get("section_count")?,
        member_count: row.try_get("member_count")?,
    })
}

const SECTION_COLUMNS: &str =
    "SELECT s.id, s.unit_id, u.name AS unit_name, s.name, s.sort_order, s.created_at,
    (SELECT COUNT(*) FROM users p WHERE p.section_id = s.id) AS member_count
    FROM sections s JOIN units u ON u.id = s.unit_id";

pub async fn insert_section(
    conn: &mut Conn,
    unit: UnitId,
    name: &str,
    sort_order: i64,
    now: i64,
) -> Result<SectionId> {
    let id: i64 = sqlx::query(
        "INSERT INTO sections (unit_id, name, sort_order, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(unit.0)
    .bind(name)
    .bind(sort_order)
    .bind(now)
    .fetch_one(conn)
    .await?
    .try_get(0)?;
    Ok(SectionId(id))
}

pub async fn update_section(
    conn: &mut Conn,
    id: SectionId,
    name: &str,
    sort_order: i64,
) -> Result<()> {
    let done = sqlx::query("UPDATE sections SET name = $1, sort_order = $2 WHERE id = $3")
        .bind(name)
        .bind(sort_order)
        .bind(id.0)
        .execute(conn)
        .await?;
    found(done.rows_affected())
}

/// Deletes a section; refused (Conflict) while people belong to it.
pub async fn delete_section(conn: &mut Conn, id: SectionId) -> Result<()> {
    let done = sqlx::query("DELETE FROM sections WHERE id = $1")
        .bind(id.0)
        .execute(conn)
        .await?;
    found(done.rows_affected())
}

/// Sections of one site, grouped by unit.
pub async fn sections(conn: &mut Conn, site: SiteId) -> Result<Vec<Section>> {
    let sql = format!(
        "{SECTION_COLUMNS} WHERE u.site_id = $1 ORDER BY u.sort_order, u.id, s.sort_order, s.id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(site.0)
        .fetch_all(conn)
        .await?;
    rows.iter().map(section_from_row).collect()
}

pub async fn section(conn: &mut Conn, id: SectionId) -> Result<Section> {
    let sql = format!("{SECTION_COLUMNS} WHERE s.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_one(conn)
        .await?;
    section_from_row(&row)
}

fn section_from_row(row: &AnyRow) -> Result<Section> {
    Ok(Section {
        id: SectionId(row.try_get("id")?),
        unit_id: UnitId(row.try_get("unit_id")?),
        unit_name: row.try_get("unit_name")?,
        name: row.try_get("name")?,
        sort_order: row.try_get("sort_order")?,
        created_at: row.try_get("created_at")?,
        member_count: row.try_get("member_count")?,
    })
}

/// `NotFound` when an update or delete touched nothing.
pub(crate) fn found(rows_affected: u64) -> Result<()> {
    if rows_affected == 0 {
        Err(crate::StoreError::NotFound)
    } else {
        Ok(())
    }
}
