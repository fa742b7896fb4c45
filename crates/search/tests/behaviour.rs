//! Filters, ordering, snippets, suggestions and odd input, over the corpus.

mod common;

use common::{corpus_index, date_ms, doc, keys, public};
use dangjian_search::{Kind, SearchQuery, Snippet, Sort};

fn marked(s: &Snippet) -> String {
    s.parts
        .iter()
        .map(|p| {
            if p.hit {
                format!("[{}]", p.text)
            } else {
                p.text.clone()
            }
        })
        .collect()
}

#[test]
fn fixture_dates_convert() {
    assert_eq!(date_ms("1970-01-01"), 0);
    assert_eq!(date_ms("2024-03-01"), 1_709_251_200_000);
}

#[test]
fn audience_tokens_decide_who_sees_what() {
    let dir = tempfile::tempdir().unwrap();
    let index = corpus_index(dir.path());
    for text in [
        "档案专项审核",
        "个人有关事项报告",
        "通知",
        "内部",
        "提醒",
        "干部",
    ] {
        let found = index.search(&public(text)).unwrap();
        let k = keys(&found);
        assert!(
            !k.contains(&"notice:56") && !k.contains(&"notice:57"),
            "{text}: {k:?}"
        );
    }
    let mut office = SearchQuery::new(1, "档案专项审核", &["public", "section:5"]);
    assert_eq!(keys(&index.search(&office).unwrap()), ["notice:56"]);
    office.audience = vec!["user:7".into()];
    office.text = "个人有关事项报告".into();
    assert_eq!(keys(&index.search(&office).unwrap()), ["notice:57"]);
    office.audience.clear();
    assert_eq!(index.search(&office).unwrap().total, 0, "no token, no hit");
}

#[test]
fn site_kind_column_and_date_filters() {
    let dir = tempfile::tempdir().unwrap();
    let index = corpus_index(dir.path());
    let site1 = index.search(&public("党建动态")).unwrap();
    assert!(!keys(&site1).contains(&"article:58"));
    let site2 = index
        .search(&SearchQuery::new(2, "党建动态", &["public"]))
        .unwrap();
    assert_eq!(keys(&site2), ["article:58"]);

    let mut q = public("党费");
    q.kinds = vec![Kind::Qa];
    let qa = index.search(&q).unwrap();
    assert!(qa.total >= 1 && qa.hits.iter().all(|h| h.kind == Kind::Qa));

    let mut q = public("党费");
    q.columns = vec![6, 7];
    let col = index.search(&q).unwrap();
    assert!(col.total >= 1 && col.hits.iter().all(|h| matches!(h.column, Some(6 | 7))));

    let mut q = public("公示");
    q.date_from = Some(date_ms("2024-01-01"));
    q.date_until = Some(date_ms("2024-09-12"));
    let dated = index.search(&q).unwrap();
    assert!(keys(&dated).contains(&"notice:4"));
    assert!(
        !keys(&dated).contains(&"notice:49"),
        "2023 is before the range"
    );
    assert!(!keys(&dated).contains(&"notice:5"), "the end is exclusive");
}

#[test]
fn a_column_filter_also_matches_further_placements() {
    let dir = tempfile::tempdir().unwrap();
    let index = dangjian_search::SearchIndex::open(dir.path()).unwrap();
    let mut placed = doc(
        "article:1",
        "一稿多发的信息",
        "乡镇动态与工作要闻同时刊登。",
    );
    placed.column = Some(3);
    placed.placements = vec![9];
    index.upsert(&placed).unwrap();
    index.commit(1).unwrap();
    for column in [3, 9] {
        let mut q = public("一稿多发");
        q.columns = vec![column];
        let found = index.search(&q).unwrap();
        assert_eq!(keys(&found), ["article:1"], "column {column}");
        assert_eq!(
            found.hits[0].column,
            Some(3),
            "hits report the primary column"
        );
    }
    let mut q = public("一稿多发");
    q.columns = vec![4];
    assert_eq!(index.search(&q).unwrap().total, 0);
}

#[test]
fn newest_first_and_paging() {
    let dir = tempfile::tempdir().unwrap();
    let index = corpus_index(dir.path());
    let mut q = public("党员");
    q.sort = Sort::Newest;
    q.limit = 100;
    let all = index.search(&q).unwrap();
    assert!(all.total > 10);
    assert!(all.hits.windows(2).all(|w| w[0].date_ms >= w[1].date_ms));
    assert!(all.hits.iter().all(|h| h.score > 0.0));

    q.sort = Sort::Relevance;
    q.limit = 5;
    let first = index.search(&q).unwrap();
    q.offset = 5;
    let second = index.search(&q).unwrap();
    assert_eq!(first.total, all.total);
    assert_eq!(second.total, all.total);
    assert!(keys(&first).iter().all(|k| !keys(&second).contains(k)));

    q.limit = 0;
    let count = index.search(&q).unwrap();
    assert_eq!((count.total, count.hits.len()), (all.total, 0));
}

#[test]
fn snippets_are_structured_plain_text() {
    let dir = tempfile::tempdir().unwrap();
    let index = corpus_index(dir.path());
    let found = index.search(&public("黨費")).unwrap();
    let hit = &found.hits[0];
    assert!(hit.title.hits().all(|h| h == "党费"), "{:?}", hit.title);
    assert!(hit.title.text().contains("党费"), "original text is shown");

    let pinyin = index.search(&public("djdt")).unwrap();
    assert_eq!(
        marked(&pinyin.hits[0].title),
        "[党建动态]｜城关镇推进支部标准化建设"
    );

    let body = index.search(&public("销号管理")).unwrap();
    let snippet = &body.hits[0].body;
    assert_eq!(snippet.hits().next(), Some("销号管理"));
    assert!(!snippet.text().contains('\n'), "whitespace is collapsed");

    let script = index.search(&public("<b>党费</b>")).unwrap();
    assert!(script.hits.iter().all(|h| !h.title.text().contains('<')));
}

#[test]
fn a_hit_in_an_attachment_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let index = corpus_index(dir.path());
    let found = index.search(&public("王建国")).unwrap();
    let attachment = found.hits[0].attachment.as_ref().expect("attachment hit");
    assert_eq!(attachment.name, "拟任职干部名单.xlsx");
    assert_eq!(attachment.index, 0);
    assert_eq!(attachment.text.hits().collect::<Vec<_>>(), ["王建国"]);

    let by_name = index.search(&public("填报说明")).unwrap();
    let attachment = by_name.hits[0].attachment.as_ref().unwrap();
    assert_eq!(
        marked(&attachment.name_snippet),
        "党内统计报表[填报说明].docx"
    );

    let body_only = index.search(&public("销号管理")).unwrap();
    assert!(body_only.hits[0].attachment.is_none());
}

#[test]
fn empty_results_suggest_the_words_that_find_something() {
    let dir = tempfile::tempdir().unwrap();
    let index = corpus_index(dir.path());
    let found = index.search(&public("乡村振兴 柠檬园")).unwrap();
    assert_eq!(found.total, 0);
    assert!(
        found.suggestions.contains(&"乡村振兴".to_string()),
        "{:?}",
        found.suggestions
    );
    assert!(!found.suggestions.iter().any(|s| s.contains("柠檬")));
    let single = index.search(&public("柠檬园")).unwrap();
    assert!(single.suggestions.is_empty());
}

#[test]
fn synonyms_change_at_once_and_may_span_several_runs() {
    let dir = tempfile::tempdir().unwrap();
    let index = corpus_index(dir.path());
    assert_eq!(index.search(&public("网上党支部")).unwrap().total, 0);
    index.set_synonyms([["网上党支部", "智慧党建 APP"]]);
    let found = index.search(&public("網上黨支部")).unwrap();
    assert_eq!(keys(&found), ["notice:23"]);
    index.set_synonyms(Vec::<Vec<String>>::new());
    assert_eq!(index.search(&public("网上党支部")).unwrap().total, 0);
}

#[test]
fn nasty_queries_never_fail() {
    let dir = tempfile::tempdir().unwrap();
    let index = corpus_index(dir.path());
    let long_han = "党建".repeat(50_000);
    let long_latin = "a".repeat(70_000);
    let nasty = [
        "",
        "   ",
        "！！！",
        "。，、；",
        "\"",
        ":",
        "(",
        ")",
        "\"(:)\"",
        "title:党建",
        "党建 AND (",
        "*",
        "?",
        "\\",
        "~",
        "^2",
        "-党建",
        "+党建",
        "[1 TO 2]",
        "{a}",
        "<script>alert(1)</script>",
        "'; DROP TABLE articles; --",
        "\u{0}\u{1}\u{7f}",
        "😀党建😀",
        "\u{202e}党建",
        "e\u{301}",
        "\t\n",
        "党建\"",
        "a:b:c",
        "NOT",
        "OR",
        "党 OR 村",
        "%_%",
        "../../etc/passwd",
        "ｔｉｔｌｅ：党建",
        &long_han,
        &long_latin,
    ];
    for text in nasty {
        let mut q = public(text);
        for sort in [Sort::Relevance, Sort::Newest] {
            q.sort = sort;
            let result = index.search(&q);
            assert!(
                result.is_ok(),
                "{:?} failed: {:?}",
                &text[..text.len().min(20)],
                result
            );
        }
    }
    for text in ["", "！！！", "\"(:)\"", "\u{0}", "*"] {
        assert_eq!(index.search(&public(text)).unwrap().total, 0, "{text:?}");
    }
    let long = index.search(&public(&long_han)).unwrap();
    assert!(long.total <= 60);
    let quoted = index.search(&public("\"党建\"")).unwrap();
    assert!(quoted.total > 0, "syntax characters are plain separators");
    let field = index.search(&public("title:党建")).unwrap();
    assert_eq!(field.total, 0, "`title` is a word like any other");
    assert_eq!(field.suggestions, ["党建"]);

    let mut deep = public("党");
    deep.offset = usize::MAX;
    deep.limit = usize::MAX;
    assert!(index.search(&deep).unwrap().hits.is_empty());
}

#[test]
fn editor_words_find_documents_indexed_before_them() {
    let dir = tempfile::tempdir().unwrap();
    let index = corpus_index(dir.path());
    let doc = common::doc(
        "article:900",
        "开展红旗渠精神研学活动",
        "组织党员赴林州开展红旗渠精神研学。",
    );
    index.upsert(&doc).unwrap();
    index.commit(2).unwrap();
    let before = index.search(&public("红旗渠精神研学")).unwrap();
    assert_eq!(keys(&before), ["article:900"]);
    assert_eq!(index.add_words(["红旗渠精神研学"]), 1);
    let after = index.search(&public("红旗渠精神研学")).unwrap();
    assert_eq!(keys(&after), ["article:900"], "found without reindexing");
    let title = &after.hits[0].title;
    assert_eq!(title.hits().collect::<Vec<_>>(), ["红旗渠精神研学"]);
}
