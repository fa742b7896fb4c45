//! 公示: the facts of a public notice (kind, start, period in working days)
//! and the objections readers raise during it. A notice is an article in a
//! column of kind 公告公示; these rules decide its period and state.
//!
//! The period counts whole local working days and the start's day is the
//! first of them when it is worked (a notice put up on Monday at 09:00 for
//! five working days runs through Friday, the usual "公示时间：1月6日至1月10日").
//! The end is the end of the last working day: local midnight after it,
//! exclusive. So a notice whose start falls on a day off begins counting
//! with the next working day, and holidays and 调休 come from the calendar.

use crate::calendar::WorkCalendar;
use crate::clock::{DAY_MS, LOCAL_OFFSET_MS, local_date};
use crate::invalid::Invalid;
use crate::qa::required;

/// What is publicised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NoticeKind {
    /// 干部任前公示.
    Appointment,
    /// 公开选拔结果.
    Selection,
    Other,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 3] = [
        NoticeKind::Appointment,
        NoticeKind::Selection,
        NoticeKind::Other,
    ];

    pub fn code(self) -> &'static str {
        match self {
            NoticeKind::Appointment => "appointment",
            NoticeKind::Selection => "selection",
            NoticeKind::Other => "other",
        }
    }

    pub fn from_code(code: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_key(self) -> String {
        format!("notice.kind.{}", self.code())
    }

    /// The shortest period: 任前公示 is at least five working days (干部任用
    /// 条例); other notices at least one.
    pub fn min_working_days(self) -> i64 {
        match self {
            NoticeKind::Appointment => 5,
            _ => 1,
        }
    }
}

/// The longest period accepted (a typing error, not a real notice).
pub const MAX_WORKING_DAYS: i64 = 60;

/// A checked notice period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoticePeriod {
    pub kind: NoticeKind,
    pub starts_at: i64,
    pub working_days: i64,
}

impl NoticePeriod {
    /// Checks the form's fields; `starts_at` is already parsed (None: the
    /// field was empty or not a local date and time).
    pub fn parse(
        kind: &str,
        starts_at: Option<i64>,
        working_days: &str,
    ) -> Result<NoticePeriod, Invalid> {
        let mut invalid = Invalid::default();
        let kind = NoticeKind::from_code(kind.trim());
        if kind.is_none() {
            invalid.push("kind", "error.notice.kind");
        }
        if starts_at.is_none() {
            invalid.push("starts_at", "error.notice.start");
        }
        let days = working_days.trim().parse::<i64>().ok();
        match (kind, days) {
            (_, None) => invalid.push("working_days", "error.notice.days"),
            (_, Some(d)) if d > MAX_WORKING_DAYS => {
                invalid.push("working_days", "error.notice.days")
            }
            (Some(NoticeKind::Appointment), Some(d)) if d < 5 => {
                invalid.push("working_days", "error.notice.appointment_min")
            }
            (_, Some(d)) if d < 1 => invalid.push("working_days", "error.notice.days"),
            _ => {}
        }
        invalid.into_result()?;
        Ok(NoticePeriod {
            kind: kind.unwrap_or(NoticeKind::Other),
            starts_at: starts_at.unwrap_or_default(),
            working_days: days.unwrap_or_default(),
        })
    }

    /// The end (exclusive): local midnight after the last working day.
    pub fn ends_at(&self, calendar: &WorkCalendar) -> i64 {
        // Stepping from the day before the start's local midnight makes the
        // start's own day the first candidate.
        let day_before = local_midnight(self.starts_at) - DAY_MS;
        calendar.add_working_days(day_before, self.working_days) + DAY_MS
    }
}

/// Local midnight (China Standard Time) of the day `ms` falls in.
pub fn local_midnight(ms: i64) -> i64 {
    (ms + LOCAL_OFFSET_MS).div_euclid(DAY_MS) * DAY_MS - LOCAL_OFFSET_MS
}

/// Where a notice stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeState {
    /// 未开始.
    Upcoming,
    /// 公示中, with the working days left counting today when it is worked.
    InProgress { days_left: i64 },
    /// 公示期满.
    Ended,
}

impl NoticeState {
    pub fn at(calendar: &WorkCalendar, starts_at: i64, ends_at: i64, now: i64) -> NoticeState {
        if now < starts_at {
            return NoticeState::Upcoming;
        }
        if now >= ends_at {
            return NoticeState::Ended;
        }
        let today = i64::from(calendar.is_working_day(local_date(now)));
        let later = calendar.working_days_between(now, ends_at - 1);
        NoticeState::InProgress {
            days_left: today + later,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            NoticeState::Upcoming => "upcoming",
            NoticeState::InProgress { .. } => "in_progress",
            NoticeState::Ended => "ended",
        }
    }

    /// The next moment the state (or the days left) may change: the start,
    /// the next local midnight, or never.
    pub fn next_switch(self, starts_at: i64, ends_at: i64, now: i64) -> Option<i64> {
        match self {
            NoticeState::Upcoming => Some(starts_at),
            NoticeState::InProgress { .. } => Some((local_midnight(now) + DAY_MS).min(ends_at)),
            NoticeState::Ended => None,
        }
    }
}

/// What the objection form submits.
#[derive(Debug, Clone, Copy, Default)]
pub struct ObjectionFields<'a> {
    pub name: &'a str,
    pub phone: &'a str,
    pub unit: &'a str,
    pub content: &'a str,
}

/// A checked objection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectionInput {
    pub name: String,
    pub phone: String,
    pub unit: String,
    pub content: String,
}

pub const CONTENT_MIN_CHARS: usize = 10;
pub const CONTENT_MAX_CHARS: usize = 2000;

impl ObjectionInput {
    /// Real name (2–20 characters), a mainland phone, an optional unit and
    /// the content (10–2000 characters): 实名 is what the rules require.
    pub fn parse(fields: ObjectionFields<'_>) -> Result<ObjectionInput, Invalid> {
        let mut invalid = Invalid::default();
        let name = required(&mut invalid, "name", fields.name, 20);
        if !name.is_empty() && name.chars().count() < 2 {
            invalid.push("name", "error.objection.name");
        }
        let phone = normalise_phone(fields.phone);
        if !is_mainland_phone(&phone) {
            invalid.push("phone", "error.objection.phone");
        }
        let unit = fields.unit.trim().to_owned();
        if unit.chars().count() > 100 || unit.chars().any(char::is_control) {
            invalid.push("unit", "error.qa.too_long");
        }
        let content = required(&mut invalid, "content", fields.content, CONTENT_MAX_CHARS);
        if !content.is_empty() && content.chars().count() < CONTENT_MIN_CHARS {
            invalid.push("content", "error.objection.too_short");
        }
        invalid.into_result()?;
        Ok(ObjectionInput {
            name,
            phone,
            unit,
            content,
        })
    }
}

/// Spaces and hyphens are how people write numbers; they are dropped.
pub fn normalise_phone(input: &str) -> String {
    input
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect()
}

/// A mainland mobile (1[3-9] and nine digits) or a fixed line with its
/// area code (0 and 2–3 digits, then 7–8 digits).
pub fn is_mainland_phone(phone: &str) -> bool {
    let digits = phone.strip_prefix("+86").unwrap_or(phone);
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let b = digits.as_bytes();
    let mobile = b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]);
    let fixed = (10..=12).contains(&b.len()) && b[0] == b'0' && b[1] != b'0';
    mobile || fixed
}

/// How an objection is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectionStatus {
    Received,
    Handled,
}

impl ObjectionStatus {
    pub fn code(self) -> &'static str {
        match self {
            ObjectionStatus::Received => "received",
            ObjectionStatus::Handled => "handled",
        }
    }

    pub fn from_code(code: &str) -> Option<ObjectionStatus> {
        [ObjectionStatus::Received, ObjectionStatus::Handled]
            .into_iter()
            .find(|s| s.code() == code)
    }
}

#[cfg(test)]
#[path = "notice_tests.rs"]
mod tests;
