//! The mailbox figures of the quarterly self-report, for a span of months:
//! received, answered, declined, response rate, average working days to
//! respond and overdue, in total, per month and per section — as the
//! statistics page's charts and as CSV. Site editors and the reviewing
//! leaders (who approve articles) read them.

use dangjian_domain::clock::{
    DAY_MS, LOCAL_OFFSET_MS, first_day_of_month, local_day, month_of_day,
};
use dangjian_domain::ids::SiteId;
use dangjian_domain::mailbox::{Figures, LetterFacts, LetterStatus, by_month, by_section, total};
use dangjian_domain::role::Permission;
use dangjian_store::mailbox as stored;
use dangjian_store::org;

use crate::actor::Actor;
use crate::{App, AppError, Result};

/// The longest span the page reads: five years of months.
const MONTHS_MAX: i64 = 60;

/// The figures for months `from..=to` (counted `year * 12 + month - 1`).
#[derive(Debug, Clone)]
pub struct MailboxStats {
    pub from_month: i64,
    pub to_month: i64,
    pub total: Figures,
    /// Every month of the span, those without letters too.
    pub months: Vec<(i64, Figures)>,
    /// Sections by name ("" for letters not yet with a section).
    pub sections: Vec<(String, Figures)>,
}

/// The month `year * 12 + month - 1` as `2026-11`.
pub fn month_label(month: i64) -> String {
    format!(
        "{:04}-{:02}",
        month.div_euclid(12),
        month.rem_euclid(12) + 1
    )
}

/// Parses `2026-11` into the month count.
pub fn parse_month(text: &str) -> Option<i64> {
    let (year, month) = text.trim().split_once('-')?;
    let year: i64 = year.parse().ok()?;
    let month: i64 = month.parse().ok()?;
    ((1970..=9999).contains(&year) && (1..=12).contains(&month)).then_some(year * 12 + month - 1)
}

/// The moment a local day begins.
fn day_start(day: i64) -> i64 {
    day * DAY_MS - LOCAL_OFFSET_MS
}

impl MailboxStats {
    /// The figures as CSV: one total row, the months, then the sections.
    pub fn to_csv(&self, headings: &[&str; 8], total_label: &str, no_section: &str) -> String {
        let mut out = String::new();
        out.push_str(&headings.join(","));
        out.push('\n');
        row(&mut out, total_label, &self.total);
        for (month, figures) in &self.months {
            row(&mut out, &month_label(*month), figures);
        }
        for (name, figures) in &self.sections {
            let name = if name.is_empty() { no_section } else { name };
            row(&mut out, name, figures);
        }
        out
    }
}

/// `label,received,answered,refused,open,rate,average,overdue`.
fn row(out: &mut String, label: &str, f: &Figures) {
    let rate = f
        .response_rate()
        .map_or(String::new(), |r| format!("{r:.1}"));
    let average = f
        .average_days()
        .map_or(String::new(), |d| format!("{d:.1}"));
    out.push_str(&format!(
        "{},{},{},{},{},{rate},{average},{}\n",
        csv_field(label),
        f.received,
        f.answered,
        f.refused,
        f.open,
        f.overdue
    ));
}

/// Quotes a field when needed, and defuses a leading formula character so
/// a spreadsheet never runs a section name as a formula.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

impl App {
    /// The mailbox figures for months `from..=to` (None: this year so far).
    pub async fn mailbox_stats(
        &self,
        actor: &Actor,
        site: SiteId,
        span: Option<(i64, i64)>,
    ) -> Result<MailboxStats> {
        if !actor.can(Permission::ApproveArticles) {
            self.require(actor, Permission::ManageSite, "mailbox.stats", "mailbox")
                .await?;
        }
        let now = self.now_ms();
        let this_month = month_of_day(local_day(now));
        let (from_month, to_month) =
            span.unwrap_or((this_month - this_month.rem_euclid(12), this_month));
        if to_month < from_month || to_month - from_month >= MONTHS_MAX {
            return Err(AppError::from(dangjian_domain::Invalid::one(
                "from",
                "error.mailbox.span",
            )));
        }
        let from = day_start(first_day_of_month(from_month));
        let until = day_start(first_day_of_month(to_month + 1));
        let mut conn = self.store().read().await?;
        let rows = stored::facts(&mut conn, site, from, until).await?;
        let calendar = crate::calendar::load(&mut conn).await?;
        let names = org::sections(&mut conn, site).await?;
        drop(conn);
        let letters: Vec<LetterFacts> = rows
            .into_iter()
            .filter_map(|(facts, status)| {
                Some(LetterFacts {
                    received_at: facts.received_at,
                    due_at: facts.due_at,
                    responded_at: facts.responded_at,
                    section: facts.section_id.map(|s| s.0),
                    status: LetterStatus::from_code(&status)?,
                })
            })
            .collect();
        let found = by_month(&letters, &calendar, now);
        let months = (from_month..=to_month)
            .map(|m| {
                let figures = found.iter().find(|(k, _)| *k == m).map(|(_, f)| *f);
                (m, figures.unwrap_or_default())
            })
            .collect();
        let sections = by_section(&letters, &calendar, now)
            .into_iter()
            .map(|(id, figures)| {
                let name = id
                    .and_then(|id| names.iter().find(|s| s.id.0 == id))
                    .map_or_else(String::new, |s| s.name.clone());
                (name, figures)
            })
            .collect();
        Ok(MailboxStats {
            from_month,
            to_month,
            total: total(&letters, &calendar, now),
            months,
            sections,
        })
    }
}
