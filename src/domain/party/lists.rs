//! P-4 初步人选 and P-5 候选人预备人选: the lists' sizes (seats plus a rounded-up margin, the
//! computation shown), the publicity period of the people inspected, and the proposed 书记 and
//! 副书记 on the candidate list.

use chrono::NaiveDate;

use super::{SECRETARY_SEATS, SOURCE_PIPELINE, ceil_percent, hundredths, join_names};
use crate::domain::plan::period_days;
use crate::domain::rules::RuleCheck;

/// P-4: the preliminary list has at least seats + ⌈30% × seats⌉ people.
pub const PRELIMINARY_MARGIN_PERCENT: u32 = 30;
/// P-5: the candidate list has at least seats + ⌈20% × seats⌉ people (差额 ≥ 20%).
pub const CANDIDATE_MARGIN_PERCENT: u32 = 20;
/// P-4: the people inspected are publicised for at least this many days (SPEC §9: a period from
/// A to B lasts B − A + 1 days).
pub const PUBLICITY_MIN_DAYS: i64 = 3;

/// P-4: the smallest preliminary list for `seats`: 5 → 7, 7 → 10, 9 → 12.
pub const fn preliminary_min(seats: u32) -> u32 {
    seats + ceil_percent(seats, PRELIMINARY_MARGIN_PERCENT)
}

/// P-5: the smallest candidate list for `seats`: 5 → 6, 7 → 9, 9 → 11.
pub const fn candidate_min(seats: u32) -> u32 {
    seats + ceil_percent(seats, CANDIDATE_MARGIN_PERCENT)
}

/// "N + ⌈p% × N⌉ = N + ⌈x⌉ = min", the computation as the message shows it.
fn computation(seats: u32, percent: u32) -> String {
    format!(
        "{seats} + ⌈{percent}% × {seats}⌉ = {seats} + ⌈{}⌉ = {}",
        hundredths(seats as u64 * percent as u64),
        seats + ceil_percent(seats, percent)
    )
}

fn check_list_size(
    rule: &str,
    what: &str,
    seats: u32,
    listed: u32,
    percent: u32,
    min: u32,
) -> RuleCheck {
    let passed = listed >= min;
    let message = format!(
        "{what}须不少于 {} 名，实有 {listed} 名，{}。",
        computation(seats, percent),
        if passed { "符合" } else { "不足" }
    );
    RuleCheck::new(
        rule,
        passed,
        SOURCE_PIPELINE,
        message,
        &[
            ("seats", seats.into()),
            ("margin_percent", percent.into()),
            ("margin", ceil_percent(seats, percent).into()),
            ("min", min.into()),
            ("listed", listed.into()),
        ],
    )
}

/// P-4: the preliminary list of `listed` people for `seats` (N) seats.
pub fn check_preliminary_list(seats: u32, listed: u32) -> RuleCheck {
    check_list_size(
        "P-4.size",
        "初步人选",
        seats,
        listed,
        PRELIMINARY_MARGIN_PERCENT,
        preliminary_min(seats),
    )
}

/// P-5: the candidate list of `listed` people for `seats` (N) seats.
pub fn check_candidate_list(seats: u32, listed: u32) -> RuleCheck {
    check_list_size(
        "P-5.size",
        "候选人预备人选（差额不少于 20%）",
        seats,
        listed,
        CANDIDATE_MARGIN_PERCENT,
        candidate_min(seats),
    )
}

/// P-4: the publicity (公示) of the people inspected, from `start` to `end` inclusive, lasts at
/// least [`PUBLICITY_MIN_DAYS`] days; an end before the start fails.
pub fn check_publicity(start: NaiveDate, end: NaiveDate) -> RuleCheck {
    let days = period_days(start, end);
    let passed = days >= PUBLICITY_MIN_DAYS;
    let message = format!(
        "考察对象公示须不少于 {PUBLICITY_MIN_DAYS} 天，{start} 至 {end} 共 {} 天，{}。",
        days.max(0),
        if passed { "符合" } else { "不足" }
    );
    RuleCheck::new(
        "P-4.publicity",
        passed,
        SOURCE_PIPELINE,
        message,
        &[
            ("start", start.to_string().into()),
            ("end", end.to_string().into()),
            ("days", days.into()),
            ("min_days", PUBLICITY_MIN_DAYS.into()),
        ],
    )
}

fn strings<S: AsRef<str>>(names: &[S]) -> Vec<String> {
    names.iter().map(|s| s.as_ref().to_string()).collect()
}

/// P-5: the proposed 书记 and 副书记 candidates must be on the candidate list. Their order is
/// kept as given (it is the order of the 书记/副书记 ballot, SPEC §8) and recorded in the numbers.
pub fn check_leaders_on_list<S: AsRef<str>>(
    list: &[S],
    secretary: &[S],
    deputies: &[S],
) -> RuleCheck {
    let on_list = |n: &&S| list.iter().any(|l| l.as_ref() == n.as_ref());
    let missing: Vec<&S> = secretary
        .iter()
        .chain(deputies)
        .filter(|n| !on_list(n))
        .collect();
    let passed = missing.is_empty();
    let named = format!(
        "书记 {}，副书记 {}",
        or_none(&join_names(secretary)),
        or_none(&join_names(deputies))
    );
    let message = if passed {
        format!("书记、副书记人选须在候选人预备人选名单中，{named}，均在名单中，符合。")
    } else {
        format!(
            "书记、副书记人选须在候选人预备人选名单中，{} 不在名单中，不符合。",
            join_names(&missing)
        )
    };
    RuleCheck::new(
        "P-5.leaders",
        passed,
        SOURCE_PIPELINE,
        message,
        &[
            ("secretary", strings(secretary).into()),
            ("deputies", strings(deputies).into()),
            ("missing", strings(&missing).into()),
            ("listed", list.len().into()),
        ],
    )
}

fn or_none(s: &str) -> &str {
    if s.is_empty() { "无" } else { s }
}

/// P-5: the 书记/副书记 vote is uncontested (等额): exactly one 书记 candidate, as many 副书记
/// candidates as 副书记 seats, and nobody proposed twice.
pub fn check_leader_slate<S: AsRef<str>>(
    secretary: &[S],
    deputies: &[S],
    deputy_seats: u32,
) -> RuleCheck {
    let (s, d) = (secretary.len() as u32, deputies.len() as u32);
    let mut names: Vec<&str> = secretary
        .iter()
        .chain(deputies)
        .map(AsRef::as_ref)
        .collect();
    names.sort_unstable();
    let twice: Vec<&str> = names
        .windows(2)
        .filter(|w| w[0] == w[1])
        .map(|w| w[0])
        .collect();
    let passed = s == SECRETARY_SEATS && d == deputy_seats && twice.is_empty();
    let dup = if twice.is_empty() {
        String::new()
    } else {
        format!("，{} 被重复提名", join_names(&twice))
    };
    let message = format!(
        "书记、副书记实行等额选举，须提名书记 {SECRETARY_SEATS} 名、副书记 {deputy_seats} 名，现为书记 {s} 名、副书记 {d} 名{dup}，{}。",
        if passed { "符合" } else { "不符合" }
    );
    RuleCheck::new(
        "P-5.slate",
        passed,
        SOURCE_PIPELINE,
        message,
        &[
            ("secretary", s.into()),
            ("deputies", d.into()),
            ("deputy_seats", deputy_seats.into()),
            ("secretary_seats", SECRETARY_SEATS.into()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn preliminary_lists_need_seats_plus_30_percent_rounded_up() {
        for (n, min) in [(5, 7), (7, 10), (9, 12)] {
            assert_eq!(preliminary_min(n), min, "N = {n}");
            assert!(check_preliminary_list(n, min).passed, "N = {n}");
            assert!(!check_preliminary_list(n, min - 1).passed, "N = {n}");
        }
    }

    #[test]
    fn the_preliminary_message_shows_the_computation() {
        assert_eq!(
            check_preliminary_list(7, 9).message,
            "初步人选须不少于 7 + ⌈30% × 7⌉ = 7 + ⌈2.1⌉ = 10 名，实有 9 名，不足。"
        );
        assert!(
            check_preliminary_list(9, 12)
                .message
                .contains("9 + ⌈2.7⌉ = 12")
        );
    }

    #[test]
    fn candidate_lists_need_a_differential_of_20_percent_rounded_up() {
        for (n, min) in [(5, 6), (7, 9), (9, 11)] {
            assert_eq!(candidate_min(n), min, "N = {n}");
            assert!(check_candidate_list(n, min).passed, "N = {n}");
            let short = check_candidate_list(n, min - 1);
            assert!(!short.passed, "N = {n}");
            assert_eq!(short.numbers["min"], min);
        }
        assert!(check_candidate_list(7, 8).message.contains("7 + ⌈1.4⌉ = 9"));
    }

    fn d(day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, 4, day).unwrap()
    }

    #[test]
    fn a_two_day_publicity_is_refused_and_three_days_accepted() {
        let two = check_publicity(d(15), d(16));
        assert!(!two.passed);
        assert_eq!(two.numbers["days"], 2);
        assert!(check_publicity(d(15), d(17)).passed);
        assert!(!check_publicity(d(17), d(15)).passed);
    }

    #[test]
    fn a_proposed_deputy_missing_from_the_list_is_named() {
        let list = ["张三", "李四", "王五", "赵六", "钱七", "孙八"];
        let c = check_leaders_on_list(&list, &["张三"], &["周九", "李四"]);
        assert!(!c.passed);
        assert!(c.message.contains("周九 不在名单中"), "{}", c.message);
        let ok = check_leaders_on_list(&list, &["张三"], &["王五", "李四"]);
        assert!(ok.passed);
        assert_eq!(
            ok.numbers["deputies"],
            serde_json::json!(["王五", "李四"]),
            "the order given is kept"
        );
    }

    #[test]
    fn the_leader_slate_is_uncontested() {
        assert!(check_leader_slate(&["张三"], &["李四"], 1).passed);
        assert!(!check_leader_slate(&["张三", "李四"], &[], 0).passed);
        assert!(!check_leader_slate(&["张三"], &[], 1).passed);
        let twice = check_leader_slate(&["张三"], &["张三"], 1);
        assert!(!twice.passed);
        assert!(
            twice.message.contains("张三 被重复提名"),
            "{}",
            twice.message
        );
    }
}
