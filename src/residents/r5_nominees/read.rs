//! Reading: the nominees per post with their four reviews and introductions, and
//! the official candidates (正式候选人) — nominees not withdrawn whose latest record of each of
//! the four reviews is a pass — in ballot order (post, then 姓氏笔画).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::db::{Db, Q};
use crate::domain::residents::{Post, Review, ReviewResult, next_review};
use crate::error::AppResult;

/// A nominee for one post, with the reviews recorded so far.
#[derive(Clone, Debug, Serialize)]
pub struct Nominee {
    /// Row id.
    pub id: i64,
    /// The person.
    pub person_id: i64,
    /// The person's name.
    pub name: String,
    /// The post (`director` | `deputy` | `member`).
    pub post: String,
    /// The nominating channel (`residents_meeting` | …).
    pub channel: String,
    /// Who nominated (the group, the meeting).
    pub nominated_by: String,
    /// R-6 introduction.
    pub introduction: String,
    /// R-6 statement.
    pub statement: String,
    /// Withdrawn (or stepped back).
    pub withdrawn: bool,
    /// Why the nominee withdrew (empty when not withdrawn).
    pub withdraw_reason: String,
    /// The reviews, oldest first.
    pub reviews: Vec<ReviewResult>,
    /// The same reviews as recorded, with their dates, for pages and documents.
    pub records: Vec<ReviewRecord>,
}

/// One recorded review as shown: which, the result, the reason and the day.
#[derive(Clone, Debug, Serialize)]
pub struct ReviewRecord {
    /// The review's label (资格审查, …).
    pub label: &'static str,
    /// Passed.
    pub passed: bool,
    /// The reason.
    pub reason: String,
    /// The day it was held (empty when not given).
    pub date: String,
}

impl Nominee {
    /// The post, parsed.
    pub fn post(&self) -> Option<Post> {
        Post::parse(&self.post)
    }

    /// Whether all four reviews are passed and the nominee was not withdrawn.
    pub fn is_official(&self) -> bool {
        !self.withdrawn && next_review(&self.reviews).is_none()
    }
}

#[derive(sqlx::FromRow)]
struct NomineeRow {
    id: i64,
    person_id: i64,
    name: String,
    post: String,
    channel: String,
    nominated_by: String,
    introduction: String,
    statement: String,
    withdrawn: bool,
    withdraw_reason: String,
}

#[derive(sqlx::FromRow)]
struct ReviewRow {
    nominee_id: i64,
    review: String,
    passed: bool,
    reason: String,
    reviewed_on: Option<chrono::NaiveDate>,
}

/// Every nominee of a campaign with its reviews, by post then 姓氏笔画.
pub async fn nominees(db: &Db, campaign_id: i64) -> AppResult<Vec<Nominee>> {
    let rows: Vec<NomineeRow> = Q::new(
        "select n.id, n.person_id, p.name, n.post, n.channel, n.nominated_by, n.introduction, n.statement, n.withdrawn, n.withdraw_reason \
         from resident_nominees n join people p on p.id = n.person_id where n.campaign_id = $1 order by n.id",
    )
    .bind(campaign_id)
    .all(db)
    .await?;
    let reviews: Vec<ReviewRow> = Q::new(
        "select r.nominee_id, r.review, r.passed, r.reason, r.reviewed_on from resident_nominee_reviews r \
         join resident_nominees n on n.id = r.nominee_id where n.campaign_id = $1 order by r.id",
    )
    .bind(campaign_id)
    .all(db)
    .await?;
    let mut by: BTreeMap<i64, Vec<ReviewResult>> = BTreeMap::new();
    let mut shown: BTreeMap<i64, Vec<ReviewRecord>> = BTreeMap::new();
    for r in reviews {
        if let Some(review) = Review::parse(&r.review) {
            shown.entry(r.nominee_id).or_default().push(ReviewRecord {
                label: review.label(),
                passed: r.passed,
                reason: r.reason.clone(),
                date: r.reviewed_on.map(|d| d.to_string()).unwrap_or_default(),
            });
            by.entry(r.nominee_id).or_default().push(ReviewResult {
                review,
                passed: r.passed,
                reason: r.reason,
            });
        }
    }
    let mut out: Vec<Nominee> = rows
        .into_iter()
        .map(|r| Nominee {
            reviews: by.remove(&r.id).unwrap_or_default(),
            records: shown.remove(&r.id).unwrap_or_default(),
            id: r.id,
            person_id: r.person_id,
            name: r.name,
            post: r.post,
            channel: r.channel,
            nominated_by: r.nominated_by,
            introduction: r.introduction,
            statement: r.statement,
            withdrawn: r.withdrawn,
            withdraw_reason: r.withdraw_reason,
        })
        .collect();
    let rank = |n: &Nominee| {
        Post::ALL
            .iter()
            .position(|p| Some(*p) == n.post())
            .unwrap_or(9)
    };
    let mut names: Vec<String> = out.iter().map(|n| n.name.clone()).collect();
    crate::domain::strokes::sort_names(&mut names);
    let order = |n: &Nominee| {
        names
            .iter()
            .position(|x| *x == n.name)
            .unwrap_or(usize::MAX)
    };
    out.sort_by_key(|n| (rank(n), order(n), n.id));
    Ok(out)
}

/// The official candidates (正式候选人) in ballot order: post (主任, 副主任, 委员), then 姓氏笔画.
pub async fn official(db: &Db, campaign_id: i64) -> AppResult<Vec<Nominee>> {
    Ok(nominees(db, campaign_id)
        .await?
        .into_iter()
        .filter(Nominee::is_official)
        .collect())
}

/// One nominee of the campaign; 404 for another campaign's.
pub async fn nominee(db: &Db, campaign_id: i64, id: i64) -> AppResult<Nominee> {
    nominees(db, campaign_id)
        .await?
        .into_iter()
        .find(|n| n.id == id)
        .ok_or(crate::error::AppError::NotFound)
}

impl Nominee {
    /// The post's label (主任, 副主任, 委员).
    pub fn post_label(&self) -> &'static str {
        self.post().map(Post::label).unwrap_or("")
    }

    /// The channel's label.
    pub fn channel_label(&self) -> &'static str {
        crate::domain::residents::NominationChannel::parse(&self.channel)
            .map(|c| c.label())
            .unwrap_or("")
    }

    /// The next review due, by its label (empty once all four are passed).
    pub fn next_label(&self) -> &'static str {
        next_review(&self.reviews).map(Review::label).unwrap_or("")
    }

    /// The status with the withdrawal's reason: 已退出：<理由>, or [`Self::status`].
    pub fn status_text(&self) -> String {
        if self.withdrawn && !self.withdraw_reason.is_empty() {
            format!("已退出：{}", self.withdraw_reason)
        } else {
            self.status().to_string()
        }
    }

    /// 已退出, 正式候选人 or 审查中.
    pub fn status(&self) -> &'static str {
        if self.withdrawn {
            "已退出"
        } else if self.is_official() {
            "正式候选人"
        } else {
            "审查中"
        }
    }
}
