//! R-8 公布结果, changes: the publication of the result notice, the report (备案) to the street
//! leading group and the district civil affairs bureau, and closing R-8 once both are recorded;
//! and the blockers the overview shows while R-8 is the current step. Each change is audited in
//! the community's chain in its own transaction.

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use crate::audit;
use crate::auth::Ctx;
use crate::campaigns::Campaign;
use crate::communities::Community;
use crate::db::{Db, Q, Tx};
use crate::domain::person::parse_date;
use crate::error::{AppError, AppResult};
use crate::residents::r8_results::read::{self as read, Filing};
use crate::residents::setup::{mark_done, require_open};
use crate::state::AppState;

/// The notice's publication.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct PublishInput {
    /// 公布日期.
    pub published_on: String,
}

/// The report to the street and the district civil affairs bureau.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct ReportInput {
    /// Reported to the street leading group on.
    pub reported_street_on: String,
    /// Reported to the district civil affairs bureau on.
    pub reported_civil_affairs_on: String,
    /// 备案 number (may be given later).
    pub filing_no: String,
}

fn date(field: &str, s: &str) -> AppResult<NaiveDate> {
    parse_date(s.trim()).ok_or_else(|| AppError::invalid(field, "请填写有效日期"))
}

/// 409 unless R-8 is open, not yet done, and R-7 recorded the elected.
async fn require_changeable(state: &AppState, c: &Campaign) -> AppResult<()> {
    require_open(state, c, "R-8").await?;
    if read::elected(&state.db, c.id).await?.is_empty() {
        return Err(AppError::conflict(
            "尚无当选人：正式投票（R-7）结束后才能公布选举结果。",
        ));
    }
    Ok(())
}

/// Creates the campaign's record if missing.
async fn ensure_row(tx: &mut Tx, ctx: &Ctx, c: &Campaign) -> AppResult<()> {
    Q::new(
        "insert into resident_results (campaign_id, created_by, created_at, updated_at) values ($1, $2, $3, $3) \
         on conflict (campaign_id) do nothing",
    )
    .bind(c.id)
    .bind(ctx.user()?.id)
    .bind(crate::now())
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// records the publication of the 选举结果公告 (not before election day).
pub async fn publish(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &PublishInput,
) -> AppResult<NaiveDate> {
    let on = date("公布日期", &f.published_on)?;
    require_changeable(state, c).await?;
    if let Some(day) = c.residents_election_day.filter(|d| on < *d) {
        return Err(AppError::invalid(
            "公布日期",
            format!("选举结果公告不能早于选举日 {day} 公布"),
        ));
    }
    let mut tx = state.db.begin().await?;
    ensure_row(&mut tx, ctx, c).await?;
    Q::new("update resident_results set published_on = $1, updated_at = $2 where campaign_id = $3")
        .bind(on)
        .bind(crate::now())
        .bind(c.id)
        .execute(&mut tx)
        .await?;
    audit::record(
        &mut tx,
        ctx,
        community,
        ("publish", "resident_result", c.id.to_string()),
        json!({"published_on": on}),
    )
    .await?;
    tx.commit().await?;
    Ok(on)
}

/// records the report (备案) to the street and the district civil affairs bureau; the
/// notice comes first, and neither report predates it.
pub async fn report(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &ReportInput,
) -> AppResult<Filing> {
    let street = date("报街道日期", &f.reported_street_on)?;
    let bureau = date("报区民政局日期", &f.reported_civil_affairs_on)?;
    require_changeable(state, c).await?;
    let Some(published) = read::filing(&state.db, c.id).await?.published_on else {
        return Err(AppError::conflict(
            "选举结果公告尚未公布，须先公布再报街道和区民政局备案。",
        ));
    };
    for (field, d) in [("报街道日期", street), ("报区民政局日期", bureau)] {
        if d < published {
            return Err(AppError::invalid(
                field,
                format!("报告日期 {d} 早于选举结果公告公布日期 {published}"),
            ));
        }
    }
    let filing_no = f.filing_no.trim();
    let mut tx = state.db.begin().await?;
    Q::new(
        "update resident_results set reported_street_on = $1, reported_civil_affairs_on = $2, filing_no = $3, updated_at = $4 \
         where campaign_id = $5",
    )
    .bind(street)
    .bind(bureau)
    .bind(filing_no)
    .bind(crate::now())
    .bind(c.id)
    .execute(&mut tx)
    .await?;
    audit::record(
        &mut tx,
        ctx,
        community,
        ("report", "resident_result", c.id.to_string()),
        json!({"reported_street_on": street, "reported_civil_affairs_on": bureau, "filing_no": filing_no}),
    )
    .await?;
    tx.commit().await?;
    read::filing(&state.db, c.id).await
}

/// What still keeps R-8 from being done (empty: it can be closed).
pub async fn blockers(db: &Db, c: &Campaign) -> AppResult<Vec<String>> {
    let mut out = Vec::new();
    if read::elected(db, c.id).await?.is_empty() {
        out.push("尚无当选人：正式投票（R-7）结束后才能公布选举结果。".into());
    }
    let f = read::filing(db, c.id).await?;
    if f.published_on.is_none() {
        out.push("选举结果公告尚未公布。".into());
    }
    if f.reported_street_on.is_none() {
        out.push("选举结果尚未报街道社区“两委”换届选举工作领导小组。".into());
    }
    if f.reported_civil_affairs_on.is_none() {
        out.push("选举结果尚未报区民政局备案。".into());
    }
    Ok(out)
}

/// R-8 done: refused (409, naming what is missing) until the notice is published and both
/// reports are recorded.
pub async fn finish(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
) -> AppResult<()> {
    require_changeable(state, c).await?;
    let missing = blockers(&state.db, c).await?;
    if !missing.is_empty() {
        return Err(AppError::conflict(format!(
            "不能完成公布结果（R-8）：{}",
            missing.join("")
        )));
    }
    let f = read::filing(&state.db, c.id).await?;
    let mut tx = state.db.begin().await?;
    mark_done(
        &mut tx,
        ctx,
        c,
        community,
        "R-8",
        json!({"published_on": f.published_on, "reported_street_on": f.reported_street_on,
               "reported_civil_affairs_on": f.reported_civil_affairs_on, "filing_no": f.filing_no}),
    )
    .await?;
    tx.commit().await
}
