//! Benchmark of the upload ranking and the documents built on it (issue:
//! ranking over 100,000 articles and 200 people for a year, goal ≤ 50 ms;
//! bulletin generation time). Prints figures; asserts nothing about time.
//!
//! ```text
//! cargo run --release -p dangjian-app --example bench_ranking -- \
//!     [--database-url postgres://…] [--articles 100000] [--runs 20] [--keep]
//! ```
//!
//! It builds a fresh installation (a SQLite file in a temporary directory,
//! or a scratch schema in the given PostgreSQL database), initialises it as
//! `dangjian init` does, logs the administrators in through their first
//! login, creates the organisation, 200 authors and a site editor through
//! the use cases, then loads a year of activity in bulk: the articles, each
//! one's review timeline (submit, approvals, returns, publish) and the
//! adoptions and 批示. Then it times the use cases the editor calls.
//! `--keep` leaves the database behind for `EXPLAIN` (its location is
//! printed).

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, anyhow, bail};
use dangjian_app::actor::{Actor, Client};
use dangjian_app::clock::{Clock, ManualClock, SystemClock};
use dangjian_app::media::ObjectStoreConfig;
use dangjian_app::review::bulletin::Numbering;
use dangjian_app::review::ranking::Period;
use dangjian_app::setup::InitRequest;
use dangjian_app::{App, AppConfig, StoreOptions};
use dangjian_store::review::bulk;

// In a folder of its own: a file directly in examples/ would be built as
// an example of its own.
#[path = "bench_ranking/seed.rs"]
mod seed;
#[path = "bench_common/target.rs"]
mod target;

use seed::{Reviewers, last_year, load_articles, load_reviews, organisation};
use target::Target;

const WARM_UP: usize = 2;

struct Options {
    database_url: Option<String>,
    articles: usize,
    runs: usize,
    keep: bool,
}

fn options() -> anyhow::Result<Options> {
    let mut options = Options {
        database_url: None,
        articles: 100_000,
        runs: 20,
        keep: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| anyhow!("{arg} needs a value"));
        match arg.as_str() {
            "--database-url" => options.database_url = Some(value()?),
            "--articles" => options.articles = value()?.parse()?,
            "--runs" => options.runs = value()?.parse()?,
            "--keep" => options.keep = true,
            other => bail!("unknown argument {other}"),
        }
    }
    if options.runs == 0 {
        bail!("--runs must be at least 1");
    }
    Ok(options)
}

/// The first login of an account, as a person does it in the office:
/// one-time password, a new password, TOTP enrolment; then a console login
/// with a code of a later step (a code is never accepted twice).
async fn first_login(
    app: &App,
    clock: &ManualClock,
    username: &str,
    one_time: &str,
) -> anyhow::Result<Actor> {
    let client = Client::console();
    let seconds = || u64::try_from(clock.now_ms() / 1000).unwrap_or_default();
    let start = app
        .login(username, one_time, &client)
        .await?
        .map_err(|refusal| anyhow!("login of {username}: {}", refusal.code()))?;
    let session = async || match app.authenticate(&start.token, &client).await? {
        dangjian_app::auth::SessionCheck::Valid(session) => Ok(session),
        _ => Err(anyhow!("the session of {username} is gone")),
    };
    let password = format!("Bench#{}Qa9", seconds() % 1_000_000);
    app.change_password(&*session().await?, one_time, &password, &password)
        .await?;
    let current = session().await?;
    let enrolment = app.totp_enrolment(&current).await?;
    let code = dangjian_app::auth::totp_code_at(&enrolment.secret_base32, seconds())?;
    app.confirm_totp_enrolment(&current, &code).await?;
    app.logout(&current).await?;
    clock.advance_ms(31_000);
    let code = dangjian_app::auth::totp_code_at(&enrolment.secret_base32, seconds())?;
    Ok(app.console_login(username, &password, Some(&code)).await?)
}

/// Median, 95th percentile (nearest rank) and extremes of the runs.
struct Figures {
    median: Duration,
    p95: Duration,
    min: Duration,
    max: Duration,
}

async fn measure(
    runs: usize,
    mut f: impl AsyncFnMut() -> anyhow::Result<()>,
) -> anyhow::Result<Figures> {
    for _ in 0..WARM_UP {
        f().await?;
    }
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        f().await?;
        samples.push(started.elapsed());
    }
    samples.sort();
    let rank = |q: f64| samples[((q * runs as f64).ceil() as usize).clamp(1, runs) - 1];
    Ok(Figures {
        median: rank(0.5),
        p95: rank(0.95),
        min: samples[0],
        max: samples[runs - 1],
    })
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let options = options()?;
    let target = Target::prepare(options.database_url.as_deref()).await?;
    // The scratch schema goes even when the run fails (unless --keep).
    let outcome = run(&options, &target).await;
    let finished = target.finish(options.keep).await;
    outcome.and(finished)
}

async fn run(options: &Options, target: &Target) -> anyhow::Result<()> {
    let clock = ManualClock::starting_at(SystemClock.now_ms());
    let config = AppConfig {
        data_dir: target.dir.path().to_path_buf(),
        audit_hash: dangjian_app::domain::audit::HashAlgo::Sm3,
        totp_issuer: "dangjian-bench".into(),
        object_store: ObjectStoreConfig::local_in(target.dir.path()),
    };
    let shared: Arc<dyn Clock> = Arc::new(clock.clone());
    let app = App::open(&StoreOptions::new(target.url.clone()), shared, config)
        .await
        .context("open the database")?;
    let backend = app.store().backend();
    println!("database: {}", backend.name());

    let started = Instant::now();
    let init = app.initialise(&InitRequest::default()).await?;
    let site = init.site;
    let otp = |name: &str| {
        init.accounts
            .iter()
            .find(|a| a.username == name)
            .map(|a| a.one_time_password.clone())
            .ok_or_else(|| anyhow!("no account {name}"))
    };
    let sys = first_login(&app, &clock, "sysadmin", &otp("sysadmin")?).await?;
    let sec = first_login(&app, &clock, "secadmin", &otp("secadmin")?).await?;
    let (people, units, sections) = organisation(&app, &sys, site, init.unit).await?;
    let form = dangjian_app::accounts::AccountForm {
        username: "editor".into(),
        display_name: "网站编辑".into(),
        phone: "13900000000".into(),
        unit_id: init.unit.0.to_string(),
        section_id: String::new(),
        email: None,
    };
    let created = app.create_account(&sys, &form).await?;
    let grant = dangjian_app::roles::GrantForm {
        role: "site_editor".into(),
        scope_kind: "site".into(),
        scope_id: site.0.to_string(),
    };
    app.grant_role(&sec, created.id, &grant).await?;
    let editor = first_login(&app, &clock, "editor", &created.one_time_password).await?;
    println!(
        "setup: {} people in {units} units and {sections} sections, editor logged in ({:.1} s)",
        people.len(),
        started.elapsed().as_secs_f64()
    );

    let year = last_year(clock.now_ms());
    let period = Period::year(year).ok_or_else(|| anyhow!("no year {year}"))?;
    let started = Instant::now();
    let articles = load_articles(&app, site, &people, &period, options.articles).await?;
    println!(
        "articles: {articles} in {year} ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    let who = Reviewers::new(&people, units, editor.user_id);
    let started = Instant::now();
    let (events, adoptions, instructions) = load_reviews(&app, site, &who, &period).await?;
    println!(
        "review: {events} events, {adoptions} adoptions, {instructions} 批示 ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    bulk::settle(&mut *app.store().read().await?, backend).await?;
    let (counts, bytes) = {
        let mut conn = app.store().read().await?;
        (
            bulk::counts(&mut conn).await?,
            bulk::database_bytes(&mut conn, backend).await?,
        )
    };

    // What the editor calls. The ranking of the year is the issue's goal;
    // the tallies alone are its SQL; the documents add the DOCX.
    let numbering = Numbering {
        prefix: "组通".into(),
        seq: 1,
    };
    let ranking = app.ranking(&editor, site, period.clone()).await?;
    let runs = options.runs;
    let mut table: Vec<(&str, Figures)> = Vec::new();
    table.push((
        "Ranking of the year (`App::ranking`, `Period::year`)",
        measure(runs, async || {
            app.ranking(&editor, site, period.clone()).await?;
            Ok(())
        })
        .await?,
    ));
    table.push((
        "Its SQL alone (`store::review::ranking::tallies`, year)",
        measure(runs, async || {
            let mut conn = app.store().read().await?;
            let (from, until) = period.day_numbers();
            dangjian_store::review::ranking::tallies(&mut conn, site, from, until).await?;
            Ok(())
        })
        .await?,
    ));
    let quarter = Period::quarter(year, 4).ok_or_else(|| anyhow!("no Q4"))?;
    table.push((
        "Ranking of a quarter (Q4)",
        measure(runs, async || {
            app.ranking(&editor, site, quarter.clone()).await?;
            Ok(())
        })
        .await?,
    ));
    let mut docx_sizes = (0, 0);
    table.push((
        "Quarterly bulletin, DOCX (`App::quarterly_bulletin`, Q4)",
        measure(runs, async || {
            let doc = app
                .quarterly_bulletin(&editor, site, year, 4, &numbering)
                .await?;
            docx_sizes.0 = doc.len();
            Ok(())
        })
        .await?,
    ));
    table.push((
        "Annual assessment, DOCX (`App::annual_assessment`)",
        measure(runs, async || {
            let doc = app
                .annual_assessment(&editor, site, year, &numbering)
                .await?;
            docx_sizes.1 = doc.len();
            Ok(())
        })
        .await?,
    ));

    println!();
    println!(
        "rows: {} users, {} articles, {} article_events, {} article_adoptions, {} article_instructions",
        counts.users, counts.articles, counts.events, counts.adoptions, counts.instructions
    );
    println!(
        "database size: {:.1} MiB ({bytes} bytes)",
        bytes as f64 / 1_048_576.0
    );
    let top = ranking.people.first();
    println!(
        "ranking of {year}: {} people, {} sections, {} units ranked; first: {} with {} points",
        ranking.people.len(),
        ranking.sections.len(),
        ranking.units.len(),
        top.map_or("-", |r| r.name.as_str()),
        top.map_or(0, |r| r.total)
    );
    println!(
        "documents: bulletin {} bytes, assessment {} bytes",
        docx_sizes.0, docx_sizes.1
    );
    println!();
    println!(
        "{} ({runs} runs after {WARM_UP} warm-up runs)",
        backend.name()
    );
    println!("| What | median | p95 | min | max |");
    println!("| --- | --- | --- | --- | --- |");
    for (what, f) in &table {
        println!(
            "| {what} | {} | {} | {} | {} |",
            ms(f.median),
            ms(f.p95),
            ms(f.min),
            ms(f.max)
        );
    }
    app.store().close().await;
    Ok(())
}
