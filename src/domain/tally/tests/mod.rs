//! Unit and property tests of the tally engine, one file per rule group, with shared builders.

mod ballots_rule2;
mod counting_rule3;
mod further_vacancy;
mod input_errors;
mod live;
mod props;
mod round_rule1;
mod seats_rules5_6;
mod threshold_rule4;

use super::*;

/// A vote with the given preset, meeting numbers and posts, and no ballots yet.
pub(super) fn vote(
    preset: Preset,
    electorate: u64,
    present: u64,
    posts: Vec<PostInput>,
) -> TallyInput {
    TallyInput {
        preset,
        settings: SettingsOverrides::default(),
        round: Round::First,
        electorate,
        present,
        ballots_issued: None,
        ballots_collected: None,
        posts,
        ballots: Ballots::new(),
    }
}

/// A post without an `eligible` list.
pub(super) fn post(name: &str, seats: u64, candidates: &[&str]) -> PostInput {
    PostInput {
        post: name.to_owned(),
        seats,
        candidates: candidates.iter().map(|c| (*c).to_owned()).collect(),
        eligible: None,
    }
}

/// A ballot marking `names` for in `post`.
pub(super) fn vote_for(post: &str, names: &[&str]) -> Ballot {
    Ballot::blank().with_for(post, names)
}

/// Adds `n` copies of `ballot`.
pub(super) fn add(input: &mut TallyInput, n: usize, ballot: &Ballot) {
    for _ in 0..n {
        input.ballots.push(ballot);
    }
}

/// Tallies an input that must be well-formed.
pub(super) fn run(input: &TallyInput) -> TallyResult {
    tally(input).unwrap_or_else(|e| panic!("unexpected input error: {}", e.en()))
}

/// The post named `post` of a result.
pub(super) fn post_of<'r>(result: &'r TallyResult, post: &str) -> &'r PostResult {
    result
        .posts
        .iter()
        .find(|p| p.post == post)
        .expect("post in result")
}

/// One person's line in a post, if listed there.
pub(super) fn line<'r>(
    result: &'r TallyResult,
    post: &str,
    name: &str,
) -> Option<&'r CandidateResult> {
    post_of(result, post)
        .candidates
        .iter()
        .find(|c| c.name == name)
}

/// `for` votes of a person in a post (0 when not listed in the result).
pub(super) fn votes(result: &TallyResult, post: &str, name: &str) -> u64 {
    line(result, post, name).map_or(0, |c| c.votes)
}

/// Owned strings.
pub(super) fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}
