//! Idempotency of creates: the first response to a key is stored and replayed for repeats, so
//! a refresh, a double click or a client retry creates one record.
//!
//! The key is claimed inside the create's own first transaction (see [`claim_in`]), so the claim
//! and the write commit together or not at all; the answer is stored right after. A key is
//! bound to the method, the concrete path and a hash of the body: the same key with another
//! request is refused (422), never answered with the first one's result.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{SubsecRound, Utc};
use sha2::{Digest, Sha256};

use crate::auth::Ctx;
use crate::db::{Q, Tx, is_unique_violation};
use crate::error::AppError;
use crate::guard::RouteMeta;
use crate::state::AppState;

/// The key sent with a create, with what it is bound to.
#[derive(Clone, Debug)]
pub struct Key {
    /// The client's key.
    pub key: String,
    /// The concrete path (with its query).
    pub path: String,
    /// SHA-256 (hex) of the method, the path and the body: a key reused with anything else
    /// is refused.
    pub request_hash: String,
}

impl Key {
    /// Binds `key` to this request.
    pub fn bind(key: String, method: &str, path: &str, body: &[u8]) -> Key {
        let mut h = Sha256::new();
        h.update(method.as_bytes());
        h.update(b" ");
        h.update(path.as_bytes());
        h.update(b"\n");
        h.update(body);
        Key {
            key,
            path: path.to_string(),
            request_hash: hex::encode(h.finalize()),
        }
    }
}

/// How long a repeat waits for the first request's answer (a double click) before saying the
/// answer was lost.
const WAIT: Duration = Duration::from_secs(5);

#[derive(sqlx::FromRow)]
struct Stored {
    route: String,
    path: Option<String>,
    request_hash: Option<String>,
    status: Option<i64>,
    location: Option<String>,
    body: Option<String>,
}

/// The create running under a key on this task: its first transaction writes the claim.
struct Pending {
    owner: String,
    key: Key,
    route: String,
    claim: Mutex<Claim>,
    /// The handler stored its answer in its own transaction ([`answer_in`]).
    answered: std::sync::atomic::AtomicBool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Claim {
    /// No transaction yet.
    Open,
    /// Written in a transaction of this request (committed with its write, or rolled back
    /// with it).
    Written,
    /// Another request holds the key: this one's answer is that one's.
    Taken,
}

tokio::task_local! {
    static PENDING: Arc<Pending>;
}

/// The create running on this task, if any, to be carried to the task that writes it (the
/// group committer, [`crate::db::group`]).
pub(crate) struct Claimant(Option<Arc<Pending>>);

/// The key of the create running on this task (none outside a create).
pub(crate) fn claimant() -> Claimant {
    Claimant(PENDING.try_with(Arc::clone).ok())
}

/// Runs `fut` as part of the create `c` came from: its transactions claim that key and store
/// that answer.
pub(crate) async fn within<F: std::future::Future>(c: Claimant, fut: F) -> F::Output {
    match c.0 {
        Some(p) => PENDING.scope(p, fut).await,
        None => fut.await,
    }
}

/// Called by [`crate::db::Db::begin`]: when a create with a key runs on this task, its first
/// transaction begins by writing the key's claim. The claim, the create's writes and (on
/// success) the answer thus stand or fall together: a crash before the commit leaves no key,
/// so a retry simply runs again; a second request with the key finds it taken and replays.
pub(crate) async fn claim_in(tx: &mut Tx) -> Result<(), AppError> {
    let Ok(p) = PENDING.try_with(Arc::clone) else {
        return Ok(());
    };
    if *p.claim.lock().expect("claim lock") != Claim::Open {
        return Ok(());
    }
    let claimed = Q::new(
        "insert into idempotency_keys (owner, key, route, path, request_hash, created_at) values ($1, $2, $3, $4, $5, $6)",
    )
    .bind(&p.owner)
    .bind(&p.key.key)
    .bind(&p.route)
    .bind(&p.key.path)
    .bind(&p.key.request_hash)
    .bind(Utc::now().trunc_subsecs(6))
    .try_execute(&mut *tx)
    .await;
    match claimed {
        Ok(_) => {
            *p.claim.lock().expect("claim lock") = Claim::Written;
            Ok(())
        }
        Err(e) if is_unique_violation(&e) => {
            *p.claim.lock().expect("claim lock") = Claim::Taken;
            Err(AppError::conflict("同一请求已提交过。"))
        }
        Err(e) => Err(e.into()),
    }
}

/// Stores a create's answer in the transaction that wrote its claim, so that the write and its
/// answer are one commit (ballot entry: one fsync per ballot, not two). `body` must be the
/// JSON the handler then answers with `status`; without a claim written on this task (no key,
/// or another transaction claimed it) nothing is stored here and the guard stores the answer
/// after the handler as for any create.
pub(crate) async fn answer_in(tx: &mut Tx, status: u16, body: &str) -> Result<(), AppError> {
    let Ok(p) = PENDING.try_with(Arc::clone) else {
        return Ok(());
    };
    if *p.claim.lock().expect("claim lock") != Claim::Written {
        return Ok(());
    }
    Q::new("update idempotency_keys set status = $1, body = $2 where owner = $3 and key = $4")
        .bind(i64::from(status))
        .bind(redact(body.as_bytes()))
        .bind(&p.owner)
        .bind(&p.key.key)
        .execute(&mut *tx)
        .await?;
    p.answered.store(true, std::sync::atomic::Ordering::SeqCst);
    Ok(())
}

/// Runs `fut` as a create under `key` for `owner` on `route`, as the guard runs a create route:
/// the first transaction `fut` begins claims the key. Tests use it to stop a create part-way
/// (a crash between the claim and the commit).
pub async fn under_key<F: std::future::Future>(
    owner: &str,
    route: &str,
    key: Key,
    fut: F,
) -> F::Output {
    let pending = Arc::new(Pending {
        owner: owner.to_string(),
        key,
        route: route.to_string(),
        claim: Mutex::new(Claim::Open),
        answered: Default::default(),
    });
    PENDING.scope(pending, fut).await
}

/// Runs the create once per key and replays its response afterwards.
pub async fn run(
    state: &AppState,
    meta: &RouteMeta,
    ctx: &Ctx,
    req: Request,
    next: Next,
) -> Response {
    match run_inner(state, meta, ctx, req, next).await {
        Ok(r) => r,
        Err(e) => e.into_response(),
    }
}

async fn run_inner(
    state: &AppState,
    meta: &RouteMeta,
    ctx: &Ctx,
    req: Request,
    next: Next,
) -> Result<Response, AppError> {
    let key = req
        .extensions()
        .get::<Key>()
        .cloned()
        .ok_or_else(|| AppError::internal("no key"))?;
    let owner = ctx
        .user
        .as_ref()
        .map(|u| format!("user:{}", u.id))
        .unwrap_or_else(|| "anonymous".into());
    if stored(state, &owner, &key.key).await?.is_some() {
        return replay(state, meta, &owner, &key).await;
    }
    let pending = Arc::new(Pending {
        owner: owner.clone(),
        key: key.clone(),
        route: meta.route.clone(),
        claim: Mutex::new(Claim::Open),
        answered: Default::default(),
    });
    let resp = PENDING.scope(Arc::clone(&pending), next.run(req)).await;
    let claim = *pending.claim.lock().expect("claim lock");
    if claim == Claim::Taken {
        return replay(state, meta, &owner, &key).await;
    }
    let status = resp.status();
    if status.is_success() && pending.answered.load(std::sync::atomic::Ordering::SeqCst) {
        // Stored with the write, in its transaction: one commit for both.
        return Ok(resp);
    }
    if status.is_success() || status.is_redirection() {
        let location = resp
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let (parts, body) = resp.into_parts();
        // The whole answer, however long: it is this server's own, and a replay must be it.
        let bytes = axum::body::to_bytes(body, usize::MAX)
            .await
            .map_err(|e| AppError::internal(format!("answer body: {e}")))?;
        let text = if meta.api { Some(redact(&bytes)) } else { None };
        let code = status.as_u16() as i64;
        let updated = Q::new("update idempotency_keys set status = $1, location = $2, body = $3 where owner = $4 and key = $5")
            .bind(code)
            .bind(location.clone())
            .bind(text.clone())
            .bind(&owner)
            .bind(&key.key)
            .execute(&state.db)
            .await?;
        if updated == 0 {
            // The create wrote nothing in a transaction of its own: record the key now.
            Q::new("insert into idempotency_keys (owner, key, route, path, request_hash, status, location, body, created_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9) on conflict (owner, key) do nothing")
                .bind(&owner)
                .bind(&key.key)
                .bind(&meta.route)
                .bind(&key.path)
                .bind(&key.request_hash)
                .bind(code)
                .bind(location)
                .bind(text)
                .bind(Utc::now().trunc_subsecs(6))
                .execute(&state.db)
                .await?;
        }
        Ok(Response::from_parts(parts, Body::from(bytes)))
    } else {
        // A failed attempt does not use up the key: the client may correct and retry. (Its
        // transaction, claim included, was rolled back; this clears a claim committed by an
        // earlier transaction of the same request.)
        Q::new("delete from idempotency_keys where owner = $1 and key = $2 and status is null")
            .bind(&owner)
            .bind(&key.key)
            .execute(&state.db)
            .await?;
        Ok(resp)
    }
}

async fn stored(state: &AppState, owner: &str, key: &str) -> Result<Option<Stored>, AppError> {
    Q::new("select route, path, request_hash, status, location, body from idempotency_keys where owner = $1 and key = $2")
        .bind(owner)
        .bind(key)
        .optional(&state.db)
        .await
}

async fn replay(
    state: &AppState,
    meta: &RouteMeta,
    owner: &str,
    key: &Key,
) -> Result<Response, AppError> {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let Some(s) = stored(state, owner, &key.key).await? else {
            return Err(AppError::conflict("同一请求的前一次提交失败，请重新提交。"));
        };
        let same = s.route == meta.route
            && s.path.as_deref().is_none_or(|p| p == key.path)
            && s.request_hash
                .as_deref()
                .is_none_or(|h| h == key.request_hash);
        if !same {
            return Err(AppError::invalid(
                "幂等键",
                "该幂等键已用于另一次提交（地址或内容不同）；新的提交请使用新的幂等键。",
            ));
        }
        if let Some(code) = s.status {
            let status = StatusCode::from_u16(code as u16).unwrap_or(StatusCode::OK);
            let mut resp = match s.body {
                Some(b) => {
                    (status, [(header::CONTENT_TYPE, "application/json")], b).into_response()
                }
                None => status.into_response(),
            };
            if let Some(loc) = s.location {
                crate::guard::set_header(&mut resp, header::LOCATION, &loc);
            }
            crate::guard::set_header(
                &mut resp,
                header::HeaderName::from_static("idempotent-replay"),
                "true",
            );
            return Ok(resp);
        }
        // The first request's write is committed and its answer follows within moments (a
        // double click); an answer still missing after the wait was lost with a crash.
        if tokio::time::Instant::now() >= deadline {
            return Err(AppError::conflict(
                "此前的同一提交已经保存，但当时的应答未能送达；请刷新页面查看结果，不要重复提交。",
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The body kept for replays: a password shown once is never stored in clear, so a replay
/// answers `"password": null`.
fn redact(bytes: &[u8]) -> String {
    match serde_json::from_slice::<serde_json::Value>(bytes) {
        Ok(mut v) => {
            if let Some(p) = v.get_mut("password") {
                *p = serde_json::Value::Null;
            }
            v.to_string()
        }
        Err(_) => String::from_utf8_lossy(bytes).into_owned(),
    }
}
