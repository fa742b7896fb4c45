//! The JSON API under `/api/v1` as a client sees it: the session cookie and
//! the `X-CSRF-Token` header, JSON bodies, `application/problem+json`
//! errors in the reader's language, and 三员分立 as on the pages.

use dangjian_testkit::{Browser, Reply, TestApp};
use reqwest::Method;
use reqwest::header::CONTENT_TYPE;
use serde_json::{Value, json};

const PROBLEM_JSON: &str = "application/problem+json";
const JSON: &str = "application/json";

fn content_type(reply: &Reply) -> &str {
    reply
        .headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// Asserts a successful JSON reply with `status`; returns its body.
#[track_caller]
fn ok_json(reply: &Reply, status: u16) -> Value {
    reply.assert_status(status);
    assert!(
        content_type(reply).starts_with(JSON),
        "expected {JSON}, got {:?}: {}",
        content_type(reply),
        reply.body
    );
    reply.json()
}

/// Asserts a problem+json reply with `status` and `code`; returns its body.
#[track_caller]
fn problem(reply: &Reply, status: u16, code: &str) -> Value {
    reply.assert_status(status);
    assert!(
        content_type(reply).starts_with(PROBLEM_JSON),
        "expected {PROBLEM_JSON}, got {:?}: {}",
        content_type(reply),
        reply.body
    );
    let body = reply.json();
    assert_eq!(body["status"], json!(status), "problem body: {body}");
    assert_eq!(body["code"], json!(code), "problem body: {body}");
    let title = body["title"].as_str().unwrap_or_default();
    assert!(
        !title.is_empty() && title != code,
        "the problem has no readable title: {body}"
    );
    body
}

/// The `message` of the field error on `field`, if any.
fn field_message(problem: &Value, field: &str) -> Option<String> {
    problem["errors"]
        .as_array()?
        .iter()
        .find(|e| e["field"] == field)
        .and_then(|e| e["message"].as_str())
        .map(str::to_owned)
}

fn has_chinese(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The session's CSRF token, as `GET /api/v1/me` tells it.
async fn api_csrf(browser: &Browser) -> String {
    let me = ok_json(&browser.get("/api/v1/me").await, 200);
    let token = me["csrf_token"].as_str().unwrap_or_default().to_owned();
    assert!(!token.is_empty(), "no csrf_token in /api/v1/me: {me}");
    token
}

/// The names of the units `GET /api/v1/units` lists.
async fn unit_names(browser: &Browser) -> Vec<String> {
    let units = ok_json(&browser.get("/api/v1/units").await, 200);
    units
        .as_array()
        .unwrap_or_else(|| panic!("units is not a list: {units}"))
        .iter()
        .map(|u| u["name"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_session_the_api_answers_401_problem_json() {
    let t = TestApp::start().await;
    let b = t.office();

    let me = problem(&b.get("/api/v1/me").await, 401, "error.unauthenticated");
    assert_eq!(me["title"], "请先登录。", "default language is Chinese");
    assert!(me["errors"].as_array().is_some_and(Vec::is_empty));

    problem(&b.get("/api/v1/units").await, 401, "error.unauthenticated");
    let english = b
        .send_json_with_headers(
            Method::GET,
            "/api/v1/audit",
            None,
            &[("Accept-Language", "en-US,en;q=0.9")],
        )
        .await;
    let english = problem(&english, 401, "error.unauthenticated");
    assert_eq!(english["title"], "Please log in first.");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_system_administrator_manages_units_over_the_api() {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    let b = &sys.browser;

    let me = ok_json(&b.get("/api/v1/me").await, 200);
    assert_eq!(me["username"], "sysadmin");
    assert_eq!(me["id"], json!(t.user_id("sysadmin").await));
    assert!(
        me["roles"]
            .as_array()
            .is_some_and(|r| r.iter().any(|r| r["role"] == "system_admin")),
        "roles: {me}"
    );
    let csrf = api_csrf(b).await;

    // Create a unit.
    let unit = json!({"name": "管头镇党委", "kind": "township"});
    let created = b
        .send_json(Method::POST, "/api/v1/units", Some(&unit), Some(&csrf))
        .await;
    let id = ok_json(&created, 201)["id"]
        .as_i64()
        .unwrap_or_else(|| panic!("no id: {}", created.body));
    let path = format!("/api/v1/units/{id}");
    assert!(unit_names(b).await.contains(&"管头镇党委".to_owned()));
    let one = ok_json(&b.get(&path).await, 200);
    assert_eq!(one["name"], "管头镇党委");
    assert_eq!(one["kind"], "township");
    assert_eq!(one["section_count"], 0);

    // Without the header, or with another token, nothing is written.
    let before = unit_names(b).await;
    let bare = json!({"name": "城关镇党委", "kind": "township"});
    let refused = b
        .send_json(Method::POST, "/api/v1/units", Some(&bare), None)
        .await;
    let body = problem(&refused, 403, "error.csrf");
    assert!(has_chinese(body["title"].as_str().unwrap_or_default()));
    let forged = b
        .send_json(
            Method::POST,
            "/api/v1/units",
            Some(&bare),
            Some("0000000000000000"),
        )
        .await;
    problem(&forged, 403, "error.csrf");
    assert_eq!(unit_names(b).await, before, "a refused POST wrote a unit");

    // Invalid fields: 422 naming each field, in the reader's language.
    let invalid = json!({"name": "  ", "kind": "village"});
    let reply = b
        .send_json(Method::POST, "/api/v1/units", Some(&invalid), Some(&csrf))
        .await;
    let zh = problem(&reply, 422, "error.invalid");
    let name = field_message(&zh, "name").unwrap_or_else(|| panic!("no name error: {zh}"));
    let kind = field_message(&zh, "kind").unwrap_or_else(|| panic!("no kind error: {zh}"));
    assert_eq!(name, "请填写名称。");
    assert_eq!(kind, "请选择单位类型。");
    let reply = b
        .send_json_with_headers(
            Method::POST,
            "/api/v1/units",
            Some(&invalid),
            &[("X-CSRF-Token", &csrf), ("Accept-Language", "en")],
        )
        .await;
    let en = problem(&reply, 422, "error.invalid");
    assert_eq!(field_message(&en, "name").as_deref(), Some("Enter a name."));
    assert_eq!(
        field_message(&en, "kind").as_deref(),
        Some("Choose the kind of unit.")
    );
    assert!(!has_chinese(en["title"].as_str().unwrap_or_default()));
    assert_eq!(unit_names(b).await, before, "an invalid POST wrote a unit");

    // A name already taken is a field error too.
    let taken = b
        .send_json(Method::POST, "/api/v1/units", Some(&unit), Some(&csrf))
        .await;
    let taken = problem(&taken, 422, "error.invalid");
    assert!(field_message(&taken, "name").is_some(), "{taken}");

    // Malformed JSON, and JSON of the wrong shape.
    let malformed = b
        .send(
            b.request(Method::POST, "/api/v1/units")
                .header("X-CSRF-Token", &csrf)
                .header(CONTENT_TYPE, JSON)
                .body("{\"name\": \"管头镇"),
        )
        .await;
    problem(&malformed, 400, "error.bad_request");
    let wrong_shape = b
        .send_json(
            Method::POST,
            "/api/v1/units",
            Some(&json!({"name": ["管头镇党委"], "kind": "township"})),
            Some(&csrf),
        )
        .await;
    problem(&wrong_shape, 400, "error.bad_request");
    let fields_as_a_list = b
        .send_json(
            Method::POST,
            "/api/v1/units",
            Some(&json!(["昌宁镇党委", "township"])),
            Some(&csrf),
        )
        .await;
    problem(&fields_as_a_list, 400, "error.bad_request");

    // Change it, then delete it.
    let renamed = json!({"name": "管头镇党委（新）", "kind": "township", "sort_order": 3});
    let put = b
        .send_json(Method::PUT, &path, Some(&renamed), Some(&csrf))
        .await;
    put.assert_status(204);
    assert!(put.body.is_empty(), "204 with a body: {}", put.body);
    let one = ok_json(&b.get(&path).await, 200);
    assert_eq!(one["name"], "管头镇党委（新）");
    assert_eq!(one["sort_order"], 3);

    b.send_json(Method::DELETE, &path, None, None)
        .await
        .assert_status(403);
    let deleted = b.send_json(Method::DELETE, &path, None, Some(&csrf)).await;
    deleted.assert_status(204);
    problem(&b.get(&path).await, 404, "error.not_found");
    let names = unit_names(b).await;
    assert!(
        !names.iter().any(|n| n.starts_with("管头镇党委")),
        "deleted unit still listed: {names:?}"
    );
    let again = b.send_json(Method::DELETE, &path, None, Some(&csrf)).await;
    problem(&again, 404, "error.not_found");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_three_administrators_are_separated_over_the_api() {
    let t = TestApp::start().await;
    let unit = t.init_report.unit.0;
    let site = t.init_report.site.0;
    let sys = t.admin("sysadmin").await;
    let sec = t.admin("secadmin").await;
    let aud = t.admin("auditadmin").await;
    let sys_id = t.user_id("sysadmin").await;
    let sec_id = t.user_id("secadmin").await;
    let (s, b, a) = (&sys.browser, &sec.browser, &aud.browser);
    let (s_csrf, b_csrf, a_csrf) = (api_csrf(s).await, api_csrf(b).await, api_csrf(a).await);

    // The audit administrator does not manage the organisation.
    let unit_body = json!({"name": "审计办", "kind": "county"});
    let refused = a
        .send_json(
            Method::POST,
            "/api/v1/units",
            Some(&unit_body),
            Some(&a_csrf),
        )
        .await;
    problem(&refused, 403, "error.forbidden");
    assert!(!unit_names(a).await.contains(&"审计办".to_owned()));

    // The security administrator does not create accounts …
    let account = |username: &str, name: &str| {
        json!({
            "username": username,
            "display_name": name,
            "phone": "13800000000",
            "unit_id": unit,
        })
    };
    let refused = b
        .send_json(
            Method::POST,
            "/api/v1/users",
            Some(&account("lisi", "李四")),
            Some(&b_csrf),
        )
        .await;
    problem(&refused, 403, "error.forbidden");
    let found = ok_json(&s.get("/api/v1/users?search=lisi").await, 200);
    assert_eq!(found, json!([]), "the refused account exists");

    // … the system administrator does, and grants nothing.
    let created = s
        .send_json(
            Method::POST,
            "/api/v1/users",
            Some(&account("zhangsan", "张三")),
            Some(&s_csrf),
        )
        .await;
    let zhang = ok_json(&created, 201)["id"].as_i64().expect("user id");
    let info_officer = json!({"role": "info_officer", "scope_kind": "unit", "scope_id": unit});
    let grants = format!("/api/v1/users/{zhang}/grants");
    let refused = s
        .send_json(Method::POST, &grants, Some(&info_officer), Some(&s_csrf))
        .await;
    problem(&refused, 403, "error.forbidden");

    // Nobody grants to themselves.
    let own = b
        .send_json(
            Method::POST,
            &format!("/api/v1/users/{sec_id}/grants"),
            Some(&info_officer),
            Some(&b_csrf),
        )
        .await;
    let own = problem(&own, 403, "error.grant.own_account");
    assert_eq!(own["title"], "不能给自己授予或收回角色。");

    // No account holds two of the three roles.
    let audit_role =
        json!({"role": "audit_admin", "scope_kind": "site", "scope_id": site.to_string()});
    let conflict = b
        .send_json(
            Method::POST,
            &format!("/api/v1/users/{sys_id}/grants"),
            Some(&audit_role),
            Some(&b_csrf),
        )
        .await;
    let conflict = problem(&conflict, 403, "error.grant.tripartite_conflict");
    assert!(
        conflict["title"]
            .as_str()
            .is_some_and(|t| t.contains("三员分立")),
        "{conflict}"
    );

    // What the security administrator may do, works.
    let granted = b
        .send_json(Method::POST, &grants, Some(&info_officer), Some(&b_csrf))
        .await;
    let grant_id = ok_json(&granted, 201)["id"].as_i64().expect("grant id");
    let detail = ok_json(&b.get(&format!("/api/v1/users/{zhang}")).await, 200);
    let held = detail["grants"].as_array().expect("grants list");
    assert!(
        held.iter()
            .any(|g| g["id"] == grant_id && g["role"] == "info_officer"),
        "{detail}"
    );
    let sys_detail = ok_json(&b.get(&format!("/api/v1/users/{sys_id}")).await, 200);
    assert!(
        !sys_detail["grants"]
            .as_array()
            .expect("grants list")
            .iter()
            .any(|g| g["role"] == "audit_admin"),
        "the refused grant was stored: {sys_detail}"
    );

    // Only the audit administrator reads the trail.
    problem(&s.get("/api/v1/audit").await, 403, "error.forbidden");
    problem(&b.get("/api/v1/audit").await, 403, "error.forbidden");
    problem(&s.get("/api/v1/audit/verify").await, 403, "error.forbidden");
    let page = ok_json(&a.get("/api/v1/audit?action=grant.add").await, 200);
    let records = page["records"].as_array().expect("records list");
    assert_eq!(page["total"], json!(records.len()), "{page}");
    // `init` granted the three roles from the console; the rest is ours.
    let ours: Vec<_> = records
        .iter()
        .filter(|r| r["actor_name"] != "console")
        .collect();
    let denied = ours.iter().filter(|r| r["outcome"] == "denied").count();
    let succeeded = ours.iter().filter(|r| r["outcome"] == "success").count();
    assert_eq!((denied, succeeded), (3, 1), "grant records: {page}");
    assert!(
        ours.iter()
            .any(|r| r["actor_name"] == "sysadmin" && r["outcome"] == "denied"),
        "the system administrator's refusal is not recorded: {page}"
    );
    assert!(records.iter().all(|r| r["action"] == "grant.add"), "{page}");
    let all = ok_json(&a.get("/api/v1/audit").await, 200);
    assert!(all["total"].as_i64().unwrap_or_default() > 4, "{all}");
    assert!(
        all["records"]
            .as_array()
            .expect("records")
            .iter()
            .any(|r| r["actor_name"] == "sysadmin"),
        "{all}"
    );
    let verify = ok_json(&a.get("/api/v1/audit/verify").await, 200);
    assert!(verify["fault"].is_null(), "{verify}");
    assert!(
        verify["verified"].as_i64().unwrap_or_default() > 0,
        "{verify}"
    );
    assert_eq!(verify["verified"], verify["head_seq"], "{verify}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_account_created_over_the_api_logs_in_on_the_office() {
    let t = TestApp::start().await;
    let unit = t.init_report.unit.0;
    let sys = t.admin("sysadmin").await;
    let s = &sys.browser;
    let csrf = api_csrf(s).await;

    let body = json!({
        "username": "wangwu",
        "display_name": "王五",
        "phone": "13700000000",
        "unit_id": unit.to_string(),
    });
    let created = s
        .send_json(Method::POST, "/api/v1/users", Some(&body), Some(&csrf))
        .await;
    let created = ok_json(&created, 201);
    let id = created["id"].as_i64().expect("user id");
    assert_eq!(id, t.user_id("wangwu").await);
    let otp = created["one_time_password"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(otp.len() >= 8, "one-time password too short: {created}");

    let user = ok_json(&s.get(&format!("/api/v1/users/{id}")).await, 200);
    assert_eq!(user["user"]["username"], "wangwu");
    assert_eq!(user["user"]["display_name"], "王五");
    assert_eq!(user["user"]["unit_id"], unit);
    assert_eq!(user["user"]["must_change_password"], true);

    // The person logs in with it and must choose a password first.
    let w = t.office();
    w.get("/login").await.assert_status(200);
    w.post_form(
        "/login",
        &[("username", "wangwu"), ("password", "wrong-Pass1")],
    )
    .await
    .assert_status(401)
    .assert_contains("用户名或密码错误");
    w.post_form("/login", &[("username", "wangwu"), ("password", &otp)])
        .await
        .assert_redirect("/account/password");
    w.get("/account/password").await.assert_status(200);
    // Until then the API is closed to them.
    problem(&w.get("/api/v1/me").await, 403, "error.login.incomplete");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_openapi_document_describes_the_api() {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    let reply = sys.browser.get("/api/v1/openapi.json").await;
    let doc = ok_json(&reply, 200);
    let version = doc["openapi"].as_str().unwrap_or_default();
    assert!(version.starts_with("3."), "openapi version {version:?}");
    let paths = doc["paths"]
        .as_object()
        .unwrap_or_else(|| panic!("no paths object: {}", reply.body));
    for path in [
        "/api/v1/me",
        "/api/v1/units",
        "/api/v1/units/{id}",
        "/api/v1/users/{id}/grants",
        "/api/v1/audit/verify",
    ] {
        assert!(paths.contains_key(path), "{path} is not documented");
    }
    assert!(paths["/api/v1/units"]["post"].is_object());
    assert!(paths["/api/v1/users/{id}/grants"]["post"].is_object());
    let schemes = &doc["components"]["securitySchemes"];
    assert!(schemes["csrf"].is_object(), "{schemes}");
}
