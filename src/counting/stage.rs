//! A stage of an election as the counting room ran it (the Party's P-6 votes, the residents'
//! R-7 vote): the chain of rounds starting at the first vote (each follow-up round `follows`
//! the one before: tie re-votes, 另行选举, re-runs of a void round), who each certified round
//! elected, and whether the stage is complete.

use serde::Serialize;

use super::{Vote, load_vote};
use crate::db::{Db, Q};
use crate::domain::counting::VoteState;
use crate::domain::tally::{PostResult, Status, TallyResult};
use crate::error::AppResult;

/// One person elected in a certified round.
#[derive(Clone, Debug, Serialize)]
pub struct Elected {
    /// The post (`委员`, `书记`, `副书记`).
    pub post: String,
    /// Name as on the ballot.
    pub name: String,
    /// The person, when the candidate was given as one (write-ins are matched by name).
    pub person_id: Option<i64>,
    /// `for` votes in the round that elected them.
    pub votes: u64,
    /// Voters present in that round.
    pub present: i64,
    /// The votes needed to be elected in that round (the tally's threshold, from the settings
    /// the vote was created with).
    pub threshold: u64,
    /// The round (vote) that elected them.
    pub vote_id: i64,
}

/// One round of the chain, as the page shows it.
#[derive(Clone, Debug, Serialize)]
pub struct Round {
    /// Vote id (link to `/votes/{id}`).
    pub id: i64,
    /// Title.
    pub title: String,
    /// The round's kind in words.
    pub round: &'static str,
    /// The vote's state in words.
    pub state: &'static str,
    /// Certified.
    pub certified: bool,
    /// Names elected in it (certified rounds only).
    pub elected: Vec<String>,
}

/// A stage (委员, or 书记/副书记): its rounds, the elected and where it stands.
#[derive(Clone, Debug, Serialize)]
pub struct Stage {
    /// Rounds in order.
    pub rounds: Vec<Round>,
    /// The elected of every certified round.
    pub elected: Vec<Elected>,
    /// The last round is certified and needs no further round.
    pub complete: bool,
    /// The last round left seats unfilled (no tie): a further election, or fewer seats.
    pub short: bool,
    /// The last round is certified and the counting room's "next" action can create a
    /// follow-up round from it (a tie re-vote, 另行选举, or the re-run of a void round).
    pub further: bool,
    /// Where it stands, in words.
    pub status: String,
}

impl Stage {
    /// The elected of a post.
    pub fn of_post(&self, post: &str) -> Vec<&Elected> {
        self.elected.iter().filter(|e| e.post == post).collect()
    }
}

fn result_of(v: &Vote) -> Option<TallyResult> {
    v.result
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
}

/// The rounds of the chain starting at `first`, in order.
pub async fn chain(db: &Db, first: i64) -> AppResult<Vec<Vote>> {
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

/// The stage of the chain starting at `first`; `reduced_after` is the round after which the
/// seats were reduced instead of a further election (that round then ends the stage), and
/// `reducible` the post whose seats the electors may agree to reduce (the Party's 委员).
pub async fn stage(
    db: &Db,
    first: i64,
    reduced_after: Option<i64>,
    reducible: Option<&str>,
) -> AppResult<Stage> {
    let votes = chain(db, first).await?;
    let mut elected = Vec::new();
    let mut rounds = Vec::new();
    for v in &votes {
        let certified = v.state() == VoteState::Certified;
        let mut names = Vec::new();
        if let Some(r) = result_of(v).filter(|r| certified && r.valid) {
            let people: Vec<_> = v.posts();
            for p in &r.posts {
                let map = people.iter().find(|d| d.post == p.post);
                for c in p.candidates.iter().filter(|c| c.status == Status::Elected) {
                    names.push(c.name.clone());
                    elected.push(Elected {
                        post: p.post.clone(),
                        name: c.name.clone(),
                        person_id: map.and_then(|d| d.people.get(&c.name).copied()),
                        votes: c.votes,
                        present: v.present.unwrap_or(0),
                        threshold: p.threshold,
                        vote_id: v.id,
                    });
                }
            }
        }
        rounds.push(Round {
            id: v.id,
            title: v.title.clone(),
            round: v.round_label(),
            state: v.state().label(),
            certified,
            elected: names,
        });
    }
    let last = votes.last().expect("a chain has its first vote");
    let mut short = false;
    let mut further = false;
    let (complete, status) = if last.state() != VoteState::Certified {
        (
            false,
            format!("“{}”{}，尚未确认结果。", last.title, last.state().label()),
        )
    } else {
        match result_of(last) {
            Some(r) if !r.valid => {
                further = true;
                (
                    false,
                    format!(
                        "“{}”投票无效，须在计票室安排重新投票（下一轮）。",
                        last.title
                    ),
                )
            }
            Some(r) => match r
                .posts
                .iter()
                .find(|p| p.next_round.is_some() || p.unfilled > 0)
            {
                Some(p) if p.tie.is_empty() && reduced_after == Some(last.id) => (
                    true,
                    format!(
                        "已完成：{}未选足，经选举人同意减少名额，不再另行选举。",
                        p.post
                    ),
                ),
                Some(p) => {
                    short = p.tie.is_empty();
                    further = r.posts.iter().any(|p| p.next_round.is_some());
                    (false, follow_up(&last.title, p, reducible))
                }
                None => (true, "已完成。".to_string()),
            },
            None => (false, format!("“{}”没有计票结果。", last.title)),
        }
    };
    Ok(Stage {
        rounds,
        elected,
        complete,
        short,
        further,
        status,
    })
}

/// What a post of the last round still needs, in words.
fn follow_up(title: &str, p: &PostResult, reducible: Option<&str>) -> String {
    match &p.next_round {
        Some(n) => format!(
            "“{title}”的{}须{}：应选 {} 名，候选人 {}；请在计票室安排下一轮。",
            p.post,
            if p.tie.is_empty() {
                "另行选举"
            } else {
                "再次投票"
            },
            n.seats,
            n.candidates.join("、")
        ),
        None => format!(
            "“{title}”的{}未选足（缺 {} 名），没有自动产生的下一轮：须另行提名候选人，在计票室创建接续本轮的投票{}。",
            p.post,
            p.unfilled,
            if reducible == Some(p.post.as_str()) {
                "，或经选举人同意减少名额"
            } else {
                ""
            }
        ),
    }
}

/// Fills in the person of elected write-ins by their unique name among `people`.
pub fn resolve(stage: &mut Stage, people: &[(i64, String)]) {
    for e in stage.elected.iter_mut().filter(|e| e.person_id.is_none()) {
        let mut hits = people.iter().filter(|(_, n)| *n == e.name);
        if let (Some((id, _)), None) = (hits.next(), hits.next()) {
            e.person_id = Some(*id);
        }
    }
}
