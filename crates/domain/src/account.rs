//! Accounts: 谁注册、谁使用、谁负责 — every account is one real person with a
//! name, unit, section and phone, and records who created it.

use serde::Serialize;

use crate::ids::{SectionId, UnitId};
use crate::invalid::Invalid;

/// A login name: 3–32 characters of lowercase letters, digits, `.`, `_`, `-`,
/// starting with a letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Username(String);

impl Username {
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let value = input.trim().to_lowercase();
        let length = value.chars().count();
        let well_formed = (3..=32).contains(&length)
            && value.starts_with(|c: char| c.is_ascii_lowercase())
            && value
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c));
        if well_formed {
            Ok(Self(value))
        } else {
            Err(Invalid::one("username", "error.username.format"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A person's real name, 1–50 characters.
pub fn parse_person_name(input: &str) -> Result<String, Invalid> {
    bounded_text(input, "display_name", 50, "error.person_name.required")
}

/// A phone number: 5–20 characters of digits, spaces, `+` and `-`.
pub fn parse_phone(input: &str) -> Result<String, Invalid> {
    let value = input.trim();
    let digits = value.chars().filter(|c| c.is_ascii_digit()).count();
    let allowed = value
        .chars()
        .all(|c| c.is_ascii_digit() || " +-".contains(c));
    if allowed && (5..=20).contains(&value.len()) && digits >= 5 {
        Ok(value.to_owned())
    } else {
        Err(Invalid::one("phone", "error.phone.format"))
    }
}

/// Longest e-mail address accepted (the length of a forward path in
/// RFC 5321 less its angle brackets).
pub const MAX_EMAIL_CHARS: usize = 254;

/// An optional e-mail address for notifications; empty means none. A
/// simple check of `local@domain.tld` in ASCII, not RFC 5322's grammar: the
/// address is only ever used as a recipient, and a typo in a well-formed
/// address is caught by the person, not by a parser. The domain is
/// lowercased (mail domains are case-blind; the local part may not be).
pub fn parse_email(input: &str) -> Result<Option<String>, Invalid> {
    let value = input.trim();
    if value.is_empty() {
        return Ok(None);
    }
    let invalid = || Invalid::one("email", "error.email.format");
    if value.chars().count() > MAX_EMAIL_CHARS {
        return Err(Invalid::one("email", "error.text.too_long"));
    }
    let (local, domain) = value.rsplit_once('@').ok_or_else(invalid)?;
    if email_local_part_ok(local) && email_domain_ok(domain) {
        Ok(Some(format!("{local}@{}", domain.to_ascii_lowercase())))
    } else {
        Err(invalid())
    }
}

/// 1–64 printable ASCII characters without spaces, quotes, brackets or
/// separators, and no empty dot-separated part.
fn email_local_part_ok(local: &str) -> bool {
    (1..=64).contains(&local.len())
        && local
            .chars()
            .all(|c| c.is_ascii_graphic() && !"@()<>[]\\,;:\"".contains(c))
        && local.split('.').all(|part| !part.is_empty())
}

/// Two or more labels of letters, digits and inner hyphens, the last one
/// of letters only (a top-level domain).
fn email_domain_ok(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    let label_ok = |label: &&str| {
        (1..=63).contains(&label.len())
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    };
    let top_ok = labels
        .last()
        .is_some_and(|top| top.len() >= 2 && top.chars().all(|c| c.is_ascii_alphabetic()));
    domain.len() <= 253 && labels.len() >= 2 && labels.iter().all(label_ok) && top_ok
}

/// Trimmed text of 1..=max characters without control characters.
pub fn bounded_text(input: &str, field: &str, max: usize, code: &str) -> Result<String, Invalid> {
    let value = input.trim();
    let length = value.chars().count();
    if length == 0 {
        return Err(Invalid::one(field, code));
    }
    if length > max {
        return Err(Invalid::one(field, "error.text.too_long"));
    }
    if value.chars().any(char::is_control) {
        return Err(Invalid::one(field, "error.text.control_characters"));
    }
    Ok(value.to_owned())
}

/// A validated request to create an account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAccount {
    pub username: Username,
    pub display_name: String,
    pub phone: String,
    pub unit: UnitId,
    pub section: Option<SectionId>,
    /// Where notifications are also e-mailed (none: in-app only).
    pub email: Option<String>,
}

/// An account form's text, before parsing.
#[derive(Debug, Clone, Copy, Default)]
pub struct AccountInput<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub phone: &'a str,
    pub email: &'a str,
}

impl NewAccount {
    pub fn parse(
        input: AccountInput<'_>,
        unit: Option<UnitId>,
        section: Option<SectionId>,
    ) -> Result<Self, Invalid> {
        let mut invalid = Invalid::default();
        let username = invalid.collect(Username::parse(input.username));
        let display_name = invalid.collect(parse_person_name(input.display_name));
        let phone = invalid.collect(parse_phone(input.phone));
        let email = invalid.collect(parse_email(input.email));
        if unit.is_none() {
            invalid.push("unit_id", "error.unit.required");
        }
        match (username, display_name, phone, email, unit) {
            (Some(username), Some(display_name), Some(phone), Some(email), Some(unit))
                if invalid.is_empty() =>
            {
                Ok(Self {
                    username,
                    display_name,
                    phone,
                    unit,
                    section,
                    email,
                })
            }
            _ => Err(invalid),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames() {
        assert_eq!(Username::parse(" ZhangSan ").unwrap().as_str(), "zhangsan");
        assert!(Username::parse("1abc").is_err());
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("张三").is_err());
    }

    #[test]
    fn new_account_collects_every_error() {
        let input = AccountInput {
            username: "x",
            display_name: "",
            phone: "abc",
            email: "not an address",
        };
        let err = NewAccount::parse(input, None, None).unwrap_err();
        let fields: Vec<_> = err.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["username", "display_name", "phone", "email", "unit_id"]
        );
    }

    #[test]
    fn email_addresses_are_optional_and_simply_checked() {
        assert_eq!(parse_email("  "), Ok(None));
        assert_eq!(
            parse_email(" Li.Ming+review@XNDJ.gov.cn ")
                .unwrap()
                .as_deref(),
            Some("Li.Ming+review@xndj.gov.cn")
        );
        assert!(parse_email("a@b.cn").unwrap().is_some());
        for bad in [
            "liming",
            "liming@",
            "@xndj.gov.cn",
            "li ming@xndj.gov.cn",
            "liming@xndj",
            "liming@xndj..cn",
            "liming@-xndj.cn",
            "liming@xndj.c0",
            ".liming@xndj.cn",
            "li..ming@xndj.cn",
            "李明@xndj.gov.cn",
            "\"li\"@xndj.cn",
            "李明 <liming@xndj.gov.cn>",
            "liming@xndj.cn\r\nBcc: x@y.cn",
        ] {
            assert_eq!(
                parse_email(bad),
                Err(Invalid::one("email", "error.email.format")),
                "{bad:?}"
            );
        }
        let long = format!("{}@xndj.gov.cn", "a".repeat(250));
        assert_eq!(
            parse_email(&long),
            Err(Invalid::one("email", "error.text.too_long"))
        );
    }
}
