//! Granting and revoking roles: the security administrator's work, under the
//! 三员分立 rule of `domain::role`.

use dangjian_domain::Invalid;
use dangjian_domain::audit::Outcome;
use dangjian_domain::ids::{GrantId, SectionId, SiteId, UnitId, UserId};
use dangjian_domain::role::{self, Permission, Role, RoleInScope, Scope, ScopeKind};
use dangjian_store::grants::{self, Grant};
use dangjian_store::{Conn, StoreError, org, users};

use crate::actor::Actor;
use crate::audit::Event;
use crate::{App, AppError, Result};

/// A grant as submitted: role code, scope kind code and scope id as text.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct GrantForm {
    pub role: String,
    pub scope_kind: String,
    pub scope_id: String,
}

impl GrantForm {
    fn parse(&self) -> Result<RoleInScope, Invalid> {
        let mut invalid = Invalid::default();
        let role = Role::from_code(self.role.trim());
        if role.is_none() {
            invalid.push("role", "error.role.unknown");
        }
        let kind = ScopeKind::from_code(self.scope_kind.trim());
        let id = self
            .scope_id
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|id| *id > 0);
        if kind.is_none() || id.is_none() {
            invalid.push("scope", "error.scope.required");
        }
        match (role, kind, id) {
            (Some(role), Some(kind), Some(id)) => Ok(RoleInScope {
                role,
                scope: Scope::from_parts(kind, id),
            }),
            _ => Err(invalid),
        }
    }
}

async fn scope_exists(conn: &mut Conn, scope: Scope) -> Result<bool> {
    let found = match scope {
        Scope::Site(SiteId(id)) => org::sites(conn)
            .await
            .map(|s| s.iter().any(|s| s.id.0 == id)),
        Scope::Unit(id) => org::unit(conn, UnitId(id.0)).await.map(|_| true),
        Scope::Section(id) => org::section(conn, SectionId(id.0)).await.map(|_| true),
    };
    match found {
        Ok(found) => Ok(found),
        Err(StoreError::NotFound) => Ok(false),
        Err(other) => Err(other.into()),
    }
}

impl App {
    /// All grants, for the security administrator.
    pub async fn grants(&self, actor: &Actor) -> Result<Vec<Grant>> {
        self.require(actor, Permission::GrantRoles, "grant.list", "grant")
            .await?;
        let mut conn = self.store().read().await?;
        Ok(grants::list(&mut conn, None).await?)
    }

    /// Grants a role; refusals under 三员分立 are recorded and returned.
    pub async fn grant_role(
        &self,
        actor: &Actor,
        user: UserId,
        form: &GrantForm,
    ) -> Result<GrantId> {
        let object = format!("user:{user}");
        self.require(actor, Permission::GrantRoles, "grant.add", object.clone())
            .await?;
        let wanted = form.parse()?;
        let mut tx = self.store().write().await?;
        users::by_id(&mut tx, user).await?;
        if !scope_exists(&mut tx, wanted.scope).await? {
            return Err(Invalid::one("scope", "error.scope.required").into());
        }
        let held = grants::roles_of(&mut tx, user).await?;
        let detail = format!(
            "{} in {}:{}",
            wanted.role.code(),
            wanted.scope.kind().code(),
            wanted.scope.id()
        );
        if let Err(refusal) = role::check_grant(actor.user_id, &actor.roles, user, &held, wanted) {
            drop(tx);
            let event = Event::success("grant.add", object)
                .with_outcome(Outcome::Denied)
                .with_detail(format!("{detail}: {refusal}"));
            self.audit_alone(actor.into(), event).await?;
            return Err(AppError::Forbidden(refusal.code()));
        }
        let id = grants::insert(&mut tx, user, wanted, Some(actor.user_id), self.now_ms()).await?;
        self.audit(
            &mut tx,
            actor.into(),
            Event::success("grant.add", object).with_detail(detail),
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Revokes a grant; the holder's sessions see the change at their next
    /// request.
    pub async fn revoke_role(&self, actor: &Actor, id: GrantId) -> Result<()> {
        self.require(
            actor,
            Permission::GrantRoles,
            "grant.revoke",
            format!("grant:{id}"),
        )
        .await?;
        let mut tx = self.store().write().await?;
        let grant = grants::by_id(&mut tx, id).await?;
        let object = format!("user:{}", grant.user_id);
        let detail = format!(
            "{} in {}:{}",
            grant.role.code(),
            grant.scope.kind().code(),
            grant.scope.id()
        );
        if let Err(refusal) = role::check_revoke(actor.user_id, &actor.roles, grant.user_id) {
            drop(tx);
            let event = Event::success("grant.revoke", object)
                .with_outcome(Outcome::Denied)
                .with_detail(format!("{detail}: {refusal}"));
            self.audit_alone(actor.into(), event).await?;
            return Err(AppError::Forbidden(refusal.code()));
        }
        grants::delete(&mut tx, id).await?;
        self.audit(
            &mut tx,
            actor.into(),
            Event::success("grant.revoke", object).with_detail(detail),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
