//! Revisions of an article (修订记录): every save keeps a copy of the text,
//! two copies can be compared side by side, and an earlier one can be
//! brought back into an article its author may still change.

use dangjian_domain::article::ArticleId;
use dangjian_domain::audit::Outcome;
use dangjian_domain::diff::{Row, side_by_side};
use dangjian_domain::role::Permission;
use dangjian_store::articles::{self as stored, Article};
use dangjian_store::revisions as kept;
pub use dangjian_store::revisions::{Revision, RevisionSummary};
use dangjian_store::{Conn, StoreError, columns, users};

use super::edit::holds_articles;
use super::sanitize::sanitize_body;
use crate::actor::Actor;
use crate::audit::Event;
use crate::{App, AppError, Result};

/// The note of the revision a new article starts with (`create_article`
/// passes it as it is).
pub const NOTE_CREATED: &str = "created";
/// The note of a revision made by a restore (`restored from #N`).
const NOTE_RESTORED: &str = "restored from #";
/// The list shows at most this many revisions, newest first.
const LISTED: i64 = 500;

/// The number a restore note names (`restored from #3` → 3).
pub fn restored_from(note: &str) -> Option<i64> {
    note.strip_prefix(NOTE_RESTORED)?.parse().ok()
}

/// An article's revisions, newest first.
#[derive(Debug, Clone)]
pub struct RevisionList {
    pub article: Article,
    /// Whether an earlier revision may be brought back now.
    pub restorable: bool,
    pub revisions: Vec<RevisionSummary>,
}

/// Two revisions compared: the older on the left, the newer on the right.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub article: Article,
    pub older: RevisionSummary,
    pub newer: RevisionSummary,
    pub title: Vec<Row>,
    pub body: Vec<Row>,
}

/// Only what the author may still change takes an earlier text back: a
/// draft, or an article returned to its author by a reviewer.
fn restorable(article: &Article) -> bool {
    matches!(article.status.code(), "draft" | "returned")
}

impl App {
    /// Keeps a copy of the article's current text as its next revision,
    /// inside the caller's transaction (after the save); returns its number.
    pub(crate) async fn record_revision(
        &self,
        conn: &mut Conn,
        article: ArticleId,
        by: &Actor,
        note: &str,
    ) -> Result<i64> {
        Ok(kept::insert_snapshot(conn, article, by.user_id, note, self.now_ms()).await?)
    }

    /// The same people who open an article in the office see and restore
    /// its revisions: writers and site editors. A refusal is audited.
    async fn require_writer(&self, actor: &Actor, action: &str, id: ArticleId) -> Result<()> {
        if actor.can(Permission::WriteArticles) || actor.can(Permission::ManageSite) {
            return Ok(());
        }
        self.require(
            actor,
            Permission::WriteArticles,
            action,
            format!("article:{id}"),
        )
        .await
    }

    /// The revisions of an article, newest first.
    pub async fn article_revisions(&self, actor: &Actor, id: ArticleId) -> Result<RevisionList> {
        self.require_writer(actor, "article.revisions", id).await?;
        let mut conn = self.store().read().await?;
        let article = stored::get(&mut conn, id).await?;
        let revisions = kept::list(&mut conn, id, LISTED).await?;
        Ok(RevisionList {
            restorable: restorable(&article),
            article,
            revisions,
        })
    }

    /// Revisions `a` and `b` of an article compared (title and body text),
    /// the older of the two on the left.
    pub async fn compare_revisions(
        &self,
        actor: &Actor,
        id: ArticleId,
        a: i64,
        b: i64,
    ) -> Result<Comparison> {
        self.require_writer(actor, "article.revisions", id).await?;
        let (older, newer) = (a.min(b), a.max(b));
        let mut conn = self.store().read().await?;
        let article = stored::get(&mut conn, id).await?;
        let old = kept::get(&mut conn, id, older).await?;
        let new = kept::get(&mut conn, id, newer).await?;
        let older = summary(&mut conn, &old).await?;
        let newer = summary(&mut conn, &new).await?;
        drop(conn);
        // Long bodies take a while to compare: off the async threads.
        let (title, body) = tokio::task::spawn_blocking(move || {
            (
                side_by_side(&old.title, &new.title),
                side_by_side(&old.body_text, &new.body_text),
            )
        })
        .await
        .map_err(AppError::internal)?;
        Ok(Comparison {
            article,
            older,
            newer,
            title,
            body,
        })
    }

    /// Writes revision `number` back into the article (a draft save) and
    /// keeps the result as a new revision; returns the new number. Refused
    /// unless the article is a draft or returned to its author.
    pub async fn restore_revision(&self, actor: &Actor, id: ArticleId, number: i64) -> Result<i64> {
        self.require_writer(actor, "article.restore", id).await?;
        let now = self.now_ms();
        let mut tx = self.store().write().await?;
        let article = stored::get(&mut tx, id).await?;
        if !restorable(&article) {
            drop(tx);
            let event = Event::success("article.restore", format!("article:{id}"))
                .with_outcome(Outcome::Failure)
                .with_detail(format!("#{number}: status {}", article.status.code()));
            self.audit_alone(actor.into(), event).await?;
            return Err(AppError::Conflict("error.revision.not_editable"));
        }
        let revision = kept::get(&mut tx, id, number).await?;
        let column = usable_column(&mut tx, &article, &revision).await?;
        // Sanitised again: the allow-list may have narrowed since it was saved.
        let body = sanitize_body(&revision.body_html);
        kept::write_back(
            &mut tx,
            &revision,
            column,
            &body.html,
            &body.text,
            actor.user_id,
            now,
        )
        .await?;
        let note = format!("{NOTE_RESTORED}{number}");
        let made = self.record_revision(&mut tx, id, actor, &note).await?;
        let event = Event::success("article.restore", format!("article:{id}"))
            .with_detail(format!("#{number} → #{made}: {}", revision.title));
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        Ok(made)
    }
}

/// The revision's primary column if it can still hold the article, else the
/// article's present one (the old column may be gone or changed kind).
async fn usable_column(
    conn: &mut Conn,
    article: &Article,
    revision: &Revision,
) -> Result<dangjian_domain::column::ColumnId> {
    match columns::column(conn, revision.primary_column_id).await {
        Ok(column) if column.site_id == article.site_id && holds_articles(&column.kind) => {
            Ok(column.id)
        }
        Ok(_) | Err(StoreError::NotFound) => Ok(article.primary_column_id),
        Err(other) => Err(other.into()),
    }
}

/// What the comparison's headings show of a revision.
async fn summary(conn: &mut Conn, revision: &Revision) -> Result<RevisionSummary> {
    let name = match users::by_id(conn, revision.created_by).await {
        Ok(user) => user.display_name,
        Err(StoreError::NotFound) => String::new(),
        Err(other) => return Err(other.into()),
    };
    Ok(RevisionSummary {
        number: revision.number,
        title: revision.title.clone(),
        created_by: revision.created_by,
        created_by_name: name,
        created_at: revision.created_at,
        note: revision.note.clone(),
    })
}
