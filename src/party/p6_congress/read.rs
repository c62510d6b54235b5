//! P-6 党员大会 and P-7 报批, reads: the gate, the congress record, the roll (应到会党员名册)
//! with exclusions (requested, approved by the street, or rejected) and check-ins, the people of the register left off it, the quorum, the
//! proposed 书记/副书记 with the street's replacements, and the filings/approvals.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::db::{Db, Q};
use crate::domain::party::{Exclusion, check_quorum, has_voting_rights, is_due};
use crate::domain::person::party_status_label;
use crate::domain::rules::{CheckRecord, RuleCheck};
use crate::domain::tally::Comparison;
use crate::error::AppResult;

/// The rule-check subject of the 党员大会 (quorum, leaders among the elected); id = campaign.
pub const CONGRESS_SUBJECT: &str = "party_congress";

/// The 党员大会 of a campaign.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Congress {
    /// Campaign.
    pub campaign_id: i64,
    /// Date of the meeting.
    pub meeting_date: NaiveDate,
    /// `gt` (超过 4/5, default) | `ge` (不少于 4/5).
    pub quorum_rule: String,
    /// Its counting-room meeting.
    pub meeting_id: Option<i64>,
    /// How the candidates were produced, as presented by the outgoing committee.
    pub presentation: Option<String>,
    /// The 书记 candidates' self-introduction, commitment and answers.
    pub secretary_statement: Option<String>,
    /// First round of the 委员 vote.
    pub members_vote_id: Option<i64>,
    /// First round of the 书记/副书记 vote.
    pub leaders_vote_id: Option<i64>,
    /// The certified 委员 round after which the seats were reduced instead of a 另行选举.
    pub members_reduced_vote_id: Option<i64>,
    /// Electors who agreed to the reduction.
    pub members_reduced_agreed: Option<i64>,
    /// Why the seats were reduced.
    pub members_reduced_reason: Option<String>,
}

impl Congress {
    /// The quorum comparison.
    pub fn rule(&self) -> Comparison {
        rule_of(&self.quorum_rule)
    }
    /// The quorum rule in words.
    pub fn rule_label(&self) -> &'static str {
        rule_label(&self.quorum_rule)
    }
}

/// The comparison of a stored rule (`ge` or else the default `gt`).
pub fn rule_of(rule: &str) -> Comparison {
    if rule == "ge" {
        Comparison::Ge
    } else {
        Comparison::Gt
    }
}

/// The quorum rule in words.
pub fn rule_label(rule: &str) -> &'static str {
    if rule == "ge" {
        "不少于应到会人数的五分之四（2020 年条例）"
    } else {
        "超过应到会人数的五分之四（工作方案）"
    }
}

/// The congress of a campaign, if recorded.
pub async fn congress(db: &Db, campaign_id: i64) -> AppResult<Option<Congress>> {
    Q::new(
        "select campaign_id, meeting_date, quorum_rule, meeting_id, presentation, secretary_statement, members_vote_id, leaders_vote_id, \
         members_reduced_vote_id, members_reduced_agreed, members_reduced_reason from party_congresses where campaign_id = $1",
    )
    .bind(campaign_id)
    .optional(db)
    .await
}

/// Whether the candidate list (P-5) is approved.
pub async fn list_approved(db: &Db, campaign_id: i64) -> AppResult<bool> {
    let n = Q::new("select count(*) from party_lists where campaign_id = $1 and list = 'candidate' and status = 'approved'")
        .bind(campaign_id)
        .scalar(db)
        .await?;
    Ok(n > 0)
}

/// P-6 is open when P-5 is done and the candidate list approved, or when the street opened it.
pub async fn p6_open(db: &Db, campaign_id: i64) -> AppResult<bool> {
    // P-5 closes when the street approves the candidates' list.
    crate::steps::started(db, campaign_id, "P-6").await
}

/// One member on the roll.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct RollEntry {
    /// Person.
    pub person_id: i64,
    /// Name.
    pub name: String,
    /// Gender.
    pub gender: Option<String>,
    /// Date joined the Party.
    pub party_joined: Option<NaiveDate>,
    /// Exclusion id (`domain::party::Exclusion`), while one is requested or approved.
    pub exclusion: Option<String>,
    /// Its note.
    pub exclusion_note: Option<String>,
    /// The higher organisation's document number, when the request gives one.
    pub exclusion_approval: Option<String>,
    /// `pending` | `approved` | `rejected` (see [`ExclusionStatus`]); none without a request.
    pub exclusion_status: Option<String>,
    /// The street user who approved or rejected it, by name.
    pub exclusion_decided_by: Option<String>,
    /// When the street decided.
    pub exclusion_decided_at: Option<DateTime<Utc>>,
    /// The street's reason for rejecting the last request.
    pub exclusion_rejection: Option<String>,
    /// When checked in.
    pub checked_in_at: Option<DateTime<Utc>>,
}

/// Where an exclusion request stands. Only an approved one leaves the member out of those due.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExclusionStatus {
    /// Requested, waiting for the street: the member is still due.
    Pending,
    /// Approved by the street: the member is not due.
    Approved,
    /// Rejected by the street (with a reason): the member is due.
    Rejected,
}

impl ExclusionStatus {
    /// The stored form.
    pub const fn as_str(self) -> &'static str {
        match self {
            ExclusionStatus::Pending => "pending",
            ExclusionStatus::Approved => "approved",
            ExclusionStatus::Rejected => "rejected",
        }
    }
    /// The Chinese label.
    pub const fn label(self) -> &'static str {
        match self {
            ExclusionStatus::Pending => "待街道审批",
            ExclusionStatus::Approved => "已批准",
            ExclusionStatus::Rejected => "街道未批准",
        }
    }
    /// Parses the stored form.
    pub fn parse(s: &str) -> Option<ExclusionStatus> {
        [
            ExclusionStatus::Pending,
            ExclusionStatus::Approved,
            ExclusionStatus::Rejected,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// SQL condition on `party_roll`: the member is due (no approved exclusion). A pending request
/// leaves them due until the street approves it.
pub const DUE_SQL: &str = "coalesce(exclusion_status, '') <> 'approved'";

impl RollEntry {
    /// Where the exclusion request stands, if there is one (or a rejected one).
    pub fn status(&self) -> Option<ExclusionStatus> {
        self.exclusion_status
            .as_deref()
            .and_then(ExclusionStatus::parse)
    }
    /// The status in words, empty without a request.
    pub fn status_label(&self) -> &'static str {
        self.status().map_or("", ExclusionStatus::label)
    }
    /// Due to attend: no exclusion approved by the street.
    pub fn due(&self) -> bool {
        self.status() != Some(ExclusionStatus::Approved)
    }
    /// An exclusion is requested and waits for the street.
    pub fn pending(&self) -> bool {
        self.status() == Some(ExclusionStatus::Pending)
    }
    /// An exclusion is requested or approved (it can be withdrawn).
    pub fn has_exclusion(&self) -> bool {
        matches!(
            self.status(),
            Some(ExclusionStatus::Pending | ExclusionStatus::Approved)
        )
    }
    /// The last request was rejected by the street.
    pub fn rejected(&self) -> bool {
        self.status() == Some(ExclusionStatus::Rejected)
    }
    /// Checked in (and due).
    pub fn present(&self) -> bool {
        self.due() && self.checked_in_at.is_some()
    }
    /// The exclusion's reason in words.
    pub fn exclusion_label(&self) -> &'static str {
        self.exclusion
            .as_deref()
            .and_then(Exclusion::parse)
            .map_or("", Exclusion::label)
    }
    /// Who decided and when (China Standard Time), in words (`街道甲 2027-04-20 10:00`);
    /// empty when undecided.
    pub fn decided(&self) -> String {
        let by = self.exclusion_decided_by.clone().unwrap_or_default();
        let at = self
            .exclusion_decided_at
            .map(|t| {
                (t + chrono::Duration::hours(8))
                    .format("%Y-%m-%d %H:%M")
                    .to_string()
            })
            .unwrap_or_default();
        format!("{by} {at}").trim().to_string()
    }
}

/// The roll: members due, those excluded, and the register's Party members left off it.
#[derive(Clone, Debug, Serialize)]
pub struct Roll {
    /// Every member on the roll, excluded ones included, in surname-stroke order.
    pub entries: Vec<RollEntry>,
    /// Due to attend (after exclusions).
    pub due: u32,
    /// Checked in among those due (= ballots issued).
    pub present: u32,
    /// Excluded with the street's approval (not due).
    pub excluded: u32,
    /// Exclusions requested and waiting for the street (still due).
    pub pending: u32,
    /// Party members of the register not due, counted by reason.
    pub left_out: Vec<(String, u32)>,
}

impl Roll {
    /// Members due (not excluded).
    pub fn due_entries(&self) -> impl Iterator<Item = &RollEntry> {
        self.entries.iter().filter(|e| e.due())
    }
    /// Members excluded with the street's approval.
    pub fn excluded_entries(&self) -> impl Iterator<Item = &RollEntry> {
        self.entries.iter().filter(|e| !e.due())
    }
    /// Left out of the roll in all.
    pub fn left_out_total(&self) -> u32 {
        self.left_out.iter().map(|(_, n)| n).sum()
    }
}

/// A Party member of the community's register, as the roll sees them.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Member {
    /// Person.
    pub id: i64,
    /// Stored Party status.
    pub party_status: String,
    /// Stored organisation.
    pub party_org: Option<String>,
}

impl Member {
    /// Due before exclusions (`domain::party::is_due`).
    pub fn due(&self) -> bool {
        is_due(&self.party_status, self.party_org.as_deref())
    }
    /// Why a member is not due, in words.
    pub fn why_not_due(&self) -> String {
        if !has_voting_rights(&self.party_status) {
            format!("{}，无表决权", party_status_label(&self.party_status))
        } else if self.party_org.as_deref() == Some("unit") {
            "组织关系在驻区单位党组织，不参加".into()
        } else {
            "未登记组织关系在本社区党组织".into()
        }
    }
}

/// The Party members of a community's organisation. A member belongs to exactly one: the
/// community they live in, or their 户籍's when no residence is recorded — never both, so a
/// member living in one community with 户籍 in another is due in one roll only.
pub const MEMBERS_SQL: &str = "select id, party_status, party_org from people \
    where coalesce(residence_community_id, hukou_community_id) = $1 and party_status <> 'none' order by id";

/// The roll of a campaign (of community `community_id`).
pub async fn roll(db: &Db, campaign_id: i64, community_id: i64) -> AppResult<Roll> {
    let entries: Vec<RollEntry> = Q::new(
        "select r.person_id, p.name, p.gender, p.party_joined, r.exclusion, r.exclusion_note, r.exclusion_approval, r.exclusion_status, \
         coalesce(nullif(u.display_name, ''), u.username) as exclusion_decided_by, r.exclusion_decided_at, r.exclusion_rejection, r.checked_in_at \
         from party_roll r join people p on p.id = r.person_id left join users u on u.id = r.exclusion_decided_by \
         where r.campaign_id = $1 order by p.id",
    )
    .bind(campaign_id)
    .all(db)
    .await?;
    let mut entries = entries;
    entries.sort_by(|a, b| crate::domain::strokes::cmp_names(&a.name, &b.name));
    let members: Vec<Member> = Q::new(MEMBERS_SQL).bind(community_id).all(db).await?;
    let mut left_out: Vec<(String, u32)> = Vec::new();
    for m in members.iter().filter(|m| !m.due()) {
        let why = m.why_not_due();
        match left_out.iter_mut().find(|(w, _)| *w == why) {
            Some((_, n)) => *n += 1,
            None => left_out.push((why, 1)),
        }
    }
    let due = entries.iter().filter(|e| e.due()).count() as u32;
    let present = entries.iter().filter(|e| e.present()).count() as u32;
    let pending = entries.iter().filter(|e| e.pending()).count() as u32;
    Ok(Roll {
        due,
        present,
        excluded: entries.len() as u32 - due,
        pending,
        left_out,
        entries,
    })
}

/// The quorum check for the roll under `rule`.
pub fn quorum(roll: &Roll, rule: Comparison) -> RuleCheck {
    check_quorum(roll.due, roll.present, rule)
}

/// The stored checks of the congress (quorum, leaders among the elected).
pub async fn checks(db: &Db, campaign_id: i64) -> AppResult<Vec<(i64, CheckRecord)>> {
    crate::checks::of(db, CONGRESS_SUBJECT, campaign_id).await
}

/// A proposed 书记 or 副书记 (after the street's replacements).
#[derive(Clone, Debug, Serialize)]
pub struct Proposed {
    /// `书记` | `副书记`.
    pub post: String,
    /// Person.
    pub person_id: i64,
    /// Name.
    pub name: String,
    /// The list's candidate for this place (the person replaced, when replaced).
    pub listed_id: i64,
    /// Whom they replace, by name, when the street replaced a candidate.
    pub replaces: Option<String>,
    /// The street's reason for the replacement.
    pub reason: Option<String>,
}

/// A candidate of the approved list.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Candidate {
    /// Person.
    pub person_id: i64,
    /// Name.
    pub name: String,
    /// Order on the list.
    pub position: i64,
    /// `书记` | `副书记` proposed, else none.
    pub leader_post: Option<String>,
    /// Order among the proposed.
    pub leader_order: Option<i64>,
}

/// The candidate list's people, in order.
pub async fn candidates(db: &Db, campaign_id: i64) -> AppResult<Vec<Candidate>> {
    Q::new(
        "select e.person_id, p.name, e.position, e.leader_post, e.leader_order from party_list_entries e join people p on p.id = e.person_id \
         where e.campaign_id = $1 and e.list = 'candidate' order by e.position, e.person_id",
    )
    .bind(campaign_id)
    .all(db)
    .await
}

#[derive(sqlx::FromRow)]
struct Replacement {
    post: String,
    replaced_person_id: i64,
    person_id: i64,
    name: String,
    reason: String,
}

/// The proposed 书记 then 副书记 in their order, with the street's replacements applied.
pub async fn slate(db: &Db, campaign_id: i64) -> AppResult<Vec<Proposed>> {
    let mut list = candidates(db, campaign_id).await?;
    list.retain(|c| c.leader_post.is_some());
    list.sort_by_key(|c| {
        (
            c.leader_post.as_deref() != Some("书记"),
            c.leader_order.unwrap_or(i64::MAX),
            c.position,
        )
    });
    let reps: Vec<Replacement> = Q::new(
        "select r.post, r.replaced_person_id, r.person_id, p.name, r.reason from party_replacements r join people p on p.id = r.person_id \
         where r.campaign_id = $1 order by r.id",
    )
    .bind(campaign_id)
    .all(db)
    .await?;
    Ok(list
        .into_iter()
        .map(|c| {
            let post = c.leader_post.clone().unwrap_or_default();
            match reps
                .iter()
                .find(|r| r.replaced_person_id == c.person_id && r.post == post)
            {
                Some(r) => Proposed {
                    post,
                    person_id: r.person_id,
                    name: r.name.clone(),
                    listed_id: c.person_id,
                    replaces: Some(c.name),
                    reason: Some(r.reason.clone()),
                },
                None => Proposed {
                    post,
                    person_id: c.person_id,
                    listed_id: c.person_id,
                    name: c.name,
                    replaces: None,
                    reason: None,
                },
            }
        })
        .collect())
}

/// An elected person's filing or approval (P-7).
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Approval {
    /// Person.
    pub person_id: i64,
    /// Name.
    pub name: String,
    /// `书记` | `副书记` | `委员`.
    pub post: String,
    /// `pending` | `filed` | `approved`.
    pub status: String,
    /// When decided.
    pub decided_at: Option<DateTime<Utc>>,
}

impl Approval {
    /// The status in words (待批准 until decided).
    pub fn status_label(&self) -> &'static str {
        crate::domain::party::ApprovalStatus::parse(&self.status).map_or("待批准", |s| s.label())
    }
    /// Still waiting for the street.
    pub fn pending(&self) -> bool {
        self.status == "pending"
    }
}

/// The campaign's P-7 rows: 书记, 副书记, then 委员.
pub async fn approvals(db: &Db, campaign_id: i64) -> AppResult<Vec<Approval>> {
    let mut list: Vec<Approval> = Q::new(
        "select a.person_id, p.name, a.post, a.status, a.decided_at from party_approvals a join people p on p.id = a.person_id \
         where a.campaign_id = $1 order by a.person_id",
    )
    .bind(campaign_id)
    .all(db)
    .await?;
    let rank = |p: &str| match p {
        "书记" => 0,
        "副书记" => 1,
        _ => 2,
    };
    list.sort_by_key(|a| rank(&a.post));
    Ok(list)
}
