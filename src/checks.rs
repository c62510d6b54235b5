//! Storage of C-7 rule checks with the thing they checked, their override by 街道工作组, and
//! their re-run when an input they were computed on changes (a campaign's date).

use axum::Json;
use axum::extract::{Path, Query, State};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::audit::{self, Change};
use crate::auth::Ctx;
use crate::db::{Db, Q, Tx};
use crate::domain::rules::{CheckRecord, Override, RuleCheck};
use crate::error::{AppError, AppResult};
use crate::routes::{Access, RouteDef, get, post};
use crate::state::AppState;

/// This module's routes.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    vec![
        get("/api/v1/checks", Access::Street, r::get(api_list)),
        post(
            "/api/v1/checks/{id}/override",
            Access::Street,
            r::post(api_override),
        ),
    ]
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    rule: String,
    passed: bool,
    numbers: String,
    source: String,
    message: String,
    override_by: Option<i64>,
    override_at: Option<DateTime<Utc>>,
    override_reason: Option<String>,
    override_honour: Option<String>,
    override_lapsed: Option<String>,
}

impl Row {
    fn record(self) -> (i64, CheckRecord) {
        let check = RuleCheck {
            rule: self.rule,
            passed: self.passed,
            numbers: serde_json::from_str(&self.numbers).unwrap_or_default(),
            source: self.source,
            message: self.message,
        };
        let override_ = match (self.override_by, self.override_at, self.override_reason) {
            (Some(by), Some(at), Some(reason)) => Some(Override {
                by,
                at,
                reason,
                honour: self.override_honour,
            }),
            _ => None,
        };
        (
            self.id,
            CheckRecord {
                check,
                override_,
                lapsed: self.override_lapsed,
            },
        )
    }
}

/// Stores (or refreshes) a check for a subject. A refreshed check whose outcome is unchanged
/// (passed and numbers) keeps its override; one whose outcome changed loses it, and the lapsed
/// override's reason is kept to be shown.
pub async fn save(
    tx: &mut Tx,
    subject_type: &str,
    subject_id: i64,
    check: &RuleCheck,
) -> AppResult<()> {
    let numbers =
        serde_json::to_string(&check.numbers).map_err(|e| AppError::internal(e.to_string()))?;
    Q::new(
        "insert into rule_checks (subject_type, subject_id, rule, passed, numbers, source, message, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8) \
         on conflict (subject_type, subject_id, rule) do update set passed = excluded.passed, numbers = excluded.numbers, source = excluded.source, \
         message = excluded.message, \
         override_lapsed = case when rule_checks.override_at is not null and (rule_checks.passed <> excluded.passed or rule_checks.numbers <> excluded.numbers) \
                                then rule_checks.override_reason else rule_checks.override_lapsed end, \
         override_by = case when rule_checks.passed <> excluded.passed or rule_checks.numbers <> excluded.numbers then null else rule_checks.override_by end, \
         override_at = case when rule_checks.passed <> excluded.passed or rule_checks.numbers <> excluded.numbers then null else rule_checks.override_at end, \
         override_reason = case when rule_checks.passed <> excluded.passed or rule_checks.numbers <> excluded.numbers then null else rule_checks.override_reason end, \
         override_honour = case when rule_checks.passed <> excluded.passed or rule_checks.numbers <> excluded.numbers then null else rule_checks.override_honour end",
    )
    .bind(subject_type)
    .bind(subject_id)
    .bind(&check.rule)
    .bind(check.passed)
    .bind(numbers)
    .bind(&check.source)
    .bind(&check.message)
    .bind(crate::now())
    .execute(tx)
    .await?;
    Ok(())
}

/// A stored check run again after an input it was computed on changed: what it said before and
/// what it says now.
#[derive(Clone, Debug, Serialize)]
pub struct Rerun {
    /// Stored id.
    pub id: i64,
    /// What was checked, in words (`资格审查（P-2）张三（委员）`).
    pub subject: String,
    /// Rule.
    pub rule: String,
    /// Passed before.
    pub was_passed: bool,
    /// Passed now.
    pub passed: bool,
    /// The sentence before.
    pub was: String,
    /// The sentence now.
    pub message: String,
    /// The reason of the street's override that lapsed because the outcome changed.
    pub lapsed: Option<String>,
}

impl Rerun {
    /// The outcome changed: it passes where it failed or the reverse, or an override lapsed.
    pub fn changed(&self) -> bool {
        self.was_passed != self.passed || self.lapsed.is_some()
    }
    /// One line for a page: the subject, before → now, and the sentence.
    pub fn line(&self) -> String {
        let word = |p: bool| if p { "符合" } else { "不符合" };
        let lapsed = self
            .lapsed
            .as_deref()
            .map(|r| format!("（{}）", crate::domain::rules::lapsed_text(r)))
            .unwrap_or_default();
        format!(
            "{}：{} → {}，{}{lapsed}",
            self.subject,
            word(self.was_passed),
            word(self.passed),
            self.message
        )
    }
}

/// The stored checks of `rule` on subjects of `subject_type` whose ids `ids_sql` selects (with
/// one parameter `$1`, bound to `param`), keyed by subject id.
pub async fn stored_by_subject(
    tx: &mut Tx,
    subject_type: &str,
    rule: &str,
    ids_sql: &str,
    param: i64,
) -> AppResult<std::collections::HashMap<i64, (i64, CheckRecord)>> {
    let rows: Vec<SubjectRow> = Q::new(format!(
        "select subject_id, id, rule, passed, numbers, source, message, override_by, override_at, override_reason, override_honour, \
         override_lapsed from rule_checks where subject_id in ({ids_sql}) and subject_type = $2 and rule = $3"
    ))
    .bind(param)
    .bind(subject_type)
    .bind(rule)
    .all(tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.subject_id, r.row.record()))
        .collect())
}

#[derive(sqlx::FromRow)]
struct SubjectRow {
    subject_id: i64,
    #[sqlx(flatten)]
    row: Row,
}

/// Stores `check` as the re-run of the stored check `stored` of `subject_type`/`subject_id`
/// after one of its `inputs` (keys of its numbers, such as the date it was computed on)
/// changed. When it passes or fails as before with the same numbers apart from those inputs,
/// the outcome is the same and an override stands; otherwise it is saved as any refreshed
/// check ([`save`]: an override lapses and its reason is kept).
pub async fn rerun(
    tx: &mut Tx,
    (subject_type, subject_id, subject): (&str, i64, String),
    stored: &(i64, CheckRecord),
    check: &RuleCheck,
    inputs: &[&str],
) -> AppResult<Rerun> {
    let (id, before) = stored;
    let without = |r: &RuleCheck| {
        let mut n = r.numbers.clone();
        n.retain(|k, _| !inputs.contains(&k.as_str()));
        n
    };
    let same = before.check.passed == check.passed && without(&before.check) == without(check);
    if same {
        let numbers =
            serde_json::to_string(&check.numbers).map_err(|e| AppError::internal(e.to_string()))?;
        Q::new("update rule_checks set numbers = $1, message = $2, source = $3 where id = $4")
            .bind(numbers)
            .bind(&check.message)
            .bind(&check.source)
            .bind(*id)
            .execute(&mut *tx)
            .await?;
    } else {
        save(tx, subject_type, subject_id, check).await?;
    }
    Ok(Rerun {
        id: *id,
        subject,
        rule: check.rule.clone(),
        was_passed: before.check.passed,
        passed: check.passed,
        was: before.check.message.clone(),
        message: check.message.clone(),
        lapsed: before
            .override_
            .as_ref()
            .filter(|_| !same)
            .map(|o| o.reason.clone()),
    })
}

/// The checks of a subject.
pub async fn of(
    db: &Db,
    subject_type: &str,
    subject_id: i64,
) -> AppResult<Vec<(i64, CheckRecord)>> {
    let rows: Vec<Row> = Q::new(
        "select id, rule, passed, numbers, source, message, override_by, override_at, override_reason, override_honour, override_lapsed from rule_checks \
         where subject_type = $1 and subject_id = $2 order by id",
    )
    .bind(subject_type)
    .bind(subject_id)
    .all(db)
    .await?;
    Ok(rows.into_iter().map(Row::record).collect())
}

/// Records an override of a failed check (street only; a reason is required).
pub async fn override_check(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    reason: &str,
    honour: Option<&str>,
) -> AppResult<CheckRecord> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("理由", "放宽规则必须写明理由"));
    }
    let mut tx = state.db.begin().await?;
    let row: Row = Q::new(
        "select id, rule, passed, numbers, source, message, override_by, override_at, override_reason, override_honour, override_lapsed from rule_checks where id = $1",
    )
    .bind(id)
    .optional(&mut tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let (_, before) = row.record();
    if before.check.passed {
        return Err(AppError::conflict("该项检查已通过，无需放宽。"));
    }
    if crate::domain::party::is_statutory(&before.check) {
        return Err(AppError::invalid(
            "理由",
            "该项为法定要求，不能放宽（党员大会到会人数不足不能进行选举；书记、副书记候选人未当选委员的，由街道工作组确定替补人选）",
        ));
    }
    if crate::domain::residents::is_statutory(&before.check) {
        return Err(AppError::invalid(
            "理由",
            "该项为法定要求，不能放宽（参加投票的选民未超过半数的，选举无效）",
        ));
    }
    let user = ctx.user()?;
    let at = crate::now();
    Q::new("update rule_checks set override_by = $1, override_at = $2, override_reason = $3, override_honour = $4, override_lapsed = null where id = $5")
        .bind(user.id)
        .bind(at)
        .bind(reason)
        .bind(honour.map(str::trim).filter(|h| !h.is_empty()))
        .bind(id)
        .execute(&mut tx)
        .await?;
    let after = CheckRecord {
        override_: Some(Override {
            by: user.id,
            at,
            reason: reason.into(),
            honour: honour.map(str::to_string),
        }),
        lapsed: None,
        ..before.clone()
    };
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: audit::STREET.into(),
            action: "override",
            entity: "rule_check",
            entity_id: id.to_string(),
            before: Some(json!(before)),
            after: Some(json!(after)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

#[derive(Deserialize)]
struct Subject {
    subject_type: String,
    subject_id: i64,
}

async fn api_list(
    State(state): State<AppState>,
    Query(s): Query<Subject>,
) -> AppResult<Json<serde_json::Value>> {
    let list: Vec<_> = of(&state.db, &s.subject_type, s.subject_id)
        .await?
        .into_iter()
        .map(|(id, r)| json!({"id": id, "record": r, "satisfied": r.satisfied()}))
        .collect();
    Ok(Json(json!({ "checks": list })))
}

#[derive(Deserialize)]
struct OverrideInput {
    reason: String,
    #[serde(default)]
    honour: Option<String>,
}

async fn api_override(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<OverrideInput>,
) -> AppResult<Json<serde_json::Value>> {
    let r = override_check(&state, &ctx, id, &f.reason, f.honour.as_deref()).await?;
    Ok(Json(json!({ "record": r, "satisfied": r.satisfied() })))
}

/// A stored check as every page and the residents' API show it: the sentence with its numbers,
/// the rule's source, and the street's override or its lapse. The one view of a check.
#[derive(Clone, Debug, Serialize)]
pub struct CheckView {
    /// Stored id (for the street's override form).
    pub id: i64,
    /// Rule.
    pub rule: String,
    /// Passed.
    pub passed: bool,
    /// Passed or overridden by the street.
    pub satisfied: bool,
    /// The sentence with its numbers.
    pub message: String,
    /// The numbers, as text.
    pub numbers: String,
    /// The rule's source.
    pub source: String,
    /// The street's override reason.
    pub overridden: Option<String>,
    /// The override as a sentence (with the honour it rests on, if any).
    pub override_text: Option<String>,
    /// An override that lapsed when the outcome changed, as a sentence.
    pub lapsed: Option<String>,
}

impl CheckView {
    /// The view of a stored check.
    pub fn of(id: i64, r: &CheckRecord) -> CheckView {
        CheckView {
            id,
            rule: r.check.rule.clone(),
            passed: r.check.passed,
            satisfied: r.satisfied(),
            message: r.check.message.clone(),
            numbers: crate::domain::rules::numbers_text(&r.check.numbers),
            source: r.check.source.clone(),
            overridden: r.override_.as_ref().map(|o| o.reason.clone()),
            override_text: r.override_.as_ref().map(|o| match &o.honour {
                Some(h) => format!("已由街道工作组批准放宽：{}（荣誉：{h}）", o.reason),
                None => format!("已由街道工作组批准放宽：{}", o.reason),
            }),
            lapsed: r.lapsed.as_deref().map(crate::domain::rules::lapsed_text),
        }
    }
}
