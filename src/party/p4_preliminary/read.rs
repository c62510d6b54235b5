//! P-4 初步人选 and P-5 候选人预备人选, reading: the step gates (P-3 done, P-4 and P-5 open),
//! the two lists (`party_lists`) with their people (`party_list_entries`), their stored checks,
//! the P-3 results beside each nominee, and what still blocks closing P-3, P-4 and P-5 (the
//! same sentences answer a refused step and fill the pipeline page).

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::db::{Db, Q};
use crate::domain::rules::CheckRecord;
use crate::error::AppResult;
use crate::party::p3_recommendation::read as p3;
use crate::party::store;

/// The P-4 list (初步人选).
pub const PRELIMINARY: &str = "preliminary";
/// The P-5 list (候选人预备人选).
pub const CANDIDATE: &str = "candidate";
/// Rule-check subject of the preliminary list's size (subject id = campaign id).
pub const PRELIMINARY_SUBJECT: &str = "party_list_preliminary";
/// Rule-check subject of the candidate list's checks (subject id = campaign id).
pub const CANDIDATE_SUBJECT: &str = "party_list_candidate";
/// Rule-check subject of a P-4 公示's length (subject id = publicity id).
pub const PUBLICITY_SUBJECT: &str = "party_publicity";

/// A list of the campaign: when it was fixed and, for the candidate list, the street's decision.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct List {
    /// Campaign.
    pub campaign_id: i64,
    /// `preliminary` | `candidate`.
    pub list: String,
    /// Date of the committee meeting that fixed it.
    pub fixed_on: NaiveDate,
    /// `draft` | `submitted` | `approved` | `returned` (the candidate list's approval).
    pub status: String,
    /// The street's reasons when returned.
    pub status_reason: Option<String>,
    /// When the street approved or returned it.
    pub decided_at: Option<DateTime<Utc>>,
}

impl List {
    /// The status in Chinese.
    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "submitted" => "已报街道工作组，待审批",
            "approved" => "街道工作组已批准",
            "returned" => "街道工作组已退回",
            _ => "草稿（尚未上报）",
        }
    }
    /// The community may still change it.
    pub fn editable(&self) -> bool {
        matches!(self.status.as_str(), "draft" | "returned")
    }
}

/// A person on a list, in the list's order.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Entry {
    /// The person.
    pub person_id: i64,
    /// Name.
    pub name: String,
    /// 男 | 女.
    pub gender: String,
    /// Birth date.
    pub birth_date: Option<NaiveDate>,
    /// Education.
    pub education: Option<String>,
    /// 1-based order on the list.
    pub position: i64,
    /// Candidate list: 书记 | 副书记 proposed.
    pub leader_post: Option<String>,
    /// Order among the proposed (书记 first, then the 副书记): the 等额 ballot's order.
    pub leader_order: Option<i64>,
    /// Preliminary list: the street's 考察 record.
    pub inspection: Option<String>,
    /// Who recorded it (user id).
    pub inspected_by: Option<i64>,
    /// When it was recorded.
    pub inspected_at: Option<DateTime<Utc>>,
}

impl Entry {
    /// Birth as 1985.01 (年月, as the lists print it), or "—".
    pub fn born(&self) -> String {
        self.birth_date
            .map_or("—".into(), |d| d.format("%Y.%m").to_string())
    }
    /// Education or "—".
    pub fn education_text(&self) -> &str {
        self.education.as_deref().unwrap_or("—")
    }
}

/// The list `which` of the campaign, if fixed.
pub async fn list(db: &Db, campaign_id: i64, which: &str) -> AppResult<Option<List>> {
    Q::new("select campaign_id, list, fixed_on, status, status_reason, decided_at from party_lists where campaign_id = $1 and list = $2")
        .bind(campaign_id)
        .bind(which)
        .optional(db)
        .await
}

/// The people of the list `which`, in order.
pub async fn entries(db: &Db, campaign_id: i64, which: &str) -> AppResult<Vec<Entry>> {
    Q::new(
        "select e.person_id, p.name, p.gender, p.birth_date, p.education, e.position, e.leader_post, e.leader_order, e.inspection, e.inspected_by, e.inspected_at \
         from party_list_entries e join people p on p.id = e.person_id where e.campaign_id = $1 and e.list = $2 order by e.position",
    )
    .bind(campaign_id)
    .bind(which)
    .all(db)
    .await
}

/// The stored checks of a list (`PRELIMINARY_SUBJECT` or `CANDIDATE_SUBJECT`), with their ids.
pub async fn checks(
    db: &Db,
    subject: &str,
    campaign_id: i64,
) -> AppResult<Vec<(i64, CheckRecord)>> {
    crate::checks::of(db, subject, campaign_id).await
}

/// The messages of the checks neither passed nor overridden.
pub fn unmet(checks: &[(i64, CheckRecord)]) -> Vec<String> {
    checks
        .iter()
        .filter(|(_, r)| !r.satisfied())
        .map(|(_, r)| r.check.message.clone())
        .collect()
}

/// Whether P-3 is done.
pub async fn p3_done(db: &Db, campaign_id: i64) -> AppResult<bool> {
    store::step_done(db, campaign_id, "P-3").await
}

/// P-4 is open when P-3 is done or the street opened it with a reason.
pub async fn p4_open(db: &Db, campaign_id: i64) -> AppResult<bool> {
    crate::steps::started(db, campaign_id, "P-4").await
}

/// P-5 is open when P-4 is done or the street opened it with a reason.
pub async fn p5_open(db: &Db, campaign_id: i64) -> AppResult<bool> {
    crate::steps::started(db, campaign_id, "P-5").await
}

/// A passed nominee with their P-3 results: per post, the votes and the share of participants.
#[derive(Clone, Debug, Serialize)]
pub struct Standing {
    /// The person.
    pub person_id: i64,
    /// Name.
    pub name: String,
    /// Posts they were nominated for and passed.
    pub posts: Vec<String>,
    /// (post label, votes, share) for 书记, 副书记, 委员.
    pub votes: Vec<(String, u32, String)>,
}

/// Every passed nominee with their P-3 results, most 委员 votes first.
pub async fn standings(db: &Db, campaign_id: i64) -> AppResult<Vec<Standing>> {
    let summary = p3::summary(db, campaign_id).await?;
    let mut out: Vec<Standing> = p3::nominees(db, campaign_id)
        .await?
        .into_iter()
        .map(|n| Standing {
            votes: summary
                .posts
                .iter()
                .map(|p| {
                    let row = p.rows.iter().find(|r| r.person_id == n.person_id);
                    (
                        p.label.clone(),
                        row.map_or(0, |r| r.votes),
                        row.map_or("0%".into(), |r| r.share.clone()),
                    )
                })
                .collect(),
            person_id: n.person_id,
            name: n.name,
            posts: n.posts,
        })
        .collect();
    out.sort_by_key(|s| std::cmp::Reverse(s.votes.last().map_or(0, |v| v.1)));
    Ok(out)
}

/// The P-4 公示 periods and how many of their objections are unanswered.
pub async fn p4_publicity(db: &Db, campaign_id: i64) -> AppResult<(Vec<store::Publicity>, i64)> {
    let list = store::publicities(db, campaign_id, "P-4").await?;
    let open = Q::new(
        "select count(*) from party_objections o join party_publicities p on p.id = o.publicity_id \
         where p.campaign_id = $1 and p.step = 'P-4' and o.answer is null",
    )
    .bind(campaign_id)
    .scalar(db)
    .await?;
    Ok((list, open))
}

/// What still blocks closing P-3: the meeting, its two checks, the recommendation entered.
pub async fn p3_blockers(db: &Db, campaign_id: i64) -> AppResult<Vec<String>> {
    let mut out = Vec::new();
    if p3::meeting(db, campaign_id).await?.is_none() {
        out.push("民主推荐（P-3）：尚未登记民主推荐会的日期和参加人数。".into());
    }
    for m in unmet(&p3::meeting_checks(db, campaign_id).await?) {
        out.push(format!(
            "民主推荐（P-3）：{m}须由街道工作组批准放宽（写明理由）。"
        ));
    }
    if p3::forms(db, campaign_id).await?.is_empty() && p3::totals(db, campaign_id).await?.is_empty()
    {
        out.push("民主推荐（P-3）：尚未录入推荐票或登记推荐票合计。".into());
    }
    Ok(out)
}

/// What still blocks closing P-4: the list and its size, the inspections, the 公示, objections.
pub async fn p4_blockers(
    db: &Db,
    campaign_id: i64,
    today: chrono::NaiveDate,
) -> AppResult<Vec<String>> {
    let mut out = Vec::new();
    if list(db, campaign_id, PRELIMINARY).await?.is_none() {
        out.push("初步人选（P-4）：社区党组织委员会尚未确定初步人选名单。".into());
        return Ok(out);
    }
    for m in unmet(&checks(db, PRELIMINARY_SUBJECT, campaign_id).await?) {
        out.push(format!(
            "初步人选（P-4）：{m}须补足人选或由街道工作组批准放宽（写明理由）。"
        ));
    }
    let people = entries(db, campaign_id, PRELIMINARY).await?;
    let waiting = people.iter().filter(|e| e.inspection.is_none()).count();
    if waiting > 0 {
        out.push(format!(
            "初步人选（P-4）：{} 名人选中还有 {waiting} 名尚未登记考察情况。",
            people.len()
        ));
    }
    let (publicity, open) = p4_publicity(db, campaign_id).await?;
    if publicity.is_empty() {
        out.push("初步人选（P-4）：尚未公示考察对象（不少于 3 天）。".into());
    }
    if let Some(end) = publicity.iter().map(|p| p.end_date).max() {
        if let Some(m) = crate::domain::plan::period_running("考察对象公示", end, today) {
            out.push(format!("初步人选（P-4）：{m}"));
        }
    }
    if open > 0 {
        out.push(format!(
            "初步人选（P-4）：考察对象公示期间的 {open} 条异议尚未答复。"
        ));
    }
    Ok(out)
}

/// What still blocks P-5: the candidate list, its checks, the street's approval.
pub async fn p5_blockers(db: &Db, campaign_id: i64) -> AppResult<Vec<String>> {
    let mut out = Vec::new();
    let Some(l) = list(db, campaign_id, CANDIDATE).await? else {
        out.push("候选人预备人选（P-5）：社区党组织委员会尚未确定候选人预备人选名单。".into());
        return Ok(out);
    };
    for m in unmet(&checks(db, CANDIDATE_SUBJECT, campaign_id).await?) {
        out.push(format!("候选人预备人选（P-5）：{m}"));
    }
    match l.status.as_str() {
        "draft" => out.push("候选人预备人选（P-5）：名单尚未报街道工作组审批。".into()),
        "returned" => out.push(format!(
            "候选人预备人选（P-5）：名单被街道工作组退回（{}），须修改后重新上报。",
            l.status_reason.as_deref().unwrap_or("")
        )),
        "submitted" => out.push("候选人预备人选（P-5）：名单待街道工作组审批。".into()),
        _ => {}
    }
    Ok(out)
}
