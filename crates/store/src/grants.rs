//! Role grants: a role held by a person within a scope, and who granted it.

use dangjian_domain::ids::{GrantId, UserId};
use dangjian_domain::role::{Role, RoleInScope, Scope, ScopeKind};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::org::found;
use crate::{Conn, Result, StoreError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Grant {
    pub id: GrantId,
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope: Scope,
    /// Name of the site, unit or section the scope points at.
    pub scope_name: String,
    pub granted_by: Option<UserId>,
    pub granted_by_name: Option<String>,
    pub granted_at: i64,
}

pub async fn insert(
    conn: &mut Conn,
    user: UserId,
    role: RoleInScope,
    granted_by: Option<UserId>,
    now: i64,
) -> Result<GrantId> {
    let id: i64 = sqlx::query(
        "INSERT INTO grants (user_id, role, scope_kind, scope_id, granted_by, granted_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user.0)
    .bind(role.role.code())
    .bind(role.scope.kind().code())
    .bind(role.scope.id())
    .bind(granted_by.map(|u| u.0))
    .bind(now)
    .fetch_one(conn)
    .await?
    .try_get(0)?;
    Ok(GrantId(id))
}

pub async fn delete(conn: &mut Conn, id: GrantId) -> Result<()> {
    let done = sqlx::query("DELETE FROM grants WHERE id = $1")
        .bind(id.0)
        .execute(conn)
        .await?;
    found(done.rows_affected())
}

/// The roles a person holds, for permission checks.
pub async fn roles_of(conn: &mut Conn, user: UserId) -> Result<Vec<RoleInScope>> {
    let rows =
        sqlx::query("SELECT role, scope_kind, scope_id FROM grants WHERE user_id = $1 ORDER BY id")
            .bind(user.0)
            .fetch_all(conn)
            .await?;
    rows.iter()
        .map(|row| {
            Ok(RoleInScope {
                role: parse_role(row.try_get("role")?)?,
                scope: parse_scope(row.try_get("scope_kind")?, row.try_get("scope_id")?)?,
            })
        })
        .collect()
}

const GRANT_COLUMNS: &str =
    "SELECT g.id, g.user_id, u.username, u.display_name, g.role, g.scope_kind,
    g.scope_id, g.granted_by, b.username AS granted_by_name, g.granted_at,
    COALESCE(st.name, un.name, se.name, '') AS scope_name
    FROM grants g
    JOIN users u ON u.id = g.user_id
    LEFT JOIN users b ON b.id = g.granted_by
    LEFT JOIN sites st ON g.scope_kind = 'site' AND st.id = g.scope_id
    LEFT JOIN units un ON g.scope_kind = 'unit' AND un.id = g.scope_id
    LEFT JOIN sections se ON g.scope_kind = 'section' AND se.id = g.scope_id";

/// Grants, all or of one person.
pub async fn list(conn: &mut Conn, user: Option<UserId>) -> Result<Vec<Grant>> {
    let sql = format!("{GRANT_COLUMNS} WHERE ($1 = 0 OR g.user_id = $1) ORDER BY u.username, g.id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user.map_or(0, |u| u.0))
        .fetch_all(conn)
        .await?;
    rows.iter().map(grant_from_row).collect()
}

pub async fn by_id(conn: &mut Conn, id: GrantId) -> Result<Grant> {
    let sql = format!("{GRANT_COLUMNS} WHERE g.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_one(conn)
        .await?;
    grant_from_row(&row)
}

fn grant_from_row(row: &AnyRow) -> Result<Grant> {
    Ok(Grant {
        id: GrantId(row.try_get("id")?),
        user_id: UserId(row.try_get("user_id")?),
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: parse_role(row.try_get("role")?)?,
        scope: parse_scope(row.try_get("scope_kind")?, row.try_get("scope_id")?)?,
        scope_name: row.try_get("scope_name")?,
        granted_by: row.try_get::<Option<i64>, _>("granted_by")?.map(UserId),
        granted_by_name: row.try_get("granted_by_name")?,
        granted_at: row.try_get("granted_at")?,
    })
}

fn parse_role(code: String) -> Result<Role> {
    Role::from_code(&code).ok_or_else(|| StoreError::Conflict(format!("unknown role code {code}")))
}

fn parse_scope(kind: String, id: i64) -> Result<Scope> {
    let kind = ScopeKind::from_code(&kind)
        .ok_or_else(|| StoreError::Conflict(format!("unknown scope kind {kind}")))?;
    Ok(Scope::from_parts(kind, id))
}

/// How many grants apply within `scope` (a unit or section still referred to
/// by a grant is not deleted).
pub async fn count_in_scope(conn: &mut Conn, scope: Scope) -> Result<i64> {
    Ok(
        sqlx::query("SELECT COUNT(*) FROM grants WHERE scope_kind = $1 AND scope_id = $2")
            .bind(scope.kind().code())
            .bind(scope.id())
            .fetch_one(conn)
            .await?
            .try_get(0)?,
    )
}
