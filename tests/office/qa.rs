//! 解疑释惑 end to end: asking on the portal (refusals keep what was typed,
//! the arithmetic challenge, the per-address limit), the office flow
//! (assign → answer → publish, linking, not publishing with a reason),
//! permissions, audit records, and hostile text shown as text.

use dangjian_app::domain::audit::Outcome;
use dangjian_testkit::{Browser, Reply, TestApp, element_text};

use crate::review::section_id;

const XSS: &str = "<script>alert('qa')</script>";

/// Whether `text` appears after an escaped `<` (askama writes `&#60;`).
fn escaped(body: &str, text: &str) -> bool {
    body.contains(&format!("&#60;{text}")) || body.contains(&format!("&lt;{text}"))
}

/// The hostile title is on the page as text, not as markup.
fn as_text(body: &str) {
    assert!(!body.contains(XSS), "raw markup on the page");
    assert!(escaped(body, "script"), "the title is missing");
}

/// The answer to the form's challenge, worked out from its text.
pub(crate) fn solve(html: &str) -> String {
    let text = element_text(html, "challenge-text").expect("a challenge");
    let words: Vec<&str> = text.split_whitespace().collect();
    let (left, right): (i64, i64) = (words[0].parse().unwrap(), words[2].parse().unwrap());
    match words[1] {
        "加" => left + right,
        "减" => left - right,
        other => panic!("unknown operator {other}"),
    }
    .to_string()
}

pub(crate) fn token(html: &str) -> String {
    let marker = "name=\"challenge_token\" value=\"";
    let at = html.find(marker).expect("a challenge token") + marker.len();
    html[at..].split('"').next().unwrap().to_owned()
}

/// The id of a topic by its name, from the ask form.
fn topic(html: &str, name: &str) -> String {
    let end = html.find(&format!(">{name}</option>")).expect("the topic");
    let start = html[..end].rfind("value=\"").unwrap() + "value=\"".len();
    html[start..end].split('"').next().unwrap().to_owned()
}

/// Asks on the portal with a solved challenge (`answer` overrides it).
pub(crate) async fn ask(public: &Browser, fields: &[(&str, &str)], answer: Option<&str>) -> Reply {
    let form = public.get("/qa/ask").await;
    form.assert_status(200);
    let solved = solve(&form.body);
    let token = token(&form.body);
    let mut all: Vec<(&str, &str)> = vec![
        ("topic", ""),
        ("challenge_token", &token),
        ("challenge_answer", answer.unwrap_or(&solved)),
    ];
    let topic_id = topic(&form.body, "党费");
    all[0].1 = &topic_id;
    all.extend_from_slice(fields);
    public.post_form("/qa/ask", &all).await
}

pub(crate) fn question<'a>(title: &'a str, body: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("body", body),
        ("asker_name", "村党支部书记"),
        ("contact", "13912345678"),
    ]
}

/// The newest question's id in the office inbox.
pub(crate) async fn newest(editor: &Browser) -> i64 {
    let page = editor.get("/qa").await;
    page.assert_status(200);
    // The first row of the table (the page also links to /qa/enter etc.).
    let row = "scope=\"row\"><a href=\"/qa/";
    let at = page.body.find(row).expect("a question") + row.len();
    page.body[at..]
        .split('"')
        .next()
        .and_then(|id| id.parse().ok())
        .expect("a question id")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qa_asking_refuses_bad_input_wrong_answers_and_too_many_questions() {
    let t = TestApp::start().await;
    let public = t.public();
    public
        .get("/qa")
        .await
        .assert_status(200)
        .assert_contains("暂无已公开的问答");

    // Missing title: refused by field, what was typed stays.
    let refused = ask(&public, &question("", "入党积极分子怎么培养？"), None).await;
    refused.assert_status(422);
    refused
        .assert_contains("title-error")
        .assert_contains("此项为必填项")
        .assert_contains("入党积极分子怎么培养？")
        .assert_contains("村党支部书记");
    // A wrong answer to the challenge.
    let wrong = ask(&public, &question("党费标准", "怎么算？"), Some("999")).await;
    wrong.assert_status(422);
    wrong
        .assert_contains("验证问题回答不正确")
        .assert_contains("value=\"党费标准\"");

    for n in 0..5 {
        let title = format!("问题{n}");
        ask(&public, &question(&title, "内容"), None)
            .await
            .assert_redirect("/qa/ask/thanks");
    }
    public
        .get("/qa/ask/thanks")
        .await
        .assert_contains("感谢您的提问");
    let limited = ask(&public, &question("第六个问题", "内容"), None).await;
    limited.assert_status(429);
    limited
        .assert_contains("提问过于频繁")
        .assert_contains("第六个问题");
    // An hour later the address may ask again.
    t.clock.advance_ms(3600 * 1000 + 1);
    ask(&public, &question("第六个问题", "内容"), None)
        .await
        .assert_redirect("/qa/ask/thanks");
    assert_eq!(t.audited("qa.ask").await.len(), 6);
    // Nothing is public before an editor publishes it.
    public.get("/qa").await.assert_contains("暂无已公开的问答");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn qa_office_assigns_answers_publishes_links_and_refuses() {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    let sec = t.admin("secadmin").await;
    let ganbu = section_id(&t, "干部科").await;
    let xinxi = section_id(&t, "信息中心").await;
    let editor = t
        .person_with_role(&sys, &sec, "qaeditor", "问答编辑", "site_editor")
        .await
        .browser;
    let officer = t
        .person_with_role_in(
            &sys,
            &sec,
            "ganbu1",
            "干部科信息员",
            "info_officer",
            &format!("section:{ganbu}"),
        )
        .await
        .browser;
    let outsider = t
        .person_with_role_in(
            &sys,
            &sec,
            "xinxi1",
            "信息中心信息员",
            "info_officer",
            &format!("section:{xinxi}"),
        )
        .await
        .browser;
    let public = t.public();

    let title = format!("{XSS}党费怎么交");
    ask(
        &public,
        &question(&title, "<img src=x onerror=alert(1)>按月交纳吗？"),
        None,
    )
    .await
    .assert_redirect("/qa/ask/thanks");
    let first = newest(&editor).await;
    let page = format!("/qa/{first}");
    let inbox = editor.get("/qa?status=new").await;
    inbox.assert_contains("待分派");
    as_text(&inbox.body);
    // The section does not see it before it is assigned to them.
    officer.get(&page).await.assert_status(404);

    editor.get(&page).await.assert_contains("13912345678");
    editor
        .post_form(
            &format!("{page}/assign"),
            &[("section", &ganbu.to_string())],
        )
        .await
        .assert_redirect(&format!("{page}?ok=qa_assign"));
    // Another section may not answer; an officer may not publish.
    outsider.get("/qa").await.assert_status(200);
    outsider
        .post_form(&format!("{page}/answer"), &[("answer", "越权答复")])
        .await
        .assert_status(403);
    officer.get(&page).await.assert_status(200);
    officer
        .post_form(&format!("{page}/answer"), &[("answer", "  ")])
        .await
        .assert_status(422);
    officer
        .post_form(
            &format!("{page}/answer"),
            &[("answer", "按月交纳，也可按季度预交。")],
        )
        .await
        .assert_redirect(&format!("{page}?ok=qa_answer"));
    officer
        .post_form(&format!("{page}/publish"), &[])
        .await
        .assert_status(403);
    public.get(&page).await.assert_status(404);
    editor
        .post_form(&format!("{page}/publish"), &[])
        .await
        .assert_redirect(&format!("{page}?ok=qa_publish"));

    // Published: on the knowledge base under its topic, as text.
    let kb = public.get("/qa").await;
    kb.assert_status(200)
        .assert_contains("党费")
        .assert_contains(&page);
    as_text(&kb.body);
    let shown = public.get(&page).await;
    shown
        .assert_status(200)
        .assert_contains("按月交纳，也可按季度预交。");
    as_text(&shown.body);
    assert!(!shown.body.contains("<img src=x"), "markup rendered");
    assert!(escaped(&shown.body, "img src=x onerror=alert(1)"));
    assert!(
        !shown.body.contains("13912345678"),
        "contact shown publicly"
    );
    public.get("/qa?q=季度").await.assert_contains(&page);

    // A new question answered by the existing one.
    ask(&public, &question("党费可以预交吗", "想一次交一年。"), None)
        .await
        .assert_redirect("/qa/ask/thanks");
    let second = newest(&editor).await;
    let linked = format!("/qa/{second}");
    editor
        .post_form(
            &format!("{linked}/link"),
            &[("target", &second.to_string())],
        )
        .await
        .assert_status(422);
    editor
        .post_form(&format!("{linked}/link"), &[("target", &first.to_string())])
        .await
        .assert_redirect(&format!("{linked}?ok=qa_link"));
    editor.get(&linked).await.assert_contains("已答复");
    editor
        .post_form(&format!("{linked}/publish"), &[])
        .await
        .assert_redirect(&format!("{linked}?ok=qa_publish"));
    public
        .get(&linked)
        .await
        .assert_status(200)
        .assert_contains("此问题已有答复")
        .assert_contains(&format!("href=\"{page}\""))
        .assert_contains("按月交纳，也可按季度预交。");

    // Not published, with a reason: never public.
    ask(&public, &question("个人隐私问题", "涉及个人信息。"), None)
        .await
        .assert_redirect("/qa/ask/thanks");
    let third = newest(&editor).await;
    let kept = format!("/qa/{third}");
    editor
        .post_form(&format!("{kept}/refuse"), &[("reason", "")])
        .await
        .assert_status(422);
    editor
        .post_form(&format!("{kept}/refuse"), &[("reason", "涉及个人信息")])
        .await
        .assert_redirect(&format!("{kept}?ok=qa_refuse"));
    public.get(&kept).await.assert_status(404);
    assert!(!public.get("/qa").await.body.contains("个人隐私问题"));
    editor
        .get("/qa?status=refused")
        .await
        .assert_contains("个人隐私问题");

    assert_eq!(
        t.audited("qa.assign").await,
        [("qaeditor".to_owned(), Outcome::Success)]
    );
    let answers = t.audited("qa.answer").await;
    assert!(answers.contains(&("ganbu1".to_owned(), Outcome::Success)));
    assert!(answers.contains(&("xinxi1".to_owned(), Outcome::Denied)));
    let publishes = t.audited("qa.publish").await;
    assert!(publishes.contains(&("ganbu1".to_owned(), Outcome::Denied)));
    assert_eq!(
        publishes
            .iter()
            .filter(|(_, o)| *o == Outcome::Success)
            .count(),
        2
    );
    assert_eq!(t.audited("qa.link").await.len(), 1);
    assert_eq!(t.audited("qa.refuse").await.len(), 1);
}
