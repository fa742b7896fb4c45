//! What every office page template receives: language, the person, the
//! navigation they may use, the anti-forgery token and a notice.

use dangjian_app::auth::SessionInfo;
use dangjian_app::domain::FieldError;
use dangjian_app::domain::role::Permission;

use crate::assets;
use crate::i18n::Locale;

/// Navigation entries the person may use.
#[derive(Debug, Clone, Default)]
pub struct Nav {
    pub org: bool,
    pub users: bool,
    pub grants: bool,
    pub audit: bool,
    pub settings: bool,
    /// The media library (editors and information officers).
    pub media: bool,
    /// The column tree (site editors).
    pub columns: bool,
    /// Articles (editors and information officers).
    pub articles: bool,
    /// Visit statistics (site editors).
    pub stats: bool,
    /// Review workflows (site editors).
    pub workflows: bool,
    /// The to-do queue (writers and reviewers).
    pub tasks: bool,
    /// The upload ranking (editors and reviewers).
    pub ranking: bool,
    /// Search over the site's items (whoever sees the office's articles).
    pub search: bool,
    /// 解疑释惑 (editors, and the sections that answer).
    pub qa: bool,
    /// The mailbox inbox: officers, and whoever writes or reviews for a
    /// section or unit (a unit's reviewers approve replies).
    pub mailbox: bool,
}

#[derive(Debug, Clone)]
pub struct Page {
    pub locale: Locale,
    pub title: String,
    /// Display name of the person logged in (fully or part-way).
    pub person: Option<String>,
    pub active: bool,
    pub csrf: String,
    pub nav: Nav,
    /// A notice after a successful action (message key suffix).
    pub notice: Option<String>,
    pub css: &'static str,
    /// Items in the person's to-do queue, and unread notifications.
    pub tasks: usize,
    pub unread: i64,
}

impl Page {
    /// A page for someone not logged in.
    pub fn anonymous(locale: Locale, title_key: &str, csrf: &str) -> Self {
        Self {
            locale,
            title: locale.t(title_key),
            person: None,
            active: false,
            csrf: csrf.to_owned(),
            nav: Nav::default(),
            notice: None,
            css: assets::office_css_path(),
            tasks: 0,
            unread: 0,
        }
    }

    /// A page for a session (at any stage).
    pub fn for_session(locale: Locale, title_key: &str, session: &SessionInfo) -> Self {
        let actor = &session.actor;
        let active = session.stage == dangjian_app::auth::Stage::Active;
        let nav = if active {
            Nav {
                org: actor.can(Permission::ManageOrganisation),
                users: actor.can(Permission::ManageAccounts) || actor.can(Permission::ViewAccounts),
                grants: actor.can(Permission::GrantRoles),
                audit: actor.can(Permission::ReadAudit),
                settings: actor.can(Permission::ManageSettings),
                media: actor.can(Permission::WriteArticles) || actor.can(Permission::ManageSite),
                columns: actor.can(Permission::ManageSite),
                articles: actor.can(Permission::WriteArticles) || actor.can(Permission::ManageSite),
                stats: actor.can(Permission::ManageSite),
                workflows: actor.can(Permission::ManageSite),
                ranking: actor.can(Permission::ManageSite) || actor.can(Permission::ReviewArticles),
                search: actor.can(Permission::ManageSite)
                    || actor.can(Permission::ReviewArticles)
                    || actor.can(Permission::WriteArticles),
                qa: actor.can(Permission::ManageSite)
                    || !dangjian_app::qa::answering_sections(actor).is_empty(),
                mailbox: actor.can(Permission::ManageSite)
                    || actor.can(Permission::WriteArticles)
                    || actor.can(Permission::ReviewArticles),
                tasks: actor.can(Permission::WriteArticles)
                    || actor.can(Permission::ReviewArticles)
                    || actor.can(Permission::ManageSite),
            }
        } else {
            Nav::default()
        };
        Self {
            locale,
            title: locale.t(title_key),
            person: Some(format!("{}（{}）", actor.display_name, actor.username)),
            active,
            csrf: session.csrf_token.clone(),
            nav,
            notice: None,
            css: assets::office_css_path(),
            tasks: session.review.tasks,
            unread: session.review.unread,
        }
    }

    /// Adds the notice named by a `?ok=` query value, if it is a known one.
    pub fn with_notice(mut self, ok: Option<&str>) -> Self {
        self.notice = ok
            .filter(|k| !k.is_empty() && k.chars().all(|c| c.is_ascii_lowercase() || c == '_'))
            .map(|k| self.locale.t(&format!("notice.{k}")));
        self
    }

    pub fn t(&self, key: &str) -> String {
        self.locale.t(key)
    }

    pub fn lang(&self) -> &'static str {
        self.locale.code()
    }

    /// Local time of a Unix millisecond.
    pub fn time(&self, ms: &i64) -> String {
        dangjian_app::domain::clock::format_local(*ms)
    }

    pub fn time_opt(&self, ms: &Option<i64>) -> String {
        ms.map(dangjian_app::domain::clock::format_local)
            .unwrap_or_else(|| "—".into())
    }
}

/// Field errors of a submitted form, translated for display beside fields.
#[derive(Debug, Clone, Default)]
pub struct FormErrors {
    locale: Locale,
    errors: Vec<FieldError>,
    /// A message for the whole form (not tied to a field).
    pub general: Option<String>,
}

impl FormErrors {
    pub fn new(locale: Locale, errors: Vec<FieldError>) -> Self {
        Self {
            locale,
            errors,
            general: None,
        }
    }

    pub fn general(locale: Locale, code: &str) -> Self {
        Self {
            locale,
            errors: Vec::new(),
            general: Some(locale.t(code)),
        }
    }

    pub fn any(&self) -> bool {
        !self.errors.is_empty() || self.general.is_some()
    }

    /// The translated message for `field`, or empty.
    pub fn of(&self, field: &str) -> String {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| self.locale.t(&e.code))
            .unwrap_or_default()
    }

    pub fn has(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }
}
