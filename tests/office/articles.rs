//! Articles in the office: a site editor writes, publishes and withdraws;
//! bodies are sanitised before they are stored; publishing needs alt text on
//! every image; an information officer writes drafts but cannot publish;
//! the JSON API does the same; every step is in the audit trail.

use dangjian_app::records::AuditFilter;
use dangjian_domain::audit::Outcome;
use dangjian_testkit::{Browser, Reply, TestApp};
use reqwest::Method;
use serde_json::{Value, json};

const DIRTY_BODY: &str =
    r#"<script>alert(1)</script><p onclick="x">正文</p><img src="/media/abc.jpg">"#;
const FIXED_BODY: &str = r#"<p>正文</p><img src="/media/abc.jpg" alt="会场照片">"#;
const NEEDS_ALT: &str = "缺少替代文字";

/// An installation with a site editor and an information officer, both
/// logged in fully, and the id of the default column 党建动态.
struct Setup {
    t: TestApp,
    editor: Browser,
    officer: Browser,
    column: String,
    second_column: String,
}

async fn api_csrf(b: &Browser) -> String {
    let me = b.get("/api/v1/me").await;
    me.assert_status(200);
    me.json()["csrf_token"]
        .as_str()
        .expect("csrf token")
        .to_owned()
}

async fn column_id(t: &TestApp, slug: &str) -> String {
    let mut conn = t.app.store().read().await.expect("connection");
    dangjian_store::columns::columns(&mut conn, t.init_report.site)
        .await
        .expect("columns")
        .into_iter()
        .find(|c| c.slug == slug)
        .unwrap_or_else(|| panic!("no default column {slug}"))
        .id
        .0
        .to_string()
}

/// The system administrator creates `username`, the security administrator
/// grants `role` in `scope`, and the new person logs in fully.
async fn person(
    t: &TestApp,
    sys: &Browser,
    sec: &Browser,
    username: &str,
    role: &str,
    scope: (&str, String),
) -> Browser {
    let csrf = api_csrf(sys).await;
    let body = json!({
        "username": username,
        "display_name": format!("测试{username}"),
        "phone": "13600000000",
        "unit_id": t.init_report.unit.0.to_string(),
    });
    let created = sys
        .send_json(Method::POST, "/api/v1/users", Some(&body), Some(&csrf))
        .await;
    created.assert_status(201);
    let otp = created.json()["one_time_password"]
        .as_str()
        .expect("one-time password")
        .to_owned();
    let id = t.user_id(username).await;
    let (kind, scope_id) = scope;
    let scope_text = format!("{kind}:{scope_id}");
    sec.get(&format!("/users/{id}")).await.assert_status(200);
    sec.post_form(
        &format!("/users/{id}/grants"),
        &[
            ("role", role),
            ("scope", &scope_text),
            ("scope_kind", kind),
            ("scope_id", &scope_id),
        ],
    )
    .await
    .assert_redirect(&format!("/users/{id}?ok=granted"));
    let (browser, _, _) = t.login_fully(username, &otp).await;
    browser
}

async fn setup() -> Setup {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    let sec = t.admin("secadmin").await;
    let site = t.init_report.site.0.to_string();
    let unit = t.init_report.unit.0.to_string();
    let editor = person(
        &t,
        &sys.browser,
        &sec.browser,
        "bianji",
        "site_editor",
        ("site", site),
    )
    .await;
    let officer = person(
        &t,
        &sys.browser,
        &sec.browser,
        "xinxiyuan",
        "info_officer",
        ("unit", unit),
    )
    .await;
    let column = column_id(&t, "dangjian-dongtai").await;
    let second_column = column_id(&t, "gongzuo-yaowen").await;
    Setup {
        t,
        editor,
        officer,
        column,
        second_column,
    }
}

/// Makes the default workflow one without stages, through the office's
/// workflow page, so the editor's submission publishes at once.
async fn publish_directly(t: &TestApp, editor: &Browser) {
    let id = {
        let mut conn = t.app.store().read().await.expect("connection");
        dangjian_store::review::workflows(&mut conn, t.init_report.site)
            .await
            .expect("workflows")
            .into_iter()
            .find(|w| w.is_default)
            .expect("a default workflow")
            .id
    };
    editor
        .post_form(&format!("/workflows/{id}"), &[("name", "直接发布")])
        .await
        .assert_redirect("/workflows?ok=saved");
}

/// The article form's fields.
fn fields<'a>(title: &'a str, column: &'a str, body: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("subtitle", ""),
        ("author", "组织部"),
        ("source", "县委组织部"),
        ("summary", ""),
        ("keywords", "党建"),
        ("primary_column", column),
        ("cover", ""),
        ("video", ""),
        ("attachments", ""),
        ("publish_at", ""),
        ("pinned_until", ""),
        ("external_url", ""),
        ("body", body),
    ]
}

/// The article id a create redirected to.
fn created_id(reply: &Reply) -> i64 {
    reply.assert_redirect("/articles/");
    let location = reply.location().expect("location");
    location
        .trim_start_matches("/articles/")
        .split('?')
        .next()
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("no article id in {location}"))
}

async fn stored_body(t: &TestApp, id: i64) -> String {
    let mut conn = t.app.store().read().await.expect("connection");
    dangjian_store::articles::get(&mut conn, dangjian_domain::article::ArticleId(id))
        .await
        .expect("the article")
        .body_html
}

async fn audit_outcomes(t: &TestApp, action: &str) -> Vec<Outcome> {
    let mut conn = t.app.store().read().await.expect("connection");
    let filter = AuditFilter {
        actor: String::new(),
        action: action.into(),
        from_ms: None,
        until_ms: None,
    };
    let (records, _) = dangjian_store::audit::search(&mut conn, &filter, 0, 1000)
        .await
        .expect("search the trail");
    records
        .into_iter()
        .filter(|r| r.entry.action == action)
        .map(|r| r.entry.outcome)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn articles_an_editor_writes_publishes_and_withdraws() {
    let s = setup().await;
    let (t, b) = (&s.t, &s.editor);
    publish_directly(t, b).await;

    let empty = b.get("/articles").await;
    empty
        .assert_status(200)
        .assert_contains("文章管理")
        .assert_contains("还没有文章")
        .assert_contains("href=\"/articles/new\"");
    let new = b.get("/articles/new").await;
    new.assert_status(200)
        .assert_contains("data-editor")
        .assert_contains("<meta name=\"csrf-token\"")
        .assert_contains("/assets/vendor-wangeditor-editor-")
        .assert_contains("/assets/editor-init-")
        .assert_contains("党建动态")
        .assert_contains("工作要闻");

    // A refused save keeps everything typed, the body too.
    let refused = b
        .post_form("/articles", &fields("", &s.column, "<p>保留的正文内容</p>"))
        .await;
    refused
        .assert_status(422)
        .assert_contains("请填写标题")
        .assert_contains("保留的正文内容")
        .assert_contains("县委组织部");

    // The body is sanitised before it is stored.
    let mut form = fields("基层党建工作推进会", &s.column, DIRTY_BODY);
    form.push(("extra_columns", &s.second_column));
    form.push(("headline", "1"));
    let id = created_id(&b.post_form("/articles", &form).await);
    let body = stored_body(t, id).await;
    assert!(
        !body.contains("<script") && !body.contains("alert(1)"),
        "{body}"
    );
    assert!(!body.contains("onclick"), "{body}");
    assert!(
        body.contains("正文") && body.contains("/media/abc.jpg"),
        "{body}"
    );
    let page = b.get(&format!("/articles/{id}?ok=created")).await;
    page.assert_status(200)
        .assert_contains("草稿已保存")
        .assert_contains("基层党建工作推进会")
        .assert_contains("测试bianji");

    // Publishing is refused while an image has no alt text.
    let publish = format!("/articles/{id}/submit");
    b.post_form(&publish, &[])
        .await
        .assert_status(422)
        .assert_contains(NEEDS_ALT);

    // With the alt text given, it publishes.
    let mut form = fields("基层党建工作推进会", &s.column, FIXED_BODY);
    form.push(("headline", "1"));
    b.post_form(&format!("/articles/{id}"), &form)
        .await
        .assert_redirect(&format!("/articles/{id}?ok=saved"));
    b.get(&format!("/articles/{id}")).await.assert_status(200);
    b.post_form(&publish, &[])
        .await
        .assert_redirect(&format!("/articles/{id}?ok=published"));
    b.get(&format!("/articles/{id}"))
        .await
        .assert_status(200)
        .assert_contains("已发布")
        .assert_contains(&format!("/article/{id}"));
    b.get("/articles")
        .await
        .assert_status(200)
        .assert_contains("基层党建工作推进会")
        .assert_contains("头条");

    // Withdrawing needs a reason.
    let withdraw = format!("/articles/{id}/withdraw");
    b.post_form(&withdraw, &[("reason", " ")])
        .await
        .assert_status(422)
        .assert_contains("请填写撤稿原因");
    b.post_form(&withdraw, &[("reason", "数据有误")])
        .await
        .assert_redirect(&format!("/articles/{id}?ok=withdrawn"));
    b.get(&format!("/articles/{id}"))
        .await
        .assert_status(200)
        .assert_contains("已撤稿")
        .assert_contains("数据有误");
    b.post_form(&withdraw, &[("reason", "再撤一次")])
        .await
        .assert_status(409);

    // Filters.
    let column_filter = format!("/articles?status=withdrawn&column={}&q=推进会", s.column);
    b.get(&column_filter)
        .await
        .assert_status(200)
        .assert_contains("基层党建工作推进会");
    b.get("/articles?status=draft")
        .await
        .assert_status(200)
        .assert_contains("没有符合条件的文章");

    for action in [
        "article.create",
        "article.update",
        "article.submit",
        "article.withdraw",
    ] {
        let outcomes = audit_outcomes(t, action).await;
        assert!(
            outcomes.contains(&Outcome::Success),
            "{action}: {outcomes:?}"
        );
    }
    let publishes = audit_outcomes(t, "article.submit").await;
    assert!(publishes.contains(&Outcome::Failure), "{publishes:?}");
    assert_eq!(t.app.audit_verify().await.expect("verify").fault, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn articles_an_information_officer_writes_and_submits_but_does_not_publish() {
    let s = setup().await;
    let (t, o) = (&s.t, &s.officer);
    o.get("/")
        .await
        .assert_status(200)
        .assert_contains("href=\"/articles\"");
    o.get("/articles").await.assert_status(200);
    o.get("/articles/new").await.assert_status(200);
    let id = created_id(
        &o.post_form("/articles", &fields("乡镇党建信息", &s.column, FIXED_BODY))
            .await,
    );
    let page = o.get(&format!("/articles/{id}")).await;
    page.assert_status(200)
        .assert_contains("乡镇党建信息")
        .assert_contains("提交审核")
        .assert_contains("科室负责人审核");
    o.post_form(
        &format!("/articles/{id}"),
        &fields("乡镇党建信息（修改）", &s.column, FIXED_BODY),
    )
    .await
    .assert_redirect(&format!("/articles/{id}?ok=saved"));
    o.post_form(&format!("/articles/{id}/submit"), &[])
        .await
        .assert_redirect(&format!("/articles/{id}?ok=submitted"));
    o.get(&format!("/articles/{id}"))
        .await
        .assert_status(200)
        .assert_contains("审核中")
        .assert_contains("只有网站编辑可以修改");

    // In review, its author can neither change nor approve it, and the
    // site editor cannot skip the reviewers.
    o.post_form(
        &format!("/articles/{id}"),
        &fields("偷改标题", &s.column, FIXED_BODY),
    )
    .await
    .assert_status(403);
    o.post_form(&format!("/articles/{id}/approve"), &[])
        .await
        .assert_status(403)
        .assert_contains("您不负责该文章当前的审核环节");
    let csrf = api_csrf(o).await;
    o.send_json(
        Method::POST,
        &format!("/api/v1/articles/{id}/approve"),
        Some(&json!({"comment": ""})),
        Some(&csrf),
    )
    .await
    .assert_status(403);
    s.editor
        .post_form(&format!("/articles/{id}/approve"), &[])
        .await
        .assert_status(403);
    o.post_form(&format!("/articles/{id}/withdraw"), &[("reason", "想撤")])
        .await
        .assert_status(403);
    let denied = audit_outcomes(t, "article.approve").await;
    assert!(denied.contains(&Outcome::Denied), "{denied:?}");
    t.public()
        .get(&format!("/article/{id}"))
        .await
        .assert_status(404);
}

fn error_codes(reply: &Reply) -> Vec<String> {
    reply.json()["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter_map(|e| e["code"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn articles_the_api_writes_lists_publishes_and_withdraws() {
    let s = setup().await;
    let b = &s.editor;
    publish_directly(&s.t, b).await;
    let csrf = api_csrf(b).await;
    let send = |method: Method, path: String, body: Option<Value>| {
        let csrf = csrf.clone();
        async move { b.send_json(method, &path, body.as_ref(), Some(&csrf)).await }
    };

    let missing = send(
        Method::POST,
        "/api/v1/articles".into(),
        Some(json!({"title": "", "primary_column_id": "", "body": "x"})),
    )
    .await;
    missing.assert_status(422);
    let codes = error_codes(&missing);
    assert!(
        codes.contains(&"error.article.title_required".to_owned()),
        "{codes:?}"
    );
    assert!(
        codes.contains(&"error.article.column_required".to_owned()),
        "{codes:?}"
    );

    let column: i64 = s.column.parse().expect("column id");
    let created = send(
        Method::POST,
        "/api/v1/articles".into(),
        Some(json!({
            "title": "组织部召开专题会议",
            "primary_column_id": column,
            "publish_at": "2026-01-05T09:30",
            "body": DIRTY_BODY,
        })),
    )
    .await;
    created.assert_status(201);
    let id = created.json()["id"].as_i64().expect("id");

    let list = b.get("/api/v1/articles?status=draft").await;
    list.assert_status(200);
    let items = list.json()["items"].as_array().cloned().unwrap_or_default();
    assert!(items.iter().any(|a| a["id"] == id), "{items:?}");

    let refused = send(Method::POST, format!("/api/v1/articles/{id}/submit"), None).await;
    refused.assert_status(422);
    assert_eq!(error_codes(&refused), ["error.article.images_need_alt"]);

    let second: i64 = s.second_column.parse().expect("column id");
    let changed = send(
        Method::PUT,
        format!("/api/v1/articles/{id}"),
        Some(json!({
            "title": "组织部召开专题会议",
            "primary_column_id": column,
            "extra_column_ids": [second],
            "headline": true,
            "pinned_until": "2026-12-31",
            "body": FIXED_BODY,
        })),
    )
    .await;
    changed.assert_status(200);
    let article = changed.json();
    assert_eq!(article["extra_column_ids"], json!([second]), "{article}");
    assert_eq!(article["headline"], true);
    assert_eq!(article["status"], "draft");

    let published = send(Method::POST, format!("/api/v1/articles/{id}/submit"), None).await;
    published.assert_status(200);
    assert_eq!(published.json()["status"], "published");
    assert_eq!(published.json()["public_path"], format!("/article/{id}"));

    let no_reason = send(
        Method::POST,
        format!("/api/v1/articles/{id}/withdraw"),
        Some(json!({"reason": ""})),
    )
    .await;
    no_reason.assert_status(422);
    assert_eq!(error_codes(&no_reason), ["error.article.reason_required"]);
    let withdrawn = send(
        Method::POST,
        format!("/api/v1/articles/{id}/withdraw"),
        Some(json!({"reason": "重复发布"})),
    )
    .await;
    withdrawn.assert_status(200);
    assert_eq!(withdrawn.json()["status"], "withdrawn");
    assert_eq!(withdrawn.json()["withdrawn_reason"], "重复发布");
    send(
        Method::POST,
        format!("/api/v1/articles/{id}/withdraw"),
        Some(json!({"reason": "再撤"})),
    )
    .await
    .assert_status(409);
    b.get("/api/v1/articles/999999").await.assert_status(404);
}
