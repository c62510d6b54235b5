//! C-1, the committee's size and posts, and P-7, the approval status of the elected.

use serde::{Deserialize, Serialize};

use super::{Post, SOURCE_COMPOSITION};
use crate::domain::rules::RuleCheck;

/// C-1: fewest members of a 党总支 committee.
pub const GENERAL_BRANCH_MIN: u32 = 5;
/// C-1: most members of a 党总支 committee.
pub const GENERAL_BRANCH_MAX: u32 = 9;
/// C-1: fewest members of a 党支部 committee.
pub const BRANCH_MIN: u32 = 3;
/// C-1: most members of a 党支部 committee, as a rule.
pub const BRANCH_MAX: u32 = 5;
/// C-1: the outer limit of a 党支部 committee ("at most 7"): between [`BRANCH_MAX`] and this the
/// size still needs the street's approval, and the message says so.
pub const BRANCH_CEILING: u32 = 7;
/// C-1: the committee has exactly one 书记.
pub const SECRETARY_SEATS: u32 = 1;
/// C-1: fewest 副书记.
pub const DEPUTY_SEATS_MIN: u32 = 0;
/// C-1: most 副书记.
pub const DEPUTY_SEATS_MAX: u32 = 2;

/// The kind of the community's Party organisation, which sets the committee's size. Its ids are
/// the values communities are stored with (`zongzhi`, `zhibu`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrgKind {
    /// 党总支: 5–9 members.
    #[serde(rename = "zongzhi")]
    GeneralBranch,
    /// 党支部: 3–5 members.
    #[serde(rename = "zhibu")]
    Branch,
}

impl OrgKind {
    /// The stored value (as in `communities`).
    pub const fn as_str(self) -> &'static str {
        match self {
            OrgKind::GeneralBranch => "zongzhi",
            OrgKind::Branch => "zhibu",
        }
    }

    /// The Chinese label.
    pub const fn label(self) -> &'static str {
        match self {
            OrgKind::GeneralBranch => "党总支",
            OrgKind::Branch => "党支部",
        }
    }

    /// Parses the id or the label.
    pub fn parse(s: &str) -> Option<OrgKind> {
        [OrgKind::GeneralBranch, OrgKind::Branch]
            .into_iter()
            .find(|k| k.as_str() == s.trim() || k.label() == s.trim())
    }

    /// The committee's size without the street's approval: (fewest, most).
    pub const fn size_range(self) -> (u32, u32) {
        match self {
            OrgKind::GeneralBranch => (GENERAL_BRANCH_MIN, GENERAL_BRANCH_MAX),
            OrgKind::Branch => (BRANCH_MIN, BRANCH_MAX),
        }
    }
}

/// C-1: the committee's size N. Outside the range the check fails; the street may override it
/// with a reason (a committee with few Party members).
pub fn check_committee_size(kind: OrgKind, members: u32) -> RuleCheck {
    let (min, max) = kind.size_range();
    let passed = (min..=max).contains(&members);
    let ceiling = match kind {
        OrgKind::Branch => format!("（最多 {BRANCH_CEILING} 名）"),
        OrgKind::GeneralBranch => String::new(),
    };
    let outcome = if passed {
        "符合"
    } else {
        "不符合，须经街道批准"
    };
    let message = format!(
        "{}委员会委员职数为 {min}–{max} 名{ceiling}，本届定 {members} 名，{outcome}。",
        kind.label()
    );
    RuleCheck::new(
        "C-1.size",
        passed,
        SOURCE_COMPOSITION,
        message,
        &[
            ("kind", kind.as_str().into()),
            ("members", members.into()),
            ("min", min.into()),
            ("max", max.into()),
        ],
    )
}

/// C-1: the number of 副书记 seats (0–2).
pub fn check_deputy_seats(deputies: u32) -> RuleCheck {
    let passed = (DEPUTY_SEATS_MIN..=DEPUTY_SEATS_MAX).contains(&deputies);
    let message = format!(
        "副书记职数为 {DEPUTY_SEATS_MIN}–{DEPUTY_SEATS_MAX} 名，本届定 {deputies} 名，{}。",
        if passed { "符合" } else { "不符合" }
    );
    RuleCheck::new(
        "C-1.deputies",
        passed,
        SOURCE_COMPOSITION,
        message,
        &[
            ("deputies", deputies.into()),
            ("min", DEPUTY_SEATS_MIN.into()),
            ("max", DEPUTY_SEATS_MAX.into()),
        ],
    )
}

/// C-1: the number of 书记 seats (exactly 1).
pub fn check_secretary_seats(secretaries: u32) -> RuleCheck {
    let passed = secretaries == SECRETARY_SEATS;
    let message = format!(
        "书记职数为 {SECRETARY_SEATS} 名，本届定 {secretaries} 名，{}。",
        if passed { "符合" } else { "不符合" }
    );
    RuleCheck::new(
        "C-1.secretary",
        passed,
        SOURCE_COMPOSITION,
        message,
        &[
            ("secretaries", secretaries.into()),
            ("required", SECRETARY_SEATS.into()),
        ],
    )
}

/// P-7: where an elected person stands with the street: 委员 are filed (备案), 书记 and 副书记
/// approved (批准); until then 待批准.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApprovalStatus {
    /// 待批准: elected, not yet filed or approved.
    Pending,
    /// 已备案: a 委员 filed with the street.
    Filed,
    /// 已批准: a 书记 or 副书记 approved by the street.
    Approved,
}

impl ApprovalStatus {
    /// Every status.
    pub const ALL: [ApprovalStatus; 3] = [
        ApprovalStatus::Pending,
        ApprovalStatus::Filed,
        ApprovalStatus::Approved,
    ];

    /// The stable id.
    pub const fn as_str(self) -> &'static str {
        match self {
            ApprovalStatus::Pending => "pending",
            ApprovalStatus::Filed => "filed",
            ApprovalStatus::Approved => "approved",
        }
    }

    /// The Chinese label.
    pub const fn label(self) -> &'static str {
        match self {
            ApprovalStatus::Pending => "待批准",
            ApprovalStatus::Filed => "已备案",
            ApprovalStatus::Approved => "已批准",
        }
    }

    /// Parses the id or the label.
    pub fn parse(s: &str) -> Option<ApprovalStatus> {
        ApprovalStatus::ALL
            .into_iter()
            .find(|a| a.as_str() == s.trim() || a.label() == s.trim())
    }

    /// The status that completes P-7 for someone elected to `post`: 委员 are filed, 书记 and
    /// 副书记 approved.
    pub const fn completed_for(post: Post) -> ApprovalStatus {
        match post {
            Post::Member => ApprovalStatus::Filed,
            Post::Secretary | Post::DeputySecretary => ApprovalStatus::Approved,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_general_branch_committee_has_five_to_nine_members() {
        let sizes = [4, 5, 9, 10].map(|n| check_committee_size(OrgKind::GeneralBranch, n).passed);
        assert_eq!(sizes, [false, true, true, false]);
        let c = check_committee_size(OrgKind::GeneralBranch, 10);
        assert_eq!(c.numbers["members"], 10);
        assert_eq!(c.numbers["max"], 9);
        assert!(c.message.contains("须经街道批准"), "{}", c.message);
    }

    #[test]
    fn a_branch_committee_has_three_to_five_members() {
        let sizes = [2, 3, 5, 6].map(|n| check_committee_size(OrgKind::Branch, n).passed);
        assert_eq!(sizes, [false, true, true, false]);
        assert_eq!(
            check_committee_size(OrgKind::Branch, 2).message,
            "党支部委员会委员职数为 3–5 名（最多 7 名），本届定 2 名，不符合，须经街道批准。"
        );
    }

    #[test]
    fn there_are_at_most_two_deputies_and_exactly_one_secretary() {
        assert_eq!(
            [0, 1, 2, 3].map(|n| check_deputy_seats(n).passed),
            [true, true, true, false]
        );
        assert_eq!(
            [0, 1, 2].map(|n| check_secretary_seats(n).passed),
            [false, true, false]
        );
    }

    #[test]
    fn members_are_filed_and_leaders_approved() {
        assert_eq!(
            ApprovalStatus::completed_for(Post::Member),
            ApprovalStatus::Filed
        );
        assert_eq!(
            ApprovalStatus::completed_for(Post::Secretary).label(),
            "已批准"
        );
        for s in ApprovalStatus::ALL {
            assert_eq!(ApprovalStatus::parse(s.as_str()), Some(s));
            assert_eq!(ApprovalStatus::parse(s.label()), Some(s));
        }
        assert_eq!(OrgKind::parse("党总支"), Some(OrgKind::GeneralBranch));
        assert_eq!(OrgKind::parse("zhibu"), Some(OrgKind::Branch));
    }
}
