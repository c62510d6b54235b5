//! The counts that rules 1 and 4–6 work on: the meeting's numbers and, per post, each
//! person's votes.
//!
//! [`crate::domain::tally::count`] produces them from ballots; a later tally-sheet
//! mode (per-candidate totals entered from paper 正字 sheets) can build them directly and call
//! [`crate::domain::tally::decide`] the same way.

use serde::{Deserialize, Serialize};

/// The meeting's numbers, as declared (not counted).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meeting {
    /// Party: 应到会有选举权人数; residents: registered voters of the voting mode.
    pub electorate: u64,
    /// Party: 实到会有选举权人数; residents: voters who took part.
    pub present: u64,
    /// Ballots issued.
    pub ballots_issued: u64,
    /// Ballots taken from the box (the final number, even while counting goes on).
    pub ballots_collected: u64,
}

/// Why ballots were wholly invalid, one number per cause.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvalidCauses {
    /// Declared invalid by the election committee (`"invalid": true`).
    pub flagged: u64,
    /// A name marked both `for` and `against` in one post.
    pub for_and_against: u64,
    /// More effective `for` names than seats in a post (`overvote: ballot`).
    pub overvote: u64,
    /// One person among the effective `for` names of two posts (`same_person_two_posts: invalid`).
    pub two_posts: u64,
}

/// Everything counted from the ballots.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// Ballots counted so far.
    pub counted: u64,
    /// Valid ballots (possibly with void parts).
    pub valid: u64,
    /// Wholly invalid ballots.
    pub invalid: u64,
    /// The invalid ballots by cause (the first cause found on each ballot).
    pub causes: InvalidCauses,
    /// Write-ins on valid ballots that counted for nothing.
    pub dropped_write_ins: u64,
    /// Per post, in the vote's order.
    pub posts: Vec<PostCounts>,
}

/// The counts of one post.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PostCounts {
    /// The post's name.
    pub post: String,
    /// Seats to fill.
    pub seats: u64,
    /// How many candidates the ballot lists for this post (more than seats: competitive).
    pub listed: u64,
    /// Valid ballots whose part for this post was voided by an overvote (`overvote: post`).
    pub void_parts: u64,
    /// Every listed candidate, and every other person with at least one vote, in any order.
    pub names: Vec<NameCount>,
}

/// One person's numbers in one post.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameCount {
    /// The person.
    pub name: String,
    /// Whether the person is a listed candidate of this post.
    pub listed: bool,
    /// `for` votes (with roll-down: including earlier posts, once per ballot).
    pub votes: u64,
    /// `against` marks in this post.
    pub against: u64,
    /// Ballots counting in this post that mark this listed candidate neither for nor against.
    pub abstain: u64,
}
