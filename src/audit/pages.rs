//! The street's audit page and API: entries with filters, each chain's head, verification.

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;
use serde_json::json;
use tower_sessions::Session;

use super::chain::{Break, Entry, Head, heads, verify};
use crate::auth::Ctx;
use crate::db::{Db, Q};
use crate::error::AppResult;
use crate::routes::{Access, RouteDef, get};
use crate::state::AppState;
use crate::web::Layout;

/// This module's routes.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    vec![
        get("/audit", Access::Street, r::get(audit_get)),
        get("/api/v1/audit", Access::Street, r::get(api_audit)),
        get("/api/v1/audit/heads", Access::Street, r::get(api_heads)),
        get("/api/v1/audit/verify", Access::Street, r::get(api_verify)),
    ]
}

/// Filters of the audit list.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Filter {
    /// Chain.
    pub scope: String,
    /// Acting user name.
    pub actor: String,
    /// Kind of thing.
    pub entity: String,
    /// Verb.
    pub action: String,
    /// Page (100 entries each), from 1.
    pub page: Option<i64>,
}

async fn entries(db: &Db, f: &Filter) -> AppResult<Vec<Entry>> {
    let offset = (f.page.unwrap_or(1).max(1) - 1) * 100;
    Q::new(
        "select * from audit_log where ($1 = '' or scope = $1) and ($2 = '' or actor = $2) and ($3 = '' or entity = $3) and ($4 = '' or action = $4) \
         order by id desc limit 100 offset $5",
    )
    .bind(f.scope.trim())
    .bind(f.actor.trim())
    .bind(f.entity.trim())
    .bind(f.action.trim())
    .bind(offset)
    .all(db)
    .await
}

/// An entry as the page shows it: Beijing time, the chain by name, action and object as
/// phrases, and the change field by field.
struct EntryView {
    at: String,
    chain: String,
    seq: i64,
    actor: String,
    action: &'static str,
    entity: &'static str,
    entity_id: String,
    changes: Vec<super::words::FieldChange>,
}

/// A chain's name: 街道, or the community's name (its code when unknown).
fn chain_name(scope: &str, names: &[(String, String)]) -> String {
    match scope.strip_prefix("community:") {
        Some(code) => names
            .iter()
            .find(|(c, _)| c == code)
            .map_or_else(|| code.to_string(), |(_, n)| n.clone()),
        None => "街道".into(),
    }
}

/// Who acted: a login name as stored; the program itself and the demo loader in words.
fn actor_name(actor: &str) -> String {
    match actor {
        "system" => "系统".into(),
        "demo" => "演示数据".into(),
        other => other.to_string(),
    }
}

fn view(e: &Entry, names: &[(String, String)]) -> EntryView {
    EntryView {
        at: (e.at + chrono::Duration::hours(8))
            .format("%Y-%m-%d %H:%M:%S")
            .to_string(),
        chain: chain_name(&e.scope, names),
        seq: e.seq,
        actor: actor_name(&e.actor),
        action: super::words::action_label(&e.action),
        entity: super::words::entity_label(&e.entity),
        entity_id: e.entity_id.clone(),
        changes: super::words::changes(e.before_json.as_deref(), e.after_json.as_deref()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "audit/list.html")]
struct AuditPage {
    layout: Layout,
    entries: Vec<EntryView>,
    /// Chains by scope with their names.
    chains: Vec<(String, String)>,
    actions: &'static [(&'static str, &'static str)],
    entities: &'static [(&'static str, &'static str)],
    heads: Vec<Head>,
    breaks: Vec<Break>,
    f: Filter,
    page: i64,
}

async fn audit_get(
    State(state): State<AppState>,
    ctx: Ctx,
    session: Session,
    Query(f): Query<Filter>,
) -> AppResult<AuditPage> {
    let names: Vec<(String, String)> = Q::new("select code, name from communities order by code")
        .all(&state.db)
        .await?;
    let entries = entries(&state.db, &f)
        .await?
        .iter()
        .map(|e| view(e, &names))
        .collect();
    let heads = heads(&state.db).await?;
    let breaks = verify(&state.db).await?;
    let page = f.page.unwrap_or(1).max(1);
    let chains = heads
        .iter()
        .map(|h| (h.scope.clone(), chain_name(&h.scope, &names)))
        .collect();
    Ok(AuditPage {
        layout: Layout::new(&ctx, &session, "审计日志").await,
        entries,
        chains,
        actions: &super::words::ACTIONS,
        entities: &super::words::ENTITIES,
        heads,
        breaks,
        f,
        page,
    })
}

async fn api_audit(
    State(state): State<AppState>,
    Query(f): Query<Filter>,
) -> AppResult<Json<serde_json::Value>> {
    Ok(Json(json!({ "entries": entries(&state.db, &f).await? })))
}

async fn api_heads(State(state): State<AppState>) -> AppResult<Json<serde_json::Value>> {
    Ok(Json(json!({ "heads": heads(&state.db).await? })))
}

async fn api_verify(State(state): State<AppState>) -> AppResult<Json<serde_json::Value>> {
    let breaks = verify(&state.db).await?;
    Ok(Json(json!({ "ok": breaks.is_empty(), "breaks": breaks })))
}
