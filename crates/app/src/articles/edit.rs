//! Writing and publishing articles. Until the review workflow exists, an
//! information officer or site editor writes drafts and the site editor
//! publishes and withdraws directly.

use dangjian_domain::article::{ArticleFields, ArticleId, ArticleInput, ArticleStatus};
use dangjian_domain::audit::Outcome;
use dangjian_domain::column::{ColumnId, ColumnKind};
use dangjian_domain::ids::SiteId;
use dangjian_domain::media::{MediaId, MediaKind};
use dangjian_domain::role::Permission;
use dangjian_domain::{Invalid, account::bounded_text};
use dangjian_store::articles::{self as stored, Article, ArticleRecord};
use dangjian_store::{Conn, StoreError, columns, media};
use serde::Deserialize;

use super::sanitize::{SanitizedBody, sanitize_body};
use crate::actor::Actor;
use crate::audit::Event;
use crate::changes::Change;
use crate::{App, AppError, Result};

/// The article form: the fields and the body (HTML from the editor).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ArticleForm {
    #[serde(flatten)]
    pub fields: ArticleInput,
    pub body: String,
}

/// Bodies larger than this are refused (a long report is ~100 KB of HTML).
const MAX_BODY_BYTES: usize = 2 * 1024 * 1024;

/// An article with the columns and attachments it lists, for the editor.
#[derive(Debug, Clone)]
pub struct ArticleDraft {
    pub article: Article,
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
        let publish_at = fields.publish_at.unwrap_or(now);
        let id = stored::insert(
            &mut tx,
            &record(site, &fields, &body, publish_at, actor),
            now,
        )
        .await?;
        stored::set_extra_columns(&mut tx, id, &fields.extra_columns).await?;
        stored::set_attachments(&mut tx, id, &fields.attachments).await?;
        let event =
            Event::success("article.create", format!("article:{id}")).with_detail(&fields.title);
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Saves changes. A published article is changed in place (by a site
    /// editor only) and its pages are refreshed.
    pub async fn update_article(
        &self,
        actor: &Actor,
        id: ArticleId,
        form: &ArticleForm,
    ) -> Result<()> {
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
        if before.status != ArticleStatus::Draft && !actor.can(Permission::ManageSite) {
            drop(tx);
            self.require(actor, Permission::ManageSite, "article.update", object)
                .await?;
            return Err(AppError::Forbidden("error.forbidden"));
        }
        check_references(&mut tx, before.site_id, &fields).await?;
        let publish_at = fields.publish_at.unwrap_or(before.publish_at);
        stored::update(
            &mut tx,
            id,
            &record(before.site_id, &fields, &body, publish_at, actor),
            now,
        )
        .await?;
        let old_columns = stored::extra_columns(&mut tx, id).await?;
        stored::set_extra_columns(&mut tx, id, &fields.extra_columns).await?;
        stored::set_attachments(&mut tx, id, &fields.attachments).await?;
        let event = Event::success("article.update", object).with_detail(&fields.title);
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        if before.status == ArticleStatus::Published {
            let mut columns = old_columns;
            columns.extend([before.primary_column_id, fields.primary_column]);
            columns.extend(fields.extra_columns.iter().copied());
            self.announce(Change::Article { id, columns });
        }
        Ok(())
    }

    /// Publishes (or re-publishes) an article: refused while an image in the
    /// body or the cover has no alt text.
    pub async fn publish_article(&self, actor: &Actor, id: ArticleId) -> Result<()> {
        let object = format!("article:{id}");
        self.require(
            actor,
            Permission::ManageSite,
            "article.publish",
            object.clone(),
        )
        .await?;
        let now = self.now_ms();
        let mut tx = self.store().write().await?;
        let article = stored::get(&mut tx, id).await?;
        let body = sanitize_body(&article.body_html);
        let cover_without_alt = match article.cover_media_id {
            Some(cover) => !media::images_missing_alt(&mut tx, &[cover])
                .await?
                .is_empty(),
            None => false,
        };
        if !body.images_without_alt().is_empty() || cover_without_alt {
            drop(tx);
            let event = Event::success("article.publish", object)
                .with_outcome(Outcome::Failure)
                .with_detail("images without alt text");
            self.audit_alone(actor.into(), event).await?;
            return Err(Invalid::one("body", "error.article.images_need_alt").into());
        }
        stored::set_status(
            &mut tx,
            id,
            ArticleStatus::Published,
            "",
            actor.user_id,
            now,
        )
        .await?;
        let columns = self.columns_of(&mut tx, &article).await?;
        self.audit(
            &mut tx,
            actor.into(),
            Event::success("article.publish", object),
        )
        .await?;
        tx.commit().await?;
        self.announce(Change::Article { id, columns });
        Ok(())
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
        if article.status != ArticleStatus::Published {
            return Err(AppError::Conflict("error.article.not_published"));
        }
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

    async fn columns_of(&self, conn: &mut Conn, article: &Article) -> Result<Vec<ColumnId>> {
        let mut columns = stored::extra_columns(conn, article.id).await?;
        columns.push(article.primary_column_id);
        Ok(columns)
    }

    /// An article with its columns and attachments, for the editor.
    pub async fn article_draft(&self, actor: &Actor, id: ArticleId) -> Result<ArticleDraft> {
        if !may_write(actor) {
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
        let extra_columns = stored::extra_columns(&mut conn, id).await?;
        let attachments = stored::attachments(&mut conn, id).await?;
        Ok(ArticleDraft {
            article,
            extra_columns,
            attachments,
        })
    }
}
