//! Benchmark of the street's dashboard (S-4), not a test: 60 communities, each with a campaign
//! at its own point of the procedure and the records the explanations count (voters,
//! nominations, representatives, participations, objections), in a fresh SQLite file with the
//! server's settings; then the street's home page, the dashboard's JSON and its Excel export,
//! each requested through the router as a browser would, and the times printed.
//!
//! Run with `cargo run --release --bin dashboard_bench` (optionally the number of communities
//! and of requests: `-- 60 50`).

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use huanjie::config::{Config, PasswordCost};
use huanjie::db::Q;
use huanjie::demo::client::Client;
use huanjie::state::AppState;
use serde_json::json;

const PASSWORD: &str = "Bench-舜耕街道-2027-看板";
const STEPS: [&str; 15] = [
    "P-1", "P-2", "P-3", "P-4", "P-5", "P-6", "P-7", "R-1", "R-2", "R-3", "R-4", "R-5", "R-6",
    "R-7", "R-8",
];

fn stats(label: &str, mut times: Vec<Duration>, bytes: usize) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{label:<28} min {:>7.1} ms  p50 {:>7.1} ms  p95 {:>7.1} ms  max {:>7.1} ms  ({} bytes)",
        ms(times[0]),
        ms(p(0.5)),
        ms(p(0.95)),
        ms(*times.last().unwrap()),
        bytes
    );
}

#[tokio::main]
async fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let communities = args.first().copied().unwrap_or(60);
    let requests = args.get(1).copied().unwrap_or(50);
    let dir = std::env::temp_dir().join(format!("huanjie-dash-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("sqlite:{}?mode=rwc", dir.join("bench.db").display());
    let config = Config {
        password_cost: PasswordCost::MINIMUM,
        ..Config::for_database(&url)
    };
    let db = huanjie::open(&config).await.unwrap();
    huanjie::users::ensure_admin(&db, config.password_cost, Some(PASSWORD))
        .await
        .unwrap();
    let state = AppState::new(db.clone(), config);
    let router = huanjie::build_router(state.clone()).await.unwrap();
    let street = Client::login(&router, "admin", PASSWORD).await.unwrap();

    let set_up = Instant::now();
    let now = "2027-04-01T02:00:00Z";
    for i in 0..communities {
        let code = format!("b{i:03}");
        street
            .post(
                "/api/v1/communities",
                json!({"code": code, "name": format!("第{}社区", i + 1), "org_type": "zongzhi", "households": 800}),
            )
            .await
            .unwrap();
        let c = street
            .post(
                "/api/v1/campaigns",
                json!({"community": code, "term": "第八届", "year": 2027}),
            )
            .await
            .unwrap()["campaign"]["id"]
            .as_i64()
            .unwrap();
        let community: i64 = Q::new("select id from communities where code = $1")
            .bind(code.clone())
            .scalar(&db)
            .await
            .unwrap();
        let mut tx = db.begin().await.unwrap();
        let group = Q::new("insert into resident_groups (community_id, name, households, created_at, updated_at) values ($1, '第一小组', 200, $2, $2) returning id")
            .bind(community)
            .bind(now)
            .scalar(&mut tx)
            .await
            .unwrap();
        for n in 0..250i64 {
            let person = Q::new("insert into people (street_id, name, gender, created_at, updated_at) values (1, $1, $2, $3, $3) returning id")
                .bind(format!("居民{i}-{n}"))
                .bind(if n % 2 == 0 { "男" } else { "女" })
                .bind(now)
                .scalar(&mut tx)
                .await
                .unwrap();
            Q::new("insert into resident_voters (campaign_id, person_id, basis, created_at) values ($1, $2, 'hukou', $3)")
                .bind(c)
                .bind(person)
                .bind(now)
                .execute(&mut tx)
                .await
                .unwrap();
            if n < 15 {
                Q::new("insert into party_nominations (campaign_id, person_id, post, channel, created_at, updated_at, decision) values ($1, $2, '委员', 'community', $3, $3, $4)")
                    .bind(c)
                    .bind(person)
                    .bind(now)
                    .bind(if n % 2 == 0 { Some("passed") } else { None })
                    .execute(&mut tx)
                    .await
                    .unwrap();
            }
            if n < 10 {
                Q::new("insert into residents_representatives (campaign_id, group_id, person_id, created_at) values ($1, $2, $3, $4)")
                    .bind(c)
                    .bind(group)
                    .bind(person)
                    .bind(now)
                    .execute(&mut tx)
                    .await
                    .unwrap();
            }
        }
        // Each community stands at its own point of both pipelines.
        for code in STEPS.iter().take(i % (STEPS.len() + 1)) {
            Q::new("update campaign_steps set done_at = $1 where campaign_id = $2 and code = $3")
                .bind(now)
                .bind(c)
                .bind(*code)
                .execute(&mut tx)
                .await
                .unwrap();
        }
        if i % 5 == 0 {
            let p = Q::new("insert into party_publicities (campaign_id, step, start_date, end_date, created_at) values ($1, 'P-2', '2027-04-06', '2027-04-10', $2) returning id")
                .bind(c)
                .bind(now)
                .scalar(&mut tx)
                .await
                .unwrap();
            Q::new("insert into party_objections (publicity_id, text, created_at) values ($1, '对被推荐人有意见', $2)")
                .bind(p)
                .bind(now)
                .execute(&mut tx)
                .await
                .unwrap();
        }
        tx.commit().await.unwrap();
    }
    println!(
        "set-up: {communities} communities, {} voters, in {:.1} s",
        communities * 250,
        set_up.elapsed().as_secs_f64()
    );
    state
        .clock
        .set(NaiveDate::from_ymd_opt(2027, 4, 20).unwrap());

    for (label, path) in [
        ("street home page (HTML)", "/"),
        ("dashboard JSON", "/api/v1/dashboard"),
        ("dashboard, overdue only", "/?overdue=1"),
        ("Excel export", "/dashboard.xlsx"),
    ] {
        // One request warms the caches (statements, pages) as a server that has run a while.
        let (status, _) = street.fetch(path).await.unwrap();
        assert!(status.is_success(), "{path}: {status}");
        let mut times = Vec::with_capacity(requests);
        let mut bytes = 0;
        for _ in 0..requests {
            let t = Instant::now();
            let (_, n) = street.fetch(path).await.unwrap();
            times.push(t.elapsed());
            bytes = n;
        }
        stats(label, times, bytes);
    }
    drop(db);
    let _ = std::fs::remove_dir_all(&dir);
}
