//! Logging in: the first login, wrong passwords, lockouts, the second
//! factor, the forced password change, the idle timeout.

use dangjian_testkit::{TestApp, fresh_password};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn first_login_changes_password_enrols_totp_and_lands_on_dashboard() {
    let t = TestApp::start().await;
    let otp = t.one_time_password("sysadmin");
    let (browser, secret, _password) = t.login_fully("sysadmin", &otp).await;
    assert!(!secret.is_empty());
    let home = browser.get("/").await;
    home.assert_status(200)
        .assert_contains("工作台")
        .assert_contains("系统管理员");
    // The login page, visited again, sends a logged-in person back to work.
    browser.get("/login").await.assert_redirect("/");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_is_refused_with_401() {
    let t = TestApp::start().await;
    let browser = t.office();
    browser.get("/login").await.assert_status(200);
    let reply = browser
        .post_form(
            "/login",
            &[("username", "sysadmin"), ("password", "not-the-password")],
        )
        .await;
    reply.assert_status(401).assert_contains("用户名或密码错误");
    // An unknown account gets the very same answer.
    let reply = browser
        .post_form(
            "/login",
            &[("username", "nobody"), ("password", "whatever")],
        )
        .await;
    reply.assert_status(401).assert_contains("用户名或密码错误");
    // Not logged in: the office sends to the login page.
    browser.get("/").await.assert_redirect("/login");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn account_locks_after_five_failures_and_unlocks_after_the_window() {
    let t = TestApp::start().await;
    let otp = t.one_time_password("secadmin");
    let browser = t.office();
    browser.get("/login").await.assert_status(200);
    for attempt in 1..=5 {
        let reply = browser
            .post_form(
                "/login",
                &[("username", "secadmin"), ("password", "Wrong#Pass1")],
            )
            .await;
        reply.assert_status(401);
        if attempt < 5 {
            reply.assert_contains("用户名或密码错误");
        } else {
            reply.assert_contains("锁定");
        }
    }
    // Even the right password is refused while locked.
    let reply = browser
        .post_form("/login", &[("username", "secadmin"), ("password", &otp)])
        .await;
    reply
        .assert_status(401)
        .assert_contains("锁定")
        .assert_contains("15");
    t.clock.advance_minutes(14);
    browser
        .post_form("/login", &[("username", "secadmin"), ("password", &otp)])
        .await
        .assert_status(401)
        .assert_contains("锁定");

    // After the 15-minute window the right password works.
    t.clock.advance_minutes(2);
    let reply = browser
        .post_form("/login", &[("username", "secadmin"), ("password", &otp)])
        .await;
    reply.assert_redirect("/account/password");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_address_locks_after_five_failures_across_usernames() {
    let t = TestApp::start().await;
    let otp = t.one_time_password("auditadmin");
    let browser = t.office();
    browser.get("/login").await.assert_status(200);
    for i in 1..=5 {
        let name = format!("nosuchuser{i}");
        browser
            .post_form(
                "/login",
                &[("username", name.as_str()), ("password", "Wrong#Pass1")],
            )
            .await
            .assert_status(401);
    }
    // A sixth, valid login from the same address is refused.
    let reply = browser
        .post_form("/login", &[("username", "auditadmin"), ("password", &otp)])
        .await;
    reply.assert_status(401).assert_contains("锁定");
    // Another browser on the same address fares no better.
    let other = t.office();
    other.get("/login").await.assert_status(200);
    other
        .post_form("/login", &[("username", "auditadmin"), ("password", &otp)])
        .await
        .assert_status(401)
        .assert_contains("锁定");

    t.clock.advance_minutes(16);
    other
        .post_form("/login", &[("username", "auditadmin"), ("password", &otp)])
        .await
        .assert_redirect("/account/password");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enrolled_account_logs_in_with_a_totp_code() {
    let t = TestApp::start().await;
    let otp = t.one_time_password("sysadmin");
    let (browser, secret, password) = t.login_fully("sysadmin", &otp).await;
    browser
        .post_form("/logout", &[])
        .await
        .assert_redirect("/login");
    browser.get("/").await.assert_redirect("/login");

    let browser = t.office();
    browser.get("/login").await.assert_status(200);
    browser
        .post_form(
            "/login",
            &[("username", "sysadmin"), ("password", &password)],
        )
        .await
        .assert_redirect("/login/totp");
    // Password alone does not reach the office.
    browser.get("/").await.assert_redirect("/login/totp");
    browser.get("/login/totp").await.assert_status(200);

    t.next_totp_step();
    let right = t.totp_code(&secret);
    let wrong = if right == "000000" {
        "111111"
    } else {
        "000000"
    };
    let reply = browser.post_form("/login/totp", &[("code", wrong)]).await;
    reply.assert_status(422).assert_contains("动态码错误");
    browser.get("/").await.assert_redirect("/login/totp");

    browser
        .post_form("/login/totp", &[("code", &right)])
        .await
        .assert_redirect("/");
    browser
        .get("/")
        .await
        .assert_status(200)
        .assert_contains("工作台");

    // The same code cannot be used again within its step.
    let again = t.office();
    again.get("/login").await;
    again
        .post_form(
            "/login",
            &[("username", "sysadmin"), ("password", &password)],
        )
        .await
        .assert_redirect("/login/totp");
    again.get("/login/totp").await;
    again
        .post_form("/login/totp", &[("code", &right)])
        .await
        .assert_status(422)
        .assert_contains("动态码错误");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fresh_account_must_change_its_password_first() {
    let t = TestApp::start().await;
    let otp = t.one_time_password("sysadmin");
    let browser = t.office();
    browser.get("/login").await.assert_status(200);
    browser
        .post_form("/login", &[("username", "sysadmin"), ("password", &otp)])
        .await
        .assert_redirect("/account/password");
    // Nothing else is reachable until the password is changed.
    for path in ["/", "/account/totp"] {
        browser.get(path).await.assert_redirect("/account/password");
    }
    browser
        .get("/account/password")
        .await
        .assert_status(200)
        .assert_contains("修改密码");

    let cases: [(&str, &str, &str); 4] = [
        ("Ab1!", "Ab1!", "密码至少 8 位"),
        ("Sysadmin#2024", "Sysadmin#2024", "密码不得包含用户名"),
        (&otp, &otp, "不得与最近 5 次使用过的密码相同"),
        ("Good#Pass123", "Other#Pass123", "两次输入的新密码不一致"),
    ];
    for (new, confirm, message) in cases {
        let reply = browser
            .post_form(
                "/account/password",
                &[
                    ("current_password", otp.as_str()),
                    ("password", new),
                    ("confirm", confirm),
                ],
            )
            .await;
        reply.assert_status(422).assert_contains(message);
        browser.get("/").await.assert_redirect("/account/password");
    }
    let reply = browser
        .post_form(
            "/account/password",
            &[
                ("current_password", "Wrong#Current1"),
                ("password", "Good#Pass123"),
                ("confirm", "Good#Pass123"),
            ],
        )
        .await;
    reply.assert_status(422).assert_contains("当前密码不正确");

    let new = fresh_password();
    browser
        .post_form(
            "/account/password",
            &[
                ("current_password", otp.as_str()),
                ("password", &new),
                ("confirm", &new),
            ],
        )
        .await
        .assert_redirect("/account/totp");
    // An administrator must then enrol a second factor.
    browser.get("/").await.assert_redirect("/account/totp");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_session_times_out_after_thirty_minutes() {
    let t = TestApp::start().await;
    let otp = t.one_time_password("sysadmin");
    let (browser, _secret, _password) = t.login_fully("sysadmin", &otp).await;
    t.clock.advance_minutes(29);
    browser.get("/").await.assert_status(200);
    // Activity restarts the idle clock.
    t.clock.advance_minutes(29);
    browser.get("/").await.assert_status(200);
    t.clock.advance_minutes(31);
    browser.get("/").await.assert_redirect("/login?expired=1");
    browser
        .get("/login?expired=1")
        .await
        .assert_status(200)
        .assert_contains("会话已超时");
    // The session is gone, not merely hidden.
    browser.get("/").await.assert_redirect("/login");
}

/// Sessions long past their idle timeout and failures outside the lockout
/// window are swept away; a session still within a day of its timeout stays,
/// so its owner is told it timed out.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sweeping_drops_only_what_no_longer_counts() {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    let b = t.office();
    b.get("/login").await;
    b.post_form(
        "/login",
        &[("username", "nobody"), ("password", "Wrong#Pass1")],
    )
    .await
    .assert_status(401);

    t.clock.advance_minutes(31);
    assert_eq!(t.app.sweep_expired().await.expect("sweep"), (0, 1));
    sys.browser
        .get("/")
        .await
        .assert_redirect("/login?expired=1");

    let later = t.admin("secadmin").await;
    t.clock.advance_minutes(31 + 24 * 60);
    let (sessions, _) = t.app.sweep_expired().await.expect("sweep");
    assert!(sessions >= 1, "the idle session was not swept");
    later.browser.get("/").await.assert_redirect("/login");
}

/// Pages are in Chinese whatever the browser's own language setting; the
/// language switch (a cookie) turns them into English and back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_chinese_until_the_reader_switches_language() {
    let t = TestApp::start().await;
    let b = t.office();
    b.send(
        b.request(reqwest::Method::GET, "/login")
            .header("Accept-Language", "en-US,en;q=0.9"),
    )
    .await
    .assert_status(200)
    .assert_contains("用户名");
    b.get("/lang/en").await.assert_redirect("/");
    b.get("/login")
        .await
        .assert_status(200)
        .assert_contains("Username");
    b.get("/lang/zh-CN").await.assert_redirect("/");
    b.get("/login")
        .await
        .assert_status(200)
        .assert_contains("用户名");
}
