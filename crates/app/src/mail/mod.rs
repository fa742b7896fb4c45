//! E-mail notifications, when an SMTP server is configured. Every in-app
//! notification to a person with an address is also written to the outbox
//! (`email_outbox`) in the notification's own transaction; the sender loop
//! (`sender`) takes due rows, has them worded by a [`Composer`] (the web
//! layer's message catalog and text template: this crate holds no
//! user-facing text) and sends them over SMTP (`smtp`).

mod sender;
mod smtp;

use std::fmt;

use dangjian_domain::ids::UserId;
use dangjian_store::Conn;
use dangjian_store::mail::{self as outbox, NewMail};
use dangjian_store::review::notices::{self, NewNotification};
use dangjian_store::users;

pub use sender::{MAX_ATTEMPTS, TICK, retry_delay_ms, run_mailer};

use crate::{App, Result};

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TlsMode {
    /// Plain SMTP: only for a relay on the same machine (and tests).
    None,
    /// Plain connection upgraded with STARTTLS, which is required.
    StartTls,
    /// TLS from the first byte (SMTPS).
    Tls,
}

impl TlsMode {
    pub const CODES: [&'static str; 3] = ["none", "starttls", "tls"];

    pub fn code(self) -> &'static str {
        match self {
            TlsMode::None => "none",
            TlsMode::StartTls => "starttls",
            TlsMode::Tls => "tls",
        }
    }

    pub fn from_code(code: &str) -> Option<TlsMode> {
        match code {
            "none" => Some(TlsMode::None),
            "starttls" => Some(TlsMode::StartTls),
            "tls" => Some(TlsMode::Tls),
            _ => None,
        }
    }

    /// The usual port of the mode: 25, 587 (submission), 465 (submissions).
    pub fn default_port(self) -> u16 {
        match self {
            TlsMode::None => 25,
            TlsMode::StartTls => 587,
            TlsMode::Tls => 465,
        }
    }
}

/// The SMTP server mail goes out through. `Debug` never shows the password.
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub tls: TlsMode,
    /// Empty: the server takes mail without logging in.
    pub username: String,
    pub password: String,
    /// The sender, `addr@host` or `Name <addr@host>`.
    pub from: String,
}

impl fmt::Debug for SmtpConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SmtpConfig")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field(
                "password",
                &if self.password.is_empty() { "" } else { "***" },
            )
            .field("from", &self.from)
            .finish()
    }
}

/// E-mail settings of the installation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailConfig {
    pub smtp: SmtpConfig,
    /// Where people open the office (`https://oa.example.gov.cn`), for the
    /// links in mails; `None`: links are paths.
    pub office_url: Option<String>,
}

/// What one mail is about, for a [`Composer`] to put into words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailFacts {
    /// The notification's kind: `review.waiting`, `review.returned` …
    pub kind: String,
    pub title: String,
    /// Who did it (empty: nobody in particular).
    pub actor_name: String,
    pub comment: String,
    /// The article in the office: a full address when the office's is
    /// known, else its path.
    pub office_link: String,
    /// The published article on the portal, when the site's address is
    /// known and the article is public.
    pub public_link: Option<String>,
}

/// A mail's subject and plain-text body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MailText {
    pub subject: String,
    pub body: String,
}

/// Words a mail; implemented where the message catalog lives (the web
/// layer), so that no user-facing text is written in this crate.
pub trait Composer: Send + Sync {
    fn compose(&self, facts: &MailFacts) -> MailText;
}

impl App {
    /// Turns e-mail on (`Some`) or off; called once, before the app is
    /// shared.
    #[must_use]
    pub fn with_mail(mut self, mail: Option<MailConfig>) -> Self {
        self.mail = mail.map(std::sync::Arc::new);
        self
    }

    /// Whether notifications are also e-mailed.
    pub fn mail_enabled(&self) -> bool {
        self.mail.is_some()
    }

    /// Tells `person` in the app and, when mail is on and they have an
    /// address, by e-mail. Both rows go into the caller's transaction, so a
    /// mail exists exactly when its notification does.
    pub(crate) async fn notify(
        &self,
        tx: &mut Conn,
        person: UserId,
        notice: &NewNotification<'_>,
        now: i64,
    ) -> Result<()> {
        notices::insert(tx, person, notice, now).await?;
        if self.mail.is_none() {
            return Ok(());
        }
        let Some(recipient) = users::email_of(tx, person).await? else {
            return Ok(());
        };
        let mail = NewMail {
            user: person,
            recipient: &recipient,
            kind: notice.kind,
            article: notice.article,
            link: notice.link,
            title: notice.title,
            actor_name: notice.actor_name,
            comment: notice.comment,
        };
        outbox::enqueue(tx, &mail, now).await?;
        Ok(())
    }

    /// Wakes this process's sender at once, after a commit that may have
    /// written mail (otherwise it looks every [`TICK`]).
    pub fn wake_mailer(&self) {
        if self.mail.is_some() {
            self.mail_wake.notify_one();
        }
    }
}

/// Whether `from` is a sender the mail builder takes (`addr@host` or
/// `Name <addr@host>`), for checking the configuration at start.
pub fn sender_parses(from: &str) -> bool {
    from.parse::<lettre::message::Mailbox>().is_ok()
}
