//! Idempotency of creates: the first response to a key is stored and replayed for repeats, so
//! a refresh, a double click or a client retry creates one record.

use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::{SubsecRound, Utc};

use crate::auth::Ctx;
use crate::db::{Q, is_unique_violation};
use crate::error::AppError;
use crate::guard::RouteMeta;
use crate::state::AppState;

/// The key sent with a create.
#[derive(Clone, Debug)]
pub struct Key(pub String);

#[derive(sqlx::FromRow)]
struct Stored {
    route: String,
    status: Option<i64>,
    location: Option<String>,
    body: Option<String>,
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
        .ok_or_else(|| AppError::internal("no key"))?
        .0;
    let owner = ctx
        .user
        .as_ref()
        .map(|u| format!("user:{}", u.id))
        .unwrap_or_else(|| "anonymous".into());
    let claimed = Q::new(
        "insert into idempotency_keys (owner, key, route, created_at) values ($1, $2, $3, $4)",
    )
    .bind(&owner)
    .bind(&key)
    .bind(&meta.route)
    .bind(Utc::now().trunc_subsecs(6))
    .try_execute(&state.db)
    .await;
    match claimed {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => return replay(state, meta, &owner, &key).await,
        Err(e) => return Err(e.into()),
    }
    let resp = next.run(req).await;
    let status = resp.status();
    if status.is_success() || status.is_redirection() {
        let location = resp
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let (parts, body) = resp.into_parts();
        let bytes = axum::body::to_bytes(body, 4 * 1024 * 1024)
            .await
            .unwrap_or_default();
        let text = if meta.api { Some(redact(&bytes)) } else { None };
        Q::new("update idempotency_keys set status = $1, location = $2, body = $3 where owner = $4 and key = $5")
            .bind(status.as_u16() as i64)
            .bind(location)
            .bind(text)
            .bind(&owner)
            .bind(&key)
            .execute(&state.db)
            .await?;
        Ok(Response::from_parts(parts, Body::from(bytes)))
    } else {
        // A failed attempt does not use up the key: the client may correct and retry.
        Q::new("delete from idempotency_keys where owner = $1 and key = $2")
            .bind(&owner)
            .bind(&key)
            .execute(&state.db)
            .await?;
        Ok(resp)
    }
}

async fn replay(
    state: &AppState,
    meta: &RouteMeta,
    owner: &str,
    key: &str,
) -> Result<Response, AppError> {
    // The first request may still be running (a double click): wait for its answer.
    for _ in 0..200 {
        let stored: Option<Stored> = Q::new("select route, status, location, body from idempotency_keys where owner = $1 and key = $2")
            .bind(owner)
            .bind(key)
            .optional(&state.db)
            .await?;
        let Some(s) = stored else {
            return Err(AppError::conflict("同一请求的前一次提交失败，请重新提交。"));
        };
        if s.route != meta.route {
            return Err(AppError::invalid(
                "Idempotency-Key",
                "该幂等键已用于另一操作。",
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
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Err(AppError::conflict("同一请求仍在处理中，请稍后刷新。"))
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
