//! The training page `/street/training` (sessions, attendees, the step's close form), the
//! printable sign-in sheet, and the API mirroring the forms.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde_json::{Value, json};
use tower_sessions::Session;

use super::*;
use crate::routes::{Access, RouteDef, create, delete, get, post, put};
use crate::street::{ReasonInput, UserChoice, step_view, users};
use crate::street_steps::StreetStepOut;
use crate::web::{self, Layout};

const PAGE: &str = "/street/training";

/// The routes of S-1.4.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    let s = Access::Street;
    // A session's removal comes after its attendees' routes (it removes them too).
    vec![
        get(PAGE, s, r::get(page_get)),
        create(PAGE, s, r::post(add_post)),
        post("/street/training/{training}", s, r::post(update_post)),
        get("/street/training/{training}/sheet", s, r::get(sheet_get)),
        create(
            "/street/training/{training}/attendees",
            s,
            r::post(attendee_post),
        ),
        post(
            "/street/training/{training}/attendees/{attendee}/delete",
            s,
            r::post(attendee_remove_post),
        ),
        post(
            "/street/training/{training}/delete",
            s,
            r::post(remove_post),
        ),
        get("/api/v1/street/training", s, r::get(api_list)),
        create("/api/v1/street/training", s, r::post(api_add)),
        put("/api/v1/street/training/{training}", s, r::put(api_update)),
        create(
            "/api/v1/street/training/{training}/attendees",
            s,
            r::post(api_attendee),
        ),
        delete(
            "/api/v1/street/training/{training}/attendees/{attendee}",
            s,
            r::delete(api_attendee_remove),
        ),
        delete(
            "/api/v1/street/training/{training}",
            s,
            r::delete(api_remove),
        ),
    ]
}

#[derive(Template, WebTemplate)]
#[template(path = "street/training.html")]
struct TrainingPage {
    layout: Layout,
    trainings: Vec<Training>,
    attendees: Vec<Attendee>,
    users: Vec<UserChoice>,
    today: String,
    step: StreetStepOut,
}

impl TrainingPage {
    /// The attendees of a session.
    fn of(&self, training_id: &i64) -> Vec<&Attendee> {
        self.attendees
            .iter()
            .filter(|a| a.training_id == *training_id)
            .collect()
    }
}

async fn page_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
) -> AppResult<TrainingPage> {
    Ok(TrainingPage {
        layout: Layout::new(&ctx, &session, "集中培训").await,
        trainings: trainings(&state.db).await?,
        attendees: attendees(&state.db, None).await?,
        users: users(&state.db, &["street", "community", "scrutineer", "counter"]).await?,
        today: state.today().to_string(),
        step: step_view(&state, "S-1.4").await?,
    })
}

async fn add_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Form(f): Form<TrainingInput>,
) -> AppResult<Response> {
    let r = add_training(&state, &ctx, &f).await;
    web::finish(&session, PAGE, r, |t| {
        format!("已登记 {} 的培训：{}。", t.date, t.topic)
    })
    .await
}

async fn update_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<TrainingInput>,
) -> AppResult<Response> {
    let r = update_training(&state, &ctx, id, &f).await;
    web::finish(&session, PAGE, r, |t| format!("已保存培训：{}。", t.topic)).await
}

async fn remove_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<ReasonInput>,
) -> AppResult<Response> {
    let r = match f.checked() {
        Ok(reason) => remove_training(&state, &ctx, id, &reason).await,
        Err(e) => Err(e),
    };
    web::finish(&session, PAGE, r, |t| format!("已删除培训：{}。", t.topic)).await
}

async fn attendee_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<AttendeeInput>,
) -> AppResult<Response> {
    let r = add_attendee(&state, &ctx, id, &f).await;
    web::finish(&session, PAGE, r, |a| {
        format!("已登记参训人员：{}。", a.name)
    })
    .await
}

async fn attendee_remove_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((id, aid)): Path<(i64, i64)>,
    Form(f): Form<ReasonInput>,
) -> AppResult<Response> {
    let r = match f.checked() {
        Ok(reason) => remove_attendee(&state, &ctx, id, aid, &reason).await,
        Err(e) => Err(e),
    };
    web::finish(&session, PAGE, r, |a| {
        format!("已删除参训人员：{}。", a.name)
    })
    .await
}

/// The sign-in sheet (签到表) of a session: the registered names, then blank rows.
#[derive(Template, WebTemplate)]
#[template(path = "street/training_sheet.html")]
struct SheetPage {
    title: String,
    t: Training,
    attendees: Vec<Attendee>,
    /// Row numbers of the blank rows.
    blanks: Vec<usize>,
}

async fn sheet_get(State(state): State<AppState>, Path(id): Path<i64>) -> AppResult<SheetPage> {
    let t = training(&state.db, id).await?;
    let attendees = attendees(&state.db, Some(id)).await?;
    let n = attendees.len();
    // At least eight blank rows, and the sheet filled to twenty rows.
    let blanks = (n + 1..=(n + 8).max(20)).collect();
    Ok(SheetPage {
        title: format!("{} 培训签到表", t.topic),
        t,
        attendees,
        blanks,
    })
}

async fn api_list(State(state): State<AppState>) -> AppResult<Json<Value>> {
    Ok(Json(json!({
        "trainings": trainings(&state.db).await?,
        "attendees": attendees(&state.db, None).await?,
        "step": step_view(&state, "S-1.4").await?,
    })))
}

async fn api_add(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(f): Json<TrainingInput>,
) -> AppResult<Response> {
    let t = add_training(&state, &ctx, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"training": t}))).into_response())
}

async fn api_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<TrainingInput>,
) -> AppResult<Json<Value>> {
    Ok(Json(
        json!({"training": update_training(&state, &ctx, id, &f).await?}),
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
        json!({"removed": remove_training(&state, &ctx, id, &reason).await?}),
    ))
}

async fn api_attendee(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<AttendeeInput>,
) -> AppResult<Response> {
    let a = add_attendee(&state, &ctx, id, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"attendee": a}))).into_response())
}

async fn api_attendee_remove(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, aid)): Path<(i64, i64)>,
    Json(f): Json<ReasonInput>,
) -> AppResult<Json<Value>> {
    let reason = f.checked()?;
    Ok(Json(
        json!({"removed": remove_attendee(&state, &ctx, id, aid, &reason).await?}),
    ))
}
