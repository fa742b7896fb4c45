//! Media: blobs (bytes stored once under their SHA-256), the uploads that
//! name them, and the renditions made of images.

use dangjian_domain::ids::{SiteId, UserId};
use dangjian_domain::media::MediaId;
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::{Conn, Result};

/// One upload.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Media {
    pub id: MediaId,
    pub site_id: SiteId,
    /// `MediaKind` code.
    pub kind: String,
    pub hash: String,
    pub original_name: String,
    pub mime: String,
    pub size: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub duration_ms: Option<i64>,
    pub poster_hash: Option<String>,
    pub alt_text: String,
    pub uploaded_by: Option<UserId>,
    pub created_at: i64,
}

/// What a new upload row holds.
#[derive(Debug, Clone)]
pub struct NewMedia<'a> {
    pub site_id: SiteId,
    pub kind: &'a str,
    pub hash: &'a str,
    pub original_name: &'a str,
    pub mime: &'a str,
    pub size: i64,
    pub width: Option<i64>,
    pub height: Option<i64>,
    pub duration_ms: Option<i64>,
    pub poster_hash: Option<&'a str>,
    pub uploaded_by: Option<UserId>,
}

/// A smaller copy of an image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rendition {
    pub name: String,
    pub hash: String,
    pub width: i64,
    pub height: i64,
}

/// A blob that may be served, with what an upload of it said it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServedBlob {
    pub hash: String,
    pub size: i64,
    pub mime: String,
    /// Kind and original name of an upload whose original this blob is
    /// (None for renditions and posters).
    pub upload: Option<(String, String)>,
}

const MEDIA_COLUMNS: &str = "SELECT id, site_id, kind, hash, original_name, mime, size, width, \
    height, duration_ms, poster_hash, alt_text, uploaded_by, created_at FROM media";

/// Records a blob unless it is already there; true when it was new.
pub async fn put_blob(
    conn: &mut Conn,
    hash: &str,
    size: i64,
    mime: &str,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "INSERT INTO media_blobs (hash, size, mime, created_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (hash) DO NOTHING",
    )
    .bind(hash)
    .bind(size)
    .bind(mime)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

pub async fn blob_count(conn: &mut Conn) -> Result<i64> {
    Ok(sqlx::query("SELECT COUNT(*) FROM media_blobs")
        .fetch_one(conn)
        .await?
        .try_get(0)?)
}

pub async fn insert(conn: &mut Conn, new: &NewMedia<'_>, now: i64) -> Result<MediaId> {
    let id: i64 = sqlx::query(
        "INSERT INTO media (site_id, kind, hash, original_name, mime, size, width, height,
            duration_ms, poster_hash, alt_text, uploaded_by, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '', $11, $12) RETURNING id",
    )
    .bind(new.site_id.0)
    .bind(new.kind)
    .bind(new.hash)
    .bind(new.original_name)
    .bind(new.mime)
    .bind(new.size)
    .bind(new.width)
    .bind(new.height)
    .bind(new.duration_ms)
    .bind(new.poster_hash)
    .bind(new.uploaded_by.map(|u| u.0))
    .bind(now)
    .fetch_one(conn)
    .await?
    .try_get(0)?;
    Ok(MediaId(id))
}

pub async fn insert_rendition(
    conn: &mut Conn,
    media: MediaId,
    rendition: &Rendition,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO media_renditions (media_id, name, hash, width, height)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(media.0)
    .bind(&rendition.name)
    .bind(&rendition.hash)
    .bind(rendition.width)
    .bind(rendition.height)
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn get(conn: &mut Conn, id: MediaId) -> Result<Media> {
    let sql = format!("{MEDIA_COLUMNS} WHERE id = $1");
    let row = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(id.0)
        .fetch_one(conn)
        .await?;
    from_row(&row)
}

/// A page of a site's media, newest first, optionally of one kind; and how
/// many match in all.
pub async fn list(
    conn: &mut Conn,
    site: SiteId,
    kind: Option<&str>,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Media>, i64)> {
    let filter = "WHERE site_id = $1 AND ($2 = '' OR kind = $2)";
    let sql =
        format!("{MEDIA_COLUMNS} {filter} ORDER BY created_at DESC, id DESC LIMIT $3 OFFSET $4");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(site.0)
        .bind(kind.unwrap_or(""))
        .bind(limit)
        .bind(offset)
        .fetch_all(&mut *conn)
        .await?;
    let count_sql = format!("SELECT COUNT(*) FROM media {filter}");
    let total: i64 = sqlx::query(sqlx::AssertSqlSafe(count_sql))
        .bind(site.0)
        .bind(kind.unwrap_or(""))
        .fetch_one(conn)
        .await?
        .try_get(0)?;
    let items = rows.iter().map(from_row).collect::<Result<_>>()?;
    Ok((items, total))
}

pub async fn update_alt_text(conn: &mut Conn, id: MediaId, alt_text: &str) -> Result<()> {
    let done = sqlx::query("UPDATE media SET alt_text = $1 WHERE id = $2")
        .bind(alt_text)
        .bind(id.0)
        .execute(conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(crate::StoreError::NotFound);
    }
    Ok(())
}

pub async fn renditions(conn: &mut Conn, id: MediaId) -> Result<Vec<Rendition>> {
    let rows = sqlx::query(
        "SELECT name, hash, width, height FROM media_renditions WHERE media_id = $1 ORDER BY width",
    )
    .bind(id.0)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(Rendition {
                name: row.try_get("name")?,
                hash: row.try_get("hash")?,
                width: row.try_get("width")?,
                height: row.try_get("height")?,
            })
        })
        .collect()
}

/// Of the given ids, the images whose alt text is empty.
pub async fn images_missing_alt(conn: &mut Conn, ids: &[MediaId]) -> Result<Vec<MediaId>> {
    let mut missing = Vec::new();
    for id in ids {
        let row = sqlx::query(
            "SELECT COUNT(*) FROM media WHERE id = $1 AND kind = 'image' AND TRIM(alt_text) = ''",
        )
        .bind(id.0)
        .fetch_one(&mut *conn)
        .await?;
        if row.try_get::<i64, _>(0)? > 0 {
            missing.push(*id);
        }
    }
    Ok(missing)
}

/// The blob `hash`, if an upload, a rendition or a poster names it (no
/// other stored object is ever served).
pub async fn served_blob(conn: &mut Conn, hash: &str) -> Result<Option<ServedBlob>> {
    let row = sqlx::query(
        "SELECT b.hash, b.size, b.mime FROM media_blobs b WHERE b.hash = $1 AND (
            EXISTS (SELECT 1 FROM media m WHERE m.hash = b.hash)
            OR EXISTS (SELECT 1 FROM media m WHERE m.poster_hash = b.hash)
            OR EXISTS (SELECT 1 FROM media_renditions r WHERE r.hash = b.hash))",
    )
    .bind(hash)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let upload =
        sqlx::query("SELECT kind, original_name FROM media WHERE hash = $1 ORDER BY id LIMIT 1")
            .bind(hash)
            .fetch_optional(conn)
            .await?
            .map(|r| Ok::<_, crate::StoreError>((r.try_get("kind")?, r.try_get("original_name")?)))
            .transpose()?;
    Ok(Some(ServedBlob {
        hash: row.try_get("hash")?,
        size: row.try_get("size")?,
        mime: row.try_get("mime")?,
        upload,
    }))
}

fn from_row(row: &AnyRow) -> Result<Media> {
    Ok(Media {
        id: MediaId(row.try_get("id")?),
        site_id: SiteId(row.try_get("site_id")?),
        kind: row.try_get("kind")?,
        hash: row.try_get("hash")?,
        original_name: row.try_get("original_name")?,
        mime: row.try_get("mime")?,
        size: row.try_get("size")?,
        width: row.try_get("width")?,
        height: row.try_get("height")?,
        duration_ms: row.try_get("duration_ms")?,
        poster_hash: row.try_get("poster_hash")?,
        alt_text: row.try_get("alt_text")?,
        uploaded_by: row.try_get::<Option<i64>, _>("uploaded_by")?.map(UserId),
        created_at: row.try_get("created_at")?,
    })
}

/// Deletes every upload of a site with its renditions (blobs stay: they are
/// shared by hash and cost nothing unnamed); returns how many uploads went.
/// Articles naming them must be gone first.
pub async fn delete_all_in_site(conn: &mut Conn, site: SiteId) -> Result<u64> {
    sqlx::query(
        "DELETE FROM media_renditions WHERE media_id IN (SELECT id FROM media WHERE site_id = $1)",
    )
    .bind(site.0)
    .execute(&mut *conn)
    .await?;
    let done = sqlx::query("DELETE FROM media WHERE site_id = $1")
        .bind(site.0)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
