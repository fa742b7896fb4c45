//! Who is acting: a logged-in person with their roles, and where from.

use dangjian_domain::ids::UserId;
use dangjian_domain::role::{Permission, Role, RoleInScope};

/// The client a request came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    pub addr: String,
    pub user_agent: String,
}

impl Client {
    pub fn new(addr: impl Into<String>, user_agent: impl Into<String>) -> Self {
        Self {
            addr: addr.into(),
            user_agent: user_agent.into(),
        }
    }

    /// The server console, for commands run with `dangjian …`.
    pub fn console() -> Self {
        Self::new("console", "dangjian-cli")
    }
}

/// A logged-in person.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub roles: Vec<RoleInScope>,
    pub client: Client,
}

impl Actor {
    pub fn can(&self, permission: Permission) -> bool {
        self.roles
            .iter()
            .any(|r| r.role.permissions().contains(&permission))
    }

    pub fn holds(&self, role: Role) -> bool {
        self.roles.iter().any(|r| r.role == role)
    }

    /// Role codes, comma-separated, as the audit trail records them.
    pub fn role_codes(&self) -> String {
        role_codes(&self.roles)
    }
}

pub(crate) fn role_codes(roles: &[RoleInScope]) -> String {
    let mut codes: Vec<&str> = roles.iter().map(|r| r.role.code()).collect();
    codes.sort_unstable();
    codes.dedup();
    codes.join(",")
}
