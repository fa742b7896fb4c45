use dangjian_store::{grants, users};

use super::{LoginRefusal, Stage};
use crate::actor::{Actor, Client};
use crate::{App, AppError, Result};

impl App {
    /// Authenticates a person at the server console for one command, with
    /// the same password, lockout and second-factor rules as the office login.
    /// An account that must still change its password or enrol a second
    /// factor is sent to the office login first.
    pub async fn console_login(
        &self,
        username: &str,
        password: &str,
        totp_code: Option<&str>,
    ) -> Result<Actor> {
        let client = Client::console();
        let start = match self.login(username, password, &client).await? {
            Ok(start) => start,
            Err(refusal) => return Err(AppError::Forbidden(refusal.code())),
        };
        let session = match self.authenticate(&start.token, &client).await? {
            super::SessionCheck::Valid(session) => session,
            _ => return Err(AppError::Unauthenticated),
        };
        let stage = match start.stage {
            Stage::Totp => {
                let code = totp_code.ok_or(AppError::Forbidden("error.totp.required"))?;
                self.verify_totp(&session, code).await?
            }
            other => other,
        };
        let actor = session.actor.clone();
        self.logout(&session).await?;
        match stage {
            Stage::Active => {}
            Stage::PasswordChange | Stage::TotpEnrol => {
                return Err(AppError::Forbidden("error.login.finish_in_office"));
            }
            Stage::Totp => return Err(AppError::Forbidden(LoginRefusal::BadCredentials.code())),
        }
        let mut conn = self.store().read().await?;
        let user = users::by_id(&mut conn, actor.user_id).await?;
        let roles = grants::roles_of(&mut conn, actor.user_id).await?;
        Ok(Actor {
            user_id: user.id,
            username: user.username,
            display_name: user.display_name,
            roles,
            client,
        })
    }
}
