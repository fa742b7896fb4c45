//! 信息报送 assessment: the ranking counts what reviewers and editors did,
//! scores it by the rules (checked against hand-computed figures), and
//! exports the XLSX and the GB/T 9704 bulletin.

use std::io::Read;

use crate::review::{article_fields, created, section_id, setup};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ranking_scores_uploads_and_exports_the_bulletin() {
    let s = setup().await;
    let t = &s.t;
    let editor = t
        .person_with_role(&s.sys, &s.sec, "kaohe", "考核编辑", "site_editor")
        .await
        .browser;

    // Two submissions: one published, one sent back to its author.
    let kept = created(
        &s.officer
            .post_form("/articles", &article_fields("采用的信息", &s.column, ""))
            .await,
    );
    let back = created(
        &s.officer
            .post_form("/articles", &article_fields("退回的信息", &s.column, ""))
            .await,
    );
    for id in [kept, back] {
        s.officer
            .post_form(&format!("/articles/{id}/submit"), &[])
            .await;
        s.head
            .post_form(&format!("/articles/{id}/approve"), &[])
            .await;
    }
    s.deputy
        .post_form(&format!("/articles/{kept}/approve"), &[])
        .await
        .assert_redirect(&format!("/articles/{kept}?ok=published"));
    s.deputy
        .post_form(
            &format!("/articles/{back}/return"),
            &[("to", "author"), ("comment", "重写")],
        )
        .await
        .assert_redirect(&format!("/articles/{back}?ok=returned"));
    // The editor records a city adoption and a leader's 批示.
    editor
        .post_form(
            &format!("/articles/{kept}/adoption"),
            &[("level", "city"), ("note", "临汾组工")],
        )
        .await
        .assert_redirect(&format!("/articles/{kept}?ok=recorded"));
    editor
        .post_form(
            &format!("/articles/{kept}/instruction"),
            &[("leader", "县委书记"), ("note", "很好")],
        )
        .await
        .assert_redirect(&format!("/articles/{kept}?ok=recorded"));
    editor
        .post_form(&format!("/articles/{back}/adoption"), &[("level", "city")])
        .await
        .assert_status(409);

    // By hand: published 1×1 + city 1×3 + 批示 1×5 = 9 points. The unit
    // published 1 of a monthly quota of 2: 1 point off, 8 in all.
    let page = editor.get("/ranking").await;
    page.assert_status(200);
    let person = row(&page.body, "王信息");
    assert_eq!(
        person,
        ["2", "1", "1", "1", "1", "9", "0", "9"],
        "{person:?}"
    );
    let unit = row(&page.body, "县委组织部");
    assert_eq!(unit[5..], ["9", "1", "8"], "{unit:?}");
    s.head.get("/ranking").await.assert_status(200);
    s.officer.get("/ranking").await.assert_status(403);

    // The rules are settings: a city adoption worth 4 makes it 10.
    let mut rules: Vec<(&str, &str)> = vec![
        ("scoring.county", "1"),
        ("scoring.city", "4"),
        ("scoring.province", "5"),
        ("scoring.central", "10"),
        ("scoring.headline_bonus", "1"),
        ("scoring.instruction_bonus", "5"),
        ("scoring.monthly_quota", "2"),
        ("scoring.shortfall_deduction", "1"),
    ];
    editor
        .post_form("/ranking/rules", &rules)
        .await
        .assert_redirect("/ranking?ok=saved");
    let saved = editor.get("/ranking?ok=saved").await;
    saved.assert_contains("已保存");
    assert_eq!(row(&saved.body, "王信息")[7], "10");
    rules[1] = ("scoring.city", "-1");
    editor
        .post_form("/ranking/rules", &rules)
        .await
        .assert_status(422)
        .assert_contains("请填写 0–100 之间的整数");

    // Downloads: the spreadsheet, and the bulletin as an official document.
    let xlsx = editor.get("/ranking.xlsx?of=people").await;
    xlsx.assert_status(200);
    assert!(
        xlsx.headers["content-type"]
            .to_str()
            .unwrap()
            .contains("spreadsheetml")
    );
    let year = dangjian_domain::clock::format_local_date(t.app.now_ms())[0..4].to_owned();
    let xml = document_text(
        &editor,
        &format!("/ranking/bulletin.docx?year={year}&quarter=4&prefix=乡组通&seq=3"),
    )
    .await;
    assert!(xml.contains(&format!("乡组通〔{year}〕3号")), "number");
    assert!(xml.contains("网络信息报送情况的通报"));
    assert!(xml.contains("王信息"));
    editor
        .get("/ranking/bulletin.docx?year=2026&quarter=4&prefix=&seq=3")
        .await
        .assert_status(422);
    s.officer
        .get(&format!(
            "/ranking/bulletin.docx?year={year}&quarter=4&prefix=乡组通&seq=3"
        ))
        .await
        .assert_status(403);
}

/// The figures of a ranking row whose header cell starts with `name`
/// (the first row found: people come after units and sections).
fn row(page: &str, name: &str) -> Vec<String> {
    let start = page
        .match_indices(&format!("<th scope=\"row\">{name}"))
        .last()
        .map(|(i, _)| i)
        .unwrap_or_else(|| panic!("no row {name}"));
    let rest = &page[start..];
    let end = rest.find("</tr>").unwrap_or(rest.len());
    rest[..end]
        .split("<td>")
        .skip(1)
        .map(|cell| {
            cell.split("</td>")
                .next()
                .unwrap_or_default()
                .replace("<strong>", "")
                .replace("</strong>", "")
        })
        .collect()
}

/// An item counts once per kind, on the day that kind first happened: a
/// resubmission weeks later is not a new upload; its publication counts on
/// its own day. The live counters equal the ones rebuilt from the history.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_item_counts_on_the_day_it_was_first_submitted() {
    let s = setup().await;
    let t = &s.t;
    // People of their own, whose passwords let them log in again after the
    // clock has jumped weeks (their sessions expire meanwhile).
    let info = format!("section:{}", section_id(t, "信息中心").await);
    let unit = format!("unit:{}", t.init_report.unit.0);
    let people = [
        ("kuayue", "陈跨月", "info_officer", info.clone()),
        ("kuayuesh", "周审核", "section_head", info),
        ("kuayuesp", "吴审批", "deputy_minister", unit),
        (
            "kuayuebj",
            "郑编辑",
            "site_editor",
            format!("site:{}", t.init_report.site.0),
        ),
    ];
    let mut logins = Vec::new();
    for (user, name, role, scope) in &people {
        logins.push(
            t.person_with_role_in(&s.sys, &s.sec, user, name, role, scope)
                .await,
        );
    }
    let day = || dangjian_domain::clock::format_local_date(t.app.now_ms());
    let first_day = day();
    let (officer, head) = (&logins[0].browser, &logins[1].browser);
    let id = created(
        &officer
            .post_form("/articles", &article_fields("跨月的信息", &s.column, ""))
            .await,
    );
    officer
        .post_form(&format!("/articles/{id}/submit"), &[])
        .await
        .assert_redirect(&format!("/articles/{id}?ok=submitted"));
    head.post_form(
        &format!("/articles/{id}/return"),
        &[("to", "author"), ("comment", "补充数据")],
    )
    .await
    .assert_redirect(&format!("/articles/{id}?ok=returned"));

    t.clock.advance_ms(40 * 86_400_000);
    let second_day = day();
    let mut again = Vec::new();
    for login in &logins {
        again.push(
            t.login_with_totp(&login.username, &login.password, &login.secret)
                .await,
        );
    }
    let [officer, head, deputy, editor] = &again[..] else {
        unreachable!("four people")
    };
    officer
        .post_form(&format!("/articles/{id}/submit"), &[])
        .await
        .assert_redirect(&format!("/articles/{id}?ok=submitted"));
    head.post_form(&format!("/articles/{id}/approve"), &[])
        .await;
    deputy
        .post_form(&format!("/articles/{id}/approve"), &[])
        .await
        .assert_redirect(&format!("/articles/{id}?ok=published"));

    let figures = |from: String, to: String| async move {
        let page = editor
            .get(&format!("/ranking?kind=days&from={from}&to={to}"))
            .await;
        page.assert_status(200);
        row(&page.body, "陈跨月")[..3].to_vec()
    };
    // Submitted, published, returned.
    let first = figures(first_day.clone(), first_day.clone()).await;
    assert_eq!(first, ["1", "0", "1"], "{first:?}");
    let second = figures(second_day.clone(), second_day.clone()).await;
    assert_eq!(second, ["0", "1", "0"], "{second:?}");
    let both = figures(first_day.clone(), second_day.clone()).await;
    assert_eq!(both, ["1", "1", "1"], "{both:?}");

    // Rebuilding the counters from the timeline gives the same figures.
    {
        let mut tx = t.app.store().write().await.expect("transaction");
        dangjian_store::review::counts::recount(&mut tx, t.init_report.site)
            .await
            .expect("recount");
        tx.commit().await.expect("commit");
    }
    assert_eq!(figures(first_day.clone(), first_day.clone()).await, first);
    assert_eq!(figures(second_day.clone(), second_day).await, second);
}

/// The main part (`word/document.xml`) of the DOCX at `path`.
async fn document_text(editor: &dangjian_testkit::Browser, path: &str) -> String {
    let response = editor
        .request(reqwest::Method::GET, path)
        .send()
        .await
        .expect("a document");
    assert_eq!(response.status().as_u16(), 200);
    let bytes = response.bytes().await.expect("bytes").to_vec();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a DOCX is a zip");
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .expect("the document part")
        .read_to_string(&mut xml)
        .expect("read");
    xml
}

/// The DOCX text of an annual assessment.
async fn assessment_text(editor: &dangjian_testkit::Browser, year: &str) -> String {
    document_text(
        editor,
        &format!("/ranking/assessment.docx?year={year}&prefix=组通&seq=9"),
    )
    .await
}

/// The annual assessment proposes awards from the scores; the editors
/// confirm (or change) them, and the document then names the confirmed
/// ones. Refusals keep the form; officers may not confirm.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn editors_confirm_the_years_awards_before_the_assessment_names_them() {
    let s = setup().await;
    let t = &s.t;
    let editor = t
        .person_with_role(&s.sys, &s.sec, "kaohe", "考核编辑", "site_editor")
        .await
        .browser;
    let id = created(
        &s.officer
            .post_form("/articles", &article_fields("全年的信息", &s.column, ""))
            .await,
    );
    s.officer
        .post_form(&format!("/articles/{id}/submit"), &[])
        .await;
    for reviewer in [&s.head, &s.deputy] {
        reviewer
            .post_form(&format!("/articles/{id}/approve"), &[])
            .await;
    }
    let year = dangjian_domain::clock::format_local_date(t.app.now_ms())[0..4].to_owned();

    let page = editor.get(&format!("/ranking/honours?year={year}")).await;
    page.assert_status(200).assert_contains("拟表彰名单");
    let person = page
        .body
        .split("id=\"person-")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("王信息 is listed")
        .to_owned();
    assert!(
        page.body
            .contains(&format!("name=\"person\" value=\"{person}\" checked")),
        "the proposal is ticked"
    );
    assert!(
        assessment_text(&editor, &year)
            .await
            .contains("二、拟表彰名单")
    );

    let form = |fields: Vec<(&'static str, String)>| {
        let mut all = vec![("year", year.clone())];
        all.extend(fields);
        all
    };
    let post = |fields: Vec<(&'static str, String)>| {
        let editor = &editor;
        async move {
            let pairs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            editor.post_form("/ranking/honours", &pairs).await
        }
    };
    post(form(vec![]))
        .await
        .assert_status(422)
        .assert_contains("请至少选择一个先进单位或先进个人");
    post(form(vec![("unit", "999999".into())]))
        .await
        .assert_status(422)
        .assert_contains("不在该年度排行中");
    s.officer
        .post_form("/ranking/honours", &[("year", &year), ("person", &person)])
        .await
        .assert_status(403);

    post(form(vec![("person", person.clone())]))
        .await
        .assert_redirect(&format!("/ranking/honours?year={year}&ok=confirmed"));
    editor
        .get(&format!("/ranking/honours?year={year}&ok=confirmed"))
        .await
        .assert_contains("表彰名单已确认")
        .assert_contains("已确认表彰名单：考核编辑");
    let text = assessment_text(&editor, &year).await;
    assert!(text.contains("二、表彰名单"), "confirmed heading");
    assert!(text.contains("予以通报表扬"));
    assert!(!text.contains("拟表彰名单"));
    assert!(text.contains("王信息"));

    // The year's monthly statistics: a chart and the figures per month.
    let today = dangjian_domain::clock::format_local_date(t.app.now_ms());
    let monthly = editor.get(&format!("/ranking/monthly?year={year}")).await;
    monthly
        .assert_status(200)
        .assert_contains("<svg class=\"chart\"")
        .assert_contains(&format!(
            "<th scope=\"row\">{}</th><td>1</td><td>1</td><td>0</td>",
            &today[0..7]
        ));
    s.officer.get("/ranking/monthly").await.assert_status(403);
}
