//! a seat left vacant when the residents' election committee does not confirm an elected
//! write-in who is not a registered voter. The person is not elected; the seat stays vacant
//! (shown with the reason) until a further round (另行选举) for its post follows the round
//! that elected them, and R-7 cannot close before. The counting room's "next" derives rounds
//! from the tally only (it sees the seat as filled), so the election page creates that round:
//! candidates by the tally engine's further-election rule, following the last certified round.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;
use serde_json::json;

use crate::audit;
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::counting::stage::{self, Stage};
use crate::counting::{CandidateInput, PostInput, Vote, create_follow_up};
use crate::db::Db;
use crate::domain::counting::VoteState;
use crate::domain::tally::{Preset, TallyResult, further_candidates};
use crate::error::{AppError, AppResult};
use crate::residents::r7_election::read::{self as read, Election};
use crate::residents::setup::require_open;
use crate::state::AppState;

/// A seat left vacant by an unconfirmed write-in.
#[derive(Clone, Debug, Serialize)]
pub struct Vacancy {
    /// The round that elected them.
    pub vote_id: i64,
    /// The post.
    pub post: String,
    /// The name written in.
    pub name: String,
    /// The election committee's reason.
    pub reason: String,
    /// No later round for the post yet: a further election is still due.
    pub open: bool,
}

impl Vacancy {
    /// The vacancy in words.
    pub fn text(&self) -> String {
        format!(
            "{}空缺 1 名：{}经居民选举委员会决定不予确认当选（{}）{}",
            self.post,
            self.name,
            self.reason,
            if self.open {
                "，须另行选举。"
            } else {
                "，已安排另行选举。"
            }
        )
    }
}

/// The vacancies of the election's rounds.
pub async fn vacancies(db: &Db, e: &Election) -> AppResult<Vec<Vacancy>> {
    let Some(first) = e.vote_id else {
        return Ok(Vec::new());
    };
    let chain = stage::chain(db, first).await?;
    let flags = read::flags(db, e).await?;
    Ok(flags
        .into_iter()
        .filter_map(|f| {
            let (false, reason) = f.decision? else {
                return None;
            };
            let at = chain.iter().position(|v| v.id == f.vote_id)?;
            let open = !chain[at + 1..]
                .iter()
                .any(|v| v.posts().iter().any(|p| p.post == f.post));
            Some(Vacancy {
                vote_id: f.vote_id,
                post: f.post,
                name: f.name,
                reason,
                open,
            })
        })
        .collect())
}

/// Takes the unconfirmed out of the stage's elected and, while a vacancy is open, marks the
/// stage incomplete with the vacancies in its status.
pub fn apply(s: &mut Stage, vacancies: &[Vacancy]) {
    let out = |vote: i64, post: &str, name: &str| {
        vacancies
            .iter()
            .any(|v| v.vote_id == vote && v.post == post && v.name == name)
    };
    s.elected.retain(|e| !out(e.vote_id, &e.post, &e.name));
    for r in &mut s.rounds {
        let id = r.id;
        r.elected
            .retain(|n| !vacancies.iter().any(|v| v.vote_id == id && v.name == *n));
    }
    let open: Vec<String> = vacancies
        .iter()
        .filter(|v| v.open)
        .map(Vacancy::text)
        .collect();
    if !open.is_empty() {
        s.status = if s.complete {
            open.join("")
        } else {
            format!("{}{}", s.status, open.join(""))
        };
        s.complete = false;
    }
}

/// Creates the further round (另行选举) for the open vacancies, following the last round
/// (certified); 409 when there is no open vacancy, the last round is not certified, or no
/// one is left to be a candidate.
pub async fn create_further(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
) -> AppResult<Vote> {
    require_open(state, c, "R-7").await?;
    if read::done(&state.db, c).await? {
        return Err(AppError::conflict("正式投票（R-7）已经完成。"));
    }
    let e = read::election(&state.db, c.id)
        .await?
        .ok_or_else(|| AppError::conflict("尚未创建选举大会。"))?;
    let first = e
        .vote_id
        .ok_or_else(|| AppError::conflict("选举大会尚未创建投票。"))?;
    let chain = stage::chain(&state.db, first).await?;
    let vacancies = vacancies(&state.db, &e).await?;
    let mut seats: BTreeMap<String, (u64, i64)> = BTreeMap::new();
    for v in vacancies.iter().filter(|v| v.open) {
        let entry = seats.entry(v.post.clone()).or_insert((0, v.vote_id));
        entry.0 += 1;
        entry.1 = entry.1.max(v.vote_id);
    }
    if seats.is_empty() {
        return Err(AppError::conflict(
            "没有因不予确认当选而空缺的名额，无需另行选举。",
        ));
    }
    let last = chain.last().expect("a chain has its first vote");
    if last.state() != VoteState::Certified {
        return Err(AppError::conflict(format!(
            "“{}”尚未确认结果，不能安排另行选举。",
            last.title
        )));
    }
    let s = read::rounds(&state.db, &e)
        .await?
        .ok_or_else(|| AppError::conflict("选举大会尚未创建投票。"))?;
    let mut skip: HashSet<&str> = s.elected.iter().map(|x| x.name.as_str()).collect();
    skip.extend(vacancies.iter().map(|v| v.name.as_str()));
    let mut posts = Vec::new();
    for (post, (n, vote_id)) in &seats {
        let v = chain
            .iter()
            .find(|v| v.id == *vote_id)
            .expect("in the chain");
        let result: Option<TallyResult> = v
            .result
            .as_deref()
            .and_then(|r| serde_json::from_str(r).ok());
        let pr = result
            .as_ref()
            .and_then(|r| r.posts.iter().find(|p| p.post == *post))
            .ok_or_else(|| AppError::internal("certified vote without the post's result"))?;
        let def = v
            .posts()
            .into_iter()
            .find(|p| p.post == *post)
            .unwrap_or_default();
        let names = further_candidates(Preset::Residents, pr, &skip, *n);
        if names.is_empty() {
            return Err(AppError::conflict(format!(
                "{post}没有可列为另行选举候选人的人选，须另行提名候选人。"
            )));
        }
        posts.push(PostInput {
            post: post.clone(),
            seats: *n,
            candidates: names
                .iter()
                .map(|name| CandidateInput::Person {
                    name: name.clone(),
                    person_id: def.people.get(name).copied(),
                })
                .collect(),
            eligible: def.eligible.clone(),
        });
    }
    // The candidates are the further-election rule's (further_candidates), not typed.
    let vote = create_follow_up(
        state,
        ctx,
        last,
        "supplementary".into(),
        format!("{}（另行选举）", last.title),
        posts,
    )
    .await?;
    let mut tx = state.db.begin().await?;
    audit::record(
        &mut tx,
        ctx,
        community,
        ("further", "resident_election", c.id.to_string()),
        json!({"vote": vote.id, "follows": last.id, "vacancies": vacancies}),
    )
    .await?;
    tx.commit().await?;
    Ok(vote)
}
