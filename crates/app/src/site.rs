//! The site's public face: the facts its footer must show (主办单位, contact,
//! ICP备案号, 公安备案号, 网站标识码), kept as settings in the scope
//! `site:<id>`, and the media the portal shows (covers, attachments, video).

use std::collections::BTreeMap;

use dangjian_domain::Invalid;
use dangjian_domain::ids::SiteId;
use dangjian_domain::media::MediaId;
use dangjian_domain::role::Permission;
use dangjian_store::StoreError;
use dangjian_store::media as stored_media;
use dangjian_store::settings as stored;

/// The article records the portal shows (passed through unchanged).
pub use dangjian_store::articles::{Article, ArticleSummary};

use crate::actor::Actor;
use crate::audit::Event;
use crate::changes::Change;
use crate::media::MediaItem;
use crate::{App, Result};

/// The setting keys of a site's profile, in form order.
pub const PROFILE_KEYS: [&str; 6] = [
    "site.name",
    "site.sponsor",
    "site.contact",
    "site.icp",
    "site.psb",
    "site.code",
];

/// Longest value a profile field may hold.
const MAX_VALUE_CHARS: usize = 200;

/// What the portal's header and footer show about the site.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteProfile {
    /// 网站名称 (defaults to the site record's name).
    pub name: String,
    /// 主办单位.
    pub sponsor: String,
    /// 联系方式.
    pub contact: String,
    /// ICP备案号.
    pub icp: String,
    /// 公安机关备案号.
    pub psb: String,
    /// 网站标识码.
    pub code: String,
}

impl SiteProfile {
    fn from_settings(values: &BTreeMap<String, String>, site_name: &str) -> Self {
        let get = |key: &str| {
            values
                .get(key)
                .map(|v| v.trim().to_owned())
                .unwrap_or_default()
        };
        let name = Some(get("site.name"))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| site_name.to_owned());
        SiteProfile {
            name,
            sponsor: get("site.sponsor"),
            contact: get("site.contact"),
            icp: get("site.icp"),
            psb: get("site.psb"),
            code: get("site.code"),
        }
    }

    /// The value of one of `PROFILE_KEYS`.
    pub fn value(&self, key: &str) -> &str {
        match key {
            "site.name" => &self.name,
            "site.sponsor" => &self.sponsor,
            "site.contact" => &self.contact,
            "site.icp" => &self.icp,
            "site.psb" => &self.psb,
            "site.code" => &self.code,
            _ => "",
        }
    }
}

/// The settings scope of a site.
pub fn site_scope(site: SiteId) -> String {
    format!("site:{}", site.0)
}

fn parse_profile(submitted: &BTreeMap<String, String>) -> Result<Vec<(&'static str, String)>> {
    let mut invalid = Invalid::default();
    let mut values = Vec::new();
    for key in PROFILE_KEYS {
        let value = submitted
            .get(key)
            .map(|v| v.trim().to_owned())
            .unwrap_or_default();
        if value.chars().count() > MAX_VALUE_CHARS || value.chars().any(char::is_control) {
            invalid.push(key, "error.text.too_long");
        }
        values.push((key, value));
    }
    invalid.into_result()?;
    Ok(values)
}

impl App {
    /// The site's profile; missing settings are empty (the name falls back
    /// to the site record's name).
    pub async fn site_profile(&self, site: SiteId) -> Result<SiteProfile> {
        let mut conn = self.store().read().await?;
        let record = dangjian_store::org::site(&mut conn, site).await?;
        let values = stored::all(&mut conn, &site_scope(site)).await?;
        Ok(SiteProfile::from_settings(&values, &record.name))
    }

    /// The profile, for the settings page of a site editor.
    pub async fn site_profile_view(&self, actor: &Actor, site: SiteId) -> Result<SiteProfile> {
        self.require(actor, Permission::ManageSite, "site.view", site_scope(site))
            .await?;
        self.site_profile(site).await
    }

    /// Changes the profile; each changed value is one audit record, and
    /// every public page is refreshed.
    pub async fn update_site_profile(
        &self,
        actor: &Actor,
        site: SiteId,
        submitted: &BTreeMap<String, String>,
    ) -> Result<SiteProfile> {
        let scope = site_scope(site);
        self.require(actor, Permission::ManageSite, "site.update", scope.clone())
            .await?;
        let values = parse_profile(submitted)?;
        let now = self.now_ms();
        let mut tx = self.store().write().await?;
        let before = stored::all(&mut tx, &scope).await?;
        let mut changed = false;
        for (key, value) in values {
            let old = before.get(key).cloned().unwrap_or_default();
            if old == value {
                continue;
            }
            changed = true;
            stored::put(&mut tx, &scope, key, &value, Some(actor.user_id), now).await?;
            let event = Event::success("site.update", format!("{scope}:{key}"))
                .with_detail(format!("{old} -> {value}"));
            self.audit(&mut tx, actor.into(), event).await?;
        }
        tx.commit().await?;
        if changed {
            self.announce(Change::Site);
        }
        self.site_profile(site).await
    }

    /// Media of the site the portal shows, in the order asked; unknown ids
    /// and media of other sites are left out.
    pub async fn public_media(&self, site: SiteId, ids: &[MediaId]) -> Result<Vec<MediaItem>> {
        let mut conn = self.store().read().await?;
        let mut items = Vec::with_capacity(ids.len());
        for id in ids {
            let media = match stored_media::get(&mut conn, *id).await {
                Ok(media) if media.site_id == site => media,
                Ok(_) | Err(StoreError::NotFound) => continue,
                Err(other) => return Err(other.into()),
            };
            let renditions = stored_media::renditions(&mut conn, *id).await?;
            items.push(MediaItem { media, renditions });
        }
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profile_defaults_to_the_site_name_and_empty_facts() {
        let profile = SiteProfile::from_settings(&BTreeMap::new(), "乡宁党建网");
        assert_eq!(profile.name, "乡宁党建网");
        assert_eq!(profile.icp, "");
        let values = BTreeMap::from([("site.icp".to_owned(), " 晋ICP备00000000号 ".to_owned())]);
        assert_eq!(
            SiteProfile::from_settings(&values, "x").icp,
            "晋ICP备00000000号"
        );
    }

    #[test]
    fn profile_values_are_bounded() {
        let long = BTreeMap::from([("site.contact".to_owned(), "电".repeat(201))]);
        assert!(parse_profile(&long).is_err());
        assert_eq!(
            parse_profile(&BTreeMap::new()).unwrap().len(),
            PROFILE_KEYS.len()
        );
    }
}
