//! The mailbox's deadline: set in working days on the system settings page
//! (refused out of range, audited), counted on the holiday calendar — a
//! letter received before a holiday is due after it, and a make-up working
//! day (调休) counts.

use dangjian_app::actor::{Actor, Client};
use dangjian_app::mailbox::{LetterForm, MailboxAction, Receipt};
use dangjian_domain::audit::Outcome;
use dangjian_domain::calendar::{WorkCalendar, iso};
use dangjian_domain::clock::{DAY_MS, local_date};
use dangjian_domain::ids::SectionId;
use dangjian_domain::mailbox::LetterFields;
use dangjian_testkit::TestApp;

use crate::review::section_id;

/// The local date `days` after now, as `YYYY-MM-DD`.
fn day_after(t: &TestApp, days: i64) -> String {
    iso(local_date(t.app.now_ms() + days * DAY_MS))
}

/// A letter from `addr` through the app, the challenge answered.
pub(crate) async fn send(t: &TestApp, addr: &str) -> Receipt {
    let challenge = t.app.mailbox_challenge().await.expect("a challenge");
    let answer = if challenge.plus {
        challenge.left + challenge.right
    } else {
        challenge.left - challenge.right
    };
    let answer = answer.to_string();
    let form = LetterForm {
        fields: LetterFields {
            name: "王明",
            phone: "13800138000",
            email: "",
            category: "consult",
            subject: "组织关系转接",
            content: "请问流动党员的组织关系如何转接？",
            publish: false,
        },
        challenge_token: &challenge.token,
        challenge_answer: &answer,
        files: Vec::new(),
    };
    t.app
        .send_letter(t.init_report.site, &Client::new(addr, "test"), &form)
        .await
        .expect("the letter is accepted")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_deadline_is_set_in_settings_and_counted_on_the_holiday_calendar() {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    sys.browser
        .get("/settings")
        .await
        .assert_contains("部长信箱答复期限（工作日）")
        .assert_contains("name=\"mailbox.deadline_days\"");
    sys.browser
        .post_form("/settings", &[("mailbox.deadline_days", "31")])
        .await
        .assert_status(422)
        .assert_contains("数值超出允许范围")
        .assert_contains("value=\"31\"");
    sys.browser
        .post_form("/settings", &[("mailbox.deadline_days", "3")])
        .await
        .assert_redirect("/settings?ok=saved");
    assert_eq!(
        t.app.mailbox_policy().await.expect("policy").deadline_days,
        3
    );
    assert!(
        t.audited("setting.update")
            .await
            .contains(&("sysadmin".to_owned(), Outcome::Success)),
        "the change is audited"
    );

    // Without holidays: three working days of weekends-only counting.
    let plain = send(&t, "198.51.100.1").await;
    let weekdays_only = WorkCalendar::default().add_working_days(t.app.now_ms(), 3);
    assert_eq!(plain.due_at, weekdays_only);

    // From tomorrow to the Friday before the first Saturday at least three
    // days ahead off, that Saturday a make-up working day (调休): three
    // working days are the Saturday, Monday and Tuesday after the holiday.
    let saturday = (3..=9)
        .find(|d| {
            local_date(t.app.now_ms() + d * DAY_MS)
                .weekday()
                .number_days_from_monday()
                == 5
        })
        .expect("a Saturday within a week");
    let text = format!(
        "{}..{} 休\n{} 班\n",
        day_after(&t, 1),
        day_after(&t, saturday - 1),
        day_after(&t, saturday)
    );
    sys.browser.get("/settings/calendar").await;
    sys.browser
        .post_form("/settings/calendar", &[("calendar", &text)])
        .await
        .assert_redirect("/settings/calendar?ok=saved");
    let held = send(&t, "198.51.100.2").await;
    assert_eq!(
        iso(local_date(held.due_at)),
        day_after(&t, saturday + 3),
        "Saturday (调休), Monday, Tuesday"
    );
    assert_eq!(held.due_at, t.app.now_ms() + (saturday + 3) * DAY_MS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reminders_go_out_once_when_a_letter_nears_and_passes_its_deadline() {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    let sec = t.admin("secadmin").await;
    let editor = t
        .person_with_role(&sys, &sec, "xinxiang", "信箱管理员", "site_editor")
        .await;
    let ganbu = section_id(&t, "干部科").await;
    let officer = t
        .person_with_role_in(
            &sys,
            &sec,
            "ganbu1",
            "干部科信息员",
            "info_officer",
            &format!("section:{ganbu}"),
        )
        .await;
    let receipt = send(&t, "198.51.100.3").await;
    let site = t.init_report.site;
    let actor = t
        .actor(&editor.username, &editor.password, &editor.secret)
        .await;
    t.app
        .mailbox_act(
            &actor,
            site,
            receipt.id,
            &MailboxAction::Accept(SectionId(ganbu)),
        )
        .await
        .expect("accepted");
    let section_officer = t
        .actor(&officer.username, &officer.password, &officer.secret)
        .await;
    assert_eq!(t.app.remind_mailbox().await.expect("reminders"), 0);

    // A day past the deadline: the section hears it once.
    t.clock.advance_ms(receipt.due_at - t.app.now_ms() + DAY_MS);
    assert_eq!(t.app.remind_mailbox().await.expect("reminders"), 1);
    assert_eq!(t.app.remind_mailbox().await.expect("reminders"), 0);
    let link = format!("/mailbox/{}", receipt.id);
    assert_eq!(
        kinds(&t, &section_officer, &link).await,
        ["mailbox.overdue", "mailbox.assigned"]
    );
    assert!(
        kinds(&t, &actor, &link).await.is_empty(),
        "a letter with its section is the section's business until the veto alarm"
    );

    // Two months on: the veto alarm reaches the site editors too.
    t.clock.advance_ms(60 * DAY_MS);
    assert_eq!(t.app.remind_mailbox().await.expect("reminders"), 1);
    assert_eq!(
        kinds(&t, &section_officer, &link).await,
        ["mailbox.veto_alarm", "mailbox.overdue", "mailbox.assigned"]
    );
    assert_eq!(kinds(&t, &actor, &link).await, ["mailbox.veto_alarm"]);
}

/// The kinds of the person's notifications pointing at `link`, newest first.
async fn kinds(t: &TestApp, person: &Actor, link: &str) -> Vec<String> {
    t.app
        .notifications(person)
        .await
        .expect("notifications")
        .into_iter()
        .filter(|n| n.link.as_deref() == Some(link))
        .map(|n| n.kind)
        .collect()
}
