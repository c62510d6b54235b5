//! Head counts of a vote: 实到人数 (present) and 发出选票 (ballots issued).
//!
//! A vote held in the meeting of a Party congress (P-6) or of a residents' election
//! takes both from the participation records: the congress's check-in roll (members due who
//! checked in), or the election's participations (voter certificates scanned at the central
//! station, approved proxies, approved mobile ballot boxes), counted once the polls are closed.
//! Every round of the meeting — the 书记/副书记 vote, a tie re-vote, a further election — reuses
//! them: the roll is closed once the 委员 vote exists, and no participation is recorded after
//! the polls close. One ballot is issued per participation, so ballots issued equal present.
//! A figure typed at the box check that differs is refused (409, both numbers); only the street
//! corrects them, with a reason, before the box check ([`correct`]), and the count report prints
//! the correction as such. A correction holds for its own vote: a later round takes the records
//! again unless the street corrects it in turn (people may leave between rounds).
//!
//! A vote of a meeting attached to neither pipeline (a counting-room meeting of its own, as the
//! tests and the load generator use) has no participation records: its figures are the ones
//! typed at the box check.
//!
//! The records are read with SQL over the pipelines' tables, as `follow_up::closed_step_of`
//! does, so that the counting room does not call up into `party` or `residents`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tower_sessions::Session;

use super::events::publish;
use super::store::{Vote, load_meeting, load_vote, lock_vote};
use crate::audit::{self, Change};
use crate::auth::Ctx;
use crate::communities;
use crate::db::{Db, Q};
use crate::domain::counting::VoteState;
use crate::error::{AppError, AppResult, FieldError};
use crate::state::AppState;
use crate::web;

/// Where a pipeline vote's head count comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The Party congress's check-in roll (P-6).
    Roll,
    /// The residents' election's participations.
    Participations,
}

impl Source {
    /// The figure's name: 实到人数 at a Party congress, 参加投票人数 at a residents' election.
    pub fn noun(self) -> &'static str {
        match self {
            Source::Roll => "实到人数",
            Source::Participations => "参加投票人数",
        }
    }
    /// The records, in words.
    pub fn records(self) -> &'static str {
        match self {
            Source::Roll => "签到记录",
            Source::Participations => "参加投票登记",
        }
    }
}

/// A street correction of a vote's head count, as stored.
#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Correction {
    /// Id.
    pub id: i64,
    /// Present according to the records when corrected.
    pub recorded: i64,
    /// Present, corrected.
    pub present: i64,
    /// Ballots issued, corrected (at most present).
    pub ballots_issued: i64,
    /// Why.
    pub reason: String,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// The head count of a pipeline vote.
#[derive(Clone, Debug, Serialize)]
pub struct HeadCount {
    /// Where it comes from.
    pub source: Source,
    /// Present according to the records; `None` while a residents' election's polls are open.
    pub recorded: Option<i64>,
    /// The street's latest correction, if any.
    pub correction: Option<Correction>,
}

impl HeadCount {
    /// Present: the correction's, else the records'.
    pub fn present(&self) -> Option<i64> {
        self.correction
            .as_ref()
            .map(|c| c.present)
            .or(self.recorded)
    }
    /// Ballots issued: the correction's, else one per participation.
    pub fn issued(&self) -> Option<i64> {
        self.correction
            .as_ref()
            .map(|c| c.ballots_issued)
            .or(self.recorded)
    }
    /// What the figures rest on, in words.
    pub fn basis(&self) -> &'static str {
        if self.correction.is_some() {
            "街道工作组的更正"
        } else {
            self.source.records()
        }
    }
    /// Refuses (409) typed figures that differ from the derived ones, with both numbers; the
    /// same figure, or none, passes.
    pub fn check(&self, present: Option<i64>, issued: Option<i64>) -> AppResult<()> {
        let noun = self.source.noun();
        let Some(p) = self.present() else {
            if present.is_some() || issued.is_some() {
                return Err(AppError::conflict(format!(
                    "投票尚未结束：{noun}以{}为准，结束投票后统计，不能填写。",
                    self.source.records()
                )));
            }
            return Ok(());
        };
        let basis = self.basis();
        if let Some(t) = present.filter(|t| *t != p) {
            return Err(AppError::conflict(format!(
                "{noun}以{basis}为准（{p} 人），不能填写 {t} 人；如需更正，须由街道工作组写明理由。"
            )));
        }
        let i = self.issued().unwrap_or(p);
        if let Some(t) = issued.filter(|t| *t != i) {
            return Err(AppError::conflict(format!(
                "发出选票数以{basis}为准（{i} 张），不能填写 {t} 张；如需更正，须由街道工作组写明理由。"
            )));
        }
        Ok(())
    }
    /// The correction in words, for the vote page and the count report: "实到人数 83 人（街道
    /// 工作组更正，原签到记录 81 人，理由：…）"; `None` without a correction.
    pub fn note(&self) -> Option<String> {
        let c = self.correction.as_ref()?;
        let issued = if c.ballots_issued == c.present {
            String::new()
        } else {
            format!("、发出选票 {} 张", c.ballots_issued)
        };
        Some(format!(
            "{} {} 人{issued}（街道工作组更正，原{} {} 人，理由：{}）",
            self.source.noun(),
            c.present,
            self.source.records(),
            c.recorded,
            c.reason
        ))
    }
}

/// The head count of `vote` when its meeting is a Party congress's or a residents'
/// election's; `None` for a meeting attached to neither (its figures are typed).
pub async fn of(db: &Db, vote: &Vote) -> AppResult<Option<HeadCount>> {
    let party: Option<(i64,)> =
        Q::new("select campaign_id from party_congresses where meeting_id = $1")
            .bind(vote.meeting_id)
            .optional(db)
            .await?;
    let (source, recorded) = if let Some((campaign,)) = party {
        // Checked in among those due: an exclusion the street approved leaves a member out
        // (`party::congress_read::DUE_SQL`); one still pending does not.
        let present = Q::new(
            "select count(*) from party_roll where campaign_id = $1 \
                and coalesce(exclusion_status, '') <> 'approved' and checked_in_at is not null",
        )
        .bind(campaign)
        .scalar(db)
        .await?;
        (Source::Roll, Some(present))
    } else {
        let election: Option<(i64,)> =
            Q::new("select campaign_id from resident_elections where meeting_id = $1")
                .bind(vote.meeting_id)
                .optional(db)
                .await?;
        let Some((campaign,)) = election else {
            return Ok(None);
        };
        // The polls are closed once the quorum check is stored (`residents::close_polls`).
        let closed = Q::new("select count(*) from rule_checks where subject_type = 'resident_election' and subject_id = $1 and rule = 'R-7.quorum'")
            .bind(campaign)
            .scalar(db)
            .await?
            > 0;
        let recorded = if closed {
            Some(
                Q::new("select count(*) from resident_participations where campaign_id = $1")
                    .bind(campaign)
                    .scalar(db)
                    .await?,
            )
        } else {
            None
        };
        (Source::Participations, recorded)
    };
    let correction = Q::new(
        "select id, recorded, present, ballots_issued, reason, created_at from head_count_corrections \
         where vote_id = $1 order by id desc limit 1",
    )
    .bind(vote.id)
    .optional(db)
    .await?;
    Ok(Some(HeadCount {
        source,
        recorded,
        correction,
    }))
}

/// A correction as asked.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CorrectionInput {
    /// Present, corrected.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub present: Option<i64>,
    /// Ballots issued, corrected (default: present).
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub ballots_issued: Option<i64>,
    /// Why (required).
    pub reason: String,
}

/// The street corrects the head count of a pipeline vote before its box check, with a reason
/// (audited in the community's chain). Refused (409) for a vote with no participation records,
/// after the box check, while a residents' election's polls are open, or when nothing changes.
pub async fn correct(
    state: &AppState,
    ctx: &Ctx,
    vote_id: i64,
    f: &CorrectionInput,
) -> AppResult<(Vote, HeadCount)> {
    let reason = f.reason.trim();
    let mut errors = Vec::new();
    if f.present.is_none() {
        errors.push(FieldError {
            field: "实到人数".into(),
            message: "请填写更正后的人数".into(),
        });
    }
    if reason.is_empty() {
        errors.push(FieldError {
            field: "理由".into(),
            message: "更正实到人数必须写明理由".into(),
        });
    }
    let Some(p) = f.present.filter(|_| errors.is_empty()) else {
        return Err(AppError::Validation(errors));
    };
    let vote = load_vote(&state.db, vote_id).await?;
    let Some(heads) = of(&state.db, &vote).await? else {
        return Err(AppError::conflict(
            "本投票不属于党员大会或居民选举大会，没有签到或参加投票记录：实到人数在验票时填写，无需更正。",
        ));
    };
    let noun = heads.source.noun();
    if !matches!(vote.state(), VoteState::Draft | VoteState::Voting) {
        return Err(AppError::conflict(format!(
            "投票已验票（{}），{noun}不能再更正。",
            vote.state().label()
        )));
    }
    let Some(recorded) = heads.recorded else {
        return Err(AppError::conflict(format!(
            "投票尚未结束：{noun}以{}为准，请先在选举大会页面结束投票。",
            heads.source.records()
        )));
    };
    let i = f.ballots_issued.unwrap_or(p);
    if p < 0 || i < 0 {
        return Err(AppError::invalid(noun, "人数和票数不能为负"));
    }
    if p > vote.electorate {
        return Err(AppError::invalid(
            noun,
            format!("不能超过应到人数 {}", vote.electorate),
        ));
    }
    if i > p {
        return Err(AppError::invalid("发出选票", format!("不能超过{noun} {p}")));
    }
    if heads.present() == Some(p) && heads.issued() == Some(i) {
        return Err(AppError::conflict(format!(
            "{noun}已是 {p} 人、发出选票 {i} 张，无需更正。"
        )));
    }
    let meeting = load_meeting(&state.db, vote.meeting_id).await?;
    let community = communities::by_id(&state.db, meeting.community_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    let locked = lock_vote(&mut tx, vote.id).await?;
    if locked.state != vote.state {
        return Err(AppError::conflict("投票状态已被他人改变，请刷新。"));
    }
    let id = Q::new(
        "insert into head_count_corrections (vote_id, recorded, present, ballots_issued, reason, created_by, created_at) \
         values ($1, $2, $3, $4, $5, $6, $7) returning id",
    )
    .bind(vote.id)
    .bind(recorded)
    .bind(p)
    .bind(i)
    .bind(reason)
    .bind(ctx.user()?.id)
    .bind(now)
    .scalar(&mut tx)
    .await?;
    Q::new("update votes set present = $1, ballots_issued = $2, updated_at = $3 where id = $4")
        .bind(p)
        .bind(i)
        .bind(now)
        .bind(vote.id)
        .execute(&mut tx)
        .await?;
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: community.scope(),
            action: "correct_head_count",
            entity: "vote",
            entity_id: vote.id.to_string(),
            before: Some(
                json!({"present": vote.present, "ballots_issued": vote.ballots_issued,
                                "recorded": recorded, "source": heads.source}),
            ),
            after: Some(
                json!({"correction": id, "present": p, "ballots_issued": i, "reason": reason}),
            ),
        },
    )
    .await?;
    tx.commit().await?;
    publish(state, vote.id).await;
    let after = Vote {
        present: Some(p),
        ballots_issued: Some(i),
        ..vote
    };
    let heads = HeadCount {
        correction: Some(Correction {
            id,
            recorded,
            present: p,
            ballots_issued: i,
            reason: reason.to_string(),
            created_at: now,
        }),
        ..heads
    };
    Ok((after, heads))
}

/// `POST /votes/{vote}/head-count`: the vote page's correction form.
pub async fn correct_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<CorrectionInput>,
) -> AppResult<Response> {
    let back = format!("/votes/{id}");
    match correct(&state, &ctx, id, &f).await {
        Ok((_, heads)) => {
            let note = heads.note().unwrap_or_default();
            web::flash(&session, "ok", format!("已更正：{note}。")).await;
            Ok(web::see_other(&back))
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            web::back_with_error(&session, &back, e).await
        }
        Err(e) => Err(e),
    }
}

/// `POST /api/v1/votes/{vote}/head-count`: 201 with the vote and its head count.
pub async fn api_correct(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<CorrectionInput>,
) -> AppResult<Response> {
    let (vote, heads) = correct(&state, &ctx, id, &f).await?;
    let body = json!({"vote": vote.to_json(), "head_count": heads, "note": heads.note()});
    Ok((StatusCode::CREATED, Json(body)).into_response())
}
