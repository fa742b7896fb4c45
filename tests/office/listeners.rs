//! Two listeners: nothing of the office answers on the public one.

use dangjian_testkit::TestApp;
use reqwest::Method;

const OFFICE_PATHS: [&str; 18] = [
    "/login",
    "/login/totp",
    "/logout",
    "/account/password",
    "/account/totp",
    "/users",
    "/users/new",
    "/users/1",
    "/grants",
    "/org/units",
    "/audit",
    "/audit/export.csv",
    "/audit/verify",
    "/settings",
    "/metrics",
    "/api/v1/me",
    "/api/v1/openapi.json",
    "/api/v1/users",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn office_paths_are_not_found_on_the_public_listener() {
    let t = TestApp::start().await;
    let public = t.public();
    let mut wrong = Vec::new();
    for path in OFFICE_PATHS {
        for method in [Method::GET, Method::POST] {
            let reply = public
                .send(
                    public
                        .request(method.clone(), path)
                        .form(&[("username", "sysadmin")]),
                )
                .await;
            if reply.status != 404 {
                wrong.push(format!("{method} {path} -> {}", reply.status));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "office paths answering on the public listener: {wrong:#?}"
    );
    // Even with a valid office session cookie (cookies do not depend on
    // the port) the public side knows nothing of the office.
    let admin = t.admin("sysadmin").await;
    for path in ["/users", "/api/v1/me", "/login"] {
        let url = format!("{}{path}", t.public_url);
        admin.browser.get(&url).await.assert_status(404);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_on_both_listeners_metrics_on_the_office_only() {
    let t = TestApp::start().await;
    let public = t.public();
    let office = t.office();
    public
        .get("/healthz")
        .await
        .assert_status(200)
        .assert_contains("ok");
    office
        .get("/healthz")
        .await
        .assert_status(200)
        .assert_contains("ok");
    let metrics = office.get("/metrics").await;
    metrics.assert_status(200);
    public.get("/metrics").await.assert_status(404);
    // The office pages themselves answer on the office listener.
    office
        .get("/login")
        .await
        .assert_status(200)
        .assert_contains("登录");
    office
        .get("/no/such/page")
        .await
        .assert_status(404)
        .assert_contains("页面不存在");
}
