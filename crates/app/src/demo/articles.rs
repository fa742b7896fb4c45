//! The demo's articles: every column that holds articles gets some (8–20,
//! or an even share of `--articles N`), spread over the last two years, with
//! a headline, carousel items with covers, pinned notices, the video in the
//! video column and attachments in the download columns. Plain articles go
//! in with multi-row INSERTs; the few that need further rows one by one.

use dangjian_domain::article::ArticleStatus;
use dangjian_domain::column::{ColumnId, ColumnKind};
use dangjian_domain::ids::{SiteId, UserId};
use dangjian_store::Conn;
use dangjian_store::articles::{self as stored, ArticleRecord};
use dangjian_store::columns::Column;

use super::media::DemoMedia;
use super::text::{self, Genre, Rng, Text};
use crate::articles::sanitize::sanitize_body;
use crate::{App, Result};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// Publish times are spread over this many days before now.
const SPAN_DAYS: i64 = 730;
/// Download-column articles that get attachments (inserted one by one).
const WITH_ATTACHMENTS: usize = 20;

/// One column to fill and how many articles it gets.
#[derive(Debug, Clone)]
pub struct Planned {
    pub column: ColumnId,
    pub name: String,
    pub slug: String,
    pub kind: ColumnKind,
    pub genre: Genre,
    pub count: usize,
}

fn genre_of(column: &Column, kind: ColumnKind, parent_slug: &str) -> Genre {
    let slug = column.slug.as_str();
    let has = |parts: &[&str]| parts.iter().any(|p| slug.contains(p));
    if slug == "gongkai-xuanba" || parent_slug == "gongkai-xuanba" {
        Genre::Selection
    } else if kind == ColumnKind::VideoList {
        Genre::Video
    } else if kind == ColumnKind::DownloadList {
        Genre::Download
    } else if has(&["renmian", "gongshi"]) {
        Genre::Appointment
    } else if kind == ColumnKind::NoticeBoard {
        Genre::Notice
    } else if has(&["jianghua", "jingshen", "bushu"]) {
        Genre::Speech
    } else if has(&["fagui", "zhidu", "zhengce", "wenjian"]) {
        Genre::Policy
    } else if has(&["fengcai", "cunguan"]) {
        Genre::Talent
    } else {
        Genre::News
    }
}

/// The columns to fill, in tree order, with 8–20 articles each (a single
/// page gets one), or `total` shared out evenly.
pub fn plan(columns: &[Column], total: Option<u64>, rng: &mut Rng) -> Vec<Planned> {
    let mut planned: Vec<Planned> = columns
        .iter()
        .filter_map(|c| {
            let kind = ColumnKind::from_code(&c.kind)?;
            if kind == ColumnKind::ExternalLink || c.hidden {
                return None;
            }
            let parent_slug = c
                .parent_id
                .and_then(|p| columns.iter().find(|x| x.id == p))
                .map_or("", |p| p.slug.as_str());
            let count = if kind == ColumnKind::SinglePage {
                1
            } else {
                rng.between(8, 20) as usize
            };
            Some(Planned {
                column: c.id,
                name: c.name.clone(),
                slug: c.slug.clone(),
                kind,
                genre: genre_of(c, kind, parent_slug),
                count,
            })
        })
        .collect();
    if let Some(total) = total {
        let total = usize::try_from(total).unwrap_or(usize::MAX);
        let singles = planned
            .iter()
            .filter(|p| p.kind == ColumnKind::SinglePage)
            .count()
            .min(total);
        let lists = planned.len() - singles;
        let rest = total - singles;
        let mut single_left = singles;
        let mut list_index = 0;
        for p in &mut planned {
            if p.kind == ColumnKind::SinglePage {
                p.count = usize::from(single_left > 0);
                single_left = single_left.saturating_sub(1);
            } else {
                p.count = rest / lists.max(1) + usize::from(list_index < rest % lists.max(1));
                list_index += 1;
            }
        }
    }
    planned
}

/// A generated article's words with its sanitised body.
struct Written {
    text: Text,
    html: String,
    plain: String,
    publish_at: i64,
    cover: Option<usize>,
    pinned: bool,
    headline: bool,
    carousel: bool,
}

fn year_of(ms: i64) -> i32 {
    time::OffsetDateTime::from_unix_timestamp(ms / 1000 + 8 * 3600).map_or(2025, |t| t.year())
}

fn write(rng: &mut Rng, p: &Planned, i: usize, now: i64, media: &DemoMedia, long: bool) -> Written {
    // Evenly spread, newest first, the first within the last few days.
    let step = SPAN_DAYS * DAY_MS / p.count.max(1) as i64;
    let jitter = rng.below(step.max(1) as u64) as i64;
    let publish_at = now - DAY_MS / 2 - i as i64 * step - jitter / 2;
    let paragraphs = if long {
        rng.between(3, 6)
    } else {
        rng.between(2, 3)
    } as usize;
    let mut text = text::article(rng, p.genre, year_of(publish_at), paragraphs);
    if p.kind == ColumnKind::SinglePage {
        text.title = p.name.clone();
    }
    let lead = p.slug == "gongzuo-yaowen";
    let carousel = lead && i < 3;
    let cover = if carousel || (p.genre == Genre::News && i.is_multiple_of(3)) {
        Some((i + p.count) % media.images.len())
    } else {
        None
    };
    let mut html = text.body_html.clone();
    if let Some(index) = cover.filter(|_| carousel) {
        let (_, url, alt) = &media.images[index];
        html = format!("<p><img src=\"{url}\" alt=\"{alt}\"></p>{html}");
    }
    let body = sanitize_body(&html);
    Written {
        text,
        html: body.html,
        plain: body.text,
        publish_at,
        cover,
        pinned: (p.kind == ColumnKind::NoticeBoard && i == 0) || (lead && i == 1),
        headline: lead && i == 0,
        carousel,
    }
}

fn record<'a>(
    site: SiteId,
    p: &Planned,
    w: &'a Written,
    media: &DemoMedia,
    by: UserId,
    now: i64,
) -> ArticleRecord<'a> {
    ArticleRecord {
        site,
        primary_column: p.column,
        title: &w.text.title,
        subtitle: "",
        author: "县委组织部信息中心",
        source: &w.text.source,
        summary: &w.text.summary,
        body_html: &w.html,
        body_text: &w.plain,
        keywords: "",
        cover: w.cover.map(|i| media.images[i].0),
        video: (p.kind == ColumnKind::VideoList).then_some(media.video),
        external_url: None,
        publish_at: w.publish_at,
        pinned_until: w.pinned.then_some(now + 30 * DAY_MS),
        headline: w.headline,
        carousel: w.carousel,
        by,
    }
}

impl App {
    /// Writes the planned articles, published; returns how many.
    pub(super) async fn lay_demo_articles(
        &self,
        conn: &mut Conn,
        site: SiteId,
        by: UserId,
        media: &DemoMedia,
        planned: &[Planned],
        rng: &mut Rng,
    ) -> Result<u64> {
        let now = self.now_ms();
        let total: usize = planned.iter().map(|p| p.count).sum();
        let long = total <= 5_000;
        let mut written = 0u64;
        let mut batch: Vec<(usize, Written)> = Vec::with_capacity(stored::BATCH);
        for (index, p) in planned.iter().enumerate() {
            for i in 0..p.count {
                let w = write(rng, p, i, now, media, long);
                if p.kind == ColumnKind::DownloadList && i < WITH_ATTACHMENTS {
                    let id =
                        stored::insert(conn, &record(site, p, &w, media, by, now), now).await?;
                    stored::set_status(conn, id, ArticleStatus::Published, "", by, now).await?;
                    let first = i % media.attachments.len();
                    let files: Vec<_> = media.attachments[first..].to_vec();
                    stored::set_attachments(conn, id, &files).await?;
                    written += 1;
                    continue;
                }
                batch.push((index, w));
                if batch.len() == stored::BATCH {
                    written += flush(conn, site, planned, &mut batch, media, by, now).await?;
                }
            }
        }
        written += flush(conn, site, planned, &mut batch, media, by, now).await?;
        Ok(written)
    }
}

async fn flush(
    conn: &mut Conn,
    site: SiteId,
    planned: &[Planned],
    batch: &mut Vec<(usize, Written)>,
    media: &DemoMedia,
    by: UserId,
    now: i64,
) -> Result<u64> {
    let records: Vec<ArticleRecord<'_>> = batch
        .iter()
        .map(|(index, w)| record(site, &planned[*index], w, media, by, now))
        .collect();
    let written = stored::insert_many(conn, &records, ArticleStatus::Published, now).await?;
    drop(records);
    batch.clear();
    Ok(written)
}
