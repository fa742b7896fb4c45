//! Checking one merged value into its type, with a message that names the
//! key, its flag and environment variable, the value and what is accepted.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use dangjian_domain::audit::HashAlgo;
use serde_json::Value;

use super::{ConfigError, Key};

/// The refusal for `value` of `key`.
pub(super) fn invalid(
    key: &Key,
    shown: &str,
    problem: &str,
    source: &dyn Fn(&Key) -> String,
) -> ConfigError {
    ConfigError(format!(
        "invalid {} ({}, {}): {shown:?} {problem}; expected {}\n  (value from {})",
        key.name,
        key.flag,
        key.env,
        key.expected,
        source(key)
    ))
}

/// A scalar as text: environment values arrive parsed (numbers, booleans),
/// file values typed; both are read back as the text a person wrote.
pub(super) fn text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// How a value is shown in a message.
pub(super) fn shown(value: &Value) -> String {
    text(value).unwrap_or_else(|| value.to_string())
}

pub(super) fn is_empty_text(value: &Value) -> bool {
    matches!(value, Value::String(s) if s.trim().is_empty())
}

/// The merged value, which the defaults layer always provides.
fn required<'v>(key: &Key, value: Option<&'v Value>) -> Result<&'v Value, ConfigError> {
    value.ok_or_else(|| {
        ConfigError(format!(
            "{} has no value ({}, {})",
            key.name, key.flag, key.env
        ))
    })
}

pub(super) fn data_dir(
    key: &Key,
    value: Option<&Value>,
    source: &dyn Fn(&Key) -> String,
) -> Result<PathBuf, ConfigError> {
    let value = required(key, value)?;
    match text(value) {
        Some(path) if !path.trim().is_empty() => Ok(PathBuf::from(path)),
        _ => Err(invalid(
            key,
            &shown(value),
            "is not a directory path",
            source,
        )),
    }
}

pub(super) fn database_url(
    key: &Key,
    value: &Value,
    source: &dyn Fn(&Key) -> String,
) -> Result<String, ConfigError> {
    let Some(url) = text(value) else {
        return Err(invalid(key, &shown(value), "is not text", source));
    };
    let url = url.trim().to_owned();
    let supported = ["sqlite:", "postgres://", "postgresql://"]
        .iter()
        .any(|prefix| url.starts_with(prefix));
    if supported {
        Ok(url)
    } else {
        Err(invalid(
            key,
            &redact_url(&url),
            "is not a supported database URL",
            source,
        ))
    }
}

pub(super) fn socket_addr(
    key: &Key,
    value: Option<&Value>,
    source: &dyn Fn(&Key) -> String,
) -> Result<SocketAddr, ConfigError> {
    let value = required(key, value)?;
    text(value)
        .and_then(|t| t.trim().parse::<SocketAddr>().ok())
        .ok_or_else(|| invalid(key, &shown(value), "is not a socket address", source))
}

pub(super) fn audit_hash(
    key: &Key,
    value: Option<&Value>,
    source: &dyn Fn(&Key) -> String,
) -> Result<HashAlgo, ConfigError> {
    let value = required(key, value)?;
    text(value)
        .and_then(|t| HashAlgo::from_code(&t.trim().to_ascii_lowercase()))
        .ok_or_else(|| invalid(key, &shown(value), "is not a known hash algorithm", source))
}

pub(super) fn boolean(
    key: &Key,
    value: Option<&Value>,
    source: &dyn Fn(&Key) -> String,
) -> Result<bool, ConfigError> {
    let value = required(key, value)?;
    let parsed = match value {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "on" | "1" => Some(true),
            "false" | "no" | "off" | "0" => Some(false),
            _ => None,
        },
        Value::Number(n) => match n.as_u64() {
            Some(1) => Some(true),
            Some(0) => Some(false),
            _ => None,
        },
        _ => None,
    };
    parsed.ok_or_else(|| invalid(key, &shown(value), "is not true or false", source))
}

/// A comma-separated string or a list of strings.
pub(super) fn ip_list(
    key: &Key,
    value: Option<&Value>,
    source: &dyn Fn(&Key) -> String,
) -> Result<Vec<IpAddr>, ConfigError> {
    let value = required(key, value)?;
    let items: Vec<String> = match value {
        Value::Array(items) => items.iter().map(shown).collect(),
        other => match text(other) {
            Some(t) => t.split(',').map(str::to_owned).collect(),
            None => {
                return Err(invalid(
                    key,
                    &shown(value),
                    "is not a list of IP addresses",
                    source,
                ));
            }
        },
    };
    items
        .iter()
        .map(|item| item.trim())
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse::<IpAddr>()
                .map_err(|_| invalid(key, item, "is not an IP address", source))
        })
        .collect()
}

/// A path for a `sqlite://` URL: characters that URL parsing would take
/// for something else are percent-encoded (SQLite decodes them).
pub(super) fn encode_path(path: &Path) -> String {
    let mut out = String::new();
    for c in path.to_string_lossy().chars() {
        match c {
            '%' => out.push_str("%25"),
            '?' => out.push_str("%3F"),
            '#' => out.push_str("%23"),
            ' ' => out.push_str("%20"),
            other => out.push(other),
        }
    }
    out
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`; a
/// `password=` query parameter is hidden too.
pub fn redact_url(url: &str) -> String {
    let mut out = url.to_owned();
    if let Some(scheme_end) = out.find("://") {
        let rest_start = scheme_end + 3;
        let authority_end = out[rest_start..]
            .find(['/', '?'])
            .map_or(out.len(), |i| rest_start + i);
        if let Some(at) = out[rest_start..authority_end].rfind('@') {
            let userinfo = &out[rest_start..rest_start + at];
            if let Some(colon) = userinfo.find(':') {
                out.replace_range(rest_start + colon + 1..rest_start + at, "***");
            }
        }
    }
    if let Some(query_start) = out.find('?') {
        let (head, query) = out.split_at(query_start + 1);
        let hidden: Vec<String> = query
            .split('&')
            .map(|pair| match pair.split_once('=') {
                Some((name, _)) if name.eq_ignore_ascii_case("password") => format!("{name}=***"),
                _ => pair.to_owned(),
            })
            .collect();
        out = format!("{head}{}", hidden.join("&"));
    }
    out
}

/// A TOML basic string.
pub fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
