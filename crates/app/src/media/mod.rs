//! Media (images, attachments, video): upload with checks, storage through
//! one object-store interface, renditions, alt text, and what the public
//! serving needs. Bytes are stored once under their SHA-256; every upload
//! has its own row. Public URLs are content-addressed: `/media/{hash}.{ext}`
//! for originals, renditions and posters alike (immutable, cached forever).

pub mod images;
pub mod objects;
pub mod sniff;
pub mod upload;
pub mod video;

mod policy;

use std::sync::Arc;

use dangjian_domain::audit::Outcome;
use dangjian_domain::media::{MediaId, MediaKind, parse_alt_text};
use dangjian_domain::role::Permission;
use dangjian_store::media::{self as stored, Media, NewMedia, Rendition, ServedBlob};

pub use objects::{ObjectStore, ObjectStoreConfig};

use crate::actor::Actor;
use crate::audit::Event;
use crate::{App, AppError, Result};

/// The public path of a stored object.
pub fn object_url(hash: &str, mime: &str) -> String {
    format!("/media/{hash}.{}", sniff::ext_for_mime(mime))
}

/// An upload with its renditions.
#[derive(Debug, Clone)]
pub struct MediaItem {
    pub media: Media,
    pub renditions: Vec<Rendition>,
}

impl MediaItem {
    pub fn kind(&self) -> Option<MediaKind> {
        MediaKind::from_code(&self.media.kind)
    }

    /// The original's URL.
    pub fn url(&self) -> String {
        object_url(&self.media.hash, &self.media.mime)
    }

    /// A rendition's URL (all are JPEG).
    pub fn rendition_url(&self, name: &str) -> Option<String> {
        self.renditions
            .iter()
            .find(|r| r.name == name)
            .map(|r| object_url(&r.hash, "image/jpeg"))
    }

    /// What a list shows: the thumbnail of an image, the poster of a video.
    pub fn thumb_url(&self) -> Option<String> {
        self.rendition_url("thumb").or_else(|| self.poster_url())
    }

    pub fn poster_url(&self) -> Option<String> {
        self.media
            .poster_hash
            .as_deref()
            .map(|h| object_url(h, "image/jpeg"))
    }

    /// An image without alt text (articles refuse to publish it).
    pub fn missing_alt(&self) -> bool {
        self.media.kind == MediaKind::Image.code() && self.media.alt_text.trim().is_empty()
    }
}

/// One page of the media library.
#[derive(Debug, Clone)]
pub struct MediaPage {
    pub items: Vec<MediaItem>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

impl MediaPage {
    pub fn pages(&self) -> i64 {
        ((self.total + self.per_page - 1) / self.per_page).max(1)
    }
}

/// A blob ready to serve: what it is and where its bytes are.
#[derive(Debug, Clone)]
pub struct ServedObject {
    pub blob: ServedBlob,
}

pub const PER_PAGE: i64 = 24;

impl App {
    /// The object store (opened on first use).
    pub fn objects(&self) -> Result<Arc<dyn ObjectStore>> {
        if let Some(store) = self.objects.get() {
            return Ok(store.clone());
        }
        let store = objects::open(&self.config().object_store)?;
        Ok(self.objects.get_or_init(|| store).clone())
    }

    /// Editors and information officers work with media.
    async fn require_media(&self, actor: &Actor, action: &str, object: String) -> Result<()> {
        if actor.can(Permission::WriteArticles) || actor.can(Permission::ManageSite) {
            return Ok(());
        }
        let event = Event::success(action, object)
            .with_outcome(Outcome::Denied)
            .with_detail("permission denied");
        self.audit_alone(actor.into(), event).await?;
        Err(AppError::Forbidden("error.forbidden"))
    }

    /// Uploads one file: checks it, stores its objects and records it.
    pub async fn upload_media(
        &self,
        actor: &Actor,
        name: &str,
        bytes: Vec<u8>,
    ) -> Result<MediaItem> {
        self.require_media(actor, "media.upload", "media".into())
            .await?;
        let policy = self.media_policy().await?;
        let name = name.to_owned();
        let prepared = tokio::task::spawn_blocking(move || upload::prepare(&name, bytes, &policy))
            .await
            .map_err(AppError::internal)??;
        let store = self.objects()?;
        for object in prepared.objects() {
            store.put(&object.hash, object.bytes.clone()).await?;
        }
        let id = self.record_upload(actor, &prepared).await?;
        self.media_item_unchecked(id).await
    }

    async fn record_upload(&self, actor: &Actor, prepared: &upload::Prepared) -> Result<MediaId> {
        let site = self.default_site().await?;
        let now = self.now_ms();
        let mut tx = self.store().write().await?;
        for object in prepared.objects() {
            stored::put_blob(&mut tx, &object.hash, object.size(), object.mime, now).await?;
        }
        let new = NewMedia {
            site_id: site,
            kind: prepared.kind.code(),
            hash: &prepared.original.hash,
            original_name: &prepared.original_name,
            mime: prepared.original.mime,
            size: prepared.original.size(),
            width: prepared.width.map(i64::from),
            height: prepared.height.map(i64::from),
            duration_ms: prepared.duration_ms,
            poster_hash: prepared.poster.as_ref().map(|p| p.hash.as_str()),
            uploaded_by: Some(actor.user_id),
        };
        let id = stored::insert(&mut tx, &new, now).await?;
        for r in &prepared.renditions {
            let rendition = Rendition {
                name: r.name.to_owned(),
                hash: r.object.hash.clone(),
                width: i64::from(r.width),
                height: i64::from(r.height),
            };
            stored::insert_rendition(&mut tx, id, &rendition).await?;
        }
        let detail = format!(
            "{} {} {} bytes sha256:{}",
            prepared.kind.code(),
            prepared.original_name,
            prepared.original.size(),
            prepared.original.hash
        );
        let event = Event::success("media.upload", format!("media:{id}")).with_detail(detail);
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        Ok(id)
    }

    async fn media_item_unchecked(&self, id: MediaId) -> Result<MediaItem> {
        let mut conn = self.store().read().await?;
        let media = stored::get(&mut conn, id).await?;
        let renditions = stored::renditions(&mut conn, id).await?;
        Ok(MediaItem { media, renditions })
    }

    /// One upload with its renditions.
    pub async fn media_item(&self, actor: &Actor, id: MediaId) -> Result<MediaItem> {
        self.require_media(actor, "media.view", format!("media:{id}"))
            .await?;
        self.media_item_unchecked(id).await
    }

    /// The library, newest first, optionally of one kind.
    pub async fn media_list(
        &self,
        actor: &Actor,
        kind: Option<MediaKind>,
        page: i64,
    ) -> Result<MediaPage> {
        self.require_media(actor, "media.view", "media".into())
            .await?;
        let site = self.default_site().await?;
        let page = page.max(1);
        let mut conn = self.store().read().await?;
        let (rows, total) = stored::list(
            &mut conn,
            site,
            kind.map(MediaKind::code),
            (page - 1) * PER_PAGE,
            PER_PAGE,
        )
        .await?;
        let mut items = Vec::with_capacity(rows.len());
        for media in rows {
            let renditions = stored::renditions(&mut conn, media.id).await?;
            items.push(MediaItem { media, renditions });
        }
        Ok(MediaPage {
            items,
            total,
            page,
            per_page: PER_PAGE,
        })
    }

    /// Changes the alt text of an upload.
    pub async fn update_media_alt(
        &self,
        actor: &Actor,
        id: MediaId,
        alt_text: &str,
    ) -> Result<MediaItem> {
        self.require_media(actor, "media.update", format!("media:{id}"))
            .await?;
        let alt_text = parse_alt_text(alt_text)?;
        let mut tx = self.store().write().await?;
        let before = stored::get(&mut tx, id).await?;
        stored::update_alt_text(&mut tx, id, &alt_text).await?;
        let event = Event::success("media.update", format!("media:{id}"))
            .with_detail(format!("alt: {:?} -> {alt_text:?}", before.alt_text));
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        self.media_item_unchecked(id).await
    }

    /// Of the given media, the images without alt text (an article that
    /// uses one must not be published).
    pub async fn media_missing_alt(&self, ids: &[MediaId]) -> Result<Vec<MediaId>> {
        let mut conn = self.store().read().await?;
        Ok(stored::images_missing_alt(&mut conn, ids).await?)
    }

    /// A blob that may be served publicly (named by an upload, a rendition
    /// or a poster), or None.
    pub async fn served_object(&self, hash: &str) -> Result<Option<ServedObject>> {
        if !objects::valid_key(hash) {
            return Ok(None);
        }
        let mut conn = self.store().read().await?;
        Ok(stored::served_blob(&mut conn, hash)
            .await?
            .map(|blob| ServedObject { blob }))
    }

    /// Bytes `start..end` of a served object.
    pub async fn read_object(
        &self,
        object: &ServedObject,
        start: u64,
        end: u64,
    ) -> Result<Vec<u8>> {
        self.objects()?
            .get_range(&object.blob.hash, start, end)
            .await
    }
}
