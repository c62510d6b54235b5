//! S-1.4 集中培训: training sessions of the election staff (date, topic, trainer, place) and who
//! attended each, linked to a person or an account where known; the step's close condition;
//! and who of a meeting's 监票人/计票人 has attended no training.

pub mod web;

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::{Fields, person_name, record, user_choice};
use crate::auth::Ctx;
use crate::db::{Db, Q};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use crate::street_steps::Fact;

/// A training session.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Training {
    /// Id.
    pub id: i64,
    /// 日期.
    pub date: NaiveDate,
    /// 培训内容.
    pub topic: String,
    /// 授课人.
    pub trainer: String,
    /// 地点.
    pub place: String,
}

/// Someone who attended a session.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Attendee {
    /// Id.
    pub id: i64,
    /// The session.
    pub training_id: i64,
    /// 姓名.
    pub name: String,
    /// 单位.
    pub unit: String,
    /// The person, where known.
    pub person_id: Option<i64>,
    /// The account, where known.
    pub user_id: Option<i64>,
}

const COLS: &str = "id, date, topic, trainer, place";
const ATT_COLS: &str = "id, training_id, name, unit, person_id, user_id";

/// Every session, by date.
pub async fn trainings(db: &Db) -> AppResult<Vec<Training>> {
    Q::new(format!("select {COLS} from trainings order by date, id"))
        .all(db)
        .await
}

/// One session, or 404.
pub async fn training(db: &Db, id: i64) -> AppResult<Training> {
    Q::new(format!("select {COLS} from trainings where id = $1"))
        .bind(id)
        .optional(db)
        .await?
        .ok_or(AppError::NotFound)
}

/// Every attendee of every session (or of one).
pub async fn attendees(db: &Db, training_id: Option<i64>) -> AppResult<Vec<Attendee>> {
    match training_id {
        Some(t) => {
            Q::new(format!(
                "select {ATT_COLS} from training_attendees where training_id = $1 order by id"
            ))
            .bind(t)
            .all(db)
            .await
        }
        None => {
            Q::new(format!(
                "select {ATT_COLS} from training_attendees order by training_id, id"
            ))
            .all(db)
            .await
        }
    }
}

/// The sessions a person attended (as the person, or through their linked account).
pub async fn attended_by_person(db: &Db, person_id: i64) -> AppResult<Vec<Training>> {
    Q::new(
        "select t.id, t.date, t.topic, t.trainer, t.place from trainings t where t.id in (\
         select a.training_id from training_attendees a where a.person_id = $1 \
         or a.user_id in (select u.id from users u where u.person_id = $1)) order by t.date, t.id",
    )
    .bind(person_id)
    .all(db)
    .await
}

/// A session as the form and the API send it.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct TrainingInput {
    /// 日期 `YYYY-MM-DD`.
    pub date: String,
    /// 培训内容.
    pub topic: String,
    /// 授课人.
    pub trainer: String,
    /// 地点.
    pub place: String,
}

impl TrainingInput {
    fn checked(&self, id: i64) -> AppResult<Training> {
        let mut f = Fields::default();
        let t = Training {
            id,
            date: f.date("日期", &self.date),
            topic: f.text("培训内容", &self.topic, 200, true),
            trainer: f.text("授课人", &self.trainer, 100, false),
            place: f.text("地点", &self.place, 100, false),
        };
        f.done()?;
        Ok(t)
    }
}

/// Records a session (audited).
pub async fn add_training(state: &AppState, ctx: &Ctx, f: &TrainingInput) -> AppResult<Training> {
    let mut t = f.checked(0)?;
    let mut tx = state.db.begin().await?;
    t.id = Q::new(
        "insert into trainings (date, topic, trainer, place, created_at, updated_at) values ($1, $2, $3, $4, $5, $5) returning id",
    )
    .bind(t.date)
    .bind(&t.topic)
    .bind(&t.trainer)
    .bind(&t.place)
    .bind(crate::now())
    .scalar(&mut tx)
    .await?;
    let what = ("create", "training", t.id.to_string());
    record(&mut tx, ctx, what, None, Some(json!(t))).await?;
    tx.commit().await?;
    Ok(t)
}

/// Changes a session (audited with the state before).
pub async fn update_training(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    f: &TrainingInput,
) -> AppResult<Training> {
    let before = training(&state.db, id).await?;
    let t = f.checked(id)?;
    let mut tx = state.db.begin().await?;
    Q::new("update trainings set date = $1, topic = $2, trainer = $3, place = $4, updated_at = $5 where id = $6")
        .bind(t.date)
        .bind(&t.topic)
        .bind(&t.trainer)
        .bind(&t.place)
        .bind(crate::now())
        .bind(id)
        .execute(&mut tx)
        .await?;
    let what = ("update", "training", id.to_string());
    record(&mut tx, ctx, what, Some(json!(before)), Some(json!(t))).await?;
    tx.commit().await?;
    Ok(t)
}

/// Removes a session with its attendance, with the reason (audited, the attendees listed).
pub async fn remove_training(
    state: &AppState,
    ctx: &Ctx,
    id: i64,
    reason: &str,
) -> AppResult<Training> {
    let before = training(&state.db, id).await?;
    let people = attendees(&state.db, Some(id)).await?;
    let mut tx = state.db.begin().await?;
    Q::new("delete from training_attendees where training_id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    Q::new("delete from trainings where id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    let what = ("delete", "training", id.to_string());
    let before_json = json!({"training": before, "attendees": people});
    let after = json!({"reason": reason});
    record(&mut tx, ctx, what, Some(before_json), Some(after)).await?;
    tx.commit().await?;
    Ok(before)
}

/// An attendee as the form and the API send it: a person, an account, or a typed name.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct AttendeeInput {
    /// 姓名; may be empty when a person or an account is picked.
    pub name: String,
    /// 单位; filled from the person's community or the account's when empty.
    pub unit: String,
    /// A person of the street.
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub person_id: Option<i64>,
    /// An account (street, community, or a meeting's 监票人/计票人).
    #[serde(deserialize_with = "crate::web::opt_i64::de")]
    pub user_id: Option<i64>,
}

/// Records that someone attended session `training_id` (audited); the same person, account
/// or name twice in one session is refused.
pub async fn add_attendee(
    state: &AppState,
    ctx: &Ctx,
    training_id: i64,
    f: &AttendeeInput,
) -> AppResult<Attendee> {
    let t = training(&state.db, training_id).await?;
    let mut fields = Fields::default();
    let mut name = fields.text("姓名", &f.name, 30, false);
    let mut unit = fields.text("单位", &f.unit, 60, false);
    fields.done()?;
    if let Some(pid) = f.person_id {
        let (n, c) = person_name(&state.db, pid).await?;
        if name.is_empty() {
            name = n;
        }
        if unit.is_empty() {
            unit = c;
        }
    }
    if let Some(uid) = f.user_id {
        let u = user_choice(&state.db, uid).await?;
        if name.is_empty() {
            name = u.name().to_string();
        }
        if unit.is_empty() {
            unit = u.unit();
        }
    }
    if name.is_empty() {
        return Err(AppError::invalid("姓名", "请填写姓名，或选择人员、账号"));
    }
    let present = attendees(&state.db, Some(training_id)).await?;
    if present.iter().any(|a| {
        (f.person_id.is_some() && a.person_id == f.person_id)
            || (f.user_id.is_some() && a.user_id == f.user_id)
            || (f.person_id.is_none() && f.user_id.is_none() && a.name == name)
    }) {
        return Err(AppError::invalid(
            "姓名",
            format!("{name} 已登记参加本次培训"),
        ));
    }
    let mut tx = state.db.begin().await?;
    let id = Q::new(
        "insert into training_attendees (training_id, name, unit, person_id, user_id, created_at, updated_at) \
         values ($1, $2, $3, $4, $5, $6, $6) returning id",
    )
    .bind(training_id)
    .bind(&name)
    .bind(&unit)
    .bind(f.person_id)
    .bind(f.user_id)
    .bind(crate::now())
    .scalar(&mut tx)
    .await?;
    let a = Attendee {
        id,
        training_id,
        name,
        unit,
        person_id: f.person_id,
        user_id: f.user_id,
    };
    let what = ("create", "training_attendee", id.to_string());
    let after = json!({"training": t.topic, "date": t.date, "attendee": a});
    record(&mut tx, ctx, what, None, Some(after)).await?;
    tx.commit().await?;
    Ok(a)
}

/// Removes an attendee of session `training_id`, with the reason (audited).
pub async fn remove_attendee(
    state: &AppState,
    ctx: &Ctx,
    training_id: i64,
    id: i64,
    reason: &str,
) -> AppResult<Attendee> {
    let a = attendees(&state.db, Some(training_id))
        .await?
        .into_iter()
        .find(|a| a.id == id)
        .ok_or(AppError::NotFound)?;
    let mut tx = state.db.begin().await?;
    Q::new("delete from training_attendees where id = $1")
        .bind(id)
        .execute(&mut tx)
        .await?;
    let what = ("delete", "training_attendee", id.to_string());
    let after = json!({"reason": reason});
    record(&mut tx, ctx, what, Some(json!(a)), Some(after)).await?;
    tx.commit().await?;
    Ok(a)
}

/// S-1.4's close condition: at least one session with at least one attendee.
pub async fn facts(db: &Db) -> AppResult<Vec<Fact>> {
    let (sessions, attended, people): (i64, i64, i64) = Q::new(
        "select (select count(*) from trainings), \
         (select count(distinct training_id) from training_attendees), \
         (select count(*) from training_attendees)",
    )
    .one(db)
    .await?;
    let detail = if sessions == 0 {
        "尚未登记培训".to_string()
    } else {
        format!("已登记培训 {sessions} 场，其中 {attended} 场有参训人员，共 {people} 人次")
    };
    Ok(vec![Fact::of("S-1.4", "training", attended > 0, detail)])
}

/// Who has attended a training: their people, accounts and names.
#[derive(Clone, Debug, Default)]
pub struct Trained {
    persons: HashSet<i64>,
    users: HashSet<i64>,
    names: HashSet<String>,
}

impl Trained {
    /// Everyone recorded at any session (an account's linked person counts as the person, and
    /// a person's accounts as the person).
    pub async fn load(db: &Db) -> AppResult<Trained> {
        let mut t = Trained::default();
        for a in attendees(db, None).await? {
            t.persons.extend(a.person_id);
            t.users.extend(a.user_id);
            t.names.insert(a.name.trim().to_string());
        }
        let links: Vec<(i64, Option<i64>)> =
            Q::new("select id, person_id from users").all(db).await?;
        for (uid, pid) in links {
            match pid {
                Some(p) if t.users.contains(&uid) => {
                    t.persons.insert(p);
                }
                Some(p) if t.persons.contains(&p) => {
                    t.users.insert(uid);
                }
                _ => {}
            }
        }
        Ok(t)
    }

    /// Whether someone attended: by their person or account where known, else by name.
    pub fn covers(&self, person_id: Option<i64>, user_id: Option<i64>, name: &str) -> bool {
        person_id.is_some_and(|p| self.persons.contains(&p))
            || user_id.is_some_and(|u| self.users.contains(&u))
            || self.names.contains(name.trim())
    }
}
