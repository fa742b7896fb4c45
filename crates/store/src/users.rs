//! Accounts: one row per real person, with who created it and when.

use dangjian_domain::ids::{SectionId, UnitId, UserId};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::org::found;
use crate::{Conn, Result, flag};

/// An account as the management pages show it (never the secrets).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct User {
    pub id: UserId,
    pub username: String,
    pub display_name: String,
    pub phone: String,
    /// Where notifications are also e-mailed (none: in-app only).
    pub email: Option<String>,
    pub unit_id: UnitId,
    pub unit_name: String,
    pub section_id: Option<SectionId>,
    pub section_name: Option<String>,
    pub must_change_password: bool,
    pub totp_enabled: bool,
    pub disabled: bool,
    pub created_by: Option<UserId>,
    pub created_by_name: Option<String>,
    pub created_at: i64,
    pub updated_at: i64,
    pub password_changed_at: i64,
    pub last_login_at: Option<i64>,
}

/// What login needs to know about an account.
#[derive(Debug, Clone)]
pub struct Credentials {
    pub id: UserId,
    pub username: String,
    pub password_hash: String,
    pub disabled: bool,
    pub must_change_password: bool,
    pub password_changed_at: i64,
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    pub totp_last_step: i64,
}

/// A new account; the password hash is computed by the caller.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub phone: &'a str,
    pub unit: UnitId,
    pub section: Option<SectionId>,
    pub email: Option<&'a str>,
    pub password_hash: &'a str,
    pub created_by: Option<UserId>,
}

const USER_COLUMNS: &str = "SELECT u.id, u.username, u.display_name, u.phone, u.email, u.unit_id,
    un.name AS unit_name, u.section_id, s.name AS section_name, u.must_change_password,
    u.totp_enabled, u.disabled, u.created_by, c.username AS created_by_name, u.created_at,
    u.updated_at, u.password_changed_at, u.last_login_at
    FROM users u
    JOIN units un ON un.id = u.unit_id
    LEFT JOIN sections s ON s.id = u.section_id
    LEFT JOIN users c ON c.id = u.created_by";

pub async fn insert(conn: &mut Conn, user: &NewUser<'_>, now: i64) -> Result<UserId> {
    let id: i64 = sqlx::query(
        "INSERT INTO users (username, display_name, phone, unit_id, section_id, password_hash,
            password_changed_at, must_change_password, created_by, created_at, updated_at, email)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $7, $7, $9) RETURNING id",
    )
    .bind(user.username)
    .bind(user.display_name)
    .bind(user.phone)
    .bind(user.unit.0)
    .bind(user.section.map(|s| s.0))
    .bind(user.password_hash)
    .bind(now)
    .bind(user.created_by.map(|u| u.0))
    .bind(user.email)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    remember_password(conn, UserId(id), user.password_hash, now).await?;
    Ok(UserId(id))
}

pub async fn by_id(conn: &mut Conn, id: UserId) -> Result<User> {
    let sql = format!("{USER_COLUMNS} WHERE u.id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_one(conn)
        .await?;
    user_from_row(&row)
}

pub async fn by_username(conn: &mut Conn, username: &str) -> Result<User> {
    let sql = format!("{USER_COLUMNS} WHERE u.username = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(username)
        .fetch_one(conn)
        .await?;
    user_from_row(&row)
}

/// Accounts, optionally of one unit, whose username or name contains `search`.
pub async fn list(conn: &mut Conn, unit: Option<UnitId>, search: &str) -> Result<Vec<User>> {
    let sql = format!(
        "{USER_COLUMNS} WHERE ($1 = 0 OR u.unit_id = $1)
         AND ($2 = '' OR u.username LIKE $3 OR u.display_name LIKE $3)
         ORDER BY un.sort_order, u.unit_id, u.username"
    );
    let pattern = format!("%{}%", search.replace(['%', '_'], ""));
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(unit.map_or(0, |u| u.0))
        .bind(search)
        .bind(pattern)
        .fetch_all(conn)
        .await?;
    rows.iter().map(user_from_row).collect()
}

pub async fn count(conn: &mut Conn) -> Result<i64> {
    Ok(sqlx::query("SELECT COUNT(*) FROM users")
        .fetch_one(conn)
        .await?
        .try_get(0)?)
}

fn user_from_row(row: &AnyRow) -> Result<User> {
    Ok(User {
        id: UserId(row.try_get("id")?),
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        phone: row.try_get("phone")?,
        email: row.try_get("email")?,
        unit_id: UnitId(row.try_get("unit_id")?),
        unit_name: row.try_get("unit_name")?,
        section_id: row.try_get::<Option<i64>, _>("section_id")?.map(SectionId),
        section_name: row.try_get("section_name")?,
        must_change_password: flag(row.try_get("must_change_password")?),
        totp_enabled: flag(row.try_get("totp_enabled")?),
        disabled: flag(row.try_get("disabled")?),
        created_by: row.try_get::<Option<i64>, _>("created_by")?.map(UserId),
        created_by_name: row.try_get("created_by_name")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        password_changed_at: row.try_get("password_changed_at")?,
        last_login_at: row.try_get("last_login_at")?,
    })
}

const CREDENTIAL_COLUMNS: &str =
    "SELECT id, username, password_hash, disabled, must_change_password,
    password_changed_at, totp_secret, totp_enabled, totp_last_step FROM users";

pub async fn credentials(conn: &mut Conn, username: &str) -> Result<Option<Credentials>> {
    let sql = format!("{CREDENTIAL_COLUMNS} WHERE username = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(username)
        .fetch_optional(conn)
        .await?;
    row.as_ref().map(credentials_from_row).transpose()
}

pub async fn credentials_by_id(conn: &mut Conn, id: UserId) -> Result<Credentials> {
    let sql = format!("{CREDENTIAL_COLUMNS} WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_one(conn)
        .await?;
    credentials_from_row(&row)
}

fn credentials_from_row(row: &AnyRow) -> Result<Credentials> {
    Ok(Credentials {
        id: UserId(row.try_get("id")?),
        username: row.try_get("username")?,
        password_hash: row.try_get("password_hash")?,
        disabled: flag(row.try_get("disabled")?),
        must_change_password: flag(row.try_get("must_change_password")?),
        password_changed_at: row.try_get("password_changed_at")?,
        totp_secret: row.try_get("totp_secret")?,
        totp_enabled: flag(row.try_get("totp_enabled")?),
        totp_last_step: row.try_get("totp_last_step")?,
    })
}

pub async fn update_profile(
    conn: &mut Conn,
    id: UserId,
    display_name: &str,
    phone: &str,
    unit: UnitId,
    section: Option<SectionId>,
    now: i64,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE users SET display_name = $1, phone = $2, unit_id = $3, section_id = $4, updated_at = $5
         WHERE id = $6",
    )
    .bind(display_name)
    .bind(phone)
    .bind(unit.0)
    .bind(section.map(|s| s.0))
    .bind(now)
    .bind(id.0)
    .execute(conn)
    .await?;
    found(done.rows_affected())
}

/// Sets or clears (`None`) the address notifications are e-mailed to.
pub async fn set_email(conn: &mut Conn, id: UserId, email: Option<&str>, now: i64) -> Result<()> {
    let done = sqlx::query("UPDATE users SET email = $1, updated_at = $2 WHERE id = $3")
        .bind(email)
        .bind(now)
        .bind(id.0)
        .execute(conn)
        .await?;
    found(done.rows_affected())
}

/// The e-mail address of an enabled account, if it has one: where its
/// notifications are also sent.
pub async fn email_of(conn: &mut Conn, id: UserId) -> Result<Option<String>> {
    let row = sqlx::query("SELECT email FROM users WHERE id = $1 AND disabled = 0")
        .bind(id.0)
        .fetch_optional(conn)
        .await?;
    match row {
        Some(row) => Ok(row.try_get::<Option<String>, _>(0)?),
        None => Ok(None),
    }
}

pub async fn set_disabled(conn: &mut Conn, id: UserId, disabled: bool, now: i64) -> Result<()> {
    let done = sqlx::query("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3")
        .bind(i64::from(disabled))
        .bind(now)
        .bind(id.0)
        .execute(conn)
        .await?;
    found(done.rows_affected())
}

/// Stores a new password hash; `must_change` is set when an administrator
/// resets it (the person must choose their own at the next login).
pub async fn set_password(
    conn: &mut Conn,
    id: UserId,
    password_hash: &str,
    must_change: bool,
    now: i64,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE users SET password_hash = $1, must_change_password = $2, password_changed_at = $3,
            updated_at = $3 WHERE id = $4",
    )
    .bind(password_hash)
    .bind(i64::from(must_change))
    .bind(now)
    .bind(id.0)
    .execute(&mut *conn)
    .await?;
    found(done.rows_affected())?;
    remember_password(conn, id, password_hash, now).await
}

async fn remember_password(conn: &mut Conn, id: UserId, hash: &str, now: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO password_history (user_id, password_hash, created_at) VALUES ($1, $2, $3)",
    )
    .bind(id.0)
    .bind(hash)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}

/// The hashes of the last `limit` passwords, newest first.
pub async fn password_history(conn: &mut Conn, id: UserId, limit: i64) -> Result<Vec<String>> {
    let rows = sqlx::query(
        "SELECT password_hash FROM password_history WHERE user_id = $1
         ORDER BY created_at DESC, id DESC LIMIT $2",
    )
    .bind(id.0)
    .bind(limit)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| r.try_get::<String, _>(0).map_err(Into::into))
        .collect()
}

/// Stores a TOTP secret being enrolled (not yet enabled) or clears it.
pub async fn set_totp(
    conn: &mut Conn,
    id: UserId,
    secret: Option<&str>,
    enabled: bool,
    now: i64,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE users SET totp_secret = $1, totp_enabled = $2, totp_last_step = 0, updated_at = $3 WHERE id = $4",
    )
    .bind(secret)
    .bind(i64::from(enabled))
    .bind(now)
    .bind(id.0)
    .execute(conn)
    .await?;
    found(done.rows_affected())
}

/// Records that the TOTP time step `step` was used; false if it (or a later
/// one) was used already, so a code cannot be replayed.
pub async fn use_totp_step(conn: &mut Conn, id: UserId, step: i64) -> Result<bool> {
    let done =
        sqlx::query("UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1")
            .bind(step)
            .bind(id.0)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn record_login(conn: &mut Conn, id: UserId, now: i64) -> Result<()> {
    sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
        .bind(now)
        .bind(id.0)
        .execute(conn)
        .await?;
    Ok(())
}
