//! P-1 公开推荐: the nomination channels, the backers a joint nomination needs, the nominee's
//! consent, and the nominee's Party membership.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::SOURCE_PIPELINE;
use crate::domain::person::PARTY_ORG;
use crate::domain::rules::RuleCheck;

/// P-1: a joint nomination by Party members needs at least this many backers.
pub const JOINT_PARTY_MEMBERS_MIN: u32 = 10;
/// P-1: a joint nomination by residents needs at least this many backers.
pub const JOINT_RESIDENTS_MIN: u32 = 50;
/// The stored `party_org` value (see `person::PARTY_ORG`) of membership in the community's own
/// Party organisation.
pub const PARTY_ORG_COMMUNITY: &str = "community";

/// P-1: the channels a nomination comes through.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// 街道党工委推荐.
    StreetCommittee,
    /// 社区党组织及下属党组织推荐.
    CommunityOrg,
    /// 驻区单位党组织推荐.
    UnitOrg,
    /// 党员个人自荐.
    SelfNomination,
    /// 党员联名推荐 (≥ [`JOINT_PARTY_MEMBERS_MIN`]).
    PartyMembers,
    /// 居民联名推荐 (≥ [`JOINT_RESIDENTS_MIN`]).
    Residents,
}

impl Channel {
    /// Every channel, in the order of SPEC P-1.
    pub const ALL: [Channel; 6] = [
        Channel::StreetCommittee,
        Channel::CommunityOrg,
        Channel::UnitOrg,
        Channel::SelfNomination,
        Channel::PartyMembers,
        Channel::Residents,
    ];

    /// The stable id (API, database).
    pub const fn as_str(self) -> &'static str {
        match self {
            Channel::StreetCommittee => "street_committee",
            Channel::CommunityOrg => "community_org",
            Channel::UnitOrg => "unit_org",
            Channel::SelfNomination => "self_nomination",
            Channel::PartyMembers => "party_members",
            Channel::Residents => "residents",
        }
    }

    /// The Chinese label.
    pub const fn label(self) -> &'static str {
        match self {
            Channel::StreetCommittee => "街道党工委推荐",
            Channel::CommunityOrg => "社区党组织及下属党组织推荐",
            Channel::UnitOrg => "驻区单位党组织推荐",
            Channel::SelfNomination => "党员个人自荐",
            Channel::PartyMembers => "党员联名推荐",
            Channel::Residents => "居民联名推荐",
        }
    }

    /// Parses the id or the label; the short forms `street`, `community`, `unit`, `self` and
    /// `members` are accepted too.
    pub fn parse(s: &str) -> Option<Channel> {
        let t = s.trim();
        let short = match t {
            "street" => Some(Channel::StreetCommittee),
            "community" => Some(Channel::CommunityOrg),
            "unit" => Some(Channel::UnitOrg),
            "self" => Some(Channel::SelfNomination),
            "members" => Some(Channel::PartyMembers),
            _ => None,
        };
        short.or_else(|| {
            Channel::ALL
                .into_iter()
                .find(|c| c.as_str() == t || c.label() == t)
        })
    }

    /// The backers a joint nomination needs; `None` for the other channels.
    pub const fn min_backers(self) -> Option<u32> {
        match self {
            Channel::PartyMembers => Some(JOINT_PARTY_MEMBERS_MIN),
            Channel::Residents => Some(JOINT_RESIDENTS_MIN),
            _ => None,
        }
    }

    /// Whether this is a joint nomination (backers counted, the nominee's consent required).
    pub const fn is_joint(self) -> bool {
        self.min_backers().is_some()
    }
}

/// P-1: the number of distinct backers of a joint nomination against its threshold; `None` for
/// a channel without backers. (That a person backs a nominee at most once is the caller's to
/// enforce; pass the distinct count.)
pub fn check_backers(channel: Channel, backers: u32) -> Option<RuleCheck> {
    let min = channel.min_backers()?;
    let who = match channel {
        Channel::PartyMembers => "党员",
        _ => "居民",
    };
    let passed = backers >= min;
    let message = format!(
        "{}须至少 {min} 名{who}，实有 {backers} 名，{}。",
        channel.label(),
        if passed { "符合" } else { "不足" }
    );
    Some(RuleCheck::new(
        "P-1.backers",
        passed,
        SOURCE_PIPELINE,
        message,
        &[
            ("channel", channel.as_str().into()),
            ("backers", backers.into()),
            ("min", min.into()),
        ],
    ))
}

/// P-1: a joint nomination counts only once the nominee's consent is recorded with its date;
/// `None` for a channel that is not joint.
pub fn check_consent(channel: Channel, consent: Option<NaiveDate>) -> Option<RuleCheck> {
    if !channel.is_joint() {
        return None;
    }
    let message = match consent {
        Some(d) => format!(
            "{}须经被推荐人本人同意，已于 {d} 同意，计入。",
            channel.label()
        ),
        None => format!(
            "{}须经被推荐人本人同意，尚未记录同意，暂不计入。",
            channel.label()
        ),
    };
    Some(RuleCheck::new(
        "P-1.consent",
        consent.is_some(),
        SOURCE_PIPELINE,
        message,
        &[
            ("channel", channel.as_str().into()),
            (
                "consent_date",
                consent.map(|d| d.to_string()).unwrap_or_default().into(),
            ),
        ],
    ))
}

/// P-1: every check that applies to one nomination through `channel` (none for the
/// organisations' channels and self-nomination).
pub fn nomination_checks(
    channel: Channel,
    backers: u32,
    consent: Option<NaiveDate>,
) -> Vec<RuleCheck> {
    [
        check_backers(channel, backers),
        check_consent(channel, consent),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// P-1: whether the nomination counts (before any override): enough backers and consent given.
pub fn nomination_counts(channel: Channel, backers: u32, consent: Option<NaiveDate>) -> bool {
    nomination_checks(channel, backers, consent)
        .iter()
        .all(|c| c.passed)
}

/// A Party membership status, as `person::PARTY_STATUS` stores it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyStatus {
    /// 非党员 (`none`).
    None,
    /// 正式党员 (`full`).
    Full,
    /// 预备党员 (`probationary`).
    Probationary,
    /// 留党察看 (`watch`).
    Watch,
    /// 停止党籍权利 (`suspended`).
    Suspended,
}

impl PartyStatus {
    /// Every status, in the order of `person::PARTY_STATUS`.
    pub const ALL: [PartyStatus; 5] = [
        PartyStatus::None,
        PartyStatus::Full,
        PartyStatus::Probationary,
        PartyStatus::Watch,
        PartyStatus::Suspended,
    ];

    /// The stored value.
    pub const fn as_str(self) -> &'static str {
        match self {
            PartyStatus::None => "none",
            PartyStatus::Full => "full",
            PartyStatus::Probationary => "probationary",
            PartyStatus::Watch => "watch",
            PartyStatus::Suspended => "suspended",
        }
    }

    /// The Chinese label.
    pub const fn label(self) -> &'static str {
        match self {
            PartyStatus::None => "非党员",
            PartyStatus::Full => "正式党员",
            PartyStatus::Probationary => "预备党员",
            PartyStatus::Watch => "留党察看",
            PartyStatus::Suspended => "停止党籍权利",
        }
    }

    /// Parses the stored value or the label.
    pub fn parse(s: &str) -> Option<PartyStatus> {
        let t = s.trim();
        PartyStatus::ALL
            .into_iter()
            .find(|p| p.as_str() == t || p.label() == t)
    }
}

/// P-1: a nominee must be a 正式党员 (not 预备党员, not under 留党察看, rights not suspended).
/// `status` is the stored value of `person::PARTY_STATUS`; an unknown value fails.
pub fn check_full_member(status: &str) -> RuleCheck {
    let parsed = PartyStatus::parse(status);
    let passed = parsed == Some(PartyStatus::Full);
    let shown = parsed.map_or("未知", PartyStatus::label);
    let message = if passed {
        "被推荐人须为正式党员，本人为正式党员，符合。".to_string()
    } else {
        format!(
            "被推荐人须为正式党员（非预备党员、未受留党察看、未停止党籍权利），本人为{shown}，不符合。"
        )
    };
    RuleCheck::new(
        "P-1.membership",
        passed,
        SOURCE_PIPELINE,
        message,
        &[
            ("status", status.into()),
            ("required", PartyStatus::Full.as_str().into()),
        ],
    )
}

/// P-1: a warning (see [`super::is_warning`]) when the nominee's membership is not in the
/// community's own Party organisation. `party_org` is the stored value of `person::PARTY_ORG`.
pub fn check_membership_org(party_org: Option<&str>) -> RuleCheck {
    let passed = party_org == Some(PARTY_ORG_COMMUNITY);
    let shown = party_org
        .and_then(|o| PARTY_ORG.iter().find(|(k, _)| *k == o))
        .map_or("未登记", |(_, l)| *l);
    let message = if passed {
        "被推荐人党组织关系在本社区党组织，符合。".to_string()
    } else {
        format!("提示：被推荐人党组织关系为“{shown}”，不在本社区党组织，请核实。")
    };
    RuleCheck::new(
        "P-1.org",
        passed,
        SOURCE_PIPELINE,
        message,
        &[
            ("party_org", party_org.unwrap_or_default().into()),
            ("expected", PARTY_ORG_COMMUNITY.into()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::person::PARTY_STATUS;

    fn consent() -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(2027, 4, 2)
    }

    #[test]
    fn nine_party_member_backers_are_refused_and_ten_accepted() {
        let nine = check_backers(Channel::PartyMembers, 9).unwrap();
        assert!(!nine.passed);
        assert_eq!(
            nine.message,
            "党员联名推荐须至少 10 名党员，实有 9 名，不足。"
        );
        assert_eq!(nine.numbers["backers"], 9);
        assert_eq!(nine.numbers["min"], 10);
        assert!(check_backers(Channel::PartyMembers, 10).unwrap().passed);
    }

    #[test]
    fn forty_nine_resident_backers_are_refused_and_fifty_accepted() {
        assert!(!check_backers(Channel::Residents, 49).unwrap().passed);
        assert!(check_backers(Channel::Residents, 50).unwrap().passed);
        assert!(!nomination_counts(Channel::Residents, 49, consent()));
        assert!(nomination_counts(Channel::Residents, 50, consent()));
    }

    #[test]
    fn a_joint_nomination_without_consent_is_not_counted() {
        assert!(!nomination_counts(Channel::PartyMembers, 12, None));
        let c = check_consent(Channel::PartyMembers, None).unwrap();
        assert!(!c.passed);
        assert!(c.message.contains("暂不计入"), "{}", c.message);
        let given = check_consent(Channel::PartyMembers, consent()).unwrap();
        assert!(given.passed);
        assert_eq!(given.numbers["consent_date"], "2027-04-02");
    }

    #[test]
    fn other_channels_need_neither_backers_nor_consent() {
        for ch in [
            Channel::StreetCommittee,
            Channel::CommunityOrg,
            Channel::UnitOrg,
            Channel::SelfNomination,
        ] {
            assert!(nomination_checks(ch, 0, None).is_empty(), "{ch:?}");
            assert!(nomination_counts(ch, 0, None));
        }
    }

    #[test]
    fn channels_round_trip_through_id_and_label() {
        for ch in Channel::ALL {
            assert_eq!(Channel::parse(ch.as_str()), Some(ch));
            assert_eq!(Channel::parse(ch.label()), Some(ch));
        }
        assert_eq!(Channel::PartyMembers.as_str(), "party_members");
        assert_eq!(Channel::Residents.as_str(), "residents");
        assert_eq!(Channel::parse("members"), Some(Channel::PartyMembers));
    }

    #[test]
    fn a_probationary_member_is_refused_as_are_watch_and_suspended() {
        assert!(check_full_member("full").passed);
        let c = check_full_member("probationary");
        assert!(!c.passed);
        assert!(c.message.contains("本人为预备党员"), "{}", c.message);
        for s in ["watch", "suspended", "none", "bogus"] {
            assert!(!check_full_member(s).passed, "{s}");
        }
    }

    #[test]
    fn statuses_match_the_values_people_are_stored_with() {
        for (s, (value, label)) in PartyStatus::ALL.into_iter().zip(PARTY_STATUS) {
            assert_eq!((s.as_str(), s.label()), (value, label));
        }
    }

    #[test]
    fn membership_outside_the_community_is_flagged_as_a_warning() {
        assert!(check_membership_org(Some("community")).passed);
        let c = check_membership_org(Some("unit"));
        assert!(!c.passed);
        assert!(super::super::is_warning(&c));
        assert!(c.message.contains("驻区单位党组织"), "{}", c.message);
        assert!(!check_membership_org(None).passed);
    }
}
