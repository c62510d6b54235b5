//! Login throttling: too many failures for one account, or from one address, within a window
//! lock further attempts for the rest of that window.

use chrono::{DateTime, Duration, SubsecRound, Utc};

use crate::db::{Db, Q};
use crate::error::AppError;
use crate::state::AppState;

/// Refuses the attempt if the account or the address is locked; the message says when to retry.
pub async fn check(state: &AppState, username: &str, address: &str) -> Result<(), AppError> {
    let c = &state.config;
    let since = Utc::now() - Duration::minutes(c.login_window_minutes);
    let window = Duration::minutes(c.login_window_minutes);
    if let Some(until) = locked_until(
        &state.db,
        "username",
        username,
        since,
        c.login_max_account_failures,
        window,
    )
    .await?
    {
        return Err(AppError::Throttled(format!(
            "该账号登录失败次数过多，已暂时锁定，请于 {} 之后再试。",
            beijing(until)
        )));
    }
    if let Some(until) = locked_until(
        &state.db,
        "address",
        address,
        since,
        c.login_max_address_failures,
        window,
    )
    .await?
    {
        return Err(AppError::Throttled(format!(
            "此网络地址登录失败次数过多，已暂时锁定，请于 {} 之后再试。",
            beijing(until)
        )));
    }
    Ok(())
}

/// Records a failed attempt.
pub async fn record_failure(db: &Db, username: &str, address: &str) -> Result<(), AppError> {
    Q::new("insert into login_failures (username, address, at) values ($1, $2, $3)")
        .bind(username)
        .bind(address)
        .bind(Utc::now().trunc_subsecs(6))
        .execute(db)
        .await?;
    Ok(())
}

/// When `max` failures lie inside the window, the lock lasts until the window of the
/// oldest of the last `max` failures has passed.
async fn locked_until(
    db: &Db,
    column: &str,
    value: &str,
    since: DateTime<Utc>,
    max: i64,
    window: Duration,
) -> Result<Option<DateTime<Utc>>, AppError> {
    let recent: Vec<(DateTime<Utc>,)> = Q::new(format!(
        "select at from login_failures where {column} = $1 and at > $2 order by at desc limit $3"
    ))
    .bind(value)
    .bind(since)
    .bind(max)
    .all(db)
    .await?;
    if (recent.len() as i64) < max {
        return Ok(None);
    }
    Ok(recent.last().map(|(at,)| *at + window))
}

fn beijing(t: DateTime<Utc>) -> String {
    (t + Duration::hours(8)).format("%H:%M").to_string() + "（北京时间）"
}
