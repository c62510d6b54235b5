//! W-1's writes: the handover meeting (its date checked against the formation of the new
//! committees and stored as a rule check), the checklist's items (added one by one or from the
//! default set, filled and ticked by both sides, removed with the removal audited), the street's
//! override of a late meeting, and closing W-1 ("完成交接") once its conditions hold. Every
//! write passes the procedure guard: once W-1 closes the checklist is frozen.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::read::{self, Item, Meeting, SUBJECT};
use crate::audit;
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::checks::CheckView;
use crate::communities::Community;
use crate::db::Q;
use crate::domain::wrapup::{CATEGORIES, category, check_handover, month_day};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::street::Fields;

const STEP: &str = "W-1";

/// The meeting as the form and the API send it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct MeetingInput {
    /// 交接会日期 `YYYY-MM-DD`.
    pub held_on: String,
    /// 交出方.
    pub handed_by: String,
    /// 接收方.
    pub received_by: String,
    /// 监交人.
    pub witnessed_by: String,
}

/// The meeting stored, with its ten-day check.
#[derive(Clone, Debug, Serialize)]
pub struct Recorded {
    /// The meeting.
    pub meeting: Meeting,
    /// The ten-day check.
    pub check: Option<CheckView>,
}

/// Records (or corrects) the handover meeting. A date before the formation or after today is
/// refused; a date after the tenth day is stored and flagged by its check.
pub async fn set_meeting(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &MeetingInput,
) -> AppResult<Recorded> {
    crate::steps::require_open(&state.db, c, STEP).await?;
    let mut v = Fields::default();
    let held_on = v.date("交接会日期", &f.held_on);
    let handed_by = v.text("交出方", &f.handed_by, 100, true);
    let received_by = v.text("接收方", &f.received_by, 100, true);
    let witnessed_by = v.text("监交人", &f.witnessed_by, 100, true);
    let formed = read::formation(&state.db, c.id).await?.on();
    let mut check = None;
    if held_on != chrono::NaiveDate::default() {
        if held_on > state.today() {
            v.refuse("交接会日期", "不能晚于今天");
        } else if let Some(formed) = formed {
            match check_handover(formed, held_on) {
                Ok(k) => check = Some(k),
                Err(e) => v.refuse("交接会日期", e),
            }
        } else {
            v.refuse(
                "交接会日期",
                "尚不能确定新班子产生之日（须街道批准党组织书记并公布居委会选举结果）",
            );
        }
    }
    v.done()?;
    let check = check.ok_or_else(|| AppError::internal("handover check missing"))?;
    let before = read::meeting(&state.db, c.id).await?;
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    Q::new(
        "insert into wrapup_handovers (campaign_id, held_on, handed_by, received_by, witnessed_by, created_by, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $7) on conflict (campaign_id) do update set held_on = excluded.held_on, \
         handed_by = excluded.handed_by, received_by = excluded.received_by, witnessed_by = excluded.witnessed_by, updated_at = excluded.updated_at",
    )
    .bind(c.id)
    .bind(held_on)
    .bind(&handed_by)
    .bind(&received_by)
    .bind(&witnessed_by)
    .bind(ctx.user()?.id)
    .bind(now)
    .execute(&mut tx)
    .await?;
    crate::checks::save(&mut tx, SUBJECT, c.id, &check).await?;
    let meeting = Meeting {
        held_on,
        handed_by,
        received_by,
        witnessed_by,
    };
    let words = |m: &Meeting| json!({"handover_on": m.held_on, "handed_by": m.handed_by, "received_by": m.received_by, "witnessed_by": m.witnessed_by});
    let mut after = words(&meeting);
    after["check"] = json!(check.message);
    after["passed"] = json!(check.passed);
    let what = ("set", "wrapup_handover", c.id.to_string());
    audit::record_change(
        &mut tx,
        ctx,
        community,
        what,
        before.as_ref().map(words),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok(Recorded {
        meeting,
        check: read::check(&state.db, c.id).await?,
    })
}

/// A new item as the form and the API send it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ItemInput {
    /// Category: a code or its label (公章, 档案 …).
    pub category: String,
    /// Name.
    pub name: String,
    /// Quantity or description.
    pub quantity: String,
}

async fn next_position(tx: &mut crate::db::Tx, campaign_id: i64) -> AppResult<i64> {
    Q::new(
        "select coalesce(max(position), 0) + 1 from wrapup_handover_items where campaign_id = $1",
    )
    .bind(campaign_id)
    .scalar(tx)
    .await
}

/// Adds an item to the checklist (a name already listed in its category is refused).
pub async fn add_item(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &ItemInput,
) -> AppResult<Item> {
    crate::steps::require_open(&state.db, c, STEP).await?;
    let mut v = Fields::default();
    let cat = category(&f.category);
    if cat.is_none() {
        v.refuse("类别", "应为公章、档案、财务、固定资产、债权债务或工作资料");
    }
    let name = v.text("名称", &f.name, 100, true);
    let quantity = v.text("数量或说明", &f.quantity, 200, false);
    v.done()?;
    let cat = cat.unwrap_or_default();
    let dup = Q::new(
        "select count(*) from wrapup_handover_items where campaign_id = $1 and category = $2 and name = $3",
    )
    .bind(c.id)
    .bind(cat)
    .bind(&name)
    .scalar(&state.db)
    .await?;
    if dup > 0 {
        return Err(AppError::invalid("名称", format!("清单中已有“{name}”")));
    }
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    let pos = next_position(&mut tx, c.id).await?;
    let id = Q::new(
        "insert into wrapup_handover_items (campaign_id, category, name, quantity, handed, received, position, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $5, $6, $7, $7) returning id",
    )
    .bind(c.id)
    .bind(cat)
    .bind(&name)
    .bind(&quantity)
    .bind(false)
    .bind(pos)
    .bind(now)
    .scalar(&mut tx)
    .await?;
    let item = Item {
        id,
        category: cat.into(),
        name,
        quantity,
        handed: false,
        received: false,
    };
    let what = ("add", "wrapup_handover_item", id.to_string());
    audit::record(&mut tx, ctx, community, what, json!(item)).await?;
    tx.commit().await?;
    Ok(item)
}

/// Adds the default items of every category that the checklist does not list yet; returns how
/// many were added.
pub async fn add_defaults(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
) -> AppResult<usize> {
    crate::steps::require_open(&state.db, c, STEP).await?;
    let have = read::items(&state.db, c.id).await?;
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    let mut added = Vec::new();
    for (cat, _, names) in CATEGORIES {
        for name in names {
            if have.iter().any(|i| i.category == cat && i.name == *name) {
                continue;
            }
            let pos = next_position(&mut tx, c.id).await?;
            Q::new(
                "insert into wrapup_handover_items (campaign_id, category, name, quantity, handed, received, position, created_at, updated_at) \
                 values ($1, $2, $3, '', $4, $4, $5, $6, $6)",
            )
            .bind(c.id)
            .bind(cat)
            .bind(*name)
            .bind(false)
            .bind(pos)
            .bind(now)
            .execute(&mut tx)
            .await?;
            added.push(*name);
        }
    }
    if !added.is_empty() {
        let what = ("add", "wrapup_handover_item", c.id.to_string());
        audit::record(&mut tx, ctx, community, what, json!({"names": added})).await?;
    }
    tx.commit().await?;
    Ok(added.len())
}

/// One item's quantity and ticks, as the checklist's form and the API send them.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct TickInput {
    /// The item.
    pub id: i64,
    /// Quantity or description.
    pub quantity: String,
    /// Ticked by the handing-over side.
    pub handed: bool,
    /// Ticked by the receiving side.
    pub received: bool,
}

/// Saves the checklist's quantities and ticks (items of other campaigns are not found);
/// returns how many items changed.
pub async fn save_ticks(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    list: &[TickInput],
) -> AppResult<usize> {
    crate::steps::require_open(&state.db, c, STEP).await?;
    let items = read::items(&state.db, c.id).await?;
    let mut v = Fields::default();
    for t in list {
        match items.iter().find(|i| i.id == t.id) {
            None => {
                return Err(AppError::invalid(
                    "清单项目",
                    format!("编号 {} 不在本清单中", t.id),
                ));
            }
            Some(i) => {
                v.text(&format!("{}的数量或说明", i.name), &t.quantity, 200, false);
            }
        }
    }
    v.done()?;
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    let mut changed = Vec::new();
    for t in list {
        let Some(before) = items.iter().find(|i| i.id == t.id) else {
            continue;
        };
        let quantity = t.quantity.trim();
        if before.quantity == quantity && before.handed == t.handed && before.received == t.received
        {
            continue;
        }
        Q::new("update wrapup_handover_items set quantity = $1, handed = $2, received = $3, updated_at = $4 where id = $5")
            .bind(quantity)
            .bind(t.handed)
            .bind(t.received)
            .bind(now)
            .bind(t.id)
            .execute(&mut tx)
            .await?;
        let after = json!({"name": before.name, "quantity": quantity, "handed": t.handed, "received": t.received});
        let b = json!({"name": before.name, "quantity": before.quantity, "handed": before.handed, "received": before.received});
        let what = ("update", "wrapup_handover_item", t.id.to_string());
        audit::record_change(&mut tx, ctx, community, what, Some(b), after).await?;
        changed.push(t.id);
    }
    tx.commit().await?;
    Ok(changed.len())
}

/// Removes an item (audited with what it was).
pub async fn remove_item(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    id: i64,
) -> AppResult<Item> {
    crate::steps::require_open(&state.db, c, STEP).await?;
    let item = read::item(&state.db, c.id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    Q::new("delete from wrapup_handover_items where id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    let what = ("delete", "wrapup_handover_item", id.to_string());
    let after = json!({"removed": true});
    audit::record_change(&mut tx, ctx, community, what, Some(json!(item)), after).await?;
    tx.commit().await?;
    Ok(item)
}

/// The street's reason for accepting a late handover.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct OverrideInput {
    /// Why (required).
    pub reason: String,
}

/// The street accepts a meeting held after the tenth day, with a reason (the check's override,
/// audited by `crate::checks`).
pub async fn override_late(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    f: &OverrideInput,
) -> AppResult<CheckView> {
    crate::steps::require_open(&state.db, c, STEP).await?;
    let k = read::check(&state.db, c.id)
        .await?
        .ok_or_else(|| AppError::conflict("尚未登记交接会，没有需要批准的检查结果。"))?;
    if f.reason.trim().chars().count() > 500 {
        return Err(AppError::invalid("理由", "最多 500 字"));
    }
    crate::checks::override_check(state, ctx, k.id, &f.reason, None).await?;
    read::check(&state.db, c.id)
        .await?
        .ok_or_else(|| AppError::internal("check vanished"))
}

/// Closes W-1 ("完成交接"): refused, naming each failing condition with its numbers, unless the
/// meeting was held within ten days (or the street accepted it) and every item of a checklist
/// with at least one 公章 is ticked by both sides.
pub async fn close(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
) -> AppResult<()> {
    crate::steps::require_open(&state.db, c, STEP).await?;
    // The formation may have moved since the meeting was recorded (P-7 or R-8 reopened and
    // decided again): the ten-day check is run again on today's data (an unchanged outcome
    // keeps the street's override).
    let formed = read::formation(&state.db, c.id).await?.on();
    if let (Some(m), Some(formed)) = (read::meeting(&state.db, c.id).await?, formed) {
        if let Ok(k) = check_handover(formed, m.held_on) {
            let mut tx = state.db.begin().await?;
            crate::checks::save(&mut tx, SUBJECT, c.id, &k).await?;
            tx.commit().await?;
        }
    }
    let blockers = read::blockers(&state.db, c.id).await?;
    if !blockers.is_empty() {
        return Err(AppError::conflict(format!(
            "不能完成交接：{}。",
            blockers.join("；")
        )));
    }
    let m = read::meeting(&state.db, c.id)
        .await?
        .ok_or_else(|| AppError::internal("meeting vanished"))?;
    let n = read::items(&state.db, c.id).await?.len();
    let mut tx = state.db.begin().await?;
    let after = json!({"handover_on": m.held_on, "items": n, "date": month_day(m.held_on)});
    crate::steps::close(&mut tx, ctx, c, community, STEP, after).await?;
    tx.commit().await?;
    Ok(())
}
