//! The counting settings (SPEC §8 "setting" column): the preset, the round, each setting's
//! values, the optional overrides read from the input and their per-preset defaults.

use serde::{Deserialize, Serialize};

use super::law::{self, Fraction};

/// Which kind of election is counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preset {
    /// 公推直选: a Party members' meeting (党员大会).
    Party,
    /// 居委会直接选举: the residents' direct election.
    Residents,
}

impl Preset {
    /// The fraction of the electorate whose presence makes the round valid.
    pub const fn quorum_fraction(self) -> Fraction {
        match self {
            Preset::Party => law::PARTY_QUORUM,
            Preset::Residents => law::RESIDENTS_QUORUM,
        }
    }
}

/// Which attempt at the vote this is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Round {
    /// The first vote.
    #[default]
    First,
    /// A re-vote among people tied at the last seat (most votes wins).
    TieRevote,
    /// A further election (另行选举) for seats left unfilled.
    Supplementary,
}

impl Round {
    /// Whether this is a follow-up round, where only the round's candidates can receive votes.
    pub const fn is_follow_up(self) -> bool {
        !matches!(self, Round::First)
    }
}

/// How a count is compared with a fraction: strictly more (`gt`) or at least (`ge`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Comparison {
    /// 超过 / 过半数: strictly more than.
    Gt,
    /// 不少于 / 半数以上 read literally: at least.
    Ge,
}

/// The base a candidate's votes are compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MajorityBase {
    /// Voters present (实到会 / 参加投票): the Party base of the 1990 暂行条例, kept as a setting.
    Present,
    /// Voters due (应到会有选举权的人数), i.e. the electorate: the Party default, after the 2020
    /// 中国共产党基层组织选举工作条例.
    Due,
    /// Ballots collected, valid and invalid (选票总数).
    Cast,
}

/// What the number of ballots collected may not exceed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BoxCheck {
    /// The voters present.
    Voters,
    /// The ballots issued.
    Issued,
}

/// What an overvote (more `for` names in a post than seats) invalidates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Overvote {
    /// The whole ballot.
    Ballot,
    /// Only that post's part of the ballot.
    Post,
}

/// What happens when one ballot marks the same person `for` in two posts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SamePersonTwoPosts {
    /// The ballot is invalid.
    Invalid,
    /// Votes roll down: a vote in an earlier post also counts in later posts (once per ballot).
    RollDown,
}

/// The `settings` object of the input: every field optional, unknown fields rejected.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SettingsOverrides {
    /// See [`Settings::quorum`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quorum: Option<Comparison>,
    /// See [`Settings::majority`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub majority: Option<Comparison>,
    /// See [`Settings::majority_base`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub majority_base: Option<MajorityBase>,
    /// See [`Settings::box_check`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub box_check: Option<BoxCheck>,
    /// See [`Settings::overvote`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overvote: Option<Overvote>,
    /// See [`Settings::same_person_two_posts`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub same_person_two_posts: Option<SamePersonTwoPosts>,
    /// See [`Settings::write_ins`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_ins: Option<bool>,
    /// See [`Settings::write_in_requires_against`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_in_requires_against: Option<bool>,
}

/// The settings in force for one count, every one resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Settings {
    /// Present compared with the preset's fraction of the electorate.
    pub quorum: Comparison,
    /// A candidate's votes compared with half of the base.
    pub majority: Comparison,
    /// The base of the majority.
    pub majority_base: MajorityBase,
    /// What ballots collected may not exceed.
    pub box_check: BoxCheck,
    /// What an overvote invalidates.
    pub overvote: Overvote,
    /// One person marked `for` in two posts of one ballot.
    pub same_person_two_posts: SamePersonTwoPosts,
    /// Whether write-ins (另选他人) count at all.
    pub write_ins: bool,
    /// Whether an unlisted write-in needs a name marked `against` in the same post.
    pub write_in_requires_against: bool,
}

impl Settings {
    /// The defaults of a preset (SPEC §8, the brackets).
    pub const fn defaults(preset: Preset) -> Settings {
        match preset {
            Preset::Party => Settings {
                quorum: Comparison::Gt,
                majority: Comparison::Gt,
                majority_base: MajorityBase::Due,
                box_check: BoxCheck::Voters,
                overvote: Overvote::Ballot,
                same_person_two_posts: SamePersonTwoPosts::Invalid,
                write_ins: true,
                write_in_requires_against: true,
            },
            Preset::Residents => Settings {
                quorum: Comparison::Gt,
                majority: Comparison::Gt,
                majority_base: MajorityBase::Cast,
                box_check: BoxCheck::Voters,
                overvote: Overvote::Ballot,
                same_person_two_posts: SamePersonTwoPosts::Invalid,
                write_ins: true,
                write_in_requires_against: false,
            },
        }
    }

    /// Every setting spelled out, so that a stored vote keeps the settings it was created with
    /// when a preset's default changes later.
    pub fn to_overrides(self) -> SettingsOverrides {
        SettingsOverrides {
            quorum: Some(self.quorum),
            majority: Some(self.majority),
            majority_base: Some(self.majority_base),
            box_check: Some(self.box_check),
            overvote: Some(self.overvote),
            same_person_two_posts: Some(self.same_person_two_posts),
            write_ins: Some(self.write_ins),
            write_in_requires_against: Some(self.write_in_requires_against),
        }
    }

    /// The preset's defaults with the given overrides applied.
    pub fn resolve(preset: Preset, overrides: &SettingsOverrides) -> Settings {
        let d = Settings::defaults(preset);
        Settings {
            quorum: overrides.quorum.unwrap_or(d.quorum),
            majority: overrides.majority.unwrap_or(d.majority),
            majority_base: overrides.majority_base.unwrap_or(d.majority_base),
            box_check: overrides.box_check.unwrap_or(d.box_check),
            overvote: overrides.overvote.unwrap_or(d.overvote),
            same_person_two_posts: overrides
                .same_person_two_posts
                .unwrap_or(d.same_person_two_posts),
            write_ins: overrides.write_ins.unwrap_or(d.write_ins),
            write_in_requires_against: overrides
                .write_in_requires_against
                .unwrap_or(d.write_in_requires_against),
        }
    }
}

/// The preset, the settings in force and the round: everything that decides which rule applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rules {
    /// Party or residents.
    pub preset: Preset,
    /// The resolved settings.
    pub settings: Settings,
    /// First round or a follow-up.
    pub round: Round,
}
