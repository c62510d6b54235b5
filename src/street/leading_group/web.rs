//! The leading group's page `/street/leading-group` (members, the communities' liaisons, the
//! step's close form), its printed notice, and the JSON API mirroring the forms.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde_json::{Value, json};
use tower_sessions::Session;

use super::*;
use crate::communities::Community;
use crate::routes::{Access, RouteDef, create, delete, get, post, put};
use crate::street::{ReasonInput, UserChoice, step_view, users};
use crate::street_steps::StreetStepOut;
use crate::web::{self, Layout};

const PAGE: &str = "/street/leading-group";

/// The routes of S-1.1.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    vec![
        get(PAGE, Access::Street, r::get(page_get)),
        create(
            "/street/leading-group/members",
            Access::Street,
            r::post(add_post),
        ),
        post(
            "/street/leading-group/members/{member}",
            Access::Street,
            r::post(update_post),
        ),
        post(
            "/street/leading-group/members/{member}/delete",
            Access::Street,
            r::post(remove_post),
        ),
        post(
            "/street/leading-group/liaisons/{code}",
            Access::Street,
            r::post(liaison_post),
        ),
        get(
            "/street/leading-group/notice",
            Access::Street,
            r::get(notice_get),
        ),
        get(
            "/api/v1/street/leading-group",
            Access::Street,
            r::get(api_get),
        ),
        create(
            "/api/v1/street/leading-group/members",
            Access::Street,
            r::post(api_add),
        ),
        put(
            "/api/v1/street/leading-group/members/{member}",
            Access::Street,
            r::put(api_update),
        ),
        delete(
            "/api/v1/street/leading-group/members/{member}",
            Access::Street,
            r::delete(api_remove),
        ),
        put(
            "/api/v1/street/leading-group/liaisons/{code}",
            Access::Street,
            r::put(api_liaison),
        ),
    ]
}

#[derive(Template, WebTemplate)]
#[template(path = "street/leading_group.html")]
struct GroupPage {
    layout: Layout,
    members: Vec<Member>,
    roles: [Choice; 5],
    kinds: [Choice; 2],
    users: Vec<UserChoice>,
    communities: Vec<(Community, Option<Liaison>)>,
    step: StreetStepOut,
}

async fn communities_with_liaisons(db: &Db) -> AppResult<Vec<(Community, Option<Liaison>)>> {
    let all: Vec<Community> =
        Q::new("select id, code, name, org_type, households from communities order by code")
            .all(db)
            .await?;
    let ls = liaison_rows(db).await?;
    Ok(all
        .into_iter()
        .map(|c| {
            let l = ls.iter().find(|l| l.community_id == c.id).cloned();
            (c, l)
        })
        .collect())
}

async fn page_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
) -> AppResult<GroupPage> {
    Ok(GroupPage {
        layout: Layout::new(&ctx, &session, "换届选举工作领导小组").await,
        members: members(&state.db).await?,
        roles: ROLES,
        kinds: LIAISON_KINDS,
        users: users(&state.db, &["street"]).await?,
        communities: communities_with_liaisons(&state.db).await?,
        step: step_view(&state, "S-1.1").await?,
    })
}

async fn add_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Form(f): Form<MemberInput>,
) -> AppResult<Response> {
    let r = add_member(&state, &ctx, &f).await;
    web::finish(&session, PAGE, r, |m| {
        format!("已添加{}：{}。", m.role_label(), m.name)
    })
    .await
}

async fn update_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
    Form(mut f): Form<MemberInput>,
) -> AppResult<Response> {
    // The page never shows a phone unmasked: its edit form leaves the field empty, and empty
    // keeps the number on file (the API sets it as sent).
    if f.phone.trim().is_empty() {
        f.phone = member(&state.db, id).await?.phone;
    }
    let r = update_member(&state, &ctx, id, &f).await;
    web::finish(&session, PAGE, r, |m| format!("已保存 {} 的信息。", m.name)).await
}

async fn remove_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<ReasonInput>,
) -> AppResult<Response> {
    let r = match f.checked() {
        Ok(reason) => remove_member(&state, &ctx, id, &reason).await,
        Err(e) => Err(e),
    };
    web::finish(&session, PAGE, r, |m| {
        format!("已将 {} 从{}中删除。", m.name, m.role_label())
    })
    .await
}

async fn liaison_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Form(f): Form<LiaisonInput>,
) -> AppResult<Response> {
    let c = ctx.community()?.clone();
    let r = set_liaison(&state, &ctx, &c, &f).await;
    web::finish(&session, PAGE, r, |l| match l {
        Some(l) => format!("{}的联系领导：{}。", c.name, l.text()),
        None => format!("已取消{}的联系领导。", c.name),
    })
    .await
}

/// 关于成立社区"两委"换届选举工作领导小组的通知.
#[derive(Template, WebTemplate)]
#[template(path = "street/leading_group_notice.html")]
struct NoticePage {
    title: String,
    street: String,
    /// Members grouped by role, in the notice's order (roles without members left out).
    groups: Vec<(&'static str, Vec<Member>)>,
    /// Community name and its liaison.
    liaisons: Vec<(String, String)>,
    today: String,
}

impl NoticePage {
    /// Whether any member has a duty written down (the table of duties is printed then).
    fn has_duties(&self) -> bool {
        self.groups
            .iter()
            .any(|(_, ms)| ms.iter().any(|m| !m.duty.is_empty()))
    }
    /// Whether any community has its liaison.
    fn has_liaisons(&self) -> bool {
        self.liaisons.iter().any(|(_, l)| !l.is_empty())
    }
    /// The members of a role, as `张三（街道党工委书记）、李四（…）`.
    fn names(&self, role: &str) -> String {
        self.groups
            .iter()
            .filter(|(r, _)| *r == label(&ROLES, role))
            .flat_map(|(_, ms)| ms.iter())
            .map(|m| {
                if m.post.is_empty() {
                    m.name.clone()
                } else {
                    format!("{}（{}）", m.name, m.post)
                }
            })
            .collect::<Vec<_>>()
            .join("、")
    }
}

async fn notice_get(State(state): State<AppState>) -> AppResult<NoticePage> {
    let all = members(&state.db).await?;
    let groups = ROLES
        .iter()
        .map(|(code, l)| {
            let ms: Vec<Member> = all.iter().filter(|m| m.role == *code).cloned().collect();
            (*l, ms)
        })
        .filter(|(_, ms)| !ms.is_empty())
        .collect();
    let liaisons = communities_with_liaisons(&state.db)
        .await?
        .into_iter()
        .map(|(c, l)| (c.name, l.map(|l| l.text()).unwrap_or_default()))
        .collect();
    let street: (String,) = Q::new("select name from streets order by id limit 1")
        .one(&state.db)
        .await?;
    Ok(NoticePage {
        title: "关于成立社区“两委”换届选举工作领导小组的通知".into(),
        street: street.0,
        groups,
        liaisons,
        today: state.today().format("%Y年%-m月%-d日").to_string(),
    })
}

async fn api_get(State(state): State<AppState>) -> AppResult<Json<Value>> {
    let communities: Vec<Value> = communities_with_liaisons(&state.db)
        .await?
        .into_iter()
        .map(|(c, l)| json!({"code": c.code, "name": c.name, "liaison": l}))
        .collect();
    Ok(Json(json!({
        "members": members(&state.db).await?,
        "communities": communities,
        "step": step_view(&state, "S-1.1").await?,
    })))
}

async fn api_add(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(f): Json<MemberInput>,
) -> AppResult<Response> {
    let m = add_member(&state, &ctx, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({"member": m}))).into_response())
}

async fn api_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<MemberInput>,
) -> AppResult<Json<Value>> {
    let m = update_member(&state, &ctx, id, &f).await?;
    Ok(Json(json!({"member": m})))
}

async fn api_remove(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<ReasonInput>,
) -> AppResult<Json<Value>> {
    let reason = f.checked()?;
    let m = remove_member(&state, &ctx, id, &reason).await?;
    Ok(Json(json!({"removed": m})))
}

async fn api_liaison(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(f): Json<LiaisonInput>,
) -> AppResult<Json<Value>> {
    let c = ctx.community()?.clone();
    let l = set_liaison(&state, &ctx, &c, &f).await?;
    Ok(Json(json!({"community": c.code, "liaison": l})))
}
