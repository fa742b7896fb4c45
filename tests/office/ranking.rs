//! 信息报送 assessment: the ranking counts what reviewers and editors did,
//! scores it by the rules (checked against hand-computed figures), and
//! exports the XLSX and the GB/T 9704 bulletin.

use std::io::Read;

use crate::review::{article_fields, created, setup};

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
    let response = editor
        .request(
            reqwest::Method::GET,
            &format!("/ranking/bulletin.docx?year={year}&quarter=4&prefix=乡组通&seq=3"),
        )
        .send()
        .await
        .expect("bulletin");
    assert_eq!(response.status().as_u16(), 200);
    let bytes = response.bytes().await.expect("bytes").to_vec();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a DOCX is a zip");
    let mut xml = String::new();
    archive
        .by_name("word/document.xml")
        .expect("the document part")
        .read_to_string(&mut xml)
        .expect("read");
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
