//! The public letter endpoint under a burst: 1,000 letters from 50
//! addresses (20 each, interleaved, about 50 in flight at once) through a
//! public listener that believes loopback's `X-Forwarded-For`, as behind a
//! reverse proxy. Exactly the hourly limit of each address is accepted,
//! every other letter is refused as rate-limited, and every accepted
//! letter is stored — none beyond the limits, none lost within them.
//!
//! The figures (seconds, requests per second, latency percentiles) are
//! printed, never asserted: they depend on the machine.
//! `scripts/bench-mailbox.sh` runs this test in release mode on each
//! database and shows them.

use std::collections::{BTreeMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use dangjian_app::mailbox::RATE_LIMIT;
use dangjian_testkit::{TestApp, element_text, postgres_requested};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::mailbox_portal::{letter, multipart};

const ADDRESSES: usize = 50;
const LETTERS_PER_ADDRESS: usize = 20;
const IN_FLIGHT: usize = 50;

/// What one POST came back as.
#[derive(Debug)]
enum Outcome {
    /// The receipt page, with its tracking code.
    Accepted(String),
    /// 429 with the rate-limit message.
    Limited,
    /// Anything else: status and the start of the page.
    Other(u16, String),
}

/// The `n`th client address (documentation range 203.0.113.0/24).
fn address(n: usize) -> String {
    format!("203.0.113.{}", n + 1)
}

/// Starts the listeners of `t`'s app with loopback as a trusted proxy;
/// answers the public URL and the sender that stops them.
async fn serve_behind_proxy(t: &TestApp) -> (String, tokio::sync::oneshot::Sender<()>) {
    let loopback = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
    let options = dangjian_web::WebOptions {
        public_addr: loopback,
        office_addr: loopback,
        secure_cookies: false,
        trusted_proxies: vec![IpAddr::V4(Ipv4Addr::LOCALHOST)],
    };
    let server = dangjian_web::bind(t.app.clone(), options)
        .await
        .expect("bind the listeners");
    let url = format!("http://{}", server.public_addr().expect("public address"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server.run(async {
        let _ = stopped.await;
    }));
    (url, stop)
}

/// The `p`th percentile (0–100) of sorted durations.
fn percentile(sorted: &[Duration], p: usize) -> Duration {
    let at = (sorted.len() * p).div_ceil(100).saturating_sub(1);
    sorted.get(at).copied().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_letters_accepts_exactly_each_addresss_limit() {
    let t = TestApp::start().await;
    let (url, _stop) = serve_behind_proxy(&t).await;
    // One challenge serves the whole burst: its token holds until it
    // expires, and the burst is about the limit, not the challenge.
    let challenge = t.app.mailbox_challenge().await.expect("a challenge");
    let answer = if challenge.plus {
        challenge.left + challenge.right
    } else {
        challenge.left - challenge.right
    }
    .to_string();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .expect("an HTTP client");
    let gate = Arc::new(Semaphore::new(IN_FLIGHT));
    let mut tasks = JoinSet::new();
    let started = Instant::now();
    // Round by round, every address once per round: the addresses'
    // letters interleave as they would from many people at once.
    for round in 0..LETTERS_PER_ADDRESS {
        for n in 0..ADDRESSES {
            let permit = gate.clone().acquire_owned().await.expect("the gate");
            let subject = format!("来信{n}-{round}");
            let mut fields = letter(&subject, "关于基层党组织建设的意见和建议。");
            fields.push(("challenge_token", &challenge.token));
            fields.push(("challenge_answer", &answer));
            let (content_type, body) = multipart(&fields, &[]);
            let request = client
                .post(format!("{url}/mailbox/write"))
                .header("content-type", content_type)
                .header("x-forwarded-for", address(n))
                .body(body);
            tasks.spawn(async move {
                let sent = Instant::now();
                let response = request.send().await.expect("the POST is answered");
                let status = response.status().as_u16();
                let page = response.text().await.expect("the page");
                let took = sent.elapsed();
                drop(permit);
                let outcome = match status {
                    200 => element_text(&page, "tracking-code").map_or_else(
                        || Outcome::Other(200, page.chars().take(300).collect()),
                        Outcome::Accepted,
                    ),
                    429 if page.contains("来信过于频繁") => Outcome::Limited,
                    other => Outcome::Other(other, page.chars().take(300).collect()),
                };
                (n, outcome, took)
            });
        }
    }
    let mut accepted: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut limited = 0;
    let mut others = Vec::new();
    let mut latencies = Vec::new();
    while let Some(done) = tasks.join_next().await {
        let (n, outcome, took) = done.expect("the task ran");
        latencies.push(took);
        match outcome {
            Outcome::Accepted(code) => accepted.entry(n).or_default().push(code),
            Outcome::Limited => limited += 1,
            Outcome::Other(status, page) => others.push((address(n), status, page)),
        }
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let total = ADDRESSES * LETTERS_PER_ADDRESS;
    eprintln!(
        "mailbox burst ({}): {total} POSTs from {ADDRESSES} addresses, {IN_FLIGHT} in flight: \
         {:.2} s, {:.0} requests/s, latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        if postgres_requested() {
            "PostgreSQL"
        } else {
            "SQLite"
        },
        elapsed.as_secs_f64(),
        f64::from(u32::try_from(total).unwrap_or(u32::MAX)) / elapsed.as_secs_f64(),
        percentile(&latencies, 50).as_secs_f64() * 1000.0,
        percentile(&latencies, 99).as_secs_f64() * 1000.0,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
    );

    let limit = usize::try_from(RATE_LIMIT).expect("a small limit");
    assert!(others.is_empty(), "unexpected answers: {others:?}");
    for n in 0..ADDRESSES {
        let codes = accepted.get(&n).map_or(0, Vec::len);
        assert_eq!(codes, limit, "letters accepted from {}", address(n));
    }
    assert_eq!(
        accepted.values().map(Vec::len).sum::<usize>(),
        ADDRESSES * limit
    );
    assert_eq!(limited, total - ADDRESSES * limit);

    // Everything accepted is stored, under its address, once.
    let codes: HashSet<&String> = accepted.values().flatten().collect();
    assert_eq!(codes.len(), ADDRESSES * limit, "tracking codes are unique");
    let mut conn = t.app.store().read().await.expect("connection");
    let stored = dangjian_store::mailbox::count(
        &mut conn,
        t.init_report.site,
        &dangjian_store::mailbox::Filter::default(),
    )
    .await
    .expect("count the letters");
    assert_eq!(stored, i64::try_from(ADDRESSES * limit).expect("small"));
    for n in 0..ADDRESSES {
        let from = dangjian_store::mailbox::received_since(&mut conn, &address(n), 0)
            .await
            .expect("count an address's letters");
        assert_eq!(from, RATE_LIMIT, "letters stored from {}", address(n));
    }
    for code in codes {
        let found = dangjian_store::mailbox::by_code(&mut conn, code)
            .await
            .expect("look the code up");
        assert!(found.is_some(), "the letter {code} is stored");
    }
}
