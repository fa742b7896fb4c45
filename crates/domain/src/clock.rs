//! Local time for display. Counties keep China Standard Time (UTC+8, no
//! daylight saving), so one fixed offset is right for every site.

use time::{OffsetDateTime, UtcOffset, macros::format_description};

pub const CHINA_STANDARD_TIME: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(offset) => offset,
    Err(_) => UtcOffset::UTC,
};

fn local(ms: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000)
        .unwrap_or(OffsetDateTime::UNIX_EPOCH)
        .to_offset(CHINA_STANDARD_TIME)
}

/// The local (China Standard Time) calendar date of a moment.
pub fn local_date(ms: i64) -> time::Date {
    local(ms).date()
}

/// Milliseconds in a day, and China Standard Time's offset from UTC.
pub const DAY_MS: i64 = 86_400_000;
pub const LOCAL_OFFSET_MS: i64 = 8 * 3_600_000;

/// The local day number of a moment: whole days since 1970-01-01 in China
/// Standard Time. Counters kept per day (the ranking's) are keyed by it, so
/// that a period of local days is a range of numbers.
pub fn local_day(ms: i64) -> i64 {
    (ms + LOCAL_OFFSET_MS).div_euclid(DAY_MS)
}

/// The Julian day number of 1970-01-01.
const UNIX_EPOCH_JULIAN_DAY: i64 = 2_440_588;

/// The month of a local day number, counted as `year * 12 + month - 1`.
pub fn month_of_day(day: i64) -> i64 {
    let julian = i32::try_from(day + UNIX_EPOCH_JULIAN_DAY).unwrap_or(i32::MAX);
    let date = time::Date::from_julian_day(julian).unwrap_or(time::Date::MIN);
    i64::from(date.year()) * 12 + i64::from(u8::from(date.month())) - 1
}

/// The local day number on which a month (as counted by `month_of_day`)
/// begins.
pub fn first_day_of_month(month: i64) -> i64 {
    let year = i32::try_from(month.div_euclid(12)).unwrap_or(0);
    let number = u8::try_from(month.rem_euclid(12) + 1).unwrap_or(1);
    let first = time::Month::try_from(number)
        .ok()
        .and_then(|m| time::Date::from_calendar_date(year, m, 1).ok())
        .unwrap_or(time::Date::MIN);
    i64::from(first.to_julian_day()) - UNIX_EPOCH_JULIAN_DAY
}

/// Local days `[from, until)` split into the days before the first whole
/// month, the whole months, and the days after them — so that a year is
/// read as twelve monthly sums rather than 365 daily ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthSplit {
    pub head_days: (i64, i64),
    pub months: (i64, i64),
    pub tail_days: (i64, i64),
}

pub fn split_by_months(from: i64, until: i64) -> MonthSplit {
    let first = month_of_day(from);
    let first_whole = if first_day_of_month(first) == from {
        first
    } else {
        first + 1
    };
    let end = month_of_day(until);
    if first_whole >= end {
        return MonthSplit {
            head_days: (from, until.max(from)),
            months: (0, 0),
            tail_days: (0, 0),
        };
    }
    MonthSplit {
        head_days: (from, first_day_of_month(first_whole)),
        months: (first_whole, end),
        tail_days: (first_day_of_month(end), until),
    }
}

/// `2026-11-27 21:06:09`.
pub fn format_local(ms: i64) -> String {
    local(ms)
        .format(format_description!(
            "[year]-[month]-[day] [hour]:[minute]:[second]"
        ))
        .unwrap_or_default()
}

/// `2026-11-27`.
pub fn format_local_date(ms: i64) -> String {
    local(ms)
        .format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

/// The Unix millisecond of local midnight starting `yyyy-mm-dd`, or `None`.
pub fn parse_local_date(text: &str) -> Option<i64> {
    let date = time::Date::parse(text.trim(), format_description!("[year]-[month]-[day]")).ok()?;
    let start = date.midnight().assume_offset(CHINA_STANDARD_TIME);
    i64::try_from(start.unix_timestamp_nanos() / 1_000_000).ok()
}

/// The Unix millisecond of a local `YYYY-MM-DD HH:MM` (or the browser's
/// `YYYY-MM-DDTHH:MM`), or `None`.
pub fn parse_local_datetime(text: &str) -> Option<i64> {
    let normalised = text.trim().replacen('T', " ", 1);
    let parsed = time::PrimitiveDateTime::parse(
        &normalised,
        format_description!("[year]-[month]-[day] [hour]:[minute]"),
    )
    .ok()?;
    let at = parsed.assume_offset(CHINA_STANDARD_TIME);
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).ok()
}

/// `2026-11-27T21:06` for a datetime-local input.
pub fn format_local_input(ms: i64) -> String {
    local(ms)
        .format(format_description!("[year]-[month]-[day]T[hour]:[minute]"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_dates_round_trip() {
        let ms = parse_local_date("2026-11-27").unwrap();
        assert_eq!(format_local(ms), "2026-11-27 00:00:00");
        assert_eq!(format_local_date(ms + 86_399_000), "2026-11-27");
        assert_eq!(parse_local_date("2026-13-01"), None);
        let at = parse_local_datetime("2026-11-27T09:30").unwrap();
        assert_eq!(format_local(at), "2026-11-27 09:30:00");
        assert_eq!(format_local_input(at), "2026-11-27T09:30");
        assert_eq!(parse_local_datetime("2026-11-27"), None);
    }

    #[test]
    fn local_days_start_at_local_midnight() {
        let midnight = parse_local_date("2026-01-01").unwrap();
        assert_eq!(local_day(midnight), local_day(midnight + DAY_MS - 1));
        assert_eq!(local_day(midnight - 1) + 1, local_day(midnight));
        // 2026-01-01 is day 20454 since 1970-01-01.
        assert_eq!(local_day(midnight), 20_454);
    }

    #[test]
    fn months_and_days_convert_both_ways() {
        let jan = local_day(parse_local_date("2026-01-01").unwrap());
        assert_eq!(month_of_day(jan), 2026 * 12);
        assert_eq!(month_of_day(jan - 1), 2025 * 12 + 11);
        assert_eq!(first_day_of_month(2026 * 12), jan);
        let mar = local_day(parse_local_date("2026-03-01").unwrap());
        assert_eq!(first_day_of_month(2026 * 12 + 2), mar);
        assert_eq!(month_of_day(mar - 1), 2026 * 12 + 1);
    }

    #[test]
    fn a_range_splits_into_head_days_whole_months_and_tail_days() {
        let day = |text: &str| local_day(parse_local_date(text).unwrap());
        let year = split_by_months(day("2026-01-01"), day("2027-01-01"));
        assert_eq!(year.months, (2026 * 12, 2027 * 12));
        assert_eq!(year.head_days.0, year.head_days.1);
        assert_eq!(year.tail_days.0, year.tail_days.1);
        let odd = split_by_months(day("2026-01-15"), day("2026-04-10"));
        assert_eq!(odd.head_days, (day("2026-01-15"), day("2026-02-01")));
        assert_eq!(odd.months, (2026 * 12 + 1, 2026 * 12 + 3));
        assert_eq!(odd.tail_days, (day("2026-04-01"), day("2026-04-10")));
        let inside = split_by_months(day("2026-05-03"), day("2026-05-20"));
        assert_eq!(inside.head_days, (day("2026-05-03"), day("2026-05-20")));
        assert_eq!(inside.months.0, inside.months.1);
    }
}
