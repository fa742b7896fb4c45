//! Benchmark of search on the demo site (issue: full index build rate
//! ≥ 3,000 items/s; query p99 ≤ 20 ms over 200 realistic queries with
//! highlighting; index size; resident memory) and, in the same run, the
//! same queries through the database's own full-text search (SQLite FTS5
//! with the trigram tokenizer, or PostgreSQL `to_tsvector('simple')`).
//! Prints figures; asserts nothing about time.
//!
//! ```text
//! cargo run --release -p dangjian-app --example bench_search -- \
//!     [--database-url postgres://…] [--articles 100000] [--keep]
//! ```

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use dangjian_app::clock::{Clock, SystemClock};
use dangjian_app::demo::DemoRequest;
use dangjian_app::media::ObjectStoreConfig;
use dangjian_app::search::{SearchRequest, Searcher};
use dangjian_app::setup::InitRequest;
use dangjian_app::{App, AppConfig, StoreOptions};
use dangjian_store::search_compare;

#[path = "bench_common/target.rs"]
mod target;

use target::Target;

/// Realistic queries: dictionary words, two-character words, single
/// characters, pinyin and initials, names of places, several words.
const QUERIES: [&str; 50] = [
    "三会一课",
    "组织生活会",
    "主题党日",
    "民主评议党员",
    "流动党员",
    "发展党员",
    "党风廉政建设",
    "党史学习教育",
    "驻村帮扶",
    "乡村振兴",
    "党建",
    "公示",
    "干部",
    "支部",
    "培训",
    "整顿",
    "述职",
    "积分",
    "党",
    "村",
    "学",
    "廉",
    "sanhuiyike",
    "dangjian",
    "shyk",
    "djdt",
    "zuzhishenghuohui",
    "管头镇",
    "昌宁镇党委",
    "关王庙乡",
    "县委组织部",
    "县直机关工委",
    "两学一做",
    "不忘初心",
    "牢记使命",
    "基层党组织",
    "软弱涣散",
    "后备干部",
    "远程教育",
    "冬春训",
    "双报到",
    "组织力",
    "战斗堡垒",
    "党建 乡村振兴",
    "主题党日 活动",
    "流动党员 管理服务",
    "发展党员 工作",
    "干部作风建设",
    "任务清单",
    "分片包村",
];
const QUERY_RUNS: usize = 200;

struct Options {
    database_url: Option<String>,
    articles: u64,
    keep: bool,
}

fn options() -> anyhow::Result<Options> {
    let mut options = Options {
        database_url: None,
        articles: 100_000,
        keep: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| anyhow!("{arg} needs a value"));
        match arg.as_str() {
            "--database-url" => options.database_url = Some(value()?),
            "--articles" => options.articles = value()?.parse()?,
            "--keep" => options.keep = true,
            other => bail!("unknown argument {other}"),
        }
    }
    Ok(options)
}

/// p50, p99 (nearest rank) and the largest of the samples.
fn percentiles(mut samples: Vec<Duration>) -> (Duration, Duration, Duration) {
    samples.sort();
    let n = samples.len();
    let rank = |q: f64| samples[((q * n as f64).ceil() as usize).clamp(1, n) - 1];
    (rank(0.5), rank(0.99), samples[n - 1])
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

fn directory_bytes(path: &std::path::Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => directory_bytes(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

fn resident_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = options()?;
    let target = Target::prepare(options.database_url.as_deref()).await?;
    let outcome = run(&options, &target).await;
    let finished = target.finish(options.keep).await;
    outcome.and(finished)
}

async fn run(options: &Options, target: &Target) -> anyhow::Result<()> {
    let config = AppConfig {
        data_dir: target.dir.path().to_path_buf(),
        audit_hash: dangjian_app::domain::audit::HashAlgo::Sm3,
        totp_issuer: "dangjian-bench".into(),
        object_store: ObjectStoreConfig::local_in(target.dir.path()),
    };
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let app = App::open(&StoreOptions::new(target.url.clone()), clock, config)
        .await
        .context("open the database")?;
    let backend = app.store().backend();
    println!("database: {}", backend.name());
    app.initialise(&InitRequest::default()).await?;
    let started = Instant::now();
    let demo = app
        .lay_demo(&DemoRequest {
            articles: Some(options.articles),
        })
        .await?;
    println!(
        "demo: {} articles ({:.1} s)",
        demo.articles,
        started.elapsed().as_secs_f64()
    );
    let site = app.default_site().await?;
    println!(
        "resident memory after laying the demo: {:.0} MiB",
        resident_mib()
    );

    let index = app.search_index()?;
    app.apply_search_settings_to(&index).await?;
    let report = app.rebuild_search_index().await?;
    let rate = report.documents as f64 / report.seconds;
    println!(
        "index build: {} documents in {:.1} s = {rate:.0} items/s",
        report.documents, report.seconds
    );
    println!(
        "index size: {:.1} MiB",
        directory_bytes(&target.dir.path().join("search")) as f64 / 1_048_576.0
    );

    println!("resident memory after the build: {:.0} MiB", resident_mib());
    let mut samples = Vec::with_capacity(QUERY_RUNS);
    let mut empty = 0;
    let mut nothing: Vec<&str> = Vec::new();
    for q in QUERIES.iter().cycle().take(QUERY_RUNS) {
        let request = SearchRequest {
            q: (*q).to_owned(),
            ..SearchRequest::default()
        };
        let started = Instant::now();
        let page = app.search(Searcher::Public, site, &request).await?;
        samples.push(started.elapsed());
        if page.total == 0 {
            empty += 1;
            if !nothing.contains(q) {
                nothing.push(q);
            }
        }
    }
    let (p50, p99, max) = percentiles(samples);
    println!("queries that found nothing: {nothing:?}");
    println!(
        "dangjian search, {QUERY_RUNS} queries (highlighted, first page): p50 {}, p99 {}, max {}; {empty} found nothing",
        ms(p50),
        ms(p99),
        ms(max)
    );
    println!(
        "resident memory after the queries: {:.0} MiB",
        resident_mib()
    );

    freshness(&app, site).await?;
    compare(&app, backend).await
}

/// How long after its commit a new article is found, with the indexer
/// running as in a serving node: 20 articles written one at a time.
async fn freshness(app: &App, site: dangjian_app::domain::ids::SiteId) -> anyhow::Result<()> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let indexer = tokio::spawn(dangjian_app::search::run_indexer(app.clone(), stopped));
    let column = app
        .public_columns(site)
        .await?
        .first()
        .map(|c| c.id)
        .ok_or_else(|| anyhow!("no column"))?;
    let by = {
        let mut conn = app.store().read().await?;
        dangjian_store::users::by_username(&mut conn, "sysadmin")
            .await?
            .id
    };
    let mut samples = Vec::new();
    for n in 0..20 {
        let title = format!("鲜度验证{}号稿件", ["甲", "乙", "丙", "丁", "戊"][n % 5]);
        let marker = format!("鲜度验证样本{n:02}");
        let record = dangjian_store::articles::ArticleRecord {
            site,
            primary_column: column,
            title: &title,
            subtitle: "",
            author: "",
            source: "",
            summary: "",
            body_html: "",
            body_text: &marker,
            keywords: "",
            cover: None,
            video: None,
            external_url: None,
            publish_at: app.now_ms() - 1_000,
            pinned_until: None,
            headline: false,
            carousel: false,
            by,
        };
        {
            let mut tx = app.store().write().await?;
            dangjian_store::articles::insert_many(
                &mut tx,
                &[record],
                dangjian_app::domain::article::ArticleStatus::Published,
                app.now_ms(),
            )
            .await?;
            tx.commit().await?;
        }
        let committed = Instant::now();
        let request = SearchRequest {
            q: marker.clone(),
            ..SearchRequest::default()
        };
        while app.search(Searcher::Public, site, &request).await?.total == 0 {
            if committed.elapsed() > Duration::from_secs(30) {
                bail!("{marker} not found after 30 s");
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        samples.push(committed.elapsed());
    }
    let _ = stop.send(true);
    indexer.await?;
    let (p50, _, max) = percentiles(samples);
    println!(
        "freshness: a committed article is found after p50 {}, max {} (20 articles, the indexer ticking every 250 ms)",
        ms(p50),
        ms(max)
    );
    Ok(())
}

/// The same queries through the database's own full-text search.
async fn compare(app: &App, backend: dangjian_app::Backend) -> anyhow::Result<()> {
    let started = Instant::now();
    let held = {
        let mut conn = app.store().write().await?;
        let held = search_compare::build(&mut conn, backend).await?;
        conn.commit().await?;
        held
    };
    println!(
        "{} index: {held} articles in {:.1} s",
        compare_name(backend),
        started.elapsed().as_secs_f64()
    );
    let mut samples = Vec::with_capacity(QUERY_RUNS);
    let mut empty = 0;
    for q in QUERIES.iter().cycle().take(QUERY_RUNS) {
        let mut conn = app.store().read().await?;
        let started = Instant::now();
        let (total, _) = search_compare::search(&mut conn, backend, q).await?;
        samples.push(started.elapsed());
        if total == 0 {
            empty += 1;
        }
    }
    let (p50, p99, max) = percentiles(samples);
    println!(
        "{}, the same {QUERY_RUNS} queries: p50 {}, p99 {}, max {}; {empty} found nothing",
        compare_name(backend),
        ms(p50),
        ms(p99),
        ms(max)
    );
    let mut conn = app.store().write().await?;
    search_compare::drop(&mut conn).await?;
    conn.commit().await?;
    Ok(())
}

fn compare_name(backend: dangjian_app::Backend) -> &'static str {
    match backend {
        dangjian_app::Backend::Sqlite => "SQLite FTS5 (trigram)",
        dangjian_app::Backend::Postgres => "PostgreSQL to_tsvector('simple') + GIN",
    }
}
