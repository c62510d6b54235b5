//! A campaign's dates — the reference date for ages (参考日期, C-3), the Party congress day and
//! the residents' election day — are the street's. Once the first step that relies on a date has
//! closed, moving that date needs a reason; the change is audited with its reason in the
//! community's chain, and every stored rule check computed on a moved date is re-run in the same
//! transaction and shown (the page's flash, the API's answer).

use axum::extract::{Path, State};
use axum::response::Response;
use axum::{Form, Json};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tower_sessions::Session;

use crate::audit::{self, Change};
use crate::auth::Ctx;
use crate::campaigns::{COLS, Campaign, DateChange, date_field, from_path, load_visible};
use crate::checks::Rerun;
use crate::communities::Community;
use crate::db::Q;
use crate::domain::procedure;
use crate::error::{AppError, AppResult};
use crate::routes::{Access, RouteDef, post, put};
use crate::state::AppState;
use crate::web::finish;

/// This module's routes: the street changes a campaign's dates (page and API).
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    vec![
        post(
            "/communities/{code}/campaigns/{campaign}",
            Access::Street,
            r::post(update_post),
        ),
        put(
            "/api/v1/campaigns/{campaign}",
            Access::Street,
            r::put(api_update),
        ),
    ]
}

/// A date of the campaign and the steps whose closing fixes it.
#[derive(Clone, Copy, Debug)]
pub struct DateRule {
    /// The field (`reference_date`).
    pub field: &'static str,
    /// The Chinese name.
    pub label: &'static str,
    /// The steps that rely on it: once one has closed, moving the date needs a reason.
    pub steps: &'static [&'static str],
    /// What those steps computed from it, for the refusal.
    pub why: &'static str,
}

/// The campaign's dates. The reference date: P-2 checks the Party nominees' ages on it (the
/// procedure table: P-2 freezes it), and R-5 the residents' nominees'. The Party congress day:
/// the congress (P-6) is held on it; no stored check is computed from it. The residents'
/// election day: R-4 registers voters 18 on that day and publishes the list at least 20 days
/// before it (R-4 freezes it).
pub const DATES: [DateRule; 3] = [
    DateRule {
        field: "reference_date",
        label: "年龄计算基准日",
        steps: &["P-2", "R-5"],
        why: "候选人年龄已按该日审查",
    },
    DateRule {
        field: "party_election_day",
        label: "党员大会选举日",
        steps: &["P-6"],
        why: "党员大会已按该日召开",
    },
    DateRule {
        field: "residents_election_day",
        label: "居委会选举日",
        steps: &["R-4"],
        why: "选民年龄和选民名单公布天数已按该日计算",
    },
];

/// Changes to a campaign's dates.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CampaignUpdate {
    /// Reference date.
    pub reference_date: Option<String>,
    /// Party congress day ("" clears).
    pub party_election_day: Option<String>,
    /// Residents' election day ("" clears).
    pub residents_election_day: Option<String>,
    /// Why a date moves after a step that relies on it closed (required then).
    pub reason: String,
}

/// What a change of dates did.
#[derive(Clone, Debug, Serialize)]
pub struct DatesSaved {
    /// The campaign after the change.
    pub campaign: Campaign,
    /// The fields that moved.
    pub moved: Vec<&'static str>,
    /// The street's reason, when given.
    pub reason: Option<String>,
    /// Every stored check re-run on the moved dates.
    pub rechecked: Vec<Rerun>,
}

impl DatesSaved {
    /// The re-run checks whose outcome changed (or whose override lapsed).
    pub fn changed(&self) -> Vec<&Rerun> {
        self.rechecked.iter().filter(|r| r.changed()).collect()
    }

    /// The flash of the page: saved, and what the re-run found (ten changes at most by name).
    pub fn summary(&self) -> String {
        if self.rechecked.is_empty() {
            return "已保存。".into();
        }
        let changed = self.changed();
        let n = self.rechecked.len();
        if changed.is_empty() {
            return format!("已保存。已按新日期重新核对 {n} 项检查，结果均未改变。");
        }
        let lines: Vec<String> = changed.iter().take(10).map(|r| r.line()).collect();
        let more = if changed.len() > 10 {
            format!("；等共 {} 项", changed.len())
        } else {
            String::new()
        };
        format!(
            "已保存。已按新日期重新核对 {n} 项检查，其中 {} 项结果改变：{}{more}。",
            changed.len(),
            lines.join("；")
        )
    }
}

/// The dates of `f` applied to `c` (absent fields keep theirs).
fn apply(c: &Campaign, f: &CampaignUpdate) -> AppResult<Campaign> {
    let reference = date_field("年龄计算基准日", &f.reference_date, Some(c.reference_date))?
        .ok_or_else(|| AppError::invalid("年龄计算基准日", "不能为空"))?;
    let party = date_field(
        "党员大会选举日",
        &f.party_election_day,
        c.party_election_day,
    )?;
    let residents = date_field(
        "居委会选举日",
        &f.residents_election_day,
        c.residents_election_day,
    )?;
    Ok(Campaign {
        reference_date: reference,
        party_election_day: party,
        residents_election_day: residents,
        ..c.clone()
    })
}

/// The fields that differ between `before` and `after`.
fn moved(change: DateChange<'_>) -> Vec<&'static str> {
    let flags = [
        change.reference(),
        change.party_day(),
        change.residents_day(),
    ];
    DATES
        .iter()
        .zip(flags)
        .filter(|(_, m)| *m)
        .map(|(d, _)| d.field)
        .collect()
}

/// For each moved date, the closed steps that rely on it, as one sentence per date (none: no
/// reason is needed).
fn fixed_by_closed_steps(moved: &[&str], closed: &[String]) -> Vec<String> {
    DATES
        .iter()
        .filter(|d| moved.contains(&d.field))
        .filter_map(|d| {
            let steps: Vec<String> = d
                .steps
                .iter()
                .filter(|s| closed.iter().any(|c| c == *s))
                .map(|s| procedure::label(s))
                .collect();
            (!steps.is_empty()).then(|| {
                format!(
                    "{}已结束（{}），修改{}须写明理由",
                    steps.join("、"),
                    d.why,
                    d.label
                )
            })
        })
        .collect()
}

/// Changes a campaign's dates (the street only). A date relied on by a closed step moves only
/// with a reason (422 naming the step otherwise, nothing changed); the change, its reason and
/// the checks whose outcome changed are audited; the stored checks computed on the moved dates
/// are re-run in the same transaction.
pub async fn update_dates(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &CampaignUpdate,
) -> AppResult<DatesSaved> {
    if !ctx.user()?.is_street() {
        return Err(AppError::Forbidden);
    }
    let reason = f.reason.trim();
    if reason.chars().count() > 500 {
        return Err(AppError::invalid("理由", "最多 500 字"));
    }
    let mut tx = state.db.begin().await?;
    // The campaign's row serialises this change with closing and reopening its steps.
    let lock = tx.for_update();
    let before: Campaign = Q::new(format!("select {COLS} from campaigns where id = $1{lock}"))
        .bind(c.id)
        .one(&mut tx)
        .await?;
    let after = apply(&before, f)?;
    let change = DateChange {
        before: &before,
        after: &after,
    };
    let moved = moved(change);
    let closed: Vec<(String,)> =
        Q::new("select code from campaign_steps where campaign_id = $1 and done_at is not null")
            .bind(c.id)
            .all(&mut tx)
            .await?;
    let closed: Vec<String> = closed.into_iter().map(|(c,)| c).collect();
    let fixed = fixed_by_closed_steps(&moved, &closed);
    if !fixed.is_empty() && reason.is_empty() {
        return Err(AppError::invalid("理由", format!("{}。", fixed.join("；"))));
    }
    Q::new("update campaigns set reference_date = $1, party_election_day = $2, residents_election_day = $3, updated_at = $4 where id = $5")
        .bind(after.reference_date)
        .bind(after.party_election_day)
        .bind(after.residents_election_day)
        .bind(crate::now())
        .bind(c.id)
        .execute(&mut tx)
        .await?;
    let mut rechecked = crate::party::rerun_date_checks(&mut tx, change).await?;
    rechecked.extend(crate::residents::rerun_date_checks(&mut tx, community, change).await?);
    let reason = (!reason.is_empty()).then(|| reason.to_string());
    let mut logged: Value = json!(after);
    if let Some(o) = logged.as_object_mut() {
        o.insert("moved".into(), json!(moved));
        o.insert("reason".into(), json!(reason));
        o.insert("closed_steps".into(), json!(fixed));
        o.insert("rechecked".into(), json!(rechecked.len()));
        let changed: Vec<&Rerun> = rechecked.iter().filter(|r| r.changed()).collect();
        o.insert("changed_checks".into(), json!(changed));
    }
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: community.scope(),
            action: "update",
            entity: "campaign",
            entity_id: c.id.to_string(),
            before: Some(json!(before)),
            after: Some(logged),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(DatesSaved {
        campaign: after,
        moved,
        reason,
        rechecked,
    })
}

async fn update_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((code, id)): Path<(String, i64)>,
    Form(f): Form<CampaignUpdate>,
) -> AppResult<Response> {
    let (c, community) = from_path(&state, &ctx, id).await?;
    let back = format!("/communities/{code}/campaigns/{id}");
    let r = update_dates(&state, &ctx, &c, &community, &f).await;
    finish(&session, &back, r, |d| d.summary()).await
}

async fn api_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<CampaignUpdate>,
) -> AppResult<Json<Value>> {
    let (c, community) = load_visible(&state.db, &ctx, id).await?;
    let d = update_dates(&state, &ctx, &c, &community, &f).await?;
    let changed = d.changed();
    Ok(Json(json!({
        "campaign": d.campaign, "moved": d.moved, "reason": d.reason,
        "rechecked": d.rechecked, "changed": changed,
    })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_moved_date_names_each_closed_step_that_relies_on_it() {
        let closed = vec!["R-3".to_string(), "R-4".to_string(), "P-2".to_string()];
        let fixed = fixed_by_closed_steps(&["residents_election_day"], &closed);
        assert_eq!(
            fixed,
            [
                "R-4 选民登记已结束（选民年龄和选民名单公布天数已按该日计算），修改居委会选举日须写明理由"
            ]
        );
        assert!(fixed_by_closed_steps(&["party_election_day"], &closed).is_empty());
        assert!(fixed_by_closed_steps(&[], &closed).is_empty());
        let fixed = fixed_by_closed_steps(&["reference_date"], &closed);
        assert!(fixed[0].starts_with("P-2 资格审查已结束"), "{fixed:?}");
    }

    #[test]
    fn every_step_a_date_relies_on_is_in_the_procedure_table() {
        for d in DATES {
            for s in d.steps {
                assert!(procedure::step(s).is_some(), "{s}");
            }
        }
    }
}
