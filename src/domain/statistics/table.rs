//! The 统计报表's tables: one row per community and the street's total row, each column of a
//! kind that says how its total is made (a sum, a share of two other columns' totals, an
//! average weighted by another column, the largest, a count of 是). The page, the JSON and the
//! workbook all show these tables; the workbook writes the totals as formulas of the same
//! kinds, so [`Table::total`] is what a spreadsheet computes. Pure: no I/O.

use serde::Serialize;

use super::{
    AGE_BANDS, CommunityStats, EDUCATION_BANDS, Makeup, PARTY_POSTS, RESIDENTS_POSTS, percent,
};

/// How a column's total is made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Kind {
    /// The community's name; the total row says 合计.
    Label,
    /// Text (the voting mode); no total.
    Text,
    /// A count: the total is the sum.
    Count,
    /// A share in percent of column `num` over column `den`, per row and in total.
    Percent {
        /// The part's column.
        num: usize,
        /// The whole's column.
        den: usize,
    },
    /// An average weighted by column `weight`.
    Average {
        /// The weight's column.
        weight: usize,
    },
    /// The total is the largest value.
    Max,
    /// 是 or 否: the total counts the 是.
    Flag,
}

/// One cell.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A number (a percent column holds percent, 0–100).
    Num(f64),
    /// Nothing recorded (the step has not closed).
    Empty,
}

impl Cell {
    fn num(&self) -> f64 {
        match self {
            Cell::Num(n) => *n,
            _ => 0.0,
        }
    }

    /// The cell as a page shows it: counts whole, averages and percents with one decimal.
    pub fn show(&self, kind: Kind) -> String {
        match (self, kind) {
            (Cell::Text(t), _) => t.clone(),
            (Cell::Empty, _) => "—".into(),
            (Cell::Num(n), Kind::Percent { .. }) => format!("{n:.1}%"),
            (Cell::Num(n), Kind::Average { .. }) => format!("{n:.1}"),
            (Cell::Num(n), _) => format!("{n:.0}"),
        }
    }
}

/// One column.
#[derive(Clone, Debug, Serialize)]
pub struct Column {
    /// The header (Chinese).
    pub header: String,
    /// How its total is made.
    #[serde(flatten)]
    pub kind: Kind,
}

/// One table of the report.
#[derive(Clone, Debug, Serialize)]
pub struct Table {
    /// The sheet's name.
    pub name: &'static str,
    /// The columns, the community's name first.
    pub columns: Vec<Column>,
    /// One row per community.
    pub rows: Vec<Vec<Cell>>,
    /// The street's total row, as [`Table::total`] computes it.
    pub total: Vec<Cell>,
}

impl Table {
    fn new(name: &'static str, columns: Vec<Column>, rows: Vec<Vec<Cell>>) -> Table {
        let mut t = Table {
            name,
            columns,
            rows,
            total: Vec::new(),
        };
        t.total = t.total();
        t
    }

    /// The total row: each column's total by its kind, from the rows' cells.
    pub fn total(&self) -> Vec<Cell> {
        let sum = |i: usize| self.rows.iter().map(|r| r[i].num()).sum::<f64>();
        self.columns
            .iter()
            .enumerate()
            .map(|(i, c)| match c.kind {
                Kind::Label => Cell::Text("合计".into()),
                Kind::Text => Cell::Text(String::new()),
                Kind::Count => Cell::Num(sum(i)),
                Kind::Percent { num, den } => {
                    let d = sum(den);
                    if d == 0.0 {
                        Cell::Empty
                    } else {
                        Cell::Num(sum(num) * 100.0 / d)
                    }
                }
                Kind::Average { weight } => {
                    let w = sum(weight);
                    if w == 0.0 {
                        Cell::Empty
                    } else {
                        let p: f64 = self.rows.iter().map(|r| r[i].num() * r[weight].num()).sum();
                        Cell::Num(p / w)
                    }
                }
                Kind::Max => Cell::Num(self.rows.iter().map(|r| r[i].num()).fold(0.0, f64::max)),
                Kind::Flag => Cell::Num(
                    self.rows
                        .iter()
                        .filter(|r| r[i] == Cell::Text("是".into()))
                        .count() as f64,
                ),
            })
            .collect()
    }
}

fn col(header: impl Into<String>, kind: Kind) -> Column {
    Column {
        header: header.into(),
        kind,
    }
}

fn n(v: u32) -> Cell {
    Cell::Num(f64::from(v))
}

fn pct(part: u32, whole: u32) -> Cell {
    percent(part, whole).map_or(Cell::Empty, |_| {
        Cell::Num(f64::from(part) * 100.0 / f64::from(whole))
    })
}

/// Every table of the report, in the workbook's order.
pub fn tables(stats: &[CommunityStats], channels: &[&str]) -> Vec<Table> {
    vec![
        residents_vote(stats),
        party_vote(stats, channels),
        makeup(
            "新一届党组织委员会",
            stats,
            &PARTY_POSTS,
            false,
            true,
            |s| &s.party,
        ),
        makeup(
            "新一届居民委员会",
            stats,
            &RESIDENTS_POSTS,
            true,
            true,
            |s| &s.residents,
        ),
        leadership(stats),
        makeup(
            "上一届党组织委员会",
            stats,
            &PARTY_POSTS,
            false,
            false,
            |s| &s.old_party,
        ),
        makeup(
            "上一届居民委员会",
            stats,
            &RESIDENTS_POSTS,
            true,
            false,
            |s| &s.old_residents,
        ),
    ]
}

fn residents_vote(stats: &[CommunityStats]) -> Table {
    let mut columns = vec![
        col("社区", Kind::Label),
        col("选举方式", Kind::Text),
        col("登记选民", Kind::Count),
        col("参加投票", Kind::Count),
        col("其中现场投票", Kind::Count),
        col("委托投票", Kind::Count),
        col("流动票箱投票", Kind::Count),
        col("参选率", Kind::Percent { num: 3, den: 2 }),
        col("正式候选人", Kind::Count),
    ];
    for p in RESIDENTS_POSTS {
        columns.push(col(format!("当选{p}"), Kind::Count));
    }
    columns.push(col("当选合计", Kind::Count));
    columns.push(col("投票轮次", Kind::Max));
    let rows = stats
        .iter()
        .map(|s| {
            let mut r = vec![Cell::Text(s.name.clone())];
            match &s.residents_vote {
                None => r.extend(std::iter::repeat_n(Cell::Empty, columns.len() - 1)),
                Some(v) => {
                    r.push(Cell::Text(v.mode.clone()));
                    r.extend([
                        n(v.registered),
                        n(v.took_part()),
                        n(v.in_person),
                        n(v.by_proxy),
                        n(v.mobile),
                        pct(v.took_part(), v.registered),
                        n(v.candidates),
                    ]);
                    for p in RESIDENTS_POSTS {
                        let k = v.elected.iter().find(|(q, _)| q == p).map_or(0, |x| x.1);
                        r.push(n(k));
                    }
                    r.push(n(v.elected_total()));
                    r.push(n(v.rounds));
                }
            }
            r
        })
        .collect();
    Table::new("居委会选举", columns, rows)
}

fn party_vote(stats: &[CommunityStats], channels: &[&str]) -> Table {
    let mut columns = vec![
        col("社区", Kind::Label),
        col("应到党员", Kind::Count),
        col("实到党员", Kind::Count),
        col("到会率", Kind::Percent { num: 2, den: 1 }),
    ];
    for c in channels {
        columns.push(col(format!("{c}人数"), Kind::Count));
    }
    columns.push(col("被推荐人合计", Kind::Count));
    columns.push(col("民主推荐参加人数", Kind::Count));
    let rows = stats
        .iter()
        .map(|s| {
            let mut r = vec![Cell::Text(s.name.clone())];
            match &s.party_vote {
                None => r.extend(std::iter::repeat_n(Cell::Empty, columns.len() - 1)),
                Some(v) => {
                    r.extend([n(v.due), n(v.present), pct(v.present, v.due)]);
                    for c in channels {
                        let k = v
                            .nominees_by_channel
                            .iter()
                            .find(|(q, _)| q == c)
                            .map_or(0, |x| x.1);
                        r.push(n(k));
                    }
                    r.push(n(v.nominees));
                    r.push(n(v.p3_participants));
                }
            }
            r
        })
        .collect();
    Table::new("党组织选举", columns, rows)
}

fn makeup(
    name: &'static str,
    stats: &[CommunityStats],
    posts: &[&str],
    party_members: bool,
    tenure: bool,
    pick: fn(&CommunityStats) -> &Makeup,
) -> Table {
    let mut columns = vec![col("社区", Kind::Label), col("成员", Kind::Count)];
    for p in posts {
        columns.push(col(*p, Kind::Count));
    }
    let women = columns.len();
    columns.push(col("女性", Kind::Count));
    columns.push(col("女性占比", Kind::Percent { num: women, den: 1 }));
    columns.push(col("平均年龄", Kind::Average { weight: 1 }));
    for b in AGE_BANDS {
        columns.push(col(b, Kind::Count));
    }
    for b in EDUCATION_BANDS {
        columns.push(col(b, Kind::Count));
    }
    if party_members {
        let k = columns.len();
        columns.push(col("中共党员", Kind::Count));
        columns.push(col("党员占比", Kind::Percent { num: k, den: 1 }));
    }
    if tenure {
        columns.push(col("连任", Kind::Count));
        columns.push(col("新任", Kind::Count));
    }
    let rows = stats
        .iter()
        .map(|s| {
            let m = pick(s);
            let mut r = vec![Cell::Text(s.name.clone()), n(m.members)];
            for p in posts {
                r.push(n(m.by_post.iter().find(|(q, _)| q == p).map_or(0, |x| x.1)));
            }
            r.push(n(m.women));
            r.push(pct(m.women, m.members));
            r.push(if m.aged == 0 {
                Cell::Empty
            } else {
                Cell::Num(f64::from(m.age_sum) / f64::from(m.aged))
            });
            let at = |v: &[u32], i: usize| n(v.get(i).copied().unwrap_or(0));
            r.extend((0..AGE_BANDS.len()).map(|i| at(&m.age_bands, i)));
            r.extend((0..EDUCATION_BANDS.len()).map(|i| at(&m.education, i)));
            if party_members {
                r.push(n(m.party_members));
                r.push(pct(m.party_members, m.members));
            }
            if tenure {
                r.push(n(m.re_elected));
                r.push(n(m.new));
            }
            r
        })
        .collect();
    Table::new(name, columns, rows)
}

fn leadership(stats: &[CommunityStats]) -> Table {
    let columns = vec![
        col("社区", Kind::Label),
        col("书记", Kind::Text),
        col("主任", Kind::Text),
        col("一肩挑", Kind::Flag),
        col("党组织委员会成员", Kind::Count),
        col("交叉任职人数", Kind::Count),
        col("交叉任职占比", Kind::Percent { num: 5, den: 4 }),
    ];
    let rows = stats
        .iter()
        .map(|s| {
            let l = &s.leadership;
            let name = |x: &Option<String>| Cell::Text(x.clone().unwrap_or_default());
            vec![
                Cell::Text(s.name.clone()),
                name(&l.secretary),
                name(&l.director),
                Cell::Text(if l.one_shoulder { "是" } else { "否" }.into()),
                n(s.party.members),
                n(l.cross),
                pct(l.cross, s.party.members),
            ]
        })
        .collect();
    Table::new("一肩挑与交叉任职", columns, rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::statistics::{Leadership, ResidentsVote};

    fn community(name: &str, registered: u32, took: u32, one_shoulder: bool) -> CommunityStats {
        CommunityStats {
            name: name.into(),
            residents_vote: Some(ResidentsVote {
                mode: "全体选民直接选举".into(),
                registered,
                in_person: took,
                rounds: 1,
                ..ResidentsVote::default()
            }),
            leadership: Leadership {
                one_shoulder,
                ..Leadership::default()
            },
            ..CommunityStats::default()
        }
    }

    #[test]
    fn the_total_row_sums_counts_and_recomputes_shares_from_the_summed_columns() {
        let s = [
            community("甲", 100, 90, true),
            community("乙", 300, 150, false),
        ];
        let t = tables(&s, &[]);
        let r = &t[0];
        assert_eq!(r.total[2], Cell::Num(400.0));
        assert_eq!(r.total[3], Cell::Num(240.0));
        // 240 / 400, not the mean of 90% and 50%.
        assert_eq!(r.total[7].show(r.columns[7].kind), "60.0%");
        assert_eq!(r.rows[0][7].show(r.columns[7].kind), "90.0%");
        let l = &t[4];
        assert_eq!(l.total[3], Cell::Num(1.0), "one 一肩挑 counted");
    }

    #[test]
    fn a_community_without_a_closed_election_shows_dashes_and_adds_nothing() {
        let mut s = [
            community("甲", 100, 90, false),
            community("乙", 0, 0, false),
        ];
        s[1].residents_vote = None;
        let t = &tables(&s, &[])[0];
        assert_eq!(t.rows[1][2], Cell::Empty);
        assert_eq!(t.rows[1][2].show(Kind::Count), "—");
        assert_eq!(t.total[2], Cell::Num(100.0));
    }

    #[test]
    fn every_table_has_as_many_cells_per_row_as_columns() {
        let s = [community("甲", 10, 5, false)];
        for t in tables(&s, &["街道党工委推荐", "党员个人自荐"]) {
            for r in t.rows.iter().chain([&t.total]) {
                assert_eq!(r.len(), t.columns.len(), "{}", t.name);
            }
        }
    }
}
