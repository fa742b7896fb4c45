//! The media size limits, kept as settings (`media.max_image_mb` …).

use std::collections::BTreeMap;

use dangjian_domain::media::MediaPolicy;
use dangjian_domain::role::Permission;
use dangjian_store::settings::{self as stored, GLOBAL};

use crate::actor::Actor;
use crate::audit::Event;
use crate::{App, Result};

impl App {
    /// The media policy in force.
    pub async fn media_policy(&self) -> Result<MediaPolicy> {
        let mut conn = self.store().read().await?;
        let values = stored::all(&mut conn, GLOBAL).await?;
        Ok(MediaPolicy::from_settings(&values))
    }

    /// Changes media limits (keys `media.*`; others are ignored); every
    /// changed value is one audit record.
    pub async fn update_media_policy(
        &self,
        actor: &Actor,
        submitted: &BTreeMap<String, String>,
    ) -> Result<MediaPolicy> {
        self.require(
            actor,
            Permission::ManageSettings,
            "setting.update",
            "settings",
        )
        .await?;
        let current = self.media_policy().await?;
        let updated = current.with_changes(submitted)?;
        let before: BTreeMap<_, _> = current.to_settings().into_iter().collect();
        let now = self.now_ms();
        let mut tx = self.store().write().await?;
        for (key, value) in updated.to_settings() {
            let old = before.get(key).cloned().unwrap_or_default();
            if old == value {
                continue;
            }
            stored::put(&mut tx, GLOBAL, key, &value, Some(actor.user_id), now).await?;
            let event = Event::success("setting.update", format!("setting:{key}"))
                .with_detail(format!("{old} -> {value}"));
            self.audit(&mut tx, actor.into(), event).await?;
        }
        tx.commit().await?;
        Ok(updated)
    }
}
