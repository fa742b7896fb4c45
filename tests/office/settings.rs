//! Security settings: the system administrator changes them, the change is
//! audited and takes effect; values out of range are refused beside the field.

use dangjian_app::records::AuditFilter;
use dangjian_testkit::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lower_lockout_threshold_takes_effect_and_is_audited() {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    sys.browser.get("/settings").await.assert_status(200);
    sys.browser
        .post_form(
            "/settings",
            &[
                ("security.lockout_account_failures", "3"),
                ("security.lockout_address_failures", "20"),
                ("security.lockout_window_minutes", "15"),
                ("security.idle_timeout_minutes", "30"),
                ("security.password_expiry_days", "90"),
            ],
        )
        .await
        .assert_redirect("/settings?ok=saved");

    let b = t.office();
    b.get("/login").await;
    for _ in 0..3 {
        b.post_form(
            "/login",
            &[("username", "secadmin"), ("password", "Wrong#Pass1")],
        )
        .await;
    }
    let otp = t.one_time_password("secadmin");
    b.post_form("/login", &[("username", "secadmin"), ("password", &otp)])
        .await
        .assert_status(401)
        .assert_contains("锁定");

    let mut conn = t.app.store().read().await.expect("connection");
    let filter = AuditFilter {
        actor: "sysadmin".into(),
        action: "setting.update".into(),
        from_ms: None,
        until_ms: None,
    };
    let (records, _) = dangjian_store::audit::search(&mut conn, &filter, 0, 10)
        .await
        .expect("search the trail");
    let details: Vec<&str> = records.iter().map(|r| r.entry.detail.as_str()).collect();
    assert!(details.contains(&"5 -> 3"), "{details:?}");
    assert!(details.contains(&"5 -> 20"), "{details:?}");
    assert_eq!(
        records.len(),
        2,
        "unchanged values are not recorded: {details:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_out_of_range_value_is_refused_beside_its_field_with_the_input_kept() {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    sys.browser.get("/settings").await.assert_status(200);
    sys.browser
        .post_form(
            "/settings",
            &[
                ("security.lockout_account_failures", "5"),
                ("security.lockout_address_failures", "5"),
                ("security.lockout_window_minutes", "15"),
                ("security.idle_timeout_minutes", "600"),
                ("security.password_expiry_days", "90"),
            ],
        )
        .await
        .assert_status(422)
        .assert_contains("数值超出允许范围")
        .assert_contains("value=\"600\"");
    assert_eq!(
        t.app
            .security_policy()
            .await
            .expect("policy")
            .idle_timeout_minutes,
        30
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_password_must_be_changed_at_the_next_login() {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    sys.browser
        .post_form("/logout", &[])
        .await
        .assert_redirect("/login");
    t.clock.advance_minutes(91 * 24 * 60);
    let b = t.office();
    b.get("/login").await;
    b.post_form(
        "/login",
        &[("username", "sysadmin"), ("password", &sys.password)],
    )
    .await
    .assert_redirect("/login/totp");
    b.get("/login/totp").await.assert_status(200);
    t.next_totp_step();
    b.post_form("/login/totp", &[("code", &t.totp_code(&sys.secret))])
        .await
        .assert_redirect("/account/password");
    b.get("/").await.assert_redirect("/account/password");
    b.get("/account/password")
        .await
        .assert_status(200)
        .assert_contains("密码已过期");
}

/// The upload limits are on the same page and saved like the rest.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upload_limits_are_set_on_the_settings_page() {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    sys.browser
        .get("/settings")
        .await
        .assert_status(200)
        .assert_contains("图片上传大小上限");
    sys.browser
        .post_form("/settings", &[("media.max_image_mb", "5")])
        .await
        .assert_redirect("/settings?ok=saved");
    assert_eq!(t.app.media_policy().await.expect("policy").max_image_mb, 5);
    sys.browser
        .post_form("/settings", &[("media.max_image_mb", "0")])
        .await
        .assert_status(422)
        .assert_contains("数值超出允许范围")
        .assert_contains("value=\"0\"");
}
