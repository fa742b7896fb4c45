//! E-mail notifications end to end: people leave an address (the system
//! administrator on the account form, a person on their own page), the
//! review workflow's notifications are mailed through a small SMTP server
//! of the test's own on loopback, a refused mail keeps its error and goes
//! out on a later try (taken by one sender only), and a mail is given up
//! only after its last attempt.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use dangjian_app::mail::{MAX_ATTEMPTS, MailConfig, SmtpConfig, TlsMode, retry_delay_ms};
use dangjian_app::records::AuditFilter;
use dangjian_store::mail::QueuedMail;
use dangjian_testkit::{Admin, TestApp};
use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::{TcpListener, TcpStream};

use super::review::{article_fields, created};

const OFFICE: &str = "https://oa.example.gov.cn";
const HEAD_ADDRESS: &str = "kezhang@example.gov.cn";
const OFFICER_ADDRESS: &str = "xinxi@example.gov.cn";

/// One mail as the server took it.
#[derive(Debug, Clone)]
struct Received {
    to: Vec<String>,
    data: String,
}

impl Received {
    /// Header lines with continuations joined.
    fn header(&self, name: &str) -> String {
        let head = self.data.split("\n\n").next().unwrap_or_default();
        let unfolded = head.replace("\n ", " ").replace("\n\t", " ");
        unfolded
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}: ")))
            .map(decode_words)
            .unwrap_or_default()
    }

    fn subject(&self) -> String {
        self.header("Subject")
    }

    /// The Base64 body, decoded.
    fn body(&self) -> String {
        let encoded: String = self
            .data
            .split_once("\n\n")
            .map(|(_, body)| body.split_whitespace().collect())
            .unwrap_or_default();
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .unwrap_or_else(|e| panic!("the body is not Base64 ({e}):\n{}", self.data));
        String::from_utf8(bytes).expect("a UTF-8 body")
    }
}

/// RFC 2047 encoded words (`=?utf-8?b?…?=`) back into text.
fn decode_words(value: &str) -> String {
    let mut bytes = Vec::new();
    for word in value.split_whitespace() {
        let parts: Vec<&str> = word.split('?').collect();
        match parts.as_slice() {
            ["=", _charset, encoding, text, "="] if encoding.eq_ignore_ascii_case("b") => {
                let decoded = base64::engine::general_purpose::STANDARD
                    .decode(text)
                    .expect("a Base64 word");
                bytes.extend(decoded);
            }
            _ => {
                bytes.extend(word.as_bytes());
                bytes.push(b' ');
            }
        }
    }
    String::from_utf8(bytes).expect("UTF-8 words")
}

/// Just enough SMTP for one client: greeting, EHLO/HELO, MAIL, RCPT, DATA,
/// RSET, NOOP, QUIT. It refuses every sender with 550 while `refuse` is set.
#[derive(Clone)]
struct FakeSmtp {
    addr: SocketAddr,
    mails: Arc<Mutex<Vec<Received>>>,
    refuse: Arc<AtomicBool>,
}

impl FakeSmtp {
    async fn start() -> FakeSmtp {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let server = FakeSmtp {
            addr: listener.local_addr().expect("address"),
            mails: Arc::default(),
            refuse: Arc::default(),
        };
        let accepting = server.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let session = accepting.clone();
                tokio::spawn(async move {
                    let _ = session.serve(stream).await;
                });
            }
        });
        server
    }

    async fn serve(&self, stream: TcpStream) -> std::io::Result<()> {
        let (read, mut write) = stream.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 fake.test ESMTP\r\n").await?;
        let mut to = Vec::new();
        while let Some(line) = lines.next_line().await? {
            let command = line.to_ascii_uppercase();
            let reply: &[u8] = if command.starts_with("EHLO") || command.starts_with("HELO") {
                b"250 fake.test\r\n"
            } else if command.starts_with("MAIL FROM:") {
                to.clear();
                if self.refuse.load(Ordering::SeqCst) {
                    b"550 5.7.1 sender refused by policy\r\n"
                } else {
                    b"250 OK\r\n"
                }
            } else if command.starts_with("RCPT TO:") {
                to.push(line[8..].trim().trim_matches(['<', '>']).to_owned());
                b"250 OK\r\n"
            } else if command == "DATA" {
                write.write_all(b"354 end with <CRLF>.<CRLF>\r\n").await?;
                let mut data = Vec::new();
                while let Some(line) = lines.next_line().await? {
                    if line == "." {
                        break;
                    }
                    data.push(line.strip_prefix('.').unwrap_or(&line).to_owned());
                }
                let mail = Received {
                    to: std::mem::take(&mut to),
                    data: data.join("\n"),
                };
                self.mails.lock().expect("mails").push(mail);
                b"250 queued\r\n"
            } else if command == "QUIT" {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(());
            } else if command == "RSET" || command == "NOOP" {
                b"250 OK\r\n"
            } else {
                b"502 not implemented\r\n"
            };
            write.write_all(reply).await?;
        }
        Ok(())
    }

    fn config(&self) -> MailConfig {
        MailConfig {
            smtp: SmtpConfig {
                host: self.addr.ip().to_string(),
                port: self.addr.port(),
                tls: TlsMode::None,
                username: String::new(),
                password: String::new(),
                from: "党建网办公平台 <noreply@example.gov.cn>".into(),
            },
            office_url: Some(OFFICE.into()),
        }
    }

    fn refuse(&self, refuse: bool) {
        self.refuse.store(refuse, Ordering::SeqCst);
    }

    fn received(&self) -> Vec<Received> {
        self.mails.lock().expect("mails").clone()
    }

    /// The mails once there are `count` of them.
    async fn wait_for(&self, count: usize) -> Vec<Received> {
        eventually(&format!("{count} mails"), || {
            let mails = self.received();
            async move { (mails.len() >= count).then_some(mails) }
        })
        .await
    }
}

/// Polls `check` until it answers, for up to 20 seconds.
async fn eventually<T, F, Fut>(what: &str, check: F) -> T
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    for _ in 0..400 {
        if let Some(found) = check().await {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("gave up waiting for {what}");
}

/// The outbox, newest first.
async fn outbox(t: &TestApp) -> Vec<QueuedMail> {
    let mut conn = t.app.store().read().await.expect("connection");
    dangjian_store::mail::recent(&mut conn, 100)
        .await
        .expect("outbox")
}

/// The only outbox row of `article` once `ready` holds for it.
async fn row_when(t: &TestApp, article: i64, ready: impl Fn(&QueuedMail) -> bool) -> QueuedMail {
    eventually("an outbox row", || async {
        outbox(t)
            .await
            .into_iter()
            .find(|m| m.article_id.map(|a| a.0) == Some(article) && ready(m))
    })
    .await
}

/// Who did `action` and the detail, from the audit trail.
async fn audited(t: &TestApp, action: &str) -> Vec<(String, String)> {
    let mut conn = t.app.store().read().await.expect("connection");
    let filter = AuditFilter {
        actor: String::new(),
        action: action.into(),
        from_ms: None,
        until_ms: None,
    };
    let (records, _) = dangjian_store::audit::search(&mut conn, &filter, 0, 50)
        .await
        .expect("search");
    records
        .into_iter()
        .map(|r| (r.entry.actor_name, r.entry.detail))
        .collect()
}

struct Mailroom {
    t: TestApp,
    smtp: FakeSmtp,
    officer: Admin,
    head: Admin,
    column: String,
}

async fn section_of(t: &TestApp, name: &str) -> String {
    let mut conn = t.app.store().read().await.expect("connection");
    let sections = dangjian_store::org::sections(&mut conn, t.init_report.site)
        .await
        .expect("sections");
    let section = sections.iter().find(|s| s.name == name).expect("section");
    format!("section:{}", section.id)
}

async fn column_id(t: &TestApp, slug: &str) -> String {
    let columns = t
        .app
        .public_columns(t.init_report.site)
        .await
        .expect("columns");
    let column = columns.iter().find(|c| c.slug == slug).expect("column");
    column.id.to_string()
}

/// The system administrator gives `username` an address on the account
/// form; the page then shows it.
async fn address_by_administrator(t: &TestApp, sys: &Admin, username: &str, email: &str) {
    let id = t.user_id(username).await;
    let page = format!("/users/{id}");
    sys.browser.get(&page).await.assert_status(200);
    let unit = t.init_report.unit.0.to_string();
    let fields = [
        ("display_name", "李科长"),
        ("phone", "13600000000"),
        ("unit_id", unit.as_str()),
        ("section_id", ""),
        ("email", "李科长@example"),
    ];
    sys.browser
        .post_form(&page, &fields)
        .await
        .assert_status(422)
        .assert_contains("请填写有效的电子邮箱地址");
    let mut fields = fields;
    fields[4].1 = email;
    sys.browser
        .post_form(&page, &fields)
        .await
        .assert_redirect(&format!("{page}?ok=saved"));
    sys.browser
        .get(&page)
        .await
        .assert_contains(&format!("<dd>{email}</dd>"));
}

/// A person gives their own address on their account page.
async fn own_address(person: &Admin, email: &str) {
    let browser = &person.browser;
    browser
        .get("/")
        .await
        .assert_contains("href=\"/account/email\"");
    browser
        .get("/account/email")
        .await
        .assert_status(200)
        .assert_contains("邮件通知");
    browser
        .post_form("/account/email", &[("email", "xinxi at example")])
        .await
        .assert_status(422)
        .assert_contains("请填写有效的电子邮箱地址");
    browser
        .post_form("/account/email", &[("email", email)])
        .await
        .assert_redirect("/account/email?ok=email_saved");
    browser
        .get("/account/email?ok=email_saved")
        .await
        .assert_contains("邮箱已保存")
        .assert_contains(&format!("value=\"{email}\""));
}

/// An officer and a section head with addresses, and a second head of the
/// same section without one, on an installation that mails through a fake
/// server.
async fn mailroom() -> (Mailroom, Admin) {
    let smtp = FakeSmtp::start().await;
    let t = TestApp::start_with_mail(smtp.config()).await;
    let sys = t.admin("sysadmin").await;
    let sec = t.admin("secadmin").await;
    let info = section_of(&t, "信息中心").await;
    let officer = t
        .person_with_role_in(&sys, &sec, "xinxi", "王信息", "info_officer", &info)
        .await;
    let head = t
        .person_with_role_in(&sys, &sec, "kezhang", "李科长", "section_head", &info)
        .await;
    let other = t
        .person_with_role_in(&sys, &sec, "fukezhang", "周副科长", "section_head", &info)
        .await;
    address_by_administrator(&t, &sys, "kezhang", HEAD_ADDRESS).await;
    own_address(&officer, OFFICER_ADDRESS).await;
    // Both changes are in the audit trail, like other account changes.
    let own = audited(&t, "user.email").await;
    let expected = format!("email - -> {OFFICER_ADDRESS}");
    assert_eq!(own, [("xinxi".to_owned(), expected)]);
    let updates = audited(&t, "user.update").await;
    let expected = format!("email - -> {HEAD_ADDRESS}");
    assert!(
        updates
            .iter()
            .any(|(who, detail)| who == "sysadmin" && detail.contains(&expected)),
        "{updates:?}"
    );
    let column = column_id(&t, "dangjian-dongtai").await;
    let room = Mailroom {
        t,
        smtp,
        officer,
        head,
        column,
    };
    (room, other)
}

impl Mailroom {
    /// The officer writes an article and submits it; returns its id.
    async fn submit(&self, title: &str) -> i64 {
        let reply = self
            .officer
            .browser
            .post_form("/articles", &article_fields(title, &self.column, ""))
            .await;
        let id = created(&reply);
        let page = format!("/articles/{id}");
        self.officer
            .browser
            .post_form(&format!("{page}/submit"), &[])
            .await
            .assert_redirect(&format!("{page}?ok=submitted"));
        id
    }

    /// Moves the clock past the wait after `failures` failed attempts and
    /// wakes the sender.
    fn next_try(&self, failures: i64) {
        let wait = retry_delay_ms(failures).expect("another try");
        self.t.clock.advance_ms(wait + 1_000);
        self.t.app.wake_mailer();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submitting_mails_the_reviewer_who_has_an_address_and_nobody_else() {
    let (room, other) = mailroom().await;
    let id = room.submit("培训班开班").await;

    let mails = room.smtp.wait_for(1).await;
    let mail = &mails[0];
    assert_eq!(mail.to, [HEAD_ADDRESS]);
    assert!(mail.subject().contains("培训班开班"), "{}", mail.subject());
    assert!(mail.subject().contains("待审核"), "{}", mail.subject());
    assert!(mail.header("From").contains("noreply@example.gov.cn"));
    let body = mail.body();
    assert!(
        body.contains("“培训班开班”等待您审核（王信息提交）"),
        "{body}"
    );
    assert!(body.contains(&format!("{OFFICE}/articles/{id}")), "{body}");

    // The head without an address is told in the office only.
    other
        .browser
        .get("/notifications")
        .await
        .assert_contains("培训班开班");
    let rows = outbox(&room.t).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0].recipient, HEAD_ADDRESS);
    let sent = row_when(&room.t, id, |m| m.sent_at.is_some()).await;
    assert_eq!((sent.attempts, sent.last_error.as_str()), (0, ""));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(room.smtp.received().len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_returned_article_mails_its_author_with_the_comment() {
    let (room, _) = mailroom().await;
    let id = room.submit("党课开讲").await;
    room.smtp.wait_for(1).await;
    let page = format!("/articles/{id}");
    room.head.browser.get(&page).await.assert_status(200);
    room.head
        .browser
        .post_form(
            &format!("{page}/return"),
            &[("to", "author"), ("comment", "请补充活动照片的说明文字。")],
        )
        .await
        .assert_redirect(&page);

    let mails = room.smtp.wait_for(2).await;
    let mail = &mails[1];
    assert_eq!(mail.to, [OFFICER_ADDRESS]);
    assert!(mail.subject().contains("党课开讲"), "{}", mail.subject());
    let body = mail.body();
    assert!(body.contains("被李科长退回"), "{body}");
    assert!(body.contains("请补充活动照片的说明文字。"), "{body}");
    assert!(body.contains(&format!("{OFFICE}/articles/{id}")), "{body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_mail_keeps_its_error_goes_out_once_later_or_is_given_up_at_last() {
    let (room, _) = mailroom().await;
    let t = &room.t;
    room.smtp.refuse(true);
    let id = room.submit("主题党日活动").await;

    let failed = row_when(t, id, |m| m.attempts == 1).await;
    assert!(failed.last_error.contains("550"), "{failed:?}");
    assert_eq!((failed.sent_at, failed.given_up_at), (None, None));
    assert!(failed.next_attempt_at > t.app.now_ms());
    room.next_try(1);
    row_when(t, id, |m| m.attempts == 2).await;
    assert!(room.smtp.received().is_empty());

    // The server takes mail again; when the next try is due, two nodes
    // reach for it (and this process's own sender may too): one sends.
    room.smtp.refuse(false);
    t.clock
        .advance_ms(retry_delay_ms(2).expect("another try") + 1_000);
    let composer = dangjian_web::mail_composer();
    let (a, b) = tokio::join!(
        t.app.send_due_mail("node-a", composer.as_ref()),
        t.app.send_due_mail("node-b", composer.as_ref()),
    );
    assert!(a.expect("node a") + b.expect("node b") <= 1);
    t.app.wake_mailer();
    let mails = room.smtp.wait_for(1).await;
    assert!(mails[0].subject().contains("主题党日活动"));
    let sent = row_when(t, id, |m| m.sent_at.is_some()).await;
    assert_eq!(sent.attempts, 2);
    assert!(sent.last_error.contains("550"), "the last error is kept");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(room.smtp.received().len(), 1, "sent once");

    // A mail the server keeps refusing is tried MAX_ATTEMPTS times, then
    // given up with its error, never deleted.
    room.smtp.refuse(true);
    let id = room.submit("组织生活会").await;
    for failures in 1..MAX_ATTEMPTS {
        row_when(t, id, |m| m.attempts == failures).await;
        room.next_try(failures);
    }
    let given_up = row_when(t, id, |m| m.given_up_at.is_some()).await;
    assert_eq!(given_up.attempts, MAX_ATTEMPTS);
    assert!(given_up.last_error.contains("550"), "{given_up:?}");
    t.clock.advance_ms(24 * 3_600_000);
    t.app.wake_mailer();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let still = row_when(t, id, |m| m.given_up_at.is_some()).await;
    assert_eq!(still.attempts, MAX_ATTEMPTS, "no try after giving up");
    assert_eq!(room.smtp.received().len(), 1);
}
