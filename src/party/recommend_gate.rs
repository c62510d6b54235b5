//! Step gates around P-3: closing P-2 (the street, once every counted nomination is decided
//! and the review's 公示 recorded), opening P-3 early with the street's reason, and the check
//! that P-3 is open. Each change is audited in the community's chain.

use serde_json::{Value, json};

use super::recommend_read as read;
use super::review::ReasonInput;
use super::store;
use crate::audit::{self, Change};
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::{Q, Tx};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Appends an audit entry in the community's chain.
pub(super) async fn log(
    tx: &mut Tx,
    ctx: &Ctx,
    community: &Community,
    (action, entity, id): (&str, &str, String),
    after: Value,
) -> AppResult<()> {
    let change = Change {
        scope: community.scope(),
        action,
        entity,
        entity_id: id,
        before: None,
        after: Some(after),
    };
    audit::append(tx, &ctx.actor(), change).await?;
    Ok(())
}

/// 409 unless P-3 is open and not yet closed by the street.
pub(super) async fn require_open(state: &AppState, c: &Campaign) -> AppResult<()> {
    if store::step_done(&state.db, c.id, "P-3").await? {
        return Err(AppError::conflict(
            "全额定向民主推荐（P-3）已由街道工作组结束，推荐会记录、介绍材料和推荐票不能再修改。",
        ));
    }
    if read::p3_open(&state.db, c.id).await? {
        Ok(())
    } else {
        Err(AppError::conflict(
            "资格审查（P-2）尚未完成，全额定向民主推荐（P-3）未开始；街道工作组可写明理由提前开始。",
        ))
    }
}

/// Marks P-2 done: every counted nomination decided and the review's 公示 recorded.
pub async fn finish_p2(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
) -> AppResult<()> {
    if !store::p2_open(&state.db, c.id).await? {
        return Err(AppError::conflict("资格审查（P-2）尚未开始。"));
    }
    let noms = store::nominations(&state.db, c.id).await?;
    let undecided = noms
        .iter()
        .filter(|n| n.counted() && n.decision.is_none())
        .count();
    if undecided > 0 {
        return Err(AppError::conflict(format!(
            "还有 {undecided} 项推荐尚未作出审查结论，资格审查不能结束。"
        )));
    }
    if store::publicities(&state.db, c.id, "P-2").await?.is_empty() {
        return Err(AppError::conflict("尚未公示审查结果，资格审查不能结束。"));
    }
    let mut tx = state.db.begin().await?;
    let now = crate::now();
    let n = Q::new("update campaign_steps set done_at = $1, updated_at = $1 where campaign_id = $2 and code = 'P-2'")
        .bind(now)
        .bind(c.id)
        .execute(&mut tx)
        .await?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    let passed = noms
        .iter()
        .filter(|n| n.decision.as_deref() == Some("passed"))
        .count();
    let id = format!("{}:P-2", c.id);
    let after = json!({"done_at": now, "passed": passed});
    log(
        &mut tx,
        ctx,
        community,
        ("done", "campaign_step", id),
        after,
    )
    .await?;
    tx.commit().await
}

/// Opens P-3 before P-2 is done, with the street's reason.
pub async fn open_p3(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &ReasonInput,
) -> AppResult<()> {
    let reason = f.reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("理由", "提前开始民主推荐必须写明理由"));
    }
    if read::p2_done(&state.db, c.id).await? {
        return Err(AppError::conflict("资格审查已完成，民主推荐已可开始。"));
    }
    super::lists_gate::open_early(state, ctx, (c, community), "P-3", f).await
}
