//! R-6 宣传介绍: each official candidate's introduction (简介: the particulars from the people
//! data plus free text) and own statement (竞职承诺), editable until R-6 is closed; closing is
//! refused while an official candidate has no introduction. Also what blocks R-6 on the
//! overview and the candidates' profiles the page and the notice-board sheet show.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::audit;
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::{Db, Q};
use crate::domain::person::party_status_label;
use crate::domain::rules::age_on;
use crate::error::{AppError, AppResult};
use crate::residents::r5_nominees::read::{self as read, Nominee};
use crate::residents::setup::{mark_done, require_open};
use crate::state::AppState;

/// The longest introduction or statement, in characters.
pub const TEXT_MAX: usize = 2000;

/// An official candidate with the particulars the introduction shows (no ID number).
#[derive(Clone, Debug, Serialize)]
pub struct Profile {
    /// The candidate.
    pub n: Nominee,
    /// 性别.
    pub gender: String,
    /// 年龄 in 周岁 at the campaign's reference date, if the birth date is known.
    pub age: Option<i32>,
    /// 民族.
    pub ethnicity: String,
    /// 文化程度.
    pub education: String,
    /// 政治面貌.
    pub party: &'static str,
    /// Posts held in the outgoing residents' committee (现任职务), joined.
    pub incumbent: String,
}

#[derive(sqlx::FromRow)]
struct Row {
    gender: String,
    birth_date: Option<NaiveDate>,
    ethnicity: String,
    education: Option<String>,
    party_status: String,
}

/// The official candidates in ballot order with their particulars.
pub async fn profiles(db: &Db, c: &Campaign) -> AppResult<Vec<Profile>> {
    let mut out = Vec::new();
    for n in read::official(db, c.id).await? {
        let r: Row = Q::new(
            "select gender, birth_date, ethnicity, education, party_status from people where id = $1",
        )
        .bind(n.person_id)
        .one(db)
        .await?;
        let posts: Vec<(String,)> = Q::new(
            "select post from incumbencies where person_id = $1 and committee = 'residents' order by id",
        )
        .bind(n.person_id)
        .all(db)
        .await?;
        let incumbent = posts
            .into_iter()
            .map(|(p,)| format!("现任社区居民委员会{p}"))
            .collect::<Vec<_>>()
            .join("、");
        out.push(Profile {
            n,
            gender: r.gender,
            age: r.birth_date.map(|b| age_on(b, c.reference_date)),
            ethnicity: r.ethnicity,
            education: r.education.unwrap_or_default(),
            party: party_status_label(&r.party_status),
            incumbent,
        });
    }
    Ok(out)
}

/// An introduction and statement.
#[derive(Clone, Debug, Deserialize)]
pub struct IntroductionInput {
    /// 简介 (free text; required).
    pub introduction: String,
    /// 竞职承诺 (may be empty).
    pub statement: String,
}

/// sets an official candidate's introduction and statement (until R-6 is closed).
pub async fn set_introduction(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    nid: i64,
    f: &IntroductionInput,
) -> AppResult<Nominee> {
    let n = read::nominee(&state.db, c.id, nid).await?;
    require_open(state, c, "R-6").await?;
    let (intro, statement) = (f.introduction.trim(), f.statement.trim());
    if intro.is_empty() {
        return Err(AppError::invalid("简介", "简介不能为空"));
    }
    if intro.chars().count() > TEXT_MAX || statement.chars().count() > TEXT_MAX {
        return Err(AppError::invalid(
            "简介",
            format!("简介和竞职承诺各最多 {TEXT_MAX} 字"),
        ));
    }
    if !n.is_official() {
        return Err(AppError::conflict(format!(
            "{}不是正式候选人，不需要宣传介绍。",
            n.name
        )));
    }
    let mut tx = state.db.begin().await?;
    Q::new("update resident_nominees set introduction = $1, statement = $2, updated_at = $3 where id = $4")
        .bind(intro)
        .bind(statement)
        .bind(crate::now())
        .bind(nid)
        .execute(&mut tx)
        .await?;
    let after = json!({"name": n.name, "introduction": intro, "statement": statement});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("introduce", "resident_nominee", nid.to_string()),
        after,
    )
    .await?;
    tx.commit().await?;
    read::nominee(&state.db, c.id, nid).await
}

/// The official candidates without an introduction, by name.
async fn missing(db: &Db, c: &Campaign) -> AppResult<Vec<String>> {
    Ok(read::official(db, c.id)
        .await?
        .into_iter()
        .filter(|n| n.introduction.trim().is_empty())
        .map(|n| n.name)
        .collect())
}

/// R-6 done: refused (409) while there is no official candidate or one has no introduction.
/// Answers the number of candidates introduced.
pub async fn finish_r6(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
) -> AppResult<usize> {
    require_open(state, c, "R-6").await?;
    let official = read::official(&state.db, c.id).await?;
    if official.is_empty() {
        return Err(AppError::conflict(
            "尚无正式候选人，不能完成宣传介绍（R-6）。",
        ));
    }
    let lacking = missing(&state.db, c).await?;
    if !lacking.is_empty() {
        return Err(AppError::conflict(format!(
            "以下 {} 名正式候选人尚无简介：{}；不能完成宣传介绍（R-6）。",
            lacking.len(),
            lacking.join("、")
        )));
    }
    let mut tx = state.db.begin().await?;
    mark_done(
        &mut tx,
        ctx,
        c,
        community,
        "R-6",
        json!({"candidates": official.len()}),
    )
    .await?;
    tx.commit().await?;
    Ok(official.len())
}

/// What blocks R-6: official candidates without an introduction.
pub async fn blockers_r6(db: &Db, c: &Campaign) -> AppResult<Vec<String>> {
    Ok(missing(db, c)
        .await?
        .into_iter()
        .map(|name| format!("正式候选人{name}尚无简介。"))
        .collect())
}
