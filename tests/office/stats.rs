//! Visit statistics: the portal counts the pages people read (not bots, not
//! assets or feeds), in memory, written in a batch with the articles' view
//! counts; the site editor's `/stats` page shows totals, peak day, top
//! articles and devices; the CSV export has the rows and is audited; other
//! roles get 403.

use dangjian_app::actor::Actor;
use dangjian_app::articles::edit::ArticleForm;
use dangjian_app::records::AuditFilter;
use dangjian_domain::article::{ArticleId, ArticleInput};
use dangjian_domain::clock::format_local_date;
use dangjian_domain::ids::SiteId;
use dangjian_testkit::{Browser, TestApp};
use reqwest::Method;

const DESKTOP: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120";
const PHONE: &str = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148";

struct Setup {
    t: TestApp,
    editor: Actor,
    office: Browser,
    site: SiteId,
}

/// An installation with a site editor (`tongji`), logged in.
async fn setup() -> Setup {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    let sec = t.admin("secadmin").await;
    let person = t
        .person_with_role(&sys, &sec, "tongji", "统计编辑", "site_editor")
        .await;
    let editor = t.actor("tongji", &person.password, &person.secret).await;
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
    async fn publish(&self, title: &str) -> (ArticleId, String) {
        let columns = self.t.app.public_columns(self.site).await.expect("columns");
        let column = columns.first().expect("a column");
        let form = ArticleForm {
            fields: ArticleInput {
                title: title.into(),
                summary: format!("{title}的摘要"),
                primary_column: column.id.0.to_string(),
                ..ArticleInput::default()
            },
            body: format!("<p>{title}的正文</p>"),
            ..ArticleForm::default()
        };
        let id = self
            .t
            .app
            .create_article(&self.editor, self.site, &form)
            .await
            .expect("create");
        self.t
            .app
            .submit_article(&self.editor, id)
            .await
            .expect("publish");
        (id, column.slug.clone())
    }

    /// A public GET with a User-Agent (and a Referer); returns the status.
    async fn read(&self, path: &str, agent: &str, referer: Option<&str>) -> u16 {
        let b = self.t.public();
        let mut request = b.request(Method::GET, path).header("user-agent", agent);
        if let Some(referer) = referer {
            request = request.header("referer", referer);
        }
        request
            .send()
            .await
            .expect("HTTP request")
            .status()
            .as_u16()
    }

    async fn view_count(&self, id: ArticleId) -> i64 {
        let mut conn = self.t.app.store().read().await.expect("connection");
        dangjian_store::articles::get(&mut conn, id)
            .await
            .expect("article")
            .view_count
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_count_people_reading_pages_and_show_them_to_the_site_editor() {
    let s = setup().await;
    let (article, column) = s.publish("统计测试文章").await;
    let article_path = format!("/article/{}", article.0);
    s.t.app.flush_visits().await.expect("flush");
    assert_eq!(s.t.app.pending_visits(), 0);

    // Programs, assets, feeds and unknown pages are not counted.
    for bot in [
        "",
        "Mozilla/5.0 (compatible; Baiduspider/2.0)",
        "curl/8.5",
        "python-requests/2",
    ] {
        assert_eq!(s.read(&article_path, bot, None).await, 200, "{bot}");
    }
    for path in [
        "/feed.xml",
        "/sitemap.xml",
        "/robots.txt",
        "/healthz",
        "/article/999999",
    ] {
        s.read(path, DESKTOP, None).await;
    }
    let css = s.t.public().get("/").await.body;
    if let Some(start) = css.find("/assets/") {
        let end = css[start..].find('"').map_or(css.len(), |e| start + e);
        s.read(&css[start..end], DESKTOP, None).await;
    }
    let before = s.t.app.pending_visits();

    // People: three article views (the second and third from the page
    // cache), the homepage on a phone with a search-engine referrer, and a
    // column page.
    let referer = Some("https://www.baidu.com/s?wd=党建");
    assert_eq!(s.read(&article_path, DESKTOP, None).await, 200);
    assert_eq!(s.read(&article_path, DESKTOP, None).await, 200);
    assert_eq!(s.read(&article_path, PHONE, referer).await, 200);
    assert_eq!(s.read("/", PHONE, referer).await, 200);
    let column_path = format!("/column/{column}");
    assert_eq!(s.read(&column_path, DESKTOP, None).await, 200);
    // `/` was read once by the test itself above (testkit's agent).
    assert_eq!(s.t.app.pending_visits() - before, 5);
    assert_eq!(
        before, 1,
        "only the homepage read for its stylesheet counts"
    );

    let written = s.t.app.flush_visits().await.expect("flush");
    assert_eq!(written, 6);
    assert_eq!(s.t.app.pending_visits(), 0);
    assert_eq!(s.view_count(article).await, 3);
    assert_eq!(s.t.app.flush_visits().await.expect("flush"), 0);

    // The statistics page.
    let today = format_local_date(s.t.app.now_ms());
    let page = s.office.get("/stats").await;
    page.assert_status(200)
        .assert_contains("统计测试文章")
        .assert_contains(&format!("/articles/{}", article.0))
        .assert_contains("www.baidu.com")
        .assert_contains("<svg")
        .assert_contains("<table>");
    let total = dangjian_testkit::element_text(&page.body, "stats-total").expect("total");
    assert_eq!(total.trim(), "6");
    let peak = dangjian_testkit::element_text(&page.body, "stats-peak").expect("peak");
    assert!(peak.contains(&today) && peak.contains('6'), "{peak}");
    assert!(page.body.contains("手机") && page.body.contains("电脑"));

    // The export: a BOM, a header and the rows; audited.
    let csv = s.office.get("/stats/export.csv").await;
    csv.assert_status(200);
    assert!(csv.body.starts_with('\u{feff}'), "no BOM");
    assert!(csv.body.contains("day,page,referrer,device,views"));
    assert!(
        csv.body
            .contains(&format!("{today},article:{},,desktop,2", article.0)),
        "{}",
        csv.body
    );
    assert!(csv.body.contains(&format!(
        "{today},article:{},www.baidu.com,mobile,1",
        article.0
    )));
    assert!(
        csv.body
            .contains(&format!("{today},home,www.baidu.com,mobile,1"))
    );
    let filter = AuditFilter {
        action: "stats.export".into(),
        ..AuditFilter::default()
    };
    let mut conn = s.t.app.store().read().await.expect("connection");
    let (records, _) = dangjian_store::audit::search(&mut conn, &filter, 0, 10)
        .await
        .expect("audit");
    assert_eq!(records.len(), 1);
    assert_eq!(records[0].entry.actor_name, "tongji");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stats_need_the_site_editor_and_show_an_empty_state_and_seeded_history() {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    sys.browser.get("/stats").await.assert_status(403);
    sys.browser
        .get("/stats/export.csv")
        .await
        .assert_status(403);
    drop(t);

    let s = setup().await;
    let page = s.office.get("/stats").await;
    page.assert_status(200);
    assert!(page.body.contains("id=\"stats-empty\""), "{}", page.body);
    s.office
        .get("/stats?from=2026-13-01")
        .await
        .assert_status(422);

    // History laid by `dangjian demo`.
    let (article, _) = s.publish("往期文章").await;
    let page_of = format!("article:{}", article.0);
    let row = |day: &str, page: &str, referrer: &str, device: &str, views: i64| {
        (
            day.to_owned(),
            page.to_owned(),
            referrer.to_owned(),
            device.to_owned(),
            views,
        )
    };
    let rows = vec![
        row("2025-03-01", "home", "", "desktop", 300),
        row("2025-03-02", &page_of, "www.baidu.com", "mobile", 1000),
        row("2025-03-02", "home", "", "tablet", 20),
        row("2025-04-10", "archive", "", "desktop", 80),
    ];
    s.t.app.seed_visits(s.site, &rows).await.expect("seed");
    assert!(
        s.t.app
            .seed_visits(s.site, &[row("x", "home", "", "desktop", 1)])
            .await
            .is_err()
    );
    assert_eq!(s.view_count(article).await, 1000);
    let page = s
        .office
        .get("/stats?from=2025-03-01&until=2025-04-30")
        .await;
    page.assert_status(200).assert_contains("往期文章");
    let total = dangjian_testkit::element_text(&page.body, "stats-total").expect("total");
    assert_eq!(total.trim(), "1400");
    let peak = dangjian_testkit::element_text(&page.body, "stats-peak").expect("peak");
    assert!(
        peak.contains("2025-03-02") && peak.contains("1020"),
        "{peak}"
    );
    // 1400 views over 2025-03-01..2025-04-30 (61 days).
    let average = dangjian_testkit::element_text(&page.body, "stats-average").expect("avg");
    assert_eq!(average.trim(), "22");
    let csv = s
        .office
        .get("/stats/export.csv?from=2025-03-01&until=2025-03-31")
        .await;
    assert_eq!(csv.body.lines().count(), 4, "{}", csv.body);
}
