//! The security policy a system administrator sets: lockout, idle timeout and
//! password expiry. Stored as settings; parsed and bounded here.

use std::collections::BTreeMap;

use crate::invalid::Invalid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityPolicy {
    /// Failed logins for one account within the window that lock it.
    pub lockout_account_failures: u32,
    /// Failed logins from one client address within the window that lock it.
    pub lockout_address_failures: u32,
    pub lockout_window_minutes: u32,
    pub idle_timeout_minutes: u32,
    /// Days after which a password must be changed; 0 means never.
    pub password_expiry_days: u32,
}

impl Default for SecurityPolicy {
    fn default() -> Self {
        Self {
            lockout_account_failures: 5,
            lockout_address_failures: 5,
            lockout_window_minutes: 15,
            idle_timeout_minutes: 30,
            password_expiry_days: 90,
        }
    }
}

/// One setting: its key, bounds and how to read it from a policy.
struct Knob {
    key: &'static str,
    min: u32,
    max: u32,
    get: fn(&SecurityPolicy) -> u32,
    set: fn(&mut SecurityPolicy, u32),
}

const KNOBS: [Knob; 5] = [
    Knob {
        key: "security.lockout_account_failures",
        min: 3,
        max: 20,
        get: |p| p.lockout_account_failures,
        set: |p, v| p.lockout_account_failures = v,
    },
    Knob {
        key: "security.lockout_address_failures",
        min: 3,
        max: 1000,
        get: |p| p.lockout_address_failures,
        set: |p, v| p.lockout_address_failures = v,
    },
    Knob {
        key: "security.lockout_window_minutes",
        min: 1,
        max: 1440,
        get: |p| p.lockout_window_minutes,
        set: |p, v| p.lockout_window_minutes = v,
    },
    Knob {
        key: "security.idle_timeout_minutes",
        min: 5,
        max: 30,
        get: |p| p.idle_timeout_minutes,
        set: |p, v| p.idle_timeout_minutes = v,
    },
    Knob {
        key: "security.password_expiry_days",
        min: 0,
        max: 365,
        get: |p| p.password_expiry_days,
        set: |p, v| p.password_expiry_days = v,
    },
];

impl SecurityPolicy {
    /// The settings keys with their current values, in display order.
    pub fn to_settings(&self) -> Vec<(&'static str, String)> {
        KNOBS
            .iter()
            .map(|k| (k.key, (k.get)(self).to_string()))
            .collect()
    }

    /// Bounds of a key, for the settings form.
    pub fn bounds(key: &str) -> Option<(u32, u32)> {
        KNOBS.iter().find(|k| k.key == key).map(|k| (k.min, k.max))
    }

    /// Reads a policy from stored settings; unknown or absent keys keep their
    /// defaults, stored values out of bounds are clamped (they were validated
    /// when written, so this only guards against hand-edited rows).
    pub fn from_settings(stored: &BTreeMap<String, String>) -> Self {
        let mut policy = Self::default();
        for knob in &KNOBS {
            if let Some(value) = stored.get(knob.key).and_then(|v| v.parse::<u32>().ok()) {
                (knob.set)(&mut policy, value.clamp(knob.min, knob.max));
            }
        }
        policy
    }

    /// Applies submitted values (key -> text), refusing any out of bounds.
    /// The field name of an error is the settings key.
    pub fn with_changes(&self, submitted: &BTreeMap<String, String>) -> Result<Self, Invalid> {
        let mut policy = *self;
        let mut invalid = Invalid::default();
        for (key, text) in submitted {
            let Some(knob) = KNOBS.iter().find(|k| k.key == key) else {
                invalid.push(key, "error.settings.unknown_key");
                continue;
            };
            match text.trim().parse::<u32>() {
                Ok(v) if (knob.min..=knob.max).contains(&v) => (knob.set)(&mut policy, v),
                _ => invalid.push(key, "error.settings.out_of_range"),
            }
        }
        invalid.into_result().map(|()| policy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_round_trip_and_bounds() {
        let policy = SecurityPolicy::default();
        let stored: BTreeMap<String, String> = policy
            .to_settings()
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
        assert_eq!(SecurityPolicy::from_settings(&stored), policy);

        let mut change = BTreeMap::new();
        change.insert("security.idle_timeout_minutes".to_owned(), "600".to_owned());
        let err = policy.with_changes(&change).unwrap_err();
        assert_eq!(
            err.code_for("security.idle_timeout_minutes"),
            Some("error.settings.out_of_range")
        );

        change.insert("security.idle_timeout_minutes".to_owned(), "15".to_owned());
        assert_eq!(
            policy.with_changes(&change).unwrap().idle_timeout_minutes,
            15
        );
    }
}
