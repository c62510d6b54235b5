//! Closing R-5: the slate of official candidates (正式候选人) checked under the rules — in total
//! 1–2 more than the seats, each post at least as many as its seats and exactly as many only
//! where the rules allow it — stored with their numbers (the street may override a failed one
//! with a reason), and R-5 marked done only when every check is satisfied. Also what blocks R-5
//! on the overview.

use serde_json::json;

use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::{Db, Q};
use crate::domain::residents::{ElectionRules, Post, check_slate};
use crate::domain::rules::RuleCheck;
use crate::error::{AppError, AppResult};
use crate::residents::r5_nominees::read::{self as read, Nominee};
use crate::residents::setup::{mark_done, require_open};
use crate::residents::store::{self, CheckView};
use crate::state::AppState;

/// Rule-check subject of the slate of official candidates, id = the campaign.
pub const SLATE_SUBJECT: &str = "resident_slate";

/// The rules the slate is checked under: the stored election rules (R-3; the defaults before
/// they are drafted) with the seats of C-2.
pub async fn slate_rules(db: &Db, c: &Campaign) -> AppResult<ElectionRules> {
    let mut rules = store::rules(db, c.id)
        .await?
        .map(|r| r.settings)
        .unwrap_or_default();
    rules.seats = store::seats(db, c.id).await?.0;
    Ok(rules)
}

/// The slate's checks for these official candidates: the total, then each post (whose rule id
/// names the post, so that each is stored apart).
pub fn slate(rules: &ElectionRules, official: &[Nominee]) -> Vec<RuleCheck> {
    let per_post: Vec<(Post, u32)> = Post::ALL
        .into_iter()
        .map(|p| {
            let n = official.iter().filter(|n| n.post() == Some(p)).count();
            (p, n as u32)
        })
        .collect();
    let mut checks = check_slate(rules, &per_post);
    for k in checks.iter_mut().filter(|k| k.rule == "R-5.post") {
        if let Some(p) = k.numbers.get("post").and_then(|v| v.as_str()) {
            let post = Post::parse(p).map(Post::as_str).unwrap_or_default();
            k.rule = format!("R-5.post.{post}");
        }
    }
    checks
}

/// The slate's stored checks.
pub async fn stored(db: &Db, c: &Campaign) -> AppResult<Vec<CheckView>> {
    store::checks(db, SLATE_SUBJECT, c.id).await
}

/// R-5 done: stores the slate's checks; refused (409, naming each failed check) unless every
/// one passed or was overridden by the street. Answers the checks.
pub async fn finish_r5(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
) -> AppResult<Vec<RuleCheck>> {
    require_open(state, c, "R-5").await?;
    let official = read::official(&state.db, c.id).await?;
    let rules = slate_rules(&state.db, c).await?;
    let checks = slate(&rules, &official);
    let mut tx = state.db.begin().await?;
    for (id, r) in crate::checks::of(&state.db, SLATE_SUBJECT, c.id).await? {
        if !checks.iter().any(|k| k.rule == r.check.rule) {
            Q::new("delete from rule_checks where id = $1")
                .bind(id)
                .execute(&mut tx)
                .await?;
        }
    }
    for k in &checks {
        crate::checks::save(&mut tx, SLATE_SUBJECT, c.id, k).await?;
    }
    tx.commit().await?;
    let mut failing: Vec<String> = stored(&state.db, c)
        .await?
        .into_iter()
        .filter(|k| !k.satisfied)
        .map(|k| k.message)
        .collect();
    // Close condition `rules_adopted`: the slate is judged by adopted rules, never a draft (R-4
    // and R-5 may have been opened early, before R-3 closed).
    if !crate::steps::Progress::load(&state.db, c.id)
        .await?
        .closed("R-3")
    {
        failing.push(
            "选举办法尚未经居民代表会议通过（R-3 制定选举办法未结束），不能按草案确定正式候选人。"
                .into(),
        );
    }
    if !failing.is_empty() {
        return Err(AppError::conflict(format!(
            "正式候选人名单未通过核对：{}不能完成候选人提名（R-5）。",
            failing.join("")
        )));
    }
    let per_post: Vec<_> = Post::ALL
        .into_iter()
        .map(|p| {
            json!({"post": p.as_str(), "candidates": official.iter().filter(|n| n.post() == Some(p)).count()})
        })
        .collect();
    let mut tx = state.db.begin().await?;
    mark_done(
        &mut tx,
        ctx,
        c,
        community,
        "R-5",
        json!({"official": official.len(), "per_post": per_post}),
    )
    .await?;
    tx.commit().await?;
    Ok(checks)
}

/// What blocks on the overview: each when it is the current step, or open (the
/// street opened it early) and not done.
pub async fn blockers(db: &Db, c: &Campaign, current: Option<&str>) -> AppResult<Vec<String>> {
    let mut out = Vec::new();
    for step in ["R-5", "R-6"] {
        let shown = current == Some(step)
            || (store::is_open(db, c.id, step).await? && !store::step_done(db, c.id, step).await?);
        if !shown {
            continue;
        }
        if step == "R-5" {
            out.extend(blockers_r5(db, c).await?);
        } else {
            out.extend(crate::residents::r6_introductions::write::blockers_r6(db, c).await?);
        }
    }
    Ok(out)
}

/// What blocks R-5: no nominee yet, nominees still under review, and the slate's checks that
/// fail now (unless the street overrode the stored one).
async fn blockers_r5(db: &Db, c: &Campaign) -> AppResult<Vec<String>> {
    let all = read::nominees(db, c.id).await?;
    if all.is_empty() {
        return Ok(vec!["尚未提名居民委员会成员候选人。".into()]);
    }
    let mut out: Vec<String> = all
        .iter()
        .filter(|n| !n.withdrawn && !n.is_official())
        .map(|n| {
            format!(
                "{}（{}候选人）尚待{}。",
                n.name,
                n.post_label(),
                n.next_label()
            )
        })
        .collect();
    let official: Vec<Nominee> = all.into_iter().filter(Nominee::is_official).collect();
    let kept = stored(db, c).await?;
    let rules = slate_rules(db, c).await?;
    out.extend(
        slate(&rules, &official)
            .into_iter()
            .filter(|k| !k.passed)
            .filter(|k| {
                !kept
                    .iter()
                    .any(|s| s.rule == k.rule && s.satisfied && s.message == k.message)
            })
            .map(|k| k.message),
    );
    Ok(out)
}
