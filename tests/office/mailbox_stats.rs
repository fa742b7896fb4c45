//! 部长信箱 statistics in the office: letters sent through the portal's use
//! case in two months, answered through the review workflow, declined or
//! left open (one past its deadline), counted per month and per section on
//! the page and in the CSV; site editors and approving leaders read them,
//! an information officer is refused (audited), and a bad span is shown.

use dangjian_app::actor::Actor;
use dangjian_app::mailbox::{MailboxAction, month_label};
use dangjian_domain::audit::Outcome;
use dangjian_domain::clock::{
    DAY_MS, LOCAL_OFFSET_MS, first_day_of_month, local_day, month_of_day,
};
use dangjian_domain::ids::SectionId;
use dangjian_testkit::{Admin, TestApp, element_text};

use crate::review::section_id;

/// Milliseconds in an hour.
const HOUR_MS: i64 = 3_600_000;

/// Monday's number in `(day + 3) % 7`: local day 0 (1970-01-01) was a
/// Thursday.
fn weekday(day: i64) -> i64 {
    (day + 3).rem_euclid(7)
}

/// The first Monday after local day `day`.
fn next_monday(day: i64) -> i64 {
    day + 7 - weekday(day)
}

/// The first Monday of `month` (counted `year * 12 + month - 1`).
fn first_monday(month: i64) -> i64 {
    let first = first_day_of_month(month);
    first + (7 - weekday(first)) % 7
}

/// Moves the clock forward to `hour` o'clock local time on local day `day`.
fn clock_to(t: &TestApp, day: i64, hour: i64) {
    let target = day * DAY_MS - LOCAL_OFFSET_MS + hour * HOUR_MS;
    let now = t.app.now_ms();
    assert!(target >= now, "the clock only moves forward");
    t.clock.advance_ms(target - now);
}

/// A letter from `addr` through the app, the challenge answered; its id.
async fn send(t: &TestApp, addr: &str) -> i64 {
    crate::mailbox_deadline::send(t, addr).await.id
}

/// Everyone who moves or reads letters here.
struct People {
    /// The site editor: the mailbox officer.
    editor: Admin,
    /// 干部科's information officer (drafts replies, may not see figures).
    officer: Admin,
    head: Admin,
    /// The unit's deputy minister: the last stage, and a reader of figures.
    deputy: Admin,
    ganbu: SectionId,
}

async fn people(t: &TestApp) -> People {
    let sys = t.admin("sysadmin").await;
    let sec = t.admin("secadmin").await;
    let ganbu = section_id(t, "干部科").await;
    let in_ganbu = format!("section:{ganbu}");
    let unit = format!("unit:{}", t.init_report.unit.0);
    let editor = t
        .person_with_role(&sys, &sec, "xinxiang", "信箱管理员", "site_editor")
        .await;
    let officer = t
        .person_with_role_in(
            &sys,
            &sec,
            "ganbu1",
            "干部科信息员",
            "info_officer",
            &in_ganbu,
        )
        .await;
    let head = t
        .person_with_role_in(
            &sys,
            &sec,
            "ganbuhead",
            "干部科科长",
            "section_head",
            &in_ganbu,
        )
        .await;
    let deputy = t
        .person_with_role_in(&sys, &sec, "fenguan", "张部长", "deputy_minister", &unit)
        .await;
    People {
        editor,
        officer,
        head,
        deputy,
        ganbu: SectionId(ganbu),
    }
}

async fn actor_of(t: &TestApp, person: &Admin) -> Actor {
    t.actor(&person.username, &person.password, &person.secret)
        .await
}

/// The section's reply, submitted and approved by both stages of the
/// default workflow (科室负责人审核 → 分管部长审批): answered now.
async fn answer(t: &TestApp, officer: &Actor, head: &Actor, deputy: &Actor, id: i64) {
    let site = t.init_report.site;
    let reply = MailboxAction::Submit("流动党员可通过全国党员管理信息系统办理转接。".into());
    t.app
        .mailbox_act(officer, site, id, &reply)
        .await
        .expect("submitted");
    for reviewer in [head, deputy] {
        t.app
            .mailbox_act(reviewer, site, id, &MailboxAction::Approve(String::new()))
            .await
            .expect("approved");
    }
}

/// The texts of the cells of the table row `<tr id="id">`.
fn row(html: &str, id: &str) -> Vec<String> {
    let marker = format!("<tr id=\"{id}\">");
    let start = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no row {id} on the page"))
        + marker.len();
    let end = html[start..].find("</tr>").expect("the row ends") + start;
    html[start..end]
        .split('<')
        .filter_map(|part| part.split_once('>').map(|(_, text)| text.trim()))
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mailbox_figures_per_month_and_section_on_the_page_and_in_csv() {
    let t = TestApp::start().await;
    let p = people(&t).await;
    let site = t.init_report.site;
    let editor = actor_of(&t, &p.editor).await;
    let officer = actor_of(&t, &p.officer).await;
    let head = actor_of(&t, &p.head).await;
    let deputy = actor_of(&t, &p.deputy).await;

    // Month A: three letters on a Monday at 9:00; the deadline (five
    // working days) is the next Monday at 9:00.
    let monday = next_monday(local_day(t.app.now_ms()));
    let month_a = month_of_day(monday);
    clock_to(&t, monday, 9);
    let answered = send(&t, "198.51.100.11").await;
    let refused = send(&t, "198.51.100.12").await;
    let left_open = send(&t, "198.51.100.13").await;
    for id in [answered, left_open] {
        t.app
            .mailbox_act(&editor, site, id, &MailboxAction::Accept(p.ganbu))
            .await
            .expect("accepted");
    }
    // Declined on Tuesday: one working day.
    clock_to(&t, monday + 1, 9);
    let reason = MailboxAction::Refuse("不属于本信箱受理范围，请向县信访局反映。".into());
    t.app
        .mailbox_act(&editor, site, refused, &reason)
        .await
        .expect("declined");
    // Answered on Thursday: three working days, in time.
    clock_to(&t, monday + 3, 9);
    answer(&t, &officer, &head, &deputy, answered).await;

    // Month B: a letter on its first Monday, answered on the Wednesday of
    // the week after — seven working days (Tue–Fri, Mon–Wed), two days
    // past its deadline; and a letter arriving that Wednesday, unassigned.
    let month_b = month_a + 1;
    let b_monday = first_monday(month_b);
    clock_to(&t, b_monday, 9);
    let late = send(&t, "198.51.100.14").await;
    t.app
        .mailbox_act(&editor, site, late, &MailboxAction::Accept(p.ganbu))
        .await
        .expect("accepted");
    clock_to(&t, b_monday + 9, 9);
    answer(&t, &officer, &head, &deputy, late).await;
    send(&t, "198.51.100.15").await;
    // By now the letter left open in month A is past its deadline.

    let (a, b) = (month_label(month_a), month_label(month_b));
    let browser = t
        .login_with_totp(&p.editor.username, &p.editor.password, &p.editor.secret)
        .await;
    let span = format!("from={a}&to={b}");
    let page = browser.get(&format!("/mailbox/stats?{span}")).await;
    page.assert_status(200)
        .assert_contains("部长信箱统计")
        .assert_contains(&format!("value=\"{a}\""))
        .assert_contains(&format!("value=\"{b}\""))
        .assert_contains(&format!("href=\"/mailbox/stats.csv?from={a}&amp;to={b}\""));
    let total = |id: &str| element_text(&page.body, &format!("mailbox-stats-{id}"));
    let totals = [
        "received", "answered", "refused", "open", "rate", "average", "overdue",
    ]
    .map(|id| total(id).unwrap_or_else(|| panic!("no total {id}")));
    assert_eq!(totals, ["5", "2", "1", "2", "60.0%", "3.7", "2"]);
    assert_eq!(
        row(&page.body, "month-1"),
        [a.as_str(), "3", "1", "1", "1", "66.7%", "2.0", "1"]
    );
    assert_eq!(
        row(&page.body, "month-2"),
        [b.as_str(), "2", "1", "0", "1", "50.0%", "7.0", "1"]
    );
    assert_eq!(
        row(&page.body, "section-1"),
        ["未分办", "2", "0", "1", "1", "50.0%", "1.0", "0"]
    );
    assert_eq!(
        row(&page.body, "section-2"),
        ["干部科", "3", "2", "0", "1", "66.7%", "5.0", "2"]
    );
    // The bar charts draw letters received.
    page.assert_contains(&format!("<title>{a}: 3</title>"))
        .assert_contains(&format!("<title>{b}: 2</title>"))
        .assert_contains("<title>干部科: 3</title>")
        .assert_contains("<title>未分办: 2</title>");

    // The same as CSV, for Excel: BOM, headings, total, months, sections.
    let csv = browser.get(&format!("/mailbox/stats.csv?{span}")).await;
    csv.assert_status(200);
    assert_eq!(
        csv.headers
            .get("content-disposition")
            .and_then(|v| v.to_str().ok()),
        Some(format!("attachment; filename=\"mailbox-stats-{a}-{b}.csv\"").as_str())
    );
    assert!(
        csv.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/csv")),
        "a CSV file"
    );
    let expected = format!(
        "\u{feff}月份/承办科室,收信数,已答复,不予受理,办理中,答复率（%）,平均办理工作日,超期\n\
         合计,5,2,1,2,60.0,3.7,2\n\
         {a},3,1,1,1,66.7,2.0,1\n\
         {b},2,1,0,1,50.0,7.0,1\n\
         未分办,2,0,1,1,50.0,1.0,0\n\
         干部科,3,2,0,1,66.7,5.0,2\n"
    );
    assert_eq!(csv.body, expected);

    // A month without letters is listed with dashes for the rates.
    let before = month_label(month_a - 1);
    let wider = browser
        .get(&format!("/mailbox/stats?from={before}&to={b}"))
        .await;
    wider.assert_status(200);
    assert_eq!(
        row(&wider.body, "month-1"),
        [before.as_str(), "0", "0", "0", "0", "—", "—", "0"]
    );
    assert_eq!(row(&wider.body, "month-2")[0], a);
    // A span without letters says so.
    let earlier = month_label(month_a - 3);
    browser
        .get(&format!("/mailbox/stats?from={earlier}&to={before}"))
        .await
        .assert_status(200)
        .assert_contains("id=\"mailbox-stats-empty\"")
        .assert_contains("所选区间内没有来信");

    // The approving leader reads the same figures.
    let leader = t
        .login_with_totp(&p.deputy.username, &p.deputy.password, &p.deputy.secret)
        .await;
    let seen = leader.get(&format!("/mailbox/stats?{span}")).await;
    seen.assert_status(200);
    assert_eq!(
        element_text(&seen.body, "mailbox-stats-received").as_deref(),
        Some("5")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_span_defaults_to_this_year_and_a_bad_one_is_shown() {
    let t = TestApp::start().await;
    let p = people(&t).await;
    let browser = &p.editor.browser;
    let this_month = month_of_day(local_day(t.app.now_ms()));
    let (year_start, now) = (
        month_label(this_month - this_month.rem_euclid(12)),
        month_label(this_month),
    );
    let quarter_start = month_label(this_month - this_month.rem_euclid(3));
    browser
        .get("/mailbox/stats")
        .await
        .assert_status(200)
        .assert_contains(&format!("value=\"{year_start}\""))
        .assert_contains(&format!("value=\"{now}\""))
        .assert_contains(&format!(
            "href=\"/mailbox/stats?from={quarter_start}&amp;to={now}\">本季度"
        ))
        .assert_contains(&format!(
            "href=\"/mailbox/stats?from={year_start}&amp;to={now}\">本年度"
        ))
        .assert_contains("id=\"mailbox-stats-empty\"");

    // The end before the start: refused on the page (the months kept as
    // typed) and in the CSV.
    let later = month_label(this_month + 1);
    let backwards = format!("from={later}&to={now}");
    browser
        .get(&format!("/mailbox/stats?{backwards}"))
        .await
        .assert_status(422)
        .assert_contains("统计区间不正确")
        .assert_contains(&format!("value=\"{later}\""));
    browser
        .get(&format!("/mailbox/stats.csv?{backwards}"))
        .await
        .assert_status(422);
    // More than five years.
    let long_ago = month_label(this_month - 60);
    browser
        .get(&format!("/mailbox/stats?from={long_ago}&to={now}"))
        .await
        .assert_status(422)
        .assert_contains("统计区间不正确");
    // Not a month at all.
    browser
        .get(&format!("/mailbox/stats?from=2026-13&to={now}"))
        .await
        .assert_status(422)
        .assert_contains("请按“年-月”填写月份")
        .assert_contains("value=\"2026-13\"");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_information_officer_may_not_read_the_figures() {
    let t = TestApp::start().await;
    let p = people(&t).await;
    let officer = &p.officer.browser;
    officer.get("/mailbox/stats").await.assert_status(403);
    officer.get("/mailbox/stats.csv").await.assert_status(403);
    let records = t.audited("mailbox.stats").await;
    assert_eq!(
        records,
        [
            ("ganbu1".to_owned(), Outcome::Denied),
            ("ganbu1".to_owned(), Outcome::Denied)
        ],
        "both refusals are audited, and nobody else's reading"
    );
    // The section head reviews but does not approve: refused too.
    p.head
        .browser
        .get("/mailbox/stats")
        .await
        .assert_status(403);
    p.deputy
        .browser
        .get("/mailbox/stats")
        .await
        .assert_status(200);
}
