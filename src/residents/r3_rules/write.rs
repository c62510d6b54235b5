//! R-3 选举办法: the rules document with its settings (stored as JSON), its adoption by the
//! representatives' meeting, and the overview of R-1 … R-8 with what blocks the next step.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::audit;
use crate::auth::Ctx;
use crate::campaigns::{self, Campaign, Step};
use crate::communities::Community;
use crate::db::{Db, Q};
use crate::domain::residents::{ElectionRules, Seats, check_adoption};
use crate::domain::rules::RuleCheck;
use crate::error::{AppError, AppResult};
use crate::residents::setup::require_open;
use crate::residents::store::{self, CheckView, GroupRow, SEATS_SUBJECT};
use crate::state::AppState;

/// Rule-check subject of the rules' adoption, id = the campaign.
pub const ADOPTION_SUBJECT: &str = "residents_rules";

/// The rules document and its settings (seats are taken from C-2).
#[derive(Clone, Debug, Deserialize)]
pub struct RulesInput {
    /// The text.
    pub body: String,
    /// The settings (defaults where absent).
    #[serde(default)]
    pub settings: ElectionRules,
}

/// Stores the rules (R-3 open, not yet adopted).
pub async fn set_rules(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &RulesInput,
) -> AppResult<ElectionRules> {
    require_open(state, c, "R-3").await?;
    if store::rules(&state.db, c.id)
        .await?
        .is_some_and(|r| r.adopted_at.is_some())
    {
        return Err(AppError::conflict(
            "选举办法已经居民代表会议通过，不能再修改。",
        ));
    }
    let body = f.body.trim();
    if body.is_empty() {
        return Err(AppError::invalid("选举办法", "选举办法正文不能为空"));
    }
    let mut settings = f.settings.clone();
    settings.seats = store::seats(&state.db, c.id).await?.0;
    // Voters registered under one mode and list period keep them: the electorate follows them.
    let old = store::rules(&state.db, c.id)
        .await?
        .map(|r| r.settings)
        .unwrap_or_default();
    if old.mode != settings.mode || old.voter_list_days != settings.voter_list_days {
        let registered = Q::new("select count(*) from resident_voters where campaign_id = $1")
            .bind(c.id)
            .scalar(&state.db)
            .await?;
        if registered > 0 {
            return Err(AppError::conflict(format!(
                "已按“{}”登记选民 {registered} 名，选举方式和选民名单公布天数不能再修改。",
                old.mode.label()
            )));
        }
    }
    if settings.proxy_limit == 0 {
        return Err(AppError::invalid("委托投票", "每人接受委托不能少于 1 人"));
    }
    let json = serde_json::to_string(&settings).map_err(|e| AppError::internal(e.to_string()))?;
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    Q::new("insert into residents_rules (campaign_id, body, settings, created_at, updated_at) values ($1, $2, $3, $4, $4) \
            on conflict (campaign_id) do update set body = excluded.body, settings = excluded.settings, updated_at = excluded.updated_at")
        .bind(c.id)
        .bind(body)
        .bind(json)
        .bind(now)
        .execute(&mut tx)
        .await?;
    audit::record(
        &mut tx,
        ctx,
        community,
        ("set", "residents_rules", c.id.to_string()),
        json!({"settings": settings}),
    )
    .await?;
    tx.commit().await?;
    Ok(settings)
}

/// The representatives' meeting's vote on the rules.
#[derive(Clone, Debug, Deserialize)]
pub struct AdoptInput {
    /// Meeting day.
    pub meeting_date: NaiveDate,
    /// Representatives attending.
    pub attending: i64,
    /// Votes for.
    pub votes_for: i64,
    /// Votes against.
    #[serde(default)]
    pub votes_against: i64,
}

/// Records the vote; adopted (R-3 done) only when more than half of those attending vote for.
pub async fn adopt(
    state: &AppState,
    ctx: &Ctx,
    c: &Campaign,
    community: &Community,
    f: &AdoptInput,
) -> AppResult<RuleCheck> {
    require_open(state, c, "R-3").await?;
    let Some(rules) = store::rules(&state.db, c.id).await? else {
        return Err(AppError::conflict("尚未起草选举办法。"));
    };
    if rules.adopted_at.is_some() {
        return Err(AppError::conflict("选举办法已经通过。"));
    }
    let seats = store::checks(&state.db, SEATS_SUBJECT, c.id).await?;
    if seats.iter().any(|k| !k.satisfied) {
        return Err(AppError::conflict(
            "委员会职数（C-2）未通过核对，须先更正或由街道工作组批准放宽。",
        ));
    }
    let reps = Q::new("select count(*) from residents_representatives where campaign_id = $1")
        .bind(c.id)
        .scalar(&state.db)
        .await?;
    let quorum = crate::plan::settings(&state.db).await?.r3_quorum;
    let check = check_adoption(quorum, reps, f.attending, f.votes_for, f.votes_against);
    let now = crate::now();
    let mut tx = state.db.begin().await?;
    Q::new("update residents_rules set meeting_date = $1, representatives = $2, attending = $3, votes_for = $4, votes_against = $5, \
            adopted_at = $6, updated_at = $7 where campaign_id = $8")
        .bind(f.meeting_date)
        .bind(reps)
        .bind(f.attending)
        .bind(f.votes_for)
        .bind(f.votes_against)
        .bind(crate::db::Val::Time(check.passed.then_some(now)))
        .bind(now)
        .bind(c.id)
        .execute(&mut tx)
        .await?;
    crate::checks::save(&mut tx, ADOPTION_SUBJECT, c.id, &check).await?;
    let after = json!({"meeting_date": f.meeting_date, "attending": f.attending, "for": f.votes_for, "against": f.votes_against, "adopted": check.passed});
    audit::record(
        &mut tx,
        ctx,
        community,
        ("vote", "residents_rules", c.id.to_string()),
        after,
    )
    .await?;
    if check.passed {
        let closed = json!({"done_at": now, "adopted": true});
        crate::steps::close(&mut tx, ctx, c, community, "R-3", closed).await?;
    }
    tx.commit().await?;
    Ok(check)
}

/// A step of R-1 … R-8 with its status.
#[derive(Clone, Debug, Serialize)]
pub struct StepRow {
    /// The plan's step.
    #[serde(flatten)]
    pub step: Step,
    /// 已完成 | 进行中 | 未开始.
    pub status: &'static str,
}

/// The overview: steps, seats with their check, and what blocks the next step.
#[derive(Clone, Debug, Serialize)]
pub struct Overview {
    /// R-1 … R-8.
    pub steps: Vec<StepRow>,
    /// Seats (C-2), default when not set.
    pub seats: Seats,
    /// Whether seats were set.
    pub seats_set: bool,
    /// The seats' check.
    pub seats_check: Option<CheckView>,
    /// Sentences naming what blocks the next step.
    pub blockers: Vec<String>,
}

fn blockers_r1(groups: &[GroupRow]) -> Vec<String> {
    if groups.is_empty() {
        return vec!["本社区尚未登记居民小组。".into()];
    }
    groups
        .iter()
        .filter(|g| !g.satisfied())
        .map(|g| {
            format!(
                "{}有居民代表 {} 名，应为 2–3 名。",
                g.name,
                g.representatives.len()
            )
        })
        .collect()
}

/// The overview of the residents' pipeline.
pub async fn overview(db: &Db, c: &Campaign) -> AppResult<Overview> {
    let all = campaigns::steps(db, c.id).await?;
    let progress = crate::steps::Progress::load(db, c.id).await?;
    let steps: Vec<StepRow> = all
        .into_iter()
        .filter(|s| s.code.starts_with("R-"))
        .map(|s| StepRow {
            status: progress.state(&s.code).zh(),
            step: s,
        })
        .collect();
    let (seats, seats_set) = store::seats(db, c.id).await?;
    let seats_check = store::checks(db, SEATS_SUBJECT, c.id)
        .await?
        .into_iter()
        .next();
    let mut blockers = Vec::new();
    if !seats_set {
        blockers.push(format!(
            "尚未确定委员会职数（C-2），暂按默认 {} 名。",
            seats.total()
        ));
    } else if let Some(k) = seats_check.as_ref().filter(|k| !k.satisfied) {
        blockers.push(k.message.clone());
    }
    let current = steps
        .iter()
        .find(|s| s.step.done_at.is_none())
        .map(|s| s.step.code.clone());
    match current.as_deref() {
        Some("R-1") => blockers.extend(blockers_r1(&store::groups(db, c).await?)),
        Some("R-2") => {
            let k = store::checks(db, store::COMMITTEE_SUBJECT, c.id).await?;
            if k.is_empty() {
                blockers.push("居民选举委员会尚未组成（应为 5–9 人，主任 1 人）。".into());
            }
            blockers.extend(k.into_iter().filter(|k| !k.satisfied).map(|k| k.message));
        }
        Some("R-3") => match store::rules(db, c.id).await? {
            None => blockers.push("尚未起草选举办法。".into()),
            Some(r) if r.adopted_at.is_none() => blockers
                .push("选举办法尚未经居民代表会议通过（赞成票须超过到会居民代表的半数）。".into()),
            _ => {}
        },
        Some("R-7") => blockers.extend(crate::residents::r7_election::read::blockers(db, c).await?),
        Some("R-8") => blockers.extend(crate::residents::r8_results::write::blockers(db, c).await?),
        _ => {}
    }
    blockers
        .extend(crate::residents::r5_nominees::close::blockers(db, c, current.as_deref()).await?);
    Ok(Overview {
        steps,
        seats,
        seats_set,
        seats_check,
        blockers,
    })
}
