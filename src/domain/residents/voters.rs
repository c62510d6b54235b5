//! voter registration on its basis (户籍, 居住地, posted staff), bulk registration with a
//! reason per person, and the publication of the voter list at least 20 days before election day.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::representatives::{Resident, VOTING_AGE, voting_right};
use super::{SOURCE_LAW, SOURCE_PLAN, SOURCE_VOTER_LIST, verdict};
use crate::domain::plan::at_least_days_before;
use crate::domain::rules::RuleCheck;

/// the voter list is published at least this many days before election day (SPEC §9:
/// election day − publication day ≥ this); the adopted rules may set another number.
pub const VOTER_LIST_DAYS_DEFAULT: i64 = 20;

/// on what basis a voter is registered in this community.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Where the 户籍 is (the normal case).
    #[default]
    Hukou,
    /// Where the person lives, with proof of not taking part at the 户籍 place.
    Residence,
    /// Staff posted to the community, with the representatives' meeting's approval.
    Posted,
}

impl Basis {
    /// Every basis.
    pub const ALL: [Basis; 3] = [Basis::Hukou, Basis::Residence, Basis::Posted];

    /// The label.
    pub const fn label(self) -> &'static str {
        match self {
            Basis::Hukou => "户籍地登记",
            Basis::Residence => "居住地登记",
            Basis::Posted => "派驻本社区工作人员登记",
        }
    }

    /// The stored form.
    pub const fn as_str(self) -> &'static str {
        match self {
            Basis::Hukou => "hukou",
            Basis::Residence => "residence",
            Basis::Posted => "posted",
        }
    }

    /// Parses the stored form or the label.
    pub fn parse(s: &str) -> Option<Basis> {
        let t = s.trim();
        Basis::ALL
            .into_iter()
            .find(|b| b.as_str() == t || b.label() == t)
    }
}

/// how a person is to be registered.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Registration {
    /// The basis.
    pub basis: Basis,
    /// 居住地: the proof of not taking part at the 户籍 place is on file.
    pub hukou_place_proof: bool,
    /// Posted staff: the representatives' meeting approved the registration.
    pub representatives_approval: bool,
    /// The other community where the person is already registered, if any.
    pub registered_elsewhere: Option<String>,
}

impl Registration {
    /// The registration bulk registration assumes: 户籍 where the 户籍 is here, otherwise 居住地
    /// (which then still needs its proof).
    pub fn default_for(r: &Resident, community: &str) -> Registration {
        let basis = if r.hukou_community.as_deref() == Some(community) || !r.lives_in(community) {
            Basis::Hukou
        } else {
            Basis::Residence
        };
        Registration {
            basis,
            ..Registration::default()
        }
    }
}

/// a voter of `community` is ≥ 18 周岁 on election day (the 18th birthday on election day
/// counts), has not lost political rights, has an ID number, is registered in no other
/// community, and meets the conditions of the basis. A failed check's message gives every
/// reason.
pub fn check_voter(
    r: &Resident,
    community: &str,
    reg: &Registration,
    election_day: NaiveDate,
) -> RuleCheck {
    let (age, mut reasons) = voting_right(r, election_day);
    if !r.has_id_number {
        reasons.push("无居民身份证号，不能登记为选民".into());
    }
    if let Some(other) = &reg.registered_elsewhere {
        reasons.push(format!("已在{other}登记为选民，不得重复登记"));
    }
    match reg.basis {
        Basis::Hukou if r.hukou_community.as_deref() != Some(community) => {
            reasons.push("户籍不在本社区，不能按户籍地登记".into())
        }
        Basis::Residence if !r.lives_in(community) => {
            reasons.push("不居住在本社区，不能按居住地登记".into())
        }
        Basis::Residence if !reg.hukou_place_proof => {
            reasons.push("按居住地登记须提供户籍地不参加选举的证明，尚未提供".into())
        }
        Basis::Posted if !reg.representatives_approval => {
            reasons.push("派驻本社区工作人员登记须经居民代表会议同意，尚未同意".into())
        }
        _ => {}
    }
    let passed = reasons.is_empty();
    let message = if passed {
        format!(
            "选民资格（R-4）：{}，选举日 {election_day} 时 {} 周岁（年满 {VOTING_AGE} 周岁），未被剥夺政治权利，{}，符合登记条件。",
            r.name,
            age.unwrap_or_default(),
            reg.basis.label()
        )
    } else {
        format!(
            "选民资格（R-4）：{}不予登记：{}。",
            r.name,
            reasons.join("；")
        )
    };
    RuleCheck::new(
        "R-4.voter",
        passed,
        &format!("{SOURCE_LAW}；{SOURCE_PLAN}"),
        message,
        &[
            ("person_id", r.person_id.into()),
            ("age", age.into()),
            ("voting_age", VOTING_AGE.into()),
            ("election_day", election_day.to_string().into()),
            ("rights_removed", r.rights_removed.into()),
            ("basis", reg.basis.as_str().into()),
            (
                "registered_elsewhere",
                reg.registered_elsewhere.clone().into(),
            ),
        ],
    )
}

/// bulk registration from the people table — one check per resident, in order, on the
/// default basis ([`Registration::default_for`]); `registered_elsewhere` maps a person id to the
/// other community where that person is already registered.
pub fn bulk_register(
    residents: &[Resident],
    community: &str,
    election_day: NaiveDate,
    registered_elsewhere: &BTreeMap<i64, String>,
) -> Vec<RuleCheck> {
    residents
        .iter()
        .map(|r| {
            let mut reg = Registration::default_for(r, community);
            reg.registered_elsewhere = registered_elsewhere.get(&r.person_id).cloned();
            check_voter(r, community, &reg, election_day)
        })
        .collect()
}

/// the voter list is published at least `min_days` days before election day (SPEC §9:
/// election day − publication day ≥ `min_days`).
pub fn check_list_published(
    published: NaiveDate,
    election_day: NaiveDate,
    min_days: i64,
) -> RuleCheck {
    let days = (election_day - published).num_days();
    let passed = at_least_days_before(published, election_day, min_days);
    let message = format!(
        "选民名单公布（R-4）：{published} 公布，距选举日 {election_day} {days} 天，应至少提前 {min_days} 天，{}。",
        verdict(passed)
    );
    RuleCheck::new(
        "R-4.publication",
        passed,
        SOURCE_VOTER_LIST,
        message,
        &[
            ("published", published.to_string().into()),
            ("election_day", election_day.to_string().into()),
            ("days", days.into()),
            ("min_days", min_days.into()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::super::d;
    use super::*;

    fn resident(birth: NaiveDate) -> Resident {
        Resident {
            person_id: 7,
            name: "王芳".into(),
            birth_date: Some(birth),
            rights_removed: false,
            has_id_number: true,
            hukou_community: Some("XH".into()),
            residence_community: Some("XH".into()),
        }
    }

    #[test]
    fn a_voter_turning_18_on_election_day_is_registered_and_the_day_after_is_refused() {
        let day = d(2026, 5, 15);
        let reg = Registration::default();
        let on_the_day = check_voter(&resident(d(2008, 5, 15)), "XH", &reg, day);
        assert!(on_the_day.passed, "{}", on_the_day.message);
        assert_eq!(on_the_day.numbers["age"], 18);
        let day_after = check_voter(&resident(d(2008, 5, 16)), "XH", &reg, day);
        assert!(!day_after.passed);
        assert!(
            day_after.message.contains("17 周岁，未满 18 周岁"),
            "{}",
            day_after.message
        );
    }

    #[test]
    fn lost_political_rights_or_no_id_number_or_no_birth_date_are_refused_with_reasons() {
        let day = d(2026, 5, 15);
        let mut r = resident(d(1980, 1, 1));
        r.rights_removed = true;
        r.has_id_number = false;
        let c = check_voter(&r, "XH", &Registration::default(), day);
        assert!(!c.passed);
        assert!(c.message.contains("剥夺政治权利") && c.message.contains("身份证号"));
        r = resident(d(1980, 1, 1));
        r.birth_date = None;
        assert!(
            check_voter(&r, "XH", &Registration::default(), day)
                .message
                .contains("出生日期未登记")
        );
    }

    #[test]
    fn a_person_registered_in_another_community_is_refused() {
        let reg = Registration {
            registered_elsewhere: Some("东街社区".into()),
            ..Registration::default()
        };
        let c = check_voter(&resident(d(1980, 1, 1)), "XH", &reg, d(2026, 5, 15));
        assert!(!c.passed && c.message.contains("已在东街社区登记"));
    }

    #[test]
    fn residence_needs_the_proof_and_posted_staff_the_meetings_approval() {
        let day = d(2026, 5, 15);
        let mut r = resident(d(1980, 1, 1));
        r.hukou_community = Some("DJ".into());
        let mut reg = Registration {
            basis: Basis::Residence,
            ..Registration::default()
        };
        assert!(!check_voter(&r, "XH", &reg, day).passed);
        reg.hukou_place_proof = true;
        assert!(check_voter(&r, "XH", &reg, day).passed);
        assert!(
            !check_voter(&r, "XH", &Registration::default(), day).passed,
            "户籍 elsewhere"
        );
        let mut reg = Registration {
            basis: Basis::Posted,
            ..Registration::default()
        };
        let c = check_voter(&r, "XH", &reg, day);
        assert!(!c.passed && c.message.contains("居民代表会议同意"));
        reg.representatives_approval = true;
        assert!(check_voter(&r, "XH", &reg, day).passed);
    }

    #[test]
    fn bulk_registration_gives_each_person_a_check_with_the_reason() {
        let day = d(2026, 5, 15);
        let adult = resident(d(1980, 1, 1));
        let minor = Resident {
            person_id: 8,
            ..resident(d(2010, 1, 1))
        };
        let lodger = Resident {
            person_id: 9,
            hukou_community: Some("DJ".into()),
            ..resident(d(1980, 1, 1))
        };
        let twice = Resident {
            person_id: 10,
            ..resident(d(1980, 1, 1))
        };
        let elsewhere = BTreeMap::from([(10, "东街社区".to_string())]);
        let checks = bulk_register(&[adult, minor, lodger, twice], "XH", day, &elsewhere);
        let passed: Vec<_> = checks.iter().map(|c| c.passed).collect();
        assert_eq!(passed, [true, false, false, false]);
        assert!(checks[2].message.contains("户籍地不参加选举的证明"));
        assert_eq!(checks[2].numbers["basis"], "residence");
    }

    #[test]
    fn a_list_published_19_days_before_is_refused_and_20_accepted() {
        let day = d(2026, 5, 15);
        let c = check_list_published(d(2026, 4, 26), day, VOTER_LIST_DAYS_DEFAULT);
        assert!(!c.passed);
        assert_eq!(c.numbers["days"], 19);
        assert!(check_list_published(d(2026, 4, 25), day, VOTER_LIST_DAYS_DEFAULT).passed);
    }

    #[test]
    fn bases_parse_from_their_stored_form_and_label() {
        assert_eq!(Basis::parse("居住地登记"), Some(Basis::Residence));
        assert_eq!(Basis::parse("posted"), Some(Basis::Posted));
        assert_eq!(Basis::parse("x"), None);
    }
}
