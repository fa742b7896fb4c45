//! Settings: defaults < `dangjian.toml` < `DANGJIAN_*` environment variables
//! < command-line flags, merged with figment, then checked into typed
//! [`Settings`]. A wrong value is refused at start with a message naming the
//! key, its flag and environment variable, the value and what is accepted.

pub mod smtp;
mod values;

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use dangjian_domain::audit::HashAlgo;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::cli::ConfigFlags;

/// One configuration key and the ways to set it.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub name: &'static str,
    pub flag: &'static str,
    pub env: &'static str,
    /// What is accepted, for error messages.
    pub expected: &'static str,
}

pub const DATA_DIR: Key = Key {
    name: "data_dir",
    flag: "--data-dir",
    env: "DANGJIAN_DATA_DIR",
    expected: "a directory path such as ./data",
};
pub const DATABASE_URL: Key = Key {
    name: "database_url",
    flag: "--database-url",
    env: "DANGJIAN_DATABASE_URL",
    expected: "sqlite://PATH?mode=rwc or postgres://USER@HOST:PORT/DATABASE",
};
pub const PUBLIC_ADDR: Key = Key {
    name: "public_addr",
    flag: "--public-addr",
    env: "DANGJIAN_PUBLIC_ADDR",
    expected: "an address and port such as [::]:8080 or 127.0.0.1:8080",
};
pub const OFFICE_ADDR: Key = Key {
    name: "office_addr",
    flag: "--office-addr",
    env: "DANGJIAN_OFFICE_ADDR",
    expected: "an address and port such as 127.0.0.1:8081 or 192.168.1.10:8081",
};
pub const AUDIT_HASH: Key = Key {
    name: "audit_hash",
    flag: "--audit-hash",
    env: "DANGJIAN_AUDIT_HASH",
    expected: "sm3 or sha256",
};
pub const SECURE_COOKIES: Key = Key {
    name: "secure_cookies",
    flag: "--secure-cookies",
    env: "DANGJIAN_SECURE_COOKIES",
    expected: "true or false",
};
pub const TRUSTED_PROXIES: Key = Key {
    name: "trusted_proxies",
    flag: "--trusted-proxies",
    env: "DANGJIAN_TRUSTED_PROXIES",
    expected: "IP addresses, comma-separated (in dangjian.toml: a list of strings)",
};

/// Every key, in the order `dangjian config` prints them.
pub const KEYS: [Key; 14] = [
    DATA_DIR,
    DATABASE_URL,
    PUBLIC_ADDR,
    OFFICE_ADDR,
    AUDIT_HASH,
    SECURE_COOKIES,
    TRUSTED_PROXIES,
    smtp::SMTP_HOST,
    smtp::SMTP_PORT,
    smtp::SMTP_TLS,
    smtp::SMTP_USERNAME,
    smtp::SMTP_PASSWORD,
    smtp::SMTP_FROM,
    smtp::OFFICE_URL,
];

const CONFIG_ENV: &str = "DANGJIAN_CONFIG";
const DEFAULT_CONFIG_FILE: &str = "dangjian.toml";

/// A configuration that cannot be used; the program stops with status 2.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The checked settings the program runs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The configuration file that was read, if any.
    pub config_file: Option<PathBuf>,
    pub data_dir: PathBuf,
    pub database_url: String,
    pub public_addr: SocketAddr,
    pub office_addr: SocketAddr,
    pub audit_hash: HashAlgo,
    pub secure_cookies: bool,
    pub trusted_proxies: Vec<IpAddr>,
    /// E-mail notifications (off without `smtp_host`).
    pub smtp: smtp::SmtpSettings,
    /// Where each key's value came from, in [`KEYS`] order.
    pub sources: Vec<(&'static str, String)>,
}

/// The built-in defaults (the database URL follows the data directory).
#[derive(Debug, Serialize)]
struct Defaults {
    data_dir: &'static str,
    public_addr: &'static str,
    office_addr: &'static str,
    audit_hash: &'static str,
    secure_cookies: bool,
    trusted_proxies: Vec<String>,
    smtp_host: &'static str,
    smtp_tls: &'static str,
}

const DEFAULTS: Defaults = Defaults {
    data_dir: "./data",
    public_addr: "[::]:8080",
    office_addr: "127.0.0.1:8081",
    audit_hash: "sm3",
    secure_cookies: false,
    trusted_proxies: Vec::new(),
    smtp_host: "",
    smtp_tls: "starttls",
};

/// The flags that were given, as a figment layer (unset ones are skipped).
#[derive(Debug, Serialize)]
struct FlagLayer<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    data_dir: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    database_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    public_addr: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    office_addr: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    audit_hash: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    secure_cookies: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    trusted_proxies: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_host: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_port: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_tls: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_username: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_password: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_from: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    office_url: Option<&'a str>,
}

/// The environment variables read as written (see `smtp::RAW_ENV_KEYS`).
#[derive(Debug, Serialize)]
struct RawEnvLayer {
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_password: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    smtp_from: Option<String>,
}

impl RawEnvLayer {
    fn read() -> Self {
        let var = |key: &Key| std::env::var(key.env).ok();
        Self {
            smtp_username: var(&smtp::SMTP_USERNAME),
            smtp_password: var(&smtp::SMTP_PASSWORD),
            smtp_from: var(&smtp::SMTP_FROM),
        }
    }
}

impl<'a> FlagLayer<'a> {
    fn from_flags(flags: &'a ConfigFlags) -> Self {
        Self {
            data_dir: flags
                .data_dir
                .as_ref()
                .map(|p| p.to_string_lossy().into_owned()),
            database_url: flags.database_url.as_deref(),
            public_addr: flags.public_addr.as_deref(),
            office_addr: flags.office_addr.as_deref(),
            audit_hash: flags.audit_hash.as_deref(),
            secure_cookies: flags.secure_cookies.as_deref(),
            trusted_proxies: flags.trusted_proxies.as_deref(),
            smtp_host: flags.smtp_host.as_deref(),
            smtp_port: flags.smtp_port.as_deref(),
            smtp_tls: flags.smtp_tls.as_deref(),
            smtp_username: flags.smtp_username.as_deref(),
            smtp_password: flags.smtp_password.as_deref(),
            smtp_from: flags.smtp_from.as_deref(),
            office_url: flags.office_url.as_deref(),
        }
    }

    fn has(&self, key: &str) -> bool {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.get(key).cloned())
            .is_some()
    }
}

/// The merged values before checking; every key is optional here.
#[derive(Debug, Default, Deserialize)]
struct Raw {
    data_dir: Option<Value>,
    database_url: Option<Value>,
    public_addr: Option<Value>,
    office_addr: Option<Value>,
    audit_hash: Option<Value>,
    secure_cookies: Option<Value>,
    trusted_proxies: Option<Value>,
    smtp_host: Option<Value>,
    smtp_port: Option<Value>,
    smtp_tls: Option<Value>,
    smtp_username: Option<Value>,
    smtp_password: Option<Value>,
    smtp_from: Option<Value>,
    office_url: Option<Value>,
}

impl Raw {
    fn smtp(&self) -> smtp::RawSmtp<'_> {
        smtp::RawSmtp {
            host: self.smtp_host.as_ref(),
            port: self.smtp_port.as_ref(),
            tls: self.smtp_tls.as_ref(),
            username: self.smtp_username.as_ref(),
            password: self.smtp_password.as_ref(),
            from: self.smtp_from.as_ref(),
            office_url: self.office_url.as_ref(),
        }
    }
}

/// Reads the configuration from flags, the process environment and the
/// configuration file.
pub fn load(flags: &ConfigFlags) -> Result<Settings, ConfigError> {
    let config_file = config_file(flags)?;
    let file_keys = match &config_file {
        Some(path) => file_keys(path)?,
        None => Vec::new(),
    };
    let figment = figment(config_file.as_deref(), flags);
    let raw: Raw = figment
        .extract()
        .map_err(|e| ConfigError(format!("cannot read the configuration: {e}")))?;
    let layer = FlagLayer::from_flags(flags);
    let source = |key: &Key| describe_source(key, &layer, &file_keys, config_file.as_deref());
    let data_dir = values::data_dir(&DATA_DIR, raw.data_dir.as_ref(), &source)?;
    let database_url = match raw.database_url.as_ref() {
        Some(value) if !values::is_empty_text(value) => {
            values::database_url(&DATABASE_URL, value, &source)?
        }
        _ => default_database_url(&data_dir)?,
    };
    let mut sources: Vec<(&'static str, String)> =
        KEYS.iter().map(|k| (k.name, source(k))).collect();
    if raw.database_url.as_ref().is_none_or(values::is_empty_text)
        && let Some(entry) = sources
            .iter_mut()
            .find(|(name, _)| *name == DATABASE_URL.name)
    {
        entry.1 = "default (in the data directory)".into();
    }
    let smtp = smtp::check(&raw.smtp(), &source)?;
    if smtp.port_defaulted
        && let Some(entry) = sources
            .iter_mut()
            .find(|(name, _)| *name == smtp::SMTP_PORT.name)
    {
        entry.1 = "default (for smtp_tls)".into();
    }
    Ok(Settings {
        config_file: config_file.clone(),
        data_dir,
        database_url,
        public_addr: values::socket_addr(&PUBLIC_ADDR, raw.public_addr.as_ref(), &source)?,
        office_addr: values::socket_addr(&OFFICE_ADDR, raw.office_addr.as_ref(), &source)?,
        audit_hash: values::audit_hash(&AUDIT_HASH, raw.audit_hash.as_ref(), &source)?,
        secure_cookies: values::boolean(&SECURE_COOKIES, raw.secure_cookies.as_ref(), &source)?,
        trusted_proxies: values::ip_list(&TRUSTED_PROXIES, raw.trusted_proxies.as_ref(), &source)?,
        smtp,
        sources,
    })
}

/// The layers, lowest first: defaults, file, environment, flags.
fn figment(config_file: Option<&Path>, flags: &ConfigFlags) -> Figment {
    let raw: Vec<&str> = smtp::RAW_ENV_KEYS.iter().map(|k| k.name).collect();
    let names: Vec<&str> = KEYS
        .iter()
        .map(|k| k.name)
        .filter(|name| !raw.contains(name))
        .collect();
    let mut figment = Figment::from(Serialized::defaults(DEFAULTS));
    if let Some(path) = config_file {
        figment = figment.merge(Toml::file_exact(path));
    }
    figment
        .merge(Env::prefixed("DANGJIAN_").only(&names))
        .merge(Serialized::defaults(RawEnvLayer::read()))
        .merge(Serialized::defaults(FlagLayer::from_flags(flags)))
}

/// `--config`, else `DANGJIAN_CONFIG`, else `./dangjian.toml` if it exists.
/// A file named explicitly must exist.
fn config_file(flags: &ConfigFlags) -> Result<Option<PathBuf>, ConfigError> {
    let explicit = flags.config.clone().or_else(|| {
        std::env::var_os(CONFIG_ENV)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    });
    match explicit {
        Some(path) if path.is_file() => Ok(Some(path)),
        Some(path) => Err(ConfigError(format!(
            "configuration file {} (--config, {CONFIG_ENV}) does not exist or is not a file",
            path.display()
        ))),
        None => {
            let default = PathBuf::from(DEFAULT_CONFIG_FILE);
            Ok(default.is_file().then_some(default))
        }
    }
}

/// The keys the file sets; an unknown key is refused.
fn file_keys(path: &Path) -> Result<Vec<String>, ConfigError> {
    use figment::Provider as _;
    let data = Toml::file_exact(path).data().map_err(|e| {
        ConfigError(format!(
            "cannot read configuration file {}: {e}",
            path.display()
        ))
    })?;
    let keys: Vec<String> = data
        .values()
        .flat_map(|dict| dict.keys().cloned())
        .collect();
    if let Some(unknown) = keys
        .iter()
        .find(|k| !KEYS.iter().any(|known| known.name == k.as_str()))
    {
        let known: Vec<&str> = KEYS.iter().map(|k| k.name).collect();
        return Err(ConfigError(format!(
            "unknown key {unknown:?} in configuration file {}; known keys: {}",
            path.display(),
            known.join(", ")
        )));
    }
    Ok(keys)
}

fn describe_source(
    key: &Key,
    flags: &FlagLayer<'_>,
    file_keys: &[String],
    file: Option<&Path>,
) -> String {
    if flags.has(key.name) {
        format!("command line {}", key.flag)
    } else if std::env::var_os(key.env).is_some() {
        format!("environment {}", key.env)
    } else if let (true, Some(file)) = (file_keys.iter().any(|k| k == key.name), file) {
        format!("file {}", file.display())
    } else {
        "default".into()
    }
}

/// `sqlite://<absolute data dir>/dangjian.db?mode=rwc`.
fn default_database_url(data_dir: &Path) -> Result<String, ConfigError> {
    let absolute = std::path::absolute(data_dir.join("dangjian.db")).map_err(|e| {
        ConfigError(format!(
            "cannot resolve data_dir {}: {e}",
            data_dir.display()
        ))
    })?;
    Ok(format!(
        "sqlite://{}?mode=rwc",
        values::encode_path(&absolute)
    ))
}

impl Settings {
    /// Creates the data directory if it is missing.
    pub fn prepare_data_dir(&self) -> Result<(), ConfigError> {
        std::fs::create_dir_all(&self.data_dir).map_err(|e| {
            ConfigError(format!(
                "cannot create data_dir {} ({}, {}): {e}",
                self.data_dir.display(),
                DATA_DIR.flag,
                DATA_DIR.env
            ))
        })
    }

    /// The database URL with any password replaced, for printing.
    pub fn database_url_for_display(&self) -> String {
        values::redact_url(&self.database_url)
    }

    /// The effective settings as TOML, each with where it came from.
    pub fn to_toml(&self) -> String {
        let mut out =
            String::from("# dangjian: effective settings (flag > environment > file > default)\n");
        match &self.config_file {
            Some(file) => out.push_str(&format!("# configuration file: {}\n", file.display())),
            None => out.push_str("# configuration file: none\n"),
        }
        let proxies: Vec<String> = self
            .trusted_proxies
            .iter()
            .map(|ip| values::quote(&ip.to_string()))
            .collect();
        let lines = [
            values::quote(&self.data_dir.to_string_lossy()),
            values::quote(&self.database_url_for_display()),
            values::quote(&self.public_addr.to_string()),
            values::quote(&self.office_addr.to_string()),
            values::quote(self.audit_hash.code()),
            self.secure_cookies.to_string(),
            format!("[{}]", proxies.join(", ")),
        ]
        .into_iter()
        .chain(self.smtp.printed());
        for ((name, source), value) in self.sources.iter().zip(lines) {
            out.push_str(&format!("{name} = {value}  # {source}\n"));
        }
        out
    }
}

#[cfg(test)]
mod tests;
