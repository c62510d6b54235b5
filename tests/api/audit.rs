//! The audit log: every change chained; `huanjie audit verify` finds any tampering.

use axum::http::Method;
use huanjie::db::Q;
use serde_json::json;

use crate::helpers::{B, TestApp, Who};

/// Makes a few changes in sg01's chain; returns the chain's entry ids in order.
async fn history(app: &TestApp) -> Vec<i64> {
    for name in [
        "第一居民小组",
        "第二居民小组",
        "第三居民小组",
        "第四居民小组",
    ] {
        let r = app
            .call(
                Who::Community,
                Method::POST,
                "/api/v1/communities/sg01/groups",
                B::Json(json!({"name": name})),
            )
            .await;
        assert_eq!(r.status, 201, "{}", r.text);
    }
    let ids: Vec<(i64,)> =
        Q::new("select id from audit_log where scope = 'community:sg01' order by seq")
            .all(&app.state.db)
            .await
            .unwrap();
    ids.into_iter().map(|(i,)| i).collect()
}

fn verify_binary(app: &TestApp) -> (i32, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_huanjie"))
        .args(["audit", "verify"])
        .env("DATABASE_URL", &app.url)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[tokio::test]
async fn an_untouched_log_verifies_and_each_entry_records_who_and_what() {
    let app = TestApp::spawn().await;
    history(&app).await;
    let (code, out) = verify_binary(&app);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("全部校验通过"));
    let r = app
        .call(
            Who::Street,
            Method::GET,
            "/api/v1/audit?scope=community:sg01&entity=resident_group",
            B::Empty,
        )
        .await;
    let entries = r.json()["entries"].as_array().unwrap().clone();
    assert_eq!(entries.len(), 4);
    assert_eq!(entries[0]["actor"], "t-community");
    assert!(
        entries[0]["after_json"]
            .as_str()
            .unwrap()
            .contains("第四居民小组")
    );
}

#[tokio::test]
async fn a_changed_entry_is_found_and_named() {
    let app = TestApp::spawn().await;
    let ids = history(&app).await;
    Q::new("update audit_log set after_json = '{\"name\":\"篡改\"}' where id = $1")
        .bind(ids[2])
        .execute(&app.state.db)
        .await
        .unwrap();
    let (code, out) = verify_binary(&app);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("记录 id {}", ids[2])) && out.contains("被修改"),
        "{out}"
    );
}

#[tokio::test]
async fn an_inserted_entry_is_found() {
    let app = TestApp::spawn().await;
    let ids = history(&app).await;
    // Make room for an entry in the middle, then insert one with a plausible hash.
    // Two steps, so no intermediate state breaks the unique (scope, seq) key.
    Q::new("update audit_log set seq = seq + 1000 where scope = 'community:sg01' and seq >= 3")
        .execute(&app.state.db)
        .await
        .unwrap();
    Q::new("update audit_log set seq = seq - 999 where scope = 'community:sg01' and seq >= 1000")
        .execute(&app.state.db)
        .await
        .unwrap();
    let prev: (String,) = Q::new("select hash from audit_log where id = $1")
        .bind(ids[1])
        .one(&app.state.db)
        .await
        .unwrap();
    Q::new("insert into audit_log (scope, seq, at, actor, action, entity, entity_id, prev_hash, hash) values ('community:sg01', 3, $1, 'mallory', 'create', 'x', '1', $2, $2)")
        .bind(huanjie::now())
        .bind(prev.0)
        .execute(&app.state.db)
        .await
        .unwrap();
    let (code, out) = verify_binary(&app);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("community:sg01 第 3 条"), "{out}");
}

#[tokio::test]
async fn a_deleted_middle_entry_is_found() {
    let app = TestApp::spawn().await;
    let ids = history(&app).await;
    Q::new("delete from audit_log where id = $1")
        .bind(ids[1])
        .execute(&app.state.db)
        .await
        .unwrap();
    let (code, out) = verify_binary(&app);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("记录 id {}", ids[2])),
        "the entry after the gap is named: {out}"
    );
}

#[tokio::test]
async fn a_deleted_last_entry_is_found_through_the_chain_head() {
    let app = TestApp::spawn().await;
    let ids = history(&app).await;
    Q::new("delete from audit_log where id = $1")
        .bind(*ids.last().unwrap())
        .execute(&app.state.db)
        .await
        .unwrap();
    let (code, out) = verify_binary(&app);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("链头") && out.contains("community:sg01"),
        "{out}"
    );
}

#[tokio::test]
async fn the_hash_of_an_entry_does_not_depend_on_the_backend() {
    let e = huanjie::audit::Entry {
        id: 7,
        scope: "street".into(),
        seq: 1,
        at: chrono::DateTime::parse_from_rfc3339("2027-04-01T08:00:00.123456Z")
            .unwrap()
            .into(),
        actor_id: Some(1),
        actor: "admin".into(),
        action: "create".into(),
        entity: "community".into(),
        entity_id: "1".into(),
        before_json: None,
        after_json: Some("{\"name\":\"一号\",\"code\":\"sg01\"}".into()),
        prev_hash: huanjie::audit::GENESIS.into(),
        hash: String::new(),
    };
    // Key order and row id do not matter; the content does.
    let mut reordered = e.clone();
    reordered.after_json = Some("{\"code\":\"sg01\",\"name\":\"一号\"}".into());
    reordered.id = 99;
    assert_eq!(
        huanjie::audit::entry_hash(&e),
        huanjie::audit::entry_hash(&reordered)
    );
    let mut changed = e.clone();
    changed.actor = "admin2".into();
    assert_ne!(
        huanjie::audit::entry_hash(&e),
        huanjie::audit::entry_hash(&changed)
    );
}
