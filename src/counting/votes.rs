//! Votes: definition (candidates in ballot order), the state machine, the box check, the
//! sign-off by the 总监票人 and the 总计票人, reopening, and the follow-up round.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::Deserialize;
use serde_json::{Value, json};
use tower_sessions::Session;

use super::events::{publish, result_json};
use super::follow_up::{NamedCandidates, NamedForm, next_vote};
use super::head_count;
use super::meetings::relations_among;
use super::store::{
    BallotRow, Meeting, PostDef, Staff, Vote, ballots_of, load_meeting, load_vote, lock_vote,
    staff_of, staff_of_user, tally_of,
};
use crate::audit::{self, Change};
use crate::auth::{Ctx, Role};
use crate::communities::{self, Community};
use crate::db::Q;
use crate::domain::counting::{BallotStatus, Someone, VoteState, staff_conflict};
use crate::domain::strokes::cmp_names;
use crate::domain::tally::{Settings, TallyResult, tally};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{self, Layout};

/// Posts whose candidates keep the order the street approved (not 姓氏笔画).
const ORDERED_POSTS: [&str; 2] = ["书记", "副书记"];

/// A candidate as given: a name, or a person of the community.
#[derive(Clone, Debug, Deserialize)]
#[serde(untagged)]
pub enum CandidateInput {
    /// A plain name.
    Name(String),
    /// A person.
    Person {
        /// Name.
        name: String,
        /// Person id.
        person_id: Option<i64>,
    },
}

/// A post as given.
#[derive(Clone, Debug, Deserialize)]
pub struct PostInput {
    /// Post name.
    pub post: String,
    /// Seats.
    pub seats: u64,
    /// Candidates.
    pub candidates: Vec<CandidateInput>,
    /// Who may receive write-ins.
    #[serde(default)]
    pub eligible: Option<Vec<String>>,
}

/// A vote as given.
#[derive(Clone, Debug, Deserialize)]
pub struct VoteInput {
    /// Title.
    pub title: String,
    /// `party` | `residents`.
    pub preset: String,
    /// Settings overrides.
    #[serde(default)]
    pub settings: Option<Value>,
    /// Round.
    #[serde(default)]
    pub round: Option<String>,
    /// The vote this follows.
    #[serde(default)]
    pub follows: Option<i64>,
    /// Electorate.
    pub electorate: i64,
    /// Posts.
    pub posts: Vec<PostInput>,
    /// Double entry (default on).
    #[serde(default)]
    pub double_entry: Option<bool>,
}

/// Creates the first round of a vote in a meeting (audited), candidates in ballot order. A
/// follow-up round is never made by hand: see [`super::follow_up`].
pub async fn create_vote(
    state: &AppState,
    ctx: &Ctx,
    meeting: &Meeting,
    f: &VoteInput,
) -> AppResult<Vote> {
    if f.follows.is_some() || f.round.as_deref().is_some_and(|r| r != "first") {
        return Err(AppError::invalid(
            "轮次",
            "再次投票、另行选举和重新投票只能在上一轮确认后用“安排下一轮”产生，候选人和名额取自上一轮的计票结果。",
        ));
    }
    insert_vote(state, ctx, meeting, f).await
}

/// Creates a vote entered by hand on the meeting page or through the API: as
/// [`create_vote`], and its title must be new in the meeting (a pipeline step names its own
/// votes and keeps them apart itself).
async fn create_vote_by_hand(
    state: &AppState,
    ctx: &Ctx,
    meeting: &Meeting,
    f: &VoteInput,
) -> AppResult<Vote> {
    let title = f.title.trim();
    let same = Q::new("select count(*) from votes where meeting_id = $1 and title = $2")
        .bind(meeting.id)
        .bind(title)
        .scalar(&state.db)
        .await?;
    if same > 0 {
        return Err(AppError::invalid(
            "投票名称",
            format!("本会议已有名为“{title}”的投票，请换一个名称"),
        ));
    }
    create_vote(state, ctx, meeting, f).await
}

/// Creates a vote of any round in a meeting (audited); the follow-up paths have checked that
/// its round, seats and candidates are the ones the procedure gives.
pub(super) async fn insert_vote(
    state: &AppState,
    ctx: &Ctx,
    meeting: &Meeting,
    f: &VoteInput,
) -> AppResult<Vote> {
    if meeting.closed_at.is_some() {
        return Err(AppError::conflict("会议已结束，不能再增加投票。"));
    }
    if let Some(prev) = f.follows {
        // A round follows a certified vote of the same meeting that has no follower yet, so
        // another meeting (or community) cannot attach rounds to it.
        let ok = Q::new("select count(*) from votes v where v.id = $1 and v.meeting_id = $2 and v.state = 'certified' \
                         and not exists (select 1 from votes f where f.follows_id = v.id)")
            .bind(prev)
            .bind(meeting.id)
            .scalar(&state.db)
            .await?;
        if ok == 0 {
            return Err(AppError::invalid(
                "上一轮",
                "只能接续本会议中已确认、且尚未安排下一轮的投票",
            ));
        }
    }
    let title = f.title.trim();
    if title.is_empty() {
        return Err(AppError::invalid("投票名称", "不能为空"));
    }
    if f.preset != meeting.kind {
        return Err(AppError::invalid(
            "计票规则",
            format!(
                "本会议为{}，计票规则应为 {}",
                meeting.kind_label(),
                meeting.kind
            ),
        ));
    }
    let posts: Vec<PostDef> = f
        .posts
        .iter()
        .map(|p| {
            let mut people = std::collections::BTreeMap::new();
            let mut names: Vec<String> = p
                .candidates
                .iter()
                .map(|c| match c {
                    CandidateInput::Name(n) => n.trim().to_string(),
                    CandidateInput::Person { name, person_id } => {
                        if let Some(id) = person_id {
                            people.insert(name.trim().to_string(), *id);
                        }
                        name.trim().to_string()
                    }
                })
                .collect();
            if !ORDERED_POSTS.contains(&p.post.trim()) {
                names.sort_by(|a, b| cmp_names(a, b));
            }
            PostDef {
                post: p.post.trim().to_string(),
                seats: p.seats,
                candidates: names,
                eligible: p.eligible.clone(),
                people,
            }
        })
        .collect();
    if posts.is_empty() {
        return Err(AppError::invalid("职位", "至少设一个职位"));
    }
    if let Some(p) = posts
        .iter()
        .find(|p| p.seats > 0 && p.candidates.is_empty())
    {
        return Err(AppError::invalid(
            "候选人",
            format!("职位“{}”没有候选人：每个职位都要列出候选人", p.post),
        ));
    }
    let round = f.round.clone().unwrap_or_else(|| "first".into());
    let settings = f.settings.clone().unwrap_or_else(|| json!({}));
    let mut draft = Vote {
        id: 0,
        meeting_id: meeting.id,
        title: title.into(),
        preset: f.preset.clone(),
        settings: settings.to_string(),
        round: round.clone(),
        follows_id: f.follows,
        electorate: f.electorate,
        posts: serde_json::to_string(&posts).map_err(|e| AppError::internal(e.to_string()))?,
        double_entry: f.double_entry.unwrap_or(true),
        state: "draft".into(),
        present: None,
        ballots_issued: None,
        ballots_collected: None,
        result: None,
        audit_head: None,
        certified_at: None,
        ballots_entered: 0,
    };
    // The engine checks the definition (seats, duplicate names, settings, round).
    let input = draft
        .tally_input(&[], Some((f.electorate.max(0), f.electorate.max(0), 0)))
        .map_err(|e| AppError::invalid("投票设置", e))?;
    tally(&input).map_err(|e| AppError::invalid("投票设置", e.zh()))?;
    // The vote keeps every setting in force at its creation, defaults included, so that a later
    // change of a preset's default never changes a stored or certified result.
    let effective = Settings::resolve(input.preset, &input.settings).to_overrides();
    draft.settings =
        serde_json::to_string(&effective).map_err(|e| AppError::internal(e.to_string()))?;
    // No member of the staff may be a candidate (nor, in residents' votes, a relative of one).
    let staff = staff_of(&state.db, meeting.id).await?;
    let candidates: Vec<Someone> = posts
        .iter()
        .flat_map(|p| {
            p.candidates
                .iter()
                .map(|n| Someone {
                    name: n.clone(),
                    person_id: p.people.get(n).copied(),
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let mut ids: Vec<i64> = candidates.iter().filter_map(|c| c.person_id).collect();
    ids.extend(staff.iter().filter_map(|s| s.person_id));
    let relations = relations_among(state, &ids).await?;
    for s in &staff {
        if let Some(reason) = staff_conflict(
            meeting.kind == "residents",
            &Someone {
                name: s.name.clone(),
                person_id: s.person_id,
            },
            &candidates,
            &relations,
        ) {
            return Err(AppError::invalid(
                "候选人",
                format!("{reason}；请先调整工作人员"),
            ));
        }
    }
    let community = communities::by_id(&state.db, meeting.community_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    let now = crate::now();
    let id = Q::new(
        "insert into votes (meeting_id, title, preset, settings, round, follows_id, electorate, posts, double_entry, state, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'draft', $10, $10) returning id",
    )
    .bind(meeting.id)
    .bind(&draft.title)
    .bind(&draft.preset)
    .bind(&draft.settings)
    .bind(&draft.round)
    .bind(draft.follows_id)
    .bind(draft.electorate)
    .bind(&draft.posts)
    .bind(draft.double_entry)
    .bind(now)
    .scalar(&mut tx)
    .await?;
    let vote = Vote { id, ..draft };
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: community.scope(),
            action: "create",
            entity: "vote",
            entity_id: id.to_string(),
            before: None,
            after: Some(vote.to_json()),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(vote)
}

/// A state change as asked.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct StateInput {
    /// Target state.
    pub to: String,
    /// Voters present (实到).
    #[serde(default, deserialize_with = "crate::web::opt_i64::de")]
    pub present: Option<i64>,
    /// Ballots issued.
    #[serde(default, deserialize_with = "crate::web::opt_i64::de")]
    pub ballots_issued: Option<i64>,
    /// Ballots collected (box check).
    #[serde(default, deserialize_with = "crate::web::opt_i64::de")]
    pub ballots_collected: Option<i64>,
}

/// Why the count cannot move to review yet, if it cannot.
pub fn review_blockers(vote: &Vote, rows: &[BallotRow], result: &TallyResult) -> Option<String> {
    if !result.valid {
        return None; // a void round elects nobody: nothing more to count.
    }
    let open = |s: BallotStatus| rows.iter().filter(|r| r.status() == s).count();
    let (pending, disputed, undecided) = (
        open(BallotStatus::Pending),
        open(BallotStatus::Disputed),
        open(BallotStatus::Undecided),
    );
    let counted = rows.iter().filter(|r| r.status().counts()).count() as i64;
    let collected = vote.ballots_collected.unwrap_or(0);
    if pending + disputed + undecided > 0 || counted != collected {
        return Some(format!(
            "尚不能确认：待另一人录入 {pending} 张、两人不一致 {disputed} 张、待定 {undecided} 张；已计入 {counted} 张，收回选票 {collected} 张。"
        ));
    }
    None
}

async fn change_state(
    state: &AppState,
    ctx: &Ctx,
    vote_id: i64,
    f: &StateInput,
) -> AppResult<Vote> {
    let to = VoteState::parse(f.to.trim())
        .ok_or_else(|| AppError::invalid("状态", "应为 draft、voting、counting、review 之一"))?;
    let user = ctx.user()?;
    let vote = load_vote(&state.db, vote_id).await?;
    let from = vote.state();
    if to == VoteState::Certified {
        return Err(AppError::conflict("确认须由总监票人和总计票人分别签署。"));
    }
    if !from.can_go(to) {
        return Err(AppError::conflict(format!(
            "不能从“{}”转为“{}”。",
            from.label(),
            to.label()
        )));
    }
    if user.role() == Role::Scrutineer && !(from == VoteState::Voting && to == VoteState::Counting)
    {
        return Err(AppError::Forbidden);
    }
    let (mut present, mut issued, mut collected) =
        (vote.present, vote.ballots_issued, vote.ballots_collected);
    // The figures are set when voting opens and at the box check; sending a count back from
    // review does not change them.
    if matches!(from, VoteState::Draft | VoteState::Voting) {
        match head_count::of(&state.db, &vote).await? {
            // A pipeline vote: the participation records (or the street's correction) decide.
            Some(heads) => {
                heads.check(f.present, f.ballots_issued)?;
                present = heads.present();
                issued = heads.issued();
            }
            // A meeting of its own has no records: the figures typed.
            None => {
                present = f.present.or(present);
                issued = f.ballots_issued.or(issued);
            }
        }
    }
    if to == VoteState::Counting && from == VoteState::Voting {
        collected = f.ballots_collected;
        let (Some(p), Some(c)) = (present, collected) else {
            return Err(AppError::invalid("验票", "请填写实到人数和收回选票数"));
        };
        let i = issued.unwrap_or(p);
        if p < 0 || c < 0 || i < 0 {
            return Err(AppError::invalid("验票", "人数和票数不能为负"));
        }
        if p > vote.electorate {
            return Err(AppError::invalid(
                "实到人数",
                format!("不能超过应到人数 {}", vote.electorate),
            ));
        }
        if i > p {
            return Err(AppError::invalid(
                "发出选票",
                format!("不能超过实到人数 {p}"),
            ));
        }
        issued = Some(i);
    }
    if to == VoteState::Counting {
        super::hooks::counting_gate(&state.db, &vote).await?;
    }
    if to == VoteState::Review {
        let rows = ballots_of(&state.db, vote.id).await?;
        let result = tally_of(&state.db, &vote).await?;
        if let Some(why) = review_blockers(&vote, &rows, &result) {
            return Err(AppError::conflict(why));
        }
    }
    let meeting = load_meeting(&state.db, vote.meeting_id).await?;
    let community = communities::by_id(&state.db, meeting.community_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    let locked = lock_vote(&mut tx, vote.id).await?;
    if locked.state != vote.state {
        return Err(AppError::conflict("投票状态已被他人改变，请刷新。"));
    }
    Q::new("update votes set state = $1, present = $2, ballots_issued = $3, ballots_collected = $4, updated_at = $5 where id = $6")
        .bind(to.as_str())
        .bind(present)
        .bind(issued)
        .bind(collected)
        .bind(crate::now())
        .bind(vote.id)
        .execute(&mut tx)
        .await?;
    let after = Vote {
        state: to.as_str().into(),
        present,
        ballots_issued: issued,
        ballots_collected: collected,
        ..vote.clone()
    };
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: community.scope(),
            action: "state",
            entity: "vote",
            entity_id: vote.id.to_string(),
            before: Some(vote.to_json()),
            after: Some(after.to_json()),
        },
    )
    .await?;
    tx.commit().await?;
    publish(state, vote.id).await;
    Ok(after)
}

/// The 总监票人 or the 总计票人 signs; with both signatures the result is stored and locked.
async fn sign(state: &AppState, ctx: &Ctx, vote_id: i64) -> AppResult<Vote> {
    let user = ctx.user()?;
    let vote = load_vote(&state.db, vote_id).await?;
    let staff = staff_of_user(&state.db, vote.meeting_id, user.id).await?;
    let capability = match staff {
        Some(Staff {
            chief: true,
            ref role,
            ..
        }) if role == "scrutineer" => "chief_scrutineer",
        Some(Staff {
            chief: true,
            ref role,
            ..
        }) if role == "counter" => "chief_counter",
        _ => return Err(AppError::Forbidden),
    };
    if vote.state() != VoteState::Review {
        return Err(AppError::conflict("只有“待确认”的投票才能签署。"));
    }
    let meeting = load_meeting(&state.db, vote.meeting_id).await?;
    let community = communities::by_id(&state.db, meeting.community_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let result = tally_of(&state.db, &vote).await?;
    if let Some(why) = super::hooks::signoff_blocker(&state.db, &vote, &result).await? {
        return Err(AppError::conflict(why));
    }
    let mut tx = state.db.begin().await?;
    let locked = lock_vote(&mut tx, vote.id).await?;
    if locked.state() != VoteState::Review {
        return Err(AppError::conflict("投票状态已改变，请刷新。"));
    }
    let signed = Q::new("insert into signoffs (vote_id, capability, user_id, at) values ($1, $2, $3, $4) on conflict (vote_id, capability) do nothing")
        .bind(vote.id)
        .bind(capability)
        .bind(user.id)
        .bind(crate::now())
        .execute(&mut tx)
        .await?;
    if signed == 0 {
        return Err(AppError::conflict("您已签署过。"));
    }
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: community.scope(),
            action: "sign",
            entity: "vote",
            entity_id: vote.id.to_string(),
            before: None,
            after: Some(json!({"capability": capability})),
        },
    )
    .await?;
    let signatures = Q::new("select count(*) from signoffs where vote_id = $1")
        .bind(vote.id)
        .scalar(&mut tx)
        .await?;
    let mut after = vote.clone();
    if signatures >= 2 {
        let result_text =
            serde_json::to_string(&result).map_err(|e| AppError::internal(e.to_string()))?;
        audit::append(
            &mut tx,
            &ctx.actor(),
            Change {
                scope: community.scope(),
                action: "certify",
                entity: "vote",
                entity_id: vote.id.to_string(),
                before: None,
                after: Some(serde_json::from_str(&result_text).unwrap_or(Value::Null)),
            },
        )
        .await?;
        let (head,): (String,) = Q::new("select hash from audit_heads where scope = $1")
            .bind(community.scope())
            .one(&mut tx)
            .await?;
        let now = crate::now();
        Q::new("update votes set state = 'certified', result = $1, audit_head = $2, certified_at = $3, updated_at = $3 where id = $4")
            .bind(&result_text)
            .bind(&head)
            .bind(now)
            .bind(vote.id)
            .execute(&mut tx)
            .await?;
        after = Vote {
            state: "certified".into(),
            result: Some(result_text),
            audit_head: Some(head),
            certified_at: Some(now),
            ..vote.clone()
        };
    }
    tx.commit().await?;
    publish(state, vote.id).await;
    Ok(after)
}

/// Withdraws a draft vote entered by mistake (a reason required, audited with the whole vote):
/// it is removed with its display links. A vote that has left draft, one a pipeline step made
/// (its record points at it) or one that a later round follows stays.
async fn withdraw(state: &AppState, ctx: &Ctx, vote_id: i64, reason: &str) -> AppResult<Meeting> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("理由", "撤回投票须说明理由"));
    }
    let vote = load_vote(&state.db, vote_id).await?;
    let meeting = load_meeting(&state.db, vote.meeting_id).await?;
    if vote.state() != VoteState::Draft {
        return Err(AppError::conflict(format!(
            "投票处于“{}”状态，只有草稿可以撤回。",
            vote.state().label()
        )));
    }
    let linked = Q::new(
        "select (select count(*) from party_congresses where members_vote_id = $1 or leaders_vote_id = $1 or members_reduced_vote_id = $1) \
              + (select count(*) from resident_elections where vote_id = $1) \
              + (select count(*) from votes where follows_id = $1)",
    )
    .bind(vote_id)
    .scalar(&state.db)
    .await?;
    if linked > 0 {
        return Err(AppError::conflict(
            "这项投票由换届流程或上一轮投票产生，不能在此撤回；请在相应的流程页面处理。",
        ));
    }
    let community = communities::by_id(&state.db, meeting.community_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    if lock_vote(&mut tx, vote_id).await?.state() != VoteState::Draft {
        return Err(AppError::conflict("投票已不是草稿。"));
    }
    for sql in [
        "delete from display_links where vote_id = $1",
        "delete from votes where id = $1",
    ] {
        Q::new(sql).bind(vote_id).execute(&mut tx).await?;
    }
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: community.scope(),
            action: "withdraw",
            entity: "vote",
            entity_id: vote_id.to_string(),
            before: Some(vote.to_json()),
            after: Some(json!({ "reason": reason })),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(meeting)
}

pub async fn withdraw_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<ReasonInput>,
) -> AppResult<Response> {
    match withdraw(&state, &ctx, id, &f.reason).await {
        Ok(m) => {
            web::flash(&session, "ok", "投票已撤回。").await;
            Ok(web::see_other(&format!("/meetings/{}", m.id)))
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            web::back_with_error(&session, &format!("/votes/{id}"), e).await
        }
        Err(e) => Err(e),
    }
}

pub async fn api_withdraw(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<ReasonInput>,
) -> AppResult<Json<Value>> {
    let m = withdraw(&state, &ctx, id, &f.reason).await?;
    Ok(Json(json!({ "ok": true, "meeting": m.id })))
}

/// Reopens a certified vote (street only, with a reason); its meeting reopens with it.
async fn reopen(state: &AppState, ctx: &Ctx, vote_id: i64, reason: &str) -> AppResult<Vote> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid(
            "理由",
            "重新开启已确认的投票必须写明理由",
        ));
    }
    let vote = load_vote(&state.db, vote_id).await?;
    if vote.state() != VoteState::Certified {
        return Err(AppError::conflict("只有已确认的投票需要重新开启。"));
    }
    if let Some(step) = super::follow_up::closed_step_of(state, &vote).await? {
        return Err(AppError::conflict(format!(
            "{}已完成，当选人已据本投票产生，不能再重新开启此投票。",
            crate::domain::procedure::label(step)
        )));
    }
    let meeting = load_meeting(&state.db, vote.meeting_id).await?;
    let community = communities::by_id(&state.db, meeting.community_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    Q::new("update votes set state = 'counting', result = null, audit_head = null, certified_at = null, updated_at = $1 where id = $2").bind(crate::now()).bind(vote.id).execute(&mut tx).await?;
    Q::new("delete from signoffs where vote_id = $1")
        .bind(vote.id)
        .execute(&mut tx)
        .await?;
    Q::new("update meetings set closed_at = null where id = $1")
        .bind(meeting.id)
        .execute(&mut tx)
        .await?;
    Q::new("update users set disabled = false where id in (select user_id from meeting_staff where meeting_id = $1 and user_id is not null)").bind(meeting.id).execute(&mut tx).await?;
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: community.scope(),
            action: "reopen",
            entity: "vote",
            entity_id: vote.id.to_string(),
            before: vote
                .result
                .as_deref()
                .and_then(|r| serde_json::from_str(r).ok()),
            after: Some(json!({"reason": reason})),
        },
    )
    .await?;
    tx.commit().await?;
    publish(state, vote.id).await;
    load_vote(&state.db, vote.id).await
}

#[derive(Template, WebTemplate)]
#[template(path = "counting/vote.html")]
pub struct ShowPage {
    layout: Layout,
    v: Vote,
    m: Meeting,
    community: Community,
    posts: Vec<PostDef>,
    result: Option<TallyResult>,
    rows: Vec<BallotRow>,
    blockers: Option<String>,
    /// Residents' election: write-in winners who are not voters, awaiting a decision.
    writeins: Option<String>,
    signed: Vec<String>,
    role: String,
    chief: bool,
    certified: bool,
    /// Uncontested posts that fell short (the street names their next candidates).
    uncontested_short: Vec<(String, u64)>,
    /// The certified result gives a next round (a re-vote, 另行选举 or the re-run of a void one).
    derived_next: bool,
    idem: String,
    party: bool,
    disputes: Vec<Value>,
    view: Vec<PostView>,
    /// The scrutineers' console: live numbers and queues that refresh themselves.
    console: bool,
    /// Display links (staff only).
    links: Vec<super::projector::DisplayLink>,
    /// The site's address, for the full display links.
    origin: String,
    /// Each table's progress.
    tables: Vec<super::projector::TableProgress>,
    /// The current result for the live view (console only).
    initial: String,
    /// The live view's event stream.
    events: String,
    /// A pipeline vote's head count from the participation records (none for a meeting of
    /// its own, whose figures are typed).
    heads: Option<head_count::HeadCount>,
    /// The street's correction of it, in words.
    head_note: Option<String>,
    /// The meeting's staff with whether their login is locked (for who may change staff).
    staff: Vec<(Staff, bool)>,
    /// Staff added after counting began, announced with their reason.
    late_staff: Vec<Staff>,
    /// The viewer may add staff and lift login locks here (the street, the chief scrutineer).
    may_staff: bool,
    /// A vote of the meeting has left draft (staff changes need a reason).
    begun: bool,
}

/// A post's line of the result, for the page.
pub struct PostView {
    /// Post.
    pub post: String,
    /// Seats.
    pub seats: u64,
    /// Threshold.
    pub threshold: u64,
    /// (name, for, against, abstain, status label).
    pub rows: Vec<(String, u64, u64, u64, &'static str)>,
    /// What follows, in words.
    pub next: String,
}

fn view_of(result: &TallyResult, certified: bool) -> Vec<PostView> {
    use crate::domain::tally::Status;
    result
        .posts
        .iter()
        .map(|p| PostView {
            post: p.post.clone(),
            seats: p.seats,
            threshold: p.threshold,
            rows: p
                .candidates
                .iter()
                .map(|c| {
                    let label = match (c.status, certified) {
                        (Status::Elected, true) => "当选",
                        (Status::Tie, true) => "得票相等",
                        (_, true) => "未当选",
                        _ => "",
                    };
                    (c.name.clone(), c.votes, c.against, c.abstain, label)
                })
                .collect(),
            next: match &p.next_round {
                Some(n) if certified => format!(
                    "需{}：应选 {} 名，候选人 {}",
                    if n.candidates.len() as u64 > n.seats && p.tie.is_empty() {
                        "另行选举"
                    } else {
                        "再次投票"
                    },
                    n.seats,
                    n.candidates.join("、")
                ),
                _ => String::new(),
            },
        })
        .collect()
}

pub async fn show_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
) -> AppResult<ShowPage> {
    show_page(&state, &ctx, &session, id, false).await
}

/// The vote page, or (with `console`) the scrutineers' console built on it.
pub async fn show_page(
    state: &AppState,
    ctx: &Ctx,
    session: &Session,
    id: i64,
    console: bool,
) -> AppResult<ShowPage> {
    let v = load_vote(&state.db, id).await?;
    let m = load_meeting(&state.db, v.meeting_id).await?;
    let community = communities::by_id(&state.db, m.community_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let user = ctx.user()?;
    let staff = staff_of_user(&state.db, m.id, user.id).await?;
    let rows = ballots_of(&state.db, id).await?;
    let result = if matches!(v.state(), VoteState::Draft | VoteState::Voting) {
        None
    } else {
        Some(tally_of(&state.db, &v).await?)
    };
    let blockers = result.as_ref().and_then(|r| review_blockers(&v, &rows, r));
    let writeins = match result.as_ref() {
        Some(r) if v.state() == VoteState::Review => {
            super::hooks::signoff_blocker(&state.db, &v, r).await?
        }
        _ => None,
    };
    let signed: Vec<(String,)> = Q::new("select capability from signoffs where vote_id = $1")
        .bind(id)
        .all(&state.db)
        .await?;
    let layout = Layout::new(ctx, session, v.title.clone()).await;
    let idem = layout.idem();
    let certified = v.state() == VoteState::Certified;
    let view = result
        .as_ref()
        .map(|r| view_of(r, certified))
        .unwrap_or_default();
    let derived_next = result
        .as_ref()
        .is_some_and(|r| !r.valid || r.posts.iter().any(|p| p.next_round.is_some()));
    let uncontested_short = match result.as_ref() {
        Some(r) if certified => super::follow_up::uncontested_shortfalls(&v, r),
        _ => Vec::new(),
    };
    let disputes = super::entry::disputes_for_page(state, id).await?;
    let links = if matches!(
        user.role(),
        crate::auth::Role::Street | crate::auth::Role::Community
    ) {
        super::projector::links_of(state, id).await?
    } else {
        Vec::new()
    };
    let tables = super::projector::tables_of(state, id, &rows).await?;
    let initial = if console {
        super::projector::initial_json(state, id).await
    } else {
        String::new()
    };
    let heads = head_count::of(&state.db, &v).await?;
    let late_staff: Vec<Staff> = staff_of(&state.db, m.id)
        .await?
        .into_iter()
        .filter(|s| s.added_reason.is_some())
        .collect();
    let may_staff = m.closed_at.is_none()
        && (user.is_street()
            || staff
                .as_ref()
                .is_some_and(|s| s.role == "scrutineer" && s.chief));
    let staff_view = if may_staff {
        super::store::staff_with_locks(state, m.id).await?
    } else {
        Vec::new()
    };
    Ok(ShowPage {
        staff: staff_view,
        late_staff,
        may_staff,
        begun: super::meetings::counting_begun(&state.db, m.id).await?,
        head_note: heads.as_ref().and_then(head_count::HeadCount::note),
        heads,
        events: format!("/api/v1/votes/{id}/events"),
        console,
        links,
        origin: ctx.origin.clone(),
        tables,
        initial,
        party: v.preset == "party",
        disputes,
        view,
        posts: v.posts(),
        certified: v.state() == VoteState::Certified,
        uncontested_short,
        derived_next,
        layout,
        m,
        community,
        result,
        rows,
        blockers,
        writeins,
        signed: signed.into_iter().map(|(c,)| c).collect(),
        role: user.role.clone(),
        chief: staff.as_ref().is_some_and(|s| s.chief),
        idem,
        v,
    })
}

/// A vote form of the meeting page: one post per line group.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct VoteForm {
    title: String,
    electorate: i64,
    post: Vec<String>,
    seats: Vec<String>,
    candidates: Vec<String>,
    single_entry: Option<String>,
}

pub async fn create_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let m = load_meeting(&state.db, id).await?;
    let back = format!("/meetings/{id}");
    let get = |k: &str| {
        fields
            .iter()
            .filter(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
    };
    let f = VoteForm {
        title: get("title").concat(),
        electorate: get("electorate").concat().trim().parse().unwrap_or(-1),
        post: get("post"),
        seats: get("seats"),
        candidates: get("candidates"),
        single_entry: get("single_entry").into_iter().next(),
    };
    let posts = f
        .post
        .iter()
        .zip(&f.seats)
        .zip(&f.candidates)
        // A post line left as the form offered it (a name, no seats, no candidates) is not used.
        .filter(|((p, s), c)| {
            let used = !s.trim().is_empty() || !c.trim().is_empty();
            !p.trim().is_empty() && used
        })
        .map(|((p, s), c)| PostInput {
            post: p.trim().to_string(),
            seats: s.trim().parse().unwrap_or(0),
            candidates: c
                .split(['\n', ',', '，', '、'])
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(|n| CandidateInput::Name(n.to_string()))
                .collect(),
            eligible: None,
        })
        .collect();
    let input = VoteInput {
        title: f.title,
        preset: m.kind.clone(),
        settings: None,
        round: None,
        follows: None,
        electorate: f.electorate,
        posts,
        double_entry: Some(f.single_entry.is_none()),
    };
    match create_vote_by_hand(&state, &ctx, &m, &input).await {
        Ok(v) => {
            web::flash(&session, "ok", format!("已创建投票“{}”。", v.title)).await;
            Ok(web::see_other(&format!("/votes/{}", v.id)))
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            web::back_with_error(&session, &back, e).await
        }
        Err(e) => Err(e),
    }
}

async fn answer_form(session: &Session, back: &str, r: AppResult<String>) -> AppResult<Response> {
    match r {
        Ok(msg) => {
            web::flash(session, "ok", msg).await;
            Ok(web::see_other(back))
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            web::back_with_error(session, back, e).await
        }
        Err(e) => Err(e),
    }
}

pub async fn state_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<StateInput>,
) -> AppResult<Response> {
    let r = change_state(&state, &ctx, id, &f)
        .await
        .map(|v| format!("投票已转为“{}”。", v.state().label()));
    answer_form(&session, &format!("/votes/{id}"), r).await
}

#[derive(Deserialize, Default)]
pub struct ReasonInput {
    #[serde(default)]
    reason: String,
}

pub async fn reopen_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<ReasonInput>,
) -> AppResult<Response> {
    let r = reopen(&state, &ctx, id, &f.reason)
        .await
        .map(|_| "投票已重新开启。".to_string());
    answer_form(&session, &format!("/votes/{id}"), r).await
}

pub async fn signoff_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let r = sign(&state, &ctx, id).await.map(|v| {
        if v.state() == VoteState::Certified {
            "两人均已签署，计票结果已确认并锁定。".to_string()
        } else {
            "已签署，等待另一人签署。".to_string()
        }
    });
    answer_form(&session, &format!("/votes/{id}"), r).await
}

pub async fn next_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<NamedForm>,
) -> AppResult<Response> {
    let named = f.named();
    match next_vote(&state, &ctx, id, named.as_ref()).await {
        Ok(v) => {
            web::flash(&session, "ok", format!("已创建“{}”。", v.title)).await;
            Ok(web::see_other(&format!("/votes/{}", v.id)))
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            web::back_with_error(&session, &format!("/votes/{id}"), e).await
        }
        Err(e) => Err(e),
    }
}

pub async fn api_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<VoteInput>,
) -> AppResult<Response> {
    let m = load_meeting(&state.db, id).await?;
    let v = create_vote_by_hand(&state, &ctx, &m, &f).await?;
    Ok((StatusCode::CREATED, Json(v.to_json())).into_response())
}

pub async fn api_show(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<Value>> {
    Ok(Json(load_vote(&state.db, id).await?.to_json()))
}

pub async fn api_state(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<StateInput>,
) -> AppResult<Json<Value>> {
    Ok(Json(change_state(&state, &ctx, id, &f).await?.to_json()))
}

pub async fn api_reopen(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<ReasonInput>,
) -> AppResult<Json<Value>> {
    Ok(Json(reopen(&state, &ctx, id, &f.reason).await?.to_json()))
}

pub async fn api_signoff(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Json<Value>> {
    Ok(Json(sign(&state, &ctx, id).await?.to_json()))
}

pub async fn api_result(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<Response> {
    let v = load_vote(&state.db, id).await?;
    if matches!(v.state(), VoteState::Draft | VoteState::Voting) {
        return Err(AppError::conflict("尚未验票，还没有计票结果。"));
    }
    let json = result_json(&state, id).await?;
    Ok((
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        json,
    )
        .into_response())
}

pub async fn api_next(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    named: Option<Json<NamedCandidates>>,
) -> AppResult<Response> {
    let named = named.and_then(|Json(n)| n.given());
    let v = next_vote(&state, &ctx, id, named.as_ref()).await?;
    Ok((StatusCode::CREATED, Json(v.to_json())).into_response())
}
