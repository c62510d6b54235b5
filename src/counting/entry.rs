//! Ballot entry by counters (keyboard first, idempotent by client id, double entry), voiding
//! one's last entry, the scrutineers' dispute queue and the committee's undecided queue.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::Deserialize;
use serde_json::{Value, json};
use tower_sessions::Session;

use super::events::publish_ballot;
use super::store::{
    BallotRow, Meeting, PostDef, Vote, ballots_of, load_meeting, load_vote, lock_vote,
    staff_of_user,
};
use crate::audit::{self, Change};
use crate::auth::Ctx;
use crate::communities;
use crate::db::{Q, Tx, is_unique_violation};
use crate::domain::counting::{BallotStatus, EntryBallot, VoteState, reconcile};
use crate::domain::tally::{PostMarks, tally};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{self, Layout};

/// The answer to an entry.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Entered {
    /// The entry's number in its table.
    pub seq: i64,
    /// The table.
    pub table: i64,
    /// Where ballot `seq` of the table stands now.
    pub status: BallotStatus,
    /// Warnings to show at once (overvotes).
    pub warnings: Vec<String>,
}

/// Checks a keyed ballot against the vote: names and posts exist; an invalid one has a reason.
fn check_ballot(vote: &Vote, b: &EntryBallot) -> AppResult<Vec<String>> {
    if b.undecided {
        return Ok(Vec::new());
    }
    if b.invalid {
        if b.reason.as_deref().map(str::trim).unwrap_or("").is_empty() {
            return Err(AppError::invalid("无效票", "请注明无效的理由"));
        }
        return Ok(Vec::new());
    }
    let input = vote
        .tally_input(
            std::slice::from_ref(b),
            Some((vote.electorate, vote.electorate, 1)),
        )
        .map_err(|e| AppError::invalid("选票", e))?;
    tally(&input).map_err(|e| AppError::invalid("选票", e.zh()))?;
    let c = b.canonical();
    Ok(vote
        .posts()
        .iter()
        .filter_map(|p| {
            let m = c.marks.get(&p.post)?;
            let n = m.for_names.len() + m.write_in.len();
            (n as u64 > p.seats).then(|| {
                format!(
                    "{}：所选人数超过应选人数（选 {n} 人，应选 {} 人）",
                    p.post, p.seats
                )
            })
        })
        .collect())
}

/// Takes ballot `seq` of `table` for an entry, refusing one that would start a ballot beyond
/// those collected from the box: the ballot is new when no counter has entered it yet, and the
/// vote's count of entered ballots (`ballots_entered`, kept by entry and void, read with the
/// vote's lock) already equals the ballots collected. A new ballot is counted at once (rolled
/// back with the entry). Answers whether the ballot is new.
async fn take_ballot(tx: &mut Tx, vote: &Vote, table: i64, seq: i64) -> AppResult<bool> {
    // Single entry numbers each entry past the table's highest live one: always a new ballot.
    let known = if vote.double_entry {
        Q::new("select count(*) from ballot_entries where vote_id = $1 and table_no = $2 and seq = $3 and voided = false")
            .bind(vote.id)
            .bind(table)
            .bind(seq)
            .scalar(&mut *tx)
            .await?
    } else {
        0
    };
    if known > 0 {
        return Ok(false);
    }
    if let Some(collected) = vote.ballots_collected {
        let entered = vote.ballots_entered;
        if entered >= collected {
            return Err(AppError::conflict(format!(
                "收回选票 {collected} 张，已录入 {entered} 张，不能再录入一张新的选票（第 {table} 组第 {seq} 张）。请核对是否重复录入，或请总监票人复核票箱。"
            )));
        }
    }
    Q::new("update votes set ballots_entered = ballots_entered + 1 where id = $1")
        .bind(vote.id)
        .execute(&mut *tx)
        .await?;
    Ok(true)
}

/// Re-reconciles ballot `seq` of a table from its live entries.
async fn settle(tx: &mut Tx, vote: &Vote, table: i64, seq: i64) -> AppResult<BallotStatus> {
    let rows: Vec<(String,)> = Q::new("select ballot from ballot_entries where vote_id = $1 and table_no = $2 and seq = $3 and voided = false order by id")
        .bind(vote.id)
        .bind(table)
        .bind(seq)
        .all(&mut *tx)
        .await?;
    let entries: Vec<EntryBallot> = rows
        .iter()
        .filter_map(|(b,)| serde_json::from_str(b).ok())
        .collect();
    store_reconciled(tx, vote, table, seq, &entries).await
}

/// Stores where ballot `seq` of a table stands, given its live entries.
async fn store_reconciled(
    tx: &mut Tx,
    vote: &Vote,
    table: i64,
    seq: i64,
    entries: &[EntryBallot],
) -> AppResult<BallotStatus> {
    let now = crate::now();
    match reconcile(vote.double_entry, entries) {
        None => {
            Q::new("delete from ballots where vote_id = $1 and table_no = $2 and seq = $3")
                .bind(vote.id)
                .bind(table)
                .bind(seq)
                .execute(&mut *tx)
                .await?;
            Ok(BallotStatus::Pending)
        }
        Some((status, ballot)) => {
            let text = ballot.map(|b| serde_json::to_string(&b).unwrap_or_default());
            Q::new(
                "insert into ballots (vote_id, table_no, seq, status, ballot, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $6) \
                 on conflict (vote_id, table_no, seq) do update set status = excluded.status, ballot = excluded.ballot, resolved_by = null, note = null, updated_at = excluded.updated_at",
            )
            .bind(vote.id)
            .bind(table)
            .bind(seq)
            .bind(status.as_str())
            .bind(text)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            Ok(status)
        }
    }
}

async fn scope_of(state: &AppState, vote: &Vote) -> AppResult<(Meeting, String)> {
    let m = load_meeting(&state.db, vote.meeting_id).await?;
    let c = communities::by_id(&state.db, m.community_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((m, c.scope()))
}

/// Enters one ballot for the calling counter. The same `client_id` again from the same counter
/// answers the first entry's number and status (`true` = a replay); ids are each counter's own.
///
/// Everything that needs no lock is checked here; the write itself ([`EntryWrite`]) goes
/// through the group committer, and the answer comes after the commit that holds it.
pub async fn enter(
    state: &AppState,
    ctx: &Ctx,
    vote_id: i64,
    client_id: &str,
    ballot: &EntryBallot,
) -> AppResult<(Entered, bool)> {
    let user = ctx.user()?;
    let client_id = client_id.trim();
    if client_id.is_empty() || client_id.len() > 100 {
        return Err(AppError::invalid("client_id", "缺少录入编号"));
    }
    let vote = load_vote(&state.db, vote_id).await?;
    if let Some(done) = replay(state, &vote, user.id, client_id).await? {
        return Ok((done, true));
    }
    if vote.state() != VoteState::Counting {
        return Err(AppError::conflict(format!(
            "投票处于“{}”状态，不能录入选票。",
            vote.state().label()
        )));
    }
    let staff = staff_of_user(&state.db, vote.meeting_id, user.id)
        .await?
        .filter(|s| s.role == "counter")
        .ok_or(AppError::Forbidden)?;
    let warnings = check_ballot(&vote, ballot)?;
    let (_, scope) = scope_of(state, &vote).await?;
    let write = EntryWrite {
        vote_id: vote.id,
        user_id: user.id,
        table: staff.table_no.unwrap_or(1),
        client_id: client_id.to_string(),
        ballot: ballot.canonical(),
        scope,
        actor: ctx.actor(),
        api: ctx.api,
        warnings,
    };
    let written = state
        .writer
        .run(&state.db, move |mut tx| async move {
            let out = write.write(&mut tx).await;
            (tx, out)
        })
        .await;
    match written {
        Ok(entered) => {
            publish_ballot(state, vote.id, entered.table, entered.seq).await;
            Ok((entered, false))
        }
        // The same id entered meanwhile (a retry racing its first try): that entry's answer.
        Err(AppError::Conflict(why)) => match replay(state, &vote, user.id, client_id).await? {
            Some(done) => Ok((done, true)),
            None => Err(AppError::Conflict(why)),
        },
        Err(e) => Err(e),
    }
}

/// One checked entry, written under the vote's lock in the group committer's transaction.
struct EntryWrite {
    vote_id: i64,
    user_id: i64,
    table: i64,
    client_id: String,
    ballot: EntryBallot,
    scope: String,
    actor: crate::audit::Actor,
    api: bool,
    warnings: Vec<String>,
}

impl EntryWrite {
    /// Numbers the entry, stores it, settles its ballot, audits it and (API) stores the answer.
    async fn write(self, tx: &mut Tx) -> AppResult<Entered> {
        let vote = lock_vote(tx, self.vote_id).await?;
        if vote.state() != VoteState::Counting {
            return Err(AppError::conflict("投票已不在计票中。"));
        }
        let table = self.table;
        // The highest live number, read from the top of the (vote, table, seq) index: `max()`
        // with the `voided` filter would read every entry of the table.
        let next_sql = if vote.double_entry {
            "select coalesce((select seq from ballot_entries where vote_id = $1 and table_no = $2 and user_id = $3 and voided = false order by seq desc limit 1), 0) + 1"
        } else {
            "select coalesce((select seq from ballot_entries where vote_id = $1 and table_no = $2 and $3 = $3 and voided = false order by seq desc limit 1), 0) + 1"
        };
        let seq = Q::new(next_sql)
            .bind(vote.id)
            .bind(table)
            .bind(self.user_id)
            .scalar(&mut *tx)
            .await?;
        let new = take_ballot(tx, &vote, table, seq).await?;
        let text =
            serde_json::to_string(&self.ballot).map_err(|e| AppError::internal(e.to_string()))?;
        let inserted = Q::new("insert into ballot_entries (vote_id, table_no, seq, user_id, client_id, ballot, created_at) values ($1, $2, $3, $4, $5, $6, $7)")
            .bind(vote.id)
            .bind(table)
            .bind(seq)
            .bind(self.user_id)
            .bind(&self.client_id)
            .bind(&text)
            .bind(crate::now())
            .try_execute(&mut *tx)
            .await;
        match inserted {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Err(AppError::conflict("请重试。")),
            Err(e) => return Err(e.into()),
        }
        // A new ballot's only live entry is this one: nothing to read back.
        let status = if new {
            store_reconciled(tx, &vote, table, seq, std::slice::from_ref(&self.ballot)).await?
        } else {
            settle(tx, &vote, table, seq).await?
        };
        audit::append(
            tx,
            &self.actor,
            Change {
                scope: self.scope,
                action: "enter",
                entity: "ballot",
                entity_id: format!("{}:{table}:{seq}", vote.id),
                before: None,
                after: Some(serde_json::to_value(&self.ballot).unwrap_or(Value::Null)),
            },
        )
        .await?;
        let entered = Entered {
            seq,
            table,
            status,
            warnings: self.warnings,
        };
        if self.api {
            // The API's answer (`api_enter`: 201 and this JSON) is stored with the entry.
            crate::idempotency::answer_in(tx, 201, &json!(entered).to_string()).await?;
        }
        Ok(entered)
    }
}

/// The entry this counter already made under `client_id` (another counter's same id is theirs).
async fn replay(
    state: &AppState,
    vote: &Vote,
    user_id: i64,
    client_id: &str,
) -> AppResult<Option<Entered>> {
    let row: Option<(i64, i64)> =
        Q::new("select table_no, seq from ballot_entries where vote_id = $1 and user_id = $2 and client_id = $3")
            .bind(vote.id)
            .bind(user_id)
            .bind(client_id)
            .optional(&state.db)
            .await?;
    let Some((table, seq)) = row else {
        return Ok(None);
    };
    let status: Option<(String,)> =
        Q::new("select status from ballots where vote_id = $1 and table_no = $2 and seq = $3")
            .bind(vote.id)
            .bind(table)
            .bind(seq)
            .optional(&state.db)
            .await?;
    let status = status
        .and_then(|(s,)| BallotStatus::parse(&s))
        .unwrap_or(BallotStatus::Pending);
    Ok(Some(Entered {
        seq,
        table,
        status,
        warnings: Vec::new(),
    }))
}

/// Voids the calling counter's last live entry (audited); their next entry takes its number.
async fn void_last(state: &AppState, ctx: &Ctx, vote_id: i64) -> AppResult<i64> {
    let user = ctx.user()?;
    let vote = load_vote(&state.db, vote_id).await?;
    if vote.state() != VoteState::Counting {
        return Err(AppError::conflict("投票已不在计票中。"));
    }
    let (_, scope) = scope_of(state, &vote).await?;
    let mut tx = state.db.begin().await?;
    lock_vote(&mut tx, vote.id).await?;
    let last: Option<(i64, i64, i64)> = Q::new("select id, table_no, seq from ballot_entries where vote_id = $1 and user_id = $2 and voided = false order by seq desc, id desc limit 1")
        .bind(vote.id)
        .bind(user.id)
        .optional(&mut tx)
        .await?;
    let (id, table, seq) = last.ok_or_else(|| AppError::conflict("您还没有可作废的录入。"))?;
    let resolved = Q::new("select count(*) from ballots where vote_id = $1 and table_no = $2 and seq = $3 and resolved_by is not null").bind(vote.id).bind(table).bind(seq).scalar(&mut tx).await?;
    if resolved > 0 {
        return Err(AppError::conflict(
            "这张选票已由监票人或选举委员会处理，不能作废。",
        ));
    }
    Q::new("update ballot_entries set voided = true where id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    let left = Q::new("select count(*) from ballot_entries where vote_id = $1 and table_no = $2 and seq = $3 and voided = false")
        .bind(vote.id)
        .bind(table)
        .bind(seq)
        .scalar(&mut tx)
        .await?;
    if left == 0 {
        // The ballot is no longer entered by anybody: the box has room for it again.
        Q::new("update votes set ballots_entered = ballots_entered - 1 where id = $1")
            .bind(vote.id)
            .execute(&mut tx)
            .await?;
    }
    settle(&mut tx, &vote, table, seq).await?;
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope,
            action: "void",
            entity: "ballot",
            entity_id: format!("{}:{table}:{seq}", vote.id),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    publish_ballot(state, vote.id, table, seq).await;
    Ok(seq)
}

/// A decision on a queued ballot: the ballot as read from the paper (or declared).
#[derive(Clone, Debug, Deserialize)]
pub struct Decision {
    /// The ballot.
    pub ballot: EntryBallot,
    /// The table, where the number is used by more than one table.
    #[serde(default)]
    pub table: Option<i64>,
}

/// Resolves a disputed ballot (scrutineer) or decides an undecided one (the committee).
async fn settle_queued(
    state: &AppState,
    ctx: &Ctx,
    vote_id: i64,
    seq: i64,
    d: &Decision,
    from: BallotStatus,
) -> AppResult<BallotRow> {
    let user = ctx.user()?;
    let vote = load_vote(&state.db, vote_id).await?;
    if vote.state() != VoteState::Counting {
        return Err(AppError::conflict("投票已不在计票中。"));
    }
    if d.ballot.undecided {
        return Err(AppError::invalid(
            "选票",
            "请给出有效（含所画记号）或无效（含理由）的认定",
        ));
    }
    if from == BallotStatus::Undecided && linked_to_candidate(state, &vote, user).await? {
        return Err(AppError::invalid(
            "认定人",
            "与本次投票候选人关联的账号不能认定待定选票",
        ));
    }
    check_ballot(&vote, &d.ballot)?;
    let rows: Vec<BallotRow> = ballots_of(&state.db, vote.id)
        .await?
        .into_iter()
        .filter(|r| r.seq == seq && r.status() == from && d.table.is_none_or(|t| t == r.table_no))
        .collect();
    let row = match rows.as_slice() {
        [r] => r.clone(),
        [] => return Err(AppError::NotFound),
        _ => {
            return Err(AppError::invalid(
                "计票组",
                "多个计票组都有此编号，请指明 table",
            ));
        }
    };
    let (_, scope) = scope_of(state, &vote).await?;
    let note = if from == BallotStatus::Disputed {
        "监票人依纸质选票裁定"
    } else if d.ballot.invalid {
        "选举委员会认定无效"
    } else {
        "选举委员会认定有效"
    };
    let text = serde_json::to_string(&d.ballot.canonical())
        .map_err(|e| AppError::internal(e.to_string()))?;
    let mut tx = state.db.begin().await?;
    lock_vote(&mut tx, vote.id).await?;
    let n = Q::new("update ballots set status = 'counted', ballot = $1, resolved_by = $2, note = $3, updated_at = $4 where vote_id = $5 and table_no = $6 and seq = $7 and status = $8")
        .bind(&text)
        .bind(user.id)
        .bind(note)
        .bind(crate::now())
        .bind(vote.id)
        .bind(row.table_no)
        .bind(seq)
        .bind(from.as_str())
        .execute(&mut tx)
        .await?;
    if n == 0 {
        return Err(AppError::conflict("这张选票已被处理。"));
    }
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change { scope, action: if from == BallotStatus::Disputed { "resolve" } else { "decide" }, entity: "ballot", entity_id: format!("{}:{}:{seq}", vote.id, row.table_no), before: row.ballot.as_deref().and_then(|b| serde_json::from_str(b).ok()), after: Some(json!({"ballot": serde_json::from_str::<Value>(&text).unwrap_or(Value::Null), "note": note})) },
    )
    .await?;
    tx.commit().await?;
    publish_ballot(state, vote.id, row.table_no, seq).await;
    Ok(BallotRow {
        status: "counted".into(),
        ballot: Some(text),
        note: Some(note.into()),
        ..row
    })
}

/// Whether an account is linked to a candidate of the vote (by person, or by name).
async fn linked_to_candidate(
    state: &AppState,
    vote: &Vote,
    user: &crate::auth::User,
) -> AppResult<bool> {
    let Some(pid) = user.person_id else {
        return Ok(false);
    };
    let name: Option<(String,)> = Q::new("select name from people where id = $1")
        .bind(pid)
        .optional(&state.db)
        .await?;
    Ok(vote.posts().iter().any(|p| {
        p.people.values().any(|id| *id == pid)
            || name
                .as_ref()
                .is_some_and(|(n,)| p.candidates.contains(n) && !p.people.contains_key(n))
    }))
}

/// The queue of disputed ballots, with both versions side by side.
async fn disputes(state: &AppState, vote_id: i64) -> AppResult<Vec<Value>> {
    let vote = load_vote(&state.db, vote_id).await?;
    let mut out = Vec::new();
    for r in ballots_of(&state.db, vote.id)
        .await?
        .into_iter()
        .filter(|r| r.status() == BallotStatus::Disputed)
    {
        let versions: Vec<(String, String)> = Q::new(
            "select case when u.display_name = '' then u.username else u.display_name end, e.ballot from ballot_entries e join users u on u.id = e.user_id where e.vote_id = $1 and e.table_no = $2 and e.seq = $3 and e.voided = false order by e.id",
        )
        .bind(vote.id)
        .bind(r.table_no)
        .bind(r.seq)
        .all(&state.db)
        .await?;
        let versions: Vec<Value> = versions
            .into_iter()
            .map(|(u, b)| {
                let reading = serde_json::from_str::<EntryBallot>(&b)
                    .map(|e| e.describe())
                    .unwrap_or_default();
                json!({
                    "counter": u,
                    "ballot": serde_json::from_str::<Value>(&b).unwrap_or(Value::Null),
                    "reading": reading,
                })
            })
            .collect();
        out.push(json!({"table": r.table_no, "seq": r.seq, "versions": versions}));
    }
    Ok(out)
}

async fn undecided(state: &AppState, vote_id: i64) -> AppResult<Vec<Value>> {
    Ok(ballots_of(&state.db, vote_id)
        .await?
        .into_iter()
        .filter(|r| r.status() == BallotStatus::Undecided)
        .map(|r| json!({"table": r.table_no, "seq": r.seq}))
        .collect())
}

/// A ballot from the entry form: `for_{post}_{i}`, `against_{post}_{i}`, `write_{post}`,
/// `kind` (marks | invalid | undecided), `reason`.
pub fn ballot_from_form(posts: &[PostDef], fields: &[(String, String)]) -> EntryBallot {
    let get = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let kind = get("kind").unwrap_or("marks");
    if kind == "invalid" {
        return EntryBallot {
            invalid: true,
            reason: get("reason").map(str::to_string),
            ..Default::default()
        };
    }
    if kind == "undecided" {
        return EntryBallot {
            undecided: true,
            ..Default::default()
        };
    }
    let mut b = EntryBallot::default();
    for (pi, p) in posts.iter().enumerate() {
        let mut m = PostMarks::default();
        for (ci, name) in p.candidates.iter().enumerate() {
            if get(&format!("for_{pi}_{ci}")).is_some() {
                m.for_names.push(name.clone());
            }
            if get(&format!("against_{pi}_{ci}")).is_some() {
                m.against.push(name.clone());
            }
        }
        if let Some(w) = get(&format!("write_{pi}")) {
            m.write_in = w
                .split([',', '，', '、', ' '])
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_string)
                .collect();
        }
        b.marks.insert(p.post.clone(), m);
    }
    b
}

#[derive(Template, WebTemplate)]
#[template(path = "counting/enter.html")]
pub struct EnterPage {
    layout: Layout,
    v: Vote,
    posts: Vec<PostDef>,
    party: bool,
    table: i64,
    client_id: String,
    mine: Vec<(i64, String, String)>,
    counting: bool,
}

pub async fn enter_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
) -> AppResult<EnterPage> {
    let user = ctx.user()?;
    let v = load_vote(&state.db, id).await?;
    let staff = staff_of_user(&state.db, v.meeting_id, user.id)
        .await?
        .filter(|s| s.role == "counter")
        .ok_or(AppError::Forbidden)?;
    let table = staff.table_no.unwrap_or(1);
    let mine: Vec<(i64, String)> = Q::new("select e.seq, coalesce(b.status, 'pending') from ballot_entries e left join ballots b on b.vote_id = e.vote_id and b.table_no = e.table_no and b.seq = e.seq where e.vote_id = $1 and e.user_id = $2 and e.voided = false order by e.seq desc limit 10")
        .bind(v.id)
        .bind(user.id)
        .all(&state.db)
        .await?;
    let mine = mine
        .into_iter()
        .map(|(s, st)| {
            (
                s,
                st.clone(),
                BallotStatus::parse(&st)
                    .map(|b| b.label().to_string())
                    .unwrap_or(st),
            )
        })
        .collect();
    let layout = Layout::new(&ctx, &session, format!("录入选票 · {}", v.title)).await;
    Ok(EnterPage {
        client_id: layout.idem(),
        layout,
        posts: v.posts(),
        party: v.preset == "party",
        table,
        mine,
        counting: v.state() == VoteState::Counting,
        v,
    })
}

pub async fn enter_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    let v = load_vote(&state.db, id).await?;
    let ballot = ballot_from_form(&v.posts(), &fields);
    let client_id = fields
        .iter()
        .find(|(k, _)| k == "client_id")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let back = format!("/votes/{id}/enter");
    match enter(&state, &ctx, id, &client_id, &ballot).await {
        Ok((e, _)) => {
            let warn = if e.warnings.is_empty() {
                String::new()
            } else {
                format!("（注意：{}）", e.warnings.join("；"))
            };
            web::flash(
                &session,
                "ok",
                format!("第 {} 张已录入：{}{warn}", e.seq, e.status.label()),
            )
            .await;
            Ok(web::see_other(&back))
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            web::back_with_error(&session, &back, e).await
        }
        Err(e) => Err(e),
    }
}

pub async fn void_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let back = format!("/votes/{id}/enter");
    match void_last(&state, &ctx, id).await {
        Ok(seq) => {
            web::flash(
                &session,
                "ok",
                format!("已作废第 {seq} 张的录入，请重新录入该张。"),
            )
            .await;
            Ok(web::see_other(&back))
        }
        Err(e @ AppError::Conflict(_)) => web::back_with_error(&session, &back, e).await,
        Err(e) => Err(e),
    }
}

async fn queued_form(
    state: &AppState,
    ctx: &Ctx,
    session: &Session,
    id: i64,
    seq: i64,
    fields: &[(String, String)],
    from: BallotStatus,
) -> AppResult<Response> {
    let v = load_vote(&state.db, id).await?;
    let ballot = ballot_from_form(&v.posts(), fields);
    let table = fields
        .iter()
        .find(|(k, _)| k == "table")
        .and_then(|(_, v)| v.parse().ok());
    let back = format!("/votes/{id}");
    match settle_queued(state, ctx, id, seq, &Decision { ballot, table }, from).await {
        Ok(_) => {
            web::flash(session, "ok", format!("第 {seq} 张已处理并计入。")).await;
            Ok(web::see_other(&back))
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            web::back_with_error(session, &back, e).await
        }
        Err(e) => Err(e),
    }
}

pub async fn dispute_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((id, seq)): Path<(i64, i64)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    queued_form(
        &state,
        &ctx,
        &session,
        id,
        seq,
        &fields,
        BallotStatus::Disputed,
    )
    .await
}

pub async fn undecided_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((id, seq)): Path<(i64, i64)>,
    Form(fields): Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    queued_form(
        &state,
        &ctx,
        &session,
        id,
        seq,
        &fields,
        BallotStatus::Undecided,
    )
    .await
}

/// Body of an API entry.
#[derive(Clone, Debug, Deserialize)]
pub struct EntryInput {
    /// Client-generated id: a retry with the same id is the same entry.
    pub client_id: String,
    /// The ballot.
    pub ballot: EntryBallot,
}

pub async fn api_enter(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<EntryInput>,
) -> AppResult<Response> {
    let (e, replayed) = enter(&state, &ctx, id, &f.client_id, &f.ballot).await?;
    let status = if replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(json!(e))).into_response())
}

pub async fn api_void(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Json<Value>> {
    Ok(Json(
        json!({"voided_seq": void_last(&state, &ctx, id).await?}),
    ))
}

pub async fn api_disputes(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<Value>> {
    Ok(Json(json!({"disputes": disputes(&state, id).await?})))
}

pub async fn api_resolve(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, seq)): Path<(i64, i64)>,
    Json(d): Json<Decision>,
) -> AppResult<Json<Value>> {
    Ok(Json(
        json!({"ballot": settle_queued(&state, &ctx, id, seq, &d, BallotStatus::Disputed).await?}),
    ))
}

pub async fn api_undecided(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<Value>> {
    Ok(Json(json!({"undecided": undecided(&state, id).await?})))
}

pub async fn api_decide(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, seq)): Path<(i64, i64)>,
    Json(d): Json<Decision>,
) -> AppResult<Json<Value>> {
    Ok(Json(
        json!({"ballot": settle_queued(&state, &ctx, id, seq, &d, BallotStatus::Undecided).await?}),
    ))
}

/// Disputes for the vote page.
pub async fn disputes_for_page(state: &AppState, id: i64) -> AppResult<Vec<Value>> {
    disputes(state, id).await
}
