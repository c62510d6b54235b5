//! The wrap-up's rules (SPEC §7, W-1 … W-3), pure: the handover within ten days after the new
//! committees were formed (a [`RuleCheck`] with its numbers), the checklist's categories and
//! default items, the residents' committee's default subcommittees and meeting systems, the
//! rule that no member of the residents' committee sits on the 民主理财小组, and a document's
//! adoption vote. No I/O.

use chrono::{Datelike, NaiveDate};
use serde_json::Value;

use super::rules::RuleCheck;

/// W-1: the handover is held at most this many days after the new committees were formed.
pub const HANDOVER_DAYS: i64 = 10;

/// Where the ten days come from.
pub const SOURCE_HANDOVER: &str =
    "街道社区“两委”换届选举工作安排方案（总结完善阶段：新老班子交接）";

/// The rule id of the ten-day check.
pub const HANDOVER_RULE: &str = "W-1.within_ten_days";

/// `5月23日`: a date as the rule's sentence writes it.
pub fn month_day(d: NaiveDate) -> String {
    format!("{}月{}日", d.month(), d.day())
}

/// The last day the handover may be held: formation + [`HANDOVER_DAYS`].
pub fn handover_deadline(formed: NaiveDate) -> NaiveDate {
    formed + chrono::Duration::days(HANDOVER_DAYS)
}

/// W-1's date rule: the meeting `held` on its day after the committees were `formed` (SPEC §9:
/// "within N days after D" means held − formed ≤ N). A meeting before the formation is refused
/// (`Err` with the Chinese reason); otherwise the check passes up to day 10 and fails from day 11.
pub fn check_handover(formed: NaiveDate, held: NaiveDate) -> Result<RuleCheck, String> {
    let days = (held - formed).num_days();
    if days < 0 {
        return Err(format!(
            "交接会日期不能早于新班子产生之日（{}）",
            month_day(formed)
        ));
    }
    let passed = days <= HANDOVER_DAYS;
    let message = format!(
        "新班子于 {} 产生，交接会于 {} 召开，第 {days} 日，{} {HANDOVER_DAYS} 日",
        month_day(formed),
        month_day(held),
        if passed { "不超过" } else { "超过" }
    );
    Ok(RuleCheck::new(
        HANDOVER_RULE,
        passed,
        SOURCE_HANDOVER,
        message,
        &[
            ("formed_on", Value::from(formed.to_string())),
            ("held_on", Value::from(held.to_string())),
            ("days", Value::from(days)),
            ("limit", Value::from(HANDOVER_DAYS)),
        ],
    ))
}

/// A category of the checklist: stored code, label, default items.
pub type Category = (&'static str, &'static str, &'static [&'static str]);

/// The checklist's categories in the list's order, each with the items offered by default.
pub const CATEGORIES: [Category; 6] = [
    (
        "seal",
        "公章",
        &["社区党组织印章", "居民委员会印章", "居务监督委员会印章"],
    ),
    ("archive", "档案", &["文书档案", "会计档案", "换届选举档案"]),
    (
        "finance",
        "财务",
        &["银行账户及存款余额", "现金余额", "票据及账簿"],
    ),
    ("asset", "固定资产", &["办公用房", "办公设备"]),
    ("debt", "债权债务", &["债权清单", "债务清单"]),
    ("material", "工作资料", &["工作计划及台账", "居民花名册"]),
];

/// The stored code of a category given by code or by label.
pub fn category(v: &str) -> Option<&'static str> {
    let v = v.trim();
    CATEGORIES
        .iter()
        .find(|(code, label, _)| *code == v || *label == v)
        .map(|(code, _, _)| *code)
}

/// A category's label (`其他` for a code nobody names).
pub fn category_label(code: &str) -> &'static str {
    CATEGORIES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map_or("其他", |(_, l, _)| *l)
}

/// A category's position in the list's order.
pub fn category_rank(code: &str) -> usize {
    CATEGORIES
        .iter()
        .position(|(c, _, _)| *c == code)
        .unwrap_or(CATEGORIES.len())
}

/// One item of the checklist as the close condition sees it.
#[derive(Clone, Copy, Debug)]
pub struct Tick<'a> {
    /// Category code.
    pub category: &'a str,
    /// Its name.
    pub name: &'a str,
    /// Ticked by the handing-over side.
    pub handed: bool,
    /// Ticked by the receiving side.
    pub received: bool,
}

/// What the checklist still lacks to close W-1, one Chinese sentence each with the numbers
/// (empty when every item is ticked by both sides and at least one 公章 is listed).
pub fn checklist_gaps(items: &[Tick]) -> Vec<String> {
    let mut out = Vec::new();
    if items.is_empty() {
        out.push("交接清单尚无任何项目".to_owned());
        return out;
    }
    if !items.iter().any(|i| i.category == "seal") {
        out.push("交接清单至少应有一枚公章".to_owned());
    }
    let names = |f: &dyn Fn(&Tick) -> bool| -> Vec<&str> {
        items.iter().filter(|i| f(i)).map(|i| i.name).collect()
    };
    let handed = names(&|i| !i.handed);
    if !handed.is_empty() {
        out.push(format!(
            "交出方尚未确认 {} / {} 项：{}",
            handed.len(),
            items.len(),
            handed.join("、")
        ));
    }
    let received = names(&|i| !i.received);
    if !received.is_empty() {
        out.push(format!(
            "接收方尚未确认 {} / {} 项：{}",
            received.len(),
            items.len(),
            received.join("、")
        ));
    }
    out
}

/// The residents' committee's subcommittees offered by default (others may be added).
pub const SUBCOMMITTEES: [&str; 5] = [
    "人民调解委员会",
    "治安保卫委员会",
    "公共卫生委员会",
    "环境和物业管理委员会",
    "社会福利委员会",
];

/// The meeting systems offered by default (others may be recorded).
pub const SYSTEMS: [&str; 4] = [
    "居民会议制度",
    "居民代表会议制度",
    "居务公开制度",
    "民主理财制度",
];

/// W-2: no member of the residents' committee sits on the 民主理财小组. `members` are the
/// group's names, `committee` the elected residents' committee's; the error names each person.
pub fn check_finance_group(members: &[&str], committee: &[&str]) -> Result<(), String> {
    let on: Vec<&str> = members
        .iter()
        .copied()
        .filter(|m| committee.contains(m))
        .collect();
    if on.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}是居民委员会成员，不能担任民主理财小组成员",
            on.join("、")
        ))
    }
}

/// Names of a members field: split on `、`, `，`, `,`, `;`, `；`, spaces and new lines,
/// trimmed, empty ones and repeats left out, in order.
pub fn split_names(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in s.split(['、', '，', ',', ';', '；', ' ', '　', '\n', '\r', '\t']) {
        let n = n.trim();
        if !n.is_empty() && !out.iter().any(|o| o == n) {
            out.push(n.to_owned());
        }
    }
    out
}

/// W-3: a document's adoption vote — attending > 0, for + against ≤ attending, and adopted only
/// when more than half of those attending vote for. `Err` is the Chinese reason.
pub fn check_adoption(attending: i64, votes_for: i64, votes_against: i64) -> Result<(), String> {
    if attending <= 0 {
        return Err("到会人数应大于 0".into());
    }
    if votes_for < 0 || votes_against < 0 {
        return Err("票数不能为负数".into());
    }
    if votes_for + votes_against > attending {
        return Err(format!(
            "赞成 {votes_for} 票、反对 {votes_against} 票，合计超过到会人数 {attending} 人"
        ));
    }
    // The majority is the law's one fraction (`tally::law::MAJORITY`), as R-3's adoption uses.
    let needed = crate::domain::tally::law::MAJORITY.more_than(attending as u64) as i64;
    if votes_for < needed {
        return Err(format!(
            "赞成 {votes_for} 票，未超过到会人数 {attending} 人的半数（至少 {needed} 票），不能登记为通过"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, m, day).unwrap()
    }

    #[test]
    fn a_handover_on_the_tenth_day_after_formation_passes_with_its_numbers() {
        let k = check_handover(d(5, 23), d(6, 2)).unwrap();
        assert!(k.passed);
        assert_eq!(
            k.message,
            "新班子于 5月23日 产生，交接会于 6月2日 召开，第 10 日，不超过 10 日"
        );
        assert_eq!(k.numbers["days"], 10);
        assert_eq!(k.numbers["limit"], 10);
        let k = check_handover(d(5, 23), d(5, 30)).unwrap();
        assert!(k.message.contains("第 7 日，不超过 10 日"), "{}", k.message);
    }

    #[test]
    fn a_handover_on_the_eleventh_day_fails_naming_the_days() {
        let k = check_handover(d(5, 23), d(6, 3)).unwrap();
        assert!(!k.passed);
        assert!(k.message.contains("第 11 日，超过 10 日"), "{}", k.message);
        assert_eq!(k.numbers["formed_on"], "2027-05-23");
    }

    #[test]
    fn a_handover_before_formation_is_refused_and_on_the_day_itself_is_day_zero() {
        let e = check_handover(d(5, 23), d(5, 22)).unwrap_err();
        assert!(e.contains("不能早于新班子产生之日（5月23日）"), "{e}");
        assert!(check_handover(d(5, 23), d(5, 23)).unwrap().passed);
        assert_eq!(handover_deadline(d(5, 23)), d(6, 2));
    }

    #[test]
    fn the_checklist_needs_a_seal_and_both_ticks_on_every_item() {
        let t = |category, name, handed, received| Tick {
            category,
            name,
            handed,
            received,
        };
        assert_eq!(checklist_gaps(&[]), ["交接清单尚无任何项目"]);
        let gaps = checklist_gaps(&[
            t("archive", "文书档案", true, false),
            t("finance", "现金余额", false, false),
        ]);
        assert_eq!(
            gaps,
            [
                "交接清单至少应有一枚公章",
                "交出方尚未确认 1 / 2 项：现金余额",
                "接收方尚未确认 2 / 2 项：文书档案、现金余额"
            ]
        );
        assert!(checklist_gaps(&[t("seal", "居民委员会印章", true, true)]).is_empty());
    }

    #[test]
    fn a_residents_committee_member_is_refused_from_the_finance_group_by_name() {
        let e =
            check_finance_group(&["赵一", "周一", "郑三"], &["周一", "郑三", "冯五"]).unwrap_err();
        assert_eq!(e, "周一、郑三是居民委员会成员，不能担任民主理财小组成员");
        assert!(check_finance_group(&["赵一"], &["周一"]).is_ok());
    }

    #[test]
    fn names_split_on_chinese_and_latin_separators_without_repeats() {
        assert_eq!(
            split_names(" 张三、李四，王五 张三\n赵六;"),
            ["张三", "李四", "王五", "赵六"]
        );
    }

    #[test]
    fn a_document_is_adopted_only_by_more_than_half_of_those_attending() {
        assert!(check_adoption(40, 21, 19).is_ok());
        let e = check_adoption(40, 20, 0).unwrap_err();
        assert!(e.contains("未超过到会人数 40 人的半数"), "{e}");
        assert!(check_adoption(40, 30, 11).unwrap_err().contains("合计超过"));
        assert!(check_adoption(0, 0, 0).is_err());
    }

    #[test]
    fn categories_read_by_code_or_label_and_keep_the_lists_order() {
        assert_eq!(category("公章"), Some("seal"));
        assert_eq!(category("debt"), Some("debt"));
        assert_eq!(category("印章"), None);
        assert_eq!(category_label("asset"), "固定资产");
        assert!(category_rank("seal") < category_rank("material"));
    }
}
