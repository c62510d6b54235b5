//! Live tally events. A change to a vote marks it dirty; a publisher task recomputes each dirty
//! vote's result at most once per short window and sends it to every subscriber over
//! server-sent events. With PostgreSQL the mark goes through `NOTIFY`, so every server instance
//! on the database recomputes and feeds its own subscribers; with SQLite it stays in process.
//! Revoking a display link ends its open streams the same way.

use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::header;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::future::ready;
use futures_util::stream::{self, Stream, StreamExt};
use tokio::sync::{Notify, broadcast};
use tokio_stream::wrappers::BroadcastStream;

use super::store::{load_vote, tally_of};
use crate::error::AppResult;
use crate::state::AppState;

/// The notification channel shared by every instance on one PostgreSQL database.
const CHANNEL: &str = "huanjie_events";
/// How long the publisher gathers changes before recomputing (bounds the work per vote
/// under load, and the added latency).
const COALESCE: Duration = Duration::from_millis(20);
/// The shortest time between two events of one vote: at most ten a second, whatever the rate
/// of entries (a change within it is sent when it ends, so nothing is lost).
const MIN_GAP: Duration = Duration::from_millis(100);

/// What the hub broadcasts to open streams.
#[derive(Clone, Debug)]
pub enum Signal {
    /// A vote's new result JSON.
    Tally(i64, Arc<String>),
    /// A display link was revoked: its streams end.
    Revoked(i64),
    /// The server is shutting down: every stream ends.
    Shutdown,
}

/// The in-process broadcast of live events, and the set of votes waiting to be recomputed.
#[derive(Clone, Debug)]
pub struct Hub {
    inner: Arc<Inner>,
}

/// What changed in a vote since its last event: some ballots (table and number), or anything.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Changed {
    /// The vote itself, or anything about it: its result is read whole.
    All,
    /// These ballot rows (entered, voided, decided): only they are read again.
    Ballots(HashSet<(i64, i64)>),
}

/// Past this many ballots in one window a vote is read whole (cheaper than the list).
const MAX_HINTS: usize = 4096;

impl Changed {
    /// Both changes in one.
    fn merge(&mut self, other: Changed) {
        match (&mut *self, other) {
            (Changed::All, _) => {}
            (me, Changed::All) => *me = Changed::All,
            (Changed::Ballots(mine), Changed::Ballots(theirs)) => {
                mine.extend(theirs);
                if mine.len() > MAX_HINTS {
                    *self = Changed::All;
                }
            }
        }
    }

    /// The changed ballots, or `None` when the whole vote is to be read.
    pub fn ballots(&self) -> Option<&HashSet<(i64, i64)>> {
        match self {
            Changed::All => None,
            Changed::Ballots(b) => Some(b),
        }
    }
}

/// Adds what changed in a vote to the changes gathered so far.
fn merge_into(dirty: &mut HashMap<i64, Changed>, vote_id: i64, changed: Changed) {
    match dirty.entry(vote_id) {
        std::collections::hash_map::Entry::Occupied(mut e) => e.get_mut().merge(changed),
        std::collections::hash_map::Entry::Vacant(e) => {
            e.insert(changed);
        }
    }
}

#[derive(Debug)]
struct Inner {
    tx: broadcast::Sender<Signal>,
    dirty: Mutex<HashMap<i64, Changed>>,
    wake: Notify,
    started: AtomicBool,
    /// The running tallies the events are made from.
    live: super::live::LiveVotes,
}

impl Default for Hub {
    fn default() -> Self {
        Hub {
            inner: Arc::new(Inner {
                tx: broadcast::channel(1024).0,
                dirty: Mutex::new(HashMap::new()),
                wake: Notify::new(),
                started: AtomicBool::new(false),
                live: Default::default(),
            }),
        }
    }
}

impl Hub {
    /// Marks a vote for recomputation by this instance's publisher.
    pub fn mark(&self, vote_id: i64) {
        self.mark_changed(vote_id, Changed::All);
    }

    /// Marks what changed in a vote for this instance's publisher.
    pub fn mark_changed(&self, vote_id: i64, changed: Changed) {
        let mut dirty = self.inner.dirty.lock().unwrap_or_else(|e| e.into_inner());
        merge_into(&mut dirty, vote_id, changed);
        drop(dirty);
        self.inner.wake.notify_one();
    }

    /// Sends a vote's result to its subscribers now.
    pub fn send(&self, vote_id: i64, json: String) {
        let _ = self.inner.tx.send(Signal::Tally(vote_id, Arc::new(json)));
    }

    /// Ends the open streams of a display link.
    pub fn revoked(&self, link_id: i64) {
        let _ = self.inner.tx.send(Signal::Revoked(link_id));
    }

    /// Ends every open stream (so a graceful shutdown does not wait for projectors).
    pub fn shutdown(&self) {
        let _ = self.inner.tx.send(Signal::Shutdown);
    }

    /// Subscribes to every signal.
    pub fn subscribe(&self) -> broadcast::Receiver<Signal> {
        self.inner.tx.subscribe()
    }

    fn take_dirty(&self) -> HashMap<i64, Changed> {
        std::mem::take(&mut *self.inner.dirty.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

/// Starts this instance's publisher and, on PostgreSQL, its listener (once per hub).
pub fn start(state: &AppState) {
    if state.hub.inner.started.swap(true, Ordering::SeqCst) {
        return;
    }
    tokio::spawn(publisher(state.clone()));
    if matches!(state.db, crate::db::Db::Postgres(_)) {
        tokio::spawn(listener(state.clone()));
    }
}

async fn publisher(state: AppState) {
    use tokio::time::Instant;
    // When each vote was last sent.
    let mut last: HashMap<i64, Instant> = HashMap::new();
    // Votes changed again within their gap, with what changed: sent when it ends.
    let mut waiting: HashMap<i64, Changed> = HashMap::new();
    loop {
        let due = waiting
            .keys()
            .filter_map(|v| last.get(v))
            .map(|t| *t + MIN_GAP)
            .min();
        match due {
            Some(due) => {
                tokio::select! {
                    _ = state.hub.inner.wake.notified() => {}
                    _ = tokio::time::sleep_until(due) => {}
                }
            }
            None => state.hub.inner.wake.notified().await,
        }
        tokio::time::sleep(COALESCE).await;
        let mut dirty = state.hub.take_dirty();
        for (vote_id, changed) in waiting.drain() {
            merge_into(&mut dirty, vote_id, changed);
        }
        // Nobody is watching: a subscriber gets the current result when it connects.
        if state.hub.inner.tx.receiver_count() == 0 {
            continue;
        }
        let now = Instant::now();
        last.retain(|_, t| now.duration_since(*t) < Duration::from_secs(600));
        let mut due_now = Vec::new();
        for (vote_id, changed) in dirty {
            if last
                .get(&vote_id)
                .is_some_and(|t| now.duration_since(*t) < MIN_GAP)
            {
                waiting.insert(vote_id, changed);
            } else {
                last.insert(vote_id, now);
                due_now.push((vote_id, changed));
            }
        }
        // The votes of a busy evening are read side by side, not one after another.
        let state_ref = &state;
        let results =
            futures_util::future::join_all(due_now.iter().map(|(vote_id, changed)| async move {
                (*vote_id, result_value(state_ref, *vote_id, changed).await)
            }))
            .await;
        for (vote_id, r) in results {
            match r {
                Ok(mut v) => {
                    slim(&mut v);
                    state.hub.send(vote_id, v.to_string());
                }
                Err(e) => tracing::warn!(vote_id, error = %e, "tally event not published"),
            }
        }
    }
}

/// Fields of a result kept in an event after a stream's first: what a projector shows.
const EVENT_FIELDS: [&str; 5] = ["ballots", "state", "certified", "valid", "posts"];
/// Fields of each post kept in an event.
const EVENT_POST_FIELDS: [&str; 5] = ["post", "seats", "threshold", "elected", "candidates"];
/// Fields of each candidate kept in an event (`against` only when some voted against).
const EVENT_CANDIDATE_FIELDS: [&str; 4] = ["name", "for", "against", "status"];

/// An event as a projector needs it: the counts, thresholds and states it shows, without the
/// explanation (sentences whose numbers change with every ballot, about half of a result's
/// bytes), the abstentions, the next round, the quorum and the other parts of the engine's
/// output that the `result` route and a stream's first event carry. Sent to every projector in
/// the hall about ten times a second, so every byte counts five thousand times a second.
fn slim(v: &mut serde_json::Value) {
    fn keep(v: &mut serde_json::Value, fields: &[&str]) {
        if let Some(o) = v.as_object_mut() {
            o.retain(|k, _| fields.contains(&k.as_str()));
        }
    }
    keep(v, &EVENT_FIELDS);
    for post in v["posts"].as_array_mut().into_iter().flatten() {
        keep(post, &EVENT_POST_FIELDS);
        for c in post["candidates"].as_array_mut().into_iter().flatten() {
            keep(c, &EVENT_CANDIDATE_FIELDS);
            if let Some(o) = c.as_object_mut()
                && o.get("against").and_then(|a| a.as_u64()) == Some(0)
            {
                o.remove("against");
            }
        }
    }
}

async fn listener(state: AppState) {
    loop {
        let listening = state.db.listen(CHANNEL).await;
        state.hub.inner.live.forget_all();
        match listening {
            Ok(Some(mut l)) => loop {
                match l.try_recv().await {
                    Ok(Some(n)) => deliver(&state.hub, n.payload()),
                    // The connection was lost (the next call reconnects): what was announced
                    // meanwhile is lost, so every running tally is read whole again.
                    Ok(None) => state.hub.inner.live.forget_all(),
                    Err(e) => {
                        tracing::warn!(error = %e, "event listener lost its connection");
                        break;
                    }
                }
            },
            Ok(None) => return,
            Err(e) => tracing::warn!(error = %e, "event listener could not start"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    }
}

/// Applies a notification: `t:{vote}` marks a vote, `t:{vote}:{table}:{seq}` one of its
/// ballots, `r:{link}` revokes a display link.
fn deliver(hub: &Hub, payload: &str) {
    match payload.split_once(':') {
        Some(("t", rest)) => {
            let mut parts = rest.split(':').map(str::parse::<i64>);
            match (parts.next(), parts.next(), parts.next()) {
                (Some(Ok(vote)), None, None) => hub.mark(vote),
                (Some(Ok(vote)), Some(Ok(table)), Some(Ok(seq))) => {
                    hub.mark_changed(vote, Changed::Ballots(HashSet::from([(table, seq)])))
                }
                _ => tracing::warn!(payload, "unknown event notification"),
            }
        }
        Some(("r", id)) => {
            if let Ok(id) = id.parse() {
                hub.revoked(id);
            }
        }
        _ => tracing::warn!(payload, "unknown event notification"),
    }
}

/// Tells every instance (or this one, on SQLite) what `payload` says.
async fn broadcast_signal(state: &AppState, payload: String) {
    match state.db.notify(CHANNEL, &payload).await {
        Ok(true) => {}
        Ok(false) => deliver(&state.hub, &payload),
        Err(e) => {
            tracing::warn!(error = %e, "notify failed; delivering in process only");
            deliver(&state.hub, &payload);
        }
    }
}

/// The JSON of a vote's current result, as the `result` route and the events give it.
pub async fn result_json(state: &AppState, vote_id: i64) -> AppResult<String> {
    Ok(result_value(state, vote_id, &Changed::All)
        .await?
        .to_string())
}

/// A vote's current result with its state, as a JSON value; `changed` says which ballot rows
/// the running tally must read again.
async fn result_value(
    state: &AppState,
    vote_id: i64,
    changed: &Changed,
) -> AppResult<serde_json::Value> {
    let vote = load_vote(&state.db, vote_id).await?;
    // A certified vote shows the engine's count of the stored ballots; one being counted its
    // running tally.
    let result = if vote.state() == crate::domain::counting::VoteState::Certified {
        state.hub.inner.live.forget(vote.id);
        tally_of(&state.db, &vote).await?
    } else {
        state
            .hub
            .inner
            .live
            .result(&state.db, &vote, changed.ballots())
            .await?
    };
    let mut v = serde_json::to_value(&result)
        .map_err(|e| crate::error::AppError::internal(e.to_string()))?;
    v["certified"] =
        serde_json::json!(vote.state() == crate::domain::counting::VoteState::Certified);
    v["state"] = serde_json::json!(vote.state);
    Ok(v)
}

/// Announces that a vote changed: its subscribers get the new result shortly (never failing
/// the change that caused it).
pub async fn publish(state: &AppState, vote_id: i64) {
    broadcast_signal(state, format!("t:{vote_id}")).await;
}

/// Announces that one ballot of a vote changed (entered, voided, decided): only that row is
/// read again for the next event.
pub async fn publish_ballot(state: &AppState, vote_id: i64, table: i64, seq: i64) {
    broadcast_signal(state, format!("t:{vote_id}:{table}:{seq}")).await;
}

/// Announces that a display link was revoked: its open streams end at once.
pub async fn publish_revoked(state: &AppState, link_id: i64) {
    broadcast_signal(state, format!("r:{link_id}")).await;
}

/// `GET /api/v1/votes/{id}/events`: the current result at once, then one `tally` event per change.
pub async fn events_get(
    State(state): State<AppState>,
    Path(vote_id): Path<i64>,
) -> AppResult<Response> {
    stream_response(&state, vote_id, None).await
}

/// The event stream of a vote; with a display link, it ends when the link is revoked.
pub async fn stream_response(
    state: &AppState,
    vote_id: i64,
    link: Option<i64>,
) -> AppResult<Response> {
    let rx = state.hub.subscribe();
    let first = result_json(state, vote_id).await?;
    let mut resp = Sse::new(events(first, rx, vote_id, link))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    resp.headers_mut()
        .insert("x-accel-buffering", header::HeaderValue::from_static("no"));
    Ok(resp)
}

fn events(
    first: String,
    rx: broadcast::Receiver<Signal>,
    vote_id: i64,
    link: Option<i64>,
) -> impl Stream<Item = Result<Event, Infallible>> {
    let later = stream::unfold(
        (BroadcastStream::new(rx), false),
        move |(mut rx, ended)| async move {
            if ended {
                return None;
            }
            loop {
                match rx.next().await? {
                    Ok(Signal::Tally(id, json)) if id == vote_id => {
                        let e = Event::default().event("tally").data(json.as_str());
                        return Some((Ok(e), (rx, false)));
                    }
                    Ok(Signal::Revoked(l)) if Some(l) == link => {
                        let e = Event::default().event("revoked").data("显示链接已撤销");
                        return Some((Ok(e), (rx, true)));
                    }
                    Ok(Signal::Shutdown) => return None,
                    // A lagging subscriber skips results: each one is the whole tally.
                    _ => continue,
                }
            }
        },
    );
    let first = Event::default()
        .event("tally")
        .retry(Duration::from_secs(1))
        .data(first);
    stream::once(ready(Ok(first))).chain(later)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notification_marks_its_vote_its_ballots_or_revokes_its_link() {
        let hub = Hub::default();
        let mut rx = hub.subscribe();
        deliver(&hub, "t:7");
        deliver(&hub, "t:7:1:4");
        deliver(&hub, "t:9:1:4");
        deliver(&hub, "t:9:2:1");
        deliver(&hub, "t:9:1:4");
        let dirty = hub.take_dirty();
        assert_eq!(
            dirty,
            HashMap::from([
                (7, Changed::All),
                (9, Changed::Ballots(HashSet::from([(1, 4), (2, 1)]))),
            ]),
            "marks of one vote are one recomputation; a whole mark covers its ballots"
        );
        deliver(&hub, "t:9:1");
        assert!(hub.take_dirty().is_empty(), "a half key marks nothing");
        // Past the hint limit a vote is read whole.
        for seq in 0..=MAX_HINTS as i64 {
            hub.mark_changed(4, Changed::Ballots(HashSet::from([(1, seq)])));
        }
        assert_eq!(hub.take_dirty(), HashMap::from([(4, Changed::All)]));
        deliver(&hub, "r:3");
        assert!(matches!(rx.try_recv(), Ok(Signal::Revoked(3))));
        deliver(&hub, "nonsense");
        assert!(hub.take_dirty().is_empty());
    }
}
