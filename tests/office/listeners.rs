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
    let missing = public.get("/metrics").await;
    missing.assert_status(404);
    // Error pages are dressed like every other answer.
    for name in [
        "content-security-policy",
        "x-content-type-options",
        "x-request-id",
    ] {
        assert!(missing.headers.contains_key(name), "404 lacks {name}");
    }
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

/// The default public address `[::]` answers on IPv6 and IPv4 alike.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unspecified_ipv6_address_serves_ipv4_and_ipv6() {
    let t = TestApp::start().await;
    let options = dangjian_web::WebOptions {
        public_addr: "[::]:0".parse().expect("address"),
        office_addr: "127.0.0.1:0".parse().expect("address"),
        secure_cookies: false,
        trusted_proxies: Vec::new(),
    };
    let server = dangjian_web::bind(t.app.clone(), options)
        .await
        .expect("bind");
    let port = server.public_addr().expect("address").port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    for host in ["127.0.0.1", "[::1]"] {
        let reply = reqwest::get(format!("http://{host}:{port}/healthz"))
            .await
            .unwrap_or_else(|e| panic!("{host}: {e}"));
        assert_eq!(reply.status(), 200, "{host}");
    }
    let _ = stop.send(());
    running.await.expect("join").expect("serve");
}
