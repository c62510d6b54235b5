//! Anchoring the audit heads outside the database: `huanjie audit anchor FILE` signs them with
//! the key of HUANJIE_ANCHOR_KEY; `huanjie audit verify --anchor FILE` finds a tail rewritten
//! together with its head, which the chains alone cannot; the count report prints the key's
//! fingerprint.

use std::path::{Path, PathBuf};

use axum::http::Method;

use crate::audit::{certified_vote, history, huanjie_cli, rewrite_tail};
use crate::helpers::{B, TestApp, Who, rand_suffix};

/// A temporary directory for key and anchor files, removed on drop.
struct Dir(PathBuf);

impl Dir {
    fn new() -> Dir {
        let p = std::env::temp_dir().join(format!("huanjie-anchor-{}", rand_suffix()));
        std::fs::create_dir_all(&p).unwrap();
        Dir(p)
    }
    fn file(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Dir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn anchor(app: &TestApp, file: &Path, key: &Path) -> (i32, String) {
    huanjie_cli(app, &["audit", "anchor", file.to_str().unwrap()], Some(key))
}

fn verify_anchor(app: &TestApp, file: &Path, key: Option<&Path>) -> (i32, String) {
    huanjie_cli(
        app,
        &["audit", "verify", "--anchor", file.to_str().unwrap()],
        key,
    )
}

/// Adds one more entry to sg01's chain.
async fn one_more_change(app: &TestApp) {
    let r = app
        .call(
            Who::Community,
            Method::POST,
            "/api/v1/communities/sg01/groups",
            B::Json(serde_json::json!({"name": "第五居民小组"})),
        )
        .await;
    assert_eq!(r.status, 201, "{}", r.text);
}

#[tokio::test]
async fn an_untampered_anchor_verifies_and_still_does_once_the_chains_grow() {
    let app = TestApp::spawn().await;
    history(&app).await;
    let dir = Dir::new();
    let (key, file) = (dir.file("anchor.key"), dir.file("anchor-1.json"));
    let (code, out) = anchor(&app, &file, &key);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("已生成新密钥") && out.contains("已写入锚定文件"),
        "{out}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "the key file is the owner's only");
    }
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("community:sg01") && text.contains("signature"),
        "{text}"
    );

    one_more_change(&app).await;
    let (code, out) = verify_anchor(&app, &file, Some(&key));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("锚定文件签名有效"), "{out}");

    // A second anchor uses the same key and never overwrites the first.
    let (code, out) = anchor(&app, &file, &key);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("不会被覆盖"), "{out}");
    let (code, out) = anchor(&app, &dir.file("anchor-2.json"), &key);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("已生成新密钥"), "{out}");
}

#[tokio::test]
async fn a_tail_rewritten_with_its_head_after_anchoring_is_found_by_the_anchor() {
    let app = TestApp::spawn().await;
    history(&app).await;
    let dir = Dir::new();
    let (key, file) = (dir.file("anchor.key"), dir.file("anchor.json"));
    assert_eq!(anchor(&app, &file, &key).0, 0);
    let (head,): (i64,) =
        huanjie::db::Q::new("select seq from audit_heads where scope = 'community:sg01'")
            .one(&app.state.db)
            .await
            .unwrap();
    rewrite_tail(&app, "community:sg01", head - 1, |e| {
        e.after_json = Some("{\"name\":\"篡改\"}".into())
    })
    .await;
    // Without the anchor, the rewritten chain is consistent: nothing to see.
    let (code, out) = huanjie_cli(&app, &["audit", "verify"], None);
    assert_eq!(code, 0, "{out}");
    let (code, out) = verify_anchor(&app, &file, Some(&key));
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("链 community:sg01 第 {head} 条")) && out.contains("被改写"),
        "{out}"
    );
}

#[tokio::test]
async fn an_anchor_edited_or_checked_with_another_key_or_none_is_refused() {
    let app = TestApp::spawn().await;
    history(&app).await;
    let dir = Dir::new();
    let (key, file) = (dir.file("anchor.key"), dir.file("anchor.json"));
    assert_eq!(anchor(&app, &file, &key).0, 0);

    let other = dir.file("other.key");
    assert_eq!(anchor(&app, &dir.file("other.json"), &other).0, 0);
    let (code, out) = verify_anchor(&app, &file, Some(&other));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("另一把密钥"), "{out}");

    let (code, out) = verify_anchor(&app, &file, None);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("未配置锚定密钥"), "{out}");

    // Someone who rewrote the chain edits the anchor to match: the signature no longer does.
    let mut a: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    a["heads"][0]["hash"] = serde_json::json!("0".repeat(64));
    std::fs::write(&file, a.to_string()).unwrap();
    let (code, out) = verify_anchor(&app, &file, Some(&key));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("签名不符"), "{out}");
}

#[tokio::test]
async fn the_count_report_prints_the_anchor_key_fingerprint_or_says_there_is_none() {
    let mut app = TestApp::spawn().await;
    let v = certified_vote(&mut app).await;
    let path = format!("/votes/{v}/report");
    let r = app.call(Who::Street, Method::GET, &path, B::Empty).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(r.text.contains("未配置锚定密钥"), "{}", r.text);

    let dir = Dir::new();
    let key = dir.file("anchor.key");
    let (code, out) = anchor(&app, &dir.file("anchor.json"), &key);
    assert_eq!(code, 0, "{out}");
    let fingerprint = out
        .split("公钥指纹 ")
        .nth(1)
        .map(|rest| rest[..16].to_string())
        .unwrap();
    let mut config = (*app.state.config).clone();
    config.anchor_key = Some(key);
    let state = huanjie::state::AppState::new(app.state.db.clone(), config);
    app.router = huanjie::build_router(state).await.unwrap();
    let r = app.call(Who::Street, Method::GET, &path, B::Empty).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(
        r.text.contains(&format!("锚定公钥指纹：{fingerprint}")),
        "{fingerprint}: {}",
        r.text
    );
}
