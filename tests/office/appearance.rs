//! What the site editor chooses for the portal's look: the homepage blocks
//! and their order, a special topic's banner and sub-column blocks, and the
//! site's logo, header banner, brand colour and public address.

use std::collections::BTreeMap;
use std::io::Cursor;

use dangjian_app::columns::ColumnForm;
use dangjian_app::records::{AuditFilter, Column};

use crate::portal::{Setup, setup};

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x % 256) as u8, (y % 256) as u8, 120])
    });
    let mut out = Cursor::new(Vec::new());
    image
        .write_to(&mut out, image::ImageFormat::Png)
        .expect("encode PNG");
    out.into_inner()
}

impl Setup {
    /// An uploaded image with its alt text; returns its id.
    async fn image(&self, name: &str, alt: &str) -> i64 {
        let item = self
            .t
            .app
            .upload_media(&self.editor, name, png(900, 300))
            .await
            .expect("upload an image");
        self.t
            .app
            .update_media_alt(&self.editor, item.media.id, alt)
            .await
            .expect("alt text");
        item.media.id.0
    }

    async fn stored_column(&self, slug: &str) -> Column {
        let id = self.column(slug).await;
        self.t
            .app
            .column(&self.editor, id)
            .await
            .expect("the column")
    }

    /// Changes some fields of a column as the edit form would send them.
    async fn edit_column(&self, slug: &str, change: impl FnOnce(&mut ColumnForm)) {
        let column = self.stored_column(slug).await;
        let mut form = ColumnForm {
            name: column.name.clone(),
            slug: column.slug.clone(),
            kind: column.kind.clone(),
            owner_section_id: column
                .owner_section_id
                .map(|s| s.to_string())
                .unwrap_or_default(),
            update_period_days: column.update_period_days.to_string(),
            description: column.description.clone(),
            home_order: column.home_order.to_string(),
            banner_media_id: column
                .banner_media_id
                .map(|m| m.to_string())
                .unwrap_or_default(),
            ..ColumnForm::default()
        };
        change(&mut form);
        self.t
            .app
            .update_column(&self.editor, column.id, &form)
            .await
            .expect("update the column");
    }

    async fn home(&self) -> String {
        let reply = self.t.public().get("/").await;
        reply.assert_status(200);
        reply.body.clone()
    }
}

/// Position of a text in a page (panics if absent).
fn at(page: &str, text: &str) -> usize {
    page.find(text)
        .unwrap_or_else(|| panic!("page lacks {text}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn homepage_blocks_are_the_columns_the_editor_chose_in_order() {
    let s = setup().await;
    let town = s.column("xiangzhen-dongtai").await;
    s.publish(town, "乡镇党委书记述职评议").await;
    let home = s.home().await;
    // By default every main column that lists articles has a block; a
    // single page (部长信箱) does not, nor does a sub-column.
    assert!(home.contains(">党建动态</a></h2>"));
    assert!(!home.contains(">部长信箱</a></h2>"));
    assert!(!home.contains(">乡镇动态</a></h2>"));

    // The editor puts a sub-column first, and takes a main column off.
    s.edit_column("xiangzhen-dongtai", |f| f.home_order = "1".into())
        .await;
    s.edit_column("dangjian-dongtai", |f| f.home_order = "0".into())
        .await;
    s.edit_column("laoganbu-gongzuo", |f| f.home_order = "2".into())
        .await;
    let home = s.home().await;
    assert!(
        !home.contains(">党建动态</a></h2>"),
        "taken off the homepage"
    );
    let town_block = at(&home, ">乡镇动态</a></h2>");
    assert!(town_block < at(&home, ">老干部工作</a></h2>"));
    assert!(home[town_block..].contains("乡镇党委书记述职评议"));
    // The main navigation is not the homepage blocks: it stays.
    assert!(home.contains("href=\"/column/dangjian-dongtai\""));

    // Out-of-range orders are refused beside the field, in Chinese.
    let id = s.column("xiangzhen-dongtai").await;
    let reply = s
        .office
        .post_form(
            &format!("/columns/{id}"),
            &[
                ("name", "乡镇动态"),
                ("slug", "xiangzhen-dongtai"),
                ("kind", "article_list"),
                ("home_order", "100"),
            ],
        )
        .await;
    reply.assert_status(422);
    reply.assert_contains("首页区块顺序须为 0–99 之间的整数");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_special_topic_shows_its_banner_and_its_sub_columns() {
    let s = setup().await;
    let banner = s.image("banner.png", "公开选拔专题横幅").await;
    s.edit_column("gongkai-xuanba", |f| {
        f.banner_media_id = banner.to_string();
    })
    .await;
    let notices = s.column("xuanba-gonggao").await;
    let news = s.column("xuanba-dongtai").await;
    s.publish(notices, "2026年公开选拔副科级领导干部公告").await;
    s.publish(news, "公开选拔笔试顺利举行").await;

    let page = s.t.public().get("/column/gongkai-xuanba").await;
    page.assert_status(200);
    page.assert_contains("<figure class=\"banner\"><img src=\"/media/");
    page.assert_contains("alt=\"公开选拔专题横幅\"");
    let first = at(&page.body, ">选拔公告</a></h2>");
    let second = at(&page.body, ">选拔动态</a></h2>");
    assert!(first < second, "blocks follow the sub-column order");
    assert!(page.body[first..second].contains("2026年公开选拔副科级领导干部公告"));
    assert!(page.body[second..].contains("公开选拔笔试顺利举行"));
    // The homepage links the topic as an entrance.
    assert!(s.home().await.contains("href=\"/column/gongkai-xuanba\""));
    // Page 2 of the listing is a plain list (no blocks, no page 2 here).
    s.t.public()
        .get("/column/gongkai-xuanba?page=2")
        .await
        .assert_status(404);

    // Only an image of the library may be a banner.
    let file =
        s.t.app
            .upload_media(
                &s.editor,
                "notes.txt",
                "公开选拔报名须知".as_bytes().to_vec(),
            )
            .await
            .expect("upload a text file");
    let column = s.stored_column("gongkai-xuanba").await;
    let form = ColumnForm {
        name: column.name.clone(),
        slug: column.slug.clone(),
        kind: column.kind.clone(),
        banner_media_id: file.media.id.to_string(),
        ..ColumnForm::default()
    };
    let refused = s.t.app.update_column(&s.editor, column.id, &form).await;
    assert!(format!("{refused:?}").contains("column.error.banner"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logo_banner_colour_and_address_are_site_settings() {
    let s = setup().await;
    let t = &s.t;
    let logo = s.image("logo.png", "党徽").await;
    let banner = s.image("head.png", "乡宁党建网").await;
    let home = s.home().await;
    assert!(!home.contains("/theme/"), "no colour set: the default red");
    assert!(!home.contains("class=\"site-banner\""));

    // Through the office page, as an editor fills it in.
    let form = s.office.get("/site-settings").await;
    form.assert_status(200).assert_contains("主题色");
    let (logo_text, banner_text) = (logo.to_string(), banner.to_string());
    let saved = s
        .office
        .post_form(
            "/site-settings",
            &[
                ("site.name", "乡宁党建网"),
                ("site.url", "https://www.xndj.gov.cn/"),
                ("site.logo", logo_text.as_str()),
                ("site.banner", banner_text.as_str()),
                ("site.color", "#8B0000"),
            ],
        )
        .await;
    saved.assert_redirect("/site-settings?ok=saved");

    let home = s.home().await;
    home_has(
        &home,
        "<link rel=\"stylesheet\" href=\"/theme/8b0000.css\">",
    );
    home_has(&home, "class=\"site-banner\"");
    home_has(&home, "<img class=\"logo\" src=\"/media/");
    let css = t.public().get("/theme/8b0000.css").await;
    css.assert_status(200).assert_contains("--red: #8b0000;");
    assert_eq!(
        css.headers
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("text/css; charset=utf-8")
    );
    // Colours too light for white text have no stylesheet either.
    t.public().get("/theme/ffff00.css").await.assert_status(404);
    t.public().get("/theme/red.css").await.assert_status(404);

    // The address: feeds use it instead of the request's Host header.
    let feed = t.public().get("/feed.xml").await;
    feed.assert_contains("<link>https://www.xndj.gov.cn/</link>");
    t.public()
        .get("/robots.txt")
        .await
        .assert_contains("Sitemap: https://www.xndj.gov.cn/sitemap.xml");

    // Refusals keep what was typed and say why, beside each field.
    let refused = s
        .office
        .post_form(
            "/site-settings",
            &[
                ("site.url", "www.xndj.gov.cn/index"),
                ("site.color", "#ffd700"),
                ("site.logo", "999999"),
            ],
        )
        .await;
    refused.assert_status(422);
    refused.assert_contains("白色文字在其上的对比度低于 4.5:1");
    refused.assert_contains("网站地址须为 http:// 或 https://");
    refused.assert_contains("value=\"#ffd700\"");
    let still = t.app.site_profile(s.site).await.expect("profile");
    assert_eq!(still.url, "https://www.xndj.gov.cn");
    assert_eq!(still.value("site.color"), "#8b0000");

    // Each change is audited.
    let values = BTreeMap::from([("site.color".to_owned(), String::new())]);
    t.app
        .update_site_profile(&s.editor, s.site, &values)
        .await
        .expect("back to the default colour");
    assert!(!s.home().await.contains("/theme/"));
    let mut conn = t.app.store().read().await.expect("connection");
    let filter = AuditFilter {
        actor: "menhu".into(),
        action: "site.update".into(),
        from_ms: None,
        until_ms: None,
    };
    let (records, _) = dangjian_store::audit::search(&mut conn, &filter, 0, 20)
        .await
        .expect("search the trail");
    let details: Vec<&str> = records.iter().map(|r| r.entry.detail.as_str()).collect();
    assert!(details.contains(&"#8b0000 -> "), "{details:?}");
    assert!(
        details.contains(&" -> https://www.xndj.gov.cn"),
        "{details:?}"
    );
}

fn home_has(home: &str, text: &str) {
    assert!(home.contains(text), "homepage lacks {text}");
}
