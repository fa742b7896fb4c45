//! The site's public face: the facts its footer must show (主办单位, contact,
//! ICP备案号, 公安备案号, 网站标识码), kept as settings in the scope
//! `site:<id>`, and the media the portal shows (covers, attachments, video).

use std::collections::BTreeMap;

use dangjian_domain::Invalid;
use dangjian_domain::colour::{Rgb, parse_brand_colour};
use dangjian_domain::ids::SiteId;
use dangjian_domain::media::{MediaId, MediaKind};
use dangjian_domain::role::Permission;
use dangjian_domain::site::parse_site_origin;
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

/// The setting keys of a site's profile, in form order: the facts the
/// footer shows, then the public address.
/// The last three are the 12380 contacts (举报电话, 举报网站, 举报信箱) that
/// the objection form of a 公示 shows.
pub const PROFILE_KEYS: [&str; 10] = [
    "site.name",
    "site.sponsor",
    "site.contact",
    "site.icp",
    "site.psb",
    "site.code",
    "site.url",
    "site.report_phone",
    "site.report_site",
    "site.report_mail",
];

/// The setting keys of the site's appearance: logo and banner (image media
/// ids) and the brand colour (`#rrggbb`).
pub const APPEARANCE_KEYS: [&str; 3] = ["site.logo", "site.banner", "site.color"];

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
    /// 网站地址: `https://host` readers use (empty: unknown).
    pub url: String,
    /// Logo image shown in the masthead.
    pub logo: Option<MediaId>,
    /// Banner image shown across the masthead.
    pub banner: Option<MediaId>,
    /// Brand colour (empty: the portal's red).
    pub colour: Option<Rgb>,
    /// 12380 举报电话, 举报网站 and 举报信箱 (the objection form shows them).
    pub report_phone: String,
    pub report_site: String,
    pub report_mail: String,
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
            url: get("site.url"),
            logo: media_id(&get("site.logo")),
            banner: media_id(&get("site.banner")),
            colour: Rgb::parse_hex(&get("site.color")),
            report_phone: get("site.report_phone"),
            report_site: get("site.report_site"),
            report_mail: get("site.report_mail"),
        }
    }

    /// The value of one of `PROFILE_KEYS` or `APPEARANCE_KEYS`, as a form
    /// shows it.
    pub fn value(&self, key: &str) -> String {
        let id = |m: Option<MediaId>| m.map(|m| m.to_string()).unwrap_or_default();
        match key {
            "site.name" => self.name.clone(),
            "site.sponsor" => self.sponsor.clone(),
            "site.contact" => self.contact.clone(),
            "site.icp" => self.icp.clone(),
            "site.psb" => self.psb.clone(),
            "site.code" => self.code.clone(),
            "site.url" => self.url.clone(),
            "site.report_phone" => self.report_phone.clone(),
            "site.report_site" => self.report_site.clone(),
            "site.report_mail" => self.report_mail.clone(),
            "site.logo" => id(self.logo),
            "site.banner" => id(self.banner),
            "site.color" => self
                .colour
                .map(|c| format!("#{}", c.hex()))
                .unwrap_or_default(),
            _ => String::new(),
        }
    }

    /// The public address of a path, when the site's address is known.
    pub fn public_url(&self, path: &str) -> Option<String> {
        (!self.url.is_empty()).then(|| format!("{}{path}", self.url))
    }
}

/// The settings scope of a site.
pub fn site_scope(site: SiteId) -> String {
    format!("site:{}", site.0)
}

fn media_id(text: &str) -> Option<MediaId> {
    text.parse::<i64>().ok().filter(|n| *n > 0).map(MediaId)
}

/// One submitted value, trimmed; absent is empty.
fn submitted_value(submitted: &BTreeMap<String, String>, key: &str) -> String {
    submitted
        .get(key)
        .map(|v| v.trim().to_owned())
        .unwrap_or_default()
}

/// Values to store (key, normalised value), and the images named (key, id).
type ParsedProfile = (Vec<(&'static str, String)>, Vec<(&'static str, MediaId)>);

/// Checks the submitted profile and appearance; returns the values to
/// store (normalised) and the images named, which must still be checked
/// against the media library.
fn parse_profile(submitted: &BTreeMap<String, String>) -> Result<ParsedProfile> {
    let mut invalid = Invalid::default();
    let mut values = Vec::new();
    let mut images = Vec::new();
    for key in PROFILE_KEYS.into_iter().chain(APPEARANCE_KEYS) {
        let value = submitted_value(submitted, key);
        if value.chars().count() > MAX_VALUE_CHARS || value.chars().any(char::is_control) {
            invalid.push(key, "error.text.too_long");
            continue;
        }
        let value = match key {
            "site.url" => invalid.collect(parse_site_origin(&value, key)),
            "site.color" => invalid
                .collect(parse_brand_colour(&value, key))
                .map(|c| c.map(|c| format!("#{}", c.hex())).unwrap_or_default()),
            "site.logo" | "site.banner" if !value.is_empty() => match media_id(&value) {
                Some(id) => {
                    images.push((key, id));
                    Some(id.to_string())
                }
                None => {
                    invalid.push(key, "site.error.image");
                    None
                }
            },
            _ => Some(value),
        };
        if let Some(value) = value {
            values.push((key, value));
        }
    }
    invalid.into_result()?;
    Ok((values, images))
}

/// Logo and banner must be images of this site's media library.
async fn check_images(
    conn: &mut dangjian_store::Conn,
    site: SiteId,
    images: &[(&'static str, MediaId)],
) -> Result<()> {
    let mut invalid = Invalid::default();
    for (key, id) in images {
        let usable = match stored_media::get(conn, *id).await {
            Ok(media) => media.site_id == site && media.kind == MediaKind::Image.code(),
            Err(StoreError::NotFound) => false,
            Err(other) => return Err(other.into()),
        };
        if !usable {
            invalid.push(key, "site.error.image");
        }
    }
    Ok(invalid.into_result()?)
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
        let (values, images) = parse_profile(submitted)?;
        let now = self.now_ms();
        let mut tx = self.store().write().await?;
        check_images(&mut tx, site, &images).await?;
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
        let (values, images) = parse_profile(&BTreeMap::new()).unwrap();
        assert_eq!(values.len(), PROFILE_KEYS.len() + APPEARANCE_KEYS.len());
        assert!(images.is_empty());
    }

    #[test]
    fn appearance_values_are_checked_and_normalised() {
        let submitted = BTreeMap::from([
            ("site.color".to_owned(), "C8161D".to_owned()),
            ("site.logo".to_owned(), "12".to_owned()),
            ("site.url".to_owned(), "https://Dj.Example.cn/".to_owned()),
        ]);
        let (values, images) = parse_profile(&submitted).unwrap();
        let value = |k: &str| values.iter().find(|(key, _)| *key == k).unwrap().1.clone();
        assert_eq!(value("site.color"), "#c8161d");
        assert_eq!(value("site.url"), "https://dj.example.cn");
        assert_eq!(images, vec![("site.logo", MediaId(12))]);
        for (key, bad) in [
            ("site.color", "#ffff00"),
            ("site.banner", "x"),
            ("site.url", "dj.cn"),
        ] {
            let submitted = BTreeMap::from([(key.to_owned(), bad.to_owned())]);
            assert!(parse_profile(&submitted).is_err(), "{key}={bad}");
        }
    }
}
