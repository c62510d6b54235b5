//! The street office's own work of S-1 (选前准备): the leading group and its office with each
//! community's liaison (S-1.1), the mobilisation meetings, the communities' publicity and the
//! 工作问答 (S-1.3), and the training of the election staff (S-1.4). Each step's records, its
//! close conditions as [`Fact`](crate::street_steps::Fact)s, its pages and its API live in one
//! submodule; this module holds the hub page `/street` and what they share.

pub mod leading_group;
pub mod mobilisation;
pub mod publicity;
pub mod qa;
pub mod training;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::State;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::Value;
use tower_sessions::Session;

use crate::audit::{self, Change};
use crate::auth::Ctx;
use crate::db::Tx;
use crate::error::{AppError, AppResult, FieldError};
use crate::routes::{Access, RouteDef, get};
use crate::state::AppState;
use crate::street_steps::{self, StreetStepOut};
use crate::web::Layout;

/// Every route of the street's S-1 work.
pub fn routes() -> Vec<RouteDef> {
    use axum::routing as r;
    let mut t = vec![get("/street", Access::Street, r::get(hub_get))];
    t.extend(leading_group::web::routes());
    t.extend(mobilisation::routes());
    t.extend(publicity::web::routes());
    t.extend(qa::routes());
    t.extend(training::web::routes());
    t
}

/// The codes of the S-1 steps, in order.
pub const S1: [&str; 4] = ["S-1.1", "S-1.2", "S-1.3", "S-1.4"];

/// Where one street step stands now (its facts evaluated), for its page's close form.
pub async fn step_view(state: &AppState, code: &str) -> AppResult<StreetStepOut> {
    let (_, steps) = street_steps::overview(state).await?;
    steps
        .into_iter()
        .find(|s| s.code == code)
        .ok_or_else(|| AppError::internal(format!("street step {code} missing")))
}

#[derive(Template, WebTemplate)]
#[template(path = "street/hub.html")]
struct HubPage {
    layout: Layout,
    year: i64,
    steps: Vec<StreetStepOut>,
}

impl HubPage {
    /// The page a step is worked on.
    fn page(&self, code: &str) -> &'static str {
        street_steps::page(code)
    }
}

async fn hub_get(State(state): State<AppState>, ctx: Ctx, session: Session) -> AppResult<HubPage> {
    let (year, steps) = street_steps::overview(&state).await?;
    let steps = steps.into_iter().filter(|s| S1.contains(&s.code)).collect();
    Ok(HubPage {
        layout: Layout::new(&ctx, &session, "街道工作").await,
        year,
        steps,
    })
}

/// A removal's input: why (required, audited).
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReasonInput {
    /// Why the record is removed.
    pub reason: String,
}

impl ReasonInput {
    /// The reason, trimmed; refused when empty or longer than 200 characters.
    pub fn checked(&self) -> AppResult<String> {
        let r = self.reason.trim();
        if r.is_empty() {
            return Err(AppError::invalid("理由", "删除记录必须写明理由"));
        }
        if r.chars().count() > 200 {
            return Err(AppError::invalid("理由", "最多 200 字"));
        }
        Ok(r.to_string())
    }
}

/// Collects the field errors of one form, so that all of them are shown at once.
#[derive(Debug, Default)]
pub struct Fields {
    errs: Vec<FieldError>,
}

impl Fields {
    fn push(&mut self, field: &str, message: impl Into<String>) {
        self.errs.push(FieldError {
            field: field.into(),
            message: message.into(),
        });
    }

    /// A text of at most `max` characters, trimmed; `required` refuses it empty.
    pub fn text(&mut self, field: &str, v: &str, max: usize, required: bool) -> String {
        let t = v.trim();
        if required && t.is_empty() {
            self.push(field, "不能为空");
        } else if t.chars().count() > max {
            self.push(field, format!("最多 {max} 字"));
        }
        t.to_string()
    }

    /// A date `YYYY-MM-DD` (required).
    pub fn date(&mut self, field: &str, v: &str) -> NaiveDate {
        match NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d") {
            Ok(d) => d,
            Err(_) => {
                if v.trim().is_empty() {
                    self.push(field, "不能为空");
                } else {
                    self.push(field, format!("“{}”无效，应为 年-月-日", v.trim()));
                }
                NaiveDate::default()
            }
        }
    }

    /// A count: empty is 0, negative or absurd numbers are refused.
    pub fn count(&mut self, field: &str, v: Option<i64>) -> i64 {
        let n = v.unwrap_or(0);
        if !(0..=1_000_000).contains(&n) {
            self.push(field, "应为 0 到 1000000 之间的整数");
        }
        n
    }

    /// A phone number: digits, spaces, `-` and `+`, at most 20 characters; may be empty.
    pub fn phone(&mut self, field: &str, v: &str) -> String {
        let t = v.trim();
        if t.chars().count() > 20
            || !t
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '+'))
        {
            self.push(field, "只能包含数字、空格、“-”或“+”，最多 20 位");
        }
        t.to_string()
    }

    /// Adds a field error of the caller's own.
    pub fn refuse(&mut self, field: &str, message: impl Into<String>) {
        self.push(field, message);
    }

    /// Ok when no field was refused.
    pub fn done(self) -> AppResult<()> {
        if self.errs.is_empty() {
            Ok(())
        } else {
            Err(AppError::Validation(self.errs))
        }
    }
}

/// Appends a change of a street record to the street's audit chain, inside `tx`.
pub async fn record(
    tx: &mut Tx,
    ctx: &Ctx,
    (action, entity, entity_id): audit::What<'_>,
    before: Option<Value>,
    after: Option<Value>,
) -> AppResult<()> {
    audit::append(
        tx,
        &ctx.actor(),
        Change {
            scope: audit::STREET.into(),
            action,
            entity,
            entity_id,
            before,
            after,
        },
    )
    .await?;
    Ok(())
}

/// A choice of a form's select: a stored code and its Chinese label.
pub type Choice = (&'static str, &'static str);

/// The stored code of a choice given by code or by label; `None` when it is neither.
pub fn choice(choices: &[Choice], v: &str) -> Option<&'static str> {
    let v = v.trim();
    choices
        .iter()
        .find(|(code, label)| *code == v || *label == v)
        .map(|(code, _)| *code)
}

/// The label of a stored code (the code itself never shows: unknown codes read as `其他`).
pub fn label(choices: &[Choice], code: &str) -> &'static str {
    choices
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("其他", |(_, l)| *l)
}

/// An account as the forms offer it: id and `显示名（用户名）`, with its role's label.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserChoice {
    /// Id.
    pub id: i64,
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Stored role.
    pub role: String,
    /// The community's name (community accounts).
    pub community: Option<String>,
}

impl UserChoice {
    /// The person's name: the display name, else the login name.
    pub fn name(&self) -> &str {
        if self.display_name.trim().is_empty() {
            &self.username
        } else {
            self.display_name.trim()
        }
    }
    /// The unit the account works for: the community, or the street office.
    pub fn unit(&self) -> String {
        match (&self.community, self.role.as_str()) {
            (Some(c), _) => c.clone(),
            (None, "street") => "街道办事处".into(),
            _ => String::new(),
        }
    }
    /// `名（用户名） · 角色` (the login name once when there is no display name).
    pub fn label(&self) -> String {
        let role = crate::auth::Role::parse(&self.role).map_or("", |r| r.label());
        if self.display_name.trim().is_empty() {
            format!("{} · {role}", self.username)
        } else {
            format!("{}（{}） · {role}", self.name(), self.username)
        }
    }
}

/// The enabled accounts of the given roles, for the forms' selects.
pub async fn users(db: &crate::db::Db, roles: &[&str]) -> AppResult<Vec<UserChoice>> {
    let list = roles
        .iter()
        .map(|r| format!("'{}'", r.replace('\'', "")))
        .collect::<Vec<_>>()
        .join(", ");
    crate::db::Q::new(format!(
        "select u.id, u.username, u.display_name, u.role, c.name as community from users u \
         left join communities c on c.id = u.community_id \
         where u.disabled = false and u.role in ({list}) order by u.role desc, u.username"
    ))
    .all(db)
    .await
}

/// One account by id, or the field error naming it.
pub async fn user_choice(db: &crate::db::Db, id: i64) -> AppResult<UserChoice> {
    let u: Option<UserChoice> = crate::db::Q::new(
        "select u.id, u.username, u.display_name, u.role, c.name as community from users u \
         left join communities c on c.id = u.community_id where u.id = $1",
    )
    .bind(id)
    .optional(db)
    .await?;
    u.ok_or_else(|| AppError::invalid("账号", "所选账号不存在"))
}

/// A person's name and residence community's name by id, or the field error naming it.
pub async fn person_name(db: &crate::db::Db, id: i64) -> AppResult<(String, String)> {
    let p: Option<(String, Option<String>)> = crate::db::Q::new(
        "select p.name, c.name from people p left join communities c on c.id = p.residence_community_id where p.id = $1",
    )
    .bind(id)
    .optional(db)
    .await?;
    p.map(|(n, c)| (n, c.unwrap_or_default()))
        .ok_or_else(|| AppError::invalid("人员", "所选人员不存在"))
}
