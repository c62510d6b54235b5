//! The demo street 舜耕街道 that `huanjie demo` loads: three communities with their resident
//! groups (居民小组), about two hundred people each living in households of two to four with
//! their family relations, Party members, the outgoing committees' incumbents and a few
//! honours.
//!
//! The generator is pure and deterministic: a small inline PRNG (splitmix64) seeded with a
//! constant drives every choice, and ages are counted at [`REFERENCE_DATE`], never from the
//! clock. Every ID number is a valid GB 11643 number, unique across the street, and every
//! person's [`RawPerson::parse`] succeeds.
//!
//! The incumbents are chosen to exercise the rule checks (SPEC C-3…C-6): most meet the age and
//! education limits, but 舜华社区 has a 委员 aged 51, 舜玉社区's 书记 is 56 with a provincial
//! honour (the case the 55 limit may be relaxed for), and 舜耕社区 has a residents' 委员 with
//! only 初中 education. 舜华社区's 书记 is also its 主任 (一肩挑).

use std::collections::BTreeSet;

use chrono::{Datelike, Days, Months, NaiveDate};

use super::names::{COMPOUND_SURNAMES, FAMOUS, GIVEN_NAMES, JINAN_AREAS, OUTSIDE_AREAS, SURNAMES};
use crate::domain::idcard::check_char;
use crate::domain::person::{EDUCATION, RawPerson};

/// The date ages are counted at: the seed plan's first day of S-2 in 2026.
pub const REFERENCE_DATE: NaiveDate = match NaiveDate::from_ymd_opt(2026, 4, 1) {
    Some(d) => d,
    None => panic!("invalid reference date"),
};

/// The whole demo street.
#[derive(Clone, Debug, PartialEq)]
pub struct DemoStreet {
    /// The communities, in code order.
    pub communities: Vec<DemoCommunity>,
    /// Everyone living in the street, community by community, household by household.
    pub people: Vec<DemoPerson>,
    /// Family relations, each listed once (the loader stores the converse).
    pub relations: Vec<DemoRelation>,
}

/// A community (社区) with its resident groups.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoCommunity {
    /// Short code, e.g. `sg01`.
    pub code: String,
    /// Name, e.g. 舜华社区.
    pub name: String,
    /// Party organisation: `zongzhi` (党总支) or `zhibu` (党支部).
    pub org_type: &'static str,
    /// Households in the community (the sum over its groups).
    pub households: i64,
    /// Resident groups (居民小组): name and households.
    pub groups: Vec<(String, i64)>,
}

/// A person with what the raw person form does not carry.
#[derive(Clone, Debug)]
pub struct DemoPerson {
    /// The person as an import row would give it.
    pub raw: RawPerson,
    /// Posts in the outgoing committees: committee (`party` | `residents`) and post
    /// (书记, 副书记, 委员, 主任, 副主任).
    pub incumbencies: Vec<(&'static str, &'static str)>,
    /// Honours: name and level (区级, 市级, 省级, 国家级).
    pub honours: Vec<(String, &'static str)>,
}

/// `people[a]` is `kind` (spouse, parent, child, sibling) of `people[b]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoRelation {
    /// Index of the first person.
    pub a: usize,
    /// Index of the second person.
    pub b: usize,
    /// What `a` is of `b`.
    pub kind: &'static str,
}

// `RawPerson` has no `PartialEq`; its derived `Debug` shows every field, so equal text means
// equal people.
impl PartialEq for DemoPerson {
    fn eq(&self, other: &Self) -> bool {
        format!("{:?}", self.raw) == format!("{:?}", other.raw)
            && self.incumbencies == other.incumbencies
            && self.honours == other.honours
    }
}

/// Builds the demo street; every call returns the same data.
pub fn street() -> DemoStreet {
    let mut g = Gen {
        rng: Rng(SEED),
        ids: BTreeSet::new(),
        names: BTreeSet::new(),
        births: Vec::new(),
        people: Vec::new(),
        relations: Vec::new(),
    };
    let communities = (0..COMMUNITIES.len()).map(|ci| g.community(ci)).collect();
    DemoStreet {
        communities,
        people: g.people,
        relations: g.relations,
    }
}

/// The seed: "SHUNGENG" in ASCII.
const SEED: u64 = 0x5348_554E_4745_4E47;

/// An outgoing committee member.
#[derive(Clone, Copy)]
struct Post {
    /// Post in the Party committee, or "".
    party: &'static str,
    /// Post in the residents' committee, or "".
    residents: &'static str,
    male: bool,
    /// Age at [`REFERENCE_DATE`].
    age: i64,
    education: &'static str,
    /// Party member (always, for a Party committee post).
    member: bool,
    /// Name and level.
    honour: Option<(&'static str, &'static str)>,
}

/// A committee member without honours, a Party member if they hold a Party post.
const fn post(
    party: &'static str,
    residents: &'static str,
    male: bool,
    age: i64,
    education: &'static str,
) -> Post {
    Post {
        party,
        residents,
        male,
        age,
        education,
        member: !party.is_empty(),
        honour: None,
    }
}

impl Post {
    /// The same member, in the Party.
    const fn member(self) -> Post {
        Post {
            member: true,
            ..self
        }
    }

    /// The same member with an honour.
    const fn honour(self, name: &'static str, level: &'static str) -> Post {
        Post {
            honour: Some((name, level)),
            ..self
        }
    }
}

/// What a community is made of.
struct Spec {
    code: &'static str,
    name: &'static str,
    org_type: &'static str,
    /// Number of resident groups.
    groups: usize,
    /// Households are added until the community has this many people.
    target: usize,
    /// Party organisations of units in the area (驻区单位).
    units: [&'static str; 2],
    /// The outgoing committees.
    posts: &'static [Post],
    /// Whether the Party 书记 is an NPC deputy.
    secretary_is_npc: bool,
    /// Other NPC deputies and CPPCC members living here.
    deputies: (usize, usize),
    /// A member under 留党察看 or with rights suspended.
    discipline: Option<&'static str>,
    /// People whose political rights are removed.
    rights_removed: usize,
    /// Honours of residents outside the committees: name, level, minimum age.
    honours: &'static [(&'static str, &'static str, i64)],
}

const M: bool = true;
const F: bool = false;
const BJ: &str = "本科";
const DZ: &str = "大专";
const GZ: &str = "高中/中专";

const COMMUNITIES: [Spec; 3] = [
    Spec {
        code: "sg01",
        name: "舜华社区",
        org_type: "zongzhi",
        groups: 5,
        target: 206,
        units: ["舜华路小学党支部", "济南市政工程设计院第三党支部"],
        posts: &[
            post("书记", "主任", F, 49, BJ).honour("优秀社区工作者", "市级"),
            post("副书记", "", M, 44, BJ),
            post("委员", "副主任", F, 38, DZ),
            post("委员", "委员", M, 51, DZ),
            post("委员", "", F, 35, BJ),
            post("委员", "", M, 42, GZ),
            post("委员", "", F, 31, "研究生"),
            post("", "委员", F, 36, DZ),
            post("", "委员", M, 29, BJ),
        ],
        secretary_is_npc: true,
        deputies: (0, 1),
        discipline: Some("watch"),
        rights_removed: 1,
        honours: &[("优秀志愿者", "区级", 20)],
    },
    Spec {
        code: "sg02",
        name: "舜玉社区",
        org_type: "zongzhi",
        groups: 6,
        target: 214,
        units: ["舜玉医院党总支", "山东舜通物流有限公司党支部"],
        posts: &[
            post("书记", "", M, 56, BJ).honour("劳动模范", "省级"),
            post("副书记", "主任", F, 46, BJ).honour("优秀共产党员", "区级"),
            post("委员", "", F, 40, DZ),
            post("委员", "委员", M, 37, BJ),
            post("委员", "", F, 33, DZ),
            post("", "副主任", F, 45, GZ).member(),
            post("", "委员", M, 32, DZ),
            post("", "委员", F, 28, BJ),
        ],
        secretary_is_npc: false,
        deputies: (1, 1),
        discipline: Some("suspended"),
        rights_removed: 0,
        honours: &[("见义勇为先进个人", "市级", 25)],
    },
    Spec {
        code: "sg03",
        name: "舜耕社区",
        org_type: "zhibu",
        groups: 4,
        target: 192,
        units: ["舜耕中学党支部", "市中区城市管理局第二党支部"],
        posts: &[
            post("书记", "", F, 52, BJ).honour("优秀党务工作者", "市级"),
            post("副书记", "", M, 47, DZ),
            post("委员", "副主任", F, 41, DZ),
            post("委员", "委员", M, 36, BJ),
            post("委员", "", F, 30, BJ),
            post("", "主任", M, 50, DZ)
                .member()
                .honour("模范居委会主任", "市级"),
            post("", "委员", F, 44, "初中"),
            post("", "委员", M, 34, DZ),
        ],
        secretary_is_npc: false,
        deputies: (1, 1),
        discipline: None,
        rights_removed: 1,
        honours: &[("全国劳动模范", "国家级", 70), ("优秀志愿者", "区级", 20)],
    },
];

const NUMERALS: [&str; 6] = ["一", "二", "三", "四", "五", "六"];

/// The name of resident group `i` (0-based).
fn group_name(i: usize) -> String {
    format!("第{}居民小组", NUMERALS[i])
}

/// splitmix64: small, fast and good enough for demo data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (the modulo bias is irrelevant here).
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    /// True with the given percentage.
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    /// Picks by weight; weights must not all be zero.
    fn weighted<T: Copy>(&mut self, items: &[(T, u64)]) -> T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut r = self.next() % total;
        for &(item, w) in items {
            if r < w {
                return item;
            }
            r -= w;
        }
        items[items.len() - 1].0
    }
}

/// Age in completed years (周岁) on a date.
fn age_on(birth: NaiveDate, on: NaiveDate) -> i64 {
    let before_birthday = (on.month(), on.day()) < (birth.month(), birth.day());
    i64::from(on.year() - birth.year()) - i64::from(before_birthday)
}

/// The kinds of household.
#[derive(Clone, Copy)]
enum Shape {
    /// Husband and wife.
    Couple,
    /// Parents and one or two children.
    Nuclear,
    /// The head's parent, the head, their spouse and a child.
    ThreeGenerations,
    /// Two siblings.
    Siblings,
    /// A parent and a child.
    SingleParent,
}

/// Where a household lives and is registered.
struct Home {
    code: &'static str,
    group: String,
    no: String,
    hukou: &'static str,
    areas: &'static [(&'static str, u64)],
    ethnicity: &'static str,
}

/// The generator's state.
struct Gen {
    rng: Rng,
    ids: BTreeSet<String>,
    names: BTreeSet<String>,
    births: Vec<NaiveDate>,
    people: Vec<DemoPerson>,
    relations: Vec<DemoRelation>,
}

impl Gen {
    /// Builds community `ci`: its incumbents' households, then others up to the target.
    fn community(&mut self, ci: usize) -> DemoCommunity {
        let c = &COMMUNITIES[ci];
        let first = self.people.len();
        let mut households = 0;
        for post in c.posts {
            households += 1;
            let head = self.household(ci, households, true, post.male, post.age);
            self.make_incumbent(head, post);
        }
        while self.people.len() - first < c.target {
            households += 1;
            let (male, age) = (self.rng.chance(50), self.rng.range(22, 88));
            self.household(ci, households, false, male, age);
        }
        self.party_members(first, c);
        self.specials(first, c);
        let groups: Vec<(String, i64)> = (0..c.groups)
            .map(|i| {
                let name = group_name(i);
                let homes: BTreeSet<&str> = self.people[first..]
                    .iter()
                    .filter(|p| p.raw.resident_group == name)
                    .map(|p| p.raw.household_no.as_str())
                    .collect();
                let n = homes.len() as i64;
                (name, n)
            })
            .collect();
        DemoCommunity {
            code: c.code.into(),
            name: c.name.into(),
            org_type: c.org_type,
            households: groups.iter().map(|(_, n)| n).sum(),
            groups,
        }
    }

    /// Adds household `n` of community `ci` around a head of the given gender and age and
    /// returns the head's index. A `local` household is registered in its community.
    fn household(&mut self, ci: usize, n: usize, local: bool, male: bool, age: i64) -> usize {
        let c = &COMMUNITIES[ci];
        let roll = if local { 0 } else { self.rng.below(100) };
        let (hukou, areas): (_, &'static [_]) = match roll {
            0..84 => (c.code, &JINAN_AREAS),
            84..92 => (
                COMMUNITIES[(ci + 1 + self.rng.below(2)) % COMMUNITIES.len()].code,
                &JINAN_AREAS,
            ),
            _ => ("", &OUTSIDE_AREAS),
        };
        let ethnicity = self.rng.weighted(&[("汉族", 94), ("回族", 4), ("满族", 2)]);
        let home = Home {
            code: c.code,
            group: group_name(self.rng.below(c.groups)),
            no: format!("{}-{n:03}", c.code.to_uppercase()),
            hukou,
            areas,
            ethnicity,
        };
        let surname = self.surname();
        let head = self.add(&home, &surname, male, age, true);
        // Parents need a child at least 22 years younger, who may still live at home.
        let parent = (22..=62).contains(&age);
        let shapes = [
            (Shape::Couple, 30),
            (Shape::Nuclear, if parent { 40 } else { 0 }),
            (
                Shape::ThreeGenerations,
                if parent && age >= 26 { 12 } else { 0 },
            ),
            (Shape::Siblings, 6),
            (Shape::SingleParent, if age >= 40 { 10 } else { 0 }),
        ];
        match self.rng.weighted(&shapes) {
            Shape::Couple => {
                self.spouse(&home, head, &surname, male, age);
            }
            Shape::Nuclear => {
                let father = self.spouse(&home, head, &surname, male, age);
                let spouse = self.people.len() - 1;
                let mut children = Vec::new();
                for _ in 0..1 + self.rng.below(2) {
                    let child_age = self.child_age(age);
                    let child = self.add_either(&home, &father, child_age);
                    self.relate(head, child, "parent");
                    self.relate(spouse, child, "parent");
                    children.push(child);
                }
                if let [a, b] = children[..] {
                    self.relate(a, b, "sibling");
                }
            }
            Shape::ThreeGenerations => {
                let elder_male = self.rng.chance(50);
                let elder_surname = if elder_male {
                    surname.clone()
                } else {
                    self.surname()
                };
                let elder_age = (age + self.rng.range(22, 32)).min(95);
                let elder = self.add(&home, &elder_surname, elder_male, elder_age, true);
                self.relate(head, elder, "child");
                let father = self.spouse(&home, head, &surname, male, age);
                let spouse = self.people.len() - 1;
                let child_age = self.child_age(age);
                let child = self.add_either(&home, &father, child_age);
                self.relate(head, child, "parent");
                self.relate(spouse, child, "parent");
            }
            Shape::Siblings => {
                let sibling_age = (age + self.rng.range(-8, 8)).clamp(18, 95);
                let sibling = self.add_either(&home, &surname, sibling_age);
                self.relate(head, sibling, "sibling");
            }
            Shape::SingleParent => {
                let father = if male {
                    surname.clone()
                } else {
                    self.surname()
                };
                let child_age = self.child_age(age);
                let child = self.add_either(&home, &father, child_age);
                self.relate(head, child, "parent");
            }
        }
        head
    }

    /// Adds the spouse of `head` and returns the couple's children's surname (the husband's).
    fn spouse(&mut self, home: &Home, head: usize, surname: &str, male: bool, age: i64) -> String {
        let own = self.surname();
        let spouse_age = (age + self.rng.range(-5, 5)).clamp(20, 95);
        let spouse = self.add(home, &own, !male, spouse_age, false);
        self.relate(spouse, head, "spouse");
        if male { surname.to_string() } else { own }
    }

    /// The age of a child of a parent of `age` (at least 22).
    fn child_age(&mut self, age: i64) -> i64 {
        age - self.rng.range(22, age.min(36))
    }

    fn relate(&mut self, a: usize, b: usize, kind: &'static str) {
        self.relations.push(DemoRelation { a, b, kind });
    }

    fn surname(&mut self) -> String {
        if self.rng.chance(1) {
            return COMPOUND_SURNAMES[self.rng.below(COMPOUND_SURNAMES.len())].to_string();
        }
        let all: Vec<char> = SURNAMES.chars().filter(|c| !c.is_whitespace()).collect();
        // Squaring a uniform number favours the common surnames at the front.
        let u = (self.rng.next() >> 11) as f64 / (1u64 << 53) as f64;
        all[((u * u * all.len() as f64) as usize).min(all.len() - 1)].to_string()
    }

    /// Adds a blood relative of either gender to `home`.
    fn add_either(&mut self, home: &Home, surname: &str, age: i64) -> usize {
        let male = self.rng.chance(50);
        self.add(home, surname, male, age, true)
    }

    /// Adds a person of `home`; `kin` people share the household's ethnicity.
    fn add(&mut self, home: &Home, surname: &str, male: bool, age: i64, kin: bool) -> usize {
        let birth = NaiveDate::from_ymd_opt(REFERENCE_DATE.year() - age as i32, 4, 1)
            .expect("April 1st exists")
            - Days::new(self.rng.below(365) as u64);
        let era = match birth.year() {
            ..1958 => 0,
            1958..1985 => 1,
            1985..2006 => 2,
            _ => 3,
        };
        let pool: Vec<&str> = GIVEN_NAMES[era][usize::from(!male)]
            .split_whitespace()
            .collect();
        // Names are unique across the street, so that the demo never needs an ID to tell
        // two people apart.
        let name = loop {
            let name = format!("{surname}{}", pool[self.rng.below(pool.len())]);
            if !FAMOUS.split_whitespace().any(|f| f == name) && self.names.insert(name.clone()) {
                break name;
            }
        };
        let area = self.rng.weighted(home.areas);
        let id_number = loop {
            let (seq, sex) = (
                1 + self.rng.below(99),
                2 * self.rng.below(5) + usize::from(male),
            );
            let first17 = format!("{area}{}{seq:02}{sex}", birth.format("%Y%m%d"));
            let id = format!("{first17}{}", check_char(&first17).expect("17 digits"));
            if self.ids.insert(id.clone()) {
                break id;
            }
        };
        let ethnicity = if kin {
            home.ethnicity
        } else {
            self.rng.weighted(&[("汉族", 94), ("回族", 4), ("满族", 2)])
        };
        // Weights over EDUCATION by age; children have the level of the school they attend.
        let weights: Option<[u64; 6]> = match age {
            ..7 => None,
            7..=12 => Some([1, 0, 0, 0, 0, 0]),
            13..=15 => Some([0, 1, 0, 0, 0, 0]),
            16..=18 => Some([0, 0, 1, 0, 0, 0]),
            19..=22 => Some([0, 2, 60, 18, 20, 0]),
            23..=40 => Some([0, 5, 15, 30, 42, 8]),
            41..=60 => Some([2, 20, 35, 24, 16, 3]),
            61..=75 => Some([12, 40, 30, 11, 7, 0]),
            _ => Some([45, 30, 17, 5, 3, 0]),
        };
        let education = match weights {
            None => String::new(),
            Some(w) => EDUCATION[self.rng.weighted(&[0, 1, 2, 3, 4, 5].map(|i| (i, w[i])))].into(),
        };
        let phone = if age < 14 || (age > 80 && self.rng.chance(40)) {
            String::new()
        } else {
            let prefix = self.rng.weighted(&[("13", 60), ("15", 25), ("18", 15)]);
            format!("{prefix}{:09}", self.rng.below(1_000_000_000))
        };
        self.births.push(birth);
        self.people.push(DemoPerson {
            raw: RawPerson {
                name,
                gender: if male { "男" } else { "女" }.into(),
                birth_date: birth.format("%Y-%m-%d").to_string(),
                ethnicity: ethnicity.into(),
                education,
                id_number,
                hukou_community: home.hukou.into(),
                residence_community: home.code.into(),
                resident_group: home.group.clone(),
                rights_removed: "否".into(),
                party_status: "none".into(),
                npc_deputy: "否".into(),
                cppcc_member: "否".into(),
                phone,
                household_no: home.no.clone(),
                ..RawPerson::default()
            },
            incumbencies: Vec::new(),
            honours: Vec::new(),
        });
        self.people.len() - 1
    }

    fn age(&self, i: usize) -> i64 {
        age_on(self.births[i], REFERENCE_DATE)
    }

    /// Makes a household head an incumbent as `post` describes.
    fn make_incumbent(&mut self, i: usize, post: &Post) {
        let p = &mut self.people[i];
        p.raw.education = post.education.into();
        for (committee, held) in [("party", post.party), ("residents", post.residents)] {
            if !held.is_empty() {
                p.incumbencies.push((committee, held));
            }
        }
        p.honours
            .extend(post.honour.map(|(name, level)| (name.to_string(), level)));
        if post.member {
            let latest = REFERENCE_DATE - Months::new(60);
            self.join_party(i, "full", None, latest);
        }
    }

    /// Records Party membership; the joining date falls after the 18th birthday and, for a
    /// full member, at least a year before the reference date.
    fn join_party(&mut self, i: usize, status: &str, unit: Option<&str>, latest: NaiveDate) {
        let adult = self.births[i] + Months::new(18 * 12) + Days::new(1);
        let (from, to) = if status == "probationary" {
            (
                adult.max(REFERENCE_DATE - Months::new(12)),
                REFERENCE_DATE - Days::new(10),
            )
        } else {
            (adult, latest.max(adult))
        };
        let joined = from + Days::new(self.rng.below((to - from).num_days() as usize + 1) as u64);
        let raw = &mut self.people[i].raw;
        raw.party_status = status.into();
        raw.party_org = if unit.is_some() { "unit" } else { "community" }.into();
        raw.party_org_name = unit.unwrap_or_default().into();
        raw.party_joined = joined.format("%Y-%m-%d").to_string();
    }

    /// Makes about one adult in five of the community, outside the committees, a Party member.
    fn party_members(&mut self, first: usize, c: &Spec) {
        let latest = REFERENCE_DATE - Months::new(12) - Days::new(1);
        for i in first..self.people.len() {
            let age = self.age(i);
            let percent = match age {
                ..21 => 0,
                21..=35 => 10,
                36..=60 => 15,
                _ => 20,
            };
            if !self.people[i].incumbencies.is_empty() || !self.rng.chance(percent) {
                continue;
            }
            let status = if age <= 45 && self.rng.chance(15) {
                "probationary"
            } else {
                "full"
            };
            let unit = self.rng.chance(15).then(|| c.units[self.rng.below(2)]);
            self.join_party(i, status, unit, latest);
        }
    }

    /// Residents of the community outside the committees aged `min..=max` matching `keep`.
    fn residents(
        &self,
        first: usize,
        min: i64,
        max: i64,
        keep: impl Fn(&DemoPerson) -> bool,
    ) -> Vec<usize> {
        (first..self.people.len())
            .filter(|&i| (min..=max).contains(&self.age(i)))
            .filter(|&i| self.people[i].incumbencies.is_empty() && keep(&self.people[i]))
            .collect()
    }

    fn pick(&mut self, from: &[usize]) -> usize {
        from[self.rng.below(from.len())]
    }

    /// Party discipline, removed rights, NPC deputies, CPPCC members and residents' honours.
    fn specials(&mut self, first: usize, c: &Spec) {
        if let Some(status) = c.discipline {
            let members = self.residents(first, 30, 75, |p| {
                p.raw.party_status == "full" && p.raw.party_org == "community"
            });
            let i = self.pick(&members);
            self.people[i].raw.party_status = status.into();
        }
        for _ in 0..c.rights_removed {
            let candidates = self.residents(first, 25, 60, |p| {
                p.raw.party_status == "none" && p.raw.rights_removed == "否"
            });
            let i = self.pick(&candidates);
            self.people[i].raw.rights_removed = "是".into();
        }
        if c.secretary_is_npc {
            let secretary = (first..self.people.len())
                .find(|&i| self.people[i].incumbencies.contains(&("party", "书记")))
                .expect("every community has a 书记");
            self.people[secretary].raw.npc_deputy = "是".into();
        }
        for (count, npc) in [(c.deputies.0, true), (c.deputies.1, false)] {
            for _ in 0..count {
                let free = |p: &DemoPerson| {
                    p.raw.rights_removed == "否"
                        && p.raw.npc_deputy == "否"
                        && p.raw.cppcc_member == "否"
                };
                let candidates = self.residents(first, 35, 75, free);
                let i = self.pick(&candidates);
                let raw = &mut self.people[i].raw;
                if npc {
                    raw.npc_deputy = "是".into();
                } else {
                    raw.cppcc_member = "是".into();
                }
            }
        }
        for &(name, level, min_age) in c.honours {
            let candidates = self.residents(first, min_age, 95, |p| p.raw.rights_removed == "否");
            let i = self.pick(&candidates);
            self.people[i].honours.push((name.to_string(), level));
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use super::*;

    fn age(p: &DemoPerson) -> i64 {
        age_on(p.raw.parse().unwrap().birth_date.unwrap(), REFERENCE_DATE)
    }

    fn living_in<'a>(s: &'a DemoStreet, code: &'a str) -> impl Iterator<Item = &'a DemoPerson> {
        s.people
            .iter()
            .filter(move |p| p.raw.residence_community == code)
    }

    #[test]
    fn every_person_parses_as_raw_input() {
        for p in &street().people {
            let d = p
                .raw
                .parse()
                .unwrap_or_else(|e| panic!("{}: {e:?}", p.raw.name));
            assert!(
                d.id_number.is_some() && d.birth_date.is_some(),
                "{}",
                p.raw.name
            );
        }
    }

    #[test]
    fn id_numbers_and_names_are_unique_across_the_street() {
        let s = street();
        let ids: BTreeSet<_> = s.people.iter().map(|p| &p.raw.id_number).collect();
        let names: BTreeSet<_> = s.people.iter().map(|p| &p.raw.name).collect();
        assert_eq!(ids.len(), s.people.len());
        assert_eq!(names.len(), s.people.len());
    }

    #[test]
    fn each_community_has_180_to_230_people_in_its_own_groups() {
        let s = street();
        assert_eq!(s.communities.len(), 3);
        for c in &s.communities {
            let groups: BTreeSet<_> = c.groups.iter().map(|(name, _)| name).collect();
            assert!((4..=6).contains(&groups.len()), "{}", c.code);
            let people: Vec<_> = living_in(&s, &c.code).collect();
            assert!(
                (180..=230).contains(&people.len()),
                "{}: {}",
                c.code,
                people.len()
            );
            assert!(
                people
                    .iter()
                    .all(|p| groups.contains(&p.raw.resident_group))
            );
        }
        assert_eq!(
            s.communities
                .iter()
                .filter(|c| c.org_type == "zongzhi")
                .count(),
            2
        );
    }

    #[test]
    fn households_have_two_to_four_people_in_one_group_and_the_counts_match() {
        let s = street();
        let mut homes: BTreeMap<&str, Vec<&DemoPerson>> = BTreeMap::new();
        for p in &s.people {
            homes.entry(&p.raw.household_no).or_default().push(p);
        }
        for (no, people) in &homes {
            assert!((2..=4).contains(&people.len()), "{no}");
            assert!(
                people
                    .iter()
                    .all(|p| p.raw.resident_group == people[0].raw.resident_group)
            );
            assert!(
                people
                    .iter()
                    .all(|p| p.raw.residence_community == people[0].raw.residence_community)
            );
        }
        for c in &s.communities {
            let total: i64 = c.groups.iter().map(|(_, n)| n).sum();
            let homes_here = homes
                .values()
                .filter(|h| h[0].raw.residence_community == c.code)
                .count();
            assert_eq!(
                (c.households, total),
                (homes_here as i64, homes_here as i64),
                "{}",
                c.code
            );
        }
    }

    #[test]
    fn relations_point_at_other_people_and_each_pair_is_listed_once() {
        let s = street();
        let mut pairs = BTreeSet::new();
        for r in &s.relations {
            assert!(
                r.a < s.people.len() && r.b < s.people.len() && r.a != r.b,
                "{r:?}"
            );
            assert!(crate::domain::person::converse(r.kind).is_some(), "{r:?}");
            assert!(
                pairs.insert((r.a.min(r.b), r.a.max(r.b))),
                "duplicate {r:?}"
            );
            assert_eq!(
                s.people[r.a].raw.household_no,
                s.people[r.b].raw.household_no
            );
        }
    }

    #[test]
    fn parents_are_at_least_sixteen_years_older_and_spouses_are_adults_of_both_genders() {
        let s = street();
        for r in &s.relations {
            let (a, b) = (&s.people[r.a], &s.people[r.b]);
            match r.kind {
                "parent" => assert!(age(a) >= age(b) + 16, "{r:?}"),
                "child" => assert!(age(b) >= age(a) + 16, "{r:?}"),
                "spouse" => assert!(age(a) >= 20 && age(b) >= 20 && a.raw.gender != b.raw.gender),
                _ => {}
            }
        }
    }

    #[test]
    fn the_street_has_minors_nonagenarians_and_fifteen_to_twenty_percent_party_members() {
        let s = street();
        let ages: Vec<i64> = s.people.iter().map(age).collect();
        assert!(ages.iter().filter(|&&a| a < 18).count() >= 30);
        assert!(ages.iter().any(|&a| a >= 90));
        let members: Vec<_> = s
            .people
            .iter()
            .filter(|p| p.raw.party_status != "none")
            .collect();
        let share = members.len() * 100 / s.people.len();
        assert!((15..=20).contains(&share), "{share}%");
        for status in ["probationary", "watch", "suspended"] {
            assert!(
                members.iter().any(|p| p.raw.party_status == status),
                "{status}"
            );
        }
        assert!(
            members
                .iter()
                .any(|p| p.raw.party_org == "unit" && !p.raw.party_org_name.is_empty())
        );
        for p in &members {
            let d = p.raw.parse().unwrap();
            let adult = d.birth_date.unwrap() + Months::new(18 * 12);
            assert!(d.party_joined.unwrap() > adult && d.party_joined.unwrap() <= REFERENCE_DATE);
        }
        let removed = s
            .people
            .iter()
            .filter(|p| p.raw.rights_removed == "是")
            .count();
        assert!((2..=3).contains(&removed));
    }

    #[test]
    fn each_community_has_one_party_secretary_and_one_residents_director() {
        let s = street();
        for c in &s.communities {
            let holders = |committee: &str, post: &str| {
                living_in(&s, &c.code)
                    .filter(|p| p.incumbencies.contains(&(committee, post)))
                    .count()
            };
            assert_eq!(holders("party", "书记"), 1, "{}", c.code);
            assert_eq!(holders("residents", "主任"), 1, "{}", c.code);
            assert_eq!(holders("party", "副书记"), 1, "{}", c.code);
            assert_eq!(holders("residents", "副主任"), 1, "{}", c.code);
            assert_eq!(holders("residents", "委员"), 3, "{}", c.code);
            let party = living_in(&s, &c.code)
                .filter(|p| p.incumbencies.iter().any(|(k, _)| *k == "party"));
            let party: Vec<_> = party.collect();
            let size = if c.org_type == "zongzhi" {
                5..=9
            } else {
                3..=5
            };
            assert!(size.contains(&party.len()), "{}", c.code);
            assert!(
                party
                    .iter()
                    .all(|p| p.raw.party_status == "full" && p.raw.party_org == "community")
            );
            assert!(party.iter().any(|p| p.raw.gender == "男"));
        }
        let both = s
            .people
            .iter()
            .filter(|p| p.incumbencies.contains(&("party", "书记")));
        assert_eq!(
            both.filter(|p| p.incumbencies.contains(&("residents", "主任")))
                .count(),
            1
        );
    }

    #[test]
    fn most_incumbents_meet_the_age_limits_but_some_do_not() {
        let s = street();
        let over: Vec<_> = s
            .people
            .iter()
            .filter(|p| {
                let head = p
                    .incumbencies
                    .iter()
                    .any(|(_, post)| *post == "书记" || *post == "主任");
                !p.incumbencies.is_empty() && age(p) > if head { 55 } else { 50 }
            })
            .map(|p| &p.raw.name)
            .collect();
        assert_eq!(over.len(), 2, "{over:?}");
    }

    #[test]
    fn the_generator_is_deterministic() {
        assert_eq!(street(), street());
    }
}
