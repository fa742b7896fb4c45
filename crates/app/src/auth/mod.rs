//! Logging in and staying logged in: password, lockout, second factor,
//! forced password change, sessions with idle timeout.
//!
//! A login moves through stages. The password opens a session at the first
//! stage that still needs doing; only an `Active` session reaches the office.

mod console;
mod login;
mod password;
mod second_factor;
mod session;

pub use login::{LoginRefusal, SessionStart};
pub use second_factor::{TotpEnrolment, totp_code_at};
pub(crate) use session::console_subject;
pub use session::{SessionCheck, SessionInfo};

use dangjian_domain::role::RoleInScope;
use dangjian_domain::security::SecurityPolicy;
use dangjian_store::users::Credentials;

/// Where a login stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// The password was right; the TOTP code is still to come.
    Totp,
    /// The password is a one-time one, or expired: a new one must be chosen.
    PasswordChange,
    /// The person's role requires a second factor they have not enrolled.
    TotpEnrol,
    /// Fully logged in.
    Active,
}

impl Stage {
    pub fn code(self) -> &'static str {
        match self {
            Stage::Totp => "totp",
            Stage::PasswordChange => "password_change",
            Stage::TotpEnrol => "totp_enrol",
            Stage::Active => "active",
        }
    }

    pub fn from_code(code: &str) -> Option<Stage> {
        [
            Stage::Totp,
            Stage::PasswordChange,
            Stage::TotpEnrol,
            Stage::Active,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }
}

/// The stage after the password (and the TOTP code, if enrolled) were right.
fn stage_after_second_factor(
    credentials: &Credentials,
    roles: &[RoleInScope],
    policy: &SecurityPolicy,
    now: i64,
) -> Stage {
    let expiry_ms = i64::from(policy.password_expiry_days) * 86_400_000;
    let expired =
        policy.password_expiry_days > 0 && credentials.password_changed_at + expiry_ms <= now;
    if credentials.must_change_password || expired {
        Stage::PasswordChange
    } else {
        stage_after_password_change(credentials.totp_enabled, roles)
    }
}

fn stage_after_password_change(totp_enabled: bool, roles: &[RoleInScope]) -> Stage {
    let second_factor_required = roles.iter().any(|r| r.role.requires_second_factor());
    if second_factor_required && !totp_enabled {
        Stage::TotpEnrol
    } else {
        Stage::Active
    }
}

/// Random URL-safe text of `bytes` random bytes.
pub(crate) fn random_token(bytes: usize) -> String {
    use base64::Engine as _;
    use rand::RngCore as _;
    let mut buffer = vec![0u8; bytes];
    rand::rng().fill_bytes(&mut buffer);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(buffer)
}

/// What the database keeps of a session token.
pub(crate) fn token_hash(token: &str) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}
