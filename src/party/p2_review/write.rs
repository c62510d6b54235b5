//! P-2 资格审查 by 街道工作组: the C-3/C-4 checks per counted nomination (stored as C-7
//! records, so each failure can be overridden with a reason), the decision with its reason,
//! the 公示 with its dates, and objections with their answers. Opening P-2 before P-1 is
//! done needs the street's reason.

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use crate::audit::{self, Change};
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::checks::Rerun;
use crate::communities::Community;
use crate::db::{Q, Tx};
use crate::domain::person::parse_date;
use crate::domain::rules::{self, CheckRecord, RuleCheck};
use crate::error::{AppError, AppResult};
use crate::party::store::{self, NOMINATION_SUBJECT, Nomination, Objection, Publicity};
use crate::state::AppState;

async fn require_open(state: &AppState, c: &Campaign) -> AppResult<()> {
    crate::steps::require_writable(&state.db, c, "P-2", "审查结论").await
}

/// Input with a reason (opening a step early, a decision's reason).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReasonInput {
    /// Why.
    pub reason: String,
}

/// Opens P-2 before P-1 is done, with the street's reason.
pub async fn open_p2(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &ReasonInput,
) -> AppResult<()> {
    let reason = f.reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("理由", "提前开始资格审查必须写明理由"));
    }
    if store::step_done(&state.db, c.id, "P-1").await? {
        return Err(AppError::conflict("公开推荐已完成，资格审查已可开始。"));
    }
    let mut tx = state.db.begin().await?;
    Q::new("insert into party_step_overrides (campaign_id, step, reason, created_by, created_at) values ($1, 'P-2', $2, $3, $4) \
            on conflict (campaign_id, step) do update set reason = excluded.reason, created_by = excluded.created_by, created_at = excluded.created_at")
        .bind(c.id)
        .bind(reason)
        .bind(ctx.user()?.id)
        .bind(crate::now())
        .execute(&mut tx)
        .await?;
    let after = json!({"step": "P-2", "reason": reason});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("override", "party_step", format!("{}:P-2", c.id)),
        after,
    )
    .await?;
    tx.commit().await
}

#[derive(sqlx::FromRow)]
struct Facts {
    birth_date: Option<NaiveDate>,
    education: Option<String>,
    incumbent: i64,
}

/// C-3 and C-4 for one nomination, computed from the person and the reference date.
fn checks_for(n: &Nomination, f: &Facts, reference: NaiveDate) -> Vec<RuleCheck> {
    rules::check_qualification(
        &n.post,
        f.incumbent > 0,
        f.birth_date,
        f.education.as_deref(),
        reference,
    )
}

/// Runs (or refreshes) the C-3/C-4 checks of every counted nomination; returns how many.
pub async fn run_checks(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
) -> AppResult<usize> {
    require_open(state, c).await?;
    let noms: Vec<Nomination> = store::nominations(&state.db, c.id)
        .await?
        .into_iter()
        .filter(Nomination::counted)
        .collect();
    let mut tx = state.db.begin().await?;
    let mut results = Vec::new();
    for n in &noms {
        // An incumbent is a member of either outgoing committee (any post): a new entrant is
        // someone in neither (SPEC C-3/C-4).
        let f: Facts = Q::new("select birth_date, education, (select count(*) from incumbencies i where i.person_id = p.id) as incumbent from people p where p.id = $1")
            .bind(n.person_id)
            .one(&mut tx)
            .await?;
        for check in checks_for(n, &f, c.reference_date) {
            crate::checks::save(&mut tx, NOMINATION_SUBJECT, n.id, &check).await?;
            results.push(json!({"nomination": n.id, "rule": check.rule, "passed": check.passed, "numbers": check.numbers}));
        }
    }
    audit::record(
        &mut tx,
        ctx,
        community,
        ("check", "party_review", c.id.to_string()),
        json!(results),
    )
    .await?;
    tx.commit().await?;
    Ok(noms.len())
}

#[derive(sqlx::FromRow)]
struct AgeRow {
    id: i64,
    post: String,
    name: String,
    birth_date: Option<NaiveDate>,
    education: Option<String>,
    incumbent: i64,
}

/// Re-runs, on campaign `c`'s (new) reference date, the stored C-3 age check of each of its
/// nominations that has one; an override stands while the age and its limit stay the same.
pub(crate) async fn rerun_ages(tx: &mut Tx, c: &Campaign) -> AppResult<Vec<Rerun>> {
    let stored = crate::checks::stored_by_subject(
        tx,
        NOMINATION_SUBJECT,
        "C-3.age",
        "select id from party_nominations where campaign_id = $1",
        c.id,
    )
    .await?;
    if stored.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<AgeRow> = Q::new(
        "select n.id, n.post, p.name, p.birth_date, p.education, (select count(*) from incumbencies i where i.person_id = p.id) as incumbent \
         from party_nominations n join people p on p.id = n.person_id where n.campaign_id = $1 order by n.id",
    )
    .bind(c.id)
    .all(&mut *tx)
    .await?;
    let mut out = Vec::new();
    for r in rows {
        let Some(before) = stored.get(&r.id) else {
            continue;
        };
        let checks = rules::check_qualification(
            &r.post,
            r.incumbent > 0,
            r.birth_date,
            r.education.as_deref(),
            c.reference_date,
        );
        let Some(age) = checks.iter().find(|k| k.rule == "C-3.age") else {
            continue;
        };
        let subject = format!("资格审查（P-2）{}（{}）", r.name, r.post);
        out.push(
            crate::checks::rerun(
                tx,
                (NOMINATION_SUBJECT, r.id, subject),
                before,
                age,
                &["reference_date"],
            )
            .await?,
        );
    }
    Ok(out)
}

/// A nomination's stored checks, with their ids.
pub async fn checks_of(state: &AppState, nid: i64) -> AppResult<Vec<(i64, CheckRecord)>> {
    crate::checks::of(&state.db, NOMINATION_SUBJECT, nid).await
}

/// Input for a decision.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct DecisionInput {
    /// `passed` | `failed`.
    pub decision: String,
    /// Why (required when failed).
    pub reason: String,
}

/// Records the street's decision on a counted nomination; passing needs every check
/// satisfied (passed, or overridden with a reason).
pub async fn decide(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    nid: i64,
    f: &DecisionInput,
) -> AppResult<Nomination> {
    let before = store::nomination(&state.db, c.id, nid).await?;
    require_open(state, c).await?;
    if !before.counted() {
        return Err(AppError::conflict(
            "该联名推荐尚无本人同意，未计入，不能审查。",
        ));
    }
    let reason = f.reason.trim();
    match f.decision.as_str() {
        "passed" => {}
        "failed" if reason.is_empty() => {
            return Err(AppError::invalid("理由", "审查不通过必须写明理由"));
        }
        "failed" => {}
        _ => {
            return Err(AppError::invalid(
                "审查结论",
                "应为通过（passed）或不通过（failed）",
            ));
        }
    }
    let checks = checks_of(state, nid).await?;
    if checks.is_empty() {
        return Err(AppError::conflict(
            "请先进行资格审查（核对年龄、文化程度）。",
        ));
    }
    let unmet: Vec<String> = checks
        .iter()
        .filter(|(_, r)| !r.satisfied())
        .map(|(_, r)| r.check.message.clone())
        .collect();
    if f.decision == "passed" && !unmet.is_empty() {
        return Err(AppError::invalid(
            "审查结论",
            format!(
                "以下条件不符合且未经街道工作组批准放宽：{}",
                unmet.join("；")
            ),
        ));
    }
    let mut tx = state.db.begin().await?;
    let now = crate::now();
    Q::new("update party_nominations set decision = $1, decision_reason = $2, decided_by = $3, decided_at = $4, updated_at = $4 where id = $5")
        .bind(&f.decision)
        .bind(reason)
        .bind(ctx.user()?.id)
        .bind(now)
        .bind(nid)
        .execute(&mut tx)
        .await?;
    let after = Nomination {
        decision: Some(f.decision.clone()),
        decision_reason: Some(reason.to_string()),
        ..before.clone()
    };
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: community.scope(),
            action: "review",
            entity: "party_nomination",
            entity_id: nid.to_string(),
            before: Some(json!(before)),
            after: Some(json!(after)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Input for a publicity period.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PublicityInput {
    /// First day.
    pub start_date: String,
    /// Last day.
    pub end_date: String,
}

fn date(field: &str, s: &str) -> AppResult<NaiveDate> {
    let s = s.trim();
    if s.is_empty() {
        return Err(AppError::invalid(field, "不能为空"));
    }
    parse_date(s).ok_or_else(|| AppError::invalid(field, format!("“{s}”不是有效日期")))
}

/// Records P-2's 公示 of the review's results (at least one nomination must have passed).
pub async fn publicise(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &PublicityInput,
) -> AppResult<Publicity> {
    let start = date("公示开始日期", &f.start_date)?;
    let end = date("公示结束日期", &f.end_date)?;
    if end < start {
        return Err(AppError::invalid("公示结束日期", "不能早于开始日期"));
    }
    require_open(state, c).await?;
    let passed = store::nominations(&state.db, c.id)
        .await?
        .iter()
        .any(|n| n.decision.as_deref() == Some("passed"));
    if !passed {
        return Err(AppError::conflict("尚无审查通过的人选，无需公示。"));
    }
    let mut tx = state.db.begin().await?;
    let id = Q::new("insert into party_publicities (campaign_id, step, start_date, end_date, created_by, created_at) values ($1, 'P-2', $2, $3, $4, $5) returning id")
        .bind(c.id)
        .bind(start)
        .bind(end)
        .bind(ctx.user()?.id)
        .bind(crate::now())
        .scalar(&mut tx)
        .await?;
    let p = Publicity {
        id,
        campaign_id: c.id,
        step: "P-2".into(),
        start_date: start,
        end_date: end,
    };
    audit::record(
        &mut tx,
        ctx,
        community,
        ("create", "party_publicity", id.to_string()),
        json!(p),
    )
    .await?;
    tx.commit().await?;
    Ok(p)
}

/// Input for an objection or its answer.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct TextInput {
    /// The objection's text or the answer.
    pub text: String,
}

fn text(field: &str, s: &str) -> AppResult<String> {
    let s = s.trim();
    if s.is_empty() || s.chars().count() > 2000 {
        return Err(AppError::invalid(field, "不能为空，最多 2000 字"));
    }
    Ok(s.to_string())
}

/// Records an objection raised during a publicity period.
pub async fn object(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    pid: i64,
    f: &TextInput,
) -> AppResult<Objection> {
    let p = store::publicity(&state.db, c.id, pid).await?;
    let t = text("异议内容", &f.text)?;
    let mut tx = state.db.begin().await?;
    let id = Q::new("insert into party_objections (publicity_id, text, created_by, created_at) values ($1, $2, $3, $4) returning id")
        .bind(p.id)
        .bind(&t)
        .bind(ctx.user()?.id)
        .bind(crate::now())
        .scalar(&mut tx)
        .await?;
    let o = Objection {
        id,
        publicity_id: p.id,
        text: t,
        answer: None,
    };
    audit::record(
        &mut tx,
        ctx,
        community,
        ("create", "party_objection", id.to_string()),
        json!(o),
    )
    .await?;
    tx.commit().await?;
    Ok(o)
}

/// Records (or corrects) the answer to an objection.
pub async fn answer(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    oid: i64,
    f: &TextInput,
) -> AppResult<Objection> {
    let before = store::objection(&state.db, c.id, oid).await?;
    let t = text("答复", &f.text)?;
    let mut tx = state.db.begin().await?;
    Q::new(
        "update party_objections set answer = $1, answered_by = $2, answered_at = $3 where id = $4",
    )
    .bind(&t)
    .bind(ctx.user()?.id)
    .bind(crate::now())
    .bind(oid)
    .execute(&mut tx)
    .await?;
    let after = Objection {
        answer: Some(t),
        ..before.clone()
    };
    audit::record(
        &mut tx,
        ctx,
        community,
        ("answer", "party_objection", oid.to_string()),
        json!({"before": before, "after": after}),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Overrides a failed check of this campaign (the size, P-3's meeting, a P-4/P-5 list's or a
/// nomination's) with a reason;
/// a check of another campaign is not found.
pub async fn override_check(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    check_id: i64,
    reason: &str,
    honour: Option<&str>,
) -> AppResult<CheckRecord> {
    let n = Q::new(
        "select count(*) from rule_checks r where r.id = $1 and ((r.subject_type = 'party_size' and r.subject_id = $2) \
         or (r.subject_type in ('party_recommendation', 'party_list_preliminary', 'party_list_candidate') and r.subject_id = $2) \
         or (r.subject_type = 'party_nomination' and r.subject_id in (select id from party_nominations where campaign_id = $2)))",
    )
    .bind(check_id)
    .bind(c.id)
    .scalar(&state.db)
    .await?;
    if n == 0 {
        return Err(AppError::NotFound);
    }
    crate::checks::override_check(state, ctx, check_id, reason, honour).await
}
