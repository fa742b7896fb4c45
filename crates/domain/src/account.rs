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
}

impl NewAccount {
    pub fn parse(
        username: &str,
        display_name: &str,
        phone: &str,
        unit: Option<UnitId>,
        section: Option<SectionId>,
    ) -> Result<Self, Invalid> {
        let mut invalid = Invalid::default();
        let username = invalid.collect(Username::parse(username));
        let display_name = invalid.collect(parse_person_name(display_name));
        let phone = invalid.collect(parse_phone(phone));
        if unit.is_none() {
            invalid.push("unit_id", "error.unit.required");
        }
        match (username, display_name, phone, unit) {
            (Some(username), Some(display_name), Some(phone), Some(unit)) if invalid.is_empty() => {
                Ok(Self {
                    username,
                    display_name,
                    phone,
                    unit,
                    section,
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
        let err = NewAccount::parse("x", "", "abc", None, None).unwrap_err();
        let fields: Vec<_> = err.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["username", "display_name", "phone", "unit_id"]);
    }
}
