//! Loading the dashboard (S-4) for every community at once: a fixed number of queries whatever
//! the number of communities (latest campaign each, their steps and early openings, the figures
//! the explanations quote, this week's meetings and votes, open objections), then the pure
//! matrix of [`super::matrix`].

use std::collections::HashMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use serde::Serialize;

use super::matrix::{self, Cell, CellState, Deadline, RowInput, Window};
use crate::campaigns::{COLS, Campaign};
use crate::communities::Community;
use crate::db::{Db, Q};
use crate::domain::procedure;
use crate::error::AppResult;
use crate::steps::Progress;

/// One community's row.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// The community.
    pub community: Community,
    /// Its latest campaign (id, year and term), if any.
    pub campaign: Option<Campaign>,
    /// The street cadre assigned to it (联系领导 / 指导员), empty when none.
    pub liaison: String,
    /// The cells, in the matrix's column order (empty without a campaign).
    pub cells: Vec<Cell>,
    /// For each pipeline, the next thing to do: its first step not closed, with why.
    pub next: Vec<Next>,
}

impl Row {
    /// How many of its cells are overdue.
    pub fn overdue(&self) -> usize {
        self.cells.iter().filter(|c| c.overdue).count()
    }
}

/// A pipeline's next step for one community.
#[derive(Clone, Debug, Serialize)]
pub struct Next {
    /// 党组织换届, 居委会换届, 总结完善.
    pub pipeline: &'static str,
    /// The cell of its first step not closed.
    pub cell: Cell,
    /// The step's name.
    pub name: &'static str,
}

/// A meeting of this week, with its votes.
#[derive(Clone, Debug, Serialize)]
pub struct MeetingLine {
    /// Id.
    pub id: i64,
    /// Its community's name.
    pub community: String,
    /// Its community's code.
    pub community_code: String,
    /// Title.
    pub title: String,
    /// Day.
    pub date: NaiveDate,
    /// Whether it is today.
    pub today: bool,
    /// Its votes.
    pub votes: Vec<VoteLine>,
}

/// A vote of a meeting this week.
#[derive(Clone, Debug, Serialize)]
pub struct VoteLine {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// State label.
    pub state: &'static str,
    /// Ballots are being entered: the console and the projector are live.
    pub counting: bool,
}

/// An objection raised in a 公示 and not yet answered.
#[derive(Clone, Debug, Serialize)]
pub struct ObjectionLine {
    /// Its community's name.
    pub community: String,
    /// The step's page where it is answered.
    pub href: String,
    /// The step (`P-2`, `P-4`).
    pub step: String,
    /// Raised on.
    pub raised: NaiveDate,
}

/// The counts above the matrix.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Totals {
    /// Communities.
    pub communities: usize,
    /// Communities whose Party pipeline is complete (P-7 closed).
    pub party_done: usize,
    /// Communities whose residents' pipeline is complete (R-8 closed).
    pub residents_done: usize,
    /// Registered voters (current lists) over every community.
    pub voters: i64,
    /// Voters who took part, where voting has begun.
    pub took_part: i64,
    /// Registered voters of the communities where voting has begun.
    pub voters_voting: i64,
    /// Communities with an overdue step.
    pub overdue: usize,
}

impl Totals {
    /// Turnout so far, as `87.5%`, or `—` before any vote.
    pub fn turnout(&self) -> String {
        if self.voters_voting == 0 {
            "—".to_owned()
        } else {
            format!(
                "{:.1}%",
                self.took_part as f64 * 100.0 / self.voters_voting as f64
            )
        }
    }
}

/// Everything the dashboard shows.
#[derive(Clone, Debug, Serialize)]
pub struct Board {
    /// Today (China Standard Time).
    pub today: NaiveDate,
    /// The campaign year.
    pub year: i64,
    /// The phase the plan places today in.
    pub phase: String,
    /// One row per community.
    pub rows: Vec<Row>,
    /// This week's meetings (Monday to Sunday), today's marked.
    pub meetings: Vec<MeetingLine>,
    /// Objections not yet answered.
    pub objections: Vec<ObjectionLine>,
    /// The counts.
    pub totals: Totals,
}

type Figures = HashMap<&'static str, Vec<String>>;

/// A campaign step's row: campaign, code, planned start and end, when it closed.
type StepRow = (i64, String, NaiveDate, NaiveDate, Option<DateTime<Utc>>);

fn ids_list(ids: &[i64]) -> String {
    if ids.is_empty() {
        "0".to_owned()
    } else {
        ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
    }
}

fn pct(n: i64, of: i64) -> String {
    if of == 0 {
        "—".to_owned()
    } else {
        format!("{:.1}%", n as f64 * 100.0 / of as f64)
    }
}

/// Loads the board for `communities` (the caller's visible ones, in order).
pub async fn board(db: &Db, communities: Vec<Community>, today: NaiveDate) -> AppResult<Board> {
    let year = crate::street_steps::year(db, today).await?;
    let campaigns: Vec<Campaign> = Q::new(format!(
        "select {COLS} from campaigns order by community_id, year desc, id desc"
    ))
    .all(db)
    .await?;
    let mut latest: HashMap<i64, Campaign> = HashMap::new();
    for c in campaigns {
        latest.entry(c.community_id).or_insert(c);
    }
    let shown: Vec<i64> = communities
        .iter()
        .filter_map(|c| latest.get(&c.id).map(|k| k.id))
        .collect();
    let ids = ids_list(&shown);
    let steps: Vec<StepRow> =
        Q::new(format!(
            "select campaign_id, code, start_date, end_date, done_at from campaign_steps where campaign_id in ({ids})"
        ))
        .all(db)
        .await?;
    let early: Vec<(i64, String, String)> = Q::new(format!(
        "select campaign_id, step, reason from party_step_overrides where campaign_id in ({ids}) \
         union all select campaign_id, step, reason from residents_step_overrides where campaign_id in ({ids})"
    ))
    .all(db)
    .await?;
    let figures = figures(db, &ids).await?;
    let formed = crate::wrapup::handover::read::formations(db, &ids).await?;
    let liaisons = crate::dashboard::liaisons(db).await?;

    let mut windows: HashMap<i64, HashMap<String, Window>> = HashMap::new();
    let mut done: HashMap<i64, Vec<(String, DateTime<Utc>)>> = HashMap::new();
    for (cid, code, start, end, at) in steps {
        windows
            .entry(cid)
            .or_default()
            .insert(code.clone(), Window { start, end });
        if let Some(at) = at {
            done.entry(cid).or_default().push((code, at));
        }
    }
    let mut opened: HashMap<i64, Vec<(String, String)>> = HashMap::new();
    for (cid, step, reason) in early {
        opened.entry(cid).or_default().push((step, reason));
    }

    let mut totals = Totals {
        communities: communities.len(),
        ..Totals::default()
    };
    let empty_figures = Figures::new();
    let mut rows = Vec::with_capacity(communities.len());
    for community in communities {
        let campaign = latest.get(&community.id).cloned();
        let (cells, next) = match &campaign {
            None => (Vec::new(), Vec::new()),
            Some(c) => {
                let progress = Progress::from_rows(
                    done.remove(&c.id).unwrap_or_default(),
                    opened.remove(&c.id).unwrap_or_default(),
                );
                let no_windows = HashMap::new();
                let code = community.code.clone();
                let href = move |s: &str| crate::steps::href(&code, c.id, s);
                let deadlines = deadlines(formed.get(&c.id).copied());
                let input = RowInput {
                    progress: &progress,
                    windows: windows.get(&c.id).unwrap_or(&no_windows),
                    figures: figures.per_campaign.get(&c.id).unwrap_or(&empty_figures),
                    deadlines: &deadlines,
                    today,
                    href: &href,
                };
                let cells = matrix::row(&input);
                let next = next_steps(&cells);
                (cells, next)
            }
        };
        let closed = |code: &str| {
            cells
                .iter()
                .any(|c| c.code == code && c.state == CellState::Done)
        };
        totals.party_done += usize::from(closed("P-7"));
        totals.residents_done += usize::from(closed("R-8"));
        if let Some(c) = &campaign {
            let voters = figures.voters.get(&c.id).copied().unwrap_or(0);
            totals.voters += voters;
            if let Some(n) = figures.took_part.get(&c.id) {
                totals.took_part += n;
                totals.voters_voting += voters;
            }
        }
        let row = Row {
            liaison: liaisons.get(&community.id).cloned().unwrap_or_default(),
            community,
            campaign,
            cells,
            next,
        };
        totals.overdue += usize::from(row.overdue() > 0);
        rows.push(row);
    }
    let visible: HashMap<i64, (String, String)> = rows
        .iter()
        .map(|r| {
            (
                r.community.id,
                (r.community.name.clone(), r.community.code.clone()),
            )
        })
        .collect();
    let meetings = week_meetings(db, today, &visible).await?;
    let objections = open_objections(db, &ids, &rows).await?;
    let phase = phase(db, year, today).await?;
    Ok(Board {
        today,
        year,
        phase,
        rows,
        meetings,
        objections,
        totals,
    })
}

/// The deadlines a rule sets for a campaign's steps: W-1's handover within ten days after the
/// new committees were formed (`formed`), once they are.
fn deadlines(formed: Option<NaiveDate>) -> HashMap<&'static str, Deadline> {
    use crate::domain::wrapup::{HANDOVER_DAYS, handover_deadline, month_day};
    formed
        .map(|f| {
            let why = format!(
                "新班子于 {} 产生，交接会须在 {HANDOVER_DAYS} 日内召开",
                month_day(f)
            );
            (
                "W-1",
                Deadline {
                    due: handover_deadline(f),
                    why,
                },
            )
        })
        .into_iter()
        .collect()
}

/// For each pipeline, its first step not closed (none once all are).
pub fn next_steps(cells: &[Cell]) -> Vec<Next> {
    use procedure::Pipeline::{Party, Residents, WrapUp};
    [Party, Residents, WrapUp]
        .into_iter()
        .filter_map(|p| {
            let step = procedure::STEPS
                .iter()
                .filter(|s| s.pipeline == p)
                .find(|s| {
                    cells
                        .iter()
                        .any(|c| c.code == s.code && c.state != CellState::Done)
                })?;
            let cell = cells.iter().find(|c| c.code == step.code)?.clone();
            Some(Next {
                pipeline: p.zh(),
                cell,
                name: step.name,
            })
        })
        .collect()
}

/// The figures the explanations quote, per campaign and step, and the voters' counts.
struct AllFigures {
    per_campaign: HashMap<i64, Figures>,
    voters: HashMap<i64, i64>,
    took_part: HashMap<i64, i64>,
}

async fn figures(db: &Db, ids: &str) -> AppResult<AllFigures> {
    let mut per: HashMap<i64, Figures> = HashMap::new();
    let mut add = |cid: i64, step: &'static str, text: String| {
        per.entry(cid)
            .or_default()
            .entry(step)
            .or_default()
            .push(text);
    };
    let noms: Vec<(i64, i64, i64)> = Q::new(format!(
        "select campaign_id, count(*), coalesce(sum(case when decision is not null then 1 else 0 end), 0) \
         from party_nominations where campaign_id in ({ids}) group by campaign_id"
    ))
    .all(db)
    .await?;
    for (cid, n, decided) in noms {
        add(cid, "P-1", format!("已有推荐 {n} 项"));
        add(cid, "P-2", format!("已审查 {decided} / {n} 项"));
    }
    let objections: Vec<(i64, String, i64)> = Q::new(format!(
        "select p.campaign_id, p.step, count(*) from party_objections o join party_publicities p on p.id = o.publicity_id \
         where p.campaign_id in ({ids}) and o.answer is null group by p.campaign_id, p.step"
    ))
    .all(db)
    .await?;
    for (cid, step, n) in objections {
        let step = if step.eq_ignore_ascii_case("P-4") {
            "P-4"
        } else {
            "P-2"
        };
        add(cid, step, format!("公示期间的异议 {n} 项尚未答复"));
    }
    let rec: Vec<(i64, i64)> = Q::new(format!(
        "select campaign_id, committee_member + party_representative + resident_representative + unit_representative \
         + party_congress_deputy + npc_deputy + cppcc_member from party_recommend_meetings where campaign_id in ({ids})"
    ))
    .all(db)
    .await?;
    for (cid, n) in rec {
        add(cid, "P-3", format!("推荐会参加 {n} 人"));
    }
    let reps: Vec<(i64, i64)> = Q::new(format!(
        "select campaign_id, count(*) from residents_representatives where campaign_id in ({ids}) group by campaign_id"
    ))
    .all(db)
    .await?;
    for (cid, n) in reps {
        add(cid, "R-1", format!("已推选居民代表 {n} 名"));
    }
    let voters: HashMap<i64, i64> = Q::new(format!(
        "select campaign_id, count(*) from resident_voters where campaign_id in ({ids}) and removed = $1 group by campaign_id"
    ))
    .bind(false)
    .all::<(i64, i64)>(db)
    .await?
    .into_iter()
    .collect();
    for (cid, n) in &voters {
        add(*cid, "R-4", format!("已登记选民 {n} 人"));
    }
    let nominees: Vec<(i64, i64)> = Q::new(format!(
        "select campaign_id, count(*) from resident_nominees where campaign_id in ({ids}) and withdrawn = $1 group by campaign_id"
    ))
    .bind(false)
    .all(db)
    .await?;
    for (cid, n) in nominees {
        add(cid, "R-5", format!("被提名 {n} 人次"));
    }
    let checklist: Vec<(i64, i64, i64)> = Q::new(format!(
        "select campaign_id, count(*), coalesce(sum(case when handed = $1 and received = $1 then 1 else 0 end), 0) \
         from wrapup_handover_items where campaign_id in ({ids}) group by campaign_id"
    ))
    .bind(true)
    .all(db)
    .await?;
    for (cid, n, both) in checklist {
        add(
            cid,
            "W-1",
            format!("交接清单 {n} 项，双方均已确认 {both} 项"),
        );
    }
    let took_part: HashMap<i64, i64> = Q::new(format!(
        "select campaign_id, count(*) from resident_participations where campaign_id in ({ids}) group by campaign_id"
    ))
    .all::<(i64, i64)>(db)
    .await?
    .into_iter()
    .collect();
    for (cid, n) in &took_part {
        let of = voters.get(cid).copied().unwrap_or(0);
        add(
            *cid,
            "R-7",
            format!("参加投票 {n} / {of} 人（{}）", pct(*n, of)),
        );
    }
    Ok(AllFigures {
        per_campaign: per,
        voters,
        took_part,
    })
}

async fn week_meetings(
    db: &Db,
    today: NaiveDate,
    visible: &HashMap<i64, (String, String)>,
) -> AppResult<Vec<MeetingLine>> {
    let monday = today - Duration::days(today.weekday().num_days_from_monday() as i64);
    let sunday = monday + Duration::days(6);
    let rows: Vec<(i64, i64, String, NaiveDate)> = Q::new(
        "select id, community_id, title, date from meetings where date >= $1 and date <= $2 order by date, id",
    )
    .bind(monday)
    .bind(sunday)
    .all(db)
    .await?;
    let rows: Vec<_> = rows
        .into_iter()
        .filter(|r| visible.contains_key(&r.1))
        .collect();
    let ids = ids_list(&rows.iter().map(|r| r.0).collect::<Vec<_>>());
    let votes: Vec<(i64, i64, String, String)> = Q::new(format!(
        "select meeting_id, id, title, state from votes where meeting_id in ({ids}) order by id"
    ))
    .all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, cid, title, date)| {
            let (community, community_code) = visible.get(&cid).cloned().unwrap_or_default();
            MeetingLine {
                id,
                community,
                community_code,
                title,
                date,
                today: date == today,
                votes: votes
                    .iter()
                    .filter(|v| v.0 == id)
                    .map(|(_, vid, title, st)| VoteLine {
                        id: *vid,
                        title: title.clone(),
                        state: crate::domain::counting::VoteState::parse(st)
                            .map(|s| s.label())
                            .unwrap_or("未知"),
                        counting: st == "counting",
                    })
                    .collect(),
            }
        })
        .collect())
}

async fn open_objections(db: &Db, ids: &str, rows: &[Row]) -> AppResult<Vec<ObjectionLine>> {
    let found: Vec<(i64, String, DateTime<Utc>)> = Q::new(format!(
        "select p.campaign_id, p.step, o.created_at from party_objections o join party_publicities p on p.id = o.publicity_id \
         where p.campaign_id in ({ids}) and o.answer is null order by o.created_at"
    ))
    .all(db)
    .await?;
    Ok(found
        .into_iter()
        .filter_map(|(cid, step, at)| {
            let row = rows
                .iter()
                .find(|r| r.campaign.as_ref().is_some_and(|c| c.id == cid))?;
            let step = step.to_uppercase();
            Some(ObjectionLine {
                community: row.community.name.clone(),
                href: crate::steps::href(&row.community.code, cid, &step),
                step,
                raised: crate::clock::beijing_date(at),
            })
        })
        .collect())
}

async fn phase(db: &Db, year: i64, today: NaiveDate) -> AppResult<String> {
    let rows: Vec<(String, String, String, String)> = Q::new(
        "select code, title, start_md, end_md from plan_steps where code = phase order by sort",
    )
    .all(db)
    .await?;
    let y = year as i32;
    let phases: Vec<(String, String, Window)> = rows
        .into_iter()
        .filter_map(|(code, title, s, e)| {
            let start = crate::domain::plan::on_year(&s, y)?;
            let end = crate::domain::plan::on_year(&e, y)?;
            Some((code, title, Window { start, end }))
        })
        .collect();
    Ok(matrix::phase_of(&phases, today))
}
