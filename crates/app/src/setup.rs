//! `dangjian init`: the first site, the county Organization Department as the
//! first unit, and the three separated administrators with one-time
//! passwords. There is no superuser: each of the three can do only their part.

use dangjian_domain::account::{AccountInput, NewAccount};
use dangjian_domain::ids::{SiteId, UnitId};
use dangjian_domain::org::{UnitKind, parse_org_name, parse_site_code};
use dangjian_domain::role::{Role, RoleInScope, Scope};
use dangjian_store::{backup, grants, org};

use crate::actor::Client;
use crate::audit::Event;
use crate::auth::console_subject;
use crate::{App, AppError, Result};

/// What `init` is asked to create.
#[derive(Debug, Clone)]
pub struct InitRequest {
    pub site_code: String,
    pub site_name: String,
    pub unit_name: String,
    /// Contact phone recorded on the three accounts until each person
    /// enters their own.
    pub phone: String,
}

impl Default for InitRequest {
    fn default() -> Self {
        Self {
            site_code: "main".into(),
            site_name: "党建网".into(),
            unit_name: "县委组织部".into(),
            phone: "00000000000".into(),
        }
    }
}

/// One administrator account created by `init`.
#[derive(Debug, Clone)]
pub struct InitialAccount {
    pub role: Role,
    pub username: String,
    pub one_time_password: String,
}

#[derive(Debug, Clone)]
pub struct InitReport {
    pub site: SiteId,
    pub unit: UnitId,
    pub accounts: Vec<InitialAccount>,
}

const ADMINS: [(Role, &str, &str); 3] = [
    (Role::SystemAdmin, "sysadmin", "系统管理员"),
    (Role::SecurityAdmin, "secadmin", "安全管理员"),
    (Role::AuditAdmin, "auditadmin", "审计管理员"),
];

impl App {
    /// True once `init` has run.
    pub async fn is_initialised(&self) -> Result<bool> {
        let mut conn = self.store().read().await?;
        Ok(!backup::is_empty(&mut conn).await?)
    }

    /// Creates the first site, unit and the three administrators. Refused
    /// once the installation has been initialised.
    pub async fn initialise(&self, request: &InitRequest) -> Result<InitReport> {
        if self.is_initialised().await? {
            return Err(AppError::Conflict("error.init.done"));
        }
        let code = parse_site_code(&request.site_code)?;
        let unit_name = parse_org_name(&request.unit_name)?;
        let console = Client::console();
        let now = self.now_ms();
        let mut tx = self.store().write().await?;
        let site = org::insert_site(&mut tx, &code, request.site_name.trim(), now).await?;
        let unit =
            org::insert_unit(&mut tx, site, &unit_name, UnitKind::County.code(), 0, now).await?;
        let event = Event::success("system.init", format!("site:{site}"))
            .with_detail(format!("{code} {}", request.site_name.trim()));
        self.audit(&mut tx, console_subject(&console), event)
            .await?;
        self.lay_default_tree(&mut tx, site, unit, &console).await?;
        self.lay_default_workflow(&mut tx, site).await?;
        dangjian_store::qa::seed_topics(&mut tx, site).await?;
        tx.commit().await?;

        let mut accounts = Vec::new();
        for (role, username, name) in ADMINS {
            let input = AccountInput {
                username,
                display_name: name,
                phone: &request.phone,
                email: "",
            };
            let account = NewAccount::parse(input, Some(unit), None)?;
            let created = self.insert_account(&account, None).await?;
            let grant = RoleInScope {
                role,
                scope: Scope::Site(site),
            };
            let mut tx = self.store().write().await?;
            grants::insert(&mut tx, created.id, grant, None, self.now_ms()).await?;
            let event = Event::success("grant.add", format!("user:{}", created.id))
                .with_detail(format!("{} in site:{site} (init)", role.code()));
            self.audit(&mut tx, console_subject(&console), event)
                .await?;
            tx.commit().await?;
            accounts.push(InitialAccount {
                role,
                username: username.to_owned(),
                one_time_password: created.one_time_password,
            });
        }
        Ok(InitReport {
            site,
            unit,
            accounts,
        })
    }
}
