//! P-3 全额定向民主推荐, reading: the step gate, the meeting with its participant checks, the
//! passed nominees with their introductions, and the summary of the recommendation votes per
//! nominee per post (from the forms through `tally_forms`, or from the entered totals).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::db::{Db, Q};
use crate::domain::party::{
    self, ParticipantCategory, Participants, Post, RecommendationForm, Seats, tally_forms,
};
use crate::domain::rules::CheckRecord;
use crate::error::AppResult;
use crate::party::store;

/// The rule-check subject of a campaign's recommendation meeting (P-3).
pub const MEETING_SUBJECT: &str = "party_recommendation";

/// The recommendation meeting: its date and participants by category.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Meeting {
    /// Campaign.
    pub campaign_id: i64,
    /// Date of the meeting.
    pub meeting_date: NaiveDate,
    /// 社区党组织委员会成员.
    pub committee_member: i64,
    /// 党员代表.
    pub party_representative: i64,
    /// 居民代表.
    pub resident_representative: i64,
    /// 驻区单位代表.
    pub unit_representative: i64,
    /// 党代表.
    pub party_congress_deputy: i64,
    /// 人大代表.
    pub npc_deputy: i64,
    /// 政协委员.
    pub cppcc_member: i64,
}

impl Meeting {
    /// The count of one category.
    pub fn count(&self, c: ParticipantCategory) -> i64 {
        use ParticipantCategory::*;
        match c {
            CommitteeMember => self.committee_member,
            PartyRepresentative => self.party_representative,
            ResidentRepresentative => self.resident_representative,
            UnitRepresentative => self.unit_representative,
            PartyCongressDeputy => self.party_congress_deputy,
            NpcDeputy => self.npc_deputy,
            CppccMember => self.cppcc_member,
        }
    }

    /// The participants as the rules count them.
    pub fn participants(&self) -> Participants {
        ParticipantCategory::ALL
            .into_iter()
            .map(|c| (c, u32::try_from(self.count(c)).unwrap_or(0)))
            .collect()
    }
}

/// A nominee who passed P-2's review, with the posts passed for and their introduction.
#[derive(Clone, Debug, Serialize)]
pub struct Nominee {
    /// A passed nomination of theirs (the path's `{nid}` for the introduction).
    pub nid: i64,
    /// The person: the nominee's id on forms and totals.
    pub person_id: i64,
    /// Name.
    pub name: String,
    /// Posts of the passed nominations (书记 …).
    pub posts: Vec<String>,
    /// The written introduction and speech, once entered.
    pub introduction: Option<Introduction>,
}

/// A nominee's written introduction.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Introduction {
    /// Nominee.
    pub person_id: i64,
    /// The text (at most 1500 characters).
    pub text: String,
    /// Whether the nominee gave the speech.
    pub speech_given: bool,
}

impl Introduction {
    /// Its length in characters.
    pub fn chars(&self) -> usize {
        self.text.chars().count()
    }
}

/// Whether P-2 is done.
pub async fn p2_done(db: &Db, campaign_id: i64) -> AppResult<bool> {
    store::step_done(db, campaign_id, "P-2").await
}

/// P-3 is open when P-2 is done or the street opened it with a reason.
pub async fn p3_open(db: &Db, campaign_id: i64) -> AppResult<bool> {
    crate::steps::started(db, campaign_id, "P-3").await
}

/// The meeting, if recorded.
pub async fn meeting(db: &Db, campaign_id: i64) -> AppResult<Option<Meeting>> {
    Q::new(
        "select campaign_id, meeting_date, committee_member, party_representative, resident_representative, unit_representative, \
         party_congress_deputy, npc_deputy, cppcc_member from party_recommend_meetings where campaign_id = $1",
    )
    .bind(campaign_id)
    .optional(db)
    .await
}

/// The meeting's stored P-3 checks (participants, share), with their ids.
pub async fn meeting_checks(db: &Db, campaign_id: i64) -> AppResult<Vec<(i64, CheckRecord)>> {
    crate::checks::of(db, MEETING_SUBJECT, campaign_id).await
}

/// The committee's seats per post, once the size is set.
pub async fn seats(db: &Db, campaign_id: i64) -> AppResult<Option<Seats>> {
    Ok(store::size(db, campaign_id).await?.map(|s| Seats {
        deputies: u32::try_from(s.deputies).unwrap_or(0),
        members: u32::try_from(s.members).unwrap_or(0),
    }))
}

/// The passed nominees (one entry per person), with their introductions.
pub async fn nominees(db: &Db, campaign_id: i64) -> AppResult<Vec<Nominee>> {
    let intros: Vec<Introduction> = Q::new(
        "select person_id, text, speech_given from party_introductions where campaign_id = $1",
    )
    .bind(campaign_id)
    .all(db)
    .await?;
    let mut out: Vec<Nominee> = Vec::new();
    for n in store::nominations(db, campaign_id).await? {
        if n.decision.as_deref() != Some("passed") {
            continue;
        }
        match out.iter_mut().find(|x| x.person_id == n.person_id) {
            Some(x) if !x.posts.contains(&n.post) => x.posts.push(n.post),
            Some(_) => {}
            None => out.push(Nominee {
                nid: n.id,
                person_id: n.person_id,
                name: n.name,
                posts: vec![n.post],
                introduction: intros.iter().find(|i| i.person_id == n.person_id).cloned(),
            }),
        }
    }
    Ok(out)
}

/// The stored forms, in the order entered: (id, marks).
pub async fn forms(db: &Db, campaign_id: i64) -> AppResult<Vec<(i64, RecommendationForm<i64>)>> {
    let rows: Vec<(i64, String)> =
        Q::new("select id, marks from party_recommend_forms where campaign_id = $1 order by id")
            .bind(campaign_id)
            .all(db)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(id, m)| (id, serde_json::from_str(&m).unwrap_or_default()))
        .collect())
}

/// The entered totals: (person, post id, votes).
pub async fn totals(db: &Db, campaign_id: i64) -> AppResult<Vec<(i64, String, i64)>> {
    Q::new("select person_id, post, votes from party_recommend_totals where campaign_id = $1 order by person_id, post")
        .bind(campaign_id)
        .all(db)
        .await
}

/// One nominee's recommendation votes for one post.
#[derive(Clone, Debug, Serialize)]
pub struct SummaryRow {
    /// Nominee.
    pub person_id: i64,
    /// Name.
    pub name: String,
    /// Recommendation votes.
    pub votes: u32,
    /// Share of the participants, e.g. "62.5%" (truncated).
    pub share: String,
}

/// One post of the summary.
#[derive(Clone, Debug, Serialize)]
pub struct PostSummary {
    /// Post id (`secretary` …).
    pub post: String,
    /// Label (书记 …).
    pub label: String,
    /// Seats of the post.
    pub seats: u32,
    /// Every passed nominee, most votes first.
    pub rows: Vec<SummaryRow>,
}

/// The summary of the recommendation.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// Participants of the meeting (the base of the shares).
    pub participants: u32,
    /// `forms`, `totals` or `none`: where the votes come from.
    pub source: String,
    /// Forms counted.
    pub valid_forms: u32,
    /// Forms over the seats of some post, not counted.
    pub invalid_forms: u32,
    /// Per post.
    pub posts: Vec<PostSummary>,
}

/// Computes the summary: per post, each passed nominee's votes and share of participants.
pub async fn summary(db: &Db, campaign_id: i64) -> AppResult<Summary> {
    let participants = meeting(db, campaign_id)
        .await?
        .map(|m| m.participants().total())
        .unwrap_or(0);
    let seats = seats(db, campaign_id).await?.unwrap_or(Seats {
        deputies: 0,
        members: 0,
    });
    let people = nominees(db, campaign_id).await?;
    let forms: Vec<RecommendationForm<i64>> = forms(db, campaign_id)
        .await?
        .into_iter()
        .map(|(_, f)| f)
        .collect();
    let mut votes: BTreeMap<(Post, i64), u32> = BTreeMap::new();
    let (source, valid_forms, invalid_forms) = if !forms.is_empty() {
        let t = tally_forms(&forms, seats, participants);
        for (post, rows) in t.posts {
            for r in rows {
                votes.insert((post, r.nominee), r.votes);
            }
        }
        ("forms", t.valid_forms, t.invalid_forms)
    } else {
        let rows = totals(db, campaign_id).await?;
        for (person, post, v) in &rows {
            if let Some(p) = Post::parse(post) {
                votes.insert((p, *person), u32::try_from(*v).unwrap_or(0));
            }
        }
        (if rows.is_empty() { "none" } else { "totals" }, 0, 0)
    };
    let posts = Post::ALL
        .into_iter()
        .map(|post| {
            let mut rows: Vec<SummaryRow> = people
                .iter()
                .map(|n| {
                    let v = votes.get(&(post, n.person_id)).copied().unwrap_or(0);
                    SummaryRow {
                        person_id: n.person_id,
                        name: n.name.clone(),
                        votes: v,
                        share: party::percent_text(v, participants),
                    }
                })
                .collect();
            rows.sort_by_key(|r| std::cmp::Reverse(r.votes));
            PostSummary {
                post: post.as_str().into(),
                label: post.label().into(),
                seats: seats.of(post),
                rows,
            }
        })
        .collect();
    Ok(Summary {
        participants,
        source: source.into(),
        valid_forms,
        invalid_forms,
        posts,
    })
}
