//! `dangjian demo`: a complete, realistic demo site on an installation made
//! for it — every column filled with generated party-building articles,
//! images, attachments, a playable video, notices and the special topic,
//! and letters in the minister's mailbox.
//! Deterministic (a fixed seed, no network). A demo installation is marked
//! with the global setting `demo = 1`; running the demo again replaces its
//! articles and media. An installation holding content without that mark is
//! never touched. One audit record (`system.demo`) sums up each run.

pub mod articles;
pub mod letters;
pub mod media;
pub mod text;
pub mod visits;

use std::time::Instant;

use dangjian_store::settings::{self as settings, GLOBAL};
use dangjian_store::{articles as stored_articles, columns, media as stored_media, users};

use dangjian_domain::column::ColumnKind;

use crate::actor::Client;
use crate::audit::Event;
use crate::auth::console_subject;
use crate::changes::Change;
use crate::{App, AppError, Result};

/// The setting that marks a demo installation.
pub const DEMO_KEY: &str = "demo";
/// The generator's seed: the same site on every run.
pub const SEED: u64 = 0x5EED_D0C5_2025;

/// What to make.
#[derive(Debug, Clone, Default)]
pub struct DemoRequest {
    /// Articles in all (default: 8–20 per column).
    pub articles: Option<u64>,
}

/// What was made.
#[derive(Debug, Clone)]
pub struct DemoReport {
    /// Whether an earlier demo's content was replaced.
    pub refreshed: bool,
    /// Columns filled.
    pub columns: usize,
    pub articles: u64,
    pub media: usize,
    /// Articles removed by the refresh.
    pub removed: u64,
    /// Page views of the laid visit history (none on a refresh: the
    /// history of the first run stays).
    pub views: i64,
    pub elapsed_ms: u128,
}

impl App {
    /// Whether this installation is a demo one (`demo = 1`).
    pub async fn is_demo(&self) -> Result<bool> {
        let mut conn = self.store().read().await?;
        let values = settings::all(&mut conn, GLOBAL).await?;
        Ok(values.get(DEMO_KEY).is_some_and(|v| v == "1"))
    }

    /// Fills the (initialised) installation with the demo site, in one
    /// transaction. Refused (`Conflict`) when it holds articles or media and
    /// is not a demo installation.
    pub async fn lay_demo(&self, request: &DemoRequest) -> Result<DemoReport> {
        let started = Instant::now();
        let site = self.default_site().await?;
        let demo = self.is_demo().await?;
        let console = Client::console();
        let now = self.now_ms();
        let mut tx = self.store().write().await?;
        let held = stored_articles::count_in_site(&mut tx, site).await?
            + stored_media::list(&mut tx, site, None, 0, 1).await?.1;
        if held > 0 && !demo {
            return Err(AppError::Conflict("error.demo.real_content"));
        }
        let removed = stored_articles::delete_all_in_site(&mut tx, site).await?;
        columns::clear_banners(&mut tx, site).await?;
        stored_media::delete_all_in_site(&mut tx, site).await?;
        let by = users::by_username(&mut tx, "sysadmin").await?.id;

        let media = self.lay_demo_media(&mut tx, site, by).await?;
        let mut rng = text::Rng::new(SEED);
        let tree = columns::columns(&mut tx, site).await?;
        // Special topics show a banner; the demo gives them its first image.
        for topic in tree
            .iter()
            .filter(|c| c.kind == ColumnKind::SpecialTopic.code())
        {
            let banner = media.images.first().map(|(id, _, _)| *id);
            columns::set_banner(&mut tx, topic.id, banner).await?;
        }
        let planned = articles::plan(&tree, request.articles, &mut rng);
        let written = self
            .lay_demo_articles(&mut tx, site, by, &media, &planned, &mut rng)
            .await?;
        let letters = self.lay_demo_letters(&mut tx, site, by, &mut rng).await?;
        settings::put(&mut tx, GLOBAL, DEMO_KEY, "1", None, now).await?;
        let filled = planned.iter().filter(|p| p.count > 0).count();
        let detail = format!(
            "{} demo site: {written} articles in {filled} columns, {} media, {letters} letters{}",
            if held > 0 { "refreshed" } else { "created" },
            media.count(),
            if held > 0 {
                format!(", {removed} earlier articles removed")
            } else {
                String::new()
            }
        );
        let event = Event::success("system.demo", format!("site:{site}")).with_detail(detail);
        self.audit(&mut tx, console_subject(&console), event)
            .await?;
        tx.commit().await?;
        self.announce(Change::Columns);
        self.announce(Change::Site);
        let views = if held > 0 {
            0
        } else {
            let columns: Vec<i64> = planned.iter().map(|p| p.column.0).collect();
            self.lay_demo_visits(site, &columns).await?
        };
        Ok(DemoReport {
            views,
            refreshed: held > 0,
            columns: filled,
            articles: written,
            media: media.count(),
            removed,
            elapsed_ms: started.elapsed().as_millis(),
        })
    }
}
