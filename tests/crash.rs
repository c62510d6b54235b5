//! Durability of ballot entry's group commit (SQLite): the real server binary is started,
//! several counters enter ballots at once, the server is killed with `SIGKILL` in the middle of
//! it, and after a restart every ballot it had acknowledged is stored exactly once; a ballot
//! whose answer was lost is entered at most once when its counter sends it again.
//!
//! Uses the load driver's parts (`tools/loadgen`: the child server, the set-up, the client).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use huanjie::db::{Db, Q};
use loadgen::Parser;
use loadgen::conn::{Conn, Login};
use loadgen::server::{Server, TempDir};
use serde_json::{Value, json};

/// Ballots acknowledged before the kill (in all counters).
const ACKED_BEFORE_KILL: usize = 300;
const COUNTERS: usize = 6;

/// What one counter saw: the ids it was answered for, and the one in flight when the server died.
#[derive(Default)]
struct Seen {
    acked: BTreeSet<String>,
    lost: Option<(String, Value)>,
}

fn ballot(n: usize, i: usize, candidates: &[String]) -> Value {
    let pick: Vec<&String> = candidates
        .iter()
        .skip((n + i) % 3)
        .step_by(2)
        .take(5)
        .collect();
    json!({"marks": {"委员": {"for": pick}}})
}

/// One counter in a closed loop until the server stops answering.
async fn counter(
    n: usize,
    addr: std::net::SocketAddr,
    login: Login,
    vote: i64,
    candidates: Vec<String>,
    seen: Arc<Mutex<Seen>>,
) {
    let path = format!("/api/v1/votes/{vote}/ballots");
    let Ok(mut conn) = Conn::open(addr).await else {
        return;
    };
    for i in 0.. {
        let id = format!("crash-{n}-{i}");
        let body = json!({"client_id": id, "ballot": ballot(n, i, &candidates)});
        match conn
            .call(Method::POST, &path, Some(&login), Some(&body), true)
            .await
        {
            Ok((StatusCode::CREATED, v, _)) => {
                assert!(v["seq"].as_i64().is_some(), "{v}");
                seen.lock().unwrap().acked.insert(id);
            }
            Ok((status, v, _)) => panic!("entry {id} answered {status}: {v}"),
            Err(_) => {
                seen.lock().unwrap().lost = Some((id, body));
                return;
            }
        }
    }
}

async fn count(db: &Db, sql: &str, bind: &str) -> i64 {
    Q::new(sql).bind(bind).scalar(db).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_ballot_acknowledged_before_a_kill_is_stored_exactly_once_after_the_restart() {
    let dir = TempDir::new().unwrap();
    let url = format!("sqlite:{}", dir.0.join("crash.db").display());
    let binary = Path::new(env!("CARGO_BIN_EXE_huanjie"));
    let mut server = Server::start(binary, &dir.0, &url, "first.log")
        .await
        .unwrap();
    let args = loadgen::Args::parse_from([
        "loadgen",
        "--counters",
        &COUNTERS.to_string(),
        "--projectors",
        "0",
    ]);
    let plan = loadgen::plan_of(&args).unwrap();
    let room = loadgen::setup::set_up(&[server.addr], &args, &plan)
        .await
        .unwrap()
        .remove(0);

    let seen: Vec<Arc<Mutex<Seen>>> = (0..COUNTERS).map(|_| Default::default()).collect();
    let tasks: Vec<_> = room
        .counters
        .iter()
        .enumerate()
        .map(|(n, (_, login))| {
            tokio::spawn(counter(
                n,
                server.addr,
                login.clone(),
                room.vote,
                room.candidates.clone(),
                Arc::clone(&seen[n]),
            ))
        })
        .collect();
    let started = Instant::now();
    let acked = || {
        seen.iter()
            .map(|s| s.lock().unwrap().acked.len())
            .sum::<usize>()
    };
    while acked() < ACKED_BEFORE_KILL {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "only {} ballots entered in two minutes",
            acked()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Mid-flight: every counter has a request out.
    server.kill();
    for t in tasks {
        t.await.unwrap();
    }
    let acked: BTreeSet<String> = seen
        .iter()
        .flat_map(|s| s.lock().unwrap().acked.clone())
        .collect();
    let lost: BTreeMap<usize, (String, Value)> = seen
        .iter()
        .enumerate()
        .filter_map(|(n, s)| s.lock().unwrap().lost.clone().map(|l| (n, l)))
        .collect();
    assert!(acked.len() >= ACKED_BEFORE_KILL);
    assert_eq!(
        lost.len(),
        COUNTERS,
        "every counter was cut off mid-request"
    );

    let server = Server::start(binary, &dir.0, &url, "second.log")
        .await
        .unwrap();
    let db = Db::connect(&url).await.unwrap();
    let vote = room.vote.to_string();
    for id in &acked {
        let sql = "select count(*) from ballot_entries where client_id = $1 and voided = false";
        assert_eq!(count(&db, sql, id).await, 1, "acknowledged {id}");
        let sql = "select count(*) from ballot_entries e join ballots b on b.vote_id = e.vote_id and b.table_no = e.table_no and b.seq = e.seq where e.client_id = $1 and b.status = 'counted'";
        assert_eq!(count(&db, sql, id).await, 1, "{id} counted");
    }
    // Nothing but the acknowledged and the in-flight ones was stored.
    let stored: Vec<(String,)> = Q::new("select client_id from ballot_entries where vote_id = $1")
        .bind(room.vote)
        .all(&db)
        .await
        .unwrap();
    let in_flight: BTreeSet<&String> = lost.values().map(|(id, _)| id).collect();
    for (id,) in &stored {
        assert!(
            acked.contains(id) || in_flight.contains(id),
            "{id} was stored but never sent"
        );
    }

    // The counters send their lost requests again, with the same client ids.
    for (n, (id, body)) in &lost {
        let login = &room.counters[*n].1;
        let mut conn = Conn::open(server.addr).await.unwrap();
        let (status, v, _) = conn
            .call(
                Method::POST,
                &format!("/api/v1/votes/{vote}/ballots"),
                Some(login),
                Some(body),
                true,
            )
            .await
            .unwrap();
        assert!(
            status == StatusCode::OK || status == StatusCode::CREATED,
            "retry of {id}: {status} {v}"
        );
        let sql = "select count(*) from ballot_entries where client_id = $1 and voided = false";
        assert_eq!(count(&db, sql, id).await, 1, "retried {id}");
    }
    let entries = Q::new("select count(*) from ballot_entries where vote_id = $1")
        .bind(room.vote)
        .scalar(&db)
        .await
        .unwrap();
    assert_eq!(entries as usize, acked.len() + lost.len());
    let (entered, ballots): (i64, i64) = Q::new(
        "select v.ballots_entered, (select count(*) from ballots b where b.vote_id = v.id) from votes v where v.id = $1",
    )
    .bind(room.vote)
    .one(&db)
    .await
    .unwrap();
    assert_eq!((entered, ballots), (entries, entries));
    let breaks = huanjie::audit::verify(&db).await.unwrap();
    assert!(breaks.is_empty(), "{breaks:?}");
    db.close().await;
}
