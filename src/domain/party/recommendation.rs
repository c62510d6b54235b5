//! P-3 全额定向民主推荐: who takes part and in what proportions, the nominees' written
//! introductions, the validity of a recommendation form, and the tally of the forms.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Post, SOURCE_PIPELINE, Seats, percent_text};
use crate::domain::rules::RuleCheck;

/// P-3: the meeting needs at least this many participants.
pub const PARTICIPANTS_MIN: u32 = 80;
/// P-3: NPC deputies, CPPCC members and resident representatives together make at least this
/// percentage of the participants.
pub const REPRESENTATIVE_SHARE_PERCENT: u32 = 30;
/// P-3: a nominee's written introduction has at most this many characters (Unicode scalar
/// values, so one Chinese character is one).
pub const INTRODUCTION_MAX_CHARS: usize = 1500;

/// P-3: the categories of participants. Each participant is counted in one category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ParticipantCategory {
    /// 社区党组织委员会成员.
    CommitteeMember,
    /// 党员代表.
    PartyRepresentative,
    /// 居民代表 (counts toward the 30%).
    ResidentRepresentative,
    /// 驻区单位代表.
    UnitRepresentative,
    /// 党代表 (Party congress deputies living in the community).
    PartyCongressDeputy,
    /// 人大代表 (counts toward the 30%).
    NpcDeputy,
    /// 政协委员 (counts toward the 30%).
    CppccMember,
}

impl ParticipantCategory {
    /// Every category, in the order of SPEC P-3.
    pub const ALL: [ParticipantCategory; 7] = [
        ParticipantCategory::CommitteeMember,
        ParticipantCategory::PartyRepresentative,
        ParticipantCategory::ResidentRepresentative,
        ParticipantCategory::UnitRepresentative,
        ParticipantCategory::PartyCongressDeputy,
        ParticipantCategory::NpcDeputy,
        ParticipantCategory::CppccMember,
    ];

    /// The stable id.
    pub const fn as_str(self) -> &'static str {
        match self {
            ParticipantCategory::CommitteeMember => "committee_member",
            ParticipantCategory::PartyRepresentative => "party_representative",
            ParticipantCategory::ResidentRepresentative => "resident_representative",
            ParticipantCategory::UnitRepresentative => "unit_representative",
            ParticipantCategory::PartyCongressDeputy => "party_congress_deputy",
            ParticipantCategory::NpcDeputy => "npc_deputy",
            ParticipantCategory::CppccMember => "cppcc_member",
        }
    }

    /// The Chinese label.
    pub const fn label(self) -> &'static str {
        match self {
            ParticipantCategory::CommitteeMember => "社区党组织委员会成员",
            ParticipantCategory::PartyRepresentative => "党员代表",
            ParticipantCategory::ResidentRepresentative => "居民代表",
            ParticipantCategory::UnitRepresentative => "驻区单位代表",
            ParticipantCategory::PartyCongressDeputy => "党代表",
            ParticipantCategory::NpcDeputy => "人大代表",
            ParticipantCategory::CppccMember => "政协委员",
        }
    }

    /// Parses the id or the label.
    pub fn parse(s: &str) -> Option<ParticipantCategory> {
        let t = s.trim();
        ParticipantCategory::ALL
            .into_iter()
            .find(|c| c.as_str() == t || c.label() == t)
    }

    /// Whether the category counts toward the [`REPRESENTATIVE_SHARE_PERCENT`] share.
    pub const fn counts_toward_share(self) -> bool {
        matches!(
            self,
            ParticipantCategory::NpcDeputy
                | ParticipantCategory::CppccMember
                | ParticipantCategory::ResidentRepresentative
        )
    }
}

/// The participants of the meeting, counted by category.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Participants(BTreeMap<ParticipantCategory, u32>);

impl Participants {
    /// Sets the count of one category.
    pub fn set(&mut self, category: ParticipantCategory, count: u32) {
        self.0.insert(category, count);
    }

    /// The count of one category (0 when not given).
    pub fn get(&self, category: ParticipantCategory) -> u32 {
        self.0.get(&category).copied().unwrap_or(0)
    }

    /// Everyone.
    pub fn total(&self) -> u32 {
        self.0.values().sum()
    }

    /// NPC deputies + CPPCC members + resident representatives.
    pub fn share_count(&self) -> u32 {
        self.0
            .iter()
            .filter(|(c, _)| c.counts_toward_share())
            .map(|(_, n)| n)
            .sum()
    }
}

impl FromIterator<(ParticipantCategory, u32)> for Participants {
    /// Counts per category; a category given twice adds up.
    fn from_iter<I: IntoIterator<Item = (ParticipantCategory, u32)>>(iter: I) -> Self {
        let mut p = Participants::default();
        for (c, n) in iter {
            *p.0.entry(c).or_insert(0) += n;
        }
        p
    }
}

impl FromIterator<ParticipantCategory> for Participants {
    /// Counts a roster, one category per participant.
    fn from_iter<I: IntoIterator<Item = ParticipantCategory>>(iter: I) -> Self {
        iter.into_iter().map(|c| (c, 1)).collect()
    }
}

/// P-3: at least [`PARTICIPANTS_MIN`] participants.
pub fn check_participant_total(participants: &Participants) -> RuleCheck {
    let total = participants.total();
    let passed = total >= PARTICIPANTS_MIN;
    let message = format!(
        "民主推荐会参加人数须不少于 {PARTICIPANTS_MIN} 名，实有 {total} 名，{}。",
        if passed { "符合" } else { "不足" }
    );
    RuleCheck::new(
        "P-3.participants",
        passed,
        SOURCE_PIPELINE,
        message,
        &[("total", total.into()), ("min", PARTICIPANTS_MIN.into())],
    )
}

/// P-3: NPC deputies + CPPCC members + resident representatives ≥ 30% of the participants,
/// compared exactly (`share × 100 ≥ 30 × total`); a meeting without participants fails.
pub fn check_participant_share(participants: &Participants) -> RuleCheck {
    let total = participants.total();
    let share = participants.share_count();
    let passed =
        total > 0 && share as u64 * 100 >= REPRESENTATIVE_SHARE_PERCENT as u64 * total as u64;
    let message = format!(
        "人大代表、政协委员和居民代表须不少于参加人数的 {REPRESENTATIVE_SHARE_PERCENT}%，实有 {share} 名，占 {total} 名的 {}，{}。",
        percent_text(share, total),
        if passed { "符合" } else { "不足" }
    );
    RuleCheck::new(
        "P-3.share",
        passed,
        SOURCE_PIPELINE,
        message,
        &[
            ("share", share.into()),
            ("total", total.into()),
            ("percent", percent_text(share, total).into()),
            ("min_percent", REPRESENTATIVE_SHARE_PERCENT.into()),
        ],
    )
}

/// P-3: a nominee's written introduction has at most [`INTRODUCTION_MAX_CHARS`] characters,
/// counted as `chars().count()` (punctuation and line breaks included).
pub fn check_introduction(text: &str) -> RuleCheck {
    let chars = text.chars().count();
    let passed = chars <= INTRODUCTION_MAX_CHARS;
    let message = format!(
        "书面介绍材料须不超过 {INTRODUCTION_MAX_CHARS} 字，实有 {chars} 字，{}。",
        if passed { "符合" } else { "超出" }
    );
    RuleCheck::new(
        "P-3.introduction",
        passed,
        SOURCE_PIPELINE,
        message,
        &[
            ("chars", chars.into()),
            ("max", INTRODUCTION_MAX_CHARS.into()),
        ],
    )
}

/// One participant's recommendation form: per post, the nominees named (ids or names).
pub type RecommendationForm<K> = BTreeMap<Post, Vec<K>>;

/// The distinct nominees named for `post` (a name repeated within one post counts once).
fn named<K: Ord>(form: &RecommendationForm<K>, post: Post) -> BTreeSet<&K> {
    form.get(&post).into_iter().flatten().collect()
}

/// P-3: a form is valid only if, for every post, it names at most as many nominees as the post
/// has seats (书记 1, 副书记 n, 委员 N).
pub fn check_form<K: Ord>(form: &RecommendationForm<K>, seats: Seats) -> RuleCheck {
    let counts: Vec<(Post, u32, u32)> = Post::ALL
        .into_iter()
        .map(|p| (p, named(form, p).len() as u32, seats.of(p)))
        .collect();
    let over: Vec<String> = counts
        .iter()
        .filter(|(_, n, s)| n > s)
        .map(|(p, n, s)| format!("{}填 {n} 名、职数 {s} 名", p.label()))
        .collect();
    let passed = over.is_empty();
    let message = if passed {
        let shown: Vec<String> = counts
            .iter()
            .map(|(p, n, s)| format!("{} {n}/{s} 名", p.label()))
            .collect();
        format!(
            "推荐票每个职位所填人数不得超过该职位职数，{}，有效。",
            shown.join("、")
        )
    } else {
        format!(
            "推荐票每个职位所填人数不得超过该职位职数，{}，此票无效。",
            over.join("；")
        )
    };
    let numbers: Vec<(String, Value)> = counts
        .iter()
        .flat_map(|(p, n, s)| {
            [
                (format!("{}_named", p.as_str()), (*n).into()),
                (format!("{}_seats", p.as_str()), (*s).into()),
            ]
        })
        .collect();
    let numbers: Vec<(&str, Value)> = numbers
        .iter()
        .map(|(k, v)| (k.as_str(), v.clone()))
        .collect();
    RuleCheck::new("P-3.form", passed, SOURCE_PIPELINE, message, &numbers)
}

/// One nominee's recommendation votes for one post.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NomineeVotes<K> {
    /// The nominee (id or name, as on the forms).
    pub nominee: K,
    /// Valid forms naming the nominee for this post.
    pub votes: u32,
    /// The share of participants, in thousandths, truncated.
    pub share_permille: u32,
    /// The share as shown, e.g. "62.5%".
    pub share: String,
}

/// The tally of a recommendation meeting's forms.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RecommendationTally<K> {
    /// Participants of the meeting (the base of the shares).
    pub participants: u32,
    /// Forms counted.
    pub valid_forms: u32,
    /// Forms over the seats of some post, not counted.
    pub invalid_forms: u32,
    /// Per post, the nominees by votes (most first, then by id or name).
    pub posts: BTreeMap<Post, Vec<NomineeVotes<K>>>,
}

/// P-3: tallies the forms — per post, each nominee's votes from the valid forms and their share
/// of `participants`. Invalid forms (see [`check_form`]) count for nobody.
pub fn tally_forms<K: Ord + Clone>(
    forms: &[RecommendationForm<K>],
    seats: Seats,
    participants: u32,
) -> RecommendationTally<K> {
    let mut votes: BTreeMap<Post, BTreeMap<K, u32>> = BTreeMap::new();
    let (mut valid_forms, mut invalid_forms) = (0, 0);
    for form in forms {
        if !check_form(form, seats).passed {
            invalid_forms += 1;
            continue;
        }
        valid_forms += 1;
        for post in Post::ALL {
            for k in named(form, post) {
                *votes.entry(post).or_default().entry(k.clone()).or_insert(0) += 1;
            }
        }
    }
    let posts = votes
        .into_iter()
        .map(|(post, by)| {
            let mut rows: Vec<NomineeVotes<K>> = by
                .into_iter()
                .map(|(nominee, votes)| NomineeVotes {
                    nominee,
                    votes,
                    share_permille: if participants == 0 {
                        0
                    } else {
                        (votes as u64 * 1000 / participants as u64) as u32
                    },
                    share: percent_text(votes, participants),
                })
                .collect();
            // Stable sort over rows already ordered by nominee: ties stay in that order.
            rows.sort_by_key(|r| std::cmp::Reverse(r.votes));
            (post, rows)
        })
        .collect();
    RecommendationTally {
        participants,
        valid_forms,
        invalid_forms,
        posts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ParticipantCategory::*;

    fn meeting(share: u32, others: u32) -> Participants {
        [
            (ResidentRepresentative, share),
            (PartyRepresentative, others),
        ]
        .into_iter()
        .collect()
    }

    #[test]
    fn seventy_nine_participants_are_refused_and_eighty_accepted() {
        let c = check_participant_total(&meeting(30, 49));
        assert!(!c.passed);
        assert_eq!(
            c.message,
            "民主推荐会参加人数须不少于 80 名，实有 79 名，不足。"
        );
        assert!(check_participant_total(&meeting(30, 50)).passed);
    }

    #[test]
    fn a_share_of_29_9_percent_is_refused_and_30_percent_accepted() {
        let low = check_participant_share(&meeting(299, 701));
        assert!(!low.passed);
        assert!(
            low.message.contains("占 1000 名的 29.9%"),
            "{}",
            low.message
        );
        assert!(check_participant_share(&meeting(300, 700)).passed);
    }

    #[test]
    fn exactly_30_percent_of_80_passes_and_one_fewer_fails() {
        assert!(check_participant_share(&meeting(24, 56)).passed);
        assert!(!check_participant_share(&meeting(23, 57)).passed);
    }

    #[test]
    fn npc_deputies_cppcc_members_and_resident_representatives_make_the_share() {
        let p: Participants = [
            (NpcDeputy, 4),
            (CppccMember, 2),
            (ResidentRepresentative, 18),
            (CommitteeMember, 7),
            (PartyRepresentative, 40),
            (UnitRepresentative, 6),
            (PartyCongressDeputy, 3),
        ]
        .into_iter()
        .collect();
        assert_eq!((p.share_count(), p.total()), (24, 80));
        assert!(check_participant_share(&p).passed);
        let roster: Participants = [NpcDeputy, NpcDeputy, CommitteeMember]
            .into_iter()
            .collect();
        assert_eq!(roster.get(NpcDeputy), 2);
        assert!(!check_participant_share(&Participants::default()).passed);
    }

    #[test]
    fn an_introduction_of_1501_characters_is_refused_and_1500_accepted() {
        let ok = "社".repeat(1500);
        assert_eq!(ok.len(), 4500, "bytes are not characters");
        assert!(check_introduction(&ok).passed);
        let long = check_introduction(&"社".repeat(1501));
        assert!(!long.passed);
        assert_eq!(long.numbers["chars"], 1501);
    }

    fn seats() -> Seats {
        Seats {
            deputies: 1,
            members: 5,
        }
    }

    fn form(sec: &[&str], dep: &[&str], mem: &[&str]) -> RecommendationForm<String> {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect();
        [
            (Post::Secretary, v(sec)),
            (Post::DeputySecretary, v(dep)),
            (Post::Member, v(mem)),
        ]
        .into_iter()
        .collect()
    }

    #[test]
    fn a_form_naming_more_than_the_seats_of_a_post_is_invalid() {
        let full = form(&["甲"], &["乙"], &["甲", "乙", "丙", "丁", "戊"]);
        assert!(check_form(&full, seats()).passed);
        let over = check_form(&form(&["甲", "乙"], &[], &[]), seats());
        assert!(!over.passed);
        assert!(
            over.message.contains("书记填 2 名、职数 1 名"),
            "{}",
            over.message
        );
        assert_eq!(over.numbers["secretary_named"], 2);
        let too_many_members = form(&[], &[], &["甲", "乙", "丙", "丁", "戊", "己"]);
        assert!(!check_form(&too_many_members, seats()).passed);
    }

    #[test]
    fn the_tally_counts_valid_forms_per_post_with_the_share_of_participants() {
        let forms = vec![
            form(&["甲"], &["乙"], &["甲", "乙", "丙"]),
            form(&["甲"], &["丙"], &["甲", "丙"]),
            form(&["乙"], &[], &["乙", "乙"]),
            form(&["甲", "乙"], &[], &["丁"]),
        ];
        let t = tally_forms(&forms, seats(), 80);
        assert_eq!((t.valid_forms, t.invalid_forms), (3, 1));
        let sec = &t.posts[&Post::Secretary];
        assert_eq!((sec[0].nominee.as_str(), sec[0].votes), ("甲", 2));
        assert_eq!(sec[0].share, "2.5%");
        let mem: Vec<_> = t.posts[&Post::Member]
            .iter()
            .map(|r| (r.nominee.as_str(), r.votes))
            .collect();
        // A tie keeps the nominees' own order (here the strings' code points).
        assert_eq!(mem, [("丙", 2), ("乙", 2), ("甲", 2)]);
    }
}
