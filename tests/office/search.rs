//! Search end to end: what is published is found on the portal (highlighted,
//! by the API too) and what is withdrawn or still a draft is not, while the
//! office finds everything; editors' synonyms and hot searches; a change
//! made while a node was down is indexed when it starts; a second server on
//! the same database finds what the first published; a rebuild keeps
//! answering.

use std::time::{Duration, Instant};

use dangjian_app::search::indexer::Holes;
use dangjian_app::search::{SearchRequest, Searcher};
use dangjian_testkit::{Admin, Browser, Reply, TestApp};

struct Setup {
    t: TestApp,
    editor: Browser,
    column: String,
    /// The system administrator (who may not manage the site's content).
    sys: Admin,
}

async fn setup() -> Setup {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    let sec = t.admin("secadmin").await;
    let editor = t
        .person_with_role(&sys, &sec, "bianji", "搜索编辑", "site_editor")
        .await
        .browser;
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
    let column = t
        .app
        .public_columns(t.init_report.site)
        .await
        .expect("columns")
        .iter()
        .find(|c| c.slug == "dangjian-dongtai")
        .expect("column")
        .id
        .to_string();
    Setup {
        t,
        editor,
        column,
        sys,
    }
}

/// Saves a draft in the test's column; returns its id.
async fn draft(s: &Setup, title: &str, body: &str) -> i64 {
    draft_in(s, &s.column, title, body).await
}

async fn draft_in(s: &Setup, column: &str, title: &str, body: &str) -> i64 {
    let body = format!("<p>{body}</p>");
    let reply = s
        .editor
        .post_form(
            "/articles",
            &[
                ("title", title),
                ("source", "县委组织部"),
                ("primary_column", column),
                ("body", &body),
            ],
        )
        .await;
    created_id(&reply)
}

/// The article id a create redirected to.
fn created_id(reply: &Reply) -> i64 {
    reply
        .location()
        .and_then(|l| l.strip_prefix("/articles/"))
        .and_then(|l| l.split('?').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("not created: {reply:?}"))
}

async fn publish(s: &Setup, title: &str, body: &str) -> i64 {
    publish_in(s, &s.column, title, body).await
}

async fn publish_in(s: &Setup, column: &str, title: &str, body: &str) -> i64 {
    let id = draft_in(s, column, title, body).await;
    s.editor
        .post_form(&format!("/articles/{id}/submit"), &[])
        .await
        .assert_redirect(&format!("/articles/{id}?ok=published"));
    id
}

/// Asks `path` until its page does (or no longer does) contain `needle`;
/// the indexer works in the background, so a test waits for it — never
/// for a fixed time.
async fn eventually(browser: &Browser, path: &str, needle: &str, present: bool) -> Reply {
    let started = Instant::now();
    loop {
        let reply = browser.get(path).await;
        reply.assert_status(200);
        if reply.contains(needle) == present {
            return reply;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{path}: {needle} {} after 30 s",
            if present {
                "never appeared"
            } else {
                "never went"
            }
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn search_path(q: &str) -> String {
    let query = form_urlencoded::Serializer::new(String::new())
        .append_pair("q", q)
        .finish();
    format!("/search?{query}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_items_are_found_and_withdrawn_or_draft_ones_are_not() {
    let s = setup().await;
    let public = s.t.public();
    let office = &s.editor;
    let id = publish(
        &s,
        "关于开展三会一课专项检查的通知",
        "各基层党组织要认真落实三会一课制度，按时召开组织生活会。",
    )
    .await;
    let draft_id = draft(&s, "流动党员管理办法（草稿）", "加强流动党员教育管理。").await;

    let found = eventually(
        &public,
        &search_path("三会一课"),
        &format!("/article/{id}"),
        true,
    )
    .await;
    found
        .assert_contains("<mark>三会一课</mark>")
        .assert_contains("共找到 ");
    assert!(
        !found.contains("热门搜索"),
        "hot searches help empty pages only"
    );
    // One character, and the body's words.
    eventually(&public, &search_path("党"), &format!("/article/{id}"), true).await;
    eventually(
        &public,
        &search_path("组织生活会"),
        &format!("/article/{id}"),
        true,
    )
    .await;

    // The draft is found in the office (so it is indexed) but never on the
    // portal.
    eventually(
        office,
        &search_path("流动党员"),
        &format!("/articles/{draft_id}"),
        true,
    )
    .await;
    public
        .get(&search_path("流动党员"))
        .await
        .assert_status(200)
        .assert_contains("没有找到相关内容");

    // The API answers the same, public items only.
    let api = public.get("/api/v1/search?q=三会一课").await;
    api.assert_status(200);
    let json = api.json();
    assert_eq!(json["total"], 1, "{json}");
    assert_eq!(json["hits"][0]["url"], format!("/article/{id}"));
    assert_eq!(
        public.get("/api/v1/search?q=流动党员").await.json()["total"],
        0
    );

    // Withdrawn: gone from the portal, still in the office.
    office
        .post_form(
            &format!("/articles/{id}/withdraw"),
            &[("reason", "内容调整")],
        )
        .await
        .assert_redirect(&format!("/articles/{id}?ok=withdrawn"));
    eventually(
        &public,
        &search_path("三会一课"),
        &format!("/article/{id}"),
        false,
    )
    .await
    .assert_contains("没有找到相关内容")
    .assert_contains("热门搜索");
    office
        .get(&search_path("三会一课"))
        .await
        .assert_contains(&format!("/articles/{id}"));

    // Odd input never breaks the page; the office search is not public.
    for q in ["\"", "(:)", "   ", "ＡＢＣ", &"党".repeat(300)] {
        public.get(&search_path(q)).await.assert_status(200);
    }
    public.get("/search/settings").await.assert_status(404);
    s.t.office()
        .get("/search?q=党")
        .await
        .assert_redirect("/login");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editors_set_synonyms_and_hot_searches() {
    let s = setup().await;
    let public = s.t.public();
    let id = publish(&s, "党的建设工作要点", "全面加强党的建设。").await;
    eventually(
        &public,
        &search_path("党的建设"),
        &format!("/article/{id}"),
        true,
    )
    .await;

    let refused = s
        .editor
        .post_form(
            "/search/settings",
            &[("words", ""), ("synonyms", "党建"), ("hot", "")],
        )
        .await;
    refused
        .assert_status(422)
        .assert_contains("每组须有 2–10 个词");
    s.editor
        .post_form(
            "/search/settings",
            &[
                ("words", "两新组织"),
                ("synonyms", "党建 = 党的建设"),
                ("hot", "组织生活会\n流动党员"),
            ],
        )
        .await
        .assert_redirect("/search/settings?ok=saved");
    // Every node reloads the synonyms from the feed.
    eventually(
        &public,
        &search_path("党建"),
        &format!("/article/{id}"),
        true,
    )
    .await;
    public
        .get("/search")
        .await
        .assert_contains("热门搜索")
        .assert_contains("流动党员");

    s.sys
        .browser
        .get("/search/settings")
        .await
        .assert_status(403);
    let mut conn = s.t.app.store().read().await.expect("connection");
    let (records, _) = dangjian_store::audit::search(
        &mut conn,
        &dangjian_app::records::AuditFilter {
            actor: String::new(),
            action: "search.settings".into(),
            from_ms: None,
            until_ms: None,
        },
        0,
        10,
    )
    .await
    .expect("audit");
    assert!(!records.is_empty());
}

async fn finds(app: &dangjian_app::App, site: dangjian_app::domain::ids::SiteId, q: &str) -> usize {
    let request = SearchRequest {
        q: q.into(),
        ..SearchRequest::default()
    };
    app.search(Searcher::Public, site, &request)
        .await
        .expect("search")
        .total
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_made_while_a_node_was_down_is_indexed_when_it_starts() {
    let s = setup().await;
    let site = s.t.init_report.site;
    publish(&s, "主题党日活动安排", "本月主题党日。").await;
    let dir = tempfile::TempDir::new().expect("a data directory");
    {
        let node = s.t.open_node(dir.path()).await;
        node.index_changes(&mut Holes::default())
            .await
            .expect("first pass");
        assert_eq!(finds(&node, site, "主题党日").await, 1);
        // Committed to the database; the node dies before indexing it.
        publish(&s, "第一书记驻村工作纪实", "驻村第一书记。").await;
    }
    let node = s.t.open_node(dir.path()).await;
    assert_eq!(finds(&node, site, "第一书记").await, 0, "not yet indexed");
    node.index_changes(&mut Holes::default())
        .await
        .expect("a pass");
    assert_eq!(finds(&node, site, "第一书记").await, 1);
    assert_eq!(finds(&node, site, "主题党日").await, 1);
    drop(node);

    // Down for longer than the feed is kept: the node rebuilds at start.
    publish(&s, "驻村工作队轮换", "新一批驻村工作队。").await;
    s.t.clock.advance_ms(31 * 86_400_000);
    assert!(s.t.app.prune_search_feed().await.expect("pruned") > 0);
    let node = s.t.open_node(dir.path()).await;
    node.index_changes(&mut Holes::default())
        .await
        .expect("a pass");
    assert_eq!(finds(&node, site, "驻村工作队").await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_server_finds_what_the_first_published() {
    let s = setup().await;
    let other = s.t.start_node().await;
    let started = Instant::now();
    let id = publish(&s, "干部任前公示", "拟任人选公示如下。").await;
    eventually(
        &other.public(),
        &search_path("任前公示"),
        &format!("/article/{id}"),
        true,
    )
    .await;
    eprintln!("found on the other node after {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebuild_keeps_answering_and_then_swaps() {
    let s = setup().await;
    let site = s.t.init_report.site;
    for n in 0..12 {
        publish(
            &s,
            &format!("党费收缴情况通报（第{n}期）"),
            "按时足额交纳党费。",
        )
        .await;
    }
    let public = s.t.public();
    let path = search_path("党费");
    eventually(&public, &path, "共找到 12 条", true).await;
    let app = s.t.app.clone();
    let rebuild = tokio::spawn(async move { app.rebuild_search_index().await });
    let mut answered = 0;
    while !rebuild.is_finished() || answered == 0 {
        public
            .get(&path)
            .await
            .assert_status(200)
            .assert_contains("共找到 12 条");
        answered += 1;
    }
    let report = rebuild.await.expect("joined").expect("rebuilt");
    assert!(report.documents >= 12, "{report:?}");
    assert_eq!(finds(&s.t.app, site, "党费").await, 12);
    s.editor
        .post_form("/search/reindex", &[])
        .await
        .assert_redirect("/search/settings?ok=reindex");
    s.editor
        .get("/search/settings?ok=reindex")
        .await
        .assert_contains("已请求重建索引");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_text_of_an_attachment_is_found_and_the_hit_names_it() {
    let s = setup().await;
    let csrf = dangjian_testkit::api_csrf(&s.editor).await;
    let text = "党费收缴使用管理规定\n各党支部应当设立党费专户，专款专用，每季度公布收支情况。";
    let upload = s
        .editor
        .post_file(
            "/api/v1/media",
            "党费管理规定.txt",
            text.as_bytes(),
            Some(&csrf),
        )
        .await;
    upload.assert_status(201);
    let media = upload.json()["id"].as_i64().expect("media id").to_string();
    let body = "<p>现将有关规定印发给你们，请认真贯彻执行。</p>";
    let id = created_with_attachment(&s, "关于印发党费管理规定的通知", body, &media).await;
    s.editor
        .post_form(&format!("/articles/{id}/submit"), &[])
        .await
        .assert_redirect(&format!("/articles/{id}?ok=published"));

    let public = s.t.public();
    // The file name is the hit's title (its words marked too).
    let page = eventually(&public, &search_path("党费专户"), "管理规定.txt", true).await;
    page.assert_contains("<mark>党费专户</mark>")
        .assert_contains("所属文章：关于印发党费管理规定的通知")
        .assert_contains(&format!("/article/{id}"));
    let only_attachments = format!("{}&kind=attachment", search_path("党费"));
    public
        .get(&only_attachments)
        .await
        .assert_contains("管理规定.txt")
        .assert_contains("共找到 1 条");
}

async fn created_with_attachment(s: &Setup, title: &str, body: &str, media: &str) -> i64 {
    let reply = s
        .editor
        .post_form(
            "/articles",
            &[
                ("title", title),
                ("source", "县委组织部"),
                ("primary_column", &s.column),
                ("attachments", media),
                ("body", body),
            ],
        )
        .await;
    created_id(&reply)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_archive_counts_by_year_month_and_column() {
    let s = setup().await;
    for n in 0..3 {
        publish(&s, &format!("党建动态第{n}篇"), "动态。").await;
    }
    let columns =
        s.t.app
            .public_columns(s.t.init_report.site)
            .await
            .expect("columns");
    // A sub-column of another main column.
    let news = columns
        .iter()
        .find(|c| c.slug == "zhongyang-jingshen")
        .expect("中央精神");
    let main = columns
        .iter()
        .find(|c| Some(c.id) == news.parent_id)
        .expect("its main column");
    publish_in(&s, &news.id.to_string(), "中央精神一篇", "精神。").await;
    let today = dangjian_app::domain::clock::format_local_date(s.t.app.now_ms());
    let (year, month) = (&today[0..4], &today[5..7]);

    let public = s.t.public();
    let archive = public.get("/archive").await;
    archive
        .assert_status(200)
        .assert_contains(&format!("id=\"year-{year}\""))
        .assert_contains("文章数：4")
        .assert_contains("按栏目浏览");
    let filtered = public.get(&format!("/archive?column={}", s.column)).await;
    filtered
        .assert_status(200)
        .assert_contains("文章数：3")
        .assert_contains(&format!("/archive/{year}/{month}?column={}", s.column));
    let month_page = public.get(&format!("/archive/{year}/{month}")).await;
    month_page
        .assert_contains("党建动态（3）")
        .assert_contains(&format!("{}（1）", main.name))
        .assert_contains("中央精神一篇");
    public
        .get(&format!("/archive/{year}/{month}?column={}", main.id))
        .await
        .assert_contains("文章数：1")
        .assert_contains("中央精神一篇");
    public
        .get("/archive?column=999999")
        .await
        .assert_status(404);
    public.get("/archive?column=x").await.assert_status(404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn published_answers_are_searchable_and_open_questions_only_in_the_office() {
    let s = setup().await;
    let public = s.t.public();
    crate::qa::ask(
        &public,
        &crate::qa::question(
            "外出务工怎样转接组织关系",
            "流动党员外出务工，组织关系如何转接？",
        ),
        None,
    )
    .await
    .assert_redirect("/qa/ask/thanks");
    let id = crate::qa::newest(&s.editor).await;
    let page = format!("/qa/{id}");

    // Indexed at once, for the office only while it is open.
    eventually(&s.editor, &search_path("转接组织关系"), &page, true)
        .await
        .assert_contains("解疑释惑");
    public
        .get(&search_path("转接组织关系"))
        .await
        .assert_contains("没有找到相关内容");

    let section = crate::review::section_id(&s.t, "干部科").await.to_string();
    s.editor
        .post_form(&format!("{page}/assign"), &[("section", &section)])
        .await
        .assert_redirect(&format!("{page}?ok=qa_assign"));
    s.editor
        .post_form(
            &format!("{page}/answer"),
            &[(
                "answer",
                "由流出地党组织开具组织关系介绍信，到流入地党组织报到。",
            )],
        )
        .await
        .assert_redirect(&format!("{page}?ok=qa_answer"));
    s.editor
        .post_form(&format!("{page}/publish"), &[])
        .await
        .assert_redirect(&format!("{page}?ok=qa_publish"));

    // Published: found on the portal by the question and by its answer,
    // and filterable as 解疑释惑.
    eventually(&public, &search_path("转接组织关系"), &page, true).await;
    eventually(&public, &search_path("介绍信"), &page, true).await;
    public
        .get(&format!("{}&kind=qa", search_path("组织关系")))
        .await
        .assert_contains(&page)
        .assert_contains("共找到 1 条");
}
