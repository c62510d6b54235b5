//! P-4 初步人选, changes: the preliminary list fixed by the committee with its stored size
//! check, the street's 考察 record per person, and the 公示 of the people inspected (shorter
//! than 3 days refused). Each change is audited in the community's chain in its own
//! transaction; the step gates (closing P-3 and P-4, opening P-4 early) are in `lists_gate`.

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use crate::audit;
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::Q;
use crate::domain::party::{check_preliminary_list, check_publicity};
use crate::domain::person::parse_date;
use crate::error::{AppError, AppResult};
use crate::party::p2_review::write::PublicityInput;
use crate::party::p3_recommendation::read as p3;
use crate::party::p4_preliminary::read::{
    self as read, Entry, List, PRELIMINARY, PRELIMINARY_SUBJECT,
};
use crate::party::store::Publicity;
use crate::state::AppState;

/// 409 unless P-4 is open (and not yet done, for the changes of its records).
async fn require_p4(state: &AppState, c: &Campaign) -> AppResult<()> {
    crate::steps::require_open(&state.db, c, "P-4").await
}

/// A list as entered: the committee meeting's date and the people, in order.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ListInput {
    /// Date of the committee meeting.
    pub date: String,
    /// The people (person ids), in order.
    pub people: Vec<i64>,
}

/// The meeting date and the people, checked against the allowed ids (422 otherwise).
pub(crate) fn parse_list(
    f: &ListInput,
    allowed: &[i64],
    refusal: &str,
) -> AppResult<(NaiveDate, Vec<i64>)> {
    let date =
        parse_date(f.date.trim()).ok_or_else(|| AppError::invalid("会议日期", "请填写有效日期"))?;
    if f.people.is_empty() {
        return Err(AppError::invalid("人选", "请至少选择一名人选"));
    }
    let mut seen = Vec::new();
    for p in &f.people {
        if !allowed.contains(p) {
            return Err(AppError::invalid("人选", format!("编号 {p} {refusal}")));
        }
        if seen.contains(p) {
            return Err(AppError::invalid("人选", format!("编号 {p} 重复")));
        }
        seen.push(*p);
    }
    Ok((date, seen))
}

/// Fixes (or replaces) the preliminary list: people who passed P-2 only; its size check
/// (N + ⌈30% × N⌉) is stored, a changed count losing an earlier approval. The inspection
/// records of people who stay on the list are kept.
pub async fn set_preliminary(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &ListInput,
) -> AppResult<(List, Vec<(i64, crate::domain::rules::CheckRecord)>)> {
    let passed: Vec<i64> = p3::nominees(&state.db, c.id)
        .await?
        .iter()
        .map(|n| n.person_id)
        .collect();
    let (date, people) = parse_list(f, &passed, "不是通过资格审查的被推荐人，不能列为初步人选")?;
    require_p4(state, c).await?;
    let seats = p3::seats(&state.db, c.id)
        .await?
        .ok_or_else(|| AppError::conflict("尚未确定委员会职数（C-1），无法核对初步人选人数。"))?;
    let before_list = read::list(&state.db, c.id, PRELIMINARY).await?;
    let before: Vec<Entry> = read::entries(&state.db, c.id, PRELIMINARY).await?;
    let check = check_preliminary_list(seats.members, people.len() as u32);
    let mut tx = state.db.begin().await?;
    let now = crate::now();
    let user = ctx.user()?.id;
    Q::new("insert into party_lists (campaign_id, list, fixed_on, status, created_by, created_at, updated_at) values ($1, $2, $3, 'draft', $4, $5, $5) \
            on conflict (campaign_id, list) do update set fixed_on = excluded.fixed_on, updated_at = excluded.updated_at")
        .bind(c.id)
        .bind(PRELIMINARY)
        .bind(date)
        .bind(user)
        .bind(now)
        .execute(&mut tx)
        .await?;
    Q::new("delete from party_list_entries where campaign_id = $1 and list = $2")
        .bind(c.id)
        .bind(PRELIMINARY)
        .execute(&mut tx)
        .await?;
    for (i, p) in people.iter().enumerate() {
        let kept = before.iter().find(|e| e.person_id == *p);
        Q::new("insert into party_list_entries (campaign_id, list, person_id, position, inspection, inspected_by, inspected_at, created_at) \
                values ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(c.id)
            .bind(PRELIMINARY)
            .bind(*p)
            .bind(i as i64 + 1)
            .bind(kept.and_then(|e| e.inspection.clone()))
            .bind(kept.and_then(|e| e.inspected_by))
            .bind(crate::db::Val::Time(kept.and_then(|e| e.inspected_at)))
            .bind(now)
            .execute(&mut tx)
            .await?;
    }
    crate::checks::save(&mut tx, PRELIMINARY_SUBJECT, c.id, &check).await?;
    if before.len() != people.len() {
        Q::new("update rule_checks set override_by = null, override_at = null, override_reason = null, override_honour = null \
                where subject_type = $1 and subject_id = $2")
            .bind(PRELIMINARY_SUBJECT)
            .bind(c.id)
            .execute(&mut tx)
            .await?;
    }
    let before_json = before_list.map(|l| {
        json!({"fixed_on": l.fixed_on, "people": before.iter().map(|e| e.person_id).collect::<Vec<_>>()})
    });
    let after = json!({"fixed_on": date, "people": people, "check": check});
    let id = format!("{}:{PRELIMINARY}", c.id);
    audit::record_change(
        &mut tx,
        ctx,
        community,
        ("update", "party_list", id),
        before_json,
        after,
    )
    .await?;
    tx.commit().await?;
    let list = read::list(&state.db, c.id, PRELIMINARY)
        .await?
        .ok_or_else(|| AppError::internal("preliminary list not stored"))?;
    Ok((
        list,
        read::checks(&state.db, PRELIMINARY_SUBJECT, c.id).await?,
    ))
}

/// The street's 考察 record of one person on the preliminary list.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct InspectionInput {
    /// The person inspected.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub person_id: Option<i64>,
    /// The record (required, at most 2000 characters).
    pub inspection: String,
}

/// Records (or corrects) the 考察 record of a person on the preliminary list.
pub async fn inspect(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &InspectionInput,
) -> AppResult<Entry> {
    let text = f.inspection.trim();
    if text.is_empty() || text.chars().count() > 2000 {
        return Err(AppError::invalid("考察情况", "不能为空，最多 2000 字"));
    }
    require_p4(state, c).await?;
    let people = read::entries(&state.db, c.id, PRELIMINARY).await?;
    let before = people
        .into_iter()
        .find(|e| Some(e.person_id) == f.person_id)
        .ok_or_else(|| AppError::invalid("被考察人", "不在初步人选名单中"))?;
    let mut tx = state.db.begin().await?;
    let now = crate::now();
    Q::new("update party_list_entries set inspection = $1, inspected_by = $2, inspected_at = $3 where campaign_id = $4 and list = $5 and person_id = $6")
        .bind(text)
        .bind(ctx.user()?.id)
        .bind(now)
        .bind(c.id)
        .bind(PRELIMINARY)
        .bind(before.person_id)
        .execute(&mut tx)
        .await?;
    let after = Entry {
        inspection: Some(text.to_string()),
        inspected_by: Some(ctx.user()?.id),
        inspected_at: Some(now),
        ..before.clone()
    };
    let id = format!("{}:{PRELIMINARY}:{}", c.id, before.person_id);
    let b = json!({"inspection": before.inspection, "inspected_at": before.inspected_at});
    let a = json!({"inspection": after.inspection, "inspected_at": after.inspected_at});
    audit::record_change(
        &mut tx,
        ctx,
        community,
        ("inspect", "party_list_entry", id),
        Some(b),
        a,
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

fn date(field: &str, s: &str) -> AppResult<NaiveDate> {
    let s = s.trim();
    if s.is_empty() {
        return Err(AppError::invalid(field, "不能为空"));
    }
    parse_date(s).ok_or_else(|| AppError::invalid(field, format!("“{s}”不是有效日期")))
}

/// Records the 公示 of the people inspected: at least 3 days (SPEC §9), else 422 with the
/// check's message and nothing stored; the passed check is stored with the period.
pub async fn publicise(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &PublicityInput,
) -> AppResult<Publicity> {
    let start = date("公示开始日期", &f.start_date)?;
    let end = date("公示结束日期", &f.end_date)?;
    let check = check_publicity(start, end);
    if !check.passed {
        return Err(AppError::invalid("公示结束日期", check.message));
    }
    require_p4(state, c).await?;
    let inspected = read::entries(&state.db, c.id, PRELIMINARY)
        .await?
        .iter()
        .filter(|e| e.inspection.is_some())
        .count();
    if inspected == 0 {
        return Err(AppError::conflict("尚无已考察的人选，无需公示。"));
    }
    let mut tx = state.db.begin().await?;
    let id = Q::new("insert into party_publicities (campaign_id, step, start_date, end_date, created_by, created_at) values ($1, 'P-4', $2, $3, $4, $5) returning id")
        .bind(c.id)
        .bind(start)
        .bind(end)
        .bind(ctx.user()?.id)
        .bind(crate::now())
        .scalar(&mut tx)
        .await?;
    crate::checks::save(&mut tx, read::PUBLICITY_SUBJECT, id, &check).await?;
    let p = Publicity {
        id,
        campaign_id: c.id,
        step: "P-4".into(),
        start_date: start,
        end_date: end,
    };
    let after = json!({"publicity": p, "inspected": inspected, "check": check});
    audit::record_change(
        &mut tx,
        ctx,
        community,
        ("create", "party_publicity", id.to_string()),
        None,
        after,
    )
    .await?;
    tx.commit().await?;
    Ok(p)
}
