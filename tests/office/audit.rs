//! The audit trail after a scripted session: the chain verifies and the
//! logins are in it.

use dangjian_app::records::AuditFilter;
use dangjian_domain::audit::Outcome;
use dangjian_testkit::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_chain_verifies_after_a_session_and_records_the_logins() {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    let sec = t.admin("secadmin").await;
    sys.browser
        .post_form("/logout", &[])
        .await
        .assert_redirect("/login");

    // A failed login, then a login with the second factor.
    let b = t.office();
    b.get("/login").await;
    b.post_form(
        "/login",
        &[("username", "sysadmin"), ("password", "Wrong#Pass1")],
    )
    .await
    .assert_status(401);
    let again = t
        .login_with_totp("sysadmin", &sys.password, &sys.secret)
        .await;
    again.get("/").await.assert_status(200);
    sec.browser.get("/").await.assert_status(200);

    // The audit administrator sees the same verdict in the office.
    let aud = t.admin("auditadmin").await;
    aud.browser
        .get("/audit/verify")
        .await
        .assert_status(200)
        .assert_contains("审计日志完整，未发现删除或篡改");

    let report = t.app.audit_verify().await.expect("verify the chain");
    assert_eq!(report.fault, None, "audit chain broken: {report:?}");
    assert!(report.head_seq > 0);
    assert_eq!(report.verified, report.head_seq);

    let mut conn = t.app.store().read().await.expect("connection");
    let filter = AuditFilter {
        actor: String::new(),
        action: "auth.login".into(),
        from_ms: None,
        until_ms: None,
    };
    let (records, _) = dangjian_store::audit::search(&mut conn, &filter, 0, 1000)
        .await
        .expect("search the trail");
    let count = |name: &str, outcome: Outcome| {
        records
            .iter()
            .filter(|r| {
                r.entry.actor_name == name
                    && r.entry.outcome == outcome
                    && r.entry.action == "auth.login"
            })
            .count()
    };
    assert_eq!(
        count("sysadmin", Outcome::Success),
        2,
        "sysadmin logins: {records:#?}"
    );
    assert_eq!(count("secadmin", Outcome::Success), 1);
    assert_eq!(count("sysadmin", Outcome::Failure), 1);
    assert!(records.iter().all(|r| r.entry.client_addr == "127.0.0.1"));

    let filter = AuditFilter {
        action: "auth.".into(),
        ..filter
    };
    let (records, _) = dangjian_store::audit::search(&mut conn, &filter, 0, 1000)
        .await
        .expect("search the trail");
    let actions: Vec<&str> = records.iter().map(|r| r.entry.action.as_str()).collect();
    for expected in [
        "auth.password_change",
        "auth.totp_enrol",
        "auth.totp",
        "auth.logout",
    ] {
        assert!(actions.contains(&expected), "no {expected} in {actions:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn checking_the_chain_is_itself_audited_and_only_for_the_audit_admin() {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    sys.browser.get("/audit/verify").await.assert_status(403);
    let aud = t.admin("auditadmin").await;
    aud.browser.get("/audit/verify").await.assert_status(200);

    let mut conn = t.app.store().read().await.expect("connection");
    let filter = AuditFilter {
        actor: String::new(),
        action: "audit.verify".into(),
        from_ms: None,
        until_ms: None,
    };
    let (records, _) = dangjian_store::audit::search(&mut conn, &filter, 0, 100)
        .await
        .expect("search the trail");
    let outcomes: Vec<(&str, Outcome)> = records
        .iter()
        .map(|r| (r.entry.actor_name.as_str(), r.entry.outcome))
        .collect();
    assert!(
        outcomes.contains(&("sysadmin", Outcome::Denied)),
        "{outcomes:?}"
    );
    assert!(
        outcomes.contains(&("auditadmin", Outcome::Success)),
        "{outcomes:?}"
    );
}
