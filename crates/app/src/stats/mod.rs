//! Visit statistics (统计). The portal notes each page a person reads in
//! memory (`VisitCounter`); a background task adds the counts to the
//! database in one transaction every few seconds and at shutdown, together
//! with the articles' view counts — never a database write per request.
//! Nothing personal is kept: the local day, the page, the referring site's
//! host and the device class.

pub mod report;

use std::collections::HashMap;
use std::sync::Mutex;

use dangjian_domain::Invalid;
use dangjian_domain::article::ArticleId;
use dangjian_domain::clock::format_local_date;
use dangjian_domain::ids::SiteId;
use dangjian_domain::visit::{self, Device, PageKind, PageRef};
use dangjian_store::visits::{self as stored, VisitRow};

use crate::{App, AppError, Result};

/// Distinct rows kept between two flushes; past it, new referring sites are
/// counted without their host (so made-up Referer headers cannot grow memory
/// without bound).
const MAX_KEYS: usize = 50_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct VisitKey {
    day: String,
    page: PageRef,
    referrer: String,
    device: Device,
}

/// Counts not yet written, shared by every request.
#[derive(Debug, Default)]
pub struct VisitCounter {
    counts: Mutex<HashMap<VisitKey, i64>>,
}

impl VisitCounter {
    fn add(&self, key: VisitKey, views: i64) {
        let Ok(mut counts) = self.counts.lock() else {
            return;
        };
        let key = if counts.len() >= MAX_KEYS && !counts.contains_key(&key) {
            VisitKey {
                referrer: String::new(),
                ..key
            }
        } else {
            key
        };
        *counts.entry(key).or_insert(0) += views;
    }

    fn take(&self) -> HashMap<VisitKey, i64> {
        self.counts
            .lock()
            .map(|mut counts| std::mem::take(&mut *counts))
            .unwrap_or_default()
    }

    /// Views noted and not yet written.
    pub fn pending(&self) -> i64 {
        self.counts
            .lock()
            .map(|counts| counts.values().sum())
            .unwrap_or_default()
    }
}

/// A view of a portal page, as the web layer saw the request.
#[derive(Debug, Clone, Copy)]
pub struct PageView<'a> {
    pub page: PageRef,
    pub user_agent: &'a str,
    pub referer: &'a str,
    /// The Host the request named (a Referer from it is not another site).
    pub host: &'a str,
}

impl App {
    /// Notes one view (in memory). Programs are not counted.
    pub fn note_visit(&self, view: PageView<'_>) {
        if visit::is_bot(view.user_agent) {
            return;
        }
        let key = VisitKey {
            day: format_local_date(self.now_ms()),
            page: view.page,
            referrer: visit::referrer_domain(view.referer, view.host),
            device: Device::of_user_agent(view.user_agent),
        };
        self.visits.add(key, 1);
    }

    /// Views noted and not yet written.
    pub fn pending_visits(&self) -> i64 {
        self.visits.pending()
    }

    /// Writes the noted views (and the articles' view counts) in one
    /// transaction; returns how many views were written. On failure the
    /// counts are kept for the next attempt.
    pub async fn flush_visits(&self) -> Result<i64> {
        let counts = self.visits.take();
        if counts.is_empty() {
            return Ok(0);
        }
        match self.write_counts(&counts).await {
            Ok(total) => Ok(total),
            Err(error) => {
                for (key, views) in counts {
                    self.visits.add(key, views);
                }
                Err(error)
            }
        }
    }

    async fn write_counts(&self, counts: &HashMap<VisitKey, i64>) -> Result<i64> {
        let site = self.default_site().await?;
        let rows: Vec<VisitRow> = counts
            .iter()
            .map(|(key, views)| VisitRow {
                day: key.day.clone(),
                page_kind: key.page.kind.code().to_owned(),
                page_id: key.page.id,
                referrer: key.referrer.clone(),
                device: key.device.code().to_owned(),
                views: *views,
            })
            .collect();
        self.write_rows(site, &rows).await
    }

    /// Adds rows and the article view counts they imply, in one transaction.
    async fn write_rows(&self, site: SiteId, rows: &[VisitRow]) -> Result<i64> {
        let mut sorted: Vec<&VisitRow> = rows.iter().collect();
        // A fixed order keeps two writers from locking rows crosswise.
        sorted.sort_by(|a, b| {
            (&a.day, &a.page_kind, a.page_id, &a.referrer, &a.device).cmp(&(
                &b.day,
                &b.page_kind,
                b.page_id,
                &b.referrer,
                &b.device,
            ))
        });
        let mut articles: std::collections::BTreeMap<i64, i64> = Default::default();
        let mut total = 0;
        let mut tx = self.store().write().await?;
        for row in sorted {
            stored::add(&mut tx, site, row).await?;
            if row.page_kind == PageKind::Article.code() {
                *articles.entry(row.page_id).or_insert(0) += row.views;
            }
            total += row.views;
        }
        for (id, views) in articles {
            dangjian_store::articles::add_views(&mut tx, ArticleId(id), views).await?;
        }
        tx.commit().await?;
        Ok(total)
    }

    /// Lays visit history (for `dangjian demo`): each entry is (day
    /// `YYYY-MM-DD`, page `home`/`archive`/`article:ID`/`column:ID`,
    /// referring host or empty, device `desktop`/`mobile`/`tablet`, views).
    /// Articles' view counts rise with them.
    pub async fn seed_visits(
        &self,
        site: SiteId,
        days: &[(String, String, String, String, i64)],
    ) -> Result<i64> {
        let mut invalid = Invalid::default();
        let mut rows = Vec::with_capacity(days.len());
        for (day, page, referrer, device, views) in days {
            let page = PageRef::parse(page);
            let device = Device::from_code(device);
            let day_ok = dangjian_domain::clock::parse_local_date(day).is_some();
            match (page, device, day_ok, *views >= 0) {
                (Some(page), Some(device), true, true) => rows.push(VisitRow {
                    day: day.clone(),
                    page_kind: page.kind.code().to_owned(),
                    page_id: page.id,
                    referrer: referrer.trim().to_ascii_lowercase(),
                    device: device.code().to_owned(),
                    views: *views,
                }),
                _ => invalid.push("visits", "stats.invalid_seed"),
            }
        }
        if !invalid.is_empty() {
            return Err(AppError::Invalid(invalid));
        }
        self.write_rows(site, &rows).await
    }
}

/// A refused date of a stats query.
pub(crate) fn invalid_range(field: &str) -> AppError {
    AppError::Invalid(Invalid::one(field, "stats.invalid_date"))
}
