//! The holiday calendar (节假日与调休) on the system settings pages: the
//! empty state explains the format, the system administrator saves a
//! schedule (typed or uploaded), a bad line is refused by its number with
//! the text kept, nobody else may change it, every save is audited, and a
//! review stage deadline steps over the holidays and counts make-up days.

use dangjian_app::records::AuditFilter;
use dangjian_domain::calendar::iso;
use dangjian_domain::clock::{DAY_MS, format_local, local_date};
use dangjian_testkit::TestApp;

use crate::review::{article_fields, created, setup};

/// 国庆 and 中秋 2025 as announced.
const NATIONAL_DAY_2025: &str = "\
# 国庆节、中秋节
2025-10-01..2025-10-08 休
2025-09-28 班
2025-10-11 班
";

/// The local date `days` after now, as `YYYY-MM-DD`.
fn day_after(t: &TestApp, days: i64) -> String {
    iso(local_date(t.app.now_ms() + days * DAY_MS))
}

async fn audit_details(t: &TestApp, action: &str) -> Vec<String> {
    let mut conn = t.app.store().read().await.expect("connection");
    let filter = AuditFilter {
        actor: String::new(),
        action: action.into(),
        from_ms: None,
        until_ms: None,
    };
    let (records, _) = dangjian_store::audit::search(&mut conn, &filter, 0, 50)
        .await
        .expect("search the trail");
    records.into_iter().map(|r| r.entry.detail).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_page_explains_the_format_then_saves_previews_and_audits_a_calendar() {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    sys.browser
        .get("/settings")
        .await
        .assert_contains("href=\"/settings/calendar\"");
    sys.browser
        .get("/settings/calendar")
        .await
        .assert_status(200)
        .assert_contains("尚未填写节假日安排")
        .assert_contains("2025-10-01..2025-10-08 休");

    let soon = day_after(&t, 10);
    let text = format!("{NATIONAL_DAY_2025}{soon} 休 # 测试假日\n");
    sys.browser
        .post_form("/settings/calendar", &[("calendar", &text)])
        .await
        .assert_redirect("/settings/calendar?ok=saved");
    let page = sys.browser.get("/settings/calendar?ok=saved").await;
    page.assert_contains("已保存")
        .assert_contains("2025-09-28 班\n2025-10-01..2025-10-08 休\n2025-10-11 班")
        .assert_contains(&format!("<td>{soon}</td>"))
        .assert_contains("休（放假）");
    assert!(
        !page.contains("尚未填写节假日安排"),
        "no empty state once saved"
    );
    assert!(
        !page.contains("测试假日"),
        "the stored text is canonical, without comments"
    );

    let calendar = t.app.work_calendar().await.expect("the calendar");
    assert_eq!(calendar.summary().holidays, 9);
    let year = &soon[..4];
    let details = audit_details(&t, "calendar.update").await;
    assert_eq!(
        details,
        [format!("9 holidays, 2 make-up days, 2025-{year}")]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_line_is_refused_by_its_number_and_the_text_is_kept() {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    sys.browser.get("/settings/calendar").await;
    let text = "# 春节\n2026-02-15..2026-02-23 休\n2026-02-30 班\n";
    sys.browser
        .post_form("/settings/calendar", &[("calendar", text)])
        .await
        .assert_status(422)
        .assert_contains("第 3 行：日期无效")
        .assert_contains("2026-02-30 班")
        .assert_contains("# 春节");
    assert!(t.app.work_calendar().await.expect("calendar").is_empty());

    // The same format as a file, in GB18030 as Chinese Windows saves it:
    // `2025-10-01..2025-10-08 休`, then a line `2025-10-11 放假` (bad word).
    let csrf = sys.browser.csrf();
    let mut good = b"2025-10-01..2025-10-08 ".to_vec();
    good.extend_from_slice(&[0xd0, 0xdd]);
    let mut bad = good.clone();
    bad.extend_from_slice(b"\n2025-10-11 \xb7\xc5\xbc\xd9\n");
    sys.browser
        .post_file(
            "/settings/calendar/upload",
            "假日.txt",
            &bad,
            csrf.as_deref(),
        )
        .await
        .assert_status(422)
        .assert_contains("第 2 行")
        .assert_contains("2025-10-11 放假");
    sys.browser
        .post_file(
            "/settings/calendar/upload",
            "假日.txt",
            &good,
            csrf.as_deref(),
        )
        .await
        .assert_redirect("/settings/calendar?ok=saved");
    let calendar = t.app.work_calendar().await.expect("calendar");
    assert_eq!(calendar.to_text(), "2025-10-01..2025-10-08 休\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_system_administrator_changes_the_calendar() {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    let sec = t.admin("secadmin").await;
    let editor = t
        .person_with_role(&sys, &sec, "bianji", "刘编辑", "site_editor")
        .await;
    editor
        .browser
        .get("/settings/calendar")
        .await
        .assert_status(403);
    editor
        .browser
        .post_form("/settings/calendar", &[("calendar", "2025-10-01 休")])
        .await
        .assert_status(403);
    sec.browser
        .post_form("/settings/calendar", &[("calendar", "2025-10-01 休")])
        .await
        .assert_status(403);
    assert!(t.app.work_calendar().await.expect("calendar").is_empty());
    assert_eq!(
        audit_details(&t, "calendar.update").await,
        ["permission denied", "permission denied"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_review_deadline_steps_over_holidays_and_counts_make_up_days() {
    let s = setup().await;
    let t = &s.t;
    // The next seven days are a holiday, the two after are worked (调休)
    // whatever weekday they fall on: two working days from now end nine
    // days on, at the same time of day.
    let text = format!(
        "{}..{} 休\n{} 班\n{} 班\n",
        day_after(t, 1),
        day_after(t, 7),
        day_after(t, 8),
        day_after(t, 9)
    );
    s.sys
        .browser
        .post_form("/settings/calendar", &[("calendar", &text)])
        .await
        .assert_redirect("/settings/calendar?ok=saved");

    let id = created(
        &s.officer
            .post_form(
                "/articles",
                &article_fields("节后办理的信息", &s.column, ""),
            )
            .await,
    );
    let submitted_at = t.app.now_ms();
    s.officer
        .post_form(&format!("/articles/{id}/submit"), &[])
        .await;
    let due = format_local(submitted_at + 9 * DAY_MS);
    s.head
        .get("/review")
        .await
        .assert_contains("节后办理的信息")
        .assert_contains(&due);
    let calendar = t.app.work_calendar().await.expect("calendar");
    let due_ms = submitted_at + 9 * DAY_MS;
    assert_eq!(calendar.working_days_between(submitted_at, due_ms), 2);
}
