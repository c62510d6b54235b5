//! W-4 统计报表, the figures: what one community's campaign amounts to (its residents' election,
//! its Party election, the new committees and the outgoing ones), computed from records the
//! caller has read, never typed. Shares are percentages of whole counts; ages are completed
//! years on the campaign's reference date. [`table`] lays the figures out as the report's
//! tables. Pure: no I/O.

pub mod summary;
pub mod table;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::person::education_rank;
use super::rules::age_on;

/// The age bands of the report: ≤ 35, 36–45, 46–55, > 55.
pub const AGE_BANDS: [&str; 4] = ["35岁及以下", "36至45岁", "46至55岁", "56岁及以上"];

/// The education bands of the report, high to low, then the members with none recorded.
pub const EDUCATION_BANDS: [&str; 6] = [
    "研究生",
    "大学",
    "大专",
    "高中/中专",
    "初中及以下",
    "未登记",
];

/// The band of an age (index into [`AGE_BANDS`]).
pub fn age_band(age: i32) -> usize {
    match age {
        ..=35 => 0,
        36..=45 => 1,
        46..=55 => 2,
        _ => 3,
    }
}

/// The band of a recorded education level (index into [`EDUCATION_BANDS`]).
pub fn education_band(level: Option<&str>) -> usize {
    match level.and_then(education_rank) {
        Some(5) => 0,
        Some(4) => 1,
        Some(3) => 2,
        Some(2) => 3,
        Some(_) => 4,
        None => 5,
    }
}

/// A share in percent with one decimal, `None` when the base is zero.
pub fn percent(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| (f64::from(part) * 1000.0 / f64::from(whole)).round() / 10.0)
}

/// One member of a committee, as the records hold them.
#[derive(Clone, Debug, PartialEq)]
pub struct Member {
    /// Name.
    pub name: String,
    /// Posts held in this committee (书记, 副书记, 委员 / 主任, 副主任, 委员).
    pub posts: Vec<String>,
    /// `男` | `女` (empty when unknown).
    pub gender: String,
    /// Birth date, if recorded.
    pub birth: Option<NaiveDate>,
    /// Education level, if recorded.
    pub education: Option<String>,
    /// A Party member (正式 or 预备).
    pub party_member: bool,
    /// Held a post in the outgoing committee of the same kind (连任).
    pub incumbent: bool,
}

/// The make-up of one committee.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Makeup {
    /// Members (distinct people).
    pub members: u32,
    /// Members by their highest post, in the order of the committee's posts.
    pub by_post: Vec<(String, u32)>,
    /// Women.
    pub women: u32,
    /// Women's share of the members, percent.
    pub women_share: Option<f64>,
    /// Members with a recorded birth date.
    pub aged: u32,
    /// The sum of their ages (for the street's average).
    pub age_sum: u32,
    /// Average age, one decimal.
    pub average_age: Option<f64>,
    /// Members per age band ([`AGE_BANDS`]).
    pub age_bands: Vec<u32>,
    /// Members per education band ([`EDUCATION_BANDS`]).
    pub education: Vec<u32>,
    /// Party members.
    pub party_members: u32,
    /// Party members' share, percent.
    pub party_share: Option<f64>,
    /// Members who held a post in the outgoing committee (连任).
    pub re_elected: u32,
    /// Members new to the committee (新任).
    pub new: u32,
}

impl Makeup {
    /// The make-up of `members`, posts counted in `posts`' order (a member counts once, at
    /// the first of `posts` they hold), ages on `at`.
    pub fn of(members: &[Member], posts: &[&str], at: NaiveDate) -> Makeup {
        let n = members.len() as u32;
        let mut m = Makeup {
            members: n,
            by_post: posts.iter().map(|p| (p.to_string(), 0)).collect(),
            age_bands: vec![0; AGE_BANDS.len()],
            education: vec![0; EDUCATION_BANDS.len()],
            ..Makeup::default()
        };
        for x in members {
            if let Some(i) = posts.iter().position(|p| x.posts.iter().any(|h| h == p)) {
                m.by_post[i].1 += 1;
            }
            m.women += u32::from(x.gender == "女");
            if let Some(b) = x.birth {
                let age = age_on(b, at).max(0);
                m.aged += 1;
                m.age_sum += age as u32;
                m.age_bands[age_band(age)] += 1;
            }
            m.education[education_band(x.education.as_deref())] += 1;
            m.party_members += u32::from(x.party_member);
            if x.incumbent {
                m.re_elected += 1;
            } else {
                m.new += 1;
            }
        }
        m.finish();
        m
    }

    /// Recomputes the shares and the average from the counts.
    fn finish(&mut self) {
        self.women_share = percent(self.women, self.members);
        self.party_share = percent(self.party_members, self.members);
        self.average_age = (self.aged > 0)
            .then(|| (f64::from(self.age_sum) * 10.0 / f64::from(self.aged)).round() / 10.0);
    }

    /// The sum of make-ups (the street's), shares and average recomputed from the sums.
    pub fn sum<'a>(all: impl IntoIterator<Item = &'a Makeup>) -> Makeup {
        let mut t = Makeup::default();
        for m in all {
            t.members += m.members;
            for (post, k) in &m.by_post {
                match t.by_post.iter_mut().find(|(p, _)| p == post) {
                    Some((_, v)) => *v += k,
                    None => t.by_post.push((post.clone(), *k)),
                }
            }
            t.women += m.women;
            t.aged += m.aged;
            t.age_sum += m.age_sum;
            add(&mut t.age_bands, &m.age_bands);
            add(&mut t.education, &m.education);
            t.party_members += m.party_members;
            t.re_elected += m.re_elected;
            t.new += m.new;
        }
        t.finish();
        t
    }
}

fn add(into: &mut Vec<u32>, from: &[u32]) {
    if into.len() < from.len() {
        into.resize(from.len(), 0);
    }
    for (a, b) in into.iter_mut().zip(from) {
        *a += b;
    }
}

/// The residents' election of one campaign.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ResidentsVote {
    /// The voting mode in words.
    pub mode: String,
    /// Registered voters (not removed).
    pub registered: u32,
    /// Took part in person at the station.
    pub in_person: u32,
    /// Took part by proxy.
    pub by_proxy: u32,
    /// Took part at a mobile box.
    pub mobile: u32,
    /// Official candidates (not withdrawn).
    pub candidates: u32,
    /// Elected per post: 主任, 副主任, 委员.
    pub elected: Vec<(String, u32)>,
    /// Rounds of voting needed (1 when the first round filled every seat).
    pub rounds: u32,
}

impl ResidentsVote {
    /// Everyone who took part.
    pub fn took_part(&self) -> u32 {
        self.in_person + self.by_proxy + self.mobile
    }

    /// Turnout (参选率), percent.
    pub fn turnout(&self) -> Option<f64> {
        percent(self.took_part(), self.registered)
    }

    /// Everyone elected.
    pub fn elected_total(&self) -> u32 {
        self.elected.iter().map(|(_, n)| n).sum()
    }
}

/// The Party election of one campaign.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PartyVote {
    /// Members due to attend the 党员大会.
    pub due: u32,
    /// Members present.
    pub present: u32,
    /// Nominees (distinct people) per P-1 channel, in the channels' order.
    pub nominees_by_channel: Vec<(String, u32)>,
    /// Nominees, distinct people over every channel.
    pub nominees: u32,
    /// Participants of the P-3 recommendation meeting.
    pub p3_participants: u32,
}

impl PartyVote {
    /// Attendance (到会率), percent.
    pub fn turnout(&self) -> Option<f64> {
        percent(self.present, self.due)
    }
}

/// The two committees side by side: 一肩挑 and 交叉任职.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Leadership {
    /// The 书记's name.
    pub secretary: Option<String>,
    /// The 主任's name.
    pub director: Option<String>,
    /// 书记 = 主任.
    pub one_shoulder: bool,
    /// People who sit on both committees.
    pub cross: u32,
    /// Their share of the Party committee, percent.
    pub cross_share: Option<f64>,
}

/// One community's statistics.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CommunityStats {
    /// Community code.
    pub code: String,
    /// Community name.
    pub name: String,
    /// The campaign.
    pub campaign_id: i64,
    /// The residents' election, once R-7 has closed.
    pub residents_vote: Option<ResidentsVote>,
    /// The Party election, once P-6 has closed.
    pub party_vote: Option<PartyVote>,
    /// The new Party committee.
    pub party: Makeup,
    /// The new residents' committee.
    pub residents: Makeup,
    /// 一肩挑 and 交叉任职 of the new committees.
    pub leadership: Leadership,
    /// The outgoing Party committee.
    pub old_party: Makeup,
    /// The outgoing residents' committee.
    pub old_residents: Makeup,
}

/// The Party committee's posts, highest first.
pub const PARTY_POSTS: [&str; 3] = ["书记", "副书记", "委员"];
/// The residents' committee's posts, highest first.
pub const RESIDENTS_POSTS: [&str; 3] = ["主任", "副主任", "委员"];

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn member(name: &str, post: &str, gender: &str, birth: NaiveDate, edu: &str) -> Member {
        Member {
            name: name.into(),
            posts: vec![post.into()],
            gender: gender.into(),
            birth: Some(birth),
            education: Some(edu.into()),
            party_member: false,
            incumbent: false,
        }
    }

    #[test]
    fn age_bands_split_at_35_45_and_55_inclusive() {
        assert_eq!(age_band(35), 0);
        assert_eq!(age_band(36), 1);
        assert_eq!(age_band(45), 1);
        assert_eq!(age_band(46), 2);
        assert_eq!(age_band(55), 2);
        assert_eq!(age_band(56), 3);
    }

    #[test]
    fn education_bands_put_undergraduates_under_university_and_primary_under_junior() {
        assert_eq!(education_band(Some("研究生")), 0);
        assert_eq!(education_band(Some("本科")), 1);
        assert_eq!(education_band(Some("大专")), 2);
        assert_eq!(education_band(Some("中专")), 3);
        assert_eq!(education_band(Some("初中")), 4);
        assert_eq!(education_band(Some("小学")), 4);
        assert_eq!(education_band(None), 5);
    }

    #[test]
    fn a_makeup_counts_each_member_once_at_the_highest_post_with_ages_on_the_reference_date() {
        let at = d(2027, 3, 1);
        let mut a = member("甲", "书记", "女", d(1987, 3, 1), "本科");
        a.posts.push("委员".into());
        a.incumbent = true;
        a.party_member = true;
        let b = member("乙", "委员", "男", d(1987, 3, 2), "初中");
        let c = member("丙", "委员", "男", d(1970, 1, 1), "研究生");
        let m = Makeup::of(&[a, b, c], &PARTY_POSTS, at);
        assert_eq!(m.members, 3);
        assert_eq!(
            m.by_post,
            vec![("书记".into(), 1), ("副书记".into(), 0), ("委员".into(), 2)]
        );
        assert_eq!(m.women, 1);
        assert_eq!(m.women_share, Some(33.3));
        // 40 (birthday on the day), 39, 57.
        assert_eq!(m.age_sum, 40 + 39 + 57);
        assert_eq!(m.average_age, Some(45.3));
        assert_eq!(m.age_bands, vec![0, 2, 0, 1]);
        assert_eq!(m.education, vec![1, 1, 0, 0, 1, 0]);
        assert_eq!((m.re_elected, m.new), (1, 2));
        assert_eq!(m.party_members, 1);
    }

    #[test]
    fn the_streets_makeup_recomputes_shares_and_the_average_from_the_sums() {
        let at = d(2027, 3, 1);
        let one = Makeup::of(
            &[member("甲", "主任", "女", d(1990, 1, 1), "大专")],
            &RESIDENTS_POSTS,
            at,
        );
        let three = Makeup::of(
            &[
                member("乙", "委员", "男", d(1970, 1, 1), "大专"),
                member("丙", "委员", "男", d(1970, 1, 1), "大专"),
                member("丁", "委员", "男", d(1970, 1, 1), "大专"),
            ],
            &RESIDENTS_POSTS,
            at,
        );
        let t = Makeup::sum([&one, &three]);
        assert_eq!(t.members, 4);
        assert_eq!(t.women_share, Some(25.0));
        // (37 + 57 × 3) / 4 = 52, not the mean of 37 and 57.
        assert_eq!(t.average_age, Some(52.0));
        assert_eq!(t.by_post[0], ("主任".into(), 1));
        assert_eq!(t.by_post[2], ("委员".into(), 3));
    }

    #[test]
    fn turnout_is_everyone_who_took_part_over_the_registered_and_none_without_voters() {
        let v = ResidentsVote {
            registered: 3,
            in_person: 1,
            by_proxy: 1,
            ..ResidentsVote::default()
        };
        assert_eq!(v.turnout(), Some(66.7));
        assert_eq!(ResidentsVote::default().turnout(), None);
    }
}
