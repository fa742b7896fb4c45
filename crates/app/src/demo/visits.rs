//! Twelve months of generated visit history, so the statistics pages of a
//! demo site have something to chart: weekday peaks, a slow rise over the
//! year, the homepage most visited, a handful of popular articles.

use dangjian_domain::clock::format_local_date;
use dangjian_domain::ids::SiteId;
use dangjian_store::articles::{self as stored, Feature};

use super::text::Rng;
use crate::{App, Result};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
const DAYS: i64 = 365;
const REFERRERS: [&str; 4] = ["", "www.baidu.com", "www.gov.cn", "weixin.qq.com"];
const DEVICES: [&str; 3] = ["desktop", "mobile", "tablet"];

/// One seeded row: day, page, referrer, device, views.
pub type VisitSeed = (String, String, String, String, i64);

/// The visit rows for the year before `now`.
pub fn history(now: i64, articles: &[i64], columns: &[i64], rng: &mut Rng) -> Vec<VisitSeed> {
    let mut rows = Vec::new();
    for back in (1..=DAYS).rev() {
        let at = now - back * DAY_MS;
        let day = format_local_date(at);
        // Busier on weekdays (days since the epoch: 1970-01-01 was a Thursday).
        let weekday = ((at + 8 * 3600 * 1000) / DAY_MS + 3) % 7;
        let weekday_factor = if weekday >= 5 { 4 } else { 10 };
        let trend = 10 + (DAYS - back) * 10 / DAYS;
        let base = weekday_factor * trend;
        for (i, referrer) in REFERRERS.iter().enumerate() {
            for (j, device) in DEVICES.iter().enumerate() {
                let share = [6, 3, 1][j] * [6, 3, 2, 2][i];
                let views = base as u64 * share / 20 + 1;
                let views = views + rng.below(views / 3 + 1);
                rows.push(row(&day, "home", referrer, device, views));
            }
        }
        for (rank, id) in articles.iter().take(12).enumerate() {
            let views = base as u64 / (rank as u64 + 2) + rng.below(5);
            let device = DEVICES[rng.below(2) as usize];
            rows.push(row(&day, &format!("article:{id}"), "", device, views));
        }
        for id in columns.iter().take(6) {
            let views = base as u64 / 4 + rng.below(8);
            rows.push(row(&day, &format!("column:{id}"), "", "desktop", views));
        }
        rows.push(row(&day, "archive", "", "desktop", rng.between(1, 12)));
    }
    rows
}

fn row(day: &str, page: &str, referrer: &str, device: &str, views: u64) -> VisitSeed {
    (
        day.to_owned(),
        page.to_owned(),
        referrer.to_owned(),
        device.to_owned(),
        i64::try_from(views).unwrap_or(i64::MAX),
    )
}

impl App {
    /// Lays the visit history over the newest articles and the given
    /// columns; returns the views added.
    pub(super) async fn lay_demo_visits(&self, site: SiteId, columns: &[i64]) -> Result<i64> {
        let now = self.now_ms();
        let newest = {
            let mut conn = self.store().read().await?;
            stored::featured(&mut conn, site, Feature::Latest, now, 12).await?
        };
        let ids: Vec<i64> = newest.iter().map(|a| a.id.0).collect();
        let mut rng = Rng::new(super::SEED ^ 0x7157);
        let rows = history(now, &ids, columns, &mut rng);
        self.seed_visits(site, &rows).await
    }
}
