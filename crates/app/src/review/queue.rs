//! What waits for whom: a person's to-do queue (待办: articles at a stage
//! they do, and their own articles sent back), their done list (已办), an
//! article's timeline, and in-app notifications.

use std::collections::HashMap;

use dangjian_domain::article::ArticleId;
use dangjian_domain::ids::SiteId;
use dangjian_domain::workflow::Ownership;
use dangjian_store::columns::{self, Column};
use dangjian_store::review::notices::{self, Notification};
use dangjian_store::review::{self as stored, ReviewEvent, ReviewItem, ReviewState};
use dangjian_store::{Conn, org};

use super::{Workflow, governing};
use crate::actor::Actor;
use crate::{App, AppError, Result};

/// An item of the to-do queue.
#[derive(Debug, Clone)]
pub struct Task {
    pub item: ReviewItem,
    pub column_name: String,
    /// The stage it waits at; empty for an article sent back to its author.
    pub stage_name: String,
    pub returned: bool,
    pub overdue: bool,
}

/// The header's figures.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReviewCounts {
    pub tasks: usize,
    pub unread: i64,
}

/// An article's review, for its page.
#[derive(Debug, Clone)]
pub struct Timeline {
    pub state: ReviewState,
    pub workflow: Workflow,
    pub events: Vec<ReviewEvent>,
    /// The viewer does the current stage.
    pub may_review: bool,
}

/// Looks up the workflow and owner of articles by their column, loading
/// each workflow once.
struct Resolver {
    columns: Vec<Column>,
    sections: Vec<dangjian_store::org::Section>,
    workflows: HashMap<i64, Workflow>,
    default: Option<i64>,
    site: SiteId,
}

impl Resolver {
    async fn load(conn: &mut Conn, site: SiteId) -> Result<Resolver> {
        let mut workflows = HashMap::new();
        let mut default = None;
        for record in stored::workflows(conn, site).await? {
            if record.is_default {
                default = Some(record.id);
            }
            workflows.insert(record.id, Workflow::from_record(record)?);
        }
        Ok(Resolver {
            columns: columns::columns(conn, site).await?,
            sections: org::sections(conn, site).await?,
            workflows,
            default,
            site,
        })
    }

    fn workflow(&self, column: dangjian_domain::column::ColumnId) -> Option<&Workflow> {
        let id = governing(&self.columns, column).or(self.default)?;
        self.workflows.get(&id)
    }

    fn column(&self, column: dangjian_domain::column::ColumnId) -> Option<&Column> {
        self.columns.iter().find(|c| c.id == column)
    }

    fn owner(&self, column: dangjian_domain::column::ColumnId) -> Ownership {
        let section = self
            .column(column)
            .and_then(|c| c.owner_section_id)
            .and_then(|s| self.sections.iter().find(|x| x.id == s));
        Ownership {
            site: self.site,
            section: section.map(|s| s.id),
            unit: section.map(|s| s.unit_id),
        }
    }
}

fn stage_index(stage: i64) -> usize {
    usize::try_from(stage).unwrap_or(0)
}

impl App {
    /// The person's to-do queue: articles waiting at a stage they do, then
    /// their own articles sent back to them.
    pub async fn my_tasks(&self, actor: &Actor, site: SiteId) -> Result<Vec<Task>> {
        let now = self.now_ms();
        let mut conn = self.store().read().await?;
        let resolver = Resolver::load(&mut conn, site).await?;
        let mut tasks = Vec::new();
        for item in stored::in_review(&mut conn, site).await? {
            let Some(stage) = resolver
                .workflow(item.primary_column_id)
                .and_then(|w| w.stages.get(stage_index(item.stage)))
            else {
                continue;
            };
            if stage.done_by(&actor.roles, &resolver.owner(item.primary_column_id)) {
                tasks.push(Task {
                    column_name: column_name(&resolver, &item),
                    stage_name: stage.name.clone(),
                    returned: false,
                    overdue: item.stage_due_at.is_some_and(|due| due < now),
                    item,
                });
            }
        }
        for item in stored::returned_to(&mut conn, site, actor.user_id).await? {
            tasks.push(Task {
                column_name: column_name(&resolver, &item),
                stage_name: String::new(),
                returned: true,
                overdue: false,
                item,
            });
        }
        Ok(tasks)
    }

    /// What the person approved or returned, newest first.
    pub async fn my_done(&self, actor: &Actor) -> Result<Vec<ReviewEvent>> {
        let mut conn = self.store().read().await?;
        Ok(stored::done_by(&mut conn, actor.user_id, 200).await?)
    }

    /// To-do count and unread notifications, for the office header.
    pub async fn review_counts(&self, actor: &Actor, site: SiteId) -> Result<ReviewCounts> {
        let tasks =
            self.my_tasks(actor, site).await?.len() + self.my_placements(actor, site).await?.len();
        let mut conn = self.store().read().await?;
        let unread = notices::unread_count(&mut conn, actor.user_id).await?;
        Ok(ReviewCounts { tasks, unread })
    }

    /// An article's review state, workflow and timeline.
    pub async fn article_timeline(&self, actor: &Actor, id: ArticleId) -> Result<Timeline> {
        let mut conn = self.store().read().await?;
        let article = dangjian_store::articles::get(&mut conn, id).await?;
        let state = stored::review_state(&mut conn, id).await?;
        let workflow = self
            .workflow_for(&mut conn, article.site_id, article.primary_column_id)
            .await?;
        let owner = self
            .ownership(&mut conn, article.site_id, article.primary_column_id)
            .await?;
        let may_review = state.status == dangjian_domain::article::ArticleStatus::InReview
            && workflow
                .stages
                .get(stage_index(state.stage))
                .is_some_and(|s| s.done_by(&actor.roles, &owner));
        let events = stored::events(&mut conn, id).await?;
        Ok(Timeline {
            state,
            workflow,
            events,
            may_review,
        })
    }

    /// The person's newest notifications.
    pub async fn notifications(&self, actor: &Actor) -> Result<Vec<Notification>> {
        let mut conn = self.store().read().await?;
        Ok(notices::list(&mut conn, actor.user_id, 100).await?)
    }

    /// Marks all the person's notifications read.
    pub async fn mark_notifications_read(&self, actor: &Actor) -> Result<()> {
        let mut tx = self.store().write().await?;
        notices::mark_all_read(&mut tx, actor.user_id, self.now_ms()).await?;
        tx.commit().await.map_err(AppError::from)
    }
}

fn column_name(resolver: &Resolver, item: &ReviewItem) -> String {
    resolver
        .column(item.primary_column_id)
        .map(|c| c.name.clone())
        .unwrap_or_default()
}
