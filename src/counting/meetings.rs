//! Meetings and their staff: 总监票人, 监票人, 总计票人, 计票人 (paired into tables) and 唱票人.
//! Scrutineers and counters get a login for this meeting, valid until it is closed.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;

use super::store::{Meeting, Staff, VOTE_COLS, Vote, load_meeting, staff_of, staff_of_user};
use crate::audit::{self, Change};
use crate::auth::{Ctx, Role};
use crate::communities::{self, Community};
use crate::db::{Q, Tx};
use crate::domain::counting::{Someone, VoteState, staff_conflict};
use crate::domain::person::parse_date;
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::web::{self, Layout};

/// Input for a meeting.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct MeetingInput {
    /// Title.
    pub title: String,
    /// `party` | `residents`.
    pub kind: String,
    /// Date.
    pub date: String,
}

async fn create_meeting(state: &AppState, ctx: &Ctx, f: &MeetingInput) -> AppResult<Meeting> {
    let c = ctx.community()?.clone();
    let mut tx = state.db.begin().await?;
    let m = insert_meeting(&mut tx, ctx, &c, f).await?;
    tx.commit().await?;
    Ok(m)
}

/// Checks and inserts a meeting of `c` in `tx`, audited in the community's chain (the Party
/// pipeline creates its 党员大会's meeting this way, in its own transaction).
pub(crate) async fn insert_meeting(
    tx: &mut Tx,
    ctx: &Ctx,
    c: &Community,
    f: &MeetingInput,
) -> AppResult<Meeting> {
    let title = f.title.trim();
    if title.is_empty() || title.chars().count() > 60 {
        return Err(AppError::invalid("会议名称", "不能为空，最多 60 字"));
    }
    if f.kind != "party" && f.kind != "residents" {
        return Err(AppError::invalid(
            "会议类型",
            "应为党员大会（party）或居民选举大会（residents）",
        ));
    }
    let date: NaiveDate = parse_date(&f.date)
        .ok_or_else(|| AppError::invalid("日期", format!("“{}”不是有效日期", f.date)))?;
    let now = crate::now();
    let id = Q::new("insert into meetings (community_id, title, kind, date, created_at, updated_at) values ($1, $2, $3, $4, $5, $5) returning id")
        .bind(c.id)
        .bind(title)
        .bind(&f.kind)
        .bind(date)
        .bind(now)
        .scalar(&mut *tx)
        .await?;
    let m = Meeting {
        id,
        community_id: c.id,
        title: title.into(),
        kind: f.kind.clone(),
        date,
        closed_at: None,
    };
    audit::append(
        tx,
        &ctx.actor(),
        Change {
            scope: c.scope(),
            action: "create",
            entity: "meeting",
            entity_id: id.to_string(),
            before: None,
            after: Some(json!(m)),
        },
    )
    .await?;
    Ok(m)
}

/// Input for a staff member.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct StaffInput {
    /// Name (plain), or
    pub name: String,
    /// a person of the community.
    #[serde(default, deserialize_with = "crate::web::opt_i64::de")]
    pub person_id: Option<i64>,
    /// `scrutineer` | `counter` | `caller`.
    pub role: String,
    /// 总监票人 / 总计票人 (a form checkbox sends "on").
    #[serde(deserialize_with = "crate::counting::store_bool::de")]
    pub chief: bool,
    /// 计票组 of a counter; by default counters are paired in the order added.
    #[serde(default, deserialize_with = "crate::web::opt_i64::de")]
    pub table: Option<i64>,
    /// Once counting has begun: why this person is added (required then).
    #[serde(default)]
    pub reason: String,
    /// The page to return to (the console, for the chief scrutineer).
    #[serde(default)]
    pub back: String,
}

/// The longest reason for a staff change.
const REASON_MAX: usize = 200;

/// Whether counting has begun in the meeting: one of its votes has left draft.
pub async fn counting_begun(db: &crate::db::Db, meeting_id: i64) -> AppResult<bool> {
    Ok(
        Q::new("select count(*) from votes where meeting_id = $1 and state <> 'draft'")
            .bind(meeting_id)
            .scalar(db)
            .await?
            > 0,
    )
}

/// Who may add staff, and whether a reason is owed. Before counting begins the community
/// registers its staff. Once a vote has left draft, a new scrutineer or counter could enter
/// ballots unseen, so only the street or the meeting's chief scrutineer may add one, with a
/// reason that the console announces; the community's own staff are refused.
async fn staff_change_allowed(
    state: &AppState,
    ctx: &Ctx,
    meeting: &Meeting,
    reason: &str,
) -> AppResult<Option<String>> {
    let user = ctx.user()?;
    let chief = match user.role() {
        Role::Scrutineer => staff_of_user(&state.db, meeting.id, user.id)
            .await?
            .is_some_and(|s| s.role == "scrutineer" && s.chief),
        _ => false,
    };
    if user.role() == Role::Scrutineer && !chief {
        return Err(AppError::Forbidden);
    }
    if !counting_begun(&state.db, meeting.id).await? {
        return Ok(None);
    }
    if user.role() == Role::Community {
        return Err(AppError::conflict(
            "本会议已开始计票：增加监票、计票人员须经总监票人或街道工作组批准，请由总监票人在计票台、或街道工作组在会议页登记并说明理由。",
        ));
    }
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid(
            "理由",
            "计票开始后增加工作人员须说明理由",
        ));
    }
    if reason.chars().count() > REASON_MAX {
        return Err(AppError::invalid("理由", format!("最多 {REASON_MAX} 字")));
    }
    Ok(Some(reason.to_string()))
}

/// Every candidate of a meeting's votes, as the staffing rule sees them.
pub async fn candidates_of(state: &AppState, meeting_id: i64) -> AppResult<Vec<Someone>> {
    let votes: Vec<Vote> = Q::new(format!(
        "select {VOTE_COLS} from votes where meeting_id = $1"
    ))
    .bind(meeting_id)
    .all(&state.db)
    .await?;
    Ok(votes
        .iter()
        .flat_map(|v| v.posts())
        .flat_map(|p| {
            p.candidates
                .iter()
                .map(|n| Someone {
                    name: n.clone(),
                    person_id: p.people.get(n).copied(),
                })
                .collect::<Vec<_>>()
        })
        .collect())
}

/// Related pairs among the given people (spouse, parent, child, sibling).
pub async fn relations_among(state: &AppState, ids: &[i64]) -> AppResult<Vec<(i64, i64)>> {
    let mut out = Vec::new();
    for id in ids {
        let rows: Vec<(i64, i64)> =
            Q::new("select person_id, other_id from relations where person_id = $1")
                .bind(*id)
                .all(&state.db)
                .await?;
        out.extend(rows);
    }
    Ok(out)
}

/// Adds a staff member; returns the staff row and the login's password (shown once).
async fn add_staff(
    state: &AppState,
    ctx: &Ctx,
    meeting: &Meeting,
    f: &StaffInput,
) -> AppResult<(Staff, Option<String>, Option<String>)> {
    if meeting.closed_at.is_some() {
        return Err(AppError::conflict("会议已结束，不能再增加工作人员。"));
    }
    let reason = staff_change_allowed(state, ctx, meeting, &f.reason).await?;
    if !matches!(f.role.as_str(), "scrutineer" | "counter" | "caller") {
        return Err(AppError::invalid(
            "职责",
            "应为监票人（scrutineer）、计票人（counter）或唱票人（caller）",
        ));
    }
    let name = match f.person_id {
        Some(pid) => {
            let row: Option<(String,)> = Q::new("select name from people where id = $1 and (residence_community_id = $2 or hukou_community_id = $2)")
                .bind(pid)
                .bind(meeting.community_id)
                .optional(&state.db)
                .await?;
            row.ok_or_else(|| AppError::invalid("人员", "本社区没有此人"))?
                .0
        }
        None => f.name.trim().to_string(),
    };
    if name.is_empty() {
        return Err(AppError::invalid("姓名", "请填写姓名或选择人员"));
    }
    let staff_person = Someone {
        name: name.clone(),
        person_id: f.person_id,
    };
    let candidates = candidates_of(state, meeting.id).await?;
    let mut ids: Vec<i64> = candidates.iter().filter_map(|c| c.person_id).collect();
    ids.extend(f.person_id);
    let relations = relations_among(state, &ids).await?;
    if let Some(reason) = staff_conflict(
        meeting.kind == "residents",
        &staff_person,
        &candidates,
        &relations,
    ) {
        return Err(AppError::invalid("工作人员", reason));
    }
    let staff = staff_of(&state.db, meeting.id).await?;
    if f.chief && staff.iter().any(|s| s.role == f.role && s.chief) {
        return Err(AppError::invalid("职责", "本会议已有总监票人或总计票人"));
    }
    let table = match (f.role.as_str(), f.table) {
        ("counter", Some(t)) if t >= 1 => Some(t),
        ("counter", Some(_)) => return Err(AppError::invalid("计票组", "应为正整数")),
        ("counter", None) => {
            Some(staff.iter().filter(|s| s.role == "counter").count() as i64 / 2 + 1)
        }
        _ => None,
    };
    let community = communities::by_id(&state.db, meeting.community_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (mut user_id, mut username, mut password) = (None, None, None);
    if f.role != "caller" {
        let n = staff.iter().filter(|s| s.role == f.role).count() + 1;
        let login = format!(
            "m{}-{}{n}",
            meeting.id,
            if f.role == "scrutineer" { "jp" } else { "jj" }
        );
        let input = crate::users::NewUser {
            username: login.clone(),
            display_name: name.clone(),
            role: f.role.clone(),
            community: community.code.clone(),
            password: String::new(),
        };
        let (user, pw) =
            crate::users::create_user(&state.db, state.config.password_cost, &ctx.actor(), &input)
                .await?;
        if let Some(pid) = f.person_id {
            Q::new("update users set person_id = $1 where id = $2")
                .bind(pid)
                .bind(user.id)
                .execute(&state.db)
                .await?;
        }
        user_id = Some(user.id);
        username = Some(login);
        password = pw;
    }
    let mut tx = state.db.begin().await?;
    let s = Staff {
        id: 0,
        meeting_id: meeting.id,
        name,
        person_id: f.person_id,
        role: f.role.clone(),
        chief: f.chief,
        table_no: table,
        user_id,
        added_reason: reason,
    };
    let s = record_staff(&mut tx, &ctx.actor(), &community, meeting, s).await?;
    tx.commit().await?;
    Ok((s, username, password))
}

/// Stores a staff member of `meeting` (its `id` is given here), grants its login (if any) the
/// meeting's capability for its role, and audits it, in `tx`. The staff form and the demo's
/// counting accounts both record staff this way.
pub(crate) async fn record_staff(
    tx: &mut crate::db::Tx,
    actor: &crate::audit::Actor,
    community: &Community,
    meeting: &Meeting,
    mut s: Staff,
) -> AppResult<Staff> {
    s.id = Q::new(
        "insert into meeting_staff (meeting_id, name, person_id, role, chief, table_no, user_id, created_at, added_reason, added_by) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) returning id",
    )
    .bind(meeting.id)
    .bind(&s.name)
    .bind(s.person_id)
    .bind(&s.role)
    .bind(s.chief)
    .bind(s.table_no)
    .bind(s.user_id)
    .bind(crate::now())
    .bind(s.added_reason.clone())
    .bind(s.added_reason.as_ref().and(actor.id))
    .scalar(&mut *tx)
    .await?;
    if let Some(uid) = s.user_id {
        let capability = match (s.role.as_str(), s.chief) {
            ("scrutineer", true) => "chief_scrutineer",
            ("scrutineer", false) => "scrutineer",
            ("counter", true) => "chief_counter",
            _ => "counter",
        };
        Q::new("insert into grants (user_id, community_id, meeting_id, capability, created_at) values ($1, $2, $3, $4, $5)")
            .bind(uid)
            .bind(meeting.community_id)
            .bind(meeting.id)
            .bind(capability)
            .bind(crate::now())
            .execute(&mut *tx)
            .await?;
    }
    audit::append(
        tx,
        actor,
        Change {
            scope: community.scope(),
            action: "create",
            entity: "meeting_staff",
            entity_id: s.id.to_string(),
            before: None,
            after: Some(json!(s)),
        },
    )
    .await?;
    Ok(s)
}

/// Lifts the login lock of a staff member's account (see `auth::throttle`): the street, the
/// community's staff or the meeting's chief scrutineer vouch for the person in the hall.
async fn unlock_staff(
    state: &AppState,
    ctx: &Ctx,
    meeting: &Meeting,
    staff_id: i64,
) -> AppResult<Staff> {
    let user = ctx.user()?;
    if user.role() == Role::Scrutineer
        && !staff_of_user(&state.db, meeting.id, user.id)
            .await?
            .is_some_and(|s| s.role == "scrutineer" && s.chief)
    {
        return Err(AppError::Forbidden);
    }
    let staff = staff_of(&state.db, meeting.id)
        .await?
        .into_iter()
        .find(|s| s.id == staff_id)
        .ok_or(AppError::NotFound)?;
    let uid = staff
        .user_id
        .ok_or_else(|| AppError::conflict("唱票人没有登录账号。"))?;
    let community = communities::by_id(&state.db, meeting.community_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    crate::auth::clear_lock(&mut tx, uid).await?;
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: community.scope(),
            action: "unlock",
            entity: "user",
            entity_id: uid.to_string(),
            before: None,
            after: Some(json!({"staff": staff.id, "name": staff.name})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(staff)
}

pub async fn unlock_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((id, staff_id)): Path<(i64, i64)>,
    Form(f): Form<BackForm>,
) -> AppResult<Response> {
    let m = load_meeting(&state.db, id).await?;
    let back = back_or(&f.back, id);
    match unlock_staff(&state, &ctx, &m, staff_id).await {
        Ok(s) => {
            web::flash(
                &session,
                "ok",
                format!("已为{}{}解除登录锁定。", s.label(), s.name),
            )
            .await;
            Ok(web::see_other(&back))
        }
        Err(e @ AppError::Conflict(_)) => web::back_with_error(&session, &back, e).await,
        Err(e) => Err(e),
    }
}

pub async fn api_unlock(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, staff_id)): Path<(i64, i64)>,
) -> AppResult<Json<serde_json::Value>> {
    let m = load_meeting(&state.db, id).await?;
    let s = unlock_staff(&state, &ctx, &m, staff_id).await?;
    Ok(Json(json!({"ok": true, "staff": s})))
}

/// A form that only says where to return.
#[derive(Deserialize, Default)]
pub struct BackForm {
    #[serde(default)]
    back: String,
}

/// The page to return to: a same-site path given by the form, else the meeting page.
fn back_or(back: &str, meeting_id: i64) -> String {
    match crate::auth::safe_next(back) {
        b if !back.is_empty() && b != "/" => b,
        _ => format!("/meetings/{meeting_id}"),
    }
}

/// Closes a meeting once every vote is certified; its staff logins stop working.
async fn close_meeting(state: &AppState, ctx: &Ctx, meeting: &Meeting) -> AppResult<()> {
    if meeting.closed_at.is_some() {
        return Err(AppError::conflict("会议已经结束。"));
    }
    let votes: Vec<Vote> = Q::new(format!(
        "select {VOTE_COLS} from votes where meeting_id = $1"
    ))
    .bind(meeting.id)
    .all(&state.db)
    .await?;
    if let Some(v) = votes.iter().find(|v| v.state() != VoteState::Certified) {
        return Err(AppError::conflict(format!(
            "“{}”尚未确认，会议不能结束。",
            v.title
        )));
    }
    let community = communities::by_id(&state.db, meeting.community_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    Q::new("update meetings set closed_at = $1, updated_at = $1 where id = $2")
        .bind(crate::now())
        .bind(meeting.id)
        .execute(&mut tx)
        .await?;
    Q::new("update users set disabled = true, session_epoch = session_epoch + 1 where id in (select user_id from meeting_staff where meeting_id = $1 and user_id is not null)")
        .bind(meeting.id)
        .execute(&mut tx)
        .await?;
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: community.scope(),
            action: "close",
            entity: "meeting",
            entity_id: meeting.id.to_string(),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await
}

#[derive(Template, WebTemplate)]
#[template(path = "counting/meetings.html")]
pub struct ListPage {
    layout: Layout,
    community: Community,
    meetings: Vec<Meeting>,
    today: String,
}

pub async fn list_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
) -> AppResult<ListPage> {
    let community = ctx.community()?.clone();
    let meetings = Q::new("select id, community_id, title, kind, date, closed_at from meetings where community_id = $1 order by date desc, id desc")
        .bind(community.id)
        .all(&state.db)
        .await?;
    Ok(ListPage {
        layout: Layout::new(&ctx, &session, format!("{} 选举会议", community.name)).await,
        community,
        meetings,
        today: state.today().to_string(),
    })
}

pub async fn create_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Form(f): Form<MeetingInput>,
) -> AppResult<Response> {
    let code = ctx.community()?.code.clone();
    match create_meeting(&state, &ctx, &f).await {
        Ok(m) => {
            web::flash(&session, "ok", format!("已创建会议“{}”。", m.title)).await;
            Ok(web::see_other(&format!("/meetings/{}", m.id)))
        }
        Err(e @ AppError::Validation(_)) => {
            web::back_with_error(&session, &format!("/communities/{code}/meetings"), e).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "counting/meeting.html")]
pub struct ShowPage {
    layout: Layout,
    m: Meeting,
    community: Community,
    /// Staff with whether their login is locked.
    staff: Vec<(Staff, bool)>,
    /// A vote has left draft: staff changes are the street's or the chief scrutineer's.
    begun: bool,
    /// The viewer is the street.
    street: bool,
    votes: Vec<Vote>,
    /// Staff (by id) who have attended no training (S-1.4): warned, not refused.
    untrained: Vec<i64>,
}

impl ShowPage {
    /// Whether a 监票人 or 计票人 has attended no training.
    fn untrained(&self, staff_id: &i64) -> bool {
        self.untrained.contains(staff_id)
    }

    /// The new-vote form's post lines (number, post, seats), as a meeting of this kind usually
    /// elects them: a 党员大会 its 委员 (书记 and 副书记 in a vote of their own), the residents
    /// 主任, 副主任 and 委员.
    fn post_lines(&self) -> Vec<(usize, &'static str, &'static str)> {
        if self.m.kind == "party" {
            vec![(1, "委员", ""), (2, "", ""), (3, "", "")]
        } else {
            vec![(1, "主任", "1"), (2, "副主任", ""), (3, "委员", "")]
        }
    }
}

pub async fn show_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
) -> AppResult<ShowPage> {
    let m = load_meeting(&state.db, id).await?;
    let community = communities::by_id(&state.db, m.community_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let staff = super::store::staff_with_locks(&state, id).await?;
    let trained = crate::street::training::Trained::load(&state.db).await?;
    let untrained = staff
        .iter()
        .map(|(s, _)| s)
        .filter(|s| matches!(s.role.as_str(), "scrutineer" | "counter"))
        .filter(|s| !trained.covers(s.person_id, s.user_id, &s.name))
        .map(|s| s.id)
        .collect();
    let votes = Q::new(format!(
        "select {VOTE_COLS} from votes where meeting_id = $1 order by id"
    ))
    .bind(id)
    .all(&state.db)
    .await?;
    Ok(ShowPage {
        begun: counting_begun(&state.db, id).await?,
        street: ctx.user()?.is_street(),
        layout: Layout::new(&ctx, &session, m.title.clone()).await,
        m,
        community,
        staff,
        votes,
        untrained,
    })
}

pub async fn staff_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<StaffInput>,
) -> AppResult<Response> {
    let m = load_meeting(&state.db, id).await?;
    let back = back_or(&f.back, id);
    match add_staff(&state, &ctx, &m, &f).await {
        Ok((s, Some(user), Some(pw))) => {
            web::flash(&session, "ok", format!("已登记{}{}。登录账号 {user}，初始密码（只显示这一次，请抄在纸条上交本人）：{pw}", s.label(), s.name)).await;
            Ok(web::see_other(&back))
        }
        Ok((s, _, _)) => {
            web::flash(&session, "ok", format!("已登记{}{}。", s.label(), s.name)).await;
            Ok(web::see_other(&back))
        }
        Err(e @ (AppError::Validation(_) | AppError::Conflict(_))) => {
            web::back_with_error(&session, &back, e).await
        }
        Err(e) => Err(e),
    }
}

pub async fn close_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let m = load_meeting(&state.db, id).await?;
    let back = format!("/meetings/{id}");
    match close_meeting(&state, &ctx, &m).await {
        Ok(()) => {
            web::flash(&session, "ok", "会议已结束，监票、计票人员的账号已停用。").await;
            Ok(web::see_other(&back))
        }
        Err(e @ AppError::Conflict(_)) => web::back_with_error(&session, &back, e).await,
        Err(e) => Err(e),
    }
}

pub async fn api_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(f): Json<MeetingInput>,
) -> AppResult<Response> {
    let m = create_meeting(&state, &ctx, &f).await?;
    Ok((StatusCode::CREATED, Json(json!(m))).into_response())
}

pub async fn api_show(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<serde_json::Value>> {
    let m = load_meeting(&state.db, id).await?;
    let staff = staff_of(&state.db, id).await?;
    let votes: Vec<Vote> = Q::new(format!(
        "select {VOTE_COLS} from votes where meeting_id = $1 order by id"
    ))
    .bind(id)
    .all(&state.db)
    .await?;
    Ok(Json(
        json!({"meeting": m, "staff": staff, "votes": votes.iter().map(Vote::to_json).collect::<Vec<_>>()}),
    ))
}

pub async fn api_staff(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<StaffInput>,
) -> AppResult<Response> {
    let m = load_meeting(&state.db, id).await?;
    let (s, username, password) = add_staff(&state, &ctx, &m, &f).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({"staff": s, "username": username, "password": password})),
    )
        .into_response())
}

pub async fn api_close(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Json<serde_json::Value>> {
    let m = load_meeting(&state.db, id).await?;
    close_meeting(&state, &ctx, &m).await?;
    Ok(Json(json!({"ok": true})))
}
