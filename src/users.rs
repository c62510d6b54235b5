//! Users and grants, managed by 街道工作组: pages, API and the command-line helpers.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Form, Json};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tower_sessions::Session;

use crate::audit::{self, Actor, Change};
use crate::auth::{self, Ctx, Role, User};
use crate::communities::{self, Community};
use crate::config::PasswordCost;
use crate::db::{Db, Q, is_unique_violation};
use crate::error::{AppError, AppResult};
use crate::routes::{Access, RouteDef, create, delete, get, post, put};
use crate::state::AppState;
use crate::web::{self, Layout};

/// This module's routes.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    vec![
        get("/users", Access::Street, r::get(list_get)),
        create("/users", Access::Street, r::post(create_post)),
        get("/users/{id}", Access::Street, r::get(show_get)),
        post("/users/{id}", Access::Street, r::post(update_post)),
        post("/users/{id}/password", Access::Street, r::post(reset_post)),
        create("/users/{id}/grants", Access::Street, r::post(grant_post)),
        post(
            "/users/{id}/grants/{gid}/delete",
            Access::Street,
            r::post(grant_delete_post),
        ),
        get("/api/v1/users", Access::Street, r::get(api_list)),
        create("/api/v1/users", Access::Street, r::post(api_create)),
        get("/api/v1/users/{id}", Access::Street, r::get(api_show)),
        put("/api/v1/users/{id}", Access::Street, r::put(api_update)),
        post(
            "/api/v1/users/{id}/password",
            Access::Street,
            r::post(api_reset),
        ),
        create(
            "/api/v1/users/{id}/grants",
            Access::Street,
            r::post(api_grant),
        ),
        delete(
            "/api/v1/users/{id}/grants/{gid}",
            Access::Street,
            r::delete(api_grant_delete),
        ),
    ]
}

/// A grant row.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Grant {
    /// Id.
    pub id: i64,
    /// User.
    pub user_id: i64,
    /// Community bound, if any.
    pub community_id: Option<i64>,
    /// Vote bound, if any.
    pub vote_id: Option<i64>,
    /// Capability name.
    pub capability: String,
}

/// Capabilities a grant may carry, with labels.
pub const CAPABILITIES: [(&str, &str); 6] = [
    ("chief_scrutineer", "总监票人"),
    ("scrutineer", "监票人"),
    ("chief_counter", "总计票人"),
    ("counter", "计票人"),
    ("teller", "唱票人"),
    ("election_committee", "居民选举委员会成员"),
];

use crate::auth::USER_COLUMNS as USER_COLS;

/// Input for a new user.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct NewUser {
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Role (`street`, `community`, `scrutineer`, `counter`).
    pub role: String,
    /// Community code (community accounts).
    pub community: String,
    /// Initial password; random when empty (returned once).
    pub password: String,
}

/// Creates a user; returns the user and the password when it was generated.
pub async fn create_user(
    db: &Db,
    cost: PasswordCost,
    actor: &Actor,
    input: &NewUser,
) -> AppResult<(User, Option<String>)> {
    let username = input.username.trim().to_string();
    if username.is_empty()
        || username.chars().count() > 40
        || username.chars().any(char::is_whitespace)
    {
        return Err(AppError::invalid(
            "用户名",
            "不能为空、不能含空格，最多 40 字",
        ));
    }
    let role = Role::parse(input.role.trim()).ok_or_else(|| {
        AppError::invalid("角色", "应为 street、community、scrutineer 或 counter")
    })?;
    let community = resolve_community(db, role, &input.community).await?;
    let (password, generated) = if input.password.is_empty() {
        let p = auth::random_password();
        (p.clone(), Some(p))
    } else {
        auth::check_new_password(&input.password, &username)?;
        (input.password.clone(), None)
    };
    let hash = auth::hash_password(&password, cost).await?;
    let mut tx = db.begin().await?;
    let now = crate::now();
    let id = Q::new(
        "insert into users (username, display_name, password_hash, role, community_id, disabled, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, false, $6, $6) returning id",
    )
    .bind(&username)
    .bind(input.display_name.trim())
    .bind(hash)
    .bind(role.as_str())
    .bind(community.as_ref().map(|c| c.id))
    .bind(now)
    .try_scalar(&mut tx)
    .await
    .map_err(|e| if is_unique_violation(&e) { AppError::invalid("用户名", format!("“{username}”已存在")) } else { e.into() })?;
    let user: User = Q::new(format!("select {USER_COLS} from users where id = $1"))
        .bind(id)
        .one(&mut tx)
        .await?;
    audit::append(
        &mut tx,
        actor,
        Change {
            scope: audit::STREET.into(),
            action: "create",
            entity: "user",
            entity_id: id.to_string(),
            before: None,
            after: Some(json!(user)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((user, generated))
}

async fn resolve_community(db: &Db, role: Role, code: &str) -> AppResult<Option<Community>> {
    let code = code.trim();
    match (role, code.is_empty()) {
        (Role::Community, true) => Err(AppError::invalid(
            "社区",
            "社区工作人员账号必须绑定一个社区",
        )),
        (_, true) => Ok(None),
        (Role::Street, false) => Err(AppError::invalid("社区", "街道工作组账号不绑定社区")),
        (_, false) => match communities::by_code(db, code).await? {
            Some(c) => Ok(Some(c)),
            None => Err(AppError::invalid("社区", format!("社区代码“{code}”不存在"))),
        },
    }
}

/// Creates `admin` (街道工作组) on an empty database; returns the password if generated.
pub async fn ensure_admin(
    db: &Db,
    cost: PasswordCost,
    password: Option<&str>,
) -> AppResult<Option<String>> {
    let count = Q::new("select count(*) from users").scalar(db).await?;
    if count > 0 {
        return Ok(None);
    }
    let input = NewUser {
        username: "admin".into(),
        display_name: "管理员".into(),
        role: "street".into(),
        password: password.unwrap_or("").to_string(),
        ..Default::default()
    };
    let (_, generated) = create_user(db, cost, &Actor::system(), &input).await?;
    Ok(generated)
}

/// Sets a user's password by name (command line).
pub async fn set_password_by_name(state: &AppState, name: &str, password: &str) -> AppResult<()> {
    let user = auth::by_name(&state.db, name)
        .await?
        .ok_or_else(|| AppError::invalid("用户名", format!("“{name}”不存在")))?;
    auth::check_new_password(password, name)?;
    auth::set_password(state, &Actor::system(), user.id, password).await
}

async fn load(db: &Db, id: i64) -> AppResult<User> {
    Q::new(format!("select {USER_COLS} from users where id = $1"))
        .bind(id)
        .optional(db)
        .await?
        .ok_or(AppError::NotFound)
}

async fn grants_of(db: &Db, user_id: i64) -> AppResult<Vec<Grant>> {
    Q::new("select id, user_id, community_id, vote_id, capability from grants where user_id = $1 order by id").bind(user_id).all(db).await
}

/// Changes to a user.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct UserUpdate {
    /// Name shown.
    pub display_name: Option<String>,
    /// Role.
    pub role: Option<String>,
    /// Community code ("" to unbind).
    pub community: Option<String>,
    /// Disabled (HTML checkbox "on", or a JSON bool as text).
    pub disabled: Option<String>,
    /// Linked person id ("" to unlink).
    pub person_id: Option<String>,
}

async fn update_user(state: &AppState, ctx: &Ctx, id: i64, u: &UserUpdate) -> AppResult<User> {
    let before = load(&state.db, id).await?;
    let role = match &u.role {
        Some(r) => Role::parse(r.trim()).ok_or_else(|| AppError::invalid("角色", "无效"))?,
        None => before.role(),
    };
    let community = match &u.community {
        Some(code) => resolve_community(&state.db, role, code)
            .await?
            .map(|c| c.id),
        None if role == Role::Street => None,
        None => before.community_id,
    };
    if role == Role::Community && community.is_none() {
        return Err(AppError::invalid(
            "社区",
            "社区工作人员账号必须绑定一个社区",
        ));
    }
    let disabled = match &u.disabled {
        Some(v) => crate::domain::person::parse_yes_no(v)
            .ok_or_else(|| AppError::invalid("停用", "应为是或否"))?,
        None => before.disabled,
    };
    if disabled && ctx.user()?.id == id {
        return Err(AppError::invalid("停用", "不能停用自己的账号"));
    }
    let person_id = match u.person_id.as_deref().map(str::trim) {
        None => before.person_id,
        Some("") => None,
        Some(p) => Some(
            p.parse::<i64>()
                .map_err(|_| AppError::invalid("关联人员", "应为人员编号"))?,
        ),
    };
    let display = u
        .display_name
        .clone()
        .map(|s| s.trim().to_string())
        .unwrap_or(before.display_name.clone());
    let mut tx = state.db.begin().await?;
    // Disabling, or a new role or community, ends the user's sessions: what they were opened
    // for no longer holds, and re-enabling does not revive them.
    let ends_sessions =
        (disabled && !before.disabled) || role != before.role() || community != before.community_id;
    Q::new("update users set display_name = $1, role = $2, community_id = $3, disabled = $4, person_id = $5, updated_at = $6, session_epoch = session_epoch + $8 where id = $7")
        .bind(display)
        .bind(role.as_str())
        .bind(community)
        .bind(disabled)
        .bind(person_id)
        .bind(crate::now())
        .bind(id)
        .bind(i64::from(ends_sessions))
        .execute(&mut tx)
        .await?;
    let after: User = Q::new(format!("select {USER_COLS} from users where id = $1"))
        .bind(id)
        .one(&mut tx)
        .await?;
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: audit::STREET.into(),
            action: "update",
            entity: "user",
            entity_id: id.to_string(),
            before: Some(json!(before)),
            after: Some(json!(after)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Input for a grant.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct GrantInput {
    /// Capability name.
    pub capability: String,
    /// Community code.
    pub community: String,
    /// Vote id (votes come with the counting room).
    pub vote_id: Option<i64>,
}

async fn add_grant(state: &AppState, ctx: &Ctx, user_id: i64, g: &GrantInput) -> AppResult<Grant> {
    load(&state.db, user_id).await?;
    if !CAPABILITIES.iter().any(|(k, _)| *k == g.capability) {
        return Err(AppError::invalid("权限", "无效的权限"));
    }
    let community = match g.community.trim() {
        "" => None,
        code => Some(
            communities::by_code(&state.db, code)
                .await?
                .ok_or_else(|| AppError::invalid("社区", "不存在"))?
                .id,
        ),
    };
    let mut tx = state.db.begin().await?;
    let id = Q::new("insert into grants (user_id, community_id, vote_id, capability, created_at) values ($1, $2, $3, $4, $5) returning id")
        .bind(user_id)
        .bind(community)
        .bind(g.vote_id)
        .bind(&g.capability)
        .bind(crate::now())
        .scalar(&mut tx)
        .await?;
    let grant = Grant {
        id,
        user_id,
        community_id: community,
        vote_id: g.vote_id,
        capability: g.capability.clone(),
    };
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: audit::STREET.into(),
            action: "create",
            entity: "grant",
            entity_id: id.to_string(),
            before: None,
            after: Some(json!(grant)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(grant)
}

#[derive(Template, WebTemplate)]
#[template(path = "users/list.html")]
struct ListPage {
    layout: Layout,
    users: Vec<(User, String)>,
    communities: Vec<Community>,
}

async fn list_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
) -> AppResult<ListPage> {
    let communities = communities::visible(&state.db, &ctx).await?;
    let list: Vec<User> = Q::new(format!("select {USER_COLS} from users order by id"))
        .all(&state.db)
        .await?;
    let users = list
        .into_iter()
        .map(|u| {
            let c = communities
                .iter()
                .find(|c| Some(c.id) == u.community_id)
                .map(|c| c.name.clone())
                .unwrap_or_default();
            (u, c)
        })
        .collect();
    Ok(ListPage {
        layout: Layout::new(&ctx, &session, "用户").await,
        users,
        communities,
    })
}

async fn create_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Form(f): Form<NewUser>,
) -> AppResult<Response> {
    match create_user(&state.db, state.config.password_cost, &ctx.actor(), &f).await {
        Ok((u, pw)) => {
            let msg = match pw {
                Some(p) => format!("已创建用户 {}，初始密码（只显示这一次）：{p}", u.username),
                None => format!("已创建用户 {}。", u.username),
            };
            web::flash(&session, "ok", msg).await;
            Ok(web::see_other(&format!("/users/{}", u.id)))
        }
        Err(e @ AppError::Validation(_)) => web::back_with_error(&session, "/users", e).await,
        Err(e) => Err(e),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "users/show.html")]
struct ShowPage {
    layout: Layout,
    u: User,
    community_code: String,
    grants: Vec<(Grant, String)>,
    communities: Vec<Community>,
    roles: [Role; 4],
    capabilities: [(&'static str, &'static str); 6],
}

async fn show_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
) -> AppResult<ShowPage> {
    let u = load(&state.db, id).await?;
    let communities = communities::visible(&state.db, &ctx).await?;
    let community_code = communities
        .iter()
        .find(|c| Some(c.id) == u.community_id)
        .map(|c| c.code.clone())
        .unwrap_or_default();
    let grants = grants_of(&state.db, id)
        .await?
        .into_iter()
        .map(|g| {
            let label = CAPABILITIES
                .iter()
                .find(|(k, _)| *k == g.capability)
                .map(|(_, l)| l.to_string())
                .unwrap_or_default();
            (g, label)
        })
        .collect();
    let layout = Layout::new(&ctx, &session, format!("用户 {}", u.username)).await;
    Ok(ShowPage {
        layout,
        u,
        community_code,
        grants,
        communities,
        roles: Role::ALL,
        capabilities: CAPABILITIES,
    })
}

async fn update_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
    Form(mut f): Form<UserUpdate>,
) -> AppResult<Response> {
    // An unticked checkbox is absent from the form: that means "not disabled".
    f.disabled.get_or_insert_with(|| "否".into());
    let back = format!("/users/{id}");
    match update_user(&state, &ctx, id, &f).await {
        Ok(_) => {
            web::flash(&session, "ok", "已保存。").await;
            Ok(web::see_other(&back))
        }
        Err(e @ AppError::Validation(_)) => web::back_with_error(&session, &back, e).await,
        Err(e) => Err(e),
    }
}

async fn reset_password(state: &AppState, ctx: &Ctx, id: i64) -> AppResult<String> {
    load(&state.db, id).await?;
    let pw = auth::random_password();
    auth::set_password(state, &ctx.actor(), id, &pw).await?;
    Ok(pw)
}

async fn reset_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let pw = reset_password(&state, &ctx, id).await?;
    web::flash(
        &session,
        "ok",
        format!("密码已重置，新密码（只显示这一次）：{pw}"),
    )
    .await;
    Ok(web::see_other(&format!("/users/{id}")))
}

async fn grant_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
    Form(f): Form<GrantInput>,
) -> AppResult<Response> {
    let back = format!("/users/{id}");
    match add_grant(&state, &ctx, id, &f).await {
        Ok(_) => {
            web::flash(&session, "ok", "已添加权限。").await;
            Ok(web::see_other(&back))
        }
        Err(e @ AppError::Validation(_)) => web::back_with_error(&session, &back, e).await,
        Err(e) => Err(e),
    }
}

async fn grant_delete_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((id, gid)): Path<(i64, i64)>,
) -> AppResult<Response> {
    remove_grant(&state, &ctx, id, gid).await?;
    web::flash(&session, "ok", "已撤销权限。").await;
    Ok(web::see_other(&format!("/users/{id}")))
}

async fn api_grant_delete(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, gid)): Path<(i64, i64)>,
) -> AppResult<Json<serde_json::Value>> {
    remove_grant(&state, &ctx, id, gid).await?;
    Ok(Json(json!({ "ok": true })))
}

/// Revokes a grant (audited).
async fn remove_grant(state: &AppState, ctx: &Ctx, id: i64, gid: i64) -> AppResult<()> {
    let g: Grant = Q::new("select id, user_id, community_id, vote_id, capability from grants where id = $1 and user_id = $2")
        .bind(gid)
        .bind(id)
        .optional(&state.db)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    Q::new("delete from grants where id = $1")
        .bind(gid)
        .execute(&mut tx)
        .await?;
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: audit::STREET.into(),
            action: "delete",
            entity: "grant",
            entity_id: gid.to_string(),
            before: Some(json!(g)),
            after: None,
        },
    )
    .await?;
    tx.commit().await
}

async fn api_list(State(state): State<AppState>) -> AppResult<Json<serde_json::Value>> {
    let users: Vec<User> = Q::new(format!("select {USER_COLS} from users order by id"))
        .all(&state.db)
        .await?;
    Ok(Json(json!({ "users": users })))
}

async fn api_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Json(f): Json<NewUser>,
) -> AppResult<Response> {
    let (u, pw) = create_user(&state.db, state.config.password_cost, &ctx.actor(), &f).await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "user": u, "password": pw })),
    )
        .into_response())
}

async fn api_show(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<Json<serde_json::Value>> {
    let u = load(&state.db, id).await?;
    Ok(Json(
        json!({ "user": u, "grants": grants_of(&state.db, id).await? }),
    ))
}

async fn api_update(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(v): Json<serde_json::Value>,
) -> AppResult<Json<serde_json::Value>> {
    // JSON booleans and numbers are accepted for `disabled` and `person_id`.
    let text = |k: &str| {
        v.get(k).map(|x| {
            x.as_str().map(str::to_string).unwrap_or_else(|| {
                if x.is_null() {
                    String::new()
                } else {
                    x.to_string()
                }
            })
        })
    };
    let f = UserUpdate {
        display_name: text("display_name"),
        role: text("role"),
        community: text("community"),
        disabled: text("disabled"),
        person_id: text("person_id"),
    };
    Ok(Json(
        json!({ "user": update_user(&state, &ctx, id, &f).await? }),
    ))
}

async fn api_reset(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Json<serde_json::Value>> {
    Ok(Json(
        json!({ "password": reset_password(&state, &ctx, id).await? }),
    ))
}

async fn api_grant(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
    Json(f): Json<GrantInput>,
) -> AppResult<Response> {
    let g = add_grant(&state, &ctx, id, &f).await?;
    Ok((StatusCode::CREATED, Json(json!({ "grant": g }))).into_response())
}
