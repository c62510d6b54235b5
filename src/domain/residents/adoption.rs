//! the representatives' meeting adopts the election rules only when it is quorate (more
//! than half of the representatives attend) and more than half of those attending vote for them.

use super::{SOURCE_PLAN, verdict};
use crate::domain::rules::RuleCheck;
use crate::domain::tally::law::{MAJORITY, SRC_RESIDENTS_LAW};

/// The street's setting for the representatives' meeting that adopts the rules: how many of
/// the representatives must attend for it to decide.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdoptionQuorum {
    /// More than half of the representatives (城市居民委员会组织法 §14, the default).
    #[default]
    MoreThanHalf,
    /// At least two thirds of the representatives (a stricter local rule).
    TwoThirds,
}

impl AdoptionQuorum {
    /// Every choice, with its Chinese wording, for forms.
    pub const ALL: [AdoptionQuorum; 2] = [AdoptionQuorum::MoreThanHalf, AdoptionQuorum::TwoThirds];

    /// The stable code (`more_than_half`, `two_thirds`).
    pub const fn code(self) -> &'static str {
        match self {
            AdoptionQuorum::MoreThanHalf => "more_than_half",
            AdoptionQuorum::TwoThirds => "two_thirds",
        }
    }

    /// Parses a code; `None` for anything else.
    pub fn parse(code: &str) -> Option<AdoptionQuorum> {
        Self::ALL.into_iter().find(|q| q.code() == code)
    }

    /// The rule in Chinese, as the check's sentence says it.
    pub const fn zh(self) -> &'static str {
        match self {
            AdoptionQuorum::MoreThanHalf => "超过居民代表的半数",
            AdoptionQuorum::TwoThirds => "不少于居民代表的三分之二",
        }
    }

    /// The fewest representatives attending for the meeting to decide.
    pub fn required(self, representatives: i64) -> i64 {
        let n = representatives.max(0);
        match self {
            AdoptionQuorum::MoreThanHalf => MAJORITY.more_than(n as u64) as i64,
            AdoptionQuorum::TwoThirds => (2 * n + 2) / 3,
        }
    }
}

/// the rules are adopted when more than half of the representatives attend and
/// `votes_for` is more than half of `attending` (the counts consistent: attending ≤
/// representatives, for + against ≤ attending).
pub fn check_adoption(
    quorum_rule: AdoptionQuorum,
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
    let quorum = quorum_rule.required(representatives);
    let rule = quorum_rule.zh();
    let quorate = attending >= quorum;
    let passed = consistent && quorate && votes_for * 2 > attending;
    let message = if !consistent {
        String::new()
    } else if !quorate {
        format!(
            "选举办法表决（R-3）：居民代表 {representatives} 名，到会 {attending} 名，依据{}，到会须{rule}，即至少 {quorum} 名，会议不能作出决定，不符合。",
            source(quorum_rule)
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

fn source(rule: AdoptionQuorum) -> String {
    match rule {
        AdoptionQuorum::MoreThanHalf => format!("{SRC_RESIDENTS_LAW}第十四条"),
        AdoptionQuorum::TwoThirds => "街道工作方案的规定".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_than_half_of_those_attending_adopts_and_exactly_half_does_not() {
        assert!(check_adoption(AdoptionQuorum::MoreThanHalf, 20, 15, 8, 7).passed);
        let half = check_adoption(AdoptionQuorum::MoreThanHalf, 20, 16, 8, 8);
        assert!(!half.passed);
        assert!(half.message.contains("到会 16 名，赞成 8 票"));
    }

    #[test]
    fn eleven_of_twenty_representatives_may_adopt_and_ten_may_not() {
        assert_eq!(AdoptionQuorum::MoreThanHalf.required(20), 11);
        assert_eq!(AdoptionQuorum::MoreThanHalf.required(40), 21);
        let ten = check_adoption(AdoptionQuorum::MoreThanHalf, 20, 10, 10, 0);
        assert!(!ten.passed, "exactly half attending is no quorum");
        assert!(ten.message.contains("至少 11 名"), "{}", ten.message);
        assert!(check_adoption(AdoptionQuorum::MoreThanHalf, 20, 11, 6, 5).passed);
        // The case: 3 of 40 representatives.
        let three = check_adoption(AdoptionQuorum::MoreThanHalf, 40, 3, 3, 0);
        assert!(!three.passed && three.message.contains("至少 21 名"));
    }

    #[test]
    fn under_two_thirds_fourteen_of_twenty_may_adopt_and_thirteen_may_not() {
        let q = AdoptionQuorum::TwoThirds;
        assert_eq!(q.required(20), 14);
        assert_eq!(q.required(21), 14);
        assert_eq!(q.required(3), 2);
        let thirteen = check_adoption(q, 20, 13, 13, 0);
        assert!(!thirteen.passed);
        assert!(
            thirteen
                .message
                .contains("不少于居民代表的三分之二，即至少 14 名"),
            "{}",
            thirteen.message
        );
        assert!(check_adoption(q, 20, 14, 8, 6).passed);
        assert_eq!(AdoptionQuorum::parse("two_thirds"), Some(q));
        assert_eq!(AdoptionQuorum::parse("most"), None);
    }

    #[test]
    fn inconsistent_counts_are_refused() {
        assert!(!check_adoption(AdoptionQuorum::MoreThanHalf, 10, 11, 11, 0).passed);
        assert!(!check_adoption(AdoptionQuorum::MoreThanHalf, 10, 5, 4, 3).passed);
        assert!(!check_adoption(AdoptionQuorum::MoreThanHalf, 10, 0, 0, 0).passed);
    }
}
