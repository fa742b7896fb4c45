//! The scheduler inside the program (no cron): publishes approved articles
//! and takes published ones offline at their minute. Jobs live in the
//! database, so they survive a restart (a job due during downtime runs at
//! the next start), and a node takes a job with a conditional update in
//! the same transaction that does it, so of several nodes sharing a
//! PostgreSQL database exactly one does each job.

use std::time::Duration;

use dangjian_domain::article::ArticleStatus;
use dangjian_store::articles;
use dangjian_store::review::jobs::{self, Job};
use dangjian_store::review::{self as stored, NewEvent};

use crate::actor::Client;
use crate::audit::{Event, Subject};
use crate::changes::Change;
use crate::{App, Result};

pub const PUBLISH: &str = "article.publish";
pub const UNPUBLISH: &str = "article.unpublish";

/// A claim older than this is another node's that died mid-job.
const LEASE_MS: i64 = 5 * 60 * 1000;
/// How often the scheduler looks: "to the minute" with room to spare.
pub const TICK: Duration = Duration::from_secs(5);
/// Jobs taken per look.
const BATCH: i64 = 100;

/// What the scheduler did with one job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Done {
    Published,
    Unpublished,
    /// The article had moved on (edited, withdrawn): nothing to do.
    Skipped,
}

impl App {
    /// Runs the jobs that are due; returns how many this node did.
    pub async fn run_due_jobs(&self, node: &str) -> Result<usize> {
        let now = self.now_ms();
        let due = {
            let mut conn = self.store().read().await?;
            jobs::due(&mut conn, now, LEASE_MS, BATCH).await?
        };
        let mut count = 0;
        for job in due {
            if self.run_job(node, &job, now).await? {
                count += 1;
            }
        }
        Ok(count)
    }

    async fn run_job(&self, node: &str, job: &Job, now: i64) -> Result<bool> {
        let mut tx = self.store().write().await?;
        if !jobs::claim(&mut tx, job.id, node, now, LEASE_MS).await? {
            return Ok(false);
        }
        let id = job.article_id;
        let article = articles::get(&mut tx, id).await?;
        let mut state = stored::review_state(&mut tx, id).await?;
        let done = match (job.kind.as_str(), state.status) {
            (PUBLISH, ArticleStatus::Scheduled) => {
                state.status = ArticleStatus::Published;
                Done::Published
            }
            (UNPUBLISH, ArticleStatus::Published) => {
                stored::set_withdrawn_reason(&mut tx, id, "定时下线").await?;
                state.status = ArticleStatus::Withdrawn;
                Done::Unpublished
            }
            _ => Done::Skipped,
        };
        if done != Done::Skipped {
            stored::set_review(&mut tx, id, &state).await?;
            let event = NewEvent {
                article: id,
                actor: None,
                action: if done == Done::Published {
                    "publish"
                } else {
                    "unpublish"
                },
                stage: None,
                to_stage: None,
                comment: "",
            };
            stored::insert_event(&mut tx, &event, now).await?;
        }
        jobs::finish(&mut tx, job.id, now).await?;
        let client = Client::new("scheduler", node);
        let subject = Subject {
            id: None,
            name: "scheduler",
            roles: String::new(),
            client: &client,
        };
        let audit = Event::success(&job.kind, format!("article:{id}"))
            .with_detail(format!("{done:?}, due {}", job.due_at));
        self.audit(&mut tx, subject, audit).await?;
        let mut columns = articles::extra_columns(&mut tx, id).await?;
        columns.push(article.primary_column_id);
        tx.commit().await?;
        if done != Done::Skipped {
            self.announce(Change::Article { id, columns });
        }
        Ok(true)
    }
}

/// How often the mailbox's deadline reminders are worked out.
const REMIND_EVERY: Duration = Duration::from_secs(60);

/// Runs the scheduler until `stopped` turns true: at once (jobs that fell
/// due while the program was down), then every `TICK`; the mailbox's
/// deadline reminders at once and then every `REMIND_EVERY`.
pub async fn run_scheduler(
    app: App,
    node: String,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    let mut interval = tokio::time::interval(TICK);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut reminders = tokio::time::interval(REMIND_EVERY);
    reminders.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => {
                if let Err(error) = app.run_due_jobs(&node).await {
                    tracing::warn!(%error, "the scheduler could not run its jobs");
                }
            }
            _ = reminders.tick() => {
                if let Err(error) = app.remind_mailbox().await {
                    tracing::warn!(%error, "the mailbox reminders could not be sent");
                }
            }
            _ = stopped.changed() => break,
        }
    }
}
