//! Article revisions (修订记录): every save keeps one; two of them compare
//! side by side with the changed Chinese characters marked; an earlier one
//! comes back into a draft as a new revision, never into a published
//! article; restoring needs the CSRF token; refusals are audited.

use dangjian_app::actor::Actor;
use dangjian_app::articles::edit::ArticleForm;
use dangjian_app::records::AuditFilter;
use dangjian_domain::article::{ArticleId, ArticleInput};
use dangjian_domain::audit::Outcome;
use dangjian_domain::column::ColumnId;
use dangjian_testkit::{Admin, Browser, TestApp};

const FIRST_BODY: &str = "<p>县委组织部召开基层党建工作推进会。</p><p>会议强调要抓好落实。</p>";
const SECOND_BODY: &str = "<p>县委组织部召开基层党建工作促进会。</p><p>会议强调要抓好落实。</p>";
const THIRD_BODY: &str =
    "<p>县委组织部召开基层党建工作促进会。</p><p>会议强调要抓好落实。</p><p>新增的一段部署。</p>";

/// An installation with a site editor (as an actor and an office browser)
/// and the security administrator, who writes no articles.
struct Setup {
    t: TestApp,
    editor: Actor,
    office: Browser,
    outsider: Admin,
    column: ColumnId,
}

async fn setup() -> Setup {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    let sec = t.admin("secadmin").await;
    let person = t
        .person_with_role(&sys, &sec, "menhu", "门户编辑", "site_editor")
        .await;
    let editor = t.actor("menhu", &person.password, &person.secret).await;
    let column = t
        .app
        .public_columns(t.init_report.site)
        .await
        .expect("columns")
        .iter()
        .find(|c| c.slug == "dangjian-dongtai")
        .expect("the default column 党建动态")
        .id;
    Setup {
        t,
        editor,
        office: person.browser,
        outsider: sec,
        column,
    }
}

impl Setup {
    fn form(&self, title: &str, body: &str) -> ArticleForm {
        ArticleForm {
            fields: ArticleInput {
                title: title.into(),
                source: "县委组织部".into(),
                primary_column: self.column.0.to_string(),
                ..ArticleInput::default()
            },
            body: body.into(),
            ..ArticleForm::default()
        }
    }

    async fn create(&self, title: &str, body: &str) -> ArticleId {
        let site = self.t.init_report.site;
        self.t
            .app
            .create_article(&self.editor, site, &self.form(title, body))
            .await
            .expect("create an article")
    }

    async fn update(&self, id: ArticleId, title: &str, body: &str) {
        self.t
            .app
            .update_article(&self.editor, id, &self.form(title, body))
            .await
            .expect("update the article");
    }

    async fn title(&self, id: ArticleId) -> String {
        let mut conn = self.t.app.store().read().await.expect("connection");
        dangjian_store::articles::get(&mut conn, id)
            .await
            .expect("the article")
            .title
    }

    async fn status(&self, id: ArticleId) -> &'static str {
        let mut conn = self.t.app.store().read().await.expect("connection");
        dangjian_store::articles::get(&mut conn, id)
            .await
            .expect("the article")
            .status
            .code()
    }

    async fn revision_count(&self, id: ArticleId) -> usize {
        let mut conn = self.t.app.store().read().await.expect("connection");
        dangjian_store::revisions::list(&mut conn, id, 1000)
            .await
            .expect("revisions")
            .len()
    }

    async fn audit_outcomes(&self, action: &str) -> Vec<Outcome> {
        let mut conn = self.t.app.store().read().await.expect("connection");
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
}

/// The texts inside `<tag>…</tag>`, without their hidden words for screen
/// readers.
fn marked(html: &str, tag: &str) -> Vec<String> {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    html.split(open.as_str())
        .skip(1)
        .filter_map(|rest| rest.split(close.as_str()).next())
        .map(without_hidden)
        .collect()
}

fn without_hidden(html: &str) -> String {
    const HIDDEN: &str = "<span class=\"visually-hidden\">";
    let mut out = String::new();
    let mut rest = html;
    while let Some(start) = rest.find(HIDDEN) {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        rest = after
            .find("</span>")
            .map_or("", |end| &after[end + "</span>".len()..]);
    }
    out.push_str(rest);
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revisions_keep_every_save_and_compare_by_character() {
    let s = setup().await;
    let b = &s.office;
    let id = s.create("基层党建工作推进会", FIRST_BODY).await;
    s.update(id, "基层党建工作促进会", SECOND_BODY).await;
    s.update(id, "基层党建工作促进会（续）", THIRD_BODY).await;

    b.get(&format!("/articles/{id}"))
        .await
        .assert_status(200)
        .assert_contains(&format!("href=\"/articles/{id}/revisions\""))
        .assert_contains("修订记录");
    let list = b.get(&format!("/articles/{id}/revisions")).await;
    list.assert_status(200)
        .assert_contains("#1")
        .assert_contains("#2")
        .assert_contains("#3")
        .assert_contains("门户编辑")
        .assert_contains("新建")
        .assert_contains("比较所选修订")
        .assert_contains("name=\"a\" value=\"2\"")
        .assert_contains("name=\"b\" value=\"3\"")
        .assert_contains(&format!("/articles/{id}/revisions/1/restore"));
    assert!(!list.contains("#4"), "a fourth revision listed");
    assert_eq!(s.revision_count(id).await, 3);

    // One changed character: only it is marked, on both sides.
    let compare = b
        .get(&format!("/articles/{id}/revisions/compare?a=2&b=1"))
        .await;
    compare
        .assert_status(200)
        .assert_contains("<th scope=\"col\">")
        .assert_contains("<caption>正文</caption>")
        .assert_contains("［删除：");
    assert_eq!(
        marked(&compare.body, "del"),
        ["推", "推"],
        "{}",
        compare.body
    );
    assert_eq!(marked(&compare.body, "ins"), ["促", "促"]);
    let older = compare
        .body
        .find("较早版本：修订 #1")
        .expect("older heading");
    let newer = compare
        .body
        .find("较新版本：修订 #2")
        .expect("newer heading");
    assert!(older < newer, "the older revision is on the left");

    // A paragraph added: all of it inserted, nothing deleted in the body.
    let added = b
        .get(&format!("/articles/{id}/revisions/compare?a=2&b=3"))
        .await;
    added.assert_status(200);
    assert_eq!(marked(&added.body, "ins"), ["（续）", "新增的一段部署。"]);
    assert!(marked(&added.body, "del").is_empty(), "{}", added.body);

    b.get(&format!("/articles/{id}/revisions/compare?a=3&b=3"))
        .await
        .assert_status(200)
        .assert_contains("完全相同");
    b.get(&format!("/articles/{id}/revisions/compare?a=1&b=9"))
        .await
        .assert_status(404);
    b.get(&format!("/articles/{id}/revisions/compare?a=x&b=1"))
        .await
        .assert_status(400);

    // Someone who writes no articles sees no revisions; that is audited.
    s.outsider
        .browser
        .get(&format!("/articles/{id}/revisions"))
        .await
        .assert_status(403);
    let denied = s.audit_outcomes("article.revisions").await;
    assert!(denied.contains(&Outcome::Denied), "{denied:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn revisions_restore_into_a_draft_but_not_into_a_published_article() {
    let s = setup().await;
    let b = &s.office;
    let id = s.create("乡镇党委书记述职", FIRST_BODY).await;
    s.update(id, "乡镇党委书记抓党建述职", SECOND_BODY).await;

    let list = format!("/articles/{id}/revisions");
    let restore = format!("/articles/{id}/revisions/1/restore");
    b.get(&list).await.assert_status(200);

    // Without the page's token nothing happens.
    b.post_form_raw(&restore, &[]).await.assert_status(403);
    assert_eq!(s.revision_count(id).await, 2);

    b.post_form(&restore, &[])
        .await
        .assert_redirect(&format!("{list}?ok=restored"));
    assert_eq!(s.title(id).await, "乡镇党委书记述职");
    assert_eq!(s.revision_count(id).await, 3);
    b.get(&format!("{list}?ok=restored"))
        .await
        .assert_status(200)
        .assert_contains("已恢复所选修订")
        .assert_contains("#3")
        .assert_contains("由修订 #1 恢复");
    let restored = s.audit_outcomes("article.restore").await;
    assert_eq!(restored, [Outcome::Success]);

    // Once published, an earlier text cannot be brought back.
    s.t.publish_directly(&s.editor).await;
    s.t.app
        .submit_article(&s.editor, id)
        .await
        .expect("publish");
    assert_eq!(s.status(id).await, "published");
    b.get(&list)
        .await
        .assert_status(200)
        .assert_contains("只有草稿或已退回");
    b.post_form(&format!("/articles/{id}/revisions/2/restore"), &[])
        .await
        .assert_status(409)
        .assert_contains("只有草稿或已退回给作者的文章可以恢复修订");
    assert_eq!(s.title(id).await, "乡镇党委书记述职");
    assert_eq!(s.revision_count(id).await, 3);
    let outcomes = s.audit_outcomes("article.restore").await;
    assert!(outcomes.contains(&Outcome::Failure), "{outcomes:?}");
    assert_eq!(s.t.app.audit_verify().await.expect("verify").fault, None);
}
