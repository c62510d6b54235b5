//! The 工作问答 (S-1.3's question-and-answer sheet): items the street edits and orders, which
//! every community views and prints (`/street/qa/print`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tower_sessions::Session;

use super::{Fields, ReasonInput, record};
use crate::auth::Ctx;
use crate::db::{Db, Q};
use crate::error::{AppError, AppResult};
use crate::routes::{Access, RouteDef, create, delete, get, post, put};
use crate::state::AppState;
use crate::web::{self, Layout};

const PAGE: &str = "/street/qa";

/// The routes of the 工作问答.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    vec![
        get(PAGE, Access::Community, r::get(page_get)),
        get("/street/qa/print", Access::Community, r::get(print_get)),
        create("/street/qa/items", Access::Street, r::post(add_post)),
        post(
            "/street/qa/items/{qa}",
            Access::Street,
            r::post(update_post),
        ),
        post(
            "/street/qa/items/{qa}/delete",
            Access::Street,
            r::post(remove_post),
        ),
        get("/api/v1/street/qa", Access::Community, r::get(api_list)),
        create("/api/v1/street/qa", Access::Street, r::post(api_add)),
        put("/api/v1/street/qa/{qa}", Access::Street, r::put(api_update)),
        delete(
            "/api/v1/street/qa/{qa}",
            Access::Street,
            r::delete(api_remove),
        ),
    ]
}

/// One question with its answer.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Item {
    /// Id.
    pub id: i64,
    /// Order.
    pub sort: i64,
    /// 问.
    pub question: String,
    /// 答.
    pub answer: String,
}

/// Every item, in order.
pub async fn items(db: &Db) -> AppResult<Vec<Item>> {
    Q::new("select id, sort, question, answer from qa_items order by sort, id")
        .all(db)
        .await
}

async fn item(db: &Db, id: i64) -> AppResult<Item> {
    Q::new("select id, sort, question, answer from qa_items where id = $1")
        .bind(id)
        .optional(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// An item as the form and the API send it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ItemInput {
    /// 问.
    pub question: String,
    /// 答.
    pub answer: String,
    /// Order (empty: after the others).
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub sort: Option<i64>,
}

impl ItemInput {
    async fn checked(&self, db: &Db, id: i64) -> AppResult<Item> {
        let mut f = Fields::default();
        let question = f.text("问题", &self.question, 200, true);
        let answer = f.text("回答", &self.answer, 500, true);
        let sort = match self.sort {
            Some(n) => f.count("序号", Some(n)),
            None => {
                Q::new("select coalesce(max(sort), 0) + 1 from qa_items")
                    .scalar(db)
                    .await?
            }
        };
        f.done()?;
        Ok(Item {
            id,
            sort,
            question,
            answer,
        })
    }
}

/// Adds an item (audited).
pub async fn add_item(state: &AppState, ctx: &Ctx, f: &ItemInput) -> AppResult<Item> {
    let mut it = f.checked(&state.db, 0).await?;
    let mut tx = state.db.begin().await?;
    it.id = Q::new(
        "insert into qa_items (sort, question, answer, created_at, updated_at) values ($1, $2, $3, $4, $4) returning id",
    )
    .bind(it.sort)
    .bind(&it.question)
    .bind(&it.answer)
    .bind(crate::now())
    .scalar(&mut tx)
    .await?;
    record(
        &mut tx,
        ctx,
        ("create", "qa_item", it.id.to_string()),
        None,
        Some(json!(it)),
    )
    .await?;
    tx.commit().await?;
    Ok(it)
}

/// Changes an item (audited with the state before).
pub async fn update_item(state: &AppState, ctx: &Ctx, id: i64, f: &ItemInput) -> AppResult<Item> {
    let before = item(&state.db, id).await?;
    let mut input = f.clone();
    input.sort = input.sort.or(Some(before.sort));
    let it = input.checked(&state.db, id).await?;
    let mut tx = state.db.begin().await?;
    Q::new(
        "update qa_items set sort = $1, question = $2, answer = $3, updated_at = $4 where id = $5",
    )
    .bind(it.sort)
    .bind(&it.question)
    .bind(&it.answer)
    .bind(crate::now())
    .bind(id)
    .execute(&mut tx)
    .await?;
    let what = ("update", "qa_item", id.to_string());
    record(&mut tx, ctx, what, Some(json!(before)), Some(json!(it))).await?;
    tx.commit().await?;
    Ok(it)
}

/// Removes an item, with the reason (audited).
pub async fn remove_item(state: &AppState, ctx: &Ctx, id: i64, reason: &str) -> AppResult<Item> {
    let before = item(&state.db, id).await?;
    let mut tx = state.db.begin().await?;
    Q::new("delete from qa_items where id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    let what = ("delete", "qa_item", id.to_string());
    let after = json!({"reason": reason});
    record(&mut tx, ctx, what, Some(json!(before)), Some(after)).await?;
    tx.commit().await?;
    Ok(before)
}

#[derive(Template, WebTemplate)]
#[template(path = "street/qa.html")]
struct QaPage {
    layout: Layout,
    items: Vec<Item>,
    street: bool,
}

async fn page_get(State(state): State<AppState>, ctx: Ctx, session: Session) -> AppResult<QaPage> {
    Ok(QaPage {
        layout: Layout::new(&ctx, &session, "换届选举工作问答").await,
        items: items(&state.db).await?,
        street: ctx.user()?.is_street(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "street/qa_print.html")]
struct QaPrint {
    title: String,
    street: String,
    items: Vec<Item>,
}

async fn print_get(State(state): State<AppState>) -> AppResult<QaPrint> {
    let (street,): (String,) = Q::new("select name from streets order by id limit 1")
        .one(&state.db)
        .await?;
    Ok(QaPrint {
        title: "社区“两委”换届选举工作问答".into(),
        street,
        items: items(&state.db).await?,
    })
}

async fn add_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Form(f): Form<ItemInput>,
) -> AppResult<Response> {
    let r = add_item(&state, &ctx, &f).await;
    web::finish(&session, PAGE, r, |i| format!("已添加问答：{}", i.question)).await
}

async fn update_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<ItemInput>,
) -> AppResult<Response> {
    let r = update_item(&state, &ctx, id, &f).await;
    web::finish(&session, PAGE, r, |i| format!("已保存问答：{}", i.question)).await
}

async fn remove_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<ReasonInput>,
) -> AppResult<Response> {
    let r = match f.checked() {
        Ok(reason) => remove_item(&state, &ctx, id, &reason).await,
        Err(e) => Err(e),
    };
    web::finish(&session, PAGE, r, |i| format!("已删除问答：{}", i.question)).await
}

async fn api_list(State(state): State<AppState>) -> AppResult<Json<Value>> {
    Ok(Json(json!({"items": items(&state.db).await?})))
}

async fn api_add(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(f): Json<ItemInput>,
) -> AppResult<Response> {
    let it = add_item(&state, &ctx, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"item": it}))).into_response())
}

async fn api_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<ItemInput>,
) -> AppResult<Json<Value>> {
    Ok(Json(
        json!({"item": update_item(&state, &ctx, id, &f).await?}),
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
        json!({"removed": remove_item(&state, &ctx, id, &reason).await?}),
    ))
}
