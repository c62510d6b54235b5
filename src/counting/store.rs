//! Meetings, staff and votes as stored, and the bridge to the tally engine.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::db::{Db, Q, Tx};
use crate::domain::counting::{BallotStatus, EntryBallot, VoteState};
use crate::domain::tally::{TallyInput, TallyResult, tally};
use crate::error::{AppError, AppResult};

/// A meeting row.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Meeting {
    /// Id.
    pub id: i64,
    /// Community.
    pub community_id: i64,
    /// Title (第八届社区党员大会).
    pub title: String,
    /// `party` | `residents`.
    pub kind: String,
    /// Date.
    pub date: NaiveDate,
    /// Closed after its last vote was certified.
    pub closed_at: Option<DateTime<Utc>>,
}

impl Meeting {
    /// 党员大会 or 选举大会.
    pub fn kind_label(&self) -> &'static str {
        if self.kind == "party" {
            "党员大会"
        } else {
            "居民选举大会"
        }
    }
}

/// A staff member of a meeting.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Staff {
    /// Id.
    pub id: i64,
    /// Meeting.
    pub meeting_id: i64,
    /// Name.
    pub name: String,
    /// Person, if given as one.
    pub person_id: Option<i64>,
    /// `scrutineer` | `counter` | `caller`.
    pub role: String,
    /// 总监票人 / 总计票人.
    pub chief: bool,
    /// 计票组 of a counter.
    pub table_no: Option<i64>,
    /// Login, for scrutineers and counters.
    pub user_id: Option<i64>,
    /// Added after counting began: why (the street's or the chief scrutineer's reason).
    pub added_reason: Option<String>,
}

/// The meeting's staff, each with whether their login is locked (see `auth::throttle`).
pub async fn staff_with_locks(
    state: &crate::state::AppState,
    meeting_id: i64,
) -> AppResult<Vec<(Staff, bool)>> {
    let mut out = Vec::new();
    for s in staff_of(&state.db, meeting_id).await? {
        let locked = match s.user_id {
            Some(uid) => match crate::auth::by_id(&state.db, uid).await? {
                Some(u) => crate::auth::is_locked(state, &u.username).await?,
                None => false,
            },
            None => false,
        };
        out.push((s, locked));
    }
    Ok(out)
}

/// The columns of [`Staff`].
pub const STAFF_COLS: &str =
    "id, meeting_id, name, person_id, role, chief, table_no, user_id, added_reason";

impl Staff {
    /// The role's label.
    pub fn label(&self) -> &'static str {
        match (self.role.as_str(), self.chief) {
            ("scrutineer", true) => "总监票人",
            ("scrutineer", false) => "监票人",
            ("counter", true) => "总计票人",
            ("counter", false) => "计票人",
            _ => "唱票人",
        }
    }
}

/// One post of a vote, as stored: the tally contract's post plus who the candidates are.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PostDef {
    /// Post name.
    pub post: String,
    /// Seats.
    pub seats: u64,
    /// Candidates in ballot order.
    pub candidates: Vec<String>,
    /// Who may receive write-ins, if limited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligible: Option<Vec<String>>,
    /// Candidates given as people: name → person id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub people: BTreeMap<String, i64>,
}

/// A vote row.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Vote {
    /// Id.
    pub id: i64,
    /// Meeting.
    pub meeting_id: i64,
    /// Title.
    pub title: String,
    /// `party` | `residents`.
    pub preset: String,
    /// Settings overrides (JSON).
    pub settings: String,
    /// `first` | `tie_revote` | `supplementary`.
    pub round: String,
    /// The vote this one follows.
    pub follows_id: Option<i64>,
    /// Electorate.
    pub electorate: i64,
    /// Posts (JSON of [`PostDef`]).
    pub posts: String,
    /// Double entry on.
    pub double_entry: bool,
    /// State.
    pub state: String,
    /// Voters present.
    pub present: Option<i64>,
    /// Ballots issued.
    pub ballots_issued: Option<i64>,
    /// Ballots collected (box check).
    pub ballots_collected: Option<i64>,
    /// Certified result (JSON).
    pub result: Option<String>,
    /// Audit chain head at certification.
    pub audit_head: Option<String>,
    /// When certified.
    pub certified_at: Option<DateTime<Utc>>,
    /// Ballots entered so far (a table and number with a live entry), kept by entry and void.
    pub ballots_entered: i64,
}

/// Columns of [`Vote`].
pub const VOTE_COLS: &str = "id, meeting_id, title, preset, settings, round, follows_id, electorate, posts, double_entry, state, present, \
    ballots_issued, ballots_collected, result, audit_head, certified_at, ballots_entered";

impl Vote {
    /// The state.
    pub fn state(&self) -> VoteState {
        VoteState::parse(&self.state).unwrap_or(VoteState::Draft)
    }
    /// The posts.
    pub fn posts(&self) -> Vec<PostDef> {
        serde_json::from_str(&self.posts).unwrap_or_default()
    }
    /// The settings overrides.
    pub fn settings(&self) -> Value {
        serde_json::from_str(&self.settings).unwrap_or_else(|_| json!({}))
    }
    /// Round label.
    pub fn round_label(&self) -> &'static str {
        match self.round.as_str() {
            "tie_revote" => "得票相等再次投票",
            "supplementary" => "另行选举",
            _ => "第一轮",
        }
    }
    /// The API form.
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id, "meeting_id": self.meeting_id, "title": self.title, "preset": self.preset,
            "settings": self.settings(), "round": self.round, "follows": self.follows_id, "electorate": self.electorate,
            "posts": self.posts(), "double_entry": self.double_entry, "state": self.state, "present": self.present,
            "ballots_issued": self.ballots_issued, "ballots_collected": self.ballots_collected,
            "certified": self.state() == VoteState::Certified, "audit_head": self.audit_head,
        })
    }
    /// The tally engine's input for these ballots. `box_override` replaces the box numbers
    /// (used to check one ballot on its own).
    pub fn tally_input(
        &self,
        ballots: &[EntryBallot],
        box_override: Option<(i64, i64, i64)>,
    ) -> Result<TallyInput, String> {
        let (present, issued, collected) = box_override.unwrap_or((
            self.present.unwrap_or(0),
            self.ballots_issued.or(self.present).unwrap_or(0),
            self.ballots_collected.unwrap_or(ballots.len() as i64),
        ));
        let posts: Vec<Value> = self
            .posts()
            .into_iter()
            .map(|p| {
                let mut v = json!({"post": p.post, "seats": p.seats, "candidates": p.candidates});
                if let Some(e) = p.eligible {
                    v["eligible"] = json!(e);
                }
                v
            })
            .collect();
        let doc = json!({
            "preset": self.preset, "settings": self.settings(), "round": self.round,
            "electorate": self.electorate, "present": present, "ballots_issued": issued, "ballots_collected": collected,
            "posts": posts, "ballots": ballots.iter().map(EntryBallot::to_tally).collect::<Vec<_>>(),
        });
        serde_json::from_value(doc).map_err(|e| e.to_string())
    }
}

/// Loads a meeting (404 when absent).
pub async fn load_meeting(db: &Db, id: i64) -> AppResult<Meeting> {
    Q::new("select id, community_id, title, kind, date, closed_at from meetings where id = $1")
        .bind(id)
        .optional(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Loads a vote (404 when absent).
pub async fn load_vote(db: &Db, id: i64) -> AppResult<Vote> {
    Q::new(format!("select {VOTE_COLS} from votes where id = $1"))
        .bind(id)
        .optional(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Loads a vote inside a transaction, locking it where the backend needs that.
pub async fn lock_vote(tx: &mut Tx, id: i64) -> AppResult<Vote> {
    let lock = tx.for_update();
    Q::new(format!("select {VOTE_COLS} from votes where id = $1{lock}"))
        .bind(id)
        .optional(tx)
        .await?
        .ok_or(AppError::NotFound)
}

/// The staff of a meeting.
pub async fn staff_of(db: &Db, meeting_id: i64) -> AppResult<Vec<Staff>> {
    Q::new(format!(
        "select {STAFF_COLS} from meeting_staff where meeting_id = $1 order by id"
    ))
    .bind(meeting_id)
    .all(db)
    .await
}

/// The staff record of a user in a meeting.
pub async fn staff_of_user(db: &Db, meeting_id: i64, user_id: i64) -> AppResult<Option<Staff>> {
    Q::new(format!(
        "select {STAFF_COLS} from meeting_staff where meeting_id = $1 and user_id = $2"
    ))
    .bind(meeting_id)
    .bind(user_id)
    .optional(db)
    .await
}

/// A reconciled ballot row.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct BallotRow {
    /// Table.
    pub table_no: i64,
    /// Number in the table.
    pub seq: i64,
    /// Status.
    pub status: String,
    /// The ballot that counts (JSON).
    pub ballot: Option<String>,
    /// Note (resolution, decision).
    pub note: Option<String>,
}

impl BallotRow {
    /// The status.
    pub fn status(&self) -> BallotStatus {
        BallotStatus::parse(&self.status).unwrap_or(BallotStatus::Pending)
    }
    /// The ballot.
    pub fn entry(&self) -> Option<EntryBallot> {
        self.ballot
            .as_deref()
            .and_then(|b| serde_json::from_str(b).ok())
    }
}

/// Every reconciled ballot of a vote, in table and number order.
pub async fn ballots_of(db: &Db, vote_id: i64) -> AppResult<Vec<BallotRow>> {
    Q::new("select table_no, seq, status, ballot, note from ballots where vote_id = $1 order by table_no, seq").bind(vote_id).all(db).await
}

/// The engine's result for the ballots counted so far.
pub async fn tally_of(db: &Db, vote: &Vote) -> AppResult<TallyResult> {
    let counted: Vec<EntryBallot> = ballots_of(db, vote.id)
        .await?
        .iter()
        .filter(|b| b.status().counts())
        .filter_map(BallotRow::entry)
        .collect();
    let input = vote
        .tally_input(&counted, None)
        .map_err(AppError::internal)?;
    tally(&input).map_err(|e| AppError::internal(e.en()))
}
