//! W-2's reads: the elected members of both new committees with their division of work, the
//! residents' committee's subcommittees and its two groups with their members, the work plan,
//! and what still blocks closing.

use serde::Serialize;

use crate::db::{Db, Q};
use crate::error::AppResult;

/// The two committees: stored code and label.
pub const COMMITTEES: [(&str, &str); 2] = [("party", "党组织委员会"), ("residents", "居民委员会")];

/// A committee's label.
pub fn committee_label(code: &str) -> &'static str {
    COMMITTEES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("其他", |(_, l)| *l)
}

/// The kinds of body: stored code and label (a subcommittee's own name is its label).
pub const FINANCE: &str = "finance";
/// The 居务公开小组.
pub const DISCLOSURE: &str = "disclosure";
/// A subcommittee of the residents' committee.
pub const SUBCOMMITTEE: &str = "subcommittee";

/// A group's fixed name.
pub fn group_name(kind: &str) -> &'static str {
    match kind {
        FINANCE => "民主理财小组",
        DISCLOSURE => "居务公开小组",
        _ => "下属委员会",
    }
}

/// One elected member of a committee with the division of work recorded for them.
#[derive(Clone, Debug, Serialize)]
pub struct Member {
    /// `party` or `residents`.
    pub committee: &'static str,
    /// The committee's label.
    pub committee_label: &'static str,
    /// Name.
    pub name: String,
    /// The person, when known.
    pub person_id: Option<i64>,
    /// The posts held (书记, 委员 …).
    pub posts: String,
    /// 分工 (empty while not recorded).
    pub duty: String,
}

/// The elected members of both committees (the Party's as listed for P-7, the residents' as
/// elected in ), with their 分工.
pub async fn members(db: &Db, campaign_id: i64) -> AppResult<Vec<Member>> {
    let duties: Vec<(String, String, String)> =
        Q::new("select committee, name, duty from wrapup_duties where campaign_id = $1")
            .bind(campaign_id)
            .all(db)
            .await?;
    let (party, _) = crate::composition::party_elected(db, campaign_id).await?;
    let (residents, _) = crate::composition::residents_elected(db, campaign_id).await?;
    let mut out = Vec::new();
    for (committee, seats) in [("party", party), ("residents", residents)] {
        for s in seats {
            let duty = duties
                .iter()
                .find(|(c, n, _)| c == committee && *n == s.name)
                .map(|(_, _, d)| d.clone())
                .unwrap_or_default();
            out.push(Member {
                committee,
                committee_label: committee_label(committee),
                posts: s.posts.join("、"),
                person_id: s.person_id,
                name: s.name,
                duty,
            });
        }
    }
    Ok(out)
}

/// The names of the elected residents' committee.
pub async fn residents_committee(db: &Db, campaign_id: i64) -> AppResult<Vec<String>> {
    let (seats, _) = crate::composition::residents_elected(db, campaign_id).await?;
    Ok(seats.into_iter().map(|s| s.name).collect())
}

/// A body's member.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct BodyMember {
    /// Name.
    pub name: String,
    /// Its head (主任, 组长).
    pub head: bool,
}

/// A subcommittee or one of the two groups, with its members in order.
#[derive(Clone, Debug, Serialize)]
pub struct Body {
    /// Id.
    pub id: i64,
    /// `subcommittee`, `finance` or `disclosure`.
    pub kind: String,
    /// Its name.
    pub name: String,
    /// Members, the head marked.
    pub members: Vec<BodyMember>,
}

impl Body {
    /// The members in words: `张三（主任）、李四`.
    pub fn names(&self) -> String {
        self.members
            .iter()
            .map(|m| {
                if m.head {
                    format!("{}（负责人）", m.name)
                } else {
                    m.name.clone()
                }
            })
            .collect::<Vec<_>>()
            .join("、")
    }
    /// The members' names, as the form's field holds them.
    pub fn plain(&self) -> String {
        self.members
            .iter()
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }
    /// The head's name (empty when none is marked).
    pub fn head(&self) -> &str {
        self.members
            .iter()
            .find(|m| m.head)
            .map_or("", |m| m.name.as_str())
    }
}

/// The campaign's bodies: subcommittees first (as added), then the two groups.
pub async fn bodies(db: &Db, campaign_id: i64) -> AppResult<Vec<Body>> {
    let rows: Vec<(i64, String, String)> = Q::new(
        "select id, kind, name from wrapup_bodies where campaign_id = $1 order by case kind when 'subcommittee' then 0 when 'finance' then 1 else 2 end, id",
    )
    .bind(campaign_id)
    .all(db)
    .await?;
    let members: Vec<(i64, String, bool)> = Q::new(
        "select m.body_id, m.name, m.head from wrapup_body_members m join wrapup_bodies b on b.id = m.body_id \
         where b.campaign_id = $1 order by m.body_id, m.position, m.id",
    )
    .bind(campaign_id)
    .all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, kind, name)| Body {
            members: members
                .iter()
                .filter(|m| m.0 == id)
                .map(|(_, name, head)| BodyMember {
                    name: name.clone(),
                    head: *head,
                })
                .collect(),
            id,
            kind,
            name,
        })
        .collect())
}

/// The work plan (empty while none is recorded).
pub async fn plan(db: &Db, campaign_id: i64) -> AppResult<String> {
    let row: Option<(String,)> = Q::new("select plan from wrapup_plans where campaign_id = $1")
        .bind(campaign_id)
        .optional(db)
        .await?;
    Ok(row.map(|(p,)| p).unwrap_or_default())
}

/// What W-2 still lacks, one Chinese sentence each (empty: it may close).
pub async fn blockers(db: &Db, campaign_id: i64) -> AppResult<Vec<String>> {
    let mut out = Vec::new();
    let members = members(db, campaign_id).await?;
    if members.is_empty() {
        out.push("尚无当选的委员会成员".to_owned());
    }
    for (code, label) in COMMITTEES {
        let missing: Vec<&str> = members
            .iter()
            .filter(|m| m.committee == code && m.duty.is_empty())
            .map(|m| m.name.as_str())
            .collect();
        if !missing.is_empty() {
            out.push(format!(
                "{label}尚有 {} 人未确定分工：{}",
                missing.len(),
                missing.join("、")
            ));
        }
    }
    let bodies = bodies(db, campaign_id).await?;
    let with = |kind: &str| {
        bodies
            .iter()
            .any(|b| b.kind == kind && !b.members.is_empty())
    };
    if !with(SUBCOMMITTEE) {
        out.push("尚未登记有成员的下属委员会".to_owned());
    }
    for kind in [FINANCE, DISCLOSURE] {
        if !with(kind) {
            out.push(format!("尚未登记{}成员", group_name(kind)));
        }
    }
    Ok(out)
}
