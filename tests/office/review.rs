//! The review workflow end to end on the office pages: an officer submits,
//! the section head and the deputy minister review in turn, send-back to an
//! earlier stage and to the author, resubmission resuming where it was sent
//! back, the to-do queue and notifications, publication to the minute by the
//! scheduler (once, however many nodes), and the concurrent-edit conflict.

use dangjian_app::records::AuditFilter;
use dangjian_domain::article::ArticleId;
use dangjian_testkit::{Admin, Browser, TestApp};

pub(crate) struct Setup {
    pub(crate) t: TestApp,
    pub(crate) officer: Browser,
    pub(crate) head: Browser,
    pub(crate) other_head: Browser,
    pub(crate) deputy: Browser,
    pub(crate) column: String,
    pub(crate) sys: Admin,
    pub(crate) sec: Admin,
}

pub(crate) async fn section_id(t: &TestApp, name: &str) -> i64 {
    let mut conn = t.app.store().read().await.expect("connection");
    dangjian_store::org::sections(&mut conn, t.init_report.site)
        .await
        .expect("sections")
        .into_iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no section {name}"))
        .id
        .0
}

pub(crate) async fn setup() -> Setup {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    let sec = t.admin("secadmin").await;
    // 党建动态 belongs to 信息中心.
    let info = format!("section:{}", section_id(&t, "信息中心").await);
    let other = format!("section:{}", section_id(&t, "干部科").await);
    let unit = format!("unit:{}", t.init_report.unit.0);
    let person = |u: &'static str, n: &'static str, r: &'static str, scope: String| {
        let (t, sys, sec) = (&t, &sys, &sec);
        async move {
            let admin: Admin = t.person_with_role_in(sys, sec, u, n, r, &scope).await;
            admin.browser
        }
    };
    let officer = person("xinxi", "王信息", "info_officer", info.clone()).await;
    let head = person("kezhang", "李科长", "section_head", info).await;
    let other_head = person("ganbuke", "赵科长", "section_head", other).await;
    let deputy = person("fenguan", "张部长", "deputy_minister", unit).await;
    let column = {
        let columns = t
            .app
            .public_columns(t.init_report.site)
            .await
            .expect("columns");
        columns
            .iter()
            .find(|c| c.slug == "dangjian-dongtai")
            .expect("column")
            .id
            .to_string()
    };
    Setup {
        t,
        officer,
        head,
        other_head,
        deputy,
        column,
        sys,
        sec,
    }
}

pub(crate) fn article_fields<'a>(
    title: &'a str,
    column: &'a str,
    publish_at: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("title", title),
        ("source", "县委组织部"),
        ("primary_column", column),
        ("publish_at", publish_at),
        ("body", "<p>全县基层党组织书记培训班开班。</p>"),
    ]
}

pub(crate) fn created(reply: &dangjian_testkit::Reply) -> i64 {
    reply
        .location()
        .and_then(|l| l.strip_prefix("/articles/"))
        .and_then(|l| l.split('?').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not a created article: {reply:?}"))
}

async fn audited(t: &TestApp, action: &str) -> Vec<String> {
    let mut conn = t.app.store().read().await.expect("connection");
    let filter = AuditFilter {
        actor: String::new(),
        action: action.into(),
        from_ms: None,
        until_ms: None,
    };
    let (records, _) = dangjian_store::audit::search(&mut conn, &filter, 0, 50)
        .await
        .expect("search");
    records.into_iter().map(|r| r.entry.actor_name).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn review_goes_stage_by_stage_with_send_back_and_resume() {
    let s = setup().await;
    let t = &s.t;
    let id = created(
        &s.officer
            .post_form("/articles", &article_fields("培训班开班", &s.column, ""))
            .await,
    );
    let page = format!("/articles/{id}");
    s.officer
        .post_form(&format!("{page}/submit"), &[])
        .await
        .assert_redirect(&format!("{page}?ok=submitted"));

    // The section head of the owning section has it in the to-do queue,
    // counted in the header, and a notification; another head does not.
    let queue = s.head.get("/review").await;
    queue
        .assert_status(200)
        .assert_contains("培训班开班")
        .assert_contains("科室负责人审核")
        .assert_contains("class=\"count\"");
    s.head
        .get("/notifications")
        .await
        .assert_contains("等待您审核（王信息提交）");
    let api = s.head.get("/api/v1/review/tasks").await;
    api.assert_status(200);
    assert_eq!(api.json()[0]["title"], "培训班开班");
    assert_eq!(api.json()[0]["stage"], "科室负责人审核");
    assert!(!s.other_head.get("/review").await.contains("培训班开班"));
    s.other_head
        .post_form(&format!("{page}/approve"), &[])
        .await
        .assert_status(403);
    // The deputy cannot skip the first stage.
    s.deputy
        .post_form(&format!("{page}/approve"), &[])
        .await
        .assert_status(403);

    // Opening it marks it as being reviewed by the head.
    s.head.get(&page).await.assert_contains("审核通过");
    s.officer
        .get(&page)
        .await
        .assert_contains("正在审核：李科长");
    s.head
        .post_form(&format!("{page}/approve"), &[("comment", "同意")])
        .await
        .assert_redirect(&format!("{page}?ok=submitted"));
    assert!(s.deputy.get("/review").await.contains("分管部长审批"));

    // Back to the earlier stage, with a reason.
    s.deputy
        .post_form(&format!("{page}/return"), &[("to", "0"), ("comment", " ")])
        .await
        .assert_status(422)
        .assert_contains("请填写退回理由");
    s.deputy
        .post_form(
            &format!("{page}/return"),
            &[("to", "0"), ("comment", "请科室再核实人数")],
        )
        .await
        .assert_redirect(&format!("{page}?ok=submitted"));
    assert!(s.head.get("/review").await.contains("培训班开班"));
    s.head
        .post_form(&format!("{page}/approve"), &[("comment", "已核实")])
        .await
        .assert_redirect(&format!("{page}?ok=submitted"));

    // Back to the author: everyone who approved hears of it.
    s.deputy
        .post_form(
            &format!("{page}/return"),
            &[("to", "author"), ("comment", "标题请写明时间")],
        )
        .await
        .assert_redirect(&format!("{page}?ok=returned"));
    s.officer
        .get("/notifications")
        .await
        .assert_contains("被张部长退回")
        .assert_contains("标题请写明时间");
    s.head
        .get("/notifications")
        .await
        .assert_contains("被张部长退回");
    s.officer.get("/review").await.assert_contains("已退回");
    s.officer
        .post_form(&page, &article_fields("11月27日培训班开班", &s.column, ""))
        .await
        .assert_redirect(&format!("{page}?ok=saved"));
    // Resubmitted, it resumes where it was sent back: with the deputy.
    s.officer
        .post_form(&format!("{page}/submit"), &[])
        .await
        .assert_redirect(&format!("{page}?ok=submitted"));
    assert!(
        !s.head
            .get("/review")
            .await
            .contains("<td>科室负责人审核</td>")
    );
    assert!(
        s.deputy
            .get("/review")
            .await
            .contains("<td>分管部长审批</td>")
    );
    s.deputy
        .post_form(&format!("{page}/approve"), &[])
        .await
        .assert_redirect(&format!("{page}?ok=published"));
    t.public()
        .get(&format!("/article/{id}"))
        .await
        .assert_status(200)
        .assert_contains("11月27日培训班开班");

    // The timeline keeps every step and comment; the trail has them too.
    let timeline = s.officer.get(&page).await;
    for text in [
        "提交审核",
        "请科室再核实人数",
        "已核实",
        "标题请写明时间",
        "发布",
    ] {
        timeline.assert_contains(text);
    }
    s.head.get("/review").await.assert_contains("已核实");
    assert_eq!(audited(t, "article.approve").await.len(), 5);
    assert_eq!(audited(t, "article.return").await.len(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scheduled_publishing_happens_once_at_its_minute() {
    let s = setup().await;
    let t = &s.t;
    let at = dangjian_domain::clock::format_local_input(t.app.now_ms() + 3 * 3_600_000);
    let id = created(
        &s.officer
            .post_form(
                "/articles",
                &article_fields("定时发布的通知", &s.column, &at),
            )
            .await,
    );
    let page = format!("/articles/{id}");
    s.officer.post_form(&format!("{page}/submit"), &[]).await;
    s.head.post_form(&format!("{page}/approve"), &[]).await;
    s.deputy
        .post_form(&format!("{page}/approve"), &[])
        .await
        .assert_redirect(&format!("{page}?ok=scheduled"));
    s.officer.get(&page).await.assert_contains("待定时发布");
    let public = format!("/article/{id}");
    t.public().get(&public).await.assert_status(404);
    assert_eq!(t.app.run_due_jobs("node-a").await.expect("jobs"), 0);

    // The program was down when it fell due: at the next look, two nodes
    // race for it and exactly one publishes it.
    t.clock.advance_ms(4 * 3_600_000);
    let (a, b) = tokio::join!(t.app.run_due_jobs("node-a"), t.app.run_due_jobs("node-b"));
    assert_eq!(a.expect("node a") + b.expect("node b"), 1);
    t.public().get(&public).await.assert_status(200);
    assert!(t.public().get("/").await.body.contains("定时发布的通知"));
    assert_eq!(audited(t, "article.publish").await, ["scheduler"]);
    assert_eq!(t.app.run_due_jobs("node-a").await.expect("jobs"), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_save_over_a_newer_version_is_refused_and_keeps_the_text() {
    let s = setup().await;
    let id = created(
        &s.officer
            .post_form("/articles", &article_fields("两人同时编辑", &s.column, ""))
            .await,
    );
    let page = format!("/articles/{id}");
    let form = s.officer.get(&page).await;
    let version = form
        .body
        .split("name=\"version\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the version field")
        .to_owned();
    let mut first = article_fields("第一人的标题", &s.column, "");
    first.push(("version", &version));
    s.officer
        .post_form(&page, &first)
        .await
        .assert_redirect(&format!("{page}?ok=saved"));
    let mut second = article_fields("第二人的标题", &s.column, "");
    second.push(("version", &version));
    let refused = s.officer.post_form(&page, &second).await;
    refused
        .assert_status(409)
        .assert_contains("王信息")
        .assert_contains("已于")
        .assert_contains("value=\"第二人的标题\"");
    assert!(s.officer.get(&page).await.contains("第一人的标题"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_edit_of_a_published_article_waits_in_review_while_the_original_stays_online() {
    let s = setup().await;
    let t = &s.t;
    let id = created(
        &s.officer
            .post_form("/articles", &article_fields("原来的标题", &s.column, ""))
            .await,
    );
    let page = format!("/articles/{id}");
    s.officer.post_form(&format!("{page}/submit"), &[]).await;
    s.head.post_form(&format!("{page}/approve"), &[]).await;
    s.deputy
        .post_form(&format!("{page}/approve"), &[])
        .await
        .assert_redirect(&format!("{page}?ok=published"));
    let public = format!("/article/{id}");
    t.public().get(&public).await.assert_contains("原来的标题");

    // The officer edits the published article: a new draft, the original
    // untouched.
    let saved = s
        .officer
        .post_form(&page, &article_fields("修改后的标题", &s.column, ""))
        .await;
    let draft = created(&saved);
    assert_ne!(draft, id);
    assert_eq!(
        saved.location(),
        Some(format!("/articles/{draft}?ok=edit_draft").as_str())
    );
    s.officer
        .get(&format!("/articles/{draft}"))
        .await
        .assert_contains("这是对已发布文章的修改稿");
    s.officer
        .get(&page)
        .await
        .assert_contains("有一份修改稿正在处理");
    // A second edit of the original is refused while this one is on its way.
    s.officer
        .post_form(&page, &article_fields("第三个标题", &s.column, ""))
        .await
        .assert_status(409);
    let draft_page = format!("/articles/{draft}");
    s.officer
        .post_form(&format!("{draft_page}/submit"), &[])
        .await;
    s.head
        .post_form(&format!("{draft_page}/approve"), &[])
        .await;
    let online = t.public().get(&public).await;
    online.assert_status(200).assert_contains("原来的标题");
    assert!(!online.body.contains("修改后的标题"));

    // The last approval merges it: same address, new text.
    s.deputy
        .post_form(&format!("{draft_page}/approve"), &[])
        .await
        .assert_redirect(&format!("{page}?ok=merged"));
    t.public()
        .get(&public)
        .await
        .assert_status(200)
        .assert_contains("修改后的标题");
    t.public()
        .get(&format!("/article/{draft}"))
        .await
        .assert_status(404);
    s.officer
        .get(&draft_page)
        .await
        .assert_contains("已并入原文");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn placing_an_article_in_another_sections_column_needs_that_owners_approval() {
    let s = setup().await;
    let t = &s.t;
    let columns = t
        .app
        .public_columns(t.init_report.site)
        .await
        .expect("columns");
    // 干部任免 belongs to 干部科, whose head is `other_head`.
    let cadres = columns
        .iter()
        .find(|c| c.slug == "ganbu-renmian")
        .expect("column")
        .id
        .to_string();
    let mut fields = article_fields("组织部信息也发到干部任免", &s.column, "");
    fields.push(("extra_columns", &cadres));
    let id = created(&s.officer.post_form("/articles", &fields).await);
    let page = format!("/articles/{id}");
    // Still ticked in the form while it waits.
    assert!(
        s.officer
            .get(&page)
            .await
            .body
            .contains(&format!("value=\"{cadres}\" checked"))
    );
    s.officer.post_form(&format!("{page}/submit"), &[]).await;
    s.head.post_form(&format!("{page}/approve"), &[]).await;
    s.deputy
        .post_form(&format!("{page}/approve"), &[])
        .await
        .assert_redirect(&format!("{page}?ok=published"));
    let listing = "/column/ganbu-renmian";
    assert!(
        !t.public()
            .get(listing)
            .await
            .body
            .contains("组织部信息也发到干部任免")
    );

    // Only the owning section's head decides; the head of the writer's own
    // section does not.
    let queue = s.other_head.get("/review").await;
    queue
        .assert_contains("一稿多发待审")
        .assert_contains("干部任免");
    let request = queue
        .body
        .split("action=\"/review/placements/")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("a placement request")
        .to_owned();
    assert!(!s.head.get("/review").await.contains("一稿多发待审"));
    s.head
        .post_form(
            &format!("/review/placements/{request}"),
            &[("decision", "approve")],
        )
        .await
        .assert_status(403);
    s.other_head
        .post_form(
            &format!("/review/placements/{request}"),
            &[("decision", "approve")],
        )
        .await
        .assert_redirect("/review?ok=decided");
    s.other_head
        .get("/review?ok=decided")
        .await
        .assert_contains("已处理一稿多发申请");
    t.public()
        .get(listing)
        .await
        .assert_contains("组织部信息也发到干部任免");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_unpublish_takes_the_article_offline_at_its_minute() {
    let s = setup().await;
    let t = &s.t;
    let until = dangjian_domain::clock::format_local_input(t.app.now_ms() + 2 * 3_600_000);
    let mut fields = article_fields("限时公示", &s.column, "");
    fields.push(("unpublish_at", &until));
    let id = created(&s.officer.post_form("/articles", &fields).await);
    let page = format!("/articles/{id}");
    s.officer
        .get(&page)
        .await
        .assert_contains(&format!("value=\"{until}\""));
    s.officer.post_form(&format!("{page}/submit"), &[]).await;
    s.head.post_form(&format!("{page}/approve"), &[]).await;
    s.deputy
        .post_form(&format!("{page}/approve"), &[])
        .await
        .assert_redirect(&format!("{page}?ok=published"));
    let public = format!("/article/{id}");
    t.public().get(&public).await.assert_status(200);
    assert_eq!(t.app.run_due_jobs("node-a").await.expect("jobs"), 0);
    t.clock.advance_ms(3 * 3_600_000);
    assert_eq!(t.app.run_due_jobs("node-a").await.expect("jobs"), 1);
    t.public().get(&public).await.assert_status(410);
    let stored = {
        let mut conn = t.app.store().read().await.expect("connection");
        dangjian_store::articles::get(&mut conn, ArticleId(id))
            .await
            .expect("the article")
    };
    assert_eq!(stored.withdrawn_reason, "定时下线");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editors_make_workflows_and_set_them_on_columns() {
    let s = setup().await;
    let t = &s.t;
    let editor = t
        .person_with_role(&s.sys, &s.sec, "liucheng", "流程编辑", "site_editor")
        .await
        .browser;
    editor
        .get("/workflows")
        .await
        .assert_status(200)
        .assert_contains("默认审核流程")
        .assert_contains("科室负责人审核 → 分管部长审批");
    s.officer.get("/workflows").await.assert_status(403);

    // A one-stage workflow: the deputy minister alone. A stage naming a
    // role that does not review is refused beside its field.
    let refused = editor
        .post_form(
            "/workflows",
            &[
                ("name", "部长直审"),
                ("stage0.name", "分管部长审批"),
                ("stage0.role", "system_admin"),
                ("stage0.scope", "unit"),
            ],
        )
        .await;
    refused
        .assert_status(422)
        .assert_contains("请选择可审核的角色");
    editor
        .post_form(
            "/workflows",
            &[
                ("name", "部长直审"),
                ("stage0.name", "分管部长审批"),
                ("stage0.role", "deputy_minister"),
                ("stage0.scope", "unit"),
                ("stage0.deadline_days", "1"),
            ],
        )
        .await
        .assert_redirect("/workflows?ok=saved");
    let list = editor.get("/workflows?ok=saved").await;
    list.assert_contains("已保存");
    let id = list
        .body
        .split("href=\"/workflows/")
        .filter_map(|rest| rest.split('"').next())
        .filter_map(|id| id.parse::<i64>().ok())
        .max()
        .expect("the new workflow");

    // Set on 党建动态; its sub-columns inherit it.
    let column = s.column.clone();
    editor
        .post_form(
            &format!("/columns/{column}"),
            &[
                ("name", "党建动态"),
                ("slug", "dangjian-dongtai"),
                ("kind", "article_list"),
                (
                    "owner_section_id",
                    &section_id(t, "信息中心").await.to_string(),
                ),
                ("update_period_days", "7"),
                ("home_order", "1"),
                ("workflow_id", &id.to_string()),
            ],
        )
        .await
        .assert_redirect(&format!("/columns/{column}"));
    let article = created(
        &s.officer
            .post_form(
                "/articles",
                &article_fields("部长直审的信息", &s.column, ""),
            )
            .await,
    );
    let page = format!("/articles/{article}");
    s.officer.post_form(&format!("{page}/submit"), &[]).await;
    assert!(!s.head.get("/review").await.contains("部长直审的信息"));
    s.deputy
        .post_form(&format!("{page}/approve"), &[])
        .await
        .assert_redirect(&format!("{page}?ok=published"));
}
