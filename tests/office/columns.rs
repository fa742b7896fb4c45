//! The column tree (栏目): the default tree `init` lays out, and the site
//! editor building, rearranging and pruning it on the pages and over the
//! API — with every refusal explained and every change audited.

use dangjian_app::records::AuditFilter;
use dangjian_domain::audit::Outcome;
use dangjian_testkit::{Browser, Reply, TestApp, api_csrf};
use reqwest::Method;
use serde_json::{Value, json};

/// A running installation with a logged-in site editor and the system
/// administrator (who must be refused).
struct Setup {
    t: TestApp,
    editor: Browser,
    csrf: String,
    sysadmin: Browser,
}

/// The site editor is a new account (created by the system administrator)
/// granted `site_editor` by the security administrator, then logged in
/// fully (the role requires TOTP).
async fn setup() -> Setup {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    let sec = t.admin("secadmin").await;
    let editor = t
        .person_with_role(&sys, &sec, "lanmu", "栏目编辑", "site_editor")
        .await
        .browser;
    let csrf = api_csrf(&editor).await;
    Setup {
        t,
        editor,
        csrf,
        sysadmin: sys.browser,
    }
}

/// The tree as the API lists it.
async fn tree(b: &Browser) -> Vec<Value> {
    let reply = b.get("/api/v1/columns").await;
    reply.assert_status(200);
    reply.json().as_array().expect("a list").clone()
}

fn by_slug<'a>(tree: &'a [Value], slug: &str) -> &'a Value {
    tree.iter()
        .find(|c| c["slug"] == slug)
        .unwrap_or_else(|| panic!("no column {slug}"))
}

/// The id in a redirect to `/columns?ok=created#column-{id}`.
fn created_id(reply: &Reply) -> String {
    reply.assert_redirect("/columns?ok=created");
    let location = reply.location().unwrap_or_default();
    location
        .rsplit("#column-")
        .next()
        .unwrap_or_default()
        .to_owned()
}

/// A new-column form with the usual fields.
fn column_form<'a>(name: &'a str, slug: &'a str, parent: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("parent_id", parent),
        ("name", name),
        ("slug", slug),
        ("kind", "article_list"),
        ("owner_section_id", ""),
        ("update_period_days", "7"),
        ("external_url", ""),
        ("description", ""),
    ]
}

/// Audit records of `action` with `outcome`.
async fn audited(t: &TestApp, action: &str, outcome: Outcome) -> usize {
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
        .iter()
        .filter(|r| r.entry.action == action && r.entry.outcome == outcome)
        .count()
}

const DEFAULT_NAMES: [&str; 15] = [
    "党建动态",
    "重要讲话",
    "政策条例",
    "干部管理",
    "组织建设",
    "人才天地",
    "公开选拔",
    "上级文件",
    "领导讲话",
    "视频在线",
    "它山之石",
    "公告公示",
    "部长信箱",
    "资料下载",
    "在线学习",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_lays_out_the_default_tree_for_the_editor_only() {
    let s = setup().await;
    let columns = tree(&s.editor).await;
    let main = columns.iter().filter(|c| c["depth"] == 1).count();
    let sub = columns.iter().filter(|c| c["depth"] == 2).count();
    assert_eq!((main, sub, columns.len()), (14, 33, 47), "{columns:#?}");
    let names: Vec<&str> = columns.iter().filter_map(|c| c["name"].as_str()).collect();
    for name in DEFAULT_NAMES {
        assert!(names.contains(&name), "{name} missing from {names:?}");
    }
    for (slug, kind) in [
        ("gongkai-xuanba", "special_topic"),
        ("shipin-zaixian", "video_list"),
        ("gonggao-gongshi", "notice_board"),
        ("buzhang-xinxiang", "single_page"),
        ("ziliao-xiazai", "download_list"),
        ("dangjian-dongtai", "article_list"),
    ] {
        assert_eq!(by_slug(&columns, slug)["kind"], kind, "{slug}");
    }
    assert!(
        columns.iter().all(|c| c["owner_section_name"].is_string()),
        "every default column has an owning section"
    );
    assert_eq!(
        by_slug(&columns, "dangjian-dongtai")["update_period_days"],
        7
    );
    assert_eq!(
        by_slug(&columns, "buzhang-xinxiang")["update_period_days"],
        0
    );
    // Display order: a main column is followed by its own sub-columns.
    let first = &columns[0];
    assert_eq!(first["name"], "党建动态");
    assert_eq!(columns[1]["parent_id"], first["id"]);

    // The department's ten sections exist in the first unit.
    let sections =
        s.t.app
            .sections(s.t.init_report.site)
            .await
            .expect("sections");
    assert_eq!(sections.len(), 10);
    assert!(sections.iter().any(|x| x.name == "干部监督科"));

    // The tree page shows it, nested.
    let page = s.editor.get("/columns").await;
    page.assert_status(200)
        .assert_contains("党建动态")
        .assert_contains("/column/gongzuo-yaowen")
        .assert_contains("信息中心")
        .assert_contains("<ul>");
    s.editor.get("/").await.assert_contains("href=\"/columns\"");

    // The system administrator has no part in the site's columns.
    let sys = &s.sysadmin;
    sys.get("/columns").await.assert_status(403);
    sys.get("/api/v1/columns").await.assert_status(403);
    let body = json!({"name": "越权", "slug": "yuequan", "kind": "article_list"});
    let sys_csrf = api_csrf(sys).await;
    sys.send_json(
        Method::POST,
        "/api/v1/columns",
        Some(&body),
        Some(&sys_csrf),
    )
    .await
    .assert_status(403);
    assert!(!sys.get("/").await.contains("href=\"/columns\""));
    assert!(audited(&s.t, "column.create", Outcome::Denied).await >= 1);
    assert_eq!(tree(&s.editor).await.len(), 47);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_editor_builds_and_rearranges_the_tree_on_the_pages() {
    let s = setup().await;
    let b = &s.editor;
    b.get("/columns").await.assert_status(200);

    // Three levels: 测试专栏 → 二级 → 三级.
    let top = created_id(
        &b.post_form("/columns", &column_form("测试专栏", "ceshi", ""))
            .await,
    );
    let second = created_id(
        &b.post_form("/columns", &column_form("二级栏目", "erji", &top))
            .await,
    );
    let third = created_id(
        &b.post_form("/columns", &column_form("三级栏目", "sanji", &second))
            .await,
    );
    let other = created_id(
        &b.post_form("/columns", &column_form("另一栏目", "lingyi", ""))
            .await,
    );

    // A fourth level is refused, beside the parent field, input kept.
    let deep = b
        .post_form("/columns", &column_form("四级栏目", "siji", &third))
        .await;
    deep.assert_status(422)
        .assert_contains("栏目最多三级")
        .assert_contains("value=\"siji\"")
        .assert_contains("parent_id-error");

    // A duplicate slug: the message is beside the slug field, input kept.
    let dup = b
        .post_form("/columns", &column_form("重名标识", "ceshi", ""))
        .await;
    dup.assert_status(422)
        .assert_contains("slug-error")
        .assert_contains("该网址标识已被其他栏目使用")
        .assert_contains("value=\"重名标识\"");
    let bad = b
        .post_form("/columns", &column_form("坏标识", "Bad Slug!", ""))
        .await;
    bad.assert_status(422)
        .assert_contains("网址标识须为 1–64 位小写字母")
        .assert_contains("value=\"Bad Slug!\"");

    // An external link needs a real http(s) address.
    let mut link = column_form("中国共产党新闻网", "renminwang", "");
    link[3] = ("kind", "external_link");
    b.post_form("/columns", &link)
        .await
        .assert_status(422)
        .assert_contains("外部链接栏目须填写链接地址");
    link[6] = ("external_url", "javascript:alert(1)");
    b.post_form("/columns", &link)
        .await
        .assert_status(422)
        .assert_contains("须是以 http:// 或 https:// 开头");
    link[6] = ("external_url", "http://cpc.people.com.cn/");
    created_id(&b.post_form("/columns", &link).await);

    // Rename.
    let mut edit = column_form("测试专栏（改）", "ceshi", "");
    edit.remove(0);
    b.get(&format!("/columns/{top}")).await.assert_status(200);
    b.post_form(&format!("/columns/{top}"), &edit)
        .await
        .assert_redirect(&format!("/columns/{top}?ok=saved"));
    b.get(&format!("/columns/{top}?ok=saved"))
        .await
        .assert_contains("测试专栏（改）")
        .assert_contains("已保存");

    // Moves: not under itself or its own sub-column, not deeper than three.
    let under_own = b
        .post_form(
            &format!("/columns/{top}/move"),
            &[("parent_id", &third), ("sort_order", "")],
        )
        .await;
    under_own
        .assert_status(422)
        .assert_contains("不能把栏目移到它自己的子栏目下面");
    b.post_form(
        &format!("/columns/{top}/move"),
        &[("parent_id", &top), ("sort_order", "")],
    )
    .await
    .assert_status(422)
    .assert_contains("不能把栏目移到它自己下面");
    // 二级 (with 三级) goes under 另一栏目: still three levels.
    b.post_form(
        &format!("/columns/{second}/move"),
        &[("parent_id", &other), ("sort_order", "")],
    )
    .await
    .assert_redirect(&format!("/columns/{second}?ok=moved"));
    let too_deep = b
        .post_form(
            &format!("/columns/{top}/move"),
            &[("parent_id", &third), ("sort_order", "")],
        )
        .await;
    too_deep.assert_status(422).assert_contains("栏目最多三级");
    b.post_form(
        &format!("/columns/{third}/move"),
        &[("parent_id", ""), ("sort_order", "")],
    )
    .await
    .assert_redirect(&format!("/columns/{third}?ok=moved"));
    let columns = tree(b).await;
    assert_eq!(by_slug(&columns, "sanji")["depth"], 1);
    assert_eq!(by_slug(&columns, "sanji")["parent_id"], Value::Null);

    // Reorder among the main columns: 三级栏目 is last; up swaps it.
    let position = |cols: &[Value], slug: &str| cols.iter().position(|c| c["slug"] == slug);
    let before = tree(b).await;
    assert!(position(&before, "sanji") > position(&before, "renminwang"));
    b.get("/columns").await.assert_status(200);
    b.post_form(&format!("/columns/{third}/up"), &[])
        .await
        .assert_redirect("/columns?ok=reordered");
    let after = tree(b).await;
    assert!(position(&after, "sanji") < position(&after, "renminwang"));
    b.get("/columns?ok=reordered")
        .await
        .assert_contains("栏目顺序已调整");

    // Hide and show.
    b.get(&format!("/columns/{other}")).await.assert_status(200);
    b.post_form(&format!("/columns/{other}/hide"), &[])
        .await
        .assert_redirect(&format!("/columns/{other}?ok=hidden"));
    assert_eq!(by_slug(&tree(b).await, "lingyi")["hidden"], true);
    b.get("/columns").await.assert_contains("已隐藏");
    b.post_form(&format!("/columns/{other}/show"), &[])
        .await
        .assert_redirect(&format!("/columns/{other}?ok=shown"));
    assert_eq!(by_slug(&tree(b).await, "lingyi")["hidden"], false);

    // Delete: refused while it has sub-columns (二级 is under 另一栏目).
    let refused = b.post_form(&format!("/columns/{other}/delete"), &[]).await;
    refused
        .assert_status(409)
        .assert_contains("栏目下还有子栏目，不能删除");
    b.post_form(&format!("/columns/{third}/delete"), &[])
        .await
        .assert_redirect("/columns?ok=deleted");
    assert!(tree(b).await.iter().all(|c| c["slug"] != "sanji"));

    // Every change and every refusal is in the trail.
    let t = &s.t;
    for action in [
        "column.create",
        "column.update",
        "column.move",
        "column.reorder",
        "column.hide",
        "column.show",
        "column.delete",
    ] {
        assert!(audited(t, action, Outcome::Success).await >= 1, "{action}");
    }
    assert!(audited(t, "column.create", Outcome::Failure).await >= 5);
    assert!(audited(t, "column.move", Outcome::Failure).await >= 3);
    assert_eq!(audited(t, "column.delete", Outcome::Failure).await, 1);
    assert_eq!(t.app.audit_verify().await.expect("verify").fault, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_editor_manages_columns_over_the_api() {
    let s = setup().await;
    let (b, csrf) = (&s.editor, Some(s.csrf.as_str()));
    let parent = by_slug(&tree(b).await, "zuzhi-jianshe")["id"].clone();

    let body = json!({
        "name": "党建品牌", "slug": "dangjian-pinpai", "kind": "article_list",
        "parent_id": parent, "update_period_days": 14,
    });
    let created = b
        .send_json(Method::POST, "/api/v1/columns", Some(&body), csrf)
        .await;
    created.assert_status(201);
    let id = created.json()["id"].as_i64().expect("id");
    let path = format!("/api/v1/columns/{id}");
    let one = b.get(&path).await;
    one.assert_status(200);
    let one = one.json();
    assert_eq!(
        (one["depth"].clone(), one["parent_id"].clone()),
        (json!(2), parent.clone())
    );
    assert_eq!(
        one["sort_order"], 40,
        "last after the three defaults: {one}"
    );

    // Duplicate slug and bad fields: 422 naming the field.
    let dup = json!({"name": "重复", "slug": "dangjian-dongtai", "kind": "article_list"});
    let reply = b
        .send_json(Method::POST, "/api/v1/columns", Some(&dup), csrf)
        .await;
    reply.assert_status(422);
    assert_eq!(reply.json()["errors"][0]["field"], "slug", "{}", reply.body);
    let link = json!({"name": "外链", "slug": "wailian", "kind": "external_link", "external_url": "ftp://x"});
    let reply = b
        .send_json(Method::POST, "/api/v1/columns", Some(&link), csrf)
        .await;
    reply.assert_status(422);
    assert_eq!(reply.json()["errors"][0]["field"], "external_url");

    // Rename and hide in one PUT.
    let put = json!({"name": "党建品牌创建", "slug": "dangjian-pinpai", "kind": "article_list", "hidden": true});
    b.send_json(Method::PUT, &path, Some(&put), csrf)
        .await
        .assert_status(204);
    let one = b.get(&path).await.json();
    assert_eq!(
        (one["name"].clone(), one["hidden"].clone()),
        (json!("党建品牌创建"), json!(true))
    );

    // Move to the top level, first among the main columns.
    let to_top = json!({"parent_id": null, "sort_order": 1});
    b.send_json(Method::POST, &format!("{path}/move"), Some(&to_top), csrf)
        .await
        .assert_status(204);
    assert_eq!(tree(b).await[0]["slug"], "dangjian-pinpai");
    // Under its own … itself, refused.
    let under_self = json!({"parent_id": id});
    let reply = b
        .send_json(
            Method::POST,
            &format!("{path}/move"),
            Some(&under_self),
            csrf,
        )
        .await;
    reply.assert_status(422);
    assert_eq!(
        reply.json()["errors"][0]["code"],
        "column.error.under_itself"
    );

    // A main column with sub-columns cannot be deleted; a leaf can.
    let parent_path = format!("/api/v1/columns/{parent}");
    let reply = b.send_json(Method::DELETE, &parent_path, None, csrf).await;
    reply.assert_status(409);
    assert_eq!(reply.json()["code"], "column.error.not_empty");
    b.send_json(Method::DELETE, &path, None, csrf)
        .await
        .assert_status(204);
    b.get(&path).await.assert_status(404);

    // The OpenAPI document describes the endpoints.
    let doc = b.get("/api/v1/openapi.json").await.json();
    for path in [
        "/api/v1/columns",
        "/api/v1/columns/{id}",
        "/api/v1/columns/{id}/move",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is not documented");
    }
}
