//! The projector: display links that need no account and write no session rows, revocation
//! that ends an open stream at once, the console, and (on PostgreSQL) events that cross
//! from one server instance to another.

use std::time::Duration;

use axum::Router;
use axum::http::{Method, StatusCode};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::counting_fixtures::{call_as, counting, enter, for_names, room, vote};
use crate::helpers::{B, TestApp, Who, backend};

/// Serves a router on a loopback port.
async fn serve(router: Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    addr
}

/// An open event stream read over a raw socket.
struct Stream {
    sock: tokio::net::TcpStream,
    seen: String,
}

impl Stream {
    async fn open(addr: std::net::SocketAddr, path: &str) -> Stream {
        let mut sock = tokio::net::TcpStream::connect(addr).await.unwrap();
        let req =
            format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n");
        sock.write_all(req.as_bytes()).await.unwrap();
        let mut s = Stream {
            sock,
            seen: String::new(),
        };
        assert!(
            s.until(|t| t.contains("event: tally")).await,
            "no first event: {}",
            s.seen
        );
        assert!(s.seen.starts_with("HTTP/1.1 200"), "{}", s.seen);
        s
    }

    /// Reads until `done` holds (true) or the stream ends or 5 s pass (false).
    async fn until(&mut self, done: impl Fn(&str) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        let mut buf = [0u8; 8192];
        while !done(&self.seen) {
            match tokio::time::timeout_at(deadline, self.sock.read(&mut buf)).await {
                Ok(Ok(0)) | Ok(Err(_)) | Err(_) => return done(&self.seen),
                Ok(Ok(n)) => self.seen.push_str(&String::from_utf8_lossy(&buf[..n])),
            }
        }
        true
    }

    /// True when the server closes the stream (chunked terminator or EOF) within 5 s.
    async fn ends(&mut self) -> bool {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        let mut buf = [0u8; 8192];
        loop {
            if self.seen.ends_with("0\r\n\r\n") {
                return true;
            }
            match tokio::time::timeout_at(deadline, self.sock.read(&mut buf)).await {
                Ok(Ok(0)) => return true,
                Ok(Ok(n)) => self.seen.push_str(&String::from_utf8_lossy(&buf[..n])),
                Ok(Err(_)) => return true,
                Err(_) => return false,
            }
        }
    }
}

async fn sessions(app: &TestApp) -> i64 {
    app.count(if backend() == "postgres" {
        "select count(*) from tower_sessions.session"
    } else {
        "select count(*) from tower_sessions"
    })
    .await
}

async fn new_link(app: &TestApp, v: i64) -> (i64, String) {
    let r = app
        .call(
            Who::Community,
            Method::POST,
            &format!("/api/v1/votes/{v}/display-links"),
            B::Json(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let j = r.json();
    assert_eq!(
        j["url"].as_str().unwrap(),
        format!("/projector/t/{}", j["token"].as_str().unwrap())
    );
    (
        j["id"].as_i64().unwrap(),
        j["url"].as_str().unwrap().to_string(),
    )
}

#[tokio::test]
async fn the_vote_page_shows_each_display_link_in_full_with_a_qr_code_to_open_on_the_projector() {
    let mut app = TestApp::spawn().await;
    let room = room(&mut app).await;
    let v = vote(&app, room.meeting, false).await;
    let (_, url) = new_link(&app, v).await;
    let c = app.client(Who::Community).cloned().unwrap();
    let host = [("host", "hall.example:3917")];
    let page = app
        .send(
            Some(&c),
            Method::GET,
            &format!("/votes/{v}"),
            B::Empty,
            &host,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    let full = format!("http://hall.example:3917{url}");
    assert!(
        page.text.contains(&format!(">{full}</a>")),
        "the full address is shown"
    );
    let qr_cell = page
        .text
        .split("<td class=\"qr\">")
        .nth(1)
        .expect("a QR code cell");
    assert!(qr_cell.trim_start().starts_with("<?xml") || qr_cell.trim_start().starts_with("<svg"));
    let listed = app
        .send(
            Some(&c),
            Method::GET,
            &format!("/api/v1/votes/{v}/display-links"),
            B::Empty,
            &host,
        )
        .await
        .json();
    assert_eq!(listed["links"][0]["url"], url.as_str());
    assert_eq!(listed["links"][0]["full_url"], full.as_str());
}

#[tokio::test]
async fn a_display_link_opens_the_projector_without_an_account_and_writes_no_session_rows() {
    let mut app = TestApp::spawn().await;
    let room = room(&mut app).await;
    let v = vote(&app, room.meeting, false).await;
    counting(&app, v, 3).await;
    let (_, url) = new_link(&app, v).await;
    let before = sessions(&app).await;
    let page = app.send(None, Method::GET, &url, B::Empty, &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    // Candidates in ballot order, the events of this link, and no word of election yet.
    let names: Vec<&str> = page
        .text
        .split("<span class=\"name\">")
        .skip(1)
        .map(|c| &c[..c.find('<').unwrap()])
        .collect();
    let api = app
        .call(
            Who::Street,
            Method::GET,
            &format!("/api/v1/votes/{v}"),
            B::Empty,
        )
        .await
        .json();
    let order: Vec<&str> = api["posts"][0]["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(names, order);
    assert!(page.text.contains(&format!("data-events=\"{url}/events\"")));
    // What the hall sees (the embedded data of the script aside) never says 当选 before sign-off.
    let visible: String = page
        .text
        .split("<script")
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part
            } else {
                part.split_once("</script>").map_or("", |(_, rest)| rest)
            }
        })
        .collect();
    assert!(visible.contains("须过半数"));
    assert!(
        !visible.contains("当选"),
        "the projector speaks of election before sign-off"
    );
    assert!(page.cookies.is_empty(), "the projector was given a cookie");
    let addr = serve(app.router.clone()).await;
    let mut s = Stream::open(addr, &format!("{url}/events")).await;
    let counter = app.client(Who::Counter).cloned().unwrap();
    enter(&app, &counter, v, "p-1", for_names(&["王二"])).await;
    assert!(s.until(|t| t.contains("\"counted\":1")).await, "{}", s.seen);
    assert!(!s.seen.to_ascii_lowercase().contains("set-cookie"));
    assert_eq!(
        sessions(&app).await,
        before,
        "projector requests wrote session rows"
    );
    // An unknown token is not found.
    let r = app
        .send(None, Method::GET, "/projector/t/not-a-token", B::Empty, &[])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_revoked_display_link_stops_at_once_including_an_open_event_stream() {
    let mut app = TestApp::spawn().await;
    let room = room(&mut app).await;
    let v = vote(&app, room.meeting, false).await;
    counting(&app, v, 3).await;
    let (id, url) = new_link(&app, v).await;
    let addr = serve(app.router.clone()).await;
    let mut s = Stream::open(addr, &format!("{url}/events")).await;
    let audit = app.audit_count().await;
    let r = app
        .call(
            Who::Community,
            Method::DELETE,
            &format!("/api/v1/votes/{v}/display-links/{id}"),
            B::Json(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.json()["revoked_at"].is_string());
    assert_eq!(app.audit_count().await, audit + 1, "revocation not audited");
    assert!(
        s.until(|t| t.contains("event: revoked")).await,
        "{}",
        s.seen
    );
    assert!(s.ends().await, "the open stream did not end");
    for path in [url.clone(), format!("{url}/events")] {
        let r = app.send(None, Method::GET, &path, B::Empty, &[]).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path} after revocation");
    }
    // Revoking twice is refused and changes nothing.
    let r = app
        .call(
            Who::Community,
            Method::DELETE,
            &format!("/api/v1/votes/{v}/display-links/{id}"),
            B::Json(json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(app.audit_count().await, audit + 1);
}

#[tokio::test]
async fn the_console_shows_each_tables_progress_and_the_live_view() {
    let mut app = TestApp::spawn().await;
    let room = room(&mut app).await;
    let v = vote(&app, room.meeting, true).await;
    counting(&app, v, 3).await;
    let counter = app.client(Who::Counter).cloned().unwrap();
    enter(&app, &counter, v, "c-1", for_names(&["王二"])).await;
    enter(&app, &counter, v, "c-2", for_names(&["丁一"])).await;
    enter(&app, &room.counter2, v, "c-3", for_names(&["王二"])).await;
    let page = call_as(
        &app,
        app.client(Who::Scrutineer).unwrap(),
        Method::GET,
        &format!("/votes/{v}/console"),
        B::Empty,
    )
    .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text);
    assert!(page.text.contains("id=\"live\"") && page.text.contains("/static/console.js"));
    assert!(
        page.text
            .contains(&format!("data-events=\"/api/v1/votes/{v}/events\""))
    );
    // Table 1: two entries by one counter, one by the other; one ballot agreed, one pending.
    let row = page
        .text
        .split("<td>第 1 组</td>")
        .nth(1)
        .expect("table 1 row");
    let row = &row[..row.find("</tr>").unwrap()];
    assert!(row.contains("：2") && row.contains("：1"), "{row}");
    assert!(
        row.contains("<td>1</td><td>1</td>"),
        "counted 1, pending 1: {row}"
    );
}

#[tokio::test]
async fn a_ballot_counted_through_one_instance_reaches_a_projector_on_another() {
    let mut app = TestApp::spawn().await;
    if backend() != "postgres" {
        eprintln!("skipped: two instances share a database only on PostgreSQL");
        return;
    }
    let room = room(&mut app).await;
    let v = vote(&app, room.meeting, false).await;
    counting(&app, v, 3).await;
    let (_, url) = new_link(&app, v).await;
    // Instance B: its own pool, hub and router on the same database.
    let config = huanjie::config::Config::for_tests(&app.url);
    let db = huanjie::open(&config).await.unwrap();
    let state_b = huanjie::state::AppState::new(db, config);
    let b = serve(huanjie::build_router(state_b).await.unwrap()).await;
    let mut s = Stream::open(b, &format!("{url}/events")).await;
    // The ballot goes through instance A (the test's router).
    let counter = app.client(Who::Counter).cloned().unwrap();
    let r = enter(&app, &counter, v, "two-1", for_names(&["王二"])).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert!(
        s.until(|t| t.contains("\"counted\":1") && t.contains("王二"))
            .await,
        "instance B's projector did not hear of it: {}",
        s.seen
    );
}

#[tokio::test]
async fn a_stream_opens_with_the_whole_result_and_then_sends_what_the_projector_shows() {
    let mut app = TestApp::spawn().await;
    let room = room(&mut app).await;
    let v = vote(&app, room.meeting, false).await;
    counting(&app, v, 3).await;
    let (_, url) = new_link(&app, v).await;
    let addr = serve(app.router.clone()).await;
    let mut s = Stream::open(addr, &format!("{url}/events")).await;
    assert!(
        s.until(|t| t.contains("\"explanation\"")).await,
        "the first event is the whole result: {}",
        s.seen
    );
    let first = s.seen.len();
    let counter = app.client(Who::Counter).cloned().unwrap();
    enter(&app, &counter, v, "p-1", for_names(&["王二"])).await;
    assert!(
        s.until(|t| t[first..].contains("\"counted\":1")).await,
        "{}",
        s.seen
    );
    let later = &s.seen[first..];
    assert!(
        later.contains("\"threshold\""),
        "what the projector shows: {later}"
    );
    assert!(!later.contains("\"explanation\""), "{later}");
    // What the projector shows, and nothing it does not.
    let event: serde_json::Value = serde_json::from_str(
        later
            .rsplit("data: ")
            .next()
            .and_then(|d| d.lines().next())
            .unwrap(),
    )
    .unwrap();
    let c = &event["posts"][0]["candidates"];
    assert!(c.as_array().is_some_and(|c| c.len() == 3), "{event}");
    let wang = c
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "王二")
        .unwrap();
    assert_eq!(wang["for"], 1, "{event}");
    assert!(wang["status"].is_string(), "{event}");
    for gone in [
        "abstain",
        "write_in",
        "next_round",
        "quorum",
        "provisional",
        "tie",
    ] {
        assert!(!later.contains(&format!("\"{gone}\"")), "{gone} in {later}");
    }
    // The route still answers the whole result, explanation included.
    let r = app
        .call(
            Who::Street,
            Method::GET,
            &format!("/api/v1/votes/{v}/result"),
            B::Empty,
        )
        .await;
    assert!(!r.json()["explanation"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn after_its_first_event_a_stream_follows_entries_and_a_void_by_reading_only_the_changed_ballots()
 {
    let mut app = TestApp::spawn().await;
    let room = room(&mut app).await;
    let v = vote(&app, room.meeting, false).await;
    counting(&app, v, 5).await;
    let (_, url) = new_link(&app, v).await;
    let addr = serve(app.router.clone()).await;
    // The stream's first event reads the vote whole; what follows names only the ballots.
    let mut s = Stream::open(addr, &format!("{url}/events")).await;
    let counter = app.client(Who::Counter).cloned().unwrap();
    for (i, name) in ["王二", "王二", "丁一"].iter().enumerate() {
        let r = enter(&app, &counter, v, &format!("h-{i}"), for_names(&[name])).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    assert!(s.until(|t| t.contains("\"counted\":3")).await, "{}", s.seen);
    let before = s.seen.len();
    let r = call_as(
        &app,
        &counter,
        Method::POST,
        &format!("/api/v1/votes/{v}/ballots/void-last"),
        B::Json(json!({})),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // The voided ballot's row is gone: the hinted read finds it missing and takes it out.
    assert!(
        s.until(|t| t[before..].contains("\"counted\":2")).await,
        "{}",
        &s.seen[before..]
    );
    let last = s.seen[before..]
        .rsplit("data: ")
        .next()
        .unwrap()
        .to_string();
    let event: serde_json::Value = serde_json::from_str(last.lines().next().unwrap()).unwrap();
    let result = app
        .call(
            Who::Street,
            Method::GET,
            &format!("/api/v1/votes/{v}/result"),
            B::Empty,
        )
        .await
        .json();
    assert!(
        event["posts"].as_array().is_some_and(|p| !p.is_empty()),
        "{event}"
    );
    let shown = |v: &serde_json::Value| -> Vec<(String, i64, String)> {
        v["posts"][0]["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| {
                (
                    c["name"].as_str().unwrap().to_string(),
                    c["for"].as_i64().unwrap(),
                    c["status"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(
        shown(&event),
        shown(&result),
        "event and a whole recount agree"
    );
    assert_eq!(event["ballots"], result["ballots"]);
}
