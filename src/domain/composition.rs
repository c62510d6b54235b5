//! The composition of the two committees: C-5, at least N members of a gender in each team
//! (the street's setting, default a woman), and C-6, cross-appointment (交叉任职) between the
//! Party committee and the residents' committee and whether the Party 书记 is also the 主任
//! (一肩挑). Pure functions on names, genders and posts.

use serde::{Deserialize, Serialize};

use super::rules::RuleCheck;

/// Source of C-5.
pub const SOURCE_GENDER: &str =
    "街道社区“两委”换届选举工作安排方案（班子结构）；城市居民委员会组织法、妇女权益保障法";
/// Source of C-6.
pub const SOURCE_CROSS: &str = "街道社区“两委”换届选举工作安排方案（双向进入、交叉任职）";

/// A gender as the people data stores it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Gender {
    /// 男.
    #[serde(rename = "男")]
    Male,
    /// 女.
    #[default]
    #[serde(rename = "女")]
    Female,
}

impl Gender {
    /// Both, for choices.
    pub const ALL: [Gender; 2] = [Gender::Female, Gender::Male];

    /// The stored and shown word (男 / 女).
    pub const fn zh(self) -> &'static str {
        match self {
            Gender::Male => "男",
            Gender::Female => "女",
        }
    }

    /// Parses 男/女 (or `male`/`female`).
    pub fn parse(s: &str) -> Option<Gender> {
        match s.trim() {
            "男" | "male" => Some(Gender::Male),
            "女" | "female" => Some(Gender::Female),
            _ => None,
        }
    }

    /// The word for its members (女性 / 男性).
    pub const fn people(self) -> &'static str {
        match self {
            Gender::Male => "男性",
            Gender::Female => "女性",
        }
    }
}

/// The street's C-5 rule: each team has at least `min` members of `gender`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct GenderRule {
    /// The gender counted.
    pub gender: Gender,
    /// The minimum (0 turns the rule off).
    pub min: u32,
}

impl Default for GenderRule {
    /// At least one woman (the statute; the seed's "at least one man" is a setting).
    fn default() -> Self {
        GenderRule {
            gender: Gender::Female,
            min: 1,
        }
    }
}

impl GenderRule {
    /// The rule in words: `至少 1 名女性`.
    pub fn zh(&self) -> String {
        format!("至少 {} 名{}", self.min, self.gender.people())
    }
}

/// What C-5 is checked on: a candidate list (a warning) or the elected (pass/fail).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Team {
    /// The Party committee's candidate list (P-5).
    PartyCandidates,
    /// The residents' committee's official candidates.
    ResidentCandidates,
    /// The elected Party committee (P-6).
    PartyElected,
    /// The elected residents' committee.
    ResidentElected,
}

impl Team {
    /// The team in words.
    pub const fn zh(self) -> &'static str {
        match self {
            Team::PartyCandidates => "党组织委员会候选人预备人选",
            Team::ResidentCandidates => "居民委员会正式候选人",
            Team::PartyElected => "新一届党组织委员会",
            Team::ResidentElected => "新一届居民委员会",
        }
    }
}

/// C-5: whether `genders` (one per member of the team) include at least `rule.min` of
/// `rule.gender`. The numbers: the gender, its count, the minimum and the team's size.
pub fn check_gender(rule: &GenderRule, team: Team, genders: &[&str]) -> RuleCheck {
    let count = genders
        .iter()
        .filter(|g| Gender::parse(g) == Some(rule.gender))
        .count() as u32;
    let total = genders.len() as u32;
    let passed = count >= rule.min;
    let message = format!(
        "{}共 {total} 人，其中{} {count} 人，要求{}，{}",
        team.zh(),
        rule.gender.people(),
        rule.zh(),
        if passed { "符合" } else { "不符合" }
    );
    RuleCheck::new(
        "C-5",
        passed,
        SOURCE_GENDER,
        message,
        &[
            ("gender", rule.gender.zh().into()),
            ("count", count.into()),
            ("min", rule.min.into()),
            ("total", total.into()),
        ],
    )
}

/// One member of an elected committee: who (a person id when known, else matched by name),
/// and the posts held.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Seat {
    /// The person, when known.
    pub person_id: Option<i64>,
    /// The name.
    pub name: String,
    /// The posts held (书记, 副书记, 委员; 主任, 副主任, 委员).
    pub posts: Vec<String>,
}

impl Seat {
    fn same(&self, other: &Seat) -> bool {
        match (self.person_id, other.person_id) {
            (Some(a), Some(b)) => a == b,
            _ => self.name == other.name,
        }
    }
    fn holds(&self, post: &str) -> bool {
        self.posts.iter().any(|p| p == post)
    }
}

/// C-6: cross-appointment between the two committees.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CrossAppointment {
    /// Members of the Party committee.
    pub party_members: u32,
    /// Members of the residents' committee.
    pub resident_members: u32,
    /// Who sits on both, with their posts in each: (name, Party posts, residents' posts).
    pub both: Vec<(String, String, String)>,
    /// How many sit on both.
    pub count: u32,
    /// Their share of the Party committee, in percent (one decimal), `None` when it is empty.
    pub share_percent: Option<f64>,
    /// The Party 书记 is also the 主任 (一肩挑).
    pub one_shoulder: bool,
    /// The 书记's name, if elected.
    pub secretary: Option<String>,
    /// The 主任's name, if elected.
    pub director: Option<String>,
}

impl CrossAppointment {
    /// One Chinese sentence with the numbers.
    pub fn message(&self) -> String {
        let share = self
            .share_percent
            .map_or("—".to_string(), |s| format!("{s:.1}%"));
        let names = if self.both.is_empty() {
            "无".to_string()
        } else {
            self.both
                .iter()
                .map(|(n, _, _)| n.as_str())
                .collect::<Vec<_>>()
                .join("、")
        };
        let shoulder = match (&self.secretary, &self.director) {
            (Some(s), Some(_)) if self.one_shoulder => format!("书记{s}同时任居委会主任（一肩挑）"),
            (Some(_), Some(_)) => "书记与居委会主任不是同一人".to_string(),
            _ => "书记或居委会主任尚未产生".to_string(),
        };
        format!(
            "党组织委员会 {} 人、居民委员会 {} 人，交叉任职 {} 人（{names}），占党组织委员会的 {share}；{shoulder}",
            self.party_members, self.resident_members, self.count
        )
    }
}

/// C-6 from the elected Party committee and the elected residents' committee (each a list of
/// seats with posts; a person appearing twice in a list is merged).
pub fn cross_appointment(party: &[Seat], residents: &[Seat]) -> CrossAppointment {
    let merge = |list: &[Seat]| {
        let mut out: Vec<Seat> = Vec::new();
        for s in list {
            match out.iter_mut().find(|o| o.same(s)) {
                Some(o) => {
                    for p in &s.posts {
                        if !o.holds(p) {
                            o.posts.push(p.clone());
                        }
                    }
                }
                None => out.push(s.clone()),
            }
        }
        out
    };
    let party = merge(party);
    let residents = merge(residents);
    let both: Vec<(String, String, String)> = party
        .iter()
        .filter_map(|p| {
            residents
                .iter()
                .find(|r| r.same(p))
                .map(|r| (p.name.clone(), p.posts.join("、"), r.posts.join("、")))
        })
        .collect();
    let count = both.len() as u32;
    let secretary = party.iter().find(|p| p.holds("书记"));
    let director = residents.iter().find(|r| r.holds("主任"));
    let one_shoulder = matches!((secretary, director), (Some(s), Some(d)) if s.same(d));
    let share_percent =
        (!party.is_empty()).then(|| (count as f64 * 1000.0 / party.len() as f64).round() / 10.0);
    CrossAppointment {
        party_members: party.len() as u32,
        resident_members: residents.len() as u32,
        both,
        count,
        share_percent,
        one_shoulder,
        secretary: secretary.map(|s| s.name.clone()),
        director: director.map(|d| d.name.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seat(id: i64, name: &str, posts: &[&str]) -> Seat {
        Seat {
            person_id: Some(id),
            name: name.into(),
            posts: posts.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn a_list_of_men_only_fails_the_default_rule_of_at_least_one_woman() {
        let k = check_gender(
            &GenderRule::default(),
            Team::PartyCandidates,
            &["男", "男", "男"],
        );
        assert!(!k.passed);
        assert_eq!(k.rule, "C-5");
        assert_eq!(k.numbers["count"], 0);
        assert_eq!(k.numbers["min"], 1);
        assert!(k.message.contains("女性 0 人"), "{}", k.message);
        assert!(k.message.contains("不符合"), "{}", k.message);
    }

    #[test]
    fn exactly_the_minimum_of_the_gender_passes() {
        let k = check_gender(
            &GenderRule::default(),
            Team::ResidentElected,
            &["男", "女", "男"],
        );
        assert!(k.passed, "{}", k.message);
        assert_eq!(k.numbers["count"], 1);
        let two = GenderRule {
            gender: Gender::Female,
            min: 2,
        };
        assert!(!check_gender(&two, Team::ResidentElected, &["男", "女", "男"]).passed);
        assert!(check_gender(&two, Team::ResidentElected, &["女", "女", "男"]).passed);
    }

    #[test]
    fn the_seeds_wording_of_at_least_one_man_is_a_setting() {
        let men = GenderRule {
            gender: Gender::Male,
            min: 1,
        };
        assert!(!check_gender(&men, Team::PartyElected, &["女", "女"]).passed);
        assert!(check_gender(&men, Team::PartyElected, &["女", "男"]).passed);
        assert_eq!(men.zh(), "至少 1 名男性");
    }

    #[test]
    fn a_secretary_who_is_also_director_and_one_more_cross_appointment_are_counted() {
        let party = vec![
            seat(1, "甲", &["委员"]),
            seat(1, "甲", &["书记"]),
            seat(2, "乙", &["委员", "副书记"]),
            seat(3, "丙", &["委员"]),
            seat(4, "丁", &["委员"]),
        ];
        let residents = vec![
            seat(1, "甲", &["主任"]),
            seat(3, "丙", &["副主任"]),
            seat(5, "戊", &["委员"]),
        ];
        let c = cross_appointment(&party, &residents);
        assert_eq!(c.party_members, 4);
        assert_eq!(c.resident_members, 3);
        assert_eq!(c.count, 2);
        assert_eq!(c.share_percent, Some(50.0));
        assert!(c.one_shoulder);
        assert_eq!(c.both[0], ("甲".into(), "委员、书记".into(), "主任".into()));
        let m = c.message();
        assert!(m.contains("交叉任职 2 人（甲、丙）"), "{m}");
        assert!(m.contains("一肩挑"), "{m}");
    }

    #[test]
    fn different_secretary_and_director_is_not_one_shoulder_and_an_empty_party_has_no_share() {
        let c = cross_appointment(&[seat(1, "甲", &["书记"])], &[seat(2, "乙", &["主任"])]);
        assert!(!c.one_shoulder);
        assert_eq!(c.count, 0);
        assert_eq!(c.share_percent, Some(0.0));
        let e = cross_appointment(&[], &[seat(2, "乙", &["主任"])]);
        assert_eq!(e.share_percent, None);
        assert!(e.message().contains("尚未产生"));
    }

    #[test]
    fn a_resident_elected_without_a_person_record_is_matched_by_name() {
        let c = cross_appointment(
            &[seat(1, "甲", &["书记"])],
            &[Seat {
                person_id: None,
                name: "甲".into(),
                posts: vec!["主任".into()],
            }],
        );
        assert!(c.one_shoulder);
        assert_eq!(c.count, 1);
    }
}
