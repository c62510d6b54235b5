//! Password hashing with argon2id, always off the async runtime.

use argon2::{Argon2, PasswordHasher, PasswordVerifier};

use crate::error::AppError;

/// Minimum password length accepted for new passwords.
pub const MIN_LEN: usize = 8;

/// Hashes a password (argon2id, random salt) on a blocking thread.
pub async fn hash(password: &str) -> Result<String, AppError> {
    let pw = password.to_string();
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(pw.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal(format!("hash: {e}")))
    })
    .await
    .map_err(|e| AppError::internal(format!("join: {e}")))?
}

/// Checks a password against a stored hash on a blocking thread.
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
