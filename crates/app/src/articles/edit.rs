//! Writing articles: drafts by the officers of the owning section (or a
//! site editor), saved with a version check so nobody overwrites another's
//! change unseen; and 撤稿 by a site editor. Publication goes through the
//! review workflow (`review::flow`).

use dangjian_domain::article::{ArticleFields, ArticleId, ArticleInput, ArticleStatus};
use dangjian_domain::column::{ColumnId, ColumnKind};
use dangjian_domain::ids::SiteId;
use dangjian_domain::media::{MediaId, MediaKind};
use dangjian_domain::role::Permission;
use dangjian_domain::workflow::writes_for;
use dangjian_domain::{Invalid, account::bounded_text};
use dangjian_store::articles::{self as stored, Article, ArticleRecord};
use dangjian_store::review::{self, NewEvent, jobs, placements};
use dangjian_store::{Conn, StoreError, columns, media};
use serde::Deserialize;

use super::pending::PendingEdit;
use super::sanitize::{SanitizedBody, sanitize_body};
use crate::actor::Actor;
use crate::audit::Event;
use crate::changes::Change;
use crate::review::placement::Placing;
use crate::{App, AppError, Result};

/// The article form: the fields and the body (HTML from the editor).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ArticleForm {
    #[serde(flatten)]
    pub fields: ArticleInput,
    pub body: String,
    /// The version (count of saves) the editor started from; a save over a
    /// newer version is refused instead of silently overwriting it.
    pub version: String,
}

/// Bodies larger than this are refused (a long report is ~100 KB of HTML).
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// An article with the columns and attachments it lists, for the editor.
#[derive(Debug, Clone)]
pub struct ArticleDraft {
    pub article: Article,
    /// How many times its text was saved (the form echoes it back).
    pub version: i64,
    /// The published article this draft is an edit of.
    pub revises: Option<ArticleId>,
    /// An edit of this (published) article on its way through review.
    pub pending_edit: Option<ArticleId>,
    /// When it goes offline by itself.
    pub unpublish_at: Option<i64>,
    pub extra_columns: Vec<ColumnId>,
    pub attachments: Vec<MediaId>,
}

/// Kinds of column that list articles.
pub(crate) fn holds_articles(kind: &str) -> bool {
    ColumnKind::from_code(kind).is_some_and(|k| k != ColumnKind::ExternalLink)
}

fn may_write(actor: &Actor) -> bool {
    actor.can(Permission::WriteArticles) || actor.can(Permission::ManageSite)
}

/// Checks that the columns and media named by the form exist in the site and
/// are of the right kind; errors name the field.
async fn check_references(conn: &mut Conn, site: SiteId, fields: &ArticleFields) -> Result<()> {
    let mut invalid = Invalid::default();
    let wanted = std::iter::once(("primary_column", fields.primary_column))
        .chain(fields.extra_columns.iter().map(|c| ("extra_columns", *c)));
    for (field, id) in wanted {
        match columns::column(conn, id).await {
            Ok(column) if column.site_id == site && holds_articles(&column.kind) => {}
            Ok(_) | Err(StoreError::NotFound) => {
                invalid.push(field, "error.article.column_unusable")
            }
            Err(other) => return Err(other.into()),
        }
    }
    let media_refs = fields
        .cover
        .map(|m| ("cover", m, MediaKind::Image))
        .into_iter()
        .chain(fields.video.map(|m| ("video", m, MediaKind::Video)))
        .chain(
            fields
                .attachments
                .iter()
                .map(|m| ("attachments", *m, MediaKind::Attachment)),
        );
    for (field, id, kind) in media_refs {
        match media::get(conn, id).await {
            Ok(item) if item.site_id == site && item.kind == kind.code() => {}
            Ok(_) | Err(StoreError::NotFound) => {
                invalid.push(field, "error.article.media_unusable")
            }
            Err(other) => return Err(other.into()),
        }
    }
    Ok(invalid.into_result()?)
}

fn record<'a>(
    site: SiteId,
    fields: &'a ArticleFields,
    body: &'a SanitizedBody,
    publish_at: i64,
    actor: &Actor,
) -> ArticleRecord<'a> {
    ArticleRecord {
        site,
        primary_column: fields.primary_column,
        title: &fields.title,
        subtitle: &fields.subtitle,
        author: &fields.author,
        source: &fields.source,
        summary: &fields.summary,
        body_html: &body.html,
        body_text: &body.text,
        keywords: &fields.keywords,
        cover: fields.cover,
        video: fields.video,
        external_url: fields.external_url.as_deref(),
        publish_at,
        pinned_until: fields.pinned_until,
        headline: fields.headline,
        carousel: fields.carousel,
        by: actor.user_id,
    }
}

fn parse(form: &ArticleForm) -> Result<(ArticleFields, SanitizedBody)> {
    if form.body.len() > MAX_BODY_BYTES {
        return Err(Invalid::one("body", "error.article.body_too_long").into());
    }
    let fields = form.fields.parse()?;
    Ok((fields, sanitize_body(&form.body)))
}

impl App {
    /// Creates a draft.
    pub async fn create_article(
        &self,
        actor: &Actor,
        site: SiteId,
        form: &ArticleForm,
    ) -> Result<ArticleId> {
        if !may_write(actor) {
            self.require(
                actor,
                Permission::WriteArticles,
                "article.create",
                "article",
            )
            .await?;
        }
        let (fields, body) = parse(form)?;
        let now = self.now_ms();
        let mut tx = self.store().write().await?;
        check_references(&mut tx, site, &fields).await?;
        self.check_writes_for(&mut tx, actor, site, &fields).await?;
        let publish_at = fields.publish_at.unwrap_or(now);
        let id = stored::insert(
            &mut tx,
            &record(site, &fields, &body, publish_at, actor),
            now,
        )
        .await?;
        review::set_unpublish_at(&mut tx, id, fields.unpublish_at).await?;
        self.place_extra_columns(
            &mut tx,
            actor,
            Placing {
                site,
                article: id,
                primary: fields.primary_column,
                wanted: &fields.extra_columns,
                already: &[],
            },
        )
        .await?;
        stored::set_attachments(&mut tx, id, &fields.attachments).await?;
        self.record_revision(&mut tx, id, actor, "created").await?;
        let event =
            Event::success("article.create", format!("article:{id}")).with_detail(&fields.title);
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Saves changes; returns where the text now is. A published article
    /// is not changed in place: the edit becomes a new draft that goes
    /// through review while the published text stays online (see
    /// `pending`).
    pub async fn update_article(
        &self,
        actor: &Actor,
        id: ArticleId,
        form: &ArticleForm,
    ) -> Result<ArticleId> {
        let object = format!("article:{id}");
        if !may_write(actor) {
            self.require(
                actor,
                Permission::WriteArticles,
                "article.update",
                object.clone(),
            )
            .await?;
        }
        let (fields, body) = parse(form)?;
        let now = self.now_ms();
        let mut tx = self.store().write().await?;
        let before = stored::get(&mut tx, id).await?;
        if before.status == ArticleStatus::Published {
            check_references(&mut tx, before.site_id, &fields).await?;
            self.check_writes_for(&mut tx, actor, before.site_id, &fields)
                .await?;
            let draft = PendingEdit {
                original: &before,
                record: record(before.site_id, &fields, &body, before.publish_at, actor),
                extra_columns: &fields.extra_columns,
                attachments: &fields.attachments,
            };
            return self.edit_published(tx, actor, draft, now).await;
        }
        if !before.status.editable_by_author() && !actor.can(Permission::ManageSite) {
            drop(tx);
            self.require(actor, Permission::ManageSite, "article.update", object)
                .await?;
            return Err(AppError::Forbidden("error.forbidden"));
        }
        let version = review::edit_version(&mut tx, id).await?;
        if !form.version.trim().is_empty() && form.version.trim() != version.to_string() {
            return Err(AppError::Conflict("error.article.changed_meanwhile"));
        }
        review::bump_edit_version(&mut tx, id).await?;
        check_references(&mut tx, before.site_id, &fields).await?;
        self.check_writes_for(&mut tx, actor, before.site_id, &fields)
            .await?;
        let publish_at = fields.publish_at.unwrap_or(before.publish_at);
        stored::update(
            &mut tx,
            id,
            &record(before.site_id, &fields, &body, publish_at, actor),
            now,
        )
        .await?;
        review::set_unpublish_at(&mut tx, id, fields.unpublish_at).await?;
        let already = stored::extra_columns(&mut tx, id).await?;
        self.place_extra_columns(
            &mut tx,
            actor,
            Placing {
                site: before.site_id,
                article: id,
                primary: fields.primary_column,
                wanted: &fields.extra_columns,
                already: &already,
            },
        )
        .await?;
        stored::set_attachments(&mut tx, id, &fields.attachments).await?;
        self.record_revision(&mut tx, id, actor, "").await?;
        let event = Event::success("article.update", object).with_detail(&fields.title);
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// 撤稿: takes an article off every page at once; the reason is kept.
    pub async fn withdraw_article(&self, actor: &Actor, id: ArticleId, reason: &str) -> Result<()> {
        let object = format!("article:{id}");
        self.require(
            actor,
            Permission::ManageSite,
            "article.withdraw",
            object.clone(),
        )
        .await?;
        let reason = bounded_text(reason, "reason", 200, "error.article.reason_required")?;
        let now = self.now_ms();
        let mut tx = self.store().write().await?;
        let article = stored::get(&mut tx, id).await?;
        if !matches!(
            article.status,
            ArticleStatus::Published | ArticleStatus::Scheduled
        ) {
            return Err(AppError::Conflict("error.article.not_published"));
        }
        jobs::cancel(&mut tx, id, None, now).await?;
        let event = NewEvent {
            article: id,
            actor: Some(actor.user_id),
            action: "withdraw",
            stage: None,
            to_stage: None,
            comment: &reason,
        };
        review::insert_event(&mut tx, &event, now).await?;
        stored::set_status(
            &mut tx,
            id,
            ArticleStatus::Withdrawn,
            &reason,
            actor.user_id,
            now,
        )
        .await?;
        let columns = self.columns_of(&mut tx, &article).await?;
        let event = Event::success("article.withdraw", object).with_detail(&reason);
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        self.announce(Change::Article { id, columns });
        Ok(())
    }

    /// An officer writes for the columns of their own section (or unit);
    /// a site editor for every column.
    async fn check_writes_for(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        site: SiteId,
        fields: &ArticleFields,
    ) -> Result<()> {
        let owner = self.ownership(conn, site, fields.primary_column).await?;
        if writes_for(&actor.roles, &owner) {
            Ok(())
        } else {
            Err(Invalid::one("primary_column", "error.article.not_your_column").into())
        }
    }

    async fn columns_of(&self, conn: &mut Conn, article: &Article) -> Result<Vec<ColumnId>> {
        let mut columns = stored::extra_columns(conn, article.id).await?;
        columns.push(article.primary_column_id);
        Ok(columns)
    }

    /// An article with its columns and attachments, for the editor.
    pub async fn article_draft(&self, actor: &Actor, id: ArticleId) -> Result<ArticleDraft> {
        // Reviewers read what they review.
        if !may_write(actor) && !actor.can(Permission::ReviewArticles) {
            self.require(
                actor,
                Permission::WriteArticles,
                "article.view",
                format!("article:{id}"),
            )
            .await?;
        }
        let mut conn = self.store().read().await?;
        let article = stored::get(&mut conn, id).await?;
        // Further columns still waiting for their owner's approval stay
        // ticked in the form.
        let mut extra_columns = stored::extra_columns(&mut conn, id).await?;
        extra_columns.extend(placements::pending_columns(&mut conn, id).await?);
        let attachments = stored::attachments(&mut conn, id).await?;
        let version = review::edit_version(&mut conn, id).await?;
        let revises = review::revises(&mut conn, id).await?;
        let pending_edit = review::pending_edit_of(&mut conn, id).await?;
        let unpublish_at = review::review_state(&mut conn, id).await?.unpublish_at;
        Ok(ArticleDraft {
            unpublish_at,
            article,
            version,
            revises,
            pending_edit,
            extra_columns,
            attachments,
        })
    }
}
