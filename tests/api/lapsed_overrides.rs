//! A street override holds for the outcome it was granted for: a refreshed check with the same
//! outcome keeps it; a changed outcome drops it and keeps its reason to be shown as lapsed.

use axum::http::{Method, StatusCode};
use huanjie::checks;
use huanjie::domain::rules::RuleCheck;
use serde_json::{Value, json};

use crate::helpers::{B, TestApp, Who};

fn age_check(age: u32, passed: bool) -> RuleCheck {
    RuleCheck {
        rule: "C-3.age".into(),
        passed,
        numbers: [
            ("年龄".to_string(), json!(age)),
            ("上限".to_string(), json!(40)),
        ]
        .into_iter()
        .collect(),
        source: "街道工作方案".into(),
        message: format!("年龄 {age} 岁，新进人员不超过 40 岁"),
    }
}

async fn save(app: &TestApp, check: &RuleCheck) {
    let mut tx = app.state.db.begin().await.unwrap();
    checks::save(&mut tx, "test_subject", 7, check)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

async fn listed(app: &TestApp) -> Value {
    let r = app
        .call(
            Who::Street,
            Method::GET,
            "/api/v1/checks?subject_type=test_subject&subject_id=7",
            B::Empty,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json()["checks"][0].clone()
}

#[tokio::test]
async fn an_override_survives_an_unchanged_refresh_and_lapses_when_the_outcome_changes() {
    let app = TestApp::spawn().await;
    save(&app, &age_check(43, false)).await;
    let id = listed(&app).await["id"].as_i64().unwrap();
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/checks/{id}/override"),
            B::Json(json!({"reason": "经党工委研究同意"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // The same outcome, refreshed: the override holds.
    save(&app, &age_check(43, false)).await;
    let c = listed(&app).await;
    assert_eq!(c["satisfied"], true, "{c}");
    assert_eq!(c["record"]["override_"]["reason"], "经党工委研究同意");
    assert!(c["record"]["lapsed"].is_null());
    // Another age, still failing: the override was granted for 43, not 45.
    save(&app, &age_check(45, false)).await;
    let c = listed(&app).await;
    assert_eq!(c["satisfied"], false, "{c}");
    assert!(c["record"]["override_"].is_null(), "{c}");
    assert_eq!(c["record"]["lapsed"], "经党工委研究同意", "{c}");
    // A new override clears the lapsed note; a check that now passes drops it again.
    let r = app
        .call(
            Who::Street,
            Method::POST,
            &format!("/api/v1/checks/{id}/override"),
            B::Json(json!({"reason": "再次研究同意"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(listed(&app).await["record"]["lapsed"].is_null());
    save(&app, &age_check(38, true)).await;
    let c = listed(&app).await;
    assert!(c["record"]["override_"].is_null(), "{c}");
    assert_eq!(c["record"]["lapsed"], "再次研究同意");
    assert_eq!(c["satisfied"], true, "passed on its own");
}
