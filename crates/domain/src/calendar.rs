//! The working-day calendar (节假日与调休): public holidays and the make-up
//! working days the State Council announces each year. Saturdays and
//! Sundays are days off unless listed as make-up working days (班); any day
//! listed as a holiday (休) is off. Nothing is built in: the schedule is
//! published once a year and the program only knows what it was given.
//!
//! The text format, one entry a line (blank lines and `#` comments allowed):
//!
//! ```text
//! 2025-10-01..2025-10-08 休
//! 2025-09-28 班
//! 2025-10-11 workday
//! ```

use std::collections::BTreeMap;

use time::{Date, Duration, macros::format_description};

use crate::Invalid;
use crate::clock::{DAY_MS, local_date};

/// Longest accepted text, in lines: a century of schedules fits easily.
pub const MAX_LINES: usize = 2_000;
/// Years a date may name; anything else is surely a typo.
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2100;
/// Longest range on one line; the longest real holiday is eight days, so a
/// longer one is a typo (and would otherwise make a huge set).
pub const MAX_RANGE_DAYS: i64 = 31;
/// The form field the text is typed in, named by refusals.
pub const FIELD: &str = "calendar";
/// The `Invalid` entry whose code is the (1-based) line a refusal names:
/// `Invalid` carries only strings, and the message needs the number.
pub const LINE_FIELD: &str = "calendar.line";

/// What a listed date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// A public holiday (休), off even on a weekday.
    Holiday,
    /// A make-up working day (调休上班, 班), worked even on a weekend.
    Workday,
}

impl DayKind {
    /// The canonical word in the text format.
    pub fn word(self) -> &'static str {
        match self {
            DayKind::Holiday => "休",
            DayKind::Workday => "班",
        }
    }

    fn parse(word: &str) -> Option<DayKind> {
        match word.to_ascii_lowercase().as_str() {
            "休" | "holiday" => Some(DayKind::Holiday),
            "班" | "workday" => Some(DayKind::Workday),
            _ => None,
        }
    }
}

/// A refusal of the text: the first bad line (1-based) and why, as a
/// message-catalog key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarError {
    pub line: usize,
    pub code: &'static str,
}

impl CalendarError {
    fn at(line: usize, code: &'static str) -> Self {
        Self { line, code }
    }

    /// Beside the `calendar` field; the line number rides in `LINE_FIELD`.
    pub fn to_invalid(&self) -> Invalid {
        let mut invalid = Invalid::one(FIELD, self.code);
        invalid.push(LINE_FIELD, &self.line.to_string());
        invalid
    }
}

impl From<CalendarError> for Invalid {
    fn from(error: CalendarError) -> Self {
        error.to_invalid()
    }
}

/// The listed dates. Dates not listed follow the weekday rule.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    days: BTreeMap<Date, DayKind>,
}

/// Counts for the audit record and the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub holidays: usize,
    pub workdays: usize,
    /// First and last year named, if any date is.
    pub years: Option<(i32, i32)>,
}

impl WorkCalendar {
    /// Reads the text format; refuses at the first bad line.
    pub fn parse(text: &str) -> Result<WorkCalendar, CalendarError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut calendar = WorkCalendar::default();
        for (index, line) in text.lines().enumerate() {
            let number = index + 1;
            if number > MAX_LINES {
                return Err(CalendarError::at(number, "error.calendar.too_long"));
            }
            let Some((from, until, kind)) =
                parse_line(line).map_err(|code| CalendarError::at(number, code))?
            else {
                continue;
            };
            calendar
                .mark(from, until, kind)
                .map_err(|code| CalendarError::at(number, code))?;
        }
        Ok(calendar)
    }

    /// Lists `from..=until` as `kind`; a date already listed the other way
    /// is a contradiction.
    fn mark(&mut self, from: Date, until: Date, kind: DayKind) -> Result<(), &'static str> {
        let mut day = from;
        loop {
            match self.days.insert(day, kind) {
                Some(before) if before != kind => return Err("error.calendar.conflict"),
                _ => {}
            }
            if day >= until {
                return Ok(());
            }
            day = day.next_day().ok_or("error.calendar.bad_date")?;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.days.is_empty()
    }

    /// Whether `date` is worked: listed dates as listed, else Monday to
    /// Friday.
    pub fn is_working_day(&self, date: Date) -> bool {
        match self.days.get(&date) {
            Some(kind) => *kind == DayKind::Workday,
            None => !matches!(
                date.weekday(),
                time::Weekday::Saturday | time::Weekday::Sunday
            ),
        }
    }

    /// The moment `days` working days after `ms`, at the same local time of
    /// day (China Standard Time has no daylight saving, so a day is always
    /// `DAY_MS`): each day off in between is stepped over. Zero or fewer
    /// days give `ms` itself.
    pub fn add_working_days(&self, ms: i64, days: i64) -> i64 {
        let mut at = ms;
        let mut left = days;
        while left > 0 {
            at += DAY_MS;
            if self.is_working_day(local_date(at)) {
                left -= 1;
            }
        }
        at
    }

    /// Working days whose local date lies after `from_ms`'s and up to and
    /// including `until_ms`'s; negative when `until_ms` comes first. So
    /// `working_days_between(ms, add_working_days(ms, n)) == n`: the days
    /// left until a deadline, or (from the deadline to now) how many days
    /// it is overdue by.
    pub fn working_days_between(&self, from_ms: i64, until_ms: i64) -> i64 {
        if until_ms < from_ms {
            return -self.working_days_between(until_ms, from_ms);
        }
        let (from, until) = (local_date(from_ms), local_date(until_ms));
        let mut count = 0;
        let mut day = from;
        while day < until {
            day = match day.next_day() {
                Some(next) => next,
                None => break,
            };
            if self.is_working_day(day) {
                count += 1;
            }
        }
        count
    }

    /// Listed dates from the local date of `from_ms` on, for `days` days, in
    /// order (the page's preview of the coming year).
    pub fn upcoming(&self, from_ms: i64, days: i64) -> Vec<(Date, DayKind)> {
        let first = local_date(from_ms);
        let last = first.saturating_add(Duration::days(days));
        self.days
            .range(first..last)
            .map(|(date, kind)| (*date, *kind))
            .collect()
    }

    pub fn summary(&self) -> Summary {
        let count = |kind| self.days.values().filter(|k| **k == kind).count();
        let years = self
            .days
            .keys()
            .next()
            .zip(self.days.keys().next_back())
            .map(|(first, last)| (first.year(), last.year()));
        Summary {
            holidays: count(DayKind::Holiday),
            workdays: count(DayKind::Workday),
            years,
        }
    }

    /// The canonical text: dates in order, consecutive days of one kind as
    /// one range. Parsing it gives the same calendar back.
    pub fn to_text(&self) -> String {
        let mut text = String::new();
        for (from, until, kind) in self.runs() {
            if from == until {
                text.push_str(&format!("{} {}\n", iso(from), kind.word()));
            } else {
                text.push_str(&format!("{}..{} {}\n", iso(from), iso(until), kind.word()));
            }
        }
        text
    }

    /// Runs of consecutive dates of one kind.
    fn runs(&self) -> Vec<(Date, Date, DayKind)> {
        let mut runs: Vec<(Date, Date, DayKind)> = Vec::new();
        for (date, kind) in &self.days {
            match runs.last_mut() {
                Some((_, until, k)) if *k == *kind && until.next_day() == Some(*date) => {
                    *until = *date;
                }
                _ => runs.push((*date, *date, *kind)),
            }
        }
        runs
    }
}

/// `2025-10-01`.
pub fn iso(date: Date) -> String {
    date.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

/// One line: `None` when blank or a comment, else its dates and kind.
fn parse_line(line: &str) -> Result<Option<(Date, Date, DayKind)>, &'static str> {
    let content = line.split('#').next().unwrap_or_default().trim();
    if content.is_empty() {
        return Ok(None);
    }
    let mut words = content.split_whitespace();
    let (Some(dates), Some(word), None) = (words.next(), words.next(), words.next()) else {
        return Err("error.calendar.bad_line");
    };
    let kind = DayKind::parse(word).ok_or("error.calendar.bad_kind")?;
    let (from, until) = match dates.split_once("..") {
        Some((from, until)) => (parse_date(from)?, parse_date(until)?),
        None => {
            let date = parse_date(dates)?;
            (date, date)
        }
    };
    let length = (until - from).whole_days();
    if !(0..MAX_RANGE_DAYS).contains(&length) {
        return Err("error.calendar.bad_range");
    }
    Ok(Some((from, until, kind)))
}

fn parse_date(text: &str) -> Result<Date, &'static str> {
    let date = Date::parse(text, format_description!("[year]-[month]-[day]"))
        .map_err(|_| "error.calendar.bad_date")?;
    if (FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
        Ok(date)
    } else {
        Err("error.calendar.bad_year")
    }
}

#[cfg(test)]
#[path = "calendar_tests.rs"]
mod tests;
