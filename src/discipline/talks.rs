//! 集体谈话: the street's collective talks with those competing — the day, the place, who held
//! the talk, who was talked to (people, in order) and the points made. Audited in the street's
//! chain.

use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::json;

use crate::audit::{self, Change};
use crate::auth::Ctx;
use crate::db::{Db, Q};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// A collective talk with the people talked to.
#[derive(Clone, Debug, Serialize)]
pub struct Talk {
    /// Id.
    pub id: i64,
    /// The day.
    pub held_on: NaiveDate,
    /// Where.
    pub place: String,
    /// Who held it.
    pub talked_by: String,
    /// The points made.
    pub points: String,
    /// The people talked to: (id, name).
    pub people: Vec<(i64, String)>,
}

impl Talk {
    /// The names talked to, joined.
    pub fn names(&self) -> String {
        self.people
            .iter()
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>()
            .join("、")
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    held_on: NaiveDate,
    place: String,
    talked_by: String,
    points: String,
}

/// Every talk, latest first.
pub async fn list(db: &Db) -> AppResult<Vec<Talk>> {
    let rows: Vec<Row> = Q::new(
        "select id, held_on, place, talked_by, points from discipline_talks order by held_on desc, id desc",
    )
    .all(db)
    .await?;
    let people: Vec<(i64, i64, String)> = Q::new(
        "select t.talk_id, p.id, p.name from discipline_talk_people t join people p on p.id = t.person_id order by t.talk_id, t.position",
    )
    .all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Talk {
            people: people
                .iter()
                .filter(|(t, _, _)| *t == r.id)
                .map(|(_, id, n)| (*id, n.clone()))
                .collect(),
            id: r.id,
            held_on: r.held_on,
            place: r.place,
            talked_by: r.talked_by,
            points: r.points,
        })
        .collect())
}

/// One talk (404 if none).
pub async fn get(db: &Db, id: i64) -> AppResult<Talk> {
    list(db)
        .await?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or(AppError::NotFound)
}

/// How many talks were held in `year`.
pub async fn count_in(db: &Db, year: i64) -> AppResult<i64> {
    let from = NaiveDate::from_ymd_opt(year as i32, 1, 1).unwrap_or_default();
    let to = NaiveDate::from_ymd_opt(year as i32, 12, 31).unwrap_or_default();
    Q::new("select count(*) from discipline_talks where held_on >= $1 and held_on <= $2")
        .bind(from)
        .bind(to)
        .scalar(db)
        .await
}

/// Person ids as a form sends them (`3,5,7`, the picker's value) or as JSON (`[3, 5, 7]`).
pub fn ids<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Ids {
        List(Vec<i64>),
        Text(String),
    }
    match Option::<Ids>::deserialize(d)? {
        None => Ok(Vec::new()),
        Some(Ids::List(v)) => Ok(v),
        Some(Ids::Text(t)) => t
            .split([',', '，', ' '])
            .filter(|s| !s.trim().is_empty())
            .map(|s| {
                s.trim()
                    .parse()
                    .map_err(|_| serde::de::Error::custom(format!("“{s}”不是有效的人员编号")))
            })
            .collect(),
    }
}

/// Input for a talk.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct TalkInput {
    /// The day.
    pub held_on: String,
    /// Where.
    pub place: String,
    /// Who held it.
    pub talked_by: String,
    /// The points made (prose).
    pub points: String,
    /// The people talked to.
    #[serde(deserialize_with = "ids")]
    pub people: Vec<i64>,
}

/// Records a talk.
pub async fn create(state: &AppState, ctx: &Ctx, f: &TalkInput) -> AppResult<Talk> {
    let held_on = super::date("谈话日期", &f.held_on)?;
    let talked_by = super::required("谈话人", &f.talked_by)?;
    let points = super::required("谈话要点", &f.points)?;
    let mut people: Vec<i64> = Vec::new();
    for p in &f.people {
        if !people.contains(p) {
            people.push(*p);
        }
    }
    if people.is_empty() {
        return Err(AppError::invalid("谈话对象", "请至少选择一人"));
    }
    let mut named = Vec::new();
    for p in &people {
        let row: Option<(String,)> = Q::new("select name from people where id = $1")
            .bind(*p)
            .optional(&state.db)
            .await?;
        let (name,) =
            row.ok_or_else(|| AppError::invalid("谈话对象", format!("人员 {p} 不存在")))?;
        named.push((*p, name));
    }
    let place = f.place.trim().to_string();
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    let id = Q::new(
        "insert into discipline_talks (held_on, place, talked_by, points, created_by, created_at) values ($1, $2, $3, $4, $5, $6) returning id",
    )
    .bind(held_on)
    .bind(&place)
    .bind(&talked_by)
    .bind(&points)
    .bind(ctx.user()?.id)
    .bind(now)
    .scalar(&mut tx)
    .await?;
    for (i, (p, _)) in named.iter().enumerate() {
        Q::new(
            "insert into discipline_talk_people (talk_id, person_id, position) values ($1, $2, $3)",
        )
        .bind(id)
        .bind(*p)
        .bind(i as i64 + 1)
        .execute(&mut tx)
        .await?;
    }
    let talk = Talk {
        id,
        held_on,
        place,
        talked_by,
        points,
        people: named,
    };
    audit::append(
        &mut tx,
        &ctx.actor(),
        Change {
            scope: audit::STREET.into(),
            action: "create",
            entity: "discipline_talk",
            entity_id: id.to_string(),
            before: None,
            after: Some(json!(talk)),
        },
    )
    .await?;
    tx.commit().await?;
    Ok(talk)
}
