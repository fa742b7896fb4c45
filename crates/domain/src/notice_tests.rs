use super::*;
use crate::clock::{format_local, parse_local_datetime};

/// 国庆 and 中秋 2025: 10-01..10-08 off, Sunday 09-28 and Saturday 10-11
/// worked.
const NATIONAL_DAY_2025: &str = "\
2025-10-01..2025-10-08 休
2025-09-28 班
2025-10-11 班
";

fn at(text: &str) -> i64 {
    parse_local_datetime(text).expect("a time")
}

fn period(kind: NoticeKind, start: &str, days: i64) -> NoticePeriod {
    NoticePeriod {
        kind,
        starts_at: at(start),
        working_days: days,
    }
}

#[test]
fn five_working_days_from_monday_end_after_friday() {
    let calendar = WorkCalendar::default();
    // Monday 2026-11-23 09:00.
    let p = period(NoticeKind::Appointment, "2026-11-23 09:00", 5);
    assert_eq!(format_local(p.ends_at(&calendar)), "2026-11-28 00:00:00");
}

#[test]
fn a_start_on_a_day_off_counts_from_the_next_working_day() {
    let calendar = WorkCalendar::default();
    // Saturday 2026-11-21.
    let p = period(NoticeKind::Other, "2026-11-21 10:00", 1);
    assert_eq!(format_local(p.ends_at(&calendar)), "2026-11-24 00:00:00");
}

#[test]
fn holidays_stretch_and_make_up_days_count() {
    let calendar = WorkCalendar::parse(NATIONAL_DAY_2025).expect("parses");
    // Tuesday 2025-09-30: 09-30 is day 1, 10-01..08 off, 10-09 day 2,
    // 10-10 day 3, Saturday 10-11 (班) day 4, Monday 10-13 day 5.
    let p = period(NoticeKind::Appointment, "2025-09-30 09:00", 5);
    let end = p.ends_at(&calendar);
    assert_eq!(format_local(end), "2025-10-14 00:00:00");
    let state = |t: &str| NoticeState::at(&calendar, p.starts_at, end, at(t));
    assert_eq!(state("2025-09-30 08:59"), NoticeState::Upcoming);
    assert_eq!(
        state("2025-09-30 09:00"),
        NoticeState::InProgress { days_left: 5 }
    );
    assert_eq!(
        state("2025-10-03 12:00"),
        NoticeState::InProgress { days_left: 4 }
    );
    assert_eq!(
        state("2025-10-11 12:00"),
        NoticeState::InProgress { days_left: 2 }
    );
    assert_eq!(
        state("2025-10-13 23:59"),
        NoticeState::InProgress { days_left: 1 }
    );
    assert_eq!(state("2025-10-14 00:00"), NoticeState::Ended);
}

#[test]
fn the_next_switch_is_the_start_midnight_or_end() {
    let start = at("2026-11-23 09:00");
    let end = at("2026-11-28 00:00");
    let up = NoticeState::Upcoming;
    assert_eq!(up.next_switch(start, end, start - 1), Some(start));
    let running = NoticeState::InProgress { days_left: 3 };
    let wed = at("2026-11-25 15:00");
    assert_eq!(
        running.next_switch(start, end, wed),
        Some(at("2026-11-26 00:00"))
    );
    assert_eq!(NoticeState::Ended.next_switch(start, end, end), None);
}

#[test]
fn appointments_need_five_working_days() {
    let start = Some(at("2026-11-23 09:00"));
    let refused = NoticePeriod::parse("appointment", start, "4").unwrap_err();
    assert_eq!(
        refused.code_for("working_days"),
        Some("error.notice.appointment_min")
    );
    assert!(NoticePeriod::parse("appointment", start, "5").is_ok());
    assert!(NoticePeriod::parse("other", start, "1").is_ok());
    assert!(NoticePeriod::parse("other", start, "0").is_err());
    assert!(NoticePeriod::parse("selection", start, "99").is_err());
    let bad = NoticePeriod::parse("x", None, "a").unwrap_err();
    assert!(bad.code_for("kind").is_some() && bad.code_for("starts_at").is_some());
}

#[test]
fn phones_are_mainland_mobiles_or_fixed_lines() {
    for good in [
        "13812345678",
        "+8613812345678",
        "0571-87654321",
        "010 12345678",
    ] {
        assert!(is_mainland_phone(&normalise_phone(good)), "{good}");
    }
    for bad in [
        "12345678901",
        "1381234567",
        "12380",
        "abc",
        "00112345678",
        "",
    ] {
        assert!(!is_mainland_phone(&normalise_phone(bad)), "{bad}");
    }
}

#[test]
fn objections_name_every_bad_field() {
    let fields = ObjectionFields {
        name: "王",
        phone: "123",
        unit: "",
        content: "太短",
    };
    let invalid = ObjectionInput::parse(fields).unwrap_err();
    for field in ["name", "phone", "content"] {
        assert!(invalid.code_for(field).is_some(), "{field}");
    }
    let ok = ObjectionInput::parse(ObjectionFields {
        name: " 王小明 ",
        phone: "138-1234-5678",
        unit: "某局",
        content: "该同志存在需要说明的情况，请核实。",
    })
    .expect("valid");
    assert_eq!(ok.phone, "13812345678");
    assert_eq!(ok.name, "王小明");
}
