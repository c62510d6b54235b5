//! P-6 党员大会, changes before the votes: the gate (opening P-6 early: the street, with a
//! reason) and the congress record with its counting-room meeting and first roll (the roll's own
//! changes are in `congress_roll`). Each change stores the quorum check and is audited in the
//! community's chain in its own transaction.

use serde::Deserialize;
use serde_json::json;

use crate::audit;
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::Q;
use crate::domain::person::parse_date;
use crate::domain::rules::RuleCheck;
use crate::error::{AppError, AppResult, FieldError};
use crate::party::p2_review::write::ReasonInput;
use crate::party::p6_congress::read::{self as read, Congress};
use crate::party::p6_congress::roll;
use crate::state::AppState;

/// Longest presentation or statement kept, in characters.
pub const TEXT_MAX: usize = 10_000;

/// 409 unless P-6 is open: started and not closed (the procedure guard).
pub(crate) async fn require_open(state: &AppState, c: &Campaign) -> AppResult<()> {
    crate::steps::require_open(&state.db, c, "P-6").await
}

/// The congress, or 409 when it is not recorded yet.
pub(crate) async fn require_congress(state: &AppState, c: &Campaign) -> AppResult<Congress> {
    require_open(state, c).await?;
    read::congress(&state.db, c.id)
        .await?
        .ok_or_else(|| AppError::conflict("请先登记党员大会（日期和到会人数规则）。"))
}

/// Opens P-6 before P-5 is done, with the street's reason.
pub async fn open_p6(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &ReasonInput,
) -> AppResult<()> {
    let reason = f.reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("理由", "提前开始党员大会必须写明理由"));
    }
    if read::p6_open(&state.db, c.id).await? {
        return Err(AppError::conflict("党员大会（P-6）已经可以开始。"));
    }
    crate::party::p4_preliminary::gate::open_early(state, ctx, (c, community), "P-6", f).await
}

/// Input for the congress record.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CongressInput {
    /// Date of the meeting.
    pub date: String,
    /// `gt` (default) or `ge`; empty keeps the stored rule (or the default).
    pub quorum_rule: String,
    /// How the candidates were produced.
    pub presentation: String,
    /// The 书记 candidates' self-introduction, commitment and answers.
    pub secretary_statement: String,
}

fn text_field(errors: &mut Vec<FieldError>, field: &str, v: &str) -> Option<String> {
    let t = v.trim();
    if t.chars().count() > TEXT_MAX {
        errors.push(FieldError {
            field: field.into(),
            message: format!("最多 {TEXT_MAX} 字"),
        });
    }
    (!t.is_empty()).then(|| t.to_string())
}

/// Records (or corrects) the congress; the first time, creates its counting-room meeting and
/// generates the roll.
pub async fn set_congress(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &CongressInput,
) -> AppResult<(Congress, RuleCheck)> {
    let mut errors = Vec::new();
    let date = parse_date(f.date.trim());
    if date.is_none() {
        errors.push(FieldError {
            field: "党员大会日期".into(),
            message: "请填写有效日期".into(),
        });
    }
    let rule = match f.quorum_rule.trim() {
        "" => None,
        "gt" | "超过" => Some("gt"),
        "ge" | "不少于" => Some("ge"),
        _ => {
            errors.push(FieldError {
                field: "到会人数规则".into(),
                message: "应为 gt（超过五分之四）或 ge（不少于五分之四）".into(),
            });
            None
        }
    };
    let presentation = text_field(&mut errors, "候选人产生情况", &f.presentation);
    let statement = text_field(
        &mut errors,
        "书记候选人自我介绍、承诺及答问",
        &f.secretary_statement,
    );
    let Some(date) = date.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    require_open(state, c).await?;
    let before = read::congress(&state.db, c.id).await?;
    // The seed's quorum is "超过五分之四"; only the street may adopt the 2020 rule's 不少于.
    let changes_rule =
        rule.is_some_and(|r| before.as_ref().map_or("gt", |b| b.quorum_rule.as_str()) != r);
    if changes_rule && !ctx.user()?.is_street() {
        return Err(AppError::invalid(
            "到会人数规则",
            "到会人数规则须由街道工作组设定（默认超过应到会人数的五分之四）",
        ));
    }
    let rule = rule
        .map(str::to_string)
        .or_else(|| before.as_ref().map(|b| b.quorum_rule.clone()))
        .unwrap_or_else(|| "gt".into());
    if let Some(b) = before.as_ref().filter(|b| b.members_vote_id.is_some()) {
        if b.quorum_rule != rule {
            return Err(AppError::conflict(
                "委员选举已经开始，不能再改变到会人数规则。",
            ));
        }
    }
    let mut tx = state.db.begin().await?;
    let now = crate::now();
    let meeting_id = match before.as_ref().and_then(|b| b.meeting_id) {
        Some(id) => {
            Q::new("update meetings set date = $1, updated_at = $2 where id = $3 and closed_at is null")
                .bind(date)
                .bind(now)
                .bind(id)
                .execute(&mut tx)
                .await?;
            id
        }
        None => {
            let input = crate::counting::MeetingInput {
                title: format!("{}社区党组织换届选举党员大会", c.term),
                kind: "party".into(),
                date: date.to_string(),
            };
            crate::counting::insert_meeting(&mut tx, ctx, community, &input)
                .await?
                .id
        }
    };
    Q::new(
        "insert into party_congresses (campaign_id, meeting_date, quorum_rule, meeting_id, presentation, secretary_statement, created_by, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $8) on conflict (campaign_id) do update set meeting_date = excluded.meeting_date, \
         quorum_rule = excluded.quorum_rule, meeting_id = excluded.meeting_id, presentation = excluded.presentation, \
         secretary_statement = excluded.secretary_statement, updated_at = excluded.updated_at",
    )
    .bind(c.id)
    .bind(date)
    .bind(&rule)
    .bind(meeting_id)
    .bind(presentation.clone())
    .bind(statement.clone())
    .bind(ctx.user()?.id)
    .bind(now)
    .execute(&mut tx)
    .await?;
    let generated = if before.is_none() {
        Some(roll::regenerate(&mut tx, c, community).await?)
    } else {
        None
    };
    let check = roll::save_quorum(&mut tx, c.id, &rule).await?;
    let congress = Congress {
        campaign_id: c.id,
        meeting_date: date,
        quorum_rule: rule,
        meeting_id: Some(meeting_id),
        presentation,
        secretary_statement: statement,
        members_vote_id: before.as_ref().and_then(|b| b.members_vote_id),
        leaders_vote_id: before.as_ref().and_then(|b| b.leaders_vote_id),
        members_reduced_vote_id: before.as_ref().and_then(|b| b.members_reduced_vote_id),
        members_reduced_agreed: before.as_ref().and_then(|b| b.members_reduced_agreed),
        members_reduced_reason: before
            .as_ref()
            .and_then(|b| b.members_reduced_reason.clone()),
    };
    let after = json!({"congress": congress, "roll": generated, "quorum": check});
    let action = if before.is_some() { "update" } else { "create" };
    audit::record(
        &mut tx,
        ctx,
        community,
        (action, "party_congress", c.id.to_string()),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok((congress, check))
}
