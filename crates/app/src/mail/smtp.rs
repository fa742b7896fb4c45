//! One mail over SMTP with `lettre` (tokio, rustls). A connection per mail:
//! notifications are few, and a fresh connection never carries a broken
//! session over from the last one.

use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::{MailText, SmtpConfig, TlsMode};

/// Longest wait for the server at each step; well inside the claim's lease.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Why a mail did not go out, as kept in its outbox row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendFailure(pub String);

impl SendFailure {
    fn of(what: &str, error: impl std::fmt::Display) -> Self {
        SendFailure(format!("{what}: {error}"))
    }
}

/// Sends `text` to `recipient` through the configured server.
pub async fn send(
    config: &SmtpConfig,
    recipient: &str,
    text: &MailText,
) -> Result<(), SendFailure> {
    let message = message(config, recipient, text)?;
    transport(config)?
        .send(message)
        .await
        .map_err(|e| SendFailure::of("smtp", e))?;
    Ok(())
}

/// A plain-text mail. The body is Base64 whatever it holds: Chinese text
/// would be most of it anyway, and servers without 8BITMIME take it.
fn message(config: &SmtpConfig, recipient: &str, text: &MailText) -> Result<Message, SendFailure> {
    let from: Mailbox = config
        .from
        .parse()
        .map_err(|e| SendFailure::of("from address", e))?;
    let to: Mailbox = recipient
        .parse()
        .map_err(|e| SendFailure::of("recipient address", e))?;
    Message::builder()
        .from(from)
        .to(to)
        .subject(text.subject.clone())
        // A generated Message-ID: some servers refuse mail without one.
        .message_id(None)
        .header(ContentType::TEXT_PLAIN)
        .header(ContentTransferEncoding::Base64)
        .body(text.body.clone())
        .map_err(|e| SendFailure::of("message", e))
}

fn transport(config: &SmtpConfig) -> Result<AsyncSmtpTransport<Tokio1Executor>, SendFailure> {
    let host = config.host.as_str();
    let builder = match config.tls {
        TlsMode::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
        TlsMode::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
            .map_err(|e| SendFailure::of("tls", e))?,
        TlsMode::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
            .map_err(|e| SendFailure::of("tls", e))?,
    };
    let builder = builder.port(config.port).timeout(Some(TIMEOUT));
    let builder = if config.username.is_empty() {
        builder
    } else {
        builder.credentials(Credentials::new(
            config.username.clone(),
            config.password.clone(),
        ))
    };
    Ok(builder.build())
}
