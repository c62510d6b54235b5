//! Rules 1 and 3–6 on counts: round validity, people decided in earlier posts, the
//! threshold, filling the seats and the follow-up rounds. Works on [`Counts`] only, so that
//! per-candidate totals from paper tally sheets can be decided the same way as ballots.

use std::cmp::Ordering;
use std::collections::HashSet;

use super::counts::{Counts, Meeting, NameCount, PostCounts};
use super::explain;
use super::law;
use super::output::{
    BallotReport, CandidateResult, NextRound, PostResult, QuorumReport, Status, TallyResult,
    VoidReason,
};
use super::settings::{BoxCheck, Comparison, MajorityBase, Preset, Round, Rules};
use crate::domain::strokes::cmp_names;

/// Decides a round from its counts: rules 1, 3 (people decided in earlier posts), 4, 5 and 6.
pub fn decide(rules: &Rules, meeting: &Meeting, counts: &Counts) -> TallyResult {
    let s = &rules.settings;
    let collected = meeting.ballots_collected;

    // Rule 1.
    let quorum = quorum(rules, meeting);
    let box_limit = match s.box_check {
        BoxCheck::Voters => meeting.present,
        BoxCheck::Issued => meeting.ballots_issued,
    };
    let box_ok = collected <= box_limit;
    let mut void_reasons = Vec::new();
    if !quorum.met {
        void_reasons.push(VoidReason::QuorumNotMet);
    }
    if !box_ok {
        void_reasons.push(VoidReason::BallotsExceedVoters);
    }
    let valid = void_reasons.is_empty();
    let provisional = counts.counted < collected;

    let mut explanation = vec![
        explain::quorum(rules, &quorum),
        explain::box_check(rules, collected, box_limit, box_ok),
    ];
    if !valid {
        explanation.push(explain::void(&void_reasons));
    }
    if provisional {
        explanation.push(explain::provisional(counts.counted, collected));
    }
    explanation.push(explain::ballots(rules, counts));
    explanation.extend(explain::write_ins(rules, counts));
    explanation.extend(explain::roll_down(rules));

    // Rule 4: one threshold for the round.
    let (threshold, base) = threshold(rules, meeting);

    // Rules 3 and 5, post by post: whoever is elected or tied is not counted in later posts.
    let mut taken: HashSet<&str> = HashSet::new();
    let mut decided = Vec::with_capacity(counts.posts.len());
    for pc in &counts.posts {
        let (mut names, mut excluded): (Vec<&NameCount>, Vec<&NameCount>) = pc
            .names
            .iter()
            .partition(|n| !taken.contains(n.name.as_str()));
        names.sort_by(|a, b| by_votes(a, b));
        excluded.sort_by(|a, b| by_strokes(&a.name, &b.name));
        let (elected, tie) = if valid {
            fill(&names, threshold, pc.seats)
        } else {
            (0, 0)
        };
        taken.extend(names[..elected + tie].iter().map(|n| n.name.as_str()));
        decided.push(Decided {
            pc,
            names,
            excluded,
            elected,
            tie,
        });
    }

    // Rule 6 looks at everyone elected in any post of the vote.
    let all_elected: HashSet<&str> = decided
        .iter()
        .flat_map(|d| d.names[..d.elected].iter().map(|n| n.name.as_str()))
        .collect();

    let mut posts = Vec::with_capacity(decided.len());
    for d in &decided {
        let seats = d.pc.seats;
        let unfilled = match (valid, d.tie) {
            (false, _) => seats,
            (true, 0) => seats - d.elected as u64,
            (true, _) => 0,
        };
        let next_round = if valid {
            next_round(rules, d, unfilled, &all_elected)
        } else {
            None
        };

        explanation.push(explain::threshold(rules, d.pc, threshold, base, collected));
        explanation.extend(explain::void_parts(d.pc));
        explanation.extend(explain::excluded(d.pc, &d.excluded));
        if valid {
            explanation.push(explain::outcome(
                rules,
                d.pc,
                &d.names,
                threshold,
                (d.elected, d.tie),
                unfilled,
                next_round.as_ref(),
            ));
        }

        posts.push(PostResult {
            post: d.pc.post.clone(),
            seats,
            threshold,
            void_parts: d.pc.void_parts,
            candidates: d
                .names
                .iter()
                .enumerate()
                .map(|(i, n)| CandidateResult {
                    name: n.name.clone(),
                    votes: n.votes,
                    against: n.against,
                    abstain: n.abstain,
                    write_in: !n.listed,
                    status: if i < d.elected {
                        Status::Elected
                    } else if i < d.elected + d.tie {
                        Status::Tie
                    } else {
                        Status::NotElected
                    },
                })
                .collect(),
            elected: names_of(&d.names[..d.elected]),
            tie: names_of(&d.names[d.elected..d.elected + d.tie]),
            unfilled,
            next_round,
        });
    }

    TallyResult {
        valid,
        void_reasons,
        provisional,
        quorum,
        ballots: BallotReport {
            collected,
            counted: counts.counted,
            valid: counts.valid,
            invalid: counts.invalid,
        },
        posts,
        explanation,
    }
}

/// One post after rules 3 and 5: `names` sorted, its first `elected` elected, the next `tie`
/// tied.
struct Decided<'c> {
    pc: &'c PostCounts,
    names: Vec<&'c NameCount>,
    excluded: Vec<&'c NameCount>,
    elected: usize,
    tie: usize,
}

/// Rule 1's quorum: the smallest `present` that meets it, and whether it is met.
fn quorum(rules: &Rules, meeting: &Meeting) -> QuorumReport {
    let fraction = rules.preset.quorum_fraction();
    let required = match rules.settings.quorum {
        Comparison::Gt => fraction.more_than(meeting.electorate),
        Comparison::Ge => fraction.at_least(meeting.electorate),
    };
    QuorumReport {
        electorate: meeting.electorate,
        present: meeting.present,
        required,
        met: meeting.present >= required,
    }
}

/// Rule 4: the smallest count that passes, and the base it was computed from.
pub(super) fn threshold(rules: &Rules, meeting: &Meeting) -> (u64, u64) {
    let collected = meeting.ballots_collected;
    match (rules.round, rules.preset) {
        (Round::TieRevote, _) => (law::TIE_REVOTE_THRESHOLD, 0),
        (Round::Supplementary, Preset::Residents) => (
            law::RESIDENTS_SUPPLEMENTARY_MINIMUM
                .at_least(collected)
                .max(1),
            collected,
        ),
        _ => {
            let base = match rules.settings.majority_base {
                MajorityBase::Present => meeting.present,
                MajorityBase::Due => meeting.electorate,
                MajorityBase::Cast => collected,
            };
            let t = match rules.settings.majority {
                Comparison::Gt => law::MAJORITY.more_than(base),
                Comparison::Ge => law::MAJORITY.at_least(base).max(1),
            };
            (t, base)
        }
    }
}

/// Rule 5: how many of the sorted `names` are elected, and how many after them are tied at
/// the last seat.
fn fill(names: &[&NameCount], threshold: u64, seats: u64) -> (usize, usize) {
    let passers = names.iter().take_while(|n| n.votes >= threshold).count();
    if passers as u64 <= seats {
        return (passers, 0);
    }
    let seats = seats as usize;
    let last = names[seats - 1].votes;
    if names[seats].votes != last {
        return (seats, 0);
    }
    let above = names.iter().take_while(|n| n.votes > last).count();
    let tied = names[above..passers]
        .iter()
        .take_while(|n| n.votes == last)
        .count();
    (above, tied)
}

/// Rules 5 and 6: the follow-up round a valid post needs, if the rules derive one.
fn next_round(
    rules: &Rules,
    d: &Decided<'_>,
    unfilled: u64,
    all_elected: &HashSet<&str>,
) -> Option<NextRound> {
    if d.tie > 0 {
        return Some(NextRound {
            round: Round::TieRevote,
            seats: d.pc.seats - d.elected as u64,
            candidates: names_of(&d.names[d.elected..d.elected + d.tie]),
        });
    }
    if unfilled == 0 {
        return None;
    }
    let open = |n: &&&NameCount| !all_elected.contains(n.name.as_str());
    let candidates = match rules.round {
        Round::First if d.pc.listed > d.pc.seats => {
            let pool: Vec<&NameCount> = d
                .names
                .iter()
                .filter(open)
                .filter(|n| n.listed || n.votes > 0)
                .copied()
                .collect();
            let wanted = supplementary_size(rules.preset, unfilled);
            let votes: Vec<u64> = pool.iter().map(|n| n.votes).collect();
            names_of(&pool[..take_with_ties(&votes, wanted)])
        }
        Round::TieRevote => {
            let rest: Vec<&NameCount> = d
                .names
                .iter()
                .filter(open)
                .filter(|n| n.listed)
                .copied()
                .collect();
            names_of(&rest)
        }
        // An uncontested post: the approving body names the next candidates. A further
        // election: the meeting decides.
        Round::First | Round::Supplementary => return None,
    };
    if candidates.is_empty() {
        return None;
    }
    Some(NextRound {
        round: rules.round_after(),
        seats: unfilled,
        candidates,
    })
}

impl Rules {
    /// The round a shortfall leads to: a first round to a further election, a tie re-vote to
    /// another tie re-vote.
    fn round_after(&self) -> Round {
        match self.round {
            Round::TieRevote => Round::TieRevote,
            _ => Round::Supplementary,
        }
    }
}

/// How many candidates a further election for `shortfall` seats has (before ties).
pub(super) fn supplementary_size(preset: Preset, shortfall: u64) -> u64 {
    match preset {
        Preset::Residents => shortfall + law::RESIDENTS_SUPPLEMENTARY_EXTRA,
        Preset::Party => shortfall + law::PARTY_SUPPLEMENTARY_MARGIN.at_least(shortfall).max(1),
    }
}

/// How many of a pool sorted by `votes` (descending) are taken: the first `wanted`, plus
/// anyone tied with the last one taken.
fn take_with_ties(votes: &[u64], wanted: u64) -> usize {
    if votes.len() as u64 <= wanted {
        return votes.len();
    }
    let wanted = wanted as usize;
    let last = votes[wanted - 1];
    wanted + votes[wanted..].iter().take_while(|v| **v == last).count()
}

/// Rule 6 for seats left vacant after a certified count (an elected write-in whom the
/// residents' election committee did not confirm): the further election's candidates for
/// `vacant` seats of `post` — its counted people not in `skip` (everyone elected, and the
/// unconfirmed), listed or with votes, in the result's order — as many as a further election
/// for `vacant` seats has, plus anyone tied with the last one taken.
pub fn further_candidates(
    preset: Preset,
    post: &PostResult,
    skip: &HashSet<&str>,
    vacant: u64,
) -> Vec<String> {
    let pool: Vec<&CandidateResult> = post
        .candidates
        .iter()
        .filter(|c| !skip.contains(c.name.as_str()))
        .filter(|c| !c.write_in || c.votes > 0)
        .collect();
    let votes: Vec<u64> = pool.iter().map(|c| c.votes).collect();
    let n = take_with_ties(&votes, supplementary_size(preset, vacant));
    pool[..n].iter().map(|c| c.name.clone()).collect()
}

/// Votes descending, then surname-stroke order.
fn by_votes(a: &NameCount, b: &NameCount) -> Ordering {
    b.votes
        .cmp(&a.votes)
        .then_with(|| by_strokes(&a.name, &b.name))
}

/// Surname-stroke order, with the code points as a last resort so the order is total.
pub(super) fn by_strokes(a: &str, b: &str) -> Ordering {
    cmp_names(a, b).then_with(|| a.cmp(b))
}

fn names_of(names: &[&NameCount]) -> Vec<String> {
    names.iter().map(|n| n.name.clone()).collect()
}
