use dangjian_store::{grants, sessions, users};

use super::{Stage, token_hash};
use crate::actor::{Actor, Client};
use crate::audit::{Event, Subject};
use crate::{App, Result};

/// A live session and the person behind it.
#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub session_id: i64,
    pub stage: Stage,
    /// The token forms and API calls must echo back (CSRF protection).
    pub csrf_token: String,
    pub actor: Actor,
    pub totp_enabled: bool,
    /// To-do and unread counts for the header (filled for office pages).
    pub review: crate::review::queue::ReviewCounts,
}

/// The outcome of looking up a session token.
#[derive(Debug, Clone)]
pub enum SessionCheck {
    Valid(Box<SessionInfo>),
    /// The session was idle longer than the policy allows; it has ended.
    Expired,
    /// No such session (never existed, logged out, or account disabled).
    Missing,
}

impl App {
    /// Looks up the session of a cookie token, ending it if it was idle too
    /// long, and marks it active.
    pub async fn authenticate(&self, token: &str, client: &Client) -> Result<SessionCheck> {
        let mut conn = self.store().read().await?;
        let Some(session) = sessions::by_token_hash(&mut conn, &token_hash(token)).await? else {
            return Ok(SessionCheck::Missing);
        };
        let Some(stage) = Stage::from_code(&session.stage) else {
            return Ok(SessionCheck::Missing);
        };
        let user = users::by_id(&mut conn, session.user_id).await?;
        let roles = grants::roles_of(&mut conn, session.user_id).await?;
        drop(conn);
        let actor = Actor {
            user_id: user.id,
            username: user.username,
            display_name: user.display_name,
            roles,
            client: client.clone(),
        };
        let policy = self.security_policy().await?;
        let now = self.now_ms();
        let idle_ms = i64::from(policy.idle_timeout_minutes) * 60_000;
        if now - session.last_seen_at > idle_ms {
            let mut tx = self.store().write().await?;
            sessions::delete(&mut tx, session.id).await?;
            let event = Event::success("auth.timeout", format!("user:{}", actor.user_id))
                .with_detail(format!("idle over {} minutes", policy.idle_timeout_minutes));
            self.audit(&mut tx, (&actor).into(), event).await?;
            tx.commit().await?;
            return Ok(SessionCheck::Expired);
        }
        if user.disabled {
            let mut tx = self.store().write().await?;
            sessions::delete(&mut tx, session.id).await?;
            tx.commit().await?;
            return Ok(SessionCheck::Missing);
        }
        if now - session.last_seen_at >= 60_000 {
            let mut tx = self.store().write().await?;
            sessions::touch(&mut tx, session.id, now).await?;
            tx.commit().await?;
        }
        Ok(SessionCheck::Valid(Box::new(SessionInfo {
            session_id: session.id,
            stage,
            csrf_token: session.csrf_token,
            actor,
            totp_enabled: user.totp_enabled,
            review: Default::default(),
        })))
    }

    /// Ends the session.
    pub async fn logout(&self, session: &SessionInfo) -> Result<()> {
        let mut tx = self.store().write().await?;
        sessions::delete(&mut tx, session.session_id).await?;
        let event = Event::success("auth.logout", format!("user:{}", session.actor.user_id));
        self.audit(&mut tx, (&session.actor).into(), event).await?;
        tx.commit().await?;
        Ok(())
    }

    pub(super) async fn set_stage(
        &self,
        conn: &mut dangjian_store::Conn,
        session: &SessionInfo,
        stage: Stage,
    ) -> Result<()> {
        sessions::set_stage(conn, session.session_id, stage.code(), self.now_ms()).await?;
        Ok(())
    }
}

impl<'a> From<&'a SessionInfo> for Subject<'a> {
    fn from(session: &'a SessionInfo) -> Self {
        (&session.actor).into()
    }
}

/// Who acts from the console or a test, without a session.
pub(crate) fn console_subject(client: &Client) -> Subject<'_> {
    Subject {
        id: None,
        name: "console",
        roles: String::new(),
        client,
    }
}

impl App {
    /// Removes sessions idle for a day past the timeout (a person coming
    /// back sooner is still told their session timed out) and login
    /// failures older than the lockout window. Run periodically by the server.
    pub async fn sweep_expired(&self) -> Result<(u64, u64)> {
        let policy = self.security_policy().await?;
        let now = self.now_ms();
        let mut tx = self.store().write().await?;
        let idle_cutoff = now - i64::from(policy.idle_timeout_minutes) * 60_000 - 86_400_000;
        let sessions_removed = sessions::delete_idle(&mut tx, idle_cutoff).await?;
        let failure_cutoff = now - i64::from(policy.lockout_window_minutes) * 60_000;
        let failures_removed = dangjian_store::logins::prune(&mut tx, failure_cutoff).await?;
        tx.commit().await?;
        Ok((sessions_removed, failures_removed))
    }
}
