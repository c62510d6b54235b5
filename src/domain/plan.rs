//! The street's work plan (SPEC §3, S-1.2): phases and steps with month/day from the seed's
//! template, applied to a campaign's year; and the date arithmetic of SPEC §9.

use chrono::NaiveDate;

/// One row of the plan template: code, phase, title, start (month, day), end (month, day).
pub type TemplateStep = (
    &'static str,
    &'static str,
    &'static str,
    (u32, u32),
    (u32, u32),
);

/// The template. Phase dates are the seed's (3/21–3/31, 4/1–5/20, 5/21–6/4); the seed aims to
/// finish the Party pipeline by the end of April, and the voter list is published at least 20
/// days before the residents' election day.
pub const TEMPLATE: &[TemplateStep] = &[
    ("S-1", "S-1", "选前准备阶段", (3, 21), (3, 31)),
    (
        "S-1.1",
        "S-1",
        "成立工作机构（领导小组及办公室）",
        (3, 21),
        (3, 23),
    ),
    ("S-1.2", "S-1", "制定工作方案", (3, 21), (3, 25)),
    ("S-1.3", "S-1", "动员部署与宣传", (3, 24), (3, 28)),
    ("S-1.4", "S-1", "集中培训选举工作人员", (3, 27), (3, 31)),
    ("S-2", "S-2", "正式选举阶段", (4, 1), (5, 20)),
    ("P-1", "S-2", "公开推荐", (4, 1), (4, 5)),
    ("P-2", "S-2", "资格审查及公示", (4, 6), (4, 10)),
    ("P-3", "S-2", "全额定向民主推荐", (4, 11), (4, 14)),
    ("P-4", "S-2", "确定初步人选并考察公示", (4, 15), (4, 20)),
    ("P-5", "S-2", "确定候选人预备人选并报批", (4, 21), (4, 24)),
    ("P-6", "S-2", "党员大会选举", (4, 25), (4, 28)),
    ("P-7", "S-2", "选举结果报批", (4, 28), (4, 30)),
    ("R-1", "S-2", "推选新一届居民代表", (4, 1), (4, 7)),
    ("R-2", "S-2", "推选居民选举委员会", (4, 8), (4, 12)),
    ("R-3", "S-2", "制定选举办法", (4, 13), (4, 17)),
    ("R-4", "S-2", "选民登记及公布选民名单", (4, 18), (4, 25)),
    ("R-5", "S-2", "候选人提名和确定", (4, 26), (5, 8)),
    ("R-6", "S-2", "宣传介绍候选人", (5, 9), (5, 14)),
    ("R-7", "S-2", "正式投票", (5, 15), (5, 16)),
    ("R-8", "S-2", "公布选举结果及备案", (5, 16), (5, 20)),
    ("S-3", "S-3", "总结完善阶段", (5, 21), (6, 4)),
    // Within 10 days after the new committees are formed (R-8 ends 5/20): 5/30 at the latest.
    ("W-1", "S-3", "新老班子交接", (5, 21), (5, 30)),
    ("W-2", "S-3", "健全组织体系", (5, 21), (6, 4)),
    (
        "W-3",
        "S-3",
        "完善自治章程、居民公约及制度",
        (5, 21),
        (6, 4),
    ),
    ("W-4", "S-3", "总结验收与归档", (5, 28), (6, 4)),
    (
        "D-1",
        "S-2",
        "换届纪律：承诺、集体谈话、违纪举报登记",
        (3, 21),
        (6, 4),
    ),
];

/// Formats a (month, day) pair as stored (`mm-dd`).
pub fn md(m: u32, d: u32) -> String {
    format!("{m:02}-{d:02}")
}

/// Applies a stored `mm-dd` to a year.
pub fn on_year(md: &str, year: i32) -> Option<NaiveDate> {
    let (m, d) = md.split_once('-')?;
    NaiveDate::from_ymd_opt(year, m.parse().ok()?, d.parse().ok()?)
}

/// Parses a `mm-dd` or `m/d` typed by a user into the stored form.
pub fn parse_md(s: &str) -> Option<String> {
    let t = s.trim().replace(['/', '月', '.'], "-").replace('日', "");
    let (m, d) = t.split_once('-')?;
    let (m, d): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
    // 2024 is a leap year, so 02-29 is accepted as a template day.
    NaiveDate::from_ymd_opt(2024, m, d).map(|_| md(m, d))
}

/// SPEC §9: a period from A to B lasts B − A + 1 calendar days.
pub fn period_days(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days() + 1
}

/// SPEC §9: "at least N days before D" means D − A ≥ N.
pub fn at_least_days_before(a: NaiveDate, d: NaiveDate, n: i64) -> bool {
    (d - a).num_days() >= n
}

/// SPEC §9: "within N days after D" means B − D ≤ N.
pub fn within_days_after(b: NaiveDate, d: NaiveDate, n: i64) -> bool {
    (b - d).num_days() <= n
}

/// SPEC §9 with the calendar: a period that ends on day B has run once today is after B. The
/// step that holds a 公示 or a notice closes only then.
pub fn period_ended(end: NaiveDate, today: NaiveDate) -> bool {
    today > end
}

/// Why a step cannot close while its period runs: `None` once [`period_ended`], else the
/// sentence with the dates (`what` names the period, e.g. "审查结果公示").
pub fn period_running(what: &str, end: NaiveDate, today: NaiveDate) -> Option<String> {
    if period_ended(end, today) {
        return None;
    }
    let next = end + chrono::Duration::days(1);
    Some(format!(
        "{what}至 {end} 结束，今天是 {today}，须公示期满（{next} 起）才能结束本步骤。"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_templates_handover_ends_within_ten_days_after_the_new_committees_are_formed() {
        let end_of = |code: &str| {
            let row = TEMPLATE.iter().find(|r| r.0 == code).unwrap();
            d(row.4.0, row.4.1)
        };
        let formed = end_of("P-7").max(end_of("R-8"));
        let handover = end_of("W-1");
        assert!(
            within_days_after(handover, formed, 10),
            "{handover} vs {formed}"
        );
        assert!(!within_days_after(
            handover + chrono::Duration::days(1),
            formed,
            10
        ));
    }

    #[test]
    fn a_period_has_not_ended_on_its_last_day_and_has_the_day_after() {
        let end = d(4, 20);
        assert!(!period_ended(end, d(4, 19)));
        assert!(!period_ended(end, end));
        assert!(period_ended(end, d(4, 21)));
        let msg = period_running("审查结果公示", end, end).unwrap();
        assert!(msg.contains("2027-04-20 结束"), "{msg}");
        assert!(msg.contains("2027-04-21 起"), "{msg}");
        assert_eq!(period_running("审查结果公示", end, d(4, 21)), None);
    }

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, m, day).unwrap()
    }

    #[test]
    fn a_three_day_publicity_runs_from_a_to_a_plus_two() {
        assert_eq!(period_days(d(4, 15), d(4, 17)), 3);
        assert_eq!(period_days(d(4, 15), d(4, 16)), 2);
    }

    #[test]
    fn twenty_days_before_counts_the_difference_of_the_dates() {
        assert!(at_least_days_before(d(4, 25), d(5, 15), 20));
        assert!(!at_least_days_before(d(4, 26), d(5, 15), 20));
    }

    #[test]
    fn within_ten_days_after_allows_the_tenth_day() {
        assert!(within_days_after(d(5, 26), d(5, 16), 10));
        assert!(!within_days_after(d(5, 27), d(5, 16), 10));
    }

    #[test]
    fn the_template_keeps_month_and_day_and_takes_the_campaign_year() {
        let s2 = TEMPLATE.iter().find(|s| s.0 == "S-2").unwrap();
        assert_eq!(on_year(&md(s2.3.0, s2.3.1), 2027), Some(d(4, 1)));
        assert_eq!(parse_md("4/1").as_deref(), Some("04-01"));
        assert_eq!(parse_md("13-01"), None);
    }

    #[test]
    fn the_voter_list_step_ends_at_least_twenty_days_before_the_vote() {
        let r4 = TEMPLATE.iter().find(|s| s.0 == "R-4").unwrap();
        let r7 = TEMPLATE.iter().find(|s| s.0 == "R-7").unwrap();
        assert!(at_least_days_before(
            d(r4.4.0, r4.4.1),
            d(r7.3.0, r7.3.1),
            20
        ));
    }
}
