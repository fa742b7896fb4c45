//! Argon2id hashing, run off the async threads (each hash takes tens of
//! milliseconds by design), and one-time passwords for new accounts.

use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use rand::Rng;
use rand::seq::IndexedRandom;

use crate::{AppError, Result};

pub(crate) async fn hash(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(AppError::internal)
    })
    .await
    .map_err(AppError::internal)?
}

/// True when `password` matches `stored`. A malformed stored hash never
/// matches.
pub(crate) async fn verify(password: String, stored: String) -> Result<bool> {
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
    .await
    .map_err(AppError::internal)
}

/// A hash no password matches, verified when the account name is unknown so
/// that failed logins take the same time whether or not the account exists.
pub(crate) const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Vb7JdRmG2q/9xH5VGuZ4AEvSZXzMDUAmdYQ1Ftrg0bE";

const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
const DIGITS: &[u8] = b"23456789";
const SYMBOLS: &[u8] = b"#%+=@";

/// A 14-character one-time password with every character class, without
/// characters that are easily confused (0/O, 1/l/I).
pub(crate) fn one_time() -> String {
    let mut rng = rand::rng();
    let all: Vec<u8> = [LOWER, UPPER, DIGITS, SYMBOLS].concat();
    let mut chars: Vec<u8> = [LOWER, UPPER, DIGITS, SYMBOLS]
        .iter()
        .filter_map(|class| class.choose(&mut rng).copied())
        .collect();
    while chars.len() < 14 {
        chars.push(all[rng.random_range(0..all.len())]);
    }
    for i in (1..chars.len()).rev() {
        chars.swap(i, rng.random_range(0..=i));
    }
    String::from_utf8(chars).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use dangjian_domain::password::PasswordPolicy;

    use super::*;

    #[test]
    fn one_time_passwords_meet_the_policy() {
        for _ in 0..100 {
            let password = one_time();
            assert_eq!(password.len(), 14);
            assert_eq!(
                PasswordPolicy::default().check("someone", &password),
                Ok(())
            );
        }
    }

    #[tokio::test]
    async fn hashes_verify() {
        let hashed = hash("Dangjian#2026".into()).await.unwrap();
        assert!(hashed.starts_with("$argon2id$"));
        assert!(
            verify("Dangjian#2026".into(), hashed.clone())
                .await
                .unwrap()
        );
        assert!(!verify("dangjian#2026".into(), hashed).await.unwrap());
        assert!(!verify("x".into(), DUMMY_HASH.into()).await.unwrap());
    }
}
