//! Follow-up rounds of a certified vote: a tie re-vote or a further election (另行选举) exactly as
//! the tally engine's `next_round` gives them, the re-run of a void round as it was defined, and,
//! for an uncontested (等额) post that fell short — a 书记 without a majority — a further round
//! with candidates the street names as the approving body, with its reason. No other path makes
//! a round that follows another: a hand-made round could add winners beyond the post's seats.

use serde::Deserialize;
use serde_json::json;

use super::store::{PostDef, Vote, load_meeting, load_vote};
use super::votes::{CandidateInput, PostInput, VoteInput, insert_vote};
use crate::audit::{self, Change};
use crate::auth::{Ctx, Role};
use crate::communities;
use crate::db::Q;
use crate::domain::counting::VoteState;
use crate::domain::procedure;
use crate::domain::tally::TallyResult;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Candidates named by the street for an uncontested post that fell short.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct NamedCandidates {
    /// The post (`书记`, `副书记`, `主任` …).
    #[serde(default)]
    pub post: String,
    /// The names, in ballot order.
    #[serde(default)]
    pub candidates: Vec<String>,
    /// Why these candidates (the approving body's decision).
    #[serde(default)]
    pub reason: String,
}

impl NamedCandidates {
    /// These candidates when any are named (a post or a name); `None` for an empty body, which
    /// asks for the round the result gives.
    pub fn given(self) -> Option<NamedCandidates> {
        (!self.post.trim().is_empty() || !self.candidates.is_empty()).then_some(self)
    }
}

/// The page's form: the same, with the names in one text box.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NamedForm {
    /// The post.
    pub post: String,
    /// Names separated by commas, 顿号 or lines.
    pub candidates: String,
    /// Why.
    pub reason: String,
}

impl NamedForm {
    /// The named candidates, or `None` when the form names none (the derived next round).
    pub fn named(&self) -> Option<NamedCandidates> {
        let candidates: Vec<String> = self
            .candidates
            .split(['\n', ',', '，', '、'])
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .collect();
        NamedCandidates {
            post: self.post.trim().to_owned(),
            candidates,
            reason: self.reason.trim().to_owned(),
        }
        .given()
    }
}

/// The uncontested (等额: as many candidates as seats) posts of a valid result that fell short
/// with no follow-up round of their own, with the seats missing: the approving body names their
/// next candidates.
pub fn uncontested_shortfalls(vote: &Vote, result: &TallyResult) -> Vec<(String, u64)> {
    if !result.valid {
        return Vec::new();
    }
    let defs = vote.posts();
    result
        .posts
        .iter()
        .filter(|p| p.unfilled > 0 && p.next_round.is_none() && p.tie.is_empty())
        .filter(|p| {
            defs.iter()
                .any(|d| d.post == p.post && d.candidates.len() as u64 == d.seats)
        })
        .map(|p| (p.post.clone(), p.unfilled))
        .collect()
}

/// The pipeline step (P-6 or R-7) whose elected come from the chain of rounds `vote` belongs
/// to, when that step has closed: its certified rounds are then frozen (procedure table).
pub async fn closed_step_of(state: &AppState, vote: &Vote) -> AppResult<Option<&'static str>> {
    let mut first = vote.id;
    let mut follows = vote.follows_id;
    for _ in 0..50 {
        let Some(prev) = follows else { break };
        first = prev;
        follows = load_vote(&state.db, prev).await?.follows_id;
    }
    let closed: Option<(String,)> = Q::new(
        "select s.code from party_congresses g join campaign_steps s on s.campaign_id = g.campaign_id and s.code = 'P-6' \
         where (g.members_vote_id = $1 or g.leaders_vote_id = $1) and s.done_at is not null \
         union all \
         select s.code from resident_elections e join campaign_steps s on s.campaign_id = e.campaign_id and s.code = 'R-7' \
         where e.vote_id = $1 and s.done_at is not null",
    )
    .bind(first)
    .optional(&state.db)
    .await?;
    Ok(closed.and_then(|(code,)| procedure::step(&code).map(|s| s.code)))
}

/// The certified result of a vote that has no follow-up round yet.
async fn followable(state: &AppState, vote: &Vote) -> AppResult<TallyResult> {
    if vote.state() != VoteState::Certified {
        return Err(AppError::conflict("投票确认后才能安排下一轮。"));
    }
    let existing = Q::new("select count(*) from votes where follows_id = $1")
        .bind(vote.id)
        .scalar(&state.db)
        .await?;
    if existing > 0 {
        return Err(AppError::conflict("已为此投票安排了下一轮。"));
    }
    vote.result
        .as_deref()
        .and_then(|r| serde_json::from_str(r).ok())
        .ok_or_else(|| AppError::internal("certified vote without result"))
}

/// A post of the follow-up round: the post as defined, with these seats and candidates.
fn post_input(p: &PostDef, seats: u64, names: &[String]) -> PostInput {
    PostInput {
        post: p.post.clone(),
        seats,
        candidates: names
            .iter()
            .map(|n| CandidateInput::Person {
                name: n.clone(),
                person_id: p.people.get(n).copied(),
            })
            .collect(),
        eligible: p.eligible.clone(),
    }
}

/// Creates the follow-up round of a certified vote: the one its result gives, or, with `named`,
/// the street's candidates for an uncontested post that fell short.
pub async fn next_vote(
    state: &AppState,
    ctx: &Ctx,
    vote_id: i64,
    named: Option<&NamedCandidates>,
) -> AppResult<Vote> {
    let vote = load_vote(&state.db, vote_id).await?;
    let result = followable(state, &vote).await?;
    if let Some(named) = named {
        return named_round(state, ctx, &vote, &result, named).await;
    }
    let old = vote.posts();
    let (round, posts): (String, Vec<PostInput>) = if !result.valid {
        (
            "rerun".into(),
            old.iter()
                .map(|p| post_input(p, p.seats, &p.candidates))
                .collect(),
        )
    } else {
        let follow: Vec<(String, PostInput)> = result
            .posts
            .iter()
            .filter_map(|r| {
                let nr = r.next_round.as_ref()?;
                let p = old.iter().find(|p| p.post == r.post)?;
                let round = serde_json::to_value(nr.round).ok()?.as_str()?.to_string();
                Some((round, post_input(p, nr.seats, &nr.candidates)))
            })
            .collect();
        let Some(first) = follow.first().map(|(r, _)| r.clone()) else {
            return Err(AppError::conflict(
                "本次投票没有需要继续的一轮。等额选举的职位未选足时，由街道工作组作为批准机关提名候选人并说明理由后安排下一轮。",
            ));
        };
        (
            first.clone(),
            follow
                .into_iter()
                .filter(|(r, _)| *r == first)
                .map(|(_, p)| p)
                .collect(),
        )
    };
    let (round, title) = if round == "rerun" {
        (vote.round.clone(), format!("{}（重新投票）", vote.title))
    } else {
        let label = if round == "tie_revote" {
            "再次投票"
        } else {
            "另行选举"
        };
        (round, format!("{}（{label}）", vote.title))
    };
    create_follow_up(state, ctx, &vote, round, title, posts).await
}

/// The street's further round for an uncontested post that fell short.
async fn named_round(
    state: &AppState,
    ctx: &Ctx,
    vote: &Vote,
    result: &TallyResult,
    named: &NamedCandidates,
) -> AppResult<Vote> {
    if ctx.user()?.role() != Role::Street {
        return Err(AppError::Forbidden);
    }
    let post = named.post.trim();
    if post.is_empty() {
        return Err(AppError::invalid("职位", "请写明为哪个职位提名候选人"));
    }
    let def = vote
        .posts()
        .into_iter()
        .find(|p| p.post == post)
        .ok_or_else(|| AppError::invalid("职位", format!("本次投票没有“{post}”职位")))?;
    let Some((_, seats)) = uncontested_shortfalls(vote, result)
        .into_iter()
        .find(|(p, _)| p == post)
    else {
        return Err(AppError::conflict(format!(
            "只有未选足的等额选举职位才由街道工作组另行提名候选人；“{post}”应按计票结果安排下一轮。"
        )));
    };
    if named.reason.trim().is_empty() {
        return Err(AppError::invalid("理由", "请说明另行提名候选人的理由"));
    }
    if (named.candidates.len() as u64) < seats {
        return Err(AppError::invalid(
            "候选人",
            format!(
                "“{post}”差 {seats} 名，至少提名 {seats} 名候选人（已提名 {} 名）",
                named.candidates.len()
            ),
        ));
    }
    let elected: Vec<&String> = result.posts.iter().flat_map(|p| &p.elected).collect();
    if let Some(n) = named.candidates.iter().find(|n| elected.contains(n)) {
        return Err(AppError::invalid(
            "候选人",
            format!("{n} 已在本次投票中当选，不能再列为候选人"),
        ));
    }
    let posts = vec![post_input(&def, seats, &named.candidates)];
    let title = format!("{}（{post}另行选举）", vote.title);
    let next = create_follow_up(state, ctx, vote, "supplementary".into(), title, posts).await?;
    let meeting = load_meeting(&state.db, vote.meeting_id).await?;
    let community = communities::by_id(&state.db, meeting.community_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: community.scope(),
            action: "name_candidates",
            entity: "vote",
            entity_id: next.id.to_string(),
            before: None,
            after: Some(json!({"follows": vote.id, "post": post, "seats": seats,
                               "candidates": named.candidates, "reason": named.reason.trim()})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(next)
}

/// Creates a follow-up round of `vote` in its meeting, with its settings, electorate and entry
/// mode. Callers give the round, seats and candidates the procedure derives.
pub(crate) async fn create_follow_up(
    state: &AppState,
    ctx: &Ctx,
    vote: &Vote,
    round: String,
    title: String,
    posts: Vec<PostInput>,
) -> AppResult<Vote> {
    let meeting = load_meeting(&state.db, vote.meeting_id).await?;
    let input = VoteInput {
        title,
        preset: vote.preset.clone(),
        settings: Some(vote.settings()),
        round: Some(round),
        follows: Some(vote.id),
        electorate: vote.electorate,
        posts,
        double_entry: Some(vote.double_entry),
    };
    insert_vote(state, ctx, &meeting, &input).await
}
