//! Settings the system administrator manages; for now the security policy.

use std::collections::BTreeMap;

use dangjian_domain::role::Permission;
use dangjian_domain::security::SecurityPolicy;
use dangjian_store::settings::{self as stored, GLOBAL};

use crate::actor::Actor;
use crate::audit::Event;
use crate::{App, Result};

impl App {
    /// The security policy in force.
    pub async fn security_policy(&self) -> Result<SecurityPolicy> {
        let mut conn = self.store().read().await?;
        let values = stored::all(&mut conn, GLOBAL).await?;
        Ok(SecurityPolicy::from_settings(&values))
    }

    /// The policy, for the settings page.
    pub async fn settings_view(&self, actor: &Actor) -> Result<SecurityPolicy> {
        self.require(
            actor,
            Permission::ManageSettings,
            "setting.view",
            "settings",
        )
        .await?;
        self.security_policy().await
    }

    /// Changes settings; every changed value is one audit record naming the
    /// old and new value.
    pub async fn update_settings(
        &self,
        actor: &Actor,
        submitted: &BTreeMap<String, String>,
    ) -> Result<SecurityPolicy> {
        self.require(
            actor,
            Permission::ManageSettings,
            "setting.update",
            "settings",
        )
        .await?;
        let current = self.security_policy().await?;
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
