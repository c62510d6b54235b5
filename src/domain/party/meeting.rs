//! P-6 党员大会: who is due to attend, the exclusions the higher organisation may approve, the
//! quorum, and the rule that the 书记 and 副书记 come from the newly elected 委员.

use serde::{Deserialize, Serialize};

use super::nomination::{PARTY_ORG_COMMUNITY, PartyStatus};
use super::{SOURCE_PIPELINE, join_names};
use crate::domain::rules::RuleCheck;
use crate::domain::tally::Comparison;
use crate::domain::tally::law::{Fraction, PARTY_QUORUM, SRC_PARTY_1990, SRC_PARTY_2020};

/// P-6: the quorum, four fifths of the members due to attend (the tally engine's constant, so
/// the meeting's check and the count agree).
pub const QUORUM: Fraction = PARTY_QUORUM;
/// P-6: by default the members present must be strictly more than [`QUORUM`] (the seed and the
/// 1990 暂行条例, "超过"); `Comparison::Ge` is the 2020 条例's "不少于".
pub const QUORUM_DEFAULT: Comparison = Comparison::Gt;

/// P-6: reasons a member may be left out of those due to attend, with the higher organisation's
/// consent and the meeting's vote (recorded with reason and approval).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// Unable to express their will through illness.
    Illness,
    /// Abroad at their own expense for six months or more.
    AbroadSelfFunded,
    /// Serving a criminal sentence.
    ServingSentence,
    /// Bedridden or long unable to look after themselves.
    Bedridden,
    /// Away six months or more without transferring their membership.
    AwayUntransferred,
}

impl Exclusion {
    /// Every reason, in the order of SPEC P-6.
    pub const ALL: [Exclusion; 5] = [
        Exclusion::Illness,
        Exclusion::AbroadSelfFunded,
        Exclusion::ServingSentence,
        Exclusion::Bedridden,
        Exclusion::AwayUntransferred,
    ];

    /// The stable id.
    pub const fn as_str(self) -> &'static str {
        match self {
            Exclusion::Illness => "illness",
            Exclusion::AbroadSelfFunded => "abroad_self_funded",
            Exclusion::ServingSentence => "serving_sentence",
            Exclusion::Bedridden => "bedridden",
            Exclusion::AwayUntransferred => "away_untransferred",
        }
    }

    /// The Chinese label.
    pub const fn label(self) -> &'static str {
        match self {
            Exclusion::Illness => "因病不能表达本人意志",
            Exclusion::AbroadSelfFunded => "自费出国半年以上",
            Exclusion::ServingSentence => "正在服刑",
            Exclusion::Bedridden => "卧床不起或长期生活不能自理",
            Exclusion::AwayUntransferred => "外出半年以上且未转移组织关系",
        }
    }

    /// Parses the id or the label.
    pub fn parse(s: &str) -> Option<Exclusion> {
        let t = s.trim();
        Exclusion::ALL
            .into_iter()
            .find(|e| e.as_str() == t || e.label() == t)
    }
}

/// P-6: whether a member with this stored Party status has voting rights (a 正式党员; not 预备,
/// not under 留党察看, rights not suspended).
pub fn has_voting_rights(status: &str) -> bool {
    PartyStatus::parse(status) == Some(PartyStatus::Full)
}

/// P-6: whether a person is on the roll of those due to attend before exclusions: voting rights
/// and membership in the community's own organisation (members of units in the area do not
/// attend). `status` and `party_org` are the stored values of `person`.
pub fn is_due(status: &str, party_org: Option<&str>) -> bool {
    has_voting_rights(status) && party_org == Some(PARTY_ORG_COMMUNITY)
}

/// P-6: members present with voting rights against the quorum of those `due`: with
/// `Comparison::Gt` (the default) strictly more than four fifths, so exactly 4/5 fails; with
/// `Comparison::Ge` at least four fifths. No one due, or more present than due, fails.
pub fn check_quorum(due: u32, present: u32, rule: Comparison) -> RuleCheck {
    let (needed, how, source) = match rule {
        Comparison::Gt => (QUORUM.more_than(due as u64), "超过", SRC_PARTY_1990),
        Comparison::Ge => (QUORUM.at_least(due as u64), "不少于", SRC_PARTY_2020),
    };
    let passed = due > 0 && present <= due && present as u64 >= needed;
    let outcome = if present > due {
        "实到人数多于应到人数，不符合"
    } else if passed {
        "符合"
    } else {
        "不足"
    };
    let message = format!(
        "到会有选举权的党员须{how}应到会人数的{}：应到 {due} 名，实到 {present} 名，须至少 {needed} 名，{outcome}。",
        QUORUM.zh
    );
    RuleCheck::new(
        "P-6.quorum",
        passed,
        source,
        message,
        &[
            ("due", due.into()),
            ("present", present.into()),
            ("needed", needed.into()),
            (
                "rule",
                match rule {
                    Comparison::Gt => "gt",
                    Comparison::Ge => "ge",
                }
                .into(),
            ),
        ],
    )
}

/// P-6: the 书记 and 副书记 candidates must be among the newly elected 委员; the check names
/// whoever is not (the street then records a replacement from the elected, with a reason).
pub fn check_leaders_elected<S: AsRef<str>>(
    elected_members: &[S],
    secretary: &[S],
    deputies: &[S],
) -> RuleCheck {
    let elected = |n: &&S| elected_members.iter().any(|e| e.as_ref() == n.as_ref());
    let missing: Vec<String> = secretary
        .iter()
        .chain(deputies)
        .filter(|n| !elected(n))
        .map(|n| n.as_ref().to_string())
        .collect();
    let passed = missing.is_empty();
    let message = if passed {
        "书记、副书记候选人须从新当选的委员中产生，候选人均已当选委员，符合。".to_string()
    } else {
        format!(
            "书记、副书记候选人须从新当选的委员中产生，{} 未当选委员，不符合。",
            join_names(&missing)
        )
    };
    RuleCheck::new(
        "P-6.leaders_elected",
        passed,
        SOURCE_PIPELINE,
        message,
        &[
            ("elected_members", elected_members.len().into()),
            ("not_elected", missing.into()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_four_fifths_present_is_refused_by_default() {
        let c = check_quorum(50, 40, QUORUM_DEFAULT);
        assert!(!c.passed);
        assert_eq!(c.numbers["needed"], 41);
        assert_eq!(
            c.message,
            "到会有选举权的党员须超过应到会人数的五分之四：应到 50 名，实到 40 名，须至少 41 名，不足。"
        );
        assert!(check_quorum(50, 41, QUORUM_DEFAULT).passed);
    }

    #[test]
    fn exactly_four_fifths_present_is_accepted_under_the_2020_rule() {
        let c = check_quorum(50, 40, Comparison::Ge);
        assert!(c.passed);
        assert_eq!(c.source, SRC_PARTY_2020);
        assert!(!check_quorum(50, 39, Comparison::Ge).passed);
    }

    #[test]
    fn a_quorum_just_above_four_fifths_of_an_uneven_roll_passes() {
        // 4/5 of 51 is 40.8: 40 is short, 41 is more.
        assert!(!check_quorum(51, 40, QUORUM_DEFAULT).passed);
        assert!(check_quorum(51, 41, QUORUM_DEFAULT).passed);
    }

    #[test]
    fn an_empty_roll_or_more_present_than_due_fails() {
        assert!(!check_quorum(0, 0, Comparison::Ge).passed);
        assert!(!check_quorum(50, 51, QUORUM_DEFAULT).passed);
    }

    #[test]
    fn a_secretary_candidate_not_elected_member_is_refused_and_named() {
        let elected = ["张三", "李四", "王五", "赵六", "钱七"];
        let c = check_leaders_elected(&elected, &["孙八"], &["李四"]);
        assert!(!c.passed);
        assert_eq!(
            c.message,
            "书记、副书记候选人须从新当选的委员中产生，孙八 未当选委员，不符合。"
        );
        assert_eq!(c.numbers["not_elected"], serde_json::json!(["孙八"]));
        assert!(check_leaders_elected(&elected, &["张三"], &["李四"]).passed);
    }

    #[test]
    fn only_full_members_of_the_community_are_due() {
        assert!(is_due("full", Some("community")));
        assert!(!is_due("full", Some("unit")));
        assert!(!is_due("probationary", Some("community")));
        assert!(!is_due("watch", Some("community")));
        assert!(!is_due("suspended", Some("community")));
    }

    #[test]
    fn the_exclusion_reasons_are_spec_p6s_five_in_its_order() {
        // SPEC P-6: illness; abroad at own expense ≥ 6 months; serving a sentence; bedridden or
        // long unable to look after themselves; away ≥ 6 months without transferring membership.
        let labels: Vec<&str> = Exclusion::ALL.iter().map(|e| e.label()).collect();
        assert_eq!(
            labels,
            [
                "因病不能表达本人意志",
                "自费出国半年以上",
                "正在服刑",
                "卧床不起或长期生活不能自理",
                "外出半年以上且未转移组织关系",
            ]
        );
        assert_eq!(Exclusion::parse("出差"), None);
    }

    #[test]
    fn exclusion_reasons_round_trip_through_id_and_label() {
        for e in Exclusion::ALL {
            assert_eq!(Exclusion::parse(e.as_str()), Some(e));
            assert_eq!(Exclusion::parse(e.label()), Some(e));
        }
    }
}
