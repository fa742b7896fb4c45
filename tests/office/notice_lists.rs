//! 公示 beyond the article page: the state marks on the column list and the
//! archive month list (switching by themselves, the page cache never
//! serving a stale mark), and the objection form's per-address limit.

use dangjian_domain::calendar::WorkCalendar;
use dangjian_domain::clock::{format_local_input, local_date};
use dangjian_domain::notice::{NoticeKind, NoticePeriod};
use dangjian_testkit::{Browser, TestApp};

use crate::notices::{GOOD, Setup, calendar_text, move_to, object, publish, setup, start_ms};

/// Sets a five-working-day 任前公示 from `start_ms`; answers its end.
async fn set_period(s: &Setup, id: i64) -> i64 {
    let start = start_ms(&s.t);
    let text = format_local_input(start);
    let path = format!("/articles/{id}/notice");
    s.editor
        .post_form(
            &path,
            &[
                ("kind", "appointment"),
                ("starts_at", &text),
                ("working_days", "5"),
            ],
        )
        .await
        .assert_redirect(&format!("{path}?ok=period_saved"));
    // The end as the domain computes it with the calendar the setup laid.
    let text = calendar_text(start);
    let calendar = WorkCalendar::parse(&text).expect("calendar");
    NoticePeriod {
        kind: NoticeKind::Appointment,
        starts_at: start,
        working_days: 5,
    }
    .ends_at(&calendar)
}

/// The mark a list shows for an item in `state`.
fn mark(state: &str, text: &str) -> String {
    format!("<span class=\"notice-mark notice-{state}\">{text}</span>")
}

async fn assert_mark(public: &Browser, page: &str, state: &str, text: &str) {
    public
        .get(page)
        .await
        .assert_status(200)
        .assert_contains(&mark(state, text));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notice_lists_mark_the_state_and_switch_by_themselves() {
    let s = setup().await;
    let t: &TestApp = &s.t;
    let published = t.app.now_ms();
    let id = publish(&s, "关于李四同志任职前公示").await;
    let end = set_period(&s, id).await;
    let start = start_ms(t);
    let public = t.public();
    let column = "/column/renqian-gongshi";

    // Upcoming, and cached so half a minute before the start (an entry
    // the page cache would otherwise keep for a minute); at the start the
    // list has switched by itself.
    assert_mark(&public, column, "upcoming", "未开始").await;
    move_to(t, start - 30_000);
    assert_mark(&public, column, "upcoming", "未开始").await;
    move_to(t, start);
    assert_mark(&public, column, "in_progress", "公示中").await;

    // The last half minute is still in progress (and cached, on the column
    // and on the archive month it was published in); at the end both say
    // 公示期满.
    let day = local_date(published);
    let month = format!("/archive/{}/{:02}", day.year(), u8::from(day.month()));
    move_to(t, end - 30_000);
    assert_mark(&public, column, "in_progress", "公示中").await;
    assert_mark(&public, &month, "in_progress", "公示中").await;
    move_to(t, end);
    assert_mark(&public, column, "ended", "公示期满").await;
    assert_mark(&public, &month, "ended", "公示期满").await;
    let listed = public.get(&month).await;
    listed.assert_contains(&format!("/article/{id}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn objections_past_the_hourly_limit_are_refused_and_not_stored() {
    let s = setup().await;
    let t = &s.t;
    let id = publish(&s, "关于王五同志任职前公示").await;
    set_period(&s, id).await;
    move_to(t, start_ms(t));
    let public = t.public();
    for _ in 0..5 {
        object(&public, id, &GOOD)
            .await
            .assert_redirect(&format!("/article/{id}/objection/thanks"));
    }

    // The sixth from the same address: refused with the reason, what was
    // typed still in the form.
    let mut sixth = GOOD;
    sixth[3] = ("content", "第六条异议：请核实该同志的工作经历。");
    let refused = object(&public, id, &sixth).await;
    refused
        .assert_status(429)
        .assert_contains("提交过于频繁，请一小时后再试。")
        .assert_contains("value=\"王小明\"")
        .assert_contains("value=\"13812345678\"")
        .assert_contains("第六条异议：请核实该同志的工作经历。");

    // Only the five are in the section's inbox and the audit trail.
    let o = &s.officer;
    let officer = t.login_with_totp(&o.username, &o.password, &o.secret).await;
    let inbox = officer.get("/objections").await;
    inbox.assert_status(200);
    assert_eq!(inbox.body.matches("id=\"objection-").count(), 5);
    assert!(!inbox.contains("第六条异议"), "the refused one was stored");
    assert_eq!(t.audited("objection.receive").await.len(), 5);
}
