//! The group committer of ballot entry: jobs waiting together commit in one transaction on
//! SQLite (one per job on PostgreSQL), and a job that fails — by its own decision or on a
//! constraint — changes nothing while the others of its group commit.

use futures_util::future::join_all;
use huanjie::db::group::GroupCommit;
use huanjie::db::{Db, Q};
use huanjie::error::AppError;

use crate::helpers::TestApp;

/// Jobs sent at once (below `join_all`'s switch to an unordered set, so all are queued before
/// the writer first runs).
const JOBS: i64 = 25;

#[tokio::test]
async fn jobs_sent_together_commit_as_one_group_and_the_failing_ones_leave_no_trace() {
    let app = TestApp::spawn().await;
    let db = app.state.db.clone();
    Q::new("create table group_probe (n bigint primary key)")
        .execute(&db)
        .await
        .unwrap();
    Q::new("insert into group_probe (n) values (1000)")
        .execute(&db)
        .await
        .unwrap();
    let writer = GroupCommit::default();
    let jobs = (0..JOBS).map(|n| {
        let (writer, db) = (&writer, &db);
        async move {
            writer
                .run(db, move |mut tx| async move {
                    // Job 20 inserts a number already there: a unique violation, its own only.
                    let value = if n == 20 { 1000 } else { n };
                    let out = match Q::new("insert into group_probe (n) values ($1)")
                        .bind(value)
                        .execute(&mut tx)
                        .await
                    {
                        Err(e) => Err(e),
                        Ok(_) if n % 7 == 3 => Err(AppError::conflict("这一项不要")),
                        Ok(_) => Ok(n),
                    };
                    (tx, out)
                })
                .await
        }
    });
    let results = join_all(jobs).await;
    for (n, r) in (0..JOBS).zip(&results) {
        match r {
            Ok(v) => assert!(*v == n && n % 7 != 3 && n != 20, "job {n} answered {v}"),
            Err(AppError::Conflict(why)) => assert!(n % 7 == 3 && why.contains("不要"), "{n}"),
            Err(e) => assert_eq!(n, 20, "job {n}: {e}"),
        }
    }
    let kept: Vec<(i64,)> = Q::new("select n from group_probe order by n")
        .all(&db)
        .await
        .unwrap();
    let want: Vec<(i64,)> = (0..JOBS)
        .filter(|n| n % 7 != 3 && *n != 20)
        .chain([1000])
        .map(|n| (n,))
        .collect();
    assert_eq!(kept, want);
    match db {
        Db::Sqlite(_) => assert_eq!(writer.groups(), 1, "all {JOBS} jobs in one commit"),
        Db::Postgres(_) => assert_eq!(writer.groups(), 0, "one transaction per job"),
    }
}
