//! A running tally for the projector: the counts of a vote kept up to date ballot by ballot,
//! so that a change costs the work of the ballots it touches, not of every ballot entered.
//!
//! Rule 3's counts are sums of each ballot's own contribution: a ballot is judged on its own
//! (rule 2) and adds to the counted, valid or invalid numbers, to its causes, and per post to
//! each person's `for`, `against` and `abstain`. [`LiveTally`] keeps each ballot's
//! contribution under a key (a ballot's table and number) and their sum; setting a key to
//! another ballot, or to none (voided, disputed), takes the old contribution out and puts the
//! new one in. [`LiveTally::result`] then applies rules 1 and 4–6 ([`decide`]) to the sum.
//! A property test holds it equal to [`super::tally`] over the same ballots, whatever the
//! sequence of changes. The certified result is still the engine's over the stored ballots.

use std::collections::HashMap;
use std::hash::Hash;

use super::counts::{Counts, NameCount};
use super::error::TallyError;
use super::input::{Ballot, TallyInput};
use super::output::TallyResult;
use super::rules::decide;
use super::{Ballots, count};

/// The running counts of one vote.
#[derive(Clone, Debug)]
pub struct LiveTally<K> {
    /// The vote: posts, settings, round and the meeting's numbers; no ballots.
    template: TallyInput,
    /// Each ballot's contribution, by key.
    each: HashMap<K, Counts>,
    /// Their sum.
    sum: Counts,
}

impl<K: Eq + Hash> LiveTally<K> {
    /// A running tally of the vote `template` describes (its ballots are ignored), with no
    /// ballot yet. Fails as [`super::tally`] would on the vote itself.
    pub fn new(mut template: TallyInput) -> Result<LiveTally<K>, TallyError> {
        template.ballots = Ballots::new();
        let (_, sum) = count(&template)?;
        Ok(LiveTally {
            template,
            each: HashMap::new(),
            sum,
        })
    }

    /// Sets the ballot counted under `key`: `None` when none counts there (voided, disputed,
    /// not yet agreed). A ballot the engine refuses leaves the tally as it was.
    pub fn set(&mut self, key: K, ballot: Option<&Ballot>) -> Result<(), TallyError> {
        let new = match ballot {
            Some(b) => Some(self.contribution(b)?),
            None => None,
        };
        if let Some(old) = self.each.remove(&key) {
            subtract(&mut self.sum, &old);
        }
        if let Some(c) = new {
            add(&mut self.sum, &c);
            self.each.insert(key, c);
        }
        Ok(())
    }

    /// Replaces the meeting's numbers (a head count corrected, ballots collected recorded).
    pub fn set_meeting(&mut self, with: &TallyInput) {
        self.template.electorate = with.electorate;
        self.template.present = with.present;
        self.template.ballots_issued = with.ballots_issued;
        self.template.ballots_collected = with.ballots_collected;
    }

    /// Ballots counted.
    pub fn len(&self) -> usize {
        self.each.len()
    }

    /// Whether no ballot is counted.
    pub fn is_empty(&self) -> bool {
        self.each.is_empty()
    }

    /// The result over the ballots set so far, as [`super::tally`] gives it.
    pub fn result(&self) -> Result<TallyResult, TallyError> {
        let meeting = super::plan::check_numbers_counted(&self.template, self.sum.counted)?;
        Ok(decide(&self.template.rules(), &meeting, &self.sum))
    }

    /// One ballot's counts, judged in the vote's rules.
    fn contribution(&self, ballot: &Ballot) -> Result<Counts, TallyError> {
        let mut one = self.template.clone();
        one.ballots = std::iter::once(ballot).collect();
        // The meeting's numbers are checked on the whole, in `result`.
        one.ballots_collected = None;
        one.ballots_issued = None;
        one.present = one.electorate;
        Ok(count(&one)?.1)
    }
}

/// `into += from`, person by person (listed candidates are in the same order in both).
fn add(into: &mut Counts, from: &Counts) {
    into.counted += from.counted;
    into.valid += from.valid;
    into.invalid += from.invalid;
    into.causes.flagged += from.causes.flagged;
    into.causes.for_and_against += from.causes.for_and_against;
    into.causes.overvote += from.causes.overvote;
    into.causes.two_posts += from.causes.two_posts;
    into.dropped_write_ins += from.dropped_write_ins;
    for (p, q) in into.posts.iter_mut().zip(&from.posts) {
        p.void_parts += q.void_parts;
        for n in &q.names {
            match p
                .names
                .iter_mut()
                .find(|m| m.name == n.name && m.listed == n.listed)
            {
                Some(m) => {
                    m.votes += n.votes;
                    m.against += n.against;
                    m.abstain += n.abstain;
                }
                None => p.names.push(n.clone()),
            }
        }
    }
}

/// `into -= from`; a person not listed leaves the post when their last vote goes, as a count
/// from scratch would not show them.
fn subtract(into: &mut Counts, from: &Counts) {
    into.counted -= from.counted;
    into.valid -= from.valid;
    into.invalid -= from.invalid;
    into.causes.flagged -= from.causes.flagged;
    into.causes.for_and_against -= from.causes.for_and_against;
    into.causes.overvote -= from.causes.overvote;
    into.causes.two_posts -= from.causes.two_posts;
    into.dropped_write_ins -= from.dropped_write_ins;
    for (p, q) in into.posts.iter_mut().zip(&from.posts) {
        p.void_parts -= q.void_parts;
        for n in &q.names {
            if let Some(m) = p
                .names
                .iter_mut()
                .find(|m| m.name == n.name && m.listed == n.listed)
            {
                m.votes -= n.votes;
                m.against -= n.against;
                m.abstain -= n.abstain;
            }
        }
        p.names.retain(|m: &NameCount| m.listed || m.votes > 0);
    }
}
