//! The result document of `huanjie tally`, serialising exactly to the output contract.

use serde::{Deserialize, Serialize};

use super::settings::Round;

/// The result of one count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TallyResult {
    /// Whether the round is valid (rule 1); a void round elects nobody.
    pub valid: bool,
    /// Why the round is void, in the order checked.
    pub void_reasons: Vec<VoidReason>,
    /// Counting still going on: fewer ballots entered than collected.
    pub provisional: bool,
    /// The quorum check.
    pub quorum: QuorumReport,
    /// The ballots.
    pub ballots: BallotReport,
    /// Per post, in the vote's order.
    pub posts: Vec<PostResult>,
    /// One Chinese sentence per rule applied, with its source and numbers.
    pub explanation: Vec<String>,
}

/// Why a round is void.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VoidReason {
    /// Too few voters present.
    QuorumNotMet,
    /// More ballots collected than voters present (or ballots issued).
    BallotsExceedVoters,
}

/// The quorum check of rule 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuorumReport {
    /// Voters due.
    pub electorate: u64,
    /// Voters present.
    pub present: u64,
    /// The smallest `present` that meets the quorum.
    pub required: u64,
    /// Whether it is met.
    pub met: bool,
}

/// The ballots of the count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotReport {
    /// Taken from the box.
    pub collected: u64,
    /// Entered so far.
    pub counted: u64,
    /// Valid.
    pub valid: u64,
    /// Wholly invalid.
    pub invalid: u64,
}

/// The outcome of one post.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostResult {
    /// The post's name.
    pub post: String,
    /// Seats to fill.
    pub seats: u64,
    /// The smallest number of votes that passes.
    pub threshold: u64,
    /// Valid ballots whose part for this post was voided by an overvote.
    pub void_parts: u64,
    /// Everyone counted in this post, by votes descending, then in surname-stroke order.
    pub candidates: Vec<CandidateResult>,
    /// The elected, in the same order.
    pub elected: Vec<String>,
    /// Those tied at the last seat, awaiting a re-vote.
    pub tie: Vec<String>,
    /// Seats neither filled nor awaiting a tie re-vote.
    pub unfilled: u64,
    /// The follow-up round this post needs, if the rules derive one.
    pub next_round: Option<NextRound>,
}

/// One person's line in a post.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateResult {
    /// The person.
    pub name: String,
    /// `for` votes.
    #[serde(rename = "for")]
    pub votes: u64,
    /// `against` marks.
    pub against: u64,
    /// Abstentions.
    pub abstain: u64,
    /// Not a listed candidate of this post (written in, or rolled down from an earlier post).
    pub write_in: bool,
    /// Elected, tied or not elected.
    pub status: Status,
}

/// A person's outcome in a post.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Elected.
    Elected,
    /// Tied at the last seat.
    Tie,
    /// Not elected.
    NotElected,
}

/// A follow-up round derived by rules 5 and 6.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextRound {
    /// `tie_revote` or `supplementary`.
    pub round: Round,
    /// Seats to fill in it.
    pub seats: u64,
    /// Its candidates, by votes descending, then in surname-stroke order.
    pub candidates: Vec<String>,
}
