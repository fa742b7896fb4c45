//! The page cache's direct answers on the public listener: a page the cache
//! holds is answered before the router and its layers, and must still look
//! exactly like the answer the full way gave — security headers, request
//! id, 304 on If-None-Match, the visit counted, the language and care-mode
//! variants kept apart, the request counted in the metrics.

use dangjian_app::articles::edit::ArticleForm;
use dangjian_domain::article::{ArticleId, ArticleInput};
use dangjian_testkit::TestApp;
use reqwest::Method;
use reqwest::header::HeaderMap;

const DESKTOP: &str = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120";

/// Headers that differ between any two answers.
const PER_ANSWER: [&str; 2] = ["x-request-id", "date"];

/// An installation with one published article; returns it and its page's
/// path.
async fn setup() -> (TestApp, ArticleId, String) {
    let t = TestApp::start().await;
    let sys = t.admin("sysadmin").await;
    let sec = t.admin("secadmin").await;
    let person = t
        .person_with_role(&sys, &sec, "huancun", "缓存编辑", "site_editor")
        .await;
    let editor = t.actor("huancun", &person.password, &person.secret).await;
    t.publish_directly(&editor).await;
    let site = t.init_report.site;
    let columns = t.app.public_columns(site).await.expect("columns");
    let column = columns.first().expect("a column");
    let form = ArticleForm {
        fields: ArticleInput {
            title: "缓存直答".into(),
            summary: "缓存直答的摘要".into(),
            primary_column: column.id.0.to_string(),
            ..ArticleInput::default()
        },
        body: "<p>缓存直答的正文</p>".into(),
        ..ArticleForm::default()
    };
    let id: ArticleId = t
        .app
        .create_article(&editor, site, &form)
        .await
        .expect("create");
    t.app.submit_article(&editor, id).await.expect("publish");
    (t, id, format!("/article/{id}"))
}

/// The article's view count as written by the visit batches.
async fn views(t: &TestApp, id: ArticleId) -> i64 {
    t.app.flush_visits().await.expect("flush");
    let mut conn = t.app.store().read().await.expect("connection");
    dangjian_store::articles::get(&mut conn, id)
        .await
        .expect("article")
        .view_count
}

/// A request with headers; status, headers and body bytes.
async fn fetch(
    t: &TestApp,
    method: Method,
    path: &str,
    headers: &[(&str, &str)],
) -> (u16, HeaderMap, Vec<u8>) {
    let b = t.public();
    let mut request = b.request(method, path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("HTTP request");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let body = response.bytes().await.expect("body").to_vec();
    (status, headers, body)
}

/// The headers of an answer as sorted (name, value) pairs, less those that
/// differ per answer.
fn comparable(headers: &HeaderMap) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = headers
        .iter()
        .filter(|(name, _)| !PER_ANSWER.contains(&name.as_str()))
        .map(|(name, value)| {
            let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
            (name.as_str().to_owned(), value)
        })
        .collect();
    pairs.sort();
    pairs
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The security headers the layers add to every answer of the listener.
fn assert_security_headers(headers: &HeaderMap, what: &str) {
    for name in [
        "content-security-policy",
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
        "permissions-policy",
    ] {
        assert!(!header(headers, name).is_empty(), "{what}: {name}");
    }
    assert_eq!(header(headers, "x-frame-options"), "DENY", "{what}");
    assert!(!header(headers, "x-request-id").is_empty(), "{what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_cache_hits_carry_the_same_headers_as_the_rendered_answer() {
    let (t, _, path) = setup().await;
    // The security headers of an answer the cache is not involved in.
    let (_, health, _) = fetch(&t, Method::GET, "/healthz", &[]).await;
    assert_security_headers(&health, "/healthz");

    for coding in ["identity", "gzip", "br"] {
        let asked = [("accept-encoding", coding)];
        // Rendered on the first request for this coding's page only if the
        // page is not kept yet; either way the second is a kept answer.
        let (status, first, first_body) = fetch(&t, Method::GET, &path, &asked).await;
        assert_eq!(status, 200);
        let (status, hit, hit_body) = fetch(&t, Method::GET, &path, &asked).await;
        assert_eq!(status, 200);
        assert_security_headers(&hit, coding);
        assert_eq!(comparable(&first), comparable(&hit), "{coding}");
        assert_eq!(first_body, hit_body, "{coding}");
        assert_ne!(
            header(&first, "x-request-id"),
            header(&hit, "x-request-id"),
            "each answer has its own request id"
        );
        // HEAD: the same headers, no body.
        let (status, head, body) = fetch(&t, Method::HEAD, &path, &asked).await;
        assert_eq!(status, 200);
        assert!(body.is_empty());
        assert_eq!(comparable(&head), comparable(&hit), "HEAD {coding}");
    }
    // The very first answer of a page is rendered: compare it with a hit.
    let (_, rendered, _) = fetch(&t, Method::GET, "/archive", &[]).await;
    let (_, kept, _) = fetch(&t, Method::GET, "/archive", &[]).await;
    assert_eq!(comparable(&rendered), comparable(&kept));
    assert_eq!(header(&kept, "etag"), header(&rendered, "etag"));
    assert_security_headers(&kept, "/archive");

    // A request id the client sent comes back, on a hit as elsewhere.
    let mine = [("x-request-id", "trace-me-42")];
    let (_, hit, _) = fetch(&t, Method::GET, &path, &mine).await;
    assert_eq!(header(&hit, "x-request-id"), "trace-me-42");

    // Other methods still take the full way (405 from the router).
    let (status, _, _) = fetch(&t, Method::POST, &path, &[]).await;
    assert_eq!(status, 405);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_cache_hits_answer_304_to_if_none_match() {
    let (t, _, path) = setup().await;
    let (_, first, _) = fetch(&t, Method::GET, &path, &[]).await;
    let (_, hit, _) = fetch(&t, Method::GET, &path, &[]).await;
    let etag = header(&hit, "etag").to_owned();
    assert!(!etag.is_empty());
    assert_eq!(etag, header(&first, "etag"), "the second answer was kept");

    for method in [Method::GET, Method::HEAD] {
        let asked = [("if-none-match", etag.as_str())];
        let (status, held, body) = fetch(&t, method.clone(), &path, &asked).await;
        assert_eq!(status, 304, "{method}");
        assert!(body.is_empty());
        assert_eq!(header(&held, "etag"), etag);
        assert_eq!(
            header(&held, "last-modified"),
            header(&hit, "last-modified")
        );
        assert_eq!(header(&held, "cache-control"), "public, no-cache");
        assert!(header(&held, "vary").contains("Accept-Encoding"));
        assert!(header(&held, "content-type").is_empty(), "{method}");
        assert_security_headers(&held, "304");
    }
    // The compressed page's tag is known too; another tag is not.
    let asked = [("accept-encoding", "br")];
    let (_, br, _) = fetch(&t, Method::GET, &path, &asked).await;
    let br_tag = header(&br, "etag").to_owned();
    assert_ne!(br_tag, etag);
    let asked = [
        ("accept-encoding", "br"),
        ("if-none-match", br_tag.as_str()),
    ];
    assert_eq!(fetch(&t, Method::GET, &path, &asked).await.0, 304);
    let asked = [("if-none-match", "\"someone-else\"")];
    assert_eq!(fetch(&t, Method::GET, &path, &asked).await.0, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_cache_hits_count_as_visits_and_in_the_metrics() {
    let (t, id, path) = setup().await;
    // Counted through the written batches: the server also writes them by
    // itself every few seconds.
    let before = views(&t, id).await;
    let person = [("user-agent", DESKTOP)];
    for _ in 0..3 {
        let (status, _, _) = fetch(&t, Method::GET, &path, &person).await;
        assert_eq!(status, 200);
    }
    assert_eq!(
        views(&t, id).await - before,
        3,
        "the rendered view and the two kept ones"
    );
    // Not views: a program, a HEAD, a 304.
    let program = [("user-agent", "curl/8.5")];
    let (_, hit, _) = fetch(&t, Method::GET, &path, &program).await;
    fetch(&t, Method::HEAD, &path, &person).await;
    let etag = header(&hit, "etag").to_owned();
    let held = [("user-agent", DESKTOP), ("if-none-match", etag.as_str())];
    assert_eq!(fetch(&t, Method::GET, &path, &held).await.0, 304);
    assert_eq!(views(&t, id).await - before, 3);

    // Kept answers are counted under the route, as the middleware counts.
    let series = "method=\"HEAD\",route=\"/article/{id}\",status=\"304\"";
    let before = metric(&t, series).await;
    let held = [("if-none-match", etag.as_str())];
    for _ in 0..2 {
        assert_eq!(fetch(&t, Method::HEAD, &path, &held).await.0, 304);
    }
    // The recorder is shared by every server of the test process: others
    // may add to the same series, never take away.
    assert!(metric(&t, series).await >= before + 2.0, "{series}");
}

/// The value of `dangjian_http_requests_total` on the public listener for
/// the labels in `series` (0 if absent).
async fn metric(t: &TestApp, series: &str) -> f64 {
    let text = t.office().get("/metrics").await.body;
    text.lines()
        .filter(|line| line.starts_with("dangjian_http_requests_total{"))
        .filter(|line| line.contains("listener=\"public\"") && line.contains(series))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn page_cache_keeps_language_and_care_mode_variants_apart() {
    let (t, _, path) = setup().await;
    let variants = [
        (None, "<html lang=\"zh-CN\">", "<body class=\"portal\">"),
        (
            Some("lang=en"),
            "<html lang=\"en\">",
            "<body class=\"portal\">",
        ),
        (
            Some("care=1"),
            "<html lang=\"zh-CN\">",
            "<body class=\"portal care\">",
        ),
        (
            Some("lang=en; care=1"),
            "<html lang=\"en\">",
            "<body class=\"portal care\">",
        ),
    ];
    // Twice round: the second time every variant is a kept answer.
    for _ in 0..2 {
        for (cookie, lang, body_class) in &variants {
            let asked: Vec<(&str, &str)> = cookie.iter().map(|c| ("cookie", *c)).collect();
            let (status, _, body) = fetch(&t, Method::GET, &path, &asked).await;
            assert_eq!(status, 200);
            let page = String::from_utf8(body).expect("UTF-8");
            assert!(page.contains(lang), "{cookie:?}: {lang}");
            assert!(page.contains(body_class), "{cookie:?}: {body_class}");
        }
    }
}
