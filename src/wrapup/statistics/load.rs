//! Reads a campaign's records into its [`CommunityStats`]: the residents' election once R-7 has
//! closed, the Party election once P-6 has closed, the elected committees (as C-6 lists them),
//! the outgoing committees (the community's registered incumbencies) — and the street's
//! campaigns of its campaign year. Every figure is counted from the records.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::{Db, Q};
use crate::domain::composition::{Seat, cross_appointment};
use crate::domain::party::Channel;
use crate::domain::statistics::{
    CommunityStats, Leadership, Makeup, Member, PARTY_POSTS, PartyVote, RESIDENTS_POSTS,
    ResidentsVote,
};
use crate::error::AppResult;
use crate::steps::Progress;

/// The P-1 channels' labels, the Party table's columns.
pub fn channels() -> Vec<&'static str> {
    Channel::ALL.iter().map(|c| c.label()).collect()
}

/// The campaign year's campaigns with their communities, by community code (the latest
/// campaign of a community when it has two).
pub async fn campaigns_of_year(db: &Db, year: i64) -> AppResult<Vec<(Campaign, Community)>> {
    let ids: Vec<(i64,)> =
        Q::new("select max(c.id) from campaigns c where c.year = $1 group by c.community_id")
            .bind(year)
            .all(db)
            .await?;
    let mut out = Vec::with_capacity(ids.len());
    for (id,) in ids {
        let c: Campaign = Q::new(format!(
            "select {} from campaigns where id = $1",
            crate::campaigns::COLS
        ))
        .bind(id)
        .one(db)
        .await?;
        if let Some(m) = crate::communities::by_id(db, c.community_id).await? {
            out.push((c, m));
        }
    }
    out.sort_by(|a, b| a.1.code.cmp(&b.1.code));
    Ok(out)
}

/// One campaign's statistics.
pub async fn community(db: &Db, c: &Campaign, m: &Community) -> AppResult<CommunityStats> {
    let progress = Progress::load(db, c.id).await?;
    let (party_seats, _) = crate::composition::party_elected(db, c.id).await?;
    let (res_seats, _) = crate::composition::residents_elected(db, c.id).await?;
    let at = c.reference_date;
    let party = members(db, &party_seats, "party").await?;
    let residents = members(db, &res_seats, "residents").await?;
    let x = cross_appointment(&party_seats, &res_seats);
    let (old_party, old_residents) = outgoing(db, m.id, at).await?;
    Ok(CommunityStats {
        code: m.code.clone(),
        name: m.name.clone(),
        campaign_id: c.id,
        residents_vote: if progress.closed("R-7") {
            Some(residents_vote(db, c.id).await?)
        } else {
            None
        },
        party_vote: if progress.closed("P-6") {
            Some(party_vote(db, c.id).await?)
        } else {
            None
        },
        party: Makeup::of(&party, &PARTY_POSTS, at),
        residents: Makeup::of(&residents, &RESIDENTS_POSTS, at),
        leadership: Leadership {
            secretary: x.secretary.clone(),
            director: x.director.clone(),
            one_shoulder: x.one_shoulder,
            cross: x.count,
            cross_share: x.share_percent,
        },
        old_party,
        old_residents,
    })
}

/// The statistics of every campaign of `year`, by community code.
pub async fn street(db: &Db, year: i64) -> AppResult<Vec<CommunityStats>> {
    let mut out = Vec::new();
    for (c, m) in campaigns_of_year(db, year).await? {
        out.push(community(db, &c, &m).await?);
    }
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    gender: String,
    birth_date: Option<NaiveDate>,
    education: Option<String>,
    party_status: String,
    incumbent: i64,
}

/// The members behind elected seats, with what the register holds of each; `committee` is the
/// incumbencies' committee that makes a member 连任.
async fn members(db: &Db, seats: &[Seat], committee: &str) -> AppResult<Vec<Member>> {
    let mut out = Vec::with_capacity(seats.len());
    for s in seats {
        let row: Option<PersonRow> = match s.person_id {
            Some(id) => Q::new(
                "select gender, birth_date, education, party_status, \
                 (select count(*) from incumbencies i where i.person_id = p.id and i.committee = $2) as incumbent \
                 from people p where p.id = $1",
            )
            .bind(id)
            .bind(committee)
            .optional(db)
            .await?,
            None => None,
        };
        out.push(match row {
            Some(r) => Member {
                name: s.name.clone(),
                posts: s.posts.clone(),
                gender: r.gender,
                birth: r.birth_date,
                education: r.education,
                party_member: matches!(r.party_status.as_str(), "full" | "probationary"),
                incumbent: r.incumbent > 0,
            },
            None => Member {
                name: s.name.clone(),
                posts: s.posts.clone(),
                gender: String::new(),
                birth: None,
                education: None,
                party_member: false,
                incumbent: false,
            },
        });
    }
    Ok(out)
}

#[derive(sqlx::FromRow)]
struct IncumbentRow {
    person_id: i64,
    name: String,
    committee: String,
    post: String,
}

/// The outgoing committees: the incumbencies registered for the community's people.
async fn outgoing(db: &Db, community_id: i64, at: NaiveDate) -> AppResult<(Makeup, Makeup)> {
    let rows: Vec<IncumbentRow> = Q::new(
        "select i.person_id, p.name, i.committee, i.post from incumbencies i join people p on p.id = i.person_id \
         where p.residence_community_id = $1 or p.hukou_community_id = $1 order by i.id",
    )
    .bind(community_id)
    .all(db)
    .await?;
    let mut seats: BTreeMap<&str, Vec<Seat>> = BTreeMap::new();
    for r in &rows {
        let list = seats.entry(r.committee.as_str()).or_default();
        match list.iter_mut().find(|s| s.person_id == Some(r.person_id)) {
            Some(s) => s.posts.push(r.post.clone()),
            None => list.push(Seat {
                person_id: Some(r.person_id),
                name: r.name.clone(),
                posts: vec![r.post.clone()],
            }),
        }
    }
    let mut party = members(db, seats.get("party").map_or(&[], |v| v), "").await?;
    let mut residents = members(db, seats.get("residents").map_or(&[], |v| v), "").await?;
    // The outgoing committee is the comparison, not a tenure: nobody is 连任 in it.
    for m in party.iter_mut().chain(residents.iter_mut()) {
        m.incumbent = false;
    }
    Ok((
        Makeup::of(&party, &PARTY_POSTS, at),
        Makeup::of(&residents, &RESIDENTS_POSTS, at),
    ))
}

async fn residents_vote(db: &Db, campaign_id: i64) -> AppResult<ResidentsVote> {
    let rules = crate::residents::r4_voters::mode::rules_of(db, campaign_id).await?;
    let registered: i64 =
        Q::new("select count(*) from resident_voters where campaign_id = $1 and removed = $2")
            .bind(campaign_id)
            .bind(false)
            .scalar(db)
            .await?;
    let channels: Vec<(String, i64)> = Q::new(
        "select channel, count(*) from resident_participations where campaign_id = $1 group by channel",
    )
    .bind(campaign_id)
    .all(db)
    .await?;
    let by = |ch: &str| {
        channels
            .iter()
            .find(|(c, _)| c == ch)
            .map_or(0, |(_, n)| *n as u32)
    };
    let candidates = crate::residents::r5_nominees::read::official(db, campaign_id)
        .await?
        .len() as u32;
    let elected: Vec<(String, i64)> =
        Q::new("select post, count(*) from resident_elected where campaign_id = $1 group by post")
            .bind(campaign_id)
            .all(db)
            .await?;
    let first: Option<(Option<i64>,)> =
        Q::new("select vote_id from resident_elections where campaign_id = $1")
            .bind(campaign_id)
            .optional(db)
            .await?;
    let mut rounds = 0u32;
    let mut next = first.and_then(|(v,)| v);
    while let Some(id) = next.filter(|_| rounds < 50) {
        rounds += 1;
        let f: Option<(i64,)> = Q::new("select id from votes where follows_id = $1 order by id")
            .bind(id)
            .optional(db)
            .await?;
        next = f.map(|(v,)| v);
    }
    Ok(ResidentsVote {
        mode: rules.mode.label().to_string(),
        registered: registered as u32,
        in_person: by("station"),
        by_proxy: by("proxy"),
        mobile: by("mobile_box"),
        candidates,
        elected: RESIDENTS_POSTS
            .iter()
            .map(|p| {
                let n = elected
                    .iter()
                    .filter(|(q, _)| crate::domain::rules::value_label(q) == *p)
                    .map(|(_, n)| *n as u32)
                    .sum();
                (p.to_string(), n)
            })
            .collect(),
        rounds,
    })
}

async fn party_vote(db: &Db, campaign_id: i64) -> AppResult<PartyVote> {
    let due: i64 =
        Q::new("select count(*) from party_roll where campaign_id = $1 and exclusion is null")
            .bind(campaign_id)
            .scalar(db)
            .await?;
    let present: i64 = Q::new(
        "select count(*) from party_roll where campaign_id = $1 and exclusion is null and checked_in_at is not null",
    )
    .bind(campaign_id)
    .scalar(db)
    .await?;
    let by: Vec<(String, i64)> = Q::new(
        "select channel, count(distinct person_id) from party_nominations where campaign_id = $1 group by channel",
    )
    .bind(campaign_id)
    .all(db)
    .await?;
    let nominees: i64 =
        Q::new("select count(distinct person_id) from party_nominations where campaign_id = $1")
            .bind(campaign_id)
            .scalar(db)
            .await?;
    let p3: Option<(i64,)> = Q::new(
        "select committee_member + party_representative + resident_representative + unit_representative \
         + party_congress_deputy + npc_deputy + cppcc_member from party_recommend_meetings where campaign_id = $1",
    )
    .bind(campaign_id)
    .optional(db)
    .await?;
    Ok(PartyVote {
        due: due as u32,
        present: present as u32,
        nominees_by_channel: Channel::ALL
            .iter()
            .map(|c| {
                let n = by
                    .iter()
                    .filter(|(q, _)| Channel::parse(q) == Some(*c))
                    .map(|(_, n)| *n as u32)
                    .sum();
                (c.label().to_string(), n)
            })
            .collect(),
        nominees: nominees as u32,
        p3_participants: p3.map_or(0, |(n,)| n as u32),
    })
}
