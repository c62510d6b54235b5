//! R-3: the election rules (选举办法) adopted by the representatives' meeting, as settings: the
//! voting mode, the posts and seats, whether one person may stand for two posts, the proxy
//! limit, which posts may be uncontested (等额), the voter list's notice, the further-election
//! timing and the counting settings of SPEC §8 handed to the tally engine.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::seats::{Post, Seats};
use super::voters::VOTER_LIST_DAYS_DEFAULT;
use crate::domain::tally::{
    Comparison, MajorityBase, Overvote, Preset, SamePersonTwoPosts, Settings, SettingsOverrides,
};

/// R-7: by default one proxy may vote for at most this many principals (每人接受委托不超过三人).
pub const PROXY_LIMIT_DEFAULT: u32 = 3;
/// R-7: days after election day within which a further election (另行选举) is held by default;
/// 0 is on the day itself.
pub const FURTHER_ELECTION_DAYS_DEFAULT: u32 = 0;

/// Who votes, and so who makes up the electorate of the quorum.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VotingMode {
    /// Every registered voter (全体选民直接选举).
    #[default]
    AllVoters,
    /// One representative per household (户代表).
    Households,
    /// The resident representatives (居民代表).
    Representatives,
}

impl VotingMode {
    /// Every mode.
    pub const ALL: [VotingMode; 3] = [
        VotingMode::AllVoters,
        VotingMode::Households,
        VotingMode::Representatives,
    ];

    /// The label.
    pub const fn label(self) -> &'static str {
        match self {
            VotingMode::AllVoters => "全体选民直接选举",
            VotingMode::Households => "户代表选举",
            VotingMode::Representatives => "居民代表选举",
        }
    }

    /// What the electorate is called in this mode.
    pub const fn electorate_label(self) -> &'static str {
        match self {
            VotingMode::AllVoters => "登记选民",
            VotingMode::Households => "登记的户代表",
            VotingMode::Representatives => "居民代表",
        }
    }

    /// The stored form.
    pub const fn as_str(self) -> &'static str {
        match self {
            VotingMode::AllVoters => "all_voters",
            VotingMode::Households => "households",
            VotingMode::Representatives => "representatives",
        }
    }

    /// Parses the stored form or the label.
    pub fn parse(s: &str) -> Option<VotingMode> {
        let t = s.trim();
        VotingMode::ALL
            .into_iter()
            .find(|m| m.as_str() == t || m.label() == t)
    }
}

/// The settings of the adopted election rules; every field has its default, so a stored
/// document missing fields still reads.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ElectionRules {
    /// 选举方式.
    pub mode: VotingMode,
    /// 职位和职数.
    pub seats: Seats,
    /// Posts whose candidates may be exactly as many as its seats (等额); none by default.
    pub uncontested_posts: BTreeSet<Post>,
    /// Whether one person may stand for two posts (default no).
    pub two_posts: bool,
    /// The most principals one proxy may vote for.
    pub proxy_limit: u32,
    /// The voter list is published at least this many days before election day.
    pub voter_list_days: i64,
    /// A further election is held within this many days after election day (0: the same day).
    pub further_election_days: u32,
    /// The counting settings of SPEC §8 that differ from the residents' defaults.
    pub counting: SettingsOverrides,
}

impl Default for ElectionRules {
    fn default() -> ElectionRules {
        ElectionRules {
            mode: VotingMode::default(),
            seats: Seats::default(),
            uncontested_posts: BTreeSet::new(),
            two_posts: false,
            proxy_limit: PROXY_LIMIT_DEFAULT,
            voter_list_days: VOTER_LIST_DAYS_DEFAULT,
            further_election_days: FURTHER_ELECTION_DAYS_DEFAULT,
            counting: SettingsOverrides::default(),
        }
    }
}

impl ElectionRules {
    /// The fields' Chinese labels, in the order [`ElectionRules::describe`] shows them.
    pub const LABELS: [(&'static str, &'static str); 12] = [
        ("mode", "选举方式"),
        ("seats", "职位和职数"),
        ("uncontested_posts", "可以等额选举的职位"),
        ("two_posts", "一人可否同时为两个职位的候选人"),
        ("proxy_limit", "每人接受委托投票的上限"),
        ("voter_list_days", "选民名单提前公布天数"),
        ("further_election_days", "另行选举时间"),
        ("quorum", "选举有效的参加人数"),
        ("majority", "当选票数"),
        ("overvote", "多选的选票"),
        ("same_person_two_posts", "同一人被选为两个职位"),
        ("write_ins", "另选他人"),
    ];

    /// Whether the rules allow a post to be uncontested (等额).
    pub fn allows_uncontested(&self, post: Post) -> bool {
        self.uncontested_posts.contains(&post)
    }

    /// The counting settings in force: the residents' defaults with this document's overrides.
    pub fn tally_settings(&self) -> Settings {
        Settings::resolve(Preset::Residents, &self.counting)
    }

    /// The rules in words, one (label, value) row per field of [`ElectionRules::LABELS`], for
    /// the page and the printed document.
    pub fn describe(&self) -> Vec<(&'static str, String)> {
        let s = self.tally_settings();
        let seats = &self.seats;
        let mut seat_text = format!(
            "主任 {} 名、副主任 {} 名、委员 {} 名，共 {} 名",
            seats.director,
            seats.deputies,
            seats.members,
            seats.total()
        );
        if seats.part_time > 0 {
            seat_text.push_str(&format!("（另有兼职委员 {} 名）", seats.part_time));
        }
        let uncontested = if self.uncontested_posts.is_empty() {
            "无（各职位均差额选举）".to_string()
        } else {
            let v: Vec<_> = self.uncontested_posts.iter().map(|p| p.label()).collect();
            v.join("、")
        };
        let more = |c: Comparison| match c {
            Comparison::Gt => "超过",
            Comparison::Ge => "不少于",
        };
        let base = match s.majority_base {
            MajorityBase::Cast => "选票总数（含无效票）",
            MajorityBase::Present => "参加投票的人数",
            MajorityBase::Due => self.mode.electorate_label(),
        };
        let values = [
            self.mode.label().to_string(),
            seat_text,
            uncontested,
            (if self.two_posts {
                "可以"
            } else {
                "不可以"
            })
            .to_string(),
            format!("{} 人", self.proxy_limit),
            format!("至少提前 {} 天", self.voter_list_days),
            match self.further_election_days {
                0 => "选举当日".to_string(),
                n => format!("选举日后 {n} 天内"),
            },
            format!(
                "参加投票的人数{}{}的半数",
                more(s.quorum),
                self.mode.electorate_label()
            ),
            format!("得票{}{}的半数", more(s.majority), base),
            match s.overvote {
                Overvote::Ballot => "整张选票无效",
                Overvote::Post => "仅该职位部分无效",
            }
            .to_string(),
            match s.same_person_two_posts {
                SamePersonTwoPosts::Invalid => "该选票无效",
                SamePersonTwoPosts::RollDown => "主任票依次计入副主任、委员",
            }
            .to_string(),
            (if s.write_ins { "计入" } else { "不计入" }).to_string(),
        ];
        Self::LABELS
            .iter()
            .zip(values)
            .map(|((_, label), value)| (*label, value))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_five_seats_no_two_posts_three_principals_and_twenty_days() {
        let r = ElectionRules::default();
        assert_eq!(r.mode, VotingMode::AllVoters);
        assert_eq!(r.seats.total(), 5);
        assert!(!r.two_posts);
        assert_eq!(r.proxy_limit, 3);
        assert_eq!(r.voter_list_days, 20);
        assert!(!r.allows_uncontested(Post::Director));
        assert_eq!(r.tally_settings(), Settings::defaults(Preset::Residents));
    }

    #[test]
    fn a_partial_document_reads_with_the_defaults_filled_in() {
        let r: ElectionRules = serde_json::from_str(
            r#"{"mode":"households","uncontested_posts":["director"],"seats":{"deputies":2,"members":4},"counting":{"overvote":"post"}}"#,
        )
        .unwrap();
        assert_eq!(r.mode, VotingMode::Households);
        assert!(r.allows_uncontested(Post::Director));
        assert_eq!(r.seats.total(), 7);
        assert_eq!(r.proxy_limit, PROXY_LIMIT_DEFAULT);
        assert_eq!(r.tally_settings().overvote, Overvote::Post);
        let back: ElectionRules =
            serde_json::from_value(serde_json::to_value(&r).unwrap()).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn the_rules_are_described_in_chinese_one_row_per_label() {
        let rows = ElectionRules::default().describe();
        assert_eq!(rows.len(), ElectionRules::LABELS.len());
        assert_eq!(rows[0], ("选举方式", "全体选民直接选举".to_string()));
        assert!(rows[1].1.contains("共 5 名"));
        assert_eq!(rows[3].1, "不可以");
        assert_eq!(rows[7].1, "参加投票的人数超过登记选民的半数");
        assert_eq!(rows[8].1, "得票超过选票总数（含无效票）的半数");
    }

    #[test]
    fn modes_parse_from_their_stored_form_and_label() {
        assert_eq!(
            VotingMode::parse("居民代表选举"),
            Some(VotingMode::Representatives)
        );
        assert_eq!(
            VotingMode::parse("households"),
            Some(VotingMode::Households)
        );
    }
}
