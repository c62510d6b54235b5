//! `huanjie audit verify [--anchor FILE]` and `huanjie audit anchor FILE`: the chains, the
//! certified votes and the anchor checked together, every problem printed in Chinese naming its
//! chain and entry, exit code 1 when there is any.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use ed25519_dalek::SigningKey;

use crate::audit::anchor::{self, Anchor};
use crate::audit::{Break, Head};
use crate::state::AppState;

/// Every problem found without an anchor: the chains, and the certified votes.
async fn problems(state: &AppState) -> Result<Vec<Break>, String> {
    let mut breaks = crate::audit::verify(&state.db)
        .await
        .map_err(|e| e.to_string())?;
    breaks.extend(
        crate::counting::check_certified(&state.db)
            .await
            .map_err(|e| e.to_string())?,
    );
    Ok(breaks)
}

/// Prints problems, one a line, naming the chain and the entry.
fn print_breaks(breaks: &[Break]) {
    for b in breaks {
        match b.entry_id {
            Some(id) => println!(
                "链 {} 第 {} 条（记录 id {id}）：{}",
                b.scope, b.seq, b.problem
            ),
            None if b.seq > 0 => println!("链 {} 第 {} 条：{}", b.scope, b.seq, b.problem),
            None => println!("链 {}：{}", b.scope, b.problem),
        }
    }
    let chains: BTreeSet<&str> = breaks.iter().map(|b| b.scope.as_str()).collect();
    println!(
        "审计日志校验失败：{} 条链上发现 {} 处问题。",
        chains.len(),
        breaks.len()
    );
}

fn print_heads(heads: &[Head]) {
    for h in heads {
        println!("  {:<24} {:>6} 条  {}", h.scope, h.seq, h.hash);
    }
}

/// The configured key file, or why there is none.
fn key_path(state: &AppState) -> Result<&Path, String> {
    state.config.anchor_key.as_deref().ok_or_else(|| {
        "未配置锚定密钥：请在环境变量或 .env 中设置 HUANJIE_ANCHOR_KEY（密钥文件的路径，放在数据库之外）。".to_string()
    })
}

/// The configured key, warning when its file is readable by others.
fn configured_key(state: &AppState) -> Result<SigningKey, String> {
    let path = key_path(state)?;
    if let Some(w) = anchor::permission_warning(path) {
        eprintln!("{w}");
    }
    anchor::load_key(path)
}

/// `huanjie audit verify [--anchor FILE]`.
pub async fn verify(state: &AppState, file: Option<&Path>) -> Result<ExitCode, String> {
    // The anchor is read first: no key or no file is a mistake of the command, not a finding.
    let anchored = match file {
        Some(file) => {
            let key = configured_key(state)?.verifying_key();
            let text = std::fs::read_to_string(file)
                .map_err(|e| format!("无法读取锚定文件 {}：{e}", file.display()))?;
            Some(
                Anchor::parse_signed(&text, &key)
                    .map_err(|why| format!("锚定文件 {} 不可信：{why}。", file.display())),
            )
        }
        None => None,
    };
    let mut breaks = problems(state).await?;
    if let Some(Ok(a)) = &anchored {
        breaks.extend(
            anchor::check(&state.db, a)
                .await
                .map_err(|e| e.to_string())?,
        );
    }
    let untrusted = anchored.as_ref().and_then(|a| a.as_ref().err());
    if !breaks.is_empty() {
        print_breaks(&breaks);
    }
    if let Some(why) = untrusted {
        println!("{why}");
    }
    if !breaks.is_empty() || untrusted.is_some() {
        return Ok(ExitCode::from(1));
    }
    let heads = crate::audit::heads(&state.db)
        .await
        .map_err(|e| e.to_string())?;
    println!("审计日志完整：{} 条链全部校验通过。", heads.len());
    print_heads(&heads);
    if let Some(Ok(a)) = anchored {
        println!(
            "锚定文件签名有效（锚定于 {}，公钥指纹 {}）：锚定的 {} 条链头都仍在链中。",
            a.created_at,
            a.fingerprint,
            a.heads.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `huanjie audit anchor FILE`: chains that do not verify are not anchored.
pub async fn anchor(state: &AppState, file: &Path) -> Result<ExitCode, String> {
    let path = key_path(state)?;
    let breaks = problems(state).await?;
    if !breaks.is_empty() {
        print_breaks(&breaks);
        println!("审计日志未通过校验，不写锚定文件。");
        return Ok(ExitCode::from(1));
    }
    let (key, created) = anchor::load_or_create_key(path)?;
    let fingerprint = anchor::fingerprint(&key.verifying_key());
    if created {
        println!(
            "锚定密钥文件 {} 不存在，已生成新密钥（文件权限 0600），公钥指纹 {fingerprint}。",
            path.display()
        );
        println!(
            "请把密钥文件保存在数据库及其备份之外，并另存一份副本：锚定文件只能用签名它的密钥核对。"
        );
    } else if let Some(w) = anchor::permission_warning(path) {
        eprintln!("{w}");
    }
    let heads = crate::audit::heads(&state.db)
        .await
        .map_err(|e| e.to_string())?;
    let signed = Anchor::sign(heads, &key);
    let text = serde_json::to_string_pretty(&signed).map_err(|e| e.to_string())?;
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(file)
        .map_err(|e| {
            format!(
                "无法新建锚定文件 {}（已有的锚定文件不会被覆盖）：{e}",
                file.display()
            )
        })?;
    writeln!(out, "{text}")
        .and_then(|_| out.sync_all())
        .map_err(|e| format!("无法写入锚定文件 {}：{e}", file.display()))?;
    println!(
        "已写入锚定文件 {}：{} 条链头，公钥指纹 {fingerprint}。",
        file.display(),
        signed.heads.len()
    );
    print_heads(&signed.heads);
    println!("请把锚定文件交街道另行保存；日后用 huanjie audit verify --anchor 该文件 核对。");
    Ok(ExitCode::SUCCESS)
}
