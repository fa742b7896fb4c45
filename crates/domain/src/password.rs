//! The password policy: length, character classes, no username inside. The
//! history rule ("not one of the last 5") needs the stored hashes and is applied
//! by the account use case with `PasswordPolicy::history`.

use crate::invalid::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub min_length: usize,
    /// How many of the four classes (lower, upper, digit, symbol) are needed.
    pub min_classes: usize,
    /// How many previous passwords may not be reused.
    pub history: usize,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self {
            min_length: 8,
            min_classes: 3,
            history: 5,
        }
    }
}

pub const MAX_PASSWORD_LENGTH: usize = 128;

impl PasswordPolicy {
    /// Checks a new password for `username`; the field is `password`.
    pub fn check(&self, username: &str, password: &str) -> Result<(), Invalid> {
        let field = "password";
        let length = password.chars().count();
        if length < self.min_length {
            return Err(Invalid::one(field, "error.password.too_short"));
        }
        if length > MAX_PASSWORD_LENGTH {
            return Err(Invalid::one(field, "error.password.too_long"));
        }
        if character_classes(password) < self.min_classes {
            return Err(Invalid::one(field, "error.password.too_simple"));
        }
        let lowered = password.to_lowercase();
        if !username.is_empty() && lowered.contains(&username.to_lowercase()) {
            return Err(Invalid::one(field, "error.password.contains_username"));
        }
        Ok(())
    }
}

fn character_classes(password: &str) -> usize {
    let lower = password.chars().any(|c| c.is_lowercase());
    let upper = password.chars().any(|c| c.is_uppercase());
    let digit = password.chars().any(|c| c.is_ascii_digit());
    let symbol = password
        .chars()
        .any(|c| !c.is_alphanumeric() && !c.is_whitespace());
    [lower, upper, digit, symbol]
        .into_iter()
        .filter(|b| *b)
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(result: Result<(), Invalid>) -> Option<String> {
        result.err().map(|e| e.errors[0].code.clone())
    }

    #[test]
    fn policy_rules() {
        let policy = PasswordPolicy::default();
        assert_eq!(
            code(policy.check("li", "Ab1!")).as_deref(),
            Some("error.password.too_short")
        );
        assert_eq!(
            code(policy.check("li", "abcdefgh1")).as_deref(),
            Some("error.password.too_simple")
        );
        assert_eq!(
            code(policy.check("zhangsan", "Zhangsan#2026")).as_deref(),
            Some("error.password.contains_username")
        );
        assert_eq!(policy.check("zhangsan", "Dangjian#2026"), Ok(()));
        assert_eq!(policy.check("li", "dangjian2026!"), Ok(()));
    }
}
