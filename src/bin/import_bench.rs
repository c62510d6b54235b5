//! Benchmark of the people import (not a test): a 20,000-row `.xlsx` imported into a fresh
//! SQLite file through the library, as the import page does; prints how long the write
//! transaction was open (the SQLite write lock that ballot entry waits on) and the whole import.
//!
//! Run with `cargo run --release --bin import_bench`. Each run gets a new database in a
//! temporary directory with the server's settings (WAL, `synchronous=FULL`); three runs, and the
//! row-by-row write the import used before (one insert and one audit append per person) once,
//! for comparison.

use std::time::{Duration, Instant};

use huanjie::audit::Actor;
use huanjie::communities::{Community, insert_group};
use huanjie::config::Durability;
use huanjie::db::{Db, Q};
use huanjie::domain::idcard::check_char;
use huanjie::people::import::{COLUMNS, MAX_ROWS, check_rows, read_rows};
use huanjie::people::{Importer, Outcome, insert_person, resolve};
use rust_xlsxwriter::Workbook;

const RUNS: usize = 3;
const GROUPS: [&str; 4] = ["第一小组", "第二小组", "第三小组", "第四小组"];
const SURNAMES: [&str; 8] = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄"];
const GIVEN: [&str; 8] = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇"];

/// A made-up person's ID number: Beijing Dongcheng, a birth date from the row, a valid check
/// character.
fn id_number(i: usize) -> String {
    let year = 1940 + i % 60;
    let day = 1 + (i / 60) % 28;
    let month = 1 + (i / (60 * 28)) % 12;
    let seq = i / (60 * 28 * 12);
    let first17 = format!("110101{year:04}{month:02}{day:02}{seq:03}");
    format!("{first17}{}", check_char(&first17).expect("17 digits"))
}

/// The import file: the template's header and `MAX_ROWS` people with most columns filled.
fn build_file() -> Vec<u8> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    let field = |name: &str| COLUMNS.iter().position(|(_, f, _)| *f == name).unwrap() as u16;
    for (col, (title, _, _)) in COLUMNS.iter().enumerate() {
        sheet.write_string(0, col as u16, *title).unwrap();
    }
    for i in 0..MAX_ROWS {
        let row = i as u32 + 1;
        let name = format!(
            "{}{}{}",
            SURNAMES[i % 8],
            GIVEN[(i / 8) % 8],
            GIVEN[(i / 64) % 8]
        );
        let cells = [
            ("name", name),
            ("ethnicity", "汉族".into()),
            ("education", "高中/中专".into()),
            ("id_number", id_number(i)),
            ("resident_group", GROUPS[i % GROUPS.len()].into()),
            (
                "party_status",
                if i % 10 == 0 { "正式党员" } else { "" }.into(),
            ),
            (
                "party_org",
                if i % 10 == 0 {
                    "本社区党组织"
                } else {
                    ""
                }
                .into(),
            ),
            ("phone", format!("139{:08}", i)),
            ("household_no", format!("{:05}", i / 3)),
        ];
        for (f, value) in cells {
            if !value.is_empty() {
                sheet.write_string(row, field(f), value).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// A fresh database in `dir` with the street, one community and its groups.
async fn fresh_db(dir: &std::path::Path, run: usize) -> (Db, Community) {
    let url = format!("sqlite:{}", dir.join(format!("run{run}.db")).display());
    let db = Db::connect_with(&url, Durability::Full).await.unwrap();
    db.migrate().await.unwrap();
    huanjie::plan::ensure_street(&db, "测试街道").await.unwrap();
    let mut tx = db.begin().await.unwrap();
    let id = Q::new(
        "insert into communities (street_id, code, name, org_type, households, created_at, updated_at) \
         values ((select id from streets limit 1), 'bench', '测试社区', 'zongzhi', 8000, $1, $1) returning id",
    )
    .bind(huanjie::now())
    .scalar(&mut tx)
    .await
    .unwrap();
    for g in GROUPS {
        insert_group(&mut tx, id, g, 0).await.unwrap();
    }
    tx.commit().await.unwrap();
    let community = huanjie::communities::by_id(&db, id).await.unwrap().unwrap();
    (db, community)
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1000.0)
}

/// The write as the import did it before: one insert and one audit append per person.
async fn row_by_row(db: &Db, community: &Community, file: &[u8]) -> Duration {
    let mut rows = read_rows("bench.xlsx", file).unwrap();
    for (_, r) in &mut rows {
        r.residence_community = community.code.clone();
    }
    let (drafts, errors) = check_rows(&rows);
    assert!(errors.is_empty());
    let mut ready = Vec::new();
    for (_, d) in drafts {
        let r = resolve(db, &d).await.unwrap().unwrap();
        ready.push((d, r));
    }
    let started = Instant::now();
    let mut tx = db.begin().await.unwrap();
    for (d, r) in &ready {
        insert_person(&mut tx, &Actor::system(), d, r)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    started.elapsed()
}

#[tokio::main]
async fn main() {
    let dir = std::env::temp_dir().join(format!("huanjie-import-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let built = Instant::now();
    let file = build_file();
    println!(
        "file: {} rows, {} KB .xlsx, built in {}",
        MAX_ROWS,
        file.len() / 1024,
        ms(built.elapsed())
    );
    let mut held = Vec::new();
    let mut waits = Vec::new();
    for run in 1..=RUNS {
        let (db, community) = fresh_db(&dir, run).await;
        let importer = Importer {
            db: &db,
            actor: Actor::system(),
            community: &community,
            street: false,
        };
        // A writer beside the import, as a counting room's ballot entry would be: one-row
        // write transactions in a loop; its longest wait is what the import makes others feel.
        huanjie::db::Q::new("create table if not exists bench_probe (at integer not null)")
            .execute(&db)
            .await
            .unwrap();
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let probe = {
            let (db, stop) = (db.clone(), stop.clone());
            tokio::spawn(async move {
                let mut longest = Duration::ZERO;
                let mut writes = 0u32;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let t = Instant::now();
                    let mut tx = db.begin().await.unwrap();
                    huanjie::db::Q::new("insert into bench_probe (at) values ($1)")
                        .bind(i64::from(writes))
                        .execute(&mut tx)
                        .await
                        .unwrap();
                    tx.commit().await.unwrap();
                    longest = longest.max(t.elapsed());
                    writes += 1;
                    tokio::time::sleep(Duration::from_millis(2)).await;
                }
                (longest, writes)
            })
        };
        let started = Instant::now();
        let outcome = importer
            .run("bench.xlsx".into(), file.clone())
            .await
            .unwrap();
        let total = started.elapsed();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let (longest, writes) = probe.await.unwrap();
        let Outcome::Imported(report) = outcome else {
            panic!("the bench file was refused");
        };
        assert_eq!(report.count, MAX_ROWS);
        let breaks = huanjie::audit::verify(&db).await.unwrap();
        assert!(breaks.is_empty(), "audit chain broken: {breaks:?}");
        println!(
            "run {run}: write transaction held {}, whole import {} ({} people, audit chain verified); \
             a one-row writer beside it waited at most {} ({writes} writes)",
            ms(report.write_held),
            ms(total),
            report.count,
            ms(longest)
        );
        held.push(report.write_held);
        waits.push(longest);
        db.close().await;
    }
    let (db, community) = fresh_db(&dir, 0).await;
    let before = row_by_row(&db, &community, &file).await;
    db.close().await;
    println!(
        "best write transaction: {} (row by row, as before: {}); longest wait of the writer beside it: {}",
        ms(*held.iter().min().unwrap()),
        ms(before),
        ms(*waits.iter().max().unwrap())
    );
    std::fs::remove_dir_all(&dir).ok();
}
