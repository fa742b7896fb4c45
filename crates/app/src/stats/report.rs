//! What the statistics page shows for a date range, and its CSV export.

use dangjian_domain::clock::format_local_date;
use dangjian_domain::role::Permission;
use dangjian_store::visits::{self as stored, VisitRow};
use time::macros::format_description;
use time::{Date, Duration, Month};

use super::invalid_range;
use crate::actor::Actor;
use crate::audit::Event;
use crate::{App, AppError, Result};

pub use dangjian_store::visits::TopPage;

/// How many days the daily chart shows.
pub const RECENT_DAYS: i64 = 30;
/// How many entries the top lists show.
pub const TOP: i64 = 10;

/// An inclusive range of local days, `YYYY-MM-DD`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatsRange {
    pub from: String,
    pub until: String,
}

fn parse_day(text: &str) -> Option<Date> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]")).ok()
}

fn format_day(date: Date) -> String {
    date.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

impl StatsRange {
    /// The range asked for; an empty bound is the default (the last twelve
    /// months, this one included, up to today).
    pub fn parse(from: Option<&str>, until: Option<&str>, now_ms: i64) -> Result<StatsRange> {
        let today = parse_day(&format_local_date(now_ms)).unwrap_or(Date::MIN);
        let until = match until.map(str::trim).filter(|s| !s.is_empty()) {
            None => today,
            Some(text) => parse_day(text).ok_or_else(|| invalid_range("until"))?,
        };
        let from = match from.map(str::trim).filter(|s| !s.is_empty()) {
            None => first_of_month_back(until, 11),
            Some(text) => parse_day(text).ok_or_else(|| invalid_range("from"))?,
        };
        if from > until {
            return Err(invalid_range("from"));
        }
        Ok(StatsRange {
            from: format_day(from),
            until: format_day(until),
        })
    }
}

/// The first day of the month `back` months before `day`'s.
fn first_of_month_back(day: Date, back: i32) -> Date {
    let index = day.year() * 12 + i32::from(u8::from(day.month())) - 1 - back;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .unwrap_or(Month::January);
    Date::from_calendar_date(year, month, 1).unwrap_or(day)
}

/// A label (month, day, host, device) and its views.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub label: String,
    pub views: i64,
}

/// Everything the statistics page shows.
#[derive(Debug, Clone)]
pub struct StatsReport {
    pub range: StatsRange,
    pub total: i64,
    /// Every month of the range, `YYYY-MM`, with zero where nothing counted.
    pub months: Vec<Count>,
    /// The last `RECENT_DAYS` days up to the end of the range (or today).
    pub recent: Vec<Count>,
    /// Days counted for the average: from the first counted day (or the
    /// start of the range, if later) to the end of the range (or today).
    pub days: i64,
    pub daily_average: i64,
    pub peak: Option<Count>,
    pub top_articles: Vec<TopPage>,
    pub top_columns: Vec<TopPage>,
    pub referrers: Vec<Count>,
    pub devices: Vec<Count>,
}

fn counts(pairs: Vec<(String, i64)>) -> Vec<Count> {
    pairs
        .into_iter()
        .map(|(label, views)| Count { label, views })
        .collect()
}

impl App {
    /// The statistics of the default site over `range` (site editors).
    pub async fn stats_report(&self, actor: &Actor, range: &StatsRange) -> Result<StatsReport> {
        self.require(actor, Permission::ManageSite, "stats.view", "stats")
            .await?;
        let site = self.default_site().await?;
        let (from, until) = (range.from.as_str(), range.until.as_str());
        let mut conn = self.store().read().await?;
        let per_day = stored::per_day(&mut conn, site, from, until).await?;
        let today = parse_day(&format_local_date(self.now_ms())).unwrap_or(Date::MIN);
        let end = parse_day(until).unwrap_or(today).min(today);
        let recent_from = end - Duration::days(RECENT_DAYS - 1);
        let recent_rows =
            stored::per_day(&mut conn, site, &format_day(recent_from), &format_day(end)).await?;
        let top_articles = stored::top_articles(&mut conn, site, from, until, TOP).await?;
        let top_columns = stored::top_columns(&mut conn, site, from, until, TOP).await?;
        let referrers = counts(stored::top_referrers(&mut conn, site, from, until, TOP).await?);
        let devices = counts(stored::devices(&mut conn, site, from, until).await?);
        drop(conn);

        let total: i64 = per_day.iter().map(|(_, v)| v).sum();
        let peak = per_day
            .iter()
            .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)))
            .map(|(day, views)| Count {
                label: day.clone(),
                views: *views,
            });
        let start = parse_day(from).unwrap_or(end);
        let first_counted = per_day
            .first()
            .and_then(|(day, _)| parse_day(day))
            .unwrap_or(end);
        let days = if total == 0 {
            0
        } else {
            ((end - start.max(first_counted)).whole_days() + 1).max(1)
        };
        let daily_average = if days > 0 { total / days } else { 0 };
        Ok(StatsReport {
            months: months(start, parse_day(until).unwrap_or(end), &per_day),
            recent: days_between(recent_from, end, &recent_rows),
            range: range.clone(),
            total,
            days,
            daily_average,
            peak,
            top_articles,
            top_columns,
            referrers,
            devices,
        })
    }

    /// Every counted row of `range` as CSV (day, page, referrer, device,
    /// views); the export is audited.
    pub async fn stats_export_csv(&self, actor: &Actor, range: &StatsRange) -> Result<String> {
        self.require(actor, Permission::ManageSite, "stats.export", "stats")
            .await?;
        let site = self.default_site().await?;
        let mut conn = self.store().read().await?;
        let rows = stored::rows(&mut conn, site, &range.from, &range.until).await?;
        drop(conn);
        let csv = rows_to_csv(&rows)?;
        let detail = format!("{}..{}; {} rows", range.from, range.until, rows.len());
        self.audit_alone(
            actor.into(),
            Event::success("stats.export", "stats").with_detail(detail),
        )
        .await?;
        Ok(csv)
    }
}

/// Every month from `start`'s to `end`'s with its views.
fn months(start: Date, end: Date, per_day: &[(String, i64)]) -> Vec<Count> {
    let mut out: Vec<Count> = Vec::new();
    let mut month = first_of_month_back(start, 0);
    while month <= end && out.len() < 1200 {
        let label = format_day(month)[..7].to_owned();
        let views = per_day
            .iter()
            .filter(|(day, _)| day.starts_with(&label))
            .map(|(_, v)| v)
            .sum();
        out.push(Count { label, views });
        month = first_of_month_back(month, -1);
    }
    out
}

/// Every day from `start` to `end` with its views.
fn days_between(start: Date, end: Date, per_day: &[(String, i64)]) -> Vec<Count> {
    let mut out = Vec::new();
    let mut day = start;
    while day <= end {
        let label = format_day(day);
        let views = per_day
            .iter()
            .find(|(d, _)| *d == label)
            .map_or(0, |(_, v)| *v);
        out.push(Count { label, views });
        day = day.next_day().unwrap_or(Date::MAX);
        if day == Date::MAX {
            break;
        }
    }
    out
}

fn rows_to_csv(rows: &[VisitRow]) -> Result<String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer
        .write_record(["day", "page", "referrer", "device", "views"])
        .map_err(AppError::internal)?;
    for row in rows {
        let page = if row.page_id > 0 {
            format!("{}:{}", row.page_kind, row.page_id)
        } else {
            row.page_kind.clone()
        };
        let referrer = if row.referrer.starts_with(['=', '+', '-', '@']) {
            format!("'{}", row.referrer)
        } else {
            row.referrer.clone()
        };
        writer
            .write_record([
                row.day.clone(),
                page,
                referrer,
                row.device.clone(),
                row.views.to_string(),
            ])
            .map_err(AppError::internal)?;
    }
    let bytes = writer.into_inner().map_err(AppError::internal)?;
    String::from_utf8(bytes).map_err(AppError::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_default_range_is_the_last_twelve_months() {
        let now = dangjian_domain::clock::parse_local_date("2026-03-15").unwrap();
        let range = StatsRange::parse(None, Some(""), now).unwrap();
        assert_eq!(range.from, "2025-04-01");
        assert_eq!(range.until, "2026-03-15");
        assert!(StatsRange::parse(Some("2026-02-30"), None, now).is_err());
        assert!(StatsRange::parse(Some("2026-03-16"), Some("2026-03-01"), now).is_err());
    }

    #[test]
    fn stats_months_and_days_fill_the_gaps() {
        let d = |s: &str| parse_day(s).unwrap();
        let per_day = vec![("2025-12-31".to_owned(), 5), ("2026-02-01".to_owned(), 7)];
        let m = months(d("2025-12-10"), d("2026-02-03"), &per_day);
        let labels: Vec<_> = m.iter().map(|c| (c.label.as_str(), c.views)).collect();
        assert_eq!(labels, [("2025-12", 5), ("2026-01", 0), ("2026-02", 7)]);
        let days = days_between(d("2026-01-31"), d("2026-02-02"), &per_day);
        assert_eq!(days.len(), 3);
        assert_eq!(days[1].views, 7);
    }
}
