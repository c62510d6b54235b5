//! voter registration on its basis (户籍, 居住地, posted staff), bulk registration with a
//! reason per person, the voting mode's electorate (all voters, one 户代表 per household, or
//! the 居民代表), and the publication of the voter list at least 20 days before election day.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::election_rules::VotingMode;
use super::representatives::{Resident, VOTING_AGE, voting_right};
use super::{SOURCE_LAW, SOURCE_PLAN, SOURCE_RULES, SOURCE_VOTER_LIST, verdict};
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

/// What the voting mode needs to know of a person beyond [`Resident`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ModeFacts {
    /// 户号 (the people table's household number), if recorded.
    pub household_no: Option<String>,
    /// Whether the person is one of the campaign's resident representatives.
    pub representative: bool,
}

impl ModeFacts {
    /// The household number, trimmed; `None` when blank.
    fn household(&self) -> Option<&str> {
        self.household_no
            .as_deref()
            .map(str::trim)
            .filter(|h| !h.is_empty())
    }
}

/// Why a person of a household is not its 户代表: someone else is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HouseholdVoter<'a> {
    /// Already registered as the household's representative.
    Registered(&'a str),
    /// Chosen by bulk registration (the eldest eligible member).
    Chosen(&'a str),
}

/// whether a person may register under the adopted voting mode. In 户代表 mode each
/// household (户号) registers one representative (`other` names the one it already has or the
/// one bulk registration chose), and a person without a 户号 cannot be placed in a household;
/// in 居民代表 mode only the R-1 representatives make up the electorate; with all voters the
/// mode adds nothing.
pub fn check_mode(
    mode: VotingMode,
    r: &Resident,
    f: &ModeFacts,
    other: Option<HouseholdVoter<'_>>,
) -> RuleCheck {
    let name = &r.name;
    let household = f.household();
    let (passed, reason) = match mode {
        VotingMode::AllVoters => (true, format!("{name}可以登记")),
        VotingMode::Households => match (household, other) {
            (None, _) => (false, format!("{name}未登记户号，无法确定所在户，不予登记")),
            (Some(h), Some(HouseholdVoter::Registered(n))) => (
                false,
                format!("每户只登记一名户代表，户号 {h} 已登记户代表{n}，{name}不予登记"),
            ),
            (Some(h), Some(HouseholdVoter::Chosen(n))) => (
                false,
                format!(
                    "每户只登记一名户代表，批量登记选该户年龄最大的选民，户号 {h} 的户代表为{n}，{name}不予登记"
                ),
            ),
            (Some(h), None) => (true, format!("{name}登记为户号 {h} 的户代表")),
        },
        VotingMode::Representatives if f.representative => {
            (true, format!("{name}是本届居民代表，可以登记"))
        }
        VotingMode::Representatives => (
            false,
            format!("选民为本届居民代表，{name}不是居民代表，不予登记"),
        ),
    };
    let other_name = other.map(|o| match o {
        HouseholdVoter::Registered(n) | HouseholdVoter::Chosen(n) => n.to_string(),
    });
    RuleCheck::new(
        "R-4.mode",
        passed,
        SOURCE_RULES,
        format!(
            "选举方式（R-4）：{}，选民为{}；{reason}。",
            mode.label(),
            mode.electorate_label()
        ),
        &[
            ("person_id", r.person_id.into()),
            ("mode", mode.as_str().into()),
            ("household_no", household.into()),
            ("representative", f.representative.into()),
            ("household_voter", other_name.into()),
        ],
    )
}

/// R-4 bulk registration under a voting mode. `checks` are the voter checks of `residents`
/// ([`bulk_register`], same order), `facts` their mode facts, `registered` maps a 户号 to the
/// name of the household's representative already registered. Returns one mode check per
/// person whose voter check passed (`None` for the others, whose reason is their voter check).
/// In 户代表 mode the household's eldest eligible member is chosen (the earliest birth date;
/// on the same day the lower person id), since the eldest is the usual 户主.
pub fn bulk_by_mode(
    mode: VotingMode,
    residents: &[Resident],
    facts: &[ModeFacts],
    checks: &[RuleCheck],
    registered: &BTreeMap<String, String>,
) -> Vec<Option<RuleCheck>> {
    let eligible = |i: usize| checks.get(i).is_some_and(|c| c.passed);
    let mut chosen: BTreeMap<&str, usize> = BTreeMap::new();
    if mode == VotingMode::Households {
        for (i, f) in facts.iter().enumerate() {
            let Some(h) = f.household().filter(|_| eligible(i)) else {
                continue;
            };
            let key = |j: usize| (residents[j].birth_date, residents[j].person_id);
            match chosen.get(h) {
                Some(&j) if key(j) <= key(i) => {}
                _ => {
                    chosen.insert(h, i);
                }
            }
        }
    }
    residents
        .iter()
        .zip(facts)
        .enumerate()
        .map(|(i, (r, f))| {
            if !eligible(i) {
                return None;
            }
            let other = f.household().and_then(|h| {
                if let Some(n) = registered.get(h) {
                    Some(HouseholdVoter::Registered(n.as_str()))
                } else {
                    chosen
                        .get(h)
                        .filter(|&&j| j != i)
                        .map(|&j| HouseholdVoter::Chosen(residents[j].name.as_str()))
                }
            });
            let other = other.filter(|_| mode == VotingMode::Households);
            Some(check_mode(mode, r, f, other))
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

    fn household(h: Option<&str>) -> ModeFacts {
        ModeFacts {
            household_no: h.map(str::to_string),
            representative: false,
        }
    }

    #[test]
    fn in_household_mode_a_second_member_of_a_household_and_a_person_without_one_are_refused() {
        let r = resident(d(1980, 1, 1));
        let f = household(Some("H-01"));
        let first = check_mode(VotingMode::Households, &r, &f, None);
        assert!(first.passed && first.message.contains("户号 H-01 的户代表"));
        let second = check_mode(
            VotingMode::Households,
            &r,
            &f,
            Some(HouseholdVoter::Registered("李大")),
        );
        assert!(!second.passed);
        assert!(
            second
                .message
                .contains("户号 H-01 已登记户代表李大，王芳不予登记"),
            "{}",
            second.message
        );
        let none = check_mode(VotingMode::Households, &r, &household(Some("  ")), None);
        assert!(!none.passed && none.message.contains("未登记户号"));
        assert!(check_mode(VotingMode::AllVoters, &r, &household(None), None).passed);
    }

    #[test]
    fn in_representatives_mode_only_a_representative_may_register() {
        let r = resident(d(1980, 1, 1));
        let no = check_mode(VotingMode::Representatives, &r, &household(None), None);
        assert!(!no.passed && no.message.contains("王芳不是居民代表"));
        let rep = ModeFacts {
            representative: true,
            ..household(None)
        };
        assert!(check_mode(VotingMode::Representatives, &r, &rep, None).passed);
    }

    #[test]
    fn bulk_in_household_mode_picks_the_eldest_eligible_member_and_names_them_for_the_others() {
        let day = d(2026, 5, 15);
        let young = Resident {
            person_id: 1,
            name: "赵小".into(),
            ..resident(d(1990, 1, 1))
        };
        let old = Resident {
            person_id: 2,
            name: "赵老".into(),
            ..resident(d(1950, 1, 1))
        };
        let minor = Resident {
            person_id: 3,
            name: "赵幼".into(),
            ..resident(d(2015, 1, 1))
        };
        let other = Resident {
            person_id: 4,
            name: "钱一".into(),
            ..resident(d(1970, 1, 1))
        };
        let taken = Resident {
            person_id: 5,
            name: "孙二".into(),
            ..resident(d(1960, 1, 1))
        };
        let people = [young, old, minor, other, taken];
        let facts = [
            household(Some("H-1")),
            household(Some("H-1")),
            household(Some("H-1")),
            household(None),
            household(Some("H-3")),
        ];
        let checks = bulk_register(&people, "XH", day, &BTreeMap::new());
        let registered = BTreeMap::from([("H-3".to_string(), "孙大".to_string())]);
        let out = bulk_by_mode(
            VotingMode::Households,
            &people,
            &facts,
            &checks,
            &registered,
        );
        let passed: Vec<Option<bool>> = out.iter().map(|c| c.as_ref().map(|c| c.passed)).collect();
        assert_eq!(
            passed,
            [Some(false), Some(true), None, Some(false), Some(false)]
        );
        let msg = |i: usize| out[i].as_ref().unwrap().message.clone();
        assert!(
            msg(0).contains("户号 H-1 的户代表为赵老，赵小不予登记"),
            "{}",
            msg(0)
        );
        assert!(msg(3).contains("未登记户号"));
        assert!(msg(4).contains("户号 H-3 已登记户代表孙大"));
        let all = bulk_by_mode(VotingMode::AllVoters, &people, &facts, &checks, &registered);
        assert_eq!(
            all.iter()
                .filter(|c| c.as_ref().is_some_and(|c| c.passed))
                .count(),
            4
        );
    }

    #[test]
    fn bulk_in_representatives_mode_registers_exactly_the_eligible_representatives() {
        let day = d(2026, 5, 15);
        let rep = Resident {
            person_id: 1,
            ..resident(d(1970, 1, 1))
        };
        let plain = Resident {
            person_id: 2,
            ..resident(d(1970, 1, 1))
        };
        let people = [rep, plain];
        let facts = [
            ModeFacts {
                representative: true,
                ..household(None)
            },
            household(None),
        ];
        let checks = bulk_register(&people, "XH", day, &BTreeMap::new());
        let out = bulk_by_mode(
            VotingMode::Representatives,
            &people,
            &facts,
            &checks,
            &BTreeMap::new(),
        );
        assert!(out[0].as_ref().unwrap().passed);
        assert!(!out[1].as_ref().unwrap().passed);
    }

    #[test]
    fn bases_parse_from_their_stored_form_and_label() {
        assert_eq!(Basis::parse("居住地登记"), Some(Basis::Residence));
        assert_eq!(Basis::parse("posted"), Some(Basis::Posted));
        assert_eq!(Basis::parse("x"), None);
    }
}
