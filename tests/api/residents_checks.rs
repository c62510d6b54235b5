//! The street's override (批准放宽) of a residents' pipeline check from its pages: a nominee's
//! failed C-3 check overridden on the nominees page, community staff refused, the statutory
//! quorum refused, another campaign's check not found.

use axum::http::{Method, StatusCode};
use chrono::Datelike;
use huanjie::db::Q;

use crate::browser::{Browser, flash};
use crate::helpers::{B, PASSWORD, TestApp};
use crate::residents_nominees::{nominate, r5_campaign, resident};

/// Posts the override form of check `chk` with the session's CSRF token taken from `page`.
async fn post_override(
    app: &TestApp,
    b: &Browser<'_>,
    page: &str,
    action: &str,
    reason: &str,
) -> crate::helpers::Resp {
    let token = page
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .map(|r| &r[..r.find('"').unwrap()])
        .expect("a CSRF token on the page")
        .to_string();
    app.send(
        Some(&b.client()),
        Method::POST,
        action,
        B::Form(vec![
            ("_csrf".into(), token),
            ("reason".into(), reason.into()),
        ]),
        &[],
    )
    .await
}

async fn check_id(app: &TestApp, subject: &str, sid: i64, rule: &str) -> i64 {
    Q::new("select id from rule_checks where subject_type = $1 and subject_id = $2 and rule = $3")
        .bind(subject)
        .bind(sid)
        .bind(rule)
        .scalar(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_street_overrides_a_nominees_failed_c3_check_on_the_nominees_page() {
    let app = TestApp::spawn().await;
    let c = r5_campaign(&app, "sg01").await;
    let p = resident(&app, "sg01", 3).await;
    Q::new("update people set birth_date = '1970-01-01' where id = $1")
        .bind(p)
        .execute(&app.state.db)
        .await
        .unwrap();
    let r = nominate(&app, crate::helpers::Who::Community, c, p, "member").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let nid = r.json()["id"].as_i64().unwrap();
    let chk = check_id(&app, "resident_nominee", nid, "C-3.age").await;
    let list = format!("/communities/sg01/campaigns/{c}/residents/nominees");
    let action = format!("/communities/sg01/campaigns/{c}/residents/checks/{chk}/override");

    // Community staff see no form and are refused when posting anyway.
    let staff = Browser::log_in(&app, "t-community", PASSWORD).await;
    let page = staff.get(&list).await;
    assert!(page.contains("不通过") && !page.contains(&action), "{page}");
    let denied = post_override(&app, &staff, &page, &action, "经研究同意").await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN, "{}", denied.text);

    let street = Browser::log_in(&app, "t-street", PASSWORD).await;
    let page = street.get(&list).await;
    assert!(
        page.contains(&action),
        "the form posts to the residents' route: {page}"
    );
    assert!(!page.contains("/party/checks/"), "{page}");
    // A reason is required: nothing is stored without one.
    let r = post_override(&app, &street, &page, &action, "  ").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    let next = street.get(r.location.as_deref().unwrap()).await;
    assert!(flash(&next).contains("放宽规则必须写明理由"), "{next}");
    assert!(next.contains(&action), "still overridable: {next}");

    let (to, next) = street
        .submit_ok(&page, &action, &[("reason", "群众公认、工作实绩突出")])
        .await;
    assert_eq!(to, list);
    assert!(flash(&next).contains("已批准放宽"), "{next}");
    assert!(
        next.contains("已由街道工作组批准放宽：群众公认、工作实绩突出") && !next.contains(&action),
        "{next}"
    );
    let (reason,): (Option<String>,) =
        Q::new("select override_reason from rule_checks where id = $1")
            .bind(chk)
            .one(&app.state.db)
            .await
            .unwrap();
    assert_eq!(reason.as_deref(), Some("群众公认、工作实绩突出"));
    // The qualification review may now pass: the check is satisfied.
    let r = crate::residents_nominees::review(
        &app,
        crate::helpers::Who::Street,
        c,
        nid,
        ("qualification", "passed", ""),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}

#[tokio::test]
async fn the_statutory_quorum_and_another_campaigns_check_cannot_be_overridden_from_a_page() {
    let app = TestApp::spawn().await;
    let c = r5_campaign(&app, "sg01").await;
    let other = r5_campaign(&app, "sg02").await;
    let at = "'2027-01-01T00:00:00Z'";
    for (campaign, rule) in [(c, "R-7.quorum"), (other, "R-7.quorum")] {
        Q::new(format!(
            "insert into rule_checks (subject_type, subject_id, rule, passed, numbers, source, message, created_at) \
             values ('resident_election', {campaign}, '{rule}', false, '{{}}', 's', '参加投票的选民未超过半数', {at})"
        ))
        .execute(&app.state.db)
        .await
        .unwrap();
    }
    let quorum = check_id(&app, "resident_election", c, "R-7.quorum").await;
    let foreign = check_id(&app, "resident_election", other, "R-7.quorum").await;
    let street = Browser::log_in(&app, "t-street", PASSWORD).await;
    let base = format!("/communities/sg01/campaigns/{c}/residents");
    let page = street.get(&base).await;

    let r = post_override(
        &app,
        &street,
        &page,
        &format!("{base}/checks/{quorum}/override"),
        "特殊情况",
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text);
    assert_eq!(
        r.location.as_deref(),
        Some(format!("{base}/election").as_str())
    );
    let next = street.get(&base).await;
    assert!(
        flash(&next).contains("该项为法定要求，不能放宽（参加投票的选民未超过半数的，选举无效）"),
        "{next}"
    );
    // Another campaign's check, a Party check and a missing one are not found here.
    let r = post_override(
        &app,
        &street,
        &page,
        &format!("{base}/checks/{foreign}/override"),
        "特殊情况",
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let r = post_override(
        &app,
        &street,
        &page,
        &format!("{base}/checks/999999/override"),
        "特殊情况",
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let n = app
        .count("select count(*) from rule_checks where override_reason is not null")
        .await;
    assert_eq!(n, 0, "nothing overridden");
}

#[tokio::test]
async fn an_outgoing_party_committee_member_standing_for_the_residents_committee_is_no_new_entrant()
{
    let app = TestApp::spawn().await;
    let c = r5_campaign(&app, "sg01").await;
    let reference: chrono::NaiveDate = Q::new("select reference_date from campaigns where id = $1")
        .bind(c)
        .one::<(chrono::NaiveDate,)>(&app.state.db)
        .await
        .unwrap()
        .0;
    // 45 on the reference date: over the new entrants' 40, within the members' 50.
    let birth = reference.with_year(reference.year() - 45).unwrap();
    let (newcomer, party_member) = (
        resident(&app, "sg01", 3).await,
        resident(&app, "sg01", 4).await,
    );
    for p in [newcomer, party_member] {
        Q::new("update people set birth_date = $1 where id = $2")
            .bind(birth)
            .bind(p)
            .execute(&app.state.db)
            .await
            .unwrap();
    }
    Q::new("insert into incumbencies (person_id, committee, post, created_at) values ($1, 'party', '委员', $2)")
        .bind(party_member)
        .bind(huanjie::now())
        .execute(&app.state.db)
        .await
        .unwrap();
    let mut passed = Vec::new();
    for p in [newcomer, party_member] {
        let r = nominate(&app, crate::helpers::Who::Community, c, p, "member").await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        let nid = r.json()["id"].as_i64().unwrap();
        let chk = check_id(&app, "resident_nominee", nid, "C-3.age").await;
        let ok: bool = Q::new("select passed from rule_checks where id = $1")
            .bind(chk)
            .one::<(bool,)>(&app.state.db)
            .await
            .unwrap()
            .0;
        passed.push(ok);
    }
    assert_eq!(
        passed,
        vec![false, true],
        "the newcomer is over 40; the outgoing Party 委员 is judged by the members' 50"
    );
}

#[tokio::test]
async fn a_person_deprived_of_political_rights_cannot_be_nominated_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let c = r5_campaign(&app, "sg01").await;
    let (deprived, other) = (
        resident(&app, "sg01", 5).await,
        resident(&app, "sg01", 6).await,
    );
    Q::new("update people set rights_removed = $1 where id = $2")
        .bind(true)
        .bind(deprived)
        .execute(&app.state.db)
        .await
        .unwrap();
    let r = nominate(&app, crate::helpers::Who::Community, c, deprived, "member").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert!(
        r.text.contains("被剥夺政治权利，没有被选举权"),
        "{}",
        r.text
    );
    assert_eq!(
        app.count("select count(*) from resident_nominees").await,
        0,
        "nothing is stored"
    );
    let r = nominate(&app, crate::helpers::Who::Community, c, other, "member").await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
}
