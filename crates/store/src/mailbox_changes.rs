//! The moves of a letter, each applied only if the letter is still in the
//! status the use case decided from (someone else may have moved it
//! meanwhile: then `Conflict`).

use dangjian_domain::ids::{SectionId, UserId};

use crate::{Conn, Result, StoreError};

#[derive(Debug, Clone)]
pub enum Change<'a> {
    /// Received → handling, with a section.
    Accept(SectionId),
    /// Handling, with another section.
    Reassign(SectionId),
    /// Received or handling → refused, with the reason the writer reads.
    Refuse(&'a str),
    /// The section's draft reply.
    Draft(&'a str),
    /// Handling → review at `stage` of `workflow`.
    Submit { workflow: i64, stage: i64 },
    /// Review, now waiting at `stage`.
    Stage(i64),
    /// Review → handling; a resubmission resumes at `resume`.
    Return { resume: i64 },
    /// Review → replied: the last stage approved.
    Approve,
    /// Replied → published.
    Publish,
    /// Published → replied.
    Withdraw,
}

impl Change<'_> {
    /// The statement; its parameters are $1 who, $2 when, $3 the letter,
    /// $4 the status decided from, then the change's own values.
    fn sql(&self) -> &'static str {
        match self {
            Change::Accept(_) => {
                "UPDATE letters SET status = 'handling', section_id = $5, accepted_by = $1,
                    accepted_at = $2 WHERE id = $3 AND status = $4"
            }
            Change::Reassign(_) => {
                "UPDATE letters SET section_id = $5, accepted_by = $1, accepted_at = $2
                 WHERE id = $3 AND status = $4"
            }
            Change::Refuse(_) => {
                "UPDATE letters SET status = 'refused', refused_reason = $5, responded_at = $2,
                    accepted_by = COALESCE(accepted_by, $1) WHERE id = $3 AND status = $4"
            }
            Change::Draft(_) => {
                "UPDATE letters SET reply = $5, reply_by = $1, reply_updated_at = $2
                 WHERE id = $3 AND status = $4"
            }
            Change::Submit { .. } => {
                "UPDATE letters SET status = 'review', workflow_id = $5, reply_stage = $6,
                    reply_updated_at = $2, reply_by = COALESCE(reply_by, $1)
                 WHERE id = $3 AND status = $4"
            }
            Change::Stage(_) => {
                "UPDATE letters SET reply_stage = $5, reply_updated_at = $2
                 WHERE id = $3 AND status = $4 AND $1 = $1"
            }
            Change::Return { .. } => {
                "UPDATE letters SET status = 'handling', reply_resume = $5, reply_updated_at = $2
                 WHERE id = $3 AND status = $4 AND $1 = $1"
            }
            Change::Approve => {
                "UPDATE letters SET status = 'replied', responded_at = $2
                 WHERE id = $3 AND status = $4 AND $1 = $1"
            }
            Change::Publish => {
                "UPDATE letters SET status = 'published', published_by = $1, published_at = $2
                 WHERE id = $3 AND status = $4"
            }
            Change::Withdraw => {
                "UPDATE letters SET status = 'replied', published_by = $1, published_at = NULL
                 WHERE id = $3 AND status = $4 AND $2 = $2"
            }
        }
    }
}

pub async fn change(
    conn: &mut Conn,
    id: i64,
    from_status: &str,
    change: &Change<'_>,
    by: UserId,
    now: i64,
) -> Result<()> {
    let query = sqlx::query(change.sql())
        .bind(by.0)
        .bind(now)
        .bind(id)
        .bind(from_status);
    let query = match change {
        Change::Accept(section) | Change::Reassign(section) => query.bind(section.0),
        Change::Refuse(text) | Change::Draft(text) => query.bind(*text),
        Change::Submit { workflow, stage } => query.bind(*workflow).bind(*stage),
        Change::Stage(stage) => query.bind(*stage),
        Change::Return { resume } => query.bind(*resume),
        Change::Approve | Change::Publish | Change::Withdraw => query,
    };
    let done = query.execute(conn).await?;
    if done.rows_affected() == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict(format!(
            "letter {id} is no longer {from_status}"
        )))
    }
}
