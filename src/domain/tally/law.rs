//! The statutory numbers of the count, as data, in one place.
//!
//! Every legal threshold the engine applies — the 4/5 and 1/2 quorums, the majority, the one
//! third of a residents' further election, the 20% margin of a Party further election's list —
//! is a [`Fraction`] constant here, next to the instrument that sets it. The rest of the engine
//! only calls [`Fraction::more_than`] and [`Fraction::at_least`] on these constants.

/// A fraction `num / den` of some base (a number of people or of ballots).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fraction {
    /// Numerator.
    pub num: u64,
    /// Denominator, never 0.
    pub den: u64,
    /// How the fraction is written in Chinese, e.g. "五分之四".
    pub zh: &'static str,
}

impl Fraction {
    /// The smallest whole number strictly greater than `base × num / den`:
    /// `⌊base × num / den⌋ + 1` (超过, 过半数).
    pub const fn more_than(self, base: u64) -> u64 {
        // u128 so that no input can overflow the product.
        ((base as u128 * self.num as u128) / self.den as u128) as u64 + 1
    }

    /// The smallest whole number at least `base × num / den`: `⌈base × num / den⌉`
    /// (不少于, 半数以上 read literally).
    pub const fn at_least(self, base: u64) -> u64 {
        (base as u128 * self.num as u128).div_ceil(self.den as u128) as u64
    }
}

/// Quorum of a Party members' meeting: more than (1990 暂行条例, the seed) or at least
/// (2020 条例) four fifths of the members due to attend.
pub const PARTY_QUORUM: Fraction = Fraction {
    num: 4,
    den: 5,
    zh: "五分之四",
};

/// Quorum of a residents' election: more than half of the electorate takes part.
pub const RESIDENTS_QUORUM: Fraction = Fraction {
    num: 1,
    den: 2,
    zh: "半数",
};

/// The majority needed to be elected: more than half (过半数) of the base, so the threshold
/// is `⌊base/2⌋ + 1`, or `⌈base/2⌉` (at least 1) when 半数以上 is read literally.
pub const MAJORITY: Fraction = Fraction {
    num: 1,
    den: 2,
    zh: "半数",
};

/// A residents' further election (另行选举) elects the most voted, but with at least one third
/// of the ballots cast: the threshold is `⌈collected/3⌉`, at least 1.
pub const RESIDENTS_SUPPLEMENTARY_MINIMUM: Fraction = Fraction {
    num: 1,
    den: 3,
    zh: "三分之一",
};

/// The Party's differential (差额) of at least 20%, applied to the list of a further
/// election: `shortfall + max(1, ⌈20% × shortfall⌉)` candidates.
pub const PARTY_SUPPLEMENTARY_MARGIN: Fraction = Fraction {
    num: 1,
    den: 5,
    zh: "20%",
};

/// A residents' further election has one candidate more than the missing seats.
pub const RESIDENTS_SUPPLEMENTARY_EXTRA: u64 = 1;

/// A tie re-vote elects whoever has most votes: one vote is enough to pass.
pub const TIE_REVOTE_THRESHOLD: u64 = 1;

/// The 1990 Party rules the seed cites (quorum "超过", majority, ties, further elections).
pub const SRC_PARTY_1990: &str = "《中国共产党基层组织选举工作暂行条例》";
/// The 2020 Party rules, which replaced the 1990 ones: the majority's base is the members due
/// to attend with a vote (应到会有选举权的人数); their quorum reads "不少于".
pub const SRC_PARTY_2020: &str = "《中国共产党基层组织选举工作条例》";
/// The statute of residents' committees.
pub const SRC_RESIDENTS_LAW: &str = "《中华人民共和国城市居民委员会组织法》";
/// The statute whose §15 the provincial residents' election rules copy (further elections).
pub const SRC_VILLAGE_LAW_15: &str = "《中华人民共和国村民委员会组织法》第十五条";
/// The street's work plan (the seed document).
pub const SRC_PLAN: &str = "街道工作方案";
/// The election rules adopted for this vote, which carry the settings.
pub const SRC_RULES: &str = "本次选举办法";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_than_four_fifths_of_fifty_is_forty_one() {
        assert_eq!(PARTY_QUORUM.more_than(50), 41);
        assert_eq!(PARTY_QUORUM.at_least(50), 40);
    }

    #[test]
    fn more_than_half_never_accepts_exactly_half() {
        assert_eq!(MAJORITY.more_than(10), 6);
        assert_eq!(MAJORITY.more_than(11), 6);
        assert_eq!(MAJORITY.at_least(10), 5);
        assert_eq!(MAJORITY.at_least(11), 6);
    }

    #[test]
    fn one_third_rounds_up_and_twenty_percent_rounds_up() {
        assert_eq!(RESIDENTS_SUPPLEMENTARY_MINIMUM.at_least(30), 10);
        assert_eq!(RESIDENTS_SUPPLEMENTARY_MINIMUM.at_least(31), 11);
        assert_eq!(PARTY_SUPPLEMENTARY_MARGIN.at_least(5), 1);
        assert_eq!(PARTY_SUPPLEMENTARY_MARGIN.at_least(6), 2);
    }

    #[test]
    fn huge_bases_do_not_overflow() {
        assert_eq!(PARTY_QUORUM.more_than(u64::MAX), u64::MAX / 5 * 4 + 1);
    }
}
