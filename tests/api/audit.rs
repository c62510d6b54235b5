//! The audit log: every change chained; `huanjie audit verify` finds any tampering — of an entry,
//! of a payload's text, of a whole chain, of a tail rewritten with its head, and of the ballots
//! behind a certified result.

use std::path::Path;

use axum::http::Method;
use huanjie::audit::Entry;
use huanjie::db::Q;
use serde_json::json;

use crate::counting_fixtures::{certify, for_names, review, room, vote};
use crate::helpers::{B, TestApp, Who};

/// Makes a few changes in sg01's chain; returns the chain's entry ids in order.
pub async fn history(app: &TestApp) -> Vec<i64> {
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

/// Runs the huanjie binary on the app's database with `args` and, if given, the anchor key file;
/// returns its exit code and its output (standard output, then standard error).
pub fn huanjie_cli(app: &TestApp, args: &[&str], key: Option<&Path>) -> (i32, String) {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_huanjie"));
    cmd.args(args).env("DATABASE_URL", &app.url);
    match key {
        Some(k) => cmd.env("HUANJIE_ANCHOR_KEY", k),
        None => cmd.env("HUANJIE_ANCHOR_KEY", ""),
    };
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn verify_binary(app: &TestApp) -> (i32, String) {
    huanjie_cli(app, &["audit", "verify"], None)
}

/// Rewrites a chain from `seq` on the way someone with write access to the database would: the
/// entry at `seq` changed by `tamper`, every hash from there recomputed, the head moved along.
/// The chain on its own then verifies.
pub async fn rewrite_tail(app: &TestApp, scope: &str, seq: i64, tamper: impl FnOnce(&mut Entry)) {
    let mut entries: Vec<Entry> =
        Q::new("select * from audit_log where scope = $1 and seq >= $2 order by seq")
            .bind(scope)
            .bind(seq)
            .all(&app.state.db)
            .await
            .unwrap();
    tamper(&mut entries[0]);
    let mut prev = entries[0].prev_hash.clone();
    for e in &mut entries {
        e.prev_hash = prev;
        e.hash = huanjie::audit::entry_hash(e);
        prev = e.hash.clone();
        Q::new("update audit_log set actor = $1, after_json = $2, prev_hash = $3, hash = $4 where id = $5")
            .bind(&e.actor)
            .bind(e.after_json.clone())
            .bind(&e.prev_hash)
            .bind(&e.hash)
            .bind(e.id)
            .execute(&app.state.db)
            .await
            .unwrap();
    }
    let last = entries.last().unwrap();
    Q::new("update audit_heads set seq = $1, hash = $2 where scope = $3")
        .bind(last.seq)
        .bind(&last.hash)
        .bind(scope)
        .execute(&app.state.db)
        .await
        .unwrap();
}

/// Sets a column of one audit entry to `text` (NULL for `None`).
async fn set_payload(app: &TestApp, column: &str, id: i64, text: Option<&str>) {
    Q::new(format!("update audit_log set {column} = $1 where id = $2"))
        .bind(text.map(str::to_string))
        .bind(id)
        .execute(&app.state.db)
        .await
        .unwrap();
}

/// A certified 委员 vote of sg01 (four ballots for 丁一 and 王二, one invalid); returns its id.
pub async fn certified_vote(app: &mut TestApp) -> i64 {
    let room = room(app).await;
    let v = vote(app, room.meeting, true).await;
    let mut ballots = vec![for_names(&["丁一", "王二"]); 4];
    ballots.push(json!({"invalid": true, "reason": "多画"}));
    review(app, &room, v, &ballots).await;
    certify(app, v).await;
    v
}

/// The certification entry of a vote: (seq, id).
async fn certification(app: &TestApp, vote: i64) -> (i64, i64) {
    Q::new("select seq, id from audit_log where action = 'certify' and entity = 'vote' and entity_id = $1")
        .bind(vote.to_string())
        .one(&app.state.db)
        .await
        .unwrap()
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

#[tokio::test]
async fn a_null_payload_replaced_with_any_text_is_found() {
    let app = TestApp::spawn().await;
    let ids = history(&app).await;
    // A group's creation has no state before it: before_json is NULL. Unreadable text and the
    // text `null` hash as NULL did; the text rule finds them, the hash finds real JSON.
    for text in ["篡改", "null", "{\"name\":\"篡改\"}"] {
        set_payload(&app, "before_json", ids[1], Some(text)).await;
        let (code, out) = verify_binary(&app);
        assert_eq!(code, 1, "{text}: {out}");
        assert!(
            out.contains(&format!("链 community:sg01 第 2 条（记录 id {}）", ids[1]))
                && out.contains("被修改"),
            "{text}: {out}"
        );
    }
    set_payload(&app, "before_json", ids[1], None).await;
    assert_eq!(verify_binary(&app).0, 0, "restored, the chain verifies");
}

#[tokio::test]
async fn an_after_json_made_unreadable_or_spelt_differently_is_found() {
    let app = TestApp::spawn().await;
    let ids = history(&app).await;
    let (original,): (String,) = Q::new("select after_json from audit_log where id = $1")
        .bind(ids[2])
        .one(&app.state.db)
        .await
        .unwrap();
    // The same JSON with other spacing hashes the same: only the text rule sees it.
    let respelt = serde_json::to_string_pretty(
        &serde_json::from_str::<serde_json::Value>(&original).unwrap(),
    )
    .unwrap();
    for text in ["{\"name\":", "不是 JSON", respelt.as_str()] {
        set_payload(&app, "after_json", ids[2], Some(text)).await;
        let (code, out) = verify_binary(&app);
        assert_eq!(code, 1, "{text}: {out}");
        assert!(
            out.contains(&format!("链 community:sg01 第 3 条（记录 id {}）", ids[2]))
                && out.contains("after_json"),
            "{text}: {out}"
        );
    }
    set_payload(&app, "after_json", ids[2], Some(&original)).await;
    assert_eq!(verify_binary(&app).0, 0, "restored, the chain verifies");
}

#[tokio::test]
async fn a_whole_chain_deleted_with_its_head_is_found() {
    let app = TestApp::spawn().await;
    history(&app).await;
    for scope in ["community:sg02", "street"] {
        for table in ["audit_log", "audit_heads"] {
            Q::new(format!("delete from {table} where scope = $1"))
                .bind(scope)
                .execute(&app.state.db)
                .await
                .unwrap();
        }
    }
    let (code, out) = verify_binary(&app);
    assert_eq!(code, 1, "{out}");
    for scope in ["community:sg02", "street"] {
        assert!(
            out.contains(&format!("链 {scope}：整条链连同链头都不存在")),
            "{scope}: {out}"
        );
    }
    assert!(!out.contains("community:sg01"), "sg01 is intact: {out}");
}

#[tokio::test]
async fn a_tail_rewritten_with_its_head_is_found_through_the_certified_vote() {
    let mut app = TestApp::spawn().await;
    let v = certified_vote(&mut app).await;
    let (code, out) = verify_binary(&app);
    assert_eq!(code, 0, "a certified vote as certified verifies: {out}");
    let (seq, id) = certification(&app, v).await;
    rewrite_tail(&app, "community:sg01", seq, |e| e.actor = "mallory".into()).await;
    assert!(
        huanjie::audit::verify(&app.state.db)
            .await
            .unwrap()
            .is_empty(),
        "the rewritten chain is consistent in itself"
    );
    let (code, out) = verify_binary(&app);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("链 community:sg01")
            && out.contains(&format!("投票 {v}"))
            && out.contains("已不在本链中"),
        "{out}"
    );
    assert!(!out.contains(&format!("记录 id {id}")), "{out}");
}

#[tokio::test]
async fn a_ballot_changed_after_certification_is_found_by_recounting() {
    let mut app = TestApp::spawn().await;
    let v = certified_vote(&mut app).await;
    let (seq, id) = certification(&app, v).await;
    let changed = Q::new(
        "update ballots set ballot = replace(ballot, '丁一', '李三') where vote_id = $1 and ballot like '%丁一%'",
    )
    .bind(v)
    .execute(&app.state.db)
    .await
    .unwrap();
    assert_eq!(changed, 4);
    let (code, out) = verify_binary(&app);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains(&format!("链 community:sg01 第 {seq} 条（记录 id {id}）"))
            && out.contains(&format!("投票 {v}"))
            && out.contains("重新计票")
            && out.contains("委员 丁一：确认 4/"),
        "{out}"
    );
}

#[tokio::test]
async fn a_certified_result_changed_in_the_votes_table_is_found() {
    let mut app = TestApp::spawn().await;
    let v = certified_vote(&mut app).await;
    let (result,): (String,) = Q::new("select result from votes where id = $1")
        .bind(v)
        .one(&app.state.db)
        .await
        .unwrap();
    let mut r: serde_json::Value = serde_json::from_str(&result).unwrap();
    r["posts"][0]["elected"] = json!(["丁一", "李三"]);
    Q::new("update votes set result = $1 where id = $2")
        .bind(r.to_string())
        .bind(v)
        .execute(&app.state.db)
        .await
        .unwrap();
    let (code, out) = verify_binary(&app);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("与链中确认记录的结果不符") && out.contains("当选：确认 丁一、李三"),
        "{out}"
    );
}
