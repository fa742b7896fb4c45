//! Filling the benchmark's installation: the organisation and the authors
//! through the use cases (as people would make them), then a year of
//! activity through the bulk functions of the store (as the use cases would
//! have written it, one article at a time, but in seconds).

use std::collections::HashMap;

use anyhow::bail;
use dangjian_app::App;
use dangjian_app::actor::Actor;
use dangjian_app::articles::sanitize::sanitize_body;
use dangjian_app::demo::text::{self, Genre, Rng};
use dangjian_app::domain::article::{ArticleId, ArticleStatus};
use dangjian_app::domain::column::ColumnKind;
use dangjian_app::domain::ids::{SectionId, SiteId, UnitId, UserId};
use dangjian_app::domain::scoring::AdoptionLevel;
use dangjian_app::review::ranking::Period;
use dangjian_store::articles::{self as stored_articles, ArticleRecord};
use dangjian_store::review::NewEvent;
use dangjian_store::review::bulk::{self, Authored, NewAdoption, NewInstruction, TimedEvent};

const PEOPLE: usize = 200;
const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;
const SEED: u64 = 0x00BE_2C4A_2026;
/// Distinct bodies generated; articles reuse them (the ranking never reads
/// a body, but the rows should be as large as real ones).
const BODIES: usize = 1_000;
const ADOPTIONS: usize = 3_000;
const INSTRUCTIONS: usize = 1_200;

/// An author and the unit they belong to (index into the units).
#[derive(Clone, Copy)]
pub struct Person {
    pub id: UserId,
    pub unit: usize,
    /// Place in the list of forms (accounts are created four at a time, so
    /// ids come in any order; this keeps the names and workloads of a run
    /// the same on every run).
    index: usize,
}

const SURNAMES: [&str; 20] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗",
];
const GIVEN: [&str; 10] = [
    "建国", "志强", "秀英", "海燕", "文博", "晓东", "丽华", "振华", "思远", "雅琴",
];

/// Five units (the one `init` made and four more) with two sections each,
/// and 200 authors spread over them, a third of them in no section.
pub async fn organisation(
    app: &App,
    sys: &Actor,
    site: SiteId,
    first: UnitId,
) -> anyhow::Result<(Vec<Person>, usize, usize)> {
    use dangjian_app::org::{SectionForm, UnitForm};
    let mut units = vec![(first, "县委组织部".to_owned())];
    for (name, kind) in [
        ("管头镇党委", "township"),
        ("昌宁镇党委", "township"),
        ("县直机关工委", "county"),
        ("县教育局党组", "other"),
    ] {
        let form = UnitForm {
            name: name.into(),
            kind: kind.into(),
            sort_order: String::new(),
        };
        units.push((app.create_unit(sys, site, &form).await?, name.to_owned()));
    }
    // Section names are unique in the site: each carries its unit's name.
    let mut sections: Vec<[SectionId; 2]> = Vec::new();
    for (unit, unit_name) in &units {
        let mut pair = Vec::new();
        for name in ["办公室", "宣传科"] {
            let form = SectionForm {
                name: format!("{unit_name}{name}"),
                sort_order: String::new(),
            };
            pair.push(app.create_section(sys, *unit, &form).await?);
        }
        sections.push([pair[0], pair[1]]);
    }
    let forms: Vec<(usize, usize, dangjian_app::accounts::AccountForm)> = (0..PEOPLE)
        .map(|i| {
            let unit = i % units.len();
            let section = match (i / units.len()) % 3 {
                2 => String::new(),
                s => sections[unit][s].0.to_string(),
            };
            let form = dangjian_app::accounts::AccountForm {
                username: format!("author{i:03}"),
                display_name: format!("{}{}", SURNAMES[i % 20], GIVEN[i / 20 % 10]),
                phone: format!("138{i:08}"),
                unit_id: units[unit].0.0.to_string(),
                section_id: section,
                email: None,
            };
            (i, unit, form)
        })
        .collect();
    // Four at a time: each account hashes a one-time password (Argon2,
    // tens of milliseconds and 19 MiB each).
    let mut people = Vec::with_capacity(PEOPLE);
    for group in forms.chunks(4) {
        let mut tasks = tokio::task::JoinSet::new();
        for (index, unit, form) in group.iter().cloned() {
            let (app, sys) = (app.clone(), sys.clone());
            tasks.spawn(async move {
                let created = app.create_account(&sys, &form).await?;
                anyhow::Ok(Person {
                    id: created.id,
                    unit,
                    index,
                })
            });
        }
        while let Some(done) = tasks.join_next().await {
            people.push(done??);
        }
    }
    people.sort_by_key(|p| p.index);
    Ok((people, units.len(), sections.len() * 2))
}

/// The local calendar year before the clock's.
pub fn last_year(now_ms: i64) -> i32 {
    time::OffsetDateTime::from_unix_timestamp(now_ms / 1000)
        .map(|t| t.to_offset(dangjian_app::domain::clock::CHINA_STANDARD_TIME))
        .map_or(2025, |t| t.year() - 1)
}

/// 100,000 articles over the year, authored by the people (a few write
/// much, most a little): 90 % published, 6 % returned, 4 % in review. For
/// the unpublished ones `publish_at` holds the time of their last review
/// step. Returns how many were written.
pub async fn load_articles(
    app: &App,
    site: SiteId,
    people: &[Person],
    period: &Period,
    count: usize,
) -> anyhow::Result<u64> {
    let mut conn = app.store().read().await?;
    let columns: Vec<_> = dangjian_store::columns::columns(&mut conn, site)
        .await?
        .into_iter()
        .filter(|c| {
            !c.hidden
                && matches!(
                    ColumnKind::from_code(&c.kind),
                    Some(ColumnKind::ArticleList | ColumnKind::NoticeBoard)
                )
        })
        .map(|c| c.id)
        .collect();
    drop(conn);
    if columns.is_empty() {
        bail!("the default tree has no article list");
    }
    let mut rng = Rng::new(SEED);
    let year = last_year(period.from + DAY);
    let bodies: Vec<(String, String)> = (0..BODIES)
        .map(|_| {
            let paragraphs = rng.between(2, 4) as usize;
            let words = text::article(&mut rng, Genre::News, year, paragraphs);
            let body = sanitize_body(&words.body_html);
            (body.html, body.text)
        })
        .collect();
    // Times leave four days at each end of the year for the review steps
    // before publication and the adoptions after it.
    let span = period.until - period.from - 8 * DAY;
    let mut tx = app.store().write().await?;
    let mut written = 0;
    let articles: Vec<usize> = (0..count).collect();
    for chunk in articles.chunks(stored_articles::BATCH) {
        let first = period.from + 4 * DAY + span * chunk[0] as i64 / count as i64;
        let planned: Vec<(ArticleStatus, String, usize, UserId, i64, bool)> = chunk
            .iter()
            .map(|&i| {
                let at = period.from + 4 * DAY + span * i as i64 / count as i64;
                let status = match rng.below(100) {
                    0..90 => ArticleStatus::Published,
                    90..96 => ArticleStatus::Returned,
                    _ => ArticleStatus::InReview,
                };
                // u^2 skews the authors: the first ones write the most.
                let u = rng.below(1 << 20) as f64 / f64::from(1 << 20);
                let author = people[((u * u) * people.len() as f64) as usize].id;
                let headline = status == ArticleStatus::Published && rng.below(100) == 0;
                let title = text::title(&mut rng, Genre::News, year);
                (
                    status,
                    title,
                    rng.below(BODIES as u64) as usize,
                    author,
                    at,
                    headline,
                )
            })
            .collect();
        for status in [
            ArticleStatus::Published,
            ArticleStatus::Returned,
            ArticleStatus::InReview,
        ] {
            let records: Vec<ArticleRecord<'_>> = planned
                .iter()
                .filter(|p| p.0 == status)
                .map(|(_, title, body, author, at, headline)| ArticleRecord {
                    site,
                    primary_column: columns[*body % columns.len()],
                    title,
                    subtitle: "",
                    author: "信息员",
                    source: "县委组织部",
                    summary: "",
                    body_html: &bodies[*body].0,
                    body_text: &bodies[*body].1,
                    keywords: "",
                    cover: None,
                    video: None,
                    external_url: None,
                    publish_at: *at,
                    pinned_until: None,
                    headline: *headline,
                    carousel: false,
                    by: *author,
                })
                .collect();
            // Drafted some days before the first of the chunk is submitted.
            written +=
                stored_articles::insert_many(&mut tx, &records, status, first - 4 * DAY).await?;
        }
    }
    tx.commit().await?;
    Ok(written)
}

/// Who reviews: the first author of each unit at stage 0 (科室负责人),
/// the editor at stage 1 and for publication.
pub struct Reviewers {
    unit_of: HashMap<UserId, usize>,
    head_of_unit: Vec<UserId>,
    editor: UserId,
}

impl Reviewers {
    /// The first author of each unit is its reviewer (the editor where a
    /// unit has nobody).
    pub fn new(people: &[Person], units: usize, editor: UserId) -> Reviewers {
        let mut head_of_unit = vec![editor; units];
        for person in people.iter().rev() {
            head_of_unit[person.unit] = person.id;
        }
        Reviewers {
            unit_of: people.iter().map(|p| (p.id, p.unit)).collect(),
            head_of_unit,
            editor,
        }
    }

    fn head(&self, author: UserId) -> UserId {
        self.head_of_unit[self.unit_of.get(&author).copied().unwrap_or(0)]
    }
}

fn event(article: ArticleId, at: i64, actor: UserId, action: &'static str) -> TimedEvent<'static> {
    TimedEvent {
        at,
        event: NewEvent {
            article,
            actor: Some(actor),
            action,
            stage: None,
            to_stage: None,
            comment: "",
        },
    }
}

fn staged(mut e: TimedEvent<'static>, stage: i64, to: Option<i64>) -> TimedEvent<'static> {
    e.event.stage = Some(stage);
    e.event.to_stage = to;
    if e.event.action == "return" {
        e.event.comment = "请补充具体数据后再报送";
    }
    e
}

/// One article's review timeline ending at `end` (its publication, its
/// final return, or its last step while still in review), as the workflow
/// writes it: submit; stage 0 may return it to the author (12 %), who
/// submits again; stage 1 may send it back to stage 0 (3 %).
fn timeline(a: &Authored, who: &Reviewers, rng: &mut Rng) -> Vec<TimedEvent<'static>> {
    let (Some(author), Some(end)) = (a.created_by, a.publish_at) else {
        return Vec::new();
    };
    let head = who.head(author);
    let ed = who.editor;
    let id = a.id;
    // Step times count back from `end` in hours, so every step falls
    // inside the year.
    let submitted = end - rng.between(24, 72) as i64 * HOUR;
    let mut t = submitted;
    let mut step = |rng: &mut Rng| {
        t += rng.between(1, 8) as i64 * HOUR;
        t.min(end)
    };
    let mut out = vec![event(id, submitted, author, "submit")];
    if a.status == "returned" {
        out.push(staged(event(id, end, head, "return"), 0, None));
        return out;
    }
    if rng.below(100) < 12 {
        out.push(staged(event(id, step(rng), head, "return"), 0, None));
        out.push(event(id, step(rng), author, "submit"));
    }
    if a.status == "in_review" {
        if rng.below(2) == 0 {
            out.push(staged(event(id, end, head, "approve"), 0, None));
        }
        return out;
    }
    out.push(staged(event(id, step(rng), head, "approve"), 0, None));
    if rng.below(100) < 3 {
        out.push(staged(event(id, step(rng), ed, "return"), 1, Some(0)));
        out.push(staged(event(id, step(rng), head, "approve"), 0, None));
    }
    out.push(staged(event(id, step(rng), ed, "approve"), 1, None));
    out.push(event(id, end, ed, "publish"));
    out
}

/// Every article's timeline, then adoptions and 批示 of published ones
/// recorded one to thirty days after publication; one transaction.
pub async fn load_reviews(
    app: &App,
    site: SiteId,
    who: &Reviewers,
    period: &Period,
) -> anyhow::Result<(u64, u64, u64)> {
    let mut rng = Rng::new(SEED ^ 0xE7E7);
    let mut tx = app.store().write().await?;
    let articles = bulk::authored(&mut tx, site).await?;
    let mut events = 0;
    for chunk in articles.chunks(bulk::BATCH) {
        let rows: Vec<TimedEvent<'static>> = chunk
            .iter()
            .flat_map(|a| timeline(a, who, &mut rng))
            .collect();
        events += bulk::insert_events(&mut tx, &rows).await?;
    }
    let published: Vec<&Authored> = articles
        .iter()
        .filter(|a| a.status == "published")
        .collect();
    if published.is_empty() {
        bail!("no published articles");
    }
    let later = |rng: &mut Rng| {
        let a = published[rng.below(published.len() as u64) as usize];
        let at = a.publish_at.unwrap_or(period.from) + rng.between(1, 30) as i64 * DAY;
        (a.id, at.min(period.until - 1))
    };
    let adoptions: Vec<NewAdoption<'_>> = (0..ADOPTIONS)
        .map(|_| {
            let (article, at) = later(&mut rng);
            let level = match rng.below(100) {
                0..75 => AdoptionLevel::City,
                75..95 => AdoptionLevel::Province,
                _ => AdoptionLevel::Central,
            };
            NewAdoption {
                article,
                level,
                note: "市委组织部《组工信息》采用",
                by: who.editor,
                at,
            }
        })
        .collect();
    let adopted = bulk::insert_adoptions(&mut tx, &adoptions).await?;
    let leaders = ["县委书记", "县长", "县委副书记", "组织部长"];
    let instructions: Vec<NewInstruction<'_>> = (0..INSTRUCTIONS)
        .map(|_| {
            let (article, at) = later(&mut rng);
            NewInstruction {
                article,
                leader: rng.pick(&leaders),
                note: "请各单位学习借鉴",
                by: who.editor,
                at,
            }
        })
        .collect();
    let instructed = bulk::insert_instructions(&mut tx, &instructions).await?;
    // Bulk rows bypass the per-event counting: derive the counters at once.
    dangjian_store::review::counts::recount(&mut tx, site).await?;
    tx.commit().await?;
    Ok((events, adopted, instructed))
}
