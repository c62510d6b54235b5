//! Each community's liaison (联系领导 / 指导员): the street cadre assigned to it, picked from the
//! leading group's members or the street's accounts, or typed.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::member;
use crate::auth::Ctx;
use crate::communities::Community;
use crate::db::{Db, Q};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::street::{Choice, Fields, choice, label, record, user_choice};

/// What a community's liaison is called.
pub const LIAISON_KINDS: [Choice; 2] = [("leader", "联系领导"), ("instructor", "指导员")];

/// A community's liaison.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Liaison {
    /// The community.
    pub community_id: i64,
    /// `leader` (联系领导) or `instructor` (指导员).
    pub kind: String,
    /// 姓名.
    pub name: String,
    /// The leading group member, when picked from them.
    pub member_id: Option<i64>,
    /// The street account, when picked from the users.
    pub user_id: Option<i64>,
}

impl Liaison {
    /// Whether the liaison is this leading group member.
    pub fn is_member(&self, id: &i64) -> bool {
        self.member_id == Some(*id)
    }
    /// `张三（联系领导）`.
    pub fn text(&self) -> String {
        format!("{}（{}）", self.name, label(&LIAISON_KINDS, &self.kind))
    }
}

/// Every community's liaison by community id, as `张三（联系领导）` (for the dashboard and the
/// community pages).
pub async fn liaisons(db: &Db) -> AppResult<HashMap<i64, String>> {
    Ok(liaison_rows(db)
        .await?
        .into_iter()
        .map(|l| (l.community_id, l.text()))
        .collect())
}

/// Every liaison row.
pub async fn liaison_rows(db: &Db) -> AppResult<Vec<Liaison>> {
    Q::new("select community_id, kind, name, member_id, user_id from community_liaisons")
        .all(db)
        .await
}

/// A community's liaison as the form and the API send it: a member, a street account or a
/// typed name; all three empty removes the liaison.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct LiaisonInput {
    /// `leader` | `instructor` (or the labels); empty is 联系领导.
    pub kind: String,
    /// A member of the leading group.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub member_id: Option<i64>,
    /// A street account.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub user_id: Option<i64>,
    /// A typed name.
    pub name: String,
}

/// Sets (or, with nothing chosen, removes) `c`'s liaison (audited).
pub async fn set_liaison(
    state: &AppState,
    ctx: &Ctx,
    c: &Community,
    f: &LiaisonInput,
) -> AppResult<Option<Liaison>> {
    let mut fields = Fields::default();
    let kind = if f.kind.trim().is_empty() {
        Some("leader")
    } else {
        choice(&LIAISON_KINDS, &f.kind)
    };
    if kind.is_none() {
        fields.refuse("类别", "应为联系领导或指导员");
    }
    let mut name = fields.text("姓名", &f.name, 30, false);
    fields.done()?;
    if let Some(mid) = f.member_id {
        let m = member(&state.db, mid)
            .await
            .map_err(|_| AppError::invalid("联系领导", "所选领导小组成员不存在"))?;
        name = m.name;
    } else if let Some(uid) = f.user_id {
        name = user_choice(&state.db, uid).await?.name().to_string();
    }
    let before: Option<Liaison> = Q::new(
        "select community_id, kind, name, member_id, user_id from community_liaisons where community_id = $1",
    )
    .bind(c.id)
    .optional(&state.db)
    .await?;
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    let after = if name.is_empty() {
        Q::new("delete from community_liaisons where community_id = $1")
            .bind(c.id)
            .execute(&mut tx)
            .await?;
        None
    } else {
        let l = Liaison {
            community_id: c.id,
            kind: kind.unwrap_or("leader").into(),
            name,
            member_id: f.member_id,
            user_id: if f.member_id.is_some() {
                None
            } else {
                f.user_id
            },
        };
        Q::new(
            "insert into community_liaisons (community_id, kind, name, member_id, user_id, created_at, updated_at) \
             values ($1, $2, $3, $4, $5, $6, $6) on conflict (community_id) do update set kind = excluded.kind, \
             name = excluded.name, member_id = excluded.member_id, user_id = excluded.user_id, updated_at = excluded.updated_at",
        )
        .bind(c.id)
        .bind(&l.kind)
        .bind(&l.name)
        .bind(l.member_id)
        .bind(l.user_id)
        .bind(now)
        .execute(&mut tx)
        .await?;
        Some(l)
    };
    let action = if after.is_some() { "update" } else { "delete" };
    record(
        &mut tx,
        ctx,
        (action, "community_liaison", c.code.clone()),
        before.map(|b| json!(b)),
        Some(json!({"community": c.name, "liaison": after})),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
