//! Step gates around P-3: closing P-2 (the street, once every counted nomination is decided
//! and the review's 公示 recorded), opening P-3 early with the street's reason, and the check
//! that P-3 is open. Each change is audited in the community's chain.

use serde_json::json;

use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::error::{AppError, AppResult};
use crate::party::p2_review::write::ReasonInput;
use crate::party::p3_recommendation::read;
use crate::party::store;
use crate::state::AppState;

/// 409 unless P-3 is open and not yet closed by the street.
pub(crate) async fn require_open(state: &AppState, c: &Campaign) -> AppResult<()> {
    crate::steps::require_open(&state.db, c, "P-3").await
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
    let blockers =
        crate::party::size::review_blockers(&state.db, c.id, &noms, state.today()).await?;
    if !blockers.is_empty() {
        return Err(AppError::conflict(format!(
            "资格审查不能结束：{}",
            blockers.join("")
        )));
    }
    let mut tx = state.db.begin().await?;
    let passed = noms
        .iter()
        .filter(|n| n.decision.as_deref() == Some("passed"))
        .count();
    let after = json!({"done_at": crate::now(), "passed": passed});
    crate::steps::close(&mut tx, ctx, c, community, "P-2", after).await?;
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
    crate::party::p4_preliminary::gate::open_early(state, ctx, (c, community), "P-3", f).await
}
