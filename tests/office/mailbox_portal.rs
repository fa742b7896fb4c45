//! 部长信箱 on the portal: writing a letter (the receipt with its code and
//! password, refusals that keep what was typed, attachments told by their
//! bytes, the hourly limit per address), the writer's lookup (one message
//! for any wrong pair, the failure limit), and published letters shown
//! masked — only those the writer allowed.

use dangjian_app::AppError;
use dangjian_app::mailbox::MailboxAction;
use dangjian_domain::audit::Outcome;
use dangjian_domain::ids::SectionId;
use dangjian_testkit::{Admin, Browser, Reply, TestApp, element_text};
use reqwest::Method;

use crate::qa::{solve, token};
use crate::review::section_id;

/// The boundary of the multipart bodies these tests send.
const BOUNDARY: &str = "mailbox-test-boundary-3f9c2a71";

/// A small but real-looking PDF (the server looks at the first bytes).
pub(crate) const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";

/// A file in a multipart body: field name, file name, bytes.
pub(crate) type FilePart<'a> = (&'a str, &'a str, &'a [u8]);

/// A `multipart/form-data` body of text fields and files, and its type.
pub(crate) fn multipart(fields: &[(&str, &str)], files: &[FilePart<'_>]) -> (String, Vec<u8>) {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
    }
    for (name, file_name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"; \
                 filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={BOUNDARY}"), body)
}

/// The letter form's fields with a valid letter; tests override some.
pub(crate) fn letter<'a>(subject: &'a str, content: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name", "张三"),
        ("phone", "13812345678"),
        ("email", "zhangsan@example.com"),
        ("category", "suggest"),
        ("subject", subject),
        ("content", content),
        ("publish", "1"),
    ]
}

/// Replaces (or adds) one field.
fn with<'a>(
    mut fields: Vec<(&'a str, &'a str)>,
    name: &'a str,
    value: &'a str,
) -> Vec<(&'a str, &'a str)> {
    fields.retain(|(n, _)| *n != name);
    fields.push((name, value));
    fields
}

/// Writes a letter on the portal: opens the form, answers its challenge
/// (`answer` overrides the right answer) and posts the fields and files.
async fn write(
    public: &Browser,
    fields: &[(&str, &str)],
    files: &[FilePart<'_>],
    answer: Option<&str>,
) -> Reply {
    let form = public.get("/mailbox/write").await;
    form.assert_status(200);
    let solved = solve(&form.body);
    let token = token(&form.body);
    let mut all = vec![
        ("challenge_token", token.as_str()),
        ("challenge_answer", answer.unwrap_or(&solved)),
    ];
    all.extend_from_slice(fields);
    let (content_type, body) = multipart(&all, files);
    let request = public
        .request(Method::POST, "/mailbox/write")
        .header("content-type", content_type)
        .body(body);
    public.send(request).await
}

/// The tracking code and query password of a receipt page.
#[track_caller]
fn receipt(reply: &Reply) -> (String, String) {
    reply.assert_status(200);
    let code = element_text(&reply.body, "tracking-code").expect("a tracking code");
    let password = element_text(&reply.body, "query-password").expect("a query password");
    (code, password)
}

async fn lookup(public: &Browser, code: &str, password: &str) -> Reply {
    public
        .post_form_raw("/mailbox/query", &[("code", code), ("password", password)])
        .await
}

#[track_caller]
fn no_store(reply: &Reply) {
    assert_eq!(
        reply
            .headers
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store"),
        "the page must not be kept"
    );
}

/// The id of the letter with `code`.
async fn letter_id(t: &TestApp, code: &str) -> i64 {
    let mut conn = t.app.store().read().await.expect("connection");
    dangjian_store::mailbox::by_code(&mut conn, code)
        .await
        .expect("look the code up")
        .expect("the letter is stored")
        .id
}

/// How many letters are stored.
async fn stored_letters(t: &TestApp) -> i64 {
    let mut conn = t.app.store().read().await.expect("connection");
    dangjian_store::mailbox::count(
        &mut conn,
        t.init_report.site,
        &dangjian_store::mailbox::Filter::default(),
    )
    .await
    .expect("count the letters")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_letter_gets_a_receipt_and_its_writer_looks_it_up() {
    let t = TestApp::start().await;
    let public = t.public();
    let home = public.get("/").await;
    home.assert_contains("href=\"/mailbox\"")
        .assert_contains("部长信箱");
    public
        .get("/mailbox")
        .await
        .assert_status(200)
        .assert_contains("部长信箱受理")
        .assert_contains("个工作日内答复")
        .assert_contains("12380")
        .assert_contains("暂无公开的来信")
        .assert_contains("href=\"/mailbox/write\"")
        .assert_contains("href=\"/mailbox/query\"");
    let form = public.get("/mailbox/write").await;
    form.assert_contains("enctype=\"multipart/form-data\"")
        .assert_contains("同意公开（公开时隐去姓名和联系方式）")
        .assert_contains("<label for=\"file-3\">");

    // Two inputs left empty (no file chosen) and one PDF.
    let sent = write(
        &public,
        &letter(
            "关于村级组织活动场所建设的建议",
            "建议加大对村级组织活动场所建设的投入力度。",
        ),
        &[
            ("files", "", b""),
            ("files", "证明材料.pdf", PDF),
            ("files", "", b""),
        ],
        None,
    )
    .await;
    let (code, password) = receipt(&sent);
    no_store(&sent);
    sent.assert_contains("来信已收到")
        .assert_contains("只显示这一次");
    assert!(code.starts_with("XX") && code.len() == 16, "code {code}");
    assert_eq!(password.len(), 8);
    assert!(element_text(&sent.body, "due-date").is_some_and(|d| d.len() == 10));
    assert!(
        sent.location().is_none(),
        "the receipt is the answer itself, not a redirect"
    );
    assert!(
        t.audited("mailbox.send")
            .await
            .contains(&("public".to_owned(), Outcome::Success))
    );
    let id = letter_id(&t, &code).await;
    let files = {
        let mut conn = t.app.store().read().await.expect("connection");
        dangjian_store::mailbox::files(&mut conn, id)
            .await
            .expect("files")
    };
    assert_eq!(files.len(), 1, "empty file inputs are ignored");
    assert_eq!(files[0].name, "证明材料.pdf");
    assert_eq!(files[0].mime, "application/pdf");
    assert_eq!(files[0].size, i64::try_from(PDF.len()).unwrap());

    // The receipt's link fills the code in; the password is typed.
    let query = public.get(&format!("/mailbox/query?code={code}")).await;
    query
        .assert_status(200)
        .assert_contains(&format!("value=\"{code}\""));
    no_store(&query);
    let found = lookup(&public, &code.to_lowercase(), &password).await;
    found.assert_status(200);
    no_store(&found);
    assert_eq!(
        element_text(&found.body, "letter-status").as_deref(),
        Some("待受理")
    );
    found
        .assert_contains("关于村级组织活动场所建设的建议")
        .assert_contains("建议加大对村级组织活动场所建设的投入力度。")
        .assert_contains("答复审核通过后将在此显示");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_letters_keep_what_was_typed_and_say_why() {
    let t = TestApp::start().await;
    let public = t.public();
    let fields = with(letter("党员教育培训", "太短了"), "phone", "12345");
    let refused = write(&public, &fields, &[], None).await;
    refused.assert_status(422);
    refused
        .assert_contains("id=\"phone-error\"")
        .assert_contains("请填写有效的手机号码或带区号的固定电话。")
        .assert_contains("id=\"content-error\"")
        .assert_contains("信件内容不少于 10 个字。")
        .assert_contains("value=\"张三\"")
        .assert_contains("value=\"12345\"")
        .assert_contains("value=\"zhangsan@example.com\"")
        .assert_contains("value=\"党员教育培训\"")
        .assert_contains(">太短了</textarea>")
        .assert_contains("<option value=\"suggest\" selected>")
        .assert_contains("value=\"1\" checked");

    // A wrong answer to the challenge, everything else right.
    let content = "请问党员组织关系转接需要哪些材料？";
    let wrong = write(&public, &letter("组织关系转接", content), &[], Some("999")).await;
    wrong.assert_status(422);
    wrong
        .assert_contains("id=\"challenge-error\"")
        .assert_contains("验证问题回答不正确")
        .assert_contains("value=\"组织关系转接\"")
        .assert_contains(content);

    // A program and a text file are not attachments we take, whatever
    // their names say; the files must be chosen again.
    let bad = write(
        &public,
        &letter("组织关系转接", content),
        &[
            ("files", "setup.exe", b"MZ\x90\x00\x03\x00\x00\x00"),
            ("files", "说明.pdf", b"just some text"),
        ],
        None,
    )
    .await;
    bad.assert_status(422);
    bad.assert_contains("id=\"files-error\"")
        .assert_contains("附件只接受 PDF、JPG、PNG 和 Word/Excel（docx、xlsx）文件。")
        .assert_contains("id=\"files-again\"")
        .assert_contains("请重新选择")
        .assert_contains("value=\"组织关系转接\"")
        .assert_contains(content);
    // A file over 5 MiB is refused by field; the form is not lost.
    let mut big = PDF.to_vec();
    big.resize(5 * 1024 * 1024 + 1, b' ');
    let too_big = write(
        &public,
        &letter("组织关系转接", content),
        &[("files", "扫描件.pdf", &big)],
        None,
    )
    .await;
    too_big
        .assert_status(422)
        .assert_contains("单个附件不能超过 5 MB。")
        .assert_contains("value=\"组织关系转接\"");
    // Four files are one too many.
    let many = write(
        &public,
        &letter("组织关系转接", content),
        &[
            ("files", "1.pdf", PDF),
            ("files", "2.pdf", PDF),
            ("files", "3.pdf", PDF),
            ("files", "4.pdf", PDF),
        ],
        None,
    )
    .await;
    many.assert_status(422).assert_contains("附件最多 3 个。");
    assert_eq!(stored_letters(&t).await, 0, "nothing refused is stored");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sixth_letter_in_an_hour_is_refused_until_the_hour_is_over() {
    let t = TestApp::start().await;
    let public = t.public();
    for n in 1..=5 {
        let subject = format!("第{n}封来信");
        let sent = write(
            &public,
            &letter(&subject, "关于基层党建工作的几点建议。"),
            &[],
            None,
        )
        .await;
        receipt(&sent);
    }
    let limited = write(
        &public,
        &letter("第六封来信", "关于基层党建工作的几点建议。"),
        &[],
        None,
    )
    .await;
    limited.assert_status(429);
    limited
        .assert_contains("id=\"form-error\"")
        .assert_contains("来信过于频繁，请一小时后再试。")
        .assert_contains("value=\"第六封来信\"")
        .assert_contains("关于基层党建工作的几点建议。");
    assert_eq!(stored_letters(&t).await, 5);

    t.clock.advance_ms(3600 * 1000 + 1);
    receipt(
        &write(
            &public,
            &letter("第六封来信", "关于基层党建工作的几点建议。"),
            &[],
            None,
        )
        .await,
    );
    assert_eq!(stored_letters(&t).await, 6);
    assert_eq!(t.audited("mailbox.send").await.len(), 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_lookups_are_refused_alike_and_limited_per_hour() {
    let t = TestApp::start().await;
    let public = t.public();
    let sent = write(
        &public,
        &letter("查询测试", "这是一封用来测试查询的来信。"),
        &[],
        None,
    )
    .await;
    let (code, password) = receipt(&sent);

    let wrong_password = lookup(&public, &code, "WRONGPW9").await;
    wrong_password.assert_status(422);
    no_store(&wrong_password);
    wrong_password
        .assert_contains("信件编号或查询密码不正确。")
        .assert_contains(&format!("value=\"{code}\""));
    assert!(
        !wrong_password.contains("WRONGPW9"),
        "the password is never echoed"
    );
    assert!(!wrong_password.contains("这是一封用来测试查询的来信"));

    let wrong_code = lookup(&public, "XX20000101AAAAAA", &password).await;
    wrong_code.assert_status(422);
    assert_eq!(
        element_text(&wrong_code.body, "password-error"),
        element_text(&wrong_password.body, "password-error"),
        "a wrong code and a wrong password read the same"
    );

    for _ in 2..10 {
        lookup(&public, &code, "WRONGPW9").await.assert_status(422);
    }
    // Ten failures: even the right pair is refused for the hour.
    let limited = lookup(&public, &code, &password).await;
    limited.assert_status(429);
    limited
        .assert_contains("查询失败次数过多，请一小时后再试。")
        .assert_contains(&format!("value=\"{code}\""));
    assert!(!limited.contains("这是一封用来测试查询的来信"));

    t.clock.advance_ms(3600 * 1000 + 1);
    let found = lookup(&public, &code, &password).await;
    found
        .assert_status(200)
        .assert_contains("这是一封用来测试查询的来信。");
}

/// The people who take a letter from the inbox to the portal: the mailbox
/// officer (a site editor), the section head of 干部科 and the deputy
/// minister of the unit (the default workflow's two stages).
struct Handlers {
    officer: dangjian_app::actor::Actor,
    head: dangjian_app::actor::Actor,
    deputy: dangjian_app::actor::Actor,
    section: SectionId,
}

async fn handlers(t: &TestApp) -> Handlers {
    let sys = t.admin("sysadmin").await;
    let sec = t.admin("secadmin").await;
    let section = section_id(t, "干部科").await;
    let officer: Admin = t
        .person_with_role(&sys, &sec, "xinxiang", "信箱管理员", "site_editor")
        .await;
    let head: Admin = t
        .person_with_role_in(
            &sys,
            &sec,
            "ganbuke",
            "赵科长",
            "section_head",
            &format!("section:{section}"),
        )
        .await;
    let deputy: Admin = t
        .person_with_role_in(
            &sys,
            &sec,
            "fenguan",
            "张部长",
            "deputy_minister",
            &format!("unit:{}", t.init_report.unit.0),
        )
        .await;
    Handlers {
        officer: t
            .actor(&officer.username, &officer.password, &officer.secret)
            .await,
        head: t.actor(&head.username, &head.password, &head.secret).await,
        deputy: t
            .actor(&deputy.username, &deputy.password, &deputy.secret)
            .await,
        section: SectionId(section),
    }
}

/// Accepts, answers and approves a letter through both review stages.
async fn answer(t: &TestApp, h: &Handlers, id: i64, reply: &str) {
    let site = t.init_report.site;
    let steps = [
        (&h.officer, MailboxAction::Accept(h.section)),
        (&h.head, MailboxAction::Submit(reply.to_owned())),
        (&h.head, MailboxAction::Approve(String::new())),
        (&h.deputy, MailboxAction::Approve(String::new())),
    ];
    for (actor, action) in &steps {
        t.app
            .mailbox_act(actor, site, id, action)
            .await
            .unwrap_or_else(|e| panic!("{action:?} failed: {e}"));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_letters_are_masked_and_only_with_consent() {
    let t = TestApp::start().await;
    let site = t.init_report.site;
    let public = t.public();
    let content = "我的电话是13812345678，邮箱zhangsan@example.com，建议增加党员活动日的频次。";
    let consenting = write(
        &public,
        &letter("关于党员活动日的建议", content),
        &[("files", "a.pdf", PDF)],
        None,
    )
    .await;
    let (code, password) = receipt(&consenting);
    let private = write(
        &public,
        &with(
            letter("不愿公开的来信", "这封来信的内容不希望公开。"),
            "publish",
            "",
        ),
        &[],
        None,
    )
    .await;
    let (private_code, _) = receipt(&private);
    let id = letter_id(&t, &code).await;
    let private_id = letter_id(&t, &private_code).await;

    let h = handlers(&t).await;
    // The attachment is kept as sent, for whoever handles the letter.
    let case = t
        .app
        .mailbox_letter(&h.officer, site, id)
        .await
        .expect("the letter");
    let (file, bytes) = t
        .app
        .mailbox_file(&h.officer, site, id, case.files[0].id)
        .await
        .expect("the attachment");
    assert_eq!((file.name.as_str(), bytes.as_slice()), ("a.pdf", PDF));

    answer(&t, &h, id, "感谢来信。请联系干部科，电话 0571-87654321。").await;
    answer(&t, &h, private_id, "感谢来信，已转有关科室研究。").await;
    // Replied but not published: the writer reads the reply, the portal
    // shows nothing.
    let replied = lookup(&public, &code, &password).await;
    assert_eq!(
        element_text(&replied.body, "letter-status").as_deref(),
        Some("已答复")
    );
    replied.assert_contains("感谢来信。请联系干部科");
    public
        .get(&format!("/mailbox/letters/{id}"))
        .await
        .assert_status(404);

    t.app
        .mailbox_act(&h.officer, site, id, &MailboxAction::Publish)
        .await
        .expect("published");
    let refused = t
        .app
        .mailbox_act(&h.officer, site, private_id, &MailboxAction::Publish)
        .await;
    assert!(
        matches!(refused, Err(AppError::Conflict("error.mailbox.no_consent"))),
        "{refused:?}"
    );

    let list = public.get("/mailbox").await;
    list.assert_status(200)
        .assert_contains(&format!("href=\"/mailbox/letters/{id}\""))
        .assert_contains("关于党员活动日的建议")
        .assert_contains("张*");
    assert!(!list.contains("不愿公开的来信"));
    assert!(!list.contains("张三"));
    let shown = public.get(&format!("/mailbox/letters/{id}")).await;
    shown.assert_status(200);
    assert_eq!(
        element_text(&shown.body, "letter-writer").as_deref(),
        Some("张*")
    );
    shown
        .assert_contains("建议增加党员活动日的频次")
        .assert_contains("138******78")
        .assert_contains("@example.com")
        .assert_contains("感谢来信。请联系干部科")
        .assert_contains("干部科");
    for secret in ["张三", "13812345678", "zhangsan@", "87654321"] {
        assert!(!shown.contains(secret), "{secret} is on the public page");
    }
    public
        .get(&format!("/mailbox/letters/{private_id}"))
        .await
        .assert_status(404);
    public
        .get("/mailbox/letters/999999")
        .await
        .assert_status(404);
    public.get("/mailbox/letters/abc").await.assert_status(404);

    // The writer's lookup says it is public and links there.
    let found = lookup(&public, &code, &password).await;
    assert_eq!(
        element_text(&found.body, "letter-status").as_deref(),
        Some("已公开")
    );
    found.assert_contains(&format!("href=\"/mailbox/letters/{id}\""));
}
