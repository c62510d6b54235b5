//! Anchoring the chain heads outside the database. `huanjie audit anchor FILE` signs the current
//! heads with an Ed25519 key kept in a file of its own (`HUANJIE_ANCHOR_KEY`) and writes them to
//! a file the street keeps; `huanjie audit verify --anchor FILE` checks the signature with the
//! configured key and that every anchored head (chain, seq, hash) is still in its chain.
//!
//! The chain alone cannot stop someone who can write the database from rewriting a tail and its
//! head consistently; an anchor can, as long as the key is not in their hands too.

use std::io::Write;
use std::path::Path;

use chrono::Utc;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::chain::{Break, Head, canonical_time};
use crate::db::{Db, Q};
use crate::error::AppError;

/// The format tag of an anchor file.
pub const FORMAT: &str = "huanjie-audit-anchor/1";

/// The fingerprint of a public key: the first 16 hex digits of the SHA-256 of its 32 bytes.
pub fn fingerprint(key: &VerifyingKey) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))[..16].to_string()
}

/// Reads the key file: one line of 64 hex digits (the 32-byte Ed25519 secret).
pub fn load_key(path: &Path) -> Result<SigningKey, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("无法读取锚定密钥文件 {}：{e}", path.display()))?;
    let bytes: [u8; 32] = hex::decode(text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| {
            format!(
                "锚定密钥文件 {} 的内容不是 64 位十六进制密钥",
                path.display()
            )
        })?;
    Ok(SigningKey::from_bytes(&bytes))
}

/// Reads the key file, or creates it (mode 0600, a fresh random key) when it does not exist.
/// Returns the key and whether it was created.
pub fn load_or_create_key(path: &Path) -> Result<(SigningKey, bool), String> {
    if path.exists() {
        return load_key(path).map(|k| (k, false));
    }
    let secret: [u8; 32] = rand::random();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .map_err(|e| format!("无法创建锚定密钥文件 {}：{e}", path.display()))?;
    writeln!(file, "{}", hex::encode(secret))
        .and_then(|_| file.sync_all())
        .map_err(|e| format!("无法写入锚定密钥文件 {}：{e}", path.display()))?;
    Ok((SigningKey::from_bytes(&secret), true))
}

/// A warning when the key file may be read by others than its owner (Unix only).
pub fn permission_warning(path: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode();
        if mode & 0o077 != 0 {
            return Some(format!(
                "警告：锚定密钥文件 {} 的权限为 {:o}，其他用户也能读取；请改为 600（chmod 600）。",
                path.display(),
                mode & 0o777
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    None
}

/// What a count report prints about the anchor key, in Chinese: its fingerprint, or that none
/// is configured or readable.
pub fn key_line(path: Option<&Path>) -> String {
    match path {
        None => "未配置锚定密钥（HUANJIE_ANCHOR_KEY）：审计链头没有在数据库之外签名留存。".into(),
        Some(p) => match load_key(p) {
            Ok(k) => format!("锚定公钥指纹：{}", fingerprint(&k.verifying_key())),
            Err(e) => format!("锚定公钥指纹：无法取得（{e}）"),
        },
    }
}

/// An anchor file: the heads of every chain at one moment, signed.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Anchor {
    /// [`FORMAT`].
    pub format: String,
    /// When the heads were read (UTC, as the chain writes times).
    pub created_at: String,
    /// Every chain's head.
    pub heads: Vec<Head>,
    /// The signer's public key (hex).
    pub public_key: String,
    /// [`fingerprint`] of the public key, for people comparing it with a count report.
    pub fingerprint: String,
    /// Ed25519 signature (hex) of [`Anchor::message`].
    pub signature: String,
}

impl Anchor {
    /// The signed bytes: canonical JSON (sorted keys) of everything but the signature and the
    /// fingerprint (derived from the public key).
    pub fn message(&self) -> Vec<u8> {
        json!({
            "format": self.format, "created_at": self.created_at,
            "heads": self.heads, "public_key": self.public_key,
        })
        .to_string()
        .into_bytes()
    }

    /// Signs `heads` now with `key`.
    pub fn sign(heads: Vec<Head>, key: &SigningKey) -> Anchor {
        let public = key.verifying_key();
        let mut a = Anchor {
            format: FORMAT.into(),
            created_at: canonical_time(&Utc::now()),
            heads,
            public_key: hex::encode(public.as_bytes()),
            fingerprint: fingerprint(&public),
            signature: String::new(),
        };
        a.signature = hex::encode(key.sign(&a.message()).to_bytes());
        a
    }

    /// Parses an anchor file and checks it was signed by `key` (the configured key's public
    /// half). The error says, in Chinese, why the file cannot be trusted.
    pub fn parse_signed(text: &str, key: &VerifyingKey) -> Result<Anchor, String> {
        let a: Anchor =
            serde_json::from_str(text).map_err(|e| format!("不是 Huanjie 的锚定文件（{e}）"))?;
        if a.format != FORMAT {
            return Err(format!("格式为“{}”，应为“{FORMAT}”", a.format));
        }
        let stored = hex::decode(&a.public_key)
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .and_then(|b| VerifyingKey::from_bytes(&b).ok())
            .ok_or("其中的公钥无法读取")?;
        if stored != *key {
            return Err(format!(
                "由另一把密钥签名（文件中的公钥指纹 {}，本系统配置的公钥指纹 {}）",
                fingerprint(&stored),
                fingerprint(key)
            ));
        }
        let signature = hex::decode(&a.signature)
            .ok()
            .and_then(|b| <[u8; 64]>::try_from(b).ok())
            .map(|b| Signature::from_bytes(&b))
            .ok_or("其中的签名无法读取")?;
        key.verify_strict(&a.message(), &signature)
            .map_err(|_| "签名不符：文件在签名之后被改动".to_string())?;
        Ok(a)
    }
}

/// Checks that the chains still extend a (verified) anchor: each anchored head's seq is still
/// in its chain with the same hash. Returns one break per chain that does not.
pub async fn check(db: &Db, anchor: &Anchor) -> Result<Vec<Break>, AppError> {
    let mut breaks = Vec::new();
    for h in &anchor.heads {
        if h.seq == 0 {
            continue; // an empty chain: nothing to find.
        }
        let found: Option<(i64, String)> =
            Q::new("select id, hash from audit_log where scope = $1 and seq = $2")
                .bind(&h.scope)
                .bind(h.seq)
                .optional(db)
                .await?;
        let problem = match &found {
            None => format!(
                "锚定时链头为第 {} 条，现在链中已没有这一条：链被截短或整条删除",
                h.seq
            ),
            Some((_, hash)) if *hash != h.hash => format!(
                "锚定时第 {} 条的哈希为 {}，现为 {}：锚定之前的记录被改写",
                h.seq, h.hash, hash
            ),
            Some(_) => continue,
        };
        breaks.push(Break {
            scope: h.scope.clone(),
            seq: h.seq,
            entry_id: found.map(|(id, _)| id),
            problem,
        });
    }
    Ok(breaks)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn heads() -> Vec<Head> {
        vec![Head {
            scope: "street".into(),
            seq: 3,
            hash: "ab".repeat(32),
        }]
    }

    #[test]
    fn a_signed_anchor_parses_with_its_key_and_not_with_another() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let text = serde_json::to_string(&Anchor::sign(heads(), &key)).unwrap();
        let a = Anchor::parse_signed(&text, &key.verifying_key()).unwrap();
        assert_eq!(a.heads, heads());
        let other = SigningKey::from_bytes(&[8; 32]);
        let e = Anchor::parse_signed(&text, &other.verifying_key()).unwrap_err();
        assert!(e.contains("另一把密钥"), "{e}");
    }

    #[test]
    fn an_anchor_changed_after_signing_is_refused() {
        let key = SigningKey::from_bytes(&[7; 32]);
        let mut a = Anchor::sign(heads(), &key);
        a.heads[0].seq = 2;
        let text = serde_json::to_string(&a).unwrap();
        let e = Anchor::parse_signed(&text, &key.verifying_key()).unwrap_err();
        assert!(e.contains("签名不符"), "{e}");
    }

    #[test]
    fn a_fingerprint_is_sixteen_hex_digits_of_the_public_key() {
        let key = SigningKey::from_bytes(&[7; 32]).verifying_key();
        let f = fingerprint(&key);
        assert_eq!(f.len(), 16);
        assert!(f.chars().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(
            f,
            fingerprint(&SigningKey::from_bytes(&[8; 32]).verifying_key())
        );
    }
}
