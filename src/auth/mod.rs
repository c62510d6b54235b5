//! Accounts: login and logout (pages and API), the session's user, CSRF tokens, and changing
//! one's own password.

mod password;
mod store;
mod throttle;
mod user;

pub use password::{
    check_new as check_new_password, hash as hash_password, random as random_password,
    verify as verify_password,
};
pub use store::Store;
pub use throttle::{clear as clear_lock, is_locked};
pub use user::{Ctx, Role, USER_COLUMNS, User, by_id, by_name};

use std::net::SocketAddr;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Form, Json};
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;

use crate::audit::{self, Change};
use crate::db::Q;
use crate::error::{AppError, AppResult};
use crate::routes::{Access, RouteDef, get, post};
use crate::state::AppState;
use crate::web::{self, Layout};

/// Session key of the user id.
pub const UID_KEY: &str = "uid";
/// Session key of the CSRF token.
pub const CSRF_KEY: &str = "csrf";
/// Session key of the user's session epoch at login (see [`User::session_epoch`]).
pub const EPOCH_KEY: &str = "epoch";

/// This module's routes.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    vec![
        get("/login", Access::Public, r::get(login_get)),
        post("/login", Access::Public, r::post(login_post)),
        post("/logout", Access::Login, r::post(logout_post)),
        get("/password", Access::Login, r::get(password_get)),
        post("/password", Access::Login, r::post(password_post)),
        post("/api/v1/login", Access::Public, r::post(api_login)),
        post("/api/v1/logout", Access::Login, r::post(api_logout)),
        get("/api/v1/me", Access::Login, r::get(api_me)),
        post("/api/v1/me/password", Access::Login, r::post(api_password)),
    ]
}

/// The user of this session, if logged in and not disabled.
pub async fn session_user(state: &AppState, session: &Session) -> Result<Option<User>, AppError> {
    let Some(uid) = session.get::<i64>(UID_KEY).await.ok().flatten() else {
        return Ok(None);
    };
    let epoch = session.get::<i64>(EPOCH_KEY).await.ok().flatten();
    let user = by_id(&state.db, uid).await?;
    match user {
        Some(u) if !u.disabled && epoch == Some(u.session_epoch) => {
            touch(session).await;
            Ok(Some(u))
        }
        // Disabled, or the password changed since this session began: it ends here, and
        // re-enabling the account does not bring it back.
        _ => {
            let _ = session.flush().await;
            Ok(None)
        }
    }
}

/// Where the minute of the session's last stored activity is kept.
const TOUCHED_KEY: &str = "touched";
/// How often, in minutes, a session that is only read is stored again to extend its
/// inactivity expiry. Reading a page does not write the session otherwise.
const TOUCH_EVERY_MINUTES: i64 = 10;

/// Extends the session's inactivity expiry at most once per [`TOUCH_EVERY_MINUTES`]: a session
/// is stored only when it changed, so a clerk who only reads pages would otherwise be logged
/// out one window after the last write.
async fn touch(session: &Session) {
    let minute = chrono::Utc::now().timestamp() / 60;
    let last = session.get::<i64>(TOUCHED_KEY).await.ok().flatten();
    if needs_touch(last, minute) {
        let _ = session.insert(TOUCHED_KEY, minute).await;
    }
}

/// Whether a session last stored at minute `last` is stored again at minute `now`.
fn needs_touch(last: Option<i64>, now: i64) -> bool {
    last.is_none_or(|m| now - m >= TOUCH_EVERY_MINUTES)
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/login.html")]
struct LoginPage {
    layout: Layout,
    next: String,
    username: String,
    error: String,
}

#[derive(Deserialize, Default)]
struct NextQuery {
    #[serde(default)]
    next: String,
}

/// Where to go after login: a path of this site only. Browsers read `/\host` and `/<tab>/host`
/// as `//host`, another site, so a backslash or any control character anywhere refuses it.
pub(crate) fn safe_next(next: &str) -> String {
    let same_site = next.starts_with('/')
        && !next.starts_with("//")
        && !next.chars().any(|c| c == '\\' || c.is_control())
        && next.len() <= 2000;
    if same_site {
        next.to_string()
    } else {
        "/".into()
    }
}

async fn login_get(ctx: Ctx, session: Session, Query(q): Query<NextQuery>) -> AppResult<Response> {
    if ctx.user.is_some() {
        return Ok(Redirect::to("/").into_response());
    }
    let layout = Layout::new(&ctx, &session, "登录").await;
    Ok(LoginPage {
        layout,
        next: safe_next(&q.next),
        username: String::new(),
        error: String::new(),
    }
    .into_response())
}

#[derive(Deserialize)]
struct LoginForm {
    username: String,
    password: String,
    #[serde(default)]
    next: String,
}

/// Login is protected by SameSite cookies and this Origin/Referer check instead of a token.
fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let from = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|v| v.to_str().ok());
    match from {
        None => true, // non-browser clients send neither
        Some(o) => {
            let rest = o.split("://").nth(1).unwrap_or("");
            let origin_host = rest.split('/').next().unwrap_or("");
            !host.is_empty() && origin_host == host
        }
    }
}

/// The client's address (from the connection), or `unknown` where there is none.
pub struct ClientAddr(pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        let addr = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        Ok(ClientAddr(addr.unwrap_or_else(|| "unknown".into())))
    }
}

/// Checks throttling and the password; on success cycles the session id and stores the user.
async fn authenticate(
    state: &AppState,
    session: &Session,
    username: &str,
    password: &str,
    addr: &str,
) -> AppResult<(User, String)> {
    let attempt = throttle::claim(state, username, addr).await?;
    let user = by_name(&state.db, username).await?;
    // Verify against a stand-in hash of the configured cost when the user is unknown, so
    // timing does not reveal names.
    let stored = user
        .as_ref()
        .map(|u| u.password_hash.clone())
        .unwrap_or_else(|| password::stand_in_hash(state.config.password_cost));
    let ok = verify_password(password, &stored).await;
    let user = match user {
        Some(u) if ok && !u.disabled => u,
        // The attempt stays counted as a failure.
        _ => return Err(AppError::invalid("", "用户名或密码错误，或账号已停用。")),
    };
    throttle::succeeded(&state.db, attempt).await?;
    session
        .cycle_id()
        .await
        .map_err(|e| AppError::internal(format!("session: {e}")))?;
    let csrf = web::new_key() + &web::new_key();
    session
        .insert(UID_KEY, user.id)
        .await
        .map_err(|e| AppError::internal(format!("session: {e}")))?;
    session
        .insert(CSRF_KEY, &csrf)
        .await
        .map_err(|e| AppError::internal(format!("session: {e}")))?;
    session
        .insert(EPOCH_KEY, user.session_epoch)
        .await
        .map_err(|e| AppError::internal(format!("session: {e}")))?;
    touch(session).await;
    let mut tx = state.db.begin().await?;
    audit::append(
        &mut tx,
        &user.actor(),
        Change {
            scope: audit::STREET.into(),
            action: "login",
            entity: "user",
            entity_id: user.id.to_string(),
            before: None,
            after: Some(json!({"address": addr})),
        },
    )
    .await?;
    tx.commit().await?;
    Ok((user, csrf))
}

async fn login_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> AppResult<Response> {
    if !same_origin(&headers) {
        return Err(AppError::Csrf);
    }
    match authenticate(&state, &session, f.username.trim(), &f.password, &addr).await {
        Ok(_) => Ok(Redirect::to(&safe_next(&f.next)).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Throttled(_))) => {
            let layout = Layout::new(&ctx, &session, "登录").await;
            let status = e.status_code();
            let page = LoginPage {
                layout,
                next: safe_next(&f.next),
                username: f.username,
                error: e.message(),
            };
            Ok((status, page).into_response())
        }
        Err(e) => Err(e),
    }
}

/// Ends the session, audited.
async fn logout(state: &AppState, ctx: &Ctx, session: &Session) -> AppResult<()> {
    let user = ctx.user()?;
    let mut tx = state.db.begin().await?;
    audit::append(
        &mut tx,
        &user.actor(),
        Change {
            scope: audit::STREET.into(),
            action: "logout",
            entity: "user",
            entity_id: user.id.to_string(),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await?;
    session
        .flush()
        .await
        .map_err(|e| AppError::internal(format!("session: {e}")))
}

async fn logout_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
) -> AppResult<Response> {
    logout(&state, &ctx, &session).await?;
    Ok(Redirect::to("/login").into_response())
}

#[derive(Deserialize)]
struct ApiLogin {
    username: String,
    password: String,
}

async fn api_login(
    State(state): State<AppState>,
    session: Session,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    Json(body): Json<ApiLogin>,
) -> AppResult<Response> {
    if !same_origin(&headers) {
        return Err(AppError::Csrf);
    }
    let (user, csrf) = authenticate(
        &state,
        &session,
        body.username.trim(),
        &body.password,
        &addr,
    )
    .await?;
    Ok(Json(json!({"csrf_token": csrf, "user": user})).into_response())
}

async fn api_logout(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
) -> AppResult<Json<serde_json::Value>> {
    logout(&state, &ctx, &session).await?;
    Ok(Json(json!({"ok": true})))
}

async fn api_me(ctx: Ctx) -> AppResult<Json<serde_json::Value>> {
    let u = ctx.user()?;
    Ok(Json(
        json!({"user": u, "role_label": u.role().label(), "csrf_token": ctx.csrf}),
    ))
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/password.html")]
struct PasswordPage {
    layout: Layout,
}

async fn password_get(ctx: Ctx, session: Session) -> AppResult<PasswordPage> {
    Ok(PasswordPage {
        layout: Layout::new(&ctx, &session, "修改密码").await,
    })
}

#[derive(Deserialize)]
struct PasswordForm {
    current: String,
    new: String,
    confirm: String,
}

/// Changes the user's own password after checking the current one.
async fn change_password(
    state: &AppState,
    ctx: &Ctx,
    session: &Session,
    f: &PasswordForm,
) -> AppResult<()> {
    let user = ctx.user()?;
    if !verify_password(&f.current, &user.password_hash).await {
        return Err(AppError::invalid("当前密码", "不正确"));
    }
    if f.new != f.confirm {
        return Err(AppError::invalid("新密码", "两次输入不一致"));
    }
    check_new_password(&f.new, &user.username)?;
    set_password(state, &ctx.actor(), user.id, &f.new).await?;
    // Other sessions have ended; this one goes on in the new epoch.
    let epoch = by_id(&state.db, user.id)
        .await?
        .map(|u| u.session_epoch)
        .unwrap_or_default();
    session
        .insert(EPOCH_KEY, epoch)
        .await
        .map_err(|e| AppError::internal(format!("session: {e}")))
}

/// Sets a user's password, audited. Every session of the user ends (its epoch moves on) and
/// a login lock on the account is lifted.
pub async fn set_password(
    state: &AppState,
    actor: &crate::audit::Actor,
    user_id: i64,
    new: &str,
) -> AppResult<()> {
    let hash = hash_password(new, state.config.password_cost).await?;
    let mut tx = state.db.begin().await?;
    Q::new("update users set password_hash = $1, updated_at = $2, session_epoch = session_epoch + 1 where id = $3")
        .bind(hash)
        .bind(crate::now())
        .bind(user_id)
        .execute(&mut tx)
        .await?;
    throttle::clear(&mut tx, user_id).await?;
    audit::append(
        &mut tx,
        actor,
        Change {
            scope: audit::STREET.into(),
            action: "set_password",
            entity: "user",
            entity_id: user_id.to_string(),
            before: None,
            after: None,
        },
    )
    .await?;
    tx.commit().await
}

async fn password_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Form(f): Form<PasswordForm>,
) -> AppResult<Response> {
    match change_password(&state, &ctx, &session, &f).await {
        Ok(()) => {
            web::flash(&session, "ok", "密码已修改。").await;
            Ok(Redirect::to("/").into_response())
        }
        Err(e @ AppError::Validation(_)) => {
            web::flash(&session, "error", e.message()).await;
            Ok(Redirect::to("/password").into_response())
        }
        Err(e) => Err(e),
    }
}

async fn api_password(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Json(f): Json<PasswordForm>,
) -> AppResult<Json<serde_json::Value>> {
    change_password(&state, &ctx, &session, &f).await?;
    Ok(Json(json!({"ok": true})))
}

#[cfg(test)]
mod touch_tests {
    use super::*;

    #[test]
    fn a_session_read_within_ten_minutes_of_its_last_store_is_not_stored_again() {
        assert!(needs_touch(None, 1_000));
        assert!(!needs_touch(Some(1_000), 1_000));
        assert!(!needs_touch(Some(1_000), 1_009));
        assert!(needs_touch(Some(1_000), 1_010));
    }
}
