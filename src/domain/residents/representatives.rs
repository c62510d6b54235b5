//! who has the right to vote (≥ 18 周岁, political rights not removed), and the resident
//! groups' representatives (2–3 per group, voters living in the community).

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::{SOURCE_LAW, SOURCE_PLAN, verdict};
use crate::domain::rules::{RuleCheck, age_on};

/// the voting age in completed years (年满十八周岁), reached on the 18th birthday.
pub const VOTING_AGE: i32 = 18;
/// the fewest representatives a resident group elects.
pub const REPRESENTATIVES_MIN: usize = 2;
/// the most representatives a resident group elects.
pub const REPRESENTATIVES_MAX: usize = 3;

/// What the rules need to know of a person, from the people table.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Resident {
    /// The person's id.
    pub person_id: i64,
    /// 姓名.
    pub name: String,
    /// 出生日期, if known.
    pub birth_date: Option<NaiveDate>,
    /// 被剥夺政治权利.
    pub rights_removed: bool,
    /// Whether a checked ID number is on file (without one nobody can be registered).
    pub has_id_number: bool,
    /// 户籍社区 code.
    pub hukou_community: Option<String>,
    /// 居住社区 code.
    pub residence_community: Option<String>,
}

impl Resident {
    /// Whether the person lives in `community`.
    pub(super) fn lives_in(&self, community: &str) -> bool {
        self.residence_community.as_deref() == Some(community)
    }
}

/// The age on `on` and the reasons why the person has no right to vote then (none: has it).
pub(super) fn voting_right(r: &Resident, on: NaiveDate) -> (Option<i32>, Vec<String>) {
    let mut reasons = Vec::new();
    let age = r.birth_date.map(|b| age_on(b, on));
    match age {
        None => reasons.push(format!("出生日期未登记，无法确认年满 {VOTING_AGE} 周岁")),
        Some(a) if a < VOTING_AGE => {
            reasons.push(format!("{on} 时 {a} 周岁，未满 {VOTING_AGE} 周岁"))
        }
        Some(_) => {}
    }
    if r.rights_removed {
        reasons.push("被依法剥夺政治权利".into());
    }
    (age, reasons)
}

/// a representative has the right to vote on `on` (≥ 18 周岁, political rights not
/// removed) and lives in `community`.
pub fn check_representative(r: &Resident, community: &str, on: NaiveDate) -> RuleCheck {
    let (age, mut reasons) = voting_right(r, on);
    if !r.lives_in(community) {
        reasons.push("不居住在本社区".into());
    }
    let passed = reasons.is_empty();
    let message = if passed {
        format!(
            "居民代表资格（R-1）：{}，{on} 时 {} 周岁，未被剥夺政治权利，居住在本社区，符合。",
            r.name,
            age.unwrap_or_default()
        )
    } else {
        format!(
            "居民代表资格（R-1）：{}不符合：{}。",
            r.name,
            reasons.join("；")
        )
    };
    RuleCheck::new(
        "R-1.representative",
        passed,
        SOURCE_LAW,
        message,
        &[
            ("person_id", r.person_id.into()),
            ("age", age.into()),
            ("voting_age", VOTING_AGE.into()),
            ("on", on.to_string().into()),
            ("rights_removed", r.rights_removed.into()),
            ("lives_in_community", r.lives_in(community).into()),
        ],
    )
}

/// a resident group has 2–3 representatives.
pub fn check_group(group: &str, count: usize) -> RuleCheck {
    let passed = (REPRESENTATIVES_MIN..=REPRESENTATIVES_MAX).contains(&count);
    let message = format!(
        "居民代表名额（R-1）：{group}有居民代表 {count} 名，每个居民小组应推选 {REPRESENTATIVES_MIN}–{REPRESENTATIVES_MAX} 名，{}。",
        verdict(passed)
    );
    RuleCheck::new(
        "R-1.group",
        passed,
        SOURCE_PLAN,
        message,
        &[
            ("group", group.into()),
            ("count", count.into()),
            ("min", REPRESENTATIVES_MIN.into()),
            ("max", REPRESENTATIVES_MAX.into()),
        ],
    )
}

/// one check per resident group — the community's `groups` in their order (a group with
/// nobody is reported too), then any other group a representative names — given each
/// representative's group.
pub fn check_groups(groups: &[&str], representative_groups: &[&str]) -> Vec<RuleCheck> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for g in representative_groups {
        *counts.entry(g).or_default() += 1;
    }
    let mut out: Vec<RuleCheck> = groups
        .iter()
        .map(|g| check_group(g, counts.remove(g).unwrap_or(0)))
        .collect();
    out.extend(counts.into_iter().map(|(g, n)| check_group(g, n)));
    out
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
    fn a_group_with_one_or_four_representatives_fails_and_two_or_three_pass() {
        assert!(!check_group("第一居民小组", 1).passed);
        assert!(check_group("第一居民小组", 2).passed);
        assert!(check_group("第一居民小组", 3).passed);
        let c = check_group("第一居民小组", 4);
        assert!(!c.passed);
        assert!(c.message.contains("4 名") && c.message.contains("2–3"));
    }

    #[test]
    fn every_group_is_reported_including_one_without_representatives() {
        let checks = check_groups(
            &["一组", "二组", "三组"],
            &["一组", "一组", "三组", "一组", "一组", "四组"],
        );
        let shown: Vec<_> = checks
            .iter()
            .map(|c| (c.numbers["group"].as_str().unwrap(), c.passed))
            .collect();
        assert_eq!(
            shown,
            [
                ("一组", false),
                ("二组", false),
                ("三组", false),
                ("四组", false)
            ]
        );
        assert_eq!(checks[0].numbers["count"], 4);
        assert_eq!(checks[1].numbers["count"], 0);
    }

    #[test]
    fn a_representative_must_be_adult_with_rights_and_living_here() {
        let on = d(2026, 4, 1);
        assert!(check_representative(&resident(d(2008, 4, 1)), "XH", on).passed);
        assert!(!check_representative(&resident(d(2008, 4, 2)), "XH", on).passed);
        let mut r = resident(d(1980, 1, 1));
        r.rights_removed = true;
        assert!(
            check_representative(&r, "XH", on)
                .message
                .contains("剥夺政治权利")
        );
        let mut r = resident(d(1980, 1, 1));
        r.residence_community = Some("DJ".into());
        let c = check_representative(&r, "XH", on);
        assert!(!c.passed && c.message.contains("不居住在本社区"));
    }
}
