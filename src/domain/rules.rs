//! C-7: the record of a rule check — pass or fail, the numbers, the rule's source — and its
//! override (who, when, why). Every check of every step is one of these; the thresholds of
//! C-3 and C-4 live here, in one place.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::person::{EDUCATION, education_rank};

/// One rule applied to one thing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleCheck {
    /// Stable rule id, e.g. `C-3.age`.
    pub rule: String,
    /// Whether the rule holds.
    pub passed: bool,
    /// The numbers the decision used (by name), for display and re-checking by hand.
    pub numbers: BTreeMap<String, Value>,
    /// Where the rule comes from (statute, the street's plan).
    pub source: String,
    /// One Chinese sentence saying what was checked and the outcome.
    pub message: String,
}

/// An authorised override of a failed check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Override {
    /// User id of the 街道工作组 member who overrode.
    pub by: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Why (required, non-empty).
    pub reason: String,
    /// The honour relied on, where the rule names one (C-3's 55 limit).
    pub honour: Option<String>,
}

/// A check with its override, as stored with the thing it checked.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckRecord {
    /// The check.
    pub check: RuleCheck,
    /// The override, if any.
    pub override_: Option<Override>,
    /// The reason of an override that lapsed when the check's outcome changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lapsed: Option<String>,
}

/// The sentence shown for an override that lapsed when its check's outcome changed.
pub fn lapsed_text(reason: &str) -> String {
    format!("街道工作组此前的批准放宽（{reason}）因检查结果变化已失效，须重新审核。")
}

impl CheckRecord {
    /// True when the check passed or a failure was overridden: the step may go on.
    pub fn satisfied(&self) -> bool {
        self.check.passed || self.override_.is_some()
    }
}

impl RuleCheck {
    /// Builds a check from its parts.
    pub fn new(
        rule: &str,
        passed: bool,
        source: &str,
        message: String,
        numbers: &[(&str, Value)],
    ) -> RuleCheck {
        RuleCheck {
            rule: rule.into(),
            passed,
            numbers: numbers
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
            source: source.into(),
            message,
        }
    }
}

/// C-3 age limits in completed years: leading posts (书记, 主任), other members, new entrants.
pub const AGE_LIMIT_LEADER: i32 = 55;
/// C-3: other members.
pub const AGE_LIMIT_MEMBER: i32 = 50;
/// C-3: new entrants (not incumbent members).
pub const AGE_LIMIT_NEW: i32 = 40;
/// C-4: minimum education rank for members (高中/中专).
pub const EDU_MIN_MEMBER: usize = 2;
/// C-4: minimum education rank for new entrants (大专).
pub const EDU_MIN_NEW: usize = 3;
/// Source of C-3/C-4.
pub const SOURCE_QUALIFICATION: &str = "街道社区“两委”换届选举工作安排方案（任职条件）";

/// Age in completed years (周岁) on `at`.
pub fn age_on(birth: NaiveDate, at: NaiveDate) -> i32 {
    let mut age = at.year() - birth.year();
    if (at.month(), at.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

/// C-3: the age check for a candidate for `post`.
pub fn check_age(post: &str, incumbent: bool, birth: NaiveDate, reference: NaiveDate) -> RuleCheck {
    let age = age_on(birth, reference);
    let leader = matches!(post, "书记" | "主任");
    let base = if leader {
        AGE_LIMIT_LEADER
    } else {
        AGE_LIMIT_MEMBER
    };
    let limit = if incumbent {
        base
    } else {
        base.min(AGE_LIMIT_NEW)
    };
    let who = if incumbent {
        "连任人选"
    } else {
        "新进人选"
    };
    let passed = age <= limit;
    let message = format!(
        "年龄：{reference} 时 {age} 周岁，{who}任{post}的上限为 {limit} 周岁，{}",
        if passed { "符合" } else { "超出" }
    );
    RuleCheck::new(
        "C-3.age",
        passed,
        SOURCE_QUALIFICATION,
        message,
        &[
            ("age", age.into()),
            ("limit", limit.into()),
            ("incumbent", incumbent.into()),
            ("reference_date", reference.to_string().into()),
        ],
    )
}

/// C-4: the education check.
pub fn check_education(incumbent: bool, education: Option<&str>) -> RuleCheck {
    let min = if incumbent {
        EDU_MIN_MEMBER
    } else {
        EDU_MIN_NEW
    };
    let rank = education.and_then(education_rank);
    let passed = rank.is_some_and(|r| r >= min);
    let shown = education.unwrap_or("未填");
    let message = format!(
        "文化程度：{shown}，{}要求{}及以上，{}",
        if incumbent {
            "连任人选"
        } else {
            "新进人选"
        },
        EDUCATION[min],
        if passed { "符合" } else { "不符合" }
    );
    RuleCheck::new(
        "C-4.education",
        passed,
        SOURCE_QUALIFICATION,
        message,
        &[
            ("education", shown.into()),
            ("required", EDUCATION[min].into()),
        ],
    )
}

/// C-3 and C-4 for a candidate for `post` (书记/主任 the leading posts): the age check (failed
/// when the birth date is unknown) and the education check, as the Party's and the residents'
/// qualification reviews both store them.
pub fn check_qualification(
    post: &str,
    incumbent: bool,
    birth: Option<NaiveDate>,
    education: Option<&str>,
    reference: NaiveDate,
) -> Vec<RuleCheck> {
    let age = match birth {
        Some(b) => check_age(post, incumbent, b, reference),
        None => RuleCheck::new(
            "C-3.age",
            false,
            SOURCE_QUALIFICATION,
            "年龄：出生日期未填，无法核对".into(),
            &[("reference_date", reference.to_string().into())],
        ),
    };
    vec![age, check_education(incumbent, education)]
}

/// The Chinese name of a check's number, for pages and documents; an unknown key is shown as
/// it is. Keys are those the rule functions of `crate::domain` store.
pub fn number_label(key: &str) -> &str {
    match key {
        "against" => "反对票",
        "age" => "年龄（周岁）",
        "allowed" => "允许",
        "approved" => "已批准",
        "attending" => "到会人数",
        "backers" => "联名人数",
        "basis" => "登记依据",
        "candidates" => "候选人数",
        "chairs" => "主任人数",
        "channel" => "推荐渠道",
        "chars" => "字数",
        "count" => "人数",
        "days" => "天数",
        "deputies" => "副书记人选",
        "deputy_seats" => "副书记职数",
        "director" => "主任",
        "due" => "应到人数",
        "earlier" => "已登记",
        "education" => "文化程度",
        "elected_members" => "当选委员人数",
        "election_day" => "选举日",
        "electorate" => "选民人数",
        "end" => "结束日期",
        "for" => "赞成票",
        "formed_on" => "新班子产生日期",
        "gender" => "性别",
        "expected" => "应为",
        "group" => "居民小组",
        "held_on" => "交接会日期",
        "incumbent" => "现任",
        "kind" => "组织类型",
        "limit" => "上限",
        "listed" => "名单人数",
        "lives_in_community" => "居住在本社区",
        "margin" => "差额人数",
        "margin_percent" => "差额比例（%）",
        "max" => "最多",
        "members" => "委员人数",
        "min" => "最少",
        "min_days" => "最少天数",
        "min_percent" => "最低比例（%）",
        "missing" => "不在名单中",
        "near_relative" => "近亲属",
        "needed" => "至少须到",
        "not_elected" => "未当选委员",
        "on" => "日期",
        "part_time" => "兼职委员",
        "party_org" => "组织关系",
        "passed" => "通过",
        "percent" => "比例（%）",
        "person_id" => "人员编号",
        "post" => "职务",
        "posts" => "职务",
        "present" => "实到人数",
        "principal_id" => "委托人编号",
        "principals_held" => "已受托人数",
        "proxy_id" => "受托人编号",
        "published" => "公布日期",
        "quorum" => "至少须到会",
        "reference_date" => "基准日",
        "representatives" => "居民代表人数",
        "registered" => "已登记",
        "required" => "须达到",
        "rights_removed" => "被剥夺政治权利",
        "rule" => "规则",
        "scrutineers" => "监票人数",
        "seats" => "职数",
        "secretaries" => "书记人选",
        "secretary" => "书记人选",
        "secretary_seats" => "书记职数",
        "share" => "代表人数",
        "start" => "开始日期",
        "status" => "党员身份",
        "total" => "合计",
        "uncontested_allowed" => "允许等额",
        "voter_id" => "选民编号",
        "voting_age" => "选举年龄",
        other => other,
    }
}

/// The Chinese words for the code values a check's numbers may hold (an organisation type, a
/// comparison, a post); other text is shown as it is.
pub fn value_label(value: &str) -> &str {
    match value {
        "zongzhi" => "党总支",
        "zhibu" => "党支部",
        "gt" => "超过半数",
        "ge" => "达到半数",
        "director" => "主任",
        "deputy" => "副主任",
        "member" => "委员",
        "secretary" => "书记",
        "deputy_secretary" => "副书记",
        "hukou" => "户籍",
        "residence" => "居住",
        other => other,
    }
}

/// A check's numbers in words: `名称：值`, joined with "；" (yes/no as 是/否, lists with "、",
/// code values in Chinese). A number without a Chinese name is left out rather than shown
/// under its internal key.
pub fn numbers_text(numbers: &BTreeMap<String, Value>) -> String {
    numbers
        .iter()
        .filter(|(k, _)| number_label(k) != k.as_str())
        .map(|(k, v)| {
            let value = match v {
                Value::String(s) => value_label(s).to_string(),
                Value::Bool(true) => "是".into(),
                Value::Bool(false) => "否".into(),
                Value::Array(a) if a.is_empty() => "无".into(),
                Value::Array(a) => a
                    .iter()
                    .map(|x| {
                        x.as_str()
                            .map_or_else(|| x.to_string(), |s| value_label(s).to_string())
                    })
                    .collect::<Vec<_>>()
                    .join("、"),
                other => other.to_string(),
            };
            format!("{}：{value}", number_label(k))
        })
        .collect::<Vec<_>>()
        .join("；")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_chinese_words_without_internal_keys_or_codes() {
        let numbers: BTreeMap<String, Value> = [
            ("kind".to_string(), Value::from("zongzhi")),
            ("rule".to_string(), Value::from("gt")),
            ("incumbent".to_string(), Value::from(false)),
            ("posts".to_string(), Value::from(vec!["director", "member"])),
            ("internal_only".to_string(), Value::from(3)),
        ]
        .into_iter()
        .collect();
        let text = numbers_text(&numbers);
        assert_eq!(
            text,
            "现任：否；组织类型：党总支；职务：主任、委员；规则：超过半数"
        );
        assert!(!text.contains('=') && !text.contains("internal"));
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn qualification_applies_the_directors_the_others_and_the_new_entrants_limits() {
        let on = d(2027, 4, 1);
        let age = |post, incumbent, birth| {
            check_qualification(post, incumbent, Some(birth), Some("大专"), on)[0].clone()
        };
        assert!(
            age("主任", true, d(1972, 4, 1)).passed,
            "55 for an incumbent 主任"
        );
        assert!(!age("主任", true, d(1971, 4, 1)).passed, "56");
        assert!(
            age("委员", true, d(1977, 4, 1)).passed,
            "50 for an incumbent 委员"
        );
        assert!(!age("委员", true, d(1976, 4, 1)).passed, "51");
        let new = age("主任", false, d(1986, 3, 31));
        assert!(
            !new.passed && new.numbers["limit"] == 40,
            "41 for a new entrant"
        );
        assert!(age("副主任", false, d(1987, 4, 1)).passed);
        let unknown = check_qualification("委员", false, None, None, on);
        assert!(!unknown[0].passed && unknown[0].message.contains("出生日期未填"));
        assert!(!unknown[1].passed && unknown[1].message.contains("要求大专及以上"));
    }

    #[test]
    fn age_counts_completed_years_turning_on_the_birthday() {
        assert_eq!(age_on(d(1971, 4, 1), d(2026, 4, 1)), 55);
        assert_eq!(age_on(d(1971, 4, 2), d(2026, 4, 1)), 54);
    }

    #[test]
    fn an_incumbent_secretary_of_exactly_55_passes_and_one_day_older_fails() {
        assert!(check_age("书记", true, d(1971, 4, 1), d(2026, 4, 1)).passed);
        let c = check_age("书记", true, d(1970, 3, 31), d(2026, 4, 1));
        assert!(!c.passed);
        assert_eq!(c.numbers["age"], 56);
        assert_eq!(c.numbers["limit"], 55);
    }

    #[test]
    fn a_new_entrant_is_held_to_40_even_for_a_leading_post() {
        assert!(check_age("主任", false, d(1986, 4, 1), d(2026, 4, 1)).passed);
        assert!(!check_age("主任", false, d(1985, 4, 1), d(2026, 4, 1)).passed);
    }

    #[test]
    fn a_member_over_50_fails() {
        assert!(check_age("委员", true, d(1976, 4, 1), d(2026, 4, 1)).passed);
        assert!(!check_age("委员", true, d(1975, 4, 1), d(2026, 4, 1)).passed);
    }

    #[test]
    fn new_entrants_need_college_and_members_high_school() {
        assert!(check_education(true, Some("高中/中专")).passed);
        assert!(!check_education(false, Some("高中/中专")).passed);
        assert!(check_education(false, Some("大专")).passed);
        assert!(!check_education(true, Some("初中")).passed);
        assert!(!check_education(true, None).passed);
    }

    #[test]
    fn an_override_satisfies_a_failed_check() {
        let check = check_education(true, Some("初中"));
        let mut rec = CheckRecord {
            check,
            override_: None,
            lapsed: None,
        };
        assert!(!rec.satisfied());
        rec.override_ = Some(Override {
            by: 1,
            at: Utc::now(),
            reason: "经街道批准".into(),
            honour: None,
        });
        assert!(rec.satisfied());
    }

    #[test]
    fn numbers_are_shown_with_chinese_names_and_values() {
        let c = RuleCheck::new(
            "P-4.size",
            false,
            "test",
            "x".into(),
            &[
                ("seats", 7.into()),
                ("missing", serde_json::json!(["张三", "李四"])),
                ("approved", false.into()),
                ("odd_key", 1.into()),
            ],
        );
        assert_eq!(
            numbers_text(&c.numbers),
            "已批准：否；不在名单中：张三、李四；职数：7"
        );
    }
}
