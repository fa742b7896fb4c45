//! 公示: the notice period of an article in a 公告公示 column (set by whoever
//! writes for the column, audited), its state at a moment for the portal,
//! and the objections (`objections`: the public form and the inbox).
//!
//! The period is kept beside the article, not in its text, so it is not
//! part of review: a notice's wording is reviewed, its dates are facts the
//! writer keeps right. The end is computed when the period is saved, with
//! the holiday calendar of that moment (a calendar changed later does not
//! move notices already set; saving the period again does).

mod objections;

use std::collections::HashMap;

use dangjian_domain::article::ArticleId;
use dangjian_domain::calendar::WorkCalendar;
use dangjian_domain::clock::parse_local_datetime;
use dangjian_domain::column::ColumnKind;
use dangjian_domain::notice::{NoticeKind, NoticePeriod, NoticeState};
use dangjian_domain::workflow::writes_for;
use dangjian_store::articles as stored_articles;
use dangjian_store::columns;
use dangjian_store::notices::{self as stored, NoticeRow};

pub use self::objections::{ObjectionForm, ObjectionInbox};
use crate::actor::Actor;
use crate::audit::Event;
use crate::changes::Change;
use crate::{App, AppError, Result};

/// A notice as a page shows it, with its state at the moment asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: NoticeKind,
    pub starts_at: i64,
    pub working_days: i64,
    /// Exclusive: local midnight after the last working day.
    pub ends_at: i64,
    pub state: NoticeState,
    /// When the state (or the days left) next changes; None once ended.
    pub next_switch: Option<i64>,
}

/// What the office's notice form shows for an article.
#[derive(Debug, Clone)]
pub struct NoticeSetting {
    pub article_id: ArticleId,
    pub title: String,
    /// The article's primary column is a 公告公示 column.
    pub is_notice_column: bool,
    pub period: Option<NoticeRow>,
}

/// What the office's notice form submits.
#[derive(Debug, Clone, Default)]
pub struct NoticeForm<'a> {
    pub kind: &'a str,
    /// `YYYY-MM-DDTHH:MM`, local time.
    pub starts_at: &'a str,
    pub working_days: &'a str,
}

impl App {
    /// The notice facts of an article, for the office form (writers of its
    /// column and site editors).
    pub async fn notice_setting(&self, actor: &Actor, id: ArticleId) -> Result<NoticeSetting> {
        let mut conn = self.store().read().await?;
        let article = stored_articles::get(&mut conn, id).await?;
        let owner = self
            .ownership(&mut conn, article.site_id, article.primary_column_id)
            .await?;
        let column = columns::column(&mut conn, article.primary_column_id).await?;
        let period = stored::get(&mut conn, id).await?;
        drop(conn);
        if !writes_for(&actor.roles, &owner) {
            return self.notice_denied(actor, "notice.view", id).await;
        }
        Ok(NoticeSetting {
            article_id: id,
            title: article.title,
            is_notice_column: column.kind == ColumnKind::NoticeBoard.code(),
            period,
        })
    }

    async fn notice_denied<T>(&self, actor: &Actor, action: &str, id: ArticleId) -> Result<T> {
        self.require(
            actor,
            dangjian_domain::role::Permission::ManageSite,
            action,
            format!("article:{id}"),
        )
        .await?;
        Err(AppError::Forbidden("error.forbidden"))
    }

    /// Sets an article's notice period: only in a 公告公示 column, a 任前公示
    /// of at least five working days; the end comes from the calendar.
    pub async fn set_notice_period(
        &self,
        actor: &Actor,
        id: ArticleId,
        form: &NoticeForm<'_>,
    ) -> Result<NoticeRow> {
        let setting = self.notice_setting(actor, id).await?;
        if !setting.is_notice_column {
            return Err(AppError::Conflict("error.notice.not_notice_column"));
        }
        let period = NoticePeriod::parse(
            form.kind,
            parse_local_datetime(form.starts_at),
            form.working_days,
        )?;
        let mut tx = self.store().write().await?;
        let calendar = crate::calendar::load(&mut tx).await?;
        let row = NoticeRow {
            article_id: id,
            kind: period.kind.code().to_owned(),
            starts_at: period.starts_at,
            working_days: period.working_days,
            ends_at: period.ends_at(&calendar),
        };
        stored::put(&mut tx, &row, actor.user_id, self.now_ms()).await?;
        let article = stored_articles::get(&mut tx, id).await?;
        let mut columns = stored_articles::extra_columns(&mut tx, id).await?;
        columns.push(article.primary_column_id);
        let detail = format!(
            "{} {} +{}",
            row.kind,
            dangjian_domain::clock::format_local(row.starts_at),
            row.working_days
        );
        let event = Event::success("notice.period", format!("article:{id}")).with_detail(detail);
        self.audit(&mut tx, actor.into(), event).await?;
        tx.commit().await?;
        self.announce(Change::Article { id, columns });
        Ok(row)
    }

    /// The notice of a public article at this moment, if it is one.
    pub async fn public_notice(&self, id: ArticleId) -> Result<Option<Notice>> {
        let mut conn = self.store().read().await?;
        let Some(row) = stored::get(&mut conn, id).await? else {
            return Ok(None);
        };
        let calendar = crate::calendar::load(&mut conn).await?;
        Ok(Some(notice_at(&calendar, &row, self.now_ms())))
    }

    /// The notices among a list page's articles at this moment, by article
    /// (articles that are not notices are absent). One read of the periods
    /// and one of the calendar, whatever the page's length.
    pub async fn public_notices(&self, ids: &[ArticleId]) -> Result<HashMap<ArticleId, Notice>> {
        let mut conn = self.store().read().await?;
        let rows = stored::get_many(&mut conn, ids).await?;
        if rows.is_empty() {
            return Ok(HashMap::new());
        }
        let calendar = crate::calendar::load(&mut conn).await?;
        let now = self.now_ms();
        Ok(rows
            .iter()
            .map(|row| (row.article_id, notice_at(&calendar, row, now)))
            .collect())
    }
}

/// A stored period with its state at `now`.
fn notice_at(calendar: &WorkCalendar, row: &NoticeRow, now: i64) -> Notice {
    let state = NoticeState::at(calendar, row.starts_at, row.ends_at, now);
    Notice {
        kind: NoticeKind::from_code(&row.kind).unwrap_or(NoticeKind::Other),
        starts_at: row.starts_at,
        working_days: row.working_days,
        ends_at: row.ends_at,
        next_switch: state.next_switch(row.starts_at, row.ends_at, now),
        state,
    }
}
