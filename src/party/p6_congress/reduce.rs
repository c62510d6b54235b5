//! P-6: reducing the 委员 seats instead of a further election (另行选举) when the 委员 vote
//! elected fewer than the seats (SPEC §8): allowed if the committee's size stays legal (C-1) and
//! more than half of the electors present agree; audited in the community's chain.

use serde::Deserialize;
use serde_json::json;

use crate::audit;
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::counting::load_vote;
use crate::counting::stage;
use crate::db::Q;
use crate::domain::counting::VoteState;
use crate::domain::tally::TallyResult;
use crate::error::{AppError, AppResult};
use crate::party::p6_congress::votes::members_stage;
use crate::party::p6_congress::write::require_congress;
use crate::party::size::check_size;
use crate::party::store;
use crate::state::AppState;

/// Input for the reduction.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReduceInput {
    /// Electors present who agreed.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub agreed: Option<i64>,
    /// Why.
    pub reason: String,
}

/// Ends the 委员 stage with the elected so far instead of a further election; returns the new
/// number of 委员.
pub async fn reduce_members(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &ReduceInput,
) -> AppResult<u32> {
    let reason = f.reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("理由", "减少名额必须写明理由"));
    }
    let agreed = f
        .agreed
        .filter(|n| *n >= 0)
        .ok_or_else(|| AppError::invalid("同意人数", "请填写同意减少名额的选举人数"))?;
    let g = require_congress(state, c).await?;
    let first = g
        .members_vote_id
        .ok_or_else(|| AppError::conflict("尚未进行委员选举。"))?;
    if g.leaders_vote_id.is_some() {
        return Err(AppError::conflict(
            "书记、副书记选举已经开始，不能再减少委员名额。",
        ));
    }
    let chain = stage::chain(&state.db, first).await?;
    let last = load_vote(&state.db, chain.last().map_or(first, |v| v.id)).await?;
    let result: Option<TallyResult> = last
        .result
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok());
    let short = result
        .filter(|r| last.state() == VoteState::Certified && r.valid)
        .is_some_and(|r| {
            r.posts
                .iter()
                .any(|p| (p.next_round.is_some() || p.unfilled > 0) && p.tie.is_empty())
        });
    if !short {
        return Err(AppError::conflict(
            "只有委员选举确认后当选人数不足、需要另行选举时，才能改为减少名额。",
        ));
    }
    let present = last.present.unwrap_or(0);
    if agreed > present {
        return Err(AppError::invalid(
            "同意人数",
            format!("不能超过实到人数 {present}"),
        ));
    }
    // 过半数: the engine's majority, so the rule has one home.
    if (agreed as u64) < crate::domain::tally::law::MAJORITY.more_than(present.max(0) as u64) {
        return Err(AppError::invalid(
            "同意人数",
            format!("减少名额须经过半数选举人同意：实到 {present} 名，同意 {agreed} 名"),
        ));
    }
    let elected = members_stage(state, c, &g)
        .await?
        .map_or(0, |s| s.of_post("委员").len() as i64);
    let size = store::size(&state.db, c.id)
        .await?
        .ok_or_else(|| AppError::conflict("尚未确定委员会职数（C-1）。"))?;
    let check = check_size(&size.org_type, elected);
    if !check.passed || elected < size.deputies + 1 {
        return Err(AppError::conflict(format!(
            "减少名额后委员会职数须符合规定：{}",
            check.message
        )));
    }
    let mut tx = state.db.begin().await?;
    Q::new("update party_congresses set members_reduced_vote_id = $1, members_reduced_agreed = $2, members_reduced_reason = $3, updated_at = $4 \
            where campaign_id = $5")
        .bind(last.id)
        .bind(agreed)
        .bind(reason)
        .bind(crate::now())
        .bind(c.id)
        .execute(&mut tx)
        .await?;
    let after = json!({"after_vote": last.id, "members": elected, "agreed": agreed, "present": present, "reason": reason, "check": check});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("reduce", "party_congress", c.id.to_string()),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok(elected as u32)
}
