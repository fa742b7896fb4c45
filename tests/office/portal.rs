//! The portal on the public listener: homepage, column pages with their
//! bounds, article pages (404 for drafts, future and unknown ones, 410 once
//! withdrawn), feeds, sitemap and robots.txt, the care mode, and the page
//! cache — every page a change affects shows it at once; 304, gzip and br.

use std::collections::BTreeMap;
use std::io::Read;

use dangjian_app::actor::Actor;
use dangjian_app::articles::edit::ArticleForm;
use dangjian_app::clock::Clock as _;
use dangjian_app::columns::ColumnForm;
use dangjian_domain::article::{ArticleId, ArticleInput};
use dangjian_domain::column::ColumnId;
use dangjian_domain::ids::SiteId;
use dangjian_testkit::{Browser, TestApp, scrape_csrf};
use reqwest::Method;

/// An installation with a site editor's application-layer actor.
pub(crate) struct Setup {
    pub(crate) t: TestApp,
    pub(crate) editor: Actor,
    /// The editor's office browser.
    pub(crate) office: Browser,
    pub(crate) site: SiteId,
}

/// A new account granted `site_editor` by the security administrator,
/// logged in fully (the role needs TOTP), as an actor.
pub(crate) async fn setup() -> Setup {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    let sec = t.admin("secadmin").await;
    let person = t
        .person_with_role(&sys, &sec, "menhu", "门户编辑", "site_editor")
        .await;
    let editor = t.actor("menhu", &person.password, &person.secret).await;
    t.publish_directly(&editor).await;
    let office = person.browser;
    let site = t.init_report.site;
    Setup {
        t,
        editor,
        office,
        site,
    }
}

impl Setup {
    pub(crate) async fn column(&self, slug: &str) -> ColumnId {
        let columns = self.t.app.public_columns(self.site).await.expect("columns");
        columns
            .iter()
            .find(|c| c.slug == slug)
            .unwrap_or_else(|| panic!("no column {slug}"))
            .id
    }

    fn form(column: ColumnId, title: &str, body: &str) -> ArticleForm {
        ArticleForm {
            fields: ArticleInput {
                title: title.into(),
                source: "县委组织部".into(),
                author: "信息科".into(),
                summary: format!("{title}的摘要"),
                primary_column: column.0.to_string(),
                ..ArticleInput::default()
            },
            body: body.into(),
            ..ArticleForm::default()
        }
    }

    /// A draft in `column`.
    async fn draft(&self, column: ColumnId, title: &str) -> ArticleId {
        let form = Self::form(column, title, &format!("<p>{title}的正文</p>"));
        self.t
            .app
            .create_article(&self.editor, self.site, &form)
            .await
            .expect("create an article")
    }

    /// A published article in `column`.
    pub(crate) async fn publish(&self, column: ColumnId, title: &str) -> ArticleId {
        let id = self.draft(column, title).await;
        self.t
            .app
            .submit_article(&self.editor, id)
            .await
            .expect("publish");
        id
    }

    async fn rename(&self, id: ArticleId, column: ColumnId, title: &str) {
        let form = Self::form(column, title, "<p>改过的正文</p>");
        let draft = self
            .t
            .app
            .update_article(&self.editor, id, &form)
            .await
            .expect("update");
        // A published article's edit is a draft until it goes through its
        // (here stageless) workflow and is merged.
        if draft != id {
            self.t
                .app
                .submit_article(&self.editor, draft)
                .await
                .expect("merge the edit");
        }
    }
}

/// A GET with headers, returning status, headers and raw bytes.
async fn fetch(
    t: &TestApp,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, reqwest::header::HeaderMap, Vec<u8>) {
    let b = t.public();
    let mut request = b.request(Method::GET, path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("HTTP request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("body").to_vec();
    (status, headers, body)
}

fn header<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// A page's text (identity coding).
async fn text(t: &TestApp, path: &str) -> String {
    let (status, _, body) = fetch(t, path, &[]).await;
    assert_eq!(status, 200, "GET {path}");
    String::from_utf8(body).expect("UTF-8")
}

/// The texts of every `<name>` element, after checking the document is
/// well-formed XML.
fn xml_texts(xml: &str, name: &str) -> Vec<String> {
    let document = roxmltree::Document::parse(xml)
        .unwrap_or_else(|e| panic!("not well-formed XML ({e}):\n{xml}"));
    document
        .descendants()
        .filter(|n| n.tag_name().name() == name)
        .map(|n| n.text().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_shows_published_articles_only_with_bounds_and_410() {
    let s = setup().await;
    let t = &s.t;
    let news = s.column("gongzuo-yaowen").await;
    let published = s.publish(news, "乡宁召开组织工作会议").await;
    s.draft(news, "尚未发布的草稿").await;
    let mut future = Setup::form(news, "明天才发布的文章", "<p>未来</p>");
    future.fields.publish_at =
        dangjian_domain::clock::format_local_input(t.app.now_ms() + 2 * 86_400_000);
    let future = t
        .app
        .create_article(&s.editor, s.site, &future)
        .await
        .expect("create");
    t.app
        .submit_article(&s.editor, future)
        .await
        .expect("publish");

    let home = text(t, "/").await;
    assert!(home.contains("乡宁召开组织工作会议"), "{home}");
    assert!(!home.contains("尚未发布的草稿"));
    assert!(!home.contains("明天才发布的文章"));
    assert!(home.contains("<html lang=\"zh-CN\">"));
    assert!(home.contains("class=\"skip\""));
    assert!(home.contains("class=\"dzjg\""), "the 党政机关 label");
    assert!(!home.contains("<script"), "no scripts on the portal");

    let article = text(t, &format!("/article/{published}")).await;
    assert!(
        article.contains("<p>乡宁召开组织工作会议的正文</p>"),
        "{article}"
    );
    assert!(article.contains("href=\"/column/dangjian-dongtai\">党建动态</a>"));
    assert!(article.contains("href=\"/column/gongzuo-yaowen\">工作要闻</a>"));
    assert!(article.contains("县委组织部") && article.contains("?print=1"));
    for path in [
        format!("/article/{future}"),
        "/article/999999".to_owned(),
        "/article/abc".to_owned(),
        "/column/no-such-column".to_owned(),
    ] {
        t.public().get(&path).await.assert_status(404);
    }
    let draft = s.draft(news, "另一篇草稿").await;
    t.public()
        .get(&format!("/article/{draft}"))
        .await
        .assert_status(404);

    // Bounds of a column's pages: 20 a page.
    for i in 0..20 {
        s.publish(news, &format!("要闻第{i}篇")).await;
    }
    let page2 = text(t, "/column/gongzuo-yaowen?page=2").await;
    assert!(page2.contains("rel=\"prev\""));
    for path in [
        "/column/gongzuo-yaowen?page=0",
        "/column/gongzuo-yaowen?page=3",
        "/column/gongzuo-yaowen?page=x",
        "/column/gongzuo-yaowen?page=-1",
    ] {
        t.public().get(path).await.assert_status(404);
    }
    // The parent column lists its sub-columns' articles and links them.
    let parent = text(t, "/column/dangjian-dongtai").await;
    assert!(parent.contains("href=\"/column/xiangzhen-dongtai\""));
    assert!(parent.contains("rel=\"next\""));
    // An empty column has one (empty) page.
    text(t, "/column/xiangzhen-dongtai").await;
    t.public()
        .get("/column/xiangzhen-dongtai?page=2")
        .await
        .assert_status(404);

    t.app
        .withdraw_article(&s.editor, published, "内容有误")
        .await
        .expect("withdraw");
    let gone = t.public().get(&format!("/article/{published}")).await;
    gone.assert_status(410).assert_contains("该文章已撤稿");

    let archive = text(t, "/archive").await;
    assert!(archive.contains("/archive/"), "{archive}");
    t.public().get("/archive/2026/13").await.assert_status(404);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_cache_shows_every_change_at_once() {
    let s = setup().await;
    let t = &s.t;
    let news = s.column("gongzuo-yaowen").await;
    let first = s.publish(news, "第一篇原标题").await;
    let second = s.publish(news, "第二篇将撤稿").await;
    let pages = [
        "/".to_owned(),
        "/column/gongzuo-yaowen".to_owned(),
        "/column/dangjian-dongtai".to_owned(),
        format!("/article/{first}"),
        "/feed.xml".to_owned(),
        "/atom.xml".to_owned(),
        "/column/gongzuo-yaowen/feed.xml".to_owned(),
        "/sitemap.xml".to_owned(),
    ];
    for path in &pages {
        let (_, one, _) = fetch(t, path, &[]).await;
        let (_, two, _) = fetch(t, path, &[]).await;
        assert!(!header(&one, "etag").is_empty(), "{path} has an ETag");
        assert_eq!(header(&one, "etag"), header(&two, "etag"), "{path} cached");
        assert_eq!(header(&one, "last-modified"), header(&two, "last-modified"));
    }

    s.rename(first, news, "第一篇新标题").await;
    for path in pages.iter().filter(|p| *p != "/sitemap.xml") {
        let page = text(t, path).await;
        assert!(page.contains("第一篇新标题"), "{path} shows the new title");
        assert!(!page.contains("第一篇原标题"), "{path} drops the old title");
    }

    let third = s.publish(news, "第三篇新发布").await;
    for path in &pages {
        let page = text(t, path).await;
        if path.starts_with("/article/") || path == "/sitemap.xml" {
            // The neighbour link of the first article now names the third.
            assert!(page.contains(&format!("/article/{third}")), "{path}");
        } else {
            assert!(page.contains("第三篇新发布"), "{path} lists the new one");
        }
    }

    t.app
        .withdraw_article(&s.editor, second, "撤稿测试")
        .await
        .expect("withdraw");
    for path in &pages {
        let page = text(t, path).await;
        assert!(!page.contains("第二篇将撤稿"), "{path} no longer lists it");
    }
    let sitemap = text(t, "/sitemap.xml").await;
    assert!(!sitemap.contains(&format!("/article/{second}<")));
    t.public()
        .get(&format!("/article/{second}"))
        .await
        .assert_status(410);

    // The site's footer facts: a settings change refreshes every page.
    let values = BTreeMap::from([
        ("site.sponsor".to_owned(), "中共乡宁县委组织部".to_owned()),
        ("site.icp".to_owned(), "晋ICP备12345678号".to_owned()),
        (
            "site.psb".to_owned(),
            "晋公网安备14102902000001号".to_owned(),
        ),
        ("site.code".to_owned(), "1410290001".to_owned()),
        ("site.contact".to_owned(), "0357-6831234".to_owned()),
    ]);
    t.app
        .update_site_profile(&s.editor, s.site, &values)
        .await
        .expect("update the site profile");
    let home = text(t, "/").await;
    for fact in values.values() {
        assert!(home.contains(fact.as_str()), "footer shows {fact}");
    }
    assert!(home.contains("href=\"https://beian.miit.gov.cn/\""));
    assert!(home.contains("href=\"http://www.beian.gov.cn/\""));
    let article = text(t, &format!("/article/{first}")).await;
    assert!(article.contains("晋ICP备12345678号"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_cache_revalidates_and_compresses() {
    let s = setup().await;
    let t = &s.t;
    let news = s.column("gongzuo-yaowen").await;
    let id = s.publish(news, "压缩与缓存").await;
    for path in [
        "/".to_owned(),
        format!("/article/{id}"),
        "/feed.xml".to_owned(),
    ] {
        let (status, plain, identity) = fetch(t, &path, &[]).await;
        assert_eq!(status, 200);
        assert!(header(&plain, "vary").contains("Accept-Encoding"), "{path}");
        assert_eq!(header(&plain, "content-encoding"), "");

        let (_, gz_headers, gz) = fetch(t, &path, &[("accept-encoding", "gzip")]).await;
        assert_eq!(header(&gz_headers, "content-encoding"), "gzip");
        let mut decoded = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut decoded)
            .expect("gunzip");
        assert_eq!(decoded, identity, "{path}: gzip decodes to the same bytes");

        let (_, br_headers, br) =
            fetch(t, &path, &[("accept-encoding", "gzip, deflate, br")]).await;
        assert_eq!(header(&br_headers, "content-encoding"), "br");
        let mut decoded = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut decoded).expect("brotli");
        assert_eq!(decoded, identity, "{path}: br decodes to the same bytes");

        for (headers, coding) in [(&plain, "identity"), (&br_headers, "br")] {
            let tag = header(headers, "etag").to_owned();
            let asked = [("if-none-match", tag.as_str()), ("accept-encoding", coding)];
            let (status, again, body) = fetch(t, &path, &asked).await;
            assert_eq!(status, 304, "{path} {coding}");
            assert!(body.is_empty());
            assert_eq!(header(&again, "etag"), tag);
        }
        let (status, _, _) = fetch(t, &path, &[("if-none-match", "\"stale\"")]).await;
        assert_eq!(status, 200);
        let since = header(&plain, "last-modified").to_owned();
        let (status, _, _) = fetch(t, &path, &[("if-modified-since", &since)]).await;
        assert_eq!(status, 304, "{path} If-Modified-Since");
    }
    // After a change the old ETag no longer matches.
    let (_, before, _) = fetch(t, "/", &[]).await;
    s.publish(news, "又一篇").await;
    let tag = header(&before, "etag").to_owned();
    let (status, _, _) = fetch(t, "/", &[("if-none-match", &tag)]).await;
    assert_eq!(status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_feeds_sitemap_and_robots() {
    let s = setup().await;
    let t = &s.t;
    let news = s.column("gongzuo-yaowen").await;
    let notices = s.column("tongzhi-gonggao").await;
    let a = s.publish(news, "要闻 <一> & “引号”").await;
    let b = s.publish(notices, "关于开展主题教育的通知").await;
    let draft = s.draft(news, "草稿不进订阅").await;

    let rss = text(t, "/feed.xml").await;
    let titles = xml_texts(&rss, "title");
    assert!(
        titles.contains(&"要闻 <一> & “引号”".to_owned()),
        "{titles:?}"
    );
    assert!(titles.contains(&"关于开展主题教育的通知".to_owned()));
    assert!(!rss.contains("草稿不进订阅"));
    let links = xml_texts(&rss, "link");
    assert!(links.iter().any(|l| l.ends_with(&format!("/article/{a}"))));
    assert_eq!(xml_texts(&rss, "pubDate").len(), 2);

    let atom = text(t, "/atom.xml").await;
    let ids = xml_texts(&atom, "id");
    assert!(ids.iter().any(|l| l.ends_with(&format!("/article/{b}"))));
    assert_eq!(xml_texts(&atom, "entry").len(), 2);

    let column_rss = text(t, "/column/dangjian-dongtai/feed.xml").await;
    let items = xml_texts(&column_rss, "item");
    assert_eq!(items.len(), 1, "{column_rss}");
    assert!(column_rss.contains(&format!("/article/{a}")));
    assert!(!column_rss.contains(&format!("/article/{b}")));
    let column_atom = text(t, "/column/gonggao-gongshi/atom.xml").await;
    assert_eq!(xml_texts(&column_atom, "entry").len(), 1);
    t.public()
        .get("/column/no-such/feed.xml")
        .await
        .assert_status(404);

    t.app
        .withdraw_article(&s.editor, b, "过期")
        .await
        .expect("withdraw");
    let sitemap = text(t, "/sitemap.xml").await;
    let locs = xml_texts(&sitemap, "loc");
    assert!(locs.iter().any(|l| l.ends_with(&format!("/article/{a}"))));
    assert!(!locs.iter().any(|l| l.ends_with(&format!("/article/{b}"))));
    assert!(
        !locs
            .iter()
            .any(|l| l.ends_with(&format!("/article/{draft}")))
    );
    assert!(locs.iter().any(|l| l.ends_with("/column/gongzuo-yaowen")));

    let (status, headers, robots) = fetch(t, "/robots.txt", &[]).await;
    assert_eq!(status, 200);
    assert!(header(&headers, "content-type").starts_with("text/plain"));
    let robots = String::from_utf8(robots).expect("UTF-8");
    assert!(robots.contains("User-agent: *") && robots.contains("Allow: /"));
    assert!(robots.contains(&format!("Sitemap: {}/sitemap.xml", t.public_url)));
    for office in ["/login", "/users", "/audit", "/api", "/settings"] {
        assert!(!robots.contains(office), "robots.txt names {office}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portal_care_mode_is_a_cookie_and_external_links_redirect() {
    let s = setup().await;
    let t = &s.t;
    let b = t.public();
    let plain = b.get("/column/gongzuo-yaowen").await;
    plain.assert_status(200);
    assert!(plain.contains("<body class=\"portal\">"));
    assert!(plain.contains("/care/on?to=%2Fcolumn%2Fgongzuo-yaowen"));
    let on = b.get("/care/on?to=/column/gongzuo-yaowen").await;
    on.assert_status(302);
    assert_eq!(on.location(), Some("/column/gongzuo-yaowen"));
    let care = b.get("/column/gongzuo-yaowen").await;
    assert!(
        care.contains("<body class=\"portal care\">"),
        "care mode on"
    );
    assert!(care.contains("/care/off?to="));
    // Another browser without the cookie still gets the standard page.
    let other = t.public().get("/column/gongzuo-yaowen").await;
    assert!(other.contains("<body class=\"portal\">"));
    for evil in ["https://evil.example/", "//evil.example/x", "/\\evil"] {
        let reply = b.get(&format!("/care/off?to={evil}")).await;
        assert_eq!(reply.location(), Some("/"), "{evil}");
    }
    assert!(b.get("/").await.contains("<body class=\"portal\">"));

    // An external-link column sends readers on, if its address is web.
    let form = ColumnForm {
        name: "共产党员网".into(),
        slug: "gongchandangyuan-wang".into(),
        kind: "external_link".into(),
        external_url: "https://www.12371.cn/".into(),
        ..ColumnForm::default()
    };
    t.app
        .create_column(&s.editor, s.site, &form)
        .await
        .expect("create an external link");
    let reply = t.public().get("/column/gongchandangyuan-wang").await;
    reply.assert_status(302);
    assert_eq!(reply.location(), Some("https://www.12371.cn/"));
    // The site's facts are set on the office's site settings page.
    text(t, "/").await;
    let form = s.office.get("/site-settings").await;
    form.assert_status(200).assert_contains("ICP");
    let csrf = scrape_csrf(&form.body).expect("a CSRF token");
    s.office
        .post_form(
            "/site-settings",
            &[
                ("_csrf", &csrf),
                ("site.name", "乡宁组工网"),
                ("site.sponsor", "中共乡宁县委组织部"),
                ("site.icp", "晋ICP备00000001号"),
            ],
        )
        .await
        .assert_redirect("/site-settings?ok=saved");
    let home = text(t, "/").await;
    assert!(home.contains("<title>乡宁组工网</title>"), "{home}");
    assert!(home.contains("中共乡宁县委组织部") && home.contains("晋ICP备00000001号"));
    let long = "长".repeat(201);
    s.office
        .post_form(
            "/site-settings",
            &[("_csrf", &csrf), ("site.contact", &long)],
        )
        .await
        .assert_status(422);
    // The unknown page is the portal's 404.
    let missing = t.public().get("/no/such/page").await;
    missing
        .assert_status(404)
        .assert_contains("class=\"portal\"");
}

/// A column page lists pinned articles first, then the newest, across the
/// column's sub-columns and articles placed there from other columns, each
/// once, with the right total.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn column_pages_put_pinned_first_and_count_each_article_once() {
    let s = setup().await;
    let columns = s.t.app.public_columns(s.site).await.expect("columns");
    let parent = columns
        .iter()
        .find(|c| columns.iter().any(|x| x.parent_id == Some(c.id)))
        .expect("a column with sub-columns")
        .clone();
    let child = columns
        .iter()
        .find(|c| c.parent_id == Some(parent.id))
        .expect("a sub-column")
        .id;
    let elsewhere = columns
        .iter()
        .find(|c| c.id != parent.id && c.parent_id != Some(parent.id) && c.kind == "article_list")
        .expect("another column")
        .id;

    let older = s.publish(child, "较早的置顶文章").await;
    s.t.clock.advance_minutes(1);
    let mut pin = Setup::form(child, "较早的置顶文章", "<p>正文</p>");
    pin.fields.pinned_until = "2099-12-31".into();
    pin.fields.publish_at =
        dangjian_domain::clock::format_local_input(s.t.clock.now_ms() - 120_000);
    let edit =
        s.t.app
            .update_article(&s.editor, older, &pin)
            .await
            .expect("pin");
    s.t.app
        .submit_article(&s.editor, edit)
        .await
        .expect("merge the pin");
    s.publish(parent.id, "最新的普通文章").await;
    s.t.clock.advance_minutes(1);
    let mut placed = Setup::form(elsewhere, "从别的栏目同时发到这里", "<p>正文</p>");
    placed.fields.extra_columns = format!("{child},{}", parent.id);
    let placed_id =
        s.t.app
            .create_article(&s.editor, s.site, &placed)
            .await
            .expect("create");
    s.t.app
        .submit_article(&s.editor, placed_id)
        .await
        .expect("publish");

    let (listing, total) = {
        let listing =
            s.t.app
                .public_column(s.site, &parent.slug, 1)
                .await
                .expect("column page")
                .expect("visible");
        let total = listing.total;
        (listing, total)
    };
    let titles: Vec<&str> = listing.items.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(
        titles,
        ["较早的置顶文章", "从别的栏目同时发到这里", "最新的普通文章"],
        "pinned first, then newest, each once"
    );
    assert_eq!(total, 3);
    let page = text(&s.t, &format!("/column/{}", parent.slug)).await;
    assert!(page.contains("较早的置顶文章"));
}
