use dangjian_domain::Invalid;
use dangjian_domain::password::PasswordPolicy;
use dangjian_store::users;

use super::{SessionInfo, Stage, stage_after_password_change};
use crate::audit::Event;
use crate::{App, Result, passwords};

impl App {
    /// Changes the person's own password: the current one must be right, the
    /// new one must meet the policy and differ from the last five. Returns
    /// the stage the session moves to.
    pub async fn change_password(
        &self,
        session: &SessionInfo,
        current: &str,
        new: &str,
        confirm: &str,
    ) -> Result<Stage> {
        let user = session.actor.user_id;
        let mut conn = self.store().read().await?;
        let credentials = users::credentials_by_id(&mut conn, user).await?;
        let policy = PasswordPolicy::default();
        let history = users::password_history(&mut conn, user, policy.history as i64).await?;
        drop(conn);

        if !passwords::verify(current.to_owned(), credentials.password_hash.clone()).await? {
            return Err(Invalid::one("current_password", "error.password.current_wrong").into());
        }
        if new != confirm {
            return Err(Invalid::one("confirm", "error.password.mismatch").into());
        }
        policy.check(&credentials.username, new)?;
        for old in history {
            if passwords::verify(new.to_owned(), old).await? {
                return Err(Invalid::one("password", "error.password.reused").into());
            }
        }
        let hash = passwords::hash(new.to_owned()).await?;
        let next = match session.stage {
            Stage::Active => Stage::Active,
            _ => stage_after_password_change(credentials.totp_enabled, &session.actor.roles),
        };
        let mut tx = self.store().write().await?;
        users::set_password(&mut tx, user, &hash, false, self.now_ms()).await?;
        self.set_stage(&mut tx, session, next).await?;
        self.audit(
            &mut tx,
            session.into(),
            Event::success("auth.password_change", format!("user:{user}")),
        )
        .await?;
        tx.commit().await?;
        Ok(next)
    }
}
