//! the representatives' meeting adopts the election rules only when it is quorate (more
//! than half of the representatives attend) and more than half of those attending vote for them.

use super::{SOURCE_PLAN, verdict};
use crate::domain::rules::RuleCheck;
use crate::domain::tally::law::{MAJORITY, SRC_RESIDENTS_LAW};

/// The fewest representatives attending for the meeting to decide: more than half of them, as
/// the 城市居民委员会组织法 §14 requires of a 居民会议 (and its decisions by more than half of
/// those attending).
pub fn adoption_quorum(representatives: i64) -> i64 {
    MAJORITY.more_than(representatives.max(0) as u64) as i64
}

/// the rules are adopted when more than half of the representatives attend and
/// `votes_for` is more than half of `attending` (the counts consistent: attending ≤
/// representatives, for + against ≤ attending).
pub fn check_adoption(
    representatives: i64,
    attending: i64,
    votes_for: i64,
    votes_against: i64,
) -> RuleCheck {
    let consistent = attending > 0
        && attending <= representatives
        && votes_for >= 0
        && votes_against >= 0
        && votes_for + votes_against <= attending;
    let quorum = adoption_quorum(representatives);
    let quorate = attending >= quorum;
    let passed = consistent && quorate && votes_for * 2 > attending;
    let message = if !consistent {
        String::new()
    } else if !quorate {
        format!(
            "选举办法表决（R-3）：居民代表 {representatives} 名，到会 {attending} 名，依据{SRC_RESIDENTS_LAW}第十四条，到会须超过居民代表的半数，即至少 {quorum} 名，会议不能作出决定，不符合。"
        )
    } else {
        format!(
            "选举办法表决（R-3）：居民代表 {representatives} 名（到会须至少 {quorum} 名），到会 {attending} 名，赞成 {votes_for} 票、反对 {votes_against} 票，赞成票须超过到会居民代表的半数，{}。",
            verdict(passed)
        )
    };
    let message = if consistent {
        message
    } else {
        format!(
            "选举办法表决（R-3）：居民代表 {representatives} 名，到会 {attending} 名，赞成 {votes_for} 票、反对 {votes_against} 票，人数不一致，不符合。"
        )
    };
    RuleCheck::new(
        "R-3.adoption",
        passed,
        SOURCE_PLAN,
        message,
        &[
            ("representatives", representatives.into()),
            ("attending", attending.into()),
            ("quorum", quorum.into()),
            ("for", votes_for.into()),
            ("against", votes_against.into()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_than_half_of_those_attending_adopts_and_exactly_half_does_not() {
        assert!(check_adoption(20, 15, 8, 7).passed);
        let half = check_adoption(20, 16, 8, 8);
        assert!(!half.passed);
        assert!(half.message.contains("到会 16 名，赞成 8 票"));
    }

    #[test]
    fn eleven_of_twenty_representatives_may_adopt_and_ten_may_not() {
        assert_eq!(adoption_quorum(20), 11);
        assert_eq!(adoption_quorum(40), 21);
        let ten = check_adoption(20, 10, 10, 0);
        assert!(!ten.passed, "exactly half attending is no quorum");
        assert!(ten.message.contains("至少 11 名"), "{}", ten.message);
        assert!(check_adoption(20, 11, 6, 5).passed);
        // The case: 3 of 40 representatives.
        let three = check_adoption(40, 3, 3, 0);
        assert!(!three.passed && three.message.contains("至少 21 名"));
    }

    #[test]
    fn inconsistent_counts_are_refused() {
        assert!(!check_adoption(10, 11, 11, 0).passed);
        assert!(!check_adoption(10, 5, 4, 3).passed);
        assert!(!check_adoption(10, 0, 0, 0).passed);
    }
}
