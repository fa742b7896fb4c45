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
}
