//! P-6's votes and P-7: creating the 委员 vote (差额) and the 书记/副书记 vote (等额) in the
//! congress's counting-room meeting, the street's replacement of a proposed leader not elected
//! 委员, closing P-6 (which lists the elected for the street), and the street's filing (备案)
//! and approval (批准). Each change is audited in the community's chain.

use serde::Deserialize;
use serde_json::json;

use crate::audit;
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::counting::stage::{self as stage, Stage};
use crate::counting::{CandidateInput, PostInput, Vote, VoteInput, create_vote, load_meeting};
use crate::db::Q;
use crate::domain::party::{Post, check_leaders_elected};
use crate::domain::rules::RuleCheck;
use crate::error::{AppError, AppResult};
use crate::party::p6_congress::read::{self as read, CONGRESS_SUBJECT, Congress};
use crate::party::p6_congress::write::require_congress;
use crate::party::store;
use crate::state::AppState;

/// The vote's settings for the congress's quorum rule (the preset's default is 超过).
fn settings(g: &Congress) -> Option<serde_json::Value> {
    (g.quorum_rule == "ge").then(|| json!({"quorum": "ge"}))
}

/// Roll numbers for a vote: (due, present), refused (409) while the quorum check fails — the
/// statutory quorum has no override.
async fn electorate(state: &AppState, c: &Campaign, g: &Congress) -> AppResult<(i64, i64)> {
    let roll = read::roll(&state.db, c.id, c.community_id).await?;
    let check = read::quorum(&roll, g.rule());
    if !check.passed {
        return Err(AppError::conflict(format!(
            "{}不足法定人数不能进行选举。",
            check.message
        )));
    }
    Ok((i64::from(roll.due), i64::from(roll.present)))
}

/// Creates the vote in the congress's meeting, sets its present and ballots issued from the
/// check-ins, and stores it as the stage's first round.
async fn open_vote(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    g: &Congress,
    (column, title, posts): (&str, &str, Vec<PostInput>),
) -> AppResult<Vote> {
    let (due, present) = electorate(state, c, g).await?;
    let meeting_id = g
        .meeting_id
        .ok_or_else(|| AppError::conflict("党员大会尚无计票会议。"))?;
    let meeting = load_meeting(&state.db, meeting_id).await?;
    let input = VoteInput {
        title: title.into(),
        preset: "party".into(),
        settings: settings(g),
        round: None,
        follows: None,
        electorate: due,
        posts,
        double_entry: None,
    };
    let mut vote = create_vote(state, ctx, &meeting, &input).await?;
    let mut tx = state.db.begin().await?;
    Q::new("update votes set present = $1, ballots_issued = $1, updated_at = $2 where id = $3 and state = 'draft'")
        .bind(present)
        .bind(crate::now())
        .bind(vote.id)
        .execute(&mut tx)
        .await?;
    Q::new(format!(
        "update party_congresses set {column} = $1, updated_at = $2 where campaign_id = $3"
    ))
    .bind(vote.id)
    .bind(crate::now())
    .bind(c.id)
    .execute(&mut tx)
    .await?;
    vote.present = Some(present);
    vote.ballots_issued = Some(present);
    let after =
        json!({"vote": vote.id, "electorate": due, "present": present, "ballots_issued": present});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("vote", "party_congress", format!("{}:{column}", c.id)),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok(vote)
}

fn person(name: &str, id: i64) -> CandidateInput {
    CandidateInput::Person {
        name: name.to_string(),
        person_id: Some(id),
    }
}

/// Creates the 委员 vote: N seats, the approved candidate list, electorate and present from the
/// roll.
pub async fn members_vote(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
) -> AppResult<Vote> {
    let g = require_congress(state, c).await?;
    if g.members_vote_id.is_some() {
        return Err(AppError::conflict("委员选举投票已经创建。"));
    }
    if !read::list_approved(&state.db, c.id).await? {
        return Err(AppError::conflict(
            "候选人预备人选名单尚未经街道批准，不能进行委员选举。",
        ));
    }
    let size = store::size(&state.db, c.id)
        .await?
        .ok_or_else(|| AppError::conflict("尚未确定委员会职数（C-1）。"))?;
    let list = read::candidates(&state.db, c.id).await?;
    // A write-in counts only for a member due to attend (a 正式党员 of the community).
    let roll = read::roll(&state.db, c.id, c.community_id).await?;
    let post = PostInput {
        post: Post::Member.label().into(),
        seats: size.members.max(0) as u64,
        candidates: list.iter().map(|p| person(&p.name, p.person_id)).collect(),
        eligible: Some(
            roll.due_entries()
                .map(|e| e.name.clone())
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect(),
        ),
    };
    let title = "选举社区党组织委员会委员";
    open_vote(
        state,
        ctx,
        c,
        community,
        &g,
        ("members_vote_id", title, vec![post]),
    )
    .await
}

/// The 委员 stage, with elected write-ins matched to the roll by name.
pub async fn members_stage(
    state: &AppState,
    c: &Campaign,
    g: &Congress,
) -> AppResult<Option<Stage>> {
    let Some(first) = g.members_vote_id else {
        return Ok(None);
    };
    let mut s = stage::stage(&state.db, first, g.members_reduced_vote_id, Some("委员")).await?;
    let roll = read::roll(&state.db, c.id, c.community_id).await?;
    let people: Vec<(i64, String)> = roll
        .entries
        .iter()
        .map(|e| (e.person_id, e.name.clone()))
        .collect();
    stage::resolve(&mut s, &people);
    Ok(Some(s))
}

/// The check that the proposed 书记/副书记 (after replacements) are among the elected 委员.
pub fn leaders_check(members: &Stage, slate: &[read::Proposed]) -> RuleCheck {
    let elected: Vec<&str> = members
        .of_post("委员")
        .iter()
        .map(|e| e.name.as_str())
        .collect();
    let names = |post: &str| -> Vec<&str> {
        slate
            .iter()
            .filter(|p| p.post == post)
            .map(|p| p.name.as_str())
            .collect()
    };
    check_leaders_elected(&elected, &names("书记"), &names("副书记"))
}

/// The complete 委员 stage, or 409 saying where it stands.
async fn complete_members(state: &AppState, c: &Campaign, g: &Congress) -> AppResult<Stage> {
    let s = members_stage(state, c, g)
        .await?
        .ok_or_else(|| AppError::conflict("尚未进行委员选举。"))?;
    if !s.complete {
        return Err(AppError::conflict(format!(
            "委员选举尚未完成：{}",
            s.status
        )));
    }
    Ok(s)
}

/// Creates the 书记/副书记 vote (等额) once the 委员 stage is complete and every proposed
/// leader is an elected 委员; the check is stored either way.
pub async fn leaders_vote(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
) -> AppResult<Vote> {
    let g = require_congress(state, c).await?;
    if g.leaders_vote_id.is_some() {
        return Err(AppError::conflict("书记、副书记选举投票已经创建。"));
    }
    let members = complete_members(state, c, &g).await?;
    let slate = read::slate(&state.db, c.id).await?;
    let check = leaders_check(&members, &slate);
    let mut tx = state.db.begin().await?;
    crate::checks::save(&mut tx, CONGRESS_SUBJECT, c.id, &check).await?;
    tx.commit().await?;
    if !check.passed {
        return Err(AppError::conflict(format!(
            "{}须由街道工作组从当选委员中确定替补人选（写明理由）后再选举书记、副书记。",
            check.message
        )));
    }
    let deputies = store::size(&state.db, c.id)
        .await?
        .map_or(0, |s| s.deputies);
    let of = |post: &str| -> Vec<CandidateInput> {
        slate
            .iter()
            .filter(|p| p.post == post)
            .map(|p| person(&p.name, p.person_id))
            .collect()
    };
    let (secretary, deputy) = (of("书记"), of("副书记"));
    // The 书记 and 副书记 come from the newly elected 委员, write-ins included.
    let among: Vec<String> = members
        .of_post(Post::Member.label())
        .iter()
        .map(|e| e.name.clone())
        .collect();
    if secretary.len() != 1 || deputy.len() as i64 != deputies {
        return Err(AppError::conflict(format!(
            "等额选举须提名书记 1 名、副书记 {deputies} 名，现提名书记 {} 名、副书记 {} 名。",
            secretary.len(),
            deputy.len()
        )));
    }
    let mut posts = vec![PostInput {
        post: Post::Secretary.label().into(),
        seats: 1,
        candidates: secretary,
        eligible: Some(among.clone()),
    }];
    if deputies > 0 {
        posts.push(PostInput {
            post: Post::DeputySecretary.label().into(),
            seats: deputies as u64,
            candidates: deputy,
            eligible: Some(among),
        });
    }
    let title = "选举社区党组织书记、副书记";
    open_vote(
        state,
        ctx,
        c,
        community,
        &g,
        ("leaders_vote_id", title, posts),
    )
    .await
}

/// Input for a replacement.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReplacementInput {
    /// The proposed candidate not elected 委员.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub replaced_person_id: Option<i64>,
    /// The elected 委员 who takes their place.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub person_id: Option<i64>,
    /// Why.
    pub reason: String,
}

/// The street replaces a proposed 书记/副书记 who was not elected 委员 by an elected 委员 not
/// already proposed, with a reason; stores the refreshed check.
pub async fn replace(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &ReplacementInput,
) -> AppResult<RuleCheck> {
    let reason = f.reason.trim();
    let (Some(old), Some(new)) = (f.replaced_person_id, f.person_id) else {
        return Err(AppError::invalid(
            "人选",
            "请选择被替换的候选人和替补的当选委员",
        ));
    };
    if reason.is_empty() {
        return Err(AppError::invalid("理由", "确定替补人选必须写明理由"));
    }
    let g = require_congress(state, c).await?;
    if g.leaders_vote_id.is_some() {
        return Err(AppError::conflict(
            "书记、副书记选举投票已经创建，不能再替换人选。",
        ));
    }
    let members = complete_members(state, c, &g).await?;
    let slate = read::slate(&state.db, c.id).await?;
    let elected = members.of_post("委员");
    let is_elected = |id: i64| elected.iter().any(|e| e.person_id == Some(id));
    let Some(target) = slate.iter().find(|p| p.person_id == old) else {
        return Err(AppError::invalid(
            "被替换的候选人",
            "不是拟提名的书记、副书记候选人",
        ));
    };
    if is_elected(old) {
        return Err(AppError::invalid(
            "被替换的候选人",
            format!("{}已当选委员，无需替换", target.name),
        ));
    }
    let Some(pick) = elected.iter().find(|e| e.person_id == Some(new)) else {
        return Err(AppError::invalid("替补人选", "须从新当选的委员中确定"));
    };
    if slate.iter().any(|p| p.person_id == new) {
        return Err(AppError::invalid(
            "替补人选",
            format!("{}已是书记、副书记候选人", pick.name),
        ));
    }
    // A replacement of a replacement keeps pointing at the list's original candidate.
    let original = target.listed_id;
    let mut tx = state.db.begin().await?;
    Q::new("delete from party_replacements where campaign_id = $1 and replaced_person_id = $2 and post = $3")
        .bind(c.id)
        .bind(original)
        .bind(&target.post)
        .execute(&mut tx)
        .await?;
    Q::new("insert into party_replacements (campaign_id, post, replaced_person_id, person_id, reason, created_by, created_at) values ($1, $2, $3, $4, $5, $6, $7)")
        .bind(c.id)
        .bind(&target.post)
        .bind(original)
        .bind(new)
        .bind(reason)
        .bind(ctx.user()?.id)
        .bind(crate::now())
        .execute(&mut tx)
        .await?;
    let mut after_slate = slate.clone();
    if let Some(p) = after_slate.iter_mut().find(|p| p.person_id == old) {
        p.person_id = new;
        p.name = pick.name.clone();
    }
    let check = leaders_check(&members, &after_slate);
    crate::checks::save(&mut tx, CONGRESS_SUBJECT, c.id, &check).await?;
    let after = json!({"post": target.post, "replaced": target.name, "by": pick.name, "reason": reason, "check": check});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("replace", "party_leader", format!("{}:{old}", c.id)),
        after,
    )
    .await?;
    tx.commit().await?;
    Ok(check)
}
