//! the representatives' meeting adopts the election rules only when more than half of
//! the representatives attending vote for them.

use super::{SOURCE_PLAN, verdict};
use crate::domain::rules::RuleCheck;

/// the rules are adopted when `votes_for` is more than half of `attending` (and the
/// counts are consistent: attending ≤ representatives, for + against ≤ attending).
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
    let passed = consistent && votes_for * 2 > attending;
    let message = if consistent {
        format!(
            "选举办法表决（R-3）：居民代表 {representatives} 名，到会 {attending} 名，赞成 {votes_for} 票、反对 {votes_against} 票，赞成票须超过到会居民代表的半数，{}。",
            verdict(passed)
        )
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
    fn inconsistent_counts_are_refused() {
        assert!(!check_adoption(10, 11, 11, 0).passed);
        assert!(!check_adoption(10, 5, 4, 3).passed);
        assert!(!check_adoption(10, 0, 0, 0).passed);
    }
}
