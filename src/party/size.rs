//! The committee's size (C-1) and where the pipeline stands: the steps P-1 … P-7 with the
//! plan's dates, and what blocks the next step.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::p4_preliminary::read as lists;
use super::store::{self, Nomination, SIZE_SUBJECT, Size};
use crate::audit::{self, Change};
use crate::auth::Ctx;
use crate::campaigns::{self, Campaign, Step};
use crate::communities::Community;
use crate::db::{Db, Q};
use crate::domain::party;
use crate::domain::procedure;
use crate::domain::rules::{CheckRecord, RuleCheck};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::steps::StepState;

/// C-1: the size check (`domain::party`); another number needs the street's approval (an
/// override with a reason).
pub fn check_size(org_type: &str, members: i64) -> RuleCheck {
    let kind = party::OrgKind::parse(org_type).unwrap_or(party::OrgKind::GeneralBranch);
    party::check_committee_size(kind, u32::try_from(members).unwrap_or(0))
}

/// Input for the size.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct SizeInput {
    /// N 委员.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub members: Option<i64>,
    /// Number of 副书记.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub deputies: Option<i64>,
}

/// Sets the committee size and stores its C-1 check; a changed number loses an earlier
/// approval, so each out-of-range number is approved on its own.
/// 409 once P-3 has closed: the preliminary and candidate lists, and the votes, are sized
/// from the committee's size. The pipeline page asks the same to show its form.
pub async fn size_open(db: &Db, c: &Campaign) -> AppResult<()> {
    if store::step_done(db, c.id, "P-3").await? {
        return Err(AppError::conflict(
            "全额定向民主推荐（P-3）已结束，委员会职数不能再修改。",
        ));
    }
    Ok(())
}

/// Sets the committee's size (C-1) and records its check.
pub async fn set_size(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &SizeInput,
) -> AppResult<(Size, CheckRecord)> {
    let mut errors = Vec::new();
    let members = f.members.unwrap_or(0);
    if !(1..=99).contains(&members) {
        errors.push(("委员职数", "应为 1–99 的整数".to_string()));
    }
    let deputies = f.deputies.unwrap_or(0);
    if u32::try_from(deputies).map_or(true, |d| !party::check_deputy_seats(d).passed) {
        errors.push((
            "副书记职数",
            format!(
                "应为 {}–{} 名",
                party::DEPUTY_SEATS_MIN,
                party::DEPUTY_SEATS_MAX
            ),
        ));
    } else if deputies + 1 > members {
        errors.push(("副书记职数", "书记、副书记须在委员之中".to_string()));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(
            errors
                .into_iter()
                .map(|(field, message)| crate::error::FieldError {
                    field: field.into(),
                    message,
                })
                .collect(),
        ));
    }
    size_open(&state.db, c).await?;
    let before = store::size(&state.db, c.id).await?;
    let check = check_size(&community.org_type, members);
    let mut tx = state.db.begin().await?;
    let now = crate::now();
    Q::new(
        "insert into party_sizes (campaign_id, members, deputies, org_type, created_at, updated_at) values ($1, $2, $3, $4, $5, $5) \
         on conflict (campaign_id) do update set members = excluded.members, deputies = excluded.deputies, org_type = excluded.org_type, updated_at = excluded.updated_at",
    )
    .bind(c.id)
    .bind(members)
    .bind(deputies)
    .bind(&community.org_type)
    .bind(now)
    .execute(&mut tx)
    .await?;
    crate::checks::save(&mut tx, SIZE_SUBJECT, c.id, &check).await?;
    if before.as_ref().is_some_and(|b| b.members != members) {
        Q::new("update rule_checks set override_by = null, override_at = null, override_reason = null, override_honour = null \
                where subject_type = $1 and subject_id = $2")
            .bind(SIZE_SUBJECT)
            .bind(c.id)
            .execute(&mut tx)
            .await?;
    }
    let size = Size {
        campaign_id: c.id,
        members,
        deputies,
        org_type: community.org_type.clone(),
    };
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: community.scope(),
            action: "update",
            entity: "party_size",
            entity_id: c.id.to_string(),
            before: before.map(|b| json!(b)),
            after: Some(json!({"size": size, "check": check})),
        },
    )
    .await?;
    tx.commit().await?;
    let record = store::size_check(&state.db, c.id)
        .await?
        .map(|(_, r)| r)
        .ok_or_else(|| AppError::internal("C-1 check not stored"))?;
    Ok((size, record))
}

/// True when the size is set and its C-1 check passed or was overridden.
pub fn size_ok(check: &Option<(i64, CheckRecord)>) -> bool {
    check.as_ref().is_some_and(|(_, r)| r.satisfied())
}

/// Where the pipeline stands.
#[derive(Clone, Debug, Serialize)]
pub struct Pipeline {
    /// The size, if set.
    pub size: Option<Size>,
    /// The C-1 check with its id (for the override).
    pub c1: Option<(i64, CheckRecord)>,
    /// Steps P-1 … P-7 with the plan's dates.
    pub steps: Vec<Step>,
    /// Nominations counted (joint ones only with consent).
    pub counted: usize,
    /// Whether P-2 is open.
    pub p2_open: bool,
    /// The street's reason for opening P-2 early.
    pub p2_override: Option<String>,
    /// Steps open and not yet done (`P-2` … `P-7`): shown as 进行中.
    pub open_steps: Vec<String>,
    /// What blocks the next step, in Chinese.
    pub blockers: Vec<String>,
}

impl Pipeline {
    /// True when the step is open and not yet done.
    pub fn in_progress(&self, code: &str) -> bool {
        self.open_steps.iter().any(|s| s == code)
    }
}

/// Computes where the campaign's Party pipeline stands.
pub async fn pipeline(db: &Db, c: &Campaign, today: NaiveDate) -> AppResult<Pipeline> {
    let size = store::size(db, c.id).await?;
    let c1 = store::size_check(db, c.id).await?;
    let steps: Vec<Step> = campaigns::steps(db, c.id)
        .await?
        .into_iter()
        .filter(|s| s.code.starts_with("P-"))
        .collect();
    let noms = store::nominations(db, c.id).await?;
    let counted = noms.iter().filter(|n| n.counted()).count();
    // Where each step stands comes from the procedure guard (the table and the campaign's rows).
    let progress = crate::steps::Progress::load(db, c.id).await?;
    let p1_done = progress.closed("P-1");
    let p2_override = progress.opened_early("P-2").map(str::to_string);
    let p2_open = progress.state("P-2") != StepState::Waiting;
    let mut blockers = Vec::new();
    match &c1 {
        None => blockers.push("尚未确定委员会职数（C-1）。".to_string()),
        Some((_, r)) if !r.satisfied() => blockers.push(format!(
            "{}；须由街道工作组批准放宽（写明理由）后才能继续。",
            r.check.message
        )),
        _ => {}
    }
    if !p1_done {
        if counted == 0 {
            blockers.push("公开推荐（P-1）尚无计入的推荐人选。".into());
        }
        let waiting = noms.iter().filter(|n| !n.counted()).count();
        if waiting > 0 {
            blockers.push(format!("{waiting} 项联名推荐尚无本人同意，未计入。"));
        }
        if !p2_open {
            blockers.push("公开推荐（P-1）尚未标记完成，资格审查（P-2）未开始。".into());
        }
    }
    if p2_open {
        blockers.extend(review_blockers(db, c.id, &noms, today).await?);
    }
    // P-1's own blockers are above; the later steps in progress add theirs.
    let open_steps: Vec<String> = procedure::STEPS
        .iter()
        .filter(|s| s.pipeline == procedure::Pipeline::Party && s.code != "P-1")
        .filter(|s| progress.state(s.code) == StepState::Open)
        .map(|s| s.code.to_string())
        .collect();
    let going = |code: &str| open_steps.iter().any(|s| s == code);
    if going("P-3") {
        blockers.extend(lists::p3_blockers(db, c.id).await?);
    }
    if going("P-4") {
        blockers.extend(lists::p4_blockers(db, c.id, today).await?);
    }
    if going("P-5") {
        blockers.extend(lists::p5_blockers(db, c.id).await?);
    }
    if going("P-6") || going("P-7") {
        blockers.extend(super::p6_congress::close::blockers(db, c.id).await?);
    }
    Ok(Pipeline {
        size,
        c1,
        steps,
        counted,
        p2_open,
        p2_override,
        open_steps,
        blockers,
    })
}

/// What P-2 still lacks: decisions, the 公示, answers to objections.
/// What still blocks closing P-2: undecided nominations, the 公示 recorded and run to its end,
/// every objection answered.
pub(super) async fn review_blockers(
    db: &Db,
    campaign_id: i64,
    noms: &[Nomination],
    today: NaiveDate,
) -> AppResult<Vec<String>> {
    let mut out = Vec::new();
    let undecided = noms
        .iter()
        .filter(|n| n.counted() && n.decision.is_none())
        .count();
    if undecided > 0 {
        out.push(format!(
            "资格审查（P-2）：{undecided} 项推荐尚未作出审查结论。"
        ));
    }
    let p2 = store::publicities(db, campaign_id, "P-2").await?;
    if p2.is_empty() {
        out.push("资格审查（P-2）：尚未公示审查结果。".into());
    }
    if let Some(end) = p2.iter().map(|p| p.end_date).max() {
        if let Some(m) = crate::domain::plan::period_running("审查结果公示", end, today) {
            out.push(format!("资格审查（P-2）：{m}"));
        }
    }
    let open = store::objections(db, campaign_id)
        .await?
        .iter()
        .filter(|o| o.answer.is_none() && p2.iter().any(|p| p.id == o.publicity_id))
        .count();
    if open > 0 {
        out.push(format!(
            "资格审查（P-2）：公示期间的 {open} 条异议尚未答复。"
        ));
    }
    Ok(out)
}
