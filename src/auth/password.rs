//! Password hashing with argon2id, always off the async runtime, a few hashes at a time.

use argon2::{Algorithm, Argon2, Params, PasswordHasher, PasswordVerifier, Version};

use crate::config::PasswordCost;
use crate::error::AppError;

/// Hashes computed at once, at most. Each argon2 hash holds its memory cost (tens of MiB) while
/// it runs; a burst of logins — every counter and scrutineer of an evening, or an attacker —
/// would otherwise run as many as the blocking pool has threads and leave the allocator holding
/// their peak. Waiting logins queue instead; two per core keeps the cores busy.
const CONCURRENT_HASHES: usize = 4;

/// The permits of [`CONCURRENT_HASHES`].
static HASHING: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(CONCURRENT_HASHES);

/// Runs one argon2 computation on a blocking thread once a permit is free.
async fn hashing<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    let _permit = HASHING
        .acquire()
        .await
        .map_err(|_| AppError::internal("password hashing: semaphore closed"))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| AppError::internal(format!("join: {e}")))
}

/// Minimum password length accepted for new passwords.
pub const MIN_LEN: usize = 8;

/// Hashes a password (argon2id at the configured cost, random salt) on a blocking thread.
pub async fn hash(password: &str, cost: PasswordCost) -> Result<String, AppError> {
    let pw = password.to_string();
    let params = Params::new(cost.memory_kib, cost.iterations, cost.parallelism, None)
        .map_err(|e| AppError::internal(format!("argon2 params: {e}")))?;
    hashing(move || {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password(pw.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal(format!("hash: {e}")))
    })
    .await?
}

/// Checks a password against a stored hash on a blocking thread (the hash names its own
/// algorithm and cost).
pub async fn verify(password: &str, stored: &str) -> bool {
    let (pw, stored) = (password.to_string(), stored.to_string());
    hashing(move || {
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

/// The lowest zxcvbn score (0–4) a new password needs: 3 is "safely unguessable", about
/// 10^10 guesses, which an argon2 hash makes an offline attack of years.
pub const MIN_SCORE: u8 = 3;

/// Checks a new password's strength: at least [`MIN_LEN`] characters, not the login name, and a
/// zxcvbn score of at least [`MIN_SCORE`] (the login name counts as known to an attacker).
/// Returns a Chinese message that says why a password is refused.
pub fn check_new(password: &str, username: &str) -> Result<(), AppError> {
    let refuse = |why: String| Err(AppError::invalid("新密码", why));
    if password.chars().count() < MIN_LEN || password.trim().is_empty() {
        return refuse(format!("密码至少 {MIN_LEN} 位，且不能全是空格"));
    }
    if password.chars().count() > 128 {
        return refuse("密码最多 128 位".into());
    }
    if !username.is_empty() && password.to_lowercase().contains(&username.to_lowercase()) {
        return refuse("密码不能包含用户名".into());
    }
    let estimate = zxcvbn::zxcvbn(password, &[username]);
    if u8::from(estimate.score()) >= MIN_SCORE {
        return Ok(());
    }
    let why = estimate
        .feedback()
        .and_then(|f| f.warning())
        .map(warning_text)
        .unwrap_or("容易被猜到");
    refuse(format!(
        "密码强度不够：{why}。请使用更长的密码，例如几个不相关的词或拼音加数字和符号的组合"
    ))
}

/// The Chinese reason for a zxcvbn warning.
fn warning_text(w: zxcvbn::feedback::Warning) -> &'static str {
    use zxcvbn::feedback::Warning as W;
    match w {
        W::StraightRowsOfKeysAreEasyToGuess | W::ShortKeyboardPatternsAreEasyToGuess => {
            "键盘上连续的按键很容易被猜到"
        }
        W::RepeatsLikeAaaAreEasyToGuess | W::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => {
            "重复的字符或片段很容易被猜到"
        }
        W::ThisIsATop10Password | W::ThisIsATop100Password | W::ThisIsACommonPassword => {
            "这是常用密码"
        }
        W::ThisIsSimilarToACommonlyUsedPassword => "与常用密码相近",
        W::SequencesLikeAbcAreEasyToGuess => "abc、123 这样的顺序很容易被猜到",
        W::RecentYearsAreEasyToGuess | W::DatesAreOftenEasyToGuess => "年份和日期很容易被猜到",
        W::AWordByItselfIsEasyToGuess => "单个词很容易被猜到",
        W::NamesAndSurnamesByThemselvesAreEasyToGuess | W::CommonNamesAndSurnamesAreEasyToGuess => {
            "姓名很容易被猜到"
        }
    }
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

    #[test]
    fn weak_passwords_are_refused_with_a_chinese_reason_and_strong_ones_pass() {
        for (pw, user) in [
            ("password", "wang"),
            ("        ", "wang"),
            ("wangwei88", "wangwei88"),
            ("qwertyuiop", "li"),
            ("12345678", "li"),
        ] {
            let e = check_new(pw, user).expect_err(pw).message();
            assert!(e.starts_with("新密码："), "{pw}: {e}");
            assert!(!e.contains("password") && !e.is_ascii(), "{pw}: {e}");
        }
        assert!(
            check_new("password", "wang")
                .unwrap_err()
                .message()
                .contains("常用密码")
        );
        assert!(
            check_new("xiaowang-2027", "xiaowang")
                .unwrap_err()
                .message()
                .contains("用户名")
        );
        for pw in ["Tx7#kLm2qP", "shu-hua-jia-yuan-27", &random()] {
            check_new(pw, "wang").unwrap_or_else(|e| panic!("{pw}: {}", e.message()));
        }
    }

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

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn no_more_than_the_bound_of_hashes_run_at_once() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicUsize, Ordering};
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..12)
            .map(|_| {
                let (running, most) = (running.clone(), most.clone());
                tokio::spawn(hashing(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    // Long enough for the others to pile up behind the permits.
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    running.fetch_sub(1, Ordering::SeqCst);
                }))
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let most = most.load(Ordering::SeqCst);
        assert!(most <= CONCURRENT_HASHES, "{most} at once");
        assert!(most >= 2, "the permits let hashes run side by side: {most}");
    }
}
