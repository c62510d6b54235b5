//! P-3 全额定向民主推荐, changes: the meeting's date and participants (its P-3 checks stored
//! for override), each passed nominee's written introduction and speech, and the
//! recommendation as forms or as totals. Each change is audited in the community's chain in its
//! own transaction; the step gates are in `recommend_gate`.

use serde::{Deserialize, Deserializer};
use serde_json::{Value, json};

use crate::audit;
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::Q;
use crate::domain::party::{
    ParticipantCategory, Post, RecommendationForm, check_form, check_introduction,
    check_participant_share, check_participant_total,
};
use crate::domain::person::parse_date;
use crate::domain::rules::{CheckRecord, RuleCheck};
use crate::error::{AppError, AppResult, FieldError};
use crate::party::p3_recommendation::gate::require_open;
use crate::party::p3_recommendation::read::{self as read, MEETING_SUBJECT, Meeting};
use crate::party::store;
use crate::state::AppState;

/// Input for the meeting: its date and a count per participant category (by category id).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct MeetingInput {
    /// Date of the meeting.
    pub date: String,
    /// Counts by category id (`npc_deputy` …); form fields arrive as text.
    #[serde(flatten)]
    pub counts: std::collections::BTreeMap<String, Value>,
}

/// A whole number from JSON or form text; empty is 0.
fn count_of(v: Option<&Value>) -> Option<i64> {
    match v {
        None | Some(Value::Null) => Some(0),
        Some(Value::Number(n)) => n.as_i64(),
        Some(Value::String(s)) if s.trim().is_empty() => Some(0),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
}

/// Records (or corrects) the meeting and stores its two P-3 checks; returns the checks.
pub async fn set_meeting(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &MeetingInput,
) -> AppResult<(Meeting, Vec<(i64, CheckRecord)>)> {
    let mut errors = Vec::new();
    let date = parse_date(f.date.trim());
    if date.is_none() {
        errors.push(FieldError {
            field: "推荐会日期".into(),
            message: "请填写有效日期".into(),
        });
    }
    let mut counts = [0i64; 7];
    for (i, cat) in ParticipantCategory::ALL.into_iter().enumerate() {
        match count_of(f.counts.get(cat.as_str())) {
            Some(n) if (0..=100_000).contains(&n) => counts[i] = n,
            _ => errors.push(FieldError {
                field: cat.label().into(),
                message: "人数应为 0–100000 的整数".into(),
            }),
        }
    }
    let Some(date) = date.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    require_open(state, c).await?;
    let [a, b, r, u, p, n, z] = counts;
    let m = Meeting {
        campaign_id: c.id,
        meeting_date: date,
        committee_member: a,
        party_representative: b,
        resident_representative: r,
        unit_representative: u,
        party_congress_deputy: p,
        npc_deputy: n,
        cppcc_member: z,
    };
    let participants = m.participants();
    let checks = [
        check_participant_total(&participants),
        check_participant_share(&participants),
    ];
    let mut tx = state.db.begin().await?;
    let now = crate::now();
    Q::new(
        "insert into party_recommend_meetings (campaign_id, meeting_date, committee_member, party_representative, resident_representative, \
         unit_representative, party_congress_deputy, npc_deputy, cppcc_member, created_by, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) on conflict (campaign_id) do update set meeting_date = excluded.meeting_date, \
         committee_member = excluded.committee_member, party_representative = excluded.party_representative, \
         resident_representative = excluded.resident_representative, unit_representative = excluded.unit_representative, \
         party_congress_deputy = excluded.party_congress_deputy, npc_deputy = excluded.npc_deputy, cppcc_member = excluded.cppcc_member, \
         updated_at = excluded.updated_at",
    )
    .bind(c.id)
    .bind(date)
    .bind(a)
    .bind(b)
    .bind(r)
    .bind(u)
    .bind(p)
    .bind(n)
    .bind(z)
    .bind(ctx.user()?.id)
    .bind(now)
    .execute(&mut tx)
    .await?;
    for check in &checks {
        crate::checks::save(&mut tx, MEETING_SUBJECT, c.id, check).await?;
    }
    let after = json!({"meeting": m, "checks": checks});
    let id = c.id.to_string();
    audit::record(
        &mut tx,
        ctx,
        community,
        ("update", "party_recommend_meeting", id),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok((m, read::meeting_checks(&state.db, c.id).await?))
}

/// A yes/no from JSON (`true`) or a form checkbox (`on`, `1`, `是`).
fn yes<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Bool(b)) => b,
        Some(Value::String(s)) => matches!(s.trim(), "on" | "true" | "1" | "是"),
        Some(Value::Number(n)) => n.as_i64() == Some(1),
        _ => false,
    })
}

/// Input for a nominee's introduction.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct IntroductionInput {
    /// The written introduction (at most 1500 characters).
    pub text: String,
    /// Whether the nominee gave the speech.
    #[serde(deserialize_with = "yes")]
    pub speech_given: bool,
}

/// Records a passed nominee's introduction (by one of their nominations); more than 1500
/// characters is refused and nothing stored.
pub async fn set_introduction(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    nid: i64,
    f: &IntroductionInput,
) -> AppResult<read::Introduction> {
    let n = store::nomination(&state.db, c.id, nid).await?;
    let text = f.text.trim();
    if text.is_empty() {
        return Err(AppError::invalid("书面介绍材料", "不能为空"));
    }
    let check: RuleCheck = check_introduction(text);
    if !check.passed {
        return Err(AppError::invalid("书面介绍材料", check.message));
    }
    require_open(state, c).await?;
    if n.decision.as_deref() != Some("passed") {
        return Err(AppError::conflict(format!(
            "{}未通过资格审查，不参加民主推荐。",
            n.name
        )));
    }
    let mut tx = state.db.begin().await?;
    let now = crate::now();
    Q::new("insert into party_introductions (campaign_id, person_id, text, speech_given, updated_by, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $6) \
            on conflict (campaign_id, person_id) do update set text = excluded.text, speech_given = excluded.speech_given, updated_by = excluded.updated_by, updated_at = excluded.updated_at")
        .bind(c.id)
        .bind(n.person_id)
        .bind(text)
        .bind(f.speech_given)
        .bind(ctx.user()?.id)
        .bind(now)
        .execute(&mut tx)
        .await?;
    let intro = read::Introduction {
        person_id: n.person_id,
        text: text.to_string(),
        speech_given: f.speech_given,
    };
    let after = json!({"introduction": intro, "check": check});
    let id = format!("{}:{}", c.id, n.person_id);
    audit::record(
        &mut tx,
        ctx,
        community,
        ("update", "party_introduction", id),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok(intro)
}

/// What the form and totals entries need: the meeting's participants and the nominees.
async fn entry_basis(state: &AppState, c: &Campaign) -> AppResult<(u32, Vec<i64>)> {
    require_open(state, c).await?;
    let m = read::meeting(&state.db, c.id)
        .await?
        .ok_or_else(|| AppError::conflict("请先登记民主推荐会的日期和参加人数。"))?;
    let people = read::nominees(&state.db, c.id).await?;
    Ok((
        m.participants().total(),
        people.iter().map(|n| n.person_id).collect(),
    ))
}

fn unknown(ids: &[i64], people: &[i64]) -> AppResult<()> {
    match ids.iter().find(|i| !people.contains(i)) {
        Some(i) => Err(AppError::invalid(
            "被推荐人",
            format!("编号 {i} 不是通过资格审查的被推荐人"),
        )),
        None => Ok(()),
    }
}

/// Records one participant's form; one over the seats of a post is stored as invalid (and
/// counts for nobody). Returns the form's id and its check.
pub async fn add_form(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    form: &RecommendationForm<i64>,
) -> AppResult<(i64, RuleCheck)> {
    let (participants, people) = entry_basis(state, c).await?;
    for ids in form.values() {
        unknown(ids, &people)?;
    }
    let seats = read::seats(&state.db, c.id)
        .await?
        .ok_or_else(|| AppError::conflict("尚未确定委员会职数（C-1），无法核对推荐票。"))?;
    if !read::totals(&state.db, c.id).await?.is_empty() {
        return Err(AppError::conflict(
            "已按人选登记推荐票合计，不能再逐张录入推荐票。",
        ));
    }
    let entered = read::forms(&state.db, c.id).await?.len() as u32;
    if entered >= participants {
        return Err(AppError::conflict(format!(
            "已录入 {entered} 张推荐票，已达参加人数 {participants} 名。"
        )));
    }
    let check = check_form(form, seats);
    let marks = serde_json::to_string(form).map_err(|e| AppError::internal(e.to_string()))?;
    let mut tx = state.db.begin().await?;
    let id = Q::new("insert into party_recommend_forms (campaign_id, marks, created_by, created_at) values ($1, $2, $3, $4) returning id")
        .bind(c.id)
        .bind(&marks)
        .bind(ctx.user()?.id)
        .bind(crate::now())
        .scalar(&mut tx)
        .await?;
    let after = json!({"marks": form, "valid": check.passed, "check": check});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("create", "party_recommend_form", id.to_string()),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok((id, check))
}

/// One nominee's total for one post.
#[derive(Clone, Debug, Deserialize)]
pub struct TotalInput {
    /// Nominee (person id).
    pub person_id: i64,
    /// Post id or label.
    pub post: String,
    /// Recommendation votes.
    pub votes: i64,
}

/// How a save of totals treats the figures it does not name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TotalsSave {
    /// The API's `PUT`: the given totals are the whole set.
    Replace,
    /// The page's grid: the given figures change those saved, the others stay. Turning a saved
    /// figure into 0 needs `confirm_zero` (the page asks first).
    Merge {
        /// The clerk confirmed zeroing saved figures.
        confirm_zero: bool,
    },
}

/// Saves the per-nominee totals; each is at most the number of participants. Only the figures
/// that change are written and audited (before and after); returns how many changed.
pub async fn set_totals(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    totals: &[TotalInput],
    mode: TotalsSave,
) -> AppResult<usize> {
    let (participants, people) = entry_basis(state, c).await?;
    let mut given: Vec<(i64, Post, i64)> = Vec::new();
    for t in totals {
        unknown(&[t.person_id], &people)?;
        let post = Post::parse(&t.post)
            .ok_or_else(|| AppError::invalid("职位", "应为书记、副书记或委员"))?;
        if !(0..=i64::from(participants)).contains(&t.votes) {
            return Err(AppError::invalid(
                "推荐票数",
                format!("应为 0 至参加人数 {participants} 之间的整数"),
            ));
        }
        given.retain(|(p, q, _)| !(*p == t.person_id && *q == post));
        given.push((t.person_id, post, t.votes));
    }
    if !read::forms(&state.db, c.id).await?.is_empty() {
        return Err(AppError::conflict(
            "已逐张录入推荐票，合计由系统统计，不能另行登记。",
        ));
    }
    let saved: Vec<(i64, Post, i64)> = read::totals(&state.db, c.id)
        .await?
        .into_iter()
        .filter_map(|(p, q, v)| Post::parse(&q).map(|q| (p, q, v)))
        .collect();
    let saved_of = |p: i64, q: Post| {
        saved
            .iter()
            .find(|(sp, sq, _)| *sp == p && *sq == q)
            .map(|(_, _, v)| *v)
    };
    if let TotalsSave::Merge {
        confirm_zero: false,
    } = mode
    {
        let nominees = read::nominees(&state.db, c.id).await?;
        let zeroed: Vec<String> = given
            .iter()
            .filter(|(p, q, v)| *v == 0 && saved_of(*p, *q).is_some_and(|s| s > 0))
            .map(|(p, q, _)| {
                let name = nominees
                    .iter()
                    .find(|n| n.person_id == *p)
                    .map_or_else(|| p.to_string(), |n| n.name.clone());
                format!("{name} {} {} 票", q.label(), saved_of(*p, *q).unwrap_or(0))
            })
            .collect();
        if !zeroed.is_empty() {
            return Err(AppError::invalid(
                "推荐票数",
                format!("将把已登记的 {} 改为 0，请确认后再保存", zeroed.join("、")),
            ));
        }
    }
    // The set after the save, and the figures that change.
    let mut rows: Vec<(i64, Post, i64)> = match mode {
        TotalsSave::Replace => Vec::new(),
        TotalsSave::Merge { .. } => saved.clone(),
    };
    for (p, q, v) in &given {
        rows.retain(|(rp, rq, _)| !(rp == p && rq == q));
        rows.push((*p, *q, *v));
    }
    let changed: Vec<(i64, Post, Option<i64>, Option<i64>)> = rows
        .iter()
        .map(|(p, q, v)| (*p, *q, saved_of(*p, *q), Some(*v)))
        .chain(
            saved
                .iter()
                .filter(|(p, q, _)| !rows.iter().any(|(rp, rq, _)| rp == p && rq == q))
                .map(|(p, q, v)| (*p, *q, Some(*v), None)),
        )
        .filter(|(_, _, before, after)| before != after)
        .collect();
    if changed.is_empty() {
        return Ok(0);
    }
    let mut tx = state.db.begin().await?;
    let now = crate::now();
    for (person, post, _, after) in &changed {
        Q::new("delete from party_recommend_totals where campaign_id = $1 and person_id = $2 and post = $3")
            .bind(c.id)
            .bind(*person)
            .bind(post.as_str())
            .execute(&mut tx)
            .await?;
        if let Some(votes) = after {
            Q::new("insert into party_recommend_totals (campaign_id, person_id, post, votes, created_at) values ($1, $2, $3, $4, $5)")
                .bind(c.id)
                .bind(*person)
                .bind(post.as_str())
                .bind(*votes)
                .bind(now)
                .execute(&mut tx)
                .await?;
        }
    }
    let after: Vec<Value> = changed
        .iter()
        .map(|(p, q, b, a)| json!({"person_id": p, "post": q, "before": b, "votes": a}))
        .collect();
    let id = c.id.to_string();
    audit::record(
        &mut tx,
        ctx,
        community,
        ("update", "party_recommend_totals", id),
        json!(after),
    )
    .await?;
    tx.commit().await?;
    Ok(changed.len())
}
