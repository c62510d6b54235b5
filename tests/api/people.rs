//! People, campaigns and the plan through the API and pages.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::fixtures::create_person;
use crate::helpers::{B, TestApp, Who, id_number};

#[tokio::test]
async fn a_person_gets_gender_and_birth_date_from_the_id_number_and_lists_mask_it() {
    let app = TestApp::spawn().await;
    let id = id_number("19750615", 42);
    let pid = create_person(&app, "sg01", "蒋十四", &id).await;
    let r = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/api/v1/communities/sg01/people/{pid}"),
            B::Empty,
        )
        .await;
    let p = r.json()["person"].clone();
    assert_eq!(p["gender"], "女");
    assert_eq!(p["birth_date"], "1975-06-15");
    assert_eq!(p["id_number"], id, "the detail shows the full number");
    let list = app
        .call(
            Who::Community,
            Method::GET,
            "/api/v1/communities/sg01/people",
            B::Empty,
        )
        .await
        .json();
    let masked = list["people"][0]["id_number"].as_str().unwrap().to_string();
    assert_eq!(masked, format!("{}**********{}", &id[..4], &id[14..]));
    let page = app
        .call(
            Who::Community,
            Method::GET,
            "/communities/sg01/people",
            B::Empty,
        )
        .await;
    assert!(
        page.text.contains(&masked) && !page.text.contains(&id),
        "the list page masks the ID number"
    );
}

#[tokio::test]
async fn a_bad_person_gets_chinese_field_errors_and_nothing_is_stored() {
    let app = TestApp::spawn().await;
    let before = app.audit_count().await;
    let r = app
        .call(
            Who::Community,
            Method::POST,
            "/api/v1/communities/sg01/people",
            B::Json(json!({"name": "", "id_number": "123", "education": "博士后"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = r.json()["error"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect();
    assert!(
        fields.contains(&"姓名".to_string())
            && fields.contains(&"身份证号".to_string())
            && fields.contains(&"文化程度".to_string()),
        "{fields:?}"
    );
    assert_eq!(app.count("select count(*) from people").await, 0);
    assert_eq!(app.audit_count().await, before);
}

#[tokio::test]
async fn an_id_number_is_unique_across_the_street() {
    let app = TestApp::spawn().await;
    let id = id_number("19700101", 11);
    create_person(&app, "sg02", "沈一", &id).await;
    let r = app
        .call(
            Who::Community,
            Method::POST,
            "/api/v1/communities/sg01/people",
            B::Json(json!({"name": "韩二", "id_number": id})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("已在本街道登记")
    );
}

#[tokio::test]
async fn community_staff_cannot_place_a_person_in_another_community() {
    let app = TestApp::spawn().await;
    let r = app
        .call(
            Who::Community,
            Method::POST,
            "/api/v1/communities/sg01/people",
            B::Json(
                json!({"name": "杨三", "residence_community": "sg02", "hukou_community": "sg02"}),
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(app.count("select count(*) from people").await, 0);
}

#[tokio::test]
async fn a_relation_is_stored_with_its_converse() {
    let app = TestApp::spawn().await;
    let parent = create_person(&app, "sg01", "朱父", &id_number("19500101", 11)).await;
    let child = create_person(&app, "sg01", "朱子", &id_number("19800101", 13)).await;
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &format!("/api/v1/communities/sg01/people/{parent}/relations"),
            B::Json(json!({"kind": "parent", "other_id": child})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let c = app
        .call(
            Who::Community,
            Method::GET,
            &format!("/api/v1/communities/sg01/people/{child}"),
            B::Empty,
        )
        .await
        .json();
    assert_eq!(c["relations"][0]["kind"], "child");
    assert_eq!(c["relations"][0]["name"], "朱父");
}

#[tokio::test]
async fn a_campaign_takes_the_plans_month_and_day_in_its_own_year() {
    let app = TestApp::spawn().await;
    let r = app
        .call(
            Who::Street,
            Method::PUT,
            "/api/v1/plan/steps/P-1",
            B::Json(json!({"start": "4-2", "end": "4-8"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = app
        .call(
            Who::Community,
            Method::POST,
            "/api/v1/campaigns",
            B::Json(json!({"community": "sg01", "term": "第八届", "year": 2031})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let v = r.json();
    assert_eq!(
        v["campaign"]["reference_date"], "2031-04-01",
        "the reference date is the first day of S-2"
    );
    let p1 = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "P-1")
        .unwrap()
        .clone();
    assert_eq!(
        (p1["start_date"].as_str(), p1["end_date"].as_str()),
        (Some("2031-04-02"), Some("2031-04-08"))
    );
    let r = app
        .call(
            Who::Community,
            Method::POST,
            "/api/v1/campaigns",
            B::Json(json!({"community": "sg02", "term": "第八届"})),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::NOT_FOUND,
        "another community's campaign cannot be created by sg01's staff"
    );
}

#[tokio::test]
async fn a_plan_step_refuses_an_end_before_its_start() {
    let app = TestApp::spawn().await;
    let r = app
        .call(
            Who::Street,
            Method::PUT,
            "/api/v1/plan/steps/P-1",
            B::Json(json!({"start": "4-9", "end": "4-8"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("不能早于")
    );
}

#[tokio::test]
async fn malformed_json_gets_a_chinese_error() {
    let app = TestApp::spawn().await;
    let c = app.client(Who::Street).cloned().unwrap();
    let r = app
        .send(
            Some(&c),
            Method::PUT,
            "/api/v1/plan/steps/P-1",
            B::Json(json!([1, 2])),
            &[("x-csrf-token", &c.csrf)],
        )
        .await;
    assert!(r.status.is_client_error());
    let msg = r.json()["error"]["message"].as_str().unwrap().to_string();
    assert!(
        msg.chars()
            .any(|ch| ('\u{4e00}'..='\u{9fff}').contains(&ch)),
        "{msg}"
    );
}

#[tokio::test]
async fn the_pages_render_in_chinese_for_the_street() {
    let app = TestApp::spawn().await;
    create_person(&app, "sg01", "秦四", &id_number("19770707", 17)).await;
    for (path, text) in [
        ("/", "首页"),
        ("/communities", "新增社区"),
        ("/communities/sg01", "居民小组"),
        ("/people", "全街道人员"),
        ("/plan", "公开推荐"),
        ("/users", "新增用户"),
        ("/audit", "链头"),
        ("/campaigns", "新建换届工作"),
        ("/communities/sg01/people/new", "身份证号"),
        ("/communities/sg01/people/import", "模板"),
    ] {
        let r = app.call(Who::Street, Method::GET, path, B::Empty).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.text.contains(text), "{path} lacks {text}");
    }
}
