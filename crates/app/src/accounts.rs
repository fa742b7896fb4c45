//! Accounts, managed by the system administrator: 谁注册、谁使用、谁负责 —
//! each is one named person, created by a named administrator.

use dangjian_domain::Invalid;
use dangjian_domain::account::{
    AccountInput, NewAccount, parse_email, parse_person_name, parse_phone,
};
use dangjian_domain::ids::{SectionId, UnitId, UserId};
use dangjian_domain::role::Permission;
use dangjian_store::grants::{self, Grant};
use dangjian_store::users::{self, NewUser, User};
use dangjian_store::{Conn, StoreError, logins, org, sessions};

use crate::actor::Actor;
use crate::audit::Event;
use crate::{App, AppError, Result, passwords};

/// An account as submitted by a form or the API; ids come as text.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct AccountForm {
    #[serde(default)]
    pub username: String,
    pub display_name: String,
    pub phone: String,
    pub unit_id: String,
    #[serde(default)]
    pub section_id: String,
    /// Where notifications are also e-mailed: empty for none; absent
    /// (`None`, an API client that does not know the field) leaves the
    /// address as it is.
    #[serde(default)]
    pub email: Option<String>,
}

/// A new account and its one-time password, shown once.
#[derive(Debug, Clone)]
pub struct CreatedAccount {
    pub id: UserId,
    pub one_time_password: String,
}

/// An account with the roles it holds.
#[derive(Debug, Clone)]
pub struct AccountDetail {
    pub user: User,
    pub grants: Vec<Grant>,
}

fn parse_id(text: &str) -> Option<i64> {
    text.trim().parse::<i64>().ok().filter(|id| *id > 0)
}

impl AccountForm {
    fn unit(&self) -> Option<UnitId> {
        parse_id(&self.unit_id).map(UnitId)
    }

    fn section(&self) -> Option<SectionId> {
        parse_id(&self.section_id).map(SectionId)
    }
}

/// The section, if any, must belong to the unit.
async fn check_section(conn: &mut Conn, unit: UnitId, section: Option<SectionId>) -> Result<()> {
    if !unit_exists(conn, unit).await? {
        return Err(Invalid::one("unit_id", "error.unit.required").into());
    }
    if let Some(section) = section {
        let found = match org::section(conn, section).await {
            Ok(found) => found,
            Err(StoreError::NotFound) => {
                return Err(Invalid::one("section_id", "error.section.not_in_unit").into());
            }
            Err(other) => return Err(other.into()),
        };
        if found.unit_id != unit {
            return Err(Invalid::one("section_id", "error.section.not_in_unit").into());
        }
    }
    Ok(())
}

/// An account's profile as the administrator's form changes it.
struct Profile {
    name: String,
    phone: String,
    /// `None`: the form did not say (the address stays as it is).
    email: Option<Option<String>>,
    unit: UnitId,
    section: Option<SectionId>,
}

impl Profile {
    fn parse(form: &AccountForm) -> Result<Profile> {
        let mut invalid = Invalid::default();
        let name = invalid.collect(parse_person_name(&form.display_name));
        let phone = invalid.collect(parse_phone(&form.phone));
        let email = invalid.collect(form.email.as_deref().map(parse_email).transpose());
        if form.unit().is_none() {
            invalid.push("unit_id", "error.unit.required");
        }
        match (name, phone, email, form.unit()) {
            (Some(name), Some(phone), Some(email), Some(unit)) => Ok(Profile {
                name,
                phone,
                email,
                unit,
                section: form.section(),
            }),
            _ => Err(invalid.into()),
        }
    }

    /// The audit detail of changing `before` into this profile.
    fn change_from(&self, before: &User) -> String {
        let email = match &self.email {
            Some(email) => email.as_deref(),
            None => before.email.as_deref(),
        };
        format!(
            "name {} -> {}; phone {} -> {}; email {} -> {}; unit {} -> {}; section {:?} -> {:?}",
            before.display_name,
            self.name,
            before.phone,
            self.phone,
            shown_email(before.email.as_deref()),
            shown_email(email),
            before.unit_id,
            self.unit,
            before.section_id.map(|s| s.0),
            self.section.map(|s| s.0)
        )
    }
}

/// An address as the audit trail shows it (`-` for none).
fn shown_email(email: Option<&str>) -> &str {
    email.unwrap_or("-")
}

async fn unit_exists(conn: &mut Conn, unit: UnitId) -> Result<bool> {
    match org::unit(conn, unit).await {
        Ok(_) => Ok(true),
        Err(StoreError::NotFound) => Ok(false),
        Err(other) => Err(other.into()),
    }
}

impl App {
    /// Creates an account with a one-time password the person must change at
    /// first login.
    pub async fn create_account(
        &self,
        actor: &Actor,
        form: &AccountForm,
    ) -> Result<CreatedAccount> {
        self.require(actor, Permission::ManageAccounts, "user.create", "user")
            .await?;
        let input = AccountInput {
            username: &form.username,
            display_name: &form.display_name,
            phone: &form.phone,
            email: form.email.as_deref().unwrap_or_default(),
        };
        let account = NewAccount::parse(input, form.unit(), form.section())?;
        let created = self.insert_account(&account, Some(actor)).await?;
        Ok(created)
    }

    /// Inserts an account; `by` is `None` only for the accounts `init`
    /// creates from the console.
    pub(crate) async fn insert_account(
        &self,
        account: &NewAccount,
        by: Option<&Actor>,
    ) -> Result<CreatedAccount> {
        let one_time_password = passwords::one_time();
        let hash = passwords::hash(one_time_password.clone()).await?;
        let mut tx = self.store().write().await?;
        check_section(&mut tx, account.unit, account.section).await?;
        let new = NewUser {
            username: account.username.as_str(),
            display_name: &account.display_name,
            phone: &account.phone,
            unit: account.unit,
            section: account.section,
            email: account.email.as_deref(),
            password_hash: &hash,
            created_by: by.map(|a| a.user_id),
        };
        let id = match users::insert(&mut tx, &new, self.now_ms()).await {
            Ok(id) => id,
            Err(StoreError::Conflict(_)) => {
                return Err(Invalid::one("username", "error.username.taken").into());
            }
            Err(other) => return Err(other.into()),
        };
        let event = Event::success("user.create", format!("user:{id}")).with_detail(format!(
            "{} {}",
            account.username.as_str(),
            account.display_name
        ));
        let console = crate::actor::Client::console();
        let subject = match by {
            Some(actor) => actor.into(),
            None => crate::auth::console_subject(&console),
        };
        self.audit(&mut tx, subject, event).await?;
        tx.commit().await?;
        Ok(CreatedAccount {
            id,
            one_time_password,
        })
    }

    /// Accounts, for the system administrator and (to grant roles) the
    /// security administrator.
    pub async fn accounts(
        &self,
        actor: &Actor,
        unit: Option<UnitId>,
        search: &str,
    ) -> Result<Vec<User>> {
        if !actor.can(Permission::ViewAccounts) {
            self.require(actor, Permission::ManageAccounts, "user.list", "user")
                .await?;
        }
        let search: String = search.trim().chars().take(50).collect();
        let mut conn = self.store().read().await?;
        Ok(users::list(&mut conn, unit, &search).await?)
    }

    pub async fn account(&self, actor: &Actor, id: UserId) -> Result<AccountDetail> {
        if !actor.can(Permission::ViewAccounts) {
            self.require(
                actor,
                Permission::ManageAccounts,
                "user.view",
                format!("user:{id}"),
            )
            .await?;
        }
        let mut conn = self.store().read().await?;
        let user = users::by_id(&mut conn, id).await?;
        let grants = grants::list(&mut conn, Some(id)).await?;
        Ok(AccountDetail { user, grants })
    }

    /// Finds an account by username (console commands).
    pub async fn account_by_username(
        &self,
        actor: &Actor,
        username: &str,
    ) -> Result<AccountDetail> {
        let mut conn = self.store().read().await?;
        let user = users::by_username(&mut conn, &username.trim().to_lowercase()).await?;
        drop(conn);
        self.account(actor, user.id).await
    }

    /// Changes name, phone, e-mail address, unit and section. The username
    /// never changes: it is how the audit trail names the person.
    pub async fn update_account(
        &self,
        actor: &Actor,
        id: UserId,
        form: &AccountForm,
    ) -> Result<()> {
        self.require(
            actor,
            Permission::ManageAccounts,
            "user.update",
            format!("user:{id}"),
        )
        .await?;
        let profile = Profile::parse(form)?;
        let mut tx = self.store().write().await?;
        check_section(&mut tx, profile.unit, profile.section).await?;
        let before = users::by_id(&mut tx, id).await?;
        let now = self.now_ms();
        users::update_profile(
            &mut tx,
            id,
            &profile.name,
            &profile.phone,
            profile.unit,
            profile.section,
            now,
        )
        .await?;
        if let Some(email) = &profile.email {
            users::set_email(&mut tx, id, email.as_deref(), now).await?;
        }
        let detail = profile.change_from(&before);
        self.audit(
            &mut tx,
            actor.into(),
            Event::success("user.update", format!("user:{id}")).with_detail(detail),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The person's own e-mail address (for their account page).
    pub async fn own_email(&self, actor: &Actor) -> Result<Option<String>> {
        let mut conn = self.store().read().await?;
        Ok(users::by_id(&mut conn, actor.user_id).await?.email)
    }

    /// Sets or clears (empty input) the person's own e-mail address, where
    /// their notifications are also sent; audited like other account
    /// changes.
    pub async fn set_own_email(&self, actor: &Actor, input: &str) -> Result<()> {
        let email = parse_email(input)?;
        let id = actor.user_id;
        let mut tx = self.store().write().await?;
        let before = users::by_id(&mut tx, id).await?;
        users::set_email(&mut tx, id, email.as_deref(), self.now_ms()).await?;
        let detail = format!(
            "email {} -> {}",
            shown_email(before.email.as_deref()),
            shown_email(email.as_deref())
        );
        self.audit(
            &mut tx,
            actor.into(),
            Event::success("user.email", format!("user:{id}")).with_detail(detail),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Disables or re-enables an account; disabling ends its sessions.
    pub async fn set_account_disabled(
        &self,
        actor: &Actor,
        id: UserId,
        disabled: bool,
    ) -> Result<()> {
        let action = if disabled {
            "user.disable"
        } else {
            "user.enable"
        };
        self.require(
            actor,
            Permission::ManageAccounts,
            action,
            format!("user:{id}"),
        )
        .await?;
        if actor.user_id == id {
            return Err(AppError::Forbidden("error.user.own_account"));
        }
        let mut tx = self.store().write().await?;
        users::set_disabled(&mut tx, id, disabled, self.now_ms()).await?;
        if disabled {
            sessions::delete_for_user(&mut tx, id).await?;
        }
        self.audit(
            &mut tx,
            actor.into(),
            Event::success(action, format!("user:{id}")),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Gives the account a new one-time password, ends its sessions and
    /// lifts a lockout.
    pub async fn reset_password(&self, actor: &Actor, id: UserId) -> Result<String> {
        self.require(
            actor,
            Permission::ManageAccounts,
            "user.reset_password",
            format!("user:{id}"),
        )
        .await?;
        if actor.user_id == id {
            return Err(AppError::Forbidden("error.user.own_account"));
        }
        let one_time_password = passwords::one_time();
        let hash = passwords::hash(one_time_password.clone()).await?;
        let mut tx = self.store().write().await?;
        let user = users::by_id(&mut tx, id).await?;
        users::set_password(&mut tx, id, &hash, true, self.now_ms()).await?;
        sessions::delete_for_user(&mut tx, id).await?;
        logins::clear_account(&mut tx, &user.username).await?;
        self.audit(
            &mut tx,
            actor.into(),
            Event::success("user.reset_password", format!("user:{id}")),
        )
        .await?;
        tx.commit().await?;
        Ok(one_time_password)
    }

    /// Clears the second factor so the person enrols a new authenticator at
    /// the next login (a lost phone).
    pub async fn reset_second_factor(&self, actor: &Actor, id: UserId) -> Result<()> {
        self.require(
            actor,
            Permission::ManageAccounts,
            "user.reset_totp",
            format!("user:{id}"),
        )
        .await?;
        if actor.user_id == id {
            return Err(AppError::Forbidden("error.user.own_account"));
        }
        let mut tx = self.store().write().await?;
        users::set_totp(&mut tx, id, None, false, self.now_ms()).await?;
        sessions::delete_for_user(&mut tx, id).await?;
        self.audit(
            &mut tx,
            actor.into(),
            Event::success("user.reset_totp", format!("user:{id}")),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Lifts a lockout of the account before the window ends.
    pub async fn unlock_account(&self, actor: &Actor, id: UserId) -> Result<()> {
        self.require(
            actor,
            Permission::ManageAccounts,
            "user.unlock",
            format!("user:{id}"),
        )
        .await?;
        let mut tx = self.store().write().await?;
        let user = users::by_id(&mut tx, id).await?;
        logins::clear_account(&mut tx, &user.username).await?;
        self.audit(
            &mut tx,
            actor.into(),
            Event::success("user.unlock", format!("user:{id}")),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
