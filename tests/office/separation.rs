//! 三员分立: each of the three administrators can do only their part, nobody
//! grants to themselves, and no account holds two of the three roles.

use dangjian_app::records::AuditFilter;
use dangjian_domain::audit::Outcome;
use dangjian_testkit::TestApp;

const SEPARATION: &str = "三员分立";
const OWN_ACCOUNT: &str = "不能给自己授予或收回角色";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_administrator_is_refused_what_is_not_theirs() {
    let t = TestApp::start().await;
    let unit = t.init_report.unit.0.to_string();
    let site = t.init_report.site.0.to_string();
    let sys = t.admin("sysadmin").await;
    let sec = t.admin("secadmin").await;
    let aud = t.admin("auditadmin").await;
    let sys_id = t.user_id("sysadmin").await;
    let sec_id = t.user_id("secadmin").await;

    // The system administrator creates an account (that is their part) …
    let s = &sys.browser;
    s.get("/users/new").await.assert_status(200);
    let created = s
        .post_form(
            "/users",
            &[
                ("username", "zhangsan"),
                ("display_name", "张三"),
                ("phone", "13800000000"),
                ("unit_id", &unit),
                ("section_id", ""),
            ],
        )
        .await;
    created.assert_status(200).assert_contains("zhangsan");
    let zhang = t.user_id("zhangsan").await;

    // … but cannot grant roles, nor read the audit trail.
    let unit_scope = format!("unit:{unit}");
    let grant = [
        ("role", "info_officer"),
        ("scope", unit_scope.as_str()),
        ("scope_kind", "unit"),
        ("scope_id", unit.as_str()),
    ];
    s.post_form(&format!("/users/{zhang}/grants"), &grant)
        .await
        .assert_status(403);
    s.get("/audit").await.assert_status(403);
    s.get("/audit/export.csv").await.assert_status(403);
    s.get("/grants").await.assert_status(403);

    // The security administrator cannot create accounts nor read the trail.
    let b = &sec.browser;
    b.get("/").await.assert_status(200);
    b.post_form(
        "/users",
        &[
            ("username", "lisi"),
            ("display_name", "李四"),
            ("phone", "13900000000"),
            ("unit_id", &unit),
            ("section_id", ""),
        ],
    )
    .await
    .assert_status(403);
    assert!(
        dangjian_store::users::credentials(&mut t.app.store().read().await.expect("conn"), "lisi")
            .await
            .expect("look up")
            .is_none(),
        "the refused account was created anyway"
    );
    b.get("/audit").await.assert_status(403);

    // The audit administrator sees neither accounts nor settings.
    let a = &aud.browser;
    a.get("/users").await.assert_status(403);
    a.get("/users/new").await.assert_status(403);
    a.get("/settings").await.assert_status(403);
    a.get("/audit")
        .await
        .assert_status(200)
        .assert_contains("sysadmin");

    // Nobody grants to themselves.
    let own = b
        .post_form(&format!("/users/{sec_id}/grants"), &grant)
        .await;
    own.assert_status(403).assert_contains(OWN_ACCOUNT);

    // No account holds two of the three roles.
    let site_scope = format!("site:{site}");
    let audit_role = [
        ("role", "audit_admin"),
        ("scope", site_scope.as_str()),
        ("scope_kind", "site"),
        ("scope_id", site.as_str()),
    ];
    let conflict = b
        .post_form(&format!("/users/{sys_id}/grants"), &audit_role)
        .await;
    conflict.assert_status(403).assert_contains(SEPARATION);

    // What the security administrator may do, works.
    b.post_form(&format!("/users/{zhang}/grants"), &grant)
        .await
        .assert_redirect(&format!("/users/{zhang}?ok=granted"));
    b.get(&format!("/users/{zhang}"))
        .await
        .assert_status(200)
        .assert_contains("信息员");

    // Every refusal is in the audit trail.
    let mut conn = t.app.store().read().await.expect("connection");
    let filter = AuditFilter {
        actor: String::new(),
        action: "grant.add".into(),
        from_ms: None,
        until_ms: None,
    };
    let (records, _) = dangjian_store::audit::search(&mut conn, &filter, 0, 1000)
        .await
        .expect("search the trail");
    let denied = records
        .iter()
        .filter(|r| r.entry.outcome == Outcome::Denied)
        .count();
    assert_eq!(denied, 3, "grant refusals recorded: {records:#?}");
    drop(conn);
    let report = t.app.audit_verify().await.expect("verify");
    assert_eq!(report.fault, None);
}
