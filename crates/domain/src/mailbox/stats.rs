//! The figures of the quarterly self-report: per month (of arrival) and
//! per section, how many letters came, how many were answered or declined
//! with a reason (both are a response the writer reads), the response
//! rate, the average working days to respond, and how many were overdue.

use std::collections::BTreeMap;

use crate::calendar::WorkCalendar;
use crate::clock::{local_day, month_of_day};

use super::LetterStatus;

/// What the figures need of one letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LetterFacts {
    pub received_at: i64,
    pub due_at: i64,
    /// When the reply was approved or the letter declined.
    pub responded_at: Option<i64>,
    pub section: Option<i64>,
    pub status: LetterStatus,
}

impl LetterFacts {
    /// Responded after its deadline, or still open past it.
    fn overdue(&self, now: i64) -> bool {
        match self.responded_at {
            Some(at) => at > self.due_at,
            None => self.status.is_open() && now > self.due_at,
        }
    }
}

/// The figures of a group of letters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    pub received: i64,
    pub answered: i64,
    pub refused: i64,
    pub open: i64,
    pub overdue: i64,
    /// Working days from arrival to response, summed over responses.
    pub working_days: i64,
}

impl Figures {
    fn add(&mut self, letter: &LetterFacts, calendar: &WorkCalendar, now: i64) {
        self.received += 1;
        if letter.status.is_answered() {
            self.answered += 1;
        } else if letter.status == LetterStatus::Refused {
            self.refused += 1;
        } else {
            self.open += 1;
        }
        if let Some(at) = letter.responded_at {
            self.working_days += calendar.working_days_between(letter.received_at, at);
        }
        if letter.overdue(now) {
            self.overdue += 1;
        }
    }

    pub fn responded(&self) -> i64 {
        self.answered + self.refused
    }

    /// Responses per hundred letters, one decimal (None without letters).
    pub fn response_rate(&self) -> Option<f64> {
        (self.received > 0)
            .then(|| (self.responded() as f64 * 1000.0 / self.received as f64).round() / 10.0)
    }

    /// Average working days to respond, one decimal.
    pub fn average_days(&self) -> Option<f64> {
        let n = self.responded();
        (n > 0).then(|| (self.working_days as f64 * 10.0 / n as f64).round() / 10.0)
    }
}

/// All the letters' figures.
pub fn total(letters: &[LetterFacts], calendar: &WorkCalendar, now: i64) -> Figures {
    let mut figures = Figures::default();
    for letter in letters {
        figures.add(letter, calendar, now);
    }
    figures
}

/// Figures per month of arrival (`year * 12 + month - 1`), in order.
pub fn by_month(letters: &[LetterFacts], calendar: &WorkCalendar, now: i64) -> Vec<(i64, Figures)> {
    group(letters, calendar, now, |l| {
        month_of_day(local_day(l.received_at))
    })
}

/// Figures per section (None: not yet with a section), in id order.
pub fn by_section(
    letters: &[LetterFacts],
    calendar: &WorkCalendar,
    now: i64,
) -> Vec<(Option<i64>, Figures)> {
    group(letters, calendar, now, |l| l.section)
}

fn group<K: Ord>(
    letters: &[LetterFacts],
    calendar: &WorkCalendar,
    now: i64,
    key: impl Fn(&LetterFacts) -> K,
) -> Vec<(K, Figures)> {
    let mut groups: BTreeMap<K, Figures> = BTreeMap::new();
    for letter in letters {
        groups
            .entry(key(letter))
            .or_default()
            .add(letter, calendar, now);
    }
    groups.into_iter().collect()
}
