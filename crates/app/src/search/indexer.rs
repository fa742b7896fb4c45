//! Keeps this node's index in step with the database through the change
//! feed: each pass reads the entries after the sequence number the index
//! last committed (kept inside the index), re-reads those items as they are
//! now, and commits with the new number. A crash anywhere in between only
//! means the same entries are applied again.
//!
//! PostgreSQL hands out sequence numbers at insert, not at commit, so an
//! entry may become visible after a higher one: the committed number stops
//! before a hole until the hole fills, or until it has stayed open for
//! `HOLE_PATIENCE` (a rolled-back transaction never fills it). Entries past
//! the hole are applied meanwhile and again later — applying is idempotent.
//!
//! A full rebuild (first start, a feed pruned past the index, or a
//! `reindex:all` entry from `dangjian reindex` or an editor's new words)
//! builds a new generation beside the one answering, then swaps.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use dangjian_search::SearchIndex;
use dangjian_store::search::{self as feed, Change};

use super::documents::{self, Key, MAX_ATTACHMENTS};
use crate::{App, AppError, Result};

/// Feed entries read per pass.
const BATCH: i64 = 500;
/// Articles read per query during a rebuild.
const REBUILD_BATCH: i64 = 500;
/// How long a hole in the sequence is waited for.
const HOLE_PATIENCE: Duration = Duration::from_secs(5);
/// How often the feed is read: well inside the one second in which a
/// published item must be findable.
pub const TICK: Duration = Duration::from_millis(250);
/// How long feed entries are kept: a node down for longer rebuilds its
/// index when it starts (the feed no longer reaches back to its number).
const FEED_KEPT_MS: i64 = 30 * 86_400_000;
/// How often a node prunes the feed (any node may; it is idempotent).
const PRUNE_EVERY: Duration = Duration::from_secs(600);
/// The feed entry that asks every node to rebuild.
pub const REINDEX_ALL: &str = "reindex:all";
/// The feed entry that asks every node to reload the editors' words and
/// synonyms.
pub const SETTINGS_CHANGED: &str = "settings:search";

/// Holes in the sequence seen by this node, and since when.
#[derive(Default)]
pub struct Holes {
    first_seen: HashMap<i64, Instant>,
}

impl Holes {
    /// The number the index may commit: the last entry before a hole that
    /// is still worth waiting for.
    fn watermark(&mut self, from: i64, changes: &[Change]) -> i64 {
        let mut mark = from;
        let now = Instant::now();
        for change in changes {
            while mark + 1 < change.seq {
                let seen = *self.first_seen.entry(mark + 1).or_insert(now);
                if now.duration_since(seen) < HOLE_PATIENCE {
                    return mark;
                }
                self.first_seen.remove(&(mark + 1));
                mark += 1;
            }
            mark = change.seq;
        }
        self.first_seen.retain(|seq, _| *seq > mark);
        mark
    }
}

/// What a pass found to do.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pass {
    /// Items re-read and indexed or removed.
    pub items: usize,
    /// A rebuild was asked for.
    pub rebuild: bool,
    pub settings: bool,
}

fn keys_in(changes: &[Change]) -> impl Iterator<Item = Key> + '_ {
    changes.iter().filter_map(|c| Key::parse(&c.item))
}

fn articles_in(changes: &[Change]) -> BTreeSet<i64> {
    keys_in(changes).filter_map(Key::article).collect()
}

fn questions_in(changes: &[Change]) -> BTreeSet<i64> {
    keys_in(changes).filter_map(Key::question).collect()
}

impl App {
    /// Applies the feed's new entries to the index; returns what it did.
    pub async fn index_changes(&self, holes: &mut Holes) -> Result<Pass> {
        let index = self.search_index()?;
        let _writing = self.search_state().writes.lock().await;
        let Some(from) = index.last_change_seq().map_err(AppError::internal)? else {
            // A new index (first start, or a new data directory): build it
            // whole, then follow the feed.
            drop(_writing);
            self.rebuild_search_index().await?;
            return Ok(Pass::default());
        };
        let changes = {
            let mut conn = self.store().read().await?;
            let (oldest, _) = feed::feed_bounds(&mut conn).await?;
            if oldest > from + 1 {
                drop(conn);
                drop(_writing);
                tracing::warn!(from, oldest, "the change feed was pruned past the index");
                self.rebuild_search_index().await?;
                return Ok(Pass::default());
            }
            feed::changes_after(&mut conn, from, BATCH).await?
        };
        if changes.is_empty() {
            return Ok(Pass::default());
        }
        let pass = Pass {
            items: self
                .reindex_articles(&index, &articles_in(&changes))
                .await?
                + self
                    .reindex_questions(&index, &questions_in(&changes))
                    .await?,
            rebuild: changes.iter().any(|c| c.item == REINDEX_ALL),
            settings: changes.iter().any(|c| c.item == SETTINGS_CHANGED),
        };
        let mark = holes.watermark(from, &changes);
        if pass.settings {
            self.apply_search_settings_to(&index).await?;
        }
        commit(&index, mark).await?;
        Ok(pass)
    }

    /// Re-reads the articles and replaces their documents.
    async fn reindex_articles(
        &self,
        index: &Arc<SearchIndex>,
        ids: &BTreeSet<i64>,
    ) -> Result<usize> {
        if ids.is_empty() {
            return Ok(0);
        }
        let ids: Vec<i64> = ids.iter().copied().collect();
        let found = {
            let mut conn = self.store().read().await?;
            feed::articles(&mut conn, &ids).await?
        };
        for id in &ids {
            index
                .delete(&documents::article_key(*id))
                .map_err(AppError::internal)?;
            for n in 0..MAX_ATTACHMENTS {
                index
                    .delete(&documents::attachment_key(*id, n))
                    .map_err(AppError::internal)?;
            }
        }
        for article in &found {
            for doc in self.article_documents(article).await? {
                index.upsert(&doc).map_err(AppError::internal)?;
            }
        }
        Ok(ids.len())
    }

    /// Re-reads the questions and replaces their documents.
    async fn reindex_questions(
        &self,
        index: &Arc<SearchIndex>,
        ids: &BTreeSet<i64>,
    ) -> Result<usize> {
        if ids.is_empty() {
            return Ok(0);
        }
        let ids: Vec<i64> = ids.iter().copied().collect();
        let found = {
            let mut conn = self.store().read().await?;
            feed::questions(&mut conn, &ids).await?
        };
        for id in &ids {
            index
                .delete(&documents::question_key(*id))
                .map_err(AppError::internal)?;
        }
        for question in &found {
            index
                .upsert(&documents::question_document(question))
                .map_err(AppError::internal)?;
        }
        Ok(ids.len())
    }

    async fn article_documents(
        &self,
        article: &feed::IndexedArticle,
    ) -> Result<Vec<dangjian_search::SearchDoc>> {
        let mut texts = Vec::new();
        for (media, name) in article.attachments.iter().take(MAX_ATTACHMENTS) {
            texts.push(self.attachment_text(*media, name).await?);
        }
        Ok(documents::documents(article, &texts))
    }

    /// Builds a new generation from every article while the current one
    /// keeps answering, then swaps. Changes made meanwhile are applied
    /// again afterwards: the new generation starts from the feed's newest
    /// entry as it was when the rebuild began.
    pub async fn rebuild_search_index(&self) -> Result<RebuildReport> {
        let state = self.search_state();
        if state.rebuilding.swap(true, Ordering::SeqCst) {
            return Ok(RebuildReport::default());
        }
        let outcome = self.rebuild_generation().await;
        state.rebuilding.store(false, Ordering::SeqCst);
        outcome
    }

    async fn rebuild_generation(&self) -> Result<RebuildReport> {
        let started = Instant::now();
        let index = self.search_index()?;
        let newest = {
            let mut conn = self.store().read().await?;
            feed::feed_bounds(&mut conn).await?.1
        };
        let rebuild = index.rebuild().map_err(AppError::internal)?;
        let (mut after, mut items) = (0, 0);
        loop {
            let batch = {
                let mut conn = self.store().read().await?;
                feed::articles_after(&mut conn, after, REBUILD_BATCH).await?
            };
            let Some(last) = batch.last() else { break };
            after = last.id;
            for article in &batch {
                for doc in self.article_documents(article).await? {
                    rebuild.add(&doc).map_err(AppError::internal)?;
                    items += 1;
                }
            }
        }
        let mut after = 0;
        loop {
            let batch = {
                let mut conn = self.store().read().await?;
                feed::questions_after(&mut conn, after, REBUILD_BATCH).await?
            };
            let Some(last) = batch.last() else { break };
            after = last.id;
            for question in &batch {
                rebuild
                    .add(&documents::question_document(question))
                    .map_err(AppError::internal)?;
                items += 1;
            }
        }
        let _writing = self.search_state().writes.lock().await;
        rebuild.finish(newest).map_err(AppError::internal)?;
        let report = RebuildReport {
            documents: items,
            seconds: started.elapsed().as_secs_f64(),
        };
        tracing::info!(
            documents = report.documents,
            seconds = report.seconds,
            "search index rebuilt"
        );
        Ok(report)
    }

    /// Forgets feed entries older than `FEED_KEPT_MS`; returns how many.
    pub async fn prune_search_feed(&self) -> Result<u64> {
        let mut tx = self.store().write().await?;
        let pruned = feed::prune_changes(&mut tx, self.now_ms() - FEED_KEPT_MS).await?;
        tx.commit().await?;
        Ok(pruned)
    }

    /// Asks every node (through the feed) to rebuild its index.
    pub async fn request_reindex(&self) -> Result<()> {
        let mut tx = self.store().write().await?;
        feed::append(&mut tx, REINDEX_ALL, self.now_ms()).await?;
        tx.commit().await?;
        Ok(())
    }
}

async fn commit(index: &Arc<SearchIndex>, mark: i64) -> Result<()> {
    let index = index.clone();
    tokio::task::spawn_blocking(move || index.commit(mark))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)
}

/// What a rebuild did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct RebuildReport {
    pub documents: usize,
    pub seconds: f64,
}

/// Runs the indexer until `stopped` turns true: a pass every `TICK`; a
/// rebuild asked for in the feed runs beside it.
pub async fn run_indexer(app: App, mut stopped: tokio::sync::watch::Receiver<bool>) {
    let mut interval = tokio::time::interval(TICK);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut holes = Holes::default();
    let mut pruned_at = Instant::now();
    match app.search_index() {
        Ok(index) => {
            if let Err(error) = app.apply_search_settings_to(&index).await {
                tracing::warn!(%error, "the search settings could not be read");
            }
        }
        Err(error) => tracing::warn!(%error, "the search index could not be opened"),
    }
    loop {
        tokio::select! {
            _ = interval.tick() => {
                match app.index_changes(&mut holes).await {
                    Ok(pass) if pass.rebuild => {
                        let app = app.clone();
                        tokio::spawn(async move {
                            if let Err(error) = app.rebuild_search_index().await {
                                tracing::warn!(%error, "the search index could not be rebuilt");
                            }
                        });
                    }
                    Ok(_) => {}
                    Err(error) => tracing::warn!(%error, "the search index could not be updated"),
                }
                if pruned_at.elapsed() >= PRUNE_EVERY {
                    pruned_at = Instant::now();
                    if let Err(error) = app.prune_search_feed().await {
                        tracing::warn!(%error, "the search feed could not be pruned");
                    }
                }
            }
            _ = stopped.changed() => break,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(seq: i64) -> Change {
        Change {
            seq,
            item: format!("article:{seq}"),
        }
    }

    #[test]
    fn the_mark_stops_before_a_fresh_hole_and_passes_an_old_one() {
        let mut holes = Holes::default();
        assert_eq!(holes.watermark(0, &[change(1), change(2)]), 2);
        assert_eq!(holes.watermark(2, &[change(3), change(5)]), 3);
        holes
            .first_seen
            .insert(4, Instant::now() - HOLE_PATIENCE - Duration::from_secs(1));
        assert_eq!(holes.watermark(3, &[change(5)]), 5);
        assert!(holes.first_seen.is_empty());
    }
}
