//! The Party pipeline's rules (SPEC §4 C-1, §5 P-1 … P-7), pure: the committee's size, public
//! nominations, the directed recommendation meeting, the preliminary and candidate lists, the
//! Party members' meeting and the approval status of the elected.
//!
//! Every check returns a [`RuleCheck`] (the C-7 record) with the numbers it used, its source and
//! one Chinese sentence naming the rule and the numbers; every threshold is a named constant of
//! this module (re-exported from the submodule that uses it). Proportions are computed in
//! integers — ⌈30% × N⌉ is `(30 × N + 99) / 100` — so that a boundary never depends on rounding.

mod committee;
mod lists;
mod meeting;
mod nomination;
mod recommendation;

use serde::{Deserialize, Serialize};

use super::rules::RuleCheck;

pub use committee::{
    ApprovalStatus, BRANCH_CEILING, BRANCH_MAX, BRANCH_MIN, DEPUTY_SEATS_MAX, DEPUTY_SEATS_MIN,
    GENERAL_BRANCH_MAX, GENERAL_BRANCH_MIN, OrgKind, SECRETARY_SEATS, check_committee_size,
    check_deputy_seats, check_secretary_seats,
};
pub use lists::{
    CANDIDATE_MARGIN_PERCENT, PRELIMINARY_MARGIN_PERCENT, PUBLICITY_MIN_DAYS, candidate_min,
    check_candidate_list, check_leader_slate, check_leaders_on_list, check_preliminary_list,
    check_publicity, preliminary_min,
};
pub use meeting::{
    Exclusion, QUORUM, QUORUM_DEFAULT, check_leaders_elected, check_quorum, has_voting_rights,
    is_due,
};
pub use nomination::{
    Channel, JOINT_PARTY_MEMBERS_MIN, JOINT_RESIDENTS_MIN, PARTY_ORG_COMMUNITY, PartyStatus,
    check_backers, check_consent, check_full_member, check_membership_org, nomination_checks,
    nomination_counts,
};
pub use recommendation::{
    INTRODUCTION_MAX_CHARS, NomineeVotes, PARTICIPANTS_MIN, ParticipantCategory, Participants,
    REPRESENTATIVE_SHARE_PERCENT, RecommendationForm, RecommendationTally, check_form,
    check_introduction, check_participant_share, check_participant_total, tally_forms,
};

/// Source of the pipeline's steps (P-1 … P-6): the street's plan for 公推直选.
pub const SOURCE_PIPELINE: &str = "街道社区“两委”换届选举工作安排方案（公推直选）";
/// Source of the committee's size and posts (C-1).
pub const SOURCE_COMPOSITION: &str = "街道社区“两委”换届选举工作安排方案（班子职数）";

/// Rules whose failure is a warning to look into, not a block (C-7 blocks on the others).
pub const WARNING_RULES: &[&str] = &["P-1.org"];

/// True when `check` is advisory: shown, but a failure does not block the step.
pub fn is_warning(check: &RuleCheck) -> bool {
    WARNING_RULES.contains(&check.rule.as_str())
}

/// Statutory rules no override can relax: the 党员大会's quorum, and the 书记/副书记 coming from
/// the newly elected 委员 (a candidate who was not elected is replaced, not excused).
pub const STATUTORY_RULES: &[&str] = &["P-6.quorum", "P-6.leaders_elected"];

/// True when `check` is statutory: a failure blocks and cannot be overridden.
pub fn is_statutory(check: &RuleCheck) -> bool {
    STATUTORY_RULES.contains(&check.rule.as_str())
}

/// A post of the Party committee.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Post {
    /// 书记.
    Secretary,
    /// 副书记.
    DeputySecretary,
    /// 委员.
    Member,
}

impl Post {
    /// Every post, in the order the forms show them.
    pub const ALL: [Post; 3] = [Post::Secretary, Post::DeputySecretary, Post::Member];

    /// The stable id (API, database).
    pub const fn as_str(self) -> &'static str {
        match self {
            Post::Secretary => "secretary",
            Post::DeputySecretary => "deputy_secretary",
            Post::Member => "member",
        }
    }

    /// The Chinese label (also the post's name in a vote).
    pub const fn label(self) -> &'static str {
        match self {
            Post::Secretary => "书记",
            Post::DeputySecretary => "副书记",
            Post::Member => "委员",
        }
    }

    /// Parses the id or the label.
    pub fn parse(s: &str) -> Option<Post> {
        let t = s.trim();
        Post::ALL
            .into_iter()
            .find(|p| p.as_str() == t || p.label() == t)
    }
}

/// The seats of one committee: 1 书记, `deputies` 副书记, `members` 委员 (N, the committee's size).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seats {
    /// 副书记 seats (0–2, C-1).
    pub deputies: u32,
    /// 委员 seats: N, every member of the committee.
    pub members: u32,
}

impl Seats {
    /// The seats of `post`.
    pub const fn of(self, post: Post) -> u32 {
        match post {
            Post::Secretary => SECRETARY_SEATS,
            Post::DeputySecretary => self.deputies,
            Post::Member => self.members,
        }
    }
}

/// ⌈`percent`% × `n`⌉ in integers.
pub const fn ceil_percent(n: u32, percent: u32) -> u32 {
    (n as u64 * percent as u64).div_ceil(100) as u32
}

/// `x / 100` written as a decimal without trailing zeros: 210 → "2.1", 300 → "3", 105 → "1.05".
fn hundredths(x: u64) -> String {
    let (whole, frac) = (x / 100, x % 100);
    match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

/// `part / whole` as a percentage with one decimal, truncated (so a share below a threshold
/// never reads as the threshold): 299 of 1000 → "29.9%". An empty base reads "0%".
pub fn percent_text(part: u32, whole: u32) -> String {
    if whole == 0 {
        return "0%".into();
    }
    let permille = part as u64 * 1000 / whole as u64;
    format!("{}.{}%", permille / 10, permille % 10)
}

/// Joins names with the Chinese enumeration comma.
fn join_names<S: AsRef<str>>(names: &[S]) -> String {
    names
        .iter()
        .map(AsRef::as_ref)
        .collect::<Vec<_>>()
        .join("、")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ceil_percent_rounds_up_in_integers() {
        assert_eq!(ceil_percent(5, 30), 2);
        assert_eq!(ceil_percent(7, 30), 3);
        assert_eq!(ceil_percent(9, 30), 3);
        assert_eq!(ceil_percent(10, 30), 3);
        assert_eq!(ceil_percent(5, 20), 1);
        assert_eq!(ceil_percent(0, 30), 0);
    }

    #[test]
    fn hundredths_are_written_without_trailing_zeros() {
        assert_eq!(hundredths(210), "2.1");
        assert_eq!(hundredths(300), "3");
        assert_eq!(hundredths(105), "1.05");
    }

    #[test]
    fn a_percentage_is_truncated_not_rounded_up() {
        assert_eq!(percent_text(299, 1000), "29.9%");
        assert_eq!(percent_text(2999, 10000), "29.9%");
        assert_eq!(percent_text(24, 80), "30.0%");
        assert_eq!(percent_text(1, 0), "0%");
    }

    #[test]
    fn posts_parse_from_their_id_or_their_label() {
        for p in Post::ALL {
            assert_eq!(Post::parse(p.as_str()), Some(p));
            assert_eq!(Post::parse(p.label()), Some(p));
        }
        assert_eq!(Post::parse("主任"), None);
        let seats = Seats {
            deputies: 2,
            members: 7,
        };
        assert_eq!(
            Post::ALL.map(|p| seats.of(p)),
            [SECRETARY_SEATS, 2, 7],
            "书记 1, 副书记 n, 委员 N"
        );
    }

    #[test]
    fn the_quorum_and_the_leaders_among_the_elected_are_statutory() {
        assert!(is_statutory(&check_quorum(10, 8, QUORUM_DEFAULT)));
        assert!(is_statutory(&check_leaders_elected(&["甲"], &["乙"], &[])));
        assert!(!is_statutory(&check_full_member("probationary")));
    }

    #[test]
    fn only_the_listed_rules_are_warnings() {
        assert!(is_warning(&check_membership_org(Some("unit"))));
        assert!(!is_warning(&check_full_member("probationary")));
    }
}
