use super::*;
use crate::calendar::WorkCalendar;
use crate::clock::{DAY_MS, format_local, parse_local_datetime};

/// 国庆 and 中秋 2025: 1–8 October off, Sunday 28 September and Saturday
/// 11 October worked (调休).
const NATIONAL_DAY_2025: &str = "\
2025-10-01..2025-10-08 休
2025-09-28 班
2025-10-11 班
";

fn at(text: &str) -> i64 {
    parse_local_datetime(text).expect("a time")
}

fn calendar() -> WorkCalendar {
    WorkCalendar::parse(NATIONAL_DAY_2025).expect("the fixture parses")
}

#[test]
fn every_move_is_allowed_only_from_its_states() {
    use LetterStatus::*;
    let table: [(Move, &[LetterStatus]); 8] = [
        (Move::Accept, &[Received]),
        (Move::Reassign, &[Handling]),
        (Move::Refuse, &[Received, Handling]),
        (Move::Draft, &[Handling]),
        (Move::Submit, &[Handling]),
        (Move::Publish, &[Replied]),
        (Move::Withdraw, &[Published]),
        (Move::Note, &LetterStatus::ALL),
    ];
    for (step, allowed) in table {
        for status in LetterStatus::ALL {
            assert_eq!(
                step.allowed_from(status),
                allowed.contains(&status),
                "{step:?} from {status:?}"
            );
        }
    }
    assert!(Move::Publish.is_officers());
    assert!(!Move::Draft.is_officers());
}

#[test]
fn status_codes_round_trip() {
    for status in LetterStatus::ALL {
        assert_eq!(LetterStatus::from_code(status.code()), Some(status));
    }
    assert_eq!(LetterStatus::from_code("nope"), None);
}

#[test]
fn a_letter_names_every_bad_field_at_once() {
    let err = LetterInput::parse(LetterFields {
        name: " ",
        phone: "12345",
        email: "not-an-address",
        category: "praise",
        subject: &"题".repeat(81),
        content: "太短",
        publish: true,
    })
    .unwrap_err();
    assert_eq!(err.code_for("name"), Some("error.qa.required"));
    assert_eq!(err.code_for("phone"), Some("error.mailbox.phone"));
    assert_eq!(err.code_for("email"), Some("error.mailbox.email"));
    assert_eq!(err.code_for("category"), Some("error.mailbox.category"));
    assert_eq!(err.code_for("subject"), Some("error.qa.too_long"));
    assert_eq!(err.code_for("content"), Some("error.mailbox.too_short"));
}

#[test]
fn a_good_letter_is_trimmed_and_kept() {
    let letter = LetterInput::parse(LetterFields {
        name: " 张三 ",
        phone: "138-1234-5678",
        email: "",
        category: "suggest",
        subject: "关于党员活动室开放时间",
        content: "建议周末也开放党员活动室，方便在外务工党员参加活动。",
        publish: false,
    })
    .expect("valid");
    assert_eq!(letter.name, "张三");
    assert_eq!(letter.phone, "13812345678");
    assert_eq!(letter.category, Category::Suggest);
    assert!(!letter.publish);
}

#[test]
fn names_are_masked_to_their_first_character() {
    assert_eq!(mask_name("张三"), "张*");
    assert_eq!(mask_name("欧阳小明"), "欧***");
    assert_eq!(mask_name("李"), "李*");
    assert_eq!(mask_name(""), "");
}

#[test]
fn numbers_and_addresses_in_the_text_are_masked() {
    let text = "我的电话13812345678，身份证33010219900101123X，邮箱zhang.san@example.com，共3人。";
    let masked = mask_text(text);
    assert_eq!(
        masked,
        "我的电话138******78，身份证330*************3X，邮箱***@example.com，共3人。"
    );
    assert!(!masked.contains("12345678"));
    assert_eq!(mask_text("2025年10月"), "2025年10月");
}

#[test]
fn tracking_codes_and_passwords_avoid_lookalike_characters() {
    let code = tracking_code("20261128", &[0, 1, 2, 3, 30, 31]);
    assert_eq!(code, "XX202611282345Z2");
    assert!(!code_chars(&(0..=255).collect::<Vec<u8>>()).contains(['0', 'O', '1', 'I', 'L']));
    assert_eq!(normalise_code(" xx2026-1128 2345z2 "), "XX202611282345Z2");
}

#[test]
fn a_query_password_matches_only_itself() {
    let digest = password_digest("XX202611282345Z2", "ABCD2345");
    assert!(password_matches("XX202611282345Z2", "abcd 2345", &digest));
    assert!(!password_matches("XX202611282345Z2", "ABCD2346", &digest));
    assert!(!password_matches("XX202611282345Z3", "ABCD2345", &digest));
}

#[test]
fn the_deadline_steps_over_the_holiday_and_counts_the_make_up_day() {
    let policy = MailboxPolicy::default();
    // Tuesday 30 September: 1–8 October off, Thursday 9, Friday 10,
    // Saturday 11 (worked), Monday 13, Tuesday 14.
    let received = at("2025-09-30 09:30");
    let due = policy.due_at(&calendar(), received);
    assert_eq!(format_local(due), "2025-10-14 09:30:00");
    // Without the calendar it would have been Tuesday 7 October.
    let plain = policy.due_at(&WorkCalendar::default(), received);
    assert_eq!(format_local(plain), "2025-10-07 09:30:00");
}

#[test]
fn urgency_warns_before_and_alarms_after() {
    let policy = MailboxPolicy::default();
    let calendar = calendar();
    let received = at("2025-09-30 09:30");
    let due = policy.due_at(&calendar, received);
    let urgency = |now: &str| policy.urgency(&calendar, received, due, at(now));
    assert_eq!(urgency("2025-10-02 10:00"), Urgency::OnTime { left: 5 });
    assert_eq!(urgency("2025-10-13 10:00"), Urgency::DueSoon { left: 1 });
    assert_eq!(urgency("2025-10-14 09:00"), Urgency::DueSoon { left: 0 });
    assert_eq!(urgency("2025-10-14 09:30"), Urgency::Overdue { days: 0 });
    assert_eq!(urgency("2025-10-16 09:00"), Urgency::Overdue { days: 2 });
    let alarm = received + 60 * DAY_MS;
    assert_eq!(
        policy.urgency(&calendar, received, due, alarm),
        Urgency::VetoAlarm { days: 60 }
    );
}

#[test]
fn the_policy_round_trips_and_keeps_its_bounds() {
    let policy = MailboxPolicy::default();
    let stored = policy
        .to_settings()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    assert_eq!(MailboxPolicy::from_settings(&stored), policy);
    let mut change = std::collections::BTreeMap::new();
    change.insert("mailbox.veto_alarm_days".to_owned(), "90".to_owned());
    let err = policy.with_changes(&change).unwrap_err();
    assert_eq!(
        err.code_for("mailbox.veto_alarm_days"),
        Some("error.settings.out_of_range")
    );
    change.insert("mailbox.veto_alarm_days".to_owned(), "45".to_owned());
    assert_eq!(policy.with_changes(&change).unwrap().veto_alarm_days, 45);
}

#[test]
fn figures_count_responses_rates_days_and_overdue() {
    let calendar = calendar();
    let policy = MailboxPolicy::default();
    let letter = |received: &str, responded: Option<&str>, status, section| {
        let received_at = at(received);
        LetterFacts {
            received_at,
            due_at: policy.due_at(&calendar, received_at),
            responded_at: responded.map(at),
            section,
            status,
        }
    };
    let letters = [
        // Answered in 2 working days.
        letter(
            "2025-09-01 09:00",
            Some("2025-09-03 09:00"),
            LetterStatus::Replied,
            Some(1),
        ),
        // Answered after its deadline (due 14 October).
        letter(
            "2025-09-30 09:00",
            Some("2025-10-15 09:00"),
            LetterStatus::Published,
            Some(1),
        ),
        // Declined on the day.
        letter(
            "2025-10-10 09:00",
            Some("2025-10-10 17:00"),
            LetterStatus::Refused,
            Some(2),
        ),
        // Still open, past its deadline.
        letter("2025-10-20 09:00", None, LetterStatus::Handling, None),
    ];
    let now = at("2025-11-01 12:00");
    let all = total(&letters, &calendar, now);
    assert_eq!(
        (
            all.received,
            all.answered,
            all.refused,
            all.open,
            all.overdue
        ),
        (4, 2, 1, 1, 2)
    );
    assert_eq!(all.response_rate(), Some(75.0));
    // 2 + 6 + 0 working days over three responses.
    assert_eq!(all.average_days(), Some(2.7));
    let months = by_month(&letters, &calendar, now);
    assert_eq!(months.len(), 2);
    assert_eq!(months[0].0, 2025 * 12 + 8);
    assert_eq!(months[0].1.received, 2);
    let sections = by_section(&letters, &calendar, now);
    assert_eq!(sections[0].0, None);
    assert_eq!(sections[1].1.answered, 2);
    assert_eq!(total(&[], &calendar, now).response_rate(), None);
}
