//! 部长信箱 in the office: a site editor accepts a letter and hands it to a
//! section, the section drafts and submits a reply, the section head and
//! the deputy minister approve it in turn (a send-back to the drafter
//! resumes where it was), then publication only with the writer's
//! consent and withdrawal; refusal with a reason; internal notes the
//! writer never sees; letters outside one's sections unseen; stored
//! script shown as text; deadlines and the veto alarm; attachments as
//! downloads. Every refused move is audited as denied.

use dangjian_app::actor::Client;
use dangjian_app::domain::audit::Outcome;
use dangjian_app::domain::mailbox::LetterFields;
use dangjian_app::mailbox::{LetterForm, Receipt, Upload};
use dangjian_testkit::{Admin, Browser, TestApp, element_text};

use crate::review::section_id;

/// The people of the mailbox: the officer (a site editor), 干部科's
/// information officer and head, the unit's deputy minister, and an
/// information officer of 信息中心 (another section).
struct People {
    editor: Admin,
    officer: Browser,
    head: Browser,
    deputy: Browser,
    stranger: Browser,
    ganbu: i64,
}

async fn people(t: &TestApp) -> People {
    let sys = t.admin("sysadmin").await;
    let sec = t.admin("secadmin").await;
    let ganbu = section_id(t, "干部科").await;
    let in_ganbu = format!("section:{ganbu}");
    let info = format!("section:{}", section_id(t, "信息中心").await);
    let unit = format!("unit:{}", t.init_report.unit.0);
    let editor = t
        .person_with_role(&sys, &sec, "xinxiang", "信箱管理员", "site_editor")
        .await;
    let role = |u: &'static str, n: &'static str, r: &'static str, scope: String| {
        let (sys, sec) = (&sys, &sec);
        async move {
            t.person_with_role_in(sys, sec, u, n, r, &scope)
                .await
                .browser
        }
    };
    People {
        editor,
        officer: role("ganbu1", "干部科信息员", "info_officer", in_ganbu.clone()).await,
        head: role("ganbuhead", "干部科科长", "section_head", in_ganbu).await,
        deputy: role("fenguan", "张部长", "deputy_minister", unit).await,
        stranger: role("xinxi1", "信息中心信息员", "info_officer", info).await,
        ganbu,
    }
}

/// A letter from the portal, the challenge solved; each from its own
/// address so the hourly limit never bites.
async fn send(t: &TestApp, addr: &str, subject: &str, content: &str, publish: bool) -> Receipt {
    send_full(t, addr, "李群众", subject, content, publish, Vec::new()).await
}

async fn send_full(
    t: &TestApp,
    addr: &str,
    name: &str,
    subject: &str,
    content: &str,
    publish: bool,
    files: Vec<Upload>,
) -> Receipt {
    let challenge = t.app.mailbox_challenge().await.expect("a challenge");
    let answer = if challenge.plus {
        challenge.left + challenge.right
    } else {
        challenge.left - challenge.right
    };
    let form = LetterForm {
        fields: LetterFields {
            name,
            phone: "13800138000",
            email: "li@example.cn",
            category: "consult",
            subject,
            content,
            publish,
        },
        challenge_token: &challenge.token,
        challenge_answer: &answer.to_string(),
        files,
    };
    t.app
        .send_letter(t.init_report.site, &Client::new(addr, "test"), &form)
        .await
        .expect("the letter is sent")
}

/// What the writer's lookup shows, as JSON text.
async fn writer_sees(t: &TestApp, receipt: &Receipt) -> String {
    let client = Client::new("198.51.100.7", "test");
    let view = t
        .app
        .lookup_letter(&client, &receipt.tracking_code, &receipt.password)
        .await
        .expect("the writer's lookup");
    serde_json::to_string(&view).expect("serialise")
}

fn status_of(page: &str) -> String {
    element_text(page, "mailbox-status").expect("a status")
}

async fn post(browser: &Browser, id: i64, action: &str, fields: &[(&str, &str)]) -> u16 {
    browser
        .post_form(&format!("/mailbox/{id}/{action}"), fields)
        .await
        .status
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mailbox_letter_is_accepted_reviewed_in_two_stages_and_published() {
    let t = TestApp::start().await;
    let p = people(&t).await;
    let editor = &p.editor.browser;
    let receipt = send(
        &t,
        "203.0.113.9",
        "干部档案查询",
        "请问如何查询本人干部档案？",
        true,
    )
    .await;
    let id = receipt.id;
    let page = format!("/mailbox/{id}");

    // Only the officer sees a letter nobody has accepted yet.
    editor
        .get("/mailbox?status=received")
        .await
        .assert_status(200)
        .assert_contains("干部档案查询")
        .assert_contains("href=\"/mailbox/stats\"");
    assert!(!p.officer.get("/mailbox").await.contains("干部档案查询"));
    p.officer.get(&page).await.assert_status(404);

    // A section's officer cannot make the officer's moves.
    let ganbu = p.ganbu.to_string();
    let accept = [("section", ganbu.as_str())];
    assert_eq!(post(&p.stranger, id, "accept", &accept).await, 404);
    editor
        .post_form(&format!("{page}/accept"), &[("section", "")])
        .await
        .assert_status(422)
        .assert_contains("请选择承办科室");
    editor
        .post_form(&format!("{page}/accept"), &accept)
        .await
        .assert_redirect(&format!("{page}?ok=accept"));
    let shown = editor.get(&format!("{page}?ok=accept")).await;
    shown.assert_contains("已受理并交由科室办理");
    assert_eq!(status_of(&shown.body), "办理中");
    assert_eq!(
        element_text(&shown.body, "mailbox-section").as_deref(),
        Some("干部科")
    );

    // 干部科 hears of it; 信息中心 does not see it at all.
    p.officer
        .get("/notifications")
        .await
        .assert_contains(&format!("href=\"/mailbox/{id}\""))
        .assert_contains("已交由本科室办理");
    p.stranger.get(&page).await.assert_status(404);
    assert!(!p.stranger.get("/mailbox").await.contains("干部档案查询"));
    assert_eq!(
        post(&p.stranger, id, "draft", &[("reply", "越权")]).await,
        404
    );
    assert_eq!(
        post(&p.officer, id, "refuse", &[("reason", "越权")]).await,
        403
    );

    // The section drafts (an empty reply refused, the draft kept) and submits.
    let form = p.officer.get(&page).await;
    form.assert_contains(&format!("action=\"{page}/draft\""))
        .assert_contains("保存草稿")
        .assert_contains("提交审核");
    assert!(!form.contains(&format!("action=\"{page}/accept\"")));
    p.officer
        .post_form(&format!("{page}/draft"), &[("reply", "  ")])
        .await
        .assert_status(422);
    let reply = [("reply", "您好，可携带身份证到干部科查询。")];
    p.officer
        .post_form(&format!("{page}/draft"), &reply)
        .await
        .assert_redirect(&format!("{page}?ok=draft"));
    assert!(!writer_sees(&t, &receipt).await.contains("携带身份证"));
    p.officer
        .post_form(&format!("{page}/submit"), &reply)
        .await
        .assert_redirect(&format!("{page}?ok=submit"));
    let waiting = p.head.get(&page).await;
    assert_eq!(status_of(&waiting.body), "待审核");
    waiting
        .assert_contains("aria-current=\"step\" class=\"current\">科室负责人审核")
        .assert_contains(&format!("action=\"{page}/approve\""));

    // The deputy cannot take the first stage; the head approves it.
    assert_eq!(
        post(&p.deputy, id, "approve", &[("comment", "")]).await,
        403
    );
    p.head
        .post_form(&format!("{page}/approve"), &[("comment", "同意")])
        .await
        .assert_redirect(&format!("{page}?ok=approve"));
    p.deputy
        .get(&page)
        .await
        .assert_contains("aria-current=\"step\" class=\"current\">分管部长审批");

    // Sent back to the drafter without a reason: refused; with one, the
    // letter is back with the section.
    p.deputy
        .post_form(
            &format!("{page}/return"),
            &[("to", "author"), ("comment", "")],
        )
        .await
        .assert_status(422)
        .assert_contains("请填写退回理由");
    p.deputy
        .post_form(
            &format!("{page}/return"),
            &[("to", "author"), ("comment", "请补充办理地点")],
        )
        .await
        .assert_redirect(&format!("{page}?ok=return"));
    let back = p.officer.get(&page).await;
    assert_eq!(status_of(&back.body), "办理中");
    back.assert_contains("请补充办理地点");

    // Resubmitted, it waits for the deputy again, not the head.
    let revised = [(
        "reply",
        "您好，可携带身份证到县委组织部干部科（三楼）查询。",
    )];
    p.officer
        .post_form(&format!("{page}/submit"), &revised)
        .await
        .assert_redirect(&format!("{page}?ok=submit"));
    assert!(
        !p.head
            .get(&page)
            .await
            .contains(&format!("action=\"{page}/approve\""))
    );
    p.deputy
        .post_form(&format!("{page}/approve"), &[("comment", "")])
        .await
        .assert_redirect(&format!("{page}?ok=approve"));
    let replied = editor.get(&page).await;
    assert_eq!(status_of(&replied.body), "已答复");
    replied.assert_contains("已审核答复");
    assert!(writer_sees(&t, &receipt).await.contains("三楼"));

    // The writer allowed publication: publish, then withdraw.
    editor
        .post_form(&format!("{page}/publish"), &[])
        .await
        .assert_redirect(&format!("{page}?ok=publish"));
    assert_eq!(status_of(&editor.get(&page).await.body), "已公开");
    assert_eq!(post(&p.officer, id, "withdraw", &[]).await, 403);
    editor
        .post_form(&format!("{page}/withdraw"), &[])
        .await
        .assert_redirect(&format!("{page}?ok=withdraw"));
    assert_eq!(status_of(&editor.get(&page).await.body), "已答复");

    let denied = |who: &str| (who.to_owned(), Outcome::Denied);
    assert!(
        t.audited("mailbox.refuse")
            .await
            .contains(&denied("ganbu1"))
    );
    assert!(
        t.audited("mailbox.approve")
            .await
            .contains(&denied("fenguan"))
    );
    assert!(
        t.audited("mailbox.withdraw")
            .await
            .contains(&denied("ganbu1"))
    );
    let accepted = t.audited("mailbox.accept").await;
    assert_eq!(accepted, [("xinxiang".to_owned(), Outcome::Success)]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mailbox_refusal_consent_and_internal_notes() {
    let t = TestApp::start().await;
    let p = people(&t).await;
    let editor = &p.editor.browser;
    let ganbu = p.ganbu.to_string();

    // Declined: a reason is required, and the writer reads it.
    let declined = send(
        &t,
        "203.0.113.10",
        "反映邻里纠纷",
        "楼上邻居夜间噪音扰民。",
        false,
    )
    .await;
    let page = format!("/mailbox/{}", declined.id);
    editor
        .post_form(&format!("{page}/refuse"), &[("reason", "")])
        .await
        .assert_status(422);
    editor
        .post_form(
            &format!("{page}/refuse"),
            &[("reason", "不属于组织部职责，请向社区反映")],
        )
        .await
        .assert_redirect(&format!("{page}?ok=refuse"));
    let shown = editor.get(&page).await;
    assert_eq!(status_of(&shown.body), "不予受理");
    shown.assert_contains("不属于组织部职责");
    assert!(
        writer_sees(&t, &declined)
            .await
            .contains("不属于组织部职责")
    );
    // A declined letter cannot be accepted any more.
    editor
        .post_form(&format!("{page}/accept"), &[("section", &ganbu)])
        .await
        .assert_status(409)
        .assert_contains("信件状态已变化");

    // Answered, but the writer did not allow publication.
    let private = send(
        &t,
        "203.0.113.11",
        "入党申请",
        "如何向党组织提交入党申请？",
        false,
    )
    .await;
    let id = private.id;
    let page = format!("/mailbox/{id}");
    editor
        .post_form(&format!("{page}/accept"), &[("section", &ganbu)])
        .await
        .assert_redirect(&page);

    // A note by the section, seen in the office as internal, never by the
    // writer.
    p.officer
        .post_form(&format!("{page}/note"), &[("note", "")])
        .await
        .assert_status(422);
    p.officer
        .post_form(
            &format!("{page}/note"),
            &[("note", "来信人系退休干部，电话已核实")],
        )
        .await
        .assert_redirect(&format!("{page}?ok=note"));
    let noted = editor.get(&page).await;
    noted
        .assert_contains("来信人系退休干部，电话已核实")
        .assert_contains("class=\"internal\"")
        .assert_contains("内部");

    for (who, action) in [
        (&p.officer, "submit"),
        (&p.head, "approve"),
        (&p.deputy, "approve"),
    ] {
        let fields = [("reply", "请向所在党支部递交入党申请书。"), ("comment", "")];
        who.post_form(&format!("{page}/{action}"), &fields)
            .await
            .assert_redirect(&page);
    }
    let replied = editor.get(&page).await;
    assert_eq!(status_of(&replied.body), "已答复");
    replied.assert_contains("id=\"mailbox-no-consent\"");
    assert!(!replied.contains(&format!("action=\"{page}/publish\"")));
    editor
        .post_form(&format!("{page}/publish"), &[])
        .await
        .assert_status(409)
        .assert_contains("来信人未同意公开");
    let writer = writer_sees(&t, &private).await;
    assert!(writer.contains("入党申请书"));
    assert!(!writer.contains("退休干部"));
    assert!(!writer.contains("电话已核实"));

    // Someone outside the section may neither read nor annotate it.
    p.stranger.get(&page).await.assert_status(404);
    assert_eq!(
        post(&p.stranger, id, "note", &[("note", "越权")]).await,
        404
    );
    assert_eq!(post(&p.officer, id, "publish", &[]).await, 403);
    assert!(
        t.audited("mailbox.publish")
            .await
            .contains(&("ganbu1".to_owned(), Outcome::Denied))
    );
    assert!(
        t.audited("mailbox.note")
            .await
            .contains(&("ganbu1".to_owned(), Outcome::Success))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mailbox_shows_stored_script_as_text() {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    let sec = t.admin("secadmin").await;
    let editor = t
        .person_with_role(&sys, &sec, "xinxiang", "信箱管理员", "site_editor")
        .await
        .browser;
    let script = "<script>alert(1)</script>";
    let img = "\"><img src=x onerror=alert(1)>";
    let subject = format!("{script}{img}");
    let content = format!("第一行{script}\n第二行{img}");
    // The name has room for 20 characters only. Askama escapes with
    // numeric references (`&#60;` for `<`).
    let receipt = send_full(
        &t,
        "203.0.113.12",
        "\"><svg onload=1>",
        &subject,
        &content,
        false,
        Vec::new(),
    )
    .await;
    for path in ["/mailbox".to_owned(), format!("/mailbox/{}", receipt.id)] {
        let page = editor.get(&path).await;
        page.assert_status(200)
            .assert_contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            .assert_contains("&#34;&#62;&#60;img src=x onerror=alert(1)&#62;")
            .assert_contains("&#34;&#62;&#60;svg onload=1&#62;");
        assert!(!page.contains(script), "raw script on {path}");
        assert!(!page.contains("<img src=x"), "raw img on {path}");
        assert!(!page.contains("<svg"), "raw svg on {path}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mailbox_marks_overdue_letters_and_the_veto_alarm() {
    const DAY_MS: i64 = 24 * 3600 * 1000;
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    let sec = t.admin("secadmin").await;
    let editor = t
        .person_with_role(&sys, &sec, "xinxiang", "信箱管理员", "site_editor")
        .await;
    let receipt = send(
        &t,
        "203.0.113.13",
        "组织关系转接",
        "组织关系转出需要哪些材料？",
        false,
    )
    .await;
    let row = format!("<tr id=\"letter-{}\"", receipt.id);
    let inbox = editor.browser.get("/mailbox").await;
    inbox
        .assert_contains(&format!("{row}><td>"))
        .assert_contains("剩余");
    assert_eq!(attention(&inbox.body), "0");

    // Twenty days on (holidays included, well past five working days); the
    // sessions have lapsed meanwhile, so the editor logs in again.
    t.clock.advance_ms(20 * DAY_MS);
    let again = || t.login_with_totp(&editor.username, &editor.password, &editor.secret);
    let browser = again().await;
    let inbox = browser.get("/mailbox").await;
    inbox
        .assert_contains(&format!("{row} class=\"urgency-overdue\">"))
        .assert_contains("已超期");
    assert_eq!(attention(&inbox.body), "1");
    browser
        .get(&format!("/mailbox/{}", receipt.id))
        .await
        .assert_contains("class=\"urgency urgency-overdue\"");

    // Sixty-one days unanswered: the veto alarm.
    t.clock.advance_ms(41 * DAY_MS);
    let browser = again().await;
    let inbox = browser.get("/mailbox").await;
    inbox
        .assert_contains(&format!("{row} class=\"urgency-veto_alarm\">"))
        .assert_contains("已 61 天未答复");
    assert_eq!(attention(&inbox.body), "1");

    // An answered letter has no deadline any more: declined, it drops out.
    browser
        .post_form(
            &format!("/mailbox/{}/refuse", receipt.id),
            &[("reason", "已电话答复")],
        )
        .await
        .assert_redirect("/mailbox/");
    let inbox = browser.get("/mailbox").await;
    assert!(!inbox.contains("urgency-veto_alarm"));
    assert_eq!(attention(&inbox.body), "0");
}

fn attention(page: &str) -> String {
    element_text(page, "mailbox-attention-count").expect("the attention count")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mailbox_attachments_download_with_safe_headers() {
    let t = TestApp::start().await;
    let p = people(&t).await;
    let pdf = b"%PDF-1.4 letter attachment".to_vec();
    let files = vec![Upload {
        name: "来信 附件.pdf".into(),
        bytes: pdf.clone(),
    }];
    let receipt = send_full(
        &t,
        "203.0.113.14",
        "李群众",
        "附材料反映情况",
        "随信附上相关材料，请查收。",
        false,
        files,
    )
    .await;
    let page = p
        .editor
        .browser
        .get(&format!("/mailbox/{}", receipt.id))
        .await;
    page.assert_contains("来信 附件.pdf");
    let prefix = format!("/mailbox/{}/files/", receipt.id);
    let at = page.body.find(&prefix).expect("a download link") + prefix.len();
    let file: String = page.body[at..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let path = format!("{prefix}{file}");

    let download = p.editor.browser.get(&path).await;
    download.assert_status(200);
    let header = |name: &str| {
        download
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_owned()
    };
    assert_eq!(header("content-type"), "application/pdf");
    assert_eq!(
        header("content-disposition"),
        "attachment; filename*=UTF-8''%E6%9D%A5%E4%BF%A1%20%E9%99%84%E4%BB%B6.pdf"
    );
    assert_eq!(header("x-content-type-options"), "nosniff");
    assert_eq!(header("cache-control"), "private, no-store");
    assert_eq!(download.body.as_bytes(), pdf.as_slice());

    // Nobody outside the letter's sections gets it, nor a file of another
    // letter through this one.
    p.stranger.get(&path).await.assert_status(404);
    p.officer.get(&path).await.assert_status(404);
    let other = send(
        &t,
        "203.0.113.15",
        "另一封信",
        "这是另一封来信的内容。",
        false,
    )
    .await;
    p.editor
        .browser
        .get(&format!("/mailbox/{}/files/{file}", other.id))
        .await
        .assert_status(404);
}
