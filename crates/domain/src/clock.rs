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

/// The moment `days` working days after `ms` (Saturdays and Sundays are
/// skipped; the time of day is kept), for review deadlines. Public holidays
/// are not known here: a deadline over 国庆 is generous by their count.
pub fn add_working_days(ms: i64, days: i64) -> i64 {
    const DAY_MS: i64 = 24 * 3600 * 1000;
    let mut at = ms;
    let mut left = days;
    while left > 0 {
        at += DAY_MS;
        if !matches!(
            local(at).weekday(),
            time::Weekday::Saturday | time::Weekday::Sunday
        ) {
            left -= 1;
        }
    }
    at
}

#[cfg(test)]
mod tests {
    #[test]
    fn working_days_skip_the_weekend() {
        // Friday 2026-11-27 10:00 CST.
        let friday = parse_local_datetime("2026-11-27 10:00").expect("a time");
        assert_eq!(
            format_local(add_working_days(friday, 1)),
            "2026-11-30 10:00:00"
        );
        assert_eq!(
            format_local(add_working_days(friday, 2)),
            "2026-12-01 10:00:00"
        );
        assert_eq!(add_working_days(friday, 0), friday);
    }

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
}
