//! P-5 候选人预备人选, changes: opening P-5 early with the street's reason, the candidate list
//! fixed by the committee from the preliminary list with the proposed 书记 and 副书记 in order
//! (its three checks stored), the community's submission, and the street's approval (P-5 done)
//! or return with reasons. The community edits only a draft or a returned list. Each change is
//! audited in the community's chain in its own transaction.

use serde::Deserialize;
use serde_json::json;

use crate::audit;
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::Q;
use crate::domain::party::{check_candidate_list, check_leader_slate, check_leaders_on_list};
use crate::domain::rules::CheckRecord;
use crate::error::{AppError, AppResult};
use crate::party::p2_review::write::ReasonInput;
use crate::party::p3_recommendation::read as p3;
use crate::party::p4_preliminary::gate::{mark_done, open_early};
use crate::party::p4_preliminary::read::{
    self as read, CANDIDATE, CANDIDATE_SUBJECT, List, PRELIMINARY,
};
use crate::party::p4_preliminary::write::{ListInput, parse_list};
use crate::state::AppState;

/// The candidate list as entered: the list, and among it the proposed 书记 and 副书记 in order.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CandidateInput {
    /// Date of the committee meeting.
    pub date: String,
    /// The people (person ids), in order.
    pub people: Vec<i64>,
    /// The proposed 书记 (person id).
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub secretary: Option<i64>,
    /// The proposed 副书记 (person ids), in the order of the ballot.
    pub deputies: Vec<i64>,
}

/// Opens P-5 before P-4 is done, with the street's reason.
pub async fn open_p5(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &ReasonInput,
) -> AppResult<()> {
    if crate::party::store::step_done(&state.db, c.id, "P-4").await? {
        return Err(AppError::conflict(
            "初步人选已完成，候选人预备人选已可确定。",
        ));
    }
    open_early(state, ctx, (c, community), "P-5", f).await
}

async fn require_p5(state: &AppState, c: &Campaign) -> AppResult<()> {
    crate::steps::require_open(&state.db, c, "P-5").await
}

fn names_of(ids: &[i64], people: &[(i64, String)]) -> Vec<String> {
    ids.iter()
        .map(|i| {
            people
                .iter()
                .find(|(p, _)| p == i)
                .map_or(format!("编号 {i}"), |(_, n)| n.clone())
        })
        .collect()
}

/// Fixes (or corrects) the candidate list while it is a draft or returned: people from the
/// preliminary list only (422), the proposed 书记/副书记 on the list (422 with the check's
/// message). The size (差额 ≥ 20%) and the slate (1 书记, as many 副书记 as seats) are stored as
/// checks; a failure blocks the submission unless the street overrides it.
pub async fn set_candidates(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &CandidateInput,
) -> AppResult<(List, Vec<(i64, CheckRecord)>)> {
    let db = &state.db;
    let prelim = read::entries(db, c.id, PRELIMINARY).await?;
    let allowed: Vec<i64> = prelim.iter().map(|e| e.person_id).collect();
    let input = ListInput {
        date: f.date.clone(),
        people: f.people.clone(),
    };
    let (date, people) = parse_list(
        &input,
        &allowed,
        "不在初步人选名单中，不能列为候选人预备人选",
    )?;
    let known: Vec<(i64, String)> = prelim
        .iter()
        .map(|e| (e.person_id, e.name.clone()))
        .collect();
    let secretary: Vec<i64> = f.secretary.into_iter().collect();
    let listed = names_of(&people, &known);
    let on_list = check_leaders_on_list(
        &people.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        &secretary.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
        &f.deputies.iter().map(|p| p.to_string()).collect::<Vec<_>>(),
    );
    if !on_list.passed {
        let off: Vec<String> = names_of(
            &secretary
                .iter()
                .chain(&f.deputies)
                .copied()
                .filter(|p| !people.contains(p))
                .collect::<Vec<_>>(),
            &known,
        );
        return Err(AppError::invalid(
            "书记、副书记人选",
            format!(
                "书记、副书记人选须在候选人预备人选名单中，{} 不在名单中。",
                off.join("、")
            ),
        ));
    }
    require_p5(state, c).await?;
    let seats = p3::seats(db, c.id)
        .await?
        .ok_or_else(|| AppError::conflict("尚未确定委员会职数（C-1）。"))?;
    let before = read::list(db, c.id, CANDIDATE).await?;
    if let Some(b) = before.as_ref().filter(|b| !b.editable()) {
        return Err(AppError::conflict(format!(
            "候选人预备人选名单{}，不能修改。",
            b.status_label()
        )));
    }
    let before_entries = read::entries(db, c.id, CANDIDATE).await?;
    let before_people: Vec<i64> = before_entries.iter().map(|e| e.person_id).collect();
    let mut before_slate: Vec<(i64, i64)> = before_entries
        .iter()
        .filter_map(|e| Some((e.leader_order?, e.person_id)))
        .collect();
    before_slate.sort_unstable();
    let sec_names = names_of(&secretary, &known);
    let dep_names = names_of(&f.deputies, &known);
    let checks = [
        check_candidate_list(seats.members, people.len() as u32),
        check_leaders_on_list(&listed, &sec_names, &dep_names),
        check_leader_slate(&sec_names, &dep_names, seats.deputies),
    ];
    let mut tx = state.db.begin().await?;
    let now = crate::now();
    Q::new("insert into party_lists (campaign_id, list, fixed_on, status, created_by, created_at, updated_at) values ($1, $2, $3, 'draft', $4, $5, $5) \
            on conflict (campaign_id, list) do update set fixed_on = excluded.fixed_on, updated_at = excluded.updated_at")
        .bind(c.id)
        .bind(CANDIDATE)
        .bind(date)
        .bind(ctx.user()?.id)
        .bind(now)
        .execute(&mut tx)
        .await?;
    Q::new("delete from party_list_entries where campaign_id = $1 and list = $2")
        .bind(c.id)
        .bind(CANDIDATE)
        .execute(&mut tx)
        .await?;
    // The slate's order: the 书记 first, then the 副书记 as given.
    let slate: Vec<(i64, &str)> = secretary
        .iter()
        .map(|p| (*p, "书记"))
        .chain(f.deputies.iter().map(|p| (*p, "副书记")))
        .collect();
    for (i, p) in people.iter().enumerate() {
        let lead = slate.iter().position(|(s, _)| s == p);
        Q::new("insert into party_list_entries (campaign_id, list, person_id, position, leader_post, leader_order, created_at) values ($1, $2, $3, $4, $5, $6, $7)")
            .bind(c.id)
            .bind(CANDIDATE)
            .bind(*p)
            .bind(i as i64 + 1)
            .bind(lead.map(|k| slate[k].1))
            .bind(lead.map(|k| k as i64 + 1))
            .bind(now)
            .execute(&mut tx)
            .await?;
    }
    for check in &checks {
        crate::checks::save(&mut tx, CANDIDATE_SUBJECT, c.id, check).await?;
    }
    let slate_ids: Vec<i64> = slate.iter().map(|(p, _)| *p).collect();
    let before_ids: Vec<i64> = before_slate.iter().map(|(_, p)| *p).collect();
    if before_people != people || before_ids != slate_ids {
        // Another list or slate is another question: an earlier approval of a failed check lapses.
        Q::new("update rule_checks set override_by = null, override_at = null, override_reason = null, override_honour = null \
                where subject_type = $1 and subject_id = $2")
            .bind(CANDIDATE_SUBJECT)
            .bind(c.id)
            .execute(&mut tx)
            .await?;
    }
    let b = before.map(|l| json!({"list": l, "people": before_people}));
    let after = json!({"fixed_on": date, "people": people, "secretary": secretary, "deputies": f.deputies, "checks": checks});
    let id = format!("{}:{CANDIDATE}", c.id);
    audit::record_change(
        &mut tx,
        ctx,
        community,
        ("update", "party_list", id),
        b,
        after,
    )
    .await?;
    tx.commit().await?;
    let list = read::list(db, c.id, CANDIDATE)
        .await?
        .ok_or_else(|| AppError::internal("candidate list not stored"))?;
    Ok((list, read::checks(db, CANDIDATE_SUBJECT, c.id).await?))
}

/// Sets the candidate list's status from one of `from`, audited.
async fn set_status(
    state: &AppState,
    ctx: &Ctx,
    (c, community): (&Campaign, &Community),
    (from, to): (&[&str], &str),
    reason: Option<&str>,
) -> AppResult<List> {
    let before = read::list(&state.db, c.id, CANDIDATE)
        .await?
        .ok_or_else(|| AppError::conflict("尚未确定候选人预备人选名单。"))?;
    if !from.contains(&before.status.as_str()) {
        return Err(AppError::conflict(format!(
            "候选人预备人选名单{}，不能进行此操作。",
            before.status_label()
        )));
    }
    let unmet = read::unmet(&read::checks(&state.db, CANDIDATE_SUBJECT, c.id).await?);
    if to != "returned" && !unmet.is_empty() {
        return Err(AppError::conflict(format!(
            "以下检查不符合且未经街道工作组批准放宽：{}",
            unmet.join("")
        )));
    }
    let listed = read::entries(&state.db, c.id, CANDIDATE).await?.len();
    let mut tx = state.db.begin().await?;
    let now = crate::now();
    let user = ctx.user()?.id;
    let q = match to {
        "submitted" => Q::new(
            "update party_lists set status = $1, updated_at = $2 where campaign_id = $3 and list = $4",
        ),
        _ => Q::new(
            "update party_lists set status = $1, updated_at = $2, decided_at = $2, decided_by = $5, status_reason = $6 \
                     where campaign_id = $3 and list = $4",
        ),
    };
    let q = q.bind(to).bind(now).bind(c.id).bind(CANDIDATE);
    let q = if to == "submitted" {
        q
    } else {
        q.bind(user).bind(reason)
    };
    q.execute(&mut tx).await?;
    if to == "approved" {
        mark_done(&mut tx, ctx, c, community, "P-5", json!({"listed": listed})).await?;
    }
    let id = format!("{}:{CANDIDATE}", c.id);
    let after = json!({"status": to, "reason": reason});
    let b = json!({"status": before.status, "reason": before.status_reason});
    audit::record_change(
        &mut tx,
        ctx,
        community,
        (to, "party_list", id),
        Some(b),
        after,
    )
    .await?;
    tx.commit().await?;
    read::list(&state.db, c.id, CANDIDATE)
        .await?
        .ok_or(AppError::NotFound)
}

/// The community submits the list to the street (409 while a check fails unapproved).
pub async fn submit(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
) -> AppResult<List> {
    require_p5(state, c).await?;
    set_status(
        state,
        ctx,
        (c, community),
        (&["draft", "returned"], "submitted"),
        None,
    )
    .await
}

/// The street approves the submitted list; P-5 is done.
pub async fn approve(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
) -> AppResult<List> {
    set_status(
        state,
        ctx,
        (c, community),
        (&["submitted"], "approved"),
        None,
    )
    .await
}

/// The street returns the submitted list with its reasons (required).
pub async fn give_back(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &ReasonInput,
) -> AppResult<List> {
    let reason = f.reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("退回理由", "退回必须写明理由"));
    }
    set_status(
        state,
        ctx,
        (c, community),
        (&["submitted"], "returned"),
        Some(reason),
    )
    .await
}
