//! S-1.3 动员部署与宣传: the mobilisation meetings (date, place, speakers, attendance by
//! category, notes), the page `/street/mobilisation` that also shows every community's
//! publicity, the step's close conditions, and the API.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tower_sessions::Session;

use super::{Fields, ReasonInput, record, step_view};
use crate::auth::Ctx;
use crate::db::{Db, Q};
use crate::error::{AppError, AppResult};
use crate::routes::{Access, RouteDef, create, delete, get, post, put};
use crate::state::AppState;
use crate::street_steps::{Fact, StreetStepOut};
use crate::web::{self, Layout};

const PAGE: &str = "/street/mobilisation";

/// The routes of the mobilisation meetings.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    vec![
        get(PAGE, Access::Street, r::get(page_get)),
        create(
            "/street/mobilisation/meetings",
            Access::Street,
            r::post(add_post),
        ),
        post(
            "/street/mobilisation/meetings/{mobilisation}",
            Access::Street,
            r::post(update_post),
        ),
        post(
            "/street/mobilisation/meetings/{mobilisation}/delete",
            Access::Street,
            r::post(remove_post),
        ),
        get(
            "/api/v1/street/mobilisation",
            Access::Street,
            r::get(api_get),
        ),
        create(
            "/api/v1/street/mobilisation/meetings",
            Access::Street,
            r::post(api_add),
        ),
        put(
            "/api/v1/street/mobilisation/meetings/{mobilisation}",
            Access::Street,
            r::put(api_update),
        ),
        delete(
            "/api/v1/street/mobilisation/meetings/{mobilisation}",
            Access::Street,
            r::delete(api_remove),
        ),
    ]
}

/// A mobilisation meeting (动员部署会议).
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Meeting {
    /// Id.
    pub id: i64,
    /// 日期.
    pub date: NaiveDate,
    /// 地点.
    pub place: String,
    /// 讲话人 (who spoke).
    pub speakers: String,
    /// 街道干部 attending.
    pub attend_street: i64,
    /// 社区干部.
    pub attend_community: i64,
    /// 居民代表.
    pub attend_residents: i64,
    /// 党员代表.
    pub attend_party: i64,
    /// 其他.
    pub attend_other: i64,
    /// 备注.
    pub notes: String,
}

impl Meeting {
    /// Everyone attending.
    pub fn attendance(&self) -> i64 {
        self.attend_street
            + self.attend_community
            + self.attend_residents
            + self.attend_party
            + self.attend_other
    }
}

const COLS: &str = "id, date, place, speakers, attend_street, attend_community, attend_residents, attend_party, attend_other, notes";

/// Every meeting, by date.
pub async fn meetings(db: &Db) -> AppResult<Vec<Meeting>> {
    Q::new(format!(
        "select {COLS} from mobilisation_meetings order by date, id"
    ))
    .all(db)
    .await
}

async fn meeting(db: &Db, id: i64) -> AppResult<Meeting> {
    Q::new(format!(
        "select {COLS} from mobilisation_meetings where id = $1"
    ))
    .bind(id)
    .optional(db)
    .await?
    .ok_or(AppError::NotFound)
}

/// A meeting as the form and the API send it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct MeetingInput {
    /// 日期 `YYYY-MM-DD`.
    pub date: String,
    /// 地点.
    pub place: String,
    /// 讲话人.
    pub speakers: String,
    /// 街道干部.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub attend_street: Option<i64>,
    /// 社区干部.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub attend_community: Option<i64>,
    /// 居民代表.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub attend_residents: Option<i64>,
    /// 党员代表.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub attend_party: Option<i64>,
    /// 其他.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub attend_other: Option<i64>,
    /// 备注.
    pub notes: String,
}

impl MeetingInput {
    fn checked(&self, id: i64) -> AppResult<Meeting> {
        let mut f = Fields::default();
        let m = Meeting {
            id,
            date: f.date("日期", &self.date),
            place: f.text("地点", &self.place, 100, true),
            speakers: f.text("讲话人", &self.speakers, 200, false),
            attend_street: f.count("街道干部人数", self.attend_street),
            attend_community: f.count("社区干部人数", self.attend_community),
            attend_residents: f.count("居民代表人数", self.attend_residents),
            attend_party: f.count("党员代表人数", self.attend_party),
            attend_other: f.count("其他人数", self.attend_other),
            notes: f.text("备注", &self.notes, 2000, false),
        };
        f.done()?;
        Ok(m)
    }
}

fn bind_meeting(q: Q, m: &Meeting) -> Q {
    q.bind(m.date)
        .bind(&m.place)
        .bind(&m.speakers)
        .bind(m.attend_street)
        .bind(m.attend_community)
        .bind(m.attend_residents)
        .bind(m.attend_party)
        .bind(m.attend_other)
        .bind(&m.notes)
        .bind(crate::now())
}

/// Records a meeting (audited).
pub async fn add_meeting(state: &AppState, ctx: &Ctx, f: &MeetingInput) -> AppResult<Meeting> {
    let mut m = f.checked(0)?;
    let mut tx = state.db.begin().await?;
    let q = Q::new(
        "insert into mobilisation_meetings (date, place, speakers, attend_street, attend_community, attend_residents, \
         attend_party, attend_other, notes, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) returning id",
    );
    m.id = bind_meeting(q, &m).scalar(&mut tx).await?;
    let what = ("create", "mobilisation_meeting", m.id.to_string());
    record(&mut tx, ctx, what, None, Some(json!(m))).await?;
    tx.commit().await?;
    Ok(m)
}

/// Changes a meeting (audited with the state before).
pub async fn update_meeting(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    f: &MeetingInput,
) -> AppResult<Meeting> {
    let before = meeting(&state.db, id).await?;
    let m = f.checked(id)?;
    let mut tx = state.db.begin().await?;
    let q = Q::new(
        "update mobilisation_meetings set date = $1, place = $2, speakers = $3, attend_street = $4, attend_community = $5, \
         attend_residents = $6, attend_party = $7, attend_other = $8, notes = $9, updated_at = $10 where id = $11",
    );
    bind_meeting(q, &m).bind(id).execute(&mut tx).await?;
    let what = ("update", "mobilisation_meeting", id.to_string());
    record(&mut tx, ctx, what, Some(json!(before)), Some(json!(m))).await?;
    tx.commit().await?;
    Ok(m)
}

/// Removes a meeting, with the reason (audited).
pub async fn remove_meeting(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    reason: &str,
) -> AppResult<Meeting> {
    let before = meeting(&state.db, id).await?;
    let mut tx = state.db.begin().await?;
    Q::new("delete from mobilisation_meetings where id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    let what = ("delete", "mobilisation_meeting", id.to_string());
    let after = json!({"reason": reason});
    record(&mut tx, ctx, what, Some(json!(before)), Some(after)).await?;
    tx.commit().await?;
    Ok(before)
}

/// S-1.3's close conditions: at least one mobilisation meeting, and publicity recorded in
/// every community (the missing ones named).
pub async fn facts(db: &Db) -> AppResult<Vec<Fact>> {
    let ms = meetings(db).await?;
    let people: i64 = ms.iter().map(Meeting::attendance).sum();
    let meeting = Fact::of(
        "S-1.3",
        "mobilisation",
        !ms.is_empty(),
        if ms.is_empty() {
            "尚未登记动员部署会议".to_string()
        } else {
            format!("已召开动员部署会议 {} 次，参会 {people} 人次", ms.len())
        },
    );
    let rows = super::publicity::coverage(db).await?;
    let missing: Vec<&str> = rows
        .iter()
        .filter(|(_, n)| *n == 0)
        .map(|(c, _)| c.name.as_str())
        .collect();
    let done = rows.len() - missing.len();
    let mut detail = format!("{} 个社区中 {done} 个已登记宣传资料发放", rows.len());
    if !missing.is_empty() {
        detail.push_str(&format!("，尚缺：{}", missing.join("、")));
    }
    let publicity = Fact::of(
        "S-1.3",
        "mobilisation",
        !rows.is_empty() && missing.is_empty(),
        detail,
    );
    Ok(vec![meeting, publicity])
}

#[derive(Template, WebTemplate)]
#[template(path = "street/mobilisation.html")]
struct MobilisationPage {
    layout: Layout,
    meetings: Vec<Meeting>,
    /// Each community with how many publicity records it has.
    coverage: Vec<(crate::communities::Community, i64)>,
    step: StreetStepOut,
}

async fn page_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
) -> AppResult<MobilisationPage> {
    Ok(MobilisationPage {
        layout: Layout::new(&ctx, &session, "动员部署与宣传").await,
        meetings: meetings(&state.db).await?,
        coverage: super::publicity::coverage(&state.db).await?,
        step: step_view(&state, "S-1.3").await?,
    })
}

async fn add_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Form(f): Form<MeetingInput>,
) -> AppResult<Response> {
    let r = add_meeting(&state, &ctx, &f).await;
    web::finish(&session, PAGE, r, |m| {
        format!("已登记 {} 的动员部署会议。", m.date)
    })
    .await
}

async fn update_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<MeetingInput>,
) -> AppResult<Response> {
    let r = update_meeting(&state, &ctx, id, &f).await;
    web::finish(&session, PAGE, r, |m| {
        format!("已保存 {} 的动员部署会议。", m.date)
    })
    .await
}

async fn remove_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<ReasonInput>,
) -> AppResult<Response> {
    let r = match f.checked() {
        Ok(reason) => remove_meeting(&state, &ctx, id, &reason).await,
        Err(e) => Err(e),
    };
    web::finish(&session, PAGE, r, |m| {
        format!("已删除 {} 的动员部署会议。", m.date)
    })
    .await
}

async fn api_get(State(state): State<AppState>) -> AppResult<Json<Value>> {
    let coverage: Vec<Value> = super::publicity::coverage(&state.db)
        .await?
        .into_iter()
        .map(|(c, n)| json!({"code": c.code, "name": c.name, "records": n}))
        .collect();
    Ok(Json(json!({
        "meetings": meetings(&state.db).await?,
        "publicity": coverage,
        "step": step_view(&state, "S-1.3").await?,
    })))
}

async fn api_add(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(f): Json<MeetingInput>,
) -> AppResult<Response> {
    let m = add_meeting(&state, &ctx, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"meeting": m}))).into_response())
}

async fn api_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<MeetingInput>,
) -> AppResult<Json<Value>> {
    Ok(Json(
        json!({"meeting": update_meeting(&state, &ctx, id, &f).await?}),
    ))
}

async fn api_remove(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<ReasonInput>,
) -> AppResult<Json<Value>> {
    let reason = f.checked()?;
    Ok(Json(
        json!({"removed": remove_meeting(&state, &ctx, id, &reason).await?}),
    ))
}
