//! Deadlines in working days: a letter is to be answered within
//! `deadline_days` working days of its arrival; it is "due soon" from
//! `warn_days` working days before, overdue after, and raises the alarm
//! `veto_alarm_days` calendar days after arrival — well before the three
//! months after which an unanswered message fails a site's inspection.

use std::collections::BTreeMap;

use crate::Invalid;
use crate::calendar::WorkCalendar;
use crate::clock::DAY_MS;

/// The mailbox's deadline settings (system settings, `mailbox.*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MailboxPolicy {
    pub deadline_days: u32,
    pub warn_days: u32,
    pub veto_alarm_days: u32,
}

impl Default for MailboxPolicy {
    fn default() -> Self {
        Self {
            deadline_days: 5,
            warn_days: 1,
            veto_alarm_days: 60,
        }
    }
}

struct Knob {
    key: &'static str,
    min: u32,
    max: u32,
    get: fn(&MailboxPolicy) -> u32,
    set: fn(&mut MailboxPolicy, u32),
}

/// The alarm must come before the 90-day veto, so at most 80 days.
const KNOBS: [Knob; 3] = [
    Knob {
        key: "mailbox.deadline_days",
        min: 1,
        max: 30,
        get: |p| p.deadline_days,
        set: |p, v| p.deadline_days = v,
    },
    Knob {
        key: "mailbox.warn_days",
        min: 0,
        max: 10,
        get: |p| p.warn_days,
        set: |p, v| p.warn_days = v,
    },
    Knob {
        key: "mailbox.veto_alarm_days",
        min: 10,
        max: 80,
        get: |p| p.veto_alarm_days,
        set: |p, v| p.veto_alarm_days = v,
    },
];

impl MailboxPolicy {
    pub fn to_settings(&self) -> Vec<(&'static str, String)> {
        KNOBS
            .iter()
            .map(|k| (k.key, (k.get)(self).to_string()))
            .collect()
    }

    pub fn bounds(key: &str) -> Option<(u32, u32)> {
        KNOBS.iter().find(|k| k.key == key).map(|k| (k.min, k.max))
    }

    /// Reads the policy; absent values keep their defaults, stored values
    /// out of bounds are clamped.
    pub fn from_settings(stored: &BTreeMap<String, String>) -> Self {
        let mut policy = Self::default();
        for knob in &KNOBS {
            if let Some(value) = stored.get(knob.key).and_then(|v| v.parse::<u32>().ok()) {
                (knob.set)(&mut policy, value.clamp(knob.min, knob.max));
            }
        }
        policy
    }

    /// Applies submitted `mailbox.*` values, refusing any out of bounds.
    pub fn with_changes(&self, submitted: &BTreeMap<String, String>) -> Result<Self, Invalid> {
        let mut policy = *self;
        let mut invalid = Invalid::default();
        for (key, text) in submitted {
            let Some(knob) = KNOBS.iter().find(|k| k.key == key) else {
                invalid.push(key, "error.settings.unknown_key");
                continue;
            };
            match text.trim().parse::<u32>() {
                Ok(v) if (knob.min..=knob.max).contains(&v) => (knob.set)(&mut policy, v),
                _ => invalid.push(key, "error.settings.out_of_range"),
            }
        }
        invalid.into_result().map(|()| policy)
    }

    /// When a letter received at `received_at` is due: the same time of
    /// day `deadline_days` working days later.
    pub fn due_at(&self, calendar: &WorkCalendar, received_at: i64) -> i64 {
        calendar.add_working_days(received_at, i64::from(self.deadline_days))
    }

    /// How pressing an open letter is at `now`.
    pub fn urgency(
        &self,
        calendar: &WorkCalendar,
        received_at: i64,
        due_at: i64,
        now: i64,
    ) -> Urgency {
        if now >= received_at + i64::from(self.veto_alarm_days) * DAY_MS {
            let days = (now - received_at).div_euclid(DAY_MS);
            return Urgency::VetoAlarm { days };
        }
        if now >= due_at {
            let days = calendar.working_days_between(due_at, now).max(0);
            return Urgency::Overdue { days };
        }
        let left = calendar.working_days_between(now, due_at);
        if left <= i64::from(self.warn_days) {
            Urgency::DueSoon { left }
        } else {
            Urgency::OnTime { left }
        }
    }
}

/// How pressing an open letter is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Urgency {
    /// `left` working days to go.
    OnTime { left: i64 },
    /// Within the warning days: `left` working days to go (0: due today).
    DueSoon { left: i64 },
    /// Past its deadline by `days` working days.
    Overdue { days: i64 },
    /// Unanswered for `days` calendar days: near the three-month veto.
    VetoAlarm { days: i64 },
}

impl Urgency {
    /// Code for CSS classes and message keys.
    pub fn code(self) -> &'static str {
        match self {
            Urgency::OnTime { .. } => "on_time",
            Urgency::DueSoon { .. } => "due_soon",
            Urgency::Overdue { .. } => "overdue",
            Urgency::VetoAlarm { .. } => "veto_alarm",
        }
    }

    /// The number its message shows (days left, overdue or waited).
    pub fn days(self) -> i64 {
        match self {
            Urgency::OnTime { left } | Urgency::DueSoon { left } => left,
            Urgency::Overdue { days } | Urgency::VetoAlarm { days } => days,
        }
    }

    pub fn needs_attention(self) -> bool {
        !matches!(self, Urgency::OnTime { .. })
    }
}
