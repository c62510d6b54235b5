//! The live result of a vote being counted, kept running in memory
//! ([`crate::domain::tally::LiveTally`]) instead of recounted from every ballot on every change.
//!
//! Each instance holds, per vote, the running tally and what it last saw of each ballot row
//! (its status and ballot text). A publish that knows which ballots changed (the entry, void
//! and decision announce theirs) reads only those rows; otherwise, and at least every
//! [`FULL_EVERY`] in case an announcement went astray, it reads the
//! vote's rows whole. Either way it hands the engine only the rows that changed — entered,
//! agreed, decided, voided, removed — and applies the rules to the sums. A change of the vote itself (posts, settings, round) starts its tally
//! again; the meeting's numbers are taken fresh each time. The certified result is not this:
//! certification and the documents count the stored ballots with the engine.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::db::{Db, Q};
use crate::domain::counting::{BallotStatus, EntryBallot};
use crate::domain::tally::{LiveTally, TallyResult};
use crate::error::{AppError, AppResult};

use super::store::Vote;

/// A ballot row's place: table and number.
type Key = (i64, i64);

/// The longest a running tally goes without reading its vote's rows whole.
pub const FULL_EVERY: Duration = Duration::from_secs(10);

/// A ballot row as read: table, number, status, ballot text.
type Row = (i64, i64, String, Option<String>);

/// The running tallies of this instance, by vote.
#[derive(Debug, Default)]
pub struct LiveVotes {
    votes: Mutex<HashMap<i64, Held>>,
}

#[derive(Debug)]
struct Held {
    /// What the tally was built for: the vote's preset, settings, round and posts.
    vote: String,
    tally: LiveTally<Key>,
    /// Each row as last seen: status and ballot text.
    rows: HashMap<Key, (String, Option<String>)>,
    /// When the rows were last read whole (`None`: never).
    read_whole: Option<Instant>,
}

/// The vote's identity for its tally (the meeting's numbers excluded).
fn fingerprint(v: &Vote) -> String {
    format!(
        "{}\u{1}{}\u{1}{}\u{1}{}",
        v.preset, v.settings, v.round, v.posts
    )
}

impl LiveVotes {
    /// Lets go of a vote's running tally (a certified vote is shown from its stored ballots).
    pub fn forget(&self, vote_id: i64) {
        self.votes
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&vote_id);
    }

    /// The vote's current result, from its running tally brought up to date with the rows:
    /// those of `changed` when given (and the tally was read whole lately), else all of them.
    pub async fn result(
        &self,
        db: &Db,
        vote: &Vote,
        changed: Option<&HashSet<Key>>,
    ) -> AppResult<TallyResult> {
        let print = fingerprint(vote);
        let mut changed = changed;
        loop {
            let fresh = {
                let votes = self.votes.lock().unwrap_or_else(|e| e.into_inner());
                votes.get(&vote.id).is_some_and(|h| {
                    h.vote == print && h.read_whole.is_some_and(|t| t.elapsed() < FULL_EVERY)
                })
            };
            let (rows, whole) = match changed.filter(|_| fresh) {
                Some(keys) => (rows_of(db, vote.id, keys).await?, false),
                None => (
                    Q::new("select table_no, seq, status, ballot from ballots where vote_id = $1")
                        .bind(vote.id)
                        .all(db)
                        .await?,
                    true,
                ),
            };
            let mut template = vote.tally_input(&[], None).map_err(AppError::internal)?;
            template.ballots_collected = vote.ballots_collected.map(|c| c.max(0) as u64);
            let mut votes = self.votes.lock().unwrap_or_else(|e| e.into_inner());
            let stale = votes.get(&vote.id).is_none_or(|h| h.vote != print);
            if stale && !whole {
                // Rebuilt meanwhile for another version of the vote: read it whole.
                changed = None;
                continue;
            }
            if stale {
                let tally =
                    LiveTally::new(template.clone()).map_err(|e| AppError::internal(e.en()))?;
                votes.insert(
                    vote.id,
                    Held {
                        vote: print.clone(),
                        tally,
                        rows: HashMap::new(),
                        read_whole: None,
                    },
                );
            }
            let held = votes
                .get_mut(&vote.id)
                .ok_or_else(|| AppError::internal("live tally missing"))?;
            held.tally.set_meeting(&template);
            let mut seen: HashSet<Key> = HashSet::with_capacity(rows.len());
            for (table, seq, status, ballot) in rows {
                let key = (table, seq);
                seen.insert(key);
                held.apply(key, Some((status, ballot)))?;
            }
            // Rows no longer there: every row not read when read whole, else the changed ones.
            let gone: Vec<Key> = match changed.filter(|_| !whole) {
                Some(keys) => keys.iter().filter(|k| !seen.contains(k)).copied().collect(),
                None => held
                    .rows
                    .keys()
                    .filter(|k| !seen.contains(k))
                    .copied()
                    .collect(),
            };
            for key in gone {
                held.apply(key, None)?;
            }
            if whole {
                held.read_whole = Some(Instant::now());
            }
            return held.tally.result().map_err(|e| AppError::internal(e.en()));
        }
    }

    /// Lets go of every running tally, so each is read whole next time (the PostgreSQL
    /// listener calls it after reconnecting: announcements may have been lost meanwhile).
    pub fn forget_all(&self) {
        self.votes.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

impl Held {
    /// Brings one row up to date in the tally (`None`: the row is gone).
    fn apply(&mut self, key: Key, now: Option<(String, Option<String>)>) -> AppResult<()> {
        if self.rows.get(&key) == now.as_ref() {
            return Ok(());
        }
        let entry: Option<EntryBallot> = now
            .as_ref()
            .filter(|(status, _)| BallotStatus::parse(status).is_some_and(|s| s.counts()))
            .and_then(|(_, ballot)| ballot.as_deref())
            .and_then(|b| serde_json::from_str(b).ok());
        self.tally
            .set(key, entry.map(|e| e.to_tally()).as_ref())
            .map_err(|e| AppError::internal(e.en()))?;
        match now {
            Some(row) => self.rows.insert(key, row),
            None => self.rows.remove(&key),
        };
        Ok(())
    }
}

/// The rows of `keys`: per table, one read of the numbers from the lowest to the highest
/// changed (the rows between are current too, so reading them is harmless).
async fn rows_of(db: &Db, vote_id: i64, keys: &HashSet<Key>) -> AppResult<Vec<Row>> {
    let mut spans: HashMap<i64, (i64, i64)> = HashMap::new();
    for &(table, seq) in keys {
        spans
            .entry(table)
            .and_modify(|(lo, hi)| {
                *lo = (*lo).min(seq);
                *hi = (*hi).max(seq);
            })
            .or_insert((seq, seq));
    }
    let mut rows = Vec::new();
    for (table, (lo, hi)) in spans {
        let mut part: Vec<Row> = Q::new(
            "select table_no, seq, status, ballot from ballots where vote_id = $1 and table_no = $2 and seq >= $3 and seq <= $4",
        )
        .bind(vote_id)
        .bind(table)
        .bind(lo)
        .bind(hi)
        .all(db)
        .await?;
        rows.append(&mut part);
    }
    Ok(rows)
}
