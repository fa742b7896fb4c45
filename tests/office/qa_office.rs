//! 解疑释惑 kept by the site editors in the office: the question topics
//! (added, renamed, moved; names unique; editors only) and questions
//! received by phone, letter or visit entered by hand — all audited.

use dangjian_app::domain::audit::Outcome;
use dangjian_testkit::{Admin, TestApp};

use crate::review::section_id;

/// A site editor and an information officer of 干部科 (who writes there).
async fn people(t: &TestApp) -> (Admin, Admin) {
    let sys = t.admin("sysadmin").await;
    let sec = t.admin("secadmin").await;
    let ganbu = section_id(t, "干部科").await;
    let editor = t
        .person_with_role(&sys, &sec, "qaeditor", "问答编辑", "site_editor")
        .await;
    let writer = t
        .person_with_role_in(
            &sys,
            &sec,
            "ganbu1",
            "干部科信息员",
            "info_officer",
            &format!("section:{ganbu}"),
        )
        .await;
    (editor, writer)
}

/// A topic's id by its name.
async fn topic_id(t: &TestApp, name: &str) -> i64 {
    t.app
        .qa_topics(t.init_report.site)
        .await
        .expect("topics")
        .into_iter()
        .find(|topic| topic.name == name)
        .unwrap_or_else(|| panic!("no topic {name}"))
        .id
}

/// Where `text` first is on the page (panics when it is not).
fn at(body: &str, text: &str) -> usize {
    body.find(text)
        .unwrap_or_else(|| panic!("{text} not on the page"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qa_topics_are_added_renamed_and_moved_by_site_editors_only() {
    let t = TestApp::start().await;
    let (editor, writer) = people(&t).await;
    let editor = editor.browser;
    editor
        .get("/qa")
        .await
        .assert_contains("href=\"/qa/topics\"");
    editor.get("/qa/topics").await.assert_status(200);

    // Added with no place: last on the ask form.
    editor
        .post_form("/qa/topics", &[("name", " 党内统计 "), ("sort_order", "")])
        .await
        .assert_redirect("/qa/topics?ok=qa_topic_created");
    let public = t.public();
    let form = public.get("/qa/ask").await;
    assert!(at(&form.body, ">其他</option>") < at(&form.body, ">党内统计</option>"));

    // Renamed and moved to place 3 (after 党费, seeded third).
    let id = topic_id(&t, "党内统计").await;
    editor
        .post_form(
            &format!("/qa/topics/{id}"),
            &[("name", "党员统计"), ("sort_order", "3")],
        )
        .await
        .assert_redirect("/qa/topics?ok=qa_topic_saved");
    let form = public.get("/qa/ask").await;
    assert!(!form.contains("党内统计"));
    let moved = at(&form.body, ">党员统计</option>");
    assert!(at(&form.body, ">党费</option>") < moved);
    assert!(moved < at(&form.body, ">干部选任</option>"));

    // A name another topic has is refused, what was typed kept.
    let taken = editor
        .post_form("/qa/topics", &[("name", "党费"), ("sort_order", "9")])
        .await;
    taken
        .assert_status(422)
        .assert_contains("已有同名分类")
        .assert_contains("id=\"new-name\" name=\"name\" value=\"党费\"")
        .assert_contains("value=\"9\"");
    editor
        .post_form(
            &format!("/qa/topics/{id}"),
            &[("name", "其他"), ("sort_order", "3")],
        )
        .await
        .assert_status(422)
        .assert_contains("已有同名分类")
        .assert_contains(&format!(
            "id=\"topic-{id}-name\" name=\"name\" value=\"其他\""
        ));
    // Too long: refused too.
    editor
        .post_form("/qa/topics", &[("name", &"长".repeat(21))])
        .await
        .assert_status(422);

    // A section's writer may neither see nor change the topics.
    let writer = writer.browser;
    writer.get("/qa").await.assert_status(200);
    writer.get("/qa/topics").await.assert_status(403);
    writer
        .post_form("/qa/topics", &[("name", "越权分类")])
        .await
        .assert_status(403);
    writer
        .post_form(&format!("/qa/topics/{id}"), &[("name", "越权改名")])
        .await
        .assert_status(403);
    assert!(!public.get("/qa/ask").await.contains("越权"));

    let created = t.audited("qa.topic.create").await;
    assert!(created.contains(&("qaeditor".to_owned(), Outcome::Success)));
    assert!(created.contains(&("ganbu1".to_owned(), Outcome::Denied)));
    assert_eq!(
        created
            .iter()
            .filter(|(_, o)| *o == Outcome::Success)
            .count(),
        1
    );
    let updated = t.audited("qa.topic.update").await;
    assert!(updated.contains(&("qaeditor".to_owned(), Outcome::Success)));
    assert!(updated.contains(&("ganbu1".to_owned(), Outcome::Denied)));
    assert_eq!(
        t.audited("qa.topic.view").await,
        [("ganbu1".to_owned(), Outcome::Denied)]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qa_questions_received_otherwise_are_entered_by_site_editors() {
    let t = TestApp::start().await;
    let (editor, writer) = people(&t).await;
    let editor = editor.browser;
    editor
        .get("/qa")
        .await
        .assert_contains("href=\"/qa/enter\"");
    let dues = topic_id(&t, "党费").await.to_string();
    let fields = |origin: &'static str, title: &'static str| {
        vec![
            ("origin", origin),
            ("topic", ""),
            ("title", title),
            ("body", "退休党员的党费按什么基数交纳？"),
            ("asker_name", "张大爷"),
            ("contact", "0871-1234567"),
        ]
    };

    // A missing origin is refused, what was typed kept.
    editor.get("/qa/enter").await.assert_status(200);
    let mut bad = fields("", "退休党员党费基数");
    bad[1].1 = &dues;
    editor
        .post_form("/qa/enter", &bad)
        .await
        .assert_status(422)
        .assert_contains("请选择收到方式")
        .assert_contains("value=\"退休党员党费基数\"")
        .assert_contains("张大爷");

    // Six in a row (more than the portal's hourly limit): no challenge, no
    // limit; each lands 待分派 with how it arrived.
    let origins = ["phone", "letter", "visit", "phone", "letter", "visit"];
    for origin in origins {
        let mut good = fields(origin, "退休党员党费基数");
        good[1].1 = &dues;
        let reply = editor.post_form("/qa/enter", &good).await;
        reply.assert_redirect("/qa/");
        assert!(
            reply
                .location()
                .is_some_and(|l| l.ends_with("?ok=qa_entered"))
        );
    }
    let inbox = editor.get("/qa?status=new").await;
    assert_eq!(inbox.body.matches("退休党员党费基数").count(), 6);
    let newest = crate::qa::newest(&editor).await;
    let shown = editor.get(&format!("/qa/{newest}")).await;
    shown
        .assert_status(200)
        .assert_contains("<span id=\"qa-origin\">来访</span>")
        .assert_contains("待分派")
        .assert_contains("0871-1234567");
    editor
        .get(&format!("/qa/{}", newest - 2))
        .await
        .assert_contains("<span id=\"qa-origin\">电话</span>");
    editor
        .get(&format!("/qa/{}", newest - 1))
        .await
        .assert_contains("<span id=\"qa-origin\">来信</span>");

    // A section's writer may not enter questions.
    let writer = writer.browser;
    writer.get("/qa").await.assert_status(200);
    writer.get("/qa/enter").await.assert_status(403);
    let mut theirs = fields("phone", "越权录入");
    theirs[1].1 = &dues;
    writer
        .post_form("/qa/enter", &theirs)
        .await
        .assert_status(403);

    let entered = t.audited("qa.enter").await;
    assert_eq!(
        entered
            .iter()
            .filter(|e| **e == ("qaeditor".to_owned(), Outcome::Success))
            .count(),
        6
    );
    assert!(entered.contains(&("ganbu1".to_owned(), Outcome::Denied)));
    assert!(t.audited("qa.ask").await.is_empty());
}
