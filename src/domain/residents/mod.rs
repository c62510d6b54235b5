//! The residents' pipeline's rules (SPEC §4 C-2, §6 R-1 … R-8), pure: no I/O, no web types.
//!
//! Every check returns a [`RuleCheck`](super::rules::RuleCheck) (C-7) with the numbers it used,
//! its source and one Chinese sentence naming the rule. Every threshold is a named constant of
//! the submodule that applies it, or a field of [`ElectionRules`] with its default there.
//!
//! What is decided elsewhere is reused, not repeated: the count itself (majority, ties,
//! further elections) is the tally engine's ([`super::tally`], whose quorum fraction
//! [`check_quorum`] applies before the count), the conflict rule for scrutineers, counters and
//! 唱票人 is [`super::counting::staff_conflict`], ages are [`super::rules::age_on`] and the day
//! counts of SPEC §9 are [`super::plan::at_least_days_before`].

mod adoption;
mod candidates;
mod committee;
mod election_rules;
mod representatives;
mod seats;
mod voters;
mod voting;

pub use adoption::{AdoptionQuorum, check_adoption};
pub use candidates::{
    MARGIN_MAX, MARGIN_MIN, NominationChannel, Review, ReviewResult, check_one_post,
    check_post_candidates, check_reviews, check_slate, check_total_candidates, next_review,
};
pub use committee::{
    COMMITTEE_CHAIRS, COMMITTEE_MAX, COMMITTEE_MIN, CommitteeMember, Reshuffle, Substitution,
    check_committee, step_down_candidates,
};
pub use election_rules::{
    ElectionRules, FURTHER_ELECTION_DAYS_DEFAULT, PROXY_LIMIT_DEFAULT, VotingMode,
};
pub use representatives::{
    REPRESENTATIVES_MAX, REPRESENTATIVES_MIN, Resident, VOTING_AGE, check_group, check_groups,
    check_representative,
};
pub use seats::{
    DEPUTY_SEATS_DEFAULT, DEPUTY_SEATS_MIN, DIRECTOR_SEATS, Post, SEATS_DEFAULT, SEATS_MAX,
    SEATS_MIN, Seats, check_seats,
};
pub use voters::{
    Basis, HouseholdVoter, ModeFacts, Registration, VOTER_LIST_DAYS_DEFAULT, bulk_by_mode,
    bulk_register, check_list_published, check_mode, check_voter,
};
pub use voting::{
    CertificateKind, MOBILE_BOX_SCRUTINEERS_MIN, Participation, ParticipationChannel, ProxyBook,
    STATUTORY_RULES, certificate_number, check_elected_is_voter, check_mobile_box,
    check_participation, check_proxy, check_quorum, is_near_relative, is_statutory,
    parse_certificate_number,
};

use super::tally::law;

/// The street's work plan (the seed document), its residents' committee part.
pub const SOURCE_PLAN: &str = "街道社区“两委”换届选举工作安排方案（居委会选举）";
/// The statute of residents' committees (composition 5–9, the right to vote at 18).
pub const SOURCE_LAW: &str = law::SRC_RESIDENTS_LAW;
/// The statute whose §14 (voter list published 20 days before the election) the provincial
/// residents' election rules copy (SPEC R-4).
pub const SOURCE_VOTER_LIST: &str =
    "《中华人民共和国村民委员会组织法》第十四条（各地居委会选举办法参照）";
/// The election rules adopted by the representatives' meeting.
pub const SOURCE_RULES: &str = law::SRC_RULES;

/// A person named in a check: the person record's id, and the name shown in messages.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PersonRef {
    /// The person's id in the people table.
    pub person_id: i64,
    /// The name, as shown.
    pub name: String,
}

impl PersonRef {
    /// A person reference from its parts.
    pub fn new(person_id: i64, name: &str) -> PersonRef {
        PersonRef {
            person_id,
            name: name.into(),
        }
    }
}

/// "符合" or "不符合", the verdict closing most messages.
fn verdict(passed: bool) -> &'static str {
    if passed { "符合" } else { "不符合" }
}

#[cfg(test)]
fn d(y: i32, m: u32, day: u32) -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap()
}
