//! The review workflow's records: workflows and their stages, the review
//! state of articles, their timeline, notifications and the scheduler's
//! jobs (in `jobs`).

pub mod bulk;
pub mod counts;
pub mod honours;
pub mod jobs;
pub mod notices;
pub mod placements;
pub mod ranking;

use dangjian_domain::article::{ArticleId, ArticleStatus};
use dangjian_domain::column::ColumnId;
use dangjian_domain::ids::{SiteId, UserId};
use dangjian_domain::role::{Role, Scope};
use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::org::found;
use crate::{Conn, Result, StoreError, flag};

/// A stage as stored (codes as text; the app parses them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageRow {
    pub name: String,
    pub role: String,
    pub scope_rule: String,
    pub deadline_days: i64,
}

/// A workflow with its stages in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorkflowRecord {
    pub id: i64,
    pub site_id: SiteId,
    pub name: String,
    pub is_default: bool,
    pub stages: Vec<StageRow>,
    /// How many columns name it.
    pub column_count: i64,
}

pub async fn workflows(conn: &mut Conn, site: SiteId) -> Result<Vec<WorkflowRecord>> {
    let rows = sqlx::query(
        "SELECT w.id, w.site_id, w.name, w.is_default,
            (SELECT COUNT(*) FROM columns c WHERE c.workflow_id = w.id) AS column_count
         FROM workflows w WHERE w.site_id = $1 ORDER BY w.is_default DESC, w.id",
    )
    .bind(site.0)
    .fetch_all(&mut *conn)
    .await?;
    let mut list = Vec::with_capacity(rows.len());
    for row in &rows {
        let mut workflow = workflow_from_row(row)?;
        workflow.stages = stages(conn, workflow.id).await?;
        list.push(workflow);
    }
    Ok(list)
}

pub async fn workflow(conn: &mut Conn, id: i64) -> Result<WorkflowRecord> {
    let row = sqlx::query(
        "SELECT w.id, w.site_id, w.name, w.is_default,
            (SELECT COUNT(*) FROM columns c WHERE c.workflow_id = w.id) AS column_count
         FROM workflows w WHERE w.id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let mut workflow = workflow_from_row(&row)?;
    workflow.stages = stages(conn, id).await?;
    Ok(workflow)
}

fn workflow_from_row(row: &AnyRow) -> Result<WorkflowRecord> {
    Ok(WorkflowRecord {
        id: row.try_get("id")?,
        site_id: SiteId(row.try_get("site_id")?),
        name: row.try_get("name")?,
        is_default: flag(row.try_get("is_default")?),
        stages: Vec::new(),
        column_count: row.try_get("column_count")?,
    })
}

async fn stages(conn: &mut Conn, workflow: i64) -> Result<Vec<StageRow>> {
    let rows = sqlx::query(
        "SELECT name, role, scope_rule, deadline_days FROM workflow_stages
         WHERE workflow_id = $1 ORDER BY position",
    )
    .bind(workflow)
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|row| {
            Ok(StageRow {
                name: row.try_get("name")?,
                role: row.try_get("role")?,
                scope_rule: row.try_get("scope_rule")?,
                deadline_days: row.try_get("deadline_days")?,
            })
        })
        .collect()
}

pub async fn insert_workflow(
    conn: &mut Conn,
    site: SiteId,
    name: &str,
    is_default: bool,
    now: i64,
) -> Result<i64> {
    let id: i64 = sqlx::query(
        "INSERT INTO workflows (site_id, name, is_default, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $4) RETURNING id",
    )
    .bind(site.0)
    .bind(name)
    .bind(i64::from(is_default))
    .bind(now)
    .fetch_one(conn)
    .await?
    .try_get(0)?;
    Ok(id)
}

/// Renames a workflow and replaces its stages.
pub async fn update_workflow(
    conn: &mut Conn,
    id: i64,
    name: &str,
    stages: &[StageRow],
    now: i64,
) -> Result<()> {
    let done = sqlx::query("UPDATE workflows SET name = $1, updated_at = $2 WHERE id = $3")
        .bind(name)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    found(done.rows_affected())?;
    sqlx::query("DELETE FROM workflow_stages WHERE workflow_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    for (position, stage) in (0_i64..).zip(stages) {
        sqlx::query(
            "INSERT INTO workflow_stages (workflow_id, position, name, role, scope_rule, deadline_days)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id)
        .bind(position)
        .bind(&stage.name)
        .bind(&stage.role)
        .bind(&stage.scope_rule)
        .bind(stage.deadline_days)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

pub async fn set_column_workflow(
    conn: &mut Conn,
    column: ColumnId,
    workflow: Option<i64>,
) -> Result<()> {
    let done = sqlx::query("UPDATE columns SET workflow_id = $1 WHERE id = $2")
        .bind(workflow)
        .bind(column.0)
        .execute(conn)
        .await?;
    found(done.rows_affected())
}

/// Where an article stands in its review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewState {
    pub status: ArticleStatus,
    pub stage: i64,
    pub resume_stage: i64,
    pub stage_due_at: Option<i64>,
    pub reviewing_by: Option<UserId>,
    pub reviewing_at: Option<i64>,
    pub unpublish_at: Option<i64>,
}

pub async fn review_state(conn: &mut Conn, id: ArticleId) -> Result<ReviewState> {
    let row = sqlx::query(
        "SELECT status, stage, resume_stage, stage_due_at, reviewing_by, reviewing_at, unpublish_at
         FROM articles WHERE id = $1",
    )
    .bind(id.0)
    .fetch_one(conn)
    .await?;
    let status: String = row.try_get("status")?;
    let reviewing_by: Option<i64> = row.try_get("reviewing_by")?;
    Ok(ReviewState {
        status: ArticleStatus::from_code(&status)
            .ok_or_else(|| StoreError::Conflict(format!("unknown article status {status}")))?,
        stage: row.try_get("stage")?,
        resume_stage: row.try_get("resume_stage")?,
        stage_due_at: row.try_get("stage_due_at")?,
        reviewing_by: reviewing_by.map(UserId),
        reviewing_at: row.try_get("reviewing_at")?,
        unpublish_at: row.try_get("unpublish_at")?,
    })
}

/// Moves an article in its review: status, stage, resume point and the
/// stage's deadline; the "being reviewed by" marker is cleared. `updated_at`
/// is left alone: it is the version of the text, not of its review.
pub async fn set_review(conn: &mut Conn, id: ArticleId, state: &ReviewState) -> Result<()> {
    let done = sqlx::query(
        "UPDATE articles SET status = $1, stage = $2, resume_stage = $3, stage_due_at = $4,
            reviewing_by = NULL, reviewing_at = NULL, unpublish_at = $5
         WHERE id = $6",
    )
    .bind(state.status.code())
    .bind(state.stage)
    .bind(state.resume_stage)
    .bind(state.stage_due_at)
    .bind(state.unpublish_at)
    .bind(id.0)
    .execute(conn)
    .await?;
    found(done.rows_affected())
}

/// Marks `copy` as an edit of the published article `original`.
pub async fn set_revises(conn: &mut Conn, copy: ArticleId, original: ArticleId) -> Result<()> {
    let done = sqlx::query("UPDATE articles SET revises_id = $1 WHERE id = $2")
        .bind(original.0)
        .bind(copy.0)
        .execute(conn)
        .await?;
    found(done.rows_affected())
}

/// The published article an edit revises, if it is one.
pub async fn revises(conn: &mut Conn, id: ArticleId) -> Result<Option<ArticleId>> {
    let row = sqlx::query("SELECT revises_id FROM articles WHERE id = $1")
        .bind(id.0)
        .fetch_one(conn)
        .await?;
    Ok(row.try_get::<Option<i64>, _>(0)?.map(ArticleId))
}

/// An edit of `original` still on its way (not merged, not withdrawn).
pub async fn pending_edit_of(conn: &mut Conn, original: ArticleId) -> Result<Option<ArticleId>> {
    let row = sqlx::query(
        "SELECT id FROM articles WHERE revises_id = $1
           AND status IN ('draft', 'in_review', 'returned', 'scheduled')
         ORDER BY id DESC LIMIT 1",
    )
    .bind(original.0)
    .fetch_optional(conn)
    .await?;
    match row {
        Some(row) => Ok(Some(ArticleId(row.try_get(0)?))),
        None => Ok(None),
    }
}

/// How many times an article's text has been saved.
pub async fn edit_version(conn: &mut Conn, id: ArticleId) -> Result<i64> {
    Ok(
        sqlx::query("SELECT edit_version FROM articles WHERE id = $1")
            .bind(id.0)
            .fetch_one(conn)
            .await?
            .try_get(0)?,
    )
}

/// Counts one more save of an article's text.
pub async fn bump_edit_version(conn: &mut Conn, id: ArticleId) -> Result<()> {
    let done = sqlx::query("UPDATE articles SET edit_version = edit_version + 1 WHERE id = $1")
        .bind(id.0)
        .execute(conn)
        .await?;
    found(done.rows_affected())
}

/// Sets when an article goes (or went) public.
pub async fn set_publish_at(conn: &mut Conn, id: ArticleId, at: i64) -> Result<()> {
    let done = sqlx::query("UPDATE articles SET publish_at = $1 WHERE id = $2")
        .bind(at)
        .bind(id.0)
        .execute(conn)
        .await?;
    found(done.rows_affected())
}

/// Sets when a published article goes offline by itself (None: never).
pub async fn set_unpublish_at(conn: &mut Conn, id: ArticleId, at: Option<i64>) -> Result<()> {
    let done = sqlx::query("UPDATE articles SET unpublish_at = $1 WHERE id = $2")
        .bind(at)
        .bind(id.0)
        .execute(conn)
        .await?;
    found(done.rows_affected())
}

/// Keeps why an article went offline (without changing its text's version).
pub async fn set_withdrawn_reason(conn: &mut Conn, id: ArticleId, reason: &str) -> Result<()> {
    let done = sqlx::query("UPDATE articles SET withdrawn_reason = $1 WHERE id = $2")
        .bind(reason)
        .bind(id.0)
        .execute(conn)
        .await?;
    found(done.rows_affected())
}

/// Marks who is looking at an article now (正在审核).
pub async fn mark_reviewing(conn: &mut Conn, id: ArticleId, by: UserId, now: i64) -> Result<()> {
    let done =
        sqlx::query("UPDATE articles SET reviewing_by = $1, reviewing_at = $2 WHERE id = $3")
            .bind(by.0)
            .bind(now)
            .bind(id.0)
            .execute(conn)
            .await?;
    found(done.rows_affected())
}

/// An article waiting in review, as a queue shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewItem {
    pub id: ArticleId,
    pub title: String,
    pub primary_column_id: ColumnId,
    pub stage: i64,
    pub stage_due_at: Option<i64>,
    pub reviewing_by_name: Option<String>,
    pub reviewing_at: Option<i64>,
    pub author_name: Option<String>,
    pub updated_at: i64,
}

const ITEM_SELECT: &str = "SELECT a.id, a.title, a.primary_column_id, a.stage, a.stage_due_at,
    a.reviewing_at, r.display_name AS reviewing_by_name, c.display_name AS author_name, a.updated_at
    FROM articles a
    LEFT JOIN users r ON r.id = a.reviewing_by
    LEFT JOIN users c ON c.id = a.created_by";

fn item_from_row(row: &AnyRow) -> Result<ReviewItem> {
    Ok(ReviewItem {
        id: ArticleId(row.try_get("id")?),
        title: row.try_get("title")?,
        primary_column_id: ColumnId(row.try_get("primary_column_id")?),
        stage: row.try_get("stage")?,
        stage_due_at: row.try_get("stage_due_at")?,
        reviewing_by_name: row.try_get("reviewing_by_name")?,
        reviewing_at: row.try_get("reviewing_at")?,
        author_name: row.try_get("author_name")?,
        updated_at: row.try_get("updated_at")?,
    })
}

/// Every article of a site waiting in review, oldest change first.
pub async fn in_review(conn: &mut Conn, site: SiteId) -> Result<Vec<ReviewItem>> {
    let sql = format!(
        "{ITEM_SELECT} WHERE a.site_id = $1 AND a.status = 'in_review' ORDER BY a.updated_at, a.id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(site.0)
        .fetch_all(conn)
        .await?;
    rows.iter().map(item_from_row).collect()
}

/// Articles sent back to their author `user`.
pub async fn returned_to(conn: &mut Conn, site: SiteId, user: UserId) -> Result<Vec<ReviewItem>> {
    let sql = format!(
        "{ITEM_SELECT} WHERE a.site_id = $1 AND a.status = 'returned' AND a.created_by = $2
         ORDER BY a.updated_at, a.id"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(site.0)
        .bind(user.0)
        .fetch_all(conn)
        .await?;
    rows.iter().map(item_from_row).collect()
}

/// One entry of an article's review timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewEvent {
    pub article_id: ArticleId,
    pub at: i64,
    pub actor_id: Option<UserId>,
    pub actor_name: Option<String>,
    pub action: String,
    pub stage: Option<i64>,
    pub to_stage: Option<i64>,
    pub comment: String,
    /// The article's title (for the 已办 list).
    pub title: String,
}

pub struct NewEvent<'a> {
    pub article: ArticleId,
    pub actor: Option<UserId>,
    pub action: &'a str,
    pub stage: Option<i64>,
    pub to_stage: Option<i64>,
    pub comment: &'a str,
}

/// Appends to the article's timeline and, in the same transaction, counts
/// the entry for the ranking (`counts`).
pub async fn insert_event(conn: &mut Conn, event: &NewEvent<'_>, now: i64) -> Result<()> {
    if let Some(kind) = counts::Counted::of(event.action, event.to_stage) {
        counts::count_event(&mut *conn, event.article, kind, now).await?;
    }
    sqlx::query(
        "INSERT INTO article_events (article_id, at, actor_id, action, stage, to_stage, comment)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(event.article.0)
    .bind(now)
    .bind(event.actor.map(|u| u.0))
    .bind(event.action)
    .bind(event.stage)
    .bind(event.to_stage)
    .bind(event.comment)
    .execute(conn)
    .await?;
    Ok(())
}

const EVENT_SELECT: &str = "SELECT e.article_id, e.at, e.actor_id, u.display_name AS actor_name,
    e.action, e.stage, e.to_stage, e.comment, a.title
    FROM article_events e JOIN articles a ON a.id = e.article_id
    LEFT JOIN users u ON u.id = e.actor_id";

fn event_from_row(row: &AnyRow) -> Result<ReviewEvent> {
    let actor: Option<i64> = row.try_get("actor_id")?;
    Ok(ReviewEvent {
        article_id: ArticleId(row.try_get("article_id")?),
        at: row.try_get("at")?,
        actor_id: actor.map(UserId),
        actor_name: row.try_get("actor_name")?,
        action: row.try_get("action")?,
        stage: row.try_get("stage")?,
        to_stage: row.try_get("to_stage")?,
        comment: row.try_get("comment")?,
        title: row.try_get("title")?,
    })
}

/// An article's timeline, oldest first.
pub async fn events(conn: &mut Conn, article: ArticleId) -> Result<Vec<ReviewEvent>> {
    let sql = format!("{EVENT_SELECT} WHERE e.article_id = $1 ORDER BY e.id");
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(article.0)
        .fetch_all(conn)
        .await?;
    rows.iter().map(event_from_row).collect()
}

/// What a person approved or returned (已办), newest first.
pub async fn done_by(conn: &mut Conn, user: UserId, limit: i64) -> Result<Vec<ReviewEvent>> {
    let sql = format!(
        "{EVENT_SELECT} WHERE e.actor_id = $1 AND e.action IN ('approve', 'return')
         ORDER BY e.id DESC LIMIT $2"
    );
    let rows = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(user.0)
        .bind(limit)
        .fetch_all(conn)
        .await?;
    rows.iter().map(event_from_row).collect()
}

/// Enabled accounts holding `role` in `scope`.
pub async fn holders(conn: &mut Conn, role: Role, scope: Scope) -> Result<Vec<UserId>> {
    let rows = sqlx::query(
        "SELECT DISTINCT g.user_id FROM grants g JOIN users u ON u.id = g.user_id
         WHERE g.role = $1 AND g.scope_kind = $2 AND g.scope_id = $3 AND u.disabled = 0",
    )
    .bind(role.code())
    .bind(scope.kind().code())
    .bind(scope.id())
    .fetch_all(conn)
    .await?;
    rows.iter()
        .map(|r| Ok(UserId(r.try_get("user_id")?)))
        .collect()
}
