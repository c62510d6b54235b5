//! nominations and official candidates — the four reviews a nominee passes, the total
//! differential (1–2 more candidates than seats), the candidates per post (等额 only where the
//! rules allow it) and the one-post rule.

use serde::{Deserialize, Serialize};

use super::election_rules::ElectionRules;
use super::seats::Post;
use super::{SOURCE_PLAN, SOURCE_RULES, verdict};
use crate::domain::rules::RuleCheck;

/// the official candidates exceed the seats by at least this many in total.
pub const MARGIN_MIN: i64 = 1;
/// … and by at most this many.
pub const MARGIN_MAX: i64 = 2;

/// Who nominated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NominationChannel {
    /// 居民会议.
    ResidentsMeeting,
    /// 居民代表会议.
    RepresentativesMeeting,
    /// 居民小组.
    ResidentGroup,
    /// 本人自荐.
    SelfNomination,
}

impl NominationChannel {
    /// Every channel.
    pub const ALL: [NominationChannel; 4] = [
        NominationChannel::ResidentsMeeting,
        NominationChannel::RepresentativesMeeting,
        NominationChannel::ResidentGroup,
        NominationChannel::SelfNomination,
    ];

    /// The label.
    pub const fn label(self) -> &'static str {
        match self {
            NominationChannel::ResidentsMeeting => "居民会议提名",
            NominationChannel::RepresentativesMeeting => "居民代表会议提名",
            NominationChannel::ResidentGroup => "居民小组提名",
            NominationChannel::SelfNomination => "本人自荐",
        }
    }

    /// The stored form.
    pub const fn as_str(self) -> &'static str {
        match self {
            NominationChannel::ResidentsMeeting => "residents_meeting",
            NominationChannel::RepresentativesMeeting => "representatives_meeting",
            NominationChannel::ResidentGroup => "resident_group",
            NominationChannel::SelfNomination => "self_nomination",
        }
    }

    /// Parses the stored form or the label.
    pub fn parse(s: &str) -> Option<NominationChannel> {
        let t = s.trim();
        NominationChannel::ALL
            .into_iter()
            .find(|c| c.as_str() == t || c.label() == t)
    }
}

/// The four reviews of a nominee, in the order they are held.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Review {
    /// 资格审查 by the leading group (with the C-3/C-4 checks).
    Qualification,
    /// 政审 by the Party branch.
    Political,
    /// Discussion by the representatives' meeting.
    Discussion,
    /// 考试/考核.
    Assessment,
}

impl Review {
    /// Every review, in order.
    pub const ALL: [Review; 4] = [
        Review::Qualification,
        Review::Political,
        Review::Discussion,
        Review::Assessment,
    ];

    /// The label.
    pub const fn label(self) -> &'static str {
        match self {
            Review::Qualification => "资格审查",
            Review::Political => "政审",
            Review::Discussion => "居民代表会议讨论",
            Review::Assessment => "考试/考核",
        }
    }

    /// The stored form.
    pub const fn as_str(self) -> &'static str {
        match self {
            Review::Qualification => "qualification",
            Review::Political => "political",
            Review::Discussion => "discussion",
            Review::Assessment => "assessment",
        }
    }

    /// Parses the stored form or the label.
    pub fn parse(s: &str) -> Option<Review> {
        let t = s.trim();
        Review::ALL
            .into_iter()
            .find(|r| r.as_str() == t || r.label() == t)
    }
}

/// One recorded review of a nominee.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewResult {
    /// Which review.
    pub review: Review,
    /// Passed or not.
    pub passed: bool,
    /// The reason given.
    #[serde(default)]
    pub reason: String,
}

/// The latest record of `review`, if any.
fn latest(results: &[ReviewResult], review: Review) -> Option<&ReviewResult> {
    results.iter().rev().find(|r| r.review == review)
}

/// The first review, in order, that the nominee has not passed (latest record counts); `None`
/// once all four are passed.
pub fn next_review(results: &[ReviewResult]) -> Option<Review> {
    Review::ALL
        .into_iter()
        .find(|&r| !latest(results, r).is_some_and(|x| x.passed))
}

/// a nominee becomes an official candidate only after passing all four reviews.
pub fn check_reviews(name: &str, results: &[ReviewResult]) -> RuleCheck {
    let mut problems = Vec::new();
    let mut count = 0usize;
    for review in Review::ALL {
        match latest(results, review) {
            Some(r) if r.passed => count += 1,
            Some(r) if r.reason.trim().is_empty() => {
                problems.push(format!("{}未通过", review.label()))
            }
            Some(r) => problems.push(format!("{}未通过（{}）", review.label(), r.reason.trim())),
            None => problems.push(format!("{}尚未进行", review.label())),
        }
    }
    let ok = problems.is_empty();
    let message = if ok {
        format!(
            "正式候选人（R-5）：{name}已通过资格审查、政审、居民代表会议讨论和考试/考核全部 4 项，确定为正式候选人。"
        )
    } else {
        format!(
            "正式候选人（R-5）：{name}通过 {count}/4 项审查，{}，不能确定为正式候选人。",
            problems.join("；")
        )
    };
    RuleCheck::new(
        "R-5.reviews",
        ok,
        SOURCE_PLAN,
        message,
        &[
            ("passed", count.into()),
            ("required", Review::ALL.len().into()),
        ],
    )
}

/// the official candidates exceed the seats by 1–2 in total (直接差额).
pub fn check_total_candidates(candidates: u32, seats: u32) -> RuleCheck {
    let margin = i64::from(candidates) - i64::from(seats);
    let ok = (MARGIN_MIN..=MARGIN_MAX).contains(&margin);
    let message = format!(
        "候选人差额（R-5）：正式候选人共 {candidates} 名，应选 {seats} 名，差额 {margin} 名，应多于应选名额 {MARGIN_MIN}–{MARGIN_MAX} 名，{}。",
        verdict(ok)
    );
    RuleCheck::new(
        "R-5.margin",
        ok,
        SOURCE_PLAN,
        message,
        &[
            ("candidates", candidates.into()),
            ("seats", seats.into()),
            ("margin", margin.into()),
            ("min", MARGIN_MIN.into()),
            ("max", MARGIN_MAX.into()),
        ],
    )
}

/// a post has at least as many candidates as seats, and exactly as many (等额) only when
/// the rules allow it for that post.
pub fn check_post_candidates(
    post: Post,
    candidates: u32,
    seats: u32,
    uncontested_allowed: bool,
) -> RuleCheck {
    let ok = candidates > seats || (candidates == seats && uncontested_allowed);
    let rule = if uncontested_allowed {
        "选举办法允许等额，候选人数不得少于应选名额"
    } else {
        "候选人数应多于应选名额（选举办法未允许等额）"
    };
    let message = format!(
        "{}候选人数（R-5）：候选人 {candidates} 名，应选 {seats} 名，{rule}，{}。",
        post.label(),
        verdict(ok)
    );
    RuleCheck::new(
        "R-5.post",
        ok,
        &format!("{SOURCE_PLAN}；{SOURCE_RULES}"),
        message,
        &[
            ("post", post.label().into()),
            ("candidates", candidates.into()),
            ("seats", seats.into()),
            ("uncontested_allowed", uncontested_allowed.into()),
        ],
    )
}

/// the whole slate under the adopted rules — the total first, then each post with seats
/// or candidates, in ballot order. `per_post` gives the official candidates of each post (a
/// missing post has none); the total is the sum over the posts.
pub fn check_slate(rules: &ElectionRules, per_post: &[(Post, u32)]) -> Vec<RuleCheck> {
    let of = |post: Post| -> u32 {
        per_post
            .iter()
            .filter(|(p, _)| *p == post)
            .map(|(_, n)| n)
            .sum()
    };
    let total: u32 = Post::ALL.into_iter().map(of).sum();
    let mut out = vec![check_total_candidates(total, rules.seats.total())];
    for post in Post::ALL {
        let (n, seats) = (of(post), rules.seats.of(post));
        if n > 0 || seats > 0 {
            out.push(check_post_candidates(
                post,
                n,
                seats,
                rules.allows_uncontested(post),
            ));
        }
    }
    out
}

/// one person stands for one post only, unless the rules allow two.
pub fn check_one_post(name: &str, posts: &[Post], two_posts_allowed: bool) -> RuleCheck {
    let mut distinct = posts.to_vec();
    distinct.sort();
    distinct.dedup();
    let allowed = if two_posts_allowed { 2 } else { 1 };
    let ok = distinct.len() <= allowed;
    let labels: Vec<_> = distinct.iter().map(|p| p.label()).collect();
    let message = format!(
        "候选职位（R-5）：{name}被提名为{}共 {} 个职位的候选人，选举办法{}，{}。",
        labels.join("、"),
        distinct.len(),
        if two_posts_allowed {
            "允许一人同时为两个职位的候选人"
        } else {
            "规定一人只能为一个职位的候选人"
        },
        verdict(ok)
    );
    RuleCheck::new(
        "R-5.one_post",
        ok,
        SOURCE_RULES,
        message,
        &[
            ("posts", distinct.len().into()),
            ("allowed", allowed.into()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(review: Review, passed: bool) -> ReviewResult {
        ReviewResult {
            review,
            passed,
            reason: String::new(),
        }
    }

    #[test]
    fn candidates_exceeding_five_seats_by_one_or_two_pass_by_zero_or_three_fail() {
        assert!(!check_total_candidates(5, 5).passed);
        assert!(check_total_candidates(6, 5).passed);
        assert!(check_total_candidates(7, 5).passed);
        let c = check_total_candidates(8, 5);
        assert!(!c.passed);
        assert_eq!(c.numbers["margin"], 3);
        assert_eq!(check_total_candidates(4, 5).numbers["margin"], -1);
    }

    #[test]
    fn a_post_with_as_many_candidates_as_seats_fails_unless_the_rules_allow_it() {
        assert!(!check_post_candidates(Post::Director, 1, 1, false).passed);
        assert!(check_post_candidates(Post::Director, 1, 1, true).passed);
        assert!(check_post_candidates(Post::Director, 2, 1, false).passed);
        assert!(!check_post_candidates(Post::Member, 2, 3, true).passed);
    }

    #[test]
    fn the_slate_is_checked_in_total_and_per_post_under_the_rules() {
        let mut rules = ElectionRules::default();
        let slate = [(Post::Director, 1), (Post::Deputy, 2), (Post::Member, 4)];
        let checks = check_slate(&rules, &slate);
        assert_eq!(checks.len(), 4);
        assert!(checks[0].passed, "7 for 5 seats");
        assert!(!checks[1].passed, "主任 等额 not allowed by default");
        assert!(checks[2].passed && checks[3].passed);
        rules.uncontested_posts.insert(Post::Director);
        assert!(check_slate(&rules, &slate).iter().all(|c| c.passed));
        let short = check_slate(&rules, &[(Post::Director, 1), (Post::Member, 4)]);
        assert!(!short[2].passed, "副主任 has no candidate");
    }

    #[test]
    fn a_nominee_becomes_official_only_after_all_four_reviews() {
        let mut rs: Vec<_> = Review::ALL.iter().map(|&r| result(r, true)).collect();
        assert!(check_reviews("张三", &rs).passed);
        assert_eq!(next_review(&rs), None);
        rs[1] = ReviewResult {
            reason: "不符合条件".into(),
            ..result(Review::Political, false)
        };
        let c = check_reviews("张三", &rs);
        assert!(!c.passed && c.message.contains("政审未通过（不符合条件）"));
        assert_eq!(c.numbers["passed"], 3);
        assert_eq!(next_review(&rs), Some(Review::Political));
        rs.push(result(Review::Political, true));
        assert!(
            check_reviews("张三", &rs).passed,
            "the latest record counts"
        );
        let c = check_reviews("李四", &rs[..3]);
        assert!(!c.passed && c.message.contains("考试/考核尚未进行"));
    }

    #[test]
    fn one_person_stands_for_one_post_unless_the_rules_allow_two() {
        let two = [Post::Director, Post::Member];
        assert!(!check_one_post("张三", &two, false).passed);
        assert!(check_one_post("张三", &two, true).passed);
        assert!(check_one_post("张三", &[Post::Member, Post::Member], false).passed);
        assert_eq!(Review::Discussion.label(), "居民代表会议讨论");
        assert_eq!(NominationChannel::SelfNomination.label(), "本人自荐");
    }
}
