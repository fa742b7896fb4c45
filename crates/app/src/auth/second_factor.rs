use dangjian_domain::Invalid;
use dangjian_domain::audit::Outcome;
use dangjian_domain::security::SecurityPolicy;
use dangjian_store::{logins, sessions, users};
use totp_rs::{Builder, Secret, Totp};

use super::{SessionInfo, Stage, stage_after_second_factor};
use crate::audit::Event;
use crate::{App, AppError, Result};

/// What the enrolment page shows: the secret as text and as a QR code.
#[derive(Debug, Clone)]
pub struct TotpEnrolment {
    pub secret_base32: String,
    pub otpauth_url: String,
    /// The QR code of `otpauth_url` as an SVG document.
    pub qr_svg: String,
}

fn totp(secret_base32: &str, issuer: &str, account: &str) -> Result<Totp> {
    let secret = Secret::try_from_base32(secret_base32).map_err(AppError::internal)?;
    Builder::new()
        .with_secret(secret)
        .with_issuer(Some(issuer))
        .with_account_name(account)
        .build()
        .map_err(AppError::internal)
}

/// The code an authenticator shows for `secret_base32` at Unix time
/// `unix_seconds` (for the console and for tests).
pub fn totp_code_at(secret_base32: &str, unix_seconds: u64) -> Result<String> {
    Ok(totp(secret_base32, "dangjian", "user")?
        .generate(unix_seconds)
        .to_string())
}

impl App {
    fn check_code(&self, secret: &str, account: &str, code: &str) -> Result<Option<i64>> {
        let totp = totp(secret, &self.config().totp_issuer, account)?;
        let seconds = u64::try_from(self.now_ms() / 1000).unwrap_or_default();
        let code: String = code
            .chars()
            .filter(|c| !c.is_whitespace())
            .take(12)
            .collect();
        Ok(totp
            .check(&code, seconds)
            .and_then(|step| i64::try_from(step).ok()))
    }

    /// Second step of a login: the TOTP code. A wrong code counts as a failed
    /// login towards the lockout.
    pub async fn verify_totp(&self, session: &SessionInfo, code: &str) -> Result<Stage> {
        if session.stage != Stage::Totp {
            return Err(AppError::Conflict("error.login.stage"));
        }
        let user = session.actor.user_id;
        let mut conn = self.store().read().await?;
        let credentials = users::credentials_by_id(&mut conn, user).await?;
        drop(conn);
        let secret = credentials.totp_secret.clone().unwrap_or_default();
        let step = self.check_code(&secret, &credentials.username, code)?;
        let mut tx = self.store().write().await?;
        let accepted = match step {
            Some(step) => users::use_totp_step(&mut tx, user, step).await?,
            None => false,
        };
        if !accepted {
            let now = self.now_ms();
            logins::record_failure(
                &mut tx,
                &credentials.username,
                &session.actor.client.addr,
                now,
            )
            .await?;
            let event = Event::success("auth.totp", format!("user:{user}"))
                .with_outcome(Outcome::Failure)
                .with_detail("wrong or reused code");
            self.audit(&mut tx, session.into(), event).await?;
            let policy = self.security_policy().await?;
            let locked = self
                .lock_after_failure(&mut tx, &credentials.username, &policy)
                .await?;
            if locked {
                sessions::delete(&mut tx, session.session_id).await?;
            }
            tx.commit().await?;
            return Err(Invalid::one(
                "code",
                if locked {
                    "error.login.locked"
                } else {
                    "error.totp.wrong"
                },
            )
            .into());
        }
        let policy = self.security_policy().await?;
        let next =
            stage_after_second_factor(&credentials, &session.actor.roles, &policy, self.now_ms());
        self.set_stage(&mut tx, session, next).await?;
        logins::clear_account(&mut tx, &credentials.username).await?;
        self.audit(
            &mut tx,
            session.into(),
            Event::success("auth.totp", format!("user:{user}")),
        )
        .await?;
        tx.commit().await?;
        Ok(next)
    }

    /// True (and the lock recorded) when the account has now reached the
    /// failure threshold.
    async fn lock_after_failure(
        &self,
        conn: &mut dangjian_store::Conn,
        username: &str,
        policy: &SecurityPolicy,
    ) -> Result<bool> {
        let since = self.now_ms() - i64::from(policy.lockout_window_minutes) * 60_000;
        let failures = logins::failures_for_account(conn, username, since).await?;
        Ok(failures >= i64::from(policy.lockout_account_failures))
    }

    /// Starts (or shows again) the enrolment of a TOTP authenticator.
    pub async fn totp_enrolment(&self, session: &SessionInfo) -> Result<TotpEnrolment> {
        let user = session.actor.user_id;
        let mut conn = self.store().read().await?;
        let credentials = users::credentials_by_id(&mut conn, user).await?;
        drop(conn);
        if credentials.totp_enabled {
            return Err(AppError::Conflict("error.totp.already_enrolled"));
        }
        let secret = match credentials.totp_secret {
            Some(secret) => secret,
            None => {
                let secret = Secret::generate().to_base32();
                let mut tx = self.store().write().await?;
                users::set_totp(&mut tx, user, Some(&secret), false, self.now_ms()).await?;
                tx.commit().await?;
                secret
            }
        };
        let totp = totp(&secret, &self.config().totp_issuer, &credentials.username)?;
        let otpauth_url = totp.to_url().map_err(AppError::internal)?;
        let qr_svg = qr_svg(&otpauth_url)?;
        Ok(TotpEnrolment {
            secret_base32: secret,
            otpauth_url,
            qr_svg,
        })
    }

    /// Confirms enrolment with a first code from the authenticator.
    pub async fn confirm_totp_enrolment(&self, session: &SessionInfo, code: &str) -> Result<Stage> {
        let user = session.actor.user_id;
        let mut conn = self.store().read().await?;
        let credentials = users::credentials_by_id(&mut conn, user).await?;
        drop(conn);
        let Some(secret) = credentials
            .totp_secret
            .filter(|_| !credentials.totp_enabled)
        else {
            return Err(AppError::Conflict("error.totp.not_started"));
        };
        let Some(step) = self.check_code(&secret, &credentials.username, code)? else {
            return Err(Invalid::one("code", "error.totp.wrong").into());
        };
        let mut tx = self.store().write().await?;
        users::set_totp(&mut tx, user, Some(&secret), true, self.now_ms()).await?;
        users::use_totp_step(&mut tx, user, step).await?;
        let next = if session.stage == Stage::TotpEnrol {
            Stage::Active
        } else {
            session.stage
        };
        self.set_stage(&mut tx, session, next).await?;
        self.audit(
            &mut tx,
            session.into(),
            Event::success("auth.totp_enrol", format!("user:{user}")),
        )
        .await?;
        tx.commit().await?;
        Ok(next)
    }
}

fn qr_svg(text: &str) -> Result<String> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(AppError::internal)?;
    Ok(code
        .render::<qrcode::render::svg::Color<'_>>()
        .min_dimensions(200, 200)
        .build())
}
