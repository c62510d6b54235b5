//! R-5 候选人提名, changes: nominate a person of the community for a post (one post unless the
//! adopted rules allow two; a member of the election committee nominated steps down at once and
//! the next alternate takes the seat), withdraw a nominee with a reason, and record the four
//! reviews in order — 资格审查 with the C-3/C-4 checks stored on the nominee (the street may
//! override a failed one with a reason), 政审, 居民代表会议讨论, 考试/考核. Each change is
//! audited in the community's chain in its own transaction.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use crate::audit;
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::{Db, Q};
use crate::domain::person::parse_date;
use crate::domain::residents::{
    NominationChannel, Post, Review, ReviewResult, check_one_post, check_reviews, next_review,
};
use crate::domain::rules::{RuleCheck, check_qualification};
use crate::error::{AppError, AppResult};
use crate::residents::r5_nominees::close::slate_rules;
use crate::residents::r5_nominees::read::{self as read, Nominee};
use crate::residents::setup::{require_open, step_down};
use crate::residents::store;
use crate::state::AppState;

/// Rule-check subject of a nominee's C-3/C-4 checks, id = the nominee.
pub const NOMINEE_SUBJECT: &str = "resident_nominee";

/// A nomination: the person, the post, the channel and who nominated.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct NominateInput {
    /// The person.
    pub person_id: i64,
    /// 主任 | 副主任 | 委员 (or `director` | `deputy` | `member`).
    pub post: String,
    /// The channel (`residents_meeting` | `representatives_meeting` | `resident_group` |
    /// `self_nomination`, or the label).
    pub channel: String,
    /// Who nominated: the resident group, the meeting's date (optional for self-nomination).
    #[serde(default)]
    pub nominated_by: String,
}

/// What a nomination did: the nominee, the C-3/C-4 checks, and the committee's substitutions.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Nominated {
    /// The nominee's row id.
    pub id: i64,
    /// The person's name.
    pub name: String,
    /// The post's label.
    pub post: &'static str,
    /// C-3 and C-4, as stored on the nominee.
    pub checks: Vec<RuleCheck>,
    /// The sentences of the election committee's substitutions (a member nominated steps down).
    pub stepped_down: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct Facts {
    id: i64,
    name: String,
    birth_date: Option<NaiveDate>,
    education: Option<String>,
    incumbent: i64,
    rights_removed: bool,
}

/// A person living in (or registered in) the community, with what C-3/C-4 need.
async fn facts(db: &Db, c: &Campaign, person: i64) -> AppResult<Facts> {
    Q::new(
        "select p.id, p.name, p.birth_date, p.education, p.rights_removed, \
         (select count(*) from incumbencies i where i.person_id = p.id) as incumbent \
         from people p where p.id = $1 and (p.residence_community_id = $2 or p.hukou_community_id = $2)",
    )
    .bind(person)
    .bind(c.community_id)
    .optional(db)
    .await?
    .ok_or_else(|| AppError::invalid("人员", "该人员不是本社区居民"))
}

/// C-3 (the 主任's limit for 主任, the others' for 副主任 and 委员, the new entrants' for those
/// in neither outgoing committee: a member of the outgoing Party committee standing for the
/// residents' committee is no new entrant, cross-appointment being what the plan wants) and C-4
/// for a nominee.
fn qualification(f: &Facts, post: Post, c: &Campaign) -> Vec<RuleCheck> {
    check_qualification(
        post.label(),
        f.incumbent > 0,
        f.birth_date,
        f.education.as_deref(),
        c.reference_date,
    )
}

/// records a nomination. Refused (422) for a person outside the community, a second
/// nomination for the same post, or a second post unless the rules allow two.
pub async fn nominate(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &NominateInput,
) -> AppResult<Nominated> {
    require_open(state, c, "R-5").await?;
    let post = Post::parse(&f.post)
        .ok_or_else(|| AppError::invalid("职位", "职位应为主任、副主任或委员"))?;
    let channel = NominationChannel::parse(&f.channel).ok_or_else(|| {
        AppError::invalid(
            "提名方式",
            "提名方式应为居民会议、居民代表会议、居民小组提名或本人自荐",
        )
    })?;
    let by = f.nominated_by.trim();
    if by.is_empty() && channel != NominationChannel::SelfNomination {
        return Err(AppError::invalid(
            "提名人",
            "请写明提名的会议（日期）或居民小组",
        ));
    }
    if by.chars().count() > 200 {
        return Err(AppError::invalid("提名人", "最多 200 字"));
    }
    let p = facts(&state.db, c, f.person_id).await?;
    if p.rights_removed {
        // 被选举权 follows 选举权: someone deprived of political rights cannot stand.
        return Err(AppError::invalid(
            "人员",
            format!(
                "{}被剥夺政治权利，没有被选举权，不能被提名为候选人。",
                p.name
            ),
        ));
    }
    let earlier: Vec<(String, bool)> = Q::new(
        "select post, withdrawn from resident_nominees where campaign_id = $1 and person_id = $2",
    )
    .bind(c.id)
    .bind(p.id)
    .all(&state.db)
    .await?;
    if earlier.iter().any(|(x, _)| x == post.as_str()) {
        return Err(AppError::invalid(
            "职位",
            format!("{}已被提名为{}候选人，不能重复提名。", p.name, post.label()),
        ));
    }
    let rules = slate_rules(&state.db, c).await?;
    let mut posts: Vec<Post> = earlier
        .iter()
        .filter(|(_, withdrawn)| !withdrawn)
        .filter_map(|(x, _)| Post::parse(x))
        .collect();
    posts.push(post);
    let one = check_one_post(&p.name, &posts, rules.two_posts);
    if !one.passed {
        return Err(AppError::invalid("职位", one.message));
    }
    let checks = qualification(&p, post, c);
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    let id = Q::new(
        "insert into resident_nominees (campaign_id, person_id, post, channel, nominated_by, created_by, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $7) returning id",
    )
    .bind(c.id)
    .bind(p.id)
    .bind(post.as_str())
    .bind(channel.as_str())
    .bind(by)
    .bind(ctx.user()?.id)
    .bind(now)
    .scalar(&mut tx)
    .await?;
    for k in &checks {
        crate::checks::save(&mut tx, NOMINEE_SUBJECT, id, k).await?;
    }
    let after = json!({"person_id": p.id, "name": p.name, "post": post.as_str(), "channel": channel.as_str(),
                       "nominated_by": by, "checks": checks});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("nominate", "resident_nominee", id.to_string()),
        after,
    )
    .await?;
    tx.commit().await?;
    let committee = store::committee(&state.db, c.id).await?;
    let stepped_down = if committee.members.iter().any(|m| m.person_id == p.id) {
        // Every nominee still standing is passed over, so no alternate who is a candidate
        // takes the seat.
        let standing: BTreeSet<i64> = read::nominees(&state.db, c.id)
            .await?
            .into_iter()
            .filter(|n| !n.withdrawn)
            .map(|n| n.person_id)
            .collect();
        step_down(state, ctx, c, community, &standing)
            .await?
            .substitutions
            .into_iter()
            .map(|s| s.message)
            .collect()
    } else {
        Vec::new()
    };
    Ok(Nominated {
        id,
        name: p.name,
        post: post.label(),
        checks,
        stepped_down,
    })
}

/// A withdrawal's reason.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct WithdrawInput {
    /// Why (required).
    pub reason: String,
}

/// withdraws a nominee; the reason is stored with it and in the audit entry.
pub async fn withdraw(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    nid: i64,
    f: &WithdrawInput,
) -> AppResult<Nominee> {
    let n = read::nominee(&state.db, c.id, nid).await?;
    require_open(state, c, "R-5").await?;
    let reason = f.reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("理由", "退出提名必须写明理由"));
    }
    if n.withdrawn {
        return Err(AppError::conflict(format!("{}已退出提名。", n.name)));
    }
    let mut tx = state.db.begin().await?;
    Q::new("update resident_nominees set withdrawn = $1, withdraw_reason = $2, updated_at = $3 where id = $4")
        .bind(true)
        .bind(reason)
        .bind(crate::now())
        .bind(nid)
        .execute(&mut tx)
        .await?;
    let after = json!({"name": n.name, "post": n.post, "withdrawn": true, "reason": reason});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("withdraw", "resident_nominee", nid.to_string()),
        after,
    )
    .await?;
    tx.commit().await?;
    read::nominee(&state.db, c.id, nid).await
}

/// One review's record.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ReviewInput {
    /// `qualification` | `political` | `discussion` | `assessment` (or the label).
    pub review: String,
    /// `passed` | `failed` (or 通过 | 不通过).
    pub result: String,
    /// Why (required when failed).
    #[serde(default)]
    pub reason: String,
    /// The day the review was held.
    pub date: String,
}

/// records the next review of a nominee. Refused when out of order (409), when failed
/// without a reason (422), or — for 资格审查 — when passed while a C-3/C-4 check fails and the
/// street has not overridden it (422). Answers the nominee's check of the four reviews.
pub async fn review(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    nid: i64,
    f: &ReviewInput,
) -> AppResult<(Nominee, RuleCheck)> {
    let n = read::nominee(&state.db, c.id, nid).await?;
    require_open(state, c, "R-5").await?;
    let review = Review::parse(&f.review).ok_or_else(|| {
        AppError::invalid(
            "审查",
            "审查应为资格审查、政审、居民代表会议讨论或考试/考核",
        )
    })?;
    // 资格审查 is the street leading group's (SPEC §1); the others are recorded by the community.
    if review == Review::Qualification && !ctx.user()?.is_street() {
        return Err(AppError::Forbidden);
    }
    let passed = match f.result.trim() {
        "passed" | "通过" => true,
        "failed" | "不通过" => false,
        _ => {
            return Err(AppError::invalid(
                "审查结果",
                "应为通过（passed）或不通过（failed）",
            ));
        }
    };
    let reason = f.reason.trim();
    if !passed && reason.is_empty() {
        return Err(AppError::invalid("理由", "审查不通过必须写明理由"));
    }
    if reason.chars().count() > 2000 {
        return Err(AppError::invalid("理由", "最多 2000 字"));
    }
    let date =
        parse_date(f.date.trim()).ok_or_else(|| AppError::invalid("审查日期", "请填写有效日期"))?;
    if n.withdrawn {
        return Err(AppError::conflict(format!(
            "{}已退出提名，不能审查。",
            n.name
        )));
    }
    match next_review(&n.reviews) {
        None => {
            return Err(AppError::conflict(format!(
                "{}已通过全部四项审查。",
                n.name
            )));
        }
        Some(next) if next != review => {
            return Err(AppError::conflict(format!(
                "审查应按顺序进行：{}的下一项审查是{}，不能记录{}。",
                n.name,
                next.label(),
                review.label()
            )));
        }
        Some(_) => {}
    }
    let mut checks = Vec::new();
    if review == Review::Qualification {
        let post = n.post().unwrap_or(Post::Member);
        checks = qualification(&facts(&state.db, c, n.person_id).await?, post, c);
        let stored = crate::checks::of(&state.db, NOMINEE_SUBJECT, nid).await?;
        let overridden = |rule: &str| {
            stored
                .iter()
                .any(|(_, r)| r.check.rule == rule && r.override_.is_some())
        };
        let unmet: Vec<&str> = checks
            .iter()
            .filter(|k| !k.passed && !overridden(&k.rule))
            .map(|k| k.message.as_str())
            .collect();
        if passed && !unmet.is_empty() {
            return Err(AppError::invalid(
                "审查结果",
                format!(
                    "资格审查不能通过：{}；不符合且未经街道工作组批准放宽。",
                    unmet.join("；")
                ),
            ));
        }
    }
    let mut tx = state.db.begin().await?;
    for k in &checks {
        crate::checks::save(&mut tx, NOMINEE_SUBJECT, nid, k).await?;
    }
    let id = Q::new(
        "insert into resident_nominee_reviews (nominee_id, review, passed, reason, reviewed_on, created_by, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
    )
    .bind(nid)
    .bind(review.as_str())
    .bind(passed)
    .bind(reason)
    .bind(date)
    .bind(ctx.user()?.id)
    .bind(crate::now())
    .scalar(&mut tx)
    .await?;
    let after = json!({"review_id": id, "name": n.name, "review": review.as_str(), "passed": passed,
                       "reason": reason, "date": date});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("review", "resident_nominee", nid.to_string()),
        after,
    )
    .await?;
    tx.commit().await?;
    let n = read::nominee(&state.db, c.id, nid).await?;
    let check = check_reviews(&n.name, &n.reviews);
    Ok((n, check))
}

/// The check of the four reviews for a nominee, as shown (not stored: the reviews decide).
pub fn reviews_check(n: &Nominee) -> RuleCheck {
    let reviews: &[ReviewResult] = &n.reviews;
    check_reviews(&n.name, reviews)
}
