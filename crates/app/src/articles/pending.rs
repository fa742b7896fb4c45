//! Editing a published article: the edit is a new draft (a copy naming the
//! article it revises) that goes through the workflow while the published
//! text stays online; when its last stage approves, its text is merged into
//! the published article (same address, same publish date) and the copy is
//! marked merged.

use dangjian_domain::article::{ArticleId, ArticleStatus};
use dangjian_domain::column::ColumnId;
use dangjian_domain::media::MediaId;
use dangjian_store::articles::{self as stored, Article, ArticleRecord};
use dangjian_store::review::{self, jobs};

use crate::review::placement::Placing;
use crate::review::scheduler::UNPUBLISH;
use dangjian_store::{Conn, Tx};

use crate::actor::Actor;
use crate::audit::Event;
use crate::{App, AppError, Result};

/// An edit of a published article, as saved.
pub(crate) struct PendingEdit<'a> {
    pub original: &'a Article,
    pub record: ArticleRecord<'a>,
    pub extra_columns: &'a [ColumnId],
    pub attachments: &'a [MediaId],
}

impl App {
    /// Saves an edit of a published article as a new draft that revises
    /// it; a second edit while one is on its way is refused (work in that
    /// one instead).
    pub(crate) async fn edit_published(
        &self,
        mut tx: Tx,
        actor: &Actor,
        edit: PendingEdit<'_>,
        now: i64,
    ) -> Result<ArticleId> {
        let original = edit.original.id;
        if review::pending_edit_of(&mut tx, original).await?.is_some() {
            return Err(AppError::Conflict("error.article.edit_pending"));
        }
        let copy = stored::insert(&mut tx, &edit.record, now).await?;
        let already = stored::extra_columns(&mut tx, original).await?;
        self.place_extra_columns(
            &mut tx,
            actor,
            Placing {
                site: edit.original.site_id,
                article: copy,
                primary: edit.record.primary_column,
                wanted: edit.extra_columns,
                already: &already,
            },
        )
        .await?;
        stored::set_attachments(&mut tx, copy, edit.attachments).await?;
        review::set_revises(&mut tx, copy, original).await?;
        self.record_revision(&mut tx, copy, actor, &format!("edit of #{original}"))
            .await?;
        let event = Event::success("article.edit_published", format!("article:{original}"))
            .with_detail(format!("draft #{copy}: {}", edit.record.title));
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        Ok(copy)
    }

    /// Merges an approved edit into the article it revises; returns that
    /// article and every column it was or is now listed in.
    pub(crate) async fn merge_edit(
        &self,
        tx: &mut Conn,
        actor: &Actor,
        copy: &Article,
        original: ArticleId,
        now: i64,
    ) -> Result<Vec<ColumnId>> {
        let target = stored::get(tx, original).await?;
        if target.status != ArticleStatus::Published {
            return Err(AppError::Conflict("error.article.not_published"));
        }
        let mut columns = stored::extra_columns(tx, original).await?;
        columns.push(target.primary_column_id);
        let extra = stored::extra_columns(tx, copy.id).await?;
        let attachments = stored::attachments(tx, copy.id).await?;
        let record = ArticleRecord {
            site: target.site_id,
            primary_column: copy.primary_column_id,
            title: &copy.title,
            subtitle: &copy.subtitle,
            author: &copy.author,
            source: &copy.source,
            summary: &copy.summary,
            body_html: &copy.body_html,
            body_text: &copy.body_text,
            keywords: &copy.keywords,
            cover: copy.cover_media_id,
            video: copy.video_media_id,
            external_url: copy.external_url.as_deref(),
            publish_at: target.publish_at,
            pinned_until: copy.pinned_until,
            headline: copy.headline,
            carousel: copy.carousel,
            by: copy.updated_by.or(copy.created_by).unwrap_or(actor.user_id),
        };
        stored::update(tx, original, &record, now).await?;
        stored::set_extra_columns(tx, original, &extra).await?;
        stored::set_attachments(tx, original, &attachments).await?;
        review::bump_edit_version(tx, original).await?;
        // The edit's offline time becomes the article's.
        let until = review::review_state(tx, copy.id).await?.unpublish_at;
        review::set_unpublish_at(tx, original, until).await?;
        jobs::cancel(tx, original, Some(UNPUBLISH), now).await?;
        if let Some(until) = until.filter(|u| *u > now) {
            jobs::insert(tx, UNPUBLISH, original, until, now).await?;
        }
        self.record_revision(tx, original, actor, &format!("merged from #{}", copy.id))
            .await?;
        columns.extend(extra);
        columns.push(copy.primary_column_id);
        let event = Event::success("article.merge", format!("article:{original}"))
            .with_detail(format!("from #{}", copy.id));
        self.audit(tx, actor.into(), event).await?;
        Ok(columns)
    }
}
