//! The e-mail settings: the SMTP server notifications go out through, and
//! the office's address for the links in them. No `smtp_host`: no e-mail.
//! The password is never printed, and never shown in a message.

use std::net::IpAddr;

use dangjian_app::mail::{MailConfig, SmtpConfig, TlsMode};
use dangjian_domain::site::parse_site_origin;
use serde_json::Value;

use super::values::{self, invalid, shown, text};
use super::{ConfigError, Key};

pub const SMTP_HOST: Key = Key {
    name: "smtp_host",
    flag: "--smtp-host",
    env: "DANGJIAN_SMTP_HOST",
    expected: "a host name or IP address such as smtp.example.gov.cn (empty: no e-mail)",
};
pub const SMTP_PORT: Key = Key {
    name: "smtp_port",
    flag: "--smtp-port",
    env: "DANGJIAN_SMTP_PORT",
    expected: "a port 1-65535 (empty: 25, 587 or 465 after smtp_tls)",
};
pub const SMTP_TLS: Key = Key {
    name: "smtp_tls",
    flag: "--smtp-tls",
    env: "DANGJIAN_SMTP_TLS",
    expected: "starttls, tls, or none (plain SMTP, only to a relay on this machine)",
};
pub const SMTP_USERNAME: Key = Key {
    name: "smtp_username",
    flag: "--smtp-username",
    env: "DANGJIAN_SMTP_USERNAME",
    expected: "the SMTP login name (empty: the server takes mail without a login)",
};
pub const SMTP_PASSWORD: Key = Key {
    name: "smtp_password",
    flag: "--smtp-password",
    env: "DANGJIAN_SMTP_PASSWORD",
    expected: "the SMTP password, one line of text",
};
pub const SMTP_FROM: Key = Key {
    name: "smtp_from",
    flag: "--smtp-from",
    env: "DANGJIAN_SMTP_FROM",
    expected: "a sender such as noreply@example.gov.cn or 党建网 <noreply@example.gov.cn>",
};
pub const OFFICE_URL: Key = Key {
    name: "office_url",
    flag: "--office-url",
    env: "DANGJIAN_OFFICE_URL",
    expected: "the office's address as people open it, such as https://oa.example.gov.cn \
               (empty: links in e-mails are paths)",
};

/// Keys read from the environment as written: figment would take a
/// password such as `[x]` or `0123` for a list or a number.
pub const RAW_ENV_KEYS: [Key; 3] = [SMTP_USERNAME, SMTP_PASSWORD, SMTP_FROM];

/// What `dangjian config` prints for a password.
const HIDDEN: &str = "***";

/// The checked e-mail settings (also when e-mail is off, for printing).
#[derive(Clone, PartialEq, Eq)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    /// Whether the port came from `smtp_tls`'s usual one.
    pub port_defaulted: bool,
    pub tls: TlsMode,
    pub username: String,
    pub password: String,
    pub from: String,
    pub office_url: String,
}

impl std::fmt::Debug for SmtpSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.mail_config_parts().fmt(f)
    }
}

/// The merged values of the e-mail keys, before checking.
pub struct RawSmtp<'a> {
    pub host: Option<&'a Value>,
    pub port: Option<&'a Value>,
    pub tls: Option<&'a Value>,
    pub username: Option<&'a Value>,
    pub password: Option<&'a Value>,
    pub from: Option<&'a Value>,
    pub office_url: Option<&'a Value>,
}

type Source<'s> = &'s dyn Fn(&Key) -> String;

/// Checks the e-mail keys; `from` is required once a host is set.
pub fn check(raw: &RawSmtp<'_>, source: Source<'_>) -> Result<SmtpSettings, ConfigError> {
    let host = host(raw.host, source)?;
    let tls = tls(raw.tls, source)?;
    let (port, port_defaulted) = match optional_text(&SMTP_PORT, raw.port, source)? {
        Some(port) => (parse_port(&port, source)?, false),
        None => (tls.default_port(), true),
    };
    let username = line(&SMTP_USERNAME, raw.username, source)?;
    let password = secret(raw.password)?;
    let from = sender(raw.from, source)?;
    if !host.is_empty() && from.is_empty() {
        return Err(ConfigError(format!(
            "smtp_from ({}, {}) is required when smtp_host is set; expected {}",
            SMTP_FROM.flag, SMTP_FROM.env, SMTP_FROM.expected
        )));
    }
    if tls == TlsMode::None && !username.is_empty() && !host.is_empty() && !is_loopback(&host) {
        let problem = "would send the SMTP password unencrypted to another machine";
        return Err(invalid(&SMTP_TLS, "none", problem, source));
    }
    Ok(SmtpSettings {
        host,
        port,
        port_defaulted,
        tls,
        username,
        password,
        from,
        office_url: office_url(raw.office_url, source)?,
    })
}

impl SmtpSettings {
    /// The mail configuration the app runs with; `None` without a host.
    pub fn mail_config(&self) -> Option<MailConfig> {
        (!self.host.is_empty()).then(|| self.mail_config_parts())
    }

    fn mail_config_parts(&self) -> MailConfig {
        MailConfig {
            smtp: SmtpConfig {
                host: self.host.clone(),
                port: self.port,
                tls: self.tls,
                username: self.username.clone(),
                password: self.password.clone(),
                from: self.from.clone(),
            },
            office_url: Some(self.office_url.clone()).filter(|u| !u.is_empty()),
        }
    }

    /// The printed values, in the order of the keys above; the password
    /// hidden.
    pub fn printed(&self) -> [String; 7] {
        let password = if self.password.is_empty() { "" } else { HIDDEN };
        [
            values::quote(&self.host),
            self.port.to_string(),
            values::quote(self.tls.code()),
            values::quote(&self.username),
            values::quote(password),
            values::quote(&self.from),
            values::quote(&self.office_url),
        ]
    }
}

/// Trimmed text; `None` when unset or empty.
fn optional_text(
    key: &Key,
    value: Option<&Value>,
    source: Source<'_>,
) -> Result<Option<String>, ConfigError> {
    match value {
        None => Ok(None),
        Some(value) => match text(value) {
            Some(t) if t.trim().is_empty() => Ok(None),
            Some(t) => Ok(Some(t.trim().to_owned())),
            None => Err(invalid(key, &shown(value), "is not text", source)),
        },
    }
}

/// One line of text without control characters (empty when unset).
fn line(key: &Key, value: Option<&Value>, source: Source<'_>) -> Result<String, ConfigError> {
    let text = optional_text(key, value, source)?.unwrap_or_default();
    if text.chars().any(char::is_control) {
        return Err(invalid(key, &text, "contains control characters", source));
    }
    Ok(text)
}

/// The password as given (not trimmed: spaces may belong to it); refusals
/// name the key but never show the value.
fn secret(value: Option<&Value>) -> Result<String, ConfigError> {
    let refuse = |problem: &str| {
        ConfigError(format!(
            "invalid {} ({}, {}): the value {problem}; expected {}",
            SMTP_PASSWORD.name, SMTP_PASSWORD.flag, SMTP_PASSWORD.env, SMTP_PASSWORD.expected
        ))
    };
    let Some(value) = value else {
        return Ok(String::new());
    };
    let password = text(value).ok_or_else(|| refuse("is not text"))?;
    if password.chars().any(char::is_control) {
        return Err(refuse("contains control characters"));
    }
    Ok(password)
}

fn host(value: Option<&Value>, source: Source<'_>) -> Result<String, ConfigError> {
    let host = optional_text(&SMTP_HOST, value, source)?.unwrap_or_default();
    let name_ok = !host.starts_with(['.', '-'])
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'));
    if host.is_empty() || name_ok || host.parse::<IpAddr>().is_ok() {
        Ok(host)
    } else {
        Err(invalid(&SMTP_HOST, &host, "is not a host name", source))
    }
}

fn tls(value: Option<&Value>, source: Source<'_>) -> Result<TlsMode, ConfigError> {
    let code = optional_text(&SMTP_TLS, value, source)?
        .unwrap_or_else(|| TlsMode::StartTls.code().to_owned());
    TlsMode::from_code(&code.to_ascii_lowercase())
        .ok_or_else(|| invalid(&SMTP_TLS, &code, "is not a TLS mode", source))
}

fn parse_port(port: &str, source: Source<'_>) -> Result<u16, ConfigError> {
    port.parse::<u16>()
        .ok()
        .filter(|p| *p > 0)
        .ok_or_else(|| invalid(&SMTP_PORT, port, "is not a port", source))
}

/// `addr@host` or `Name <addr@host>`, the address checked like a person's.
fn sender(value: Option<&Value>, source: Source<'_>) -> Result<String, ConfigError> {
    let from = line(&SMTP_FROM, value, source)?;
    if from.is_empty() {
        return Ok(from);
    }
    let address = match from.strip_suffix('>').and_then(|f| f.rsplit_once('<')) {
        Some((name, address)) if !name.contains(['<', '>', '"']) => address,
        Some(_) => "",
        None => from.as_str(),
    };
    match dangjian_domain::account::parse_email(address) {
        Ok(Some(_)) if dangjian_app::mail::sender_parses(&from) => Ok(from),
        _ => Err(invalid(
            &SMTP_FROM,
            &from,
            "is not a sender address",
            source,
        )),
    }
}

fn office_url(value: Option<&Value>, source: Source<'_>) -> Result<String, ConfigError> {
    let url = optional_text(&OFFICE_URL, value, source)?.unwrap_or_default();
    parse_site_origin(&url, OFFICE_URL.name).map_err(|_| {
        invalid(
            &OFFICE_URL,
            &url,
            "is not an http(s) address without a path",
            source,
        )
    })
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}
