use super::*;
use crate::clock::{format_local, parse_local_datetime};

/// 国庆 and 中秋 2025 as announced: eight days off, two weekend days worked.
const NATIONAL_DAY_2025: &str = "\
# 国庆节、中秋节
2025-10-01..2025-10-08 休
2025-09-28 班   # a Sunday
2025-10-11 班   # a Saturday
";

fn date(text: &str) -> Date {
    Date::parse(text, format_description!("[year]-[month]-[day]")).expect("a date")
}

fn at(text: &str) -> i64 {
    parse_local_datetime(text).expect("a time")
}

fn national_day() -> WorkCalendar {
    WorkCalendar::parse(NATIONAL_DAY_2025).expect("the fixture parses")
}

#[test]
fn an_empty_calendar_skips_only_the_weekend() {
    let calendar = WorkCalendar::default();
    // Friday 2026-11-27 10:00 CST.
    let friday = at("2026-11-27 10:00");
    let plus = |n| format_local(calendar.add_working_days(friday, n));
    assert_eq!(plus(1), "2026-11-30 10:00:00");
    assert_eq!(plus(2), "2026-12-01 10:00:00");
    assert_eq!(calendar.add_working_days(friday, 0), friday);
    assert_eq!(calendar.add_working_days(friday, -3), friday);
}

#[test]
fn holidays_are_off_and_make_up_days_are_worked() {
    let calendar = national_day();
    assert!(
        !calendar.is_working_day(date("2025-10-01")),
        "a Wednesday off"
    );
    assert!(!calendar.is_working_day(date("2025-10-08")));
    assert!(
        calendar.is_working_day(date("2025-09-28")),
        "a Sunday worked"
    );
    assert!(
        calendar.is_working_day(date("2025-10-11")),
        "a Saturday worked"
    );
    assert!(
        !calendar.is_working_day(date("2025-10-12")),
        "a plain Sunday"
    );
    assert!(
        calendar.is_working_day(date("2025-10-09")),
        "a plain Thursday"
    );
}

#[test]
fn a_deadline_steps_over_national_day_and_counts_the_make_up_days() {
    let calendar = national_day();
    let plus = |from: &str, n| format_local(calendar.add_working_days(at(from), n));
    // Friday 09-26: the next working day is Sunday 09-28 (调休上班).
    assert_eq!(plus("2025-09-26 15:30", 1), "2025-09-28 15:30:00");
    // Tuesday 09-30 + 1: everything until Thursday 10-09 is off.
    assert_eq!(plus("2025-09-30 09:00", 1), "2025-10-09 09:00:00");
    // + 3: Thu 10-09, Fri 10-10, Sat 10-11 (班).
    assert_eq!(plus("2025-09-30 09:00", 3), "2025-10-11 09:00:00");
    // Asked during the holiday, the first working day is 10-09.
    assert_eq!(plus("2025-10-03 20:00", 1), "2025-10-09 20:00:00");
}

#[test]
fn working_days_between_counts_days_left_and_days_overdue() {
    let calendar = national_day();
    let (from, due) = (at("2025-09-30 09:00"), at("2025-10-11 09:00"));
    assert_eq!(calendar.working_days_between(from, due), 3);
    assert_eq!(calendar.working_days_between(due, from), -3);
    assert_eq!(calendar.working_days_between(from, from + 3_600_000), 0);
    for n in 0..12 {
        let start = at("2025-09-25 11:00");
        let end = calendar.add_working_days(start, n);
        assert_eq!(calendar.working_days_between(start, end), n, "n = {n}");
    }
}

#[test]
fn english_words_comments_and_blank_lines_are_accepted() {
    let text = "\n# comment only\n2025-01-01 holiday\n\n2025-01-26 WORKDAY # 春节调休\n";
    let calendar = WorkCalendar::parse(text).expect("parses");
    assert!(!calendar.is_working_day(date("2025-01-01")));
    assert!(calendar.is_working_day(date("2025-01-26")));
    let with_bom = format!("\u{feff}{text}");
    assert_eq!(WorkCalendar::parse(&with_bom), Ok(calendar));
}

#[test]
fn the_canonical_text_groups_runs_and_parses_back_the_same() {
    let calendar = national_day();
    let text = calendar.to_text();
    assert_eq!(
        text,
        "2025-09-28 班\n2025-10-01..2025-10-08 休\n2025-10-11 班\n"
    );
    assert_eq!(WorkCalendar::parse(&text), Ok(calendar));
    assert_eq!(WorkCalendar::default().to_text(), "");
}

#[test]
fn the_summary_counts_days_and_years() {
    let mut text = NATIONAL_DAY_2025.to_owned();
    text.push_str("2026-01-01 休\n");
    let summary = WorkCalendar::parse(&text).expect("parses").summary();
    assert_eq!(summary.holidays, 9);
    assert_eq!(summary.workdays, 2);
    assert_eq!(summary.years, Some((2025, 2026)));
    assert_eq!(WorkCalendar::default().summary().years, None);
}

#[test]
fn upcoming_lists_the_next_days_in_order() {
    let calendar = national_day();
    let coming = calendar.upcoming(at("2025-10-07 12:00"), 30);
    let listed: Vec<String> = coming
        .iter()
        .map(|(d, k)| format!("{} {}", iso(*d), k.word()))
        .collect();
    assert_eq!(listed, ["2025-10-07 休", "2025-10-08 休", "2025-10-11 班"]);
}

#[test]
fn bad_lines_are_refused_with_their_number() {
    let refused = |text: &str| WorkCalendar::parse(text).expect_err("refused");
    let cases = [
        ("2025-10-01 休\n2025-13-01 休", 2, "error.calendar.bad_date"),
        ("# x\n\n2025-10-01 放假", 3, "error.calendar.bad_kind"),
        ("2025-10-01", 1, "error.calendar.bad_line"),
        ("2025-10-01 休 班", 1, "error.calendar.bad_line"),
        ("1999-10-01 休", 1, "error.calendar.bad_year"),
        ("2101-01-01 班", 1, "error.calendar.bad_year"),
        ("2025-10-08..2025-10-01 休", 1, "error.calendar.bad_range"),
        ("2025-01-01..2025-12-31 休", 1, "error.calendar.bad_range"),
        (
            "2025-10-01..2025-10-08 休\n2025-10-03 班",
            2,
            "error.calendar.conflict",
        ),
    ];
    for (text, line, code) in cases {
        assert_eq!(refused(text), CalendarError { line, code }, "{text}");
    }
    let long = "# line\n".repeat(MAX_LINES + 1);
    assert_eq!(refused(&long).line, MAX_LINES + 1);
    assert!(WorkCalendar::parse(&"# line\n".repeat(MAX_LINES)).is_ok());
}

#[test]
fn a_refusal_names_the_field_and_the_line() {
    let invalid = Invalid::from(CalendarError::at(7, "error.calendar.bad_date"));
    assert_eq!(invalid.code_for(FIELD), Some("error.calendar.bad_date"));
    assert_eq!(invalid.code_for(LINE_FIELD), Some("7"));
}
