//! The live result of a vote being counted, kept running in memory
//! ([`crate::domain::tally::LiveTally`]) instead of recounted from every ballot on every change.
//!
//! Each instance holds, per vote, the running tally and what it last saw of each ballot row
//! (its status and ballot text). A publish reads the vote's rows (no judging), hands the
//! engine only the rows that changed — entered, agreed, decided, voided, removed — and applies
//! the rules to the sums. A change of the vote itself (posts, settings, round) starts its tally
//! again; the meeting's numbers are taken fresh each time. The certified result is not this:
//! certification and the documents count the stored ballots with the engine.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use crate::db::{Db, Q};
use crate::domain::counting::{BallotStatus, EntryBallot};
use crate::domain::tally::{LiveTally, TallyResult};
use crate::error::{AppError, AppResult};

use super::store::Vote;

/// A ballot row's place: table and number.
type Key = (i64, i64);

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

    /// The vote's current result, from its running tally brought up to date with the rows.
    pub async fn result(&self, db: &Db, vote: &Vote) -> AppResult<TallyResult> {
        let rows: Vec<(i64, i64, String, Option<String>)> =
            Q::new("select table_no, seq, status, ballot from ballots where vote_id = $1")
                .bind(vote.id)
                .all(db)
                .await?;
        let mut template = vote.tally_input(&[], None).map_err(AppError::internal)?;
        template.ballots_collected = vote.ballots_collected.map(|c| c.max(0) as u64);
        let mut votes = self.votes.lock().unwrap_or_else(|e| e.into_inner());
        let stale = votes
            .get(&vote.id)
            .is_none_or(|h| h.vote != fingerprint(vote));
        if stale {
            let tally = LiveTally::new(template.clone()).map_err(|e| AppError::internal(e.en()))?;
            votes.insert(
                vote.id,
                Held {
                    vote: fingerprint(vote),
                    tally,
                    rows: HashMap::new(),
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
            let now = (status, ballot);
            if held.rows.get(&key) == Some(&now) {
                continue;
            }
            let counts = BallotStatus::parse(&now.0).is_some_and(|s| s.counts());
            let entry: Option<EntryBallot> = now
                .1
                .as_deref()
                .filter(|_| counts)
                .and_then(|b| serde_json::from_str(b).ok());
            held.tally
                .set(key, entry.map(|e| e.to_tally()).as_ref())
                .map_err(|e| AppError::internal(e.en()))?;
            held.rows.insert(key, now);
        }
        let gone: Vec<Key> = held
            .rows
            .keys()
            .filter(|k| !seen.contains(k))
            .copied()
            .collect();
        for key in gone {
            held.tally
                .set(key, None)
                .map_err(|e| AppError::internal(e.en()))?;
            held.rows.remove(&key);
        }
        held.tally.result().map_err(|e| AppError::internal(e.en()))
    }
}
