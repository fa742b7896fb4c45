//! Cross-site request forgery: every state change needs the page's token
//! and must not come from another site.

use dangjian_testkit::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn login_form_needs_its_token() {
    let t = TestApp::start().await;
    let otp = t.one_time_password("sysadmin");
    let browser = t.office();
    browser.get("/login").await.assert_status(200);
    let fields = [("username", "sysadmin"), ("password", otp.as_str())];
    browser
        .post_form_raw("/login", &fields)
        .await
        .assert_status(403)
        .assert_contains("页面已过期或请求来源不可信");
    let mut wrong = fields.to_vec();
    wrong.push(("_csrf", "forged-token-forged-token-forged-token"));
    browser
        .post_form_raw("/login", &wrong)
        .await
        .assert_status(403);
    // A browser that never saw the login page has no token cookie at all.
    let stranger = t.office();
    stranger
        .post_form_raw(
            "/login",
            &[("username", "sysadmin"), ("password", &otp), ("_csrf", "x")],
        )
        .await
        .assert_status(403);
    // With the token the same login goes through.
    browser
        .post_form("/login", &fields)
        .await
        .assert_redirect("/account/password");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logged_in_posts_without_or_with_a_wrong_token_are_refused() {
    let t = TestApp::start().await;
    let admin = t.admin("sysadmin").await;
    let b = &admin.browser;
    let token = b.csrf().expect("the dashboard carries a token");

    b.post_form_raw("/logout", &[]).await.assert_status(403);
    b.post_form_raw("/logout", &[("_csrf", "wrong")])
        .await
        .assert_status(403);
    // The token of another session does not fit this one.
    let other = t.admin("secadmin").await;
    let foreign = other.browser.csrf().expect("token");
    assert_ne!(foreign, token);
    b.post_form_raw("/logout", &[("_csrf", &foreign)])
        .await
        .assert_status(403);
    // A wrong token in the header is refused too.
    let reply = b
        .send(
            b.request(reqwest::Method::POST, "/logout")
                .header("X-CSRF-Token", "wrong"),
        )
        .await;
    reply.assert_status(403);
    b.post_form_raw(
        "/account/password",
        &[
            ("current_password", &admin.password),
            ("password", "New#Pass12345"),
            ("confirm", "New#Pass12345"),
        ],
    )
    .await
    .assert_status(403);

    // Still logged in: none of those did anything.
    b.get("/")
        .await
        .assert_status(200)
        .assert_contains("工作台");
    b.post_form_raw("/logout", &[("_csrf", &token)])
        .await
        .assert_redirect("/login");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_from_another_site_are_refused() {
    let t = TestApp::start().await;
    let admin = t.admin("sysadmin").await;
    let b = &admin.browser;
    b.post_form_with_headers("/logout", &[], &[("Origin", "http://evil.example")])
        .await
        .assert_status(403)
        .assert_contains("页面已过期或请求来源不可信");
    b.post_form_with_headers("/logout", &[], &[("Origin", "null")])
        .await
        .assert_status(403);
    b.post_form_with_headers("/logout", &[], &[("Sec-Fetch-Site", "cross-site")])
        .await
        .assert_status(403);
    b.get("/").await.assert_status(200);
    // The office's own origin is fine.
    let own = t.office_url.clone();
    b.post_form_with_headers("/logout", &[], &[("Origin", &own)])
        .await
        .assert_redirect("/login");
}
