//! Huanjie (换届): runs the re-election of a city community's two committees — the Party
//! committee (公推直选) and the residents' committee (direct election) — for every community
//! of a street office.
//!
//! The crate is a library with a thin binary: [`build_router`] gives the whole web application
//! for tests, [`serve`] runs it.

pub mod audit;
pub mod auth;
pub mod campaign_dates;
pub mod campaigns;
pub mod checks;
pub mod cli;
pub mod clock;
pub mod communities;
pub mod composition;
pub mod config;
pub mod counting;
pub mod dashboard;
pub mod db;
pub mod demo;
pub mod discipline;
pub mod domain;
pub mod error;
pub mod guard;
pub mod home;
pub mod idempotency;
pub mod pages;
pub mod party;
pub mod people;
pub mod plan;
pub mod residents;
pub mod routes;
pub mod scope;
pub mod state;
pub mod steps;
pub mod street;
pub mod street_steps;
pub mod users;
pub mod web;
pub mod wrapup;

use axum::Router;
use chrono::{DateTime, SubsecRound, Utc};
use time::Duration as TimeDuration;
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;
use tower_sessions::{Expiry, SessionManagerLayer, cookie::SameSite};

use crate::config::Config;
use crate::db::{Db, Q, Tx};
use crate::error::AppError;
use crate::state::AppState;

/// Now, truncated to microseconds (what PostgreSQL keeps), so both backends store the same.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// The pipelines' hooks in the counting room (the counting room calls none of them by name).
pub static COUNTING_HOOKS: &[counting::hooks::Hooks] = &[residents::COUNTING_HOOKS];

/// The street's id (there is one street per deployment).
pub async fn street_id(tx: &mut Tx) -> Result<i64, AppError> {
    Q::new("select id from streets order by id limit 1")
        .scalar(tx)
        .await
}

/// Opens the database, runs migrations and makes sure the street and its plan exist.
pub async fn open(config: &Config) -> Result<Db, AppError> {
    let db = Db::connect_with(&config.database_url, config.durability).await?;
    db.migrate().await?;
    plan::ensure_street(&db, &config.street_name).await?;
    Ok(db)
}

/// Builds the application with its session layer; the caller supplies the state.
pub async fn build_router(state: AppState) -> Result<Router, AppError> {
    let store = auth::Store::new(&state.db).await?;
    tokio::spawn(store.clone().clean_up(std::time::Duration::from_secs(600)));
    let sessions = SessionManagerLayer::new(store)
        .with_name("huanjie_session")
        .with_secure(state.config.secure_cookies)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_expiry(Expiry::OnInactivity(TimeDuration::minutes(
            state.config.session_minutes,
        )));
    counting::start_events(&state);
    let app = routes::build(&state)
        .nest_service(
            "/static",
            ServeDir::new(concat!(env!("CARGO_MANIFEST_DIR"), "/static")),
        )
        .fallback(pages::not_found)
        .layer(axum::extract::DefaultBodyLimit::max(guard::UPLOAD_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            pages::render_errors,
        ))
        .layer(sessions)
        .layer(TraceLayer::new_for_http())
        .with_state(state.clone());
    // The first router built serves the archive's renderings (later ones are equivalent).
    let _ = state.router.set(app.clone());
    Ok(app)
}

/// Runs the server until interrupted. On an empty database, creates the first `admin`.
pub async fn serve(config: Config) -> Result<(), AppError> {
    let db = open(&config).await?;
    if let Some(pw) =
        users::ensure_admin(&db, config.password_cost, config.admin_password.as_deref()).await?
    {
        println!("已创建首个街道工作组账号 admin，初始密码（只显示这一次）：{pw}");
        println!("Created the first street account `admin`; its password (shown once): {pw}");
    }
    let state = AppState::new(db, config.clone());
    let hub = state.hub.clone();
    let app = build_router(state).await?;
    let listener = tokio::net::TcpListener::bind(&config.bind)
        .await
        .map_err(|e| AppError::internal(format!("bind {}: {e}", config.bind)))?;
    println!("Huanjie 已启动：http://{}/", config.bind);
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown_signal().await;
        // Open event streams would hold the shutdown forever: end them.
        hub.shutdown();
    })
    .await
    .map_err(|e| AppError::internal(format!("serve: {e}")))
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(t) => t,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
