//! The hall's projector and the scrutineers' console. The projector is a full-screen page fed
//! by server-sent events; it opens for the meeting's staff, or through a revocable read-only
//! display link (a random token in the URL), so the projector laptop needs no account and its
//! requests write no session rows.

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use serde_json::json;
use tower_sessions::Session;

use super::events::{publish_revoked, result_json, stream_response};
use super::store::{PostDef, Vote, load_meeting, load_vote};
use crate::audit::{self, Change};
use crate::auth::Ctx;
use crate::communities;
use crate::db::Q;
use crate::error::{AppError, AppResult};
use crate::routes::{Access, RouteDef, create, delete, get, post};
use crate::state::AppState;
use crate::web;

/// This module's routes.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    vec![
        get(
            "/projector/votes/{vote}",
            Access::Login,
            r::get(projector_get),
        ),
        get(
            "/projector/t/{token}",
            Access::Public,
            r::get(projector_token_get),
        ),
        get(
            "/projector/t/{token}/events",
            Access::Public,
            r::get(token_events_get),
        ),
        get("/votes/{vote}/console", Access::Login, r::get(console_get)),
        create(
            "/votes/{vote}/display-links",
            Access::Community,
            r::post(link_create_post),
        ),
        post(
            "/votes/{vote}/display-links/{lid}/revoke",
            Access::Community,
            r::post(link_revoke_post),
        ),
        get(
            "/api/v1/votes/{vote}/display-links",
            Access::Community,
            r::get(api_links),
        ),
        create(
            "/api/v1/votes/{vote}/display-links",
            Access::Community,
            r::post(api_link_create),
        ),
        delete(
            "/api/v1/votes/{vote}/display-links/{lid}",
            Access::Community,
            r::delete(api_link_revoke),
        ),
    ]
}

/// A read-only display link of one vote.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct DisplayLink {
    /// Id.
    pub id: i64,
    /// The vote shown.
    pub vote_id: i64,
    /// The random token in the URL.
    pub token: String,
    /// When created.
    pub created_at: DateTime<Utc>,
    /// When revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
}

impl DisplayLink {
    /// The projector's address (relative).
    pub fn url(&self) -> String {
        format!("/projector/t/{}", self.token)
    }
    /// The projector's full address, to type or scan on the projector's machine.
    pub fn full_url(&self, origin: &str) -> String {
        format!("{origin}{}", self.url())
    }
    /// A QR code (SVG) of the full address, for a phone or a laptop's camera.
    pub fn qr(&self, origin: &str) -> String {
        web::qr_svg(&self.full_url(origin), 120)
    }
    fn to_json(&self, origin: &str) -> serde_json::Value {
        json!({"id": self.id, "vote_id": self.vote_id, "token": self.token, "url": self.url(),
               "full_url": self.full_url(origin),
               "created_at": self.created_at, "revoked_at": self.revoked_at})
    }
}

const LINK_COLS: &str = "id, vote_id, token, created_at, revoked_at";

/// The display links of a vote, newest first.
pub async fn links_of(state: &AppState, vote_id: i64) -> AppResult<Vec<DisplayLink>> {
    Q::new(format!(
        "select {LINK_COLS} from display_links where vote_id = $1 order by id desc"
    ))
    .bind(vote_id)
    .all(&state.db)
    .await
}

async fn scope_of(state: &AppState, vote: &Vote) -> AppResult<String> {
    let m = load_meeting(&state.db, vote.meeting_id).await?;
    let c = communities::by_id(&state.db, m.community_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(c.scope())
}

/// Creates a display link (audited).
async fn create_link(state: &AppState, ctx: &Ctx, vote_id: i64) -> AppResult<DisplayLink> {
    let vote = load_vote(&state.db, vote_id).await?;
    let scope = scope_of(state, &vote).await?;
    let token = {
        let b: [u8; 24] = rand::random();
        hex::encode(b)
    };
    let user = ctx.user()?;
    let mut tx = state.db.begin().await?;
    let id: i64 = Q::new(
        "insert into display_links (vote_id, token, created_by, created_at) values ($1, $2, $3, $4) returning id",
    )
    .bind(vote.id)
    .bind(token.clone())
    .bind(user.id)
    .bind(crate::now())
    .scalar(&mut tx)
    .await?;
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope,
            action: "create",
            entity: "display_link",
            entity_id: id.to_string(),
            before: None,
            after: Some(json!({"vote_id": vote.id})),
        },
    )
    .await?;
    tx.commit().await?;
    load_link(state, vote.id, id).await
}

async fn load_link(state: &AppState, vote_id: i64, id: i64) -> AppResult<DisplayLink> {
    Q::new(format!(
        "select {LINK_COLS} from display_links where id = $1 and vote_id = $2"
    ))
    .bind(id)
    .bind(vote_id)
    .optional(&state.db)
    .await?
    .ok_or(AppError::NotFound)
}

/// Revokes a display link (audited); its open streams end at once.
async fn revoke_link(state: &AppState, ctx: &Ctx, vote_id: i64, id: i64) -> AppResult<DisplayLink> {
    let vote = load_vote(&state.db, vote_id).await?;
    let link = load_link(state, vote.id, id).await?;
    if link.revoked_at.is_some() {
        return Err(AppError::conflict("此显示链接已撤销。"));
    }
    let scope = scope_of(state, &vote).await?;
    let mut tx = state.db.begin().await?;
    let n = Q::new("update display_links set revoked_at = $1 where id = $2 and revoked_at is null")
        .bind(crate::now())
        .bind(id)
        .execute(&mut tx)
        .await?;
    if n == 0 {
        return Err(AppError::conflict("此显示链接已撤销。"));
    }
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope,
            action: "revoke",
            entity: "display_link",
            entity_id: id.to_string(),
            before: None,
            after: Some(json!({"vote_id": vote.id})),
        },
    )
    .await?;
    tx.commit().await?;
    publish_revoked(state, id).await;
    load_link(state, vote.id, id).await
}

/// The live link behind a token, or 404 (unknown or revoked).
async fn live_link(state: &AppState, token: &str) -> AppResult<DisplayLink> {
    Q::new(format!(
        "select {LINK_COLS} from display_links where token = $1 and revoked_at is null"
    ))
    .bind(token.to_string())
    .optional(&state.db)
    .await?
    .ok_or(AppError::NotFound)
}

/// The full-screen projector page.
#[derive(Template, WebTemplate)]
#[template(path = "counting/projector.html")]
pub struct ProjectorPage {
    community: crate::communities::Community,
    v: Vote,
    posts: Vec<PostDef>,
    party: bool,
    events: String,
    initial: String,
}

async fn projector_page(
    state: &AppState,
    vote_id: i64,
    events: String,
) -> AppResult<ProjectorPage> {
    let v = load_vote(&state.db, vote_id).await?;
    let m = load_meeting(&state.db, v.meeting_id).await?;
    let community = communities::by_id(&state.db, m.community_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(ProjectorPage {
        community,
        posts: v.posts(),
        party: v.preset == "party",
        initial: initial_json(state, v.id).await,
        events,
        v,
    })
}

/// The current result as JSON safe to embed in a `<script>` element.
pub async fn initial_json(state: &AppState, vote_id: i64) -> String {
    result_json(state, vote_id)
        .await
        .unwrap_or_else(|_| "null".into())
        .replace('<', "\\u003c")
}

async fn projector_get(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> AppResult<ProjectorPage> {
    projector_page(&state, id, format!("/api/v1/votes/{id}/events")).await
}

async fn projector_token_get(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<ProjectorPage> {
    let link = live_link(&state, &token).await?;
    projector_page(&state, link.vote_id, format!("{}/events", link.url())).await
}

async fn token_events_get(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> AppResult<Response> {
    let link = live_link(&state, &token).await?;
    stream_response(&state, link.vote_id, Some(link.id)).await
}

async fn console_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
) -> AppResult<super::votes::ShowPage> {
    super::votes::show_page(&state, &ctx, &session, id, true).await
}

async fn link_create_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let link = create_link(&state, &ctx, id).await?;
    web::flash(
        &session,
        "ok",
        format!(
            "已创建大屏幕显示链接：{}（在投影电脑的浏览器中打开或扫描二维码，无需登录）",
            link.full_url(&ctx.origin)
        ),
    )
    .await;
    Ok(web::see_other(&format!("/votes/{id}")))
}

async fn link_revoke_post(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Path((id, lid)): Path<(i64, i64)>,
) -> AppResult<Response> {
    let back = format!("/votes/{id}");
    match revoke_link(&state, &ctx, id, lid).await {
        Ok(_) => {
            web::flash(&session, "ok", "显示链接已撤销，投影页面随即停止更新。").await;
            Ok(web::see_other(&back))
        }
        Err(e @ AppError::Conflict(_)) => web::back_with_error(&session, &back, e).await,
        Err(e) => Err(e),
    }
}

async fn api_links(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Json<serde_json::Value>> {
    let links = links_of(&state, id).await?;
    Ok(Json(
        json!({"links": links.iter().map(|l| l.to_json(&ctx.origin)).collect::<Vec<_>>()}),
    ))
}

async fn api_link_create(
    State(state): State<AppState>,
    ctx: Ctx,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let link = create_link(&state, &ctx, id).await?;
    Ok((StatusCode::CREATED, Json(link.to_json(&ctx.origin))).into_response())
}

async fn api_link_revoke(
    State(state): State<AppState>,
    ctx: Ctx,
    Path((id, lid)): Path<(i64, i64)>,
) -> AppResult<Json<serde_json::Value>> {
    Ok(Json(
        revoke_link(&state, &ctx, id, lid)
            .await?
            .to_json(&ctx.origin),
    ))
}

/// One counting table's progress, for the console.
pub struct TableProgress {
    /// Table number.
    pub table: i64,
    /// Entries per counter (name, count).
    pub counters: Vec<(String, i64)>,
    /// Ballots counted.
    pub counted: usize,
    /// Waiting for the second entry.
    pub pending: usize,
    /// Disputed.
    pub disputed: usize,
    /// Undecided.
    pub undecided: usize,
}

/// Each table's progress from its entries and reconciled ballots.
pub async fn tables_of(
    state: &AppState,
    vote_id: i64,
    rows: &[super::store::BallotRow],
) -> AppResult<Vec<TableProgress>> {
    use crate::domain::counting::BallotStatus as S;
    let counts: Vec<(i64, String, i64)> = Q::new(
        "select e.table_no, case when u.display_name = '' then u.username else u.display_name end, count(*) \
         from ballot_entries e join users u on u.id = e.user_id \
         where e.vote_id = $1 and e.voided = false \
         group by e.table_no, u.display_name, u.username order by e.table_no, 2",
    )
    .bind(vote_id)
    .all(&state.db)
    .await?;
    let mut tables: Vec<i64> = counts.iter().map(|c| c.0).collect();
    tables.extend(rows.iter().map(|r| r.table_no));
    tables.sort_unstable();
    tables.dedup();
    Ok(tables
        .into_iter()
        .map(|t| {
            let of = |s: S| {
                rows.iter()
                    .filter(|r| r.table_no == t && r.status() == s)
                    .count()
            };
            TableProgress {
                table: t,
                counters: counts
                    .iter()
                    .filter(|c| c.0 == t)
                    .map(|c| (c.1.clone(), c.2))
                    .collect(),
                counted: rows
                    .iter()
                    .filter(|r| r.table_no == t && r.status().counts())
                    .count(),
                pending: of(S::Pending),
                disputed: of(S::Disputed),
                undecided: of(S::Undecided),
            }
        })
        .collect())
}
