//! The editors' search settings: words, synonyms and hot searches. Saving
//! them tells every node through the change feed: each reloads them, and
//! new words also rebuild the index so that documents are split by them.

use dangjian_domain::ids::SiteId;
use dangjian_domain::role::Permission;
use dangjian_domain::search::{HOT_KEY, SYNONYMS_KEY, SearchSettings, WORDS_KEY};
use dangjian_search::SearchIndex;
use dangjian_store::{search as feed, settings};

use super::indexer::{REINDEX_ALL, SETTINGS_CHANGED};
use crate::actor::Actor;
use crate::audit::Event;
use crate::site::site_scope;
use crate::{App, Result};

impl App {
    /// A site's search settings (defaults where unset).
    pub async fn search_settings(&self, site: SiteId) -> Result<SearchSettings> {
        let mut conn = self.store().read().await?;
        let values = settings::all(&mut conn, &site_scope(site)).await?;
        Ok(SearchSettings::from_settings(&values))
    }

    /// The search settings for the editors' page (site editors).
    pub async fn search_settings_as(&self, actor: &Actor, site: SiteId) -> Result<SearchSettings> {
        self.require(actor, Permission::ManageSite, "search.settings", "search")
            .await?;
        self.search_settings(site).await
    }

    /// Asks every node to rebuild its index (site editors); audited.
    pub async fn request_reindex_as(&self, actor: &Actor) -> Result<()> {
        self.require(actor, Permission::ManageSite, "search.reindex", "search")
            .await?;
        let now = self.now_ms();
        let mut tx = self.store().write().await?;
        feed::append(&mut tx, REINDEX_ALL, now).await?;
        self.audit(
            &mut tx,
            actor.into(),
            Event::success("search.reindex", "search"),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Gives the index the default site's words and synonyms.
    pub async fn apply_search_settings_to(&self, index: &SearchIndex) -> Result<()> {
        let site = self.default_site().await?;
        let settings = self.search_settings(site).await?;
        index.add_words(&settings.words);
        index.set_synonyms(&settings.synonyms);
        Ok(())
    }

    /// Saves the search settings (site editors); audited; every node
    /// reloads them, and a changed word list rebuilds the indexes.
    pub async fn update_search_settings(
        &self,
        actor: &Actor,
        site: SiteId,
        words: &str,
        synonyms: &str,
        hot: &str,
    ) -> Result<SearchSettings> {
        self.require(actor, Permission::ManageSite, "search.settings", "search")
            .await?;
        let new = SearchSettings::parse(words, synonyms, hot)?;
        let old = self.search_settings(site).await?;
        let scope = site_scope(site);
        let now = self.now_ms();
        let mut tx = self.store().write().await?;
        let values = [
            (WORDS_KEY, old.words_text(), new.words_text()),
            (SYNONYMS_KEY, old.synonyms_text(), new.synonyms_text()),
            (HOT_KEY, old.hot_text(), new.hot_text()),
        ];
        for (key, before, after) in &values {
            if before != after {
                settings::put(&mut tx, &scope, key, after, Some(actor.user_id), now).await?;
                let event = Event::success("search.settings", format!("{scope}:{key}"))
                    .with_detail(format!("{before} -> {after}"));
                self.audit(&mut tx, actor.into(), event).await?;
            }
        }
        feed::append(&mut tx, SETTINGS_CHANGED, now).await?;
        if old.words != new.words {
            feed::append(&mut tx, REINDEX_ALL, now).await?;
        }
        tx.commit().await?;
        Ok(new)
    }
}
