//! S-1.1 成立工作机构: the leading group (组长, 副组长, 成员) and its office (办公室主任, 办公室成员)
//! with their posts, units, phones and duties; each community's liaison (联系领导 / 指导员); and the
//! step's close condition.

pub mod liaison;
pub mod web;

pub use liaison::{LIAISON_KINDS, Liaison, LiaisonInput, liaison_rows, liaisons, set_liaison};

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Choice, Fields, choice, label, person_name, record, user_choice};
use crate::auth::Ctx;
use crate::db::{Db, Q};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::street_steps::Fact;

/// The roles in the leading group and its office, in the notice's order.
pub const ROLES: [Choice; 5] = [
    ("leader", "组长"),
    ("deputy", "副组长"),
    ("member", "成员"),
    ("office_director", "办公室主任"),
    ("office_staff", "办公室成员"),
];

/// A member of the leading group or its office.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Member {
    /// Id.
    pub id: i64,
    /// Role code (see [`ROLES`]).
    pub role: String,
    /// 姓名.
    pub name: String,
    /// The person, when picked from the people.
    pub person_id: Option<i64>,
    /// The account, when picked from the users.
    pub user_id: Option<i64>,
    /// 职务.
    pub post: String,
    /// 单位.
    pub unit: String,
    /// 联系电话 (shown masked in lists).
    pub phone: String,
    /// 分工.
    pub duty: String,
    /// Order within the role.
    pub sort: i64,
}

impl Member {
    /// The role's label.
    pub fn role_label(&self) -> &'static str {
        label(&ROLES, &self.role)
    }
    /// The phone, masked as every list masks phones.
    pub fn phone_masked(&self) -> String {
        crate::web::mask_phone(&self.phone)
    }
}

const COLS: &str = "id, role, name, person_id, user_id, post, unit, phone, duty, sort";

/// Every member, by role (in [`ROLES`]' order) and then by their order.
pub async fn members(db: &Db) -> AppResult<Vec<Member>> {
    let mut all: Vec<Member> = Q::new(format!(
        "select {COLS} from leading_group_members order by sort, id"
    ))
    .all(db)
    .await?;
    let rank = |r: &str| {
        ROLES
            .iter()
            .position(|(c, _)| *c == r)
            .unwrap_or(ROLES.len())
    };
    all.sort_by_key(|m| (rank(&m.role), m.sort, m.id));
    Ok(all)
}

/// One member, or 404.
pub async fn member(db: &Db, id: i64) -> AppResult<Member> {
    Q::new(format!(
        "select {COLS} from leading_group_members where id = $1"
    ))
    .bind(id)
    .optional(db)
    .await?
    .ok_or(AppError::NotFound)
}

/// A member as the form and the API send it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct MemberInput {
    /// Role: a code of [`ROLES`] or its label.
    pub role: String,
    /// 姓名; may be left empty when a person or an account is picked.
    pub name: String,
    /// A person of the street.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub person_id: Option<i64>,
    /// A street account.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub user_id: Option<i64>,
    /// 职务.
    pub post: String,
    /// 单位.
    pub unit: String,
    /// 联系电话.
    pub phone: String,
    /// 分工.
    pub duty: String,
    /// Order within the role (empty: after the others).
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub sort: Option<i64>,
}

impl MemberInput {
    /// The member this input describes (`id` 0 for a new one), names of picked people and
    /// accounts filled in.
    async fn checked(&self, db: &Db, id: i64) -> AppResult<Member> {
        let mut f = Fields::default();
        let role = choice(&ROLES, &self.role);
        if role.is_none() {
            f.refuse("职责", "应为组长、副组长、成员、办公室主任或办公室成员");
        }
        let mut name = f.text("姓名", &self.name, 30, false);
        let mut unit = f.text("单位", &self.unit, 60, false);
        let post = f.text("职务", &self.post, 60, false);
        let phone = f.phone("联系电话", &self.phone);
        let duty = f.text("分工", &self.duty, 500, false);
        let sort = f.count("排序", self.sort);
        if let Some(pid) = self.person_id {
            let (n, c) = person_name(db, pid).await?;
            if name.is_empty() {
                name = n;
            }
            if unit.is_empty() {
                unit = c;
            }
        }
        if let Some(uid) = self.user_id {
            let u = user_choice(db, uid).await?;
            if name.is_empty() {
                name = u.name().to_string();
            }
            if unit.is_empty() {
                unit = u.unit();
            }
        }
        if name.is_empty() {
            f.refuse("姓名", "请填写姓名，或选择人员、账号");
        }
        f.done()?;
        Ok(Member {
            id,
            role: role.unwrap_or_default().into(),
            name,
            person_id: self.person_id,
            user_id: self.user_id,
            post,
            unit,
            phone,
            duty,
            sort,
        })
    }
}

/// Adds a member (audited).
pub async fn add_member(state: &AppState, ctx: &Ctx, f: &MemberInput) -> AppResult<Member> {
    let mut m = f.checked(&state.db, 0).await?;
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    m.id = Q::new(
        "insert into leading_group_members (role, name, person_id, user_id, post, unit, phone, duty, sort, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) returning id",
    )
    .bind(&m.role)
    .bind(&m.name)
    .bind(m.person_id)
    .bind(m.user_id)
    .bind(&m.post)
    .bind(&m.unit)
    .bind(&m.phone)
    .bind(&m.duty)
    .bind(m.sort)
    .bind(now)
    .scalar(&mut tx)
    .await?;
    let what = ("create", "leading_group_member", m.id.to_string());
    record(&mut tx, ctx, what, None, Some(json!(m))).await?;
    tx.commit().await?;
    Ok(m)
}

/// Changes a member (audited with the state before).
pub async fn update_member(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    f: &MemberInput,
) -> AppResult<Member> {
    let before = member(&state.db, id).await?;
    let m = f.checked(&state.db, id).await?;
    let mut tx = state.db.begin().await?;
    Q::new(
        "update leading_group_members set role = $1, name = $2, person_id = $3, user_id = $4, post = $5, unit = $6, \
         phone = $7, duty = $8, sort = $9, updated_at = $10 where id = $11",
    )
    .bind(&m.role)
    .bind(&m.name)
    .bind(m.person_id)
    .bind(m.user_id)
    .bind(&m.post)
    .bind(&m.unit)
    .bind(&m.phone)
    .bind(&m.duty)
    .bind(m.sort)
    .bind(crate::now())
    .bind(id)
    .execute(&mut tx)
    .await?;
    let what = ("update", "leading_group_member", id.to_string());
    record(&mut tx, ctx, what, Some(json!(before)), Some(json!(m))).await?;
    tx.commit().await?;
    Ok(m)
}

/// Removes a member, with the reason (audited); a community they are liaison of keeps the
/// name, no longer linked to the member.
pub async fn remove_member(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    reason: &str,
) -> AppResult<Member> {
    let before = member(&state.db, id).await?;
    let mut tx = state.db.begin().await?;
    Q::new("update community_liaisons set member_id = null where member_id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    Q::new("delete from leading_group_members where id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    let what = ("delete", "leading_group_member", id.to_string());
    let after = json!({"reason": reason});
    record(&mut tx, ctx, what, Some(json!(before)), Some(after)).await?;
    tx.commit().await?;
    Ok(before)
}

/// S-1.1's close condition: exactly one 组长, at least one 副组长 or 成员, and an 办公室主任;
/// the detail gives every count.
pub async fn facts(db: &Db) -> AppResult<Vec<Fact>> {
    let rows: Vec<(String, i64)> =
        Q::new("select role, count(*) from leading_group_members group by role")
            .all(db)
            .await?;
    let n = |r: &str| rows.iter().find(|(c, _)| c == r).map_or(0, |(_, n)| *n);
    let (leader, deputy, member, director, staff) = (
        n("leader"),
        n("deputy"),
        n("member"),
        n("office_director"),
        n("office_staff"),
    );
    let mut missing = Vec::new();
    if leader != 1 {
        missing.push(if leader == 0 {
            "尚无组长".to_string()
        } else {
            format!("组长应为 1 人，现有 {leader} 人")
        });
    }
    if deputy + member == 0 {
        missing.push("尚无副组长或成员".into());
    }
    if director == 0 {
        missing.push("尚无办公室主任".into());
    }
    let mut detail = format!(
        "组长 {leader} 人，副组长 {deputy} 人，成员 {member} 人，办公室主任 {director} 人，办公室成员 {staff} 人"
    );
    if !missing.is_empty() {
        detail.push('；');
        detail.push_str(&missing.join("，"));
    }
    Ok(vec![Fact::of(
        "S-1.1",
        "leading_group",
        missing.is_empty(),
        detail,
    )])
}
