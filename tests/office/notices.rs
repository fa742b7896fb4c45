//! 公示 end to end: the notice period set on an article of the 干部任前公示
//! column (a 任前公示 under five working days refused), its state on the
//! portal switching at the right minute across a holiday with 调休 (the
//! page cache never serving a stale state), and objections — refused
//! before and after the period and with a bad phone (input kept), received
//! during it into the owning section's inbox and marked handled (audited).

use dangjian_app::domain::audit::Outcome;
use dangjian_domain::calendar::{WorkCalendar, iso};
use dangjian_domain::clock::{DAY_MS, format_local, format_local_input, local_date};
use dangjian_domain::notice::{NoticeKind, NoticePeriod, local_midnight};
use dangjian_testkit::{Admin, Browser, Reply, TestApp};

use crate::qa::{solve, token};

pub(crate) struct Setup {
    pub(crate) t: TestApp,
    pub(crate) editor: Browser,
    /// An information officer of the column's owning section.
    pub(crate) officer: Admin,
    pub(crate) column: String,
}

pub(crate) async fn setup() -> Setup {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    let sec = t.admin("secadmin").await;
    let editor: Admin = t
        .person_with_role(&sys, &sec, "bianji", "公示编辑", "site_editor")
        .await;
    let actor = t
        .actor(&editor.username, &editor.password, &editor.secret)
        .await;
    t.publish_directly(&actor).await;
    let column = t
        .app
        .public_columns(t.init_report.site)
        .await
        .expect("columns")
        .into_iter()
        .find(|c| c.slug == "renqian-gongshi")
        .expect("the 干部任前公示 column");
    let section = column.owner_section_id.expect("an owning section");
    let officer = t
        .person_with_role_in(
            &sys,
            &sec,
            "ganbu",
            "干部科信息员",
            "info_officer",
            &format!("section:{section}"),
        )
        .await;
    set_calendar(&t, &sys.browser).await;
    Setup {
        t,
        editor: editor.browser,
        officer,
        column: column.id.to_string(),
    }
}

/// The start: 09:00 two days from now.
pub(crate) fn start_ms(t: &TestApp) -> i64 {
    local_midnight(t.app.now_ms()) + 2 * DAY_MS + 9 * 3_600_000
}

/// Two weekdays off after the start's day and the first weekend day after
/// it worked (调休), so the period ends later than the weekday rule alone
/// would say.
pub(crate) fn calendar_text(start: i64) -> String {
    let days = (1..=14).map(|n| local_date(start + n * DAY_MS));
    let weekend = |d: &time::Date| d.weekday().number_days_from_monday() >= 5;
    let mut off = days.clone().filter(|d| !weekend(d)).take(2);
    let worked = days.clone().find(weekend).expect("a weekend day");
    let (a, b) = (off.next().unwrap(), off.next().unwrap());
    format!("{} 休\n{} 休\n{} 班\n", iso(a), iso(b), iso(worked))
}

async fn set_calendar(t: &TestApp, sys: &Browser) {
    let text = calendar_text(start_ms(t));
    sys.post_form("/settings/calendar", &[("calendar", &text)])
        .await
        .assert_redirect("/settings/calendar?ok=saved");
}

/// Publishes a notice article in the 干部任前公示 column.
pub(crate) async fn publish(s: &Setup, title: &str) -> i64 {
    let reply = s
        .editor
        .post_form(
            "/articles",
            &[
                ("title", title),
                ("source", "县委组织部"),
                ("primary_column", &s.column),
                ("body", "<p>拟任人选公示如下。</p>"),
            ],
        )
        .await;
    let id: i64 = reply
        .location()
        .and_then(|l| l.strip_prefix("/articles/"))
        .and_then(|l| l.split('?').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not created: {reply:?}"));
    s.editor
        .post_form(&format!("/articles/{id}/submit"), &[])
        .await
        .assert_redirect(&format!("/articles/{id}?ok=published"));
    id
}

pub(crate) fn move_to(t: &TestApp, at: i64) {
    t.clock.advance_ms(at - t.app.now_ms());
}

/// Sends an objection with the form's challenge solved.
pub(crate) async fn object(public: &Browser, id: i64, fields: &[(&str, &str)]) -> Reply {
    let form = public.get(&format!("/article/{id}/objection")).await;
    form.assert_status(200);
    let (answer, token) = if form.contains("challenge-text") {
        (solve(&form.body), token(&form.body))
    } else {
        (String::new(), String::new())
    };
    let mut all = vec![("challenge_token", token.as_str())];
    all.push(("challenge_answer", answer.as_str()));
    all.extend_from_slice(fields);
    public
        .post_form_raw(&format!("/article/{id}/objection"), &all)
        .await
}

pub(crate) const GOOD: [(&str, &str); 4] = [
    ("name", "王小明"),
    ("phone", "13812345678"),
    ("unit", "县某局"),
    (
        "content",
        "该同志在原单位工作期间存在需要说明的情况，请予核实。",
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notice_runs_its_working_days_and_takes_objections_only_then() {
    let s = setup().await;
    let t = &s.t;
    let id = publish(&s, "关于张三同志任职前公示").await;
    let path = format!("/articles/{id}/notice");
    s.editor
        .get(&format!("/articles/{id}"))
        .await
        .assert_contains(&format!("href=\"{path}\""));
    let start = start_ms(t);
    let start_text = format_local_input(start);

    // A 任前公示 of four working days is refused, the input kept.
    let short = [
        ("kind", "appointment"),
        ("starts_at", start_text.as_str()),
        ("working_days", "4"),
    ];
    s.editor
        .post_form(&path, &short)
        .await
        .assert_status(422)
        .assert_contains("干部任前公示期不得少于 5 个工作日")
        .assert_contains("value=\"4\"");
    let five = [
        ("kind", "appointment"),
        ("starts_at", start_text.as_str()),
        ("working_days", "5"),
    ];
    s.editor
        .post_form(&path, &five)
        .await
        .assert_redirect(&format!("{path}?ok=period_saved"));
    assert_eq!(t.audited("notice.period").await.len(), 1);

    // The end steps over the two holidays and counts the worked weekend day.
    let period = NoticePeriod {
        kind: NoticeKind::Appointment,
        starts_at: start,
        working_days: 5,
    };
    let calendar = WorkCalendar::parse(&calendar_text(start)).expect("calendar");
    let end = period.ends_at(&calendar);
    // (It also lands at local midnight after the last working day.)
    assert!(
        end > period.ends_at(&WorkCalendar::default()),
        "later than the weekday rule alone"
    );
    assert_eq!(end, local_midnight(end));
    s.editor
        .get(&path)
        .await
        .assert_contains(&format_local(end));

    let public = t.public();
    let page = format!("/article/{id}");
    public
        .get(&page)
        .await
        .assert_contains("干部任前公示")
        .assert_contains("未开始");
    object(&public, id, &GOOD)
        .await
        .assert_status(409)
        .assert_contains("不在公示期内");

    // One minute before the start it is still upcoming (even from the
    // cache); at the start it is in progress.
    move_to(t, start - 60_000);
    public.get(&page).await.assert_contains("未开始");
    move_to(t, start);
    public
        .get(&page)
        .await
        .assert_contains("公示中（还剩 5 个工作日）")
        .assert_contains(&format!("/article/{id}/objection"));

    // A bad phone is refused with everything else kept.
    let mut bad = GOOD;
    bad[1] = ("phone", "12380");
    object(&public, id, &bad)
        .await
        .assert_status(422)
        .assert_contains("请填写有效的手机号码")
        .assert_contains("value=\"王小明\"")
        .assert_contains("请予核实");
    object(&public, id, &GOOD)
        .await
        .assert_redirect(&format!("/article/{id}/objection/thanks"));

    // The owning section's officer (logging in again: days have passed)
    // finds it and marks it handled.
    let o = &s.officer;
    let officer = t.login_with_totp(&o.username, &o.password, &o.secret).await;
    // A notification told them it arrived.
    officer
        .get("/notifications")
        .await
        .assert_contains("公示“关于张三同志任职前公示”收到");
    let inbox = officer.get("/objections?status=received").await;
    inbox
        .assert_status(200)
        .assert_contains("关于张三同志任职前公示")
        .assert_contains("13812345678");
    let objection = inbox
        .body
        .split("id=\"objection-")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("an objection")
        .to_owned();
    officer
        .post_form(
            &format!("/objections/{objection}/handle"),
            &[("note", "已转干部监督科核实。")],
        )
        .await
        .assert_redirect("/objections?ok=objection_handled");
    officer
        .get("/objections?status=handled")
        .await
        .assert_contains("已转干部监督科核实。");
    assert_eq!(t.audited("objection.receive").await.len(), 1);
    let handled = t.audited("objection.handle").await;
    assert_eq!(handled, vec![("ganbu".to_owned(), Outcome::Success)]);

    // The last minute is still the last working day; then it has ended.
    move_to(t, end - 60_000);
    public
        .get(&page)
        .await
        .assert_contains("公示中（还剩 1 个工作日）");
    move_to(t, end);
    let ended = public.get(&page).await;
    ended.assert_contains("公示期满");
    assert!(
        !ended.contains("/objection\""),
        "no objection link once ended"
    );
    object(&public, id, &GOOD)
        .await
        .assert_status(409)
        .assert_contains("不在公示期内");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_articles_of_notice_columns_take_a_period() {
    let s = setup().await;
    let news =
        s.t.app
            .public_columns(s.t.init_report.site)
            .await
            .expect("columns")
            .into_iter()
            .find(|c| c.slug == "dangjian-dongtai")
            .expect("a news column");
    let s = Setup {
        column: news.id.to_string(),
        ..s
    };
    let id = publish(&s, "党建动态一则").await;
    s.editor
        .get(&format!("/articles/{id}"))
        .await
        .assert_status(200);
    let start = format_local_input(start_ms(&s.t));
    s.editor
        .post_form(
            &format!("/articles/{id}/notice"),
            &[
                ("kind", "other"),
                ("starts_at", &start),
                ("working_days", "3"),
            ],
        )
        .await
        .assert_status(409)
        .assert_contains("只有公告公示栏目中的文章才能设置公示期");
    // The office page is not on the public listener.
    s.t.public()
        .get(&format!("/articles/{id}/notice"))
        .await
        .assert_status(404);
    assert!(s.t.audited("notice.period").await.is_empty());
}
