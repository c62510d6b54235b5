//! Communities (社区) and their resident groups (居民小组): pages and API.

mod pages;

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::audit::{self, Change};
use crate::auth::Ctx;
use crate::db::{Db, Q, Tx, is_unique_violation};
use crate::error::{AppError, AppResult, FieldError};
use crate::routes::{Access, RouteDef, create, get, post, put};
use crate::state::AppState;

/// A community row.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Community {
    /// Id.
    pub id: i64,
    /// Short code used in URLs (e.g. `sg01`).
    pub code: String,
    /// Name.
    pub name: String,
    /// `zongzhi` (党总支) or `zhibu` (党支部).
    pub org_type: String,
    /// Household count.
    pub households: i64,
}

impl Community {
    /// Label of the Party organisation type.
    pub fn org_label(&self) -> &'static str {
        org_label(&self.org_type)
    }
    /// The community's audit chain.
    pub fn scope(&self) -> String {
        audit::community_scope(&self.code)
    }
}

/// Label of a stored Party organisation type.
pub fn org_label(v: &str) -> &'static str {
    if v == "zhibu" {
        "党支部"
    } else {
        "党总支"
    }
}

/// A resident group row.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Group {
    /// Id.
    pub id: i64,
    /// Community.
    pub community_id: i64,
    /// Name (第一居民小组).
    pub name: String,
    /// Household count.
    pub households: i64,
}

const COLS: &str = "id, code, name, org_type, households";

/// Loads a community by code.
pub async fn by_code(db: &Db, code: &str) -> AppResult<Option<Community>> {
    Q::new(format!("select {COLS} from communities where code = $1"))
        .bind(code)
        .optional(db)
        .await
}

/// Loads a community by id.
pub async fn by_id(db: &Db, id: i64) -> AppResult<Option<Community>> {
    Q::new(format!("select {COLS} from communities where id = $1"))
        .bind(id)
        .optional(db)
        .await
}

/// The communities the user may see, by code.
pub async fn visible(db: &Db, ctx: &Ctx) -> AppResult<Vec<Community>> {
    let user = ctx.user()?;
    if user.is_street() {
        Q::new(format!("select {COLS} from communities order by code"))
            .all(db)
            .await
    } else {
        Q::new(format!(
            "select {COLS} from communities where id = $1 order by code"
        ))
        .bind(user.community_id.unwrap_or(-1))
        .all(db)
        .await
    }
}

/// The groups of a community.
pub async fn groups(db: &Db, community_id: i64) -> AppResult<Vec<Group>> {
    Q::new("select id, community_id, name, households from resident_groups where community_id = $1 order by id")
        .bind(community_id)
        .all(db)
        .await
}

/// Input for creating or updating a community.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct CommunityInput {
    /// Code (letters, digits, `-`), unique.
    pub code: String,
    /// Name.
    pub name: String,
    /// `zongzhi` | `zhibu` (or the Chinese labels).
    pub org_type: String,
    /// Household count.
    #[serde(default, deserialize_with = "crate::web::opt_i64::de")]
    pub households: Option<i64>,
}

impl CommunityInput {
    fn check(&self) -> Result<(String, String, String, i64), AppError> {
        let mut errs = Vec::new();
        let code = self.code.trim().to_lowercase();
        if code.is_empty()
            || code.len() > 20
            || !code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            errs.push(FieldError {
                field: "代码".into(),
                message: "须为 1–20 位字母、数字或“-”".into(),
            });
        }
        let name = self.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 40 {
            errs.push(FieldError {
                field: "名称".into(),
                message: "不能为空，最多 40 字".into(),
            });
        }
        let org = match self.org_type.trim() {
            "" | "zongzhi" | "党总支" => "zongzhi",
            "zhibu" | "党支部" => "zhibu",
            other => {
                errs.push(FieldError {
                    field: "党组织类型".into(),
                    message: format!("“{other}”无效，应为党总支或党支部"),
                });
                "zongzhi"
            }
        };
        let households = self.households.unwrap_or(0);
        if households < 0 {
            errs.push(FieldError {
                field: "户数".into(),
                message: "不能为负数".into(),
            });
        }
        if errs.is_empty() {
            Ok((code, name, org.into(), households))
        } else {
            Err(AppError::Validation(errs))
        }
    }
}

/// Creates a community (audited). Returns it.
pub async fn create_community(
    state: &AppState,
    ctx: &Ctx,
    input: &CommunityInput,
) -> AppResult<Community> {
    let (code, name, org, households) = input.check()?;
    let mut tx = state.db.begin().await?;
    let street_id = crate::street_id(&mut tx).await?;
    let now = crate::now();
    let id = Q::new(
        "insert into communities (street_id, code, name, org_type, households, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $6) returning id",
    )
    .bind(street_id)
    .bind(&code)
    .bind(&name)
    .bind(&org)
    .bind(households)
    .bind(now)
    .try_scalar(&mut tx)
    .await
    .map_err(|e| if is_unique_violation(&e) { AppError::invalid("代码", format!("“{code}”已被使用")) } else { e.into() })?;
    let c = Community {
        id,
        code,
        name,
        org_type: org,
        households,
    };
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: c.scope(),
            action: "create",
            entity: "community",
            entity_id: id.to_string(),
            before: None,
            after: Some(json!(c)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(c)
}

/// Updates a community's name, type and households (the code stays).
pub async fn update_community(
    state: &AppState,
    ctx: &Ctx,
    c: &Community,
    input: &CommunityInput,
) -> AppResult<Community> {
    // Fields left out keep their values (a PUT may send only what changes).
    let mut input = input.clone();
    input.code = c.code.clone();
    if input.name.trim().is_empty() {
        input.name = c.name.clone();
    }
    if input.org_type.trim().is_empty() {
        input.org_type = c.org_type.clone();
    }
    input.households = input.households.or(Some(c.households));
    let (_, name, org, households) = input.check()?;
    let mut tx = state.db.begin().await?;
    Q::new("update communities set name = $1, org_type = $2, households = $3, updated_at = $4 where id = $5")
        .bind(&name)
        .bind(&org)
        .bind(households)
        .bind(crate::now())
        .bind(c.id)
        .execute(&mut tx)
        .await?;
    let after = Community {
        id: c.id,
        code: c.code.clone(),
        name,
        org_type: org,
        households,
    };
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: c.scope(),
            action: "update",
            entity: "community",
            entity_id: c.id.to_string(),
            before: Some(json!(c)),
            after: Some(json!(after)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Input for a resident group.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct GroupInput {
    /// Name.
    pub name: String,
    /// Household count.
    #[serde(default, deserialize_with = "crate::web::opt_i64::de")]
    pub households: Option<i64>,
}

/// Adds a resident group (audited).
pub async fn create_group(
    state: &AppState,
    ctx: &Ctx,
    c: &Community,
    input: &GroupInput,
) -> AppResult<Group> {
    let name = input.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 40 {
        return Err(AppError::invalid("小组名称", "不能为空，最多 40 字"));
    }
    let households = input.households.unwrap_or(0).max(0);
    let mut tx = state.db.begin().await?;
    let id = insert_group(&mut tx, c.id, &name, households).await?;
    let g = Group {
        id,
        community_id: c.id,
        name,
        households,
    };
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: c.scope(),
            action: "create",
            entity: "resident_group",
            entity_id: id.to_string(),
            before: None,
            after: Some(json!(g)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(g)
}

/// Inserts a group row (unique per community and name).
pub async fn insert_group(
    tx: &mut Tx,
    community_id: i64,
    name: &str,
    households: i64,
) -> AppResult<i64> {
    let now = crate::now();
    Q::new("insert into resident_groups (community_id, name, households, created_at, updated_at) values ($1, $2, $3, $4, $4) returning id")
        .bind(community_id)
        .bind(name)
        .bind(households)
        .bind(now)
        .try_scalar(tx)
        .await
        .map_err(|e| if is_unique_violation(&e) { AppError::invalid("小组名称", format!("“{name}”已存在")) } else { e.into() })
}

/// This module's routes.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    use pages::*;
    vec![
        get("/communities", Access::Community, r::get(list_get)),
        create("/communities", Access::Street, r::post(create_post)),
        get("/communities/{code}", Access::Community, r::get(show_get)),
        post("/communities/{code}", Access::Street, r::post(update_post)),
        create(
            "/communities/{code}/groups",
            Access::Community,
            r::post(group_create_post),
        ),
        get("/api/v1/communities", Access::Community, r::get(api_list)),
        create("/api/v1/communities", Access::Street, r::post(api_create)),
        get(
            "/api/v1/communities/{code}",
            Access::Community,
            r::get(api_show),
        ),
        put(
            "/api/v1/communities/{code}",
            Access::Street,
            r::put(api_update),
        ),
        get(
            "/api/v1/communities/{code}/groups",
            Access::Community,
            r::get(api_groups),
        ),
        create(
            "/api/v1/communities/{code}/groups",
            Access::Community,
            r::post(api_group_create),
        ),
    ]
}
