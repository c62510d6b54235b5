//! W-1's reads: the day the new committees were formed (the later of the street's approval of
//! the 书记, P-7, and the publication of the residents' result, R-8), the handover meeting with
//! its stored ten-day check, the checklist, and what still blocks closing.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::checks::CheckView;
use crate::clock::beijing_date;
use crate::db::{Db, Q};
use crate::domain::wrapup::{Tick, category_label, category_rank, checklist_gaps};
use crate::error::AppResult;

/// Rule-check subject of the handover's date (subject id: the campaign).
pub const SUBJECT: &str = "wrapup_handover";

/// When the new committees were formed.
#[derive(Clone, Copy, Debug, Default, Serialize)]
pub struct Formation {
    /// The day the street approved the new 书记 (P-7), China Standard Time.
    pub party: Option<NaiveDate>,
    /// The day the residents' result was published.
    pub residents: Option<NaiveDate>,
}

impl Formation {
    /// The day both committees stood: the later of the two, once both are known.
    pub fn on(&self) -> Option<NaiveDate> {
        Some(self.party?.max(self.residents?))
    }
}

/// The formation of every campaign of `ids` (a comma-separated list of ids, as the dashboard
/// builds it) whose two committees both stand.
pub async fn formations(db: &Db, ids: &str) -> AppResult<HashMap<i64, NaiveDate>> {
    let party: Vec<(i64, DateTime<Utc>)> = Q::new(format!(
        "select campaign_id, decided_at from party_approvals where campaign_id in ({ids}) \
         and post = '书记' and status = 'approved' and decided_at is not null"
    ))
    .all(db)
    .await?;
    let residents: Vec<(i64, NaiveDate)> = Q::new(format!(
        "select campaign_id, published_on from resident_results where campaign_id in ({ids}) and published_on is not null"
    ))
    .all(db)
    .await?;
    let mut out = HashMap::new();
    for (cid, at) in party {
        let f = Formation {
            party: Some(beijing_date(at)),
            residents: residents.iter().find(|r| r.0 == cid).map(|r| r.1),
        };
        if let Some(on) = f.on() {
            out.insert(cid, on);
        }
    }
    Ok(out)
}

/// The formation of one campaign.
pub async fn formation(db: &Db, campaign_id: i64) -> AppResult<Formation> {
    let party: Option<(Option<DateTime<Utc>>,)> = Q::new(
        "select max(decided_at) from party_approvals where campaign_id = $1 and post = '书记' and status = 'approved'",
    )
    .bind(campaign_id)
    .optional(db)
    .await?;
    let residents: Option<(Option<NaiveDate>,)> =
        Q::new("select published_on from resident_results where campaign_id = $1")
            .bind(campaign_id)
            .optional(db)
            .await?;
    Ok(Formation {
        party: party.and_then(|(at,)| at).map(beijing_date),
        residents: residents.and_then(|(d,)| d),
    })
}

/// The handover meeting.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Meeting {
    /// The day it was held.
    pub held_on: NaiveDate,
    /// 交出方.
    pub handed_by: String,
    /// 接收方.
    pub received_by: String,
    /// 监交人.
    pub witnessed_by: String,
}

/// The campaign's handover meeting, if recorded.
pub async fn meeting(db: &Db, campaign_id: i64) -> AppResult<Option<Meeting>> {
    Q::new(
        "select held_on, handed_by, received_by, witnessed_by from wrapup_handovers where campaign_id = $1",
    )
    .bind(campaign_id)
    .optional(db)
    .await
}

/// The stored ten-day check of the meeting's date, with the street's override if any.
pub async fn check(db: &Db, campaign_id: i64) -> AppResult<Option<CheckView>> {
    Ok(crate::checks::of(db, SUBJECT, campaign_id)
        .await?
        .into_iter()
        .next()
        .map(|(id, r)| CheckView::of(id, &r)))
}

/// One item of the checklist.
#[derive(Clone, Debug, sqlx::FromRow, Serialize)]
pub struct Item {
    /// Id.
    pub id: i64,
    /// Category code (see `domain::wrapup::CATEGORIES`).
    pub category: String,
    /// Its name (a seal, a volume, an account …).
    pub name: String,
    /// Quantity, volumes, balance or description.
    pub quantity: String,
    /// Ticked by the handing-over side.
    pub handed: bool,
    /// Ticked by the receiving side.
    pub received: bool,
}

impl Item {
    /// The category's label.
    pub fn category_label(&self) -> &'static str {
        category_label(&self.category)
    }
}

/// The checklist, by category in the list's order, then as added.
pub async fn items(db: &Db, campaign_id: i64) -> AppResult<Vec<Item>> {
    let mut list: Vec<(i64, Item)> = Q::new(
        "select position, id, category, name, quantity, handed, received from wrapup_handover_items where campaign_id = $1",
    )
    .bind(campaign_id)
    .all::<ItemRow>(db)
    .await?
    .into_iter()
    .map(|r| (r.position, r.item))
    .collect();
    list.sort_by_key(|(pos, i)| (category_rank(&i.category), *pos, i.id));
    Ok(list.into_iter().map(|(_, i)| i).collect())
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    position: i64,
    #[sqlx(flatten)]
    item: Item,
}

/// One item of the campaign, or `None`.
pub async fn item(db: &Db, campaign_id: i64, id: i64) -> AppResult<Option<Item>> {
    Q::new(
        "select id, category, name, quantity, handed, received from wrapup_handover_items where id = $1 and campaign_id = $2",
    )
    .bind(id)
    .bind(campaign_id)
    .optional(db)
    .await
}

/// What W-1 still lacks, one Chinese sentence each with its numbers (empty: it may close).
pub async fn blockers(db: &Db, campaign_id: i64) -> AppResult<Vec<String>> {
    let mut out = Vec::new();
    match (
        meeting(db, campaign_id).await?,
        check(db, campaign_id).await?,
    ) {
        (None, _) | (Some(_), None) => {
            out.push("尚未登记交接会（日期、交出方、接收方、监交人）".to_owned())
        }
        (Some(_), Some(k)) if !k.satisfied => out.push(format!(
            "交接会未在新班子产生后 10 日内召开：{}（街道工作组可写明理由批准）",
            k.message
        )),
        _ => {}
    }
    let items = items(db, campaign_id).await?;
    let ticks: Vec<Tick> = items
        .iter()
        .map(|i| Tick {
            category: &i.category,
            name: &i.name,
            handed: i.handed,
            received: i.received,
        })
        .collect();
    out.extend(checklist_gaps(&ticks));
    Ok(out)
}
