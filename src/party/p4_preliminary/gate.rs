//! Step gates around P-4 and P-5: closing P-3 (the street, once the meeting with its checks and
//! the recommendation are recorded) and P-4 (list, inspections, 公示, objections answered),
//! opening P-4 or P-5 early with the street's reason, and the audit helpers these changes share.

use serde_json::{Value, json};

use crate::audit::{self};
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::{Q, Tx};
use crate::error::{AppError, AppResult};
use crate::party::p2_review::write::ReasonInput;
use crate::party::p3_recommendation::read as p3;
use crate::party::p4_preliminary::read;
use crate::state::AppState;

/// Marks a Party step of the campaign done, audited.
pub(crate) async fn mark_done(
    tx: &mut Tx,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    step: &str,
    after: Value,
) -> AppResult<()> {
    let mut after = after;
    after["done_at"] = json!(crate::now());
    crate::steps::close(tx, ctx, c, community, step, after).await
}

/// Records the street's reason for opening `step` before the step before it is done.
pub(crate) async fn open_early(
    state: &AppState,
    ctx: &Ctx,
    (c, community): (&Campaign, &Community),
    step: &str,
    f: &ReasonInput,
) -> AppResult<()> {
    let reason = f.reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("理由", "提前开始必须写明理由"));
    }
    let mut tx = state.db.begin().await?;
    Q::new("insert into party_step_overrides (campaign_id, step, reason, created_by, created_at) values ($1, $2, $3, $4, $5) \
            on conflict (campaign_id, step) do update set reason = excluded.reason, created_by = excluded.created_by, created_at = excluded.created_at")
        .bind(c.id)
        .bind(step)
        .bind(reason)
        .bind(ctx.user()?.id)
        .bind(crate::now())
        .execute(&mut tx)
        .await?;
    let id = format!("{}:{step}", c.id);
    let after = json!({"step": step, "reason": reason});
    audit::record_change(
        &mut tx,
        ctx,
        community,
        ("override", "party_step", id),
        None,
        after,
    )
    .await?;
    tx.commit().await
}

/// Closes P-3 (the street): P-3 open, the meeting recorded with both checks satisfied, and
/// forms or totals entered.
pub async fn finish_p3(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
) -> AppResult<()> {
    if !p3::p3_open(&state.db, c.id).await? {
        return Err(AppError::conflict(
            "全额定向民主推荐（P-3）尚未开始，不能结束。",
        ));
    }
    let blockers = read::p3_blockers(&state.db, c.id).await?;
    if !blockers.is_empty() {
        return Err(AppError::conflict(format!(
            "民主推荐不能结束：{}",
            blockers.join("")
        )));
    }
    let s = p3::summary(&state.db, c.id).await?;
    let mut tx = state.db.begin().await?;
    let after =
        json!({"participants": s.participants, "source": s.source, "valid_forms": s.valid_forms});
    mark_done(&mut tx, ctx, c, community, "P-3", after).await?;
    tx.commit().await
}

/// Opens P-4 before P-3 is done, with the street's reason.
pub async fn open_p4(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &ReasonInput,
) -> AppResult<()> {
    if read::p3_done(&state.db, c.id).await? {
        return Err(AppError::conflict("民主推荐已完成，初步人选已可确定。"));
    }
    open_early(state, ctx, (c, community), "P-4", f).await
}

/// Closes P-4 (the street): the list with its size satisfied, everyone inspected, the 公示
/// recorded and every objection answered.
pub async fn finish_p4(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
) -> AppResult<()> {
    if !read::p4_open(&state.db, c.id).await? {
        return Err(AppError::conflict("初步人选（P-4）尚未开始，不能结束。"));
    }
    let blockers = read::p4_blockers(&state.db, c.id, state.today()).await?;
    if !blockers.is_empty() {
        return Err(AppError::conflict(format!(
            "初步人选不能结束：{}",
            blockers.join("")
        )));
    }
    let listed = read::entries(&state.db, c.id, read::PRELIMINARY)
        .await?
        .len();
    let mut tx = state.db.begin().await?;
    mark_done(&mut tx, ctx, c, community, "P-4", json!({"listed": listed})).await?;
    tx.commit().await
}
