//! Handlers of the communities screens and API.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde_json::json;
use tower_sessions::Session;

use super::*;
use crate::web::{self, Layout};

#[derive(Template, WebTemplate)]
#[template(path = "communities/list.html")]
pub struct ListPage {
    layout: Layout,
    rows: Vec<(Community, i64, crate::people::Headcount)>,
    street: bool,
}

pub async fn list_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
) -> AppResult<ListPage> {
    let mut rows = Vec::new();
    for c in visible(&state.db, &ctx).await? {
        let people = crate::people::Headcount::of(&state.db, c.id).await?;
        let groups = Q::new("select count(*) from resident_groups where community_id = $1")
            .bind(c.id)
            .scalar(&state.db)
            .await?;
        rows.push((c, groups, people));
    }
    let street = ctx.user()?.is_street();
    Ok(ListPage {
        layout: Layout::new(&ctx, &session, "社区").await,
        rows,
        street,
    })
}

pub async fn create_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Form(f): Form<CommunityInput>,
) -> AppResult<Response> {
    match create_community(&state, &ctx, &f).await {
        Ok(c) => {
            web::flash(&session, "ok", format!("已创建社区“{}”。", c.name)).await;
            Ok(web::see_other(&format!("/communities/{}", c.code)))
        }
        Err(e @ AppError::Validation(_)) => web::back_with_error(&session, "/communities", e).await,
        Err(e) => Err(e),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "communities/show.html")]
pub struct ShowPage {
    layout: Layout,
    c: Community,
    groups: Vec<Group>,
    people: crate::people::Headcount,
    street: bool,
    row: Option<crate::dashboard::Row>,
    /// The street cadre assigned to the community (`张三（联系领导）`).
    liaison: Option<String>,
    /// How many publicity records the community has (S-1.3).
    publicity: i64,
}

pub async fn show_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
) -> AppResult<ShowPage> {
    let c = ctx.community()?.clone();
    let groups = groups(&state.db, c.id).await?;
    let people = crate::people::Headcount::of(&state.db, c.id).await?;
    let street = ctx.user()?.is_street();
    let row = crate::dashboard::community_row(&state, &c).await?;
    let liaison = crate::street::leading_group::liaisons(&state.db)
        .await?
        .remove(&c.id);
    let publicity = crate::street::publicity::records(&state.db, c.id)
        .await?
        .len() as i64;
    Ok(ShowPage {
        layout: Layout::new(&ctx, &session, c.name.clone()).await,
        row,
        c,
        groups,
        people,
        street,
        liaison,
        publicity,
    })
}

pub async fn update_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Form(f): Form<CommunityInput>,
) -> AppResult<Response> {
    let c = ctx.community()?.clone();
    let back = format!("/communities/{}", c.code);
    match update_community(&state, &ctx, &c, &f).await {
        Ok(_) => {
            web::flash(&session, "ok", "已保存。").await;
            Ok(web::see_other(&back))
        }
        Err(e @ AppError::Validation(_)) => web::back_with_error(&session, &back, e).await,
        Err(e) => Err(e),
    }
}

pub async fn group_create_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Form(f): Form<GroupInput>,
) -> AppResult<Response> {
    let c = ctx.community()?.clone();
    let back = format!("/communities/{}", c.code);
    match create_group(&state, &ctx, &c, &f).await {
        Ok(g) => {
            web::flash(&session, "ok", format!("已添加居民小组“{}”。", g.name)).await;
            Ok(web::see_other(&back))
        }
        Err(e @ AppError::Validation(_)) => web::back_with_error(&session, &back, e).await,
        Err(e) => Err(e),
    }
}

pub async fn api_list(
    State(state): State<AppState>,
    ctx: Ctx,
) -> AppResult<Json<serde_json::Value>> {
    Ok(Json(
        json!({ "communities": visible(&state.db, &ctx).await? }),
    ))
}

pub async fn api_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(f): Json<CommunityInput>,
) -> AppResult<Response> {
    let c = create_community(&state, &ctx, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({ "community": c }))).into_response())
}

pub async fn api_show(
    State(state): State<AppState>,
    ctx: Ctx,
) -> AppResult<Json<serde_json::Value>> {
    let c = ctx.community()?;
    let groups = groups(&state.db, c.id).await?;
    Ok(Json(json!({ "community": c, "groups": groups })))
}

pub async fn api_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(f): Json<CommunityInput>,
) -> AppResult<Json<serde_json::Value>> {
    let c = ctx.community()?.clone();
    Ok(Json(
        json!({ "community": update_community(&state, &ctx, &c, &f).await? }),
    ))
}

pub async fn api_groups(
    State(state): State<AppState>,
    ctx: Ctx,
) -> AppResult<Json<serde_json::Value>> {
    Ok(Json(
        json!({ "groups": groups(&state.db, ctx.community()?.id).await? }),
    ))
}

pub async fn api_group_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(f): Json<GroupInput>,
) -> AppResult<Response> {
    let c = ctx.community()?.clone();
    let g = create_group(&state, &ctx, &c, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({ "group": g }))).into_response())
}
