//! Issue 7's acceptance walks: one residents' campaign of sg01 taken from the seats to R-8
//! done, without the street's early-open override and without SQL for the pipeline's state —
//! once through the HTML pages (`pages`), once through the JSON API (`api`). SQL only sets up
//! people data (education, relations), as the other residents' tests do.
//!
//! The cast: 5 seats (主任 1, 副主任 1, 委员 3), rules allowing 主任 to be 等额; candidates
//! 李1 (主任), 张2 and 刘3 (副主任), 陈4, 杨5, 赵6 and 黄7 (委员) — 7 for 5 seats; twelve more
//! residents of whom 居民1 and 居民2 represent 第一居民小组, 居民1 … 居民5 form the election
//! committee (居民6 its alternate), and 居民12 votes for 居民11 by proxy. In the first round
//! 赵6 and 黄7 get one 委员 vote each, so the third 委员 seat is left for a 另行选举, which 赵6
//! wins.

mod api;
mod pages;

use crate::helpers::TestApp;
use crate::residents_election::relate;
use crate::residents_nominees::resident;
use crate::residents_voters::person;

/// The candidates: (name, post) in ballot order.
pub(crate) const CANDIDATES: [(&str, &str); 7] = [
    ("李1", "director"),
    ("张2", "deputy"),
    ("刘3", "deputy"),
    ("陈4", "member"),
    ("杨5", "member"),
    ("赵6", "member"),
    ("黄7", "member"),
];

/// The people of the walk.
pub(crate) struct Cast {
    /// The candidates' person ids, in the order of [`CANDIDATES`].
    pub candidates: Vec<i64>,
    /// 居民1 … 居民12's person ids.
    pub others: Vec<i64>,
}

/// Creates the cast's people in sg01 (people data only) and the proxy's spouse relation.
pub(crate) async fn cast(app: &TestApp) -> Cast {
    let mut candidates = Vec::new();
    for seq in 1..=CANDIDATES.len() as u32 {
        candidates.push(resident(app, "sg01", seq).await);
    }
    let mut others = Vec::new();
    for i in 1..=12u32 {
        others.push(person(app, "sg01", &format!("居民{i}"), "1968-08-08", 200 + i).await);
    }
    relate(app, others[11], others[10], "spouse").await;
    Cast { candidates, others }
}

/// The ballots of the first round for `n` participants: (主任, 副主任, 委员) names marked.
pub(crate) fn first_round(n: usize) -> Vec<(&'static str, &'static str, Vec<&'static str>)> {
    (0..n)
        .map(|i| match i {
            0 => ("李1", "刘3", vec!["陈4", "杨5", "赵6"]),
            1 => ("李1", "张2", vec!["陈4", "杨5", "黄7"]),
            _ => ("李1", "张2", vec!["陈4", "杨5"]),
        })
        .collect()
}

/// The 另行选举 ballots for `n` participants: 黄7 on two, 赵6 on the others.
pub(crate) fn further_round(n: usize) -> Vec<&'static str> {
    (0..n).map(|i| if i < 2 { "黄7" } else { "赵6" }).collect()
}
