//! R-8 reads: the election meeting's rounds (the first vote and those following it through
//! `votes.follows_id`) with their ballots and certified tallies, the elected with their
//! certificate numbers (filled when R-7 closes), every other candidate's votes, and the
//! publication and filing record.

use chrono::NaiveDate;
use serde::Serialize;

use crate::counting::{Vote, load_vote};
use crate::db::{Db, Q};
use crate::domain::counting::VoteState;
use crate::domain::residents::Post;
use crate::domain::tally::{Status, TallyResult};
use crate::error::AppResult;

/// One candidate's line in a round's post.
#[derive(Clone, Debug, Serialize)]
pub struct Line {
    /// Name as on the ballot.
    pub name: String,
    /// `for` votes.
    pub votes: u64,
    /// Elected in this round.
    pub elected: bool,
    /// Written in (另选他人).
    pub write_in: bool,
}

/// One post of a round.
#[derive(Clone, Debug, Serialize)]
pub struct PostLines {
    /// 主任 | 副主任 | 委员.
    pub post: String,
    /// Seats to fill in this round.
    pub seats: u64,
    /// Everyone counted, by votes.
    pub lines: Vec<Line>,
}

/// One round of the election (a vote of the counting room).
#[derive(Clone, Debug, Serialize)]
pub struct Round {
    /// Vote id.
    pub vote_id: i64,
    /// Title.
    pub title: String,
    /// 第一轮 | 得票相等再次投票 | 另行选举.
    pub round: &'static str,
    /// The vote's state in words.
    pub state: &'static str,
    /// Certified (its tally is final).
    pub certified: bool,
    /// Whether the round was valid (quorum and box check); `None` before certification.
    pub valid: Option<bool>,
    /// The electorate of the round.
    pub electorate: i64,
    /// Voters present (参加投票).
    pub present: i64,
    /// Ballots issued (发出).
    pub issued: i64,
    /// Ballots cast (收回).
    pub cast: u64,
    /// Valid ballots.
    pub valid_ballots: u64,
    /// Invalid ballots.
    pub invalid_ballots: u64,
    /// Per post (certified rounds only).
    pub posts: Vec<PostLines>,
}

/// An elected member with the election certificate's number.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Elected {
    /// Row id (the certificate's id).
    pub id: i64,
    /// The round that elected them.
    pub vote_id: i64,
    /// director | deputy | member.
    pub post: String,
    /// Name.
    pub name: String,
    /// The person, when known.
    pub person_id: Option<i64>,
    /// Votes received.
    pub votes: i64,
    /// 当选证书 number.
    pub certificate_no: String,
}

impl Elected {
    /// The post's label (主任, 副主任, 委员).
    pub fn post_label(&self) -> &str {
        Post::parse(&self.post).map_or(self.post.as_str(), |p| p.label())
    }
}

/// A candidate who was not elected, with the votes of each round they stood in.
#[derive(Clone, Debug, Serialize)]
pub struct Other {
    /// The post's label.
    pub post: String,
    /// Name.
    pub name: String,
    /// Votes.
    pub votes: u64,
    /// The round's kind in words.
    pub round: &'static str,
}

/// The publication and filing record (resident_results).
#[derive(Clone, Debug, Default, Serialize, sqlx::FromRow)]
pub struct Filing {
    /// 选举结果公告 published on.
    pub published_on: Option<NaiveDate>,
    /// Reported to the street leading group on.
    pub reported_street_on: Option<NaiveDate>,
    /// Reported to the district civil affairs bureau on.
    pub reported_civil_affairs_on: Option<NaiveDate>,
    /// 备案 number.
    pub filing_no: String,
}

impl Filing {
    /// Where the filing stands, in words.
    pub fn status(&self) -> String {
        let d = |o: Option<NaiveDate>| o.map_or("未报".to_string(), |d| format!("{d} 已报"));
        format!(
            "选举结果公告：{}；报街道社区“两委”换届选举工作领导小组：{}；报区民政局备案：{}{}",
            self.published_on
                .map_or("未公布".to_string(), |d| format!("{d} 已公布")),
            d(self.reported_street_on),
            d(self.reported_civil_affairs_on),
            if self.filing_no.is_empty() {
                String::new()
            } else {
                format!("（备案号 {}）", self.filing_no)
            }
        )
    }
}

/// The whole result of a campaign's election.
#[derive(Clone, Debug, Serialize)]
pub struct ResultView {
    /// The election meeting, once R-7 created it.
    pub meeting_id: Option<i64>,
    /// Rounds in order.
    pub rounds: Vec<Round>,
    /// The elected (主任, 副主任, 委员), with certificate numbers.
    pub elected: Vec<Elected>,
    /// Every other candidate's votes.
    pub others: Vec<Other>,
    /// Publication and filing.
    pub filing: Filing,
    /// R-8 marked done.
    pub done: bool,
}

fn result_of(v: &Vote) -> Option<TallyResult> {
    v.result
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
}

/// The rounds starting at `first`, in order (each follows the one before).
async fn chain(db: &Db, first: i64) -> AppResult<Vec<Vote>> {
    let mut out = vec![load_vote(db, first).await?];
    while out.len() < 50 {
        let last = out.last().map_or(first, |v| v.id);
        let next: Option<(i64,)> = Q::new("select id from votes where follows_id = $1 order by id")
            .bind(last)
            .optional(db)
            .await?;
        match next {
            Some((id,)) => out.push(load_vote(db, id).await?),
            None => break,
        }
    }
    Ok(out)
}

fn round_of(v: &Vote) -> Round {
    let certified = v.state() == VoteState::Certified;
    let r = result_of(v).filter(|_| certified);
    let posts = r
        .as_ref()
        .map(|r| {
            r.posts
                .iter()
                .map(|p| PostLines {
                    post: p.post.clone(),
                    seats: p.seats,
                    lines: p
                        .candidates
                        .iter()
                        .map(|c| Line {
                            name: c.name.clone(),
                            votes: c.votes,
                            elected: c.status == Status::Elected,
                            write_in: c.write_in,
                        })
                        .collect(),
                })
                .collect()
        })
        .unwrap_or_default();
    Round {
        vote_id: v.id,
        title: v.title.clone(),
        round: v.round_label(),
        state: v.state().label(),
        certified,
        valid: r.as_ref().map(|r| r.valid),
        electorate: v.electorate,
        present: v.present.unwrap_or(0),
        issued: v.ballots_issued.or(v.present).unwrap_or(0),
        cast: r
            .as_ref()
            .map_or(v.ballots_collected.unwrap_or(0) as u64, |r| {
                r.ballots.collected
            }),
        valid_ballots: r.as_ref().map_or(0, |r| r.ballots.valid),
        invalid_ballots: r.as_ref().map_or(0, |r| r.ballots.invalid),
        posts,
    }
}

/// The elected of the campaign in post order (主任, 副主任, 委员), then by votes.
pub async fn elected(db: &Db, campaign_id: i64) -> AppResult<Vec<Elected>> {
    let mut rows: Vec<Elected> = Q::new(
        "select id, vote_id, post, name, person_id, votes, certificate_no from resident_elected \
         where campaign_id = $1 order by id",
    )
    .bind(campaign_id)
    .all(db)
    .await?;
    let rank = |e: &Elected| {
        Post::ALL
            .iter()
            .position(|p| Some(*p) == Post::parse(&e.post))
            .unwrap_or(9)
    };
    rows.sort_by_key(|e| (rank(e), -e.votes, e.id));
    Ok(rows)
}

/// The filing record (empty when nothing is recorded yet).
pub async fn filing(db: &Db, campaign_id: i64) -> AppResult<Filing> {
    let row: Option<Filing> = Q::new(
        "select published_on, reported_street_on, reported_civil_affairs_on, filing_no \
         from resident_results where campaign_id = $1",
    )
    .bind(campaign_id)
    .optional(db)
    .await?;
    Ok(row.unwrap_or_default())
}

/// The result of the campaign's election: rounds, elected, others, filing.
pub async fn result(db: &Db, campaign_id: i64) -> AppResult<ResultView> {
    let election: Option<(i64, Option<i64>)> =
        Q::new("select meeting_id, vote_id from resident_elections where campaign_id = $1")
            .bind(campaign_id)
            .optional(db)
            .await?;
    let rounds = match election.and_then(|(_, v)| v) {
        Some(first) => chain(db, first).await?.iter().map(round_of).collect(),
        None => Vec::new(),
    };
    let elected = elected(db, campaign_id).await?;
    let mut others = Vec::new();
    for r in rounds.iter().filter(|r| r.valid == Some(true)) {
        for p in &r.posts {
            for l in &p.lines {
                if !elected.iter().any(|e| e.name == l.name) {
                    others.push(Other {
                        post: p.post.clone(),
                        name: l.name.clone(),
                        votes: l.votes,
                        round: r.round,
                    });
                }
            }
        }
    }
    Ok(ResultView {
        meeting_id: election.map(|(m, _)| m),
        rounds,
        elected,
        others,
        filing: filing(db, campaign_id).await?,
        done: crate::residents::store::step_done(db, campaign_id, "R-8").await?,
    })
}
