//! The dashboard's matrix (S-4), pure: one row per community, one cell per step of its two
//! pipelines and the wrap-up. A cell's state comes from the campaign's progress (the procedure
//! table's order and the street's early openings) and the plan's dates; its explanation lists
//! what it waits for or what must still hold, with the figures found. No I/O.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::procedure::{self, Pipeline, Step};
use crate::steps::{Progress, StepState};

/// The columns: every step of the Party and residents' pipelines and the wrap-up, in the
/// table's order.
pub fn columns() -> Vec<&'static Step> {
    procedure::STEPS
        .iter()
        .filter(|s| {
            matches!(
                s.pipeline,
                Pipeline::Party | Pipeline::Residents | Pipeline::WrapUp
            )
        })
        .collect()
}

/// A cell's state, as the dashboard colours it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CellState {
    /// Its predecessors are open and its planned start is still ahead.
    NotStarted,
    /// Writable.
    Open,
    /// Its planned start has come but a step it waits for is still open.
    Blocked,
    /// Closed.
    Done,
    /// Opened by the street before its predecessors closed (with a reason).
    Overridden,
}

impl CellState {
    /// The Chinese label.
    pub const fn zh(self) -> &'static str {
        match self {
            CellState::NotStarted => "未开始",
            CellState::Open => "进行中",
            CellState::Blocked => "受阻",
            CellState::Done => "已完成",
            CellState::Overridden => "提前开启",
        }
    }

    /// The CSS class (and the export's colour key).
    pub const fn class(self) -> &'static str {
        match self {
            CellState::NotStarted => "c-wait",
            CellState::Open => "c-open",
            CellState::Blocked => "c-blocked",
            CellState::Done => "c-done",
            CellState::Overridden => "c-early",
        }
    }

    /// Every state, in the legend's order.
    pub const ALL: [CellState; 5] = [
        CellState::NotStarted,
        CellState::Open,
        CellState::Blocked,
        CellState::Overridden,
        CellState::Done,
    ];
}

/// A campaign step's planned window.
#[derive(Clone, Copy, Debug)]
pub struct Window {
    /// Planned start.
    pub start: NaiveDate,
    /// Planned end.
    pub end: NaiveDate,
}

/// A step's deadline set by a rule rather than the plan (W-1: ten days after the new
/// committees were formed).
#[derive(Clone, Debug)]
pub struct Deadline {
    /// The last day.
    pub due: NaiveDate,
    /// Where it comes from, as a sentence (`新班子于 5月23日 产生，交接会须在 10 日内召开`).
    pub why: String,
}

/// One cell.
#[derive(Clone, Debug, Serialize)]
pub struct Cell {
    /// The step's code.
    pub code: &'static str,
    /// Its state.
    pub state: CellState,
    /// The Chinese label of the state.
    pub label: &'static str,
    /// When it closed (China Standard Time date).
    pub closed_on: Option<NaiveDate>,
    /// Not closed and its planned end (or its rule's deadline) has passed.
    pub overdue: bool,
    /// Planned end, or the rule's deadline when that is earlier.
    pub due: Option<NaiveDate>,
    /// Why it stands where it stands: what it waits for, or what must still hold, with figures.
    pub why: Vec<String>,
    /// The step's page (empty while it has none).
    pub href: String,
}

impl Cell {
    /// The short text inside the cell: the closing day, or the state.
    pub fn short(&self) -> String {
        match self.closed_on {
            Some(d) => d.format("%-m/%-d").to_string(),
            None => self.label.to_owned(),
        }
    }

    /// The explanation as one text (a tooltip, a spreadsheet comment).
    pub fn why_text(&self) -> String {
        self.why.join("\n")
    }
}

/// The inputs of one community's row.
pub struct RowInput<'a> {
    /// The campaign's progress.
    pub progress: &'a Progress,
    /// Planned windows by step code.
    pub windows: &'a HashMap<String, Window>,
    /// Figures found per step code (`已有推荐 12 项`), for the explanations.
    pub figures: &'a HashMap<&'static str, Vec<String>>,
    /// Deadlines set by a rule, by step code (W-1's ten days).
    pub deadlines: &'a HashMap<&'static str, Deadline>,
    /// Today (China Standard Time).
    pub today: NaiveDate,
    /// The step pages' address (`code` → href).
    pub href: &'a dyn Fn(&str) -> String,
}

/// What must still hold to close `step`: its close conditions and the figures found.
fn conditions(step: &Step, figures: &HashMap<&'static str, Vec<String>>) -> Vec<String> {
    let mut out: Vec<String> = step
        .close
        .iter()
        .map(|c| format!("完成条件：{}", c.zh))
        .collect();
    if let Some(f) = figures.get(step.code) {
        out.extend(f.iter().map(|x| format!("目前：{x}")));
    }
    out
}

/// The cell of `step` for one community.
pub fn cell(step: &'static Step, input: &RowInput) -> Cell {
    let p = input.progress;
    let window = input.windows.get(step.code).copied();
    let closed_at = p.closed_at(step.code);
    let state = match p.state(step.code) {
        StepState::Closed => CellState::Done,
        StepState::Open if p.opened_early(step.code).is_some() => CellState::Overridden,
        StepState::Open => CellState::Open,
        StepState::Waiting => match window {
            Some(w) if w.start <= input.today => CellState::Blocked,
            _ => CellState::NotStarted,
        },
    };
    let mut why = Vec::new();
    match state {
        CellState::Done => {
            if let Some(at) = closed_at {
                why.push(format!("已于 {} 完成", crate::clock::beijing_date(at)));
            }
        }
        CellState::Blocked | CellState::NotStarted => {
            for w in p.waiting_for(step.code) {
                why.push(format!(
                    "等待 {} {}（{}）",
                    w.code,
                    w.name,
                    p.state(w.code).zh()
                ));
                why.extend(
                    conditions(w, input.figures)
                        .into_iter()
                        .map(|c| format!("　{c}")),
                );
            }
        }
        CellState::Open | CellState::Overridden => {
            if let Some(reason) = p.opened_early(step.code) {
                why.push(format!("街道工作组提前开启：{reason}"));
            }
            why.extend(conditions(step, input.figures));
        }
    }
    let deadline = input.deadlines.get(step.code);
    let late_plan = closed_at.is_none() && window.is_some_and(|w| w.end < input.today);
    let late_rule = closed_at.is_none() && deadline.is_some_and(|d| d.due < input.today);
    if let (true, Some(w)) = (late_plan, window) {
        why.push(format!("计划于 {} 前完成，已逾期", w.end));
    }
    if let (true, Some(d)) = (late_rule, deadline) {
        why.push(format!("{}，应于 {} 前完成，已逾期", d.why, d.due));
    }
    let overdue = late_plan || late_rule;
    let due = match (window.map(|w| w.end), deadline.map(|d| d.due)) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    Cell {
        code: step.code,
        state,
        label: state.zh(),
        closed_on: closed_at.map(crate::clock::beijing_date),
        overdue,
        due,
        why,
        href: (input.href)(step.code),
    }
}

/// Every cell of one community's row, in [`columns`]' order.
pub fn row(input: &RowInput) -> Vec<Cell> {
    columns().into_iter().map(|s| cell(s, input)).collect()
}

/// The phase the plan places `today` in: the first phase whose window holds it, else before the
/// first (`None`, with the first phase's start) or after the last.
pub fn phase_of(phases: &[(String, String, Window)], today: NaiveDate) -> String {
    if let Some((_, title, _)) = phases
        .iter()
        .find(|(_, _, w)| w.start <= today && today <= w.end)
    {
        return title.clone();
    }
    match phases.first() {
        Some((_, title, w)) if today < w.start => {
            format!("{title}尚未开始（{} 开始）", w.start)
        }
        Some(_) => "各阶段均已到期".to_owned(),
        None => "尚无工作方案".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{DateTime, Utc};

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2027, m, day).unwrap()
    }

    fn windows() -> HashMap<String, Window> {
        crate::domain::plan::TEMPLATE
            .iter()
            .map(|(code, _, _, s, e)| {
                (
                    code.to_string(),
                    Window {
                        start: d(s.0, s.1),
                        end: d(e.0, e.1),
                    },
                )
            })
            .collect()
    }

    fn at(m: u32, day: u32) -> DateTime<Utc> {
        d(m, day).and_hms_opt(4, 0, 0).unwrap().and_utc()
    }

    fn cells(done: &[&str], early: &[&str], today: NaiveDate) -> HashMap<&'static str, Cell> {
        cells_with(done, early, today, &HashMap::new())
    }

    fn cells_with(
        done: &[&str],
        early: &[&str],
        today: NaiveDate,
        deadlines: &HashMap<&'static str, Deadline>,
    ) -> HashMap<&'static str, Cell> {
        let p = Progress::from_rows(
            done.iter().map(|c| (c.to_string(), at(4, 3))),
            early.iter().map(|c| (c.to_string(), "人手紧".to_string())),
        );
        let w = windows();
        let mut figures = HashMap::new();
        figures.insert("P-1", vec!["已有推荐 0 项".to_string()]);
        let href = |c: &str| format!("/step/{c}");
        let input = RowInput {
            progress: &p,
            windows: &w,
            figures: &figures,
            deadlines,
            today,
            href: &href,
        };
        row(&input).into_iter().map(|c| (c.code, c)).collect()
    }

    #[test]
    fn the_matrix_has_a_column_for_every_pipeline_and_wrap_up_step_and_none_for_the_street() {
        let codes: Vec<&str> = columns().iter().map(|s| s.code).collect();
        assert_eq!(codes.first(), Some(&"P-1"));
        assert_eq!(codes.last(), Some(&"W-4"));
        assert_eq!(codes.len(), 7 + 8 + 4);
        assert!(!codes.iter().any(|c| c.starts_with("S-") || *c == "D-1"));
    }

    #[test]
    fn a_waiting_step_is_not_started_before_its_window_and_blocked_once_it_has_begun() {
        let before = cells(&[], &[], d(4, 5));
        assert_eq!(before["P-2"].state, CellState::NotStarted);
        let on_start = cells(&[], &[], d(4, 6));
        let p2 = &on_start["P-2"];
        assert_eq!(p2.state, CellState::Blocked);
        assert!(
            p2.why[0].starts_with("等待 P-1 公开推荐（进行中）"),
            "{:?}",
            p2.why
        );
        assert!(
            p2.why.iter().any(|w| w.contains("目前：已有推荐 0 项")),
            "{:?}",
            p2.why
        );
    }

    #[test]
    fn overdue_is_the_day_after_the_planned_end_and_never_for_a_closed_step() {
        assert!(!cells(&[], &[], d(4, 5))["P-1"].overdue);
        let late = cells(&[], &[], d(4, 6));
        assert!(late["P-1"].overdue);
        assert!(
            late["P-1"]
                .why
                .last()
                .unwrap()
                .contains("2027-04-05 前完成，已逾期")
        );
        let done = cells(&["P-1"], &[], d(4, 6));
        assert!(!done["P-1"].overdue);
        assert_eq!(done["P-1"].state, CellState::Done);
        assert_eq!(done["P-1"].short(), "4/3");
    }

    #[test]
    fn a_rule_deadline_makes_a_step_overdue_the_day_after_it_before_the_planned_end() {
        let mut deadlines = HashMap::new();
        deadlines.insert(
            "W-1",
            Deadline {
                due: d(5, 20),
                why: "新班子于 5月10日 产生，交接会须在 10 日内召开".into(),
            },
        );
        let done = ["P-1", "P-2", "P-3", "P-4", "P-5", "P-6", "P-7"];
        let mut all: Vec<&str> = done.to_vec();
        all.extend(["R-1", "R-2", "R-3", "R-4", "R-5", "R-6", "R-7", "R-8"]);
        let on_day = cells_with(&all, &[], d(5, 20), &deadlines);
        assert!(!on_day["W-1"].overdue);
        assert_eq!(on_day["W-1"].due, Some(d(5, 20)));
        let after = cells_with(&all, &[], d(5, 21), &deadlines);
        let w1 = &after["W-1"];
        assert!(w1.overdue, "{:?}", w1.why);
        assert!(
            w1.why
                .last()
                .unwrap()
                .contains("应于 2027-05-20 前完成，已逾期"),
            "{:?}",
            w1.why
        );
        assert!(!after["W-2"].overdue, "the plan's window is still open");
        let mut closed = all.clone();
        closed.push("W-1");
        assert!(!cells_with(&closed, &[], d(5, 21), &deadlines)["W-1"].overdue);
    }

    #[test]
    fn a_step_the_street_opened_early_shows_the_reason_and_its_conditions() {
        let c = cells(&[], &["P-2"], d(4, 6));
        assert_eq!(c["P-2"].state, CellState::Overridden);
        assert_eq!(c["P-2"].why[0], "街道工作组提前开启：人手紧");
        assert!(
            c["P-2"]
                .why
                .iter()
                .any(|w| w.contains("每名被推荐人均有审查结论"))
        );
        assert_eq!(c["P-2"].href, "/step/P-2");
    }

    #[test]
    fn the_phase_is_the_one_whose_window_holds_today() {
        let w = windows();
        let phases: Vec<(String, String, Window)> = ["S-1", "S-2", "S-3"]
            .iter()
            .map(|c| (c.to_string(), format!("阶段{c}"), w[*c]))
            .collect();
        assert_eq!(phase_of(&phases, d(3, 31)), "阶段S-1");
        assert_eq!(phase_of(&phases, d(4, 1)), "阶段S-2");
        assert_eq!(
            phase_of(&phases, d(3, 20)),
            "阶段S-1尚未开始（2027-03-21 开始）"
        );
        assert_eq!(phase_of(&phases, d(6, 5)), "各阶段均已到期");
    }
}
