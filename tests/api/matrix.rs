//! The role matrix, driven by the route table: every route × the four roles and an anonymous
//! client get exactly the access SPEC §1 gives, with the exact status.

use axum::http::{Method, StatusCode};
use huanjie::auth::Role;
use huanjie::routes::{Access, table};

use crate::fixtures::{arrange, community_bound, fill};
use crate::helpers::{B, PASSWORD, TestApp, Who, backend};

fn role_of(who: Who) -> Option<Role> {
    match who {
        Who::Anon => None,
        Who::Street => Some(Role::Street),
        Who::Community => Some(Role::Community),
        Who::Scrutineer => Some(Role::Scrutineer),
        Who::Counter => Some(Role::Counter),
    }
}

fn passed_guard(status: StatusCode, location: &Option<String>) -> bool {
    !matches!(status.as_u16(), 401 | 403 | 404)
        && !location
            .as_deref()
            .is_some_and(|l| l.starts_with("/login?next="))
}

#[tokio::test]
async fn every_route_gives_each_role_exactly_the_access_of_the_spec() {
    let mut app = TestApp::spawn().await;
    let ids = arrange(&mut app).await;
    let mut failures = Vec::new();
    let mut routes = table();
    // Logging out ends the session: do it last, then log in again.
    routes.sort_by_key(|d| d.path.contains("logout"));
    for def in &routes {
        for who in Who::ALL {
            let mut path = fill(def.path, &ids, false);
            if def.path.contains("{gid}") {
                // A revocation needs a grant that still exists.
                let r = app
                    .call(
                        Who::Street,
                        Method::POST,
                        &format!("/api/v1/users/{}/grants", ids.user),
                        B::Json(serde_json::json!({"capability": "counter"})),
                    )
                    .await;
                let gid = r.json()["grant"]["id"].as_i64().unwrap();
                path = fill(&def.path.replace("{gid}", &gid.to_string()), &ids, false);
            }
            let r = app.call(who, def.method.clone(), &path, B::Empty).await;
            let expected = match (def.access, role_of(who)) {
                (Access::Public, _) => "pass",
                (_, None) if def.is_api() => "401",
                (_, None) => "login",
                (Access::StreetHidden, Some(role)) if role != Role::Street => "404",
                (access, Some(role)) if !access.roles().contains(&role) => "403",
                _ => "pass",
            };
            let ok = match expected {
                "pass" => passed_guard(r.status, &r.location),
                "401" => {
                    r.status == StatusCode::UNAUTHORIZED
                        && r.json()["error"]["code"] == "unauthorized"
                }
                "login" => {
                    r.status == StatusCode::SEE_OTHER
                        && r.location
                            .as_deref()
                            .is_some_and(|l| l.starts_with("/login?next="))
                }
                "403" => r.status == StatusCode::FORBIDDEN,
                "404" => r.status == StatusCode::NOT_FOUND,
                _ => unreachable!(),
            };
            if !ok {
                failures.push(format!(
                    "{} {} as {who:?}: expected {expected}, got {} {:?}",
                    def.method, path, r.status, r.location
                ));
            }
            // The other community's version of a community-bound resource (and another meeting's
            // vote) is hidden from sg01's staff and from this meeting's scrutineers and counters.
            if community_bound(def.path) && expected == "pass" && role_of(who).is_some() {
                let other = fill(def.path, &ids, true);
                let r2 = app.call(who, def.method.clone(), &other, B::Empty).await;
                // A display link belongs to sg01's vote: at sg02's vote it does not exist.
                let hidden = match who {
                    _ if def.path.contains("{lid}") => true,
                    Who::Community => true,
                    Who::Scrutineer | Who::Counter => {
                        def.path.contains("{meeting}") || def.path.contains("{vote}")
                    }
                    _ => false,
                };
                let ok2 = if hidden {
                    r2.status == StatusCode::NOT_FOUND
                } else {
                    passed_guard(r2.status, &r2.location)
                };
                if !ok2 {
                    failures.push(format!(
                        "{} {} as {who:?}: expected {}, got {}",
                        def.method,
                        other,
                        if hidden { "404" } else { "pass" },
                        r2.status
                    ));
                }
            }
            if def.path.contains("logout") && role_of(who).is_some() {
                let c = app.login(who.username(), PASSWORD).await;
                app.clients.retain(|(w, _)| *w != who);
                app.clients.push((who, c));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "[{}] {} routes × roles wrong:\n{}",
        backend(),
        failures.len(),
        failures.join("\n")
    );
}

#[tokio::test]
async fn a_forbidden_page_answers_a_chinese_403_page_and_an_unknown_page_a_chinese_404() {
    let app = TestApp::spawn().await;
    let r = app
        .call(Who::Counter, Method::GET, "/users", B::Empty)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.text.contains("无权访问"), "{}", r.text);
    let r = app
        .call(Who::Street, Method::GET, "/no/such/page", B::Empty)
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text.contains("页面不存在"), "{}", r.text);
    let r = app
        .call(
            Who::Community,
            Method::GET,
            "/api/v1/communities/sg02",
            B::Empty,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.json()["error"]["code"], "not_found");
}

#[tokio::test]
async fn community_staff_list_only_their_own_community() {
    let app = TestApp::spawn().await;
    let r = app
        .call(Who::Community, Method::GET, "/api/v1/communities", B::Empty)
        .await;
    let codes: Vec<_> = r.json()["communities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["code"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes, vec!["sg01"]);
    let r = app
        .call(Who::Street, Method::GET, "/api/v1/communities", B::Empty)
        .await;
    assert_eq!(r.json()["communities"].as_array().unwrap().len(), 2);
}

#[test]
fn every_api_route_is_listed_in_the_api_document_with_its_access() {
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/API.md"))
        .expect("docs/API.md");
    let missing: Vec<String> = table()
        .iter()
        .filter(|d| d.is_api())
        .map(|d| {
            format!(
                "| {} | `{}` | {:?} |{}",
                d.method,
                d.path,
                d.access,
                if d.creates { " create |" } else { " |" }
            )
        })
        .filter(|row| !doc.contains(row.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/API.md's route summary lacks:\n{}",
        missing.join("\n")
    );
}

#[test]
fn huanjie_routes_prints_every_route_of_the_table_as_one_json_line_each() {
    // Act
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_huanjie"))
        .arg("routes")
        .output()
        .unwrap();

    // Assert
    assert!(out.status.success(), "huanjie routes failed: {out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<serde_json::Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect();
    assert_eq!(lines.len(), table().len(), "one line per route");
    let has = |method: &str, path: &str, access: &str, api: bool| {
        lines.iter().any(|l| {
            l["method"] == method && l["path"] == path && l["access"] == access && l["api"] == api
        })
    };
    assert!(has("GET", "/", "Login", false), "home:\n{text}");
    assert!(has("GET", "/login", "Public", false), "login page:\n{text}");
    assert!(
        has("GET", "/communities/{code}/people", "Community", false),
        "people list:\n{text}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l["api"] == true && l["path"].as_str().unwrap().starts_with("/api/v1/")),
        "API routes are listed and marked:\n{text}"
    );
}
