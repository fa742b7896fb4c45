//! `dangjian demo`: a fresh data directory becomes a filled demo site; a
//! second run refreshes it (no duplicates); `--articles N` makes exactly N;
//! the served site lists articles, pages a column and streams the video
//! with Range support; an installation that is not a demo is left alone.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use sqlx::{AnyPool, Row as _};

use super::support::*;

async fn count(pool: &AnyPool, sql: &'static str) -> i64 {
    sqlx::query(sql)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .try_get(0)
        .unwrap()
}

async fn text(pool: &AnyPool, sql: &'static str) -> String {
    sqlx::query(sql)
        .fetch_one(pool)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .try_get(0)
        .unwrap()
}

#[test]
fn demo_fills_refreshes_and_serves_a_site() {
    let installation = Installation::new();
    let run = installation.run(&["demo", "--no-serve"]).ok();
    assert_eq!(one_time_passwords(&run.stdout).len(), 3, "{}", run.stdout);
    assert!(run.stdout.contains("Demo site created"), "{}", run.stdout);

    let (first_articles, first_titles) = block_on(async {
        let pool = installation.pool().await;
        let articles = count(
            &pool,
            "SELECT COUNT(*) FROM articles WHERE status = 'published'",
        )
        .await;
        // Every article-holding column has some; list columns 8–20 each.
        let empty = count(
            &pool,
            "SELECT COUNT(*) FROM columns c WHERE c.kind <> 'external_link' AND NOT EXISTS
             (SELECT 1 FROM articles a WHERE a.primary_column_id = c.id)",
        )
        .await;
        assert_eq!(empty, 0, "a column was left empty");
        assert_eq!(
            count(&pool, "SELECT COUNT(*) FROM articles WHERE headline = 1").await,
            1
        );
        assert_eq!(
            count(
                &pool,
                "SELECT COUNT(*) FROM articles WHERE carousel = 1 AND cover_media_id IS NOT NULL"
            )
            .await,
            3
        );
        assert!(
            count(
                &pool,
                "SELECT COUNT(*) FROM articles WHERE pinned_until IS NOT NULL"
            )
            .await
                >= 3
        );
        assert!(count(&pool, "SELECT COUNT(*) FROM article_attachments").await > 0);
        assert!(
            count(
                &pool,
                "SELECT COUNT(*) FROM articles WHERE video_media_id IS NOT NULL"
            )
            .await
                >= 8
        );
        assert_eq!(
            count(
                &pool,
                "SELECT COUNT(*) FROM media WHERE kind = 'image' AND alt_text = ''"
            )
            .await,
            0
        );
        let titles = text(&pool, "SELECT title FROM articles ORDER BY id LIMIT 1").await;
        pool.close().await;
        (articles, titles)
    });
    assert!(first_articles >= 8 * 30, "{first_articles} articles");

    // Again: refreshed, the same generated site, not twice the content.
    let run = installation.run(&["demo", "--no-serve"]).ok();
    assert!(run.stdout.contains("Demo site refreshed"), "{}", run.stdout);
    assert!(!run.stdout.contains("One-time password"), "{}", run.stdout);
    block_on(async {
        let pool = installation.pool().await;
        assert_eq!(
            count(&pool, "SELECT COUNT(*) FROM articles").await,
            first_articles
        );
        assert_eq!(
            text(&pool, "SELECT title FROM articles ORDER BY id LIMIT 1").await,
            first_titles
        );
        assert_eq!(count(&pool, "SELECT COUNT(*) FROM media").await, 7);
        pool.close().await;
    });

    let run = installation
        .run(&["demo", "--articles", "300", "--no-serve"])
        .ok();
    assert!(run.stdout.contains("300 articles"), "{}", run.stdout);
    let (video_hash, video_size, newest) = block_on(async {
        let pool = installation.pool().await;
        assert_eq!(count(&pool, "SELECT COUNT(*) FROM articles").await, 300);
        assert_eq!(count(&pool, "SELECT COUNT(*) FROM media").await, 7);
        assert_eq!(
            count(
                &pool,
                "SELECT COUNT(*) FROM audit_log WHERE action = 'system.demo'"
            )
            .await,
            3
        );
        assert_eq!(
            text(
                &pool,
                "SELECT value FROM settings WHERE scope = 'global' AND key = 'demo'"
            )
            .await,
            "1"
        );
        let hash = text(&pool, "SELECT hash FROM media WHERE kind = 'video'").await;
        let size = count(&pool, "SELECT size FROM media WHERE kind = 'video'").await;
        let newest = text(
            &pool,
            "SELECT title FROM articles ORDER BY publish_at DESC, id DESC LIMIT 1",
        )
        .await;
        pool.close().await;
        (hash, size, newest)
    });
    installation.run(&["audit", "verify"]).ok();

    let mut child = installation
        .command(&[
            "--public-addr",
            "127.0.0.1:0",
            "--office-addr",
            "127.0.0.1:0",
            "serve",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start serve");
    let lines = lines_of(child.stdout.take().unwrap());
    let deadline = Instant::now() + Duration::from_secs(60);
    let public = loop {
        let wait = deadline.saturating_duration_since(Instant::now());
        let Ok(line) = lines.recv_timeout(wait) else {
            let _ = child.kill();
            panic!("serve did not get ready");
        };
        if let Some(url) = line.strip_prefix("公开网站 / Public site: ") {
            break url.trim().to_owned();
        }
    };
    let checked = std::panic::catch_unwind(|| {
        block_on(async {
            let http = reqwest::Client::new();
            let home = http.get(&public).send().await.unwrap();
            assert_eq!(home.status(), 200);
            let body = home.text().await.unwrap();
            assert!(
                body.contains(&newest.replace('"', "&quot;")),
                "newest article missing"
            );
            let page2 = http
                .get(format!("{public}column/dangjian-dongtai?page=2"))
                .send()
                .await
                .unwrap();
            assert_eq!(page2.status(), 200);
            let past = http
                .get(format!("{public}column/dangjian-dongtai?page=99"))
                .send()
                .await
                .unwrap();
            assert_eq!(past.status(), 404);
            let topic = http
                .get(format!("{public}column/gongkai-xuanba"))
                .send()
                .await
                .unwrap();
            assert_eq!(topic.status(), 200);
            let topic = topic.text().await.unwrap();
            assert!(topic.contains("<figure class=\"banner\">"), "topic banner");
            let video = http
                .get(format!("{public}media/{video_hash}.webm"))
                .header("Range", "bytes=0-99")
                .send()
                .await
                .unwrap();
            assert_eq!(video.status(), 206);
            assert_eq!(
                video.headers()["content-range"].to_str().unwrap(),
                format!("bytes 0-99/{video_size}")
            );
            assert_eq!(video.headers()["content-type"], "video/webm");
            let bytes = video.bytes().await.unwrap();
            assert_eq!(bytes.len(), 100);
            assert!(bytes.starts_with(&[0x1A, 0x45, 0xDF, 0xA3]), "EBML header");
        })
    });
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
    if let Err(panic) = checked {
        std::panic::resume_unwind(panic);
    }

    // Not a demo installation any more: its content is left alone.
    block_on(async {
        let pool = installation.pool().await;
        sqlx::query("UPDATE settings SET value = '0' WHERE scope = 'global' AND key = 'demo'")
            .execute(&pool)
            .await
            .unwrap();
        pool.close().await;
    });
    let run = installation.run(&["demo", "--no-serve"]).fails_with(1);
    assert!(run.stderr.contains("not a demo"), "{}", run.stderr);
    block_on(async {
        let pool = installation.pool().await;
        assert_eq!(count(&pool, "SELECT COUNT(*) FROM articles").await, 300);
        pool.close().await;
    });
}
