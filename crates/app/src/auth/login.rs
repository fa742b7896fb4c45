use dangjian_domain::audit::Outcome;
use dangjian_store::{grants, logins, sessions, users};

use super::{Stage, random_token, stage_after_second_factor, token_hash};
use crate::actor::Client;
use crate::audit::{Event, Subject};
use crate::{App, Result, passwords};

/// A session opened by a correct password; `token` goes into the cookie.
#[derive(Debug, Clone)]
pub struct SessionStart {
    pub token: String,
    pub stage: Stage,
}

/// Why a login was refused. The message never says whether the account
/// exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoginRefusal {
    BadCredentials,
    /// Too many failures for the account or from the address; try again
    /// after the window.
    Locked {
        minutes: u32,
    },
    Disabled,
}

impl LoginRefusal {
    pub fn code(self) -> &'static str {
        match self {
            LoginRefusal::BadCredentials => "error.login.bad_credentials",
            LoginRefusal::Locked { .. } => "error.login.locked",
            LoginRefusal::Disabled => "error.login.disabled",
        }
    }
}

const MAX_USERNAME: usize = 64;
const MAX_PASSWORD: usize = 256;

impl App {
    /// Checks a username and password; on success opens a new session (a new
    /// token every time: the session id is rotated at login).
    pub async fn login(
        &self,
        username: &str,
        password: &str,
        client: &Client,
    ) -> Result<Result<SessionStart, LoginRefusal>> {
        let name: String = username
            .trim()
            .to_lowercase()
            .chars()
            .take(MAX_USERNAME)
            .collect();
        let policy = self.security_policy().await?;
        let now = self.now_ms();
        let since = now - i64::from(policy.lockout_window_minutes) * 60_000;
        let mut conn = self.store().read().await?;
        let account_failures = logins::failures_for_account(&mut conn, &name, since).await?;
        let address_failures = logins::failures_for_address(&mut conn, &client.addr, since).await?;
        let credentials = users::credentials(&mut conn, &name).await?;
        drop(conn);

        let subject = Subject {
            id: credentials.as_ref().map(|c| c.id.0),
            name: &name,
            roles: String::new(),
            client,
        };
        let locked = account_failures >= i64::from(policy.lockout_account_failures)
            || address_failures >= i64::from(policy.lockout_address_failures);
        let refusal_locked = LoginRefusal::Locked {
            minutes: policy.lockout_window_minutes,
        };
        if locked {
            let event = failed_login("locked");
            self.audit_alone(subject, event).await?;
            return Ok(Err(refusal_locked));
        }

        let stored = credentials
            .as_ref()
            .map_or(passwords::DUMMY_HASH.to_owned(), |c| {
                c.password_hash.clone()
            });
        let password: String = password.chars().take(MAX_PASSWORD).collect();
        let matches = passwords::verify(password, stored).await? && credentials.is_some();
        let Some(credentials) = credentials.filter(|_| matches) else {
            let mut tx = self.store().write().await?;
            logins::record_failure(&mut tx, &name, &client.addr, now).await?;
            let reason = if subject.id.is_some() {
                "wrong password"
            } else {
                "unknown account"
            };
            let subject_id = subject.id;
            self.audit(&mut tx, subject, failed_login(reason)).await?;
            let account_locked = account_failures + 1 >= i64::from(policy.lockout_account_failures);
            let address_locked = address_failures + 1 >= i64::from(policy.lockout_address_failures);
            for (reached, object) in [
                (account_locked, format!("account:{name}")),
                (address_locked, format!("address:{}", client.addr)),
            ] {
                if reached {
                    let who = Subject {
                        id: subject_id,
                        name: &name,
                        roles: String::new(),
                        client,
                    };
                    let event = Event::success("auth.lockout", object)
                        .with_detail(format!("{} minutes", policy.lockout_window_minutes));
                    self.audit(&mut tx, who, event).await?;
                }
            }
            tx.commit().await?;
            let refusal = if account_locked || address_locked {
                refusal_locked
            } else {
                LoginRefusal::BadCredentials
            };
            return Ok(Err(refusal));
        };

        if credentials.disabled {
            self.audit_alone(subject, failed_login("account disabled"))
                .await?;
            return Ok(Err(LoginRefusal::Disabled));
        }

        let mut tx = self.store().write().await?;
        let roles = grants::roles_of(&mut tx, credentials.id).await?;
        let stage = if credentials.totp_enabled {
            Stage::Totp
        } else {
            stage_after_second_factor(&credentials, &roles, &policy, now)
        };
        let token = random_token(32);
        let csrf = random_token(32);
        let user_agent: String = client.user_agent.chars().take(300).collect();
        let session = sessions::NewSession {
            token_hash: &token_hash(&token),
            user: credentials.id,
            stage: stage.code(),
            csrf_token: &csrf,
            client_addr: &client.addr,
            user_agent: &user_agent,
        };
        sessions::insert(&mut tx, &session, now).await?;
        logins::clear_account(&mut tx, &name).await?;
        users::record_login(&mut tx, credentials.id, now).await?;
        let who = Subject {
            roles: crate::actor::role_codes(&roles),
            ..subject
        };
        let event = Event::success("auth.login", format!("user:{}", credentials.id))
            .with_detail(format!("next: {}", stage.code()));
        self.audit(&mut tx, who, event).await?;
        tx.commit().await?;
        Ok(Ok(SessionStart { token, stage }))
    }
}

fn failed_login(reason: &str) -> Event<'static> {
    Event::success("auth.login", "session")
        .with_outcome(Outcome::Failure)
        .with_detail(reason)
}
