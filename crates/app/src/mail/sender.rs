//! The sender: takes due mails from the outbox, sends them, marks them sent,
//! or keeps the error and tries again later. Like the scheduler it runs in
//! every serving process, and a node takes a mail with a conditional update
//! that only one node can win. The claim is committed before the SMTP
//! exchange (no transaction waits on a remote server), so a node that dies
//! between sending and marking leaves a claim that expires after the lease:
//! that one mail may go out twice, none is lost.

use std::sync::Arc;
use std::time::Duration;

use dangjian_store::mail::{self as outbox, QueuedMail};

use super::smtp::{self, SendFailure};
use super::{Composer, MailConfig, MailFacts};
use crate::{App, Result};

/// How often the sender looks when nothing wakes it.
pub const TICK: Duration = Duration::from_secs(5);
/// A claim older than this is another node's that died mid-send; longer
/// than any one SMTP exchange can take.
const LEASE_MS: i64 = 5 * 60 * 1000;
/// Mails taken per look.
const BATCH: i64 = 20;
/// Tries of one mail before it is given up (its last error stays).
pub const MAX_ATTEMPTS: i64 = 5;
/// The wait after the first failure; each further one waits five times
/// longer (1, 5, 25, 125 minutes): a server that is down for a while is
/// not hammered, and a passing refusal is retried soon.
const FIRST_RETRY_MS: i64 = 60_000;
/// Longest error message kept.
const MAX_ERROR_CHARS: usize = 500;

/// The wait before the next try after `failures` failed attempts; `None`
/// once the mail has had its [`MAX_ATTEMPTS`].
pub fn retry_delay_ms(failures: i64) -> Option<i64> {
    if failures >= MAX_ATTEMPTS {
        return None;
    }
    let exponent = u32::try_from(failures.max(1) - 1).unwrap_or(0);
    Some(FIRST_RETRY_MS * 5_i64.pow(exponent))
}

impl App {
    /// Sends the mails that are due; returns how many this node sent.
    pub async fn send_due_mail(&self, node: &str, composer: &dyn Composer) -> Result<usize> {
        let Some(config) = self.mail.clone() else {
            return Ok(0);
        };
        let due = {
            let mut conn = self.store().read().await?;
            outbox::due(&mut conn, self.now_ms(), LEASE_MS, BATCH).await?
        };
        let mut sent = 0;
        for mail in due {
            if !self.claim_mail(node, mail.id).await? {
                continue;
            }
            let facts = self.facts(&config, &mail).await?;
            let outcome =
                smtp::send(&config.smtp, &mail.recipient, &composer.compose(&facts)).await;
            if outcome.is_ok() {
                sent += 1;
            }
            self.record_outcome(&mail, outcome).await?;
        }
        Ok(sent)
    }

    async fn claim_mail(&self, node: &str, id: i64) -> Result<bool> {
        let mut tx = self.store().write().await?;
        let claimed = outbox::claim(&mut tx, id, node, self.now_ms(), LEASE_MS).await?;
        tx.commit().await?;
        Ok(claimed)
    }

    async fn record_outcome(
        &self,
        mail: &QueuedMail,
        outcome: std::result::Result<(), SendFailure>,
    ) -> Result<()> {
        let now = self.now_ms();
        let mut tx = self.store().write().await?;
        match outcome {
            Ok(()) => outbox::mark_sent(&mut tx, mail.id, now).await?,
            Err(SendFailure(error)) => {
                let failures = mail.attempts + 1;
                let retry_at = retry_delay_ms(failures).map(|wait| now + wait);
                tracing::warn!(
                    mail = mail.id,
                    attempt = failures,
                    given_up = retry_at.is_none(),
                    %error,
                    "an e-mail notification was not sent"
                );
                let error: String = error.chars().take(MAX_ERROR_CHARS).collect();
                outbox::mark_failed(&mut tx, mail.id, &error, retry_at, now).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    /// The facts of a mail with its links: to the article in the office
    /// (a path when the office's address is not configured) and, for a
    /// publication, on the portal when the site's address is known.
    async fn facts(&self, config: &MailConfig, mail: &QueuedMail) -> Result<MailFacts> {
        let path = match (&mail.link, mail.article_id) {
            (Some(link), _) => link.clone(),
            (None, Some(id)) => format!("/articles/{id}"),
            (None, None) => "/notifications".to_owned(),
        };
        let office_link = match &config.office_url {
            Some(base) => format!("{base}{path}"),
            None => path,
        };
        let public_link = match (mail.kind.as_str(), mail.article_id) {
            ("review.published", Some(id)) => {
                let site = self.default_site().await?;
                self.site_profile(site)
                    .await?
                    .public_url(&format!("/article/{id}"))
            }
            _ => None,
        };
        Ok(MailFacts {
            kind: mail.kind.clone(),
            title: mail.title.clone(),
            actor_name: mail.actor_name.clone(),
            comment: mail.comment.clone(),
            office_link,
            public_link,
        })
    }
}

/// Runs the sender until `stopped` turns true: at once (mail that fell due
/// while the program was down), then every [`TICK`] and whenever a commit
/// wakes it.
pub async fn run_mailer(
    app: App,
    node: String,
    composer: Arc<dyn Composer>,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) {
    if let Some(mail) = &app.mail {
        let smtp = &mail.smtp;
        tracing::info!(host = %smtp.host, port = smtp.port, tls = smtp.tls.code(), "e-mail notifications on");
    }
    let wake = Arc::clone(&app.mail_wake);
    let mut interval = tokio::time::interval(TICK);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = interval.tick() => {}
            () = wake.notified() => {}
            _ = stopped.changed() => break,
        }
        if let Err(error) = app.send_due_mail(&node, composer.as_ref()).await {
            tracing::warn!(%error, "the e-mail sender could not run");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_longer_each_time_then_stop() {
        let minutes: Vec<Option<i64>> = (1..=MAX_ATTEMPTS)
            .map(|n| retry_delay_ms(n).map(|ms| ms / 60_000))
            .collect();
        assert_eq!(minutes, [Some(1), Some(5), Some(25), Some(125), None]);
    }
}
