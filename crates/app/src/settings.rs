//! Settings the system administrator manages: the security policy, the
//! media upload limits and the mailbox deadlines, kept as one set of keys.

use std::collections::BTreeMap;

use dangjian_domain::Invalid;
use dangjian_domain::mailbox::MailboxPolicy;
use dangjian_domain::media::{MAX_UPLOAD_MB, MediaPolicy};
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

    /// Everything the settings page shows.
    pub async fn settings_view(&self, actor: &Actor) -> Result<Settings> {
        self.require(
            actor,
            Permission::ManageSettings,
            "setting.view",
            "settings",
        )
        .await?;
        self.settings().await
    }

    async fn settings(&self) -> Result<Settings> {
        let mut conn = self.store().read().await?;
        let values = stored::all(&mut conn, GLOBAL).await?;
        Ok(Settings {
            security: SecurityPolicy::from_settings(&values),
            media: MediaPolicy::from_settings(&values),
            mailbox: MailboxPolicy::from_settings(&values),
        })
    }

    /// The mailbox deadlines in force.
    pub async fn mailbox_policy(&self) -> Result<MailboxPolicy> {
        let mut conn = self.store().read().await?;
        let values = stored::all(&mut conn, GLOBAL).await?;
        Ok(MailboxPolicy::from_settings(&values))
    }

    /// Changes settings (security and media keys alike); every changed value
    /// is one audit record naming the old and new value.
    pub async fn update_settings(
        &self,
        actor: &Actor,
        submitted: &BTreeMap<String, String>,
    ) -> Result<Settings> {
        self.require(
            actor,
            Permission::ManageSettings,
            "setting.update",
            "settings",
        )
        .await?;
        let current = self.settings().await?;
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

/// Every setting the system administrator manages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    pub security: SecurityPolicy,
    pub media: MediaPolicy,
    pub mailbox: MailboxPolicy,
}

impl Settings {
    /// Keys and values as text, in display order.
    pub fn to_settings(&self) -> Vec<(&'static str, String)> {
        let mut all = self.security.to_settings();
        all.extend(self.media.to_settings());
        all.extend(self.mailbox.to_settings());
        all
    }

    /// The bounds of a key, for the form.
    pub fn bounds(key: &str) -> Option<(u32, u32)> {
        if key.starts_with("media.") {
            Some((1, MAX_UPLOAD_MB))
        } else if key.starts_with("mailbox.") {
            MailboxPolicy::bounds(key)
        } else {
            SecurityPolicy::bounds(key)
        }
    }

    /// Applies submitted values, each to the policy its key belongs to;
    /// a key of no policy is refused beside its field.
    fn with_changes(&self, submitted: &BTreeMap<String, String>) -> Result<Settings, Invalid> {
        let part = |prefix: &str| -> BTreeMap<String, String> {
            submitted
                .iter()
                .filter(|(k, _)| k.starts_with(prefix))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        };
        let rest: BTreeMap<String, String> = submitted
            .iter()
            .filter(|(k, _)| !k.starts_with("media.") && !k.starts_with("mailbox."))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut invalid = Invalid::default();
        let security = invalid.collect(self.security.with_changes(&rest));
        let media = invalid.collect(self.media.with_changes(&part("media.")));
        let mailbox = invalid.collect(self.mailbox.with_changes(&part("mailbox.")));
        match (security, media, mailbox) {
            (Some(security), Some(media), Some(mailbox)) => Ok(Settings {
                security,
                media,
                mailbox,
            }),
            _ => Err(invalid),
        }
    }
}
