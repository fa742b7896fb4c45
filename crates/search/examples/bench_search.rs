//! Index build rate, size on disk and query latency on synthetic documents.
//!
//! `cargo run --release -p dangjian-search --example bench_search -- [N] [DIR]`
//!
//! Generates N (default 100000) Chinese documents of about 800 characters
//! from party-building phrase lists, indexes them (committing every 10,000
//! as a feeder would), prints items/s and the index size, then runs 200
//! realistic queries with highlighting and prints p50/p99 latency. DIR
//! defaults to a temporary directory removed at the end; with
//! `BENCH_REUSE=1` an index already in DIR is queried without rebuilding.

use std::path::Path;
use std::time::{Duration, Instant};

use dangjian_search::{Attachment, Kind, SearchDoc, SearchIndex, SearchQuery, Sort};

const ORGS: &[&str] = &[
    "县委组织部",
    "城关镇党委",
    "青石乡党委",
    "县教育局党组",
    "县人民医院党委",
    "柳河村党支部",
    "东街社区党委",
    "县机关工委",
    "县财政局党组",
    "南山村党支部",
    "县国资委党委",
    "河口镇党委",
];
const TOPICS: &[&str] = &[
    "三会一课",
    "主题党日",
    "组织生活会",
    "民主评议党员",
    "发展党员",
    "党费收缴",
    "流动党员管理",
    "干部任前公示",
    "乡村振兴",
    "驻村工作队",
    "第一书记",
    "党建引领基层治理",
    "党史学习教育",
    "年轻干部培养",
    "党员教育培训",
    "村集体经济",
    "软弱涣散党组织整顿",
    "党群服务中心建设",
];
const SENTENCES: &[&str] = &[
    "为深入贯彻落实新时代党的建设总要求，进一步加强基层党组织建设，",
    "按照县委统一部署，结合本单位实际，制定本工作方案。",
    "各党支部要严格落实三会一课制度，认真组织开展主题党日活动，",
    "切实发挥基层党组织战斗堡垒作用和党员先锋模范作用。",
    "会议强调，要把党建工作与业务工作同谋划、同部署、同落实、同考核。",
    "驻村第一书记和驻村工作队要吃住在村，扎实推进乡村振兴各项任务，",
    "帮助村党组织理清发展思路，壮大村集体经济，",
    "全体党员要按时足额交纳党费，党费收缴情况每季度公示一次。",
    "流动党员要主动与流出地党组织保持联系，按时参加组织生活。",
    "根据干部选拔任用工作条例有关规定，现将拟任职人选予以任前公示，",
    "公示期间，如对公示对象有不同意见，可通过来信、来电、来访等方式反映。",
    "本次民主评议党员采取个人自评、党员互评、民主测评和组织评定相结合的方式进行，",
    "发展党员工作要坚持标准、保证质量、改善结构、慎重发展的方针。",
    "入党积极分子培训班为期三天，邀请县委党校教师授课，",
    "学员们纷纷表示，要把学习成果转化为推动工作的实际行动。",
    "组织生活会上，班子成员逐一进行对照检查，开展批评与自我批评，",
    "与会同志一致认为，会议主题鲜明、准备充分，达到了预期目的。",
    "下一步，我们将持续深化党建引领基层治理，推动网格化管理提质增效，",
    "着力解决群众急难愁盼问题，不断增强人民群众的获得感、幸福感、安全感。",
    "各乡镇党委要认真履行抓党建主体责任，书记要切实履行第一责任人职责，",
    "对照问题清单逐项整改，整改情况于月底前报县委组织部组织科。",
    "活动现场，党员们重温入党誓词，参观红色教育基地，接受党性教育。",
    "本年度共培训村党组织书记三百余人次，实现全覆盖。",
    "疫情防控期间，党员志愿服务队坚守一线，展现了共产党员的责任担当。",
    "县委组织部相关负责同志出席会议并作工作部署。",
    "通过观看警示教育片，大家深受教育，进一步筑牢了拒腐防变的思想防线。",
    "村两委换届工作平稳有序，新当选班子结构进一步优化。",
    "年轻干部要在基层一线经风雨、见世面、壮筋骨、长才干。",
    "联系电话：县委组织部干部监督科，举报电话一二三八〇。",
    "党员积分制管理全面推行，积分结果作为评先评优的重要依据。",
];
const QUERIES: &[&str] = &[
    "三会一课",
    "党费",
    "党建",
    "公示",
    "流动党员",
    "乡村振兴",
    "第一书记",
    "主题党日",
    "党",
    "村",
    "组织生活会",
    "干部任前公示",
    "dangjian",
    "djdt",
    "xczx",
    "党建引领",
    "驻村工作队 集体经济",
    "黨費收繳",
    "ＡＢＣ１２３",
    "民主评议",
    "入党积极分子培训",
    "警示教育",
    "年轻干部",
    "党员教育培训",
    "县委组织部 公示",
    "换届",
    "积分制",
    "红色教育基地",
    "网格化管理",
    "\"(:)\"",
    "不忘初心、牢记使命",
];

/// A small deterministic generator, so runs are comparable.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() % items.len() as u64) as usize]
    }
}

fn make_doc(i: usize, rng: &mut Rng) -> SearchDoc {
    let org = rng.pick(ORGS);
    let topic = rng.pick(TOPICS);
    let title = format!("{org}扎实开展{topic}工作（第{}期）", i % 97 + 1);
    let mut body = format!("{org}关于{topic}的工作情况。");
    while body.chars().count() < 800 {
        body.push_str(rng.pick(SENTENCES));
    }
    let attachments = if i.is_multiple_of(10) {
        vec![Attachment {
            name: format!("{topic}情况统计表.xlsx"),
            text: format!("{org} {topic} 统计 {}", rng.pick(SENTENCES)),
        }]
    } else {
        Vec::new()
    };
    SearchDoc {
        key: format!("article:{i}"),
        site: 1,
        kind: if i.is_multiple_of(5) {
            Kind::Notice
        } else {
            Kind::Article
        },
        title,
        body,
        attachments,
        column: Some((i % 12) as i64),
        placements: Vec::new(),
        date_ms: 1_700_000_000_000 + (i as i64) * 60_000,
        audience: vec![
            if i.is_multiple_of(20) {
                "section:3"
            } else {
                "public"
            }
            .to_string(),
        ],
    }
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .map(|entries| {
            entries
                .flatten()
                .map(|e| match e.metadata() {
                    Ok(m) if m.is_dir() => dir_size(&e.path()),
                    Ok(m) => m.len(),
                    Err(_) => 0,
                })
                .sum()
        })
        .unwrap_or(0)
}

/// The directory size once background merges have finished replacing
/// segments (two equal readings a second apart, at most 60 s).
fn settled_size(path: &Path) -> u64 {
    let mut last = dir_size(path);
    for _ in 0..60 {
        std::thread::sleep(Duration::from_secs(1));
        let now = dir_size(path);
        if now == last {
            break;
        }
        last = now;
    }
    last
}

/// The one-minute load average, to read the figures against.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let at = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[at]
}

fn build(index: &SearchIndex, n: usize) -> Result<Duration, Box<dyn std::error::Error>> {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let started = Instant::now();
    for i in 0..n {
        index.upsert(&make_doc(i, &mut rng))?;
        if (i + 1) % 10_000 == 0 {
            index.commit(i as i64 + 1)?;
        }
    }
    index.commit(n as i64)?;
    Ok(started.elapsed())
}

fn run_queries(index: &SearchIndex) -> Result<Vec<Duration>, Box<dyn std::error::Error>> {
    let mut latencies = Vec::with_capacity(200);
    let mut slowest: Vec<(Duration, String, usize)> = Vec::new();
    let mut hits = 0usize;
    for i in 0..200 {
        let mut q = SearchQuery::new(1, QUERIES[i % QUERIES.len()], &["public"]);
        if i % 4 == 1 {
            q.sort = Sort::Newest;
        }
        if i % 7 == 2 {
            q.offset = 20;
        }
        if i % 9 == 3 {
            q.kinds = vec![Kind::Notice];
        }
        let started = Instant::now();
        let result = index.search(&q)?;
        latencies.push(started.elapsed());
        slowest.push((
            started.elapsed(),
            format!("{:?} {:?}", q.text, q.sort),
            result.total,
        ));
        hits += result.hits.len();
    }
    println!("queries: 200, hits returned: {hits}");
    slowest.sort_by_key(|s| std::cmp::Reverse(s.0));
    for (took, query, total) in slowest.iter().take(5) {
        println!(
            "  slow: {:.2} ms {query} ({total} matches)",
            took.as_secs_f64() * 1e3
        );
    }
    latencies.sort();
    Ok(latencies)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let n: usize = args
        .next()
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(100_000);
    let temp = tempfile::tempdir()?;
    let dir = args
        .next()
        .map(Into::into)
        .unwrap_or_else(|| temp.path().join("index"));
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("{cores} cores, load average {} at start", load_average());
    let index = SearchIndex::open(&dir)?;
    if std::env::var_os("BENCH_REUSE").is_some() && index.num_docs() > 0 {
        println!(
            "reusing the {} documents in {}",
            index.num_docs(),
            dir.display()
        );
    } else {
        let elapsed = build(&index, n)?;
        println!(
            "indexed {n} documents in {:.1} s: {:.0} items/s",
            elapsed.as_secs_f64(),
            n as f64 / elapsed.as_secs_f64()
        );
    }
    println!(
        "index size on disk: {:.1} MB ({} docs visible)",
        settled_size(&dir) as f64 / 1e6,
        index.num_docs()
    );
    run_queries(&index)?; // warm the page cache and the segment readers
    let latencies = run_queries(&index)?;
    println!("load average {} at the end", load_average());
    println!(
        "query latency with highlighting: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        percentile(&latencies, 0.5).as_secs_f64() * 1e3,
        percentile(&latencies, 0.99).as_secs_f64() * 1e3,
        latencies.last().map_or(0.0, |d| d.as_secs_f64() * 1e3)
    );
    Ok(())
}
