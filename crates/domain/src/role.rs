//! Roles, the scopes they are granted in, the permissions they carry, and the
//! 三员分立 rule (separation of the system, security and audit administrators).

use serde::{Deserialize, Serialize};

use crate::ids::{SectionId, SiteId, UnitId, UserId};

/// A role a person holds within a scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 信息员: writes and submits articles for the section's columns.
    InfoOfficer,
    /// 科室负责人: first review.
    SectionHead,
    /// 分管部长: final approval.
    DeputyMinister,
    /// 部长.
    Minister,
    /// 站点编辑: columns, homepage, special topics.
    SiteEditor,
    /// 系统管理员: accounts, organisation and settings.
    SystemAdmin,
    /// 安全管理员: roles and permissions.
    SecurityAdmin,
    /// 审计管理员: reads and exports the audit trail.
    AuditAdmin,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::InfoOfficer,
        Role::SectionHead,
        Role::DeputyMinister,
        Role::Minister,
        Role::SiteEditor,
        Role::SystemAdmin,
        Role::SecurityAdmin,
        Role::AuditAdmin,
    ];

    /// The three separated administrator roles (三员).
    pub const TRIPARTITE: [Role; 3] = [Role::SystemAdmin, Role::SecurityAdmin, Role::AuditAdmin];

    /// Stable code stored in the database and used in URLs and the API.
    pub fn code(self) -> &'static str {
        match self {
            Role::InfoOfficer => "info_officer",
            Role::SectionHead => "section_head",
            Role::DeputyMinister => "deputy_minister",
            Role::Minister => "minister",
            Role::SiteEditor => "site_editor",
            Role::SystemAdmin => "system_admin",
            Role::SecurityAdmin => "security_admin",
            Role::AuditAdmin => "audit_admin",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Message-catalog key of the role's display name.
    pub fn label_key(self) -> String {
        format!("role.{}", self.code())
    }

    pub fn is_tripartite(self) -> bool {
        Role::TRIPARTITE.contains(&self)
    }

    /// Roles whose holders must use a second factor (TOTP).
    pub fn requires_second_factor(self) -> bool {
        self.is_tripartite() || self == Role::SiteEditor
    }

    /// The scope kinds this role may be granted in.
    pub fn allowed_scopes(self) -> &'static [ScopeKind] {
        match self {
            Role::InfoOfficer => &[ScopeKind::Section, ScopeKind::Unit],
            Role::SectionHead => &[ScopeKind::Section],
            Role::DeputyMinister | Role::Minister => &[ScopeKind::Unit],
            Role::SiteEditor | Role::SystemAdmin | Role::SecurityAdmin | Role::AuditAdmin => {
                &[ScopeKind::Site]
            }
        }
    }

    /// What holding this role allows.
    pub fn permissions(self) -> &'static [Permission] {
        use Permission::*;
        match self {
            Role::InfoOfficer => &[WriteArticles],
            Role::SectionHead => &[WriteArticles, ReviewArticles],
            Role::DeputyMinister | Role::Minister => &[ReviewArticles, ApproveArticles],
            Role::SiteEditor => &[WriteArticles, ManageSite],
            Role::SystemAdmin => &[ManageAccounts, ManageOrganisation, ManageSettings],
            Role::SecurityAdmin => &[GrantRoles, ViewAccounts],
            Role::AuditAdmin => &[ReadAudit, ExportAudit],
        }
    }
}

/// Something a person may do. Use cases check permissions, never roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    WriteArticles,
    ReviewArticles,
    ApproveArticles,
    ManageSite,
    ManageAccounts,
    /// Read the list of accounts (the security admin needs it to grant roles).
    ViewAccounts,
    ManageOrganisation,
    ManageSettings,
    GrantRoles,
    ReadAudit,
    ExportAudit,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeKind {
    Site,
    Unit,
    Section,
}

impl ScopeKind {
    pub fn code(self) -> &'static str {
        match self {
            ScopeKind::Site => "site",
            ScopeKind::Unit => "unit",
            ScopeKind::Section => "section",
        }
    }

    pub fn from_code(code: &str) -> Option<ScopeKind> {
        [ScopeKind::Site, ScopeKind::Unit, ScopeKind::Section]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// Where a role applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Scope {
    Site(SiteId),
    Unit(UnitId),
    Section(SectionId),
}

impl Scope {
    pub fn kind(self) -> ScopeKind {
        match self {
            Scope::Site(_) => ScopeKind::Site,
            Scope::Unit(_) => ScopeKind::Unit,
            Scope::Section(_) => ScopeKind::Section,
        }
    }

    pub fn id(self) -> i64 {
        match self {
            Scope::Site(id) => id.0,
            Scope::Unit(id) => id.0,
            Scope::Section(id) => id.0,
        }
    }

    pub fn from_parts(kind: ScopeKind, id: i64) -> Scope {
        match kind {
            ScopeKind::Site => Scope::Site(SiteId(id)),
            ScopeKind::Unit => Scope::Unit(UnitId(id)),
            ScopeKind::Section => Scope::Section(SectionId(id)),
        }
    }
}

/// One role held within one scope.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct RoleInScope {
    pub role: Role,
    pub scope: Scope,
}

/// Why a grant or revocation is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GrantRefusal {
    #[error("only a security administrator may grant or revoke roles")]
    NotSecurityAdmin,
    #[error("nobody may grant or revoke their own roles")]
    OwnAccount,
    #[error("an account may not hold two of the system, security and audit administrator roles")]
    TripartiteConflict,
    #[error("this role cannot be granted in this kind of scope")]
    ScopeNotAllowed,
    #[error("the account already holds this role in this scope")]
    AlreadyHeld,
}

impl GrantRefusal {
    /// Message-catalog key for the refusal.
    pub fn code(self) -> &'static str {
        match self {
            GrantRefusal::NotSecurityAdmin => "error.grant.not_security_admin",
            GrantRefusal::OwnAccount => "error.grant.own_account",
            GrantRefusal::TripartiteConflict => "error.grant.tripartite_conflict",
            GrantRefusal::ScopeNotAllowed => "error.grant.scope_not_allowed",
            GrantRefusal::AlreadyHeld => "error.grant.already_held",
        }
    }
}

/// Decides whether `granter` may give `grantee` the role `new` in `scope`.
///
/// This is the single place where 三员分立 is enforced: only the security
/// admin grants, never to their own account, and no account ends up holding
/// two of the three administrator roles.
pub fn check_grant(
    granter: UserId,
    granter_roles: &[RoleInScope],
    grantee: UserId,
    grantee_roles: &[RoleInScope],
    new: RoleInScope,
) -> Result<(), GrantRefusal> {
    check_granter(granter, granter_roles, grantee)?;
    if !new.role.allowed_scopes().contains(&new.scope.kind()) {
        return Err(GrantRefusal::ScopeNotAllowed);
    }
    if grantee_roles.contains(&new) {
        return Err(GrantRefusal::AlreadyHeld);
    }
    let conflicting = new.role.is_tripartite()
        && grantee_roles
            .iter()
            .any(|held| held.role.is_tripartite() && held.role != new.role);
    if conflicting {
        return Err(GrantRefusal::TripartiteConflict);
    }
    Ok(())
}

/// Decides whether `granter` may revoke a role from `grantee`.
pub fn check_revoke(
    granter: UserId,
    granter_roles: &[RoleInScope],
    grantee: UserId,
) -> Result<(), GrantRefusal> {
    check_granter(granter, granter_roles, grantee)
}

fn check_granter(
    granter: UserId,
    granter_roles: &[RoleInScope],
    grantee: UserId,
) -> Result<(), GrantRefusal> {
    if !granter_roles.iter().any(|r| r.role == Role::SecurityAdmin) {
        return Err(GrantRefusal::NotSecurityAdmin);
    }
    if granter == grantee {
        return Err(GrantRefusal::OwnAccount);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site_role(role: Role) -> RoleInScope {
        RoleInScope {
            role,
            scope: Scope::Site(SiteId(1)),
        }
    }

    #[test]
    fn only_the_security_admin_grants() {
        let sys = [site_role(Role::SystemAdmin)];
        let refused = check_grant(UserId(1), &sys, UserId(2), &[], site_role(Role::SiteEditor));
        assert_eq!(refused, Err(GrantRefusal::NotSecurityAdmin));
    }

    #[test]
    fn nobody_grants_to_themselves() {
        let sec = [site_role(Role::SecurityAdmin)];
        let refused = check_grant(
            UserId(1),
            &sec,
            UserId(1),
            &sec,
            site_role(Role::SiteEditor),
        );
        assert_eq!(refused, Err(GrantRefusal::OwnAccount));
        assert_eq!(
            check_revoke(UserId(1), &sec, UserId(1)),
            Err(GrantRefusal::OwnAccount)
        );
    }

    #[test]
    fn no_account_holds_two_of_the_three() {
        let sec = [site_role(Role::SecurityAdmin)];
        let audit = [site_role(Role::AuditAdmin)];
        let refused = check_grant(
            UserId(1),
            &sec,
            UserId(2),
            &audit,
            site_role(Role::SystemAdmin),
        );
        assert_eq!(refused, Err(GrantRefusal::TripartiteConflict));
        let ok = check_grant(
            UserId(1),
            &sec,
            UserId(2),
            &audit,
            site_role(Role::InfoOfficer),
        );
        assert_eq!(ok, Err(GrantRefusal::ScopeNotAllowed));
    }

    #[test]
    fn roles_fit_their_scopes() {
        let sec = [site_role(Role::SecurityAdmin)];
        let head = RoleInScope {
            role: Role::SectionHead,
            scope: Scope::Section(SectionId(3)),
        };
        assert_eq!(check_grant(UserId(1), &sec, UserId(2), &[], head), Ok(()));
        assert_eq!(
            check_grant(UserId(1), &sec, UserId(2), &[head], head),
            Err(GrantRefusal::AlreadyHeld)
        );
    }

    #[test]
    fn role_codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
        }
        assert_eq!(Role::from_code("root"), None);
    }
}
