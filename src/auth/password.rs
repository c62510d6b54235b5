//! Password hashing with argon2id, always off the async runtime.

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

use crate::config::PasswordCost;
use crate::error::AppError;

/// Minimum password length accepted for new passwords.
pub const MIN_LEN: usize = 8;

/// Hashes a password (argon2id at the configured cost, random salt) on a blocking thread.
pub async fn hash(password: &str, cost: PasswordCost) -> Result<String, AppError> {
    let pw = password.to_string();
    let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, None)
        .map_err(|e| AppError::internal(format!("argon2 params: {e}")))?;
    tokio::task::spawn_blocking(move || {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(pw.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal(format!("hash: {e}")))
    })
    .await
    .map_err(|e| AppError::internal(format!("join: {e}")))?
}

/// Checks a password against a stored hash on a blocking thread (the hash names its own
/// algorithm and cost).
pub async fn verify(password: &str, stored: &str) -> bool {
    let (pw, stored) = (password.to_string(), stored.to_string());
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .verify_password(pw.as_bytes(), stored.as_str())
            .is_ok()
    })
    .await
    .unwrap_or(false)
}

/// A well-formed hash of the given cost that no password matches: checked against when a
/// login names an unknown account, so that it takes as long as a known one.
pub fn stand_in_hash(cost: PasswordCost) -> String {
    format!(
        "$argon2id$v=19$m={},t={},p={}$c29tZXNhbHRzb21lc2FsdA$4BBGdTfQjEtk+Z0Ek3sOJbyh5BFmCq1lXzMOEtXhbh0",
        cost.memory_kib, cost.iterations, cost.parallelism
    )
}

/// Checks a new password's strength; returns a Chinese message when it is refused.
pub fn check_new(password: &str) -> Result<(), AppError> {
    if password.chars().count() < MIN_LEN {
        return Err(AppError::invalid(
            "password",
            format!("密码至少 {MIN_LEN} 位"),
        ));
    }
    Ok(())
}

/// A random password of 16 characters without look-alike letters, for printing once.
pub fn random() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let bytes: [u8; 16] = rand::random();
    bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_new_hash_carries_the_configured_cost_and_verifies() {
        let h = hash("correct-horse-9", PasswordCost::MINIMUM)
            .await
            .unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=8,t=1,p=1$"), "{h}");
        assert!(verify("correct-horse-9", &h).await);
        assert!(!verify("wrong-horse-9", &h).await);
        let p = hash("correct-horse-9", PasswordCost::PRODUCTION)
            .await
            .unwrap();
        assert!(p.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{p}");
    }

    #[tokio::test]
    async fn the_stand_in_hash_has_the_cost_of_real_ones_and_matches_no_password() {
        for cost in [PasswordCost::MINIMUM, PasswordCost::PRODUCTION] {
            let h = stand_in_hash(cost);
            let m = format!(
                "m={},t={},p={}",
                cost.memory_kib, cost.iterations, cost.parallelism
            );
            assert!(h.contains(&m), "{h}");
            argon2::PasswordHash::new(&h).expect("a well-formed hash");
            assert!(!verify("", &h).await && !verify("correct-horse-9", &h).await);
        }
    }
}
