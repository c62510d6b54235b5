//! Login throttling: too many failures for one account, or from one address, within a window
//! lock further attempts for the rest of that window.
//!
//! An attempt is counted **before** its password is checked: it is written as a failure first,
//! then it looks at the failures written before it, and only the first `max` in the window go
//! on to the password check. So the limit holds however many guesses arrive at once. A login that
//! succeeds takes its own row back; a refused one is not kept (it did not guess).
//!
//! A lock stops new logins only: sessions already open keep working, so a count in progress goes
//! on. A locked counting-staff login is lifted by the chief scrutineer or the street (an unlock,
//! audited), and a password reset lifts the lock too: failures before `users.lock_cleared_at`
//! no longer count for that account.

use chrono::{DateTime, Duration, SubsecRound, Utc};

use crate::db::{Db, Q};
use crate::error::AppError;
use crate::state::AppState;

/// The longest login name or address kept in the failures table: longer ones are cut, so an
/// anonymous caller cannot store large text.
pub const MAX_KEPT: usize = 64;

/// A counted attempt, to be taken back when the password was right.
#[derive(Debug)]
pub struct Attempt(i64);

/// Counts the attempt and refuses it if the account or the address is already locked; the
/// message says when to retry.
pub async fn claim(state: &AppState, username: &str, address: &str) -> Result<Attempt, AppError> {
    let c = &state.config;
    let (username, address) = (kept(username), kept(address));
    let now = Utc::now().trunc_subsecs(6);
    let id = Q::new(
        "insert into login_failures (username, address, at) values ($1, $2, $3) returning id",
    )
    .bind(&username)
    .bind(&address)
    .bind(now)
    .scalar(&state.db)
    .await?;
    let window = Duration::minutes(c.login_window_minutes);
    let since = now - window;
    let cleared: Option<(Option<DateTime<Utc>>,)> =
        Q::new("select lock_cleared_at from users where username = $1")
            .bind(&username)
            .optional(&state.db)
            .await?;
    let account_since = match cleared.and_then(|(t,)| t) {
        Some(t) if t > since => t,
        _ => since,
    };
    let refusal = if let Some(until) = locked_until(
        &state.db,
        "username",
        &username,
        account_since,
        id,
        c.login_max_account_failures,
        window,
    )
    .await?
    {
        Some(format!(
            "该账号登录失败次数过多，已暂时锁定，请于 {} 之后再试；计票工作人员可请总监票人解锁。",
            beijing(until)
        ))
    } else {
        locked_until(
            &state.db,
            "address",
            &address,
            since,
            id,
            c.login_max_address_failures,
            window,
        )
        .await?
        .map(|until| {
            format!(
                "此网络地址登录失败次数过多，已暂时锁定，请于 {} 之后再试。",
                beijing(until)
            )
        })
    };
    match refusal {
        Some(msg) => {
            forget(&state.db, id).await?;
            Err(AppError::Throttled(msg))
        }
        None => Ok(Attempt(id)),
    }
}

/// The password was right: the attempt is not a failure.
pub async fn succeeded(db: &Db, attempt: Attempt) -> Result<(), AppError> {
    forget(db, attempt.0).await
}

async fn forget(db: &Db, id: i64) -> Result<(), AppError> {
    Q::new("delete from login_failures where id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Lifts an account's lock: earlier failures no longer count for it (its address's do).
pub async fn clear(tx: &mut crate::db::Tx, user_id: i64) -> Result<(), AppError> {
    Q::new("update users set lock_cleared_at = $1 where id = $2")
        .bind(Utc::now().trunc_subsecs(6))
        .bind(user_id)
        .execute(tx)
        .await?;
    Ok(())
}

/// Whether the account is locked now (for the staff pages' unlock button).
pub async fn is_locked(state: &AppState, username: &str) -> Result<bool, AppError> {
    let c = &state.config;
    let window = Duration::minutes(c.login_window_minutes);
    let since = Utc::now() - window;
    let cleared: Option<(Option<DateTime<Utc>>,)> =
        Q::new("select lock_cleared_at from users where username = $1")
            .bind(username)
            .optional(&state.db)
            .await?;
    let since = match cleared.and_then(|(t,)| t) {
        Some(t) if t > since => t,
        _ => since,
    };
    Ok(locked_until(
        &state.db,
        "username",
        username,
        since,
        i64::MAX,
        c.login_max_account_failures,
        window,
    )
    .await?
    .is_some())
}

fn kept(s: &str) -> String {
    s.chars().take(MAX_KEPT).collect()
}

/// When `max` failures written before attempt `before` lie inside the window, the lock lasts
/// until the window of the oldest of the last `max` of them has passed.
async fn locked_until(
    db: &Db,
    column: &str,
    value: &str,
    since: DateTime<Utc>,
    before: i64,
    max: i64,
    window: Duration,
) -> Result<Option<DateTime<Utc>>, AppError> {
    let recent: Vec<(DateTime<Utc>,)> = Q::new(format!(
        "select at from login_failures where {column} = $1 and at > $2 and id < $3 order by id desc limit $4"
    ))
    .bind(value)
    .bind(since)
    .bind(before)
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
