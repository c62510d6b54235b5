//! Live tally events: after every change that alters a vote's tally, its new result is
//! computed once and sent to every subscriber of that vote over server-sent events.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, Stream, StreamExt};
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;

use super::store::{load_vote, tally_of};
use crate::error::AppResult;
use crate::state::AppState;

/// The broadcast of (vote id, result JSON).
#[derive(Clone, Debug)]
pub struct Hub {
    tx: broadcast::Sender<(i64, Arc<String>)>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            tx: broadcast::channel(1024).0,
        }
    }
}

impl Hub {
    /// Sends a vote's new result to its subscribers.
    pub fn send(&self, vote_id: i64, json: String) {
        let _ = self.tx.send((vote_id, Arc::new(json)));
    }

    /// Subscribes to every vote's results.
    pub fn subscribe(&self) -> broadcast::Receiver<(i64, Arc<String>)> {
        self.tx.subscribe()
    }
}

/// The JSON of a vote's current result, as the `result` route and the events give it.
pub async fn result_json(state: &AppState, vote_id: i64) -> AppResult<String> {
    let vote = load_vote(&state.db, vote_id).await?;
    let result = tally_of(&state.db, &vote).await?;
    let mut v = serde_json::to_value(&result)
        .map_err(|e| crate::error::AppError::internal(e.to_string()))?;
    v["certified"] =
        serde_json::json!(vote.state() == crate::domain::counting::VoteState::Certified);
    v["state"] = serde_json::json!(vote.state);
    Ok(v.to_string())
}

/// Recomputes a vote's result and sends it (logged, never failing the change that caused it).
pub async fn publish(state: &AppState, vote_id: i64) {
    match result_json(state, vote_id).await {
        Ok(json) => state.hub.send(vote_id, json),
        Err(e) => tracing::warn!(vote_id, error = %e, "tally event not published"),
    }
}

/// `GET /api/v1/votes/{id}/events`: the current result at once, then one `tally` event per change.
pub async fn events_get(
    State(state): State<AppState>,
    Path(vote_id): Path<i64>,
) -> AppResult<Response> {
    let rx = state.hub.subscribe();
    let first = result_json(&state, vote_id).await?;
    let stream = events(first, rx, vote_id);
    let mut resp = Sse::new(stream)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    resp.headers_mut()
        .insert("x-accel-buffering", header::HeaderValue::from_static("no"));
    Ok(resp)
}

fn events(
    first: String,
    rx: broadcast::Receiver<(i64, Arc<String>)>,
    vote_id: i64,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let later = BroadcastStream::new(rx).filter_map(move |m| async move {
        match m {
            Ok((id, json)) if id == vote_id => {
                Some(Ok(Event::default().event("tally").data(json.as_str())))
            }
            _ => None,
        }
    });
    stream::once(async move { Ok(Event::default().event("tally").data(first)) }).chain(later)
}
